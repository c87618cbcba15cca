# Phone photos (issue 15, point 3): an iPhone's HEIC photo is decoded in
# the image workers (libheif through libvips), published as JPEG with its
# metadata stripped and its variants, and the Markdown link to x.heic
# becomes the JPEG's URL, with no warning; a photo named with spaces and
# Vietnamese letters works written as is or in <...>; code is left alone.
. "$(dirname "$0")/lib.sh"
unset LOA_LANG
command -v vips > /dev/null && command -v exiftool > /dev/null || { echo "FAIL vips and exiftool are needed"; exit 1; }
R="$TMP/site"
basic_site "$R"
B="$R/content/news/dong-thai/trung-thu"
mkdir -p "$B"
vips black "$TMP/b.v" 1200 900 --bands 3 && vips linear "$TMP/b.v" "$TMP/b.jpg" 1 120
vips copy "$TMP/b.jpg" "$B/IMG_0042.HEIC"
exiftool -q -overwrite_original -Make=Apple -Model="iPhone 13" -GPSLatitude=21.03 -GPSLatitudeRef=N \
	-GPSLongitude=105.85 -GPSLongitudeRef=E "$B/IMG_0042.HEIC"
check "the test photo is a real HEIC with GPS" sh -c 'exiftool -s -FileType -GPSLatitude "$1" | grep -q HEIC && exiftool -s -GPSLatitude "$1" | grep -q GPSLatitude' - "$B/IMG_0042.HEIC"
vips copy "$TMP/b.jpg" "$B/ảnh lớp học.jpg"
write "$B/index.md" <<'MD'
---
title: "Bé vui Tết Trung thu"
date: 2023-09-28
---
![Các bé rước đèn](IMG_0042.HEIC)

![Lớp học](ảnh lớp học.jpg)

![Lớp học lần nữa](<ảnh lớp học.jpg>)

Viết `![x](ảnh lớp học.jpg)` trong bài.
MD
commit "$R" "2023-09-28T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Ảnh điện thoại"
cd "$R"
"$LOA" build --out public --now 2026-11-23 > "$TMP/out" 2> "$TMP/err"
st=$?
cat "$TMP/err"
P=public/tin-tuc/dong-thai/be-vui-tet-trung-thu
check "the build is clean" [ "$st" -eq 0 ]
check "no warning at all (no broken link, no 'not an image')" grep -q ", 0 lỗi, 0 cảnh báo" "$TMP/err"
check "HEIC published as a JPEG" sh -c 'exiftool -s -s -s -FileType "$1" | grep -qx JPEG' - "$P/IMG_0042.jpg"
check "the HEIC itself is not published" [ ! -e "$P/IMG_0042.HEIC" ]
check "the JPEG keeps the photo's size" sh -c 'vipsheader "$1" | grep -q "1200x900"' - "$P/IMG_0042.jpg"
check "its variants are JPEGs too" sh -c 'exiftool -s -s -s -FileType "$1" | grep -qx JPEG' - "$P/IMG_0042-480w.jpg"
check "metadata stripped: no GPS, no camera" sh -c '! exiftool -s -GPSLatitude -Make -Model "$1" | grep -q .' - "$P/IMG_0042.jpg"
check "the link to IMG_0042.HEIC is the JPEG's URL, with srcset" \
	grep -qF '<img src="/tin-tuc/dong-thai/be-vui-tet-trung-thu/IMG_0042.jpg" alt="Các bé rước đèn" width="1200" height="900" srcset=' "$P/index.html"
check "a name with spaces written as is is an image" \
	grep -qF 'alt="Lớp học" width="1200"' "$P/index.html"
check "a name with spaces in <...> is an image" \
	grep -qF 'alt="Lớp học lần nữa" width="1200"' "$P/index.html"
check "no raw Markdown reaches the page" lacks "$P/index.html" "](ảnh lớp học.jpg)</p>"
check "code is left as written" grep -qF '<code>![x](ảnh lớp học.jpg)</code>' "$P/index.html"
check "the photo with spaces is published" [ -f "$P/ảnh lớp học.jpg" ]
"$LOA" check --lang en --now 2026-11-23 > /dev/null 2> "$TMP/check"
check "loa check agrees: no error, no warning" grep -q " 0 errors, 0 warnings" "$TMP/check"
finish
