# loa review and the centre's own staff: site.yaml's centre.authors may
# write anywhere (a correction to a school's article, a school page, the
# centre's pages) and review says nothing about them; an address listed
# nowhere writing in a school's folder is still flagged. A typo in the key
# is named like any other.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cat >> "$R/site.yaml" <<'YAML'
schools:
  dong-thai: { authors: ["bbt@dongthai.example.vn"] }
  an-duong: { authors: ["cntt@anduong.example.vn"] }
centre:
  authors: ["truyenthong@pgd.example.vn"]
YAML
commit "$R" "2023-03-03T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Quyền"
cd "$R" || exit 1
review() { "$LOA" review "$@" --now 2026-11-23 --jobs 2 > "$TMP/out" 2> "$TMP/err"; }

# C: the centre's staff (address cased differently) corrects a school's
# article, edits a school page and writes a plan
git checkout -q -b C main
sed -i 's/Bài viết về bữa ăn./Bài viết về bữa ăn bán trú./' content/news/dong-thai/bua-an.md
echo "Sửa địa chỉ." >> content/schools/an-duong.md
echo "Bổ sung." >> content/plans/ke-hoach-175.md
commit "$R" "2023-09-21T10:00:00+07:00" "Tổ truyền thông" "TruyenThong@PGD.example.vn" "Sửa bài của trường"
review main..C
st=$?
cat "$TMP/out" "$TMP/err"
check "centre staff in schools' folders: exit 0" [ "$st" -eq 0 ]
check "centre staff: no file flagged" contains "$TMP/out" "Files outside their author's folders (0):"
check "centre staff: not listed as an unchecked author either" lacks "$TMP/out" "TruyenThong@PGD.example.vn"
check "centre staff: nothing needs attention" contains "$TMP/out" "Conclusion: nothing needs attention."

# U: an address listed nowhere, same edit: still flagged
git checkout -q -b U main
sed -i 's/Bài viết về bữa ăn./Bài viết về bữa ăn bán trú./' content/news/dong-thai/bua-an.md
commit "$R" "2023-09-21T10:00:00+07:00" "Người lạ" "la@example.com" "Sửa bài"
review main..U
st=$?
cat "$TMP/out"
check "unknown address in a school's folder: exit 1" [ "$st" -eq 1 ]
check "unknown address: flagged" contains "$TMP/out" "content/news/dong-thai/bua-an.md — "
check "unknown address: named" contains "$TMP/out" "la@example.com"

# a school's author is still kept to its folder
git checkout -q -b S main
echo "Sửa." >> content/schools/an-duong.md
commit "$R" "2023-09-22T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sửa trang trường khác"
review main..S
st=$?
check "a school's author in another school's page: exit 1" [ "$st" -eq 1 ]
check "a school's author in another school's page: flagged" contains "$TMP/out" "content/schools/an-duong.md — "

# a typo in the key is named at its line; a wrong shape is an error
git checkout -q main
sed -i 's/^  authors: \["truyenthong/  author: ["truyenthong/' site.yaml
"$LOA" check > "$TMP/out" 2>&1
cat "$TMP/out"
check "typo in centre.authors named" grep -qF "site.yaml:8:3: warning: unknown key 'author' in centre (did you mean 'authors'?)" "$TMP/out"
git checkout -q -- site.yaml
printf 'centre: ["truyenthong@pgd.example.vn"]\n' > "$TMP/tail"
sed -i '/^centre:/,$d' site.yaml && cat "$TMP/tail" >> site.yaml
"$LOA" check > "$TMP/out" 2>&1
st=$?
check "centre as a bare list: an error at its line" grep -qF "site.yaml:7:9: error: 'centre' must be a map" "$TMP/out"
check "centre as a bare list: nothing published (exit 2)" [ "$st" -eq 2 ]
finish
