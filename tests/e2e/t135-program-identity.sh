#!/bin/sh
# A rebuild does not read and hash the whole program again: its hash is
# remembered in the cache (memo-program) by the file's identity (device,
# inode, size, modification and change times). A program replaced by a
# copy that differs in one byte, of the same size and modification time,
# or edited in place, never reuses what the old one rendered (issue #14).
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
NOW=2023-05-20
OUT="$TMP/w/public"
mkdir -p "$TMP/w" "$TMP/bin"
BIN="$TMP/bin/loa"
cp "$LOA" "$BIN"
MEMO="$TMP/w/.loa-cache/render/public/memo-program"
build() {
	LOA_TIMINGS=1 "$BIN" build --repo "$S" --out "$OUT" --now "$NOW" --lang en \
		> "$TMP/b.out" 2> "$TMP/b.log"
}
from_cache() { sed -n 's/.*from cache *\([0-9]*\) of \([0-9]*\) pages.*/\1/p' "$TMP/b.log"; }
n=0
touch_other() {
	n=$((n + 1))
	printf '\nCập nhật lần %s.\n' "$n" >> "$S/content/schools/an-duong.md"
	commit "$S" "2023-04-$((10 + n))T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" \
		"Sửa $n"
}
# patch FILE OFFSET-TEXT: one byte of the compiler's note (never loaded)
# changed in place, the size and modification time kept
patch_byte() {
	python3 - "$1" "$2" <<'PY'
import os, sys
path, which = sys.argv[1], int(sys.argv[2])
st = os.stat(path)
with open(path, "r+b") as f:
    data = f.read()
    i = data.find(b"GCC: (")
    assert i >= 0
    f.seek(i + 6 + which)
    f.write(bytes([ord("A") + which]))
os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
PY
}
# the program's times must be settled (more than 2 s old) to be remembered
sleep 3
build
check "first build publishes" test -f "$OUT/index.html"
check "no memo before the cache folder exists" test ! -e "$MEMO"
build
check "the second build remembers the program's hash" test -f "$MEMO"
touch_other
build
check "with the memo, pages come from the cache" test "$(from_cache)" -gt 0
cp -p "$MEMO" "$TMP/memo.before"

# a copy with one byte changed, same size and mtime, put in its place
cp -p "$BIN" "$TMP/bin/new"
patch_byte "$TMP/bin/new" 0
touch -r "$BIN" "$TMP/bin/new"
check "the copy has the same size" test "$(wc -c < "$TMP/bin/new")" -eq "$(wc -c < "$BIN")"
check "the copy differs" sh -c "! cmp -s '$BIN' '$TMP/bin/new'"
mv "$TMP/bin/new" "$BIN"
build
check "a replaced program renders every page again" test "$(from_cache)" = 0
check "the replaced program still builds" test -f "$OUT/index.html"
sleep 3
build
check "the new program is remembered" sh -c "! cmp -s '$MEMO' '$TMP/memo.before'"
touch_other
build
check "the new program reuses its own pages" test "$(from_cache)" -gt 0

# the same file edited in place: same inode, size and mtime
patch_byte "$BIN" 1
build
check "a program edited in place renders every page again" test "$(from_cache)" = 0
rm -rf "$TMP/full"
mkdir -p "$TMP/full"
"$LOA" build --repo "$S" --out "$TMP/full/public" --now "$NOW" --no-cache --lang en \
	> /dev/null 2>&1
check "the output is the same as a build without the cache" diff -r "$OUT" "$TMP/full/public"

# a damaged memo is a miss, never an error
printf 'loa-memo-1 junk\n' > "$MEMO"
touch_other
build
check "a damaged memo: the build still succeeds" test -f "$OUT/index.html"
check "a damaged memo: pages still come from the cache" test "$(from_cache)" -gt 0

[ "$FAILS" -eq 0 ]
