#!/bin/sh
# The render cache can be trusted, or is not used (issue #11, item 4).
# Nothing done to the published folder reaches the cache: a live page
# edited in place (echo >, cp over it, sed -i) is the correct rendering
# again after the next build, of the same commit or of a new one, and
# never poisons later builds. A cache object replaced by other HTML, or by
# another page's object, is not published; it is rendered again. A cache
# folder (.loa-cache/render/NAME, or .loa-cache itself) replaced by a
# symlink is not followed: the build runs without the cache and says so,
# the target's files survive, and its content is not published.
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
# same_as_full NAME: a fresh build with no cache gives the same bytes
# a commit that touches another page than the one under test
n=0
touch_other() {
	n=$((n + 1))
	printf '\nCập nhật lần %s.\n' "$n" >> "$S/content/schools/an-duong.md"
	commit "$S" "2023-04-$((10 + n))T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" \
		"Sửa $n"
}
CACHE="$W/.loa-cache/render/public"
# no object of the cache holds TEXT (the standby, kept there, is the old
# site as it was, edits included: each file is checked before use, t154)
cache_clean() { ! grep -rqF --exclude-dir=standby -- "$1" "$W/.loa-cache"; }

build
check "first build publishes" test -f "$OUT/index.html"
PAGE=$(grep -rlF 'Bữa ăn bán trú' "$OUT/tin-tuc" | grep 'index.html$' | head -n 1)
check "the article page is found" test -n "$PAGE"
cp "$PAGE" "$TMP/good.html"
check "published pages share no inode with the cache" \
	test -z "$(find "$OUT" -type f -links +1)"

# ---- edits of a live page in place, three ways ---------------------------------
for how in echo cp sed; do
	case $how in
	echo) echo "EDITED-BY-ECHO" > "$PAGE" ;;
	cp) printf 'EDITED-BY-CP\n' > "$TMP/other.html"
	    cp "$TMP/other.html" "$PAGE" ;;
	sed) sed -i 's/Bữa ăn bán trú/EDITED-BY-SED/' "$PAGE" ;;
	esac
	mark=$(echo "EDITED-BY-$how" | tr a-z A-Z)
	check "$how: the cache is not changed by the edit" cache_clean "$mark"
	build
	st=$?
	check "$how, same commit: exit 0" test "$st" -eq 0
	check "$how, same commit: the page is the rendering again" cmp -s "$PAGE" "$TMP/good.html"
	check "$how, same commit: not 'nothing changed'" lacks "$TMP/b.log" "nothing changed"
	check "$how, same commit: the cache is not poisoned" cache_clean "$mark"
	same_as_full "$how, same commit: the output equals a full build"
	# edit again, then a new commit that changes another page: the
	# article comes from the cache, and must be the right bytes
	case $how in
	echo) echo "EDITED-BY-ECHO" > "$PAGE" ;;
	cp) cp "$TMP/other.html" "$PAGE" ;;
	sed) sed -i 's/Bữa ăn bán trú/EDITED-BY-SED/' "$PAGE" ;;
	esac
	touch_other
	build
	check "$how, new commit: the page is the rendering again" cmp -s "$PAGE" "$TMP/good.html"
	check "$how, new commit: the page came from the cache" \
		sh -c "grep -q 'from cache *[1-9]' '$TMP/b.log'"
	check "$how, new commit: the cache is not poisoned" cache_clean "$mark"
	same_as_full "$how, new commit: the output equals a full build"
done

# ---- tampered objects ----------------------------------------------------------
# the object of the article: the one file of the cache with its title
OBJ=$(grep -rlF 'Bữa ăn bán trú đảm bảo dinh dưỡng</h1>' "$CACHE/objects" | head -n 1)
[ -n "$OBJ" ] || OBJ=$(grep -rlF 'Bữa ăn bán trú' "$CACHE/objects" | head -n 1)
check "the article's object is found" test -n "$OBJ"
printf '<html><body>DEFACED OBJECT</body></html>\n' > "$OBJ"
touch_other
build
check "object replaced by other HTML: exit 0" test $? -eq 0
check "object replaced by other HTML: not published" sh -c "! grep -rqF 'DEFACED OBJECT' '$OUT'"
check "object replaced by other HTML: the page is right" cmp -s "$PAGE" "$TMP/good.html"
check "object replaced by other HTML: rewritten sound" cache_clean "DEFACED OBJECT"
same_as_full "object replaced by other HTML: the output equals a full build"

