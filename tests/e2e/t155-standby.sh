#!/bin/sh
# Each build keeps the site it replaced in its cache, as
# .loa-cache/render/NAME/standby, and the next build starts from it: a page whose output
# did not change is kept there, not read from the cache and written again
# (issue #14). What readers get must not change: the output equals a build
# with --no-cache, no published name is a link to a cache object or to the
# standby, every published file has one name, nothing is left behind but
# the standby, and a rebuild with nothing changed still finds the site as
# published. A build without the cache leaves it alone; a damaged side
# object keeps nothing, and the site is still right.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
NOW=2023-05-20
W="$TMP/w"
OUT="$W/public"
SB="$W/.loa-cache/render/public/standby"
CACHE="$W/.loa-cache/render/public"
mkdir -p "$W"
BUILD_ENV=LOA_TIMINGS=1 # build (lib.sh): kept() reads the timings
kept() { sed -n 's/.*from cache .*(\([0-9]*\) kept).*/\1/p' "$TMP/b.log"; }
# content functions' files (the feeds) left in place
fn_kept() { sed -n 's/.*fn files *\([0-9]*\) of .*/\1/p' "$TMP/b.log"; }
n=0
# one name each: no file of the site or of the standby shares its inode
single_names() {
	[ -z "$(find "$OUT" "$SB" -type f -links +1 | head -n 1)" ]
}
# no published file is a cache object or a file of the standby
not_shared() {
	find "$CACHE" "$SB" -type f -printf '%i\n' | sort -u > "$TMP/other.ino"
	find "$OUT" -type f -printf '%i\n' | sort -u > "$TMP/out.ino"
	[ -z "$(comm -12 "$TMP/other.ino" "$TMP/out.ino")" ]
}

