# loa serve guards (issue 11 item 9): 1,024 open live-reload streams do not
# stop the next page request (streams have their own budget; those over it
# get 503 and are closed); a page that closes frees its stream's slot; the
# temporary folder of a server killed with SIGKILL is removed by the next
# start, and nothing else is (a live server's, another name, a symlink);
# --repo naming a bare repository or a .git folder says serve needs a work
# tree, exit 2. Loopback only; every wait is bounded.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
export TMPDIR="$TMP/tmp"
mkdir -p "$TMPDIR"
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
# start ERRFILE: starts a server on a free port; sets PID, PORT, SITE
start() {
	"$LOA" serve --port 0 --jobs 1 --now 2023-06-01 2> "$1" &
	PID=$!
	PIDS="$PIDS $PID"
	until_ok 60 grep -q 'http://127.0.0.1:[0-9]*/' "$1"
	PORT=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$1" | head -n 1)
	SITE=$(sed -n 's|.*temporary folder: ||p' "$1" | head -n 1)
}
# stop PID: SIGINT, then SIGKILL after 5 s; STATUS is its exit status
stop() {
	kill -INT "$1"
	n=50
	while [ "$n" -gt 0 ] && alive "$1"; do sleep 0.1; n=$((n - 1)); done
	STATUS=137
	if alive "$1"; then kill -KILL "$1"; wait "$1"; else wait "$1"; STATUS=$?; fi
}
code() { curl -s --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:${PORT:-1}$1"; }

# ---- 1,024 live-reload streams, then a page -------------------------------
start "$TMP/serve1.err"
check "server ready" [ -n "$PORT" ]
python3 - "$PORT" > "$TMP/streams" 2>&1 <<'PY'
import asyncio, resource, sys, time, urllib.request
port = int(sys.argv[1])
N = 1024
# 1,024 sockets and a few more: raise our soft descriptor limit if needed
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
need = N + 200
if soft != resource.RLIM_INFINITY and soft < need:
    if hard != resource.RLIM_INFINITY and hard < need:
        print("SKIP: the descriptor limit (%d) is under %d" % (hard, need))
        sys.exit(0)
    resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))
