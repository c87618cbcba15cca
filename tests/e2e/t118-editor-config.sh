#!/bin/sh
# t118 — the browser editor (issue 15 point 5): a site with `editor:` in
# site.yaml gets /quan-tri/ (index.html with noindex, config.yml made from
# Loa's schema, Decap CMS's files from the data folder's editor/decap/);
# its collections are one per school's news folder (bundles with their
# photos), the schools' pages and the plans; it stays out of the sitemap
# and search and robots.txt disallows it. Without `editor:` nothing is
# made; a mistake in `editor:` stops the build at site.yaml:LINE. Decap's
# real files are not needed here: a stand-in data folder lists two.
. "$(dirname "$0")/../e2e/lib.sh"

# a data folder: the tree's themes and plugins, a stand-in Decap
DATA=$TMP/data
mkdir -p "$DATA/editor/decap"
ln -s "$ROOT/themes" "$DATA/themes"
ln -s "$ROOT/plugins" "$DATA/plugins"
printf 'window.DECAP_STANDIN = 1;\n' > "$DATA/editor/decap/decap-cms.js"
printf 'chunk\n' > "$DATA/editor/decap/17.decap-cms.js"
(cd "$DATA/editor/decap" && sha256sum decap-cms.js 17.decap-cms.js > SHA256SUMS)
export LOA_DATADIR="$DATA"

R=$TMP/site
basic_site "$R"
cat >> "$R/site.yaml" <<'YAML'
schools:
  dong-thai:
    authors: ["bbt@dongthai.example.vn"]
  an-duong:
    authors: ["bbt@anduong.example.vn"]
editor:
  backend: gitea
  repo: "trung-tam/mam-non"
  base_url: "https://git.example.vn"
  app_id: "0d9a-loa"
YAML
commit "$R" "2023-03-03T10:00:00+07:00" "Trung tâm" "pgd@example.vn" "editor"

"$LOA" build --repo "$R" --out "$TMP/out" --now 2023-03-05 > "$TMP/log" 2>&1
check "a site with editor: builds (exit 0)" [ $? -eq 0 ]
Q=$TMP/out/quan-tri
check "/quan-tri/ has index.html, config.yml and Decap's files" \
	[ -f "$Q/index.html" -a -f "$Q/config.yml" -a -f "$Q/17.decap-cms.js" ]
check "Decap's file is copied from the data folder as it is" \
	cmp -s "$Q/decap-cms.js" "$DATA/editor/decap/decap-cms.js"
check "SHA256SUMS itself is not published" [ ! -e "$Q/SHA256SUMS" ]
check "index.html is noindex" contains "$Q/index.html" '<meta name="robots" content="noindex, nofollow">'
check "index.html loads decap-cms.js from its own folder" \
	contains "$Q/index.html" '<script src="decap-cms.js"></script>'
check "index.html loads nothing from another host" lacks "$Q/index.html" '//'
check "index.html names config.yml" contains "$Q/index.html" 'href="config.yml" type="text/yaml" rel="cms-config-url"'
check "the sitemap does not list /quan-tri/" lacks "$TMP/out/sitemap.xml" 'quan-tri'
check "robots.txt disallows /quan-tri/" contains "$TMP/out/robots.txt" 'Disallow: /quan-tri/'
check "the search index lists the articles" sh -c "grep -rlq '/tin-tuc/dong-thai/' '$TMP/out' --include='*.json'"
check "the search index does not list /quan-tri/" sh -c "! grep -rlq quan-tri '$TMP/out' --include='*.json'"

# config.yml, read as YAML: what Decap reads
cat > "$TMP/check.py" <<'PY'
import sys, yaml
c = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
def ok(name, cond):
    print(("PASS " if cond else "FAIL ") + name)
    return cond
ok("config: Vietnamese interface (locale vi)", c.get("locale") == "vi")
b = c["backend"]
ok("config: backend from site.yaml", b["name"] == "gitea" and b["repo"] == "trung-tam/mam-non"
   and b["base_url"] == "https://git.example.vn" and b["app_id"] == "0d9a-loa"
   and b["auth_type"] == "pkce" and b["branch"] == "main")
ok("config: gitea has no editorial workflow (Decap's gitea backend lacks it)",
   "publish_mode" not in c)
ok("config: ASCII slugs without accents", c["slug"]["encoding"] == "ascii" and c["slug"]["clean_accents"] is True)
cols = {x["name"]: x for x in c["collections"]}
ok("config: one news collection per school of site.yaml, then schools and plans",
   [x["name"] for x in c["collections"]] == ["tin-dong-thai", "tin-an-duong", "truong", "ke-hoach"])
n = cols["tin-dong-thai"]
ok("config: a school's news folder", n["folder"] == "content/news/dong-thai" and n["create"] is True)
ok("config: the school's title labels its collection", n["label"] == "Tin bài — Trường Mầm non Đồng Thái")
ok("config: each article a bundle with its photos beside it",
   n["path"] == "{{slug}}/index" and n["media_folder"] == "" and n["public_folder"] == "")
