# Announcements: `pinned: true` puts a news article first on the home page
# and on its category's page, through its `until:` day (the whole day, in
# the site's zone); the build declares the next day as its next change, and
# from that day the article is back in date order. Without `until` it stays
# first. The news list and the archive keep date order.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
write site.yaml <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/"
page_size: 3
YAML
write content/news/dong-thai/tuyen-sinh.md <<'MD'
---
title: "Thông báo tuyển sinh năm học mới"
date: 2023-05-01
category: parents
pinned: true
until: 2023-06-10
---
Nhà trường thông báo tuyển sinh.
MD
write content/news/dong-thai/lich-nghi.md <<'MD'
---
title: "Lịch nghỉ hè"
date: 2023-04-01
category: policy
pinned: true
---
Lịch nghỉ hè.
MD
for i in 1 2 3 4; do
	write content/news/an-duong/tin-$i.md <<MD
---
title: "Tin $i"
date: 2023-05-1$i
category: parents
---
Tin.
MD
done
commit "$R" "2023-05-20T10:00:00+07:00" "PGD" "pgd@example.vn" "pinned"

first() { grep -o 'class="item-title"><a href="[^"]*"' "$1" | sed 's/.*href="//; s/"$//' | head -n "$2" | tr '\n' ' '; }
P=/tin-tuc/dong-thai/thong-bao-tuyen-sinh-nam-hoc-moi/
H=/tin-tuc/dong-thai/lich-nghi-he/
"$LOA" build --out public --now 2023-06-05 2> err.txt
check "before until: build exits 0" test $? -eq 0
check "before until: home shows the two announcements first, by date" \
	[ "$(first public/index.html 3)" = "$P $H /tin-tuc/an-duong/tin-4/ " ]
check "before until: first on its category's page" \
	[ "$(first public/chuyen-muc/phu-huynh/index.html 2)" = "$P /tin-tuc/an-duong/tin-4/ " ]
check "before until: marked as an announcement" \
	sh -c "grep -A4 'href=\"$P\"' public/index.html | grep -q '<span class=\"pinned\">Thông báo</span>'"
check "before until: the news list keeps date order" \
	[ "$(first public/tin-tuc/index.html 1)" = "/tin-tuc/an-duong/tin-4/ " ]
check "before until: the archive keeps date order" \
	[ "$(first public/tin-tuc/2023/05/index.html 1)" = "/tin-tuc/an-duong/tin-4/ " ]
check "before until: the next change is the day after until" \
	grep -q "next change: 2023-06-11T00:00:00+07:00 (content/news/dong-thai/tuyen-sinh.md" err.txt

"$LOA" build --out public --now 2023-06-10T23:30:00+07:00 2> err.txt
check "on the until day itself: still first" [ "$(first public/index.html 1)" = "$P " ]

"$LOA" build --out public --now 2023-06-11 2> err.txt
check "after until: build exits 0" test $? -eq 0
check "after until: no longer first on the home page; the other announcement is" \
	[ "$(first public/index.html 3)" = "$H /tin-tuc/an-duong/tin-4/ /tin-tuc/an-duong/tin-3/ " ]
check "after until: back in date order on its category" \
	[ "$(first public/chuyen-muc/phu-huynh/index.html 2)" = "/tin-tuc/an-duong/tin-4/ /tin-tuc/an-duong/tin-3/ " ]
check "after until: not marked" sh -c "! grep -q 'class=\"pinned\"' public/chuyen-muc/phu-huynh/index.html"
check "after until: no next change from it" lacks err.txt "tuyen-sinh.md"

# a wrong until is an error at file:line:col
sed -i 's/^until: 2023-06-10/until: sớm/' content/news/dong-thai/tuyen-sinh.md
commit "$R" "2023-05-21T10:00:00+07:00" "PGD" "pgd@example.vn" "bad until"
"$LOA" build --out public2 --now 2023-06-05 2> err.txt
check "bad until: exit 1" test $? -eq 1
check "bad until: named at file:line:col" grep -q "^content/news/dong-thai/tuyen-sinh.md:6:8: error: invalid date 'sớm'" err.txt
finish
