# A school's news list /tin-tuc/SCHOOL/, paginated as /tin-tuc/SCHOOL/trang/N/,
# with the school's feed linked; the school page shows its latest news and
# links to the list; a school named by digits only is an error at
# file:line (the archive's /tin-tuc/2023/ is not a school's).
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
write site.yaml <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/"
page_size: 2
YAML
for i in 1 2 3 4 5 6; do
	write "content/news/dong-thai/bai-$i.md" <<MD
---
title: "Bài số $i"
date: 2023-0$i-10
---
Nội dung bài $i.
MD
done
commit "$R" "2023-07-01T10:00:00+07:00" "PGD" "pgd@example.vn" "six articles"
"$LOA" build --out public --now 2023-07-02 2> err.txt
check "build exits 0" test $? -eq 0

items() { grep -o 'class="item-title"><a href="[^"]*"' "$1" | sed 's/.*href="//; s/"$//' | tr '\n' ' '; }
L=public/tin-tuc/dong-thai
check "page 1: the two newest, newest first" \
	[ "$(items $L/index.html)" = "/tin-tuc/dong-thai/bai-so-6/ /tin-tuc/dong-thai/bai-so-5/ " ]
check "page 2 at /tin-tuc/dong-thai/trang/2/" \
	[ "$(items $L/trang/2/index.html)" = "/tin-tuc/dong-thai/bai-so-4/ /tin-tuc/dong-thai/bai-so-3/ " ]
check "page 3 at /tin-tuc/dong-thai/trang/3/: basic_site's article of 1 March in its place" \
	[ "$(items $L/trang/3/index.html)" = "/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/ /tin-tuc/dong-thai/bai-so-2/ " ]
check "page 4 at /tin-tuc/dong-thai/trang/4/: the oldest" \
	[ "$(items $L/trang/4/index.html)" = "/tin-tuc/dong-thai/bai-so-1/ " ]
check "no page 5" test ! -e $L/trang/5/index.html
check "the school's own list holds none of another school's news" lacks $L/index.html 'an-duong/hoi-thao'
check "page 1 links page 2" contains $L/index.html '<a rel="next" href="/tin-tuc/dong-thai/trang/2/">'
check "page 4 links page 3 back" contains $L/trang/4/index.html '<a rel="prev" href="/tin-tuc/dong-thai/trang/3/">'
check "page 3 links page 2 back" contains $L/trang/3/index.html '<a rel="prev" href="/tin-tuc/dong-thai/trang/2/">'
check "page 2 is titled with its number" contains $L/trang/2/index.html '<title>Tin tức: Trường Mầm non Đồng Thái — Trang 2 — Trang thử</title>'
check "the school's feed announced in <head>" \
	contains $L/index.html '<link rel="alternate" type="application/atom+xml" title="Tin tức: Trường Mầm non Đồng Thái" href="/truong/dong-thai/atom.xml">'
check "the school's feed linked in the page" contains $L/index.html '<a href="/truong/dong-thai/atom.xml" type="application/atom+xml">'
check "the feed exists" test -s public/truong/dong-thai/atom.xml
check "breadcrumbs: news, then the school" sh -c "sed -n '/<nav class=\"breadcrumbs/,/<\/nav>/p' $L/index.html | tr -d '\n' | grep -q '<a href=\"/tin-tuc/\">Tin tức</a></li><li><a href=\"/truong/dong-thai/\">Trường Mầm non Đồng Thái</a>'"
check "the other school has its own list" contains public/tin-tuc/an-duong/index.html 'an-duong/hoi-thao'

S=public/truong/dong-thai/index.html
n=$(sed -n '/<section class="school-news"/,/<\/section>/p' $S | grep -c 'class="item-title"')
check "the school page shows its 5 latest news" [ "$n" -eq 5 ]
check "the school page: the newest first" sh -c "sed -n '/<section class=\"school-news\"/,/<\/section>/p' $S | grep -o 'href=\"/tin-tuc/dong-thai/[^\"]*\"' | head -1 | grep -q bai-so-6"
check "the school page: nothing beyond the 5 latest" sh -c "! sed -n '/<section class=\"school-news\"/,/<\/section>/p' $S | grep -q 'bai-so-2/'"
check "the school page links the whole list, with the count" \
	contains $S '<a href="/tin-tuc/dong-thai/">Xem tất cả tin bài của trường (7)</a>'
check "sitemap lists the school's list pages" contains public/sitemap.xml 'https://example.vn/tin-tuc/dong-thai/trang/4/'

# a school named by digits only: an error at its file, and its news too
write content/schools/2023.md <<'MD'
---
title: "Trường số"
---
Trường.
MD
write content/news/2023/bai.md <<'MD'
---
title: "Bài của trường số"
date: 2023-05-01
---
Bài.
MD
commit "$R" "2023-07-03T10:00:00+07:00" "PGD" "pgd@example.vn" "digits"
"$LOA" build --out public2 --now 2023-07-04 2> err.txt
check "digit school: exit 1 (published with rejected pages)" test $? -eq 1
check "digit school: error at the school's file:line" \
	contains err.txt "content/schools/2023.md:1: error: school slug '2023' is reserved: names of digits only are the news archive's years and months"
check "digit school: error at its news' file:line" \
	contains err.txt "content/news/2023/bai.md:1: error: school slug '2023' is reserved"
check "digit school: /tin-tuc/2023/ stays the archive of 2023" contains public2/tin-tuc/2023/index.html 'Tin tức năm 2023'
check "digit school: its page is not published" test ! -e public2/truong/2023/index.html
LOA_LANG=vi "$LOA" build --out public3 --now 2023-07-04 2> err-vi.txt
check "digit school: the message in Vietnamese" contains err-vi.txt "tên trường '2023' đã được dành riêng"
finish
