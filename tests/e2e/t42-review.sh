# `loa review BASE..HEAD`: what merging a school's branch would change on
# the site (pages added, changed, removed; errors introduced), which files
# its author may not write, and nothing written anywhere.
. "$(dirname "$0")/lib.sh"
unset LOA_LANG # the report in Vietnamese, the default
R="$TMP/site"
basic_site "$R"
cat >> "$R/site.yaml" <<'YAML'
schools:
  dong-thai: { authors: ["bbt@dongthai.example.vn"] }
  an-duong: { authors: ["cntt@anduong.example.vn"] }
YAML
commit "$R" "2023-03-03T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Quyền của các trường"
DT="bbt@dongthai.example.vn"
cd "$R"

# section FILE TITLE: the lines of one section of the text report
section() {
	awk -v t="$2" 'index($0, t " (") == 1 { on = 1; next } on && /^$/ { exit } on { print }' "$1"
}
# in_section FILE TITLE TEXT
in_section() { section "$1" "$2" | grep -qF -- "$3"; }
not_in_section() { ! in_section "$@"; }
line_in_section() { section "$1" "$2" | grep -qxF -- "$3"; }
review() { "$LOA" review "$@" --now 2026-11-23 --jobs 2 > "$TMP/out" 2> "$TMP/err"; }

# A: dong-thai's author writes an article and edits the school page
git checkout -q -b A main
write content/news/dong-thai/bai-moi.md <<'MD'
---
title: "Bé vui Tết Trung thu"
date: 2023-09-20
---
Các bé rước đèn.
MD
sed -i 's/Trường thực hiện mô hình điểm./Trường thực hiện hai mô hình điểm./' content/schools/dong-thai.md
commit "$R" "2023-09-21T10:00:00+07:00" "Trường Đồng Thái" "$DT" "Bài mới, sửa trang trường"

# B: dong-thai's author writes in an-duong's folder and in plugins/
git checkout -q -b B main
echo "Sửa bài của trường khác." >> content/news/an-duong/hoi-thao.md
commit "$R" "2023-09-22T10:00:00+07:00" "Trường Đồng Thái" "$DT" "Sửa bài An Dương"
write plugins/evil.lua <<'LUA'
loa.on('after_load', function() end)
LUA
commit "$R" "2023-09-22T11:00:00+07:00" "Trường Đồng Thái" "$DT" "Thêm plugin"
B_FIRST=$(git rev-parse --short=12 B~1)
B_LAST=$(git rev-parse --short=12 B)

# C: an article with a front-matter error (line 3)
git checkout -q -b C main
write content/news/dong-thai/loi.md <<'MD'
---
title: "Lỗi"
date: 2023-13-01
---
Nội dung.
MD
commit "$R" "2023-09-23T10:00:00+07:00" "Trường Đồng Thái" "$DT" "Bài lỗi"

# D: an article removed
git checkout -q -b D main
git rm -q content/news/dong-thai/bua-an.md
commit "$R" "2023-09-24T10:00:00+07:00" "Trường Đồng Thái" "$DT" "Xoá bài"

# E: the centre edits site.yaml (an author of no school: not restricted)
git checkout -q -b E main
sed -i 's/^title: "Trang thử"/title: "Trang thử mới"/' site.yaml
commit "$R" "2023-09-25T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Đổi tên trang"

# F: edits the school page's line that A edits too: merging F into A conflicts
git checkout -q -b F main
sed -i 's/Trường thực hiện mô hình điểm./Trường có ba mô hình điểm./' content/schools/dong-thai.md
commit "$R" "2023-09-26T10:00:00+07:00" "Trường Đồng Thái" "$DT" "Sửa trang trường khác"

git checkout -q main
git status --porcelain > "$TMP/status.before"
git for-each-ref > "$TMP/refs.before"
git rev-parse HEAD >> "$TMP/refs.before"
find .git -type f | sort > "$TMP/files.before"
touch "$TMP/stamp"
sleep 1

