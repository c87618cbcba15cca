#!/bin/sh
# loa.add_page's `data` function (docs/plugins.md, issue #14): called by
# the page's render, its table's fields replace the context's. The output
# equals a --no-cache build's; a body edit takes the page from the cache
# without calling the function, a title it shows makes it again, and so
# does the body a handler read before the call; a handler
# that read math.random before the call makes it at every build; an error
# in it, or a result that is not a table, is a plugin error at the
# plugin's file:line, as in a content function or a handler: nothing is
# published (SPEC: exit 2) and the site published before stays.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
write "$S/plugins/bao-cao.lua" <<'LUA'
loa.on("before_render", function()
  local news = loa.pages{ kind = "news" }
  local count = #news
  -- a body read before the call: what the function holds of it is keyed
  local summary = loa.page_summary("content/news/an-duong/hoi-thao.md", 200)
  loa.add_page{ url = "/tong-hop/", layout = "tong-hop.html", rows = false, note = "so bai: " .. count,
                page = { kind = "page", title = "Tổng hợp", url = "/tong-hop/" },
                data = function()
                  local rows = {}
                  for _, p in ipairs(news) do rows[#rows + 1] = "[" .. p.title .. "]" end
                  return { rows = table.concat(rows, " ") .. " / " .. summary }
                end }
end)
LUA
write "$S/themes/default/layouts/tong-hop.html" <<'HTML'
<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body><main><p class="note">{{ note }}</p><p class="rows">{{ rows }}</p></main></body></html>
HTML
commit "$S" "2023-04-01T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Trang tổng hợp"

jobs_setup
build_inc() { build; }
PAGE="$OUT/tong-hop/index.html"

build_inc
check "first build publishes" test $? -eq 0
check "the table's own field is shown" contains "$PAGE" 'so bai: 2'
check "data's fields replace the table's" contains "$PAGE" '[Bữa ăn bán trú đảm bảo dinh dưỡng] [Hội thảo chuyển đổi số]'
check "the table's placeholder is not shown" lacks "$PAGE" 'false'
same_as_full "first build equals --no-cache"

# a body edit: the page's metadata is unchanged, so is its key
printf '\nMột câu mới.\n' >> "$S/content/news/dong-thai/bua-an.md"
commit "$S" "2023-04-02T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sửa bài"
build_inc
check "body edit publishes" test $? -eq 0
check "body edit: the article is rendered" rendered tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html
check "body edit: the data page comes from the cache" from_cache tong-hop/index.html
same_as_full "body edit equals --no-cache"

# the body of the article whose summary the handler read before the call
sed -i 's/^Hội thảo\.$/Hội thảo về chuyển đổi số ở trường mầm non./' "$S/content/news/an-duong/hoi-thao.md"
commit "$S" "2023-04-02T12:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" "Sửa tóm tắt"
build_inc
check "summary edit: the data page is rendered" rendered tong-hop/index.html
check "summary edit: it shows the new summary" contains "$PAGE" 'Hội thảo về chuyển đổi số ở trường mầm non.'
same_as_full "summary edit equals --no-cache"

# a title the function shows: the page is made again, with it
sed -i 's/^title: .*/title: "Hội thảo chuyển đổi số năm 2023"/' "$S/content/news/an-duong/hoi-thao.md"
commit "$S" "2023-04-03T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" "Sửa tiêu đề"
build_inc
check "title edit publishes" test $? -eq 0
check "title edit: the data page is rendered" rendered tong-hop/index.html
check "title edit: it shows the new title" contains "$PAGE" '[Hội thảo chuyển đổi số năm 2023]'
same_as_full "title edit equals --no-cache"

# a handler that drew a random number before the call: no key covers what
# the function may hold, so the page is made at every build
sed -i 's/^  local count = #news$/  local count = #news + math.random(0, 0)/' "$S/plugins/bao-cao.lua"
commit "$S" "2023-04-04T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Ngẫu nhiên"
build_inc
printf '\nThêm một câu nữa.\n' >> "$S/content/news/dong-thai/bua-an.md"
commit "$S" "2023-04-05T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sửa bài lần hai"
build_inc
check "after math.random: the data page is rendered on a body edit" rendered tong-hop/index.html
same_as_full "after math.random: equals --no-cache"

# an error in the function: a plugin error at the plugin's line; nothing
# is published, the site before stays whole
cp "$PAGE" "$TMP/page.before"
sed -i 's/^                  local rows = {}$/                  local rows = {} error("hỏng dữ liệu")/' "$S/plugins/bao-cao.lua"
commit "$S" "2023-04-06T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Lỗi"
build_inc
check "an error in data: exit 2 (a plugin error)" test $? -eq 2
check "an error in data: at the plugin's line" grep -q 'plugins/bao-cao.lua:9: .*hỏng dữ liệu' "$TMP/b.log"
check "an error in data: the other pages of the site before stay" test -f "$OUT/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html"
check "an error in data: the page as it was published before" cmp -s "$PAGE" "$TMP/page.before"

# a result that is not a table
sed -i 's/^                  local rows = {} error("hỏng dữ liệu")$/                  do return "chuỗi" end local rows = {}/' "$S/plugins/bao-cao.lua"
commit "$S" "2023-04-07T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sai kiểu"
build_inc
check "a string from data: exit 2" test $? -eq 2
check "a string from data: named at the function" grep -q 'plugins/bao-cao.lua:8: .*data returned string, not a table' "$TMP/b.log"

# data that is not a function: the plugin's error
sed -i 's/^                data = function()$/                data = 5, d2 = function()/' "$S/plugins/bao-cao.lua"
commit "$S" "2023-04-08T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Không phải hàm"
build_inc
check "data = 5: refused" grep -q "'data' must be a function" "$TMP/b.log"

finish
