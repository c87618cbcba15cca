# The model-school directory /truong/ (provinces, districts and schools in
# Vietnamese order, schools without a province last) and the model-practice
# pages /mo-hinh/ that link the schools running the same practice.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
new_repo "$R"
write "$R/site.yaml" <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/"
YAML
BUA="Bữa ăn hợp lý, đảm bảo dinh dưỡng kết hợp với tăng cường vận động thể lực"
# school FILE TITLE PROVINCE DISTRICT [MODELS-YAML]
school() {
	{
		printf -- '---\ntitle: "%s"\n' "$2"
		[ -n "$3" ] && printf 'province: "%s"\n' "$3"
		[ -n "$4" ] && printf 'district: "%s"\n' "$4"
		[ -n "${5:-}" ] && printf 'models:\n%s\n' "$5"
		printf -- '---\nGiới thiệu.\n'
	} | write "$R/content/schools/$1.md"
}
# written in an order that is neither the expected one nor byte order
school le-loi "Trường Mầm non Lê Lợi" "Hải Phòng" "Huyện An Dương"
school dong-thai "Trường Mầm non Đồng Thái" "Hải Phòng" "Huyện An Dương" \
	"  - { title: \"$BUA\", year: \"2022-2023\", level: \"huyện\" }"
school an-dong-2 "Trường Mầm non An Đồng 2" "Hải Phòng" "Huyện An Dương" \
	"  - { title: \"$BUA\", year: \"2021-2022\", level: \"thành phố\" }
  - { title: \"Quan sát trẻ theo quá trình\", year: \"2022-2023\" }"
school an-duong "Trường Mầm non An Dương" "Hải Phòng" "Huyện An Dương"
school duong-kinh "Trường Mầm non Dương Kinh" "Hải Phòng" "Quận Dương Kinh"
school hoa-sen "Trường Mầm non Hoa Sen" "Đà Nẵng" "Quận Hải Châu"
school sao-mai "Trường Mầm non Sao Mai" "" ""
write "$R/content/news/an-dong-2/bua-an.md" <<'MD'
---
title: "Bữa ăn bán trú của bé"
date: 2023-03-01
---
Bài viết.
MD
write "$R/content/news/dong-thai/van-dong.md" <<'MD'
---
title: "Bé vận động mỗi sáng"
date: 2023-04-01
---
Bài viết.
MD
write "$R/content/news/le-loi/khac.md" <<'MD'
---
title: "Tin của trường Lê Lợi"
date: 2023-04-02
---
Bài viết.
MD
commit "$R" "2023-05-02T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Các trường"
cd "$R"
"$LOA" build --out public --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "build exits 0" [ "$st" -eq 0 ]
D=public/truong/index.html
check "directory published" test -s "$D"

names=$(grep -o 'class="dir-school" href="[^"]*">[^<]*' "$D" | sed 's/.*">//' | tr '\n' '|')
expected="Trường Mầm non Hoa Sen|Trường Mầm non An Dương|Trường Mầm non An Đồng 2|Trường Mầm non Đồng Thái|Trường Mầm non Lê Lợi|Trường Mầm non Dương Kinh|Trường Mầm non Sao Mai|"
[ "$names" = "$expected" ] || echo "got: $names"
check "schools in Vietnamese order within province and district groups" [ "$names" = "$expected" ]

heads=$(grep -o '<h[23] id="[^"]*" class="dir-[a-z]*-name">[^<]*' "$D" | sed 's/<h\([23]\) id="[^"]*" class="[^"]*">/\1 /' | tr '\n' '|')
hexp="2 Đà Nẵng|3 Quận Hải Châu|2 Hải Phòng|3 Huyện An Dương|3 Quận Dương Kinh|2 Khác|"
[ "$heads" = "$hexp" ] || echo "got: $heads"
check "province and district headings, Vietnamese order, 'Khác' last" [ "$heads" = "$hexp" ]

# each school's entry lies under its own headings
section_of() { awk -v n="$1" '/class="dir-(province|district)-name"/ { h = $0 } index($0, n) && /dir-school/ { print h; exit }' "$D"; }
h=$(section_of 'Dương Kinh<')
check "Dương Kinh under its district" [ "${h#*Quận Dương Kinh}" != "$h" ]
h=$(section_of 'Lê Lợi<')
check "Lê Lợi under Huyện An Dương" [ "${h#*Huyện An Dương}" != "$h" ]

S=bua-an-hop-ly-dam-bao-dinh-duong-ket-hop-voi-tang-cuong-van-dong-the-luc
M="public/mo-hinh/$S/index.html"
check "one page for the shared practice" test -s "$M"
check "practice page has the practice title" contains "$M" "<h1>$BUA</h1>"
check "practice page links the first school" contains "$M" 'href="/truong/an-dong-2/"'
check "practice page links the second school" contains "$M" 'href="/truong/dong-thai/"'
check "practice page lists only the schools running it" lacks "$M" 'href="/truong/le-loi/"'
check "practice page shows each school's year and level" contains "$M" 'Năm học 2021-2022 · Cấp thành phố'
# issue 16: a model page lists the articles naming the model (t112), not
# every article of the schools running it
check "practice page leaves out articles not naming it" lacks "$M" 'Bé vận động mỗi sáng'
check "practice page leaves out other schools' news" lacks "$M" 'Tin của trường Lê Lợi'
sch=$(grep -o 'class="model-school" href="[^"]*"' "$M" | tr '\n' ' ')
check "practice page lists schools in Vietnamese order" [ "$sch" = 'class="model-school" href="/truong/an-dong-2/" class="model-school" href="/truong/dong-thai/" ' ]
check "school page links the practice (Đồng Thái)" contains public/truong/dong-thai/index.html "href=\"/mo-hinh/$S/\""
check "school page links the practice (An Đồng 2)" contains public/truong/an-dong-2/index.html "href=\"/mo-hinh/$S/\""
check "directory links the practice from the entry" contains "$D" "class=\"dir-model\" href=\"/mo-hinh/$S/\""
I=public/mo-hinh/index.html
check "practice index published" test -s "$I"
check "practice index counts two schools" grep -q "href=\"/mo-hinh/$S/\">$BUA</a> <span class=\"meta\">Số trường thực hiện: 2</span>" "$I"
check "practice index lists the other practice" contains "$I" 'href="/mo-hinh/quan-sat-tre-theo-qua-trinh/"'
check "practice pages in the sitemap" contains public/sitemap.xml "<loc>https://example.vn/mo-hinh/$S/</loc>"
finish
