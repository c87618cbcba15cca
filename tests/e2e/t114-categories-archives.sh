# Category pages /chuyen-muc/SLUG/ (chinh-sach, hoat-dong, kinh-nghiem,
# phu-huynh), paginated, each with its feed; /chuyen-muc/ lists them; the
# archive by year and month (/tin-tuc/2023/, /tin-tuc/2023/04/) lists
# exactly the published news of that year or month, newest first.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
write site.yaml <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/"
page_size: 2
YAML
art() { # art PATH TITLE DATE FRONT-MATTER-LINE
	write "content/news/$1.md" <<MD
---
title: "$2"
date: $3
$4
---
Nội dung.
MD
}
art dong-thai/a1 "A1 chính sách" 2023-04-05 "category: policy"
art dong-thai/a2 "A2 phụ huynh" 2023-04-20 "category: parents"
art dong-thai/a3 "A3 kinh nghiệm" 2022-11-10 "category: practice"
art dong-thai/a4 "A4 hoạt động" 2023-05-02 "author: Cô Lan"
art dong-thai/a5 "A5 Hugo categories" 2023-01-15 "categories: [parents, khac]"
art thong-bao "Thông báo tuyển sinh" 2023-04-25 "category: parents"
art dong-thai/tuong-lai "Bài tương lai" 2023-12-01 "category: parents"
art dong-thai/nhap "Bài nháp" 2023-04-10 "draft: true"
commit "$R" "2023-06-01T10:00:00+07:00" "PGD" "pgd@example.vn" "categories"
"$LOA" build --out public --now 2023-06-01 2> err.txt
check "build exits 0" test $? -eq 0

# every item link of a list and its following pages, in order
items() {
	f=public$1index.html
	while [ -f "$f" ]; do
		grep -o 'class="item-title"><a href="[^"]*"' "$f" | sed 's/.*href="//; s/"$//'
		next=$(grep -o '<a rel="next" href="[^"]*"' "$f" | sed 's/.*href="//; s/"$//')
		[ -n "$next" ] || break
		f=public${next}index.html
	done | tr '\n' ' '
}
N=/tin-tuc/dong-thai
check "chinh-sach: exactly the policy news, newest first" \
	[ "$(items /chuyen-muc/chinh-sach/)" = "$N/a1-chinh-sach/ /tin-tuc/an-duong/hoi-thao-chuyen-doi-so/ " ]
check "phu-huynh: the parents' news, Hugo's categories too, paginated" \
	[ "$(items /chuyen-muc/phu-huynh/)" = "/tin-tuc/thong-bao-tuyen-sinh/ $N/a2-phu-huynh/ $N/a5-hugo-categories/ " ]
check "phu-huynh: page 2 at /chuyen-muc/phu-huynh/trang/2/" test -s public/chuyen-muc/phu-huynh/trang/2/index.html
check "phu-huynh: no page 3" test ! -e public/chuyen-muc/phu-huynh/trang/3/index.html
check "hoat-dong: news without a category" \
	[ "$(items /chuyen-muc/hoat-dong/)" = "$N/a4-hoat-dong/ $N/bua-an-ban-tru-dam-bao-dinh-duong/ " ]
check "kinh-nghiem: the practice news" [ "$(items /chuyen-muc/kinh-nghiem/)" = "$N/a3-kinh-nghiem/ " ]
check "phu-huynh is titled Góc phụ huynh" contains public/chuyen-muc/phu-huynh/index.html '<h1>Góc phụ huynh</h1>'
check "a category's feed announced and linked" \
	contains public/chuyen-muc/phu-huynh/index.html '<a href="/chuyen-muc/phu-huynh/atom.xml" type="application/atom+xml">'
check "the category feed holds exactly its news" [ "$(grep -c '<entry>' public/chuyen-muc/phu-huynh/atom.xml)" -eq 3 ]
check "the category feed is valid XML" python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' public/chuyen-muc/phu-huynh/atom.xml
check "/chuyen-muc/ lists the four categories" sh -c \
	"[ \"\$(grep -o 'class=\"item-title\"><a href=\"/chuyen-muc/[^\"]*\"' public/chuyen-muc/index.html | wc -l)\" -eq 4 ]"
