# A site below a sub-path (base_url https://example.vn/truyen-thong/): the
# sample site of this repository is built and every internal URL Loa wrote
# (href, src, srcset, action in every .html file; feed, sitemap and search
# index URLs) must carry the /truyen-thong prefix and name a file of the
# output once the prefix is stripped.
. "$(dirname "$0")/lib.sh"
R="$TMP/s"
new_repo "$R" >/dev/null
cp -R "$ROOT/content" "$R/"
sed 's|^base_url:.*|base_url: "https://example.vn/truyen-thong/"|' "$ROOT/site.yaml" > "$R/site.yaml"
check "sub-path base_url written" contains "$R/site.yaml" 'https://example.vn/truyen-thong/'
commit "$R" "2023-06-01T08:00:00+07:00" "Trung tâm" "tt@example.vn" "sample"
(cd "$R" && "$LOA" build --out "$TMP/out" --now 2026-11-23 --jobs 2 --quiet) > "$TMP/log" 2>&1
st=$?
cat "$TMP/log"
check "sample site under a sub-path builds with exit 0" [ "$st" -eq 0 ]
python3 - "$TMP/out" > "$TMP/crawl" 2>&1 <<'PY'
import html.parser, json, os, re, sys, urllib.parse
out = sys.argv[1]
PREFIX = "/truyen-thong"
HOST = "https://example.vn"
checked = 0
bad = []

def target(u, where):
    """Checks one URL written in file `where`; internal URLs must resolve."""
    global checked
    u = html.unescape(u.strip())
    if not u or u.startswith(("#", "mailto:", "tel:", "data:", "javascript:")):
        return
    if u.startswith(HOST):
        u = u[len(HOST):] or "/"
    elif re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", u) or u.startswith("//"):
        return  # another site
    path = urllib.parse.urlsplit(u).path
    if not path:
        return
    if not path.startswith("/"):
        # relative to the page's folder
        base = PREFIX + "/" + os.path.relpath(os.path.dirname(where), out) + "/"
        path = urllib.parse.urljoin(base.replace("/./", "/"), path)
    checked += 1
    if not (path == PREFIX or path.startswith(PREFIX + "/")):
        bad.append("%s: %s (no %s prefix)" % (os.path.relpath(where, out), u, PREFIX))
        return
    rel = urllib.parse.unquote(path[len(PREFIX):]).lstrip("/")
    f = os.path.join(out, rel)
    if rel == "" or rel.endswith("/"):
        f = os.path.join(f, "index.html")
    elif os.path.isdir(f):
        f = os.path.join(f, "index.html")
    if not os.path.isfile(f):
        bad.append("%s: %s (no file %s)" % (os.path.relpath(where, out), u, os.path.relpath(f, out)))

class P(html.parser.HTMLParser):
    def __init__(self, where):
        super().__init__(convert_charrefs=True)
        self.where = where
    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if v is None:
                continue
            if k in ("href", "src", "action", "poster") or (k == "content" and v.startswith(HOST)):
                target(v, self.where)
            elif k in ("srcset", "imagesrcset"):
                for part in v.split(","):
                    part = part.strip().split()
                    if part:
                        target(part[0], self.where)

nhtml = 0
for d, _, files in os.walk(out):
    for name in files:
        f = os.path.join(d, name)
        if name.endswith(".html"):
            nhtml += 1
            P(f).feed(open(f, encoding="utf-8").read())
        elif name.endswith(".xml"):
            text = open(f, encoding="utf-8").read()
            for u in re.findall(r'<loc>([^<]*)</loc>|href="([^"]*)"|<id>(https?://[^<]*)</id>', text):
                u = next(x for x in u if x)
                if u.startswith("http") and not u.startswith(HOST):
                    continue
                target(u, f)
        elif name.endswith(".json"):
            text = open(f, encoding="utf-8").read()
            for u in re.findall(r'"(?:url|u|image|src)"\s*:\s*"([^"]*)"', text):
                target(u, f)
        elif name.endswith(".ics"):
            text = open(f, encoding="utf-8", newline="").read().replace("\r\n ", "")
            for u in re.findall(r"^URL[^:]*:(\S+)", text, re.M):
                target(u, f)
        elif name == "robots.txt":
            for u in re.findall(r"Sitemap:\s*(\S+)", open(f).read()):
                target(u, f)
