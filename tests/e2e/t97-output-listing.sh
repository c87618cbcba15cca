#!/bin/sh
# "Nothing changed" checks the published folder without walking it (issue
# #14): the listing of what was published is kept in the cache and each
# entry is stat'ed by its path; the names a folder holds are covered by the
# folder's own modification and change times. Tampering deep in the tree,
# with the folder's modification time put back, must still be seen, and a
# missing or damaged listing falls back to walking the folder.
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
mkdir -p "$TMP/full"
"$LOA" build --repo "$S" --out "$TMP/full/public" --now "$NOW" --no-cache --lang en \
	> /dev/null 2> "$TMP/full.log" || cat "$TMP/full.log"
# the cache object holding the listing: names of the output, no HTML
listing() {
	grep -rlaF 'sitemap.xml' "$OBJ" | while read -r f; do
		if grep -qaF 'robots.txt' "$f" && ! grep -qa '<html' "$f"; then echo "$f"; fi
	done | head -n 1
}
untouched() {
	build
	check "$1: nothing changed" contains "$TMP/b.log" "nothing changed, left as it was"
}
repaired() {
	build
	st=$?
	check "$1: exit 0" test "$st" -eq 0
	check "$1: not 'nothing changed'" lacks "$TMP/b.log" "nothing changed"
	check "$1: the output equals the build" diff -r "$OUT" "$TMP/full/public"
	untouched "$1: then"
}

build
untouched "first rebuild"
PAGE=$(grep -rlF 'Bữa ăn bán trú' "$OUT/tin-tuc" | grep 'index.html$' | head -n 1)
DIR=$(dirname "$PAGE")
OBJ="$W/.loa-cache/render/public/objects"

sleep 0.05
touch -r "$DIR" "$TMP/dirtime"
echo "stray" > "$DIR/stray.html"
touch -r "$TMP/dirtime" "$DIR"
repaired "a stray file deep in the tree, the folder's mtime put back"
check "the stray file removed" test ! -e "$DIR/stray.html"

touch -r "$DIR" "$TMP/dirtime"
touch -r "$(dirname "$DIR")" "$TMP/parenttime"
mv "$DIR" "$TMP/moved"
mkdir "$DIR"
cp -p "$TMP/moved/index.html" "$DIR/index.html"
touch -r "$TMP/dirtime" "$DIR"
touch -r "$TMP/parenttime" "$(dirname "$DIR")"
repaired "a folder replaced by a copy with the same times"

cp -p "$PAGE" "$TMP/page.html"
mv "$TMP/page.html" "$PAGE"
touch -r "$TMP/dirtime" "$DIR"
repaired "a page replaced by an identical file (renamed over it)"

rm -rf "$DIR"
touch -r "$TMP/parenttime" "$(dirname "$DIR")"
repaired "a folder deleted, its parent's mtime put back"

# the listing is an object of the cache: removed or damaged, the folder is
# walked instead, with the same answers
n_before=$(find "$OBJ" -type f | wc -l)
untouched "again"
LISTING=$(listing)
check "the listing is kept in the cache" test -n "$LISTING"
check "the cache keeps the listing and the pages" test "$n_before" -gt 1
rm -f "$LISTING"
untouched "the listing removed: walked instead"
echo "x" > "$PAGE"
repaired "the listing removed, then a page edited"
LISTING=$(listing)
check "the listing written again" test -n "$LISTING"
printf 'garbage' >> "$LISTING"
untouched "the listing damaged: walked instead"
chmod 600 "$PAGE"
repaired "the listing damaged, then a mode changed"

finish
