# docs/deploy.md's post-receive hook, extracted from the document and
# installed in a bare repository: a push to main publishes the site
# atomically, a push to another branch does not, and the next rebuild is
# scheduled with at(1) (a stub here, recording what it was asked) for the
# build's next_change. Also: docs/loa.1 documents every option of
# `loa --help` and renders without warnings.
. "$(dirname "$0")/lib.sh"
DOC="$ROOT/docs/deploy.md"
BARE="$TMP/srv/trang-tin.git"
export LOA_OUT="$TMP/www/site" LOA_STATE="$TMP/state"
mkdir -p "$TMP/www" "$TMP/bin"
ln -s "$LOA" "$TMP/bin/loa"
# at/atrm stubs: record the request, answer like atd ("job N at …")
cat > "$TMP/bin/at" <<EOF
#!/bin/sh
echo "\$*" >> "$TMP/at.args"
cat >> "$TMP/at.stdin"
echo "warning: commands will be executed using /bin/sh" >&2
echo "job 7 at Thu Dec 31 17:00:00 2098" >&2
EOF
cat > "$TMP/bin/atrm" <<EOF
#!/bin/sh
echo "\$*" >> "$TMP/atrm.args"
EOF
chmod +x "$TMP/bin/at" "$TMP/bin/atrm"
export PATH="$TMP/bin:$PATH"

git init -q --bare -b main "$BARE"
awk '/<!-- test: post-receive -->/ { want = 1; next }
     want && /^```sh$/ { on = 1; next }
     on && /^```$/ { exit }
     on { print }' "$DOC" > "$BARE/hooks/post-receive"
chmod +x "$BARE/hooks/post-receive"
check "the hook is in deploy.md" grep -q 'loa build --repo "$REPO" --ref main --out "$OUT"' "$BARE/hooks/post-receive"
check "the hook is valid sh" sh -n "$BARE/hooks/post-receive"

R="$TMP/site"
basic_site "$R"
write "$R/content/news/dong-thai/nam-moi.md" <<'MD'
---
title: "Chúc mừng năm mới 2099"
date: 2099-01-01
---
Bài hẹn giờ.
MD
commit "$R" "2023-03-03T10:00:00+07:00" "PGD" "pgd@example.vn" "bài hẹn giờ"
git -C "$R" remote add origin "$BARE"
git -C "$R" push -q origin main > "$TMP/push.out" 2>&1
cat "$TMP/push.out"
check "push to main: site published" test -s "$LOA_OUT/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html"
check "push to main: the pusher is told" grep -q "remote: loa: published $LOA_OUT" "$TMP/push.out"
check "last.json: a clean build" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == 0 and d["errors"] == 0 and d["pages"] > 0, d
assert d["next_change"] == "2099-01-01T00:00:00+07:00", d["next_change"]
' "$LOA_STATE/last.json"
check "the next rebuild is scheduled at next_change" grep -qx -- "-t 209812311700.00" "$TMP/at.args"
check "the scheduled job rebuilds with the hook" grep -qx "'$BARE/hooks/post-receive' --rebuild" "$TMP/at.stdin"
check "the job number is kept" grep -qx 7 "$LOA_STATE/at-job"
check "no temporary folder left beside the site" [ "$(ls "$TMP/www")" = site ]

# a push to another branch builds nothing
before=$(stat -c %Y "$LOA_STATE/last.json")
sleep 1
git -C "$R" checkout -q -b truong-a
write "$R/content/news/dong-thai/moi.md" <<'MD'
---
title: "Bài trên nhánh"
date: 2023-03-04
---
Chưa hợp nhất.
MD
commit "$R" "2023-03-04T10:00:00+07:00" "Trường" "x@example.vn" "nhánh"
git -C "$R" push -q origin truong-a > "$TMP/push.out" 2>&1
check "push to a branch: no build" [ "$(stat -c %Y "$LOA_STATE/last.json")" = "$before" ]
check "push to a branch: not published" test ! -e "$LOA_OUT/tin-tuc/dong-thai/bai-tren-nhanh"

# merged into main: published, and the pending job replaced
git -C "$R" checkout -q main
git -C "$R" merge -q --ff-only truong-a
git -C "$R" push -q origin main > "$TMP/push.out" 2>&1
check "merge pushed: the new page is published" test -s "$LOA_OUT/tin-tuc/dong-thai/bai-tren-nhanh/index.html"
check "the previous pending rebuild is cancelled" grep -qx 7 "$TMP/atrm.args"

# a broken article: published without it, the pusher sees file:line
write "$R/content/news/dong-thai/loi.md" <<'MD'
---
title: "Lỗi"
date: 2023-13-01
---
MD
commit "$R" "2023-03-05T10:00:00+07:00" "PGD" "pgd@example.vn" "bài lỗi"
git -C "$R" push -q origin main > "$TMP/push.out" 2>&1
cat "$TMP/push.out"
check "broken article: the pusher sees file:line" grep -q "remote: content/news/dong-thai/loi.md:3:7: error: invalid date" "$TMP/push.out"
check "broken article: the rest is published" grep -q "remote: loa: published $LOA_OUT; some pages were left out" "$TMP/push.out"

# the scheduled job itself: --rebuild builds without reading refs
rm -f "$LOA_STATE/last.json"
(cd "$BARE" && hooks/post-receive --rebuild < /dev/null > "$TMP/rebuild.out" 2>&1)
cat "$TMP/rebuild.out"
check "--rebuild builds" test -s "$LOA_STATE/last.json"
check "--rebuild publishes" grep -q "^loa: published $LOA_OUT" "$TMP/rebuild.out"

# the man page: every option of loa --help is documented, and it renders
"$LOA" --help > "$TMP/help"
grep -o -- '--[a-z][a-z-]*' "$TMP/help" | sort -u > "$TMP/options"
check "loa --help lists options" [ "$(wc -l < "$TMP/options")" -ge 15 ]
missing=""
for o in $(cat "$TMP/options"); do
	man_o=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
	grep -q -- "$man_o" "$ROOT/docs/loa.1" || missing="$missing $o"
done
[ -z "$missing" ] || echo "options missing from docs/loa.1:$missing"
check "every option of loa --help is in loa.1" [ -z "$missing" ]
missing=""
for c in build check review serve new; do
	grep -q "^\.B loa $c" "$ROOT/docs/loa.1" || missing="$missing $c"
done
check "every command is in loa.1" [ -z "$missing" ]
if command -v groff > /dev/null; then
	groff -man -Tutf8 -ww -z "$ROOT/docs/loa.1" > "$TMP/groff.err" 2>&1
	cat "$TMP/groff.err"
	check "loa.1 renders without warnings" [ ! -s "$TMP/groff.err" ]
fi
finish
