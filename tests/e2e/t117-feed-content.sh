# Atom entries carry the article's HTML (<content type="html">) with every
# URL of the site absolute (base_url, its sub-path included), and each feed
# holds at most feeds.limit entries.
. "$(dirname "$0")/lib.sh"
command -v vips > /dev/null || { echo "FAIL vips is installed (scripts/install-deps.sh --test)"; exit 1; }
R="$TMP/site"
basic_site "$R"
cd "$R"
write site.yaml <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/sub/"
feeds:
  limit: 2
YAML
B=content/news/dong-thai/co-anh
mkdir -p "$B"
vips black "$B/anh.jpg" 300 200
write "$B/index.md" <<'MD'
---
title: "Bài có ảnh và liên kết"
date: 2023-03-05
---
Xem [bài bữa ăn](../bua-an.md), [các trường](/truong/), [mục dưới](#muc-duoi)
và [Bộ GD&ĐT](https://moet.gov.vn/).

![Các bé](anh.jpg)

## Mục dưới

Hết.
MD
for i in 1 2 3; do
	write content/news/an-duong/tin-$i.md <<MD
---
title: "Tin $i"
date: 2023-02-0$i
---
Tin số $i.
MD
done
commit "$R" "2023-04-01T10:00:00+07:00" "PGD" "pgd@example.vn" "feeds"
"$LOA" build --out public --now 2023-04-02 2> err.txt
check "build exits 0" test $? -eq 0

cat > "$TMP/feed.py" <<'PY'
import sys, re, xml.dom.minidom as m
doc = m.parse(sys.argv[1])
want = sys.argv[2]
entries = doc.getElementsByTagName("entry")
out = []
for e in entries:
    link = [l.getAttribute("href") for l in e.getElementsByTagName("link")][0]
    cs = e.getElementsByTagName("content")
    html = cs[0].firstChild.data if cs and cs[0].firstChild else ""
    typ = cs[0].getAttribute("type") if cs else ""
    out.append((link, typ, html))
if want == "count":
    print(len(out))
elif want == "relative":
    # every href/src of the content: absolute (a scheme), none relative
    bad = [u for _, _, h in out for u in re.findall(r'(?:href|src)="([^"]*)"', h)
           if not re.match(r"^[a-z]+:", u)]
    print(" ".join(bad))
else:
    for link, typ, html in out:
        if link == want:
            print(typ)
            print(html)
PY
F=public/atom.xml
check "the site feed is well-formed XML" sh -c "python3 $TMP/feed.py $F count > /dev/null"
check "feeds.limit 2: the site feed has 2 entries" [ "$(python3 "$TMP/feed.py" $F count)" -eq 2 ]
check "feeds.limit 2: the news feed has 2 entries" [ "$(python3 "$TMP/feed.py" public/tin-tuc/atom.xml count)" -eq 2 ]
check "feeds.limit 2: a school feed has 2 of its 4 entries" [ "$(python3 "$TMP/feed.py" public/truong/an-duong/atom.xml count)" -eq 2 ]
check "feeds.limit 2: a category feed has 2 entries" [ "$(python3 "$TMP/feed.py" public/chuyen-muc/hoat-dong/atom.xml count)" -eq 2 ]
python3 "$TMP/feed.py" public/tin-tuc/atom.xml https://example.vn/sub/tin-tuc/dong-thai/bai-co-anh-va-lien-ket/ > "$TMP/c.txt"
check "the entry has <content type=\"html\">" [ "$(head -1 "$TMP/c.txt")" = "html" ]
check "content: the article's text" contains "$TMP/c.txt" '<h2 id="muc-duoi">Mục dưới</h2>'
check "content: a link to another article, absolute" \
	contains "$TMP/c.txt" 'href="https://example.vn/sub/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/"'
check "content: a site-rooted link, absolute under the sub-path" contains "$TMP/c.txt" 'href="https://example.vn/sub/truong/"'
check "content: a fragment, absolute on the article" \
	contains "$TMP/c.txt" 'href="https://example.vn/sub/tin-tuc/dong-thai/bai-co-anh-va-lien-ket/#muc-duoi"'
check "content: an external link kept" contains "$TMP/c.txt" 'href="https://moet.gov.vn/"'
check "content: the photo, absolute" \
	contains "$TMP/c.txt" 'src="https://example.vn/sub/tin-tuc/dong-thai/bai-co-anh-va-lien-ket/anh.jpg"'
for f in public/atom.xml public/tin-tuc/atom.xml public/truong/*/atom.xml public/chuyen-muc/*/atom.xml; do
	check "no relative URL in the content of $f" [ -z "$(python3 "$TMP/feed.py" "$f" relative)" ]
done
check "the summary is still there" grep -q '<summary type="text">Xem bài bữa ăn' public/tin-tuc/atom.xml

# the builder renders feed content bounded: a long article is cut at a
# paragraph with a link to the page, and shortcodes (Lua, run only in the
# workers' budget) are left out
{ printf -- '---\ntitle: "Bài rất dài"\ndate: 2023-03-20\n---\n{{< truong dong-thai >}}\n\n'
  for i in $(seq 1 400); do printf 'Đoạn số %d của một bài rất dài về hoạt động của các bé.\n\n' "$i"; done; } \
	> content/news/dong-thai/rat-dai.md
commit "$R" "2023-04-01T12:00:00+07:00" "PGD" "pgd@example.vn" "long"
"$LOA" build --out public --now 2023-04-02 2> err.txt
check "long article: build exits 0" test $? -eq 0
python3 "$TMP/feed.py" public/tin-tuc/atom.xml https://example.vn/sub/tin-tuc/dong-thai/bai-rat-dai/ > "$TMP/l.txt"
check "long article: its beginning is in the feed" contains "$TMP/l.txt" '<p>Đoạn số 1 của một bài rất dài'
check "long article: cut before its end" lacks "$TMP/l.txt" 'Đoạn số 400 '
check "long article: ends with a link to the page" \
	contains "$TMP/l.txt" '<p><a href="https://example.vn/sub/tin-tuc/dong-thai/bai-rat-dai/">…</a></p>'
check "long article: the page itself is whole" contains public/tin-tuc/dong-thai/bai-rat-dai/index.html 'Đoạn số 400 '
check "shortcode: left out of the feed" sh -c "! grep -q '{{<' '$TMP/l.txt'"
check "shortcode: rendered on the page" contains public/tin-tuc/dong-thai/bai-rat-dai/index.html 'href="/sub/truong/dong-thai/"'

# a larger limit shows more; the same commit gives the same bytes
sed -i 's/limit: 2/limit: 3/' site.yaml
commit "$R" "2023-04-02T10:00:00+07:00" "PGD" "pgd@example.vn" "limit 3"
"$LOA" build --out public --now 2023-04-02 2> err.txt
check "feeds.limit 3: the news feed has 3 entries" [ "$(python3 "$TMP/feed.py" public/tin-tuc/atom.xml count)" -eq 3 ]
cp public/tin-tuc/atom.xml "$TMP/a1.xml"
"$LOA" build --out public-b --now 2023-04-02 2> err.txt
check "the same commit gives the same feed bytes" cmp -s "$TMP/a1.xml" public-b/tin-tuc/atom.xml
finish
