#!/bin/sh
# A content function that can reach more page tables than the recording
# hollows (1,024: sitelua_hollow.c, HOLLOW_MAX) depends on every page: an
# edit of a page it never read still makes its file again, and the output
# equals a --no-cache build. One that reaches a few pages is kept while
# they hold (t172 covers those reads).
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
i=0
while [ $i -lt 1100 ]; do
	i=$((i + 1))
	write "$S/content/news/dong-thai/tin-$i.md" <<MD
---
title: "Tin số $i"
slug: tin-$i
date: 2023-01-$(printf %02d $((i % 28 + 1)))
---
Tin ngắn số $i.
MD
done
write "$S/plugins/probe.lua" <<'LUA'
loa.on("after_load", function()
  local news = loa.pages{ kind = "news" }
  local few = { news[1], news[2], news[3] }
  -- reaches every article, reads one
  loa.add_file{ url = "/probe/many.txt", content = function()
    return "first of " .. #news .. ": " .. news[1].url .. "\n" end }
  -- reaches three, reads one
  loa.add_file{ url = "/probe/few.txt", content = function()
    return "first of " .. #few .. ": " .. few[1].url .. "\n" end }
end)
LUA
commit "$S" "2023-03-03T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Nhiều tin"

NOW=2023-05-20
OUT="$TMP/inc/public"
mkdir -p "$TMP/inc"
BUILD_ENV="LOA_DEBUG=memo" # lib.sh's build: its log is $TMP/b.log
file_was() { grep -q "memo /probe/$1: $2" "$TMP/b.log"; }

build
check "first build publishes" test "$?" -eq 0
check "the function sees every article" grep -q "first of 1102" "$OUT/probe/many.txt"

# the title of an article neither function reads
sed -i 's/^title: "Tin số 500"/title: "Tin số năm trăm"/' "$S/content/news/dong-thai/tin-500.md"
commit_edit "Sửa tiêu đề tin 500"
build
check "title edit publishes" test "$?" -eq 0
same_as_full "title edit: equals --no-cache"
check "past the cap: made again, as if it read every page" file_was many.txt "made and kept"
check "under the cap: from the cache" file_was few.txt "from the cache"

finish
