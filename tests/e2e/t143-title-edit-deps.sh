#!/bin/sh
# A title edit re-renders only the pages that read that page (issue #14):
# a render records every page table it reads (the template runtime's IDX,
# filters and loops: template_runtime.c; plugin/sitelua_deps.c), the key
# of each read page's metadata and table is kept in its cached object's
# deps, and the state key every render starts with no longer covers the
# pages' metadata. After one article's title is edited, the pages
# rendered again (LOA_TIMINGS=jobs lists them) are the article and the
# pages that show its title — its lists, tags, school, neighbours — and
# the output is byte for byte a --no-cache build's. Without the
# recording, the lists would be served stale from the cache.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
sed -i 's/^page_size: 1$/page_size: 3/' "$S/site.yaml"
article() { # SCHOOL N TITLE DATE TAGS
	write "$S/content/news/$1/bai-$2.md" <<MD
---
title: "$3"
slug: bai-$2
date: $4
tags: [$5]
summary: "Tóm tắt bài $2."
---
Đoạn mở đầu của bài $2 ở trường $1.
MD
}
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18; do
	school=dong-thai
	[ $((i % 3)) -eq 0 ] && school=an-duong
	article "$school" "$i" "Bài số $i về hoạt động của trẻ" "2023-04-$((10 + i))" \
		"\"nhóm $((i % 6))\""
done
commit "$S" "2023-04-30T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Thêm bài"

NOW=2023-05-20
INC="$TMP/inc/public"
OUT=$INC # what lib.sh's same_as_full compares
mkdir -p "$TMP/inc"
build_inc() {
	LOA_TIMINGS=jobs "$LOA" build --repo "$S" --out "$INC" --now "$NOW" --lang en \
		> "$TMP/inc.out" 2> "$TMP/inc.log"
}
rendered() { sed -n 's/^loa: timing: rendered //p' "$TMP/inc.log" | sort; }
from_cache() { sed -n 's/.*from cache *\([0-9]*\) of \([0-9]*\) pages.*/\1 \2/p' "$TMP/inc.log"; }

build_inc
check "first build publishes" test $? -eq 0
same_as_full "first build equals full"

# an old article (not on the home page's or the news list's first page);
# its slug is set: its URL stays
NEW="Tiêu đề đã sửa của bài bốn"
sed -i "s/^title: .*/title: \"$NEW\"/" "$S/content/news/dong-thai/bai-4.md"
commit "$S" "2023-05-02T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sửa tiêu đề"
build_inc
check "title edit publishes" test $? -eq 0
same_as_full "title edit: incremental equals full"
rendered > "$TMP/rendered"
set -- $(from_cache)
check "title edit: most pages from the cache ($1 of $2)" test "$1" -gt $(($2 * 2 / 3))
check "title edit: the article is rendered" grep -qx 'tin-tuc/dong-thai/bai-4/index.html' "$TMP/rendered"
# the pages whose output shows the new title (index.html files: the
# plugin files such as feeds are counted apart, t172)
(cd "$INC" && grep -rlF "$NEW" --include=index.html . | sed 's|^\./||' | sort) > "$TMP/shows"
grep -qx 'tin-tuc/dong-thai/bai-4/index.html' "$TMP/shows" ||
	echo 'tin-tuc/dong-thai/bai-4/index.html' >> "$TMP/shows"
check "title edit: every page showing the title is rendered" \
	sh -c "sort -o '$TMP/shows' '$TMP/shows'; comm -23 '$TMP/shows' '$TMP/rendered' | grep -q . && exit 1; exit 0"
# outreach's reports are made by their render (loa.add_page's data,
# docs/plugins.md), keyed by what their data function reaches, with the
# pages it and the layout read recorded: only the reports listing the
# article (its month's, its semester's) are rendered again
check "title edit: only pages showing the title are rendered" \
	sh -c "comm -13 '$TMP/shows' '$TMP/rendered' | grep -q . && exit 1; exit 0"
check "title edit: the article's month's report is rendered" \
	grep -qx 'bao-cao/truyen-thong/2023-04/index.html' "$TMP/rendered"
check "title edit: another month's report is not rendered" \
	sh -c "! grep -qx 'bao-cao/truyen-thong/2023-03/index.html' '$TMP/rendered'"
check "title edit: the outreach dashboard, a data page not showing it, is not rendered" \
	sh -c "! grep -qx 'bao-cao/truyen-thong/index.html' '$TMP/rendered'"

# a body edit changes no page's metadata: outreach's dashboard (its
# table of schools is its page's data) and its two CSV files (content
# functions) come from the cache, not made again
printf '\nMột câu thêm vào thân bài.\n' >> "$S/content/news/dong-thai/bai-5.md"
commit "$S" "2023-05-03T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sửa thân bài"
LOA_DEBUG=memo build_inc
check "body edit publishes" test $? -eq 0
same_as_full "body edit: incremental equals full"
rendered > "$TMP/rendered"
check "body edit: the article is rendered" grep -qx 'tin-tuc/dong-thai/bai-5/index.html' "$TMP/rendered"
check "body edit: the outreach dashboard is not rendered" \
	sh -c "! grep -q '^bao-cao/truyen-thong/' '$TMP/rendered'"
check "body edit: the outreach CSV comes from the cache" \
	grep -q '^loa: debug: memo /bao-cao/truyen-thong.csv: from the cache' "$TMP/inc.log"
check "body edit: the outreach articles' CSV comes from the cache" \
	grep -q '^loa: debug: memo /bao-cao/truyen-thong-bai-viet.csv: from the cache' "$TMP/inc.log"

finish
