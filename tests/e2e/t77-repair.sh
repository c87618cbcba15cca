#!/bin/sh
# A build repairs its output (issue #11, item 5). The "nothing changed,
# left as it was" shortcut holds only while the published folder is as the
# last build left it (every name, size, mode, modification and change
# time, recorded when it was published): files deleted, edited (even with
# the size and modification time put back), their mode changed, or a
# stray file added, and the same commit is published again, from the
# cache, so that the output equals the build exactly (a stray file is
# removed: the output folder is Loa's). Untouched, the next build is again
# "nothing changed".
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
NOW=2023-05-20
W="$TMP/w"
OUT="$W/public"
mkdir -p "$W"
build() {
	LOA_TIMINGS=1 "$LOA" build --repo "$S" --out "$OUT" --now "$NOW" --lang en \
		> "$TMP/b.out" 2> "$TMP/b.log"
}
rm -rf "$TMP/full"
mkdir -p "$TMP/full"
"$LOA" build --repo "$S" --out "$TMP/full/public" --now "$NOW" --no-cache --lang en \
	> /dev/null 2> "$TMP/full.log" || cat "$TMP/full.log"
same_as_full() { check "$1" diff -r "$OUT" "$TMP/full/public"; }
# repaired NAME: published again, from the cache, equal to a full build;
# then the next build has nothing to do
repaired() {
	build
	st=$?
	check "$1: exit 0" test "$st" -eq 0
	check "$1: not 'nothing changed'" lacks "$TMP/b.log" "nothing changed"
	check "$1: from the cache" sh -c "grep -q 'from cache *[1-9]' '$TMP/b.log'"
	same_as_full "$1: the output equals the build"
	build
	check "$1: the next build has nothing to do" contains "$TMP/b.log" "nothing changed, left as it was"
}

build
check "first build publishes" test -f "$OUT/index.html"
build
check "untouched: nothing changed" contains "$TMP/b.log" "nothing changed, left as it was"
PAGE=$(grep -rlF 'Bữa ăn bán trú' "$OUT/tin-tuc" | grep 'index.html$' | head -n 1)

rm -f "$OUT/index.html"
repaired "the home page deleted"

rm -f "$OUT/sitemap.xml" "$OUT/robots.txt" "$PAGE"
repaired "several files deleted"

rm -rf "$OUT/tin-tuc"
repaired "a whole folder deleted"

find "$OUT" -mindepth 1 -delete
repaired "the output emptied"

echo "EDITED" > "$PAGE"
repaired "a page edited"

# the same size and modification time put back: the change time still shows
sleep 0.05
cp -p "$PAGE" "$TMP/saved.html"
tr 'a' 'b' < "$TMP/saved.html" > "$TMP/same-size.html"
cat "$TMP/same-size.html" > "$PAGE"
touch -r "$TMP/saved.html" "$PAGE"
check "same size, same mtime: the edit is there" sh -c "! cmp -s '$PAGE' '$TMP/saved.html'"
repaired "a page edited, its size and mtime put back"

chmod 000 "$PAGE"
repaired "a page's mode changed"

echo "stray" > "$OUT/stray.html"
mkdir -p "$OUT/extra"
echo "x" > "$OUT/extra/file.txt"
repaired "stray files added"
check "stray files added: removed" test ! -e "$OUT/stray.html" -a ! -e "$OUT/extra"

ln -s /etc/passwd "$OUT/link.txt"
repaired "a symlink added"

# the output folder replaced by a symlink to a copy: published again as a
# real folder, the copy untouched
cp -a "$OUT" "$TMP/copy"
echo "in the copy" > "$TMP/copy/mine.txt"
rm -rf "$OUT"
ln -s "$TMP/copy" "$OUT"
build
check "output a symlink: not 'nothing changed'" lacks "$TMP/b.log" "nothing changed"
check "output a symlink: the copy untouched" test -f "$TMP/copy/mine.txt"

finish
