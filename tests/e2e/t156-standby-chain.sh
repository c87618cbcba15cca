#!/bin/sh
# The standby's side object (each kept page's path, key, object identity,
# diagnostics and deps) is written by the build that keeps the pages, and
# its entries for kept pages are the very bytes of the previous side object
# (stored by reference, not copied). A chain of builds that each keep pages
# must therefore keep the same pages every time the same kind of edit comes,
# and publish what a --no-cache build publishes, build after build: a side
# object written from the previous one's bytes that lost or garbled an
# entry would keep fewer pages, or the wrong ones.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
NOW=2023-05-20
W="$TMP/w"
OUT="$W/public"
mkdir -p "$W"
BUILD_ENV=LOA_TIMINGS=1 # build (lib.sh): kept() reads the timings
kept() { sed -n 's/.*from cache .*(\([0-9]*\) kept).*/\1/p' "$TMP/b.log"; }
n=0

build
touch_other
build
touch_other
build
first=$(kept)
check "a rebuild keeps pages from the standby" test "${first:-0}" -gt 0
same_as_full "kept once: the output equals a --no-cache build"
for round in 2 3 4 5; do
	touch_other
	build
	check "keep $round: exit 0" test $? -eq 0
	check "keep $round: the same pages kept ($(kept) of $first)" test "$(kept)" = "$first"
	same_as_full "keep $round: the output equals a --no-cache build"
done
check "the last edit is published" grep -rqF "Cập nhật lần $n" "$OUT"
finish