review main..A
st=$?
cat "$TMP/out" "$TMP/err"
check "A: exit 0 (nothing needs attention)" [ "$st" -eq 0 ]
check "A: the new article is listed as added" in_section "$TMP/out" "Trang thêm" "/tin-tuc/dong-thai/be-vui-tet-trung-thu/"
check "A: the school page is listed as changed" in_section "$TMP/out" "Trang sửa" "/truong/dong-thai/"
check "A: the news listing is listed as changed" in_section "$TMP/out" "Trang sửa" "/tin-tuc/"
check "A: an untouched page is not listed" not_in_section "$TMP/out" "Trang sửa" "/ke-hoach/ke-hoach-tap-huan-cot-can/"
check "A: an untouched article is not listed" not_in_section "$TMP/out" "Trang sửa" "/tin-tuc/an-duong/hoi-thao-chuyen-doi-so/"
check "A: nothing removed" contains "$TMP/out" "Trang xoá (0): không có"
check "A: no new errors" contains "$TMP/out" "Lỗi mới (0): không có"
check "A: no file outside the school's folders" contains "$TMP/out" "Tệp ngoài phạm vi (0): không có"

review main..B
st=$?
cat "$TMP/out" "$TMP/err"
check "B: exit 1" [ "$st" -eq 1 ]
check "B: the other school's article is flagged with commit and email" \
	in_section "$TMP/out" "Tệp ngoài phạm vi" "content/news/an-duong/hoi-thao.md — $B_FIRST — $DT"
check "B: the plugin is flagged with commit and email" \
	in_section "$TMP/out" "Tệp ngoài phạm vi" "plugins/evil.lua — $B_LAST — $DT"
check "B: exactly two files flagged" contains "$TMP/out" "Tệp ngoài phạm vi (2):"
check "B: the change to the other school's article shows as a changed page" \
	in_section "$TMP/out" "Trang sửa" "/tin-tuc/an-duong/hoi-thao-chuyen-doi-so/"

review main..C
st=$?
cat "$TMP/out" "$TMP/err"
check "C: exit 1" [ "$st" -eq 1 ]
check "C: the new error names file:line" in_section "$TMP/out" "Lỗi mới" "content/news/dong-thai/loi.md:3:"
check "C: the school's own folder is not flagged" contains "$TMP/out" "Tệp ngoài phạm vi (0): không có"

review main..D
st=$?
cat "$TMP/out" "$TMP/err"
check "D: exit 0" [ "$st" -eq 0 ]
check "D: the removed article is listed as removed" in_section "$TMP/out" "Trang xoá" "/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/"

review main..E
st=$?
cat "$TMP/out" "$TMP/err"
check "E: the centre's site.yaml edit needs no attention" [ "$st" -eq 0 ]
check "E: site.yaml is not flagged" contains "$TMP/out" "Tệp ngoài phạm vi (0): không có"
check "E: the centre's email is reported as not checked" contains "$TMP/out" "pgd@example.vn — 1 commit"
check "E: every page shows the new title: the home page changed" line_in_section "$TMP/out" "Trang sửa" "  /"

review A..F
st=$?
cat "$TMP/out" "$TMP/err"
check "conflict: exit 2" [ "$st" -eq 2 ]
check "conflict: the conflicting path is named" contains "$TMP/out" "content/schools/dong-thai.md"

"$LOA" review main..B --format json --now 2026-11-23 > "$TMP/json" 2>/dev/null
check "json: exit status, flagged paths and emails" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == 1, d
paths = sorted((x["path"], x["email"]) for x in d["outside"])
assert paths == [("content/news/an-duong/hoi-thao.md", sys.argv[2]), ("plugins/evil.lua", sys.argv[2])], paths
assert "/tin-tuc/an-duong/hoi-thao-chuyen-doi-so/" in d["changed"], d["changed"]
' "$TMP/json" "$DT"

"$LOA" review main..nothing-here --now 2026-11-23 > "$TMP/out" 2> "$TMP/err"
check "an unknown ref: exit 2" [ $? -eq 2 ]
check "an unknown ref is named" contains "$TMP/err" "nothing-here"

# nothing written: no output folder, no file in .git touched, refs and status unchanged
check "review writes no output folder" test ! -e public
check "review leaves no temporary folder" [ -z "$(ls -A | grep loa-tmp)" ]
check "review touches no file of the repository" [ -z "$(find .git -newer "$TMP/stamp" -print)" ]
find .git -type f | sort > "$TMP/files.after"
check "review adds no file to the repository" cmp -s "$TMP/files.before" "$TMP/files.after"
git for-each-ref > "$TMP/refs.after"
git rev-parse HEAD >> "$TMP/refs.after"
check "refs unchanged" cmp -s "$TMP/refs.before" "$TMP/refs.after"
check "git status --porcelain is empty" [ -z "$(git status --porcelain)" ]
finish
