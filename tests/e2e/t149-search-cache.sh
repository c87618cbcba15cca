#!/bin/sh
# The search index's per-body work kept in the build cache (issue #14):
# a rebuild takes the terms and default summary of every unchanged body
# from the table of indexed bodies (search/search_bodies.h) and computes
# only the bodies that changed. A changed body must change its search
# entries (its new words found, its old words gone, its default summary
# new), every rebuild must equal a --no-cache build byte for byte, and a
# damaged table is refused and everything computed again.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
write "$S/content/news/dong-thai/bua-an.md" <<'MD'
---
title: "Bữa ăn bán trú đảm bảo dinh dưỡng"
date: 2023-03-01
tags: ["dinh dưỡng"]
---
Các bé học chơi đàn xylophone trong giờ âm nhạc.
MD
commit "$S" "2023-03-03T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Bài về đàn"

INC="$TMP/inc/public"
mkdir -p "$TMP/inc"
build_inc() {
	LOA_DEBUG=search "$LOA" build --repo "$S" --out "$INC" --now 2023-05-20 > "$TMP/inc.out" 2> "$TMP/inc.log"
}
same_as_full() { # NAME
	rm -rf "$TMP/full"
	mkdir -p "$TMP/full"
	"$LOA" build --repo "$S" --out "$TMP/full/public" --now 2023-05-20 --no-cache \
		> /dev/null 2> "$TMP/full.log" || cat "$TMP/full.log"
	check "$1" diff -r "$INC" "$TMP/full/public"
}
# "N M": bodies from the cache, bodies looked up
counts() { sed -n 's|^loa: debug: search-bodies \([0-9]*\)/\([0-9]*\)$|\1 \2|p' "$TMP/inc.log"; }
# the search index's files holding TEXT
index_has() { grep -rlF --include='*.json' -- "$1" "$INC" | grep -q .; }
edit_body() { # TEXT DATE
	write "$S/content/news/dong-thai/bua-an.md" <<MD
---
title: "Bữa ăn bán trú đảm bảo dinh dưỡng"
date: 2023-03-01
tags: ["dinh dưỡng"]
---
$1
MD
	commit "$S" "$2" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sửa bài"
}

build_inc
check "first build publishes" test "$?" -eq 0
set -- $(counts)
N=${2:-0}
check "first build: every body computed (${1:-?} of $N from the cache)" test "${1:-x}" = 0 -a "$N" -gt 3
check "first build: the word is in the index" index_has '"xylophone":'
same_as_full "first build equals --no-cache"

edit_body "Các bé học chơi đàn saxophone cùng cô giáo." "2023-03-04T10:00:00+07:00"
build_inc
check "body edit publishes" test "$?" -eq 0
check "body edit: only that body computed ($(counts))" test "$(counts)" = "$((N - 1)) $N"
check "body edit: the new word is in the index" index_has '"saxophone":'
check "body edit: the old word is gone from the index" sh -c "! grep -rqF '\"xylophone\"' '$INC' --include='*.json'"
check "body edit: the default summary is the new body's" index_has 'saxophone cùng cô giáo'
check "body edit: the old summary is gone" sh -c "! grep -rqF 'xylophone trong' '$INC' --include='*.json'"
same_as_full "body edit equals --no-cache"

# back to the first body: the table no longer holds it, computed again
edit_body "Các bé học chơi đàn xylophone trong giờ âm nhạc." "2023-03-05T10:00:00+07:00"
build_inc
check "body back: only that body computed ($(counts))" test "$(counts)" = "$((N - 1)) $N"
check "body back: the word is in the index again" index_has '"xylophone":'
same_as_full "body back equals --no-cache"

# the table damaged in the cache: refused (the object's digest), every
# body computed, the output unchanged
table=$(grep -rlF 'loa-search-1' "$TMP/inc/.loa-cache" | head -n 1)
check "the table is in the build cache" test -n "$table"
if [ -n "$table" ]; then
	size=$(wc -c < "$table")
	head -c $((size / 2)) "$table" > "$TMP/half" && cat "$TMP/half" > "$table"
fi
edit_body "Các bé học chơi đàn xylophone trong giờ âm nhạc, rất vui." "2023-03-06T10:00:00+07:00"
build_inc
check "truncated table: refused, every body computed ($(counts))" test "$(counts)" = "0 $N"
same_as_full "truncated table: equals --no-cache"

table=$(grep -rlF 'loa-search-1' "$TMP/inc/.loa-cache" | head -n 1)
if [ -n "$table" ]; then
	# one byte changed in its middle, the length kept
	size=$(wc -c < "$table")
	printf 'Z' | dd of="$table" bs=1 seek=$((size / 2)) conv=notrunc 2> /dev/null
fi
edit_body "Các bé học chơi đàn xylophone trong giờ âm nhạc, rất vui vẻ." "2023-03-07T10:00:00+07:00"
build_inc
check "tampered table: refused, every body computed ($(counts))" test "$(counts)" = "0 $N"
same_as_full "tampered table: equals --no-cache"

# and the table rewritten by that build serves the next one
edit_body "Các bé học chơi đàn saxophone." "2023-03-08T10:00:00+07:00"
build_inc
check "after the repair: only the edited body computed ($(counts))" test "$(counts)" = "$((N - 1)) $N"
same_as_full "after the repair: equals --no-cache"
finish
