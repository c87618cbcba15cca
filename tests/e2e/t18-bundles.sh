# Page bundles publish their allowed files beside the page; HTML and SVG
# from contributors are never published.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
write content/news/dong-thai/trung-thu/index.md <<'MD'
---
title: "Vui Tết Trung thu"
date: 2023-09-28
---
![Các bé rước đèn](den.png) và [kế hoạch](ke-hoach.pdf) và [thiếu](khong-co.pdf).
MD
# a real 1×1 PNG: images are checked by their bytes (t53-images.sh)
echo 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==' |
	base64 -d > content/news/dong-thai/trung-thu/den.png
printf '%%PDF-1.4' > content/news/dong-thai/trung-thu/ke-hoach.pdf
printf '<script>alert(1)</script>' > content/news/dong-thai/trung-thu/x.html
printf '<svg onload="alert(1)"/>' > content/news/dong-thai/trung-thu/y.svg
commit "$R" "2023-09-29T08:00:00+07:00" "Trường" "x@example.vn" "bundle"
"$LOA" build --out public --now 2023-10-01 --quiet 2> "$TMP/err"
cat "$TMP/err"
P=public/tin-tuc/dong-thai/vui-tet-trung-thu
check "bundle page published" test -s "$P/index.html"
check "bundle image published beside it" test -s "$P/den.png"
check "bundle pdf published" test -s "$P/ke-hoach.pdf"
check "html from a bundle not published" test ! -e "$P/x.html"
check "svg from a bundle not published" test ! -e "$P/y.svg"
check "html in a bundle reported" contains "$TMP/err" "trung-thu/x.html"
check "image link rewritten to its URL" contains "$P/index.html" "/tin-tuc/dong-thai/vui-tet-trung-thu/den.png"
check "missing bundle file reported" contains "$TMP/err" "khong-co.pdf"
finish
