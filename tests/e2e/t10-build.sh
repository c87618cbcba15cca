# A site built from a git repository at HEAD: URLs, kinds, links, dates,
# sitemap and the exit status.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
"$LOA" build --out public --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "clean build exits 0" [ "$st" -eq 0 ]
check "school news under the school's folder" test -s public/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html
check "news slug folded from a Vietnamese title" test -s public/tin-tuc/an-duong/hoi-thao-chuyen-doi-so/index.html
check "school page at /truong/SLUG/" test -s public/truong/dong-thai/index.html
check "plan page at /ke-hoach/SLUG/" test -s public/ke-hoach/ke-hoach-tap-huan-cot-can/index.html
check "home page" test -s public/index.html
check "news list" test -s public/tin-tuc/index.html
check "news list paginated by page_size" test -s public/tin-tuc/trang/2/index.html
check "html lang is vi" contains public/truong/dong-thai/index.html 'lang="vi"'
check "viewport meta" contains public/index.html 'name="viewport"'
A=public/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html
check "relative .md link rewritten to its URL" contains "$A" 'href="/truong/an-duong/"'
check "heading gets an id" contains public/tin-tuc/an-duong/hoi-thao-chuyen-doi-so/index.html 'id="noi-dung"'
check "Vietnamese D/M/YYYY date shown as 17/02/2023" contains public/tin-tuc/an-duong/hoi-thao-chuyen-doi-so/index.html '17/02/2023'
check "plan activities in a table" contains public/ke-hoach/ke-hoach-tap-huan-cot-can/index.html '<table'
check "plan activity listed" contains public/ke-hoach/ke-hoach-tap-huan-cot-can/index.html 'Tập huấn'
check "sitemap lists the article with absolute URL" contains public/sitemap.xml '<loc>https://example.vn/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/</loc>'
check "sitemap lastmod from the last commit" grep -q "bua-an-ban-tru-dam-bao-dinh-duong/</loc><lastmod>2023-03-02T10:00:00+07:00" public/sitemap.xml
check "sitemap lastmod from front matter" grep -q "hoi-thao-chuyen-doi-so/</loc><lastmod>2023-02-20" public/sitemap.xml
check "robots.txt names the sitemap" contains public/robots.txt 'Sitemap: https://example.vn/sitemap.xml'
check "theme css copied" test -s public/css/style.css
check "topic page for a tag" test -s public/chu-de/dinh-duong/index.html
check "no temporary folder left" [ -z "$(ls -A "$R" | grep loa-tmp)" ]
finish
