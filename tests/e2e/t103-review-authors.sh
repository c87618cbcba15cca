# loa review (issue 15, point 4): every commit by an author who may not
# write where it writes is flagged, registered in site.yaml or not; every
# added or changed article gets a one-line summary (school, title, date,
# category, photos, problems); the text follows --lang, and the JSON keeps
# stable English codes beside the localised message.
. "$(dirname "$0")/lib.sh"
unset LOA_LANG
R="$TMP/site"
basic_site "$R"
cat >> "$R/site.yaml" <<'YAML'
schools:
  dong-thai: { authors: ["bbt@dongthai.example.vn"] }
  an-duong: { authors: ["cntt@anduong.example.vn"] }
YAML
commit "$R" "2023-03-03T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Quyền của các trường"
cd "$R"
review() { "$LOA" review "$@" --now 2026-11-23 --jobs 2 > "$TMP/out" 2> "$TMP/err"; }

# U: an address site.yaml does not list writes an article in dong-thai's folder
git checkout -q -b U main
write content/news/dong-thai/la.md <<'MD'
---
title: "Bài của người lạ"
date: 2023-09-20
---
Nội dung.
MD
commit "$R" "2023-09-21T10:00:00+07:00" "Người lạ" "la@example.com" "Bài"
U_ID=$(git rev-parse --short=12 U)

review main..U
st=$?
cat "$TMP/out" "$TMP/err"
check "unregistered author in a school's folder: exit 1" [ "$st" -eq 1 ]
check "unregistered author: the file is flagged with commit and email" \
	contains "$TMP/out" "content/news/dong-thai/la.md — $U_ID — la@example.com"
check "unregistered author: the reason names the school" \
	contains "$TMP/out" "người viết không được đăng ký cho trường 'dong-thai' trong site.yaml"
check "unregistered author: one file flagged" contains "$TMP/out" "Tệp ngoài phạm vi (1):"
check "unregistered author: the conclusion asks for a look" contains "$TMP/out" "Kết luận: cần người duyệt xem xét."
check "unregistered author: not reported as an unchecked centre author" lacks "$TMP/out" "la@example.com — 1 commit"

# the school page is a school's folder too
git checkout -q -b U2 main
echo "Sửa." >> content/schools/an-duong.md
commit "$R" "2023-09-21T11:00:00+07:00" "Người lạ" "la@example.com" "Sửa trang trường"
review main..U2
st=$?
check "unregistered author on a school page: exit 1" [ "$st" -eq 1 ]
check "unregistered author on a school page: flagged" contains "$TMP/out" "content/schools/an-duong.md — "

# M: a month of articles by the schools' own authors, one with photos,
# one with a problem
git checkout -q -b M main
write content/news/dong-thai/trung-thu/index.md <<'MD'
---
title: "Bé vui Tết Trung thu"
date: 2023-09-28
category: activity
---
![Các bé rước đèn](a.png)

![Các bé phá cỗ](b.png)
MD
png content/news/dong-thai/trung-thu/a.png
png content/news/dong-thai/trung-thu/b.png
commit "$R" "2023-09-28T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Trung thu"
write content/news/an-duong/tap-huan.md <<'MD'
---
title: "Tập huấn chuyển đổi số"
date: 2023-09-29
category: policy
---
Xem [bài cũ](khong-co.md).
MD
commit "$R" "2023-09-29T10:00:00+07:00" "Trường An Dương" "cntt@anduong.example.vn" "Tập huấn"
review main..M
st=$?
cat "$TMP/out"
check "summary: a month by the schools own authors with only a warning: exit 0" [ "$st" -eq 0 ]
check "summary: one line for the article with photos (school, title, date, category, 2 photos)" \
	grep -qxF '  [thêm] dong-thai · "Bé vui Tết Trung thu" · 2023-09-28 · hoạt động · 2 ảnh · không có lỗi · /tin-tuc/dong-thai/be-vui-tet-trung-thu/' "$TMP/out"
check "summary: the article with a broken link shows its warning" \
	grep -qF '  [thêm] an-duong · "Tập huấn chuyển đổi số" · 2023-09-29 · chính sách · 0 ảnh · 0 lỗi, 1 cảnh báo' "$TMP/out"
check "summary: the section counts the articles" contains "$TMP/out" "Bài thêm / sửa (2):"

# English on request: the text report follows --lang
"$LOA" review main..U --lang en --now 2026-11-23 > "$TMP/en" 2>&1
check "--lang en: the report is in English" contains "$TMP/en" "Files outside their author's folders (1):"
check "--lang en: the reason in English" contains "$TMP/en" "the author is not registered for school 'dong-thai' in site.yaml"
check "--lang en: no Vietnamese heading left" lacks "$TMP/en" "Tệp ngoài phạm vi"
"$LOA" review main..M --lang en --now 2026-11-23 > "$TMP/en" 2>&1
check "--lang en: the summary line in English" \
	contains "$TMP/en" '[added] dong-thai · "Bé vui Tết Trung thu" · 2023-09-28 · activity · 2 photos · no problems'

# JSON: stable codes, localised message
"$LOA" review main..U --format json --now 2026-11-23 > "$TMP/json" 2>/dev/null
check "json: the reason is a stable code, the message localised" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == 1, d
[x] = d["outside"]
assert x["reason"] == "not_school_author", x
assert x["school"] == "dong-thai", x
assert x["email"] == "la@example.com", x
assert x["message"] == "người viết không được đăng ký cho trường '"'"'dong-thai'"'"' trong site.yaml", x
' "$TMP/json"
"$LOA" review main..M --format json --lang en --now 2026-11-23 > "$TMP/json" 2>/dev/null
check "json: articles with their facts; introduced messages keep English and add the localised text" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
a = {x["path"]: x for x in d["articles"]}
t = a["content/news/dong-thai/trung-thu/index.md"]
assert (t["change"], t["school"], t["title"], t["date"], t["category"], t["photos"], t["errors"]) == \
       ("added", "dong-thai", "Bé vui Tết Trung thu", "2023-09-28", "activity", 2, 0), t
assert a["content/news/an-duong/tap-huan.md"]["warnings"] == 1, a
for i in d["introduced"]:
    assert i["message"] and i["localized"], i
' "$TMP/json"
finish
