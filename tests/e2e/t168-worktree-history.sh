# The work tree's pages take their dates and contributors from git as the
# commit's build does (SPEC: where front matter gives no date/lastmod, the
# first and last commits that touched the file give them): `loa check`,
# `loa serve` and `loa build --worktree` read the files on disk, and a
# file's committed past still gives what its front matter lacks. Before,
# they had no history at all: a plan without a `date` under a `:year`
# permalink was an error in `loa check` although the build published it.
. "$(dirname "$0")/lib.sh"
S="$TMP/site"
basic_site "$S"
cat >> "$S/site.yaml" <<'YAML'
permalinks:
  plan: "/ke-hoach/:year/:filename/"
YAML
write "$S/content/gioi-thieu.md" <<'MD'
---
title: "Giới thiệu"
---
Trang giới thiệu.
MD
commit "$S" "2023-05-10T09:00:00+07:00" "Cô Lan" "lan@dongthai.example.vn" "Giới thiệu"
printf '\nSửa lại.\n' >> "$S/content/gioi-thieu.md"
commit "$S" "2023-06-12T09:00:00+07:00" "Cô Hà" "ha@anduong.example.vn" "Sửa giới thiệu"
cd "$S" || exit 1

# loa check reads the work tree: no error where the commit's build has none
"$LOA" check --lang en > "$TMP/check.out" 2> "$TMP/check.log"
check "check of the work tree: exit 0" [ $? -eq 0 ]
check "the plan without a date is not an error (its year from its commit)" \
	lacks "$TMP/check.log" "':year'"
check "check's summary counts no error" contains "$TMP/check.log" " 0 errors"

# an uncommitted edit: the page shows its body from disk and its dates and
# contributors from its commits, like the commit's build
printf '\nBản nháp chưa commit.\n' >> content/gioi-thieu.md
"$LOA" build --worktree --out "$TMP/wt" --now 2023-07-01 --lang en --quiet 2> "$TMP/wt.log"
check "build --worktree: exit 0" [ $? -eq 0 ]
"$LOA" build --out "$TMP/commit" --now 2023-07-01 --lang en --quiet 2> "$TMP/commit.log"
check "build of the commit: exit 0" [ $? -eq 0 ]
P=gioi-thieu/index.html
check "the work tree's page has the uncommitted text" contains "$TMP/wt/$P" "Bản nháp chưa commit."
check "the commit's page has not" lacks "$TMP/commit/$P" "Bản nháp chưa commit."
check "lastmod from the last commit (work tree)" contains "$TMP/wt/$P" 'datetime="2023-06-12'
check "lastmod from the last commit (commit)" contains "$TMP/commit/$P" 'datetime="2023-06-12'
check "contributors from the commits (work tree)" contains "$TMP/wt/$P" "Cô Hà"
check "both contributors (work tree)" contains "$TMP/wt/$P" "Cô Lan"
check "the plan is published under its commit's year (work tree)" \
	test -f "$TMP/wt/ke-hoach/2023/ke-hoach-175/index.html"
check "and the commit's build agrees" test -f "$TMP/commit/ke-hoach/2023/ke-hoach-175/index.html"

# a file never committed has no past: without a date, its plan has no year
# (the error names it), and the rest of the site still builds
write content/plans/ke-hoach-moi.md <<'MD'
---
title: "Kế hoạch mới"
number: "9/KH-PGD"
---
Chưa có ngày.
MD
"$LOA" check --lang en > "$TMP/check2.out" 2> "$TMP/check2.log"
check "a new plan without a date: check exits 1" [ $? -eq 1 ]
check "the error names the new file" contains "$TMP/check2.log" "content/plans/ke-hoach-moi.md"
check "and only it" [ "$(grep -c "':year'" "$TMP/check2.log")" -eq 1 ]

# a cached work-tree build gives the same site as one without the cache
rm -f content/plans/ke-hoach-moi.md
mkdir -p "$TMP/c"
"$LOA" build --worktree --out "$TMP/c/public" --now 2023-07-01 --lang en --quiet 2> /dev/null
"$LOA" build --worktree --out "$TMP/c/public" --now 2023-07-01 --lang en --quiet 2> /dev/null
"$LOA" build --worktree --no-cache --out "$TMP/nc" --now 2023-07-01 --lang en --quiet 2> /dev/null
check "the work tree with its history cached: the same site as --no-cache" diff -r "$TMP/c/public" "$TMP/nc"

# a --worktree rebuild (each of loa serve's) starts from the site it
# replaces, kept in the cache, as the build of a commit does: only the
# edited page is written again
printf '\nSửa trên đĩa.\n' >> content/gioi-thieu.md
LOA_TIMINGS=1 "$LOA" build --worktree --out "$TMP/c/public" --now 2023-07-01 --lang en --quiet 2> "$TMP/t.log"
check "worktree rebuild: exit 0" [ $? -eq 0 ]
kept=$(sed -n 's/.*pages (\([0-9]*\) kept).*/\1/p' "$TMP/t.log")
check "worktree rebuild: the pages it did not render are kept from the site before" [ "${kept:-0}" -gt 0 ]
check "worktree rebuild: the edit is published" contains "$TMP/c/public/gioi-thieu/index.html" "Sửa trên đĩa."
rm -rf "$TMP/nc"
"$LOA" build --worktree --no-cache --out "$TMP/nc" --now 2023-07-01 --lang en --quiet 2> /dev/null
check "worktree rebuild from the kept site: the same site as --no-cache" diff -r "$TMP/c/public" "$TMP/nc"
# and the rebuild with nothing changed on disk builds again (a work tree
# has no commit to say nothing changed), still the same site
"$LOA" build --worktree --out "$TMP/c/public" --now 2023-07-01 --lang en --quiet 2> /dev/null
check "worktree rebuild, nothing changed: the same site" diff -r "$TMP/c/public" "$TMP/nc"

# a commit made while the work tree is previewed: its history is the
# parent's, extended by the commit (no walk), and the site the same as
# without the cache
commit "$S" "2023-07-05T09:00:00+07:00" "Cô Hà" "ha@anduong.example.vn" "Sửa trên đĩa"
LOA_TIMINGS=1 "$LOA" build --worktree --out "$TMP/c/public" --now 2023-07-10 --lang en --quiet 2> "$TMP/t.log"
check "worktree after a commit: exit 0" [ $? -eq 0 ]
check "worktree after a commit: the history extended from the parent's" \
	grep -q "history from *extended" "$TMP/t.log"
rm -rf "$TMP/nc"
"$LOA" build --worktree --no-cache --out "$TMP/nc" --now 2023-07-10 --lang en --quiet 2> /dev/null
check "worktree after a commit: the same site as --no-cache" diff -r "$TMP/c/public" "$TMP/nc"
check "worktree after a commit: lastmod from the new commit" \
	contains "$TMP/nc/gioi-thieu/index.html" 'datetime="2023-07-05'
finish