build
check "first build: exit 0" test $? -eq 0
check "first build: nothing kept (no standby)" test "$(kept)" = 0
check "first build: no standby (no site before)" test ! -e "$SB"
PAGE=$(grep -rlF 'Bữa ăn bán trú' "$OUT/tin-tuc" | grep 'index.html$' | head -n 1)
REL=${PAGE#"$OUT/"}
ino=$(stat -c %i "$PAGE")

touch_other
build
check "second build: exit 0" test $? -eq 0
check "second build: nothing kept (no standby yet)" test "$(kept)" = 0
check "second build: the first site is the standby" test "$(stat -c %i "$SB/$REL")" = "$ino"
check "second build: the standby is Loa's folder" test -f "$SB/.loa-output"
same_as_full "second build: the output equals a --no-cache build"

build
check "rebuild: nothing changed" contains "$TMP/b.log" "nothing changed, left as it was"

touch_other
BUILD_ENV="LOA_TIMINGS=1 LOA_DEBUG=standby" build
check "third build: exit 0" test $? -eq 0
BUILD_ENV=LOA_TIMINGS=1
check "third build: pages kept from the standby" test "$(kept)" -gt 0
check "third build: the page is the first build's file, kept" test "$(stat -c %i "$PAGE")" = "$ino"
# the standby was checked on a thread while the site loaded, not after
check "third build: the standby checked during the load" \
	contains "$TMP/b.log" "checked on a thread during the load"
# and the side object read and each entry's object looked at there too
check "third build: the standby's objects checked during the load" \
	contains "$TMP/b.log" "checked on a thread during the load, its objects too"
# the first build called the feeds' functions: what it stored names its files
check "third build: feeds kept from the first build's site ($(fn_kept))" test "$(fn_kept)" -gt 0
check "third build: every file has one name" single_names
check "third build: no published file is a cache object or the standby's" not_shared
check "third build: nothing beside the output but the cache" \
	sh -c "[ \"\$(ls -A '$W' | tr '\n' ' ')\" = '.loa-cache public ' ]"
check "third build: published files are 0644" \
	sh -c "[ -z \"\$(find '$OUT' -type f ! -perm 0644 | head -n 1)\" ]"
check "third build: no empty folder" sh -c "[ -z \"\$(find '$OUT' -type d -empty | head -n 1)\" ]"
same_as_full "third build: the output equals a --no-cache build"
check "the edited school's page has the edit" grep -rqF "Cập nhật lần $n" "$OUT"
build
check "third build, rebuilt: nothing changed" contains "$TMP/b.log" "nothing changed, left as it was"
# the third build's record of its files kept from the standby comes from
# the standby's check, not from a second stat (outdir_fingerprint.c): a
# kept page edited by hand afterwards, in place, in a folder whose names
# did not change, still shows
printf '<!-- sửa tay -->\n' >> "$PAGE"
build
check "a kept page edited by hand: not 'nothing changed'" lacks "$TMP/b.log" "nothing changed, left as it was"
check "a kept page edited by hand: the edit is not published" lacks "$PAGE" "sửa tay"
same_as_full "a kept page edited by hand: the output equals a --no-cache build"

# a plugin's files of bytes (the search index) are keyed by their bytes:
# after edits the index does not show (an article's lastmod), those of
# the standby (the site two builds back) are left in place too
byte_kept() { sed -n 's/.*byte files .* unchanged, \([0-9]*\) left in place.*/\1/p' "$TMP/b.log"; }
lastmod() {
	sed -i "s/^lastmod: 2023-02-.*/lastmod: 2023-02-$1/" "$S/content/news/an-duong/hoi-thao.md"
	commit_edit "Sửa ngày cập nhật $1"
}
m0_ino=$(stat -c %i "$OUT/tim-kiem/index/m/0.json")
# a content function's file (a school's feed) is keyed by the function's
# cached object: the standby keeps it too while that object holds
FEED=$(ls "$OUT"/truong/*/atom.xml | grep -v an-duong | head -n 1)
feed_ino=$(stat -c "%i %z" "$FEED")
lastmod 21
build
same_as_full "lastmod: the output equals a --no-cache build"
lastmod 22
build
check "lastmod again: the search index's files left in place ($(byte_kept))" test "$(byte_kept)" -gt 0
check "lastmod again: a search file is the standby's, kept" \
	test "$(stat -c %i "$OUT/tim-kiem/index/m/0.json")" = "$m0_ino"
same_as_full "lastmod again: the output equals a --no-cache build"
check "lastmod again: feeds left in place ($(fn_kept))" test "$(fn_kept)" -gt 0
check "lastmod again: a school's feed is the standby's, kept" test "$(stat -c "%i %z" "$FEED")" = "$feed_ino"

# a file of bytes tampered with in the published site, which becomes the
# standby of the build after next: written again, not kept
printf 'tampered' >> "$OUT/tim-kiem/index/m/0.json"
lastmod 23
build
lastmod 24
build
check "a tampered search file: not kept" lacks "$OUT/tim-kiem/index/m/0.json" "tampered"
# the same for a content function's file
printf 'tampered' >> "$FEED"
lastmod 25
build
lastmod 26
build
check "a tampered feed: not kept" lacks "$FEED" "tampered"
check "a tampered feed: other feeds still kept ($(fn_kept))" test "$(fn_kept)" -gt 0
same_as_full "a tampered feed: the output equals a --no-cache build"
same_as_full "a tampered search file: the output equals a --no-cache build"

# a page removed: gone from the new site, with its folder
git -C "$S" rm -q "${REL_SRC:-content/news/bua-an-ban-tru.md}" 2> /dev/null ||
	git -C "$S" rm -q "$(grep -rlF 'Bữa ăn bán trú' "$S/content" | head -n 1 | sed "s|^$S/||")"
commit "$S" "2023-04-30T10:00:00+07:00" "Ban biên tập" "bbt@example.vn" "Gỡ bài"
touch_other
build
check "page removed: exit 0" test $? -eq 0
check "page removed: not published" test ! -e "$PAGE"
check "page removed: its folder is gone" test ! -e "$(dirname "$PAGE")"
same_as_full "page removed: the output equals a --no-cache build"
# the removal changed every page's key: the standby (from before it)
# holds none of them; the one after does
touch_other
build
touch_other
build
check "page removed, two builds later: pages kept" test "$(kept)" -gt 0
check "page removed, next build: still not published" test ! -e "$PAGE"
same_as_full "page removed, next build: the output equals a --no-cache build"

# without the cache: the cache and its standby are not touched; the output
# is the same
find "$SB" -printf '%p %s %T@ %C@ %i\n' | sort > "$TMP/sb.before"
"$LOA" build --repo "$S" --out "$OUT" --now "$NOW" --lang en --no-cache > /dev/null 2>&1
find "$SB" -printf '%p %s %T@ %C@ %i\n' | sort > "$TMP/sb.after"
check "--no-cache: the standby is left as it was" cmp -s "$TMP/sb.before" "$TMP/sb.after"
same_as_full "--no-cache: the output equals a --no-cache build"
check "nothing of Loa's beside the output but the cache" \
	sh -c "[ \"\$(ls -A '$W' | tr '\n' ' ')\" = '.loa-cache public ' ]"

# the side objects damaged: nothing kept, the right output (after a
# --no-cache build, the third build has a standby to start from)
touch_other
build
touch_other
build
touch_other
build
check "before damage: pages kept" test "$(kept)" -gt 0
# their entries: PATH NUL KEY NUL … (incr_standby.c), unlike any other object's
for SIDE in $(grep -rlaP 'index\.html\x00[0-9a-f]{40}\x00' "$CACHE/objects"); do
	printf 'x' | dd of="$SIDE" bs=1 seek=60 conv=notrunc 2> /dev/null
	damaged=yes
done
check "the side objects are found" test -n "${damaged:-}"
touch_other
build
check "side object damaged: exit 0" test $? -eq 0
check "side object damaged: nothing kept" test "$(kept)" = 0
same_as_full "side object damaged: the output equals a --no-cache build"
touch_other
build
touch_other
build
check "then: kept again" test "$(kept)" -gt 0
same_as_full "then: the output equals a --no-cache build"

finish
