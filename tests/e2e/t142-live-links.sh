#!/bin/sh
# A page whose output did not change is published as a hard link to the
# live site's own file (issue #14): no copy of its cache object is read or
# written. What readers get must not change: the output equals a build
# with --no-cache, no published name is a link to a cache object, once the
# build is done every published file has one name (the previous site's
# are gone), and a rebuild with nothing changed still finds the site as
# published ("nothing changed"): the change time that removing the old
# name gave each linked file is in the listing.
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
	rm -rf "$TMP/full"
	mkdir -p "$TMP/full"
	"$LOA" build --repo "$S" --out "$TMP/full/public" --now "$NOW" --no-cache --lang en \
		> /dev/null 2> "$TMP/full.log" || cat "$TMP/full.log"
	check "$1" diff -r "$OUT" "$TMP/full/public"
}
n=0
touch_other() {
	n=$((n + 1))
	printf '\nCập nhật lần %s.\n' "$n" >> "$S/content/schools/an-duong.md"
	commit "$S" "2023-04-$((10 + n))T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" \
		"Sửa $n"
}
# one name each: no file of the site shares its inode
single_names() { [ -z "$(find "$OUT" -type f -links +1 | head -n 1)" ]; }
# no published file is a cache object (the same inode)
not_cache() {
	find "$CACHE" -type f -printf '%i\n' | sort -u > "$TMP/cache.ino"
	find "$OUT" -type f -printf '%i\n' | sort -u > "$TMP/out.ino"
	[ -z "$(comm -12 "$TMP/cache.ino" "$TMP/out.ino")" ]
}

build
check "first build: exit 0" test $? -eq 0
check "first build: nothing linked (no previous site)" test "$(linked)" = 0
PAGE=$(grep -rlF 'Bữa ăn bán trú' "$OUT/tin-tuc" | grep 'index.html$' | head -n 1)
ino=$(stat -c %i "$PAGE")

touch_other
build
check "second build: exit 0" test $? -eq 0
check "second build: pages linked" test "$(linked)" -gt 0
check "an unchanged page is the same file as before" test "$(stat -c %i "$PAGE")" = "$ino"
check "an unchanged page has one name once the old site is removed" \
	test "$(stat -c %h "$PAGE")" = 1
check "every published file has one name" single_names
check "no published file is a cache object" not_cache
check "the old site is removed" sh -c "! ls -a '$W' | grep -q 'loa-old\|loa-tmp'"
check "published files are 0644" sh -c "[ -z \"\$(find '$OUT' -type f ! -perm 0644 | head -n 1)\" ]"
same_as_full "second build: the output equals a --no-cache build"

build
check "rebuild: nothing changed (the links' change times are in the listing)" \
	contains "$TMP/b.log" "nothing changed, left as it was"

# a chain: linked from a linked file
touch_other
build
check "third build: pages linked again" test "$(linked)" -gt 0
check "third build: still the same file" test "$(stat -c %i "$PAGE")" = "$ino"
check "third build: one name each" single_names
same_as_full "third build: the output equals a --no-cache build"
build
check "third build, rebuilt: nothing changed" contains "$TMP/b.log" "nothing changed, left as it was"

# the edited page itself is written afresh, with its new text
check "the edited school's page has the edit" grep -rqF "Cập nhật lần $n" "$OUT"

# without the cache: nothing is linked, the output is the same
"$LOA" build --repo "$S" --out "$OUT" --now "$NOW" --lang en --no-cache > /dev/null 2>&1
check "--no-cache: a fresh file" sh -c "[ \"\$(stat -c %i '$PAGE')\" != '$ino' ]"
same_as_full "--no-cache: the output equals a --no-cache build"

# the side object damaged: no links, the right output
touch_other
build
# its entries: PATH NUL KEY NUL … (incr_links.c), unlike any other object's
SIDE=$(grep -rlaP 'index\.html\x00[0-9a-f]{40}\x00' "$CACHE/objects" | head -n 1)
check "the side object is found" test -n "$SIDE"
[ -n "$SIDE" ] && printf 'x' | dd of="$SIDE" bs=1 seek=60 conv=notrunc 2> /dev/null
touch_other
build
check "side object damaged: exit 0" test $? -eq 0
check "side object damaged: nothing linked" test "$(linked)" = 0
same_as_full "side object damaged: the output equals a --no-cache build"
touch_other
build
check "then: linked again" test "$(linked)" -gt 0
same_as_full "then: the output equals a --no-cache build"

finish
