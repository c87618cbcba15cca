#!/bin/sh
# The first rebuild after a full build has no standby site to keep pages
# from: it writes every page again from its cache object (issue #14). The
# live site's side object names the identity of each page's object (the
# file the full build wrote), so those loads skip the digest ("objects N
# read by identity" with LOA_TIMINGS=1). An object changed since (one byte
# of its page, its length and frame kept) has another identity: it is
# hashed, refused and its page rendered again, so the site never holds
# the changed byte. The output equals a --no-cache build's.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
NOW=2023-05-20
BUILD_ENV=LOA_TIMINGS=1
n=0
known() { sed -n 's/^loa: timing: objects *\([0-9]*\) read by identity.*/\1/p' "$TMP/b.log"; }
kept() { sed -n 's/.*from cache .*(\([0-9]*\) kept).*/\1/p' "$TMP/b.log"; }

# a full build, then the first rebuild: every page from its object, read by identity
OUT="$TMP/a/public"
mkdir -p "$TMP/a"
build
check "full build: exit 0" test $? -eq 0
check "full build: nothing read by identity (nothing in the cache)" test "$(known)" = 0
touch_other
build
check "first rebuild: exit 0" test $? -eq 0
check "first rebuild: nothing kept (no standby yet)" test "$(kept)" = 0
check "first rebuild: objects read by identity ($(known))" test "$(known)" -gt 0
same_as_full "first rebuild equals --no-cache"

# the same, one page's object changed in place first
OUT="$TMP/b/public"
mkdir -p "$TMP/b"
build
LIVE=$(grep -rlF 'Bữa ăn bán trú' "$OUT/tin-tuc" | grep 'index.html$' | head -n 1)
check "the article is found" test -n "$LIVE"
OBJ=
for f in $(grep -rlF 'Bữa ăn bán trú' "$TMP/b/.loa-cache/render/public/objects"); do
	if python3 -c 'import sys; sys.exit(open(sys.argv[2],"rb").read() not in open(sys.argv[1],"rb").read())' \
		"$f" "$LIVE"; then OBJ=$f; fi
done
check "its object is found" test -n "$OBJ"
# one byte of the page's HTML: the frame (key, lengths) still holds
python3 - "$OBJ" <<'PY'
import sys
p = sys.argv[1]
b = open(p, "rb").read()
i = b.index(b"</html>")
open(p, "r+b").write(b[:i] + b"</htmL>" + b[i + 7:])
PY
check "the object is changed" grep -qF '</htmL>' "$OBJ"
touch_other
build
check "changed object: exit 0" test $? -eq 0
check "changed object: the others read by identity ($(known))" test "$(known)" -gt 0
check "changed object: the page holds none of it" lacks "$LIVE" '</htmL>'
same_as_full "changed object: the output equals --no-cache"
check "changed object: rewritten sound" lacks "$OBJ" '</htmL>'

finish
