#!/bin/sh
# A live file is linked into the new site only when it is exactly what
# the last build published (issue #14): its type, mode, size, times and
# inode as the listing kept them. A page edited in place (its size and
# modification time put back), touched, replaced by a copy, replaced by a
# symlink, or chmod'ed is never linked: the new site gets a fresh file
# with the right bytes and mode, from the cache object or a render, while
# the other pages are still linked. An object of the cache changed since
# it was verified stops its page's link too (it is read, refused and
# rewritten, as before links).
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
NOW=2023-05-20
W="$TMP/w"
OUT="$W/public"
CACHE="$W/.loa-cache/render/public"
mkdir -p "$W"
build() {
	LOA_TIMINGS=1 "$LOA" build --repo "$S" --out "$OUT" --now "$NOW" --lang en \
		> "$TMP/b.out" 2> "$TMP/b.log"
}
linked() { sed -n 's/.*from cache .*(\([0-9]*\) linked).*/\1/p' "$TMP/b.log"; }
same_as_full() {
	check "$1" diff -r "$OUT" "$TMP/full/public"
}
n=0
touch_other() {
	n=$((n + 1))
	printf '\nCập nhật lần %s.\n' "$n" >> "$S/content/schools/an-duong.md"
	commit "$S" "2023-04-$((10 + n))T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" \
		"Sửa $n"
}
full() {
	rm -rf "$TMP/full"
	mkdir -p "$TMP/full"
	"$LOA" build --repo "$S" --out "$TMP/full/public" --now "$NOW" --no-cache --lang en \
		> /dev/null 2> "$TMP/full.log" || cat "$TMP/full.log"
}

build
touch_other
build
PAGE=$(grep -rlF 'Bữa ăn bán trú' "$OUT/tin-tuc" | grep 'index.html$' | head -n 1)
REL=${PAGE#"$OUT/"}
check "the article is found" test -n "$PAGE"
cp "$PAGE" "$TMP/good.html"
check "links are made at all" test "$(linked)" -gt 0

# after_tamper HOW: the tampered file's inode in $bad; a new commit is built
after_tamper() {
	how=$1
	touch_other
	full
	build
	st=$?
	check "$how: exit 0" test "$st" -eq 0
	check "$how: other pages still linked" test "$(linked)" -gt 0
	check "$how: the page is a regular file" sh -c "[ -f '$PAGE' ] && [ ! -L '$PAGE' ]"
	check "$how: the page is the rendering" cmp -s "$PAGE" "$TMP/good.html"
	check "$how: the page is not the tampered file" test "$(stat -c %i "$PAGE")" != "$bad"
	check "$how: the page is 0644" test "$(stat -c %a "$PAGE")" = 644
	same_as_full "$how: the output equals a --no-cache build"
	build
	check "$how: then nothing changed" contains "$TMP/b.log" "nothing changed, left as it was"
}

# edited in place, same size, modification time put back
touch -r "$PAGE" "$TMP/ref"
printf 'X' | dd of="$PAGE" bs=1 seek=20 conv=notrunc 2> /dev/null
touch -r "$TMP/ref" "$PAGE"
bad=$(stat -c %i "$PAGE")
check "edited in place: the bytes differ" sh -c "! cmp -s '$PAGE' '$TMP/good.html'"
after_tamper "edited in place"

# touched: the same bytes, another modification time
sleep 0.01
touch "$PAGE"
bad=$(stat -c %i "$PAGE")
after_tamper "touched"

# replaced by a copy with the same bytes and times (another inode)
cp -p "$PAGE" "$TMP/copy.html"
rm "$PAGE"
cp -p "$TMP/copy.html" "$PAGE"
bad=$(stat -c %i "$PAGE")
after_tamper "replaced by a copy"

# replaced by a symlink to a file with the same bytes
cp -p "$PAGE" "$TMP/target.html"
rm "$PAGE"
ln -s "$TMP/target.html" "$PAGE"
bad=$(stat -c %i "$TMP/target.html")
after_tamper "replaced by a symlink"
check "replaced by a symlink: its target is untouched" cmp -s "$TMP/target.html" "$TMP/good.html"

# chmod'ed
chmod 600 "$PAGE"
bad=$(stat -c %i "$PAGE")
after_tamper "chmod"

# its folder replaced by a symlink to a copy of it
DIR=$(dirname "$PAGE")
cp -a "$DIR" "$TMP/dircopy"
rm -r "$DIR"
ln -s "$TMP/dircopy" "$DIR"
bad=$(stat -c %i "$TMP/dircopy/index.html")
after_tamper "folder replaced by a symlink"
check "folder replaced by a symlink: the page's folder is a folder" \
	sh -c "[ -d '$DIR' ] && [ ! -L '$DIR' ]"

# the page's cache object changed (another page's object copied over
# it): the page is not linked; the object is read, refused, rewritten
# (the object whose bytes hold the whole page)
for f in $(grep -rlF 'Bữa ăn bán trú' "$CACHE/objects"); do
	if python3 -c 'import sys; sys.exit(open(sys.argv[2],"rb").read() not in open(sys.argv[1],"rb").read())' \
		"$f" "$TMP/good.html"; then OBJ=$f; fi
done
check "the article's object is found" test -n "${OBJ:-}"
OTHER=$(grep -rLF 'Bữa ăn bán trú' "$CACHE/objects" | grep -v '\.tmp-' | head -n 1)
cp "$OTHER" "$OBJ"
bad=$(stat -c %i "$PAGE")
after_tamper "its cache object replaced"
check "its cache object replaced: rewritten sound" sh -c "grep -qF 'Bữa ăn bán trú' '$OBJ'"

finish
