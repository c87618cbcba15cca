#!/bin/sh
# The history cache (.loa-cache): a build keeps its commit's history, and
# the build of a child commit extends it with the child's own changes
# instead of walking every commit again. On a repository with branches, a
# merge, a file deleted and added again, an author date older than its
# parent's, and authors changing pages back and forth, every build — in
# history order, back to older commits, across the merge, after the
# cache is damaged, in a shallow clone — gives the same bytes as a build
# with no cache (pages show git dates and contributors).
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
git -C "$S" tag base
# pages without a date: their dates and contributors are git's
art() { # art FILE TITLE BODY
	write "$S/content/gioi-thieu/$1.md" <<MD
---
title: "$2"
---
$3
MD
}
art a "Bài A" "A1"
art b "Bài B" "B1"
commit "$S" "2023-04-01T10:00:00+07:00" "Cô Lan" "lan@example.vn" "c1"
git -C "$S" tag c1
art a "Bài A" "A2"
art c "Bài C" "C1"
commit "$S" "2023-04-02T10:00:00+07:00" "Thầy Minh" "minh@example.vn" "c2"
git -C "$S" tag c2
git -C "$S" checkout -q -b nhanh
art a "Bài A" "A3"
art e "Bài E" "E1"
commit "$S" "2023-04-03T10:00:00+07:00" "Cô Hoa" "hoa@example.vn" "c3"
git -C "$S" tag c3
git -C "$S" checkout -q main
art b "Bài B" "B2"
commit "$S" "2023-04-04T10:00:00+07:00" "Cô Hằng" "hang@example.vn" "c4"
git -C "$S" tag c4
GIT_AUTHOR_DATE="2023-04-05T10:00:00+07:00" GIT_COMMITTER_DATE="2023-04-05T10:00:00+07:00" \
	GIT_AUTHOR_NAME="Người hợp nhất" GIT_AUTHOR_EMAIL="m@example.vn" \
	GIT_COMMITTER_NAME="Người hợp nhất" GIT_COMMITTER_EMAIL="m@example.vn" \
	git -C "$S" merge -q --no-ff -m c5 nhanh
git -C "$S" tag c5
art b "Bài B" "B3"
commit "$S" "2023-04-06T10:00:00+07:00" "Thầy Minh" "minh@example.vn" "c6"
git -C "$S" tag c6
# an author date older than every other (a rebased commit)
art a "Bài A" "A4"
git -C "$S" add -A
GIT_AUTHOR_DATE="2023-03-01T10:00:00+07:00" GIT_COMMITTER_DATE="2023-04-07T10:00:00+07:00" \
	GIT_AUTHOR_NAME="Cô Lan" GIT_AUTHOR_EMAIL="lan@example.vn" \
	GIT_COMMITTER_NAME="Cô Lan" GIT_COMMITTER_EMAIL="lan@example.vn" \
	git -C "$S" commit -q -m c7
git -C "$S" tag c7
git -C "$S" rm -q "content/gioi-thieu/c.md"
commit "$S" "2023-04-08T10:00:00+07:00" "Cô Hằng" "hang@example.vn" "c8"
git -C "$S" tag c8
art c "Bài C" "C2"
commit "$S" "2023-04-09T10:00:00+07:00" "Cô Hoa" "hoa@example.vn" "c9"
git -C "$S" tag c9
art a "Bài A" "A5"
art f "Bài F" "F1"
commit "$S" "2023-04-10T10:00:00+07:00" "Thầy Minh" "minh@example.vn" "c10"
git -C "$S" tag c10

NOW=2023-05-20
OUT="$TMP/inc/public"
mkdir -p "$TMP/inc" "$TMP/full"
# build REPO REF: the cached build; how it got its history into $TMP/how
build() {
	LOA_TIMINGS=1 "$LOA" build --allow-removal --repo "$1" --ref "$2" --out "$OUT" --now "$NOW" \
		--lang en > /dev/null 2> "$TMP/inc.log"
	sed -n 's/^loa: timing: history from *\([a-z]*\)$/\1/p' "$TMP/inc.log" > "$TMP/how"
}
# same REPO REF NAME: a build with no cache gives the same bytes
same() {
	rm -rf "$TMP/full/public"
	"$LOA" build --repo "$1" --ref "$2" --out "$TMP/full/public" --now "$NOW" --no-cache \
		--lang en > /dev/null 2> "$TMP/full.log"
	check "$3: same as a build with no cache" diff -r "$OUT" "$TMP/full/public"
	# the summary lines say how long and what came from the cache
	grep -v '^loa: ' "$TMP/inc.log" > "$TMP/inc.d"
	grep -v '^loa: ' "$TMP/full.log" > "$TMP/full.d"
	check "$3: same diagnostics" diff "$TMP/inc.d" "$TMP/full.d"
}
how() { [ "$(cat "$TMP/how")" = "$1" ]; }

build "$S" base
check "first build walks the history" how walked
same "$S" base "base"
for c in c1 c2 c4 c5 c6 c7 c8 c9 c10; do
	build "$S" $c
	case $c in
	c5) check "$c (a merge) walks" how walked ;;
	c1 | c2 | c6 | c7 | c8 | c9 | c10) check "$c extends its parent's history" how extended ;;
	esac
	same "$S" $c "$c"
done
# the facts, so that a cache and a walk wrong alike fail too
page() { grep -rl ">$1<" "$OUT" --include=index.html | head -n 1; }
A=$(page "Bài A")
check "c10: A's contributors, oldest first (the merge took the branch's A)" \
	contains "${A:-/dev/null}" "Cô Lan, Thầy Minh, Cô Hoa</p>"
check "c10: A changed last on 2023-04-10" contains "${A:-/dev/null}" '<time datetime="2023-04-10'
C=$(page "Bài C")
check "c10: C's first life counts (added in c2, deleted in c8, added again)" \
	contains "${C:-/dev/null}" "Thầy Minh, Cô Hằng, Cô Hoa</p>"

# back to older commits, then forward again: an exact hit is used as is
build "$S" c3
check "c3 (another branch; c2 no longer cached) walks" how walked
same "$S" c3 "c3 after c10"
build "$S" c9
check "c9 (c8 no longer cached) walks" how walked
same "$S" c9 "c9 after c3"
rm -f "$OUT/index.html" # the same commit again: not up to date, the history is cached
build "$S" c9
check "c9 again: its own history from the cache" how cached
same "$S" c9 "c9 again"

# damaged objects are misses: every object's last byte changed
for f in "$TMP/inc/.loa-cache/render/public/objects"/*/*; do
	[ -f "$f" ] || continue
	printf 'X' | dd of="$f" bs=1 seek=$(($(wc -c < "$f") - 1)) conv=notrunc 2> /dev/null
done
build "$S" c10
check "damaged cache: c10 walks again" how walked
same "$S" c10 "c10 after damage"

# a shallow clone is never cached: its boundary can move
git clone -q --depth 3 "file://$S" "$TMP/shallow"
git -C "$TMP/shallow" fetch -q --depth 3 origin tag c9 tag c10 2> /dev/null
rm -rf "$TMP/inc"
mkdir -p "$TMP/inc"
build "$TMP/shallow" c9
same "$TMP/shallow" c9 "shallow c9"
build "$TMP/shallow" c10
check "shallow clone: c10 walks" how walked
same "$TMP/shallow" c10 "shallow c10"

finish
