# Documents (văn bản, issue 16): content/van-ban/** → /van-ban/SLUG/ (SLUG
# from the file or bundle name: many documents share a title), kind
# document with number and issued required; /van-ban/ lists them newest
# first, paginated, with a page per year and per type; they are found by
# search; a plan whose number is a document's links to it and back. A
# document attaches PDF, DOCX, XLSX or ODT; HTML and SVG are never
# published (named at file:line), nor an image beside a document.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
new_repo "$R"
write "$R/site.yaml" <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/"
page_size: 2
YAML
doc() { # FILE NUMBER ISSUED TYPE TITLE
	write "$R/content/van-ban/$1" <<MD
---
title: "$5"
number: "$2"
issued: $3
type: $4
issuer: "Bộ Giáo dục và Đào tạo"
signer: "Ngô Thị Minh"
summary: "Trích yếu của $2"
---
Toàn văn kèm theo.
MD
}
doc ke-hoach-175/index.md "175/KH-BGDĐT" 2023-02-17 ke-hoach "Kế hoạch tập huấn giáo viên cốt cán"
printf '%%PDF-1.4\n%%EOF\n' > "$R/content/van-ban/ke-hoach-175/175-KH-BGDDT.pdf"
doc ke-hoach-215.md "215/KH-BGDĐT" 2023-03-01 ke-hoach "Kế hoạch sơ kết chuyên đề"
doc cong-van-155.md "155/PGDĐT-GDMN" 2022-09-14 cong-van "Công văn về công tác truyền thông"
doc huong-dan.md "01/HD-SGDĐT" 2022-08-20 huong-dan "Hướng dẫn nhiệm vụ năm học"
write "$R/content/plans/ke-hoach-175.md" <<'MD'
---
title: "Kế hoạch tập huấn cốt cán"
number: "175/KH-BGDĐT"
issued: 2023-02-17
---
Kế hoạch.
MD
commit "$R" "2023-04-11T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Văn bản"
cd "$R" || exit 1
"$LOA" build --out public --now 2023-06-01 > "$TMP/out" 2>&1
st=$?
cat "$TMP/out"
check "clean build: exit 0" [ "$st" -eq 0 ]
D=public/van-ban/ke-hoach-175/index.html
check "document page at /van-ban/SLUG/" test -s "$D"
check "document: number" contains "$D" '<dd>175/KH-BGDĐT</dd>'
check "document: issuer" contains "$D" '<dd>Bộ Giáo dục và Đào tạo</dd>'
check "document: signer" contains "$D" '<dd>Ngô Thị Minh</dd>'
check "document: type" contains "$D" '<dd>Kế hoạch</dd>'
check "document: summary (trích yếu)" contains "$D" 'Trích yếu của 175/KH-BGDĐT'
check "document: its PDF published" test -s public/van-ban/ke-hoach-175/175-KH-BGDDT.pdf
check "document: links its PDF" contains "$D" 'href="/van-ban/ke-hoach-175/175-KH-BGDDT.pdf"'
check "document links its plan" contains "$D" 'class="document-plan" href="/ke-hoach/ke-hoach-tap-huan-cot-can/"'
check "plan links its document" contains public/ke-hoach/ke-hoach-tap-huan-cot-can/index.html \
	'class="plan-document" href="/van-ban/ke-hoach-175/"'
L=public/van-ban/index.html
check "/van-ban/ lists documents" contains "$L" '215/KH-BGDĐT'
# newest first: 215 (2023-03-01) before 175 (2023-02-17); page_size 2
a=$(grep -n '215/KH-BGDĐT' "$L" | head -1 | cut -d: -f1)
b=$(grep -n '175/KH-BGDĐT' "$L" | head -1 | cut -d: -f1)
check "/van-ban/ newest first" [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]
check "/van-ban/ paginated: page 1 leaves out the oldest" lacks "$L" '01/HD-SGDĐT'
check "/van-ban/trang/2/ has the older ones" contains public/van-ban/trang/2/index.html '01/HD-SGDĐT'
check "page per year: 2023" contains public/van-ban/2023/index.html '175/KH-BGDĐT'
check "page per year: 2023 leaves out 2022" lacks public/van-ban/2023/index.html '155/PGDĐT-GDMN'
check "page per year: 2022" contains public/van-ban/2022/index.html '155/PGDĐT-GDMN'
check "page per type: công văn" contains public/van-ban/loai/cong-van/index.html '155/PGDĐT-GDMN'
check "page per type: công văn leaves out plans" lacks public/van-ban/loai/cong-van/index.html '175/KH-BGDĐT'
check "page per type: kế hoạch" contains public/van-ban/loai/ke-hoach/index.html '215/KH-BGDĐT'
check "listing links years and types" contains "$L" 'href="/van-ban/loai/huong-dan/"'
check "documents in the sitemap" contains public/sitemap.xml '<loc>https://example.vn/van-ban/ke-hoach-175/</loc>'
check "documents in search" grep -rqF '/van-ban/ke-hoach-175/' public/tim-kiem/index/

# attachments: HTML and SVG never, an image not beside a document
printf '<script>alert(1)</script>' > "$R/content/van-ban/ke-hoach-175/trang.html"
printf '<svg xmlns="http://www.w3.org/2000/svg"/>' > "$R/content/van-ban/ke-hoach-175/dau.svg"
printf 'PK' > "$R/content/van-ban/ke-hoach-175/bang.xlsx"
printf 'x' > "$R/content/van-ban/ke-hoach-175/anh.png"
commit "$R" "2023-04-12T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Tệp đính kèm"
"$LOA" build --out public --now 2023-06-01 > "$TMP/out" 2>&1
st=$?
cat "$TMP/out"
check "bad attachments: exit 1" [ "$st" -eq 1 ]
check "HTML attachment rejected, named" grep -qF "content/van-ban/ke-hoach-175/trang.html:1: error: file type not published" "$TMP/out"
check "SVG attachment rejected, named" grep -qF "content/van-ban/ke-hoach-175/dau.svg:1: error: file type not published" "$TMP/out"
check "image beside a document rejected, named" grep -qF \
	"content/van-ban/ke-hoach-175/anh.png:1: error: a document's attachment must be PDF, DOCX, XLSX or ODT" "$TMP/out"
check "HTML not published" test ! -e public/van-ban/ke-hoach-175/trang.html
check "SVG not published" test ! -e public/van-ban/ke-hoach-175/dau.svg
check "XLSX published" test -s public/van-ban/ke-hoach-175/bang.xlsx
git rm -q content/van-ban/ke-hoach-175/trang.html content/van-ban/ke-hoach-175/dau.svg content/van-ban/ke-hoach-175/anh.png

# number and issued are required; the type is one of the list
write "$R/content/van-ban/sai.md" <<'MD'
---
title: "Văn bản thiếu số"
type: cong_van
---
Sai.
MD
commit "$R" "2023-04-13T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Sai"
"$LOA" build --out public --now 2023-06-01 > "$TMP/out" 2>&1
st=$?
cat "$TMP/out"
check "document without number: exit 1" [ "$st" -eq 1 ]
check "missing number named" grep -qF "content/van-ban/sai.md:1: error: missing required field 'number'" "$TMP/out"
check "missing issued named" grep -qF "content/van-ban/sai.md:1: error: missing required field 'issued'" "$TMP/out"
check "unknown type named at its line" grep -qF "content/van-ban/sai.md:3:7: error: unknown document type 'cong_van'" "$TMP/out"
finish
