#!/bin/sh
# The search index's bodies made on two threads (issue #14): in a build
# that may use two (--jobs 2) and has at least 64 bodies the last build's
# table lacks, the bodies are cut into terms and summarised on two
# threads, each folding words on its own, and the documents then take
# them. The index must be byte for byte what one thread makes (--jobs 1),
# with and without the cache, and after an edit.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
i=1
while [ $i -le 90 ]; do
	# every third article without a summary of its own: its body's is made
	summary=""
	[ $((i % 3)) -ne 0 ] && summary="summary: \"Tóm tắt bài số $i của trường\""
	write "$S/content/news/dong-thai/bai-$i.md" <<MD
---
title: "Bài số $i: bé vui Tết Trung thu"
date: 2023-04-$(printf %02d $(( (i % 28) + 1 )))
tags: ["chủ đề $((i % 7))"]
$summary
---
Trường mầm non tổ chức hoạt động số $i cho các bé. Giáo viên và phụ huynh
cùng tham gia chuyển đổi số, đọc sách, chơi đàn xylophone lần thứ $i.
$(seq 1 $((i % 5 + 1)) | sed "s/^/Câu bổ sung số $i về hoạt động ngoài trời, Children's day, l'école /")
MD
	i=$((i + 1))
done
commit "$S" "2023-04-30T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Chín mươi bài"

one() { # OUT JOBS [--no-cache]: a build, its search debug lines in OUT.log
	rm -rf "$1"
	mkdir -p "$(dirname "$1")"
	LOA_DEBUG=search "$LOA" build --repo "$S" --out "$1" --now 2023-05-20 --jobs "$2" ${3:-} \
		> /dev/null 2> "$1.log"
}
threads() { sed -n 's|^loa: debug: search-bodies-threads \([0-9]*\)$|\1|p' "$1.log"; }

one "$TMP/j1/public" 1 --no-cache
one "$TMP/j2/public" 2 --no-cache
check "jobs 1: no thread" [ -z "$(threads "$TMP/j1/public")" ]
check "jobs 2: every body made on the threads" [ "$(threads "$TMP/j2/public")" -ge 90 ]
check "jobs 2: the site built" test -s "$TMP/j2/public/tim-kiem/index.html"
check "the search index has files" [ "$(find "$TMP/j2/public" -path '*tim-kiem*' -name '*.json' | wc -l)" -ge 3 ]
check "jobs 2 equals jobs 1, byte for byte" diff -r "$TMP/j1/public" "$TMP/j2/public"
# a body's words and its default summary are in the index
check "a body's word is found" grep -rqF --include='*.json' '"xylophone":' "$TMP/j2/public"
check "a default summary made on a thread" grep -rqF --include='*.json' "Trường mầm non tổ chức hoạt động số 3 " "$TMP/j2/public"

# with the cache: the first build makes them on the threads too
one "$TMP/inc/public" 2
check "cached first build: on the threads" [ "$(threads "$TMP/inc/public")" -ge 90 ]
check "cached first build equals jobs 1" diff -r "$TMP/j1/public" "$TMP/inc/public"

# one body edited: the table has the others, so no thread; still equal
write "$S/content/news/dong-thai/bai-7.md" <<'MD'
---
title: "Bài số 7: bé vui Tết Trung thu"
date: 2023-04-08
---
Nội dung mới: các bé trồng rau mầm trong vườn trường.
MD
commit "$S" "2023-05-01T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sửa bài 7"
LOA_DEBUG=search "$LOA" build --repo "$S" --out "$TMP/inc/public" --now 2023-05-20 --jobs 2 \
	> /dev/null 2> "$TMP/inc/public.log"
check "an edit: no thread for one body" [ -z "$(threads "$TMP/inc/public")" ]
check "an edit: the new word is found" grep -rqF --include='*.json' '"rau":' "$TMP/inc/public"
one "$TMP/full/public" 2 --no-cache
check "an edit: equals a --no-cache build" diff -r "$TMP/full/public" "$TMP/inc/public"
one "$TMP/full1/public" 1 --no-cache
check "an edit: equals jobs 1" diff -r "$TMP/full1/public" "$TMP/full/public"
finish
