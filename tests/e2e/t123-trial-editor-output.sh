# Careless operators and hostile contributors against this session's new
# parts (trial): the editor's Decap files tampered with in the data folder
# (a changed file, a link, a missing file) are errors and are not
# published; a page or a static file at /quan-tri/ is a collision naming
# both owners; `loa serve` serves the editor; the published output edited
# behind Loa's back (same size, mtime put back; a file made a link; a folder
# made read-only) is repaired by the next build, never kept by the
# nothing-changed check; `loa new` outside a repository writes nothing.
. "$(dirname "$0")/lib.sh"
unset LOA_LANG
DATA=$TMP/data
D=$DATA/editor/decap
mkdir -p "$D"
ln -s "$ROOT/themes" "$DATA/themes"
ln -s "$ROOT/plugins" "$DATA/plugins"
printf 'window.DECAP_STANDIN = 1;\n' > "$D/decap-cms.js"
printf 'chunk\n' > "$D/17.decap-cms.js"
printf 'other chunk\n' > "$D/18.decap-cms.js"
(cd "$D" && sha256sum decap-cms.js 17.decap-cms.js 18.decap-cms.js > SHA256SUMS)
export LOA_DATADIR="$DATA"
R=$TMP/site
basic_site "$R"
cat >> "$R/site.yaml" <<'YAML'
editor:
  backend: gitea
  repo: "trung-tam/mam-non"
  base_url: "https://git.example.vn"
YAML
commit "$R" "2023-03-03T10:00:00+07:00" "Trung tâm" "pgd@example.vn" "editor"
O=$TMP/out
Q=$O/quan-tri
"$LOA" build --lang en --repo "$R" --out "$O" --now 2023-03-05 > "$TMP/log" 2>&1
check "editor: the untouched data folder builds clean (exit 0)" [ $? -eq 0 ]
check "editor: Decap's files are published" cmp -s "$Q/decap-cms.js" "$D/decap-cms.js"

# --- a tampered data folder ---
printf 'window.DECAP_STANDIN = 2;\n' > "$D/decap-cms.js"          # same size, other bytes
printf 'evil\n' > "$TMP/evil.js"
rm "$D/17.decap-cms.js" && ln -s "$TMP/evil.js" "$D/17.decap-cms.js"
rm "$D/18.decap-cms.js"
"$LOA" build --lang en --repo "$R" --out "$TMP/out2" --now 2023-03-05 > "$TMP/log" 2>&1
st=$?
cat "$TMP/log"
check "editor tampered: the build says so (exit 1, not 0)" [ "$st" -eq 1 ]
check "editor tampered: the changed file is an error naming it and SHA256SUMS" \
	grep -q "decap/decap-cms.js.*error.*SHA256SUMS\|error.*decap/decap-cms.js.*SHA256SUMS" "$TMP/log"
check "editor tampered: the changed file is not published" [ ! -e "$TMP/out2/quan-tri/decap-cms.js" ]
check "editor tampered: the link is an error naming it" grep -q "error.*17.decap-cms.js\|17.decap-cms.js.*error" "$TMP/log"
check "editor tampered: the link's target is never published" \
	sh -c '! grep -rq evil "$1"' - "$TMP/out2/quan-tri"
check "editor tampered: the missing file is an error naming it" grep -q "error.*18.decap-cms.js\|18.decap-cms.js.*error" "$TMP/log"
check "editor tampered: the rest of the site is published" [ -f "$TMP/out2/index.html" ] && [ -f "$TMP/out2/quan-tri/config.yml" ]
(cd "$D" && printf 'window.DECAP_STANDIN = 1;\n' > decap-cms.js && rm 17.decap-cms.js && printf 'chunk\n' > 17.decap-cms.js && printf 'other chunk\n' > 18.decap-cms.js)

# --- a page, then a static file, at /quan-tri/ ---
cp -r "$R" "$TMP/site2"
write "$TMP/site2/content/quan-tri.md" <<'MD'
---
title: "Quản trị"
---
Trang giả.
MD
commit "$TMP/site2" "2023-03-04T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "giả trang quản trị"
"$LOA" build --lang en --repo "$TMP/site2" --out "$TMP/out3" --now 2023-03-05 > "$TMP/log" 2>&1
st=$?
cat "$TMP/log"
check "editor vs a page at /quan-tri/: not a clean build" [ "$st" -ne 0 ]
check "editor vs a page at /quan-tri/: the page is named" grep -q "content/quan-tri.md" "$TMP/log"
check "editor vs a page at /quan-tri/: the editor is named as the other owner" grep -q "content/quan-tri.md.*claimed by site.yaml:[0-9]* editor:" "$TMP/log"
check "editor vs a page at /quan-tri/: the editor's index.html is not the page" \
	sh -c '[ ! -e "$1" ] || ! grep -q "Trang giả" "$1"' - "$TMP/out3/quan-tri/index.html"
