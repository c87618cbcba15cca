# The outreach dashboard /bao-cao/truyen-thong/ and its CSV: counts per
# school and month and policy counts per semester (HK1 August–December,
# HK2 January–July) at the boundaries, drafts and future posts left out,
# schools below target first, charts with a text alternative and escaped
# school names.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
new_repo "$R"
write "$R/site.yaml" <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/"
YAML
school() { # SLUG TITLE
	write "$R/content/schools/$1.md" <<MD
---
title: "$2"
---
Giới thiệu.
MD
}
n=0
news() { # SCHOOL DATE CATEGORY [EXTRA FRONT MATTER LINE]
	n=$((n + 1))
	write "$R/content/news/$1/bai-$n.md" <<MD
---
title: "Bài $n"
date: $2
category: $3
${4:-}
---
Nội dung.
MD
}
# An Dương meets both targets in the reference month 2023-08 and its
# semester; Đồng Thái and Em Bé do not. In name order An Dương comes first,
# so "below target first" changes the order.
school an-duong "Trường Mầm non An Dương"
school dong-thai "Trường Mầm non Đồng Thái"
school em-be "Trường Mầm non Em Bé"
school hoa-sen 'Trường <script>alert(1)</script> Hoa Sen'
news an-duong 2022-07-15 policy # July: HK2 of 2021-2022, the earliest month
news an-duong 2023-08-01 policy # August: HK1 of 2023-2024
news an-duong 2023-08-10 policy
news an-duong 2023-08-20 policy
news an-duong 2023-08-31 activity
news dong-thai 2022-08-01 policy # HK1 2022-2023
news dong-thai 2022-12-31 policy # December: HK1 2022-2023
news dong-thai 2023-01-01 policy # January: HK2 2022-2023
news dong-thai 2023-07-31 policy # July: HK2 2022-2023
for d in 03 04 05 06 07; do news dong-thai "2023-04-$d" activity; done
news dong-thai 2023-08-15 practice
news dong-thai 2023-08-16 policy "draft: true"     # a draft: not counted
news dong-thai 2023-09-20 policy                   # future on 2023-09-10
news em-be 10/2/2023 activity
# centre news has no school: it neither counts nor widens the range
write "$R/content/news/thong-bao.md" <<'MD'
---
title: "Thông báo của Trung tâm"
date: 2021-05-01
category: policy
---
Nội dung.
MD
commit "$R" "2023-09-01T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Nội dung"
cd "$R"
"$LOA" build --out public --now 2023-09-10 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "build exits 0" [ "$st" -eq 0 ]
C=public/bao-cao/truyen-thong.csv
P=public/bao-cao/truyen-thong/index.html
check "CSV published" test -s "$C"
check "dashboard published" test -s "$P"

row() { grep -qx -- "$1" "$C"; }
check "CSV header" [ "$(head -n 1 "$C")" = "school,period,category,count,target" ]
check "CSV uses LF line ends" sh -c "! grep -q \"$(printf '\r')\" '$C'"
check "month with five articles" row "dong-thai,2023-04,all,5,4"
check "month without articles is a zero row" row "dong-thai,2023-02,all,0,4"
check "December 31 counts in December" row "dong-thai,2022-12,all,1,4"
check "January 1 counts in January" row "dong-thai,2023-01,all,1,4"
check "August and December policy → HK1" row "dong-thai,2022-2023-HK1,policy,2,3"
check "January and July policy → HK2" row "dong-thai,2022-2023-HK2,policy,2,3"
check "July 2022 policy → HK2 of the previous school year" row "an-duong,2021-2022-HK2,policy,1,3"
check "August 2023 policy → HK1 of 2023-2024" row "an-duong,2023-2024-HK1,policy,3,3"
check "range starts at the earliest school article" row "em-be,2022-07,all,0,4"
check "centre news does not widen the range" sh -c "! grep -q ',2022-06,\|,2021-[01][0-9],' '$C'"
check "range ends at today's month" row "hoa-sen,2023-09,all,0,4"
check "nothing after today's month" sh -c "! grep -q ',2023-10,' '$C'"
check "draft not counted" row "dong-thai,2023-08,all,1,4"
check "future post not counted" row "dong-thai,2023-09,all,0,4"
check "draft and future policy not counted" row "dong-thai,2023-2024-HK1,policy,0,3"
check "school without articles has rows" row "hoa-sen,2022-2023-HK1,policy,0,3"
# 15 months (2022-07..2023-09) + 4 semesters per school, 4 schools, header
check "one row per school and period" [ "$(wc -l < "$C")" -eq 77 ]
check "rows sorted by school slug" sh -c "tail -n +2 '$C' | cut -d, -f1 | sort -c"
check "a school's months in order, then its semesters in order" \
	[ "$(grep '^dong-thai,' "$C" | cut -d, -f2 | tr '\n' ' ')" = \
	"2022-07 2022-08 2022-09 2022-10 2022-11 2022-12 2023-01 2023-02 2023-03 2023-04 2023-05 2023-06 2023-07 2023-08 2023-09 2021-2022-HK2 2022-2023-HK1 2022-2023-HK2 2023-2024-HK1 " ]