check "an article links its category" contains public$N/a2-phu-huynh/index.html 'href="/chuyen-muc/phu-huynh/">Góc phụ huynh</a>'
check "the default menu has the parents' corner" contains public/index.html '<a href="/chuyen-muc/phu-huynh/">Góc phụ huynh</a>'

check "archive 2023: every published 2023 article, newest first" \
	[ "$(items /tin-tuc/2023/)" = "$N/a4-hoat-dong/ /tin-tuc/thong-bao-tuyen-sinh/ $N/a2-phu-huynh/ $N/a1-chinh-sach/ $N/bua-an-ban-tru-dam-bao-dinh-duong/ /tin-tuc/an-duong/hoi-thao-chuyen-doi-so/ $N/a5-hugo-categories/ " ]
check "archive 2023 paginated: /tin-tuc/2023/trang/4/ is the last page" \
	sh -c 'test -s public/tin-tuc/2023/trang/4/index.html && test ! -e public/tin-tuc/2023/trang/5/index.html'
check "archive 2023/04: exactly April's, no draft" \
	[ "$(items /tin-tuc/2023/04/)" = "/tin-tuc/thong-bao-tuyen-sinh/ $N/a2-phu-huynh/ $N/a1-chinh-sach/ " ]
check "archive 2023/04 page 2 at /tin-tuc/2023/04/trang/2/" test -s public/tin-tuc/2023/04/trang/2/index.html
check "archive 2023/04 titled" contains public/tin-tuc/2023/04/index.html '<h1>Tin tức tháng 4/2023</h1>'
check "archive 2022: its one article" [ "$(items /tin-tuc/2022/)" = "$N/a3-kinh-nghiem/ " ]
check "archive 2022/11" [ "$(items /tin-tuc/2022/11/)" = "$N/a3-kinh-nghiem/ " ]
check "no archive of a month without news" test ! -e public/tin-tuc/2022/12/index.html
check "no archive month of a future article" test ! -e public/tin-tuc/2023/12/index.html
check "a month page's breadcrumbs go through its year" \
	sh -c "sed -n '/<nav class=\"breadcrumbs/,/<\/nav>/p' public/tin-tuc/2023/04/index.html | tr -d '\n' | grep -q '<a href=\"/tin-tuc/\">Tin tức</a></li><li><a href=\"/tin-tuc/2023/\">2023</a>'"
check "the news list links each year of the archive" \
	sh -c 'grep -q "<a href=\"/tin-tuc/2023/\">2023</a>" public/tin-tuc/index.html && grep -q "<a href=\"/tin-tuc/2022/\">2022</a>" public/tin-tuc/index.html'
check "a year page links its months" \
	sh -c 'grep -q "href=\"/tin-tuc/2023/04/\">Tháng 4</a>" public/tin-tuc/2023/index.html && grep -q "href=\"/tin-tuc/2023/01/\">Tháng 1</a>" public/tin-tuc/2023/index.html'

# a page may not take a category's URL
write content/chuyen-muc/gia.md <<'MD'
---
title: "Giả"
---
x
MD
write content/news/dong-thai/sai.md <<'MD'
---
title: "Sai chuyên mục"
date: 2023-04-01
category: phuhuynh
---
x
MD
commit "$R" "2023-06-02T10:00:00+07:00" "PGD" "pgd@example.vn" "bad"
"$LOA" build --out public --now 2023-06-02 2> err.txt
check "bad: exit 1" test $? -eq 1
check "a page under /chuyen-muc/ is refused" grep -q "content/chuyen-muc/gia.md.*reserved" err.txt
check "an unknown category names parents among the allowed" \
	contains err.txt "unknown category 'phuhuynh' (allowed: policy, activity, practice, parents)"
finish
