# The readers' theme, as far as HTML shows it: skip link and landmarks,
# canonical and Open Graph URLs from base_url, JSON-LD NewsArticle that a
# hostile title cannot break out of, breadcrumbs, previous/next among the
# news by date, related articles (plugins/related.lua), the English strings
# with `language: en`, both string files with the same keys, and the size
# and print rules of the stylesheet.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
new_repo "$R"
write "$R/site.yaml" <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/truong-thu/"
menu:
  - { name: "Tin tức", url: "/tin-tuc/" }
YAML
write "$R/content/schools/dong-thai.md" <<'MD'
---
title: "Trường Mầm non Đồng Thái"
---
Giới thiệu.
MD
write "$R/content/schools/le-loi.md" <<'MD'
---
title: "Trường Mầm non Lê Lợi"
---
Giới thiệu.
MD
# news <school>/<file> <date> <title> <tags-yaml> [extra front matter]
news() {
	printf -- '---\ntitle: "%s"\ndate: %s\ntags: %s\n%s---\nNội dung bài viết.\n' "$3" "$2" "$4" "${5:-}" |
		write "$R/content/news/$1.md"
}
news dong-thai/a 2023-01-10 "Bài A dinh dưỡng" '["dinh dưỡng"]'
news le-loi/b 2023-02-10 "Bài B giao thông" '["giao thông"]'
news le-loi/c 2023-03-10 "Bài C dinh dưỡng" '["dinh dưỡng", "bếp ăn"]'
news le-loi/d 2023-04-10 "Bài D lễ hội" '["lễ hội"]'
# a bundle with its photo, shared as og:image
write "$R/content/news/dong-thai/e/index.md" <<'MD'
---
title: "Bài E có ảnh"
date: 2023-05-10
image: "anh.png"
---
Nội dung.
MD
# a real 1x1 PNG (the image pipeline reads it)
python3 -c '
import struct, sys, zlib
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
sys.stdout.buffer.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
    chunk(b"IDAT", zlib.compress(b"\x00\x0b\x6b\x3a")) + chunk(b"IEND", b""))' > "$R/content/news/dong-thai/e/anh.png"
# a hostile title, summary and author: the JSON-LD must stay one JSON value
write "$R/content/news/dong-thai/x.md" <<'MD'
---
title: "</script><script>alert(1)</script> \"q\" & <!-- Đ"
summary: "<!--<script>alert(2)</script>"
author: "</SCRIPT><svg onload=alert(3)>"
date: 2022-12-01
category: policy
---
Bài viết.
MD
commit "$R" "2023-06-01T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Nội dung"
cd "$R"
"$LOA" build --out public --now 2023-06-02 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "build exits 0" [ "$st" -eq 0 ]

