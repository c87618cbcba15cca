#!/bin/sh
# Incremental builds (.loa-cache/): after each of a series of random edits
# (bodies, titles, tags, new and deleted articles, the school page, the
# configuration, a plan's activity), the incremental build's output is
# identical, byte for byte, to a full build with no cache; an edited body
# re-renders only its own page; a rebuild with nothing changed leaves the
# site as it was; time passing the next change rebuilds; a build killed
# midway leaves a cache the next build can use.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
for i in 1 2 3 4 5 6; do
	write "$S/content/news/dong-thai/bai-$i.md" <<MD
---
title: "Bài số $i về hoạt động của trẻ"
date: 2023-04-0$i
tags: ["hoạt động", "nhóm $((i % 3))"]
---
Đoạn mở đầu của bài $i.

Đoạn thứ hai của bài $i.
MD
done
commit "$S" "2023-04-10T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Thêm bài"

inc_setup

build_inc
check "first build publishes" test -f "$INC/index.html"
check "the cache is beside the output" test -d "$TMP/inc/.loa-cache/render/public/objects"
same_as_full "first build is a full build"

# a deterministic series of edits: every kind, twice, in a shuffled order
n=0
for kind in 0 3 1 5 2 7 4 6 0 2 1 3 5 4 6 7; do
	n=$((n + 1))
	a=$(( (n * 7) % 6 + 1 ))
	f="$S/content/news/dong-thai/bai-$a.md"
	[ -f "$f" ] || f="$S/content/news/dong-thai/bua-an.md"
	case $kind in
	0) printf '\nMột đoạn thêm ở lần sửa %s.\n' "$n" >> "$f" ;;
	1) sed -i "s/^title: .*/title: \"Tiêu đề mới lần $n\"/" "$f" ;;
	2) write "$S/content/news/dong-thai/moi-$n.md" <<MD
---
title: "Bài mới lần $n"
date: 2023-05-0$((n % 9 + 1))
tags: ["hoạt động"]
---
Nội dung mới.
MD
	   ;;
	3) rm -f "$S/content/news/dong-thai/moi-"*.md "$f" ;;
	4) sed -i "s/^tags: .*/tags: [\"chủ đề $n\"]/" "$f" ;;
	5) printf '\nTrường cập nhật lần %s.\n' "$n" >> "$S/content/schools/dong-thai.md" ;;
	6) sed -i "s/^title: .*/title: \"Trang thử lần $n\"/" "$S/site.yaml" ;;
	7) sed -i "s/due: 2023-0[0-9]/due: 2023-0$((n % 4 + 5))/" "$S/content/plans/ke-hoach-175.md" ;;
	esac
	commit "$S" "2023-04-$((10 + n))T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sửa $n"
	build_inc
	same_as_full "edit $n (kind $kind): incremental equals full"
done

# an edited body re-renders its own page only
printf '\nĐoạn cuối.\n' >> "$S/content/news/an-duong/hoi-thao.md"
commit "$S" "2023-05-01T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" "Sửa thân bài"
build_inc
set -- $(inc_cached)
check "body edit: all pages but one from the cache ($1 of $2)" test "$1" -eq $(($2 - 1))
check "body edit: the summary counts them" grep -q "loa: $1 pages from the cache" "$TMP/inc.log"
same_as_full "body edit: incremental equals full"

# nothing changed: the site is left as it was, with the same outcome
ino=$(stat -c %i "$INC")
cp "$TMP/inc.out" "$TMP/before.out"
grep -v 'timing' "$TMP/inc.log" | grep -v '^loa: ' > "$TMP/before.diags"
build_inc
status=$?
check "no change: exit status 0" test "$status" -eq 0
check "no change: the output folder is untouched" test "$(stat -c %i "$INC")" = "$ino"
check "no change: nothing rendered" sh -c "! grep -q 'timing: render' '$TMP/inc.log'"
check "no change: the summary says so" grep -q 'nothing changed, left as it was' "$TMP/inc.log"
"$LOA" build --allow-removal --repo "$S" --out "$INC" --now "$NOW" --format json > "$TMP/nc.json" 2> /dev/null
check "no change: JSON up_to_date" grep -q '"up_to_date":true' "$TMP/nc.json"
grep -v 'timing' "$TMP/inc.log" | grep -v '^loa: ' > "$TMP/after.diags"
check "no change: the same diagnostics" cmp -s "$TMP/before.diags" "$TMP/after.diags"

# a future article: the record holds until its date, then the site changes
write "$S/content/news/dong-thai/hen-gio.md" <<'MD'
---
title: "Bài hẹn giờ"
date: 2023-06-01
---
Sẽ đăng sau.
MD
commit "$S" "2023-05-02T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Hẹn giờ"
build_inc 2023-05-20
check "future article: not yet published" test ! -e "$INC/tin-tuc/dong-thai/bai-hen-gio/index.html"
build_inc 2023-05-20T08:00:00
ino=$(stat -c %i "$INC")
build_inc 2023-05-20T20:00:00
check "later the same day, before the next change: still up to date" test "$(stat -c %i "$INC")" = "$ino"
# a new day: the plugins run again, but pages that do not show the day
# come from the cache
build_inc 2023-05-21
set -- $(inc_cached)
check "a new day: rebuilt" test "$(stat -c %i "$INC")" != "$ino"
check "a new day: most pages from the cache ($1 of $2)" test $(($1 * 10)) -ge $(($2 * 9))
same_as_full "a new day: incremental equals full" 2023-05-21
ino=$(stat -c %i "$INC")
build_inc 2023-06-02
check "after the next change: rebuilt" test "$(stat -c %i "$INC")" != "$ino"
check "after the next change: the article is out" sh -c "grep -rq 'Bài hẹn giờ' '$INC/tin-tuc'"
same_as_full "after the next change: incremental equals full" 2023-06-02

# a build killed at random points leaves a cache the next build can use
printf '\nSửa trước khi dừng.\n' >> "$S/content/news/dong-thai/bua-an.md"
commit "$S" "2023-05-03T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Dừng"
for delay in 0.02 0.05 0.1 0.15; do
	"$LOA" build --allow-removal --repo "$S" --out "$INC" --now 2023-06-02 > /dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
done
build_inc 2023-06-02
same_as_full "after killed builds: incremental equals full" 2023-06-02
check "after killed builds: no temporary file left in the cache" \
	[ -z "$(find "$TMP/inc/.loa-cache" -name '*.tmp-*')" ]
check "after killed builds: no temporary folder left beside the output" \
	[ "$(ls -A "$TMP/inc" | tr '\n' ' ')" = ".loa-cache public " ]

# a theme change re-renders every page
mkdir -p "$S/themes/default/layouts"
cp "$ROOT/themes/default/layouts/base.html" "$S/themes/default/layouts/base.html"
printf '<!-- sửa giao diện -->\n' >> "$S/themes/default/layouts/base.html"
# the site's own theme comes from the commit, like its content
commit "$S" "2023-05-02T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Sửa giao diện"
build_inc 2023-06-02
set -- $(inc_cached)
check "theme change: nothing from the cache ($1 of $2)" test "$1" -eq 0
same_as_full "theme change: incremental equals full" 2023-06-02
check "theme change: the new layout is used" sh -c "grep -rq 'sửa giao diện' '$INC/tin-tuc'"

finish