# search results: the page's data-base in front of each indexed URL, as
# themes/default/static/js/search.js writes its links
page = open(os.path.join(out, "tim-kiem/index.html"), encoding="utf-8").read()
sbase = html.unescape(re.search(r'data-base="([^"]*)"', page).group(1)).rstrip("/")
nsearch = 0
mdir = os.path.join(out, "tim-kiem/index/m")
for name in sorted(os.listdir(mdir)):
    for row in json.load(open(os.path.join(mdir, name), encoding="utf-8")):
        nsearch += 1
        target(sbase + row[0], os.path.join(out, "tim-kiem/index.html"))
print("search results:", nsearch)
print("html files:", nhtml)
print("urls checked:", checked)
for b in sorted(set(bad)):
    print("BROKEN", b)
sys.exit(1 if bad or checked < 100 or nsearch < 20 else 0)
PY
st=$?
grep -E '^(html|urls|search)' "$TMP/crawl"
grep BROKEN "$TMP/crawl" | head -40
check "every internal link, image, feed and sitemap URL resolves under the sub-path" [ "$st" -eq 0 ]
check "an article body image carries the prefix" sh -c "grep -rqE 'src=\"/truyen-thong/tin-tuc/[^\"]*\\.(jpe?g|png|webp|avif)' '$TMP/out/tin-tuc'"
check "sitemap URLs carry the prefix" sh -c "! grep -o '<loc>[^<]*' '$TMP/out/sitemap.xml' | grep -v '<loc>https://example.vn/truyen-thong/'"
check "canonical carries the prefix" contains "$TMP/out/index.html" 'rel="canonical" href="https://example.vn/truyen-thong/"'

# loa serve previews the site below the same sub-path
cd "$R"
export TMPDIR="$TMP"
"$LOA" serve --port 0 --jobs 2 --now 2026-11-23 2> "$TMP/serve.err" &
PID=$!
trap 'kill -KILL $PID 2>/dev/null; rm -rf "$TMP"' EXIT
n=300
until grep -q 'http://127.0.0.1:[0-9]*/truyen-thong/' "$TMP/serve.err" || [ "$n" -eq 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
check "serve prints the sub-path URL" grep -q 'http://127.0.0.1:[0-9]*/truyen-thong/ ' "$TMP/serve.err"
PORT=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$TMP/serve.err" | head -n 1)
BASE="http://127.0.0.1:${PORT:-1}"
code() { curl -s --max-time 5 -o "$TMP/body" -w '%{http_code}' "$BASE$1"; }
check "serve: the home page below the sub-path" [ "$(code /truyen-thong/)" = 200 ]
check "serve: a section below the sub-path" [ "$(code /truyen-thong/tin-tuc/)" = 200 ]
img=$(grep -rhoE 'src="/truyen-thong/tin-tuc/[^"]*\.(jpe?g|png)"' "$TMP/out/tin-tuc" | head -n 1 | sed 's/^src="//; s/"$//')
check "serve: a body image below the sub-path" [ -n "$img" ] && [ "$(code "$img")" = 200 ]
check "serve: / leads to the sub-path" sh -c "curl -s --max-time 5 -D - -o /dev/null '$BASE/' | grep -qi '^location: /truyen-thong/'"
check "serve: the sub-path without its slash leads to it" sh -c "curl -s --max-time 5 -D - -o /dev/null '$BASE/truyen-thong' | grep -qi '^location: /truyen-thong/'"
kill -INT $PID
wait $PID
finish
