#!/bin/sh
# Cache objects of this format (issue #14: cheaper to check): each object
# starts "loa-object-3 KEY" and ends with the first 40 hex digits of the
# SHA-256 of everything before them. An object left by an earlier Loa, in
# the previous format with its SHA-1 sum, is sound by its own rules but
# never served: the page is rendered again and the object rewritten. A
# rebuild after a body edit gives the bytes of a build without the cache.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
NOW=2023-05-20
W="$TMP/w"
OUT="$W/public"
mkdir -p "$W"
build() {
	"$LOA" build --repo "$S" --out "$OUT" --now "$NOW" --lang en > "$TMP/b.out" 2> "$TMP/b.log"
}
CACHE="$W/.loa-cache/render/public"
# every object: the format word, its own name as key, the SHA-256 sum
objects_sound() {
	found=0
	for f in $(find "$CACHE/objects" -type f ! -name '*.tmp-*'); do
		found=$((found + 1))
		key=$(basename "$(dirname "$f")")$(basename "$f")
		head -n 1 "$f" | grep -q "^loa-object-3 $key " || return 1
		size=$(wc -c < "$f")
		want=$(head -c $((size - 40)) "$f" | sha256sum | cut -c1-40)
		[ "$(tail -c 40 "$f")" = "$want" ] || return 1
	done
	[ "$found" -gt 5 ]
}

build
check "first build publishes" test -f "$OUT/index.html"
check "every object: loa-object-3, its key, SHA-256 cut to 40 digits" objects_sound
ART=$(grep -rlF 'Bữa ăn bán trú' "$S/content" | head -n 1)
check "the article's source is found" test -n "$ART"
PAGE=$(grep -rlF 'Bữa ăn bán trú' "$OUT/tin-tuc" | grep 'index.html$' | head -n 1)
cp "$PAGE" "$TMP/good.html"

# ---- a body edit: one page rendered, the rest from the cache --------------------
printf '\nMột đoạn mới của bài viết.\n' >> "$ART"
commit "$S" "2023-04-11T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" "Sửa thân bài"
build
check "body edit: exit 0" test $? -eq 0
check "body edit: the new paragraph is published" grep -rqF 'Một đoạn mới của bài viết.' "$OUT/tin-tuc"
same_as_full "body edit: the output equals a build without the cache"
check "body edit: the objects are sound" objects_sound

# ---- an object of the previous format ---------------------------------------------
PAGE=$(grep -rlF 'Một đoạn mới của bài viết.' "$OUT/tin-tuc" | grep 'index.html$' | head -n 1)
cp "$PAGE" "$TMP/good.html"
# the page's object: the one with its canonical link (list pages and the
# search index's files, kept as objects too, can hold the paragraph)
CANON=$(grep -o '<link rel="canonical" href="[^"]*">' "$PAGE")
check "the article has a canonical link" test -n "$CANON"
OBJ=$(grep -rlF 'Một đoạn mới của bài viết.' "$CACHE/objects" | xargs grep -lF "$CANON" | head -n 1)
check "the article's object is found" test -n "$OBJ"
key=$(basename "$(dirname "$OBJ")")$(basename "$OBJ")
# its data defaced (the same length in bytes), then rewritten as loa-object-2 with the
# SHA-1 that format checked (libgit2's blob id of everything before it)
size=$(wc -c < "$OBJ")
head -c $((size - 40)) "$OBJ" | sed "1s/^loa-object-3 /loa-object-2 /; s/Một đoạn mới/MộT đoạN mớI/" > "$TMP/old"
git hash-object --stdin < "$TMP/old" | tr -d "\n" >> "$TMP/old"
cp "$TMP/old" "$OBJ"
check "the old-format object is in place" grep -qF 'MộT đoạN mớI' "$OBJ"
# a commit that leaves the article as it is
printf "\nCập nhật.\n" >> "$S/content/plans/ke-hoach-175.md"
commit "$S" "2023-04-12T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" "Sửa kế hoạch"
build
check "old-format object: exit 0" test $? -eq 0
check "old-format object: not published" sh -c "! grep -rqF 'MộT đoạN mớI' '$OUT'"
check "old-format object: the page is right" cmp -s "$PAGE" "$TMP/good.html"
check "old-format object: rewritten in this format" sh -c "head -n 1 '$OBJ' | grep -q '^loa-object-3 $key '"
check "old-format object: no defaced bytes left in the cache" sh -c "! grep -rqF 'MộT đoạN mớI' '$W/.loa-cache'"
same_as_full "old-format object: the output equals a build without the cache"
finish
