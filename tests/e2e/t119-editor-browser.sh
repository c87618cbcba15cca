#!/bin/sh
# t119 — an article written in the browser editor lands in git (issue 15
# point 5): a site with `editor: {backend: proxy}` is built with the real
# Decap CMS (editor/decap/, `make editor`), served on loopback, and
# decap-server (the pinned npm package) runs on loopback against a
# temporary repository on a new branch. tests/browser/editor.mjs logs in,
# writes an article with a photo in a school's collection through Decap's
# interface and publishes it; then the article must be in the school's
# folder as a bundle with its photo, with front matter Loa's schema
# accepts; committed by the school's author on that branch, `loa check`
# passes and `loa review main..BRANCH` lists it. decap-server writes the
# working tree and does not commit (its local "fs" mode): the test commits,
# as the school's staff would with the centre's git host doing it for them.
# Needs node, npm (once) and Chromium (scripts/install-deps.sh --test).
. "$(dirname "$0")/../e2e/lib.sh"

command -v node > /dev/null 2>&1 || { fail "editor browser: node is installed (scripts/install-deps.sh --test)"; finish; exit 1; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { fail "editor browser: chromium is installed (scripts/install-deps.sh --test)"; finish; exit 1; }

# the pinned packages: playwright-core (tests/browser), decap-cms and
# decap-server (editor/); npm ci only when a lockfile changed
B=$ROOT/tests/browser
if ! cmp -s "$B/package-lock.json" "$B/node_modules/.loa-lock" 2> /dev/null; then
	(cd "$B" && HOME="$TMP/npm-home" npm ci --no-audit --no-fund --loglevel=error) > "$TMP/npm.log" 2>&1 &&
		cp "$B/package-lock.json" "$B/node_modules/.loa-lock" ||
		{ cat "$TMP/npm.log"; fail "editor browser: npm ci installs playwright-core"; finish; exit 1; }
fi
HOME="$TMP/npm-home" sh "$ROOT/scripts/editor-vendor.sh" > "$TMP/vendor.log" 2>&1
check "make editor: Decap CMS installed from the pinned package, checksums verified" [ $? -eq 0 ]
check "editor/decap/ matches editor/decap.sha256" sh "$ROOT/scripts/editor-vendor.sh" --check

# a free loopback port for decap-server (written into config.yml)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

R=$TMP/site
basic_site "$R"
cat >> "$R/site.yaml" <<YAML
schools:
  dong-thai:
    authors: ["bbt@dongthai.example.vn"]
  an-duong:
    authors: ["bbt@anduong.example.vn"]
editor:
  backend: proxy
  proxy_url: "http://127.0.0.1:$PORT/api/v1"
YAML
commit "$R" "2023-03-03T10:00:00+07:00" "Trung tâm" "pgd@example.vn" "editor"
"$LOA" build --repo "$R" --out "$TMP/out" > "$TMP/build.log" 2>&1
check "the site with editor: builds" [ $? -eq 0 ]
check "/quan-tri/ has Decap CMS's own file, as installed" \
	cmp -s "$TMP/out/quan-tri/decap-cms.js" "$ROOT/editor/decap/decap-cms.js"

# the school's writer works on a branch of their own
git -C "$R" checkout -q -b bai-trung-thu

PORT=$PORT BIND_HOST=127.0.0.1 GIT_REPO_DIRECTORY="$R" LOG_LEVEL=warn \
	node "$ROOT/editor/node_modules/decap-server/dist/index.js" > "$TMP/decap-server.log" 2>&1 &
DS=$!
trap 'kill "$DS" 2> /dev/null; rm -rf "$TMP"' EXIT
up=no
for i in $(seq 1 50); do
	if curl -s -m 2 -X POST -H 'Content-Type: application/json' -d '{"action":"info","params":{}}' \
		"http://127.0.0.1:$PORT/api/v1" 2> /dev/null | grep -q local_fs; then
		up=yes
		break
	fi
	sleep 0.2
done
check "decap-server answers on loopback" [ "$up" = yes ]

SHOTS=$ROOT/build/test-artifacts/screenshots
mkdir -p "$SHOTS"
PHOTO=$ROOT/content/news/an-dong-2/san-choi-van-dong/san-choi.jpg
NODE_PATH="$B/node_modules" node "$B/editor.mjs" "$TMP/out" "$PHOTO" "$SHOTS" > "$TMP/browser.log" 2>&1
st=$?
cat "$TMP/browser.log"
FAILS=$((FAILS + $(grep -c '^FAIL' "$TMP/browser.log")))
check "the browser run ends cleanly" [ "$st" -eq 0 ]

A=$R/content/news/dong-thai/be-vui-tet-trung-thu-o-truong
check "the article is a bundle in the school's folder (ASCII slug)" [ -f "$A/index.md" ]
check "the photo is beside it, as uploaded" cmp -s "$A/san-choi.jpg" "$PHOTO"
check "front matter: title" contains "$A/index.md" 'title: Bé vui Tết Trung thu ở trường'
check "front matter: date as YYYY-MM-DD" sh -c "grep -Eq '^date: [0-9]{4}-[0-9]{2}-[0-9]{2}\$' '$A/index.md'"
check "front matter: category" contains "$A/index.md" 'category: activity'
check "front matter: tags as a list" contains "$A/index.md" '  - trung thu'
check "front matter: summary" contains "$A/index.md" 'summary: Đêm hội trăng rằm của các bé.'
check "front matter: the photo as the article's image" contains "$A/index.md" 'image: san-choi.jpg'
check "the body" contains "$A/index.md" 'Chiều 9/9, sân trường rực rỡ đèn ông sao.'
check "decap-server changed nothing else" sh -c "[ \"\$(git -C '$R' status --porcelain)\" = '?? content/news/dong-thai/be-vui-tet-trung-thu-o-truong/' ]"

# committed by the school's writer, as the git host would
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
commit "$R" "$NOW" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Thêm bài: Bé vui Tết Trung thu ở trường"
"$LOA" check --repo "$R" > "$TMP/check.log" 2>&1
st=$?
check "loa check passes on the branch (exit $st)" [ "$st" -eq 0 ]
"$LOA" review main..bai-trung-thu --repo "$R" > "$TMP/review.log" 2>&1
st=$?
cat "$TMP/review.log" | head -20
check "loa review lists the article (exit $st)" [ "$st" -eq 0 ]
check "loa review names the article" contains "$TMP/review.log" 'be-vui-tet-trung-thu-o-truong'
"$LOA" build --repo "$R" --out "$TMP/out2" > "$TMP/build2.log" 2>&1
check "the branch builds" [ $? -eq 0 ]
P=$TMP/out2/tin-tuc/dong-thai/be-vui-tet-trung-thu-o-truong
check "the article is published with its photo" sh -c "[ -f '$P/index.html' ] && ls '$P' | grep -q 'san-choi'"
finish