f = {x["name"]: x for x in n["fields"]}
ok("config: news fields follow the schema, body last",
   [x["name"] for x in n["fields"]] == ["title", "date", "category", "tags", "summary", "author", "image", "body"])
ok("config: title and date required, the rest optional",
   "required" not in f["title"] and "required" not in f["date"] and f["summary"]["required"] is False)
ok("config: date stored as YYYY-MM-DD", f["date"]["widget"] == "datetime" and f["date"]["format"] == "YYYY-MM-DD"
   and f["date"]["time_format"] is False)
ok("config: category is a choice of Loa's four",
   f["category"]["widget"] == "select" and sorted(o["value"] for o in f["category"]["options"]) == ["activity", "parents", "policy", "practice"])
ok("config: tags a list, summary a paragraph, body Markdown",
   f["tags"]["widget"] == "list" and f["summary"]["widget"] == "text" and f["body"]["widget"] == "markdown")
ok("config: Vietnamese labels", f["title"]["label"] == "Tiêu đề" and f["body"]["label"] == "Nội dung")
ok("config: fields Loa sets itself are not offered", not {"slug", "draft", "lastmod", "weight", "layout"} & set(f))
s = cols["truong"]
files = {x["name"]: x for x in s["files"]}
ok("config: the schools' pages, one file each as the site has them",
   sorted(files) == ["an-duong", "dong-thai"] and files["dong-thai"]["file"] == "content/schools/dong-thai.md")
sf = {x["name"]: x for x in files["dong-thai"]["fields"]}
ok("config: school fields, models a list of title/year/level",
   {"address", "district", "province", "phone", "email", "website", "models"} <= set(sf)
   and [x["name"] for x in sf["models"]["fields"]] == ["title", "year", "level"])
p = cols["ke-hoach"]
pf = {x["name"]: x for x in p["fields"]}
ok("config: plans folder with number, issued, issuer, signer",
   p["folder"] == "content/plans" and {"number", "issued", "issuer", "signer"} <= set(pf))
ok("config: activities a list widget of the schema's activity fields",
   pf["activities"]["widget"] == "list"
   and [x["name"] for x in pf["activities"]["fields"]] == ["id", "name", "lead", "partners", "due", "product"]
   and pf["activities"]["summary"] == "{{fields.name}}")
PY
python3 "$TMP/check.py" "$Q/config.yml" > "$TMP/py.log" 2>&1 || echo "FAIL config.yml parses as YAML"
cat "$TMP/py.log"
FAILS=$((FAILS + $(grep -c '^FAIL' "$TMP/py.log")))

# gitlab: the editorial workflow (a branch and a merge request per article)
sed -i 's/backend: gitea/backend: gitlab/' "$R/site.yaml"
commit "$R" "2023-03-03T11:00:00+07:00" "Trung tâm" "pgd@example.vn" "gitlab"
"$LOA" build --repo "$R" --out "$TMP/out" --now 2023-03-05 > "$TMP/log" 2>&1
check "gitlab: publish_mode editorial_workflow" contains "$Q/config.yml" 'publish_mode: "editorial_workflow"'

# loa serve: the editor's page without the live-reload script (a rebuild
# after a writer's save must not reload the editor under them); a normal
# page with it. Also below a base path (site.yaml's base_url /sub/).
serve_check() { # LABEL PREFIX
	"$LOA" serve --repo "$R" --port 0 --jobs 1 --now 2023-03-05 2> "$TMP/serve.err" &
	SPID=$!
	trap 'kill -KILL $SPID 2>/dev/null; rm -rf "$TMP"' EXIT
	n=600
	while [ $n -gt 0 ] && ! grep -q 'http://127.0.0.1:[0-9]*/' "$TMP/serve.err"; do sleep 0.1; n=$((n - 1)); done
	PORT=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$TMP/serve.err" | head -n 1)
	U="http://127.0.0.1:${PORT:-1}$2"
	curl -s --max-time 10 -o "$TMP/home.html" "$U/"
	curl -s --max-time 10 -o "$TMP/ed.html" "$U/quan-tri/"
	curl -s --max-time 10 -o "$TMP/ed2.html" "$U/quan-tri/index.html"
	check "serve$1: a normal page has the live-reload script" contains "$TMP/home.html" '/__loa/live.js'
	check "serve$1: the editor's page is served" contains "$TMP/ed.html" 'decap-cms.js'
	check "serve$1: the editor's page has no live-reload script" lacks "$TMP/ed.html" '/__loa/live.js'
	check "serve$1: nor as /quan-tri/index.html" sh -c "grep -qF decap-cms.js '$TMP/ed2.html' && ! grep -qF /__loa/live.js '$TMP/ed2.html'"
	kill -INT $SPID
	n=100
	while [ $n -gt 0 ] && kill -0 $SPID 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
	kill -KILL $SPID 2>/dev/null
	wait $SPID 2>/dev/null
	trap 'rm -rf "$TMP"' EXIT
}
serve_check "" ""
cp "$R/site.yaml" "$TMP/site.yaml.kept"
sed -i 's|^base_url:.*|base_url: "https://example.vn/sub/"|' "$R/site.yaml"
commit "$R" "2023-03-03T11:30:00+07:00" "Trung tâm" "pgd@example.vn" "sub-path"
serve_check " below /sub/" "/sub"
cp "$TMP/site.yaml.kept" "$R/site.yaml"

