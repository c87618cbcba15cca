# t95 — loa serve speaks one language (issue #15, point 1): the terminal
# lines, the browser's error banner (in the page and in the script that
# shows a later failure), the 404 page and the plain-text refusals are
# Vietnamese by default and with --lang vi, English with --lang en; a YAML
# mistake in the banner is the plain message with file:line:col. Real
# HTTP on loopback, a free port; every wait is bounded.
. "$(dirname "$0")/lib.sh"
unset LOA_LANG
R="$TMP/site"
basic_site "$R"
# the most common mistake: a colon in an unquoted title
write "$R/content/news/dong-thai/ngay-hoi.md" <<'MD'
---
title: Bé vui: ngày hội
date: 2023-04-01
---
Các bé vui chơi.
MD
commit "$R" "2023-04-02T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Ngày hội"
cd "$R" || exit 1
export TMPDIR="$TMP"
PIDS=""
trap 'for p in $PIDS; do kill -KILL $p 2>/dev/null; done; rm -rf "$TMP"' EXIT

until_ok() {
	n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		if "$@"; then return 0; fi
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
alive() { kill -0 "$1" 2>/dev/null; }
# start ERRFILE ARGS...: a server on a free port; sets PID and BASE
start() {
	err=$1
	shift
	"$LOA" serve --port 0 --jobs 1 --now 2023-06-01 "$@" 2> "$err" &
	PID=$!
	PIDS="$PIDS $PID"
	until_ok 60 grep -q 'http://127.0.0.1:[0-9]*/' "$err"
	PORT=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$err" | head -n 1)
	BASE="http://127.0.0.1:${PORT:-1}"
}
# stop: SIGINT, then SIGKILL after 10 s
stop() {
	kill -INT "$PID"
	n=100
	while [ "$n" -gt 0 ] && alive "$PID"; do sleep 0.1; n=$((n - 1)); done
	if alive "$PID"; then kill -KILL "$PID"; fi
	wait "$PID"
}
get() { curl -s --max-time 10 -o "$TMP/body" -w '%{http_code}' "$@"; }

# ---- Vietnamese: the default ------------------------------------------
start "$TMP/vi.err"
check "vi: ready line in Vietnamese" grep -q "^Đang phục vụ tại http://127.0.0.1:[0-9]*/ (Ctrl-C để dừng)" "$TMP/vi.err"
check "vi: building line" contains "$TMP/vi.err" "loa serve: đang dựng trang "
check "vi: temporary folder line" contains "$TMP/vi.err" "loa serve: thư mục tạm: "
check "vi: the build's summary" grep -q "loa serve: [0-9]* trang, [0-9]* tệp, 1 lỗi" "$TMP/vi.err"
check "vi: the error in the terminal, plain" grep -q "content/news/dong-thai/ngay-hoi.md:2:14: lỗi: giá trị có dấu hai chấm" "$TMP/vi.err"
check "vi: no English in the terminal" lacks "$TMP/vi.err" "temporary folder"
get "$BASE/" > /dev/null
check "vi: banner heading in the page" contains "$TMP/body" "<strong>Lỗi khi dựng trang:</strong>"
check "vi: the YAML mistake in the banner, with file:line:col" contains "$TMP/body" "content/news/dong-thai/ngay-hoi.md:2:14: lỗi: giá trị có dấu hai chấm (&#39;: &#39;) thì phải đặt cả giá trị trong dấu ngoặc kép, hãy viết: title: &quot;Bé vui: ngày hội&quot;"
check "vi: the script shows later failures with the same heading" contains "$TMP/body" 'data-title="Lỗi khi dựng trang:"'
check "vi: no English banner" lacks "$TMP/body" "build errors"
code=$(get "$BASE/khong-co-trang/")
check "vi: 404" [ "$code" = 404 ]
check "vi: the 404 page (the theme's or loa's) is not English" lacks "$TMP/body" "Page not found"
code=$(get -X POST "$BASE/")
check "vi: POST refused, 405" [ "$code" = 405 ]
check "vi: the refusal in Vietnamese" contains "$TMP/body" "Chỉ nhận GET và HEAD."
code=$(get -H "Host: evil.example" "$BASE/")
check "vi: bad Host refused in Vietnamese" contains "$TMP/body" "Tên máy (Host) không hợp lệ."
# a change: the rebuild line
echo "Thêm." >> content/news/dong-thai/bua-an.md
check "vi: rebuild line" until_ok 30 grep -q "loa serve: có thay đổi, dựng lại" "$TMP/vi.err"
stop
check "vi: stop line" contains "$TMP/vi.err" "loa serve: đã dừng"
git checkout -q -- content/news/dong-thai/bua-an.md

# ---- English ---------------------------------------------------------------
start "$TMP/en.err" --lang en
check "en: ready line in English" grep -q "^Serving at http://127.0.0.1:[0-9]*/ (Ctrl-C to stop)" "$TMP/en.err"
check "en: temporary folder line" contains "$TMP/en.err" "loa serve: temporary folder: "
check "en: the error in the terminal" contains "$TMP/en.err" "ngay-hoi.md:2:14: error: a colon (': ') inside a value needs quotes around the whole value: write title: \"Bé vui: ngày hội\""
check "en: no Vietnamese words of loa's own" lacks "$TMP/en.err" "Đang phục vụ"
get "$BASE/" > /dev/null
check "en: banner heading" contains "$TMP/body" "<strong>The site could not be built:</strong>"
check "en: the mistake in the banner" contains "$TMP/body" "ngay-hoi.md:2:14: error: a colon"
check "en: the script's heading" contains "$TMP/body" 'data-title="The site could not be built:"'
code=$(get -X POST "$BASE/")
check "en: the refusal in English" contains "$TMP/body" "Only GET and HEAD."
stop
check "en: stop line" contains "$TMP/en.err" "loa serve: stopped"

# ---- loa's own 404 page (a theme without 404.html) -------------------------
mkdir -p "$TMP/data/themes"
cp -R "$ROOT/themes/default" "$TMP/data/themes/default"
cp -R "$ROOT/plugins" "$TMP/data/plugins"
rm -f "$TMP/data/themes/default/layouts/404.html"
for lang in vi en; do
	LOA_DATADIR="$TMP/data" start "$TMP/404.$lang.err" --lang "$lang"
	code=$(get "$BASE/khong-co-trang/")
	if [ "$lang" = vi ]; then
		check "vi: loa's 404 page in Vietnamese" contains "$TMP/body" "<h1>Không tìm thấy trang</h1>"
		check "vi: loa's 404 page says lang=vi" contains "$TMP/body" '<html lang="vi">'
	else
		check "en: loa's 404 page in English" contains "$TMP/body" "<h1>Page not found</h1>"
		check "en: loa's 404 page says lang=en" contains "$TMP/body" '<html lang="en">'
	fi
	stop
done
finish
