# Script from contributors never runs in a reader's browser (HOSTILE.md §2
# cases 17-18, issue 7): script and markup in every front-matter field the
# theme prints (titles, summaries, tags, authors, images, a school's
# address, phone, email and website, its models, a plan's number, issuer
# and activities), and in bodies: javascript:/vbscript:/data:/file: links
# in every spelling, reference links, autolinks, image attributes, raw HTML
# in paragraphs and table cells. Every published HTML, XML and JSON file is
# scanned for a live tag, event handler or script URL.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
X='\"><script>alert(1)</script><img src=x onerror=alert(2)>'
write content/schools/doc-hai.md <<EOF2
---
title: "Trường <script>alert(3)</script> Độc hại"
district: "$X"
province: "</script><script>alert(4)</script>"
address: "$X"
phone: "<b onclick=alert(5)>0123</b>"
summary: "$X"
models:
  - { title: "<svg onload=alert(9)>", year: "2022-2023", level: "<i onclick=alert(10)>huyện</i>" }
---
Giới thiệu.
EOF2
write content/news/doc-hai/bai.md <<EOF2
---
title: "</title><script>alert(11)</script>Tiêu đề độc"
summary: "\"><img src=x onerror=alert(12)>"
tags: ["<script>alert(13)</script>", "\" onmouseover=\"alert(14)", "javascript:alert(15)"]
author: "<img src=x onerror=alert(16)>"
date: 2023-01-05
---
[a](javascript:alert(18)) [b](JaVaScRiPt:alert(19)) [c](&#106;avascript:alert(20))
[d](jav&#x09;ascript:alert(21)) [e](data:text/html,<script>alert(22)</script>)
[f](vbscript:msgbox(23)) [g](file:///etc/passwd) [h][ref] <javascript:alert(24)>
[i](http://example.vn "t\" onclick=\"alert(25)")

[ref]: javascript:alert(26)

![x" onerror="alert(27)](anh.png) ![y](javascript:alert(28)) ![z](data:image/svg+xml,<svg onload=alert(29)>)

<script>alert(30)</script>

<iframe src="javascript:alert(31)"></iframe> <b onclick="alert(32)">đậm</b>

| cột | <img src=x onerror=alert(33)> |
|-----|------|
| <script>alert(34)</script> | <a href="javascript:alert(35)">x</a> |
EOF2
write content/plans/doc-hai.md <<EOF2
---
title: "Kế hoạch <script>alert(36)</script>"
number: "$X"
issuer: "<img src=x onerror=alert(37)>"
signer: "javascript:alert(38)"
issued: 2023-02-17
activities:
  - { id: 1, name: "<script>alert(39)</script>", lead: "$X", partners: "<b onclick=alert(40)>x</b>", due: 2023-05, product: "javascript:alert(41)" }
---
Tóm tắt.
EOF2
# URL and email fields are checked when the front matter is typed: these
# pages are rejected, each naming the field's line
write content/schools/url-hong.md <<'EOF2'
---
title: "Trường URL hỏng"
email: "a@b.vn\" onmouseover=\"alert(6)"
website: "javascript:alert(7)"
image: "JaVaScRiPt:alert(8)"
---
x
EOF2
write content/news/dong-thai/anh-hong.md <<'EOF2'
---
title: "Ảnh hỏng"
date: 2023-01-06
image: " javascript:alert(17)"
---
x
EOF2
write content/news/dong-thai/anh-data.md <<'EOF2'
---
title: "Ảnh data"
date: 2023-01-07
image: "data:text/html,<script>alert(42)</script>"
---
x
EOF2
commit "$R" "2023-03-05T08:00:00+07:00" "Trường" "x@example.vn" "xss"
mkdir -p "$TMP/www"
"$LOA" build --out "$TMP/www/site" --now 2023-06-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
S="$TMP/www/site"
check "published with rejections (exit 1)" [ "$st" -eq 1 ]
check "unsafe email rejected at its line" grep -q "^content/schools/url-hong.md:3:[0-9]*: error: .*email" "$TMP/err"
check "javascript: website rejected at its line" grep -q "^content/schools/url-hong.md:4:[0-9]*: error: .*website" "$TMP/err"
check "JaVaScRiPt: image rejected at its line" grep -q "^content/schools/url-hong.md:5:[0-9]*: error: .*image" "$TMP/err"
check "' javascript:' image rejected at its line" grep -q "^content/news/dong-thai/anh-hong.md:4:[0-9]*: error: .*image" "$TMP/err"
check "data: image rejected at its line" grep -q "^content/news/dong-thai/anh-data.md:4:[0-9]*: error: .*image" "$TMP/err"
check "the hostile school page is published" test -s "$S/truong/doc-hai/index.html"
check "the hostile article is published" test -n "$(grep -rl 'Tiêu đề độc' "$S/tin-tuc/doc-hai" 2>/dev/null)"
check "the hostile plan is published" test -n "$(grep -rl 'Tóm tắt.' "$S/ke-hoach" 2>/dev/null)"
# Every HTML file parsed as a browser would tokenise it: no event-handler
# attribute, no script URL in a URL attribute (entities decoded, case and
# blanks ignored), no <iframe>/<object>/<embed>, every <script> the
# theme's own (no alert( inside), JSON-LD valid JSON without a raw '<'.
# XML files must hold no raw <script>.
python3 - "$S" > "$TMP/scan" <<'PY'
import html.parser, json, os, re, sys
bad = []
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "srcset", "data"}
SAFE_DATA = re.compile(r"data:image/(png|gif|jpeg|webp)[;,]")
class Scan(html.parser.HTMLParser):
    def __init__(self, path):
        super().__init__(convert_charrefs=True)
        self.path, self.in_script = path, False
    def handle_starttag(self, tag, attrs):
        if tag in ("iframe", "object", "embed", "frame", "base"):
            bad.append((self.path, "tag <%s>" % tag))
        if tag == "script":
            self.in_script = dict(attrs).get("type") or "js"
        for name, value in attrs:
            v = re.sub(r"[\x00-\x20]", "", (value or "")).lower()
            if name.startswith("on"):
                bad.append((self.path, "handler %s=%r" % (name, value)))
            if name in URL_ATTRS or (tag == "meta" and name == "content" and
                                     dict(attrs).get("property") in ("og:image", "og:url")):
                if re.match(r"(javascript|vbscript|livescript|file):", v) or \
                   (v.startswith("data:") and not (tag == "img" and SAFE_DATA.match(v))):
                    bad.append((self.path, "URL %s=%r" % (name, value)))
    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False
    def handle_data(self, data):
        # JSON-LD may carry a title with "alert(" as long as it is inert
        # JSON: parsable, and no raw '<' that could close the element
        if self.in_script == "application/ld+json":
            try:
                json.loads(data)
            except ValueError:
                bad.append((self.path, "JSON-LD that does not parse"))
            if "<" in data:
                bad.append((self.path, "raw '<' inside JSON-LD"))
        elif self.in_script and "alert(" in data:
            bad.append((self.path, "alert( inside <script>"))
for root, _, names in os.walk(sys.argv[1]):
    for n in names:
        p = os.path.join(root, n)
        text = open(p, encoding="utf-8", errors="replace").read()
        if n.endswith(".html"):
            Scan(p).feed(text)
        elif n.endswith((".xml", ".json")) and re.search(r"<script|<img[^>]*onerror", text, re.I):
            bad.append((p, "raw tag in XML/JSON"))
for p, why in bad:
    print("LIVE", os.path.relpath(p, sys.argv[1]), why)
print("scanned")
PY
cat "$TMP/scan"
check "the scan ran over the whole site" grep -q '^scanned$' "$TMP/scan"
check "no live tag, handler or script URL in any published file" sh -c "! grep -q '^LIVE' '$TMP/scan'"
check "the title is shown escaped" grep -rq '&lt;/title&gt;&lt;script&gt;' "$S/tin-tuc/doc-hai"
check "raw HTML in the body reported with its line" grep -q "doc-hai/bai.md:[0-9]*:[0-9]*: warning: .*raw HTML" "$TMP/err"
check "rest of the site built" test -s "$S/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html"
finish
