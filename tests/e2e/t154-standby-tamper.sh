#!/bin/sh
# A build starts from the standby (the site published the time before
# last, kept in the cache as render/NAME/standby) and keeps a page's file only when it is
# exactly what that build published (issue #14): its type, mode, size,
# times and inode as the listing kept them, and its folders' too. A page
# of the standby edited in place (its size and modification time put
# back), touched, replaced by a copy, replaced by a symlink, chmod'ed, or
# whose folder was replaced by a symlink or got a file added is never
# kept: the new site gets a fresh file with the right bytes and mode, from
# the cache object or a render, while the other pages are still kept, and
# nothing a symlink points to is touched. An object of the cache changed
# since it was verified stops its page's keeping too (it is read, refused
# and rewritten). A live site edited by hand becomes the standby of the
# next build, and the same checks hold then. A standby that is not the
# folder the record names is not used at all.
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
kept() { sed -n 's/.*from cache .*(\([0-9]*\) kept).*/\1/p' "$TMP/b.log"; }
SB="$W/.loa-cache/render/public/standby"
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
LIVE=$(grep -rlF 'Bữa ăn bán trú' "$OUT/tin-tuc" | grep 'index.html$' | head -n 1)
REL=${LIVE#"$OUT/"}
check "the article is found" test -n "$LIVE"
cp "$LIVE" "$TMP/good.html"
check "the previous site is kept as the standby" test -f "$SB/$REL"
touch_other
build
check "pages are kept from the standby at all" test "$(kept)" -gt 0
# the page in the standby: what the next build starts from
PAGE="$SB/$REL"

# after_tamper HOW: the tampered file's inode in $bad; a new commit is built
after_tamper() {
	how=$1
	# a second name holds the tampered inode, so that no new file can
	# get its number once the standby's name is removed
	if [ -n "$bad" ] && [ -f "$PAGE" ] && [ ! -L "$PAGE" ] && [ ! -L "$(dirname "$PAGE")" ] &&
		[ "$(stat -c %i "$PAGE")" = "$bad" ]; then
		ln "$PAGE" "$TMP/held.$n"
	fi
	touch_other
	full
	build
	st=$?
	check "$how: exit 0" test "$st" -eq 0
	check "$how: other pages still kept" test "$(kept)" -gt 0
	check "$how: the page is a regular file" sh -c "[ -f '$LIVE' ] && [ ! -L '$LIVE' ]"
	check "$how: the page is the rendering" cmp -s "$LIVE" "$TMP/good.html"
	[ -n "$bad" ] &&
		check "$how: the page is not the tampered file" test "$(stat -c %i "$LIVE")" != "$bad"
	check "$how: the page is 0644" test "$(stat -c %a "$LIVE")" = 644
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
check "replaced by a symlink: its target still there" test -f "$TMP/target.html"

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
find "$TMP/dircopy" -printf '%p %m %s %T@ %C@ %i\n' | sort > "$TMP/dircopy.before"
after_tamper "folder replaced by a symlink"
LDIR=$(dirname "$LIVE")
check "folder replaced by a symlink: the page's folder is a folder" \
	sh -c "[ -d '$LDIR' ] && [ ! -L '$LDIR' ]"
find "$TMP/dircopy" -printf '%p %m %s %T@ %C@ %i\n' | sort > "$TMP/dircopy.after"
check "folder replaced by a symlink: what it pointed to is untouched" \
	cmp -s "$TMP/dircopy.before" "$TMP/dircopy.after"

# a file added beside the page: not published
echo '<script>alert(1)</script>' > "$(dirname "$PAGE")/extra.html"
bad=$(stat -c %i "$PAGE")
after_tamper "a file added in its folder"
check "a file added in its folder: not published" test ! -e "$(dirname "$LIVE")/extra.html"

# a file added at the top of the standby: not published
echo 'x' > "$SB/planted.txt"
bad= # the page itself is untouched: it may be kept
after_tamper "a file added at the top"
check "a file added at the top: not published" test ! -e "$OUT/planted.txt"

# the live site edited by hand: it becomes the next standby, and the
# build after that does not keep the edit
touch -r "$LIVE" "$TMP/ref"
printf 'Y' | dd of="$LIVE" bs=1 seek=20 conv=notrunc 2> /dev/null
touch -r "$TMP/ref" "$LIVE"
touch_other
build
check "live edited: the next build publishes the rendering" cmp -s "$LIVE" "$TMP/good.html"
bad=$(stat -c %i "$PAGE")
check "live edited: the edited file is now the standby's" sh -c "! cmp -s '$PAGE' '$TMP/good.html'"
after_tamper "live edited, then the standby"

# the page's cache object changed (another page's object copied over
# it): the page is not kept; the object is read, refused, rewritten
# (the object whose bytes hold the whole page). Two builds first, so that
# the standby holds the page untouched and only its object can stop its
# keeping (the build checks the objects on a thread during the load).
touch_other
build
touch_other
held=$(stat -c %i "$PAGE")
build
check "before its object changed: the standby's page is kept" test "$(stat -c %i "$LIVE")" = "$held"
for f in $(grep -rlF 'Bữa ăn bán trú' "$CACHE/objects"); do
	if python3 -c 'import sys; sys.exit(open(sys.argv[2],"rb").read() not in open(sys.argv[1],"rb").read())' \
		"$f" "$TMP/good.html"; then OBJ=$f; fi
done
check "the article's object is found" test -n "${OBJ:-}"
OTHER=$(grep -rLF 'Bữa ăn bán trú' "$CACHE/objects" | grep -v '\.tmp-' | head -n 1)
cp "$OTHER" "$OBJ"
# no second name for the standby's page here (after_tamper's link would
# change its change time, and its listing line would stop its keeping
# before its object is looked at): the object must be rewritten
bad=
after_tamper "its cache object replaced"
check "its cache object replaced: rewritten sound" sh -c "grep -qF 'Bữa ăn bán trú' '$OBJ'"

# the standby replaced by another folder (a copy: another inode): not used
cp -a "$SB" "$TMP/sbcopy"
rm -rf "$SB"
mv "$TMP/sbcopy" "$SB"
touch_other
full
build
check "another folder: exit 0" test $? -eq 0
check "another folder: nothing kept" test "$(kept)" = 0
same_as_full "another folder: the output equals a --no-cache build"

# the standby a symlink to a folder elsewhere: neither used nor touched
mkdir -p "$TMP/victim"
echo keep > "$TMP/victim/index.html"
build
rm -rf "$SB"
ln -s "$TMP/victim" "$SB"
touch_other
full
build
check "a symlink: exit 0" test $? -eq 0
check "a symlink: nothing kept" test "$(kept)" = 0
check "a symlink: what it points to is untouched" sh -c "[ \"\$(cat '$TMP/victim/index.html')\" = keep ]"
same_as_full "a symlink: the output equals a --no-cache build"
check "a symlink: the standby is a folder again" sh -c "[ -d '$SB' ] && [ ! -L '$SB' ]"

finish