async def stream():
    # an EventSource: GET the stream and keep it open; returns the status
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 20)
        w.write(b"GET /__loa/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        line = await asyncio.wait_for(r.readline(), 20)
        return line.split(b" ")[1].decode() if line.startswith(b"HTTP/1.1 ") else "none", (r, w)
    except Exception as e:
        return type(e).__name__, None
def page(path):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except Exception as e:
        return type(e).__name__
async def main():
    got = await asyncio.gather(*(stream() for _ in range(N)))
    codes = {}
    for c, _ in got:
        codes[c] = codes.get(c, 0) + 1
    print("streams", " ".join("%s:%d" % kv for kv in sorted(codes.items())))
    # every stream answered; now, with the accepted ones still open, pages
    loop = asyncio.get_running_loop()
    t = time.monotonic()
    home = await loop.run_in_executor(None, page, "/")
    css = await loop.run_in_executor(None, page, "/css/style.css")
    print("page", home, css, "in %.2f s" % (time.monotonic() - t))
    held = [c for c in got if c[1]]
    # one more stream while the budget is used up: refused, not queued
    extra, conn = await stream()
    print("extra", extra)
    if conn:
        conn[1].close()
    # the pages close: their slots come free, a new page can stream again
    for _, c in held:
        c[1].close()
    deadline = time.monotonic() + 20
    again = "none"
    while time.monotonic() < deadline:
        again, conn = await stream()
        if conn:
            conn[1].close()
        if again == "200":
            break
        await asyncio.sleep(0.2)
    print("after-close", again)
asyncio.run(main())
PY
cat "$TMP/streams"
if grep -q '^SKIP' "$TMP/streams"; then
	echo "SKIP 1,024 streams: $(cat "$TMP/streams")"
else
	check "1,024 streams: every one answered, 200 or 503" grep -Eq '^streams 200:[0-9]+ 503:[0-9]+$' "$TMP/streams"
	ok=$(sed -n 's/^streams 200:\([0-9]*\) 503:\([0-9]*\)$/\1/p' "$TMP/streams")
	refused=$(sed -n 's/^streams 200:\([0-9]*\) 503:\([0-9]*\)$/\2/p' "$TMP/streams")
	capped() { [ "${ok:-0}" -ge 1 ] && [ "${ok:-0}" -lt 1024 ] && [ $((${ok:-0} + ${refused:-0})) -eq 1024 ]; }
	check "streams are capped (some accepted, the rest refused)" capped
	check "with the streams open, the home page is 200" grep -q '^page 200 ' "$TMP/streams"
	check "with the streams open, the stylesheet is 200" grep -q '^page 200 200 ' "$TMP/streams"
	check "one more stream over the budget: 503" grep -q '^extra 503$' "$TMP/streams"
	check "closed pages free their streams: a new one is 200" grep -q '^after-close 200$' "$TMP/streams"
fi
check "server alive after 1,024 streams" alive $PID
check "home page after the streams" [ "$(code /)" = 200 ]

# ---- a killed server's temporary folder ------------------------------------
check "temporary folder named with the server's process" sh -c "case '$SITE' in '$TMPDIR'/loa-serve.$PID-*/site) true ;; *) false ;; esac"
OLD=$(dirname "${SITE:-/nonexistent/x}")
kill -KILL $PID
wait $PID 2>/dev/null
check "SIGKILL leaves the temporary folder (nothing can remove it then)" test -d "$OLD"
# things that must survive the sweep: a live server's folder, a folder of
# another name, a symlink named like a dead server's folder, and what that
# symlink points to
mkdir -p "$TMPDIR/loa-serve.XXXX" "$TMPDIR/precious/inner"
echo keep > "$TMPDIR/precious/inner/file"
ln -s "$TMPDIR/precious" "$TMPDIR/loa-serve.999999-1.aaaaaa"
# a real dead server's folder with a symlink inside pointing out
mkdir -p "$TMPDIR/loa-serve.999998-1.bbbbbb/site"
ln -s "$TMPDIR/precious" "$TMPDIR/loa-serve.999998-1.bbbbbb/site/out"
start "$TMP/serve2.err"
P2=$PID
start "$TMP/serve3.err"
P3=$PID
check "next start: the killed server's folder removed" test ! -e "$OLD"
check "next start: says it removed it" sh -c "cat '$TMP/serve2.err' '$TMP/serve3.err' | grep -qF '$OLD'"
check "a dead server's folder with a symlink inside: removed" test ! -e "$TMPDIR/loa-serve.999998-1.bbbbbb"
check "the symlink's target untouched" grep -qx keep "$TMPDIR/precious/inner/file"
check "a symlink named like a serve folder: kept, not followed" test -L "$TMPDIR/loa-serve.999999-1.aaaaaa"
check "a folder of another name: kept" test -d "$TMPDIR/loa-serve.XXXX"
S2=$(sed -n 's|.*temporary folder: ||p' "$TMP/serve2.err" | head -n 1)
check "a running server's folder is kept by another's start" test -d "$S2"
check "both servers answer" [ "$(code /)" = 200 ]
stop $P3
check "clean stop exits 0" [ "$STATUS" -eq 0 ]
check "running server still has its folder" test -f "$S2/index.html"
stop $P2
check "clean stop removes its own folder" test ! -e "$(dirname "${S2:-/nonexistent/x}")"

# ---- --repo naming a bare repository or a .git folder -----------------------
git clone -q --bare "$R" "$TMP/bare.git"
cd "$TMP"
timeout 20 "$LOA" serve --port 0 --repo "$TMP/bare.git" 2> "$TMP/bare.err"
st=$?
cat "$TMP/bare.err"
check "bare repository: exit 2" [ "$st" -eq 2 ]
check "bare repository: says serve needs a work tree" grep -q "bare.git is a bare repository (no work tree): loa serve .*need a folder with the site's files" "$TMP/bare.err"
check "bare repository: no server started" lacks "$TMP/bare.err" "http://"
LOA_LANG=vi timeout 20 "$LOA" serve --port 0 --repo "$TMP/bare.git" 2> "$TMP/bare-vi.err"
st=$?
check "bare repository, in Vietnamese: exit 2" [ "$st" -eq 2 ]
check "bare repository, in Vietnamese" grep -q "lỗi: .*bare.git là kho git trần" "$TMP/bare-vi.err"
timeout 20 "$LOA" serve --port 0 --repo "$R/.git" 2> "$TMP/gitdir.err"
st=$?
cat "$TMP/gitdir.err"
check ".git folder: exit 2" [ "$st" -eq 2 ]
check ".git folder: says to give the work tree" grep -q "is a repository's .git folder: give its work tree" "$TMP/gitdir.err"
timeout 20 "$LOA" build --worktree --repo "$TMP/bare.git" --out "$TMP/o" 2> "$TMP/bare-build.err"
st=$?
check "build --worktree of a bare repository: exit 2" [ "$st" -eq 2 ]
check "build --worktree of a bare repository: the same message" contains "$TMP/bare-build.err" "is a bare repository (no work tree)"
check "no temporary folder left by the refused starts" [ "$(ls "$TMPDIR" | grep '^loa-serve\.[0-9]')" = loa-serve.999999-1.aaaaaa ]
check "no sanitizer report" sh -c "! cat '$TMP'/*.err | grep -q Sanitizer"
finish