# the page: below-target schools first, in Vietnamese name order (Đ before
# E, unlike byte order), then the schools that met the targets
order=$(grep -o 'href="#truong-[a-z0-9-]*"' "$P" | sed 's/.*#truong-//; s/"//' | tr '\n' ' ')
check "below-target schools listed before the ones that met it" \
	sh -c "echo '$order' | grep -q 'dong-thai em-be an-duong'"
marked() { grep -A1 "<tr class=\"$1\">" "$P" | grep -q "href=\"#truong-$2\""; }
check "school that met the targets is marked so" marked outreach-met an-duong
check "school below target is marked so" marked outreach-below dong-thai
not_marked() { ! marked "$@"; }
check "school below target is not marked met" not_marked outreach-met dong-thai
check "page names the reference month" contains "$P" "08/2023 (tháng gần nhất đã kết thúc)"
check "page names the reference semester" contains "$P" "học kỳ I năm học 2023-2024 (tính đến nay)"
check "page links the CSV" contains "$P" 'href="/bao-cao/truyen-thong.csv"'
check "one chart per school" [ "$(grep -o '<svg class="outreach-chart"' "$P" | wc -l)" -eq 4 ]
check "chart is an image with a text alternative" grep -q '<svg [^>]*role="img" aria-labelledby="oc[0-9]*-t oc[0-9]*-d"' "$P"
check "chart has a title and a description" grep -q '<title id="oc[0-9]*-t">Số tin bài mỗi tháng — Trường Mầm non Đồng Thái</title><desc id="oc[0-9]*-d">Chỉ tiêu 4 tin bài mỗi tháng. Số tin bài: tháng 08/2023: 1; tháng 09/2023: 0' "$P"
check "chart draws the target line" contains "$P" 'stroke-dasharray="6 4"'
check "numbers also in a table" grep -q '<time datetime="2023-08">08/2023</time></th><td class="num">4</td>' "$P"
check "school name escaped inside the SVG" \
	grep -q '<title id="oc[0-9]*-t">Số tin bài mỗi tháng — Trường &lt;script&gt;alert(1)&lt;/script&gt; Hoa Sen</title>' "$P"
check "no script element on the page" lacks "$P" '<script'
# issue 16: the scorecard is internal by default (t110 covers outreach.public)
check "dashboard not in the sitemap by default" lacks public/sitemap.xml '<loc>https://example.vn/bao-cao/truyen-thong/</loc>'

# a site that stopped publishing: the charts show the last school year
# that had news, the CSV every month up to today
"$LOA" build --out public2 --now 2025-03-01 --quiet
check "stale site: CSV runs to today's month" grep -qx "an-duong,2025-03,all,0,4" public2/bao-cao/truyen-thong.csv
check "stale site: chart of the last school year with news" \
	contains public2/bao-cao/truyen-thong/index.html "năm học 2023-2024 (năm học có tin bài mới nhất), từ tháng 08/2023 đến tháng 07/2024"
check "stale site: judged on the last month of that year" \
	contains public2/bao-cao/truyen-thong/index.html "07/2024 (tháng gần nhất đã kết thúc)"

"$LOA" build --out public3 --now 2023-09-10 --quiet
check "same input, same dashboard" cmp -s "$P" public3/bao-cao/truyen-thong/index.html
check "same input, same CSV" cmp -s "$C" public3/bao-cao/truyen-thong.csv
finish
