#!/bin/sh
# A template that reads one entry of a theme global (`ghi_chu[page.url]`,
# as the theme reads feeds.lua's `feed_urls`) depends on that entry, not on
# the whole global (issue #14; template_runtime.c's VI, the "%" deps lines
# of pipeline/incremental.c): when another entry changes, or a new one is
# added, its page comes from the cache; when its own entry changes, or the
# global is no longer a plain table, it is rendered again. A page that
# reads the global whole is rendered at each change. Each build's output is
# byte for byte a --no-cache build's.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
post() { # SLUG SCHOOL LAYOUT [TAG]
	write "$S/content/news/$2/$1.md" <<MD
---
title: "Bài $1"
slug: $1
layout: "$3"
date: 2023-04-01
tags: [${4:-}]
---
Nội dung bài $1.
MD
}
post bai-a dong-thai e "ghi chú"
post bai-b an-duong e "ghi chú"
post bai-w dong-thai w "ghi chú"
post bai-p dong-thai p
post bai-n dong-thai e
# ghi_chu: the URL of an article with a tag → its school's title; when a
# school's title says "CHUỖI", a table whose metatable makes every entry
write "$S/plugins/ghichu.lua" <<'LUA'
loa.on("before_render", function()
  local notes = {}
  for _, p in ipairs(loa.pages{ kind = "news" }) do
    if p.school and #(p.tags or {}) > 0 then
      if p.school.title:find("CHUỖI", 1, true) then loa.global("ghi_chu", setmetatable({}, { __index = function() return "Ghi chú động" end })); return end
      notes[p.url] = "Ghi chú: " .. p.school.title
    end
  end
  loa.global("ghi_chu", notes)
end)
LUA
mini_layout e '{% if ghi_chu[page.url] %}{{ ghi_chu[page.url] }}{% endif %}'
mini_layout w '{% if ghi_chu and ghi_chu[page.url] %}{{ ghi_chu[page.url] }}{% endif %}'
mini_layout p '{{ page.slug }}'
commit "$S" "2023-04-30T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Thêm bài"

jobs_setup
page() { # SLUG: its output file (bài b is an-duong's)
	case $1 in bai-b) echo "tin-tuc/an-duong/$1/index.html" ;; *) echo "tin-tuc/dong-thai/$1/index.html" ;; esac
}
path() { echo "$OUT/$(page "$1")"; }

build
check "first build publishes" test $? -eq 0
check "bài n has no entry" lacks "$(path bai-n)" "Ghi chú"
check "bài n is published" contains "$(path bai-n)" "Nội dung bài bai-n"
same_as_full "first build equals full"
check "bài a shows its entry" contains "$(path bai-a)" "Ghi chú: Trường Mầm non Đồng Thái"
check "bài b shows its entry" contains "$(path bai-b)" "Ghi chú: Trường Mầm non An Dương"
check "bài w shows its entry" contains "$(path bai-w)" "Ghi chú: Trường Mầm non Đồng Thái"

# another entry changes (bài b's: its school's title)
sed -i 's/^title: .*/title: "Trường Mầm non An Dương Mới"/' "$S/content/schools/an-duong.md"
commit "$S" "2023-05-02T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" "Sửa tên trường"
build
check "school title edit publishes" test $? -eq 0
same_as_full "school title edit: incremental equals full"
check "its own entry changed: rendered" rendered "$(page bai-b)"
check "its own entry changed: shows it" contains "$(path bai-b)" "Ghi chú: Trường Mầm non An Dương Mới"
check "another entry changed: from the cache" from_cache "$(page bai-a)"
check "the global read whole: rendered" rendered "$(page bai-w)"
check "reads no global: from the cache" from_cache "$(page bai-p)"

# a new entry: bài p gets a tag of its own (an article added would change
# its neighbours' tables: related.lua's newer, older and related)
check "no entry yet: bài p's layout does not show it" lacks "$(path bai-p)" "Ghi chú"
post bai-p dong-thai p "riêng"
commit "$S" "2023-05-03T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Thêm thẻ"
build
check "an entry added publishes" test $? -eq 0
same_as_full "an entry added: incremental equals full"
check "an entry added: the others' pages from the cache" from_cache "$(page bai-a)"
check "an entry added: bài b from the cache" from_cache "$(page bai-b)"
check "an entry added: the global read whole: rendered" rendered "$(page bai-w)"

# the global is no longer a plain table: every page that read an entry of
# it, one that had none included (bài n)
sed -i 's/^title: .*/title: "Trường Mầm non Đồng Thái CHUỖI"/' "$S/content/schools/dong-thai.md"
commit "$S" "2023-05-04T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sửa tên"
build
check "a metatable publishes" test $? -eq 0
same_as_full "a metatable: incremental equals full"
check "a metatable: bài b rendered" rendered "$(page bai-b)"
check "a metatable: bài a rendered" rendered "$(page bai-a)"
check "a metatable: bài n, which had no entry, rendered" rendered "$(page bai-n)"
check "a metatable: bài n shows the computed entry" contains "$(path bai-n)" "Ghi chú động"

# and a table again
sed -i 's/^title: .*/title: "Trường Mầm non Đồng Thái"/' "$S/content/schools/dong-thai.md"
commit "$S" "2023-05-05T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sửa tên lại"
build
check "a table again publishes" test $? -eq 0
same_as_full "a table again: incremental equals full"
check "a table again: bài b rendered" rendered "$(page bai-b)"
check "a table again: bài b shows its entry" contains "$(path bai-b)" "Ghi chú: Trường Mầm non An Dương Mới"

finish