cp -r "$R" "$TMP/site3"
write "$TMP/site3/static/quan-tri/config.yml" <<'YML'
backend: { name: test-repo }
YML
commit "$TMP/site3" "2023-03-04T10:00:00+07:00" "Trung tâm" "pgd@example.vn" "cấu hình giả"
"$LOA" build --lang en --repo "$TMP/site3" --out "$TMP/out4" --now 2023-03-05 > "$TMP/log" 2>&1
st=$?
cat "$TMP/log"
check "editor vs static/quan-tri/config.yml: not a clean build" [ "$st" -ne 0 ]
check "editor vs static/quan-tri/config.yml: both owners named" grep -q "static/quan-tri/config.yml.*claimed by site.yaml:[0-9]* editor:" "$TMP/log"
check "editor vs static/quan-tri/config.yml: the static file is never published" \
	sh -c '[ ! -e "$1" ] || ! grep -q test-repo "$1"' - "$TMP/out4/quan-tri/config.yml"

# --- loa serve with the editor ---
cd "$R"
"$LOA" serve --port 0 --now 2023-03-05 > "$TMP/serve.out" 2> "$TMP/serve.err" &
spid=$!
port=
for _ in $(seq 1 100); do
	port=$(grep -o '127\.0\.0\.1:[0-9]*' "$TMP/serve.out" "$TMP/serve.err" 2> /dev/null | head -1 | sed 's/.*://')
	[ -n "$port" ] && break
	sleep 0.1
done
check "serve: it says its port" [ -n "$port" ]
curl -s "http://127.0.0.1:$port/quan-tri/" > "$TMP/ed.html"
check "serve: /quan-tri/ is the editor's page" contains "$TMP/ed.html" 'decap-cms.js'
curl -s "http://127.0.0.1:$port/quan-tri/config.yml" > "$TMP/ed.yml"
check "serve: /quan-tri/config.yml is served" contains "$TMP/ed.yml" 'backend'
kill "$spid"
wait "$spid" 2> /dev/null

# --- the published output edited behind Loa's back ---
cd "$R"
"$LOA" build --lang en --out "$O" --now 2023-03-05 > "$TMP/log" 2>&1
cp -R "$O" "$TMP/good"
P=tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html
# same size, one byte changed, times put back with touch -r
cp "$O/$P" "$TMP/ref" && sed 's/Bài viết/Bài VIẾT/' "$TMP/ref" > "$TMP/edited"
check "tamper setup: the edit keeps the size" [ "$(wc -c < "$TMP/ref")" -eq "$(wc -c < "$TMP/edited")" ]
cat "$TMP/edited" > "$O/$P" && touch -r "$TMP/ref" "$O/$P"
"$LOA" build --lang en --out "$O" --now 2023-03-05 > "$TMP/log" 2>&1
check "output edited (same size, mtime put back): the next build exits 0" [ $? -eq 0 ]
check "output edited (same size, mtime put back): repaired, not kept" cmp -s "$O/$P" "$TMP/good/$P"
# a file replaced by a link to a secret
rm "$O/robots.txt" && ln -s /etc/passwd "$O/robots.txt"
"$LOA" build --lang en --out "$O" --now 2023-03-05 > "$TMP/log" 2>&1
check "output file made a link: the next build exits 0" [ $? -eq 0 ]
check "output file made a link: a plain file again" sh -c '[ -f "$1" ] && [ ! -L "$1" ]' - "$O/robots.txt"
check "output file made a link: the site's own content" cmp -s "$O/robots.txt" "$TMP/good/robots.txt"
check "output file made a link: /etc/passwd untouched" grep -q '^root:' /etc/passwd
# a folder made read-only
chmod 555 "$O/quan-tri"
"$LOA" build --lang en --out "$O" --now 2023-03-05 > "$TMP/log" 2>&1
st=$?
check "output folder made read-only: repaired (exit 0) or refused naming it" \
	sh -c '[ "$1" -eq 0 ] || grep -q quan-tri "$2"' - "$st" "$TMP/log"
check "output folder made read-only: the site is whole" diff -r "$TMP/good" "$O"
check "output folder made read-only: writable again (or the build refused)" \
	sh -c '[ "$1" -ne 0 ] || [ "$(stat -c %a "$2")" != 555 ]' - "$st" "$O/quan-tri"
chmod -R u+w "$O" 2> /dev/null
# a file deleted
rm "$O/quan-tri/config.yml"
"$LOA" build --lang en --out "$O" --now 2023-03-05 > "$TMP/log" 2>&1
check "output file deleted: put back" cmp -s "$O/quan-tri/config.yml" "$TMP/good/quan-tri/config.yml"

# --- builds killed mid-way on a site with HEIC photos and a document ---
if command -v vips > /dev/null; then
	B="$R/content/news/dong-thai/trung-thu"
	mkdir -p "$B"
	vips black "$TMP/b.v" 1600 1200 --bands 3 && vips linear "$TMP/b.v" "$TMP/b.jpg" 1 90
	for n in 1 2 3 4 5 6; do vips copy "$TMP/b.jpg" "$B/IMG_000$n.HEIC"; done
	{
		printf -- '---\ntitle: "Trung thu"\ndate: 2023-09-28\n---\n'
		for n in 1 2 3 4 5 6; do printf '![ảnh %s](IMG_000%s.HEIC)\n\n' $n $n; done
	} > "$B/index.md"
	write "$R/content/van-ban/ke-hoach-175/index.md" <<'MD'