# the same bytes with one changed, the length kept
sed -i 's/Bữa ăn bán trú đảm bảo/Bữa ăn bán trú ĐẢM BẢO/' "$OBJ" 2> /dev/null ||
	sed -i 's/Bữa ăn/BỮA ĂN/' "$OBJ"
touch_other
build
check "object with changed bytes: not published" sh -c "! grep -rqF 'ĐẢM BẢO' '$OUT'"
check "object with changed bytes: the page is right" cmp -s "$PAGE" "$TMP/good.html"

# another page's sound object under this page's name
OTHER=$(grep -rLF 'Bữa ăn bán trú' "$CACHE/objects" | grep -v '\.tmp-' | head -n 1)
cp "$OTHER" "$OBJ"
touch_other
build
check "another page's object: the page is right" cmp -s "$PAGE" "$TMP/good.html"
same_as_full "another page's object: the output equals a full build"

# ---- cache folders replaced by symlinks ----------------------------------------
# The target: a copy of the real cache (a sound record), its objects made
# other HTML, and files that are not the cache's but are named like its
# objects.
make_target() {
	rm -rf "$1"
	mkdir -p "$1"
	cp -a "$TMP/sound-cache/." "$1/"
	for victim in $(find "$1/objects" -type f); do
		printf '<html>FROM THE SYMLINK TARGET</html>\n' > "$victim"
	done
	sub=$(ls "$1/objects" | head -n 1)
	echo "not the cache's" > "$1/objects/$sub/0123456789abcdef0123456789abcdef012345"
	echo "notes" > "$1/notes.txt"
}
survives() {
	test -f "$1/notes.txt" &&
		test "$(cat "$1/objects/$sub/0123456789abcdef0123456789abcdef012345")" = "not the cache's"
}
cp -a "$CACHE" "$TMP/sound-cache"
T="$TMP/target"
make_target "$T"
rm -rf "$CACHE"
ln -s "$T" "$CACHE"
touch_other
build
st=$?
check "render/NAME a symlink: the build publishes (exit 0)" test "$st" -eq 0
check "render/NAME a symlink: the build says the cache is not used" contains "$TMP/b.log" "symbolic link"
check "render/NAME a symlink: the target's files survive" survives "$T"
check "render/NAME a symlink: the target's content is not published" \
	sh -c "! grep -rqF 'FROM THE SYMLINK TARGET' '$OUT'"
check "render/NAME a symlink: nothing written into the target" \
	test -z "$(find "$T" -newer "$T/notes.txt" -type f)"
check "render/NAME a symlink: the symlink is left" test -L "$CACHE"
same_as_full "render/NAME a symlink: the output equals a full build"

# .loa-cache itself a symlink, to a folder holding render/public
rm -f "$CACHE"
T2="$TMP/target2"
mkdir -p "$T2/render"
make_target "$T2/render/public"
rm -rf "$W/.loa-cache"
ln -s "$T2" "$W/.loa-cache"
touch_other
build
st=$?
check ".loa-cache a symlink: the build publishes (exit 0)" test "$st" -eq 0
check ".loa-cache a symlink: the build says the cache is not used" contains "$TMP/b.log" "symbolic link"
check ".loa-cache a symlink: the target's files survive" survives "$T2/render/public"
check ".loa-cache a symlink: the target's content is not published" \
	sh -c "! grep -rqF 'FROM THE SYMLINK TARGET' '$OUT'"
check ".loa-cache a symlink: no image cache made in the target" test ! -e "$T2/images"
same_as_full ".loa-cache a symlink: the output equals a full build"

# back to a real folder: the cache is used again
rm -f "$W/.loa-cache"
touch_other
build
touch_other
build
check "a real cache folder again: pages come from it" sh -c "grep -q 'from cache *[1-9]' '$TMP/b.log'"
same_as_full "a real cache folder again: the output equals a full build"

finish
