# `loa new` writes valid skeletons in the right folders; `loa check`
# reports every error without writing anything, in text or JSON.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
out=$("$LOA" new news "Bé vui Tết Trung thu" --school dong-thai --now 2023-09-20)
check "new news goes in the school's folder" [ "$out" = "./content/news/dong-thai/be-vui-tet-trung-thu.md" ]
check "new news is dated today" contains content/news/dong-thai/be-vui-tet-trung-thu.md "date: 2023-09-20"
"$LOA" new news "Bé vui Tết Trung thu" --school dong-thai --now 2023-09-20 2> "$TMP/err"
check "new refuses to overwrite" [ $? -eq 2 ]
"$LOA" new news "Bài" --school khong-co 2> "$TMP/err"
check "new refuses an unknown school" [ $? -eq 2 ]
check "the unknown school is named" contains "$TMP/err" "khong-co"
"$LOA" new school "Trường Mầm non Hoa Sen" > /dev/null
check "new school" test -s content/schools/truong-mam-non-hoa-sen.md
"$LOA" new plan "Kế hoạch tập huấn STEAM" --now 2023-09-20 > /dev/null
check "new plan" test -s content/plans/ke-hoach-tap-huan-steam.md
"$LOA" build --worktree --out public --now 2023-10-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "the skeletons build cleanly" [ "$st" -eq 0 ]
check "the skeletons build without warnings" lacks "$TMP/err" "warning:"
check "the new article is published" test -s public/tin-tuc/dong-thai/be-vui-tet-trung-thu/index.html

rm -rf public
write content/news/dong-thai/loi.md <<'MD'
---
title: "Lỗi"
date: 2023-13-01
---
MD
"$LOA" check --worktree 2> "$TMP/err"
st=$?
check "check exits non-zero on errors" [ "$st" -ne 0 ]
check "check names file:line" contains "$TMP/err" "content/news/dong-thai/loi.md:3"
check "check writes nothing" test ! -e public
check "check leaves no temporary folder" [ -z "$(ls -A | grep loa-tmp)" ]
"$LOA" check --worktree --format json > "$TMP/json" 2>/dev/null
check "check --format json is valid JSON with the error" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
errs = [x for x in d["diagnostics"] if x["severity"] == "error"]
assert d["errors"] == len(errs) >= 1
assert any(x["file"] == "content/news/dong-thai/loi.md" and x["line"] == 3 for x in errs)
' "$TMP/json"
rm content/news/dong-thai/loi.md
"$LOA" check --worktree 2> "$TMP/err"
check "check exits 0 on a clean site" [ $? -eq 0 ]
finish