A=public/tin-tuc/dong-thai/bai-a-dinh-duong/index.html
B=public/tin-tuc/le-loi/bai-b-giao-thong/index.html
C=public/tin-tuc/le-loi/bai-c-dinh-duong/index.html
D=public/tin-tuc/le-loi/bai-d-le-hoi/index.html
E=public/tin-tuc/dong-thai/bai-e-co-anh/index.html
X=$(grep -l '<h1>&lt;/script&gt;' public/tin-tuc/dong-thai/*/index.html | head -1)
check "the hostile article was published" test -n "$X" -a -f "$A" -a -f "$C" -a -f "$E"

# --- skip link, landmarks, one h1 ---------------------------------------
for f in public/index.html "$C" public/tin-tuc/index.html public/truong/dong-thai/index.html public/404.html; do
	n=${f#public/}
	check "skip link first in body: $n" grep -q '<body[^>]*>' "$f"
	check "skip link targets main: $n" \
		sh -c "sed -n '/<body/,\$p' '$f' | grep -m1 '<a ' | grep -q 'class=\"skip-link\" href=\"#main\"'"
	check "landmarks header, nav, main#main, footer: $n" sh -c \
		"grep -q '<header class=\"site-header\"' '$f' && grep -q '<nav class=\"menu\" aria-label=' '$f' &&
		 grep -q '<main id=\"main\"' '$f' && grep -q '<footer class=\"site-footer\"' '$f'"
	check "one h1: $n" [ "$(grep -o '<h1' "$f" | wc -l)" -eq 1 ]
done

# --- canonical and Open Graph: absolute, from base_url ------------------
check "canonical is absolute, under base_url" \
	contains "$C" '<link rel="canonical" href="https://example.vn/truong-thu/tin-tuc/le-loi/bai-c-dinh-duong/">'
check "og:url is the canonical URL" \
	contains "$C" '<meta property="og:url" content="https://example.vn/truong-thu/tin-tuc/le-loi/bai-c-dinh-duong/">'
check "og:type article on news" contains "$C" '<meta property="og:type" content="article">'
check "og:type website elsewhere" contains public/index.html '<meta property="og:type" content="website">'
check "og:title" contains "$C" '<meta property="og:title" content="Bài C dinh dưỡng">'
check "og:locale vi_VN" contains "$C" '<meta property="og:locale" content="vi_VN">'
check "article:published_time" contains "$C" '<meta property="article:published_time" content="2023-03-10'
check "article:tag per tag" contains "$C" '<meta property="article:tag" content="bếp ăn">'
check "og:image: the bundle's photo, absolute" \
	contains "$E" '<meta property="og:image" content="https://example.vn/truong-thu/tin-tuc/dong-thai/bai-e-co-anh/anh.png">'
check "without an image: the site's default og:image (readers)" \
	contains "$C" '<meta property="og:image" content="https://example.vn/truong-thu/og-image.png">'
check "internal links honour the sub-path of base_url" contains "$C" 'href="/truong-thu/tin-tuc/"'

# --- JSON-LD NewsArticle ----------------------------------------------------
# jsonld FILE: the JSON-LD block's text
jsonld() { sed -n '/<script type="application\/ld+json">/,/<\/script>/p' "$1" | sed '1d;$d'; }
jsonld "$C" > "$TMP/c.json"
jsonld "$X" > "$TMP/x.json"
check "JSON-LD on an article" grep -q '"@type":"NewsArticle"' "$TMP/c.json"
check "JSON-LD values" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["headline"] == "Bài C dinh dưỡng", d
assert d["datePublished"].startswith("2023-03-10"), d
assert d["url"] == "https://example.vn/truong-thu/tin-tuc/le-loi/bai-c-dinh-duong/", d
assert d["keywords"] == ["dinh dưỡng", "bếp ăn"], d
assert d["author"]["name"] == "Trường Mầm non Lê Lợi", d
assert d["publisher"]["url"] == "https://example.vn/truong-thu/", d
' "$TMP/c.json"
check "no JSON-LD on a school page" lacks public/truong/dong-thai/index.html 'application/ld+json'
check "hostile title: < written as \\u003c in the JSON-LD" grep -qF '\u003c/script\u003e\u003cscript\u003ealert(1)' "$TMP/x.json"
check "hostile title: the JSON-LD block holds no raw <" sh -c "! grep -q '<' '$TMP/x.json'"
check "hostile title: one script element opened and closed in the head" \
	[ "$(sed -n '1,/<\/head>/p' "$X" | grep -oi '<script' | wc -l)" -eq "$(sed -n '1,/<\/head>/p' "$X" | grep -oi '</script' | wc -l)" ]
check "hostile title: the JSON-LD parses back to the very title" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["headline"] == "</script><script>alert(1)</script> \"q\" & <!-- Đ", d["headline"]
assert d["description"] == "<!--<script>alert(2)</script>", d
assert d["author"]["name"] == "</SCRIPT><svg onload=alert(3)>", d
' "$TMP/x.json"
check "hostile title: escaped in og:title" contains "$X" 'content="&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; &amp; &lt;!-- Đ"'

# --- breadcrumbs -------------------------------------------------------------
crumbs() { sed -n '/<nav class="breadcrumbs/,/<\/nav>/p' "$1" | tr -d '\n'; }
check "breadcrumbs: home, news, the school, the article" sh -c "
	c=\$(sed -n '/<nav class=\"breadcrumbs/,/<\/nav>/p' '$C' | tr -d '\n')
	echo \"\$c\" | grep -q '<li><a href=\"/truong-thu/\">Trang chủ</a></li><li><a href=\"/truong-thu/tin-tuc/\">Tin tức</a></li><li><a href=\"/truong-thu/truong/le-loi/\">Trường Mầm non Lê Lợi</a></li><li><span aria-current=\"page\">Bài C dinh dưỡng</span></li>'"
check "breadcrumbs are a labelled nav" contains "$C" '<nav class="breadcrumbs wrap" aria-label="Đường dẫn">'
check "breadcrumbs of a topic go through /chu-de/" sh -c \
	"sed -n '/<nav class=\"breadcrumbs/,/<\/nav>/p' public/chu-de/dinh-duong/index.html | grep -q 'href=\"/truong-thu/chu-de/\"'"
check "breadcrumbs of a school go through /truong/" sh -c \
	"sed -n '/<nav class=\"breadcrumbs/,/<\/nav>/p' public/truong/le-loi/index.html | grep -q 'href=\"/truong-thu/truong/\"'"
check "no breadcrumbs on the home page" lacks public/index.html 'class="breadcrumbs'

# --- previous / next among all news, by date ---------------------------------
check "prev: the older article" contains "$C" 'rel="prev" href="/truong-thu/tin-tuc/le-loi/bai-b-giao-thong/"'
check "next: the newer article" contains "$C" 'rel="next" href="/truong-thu/tin-tuc/le-loi/bai-d-le-hoi/"'
check "across schools: A's next is B" contains "$A" 'rel="next" href="/truong-thu/tin-tuc/le-loi/bai-b-giao-thong/"'
check "the oldest has no prev" lacks "$X" 'rel="prev"'
check "the newest has no next" lacks "$E" 'rel="next"'

# --- related: same tags first, then the same school --------------------------
related() { sed -n '/<section class="related"/,/<\/section>/p' "$1"; }
related "$C" > "$TMP/rel-c"
check "related: the article sharing a tag is listed first" sh -c \
	"grep -o 'href=\"/truong-thu/tin-tuc/[^\"]*/\"' '$TMP/rel-c' | grep -v '/truong/' | head -1 | grep -q 'bai-a-dinh-duong'"
check "related: the same school's news is listed" grep -q 'bai-d-le-hoi' "$TMP/rel-c"
check "related: never the article itself" sh -c "! grep -q 'bai-c-dinh-duong' '$TMP/rel-c'"
related "$A" > "$TMP/rel-a"
check "related: nothing unrelated (no shared tag, other school)" sh -c "! grep -q 'bai-b-giao-thong\|bai-d-le-hoi' '$TMP/rel-a'"
check "related has its h2 after the article's h1" sh -c "grep -q '<h2 id=\"h-related\">Bài viết liên quan</h2>' '$C'"

# --- no JavaScript where no feature needs it ----------------------------------
scripts=$(grep -l '<script' public/index.html "$C" public/truong/index.html public/404.html | while read -r f; do
	grep -o '<script[^>]*>' "$f" | grep -v 'application/ld+json' | grep -v '/js/share.js' | sed "s|^|$f: |"; done)
check "no script but JSON-LD (and an article's copy-link share.js) on the home, an article, /truong/, 404" [ -z "$scripts" ]

# --- the stylesheet ------------------------------------------------------------
CSS=public/css/style.css
check "stylesheet under 30 KB" [ "$(wc -c < "$CSS")" -lt 30720 ]
check "stylesheet has print rules" grep -q '@media print' "$CSS"
check "stylesheet shows focus" grep -q ':focus-visible' "$CSS"

# --- strings: both languages, same keys, every key used exists ----------------
I18N="$ROOT/themes/default/i18n"
keys() { grep -oE '^[a-z_0-9]+:' "$1" | tr -d : | sort; }
keys "$I18N/vi.yaml" > "$TMP/vi.keys"
keys "$I18N/en.yaml" > "$TMP/en.keys"
check "vi.yaml and en.yaml have the same keys" diff "$TMP/vi.keys" "$TMP/en.keys"
check "no key twice in vi.yaml" [ -z "$(uniq -d "$TMP/vi.keys")" ]
grep -ohE '(^|[^a-zA-Z0-9_.]|loa\.)t\.[a-z_0-9]+' "$ROOT"/themes/default/layouts/*.html \
	"$ROOT"/themes/default/layouts/partials/*.html "$ROOT"/plugins/*.lua |
	sed 's/.*t\.//' | sort -u > "$TMP/used.keys"
missing=$(comm -23 "$TMP/used.keys" "$TMP/vi.keys" | tr '\n' ' ')
check "every t.KEY used by the theme and plugins is in vi.yaml ($missing)" [ -z "$missing" ]

# --- language: en --------------------------------------------------------------
printf 'language: en\n' >> site.yaml
commit "$R" "2023-06-03T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "English"
"$LOA" build --out public-en --now 2023-06-03 --quiet 2> "$TMP/err-en"
check "language en: build exits 0" [ $? -eq 0 ]
EN=public-en/tin-tuc/le-loi/bai-c-dinh-duong/index.html
check "language en: <html lang=en>" contains "$EN" '<html lang="en">'
check "language en: skip link from en.yaml" contains "$EN" '>Skip to main content</a>'
check "language en: breadcrumbs from en.yaml" contains "$EN" '>Home</a></li>'
check "language en: related from en.yaml" contains "$EN" '<h2 id="h-related">Related articles</h2>'
check "language en: og:locale en_US" contains "$EN" '<meta property="og:locale" content="en_US">'
check "language en: no Vietnamese interface string left" lacks "$EN" 'Bỏ qua, đến nội dung chính'

# --- without plugins/related.lua the theme still renders -----------------------
printf 'plugins: [lists]\n' >> site.yaml
commit "$R" "2023-06-04T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Only lists"
"$LOA" build --out public-min --now 2023-06-04 --quiet 2> "$TMP/err-min"
check "without related.lua: build exits 0" [ $? -eq 0 ]
check "without related.lua: no prev/next nor related" sh -c \
	"! grep -q 'class=\"prev-next\"\|class=\"related\"' public-min/tin-tuc/le-loi/bai-c-dinh-duong/index.html"
finish