# without editor: nothing
sed -i '/^editor:/,$d' "$R/site.yaml"
commit "$R" "2023-03-03T12:00:00+07:00" "Trung tâm" "pgd@example.vn" "no editor"
"$LOA" build --repo "$R" --out "$TMP/out" --now 2023-03-05 > "$TMP/log" 2>&1
check "without editor: the site builds" [ $? -eq 0 ]
check "without editor: no /quan-tri/" [ ! -e "$TMP/out/quan-tri" ]
check "without editor: robots.txt disallows nothing" lacks "$TMP/out/robots.txt" 'Disallow'

# mistakes in editor: site.yaml:LINE, nothing published
bad() { # NAME YAML MESSAGE LINE
	sed -i '/^editor:/,$d' "$R/site.yaml"
	printf '%s\n' "$2" >> "$R/site.yaml"
	line=$(($(grep -n '^editor:' "$R/site.yaml" | cut -d: -f1) + $4))
	commit "$R" "2023-03-04T10:00:00+07:00" "Trung tâm" "pgd@example.vn" "$1"
	"$LOA" build --repo "$R" --out "$TMP/bad" --now 2023-03-05 > "$TMP/log" 2>&1
	st=$?
	check "$1: exit 2" [ "$st" -eq 2 ]
	check "$1: site.yaml:$line: $3" contains "$TMP/log" "site.yaml:$line:"
	check "$1: the message" contains "$TMP/log" "$3"
	check "$1: nothing published" [ ! -e "$TMP/bad" ]
}
bad "a misspelt key" 'editor:
  backend: gitea
  repo: "a/b"
  bsae_url: "https://git.example.vn"' "unknown key 'bsae_url' in editor (did you mean 'base_url'?)" 3
bad "a misspelt backend" 'editor:
  backend: gittea
  repo: "a/b"' "unknown editor backend 'gittea' (did you mean 'gitea'?)" 1
bad "no backend" 'editor:
  repo: "a/b"' "'editor' needs 'backend'" 0
bad "gitlab without repo" 'editor:
  backend: gitlab' "editor backend 'gitlab' needs 'repo' as owner/name" 0
bad "a base_url that is no URL" 'editor:
  backend: proxy
  proxy_url: "localhost:8081"' "'editor.proxy_url' must be an http(s) URL" 2
bad "editor: as text" 'editor: gitea' "'editor' must be a map" 0

# Vietnamese by default
sed -i '/^editor:/,$d' "$R/site.yaml"
printf 'editor:\n  backend: gittea\n' >> "$R/site.yaml"
commit "$R" "2023-03-04T11:00:00+07:00" "Trung tâm" "pgd@example.vn" "vi"
LOA_LANG= "$LOA" build --repo "$R" --out "$TMP/bad" --now 2023-03-05 > "$TMP/log" 2>&1
check "the mistake in Vietnamese" contains "$TMP/log" "không có kiểu kho 'gittea' cho trình viết bài (có phải là 'gitea'?)"

# Decap not installed: said how to install it, at editor:'s line
rm -rf "$DATA/editor"
sed -i '/^editor:/,$d' "$R/site.yaml"
printf 'editor:\n  backend: test\n' >> "$R/site.yaml"
line=$(grep -n '^editor:' "$R/site.yaml" | cut -d: -f1)
commit "$R" "2023-03-04T12:00:00+07:00" "Trung tâm" "pgd@example.vn" "test"
"$LOA" build --repo "$R" --out "$TMP/bad" --now 2023-03-05 > "$TMP/log" 2>&1
check "Decap missing: exit 2" [ $? -eq 2 ]
check "Decap missing: site.yaml:$line says to run make editor" \
	sh -c "grep -q 'site.yaml:$line:.*Decap CMS is not installed in .*make editor' '$TMP/log'"
"$LOA" check --repo "$R" --now 2023-03-05 > "$TMP/log" 2>&1
check "Decap missing: loa check (writes nothing) does not need it" [ $? -eq 0 ]
check "Decap missing: loa check says nothing of it" lacks "$TMP/log" "Decap"
git clone -q "$R" "$TMP/wt"
"$LOA" build --repo "$TMP/wt" --worktree --out "$TMP/prev" --now 2023-03-05 > "$TMP/log" 2>&1
check "Decap missing: a work-tree preview goes on (exit 0)" [ $? -eq 0 ]
check "Decap missing: ... with a warning at site.yaml:$line" \
	sh -c "grep -q 'site.yaml:$line:.*Decap CMS is not installed in .*/quan-tri/ has no editor' '$TMP/log'"
check "Decap missing: ... and config.yml still made" [ -f "$TMP/prev/quan-tri/config.yml" ]
finish
