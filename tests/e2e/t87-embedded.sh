# t87 — the Lua and JavaScript compiled into loa (every generator/**/*.lua
# and *.js, the Makefile's EMBED_SRCS: the template runtime, the plugin
# prelude, the live-reload script) are checked as the languages they are
# written in: `luac5.4 -p` on each .lua, `node --check` on each .js. A
# broken copy fails each check (so the checks can fail), and the binary
# holds each file's current bytes (the Makefile rebuilt it after an edit).
. "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1

files=$(find generator -name '*.lua' -o -name '*.js' | sort)
listed() { printf '%s\n' "$files" | grep -qxF -- "$1"; }
for f in generator/template/template_runtime.lua generator/plugin/prelude.lua generator/cmd/serve/livereload.js; do
	check "$f is an embedded file" listed "$f"
done

# luac5.4 comes with Debian's lua5.4 and node with nodejs, both installed
# by scripts/install-deps.sh --test; a missing one fails, never skips
LUAC=$(command -v luac5.4 || true)
NODE=$(command -v node || true)
[ -n "$LUAC" ] || fail "luac5.4 is not installed (Debian package lua5.4: sh scripts/install-deps.sh --test)"
[ -n "$NODE" ] || fail "node is not installed (Debian package nodejs: sh scripts/install-deps.sh --test)"

for f in $files; do
	case $f in
	*.lua)
		[ -n "$LUAC" ] && check "luac -p $f" "$LUAC" -p "$f" ;;
	*.js)
		[ -n "$NODE" ] && check "node --check $f" "$NODE" --check "$f" ;;
	esac
	check "loa holds the bytes of $f" python3 -c '
import sys
exe, src = (open(p, "rb").read() for p in sys.argv[1:3])
sys.exit(0 if src and src in exe else 1)' "$LOA" "$f"
done

# the checks fail on a syntax error, naming the file and line
if [ -n "$LUAC" ]; then
	{ cat generator/plugin/prelude.lua; echo 'local function broken('; } > "$TMP/broken.lua"
	"$LUAC" -p "$TMP/broken.lua" > "$TMP/out" 2>&1
	st=$?
	check "luac -p fails on a broken copy" [ "$st" -ne 0 ]
	# the error is at the end of the file: one line past the broken one
	# (prelude.lua's length moves as it is edited)
	at=$(($(wc -l < generator/plugin/prelude.lua) + 2))
	check "luac -p names the broken line" grep -q "broken.lua:$at:" "$TMP/out"
fi
if [ -n "$NODE" ]; then
	{ cat generator/cmd/serve/livereload.js; echo '(function ( {'; } > "$TMP/broken.js"
	"$NODE" --check "$TMP/broken.js" > "$TMP/out" 2>&1
	st=$?
	check "node --check fails on a broken copy" [ "$st" -ne 0 ]
	check "node --check names the broken file" grep -q "broken.js" "$TMP/out"
fi
finish
