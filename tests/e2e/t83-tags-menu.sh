# Tags that fold to one slug are one topic, shown under the spelling most
# pages use and listing each page once (topic page, its feed, the topic
# index); a site.yaml without `menu:` gets the default menu (home, news,
# schools, plans, search) in its language; a written `menu:` replaces it.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
tagged() { # FILE TITLE DATE TAGS
	write "content/news/dong-thai/$1.md" <<MD
---
title: "$2"
date: $3
tags: $4
---
Nội dung.
MD
}
# one article with both spellings (capitals first); "Chuyển đổi số" is
# written 3 times, "CHUYỂN ĐỔI SỐ" twice, "chuyển đổi số" once
tagged hai-cach "Bài có hai cách viết" 2023-03-10 '["CHUYỂN ĐỔI SỐ", "Chuyển đổi số"]'
tagged thuong-1 "Bài chữ thường một" 2023-03-11 '["Chuyển đổi số"]'
tagged thuong-2 "Bài chữ thường hai" 2023-03-12 '["Chuyển đổi số", "chuyển đổi số"]'
tagged hoa "Bài chữ hoa" 2023-03-13 '["CHUYỂN ĐỔI SỐ"]'
# a tie (one page each): the spelling met first in source path order wins
tagged a-dinh-duong "Bài A" 2023-03-14 '["Dinh Dưỡng"]'
# plugins find a topic's pages by any of its spellings
write plugins/probe.lua <<'LUA'
loa.on("before_render", function()
  local out = {}
  for _, tag in ipairs({ "CHUYỂN ĐỔI SỐ", "chuyển đổi số", "chuyen-doi-so" }) do
    out[#out + 1] = tag .. "=" .. #loa.pages{ tag = tag }
  end
  loa.add_file{ url = "/probe.txt", content = table.concat(out, "\n") .. "\n" }
end)
LUA
commit "$R" "2023-03-20T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Thẻ"
"$LOA" build --out public --now 2023-04-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "build exits 0" [ "$st" -eq 0 ]
T=public/chu-de/chuyen-doi-so/index.html
F=public/chu-de/chuyen-doi-so/atom.xml
check "one topic page for both spellings" test -s "$T"
# page_size is 1: the topic's list runs over 4 pages
n=$(cat public/chu-de/chuyen-doi-so/index.html public/chu-de/chuyen-doi-so/trang/*/index.html |
	grep -o 'href="/tin-tuc/dong-thai/[^"]*/"' | sort | uniq -c | awk '$1 > 1' | wc -l)
check "no article listed twice on the topic pages" [ "$n" -eq 0 ]
n=$(cat public/chu-de/chuyen-doi-so/index.html public/chu-de/chuyen-doi-so/trang/*/index.html |
	grep -o 'href="/tin-tuc/dong-thai/bai-co-hai-cach-viet/"' | wc -l)
check "article with both spellings listed once on the topic pages" [ "$n" -eq 1 ]
check "topic list runs over 4 pages, not 5" sh -c "test -s public/chu-de/chuyen-doi-so/trang/4/index.html && test ! -e public/chu-de/chuyen-doi-so/trang/5/index.html"
n=$(grep -c '<entry>' "$F")
check "topic feed has one entry per article (4)" [ "$n" -eq 4 ]
n=$(grep -o '<id>https://example.vn/tin-tuc/dong-thai/bai-co-hai-cach-viet/</id>' "$F" | wc -l)
check "article with both spellings once in the topic feed" [ "$n" -eq 1 ]
check "topic page titled with the most frequent spelling" grep -q '<h1[^>]*>Chuyển đổi số' "$T"
check "topic feed titled with the most frequent spelling" contains "$F" "<title type=\"text\">Chủ đề: Chuyển đổi số"
check "less frequent spelling not shown on the topic page" lacks "$T" "CHUYỂN ĐỔI SỐ"
n=$(grep -o 'href="/chu-de/chuyen-doi-so/"' public/chu-de/index.html | wc -l)
check "topic listed once in the topic index" [ "$n" -eq 1 ]
A=public/tin-tuc/dong-thai/bai-co-hai-cach-viet/index.html
n=$(grep -o 'href="/chu-de/chuyen-doi-so/"' "$A" | wc -l)
check "article shows the topic once" [ "$n" -eq 1 ]
check "article written in capitals shows the topic's spelling" contains public/tin-tuc/dong-thai/bai-chu-hoa/index.html ">Chuyển đổi số<"
check "tie: spelling of the first page in path order" contains public/chu-de/dinh-duong/index.html "Dinh Dưỡng"
check "tie: the other spelling not used" lacks public/chu-de/dinh-duong/index.html ">dinh dưỡng<"
check "loa.pages{tag=} by the upper-case spelling" grep -qx "CHUYỂN ĐỔI SỐ=4" public/probe.txt
check "loa.pages{tag=} by the lower-case spelling" grep -qx "chuyển đổi số=4" public/probe.txt
check "loa.pages{tag=} by the slug" grep -qx "chuyen-doi-so=4" public/probe.txt
check "category term once per article in the feed" \
	[ "$(grep -o 'term="chuyen-doi-so"' public/tin-tuc/atom.xml | wc -l)" -eq 4 ]

# the default menu: site.yaml has no menu
H=public/index.html
nav() { sed -n '/<nav class="menu"/,/<\/nav>/p' "$1"; }
nav "$H" > "$TMP/nav"
check "default menu: home" contains "$TMP/nav" '<a href="/" aria-current="page">Trang chủ</a>'
check "default menu: news" contains "$TMP/nav" '<a href="/tin-tuc/">Tin tức</a>'
check "default menu: schools" contains "$TMP/nav" '<a href="/truong/">Trường điểm</a>'
check "default menu: plans" contains "$TMP/nav" '<a href="/ke-hoach/">Kế hoạch</a>'
check "default menu: search" contains "$TMP/nav" '<a href="/tim-kiem/">Tìm kiếm</a>'
check "default menu: parents' corner (readers)" contains "$TMP/nav" '<a href="/chuyen-muc/phu-huynh/">Góc phụ huynh</a>'
check "default menu has exactly 6 links" [ "$(grep -c '<li><a ' "$TMP/nav")" -eq 6 ]
for u in index.html tin-tuc/index.html truong/index.html ke-hoach/index.html tim-kiem/index.html chuyen-muc/phu-huynh/index.html; do
	check "default menu target $u exists" test -s "public/$u"
done
check "default menu also on the 404 page" contains public/404.html '<a href="/tim-kiem/">Tìm kiếm</a>'

# in English
printf 'language: en\n' >> site.yaml
commit "$R" "2023-03-21T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "English"
"$LOA" build --out pub-en --now 2023-04-01 --quiet 2> "$TMP/err"
nav pub-en/index.html > "$TMP/nav"
check "English default menu: home" contains "$TMP/nav" '>Home</a>'
check "English default menu: news" contains "$TMP/nav" '<a href="/tin-tuc/">News</a>'
check "English default menu: plans" contains "$TMP/nav" '<a href="/ke-hoach/">Plans</a>'
check "English default menu: search" contains "$TMP/nav" '<a href="/tim-kiem/">Search</a>'

# a written menu replaces the default entirely
cat >> site.yaml <<'YAML'
menu:
  - { name: "Giới thiệu", url: "/gioi-thieu/" }
YAML
commit "$R" "2023-03-22T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Menu"
"$LOA" build --out pub-menu --now 2023-04-01 --quiet 2> "$TMP/err"
nav pub-menu/index.html > "$TMP/nav"
check "written menu shown" contains "$TMP/nav" '<a href="/gioi-thieu/">Giới thiệu</a>'
check "written menu: default items absent" lacks "$TMP/nav" 'href="/tim-kiem/"'
check "written menu: one link" [ "$(grep -c '<li><a ' "$TMP/nav")" -eq 1 ]

# under a sub-path the default menu carries the prefix
sed -i 's|^base_url:.*|base_url: "https://example.vn/sub/"|; /^menu:/,$d' site.yaml
commit "$R" "2023-03-23T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Sub-path"
"$LOA" build --out pub-sub --now 2023-04-01 --quiet 2> "$TMP/err"
nav pub-sub/index.html > "$TMP/nav"
check "default menu under a sub-path" contains "$TMP/nav" '<a href="/sub/tim-kiem/">Search</a>'
finish