---
title: "Kế hoạch tập huấn"
number: "175/KH-BGDĐT"
issued: 2023-02-17
type: ke-hoach
issuer: "Bộ Giáo dục và Đào tạo"
---
Toàn văn kèm theo.
MD
	printf '%%PDF-1.4\n%%EOF\n' > "$R/content/van-ban/ke-hoach-175/175-KH-BGDDT.pdf"
	commit "$R" "2023-09-28T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Ảnh và văn bản"
	"$LOA" build --lang en --out "$O" --now 2023-10-01 --quiet
	check "HEIC and document site: built" [ -f "$O/tin-tuc/dong-thai/trung-thu/IMG_0006.jpg" ] && [ -f "$O/van-ban/ke-hoach-175/175-KH-BGDDT.pdf" ]
	rm -rf "$TMP/before" && cp -R "$O" "$TMP/before"
	ok=1
	i=0
	while [ $i -lt 10 ]; do
		"$LOA" build --out "$O" --now 2023-10-01 --quiet --jobs 2 --no-cache > /dev/null 2>&1 &
		pid=$!
		sleep "0.$((i % 10))"
		kill -9 $pid 2> /dev/null
		wait $pid 2> /dev/null
		diff -r "$TMP/before" "$O" > /dev/null || ok=0
		i=$((i + 1))
	done
	check "kill -9 mid-build (HEIC, document): the previous site stays whole" [ $ok -eq 1 ]
	"$LOA" build --lang en --out "$O" --now 2023-10-01 --quiet --no-cache
	check "kill -9 mid-build: the next build succeeds" [ $? -eq 0 ]
	check "kill -9 mid-build: and publishes the same site" diff -r "$TMP/before" "$O"
else
	fail "vips is needed for the HEIC kill test"
fi

# --- loa new outside a repository ---
mkdir -p "$TMP/nowhere" && cd "$TMP/nowhere"
"$LOA" new --lang en news "Bài mới" --bundle > "$TMP/out.new" 2> "$TMP/err.new"
check "loa new outside a repository: exit 2" [ $? -eq 2 ]
check "loa new outside a repository: says so" contains "$TMP/err.new" "not the top of a site's repository"
check "loa new outside a repository: writes nothing" [ -z "$(ls -A "$TMP/nowhere")" ]
cd "$R/content"
"$LOA" new --lang en news "Bài mới" --school dong-thai > /dev/null 2> "$TMP/err.new"
check "loa new in a folder of the repository: exit 2, nothing written" \
	sh -c '[ "$1" -eq 2 ] && [ ! -e news/dong-thai/bai-moi.md ] && [ ! -e content ]' - $?
"$LOA" new --lang en news "Bài mới" --school dong-thai --repo "$R" > /dev/null 2> "$TMP/err.new"
check "loa new --repo from a folder: writes the page" [ -f "$R/content/news/dong-thai/bai-moi.md" ]
cd "$R"
"$LOA" new --lang en news "!!!" --school dong-thai --bundle 2> "$TMP/err.new"
check "loa new: a title that gives no slug: exit 2, said" sh -c '[ "$1" -eq 2 ] && grep -q "gives no file name" "$2"' - $? "$TMP/err.new"
"$LOA" new --lang en news "Bài" --school khong-co --bundle 2> "$TMP/err.new"
check "loa new: a school that does not exist: exit 2, named" sh -c '[ "$1" -eq 2 ] && grep -q "no school .khong-co." "$2"' - $? "$TMP/err.new"
"$LOA" new --lang en news "Bài" --school ../../x --bundle 2> "$TMP/err.new"
check "loa new: a school '../../x': exit 2, nothing outside content/" sh -c '[ "$1" -eq 2 ] && [ ! -e "$2/../x" ]' - $? "$R"
"$LOA" new --lang en news "Bài mới" --school dong-thai --bundle 2> "$TMP/err.new"
check "loa new --bundle over the flat page: exit 2, names it" sh -c '[ "$1" -eq 2 ] && grep -q "bai-moi.md.*exists already" "$2"' - $? "$TMP/err.new"
cp "$R/content/news/dong-thai/bai-moi.md" "$TMP/bai-moi.md"
printf 'Nội dung đã viết.\n' >> "$R/content/news/dong-thai/bai-moi.md"
cp "$R/content/news/dong-thai/bai-moi.md" "$TMP/bai-moi.md"
"$LOA" new --lang en news "Bài mới" --school dong-thai 2> "$TMP/err.new"
check "loa new over an existing page: exit 2, names it" sh -c '[ "$1" -eq 2 ] && grep -q "bai-moi.md.*not overwritten" "$2"' - $? "$TMP/err.new"
check "loa new over an existing page: the page is as written" cmp -s "$TMP/bai-moi.md" "$R/content/news/dong-thai/bai-moi.md"
cd "$TMP"
finish
