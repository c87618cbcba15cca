# A refused bundle file is named at file:line (issue 16's documents): at
# the line of the page that links it (the file named in the message), or
# at line 1 of the file itself when nothing names it; a file over
# limits.file_size_kb is at line 1 of its own path.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
new_repo "$R"
write "$R/site.yaml" <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/"
limits:
  file_size_kb: 10
YAML
write "$R/content/van-ban/kh-175/index.md" <<'MD'
---
title: "Kế hoạch tập huấn"
number: "175/KH-BGDĐT"
issued: 2023-02-17
image: bia.png
---
Xem [bản web](trang.html) của kế hoạch.

Toàn văn: [PDF](toan-van.pdf), [bảng](bang.xlsx).
MD
printf '<script>alert(1)</script>' > "$R/content/van-ban/kh-175/trang.html"
printf 'x' > "$R/content/van-ban/kh-175/bia.png"
printf '<svg xmlns="http://www.w3.org/2000/svg"/>' > "$R/content/van-ban/kh-175/dau.svg"
printf 'PK' > "$R/content/van-ban/kh-175/bang.xlsx"
head -c 20000 /dev/zero > "$R/content/van-ban/kh-175/toan-van.pdf"
write "$R/content/schools/an-duong.md" <<'MD'
---
title: "Trường Mầm non An Dương"
---
Trường.
MD
# "xtrang.html" is another name: it does not count as naming trang.html
write "$R/content/news/an-duong/bai/index.md" <<'MD'
---
title: "Bài có tệp lạ"
date: 2023-03-01
---
Tệp xtrang.html không có ở đây.
MD
printf '<p>' > "$R/content/news/an-duong/bai/trang.html"
# a phone's anh.heic is published as anh.jpg, which the bundle already has
printf 'x' > "$R/content/news/an-duong/bai/anh.heic"
printf 'x' > "$R/content/news/an-duong/bai/anh.jpg"
commit "$R" "2023-04-11T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Văn bản"
cd "$R" || exit 1
"$LOA" build --out public --now 2023-06-01 > "$TMP/out" 2>&1
st=$?
cat "$TMP/out"
check "refused attachments: exit 1" [ "$st" -eq 1 ]
check "linked HTML: named at the line and column of the link" grep -qF \
	"content/van-ban/kh-175/index.md:7:15: error: 'trang.html' is not published: file type not allowed" "$TMP/out"
check "image in front matter: named at its front-matter line" grep -qF \
	"content/van-ban/kh-175/index.md:5:8: error: 'bia.png' is not published: a document's attachment must be PDF, DOCX, XLSX or ODT" "$TMP/out"
check "unlinked SVG: line 1 of its own path" grep -qF \
	"content/van-ban/kh-175/dau.svg:1: error: file type not published" "$TMP/out"
check "too large PDF: line 1 of its own path" grep -qF \
	"content/van-ban/kh-175/toan-van.pdf:1: error: file too large (20000 bytes, limit 10240)" "$TMP/out"
check "a longer name is not a reference: line 1 of the file" grep -qF \
	"content/news/an-duong/bai/trang.html:1: error: file type not published" "$TMP/out"
check "two files for one output: the later named at line 1" grep -qE \
	"^content/news/an-duong/bai/anh\.(heic|jpg):1: error: .*output file tin-tuc/an-duong/.*anh\.jpg is already claimed by content/news/an-duong/bai/anh\.(heic|jpg)" "$TMP/out"
check "every error names file:line" sh -c '! grep -E "^[^:]+: error:" "$1"' - "$TMP/out"
check "the XLSX is published" test -s public/van-ban/kh-175/bang.xlsx
check "the HTML is not" test ! -e public/van-ban/kh-175/trang.html

LOA_LANG=vi "$LOA" check > "$TMP/vi" 2>&1
check "Vietnamese: the linked HTML's reason" grep -qF \
	"content/van-ban/kh-175/index.md:7:15: lỗi: 'trang.html' không được xuất bản: loại tệp không được phép" "$TMP/vi"
finish
