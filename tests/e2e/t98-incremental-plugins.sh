#!/bin/sh
# Incremental builds with the plugins at work (issue #14): a site whose
# articles share tags and schools (related articles, neighbours, feeds,
# search chunks, paginated lists, school pages) goes through a seeded
# series of random edits of the kinds plugins read: titles, tags, dates,
# summaries, drafts, an article moved to the other school, articles added
# and deleted, the school pages, the site's title. After each, the
# incremental output is identical, byte for byte, to a full build with
# --no-cache (feeds, search index files and sitemap included); a body edit
# still re-renders only pages that show it.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
sed -i 's/^page_size: 1$/page_size: 3/' "$S/site.yaml"
article() { # SCHOOL N TITLE DATE TAGS
	write "$S/content/news/$1/bai-$2.md" <<MD
---
title: "$3"
date: $4
tags: [$5]
summary: "Tóm tắt bài $2."
---
Đoạn mở đầu của bài $2 ở trường $1.

Đoạn thứ hai của bài $2.
MD
}
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	school=dong-thai
	[ $((i % 3)) -eq 0 ] && school=an-duong
	article "$school" "$i" "Bài số $i về hoạt động của trẻ" "2023-04-$((10 + i))" \
		"\"hoạt động\", \"nhóm $((i % 4))\""
done
commit "$S" "2023-04-30T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Thêm bài"

inc_setup

build_inc
same_as_full "first build"
check "the search index is published" sh -c "ls '$INC/tim-kiem/index/' | grep -q ."

seed=14 # of rand
pick() { # an existing article, in $f
	set -- "$S"/content/news/*/bai-*.md
	rand $#
	shift "$r"
	f=$1
}
# every kind at least twice, in a shuffled order; the articles at random
n=0
for kind in 6 2 0 7 1 5 3 9 4 8 10 6 1 0 2 7 5 3 8 4 9 10 6 2; do
	n=$((n + 1))
	pick
	case $kind in
	0) sed -i "s/^title: .*/title: \"Tiêu đề mới lần $n\"/" "$f" ;;
	1) rand 4; sed -i "s/^tags: .*/tags: [\"nhóm $r\", \"chủ đề $n\"]/" "$f" ;;
	2) rand 28; sed -i "s/^date: .*/date: 2023-04-$(printf %02d $((r + 1)))/" "$f" ;;
	3) sed -i "s/^summary: .*/summary: \"Tóm tắt mới lần $n.\"/" "$f" ;;
	4) if grep -q '^draft: true' "$f"; then sed -i '/^draft: true/d' "$f"
	   else sed -i "s/^title: /draft: true\ntitle: /" "$f"; fi ;;
	5) case $f in
	   */dong-thai/*) to=an-duong ;;
	   *) to=dong-thai ;;
	   esac
	   base=$(basename "$f")
	   [ -e "$S/content/news/$to/$base" ] || git -C "$S" mv "$f" "$S/content/news/$to/$base" ;;
	6) article dong-thai "m$n" "Bài mới lần $n" "2023-05-$(printf %02d $((n % 19 + 1)))" "\"hoạt động\"" ;;
	7) set -- "$S"/content/news/*/bai-*.md
	   [ $# -gt 4 ] && git -C "$S" rm -q "$f" ;;
	8) printf '\nTrường cập nhật lần %s.\n' "$n" >> "$S/content/schools/dong-thai.md"
	   sed -i "s/^title: .*/title: \"Trường Mầm non An Dương $n\"/" "$S/content/schools/an-duong.md" ;;
	9) sed -i "s/^title: .*/title: \"Trang thử lần $n\"/" "$S/site.yaml" ;;
	10) printf '\nMột đoạn thêm ở lần sửa %s.\n' "$n" >> "$f" ;;
	esac
	commit "$S" "2023-05-$(printf %02d $((n % 19 + 1)))T10:00:00+07:00" "Trường Đồng Thái" \
		"bbt@dongthai.example.vn" "Sửa $n"
	build_inc
	st=$?
	check "edit $n (kind $kind): the build publishes" test "$st" -le 1
	same_as_full "edit $n (kind $kind): incremental equals full"
done

# a body edit re-renders only what shows it: here the article alone
pick
printf '\nĐoạn cuối.\n' >> "$f"
commit "$S" "2023-05-19T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sửa thân bài"
build_inc
set -- $(inc_cached)
check "body edit: all pages but one from the cache ($1 of $2)" test "$1" -eq $(($2 - 1))
same_as_full "body edit: incremental equals full"

finish
