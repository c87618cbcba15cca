#!/bin/sh
# The key over every page's metadata (the "wide" key) of a content or data
# function whose narrow key cannot be made (its closure holds a coroutine)
# is made once the handlers are done, from the stage's reads as they were
# when the function was added (how many, and whether today was read):
# a body the stage read before the call makes the outputs again, one read
# after it does not, and today read before the call keys them by the day.
# A loa.memo value taken back by its narrow key makes no wide key at all
# (LOA_DEBUG=memo says when every page's metadata is keyed). The output
# equals --no-cache at every step.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
# first a plugin whose value and file have narrow keys only
write "$S/plugins/probe.lua" <<'LUA'
loa.on("before_render", function()
  local n = loa.memo("count", function() return { 1, 2, 3 } end)
  loa.add_file{ url = "/probe/memo.txt", content = function() return "memo: " .. #n .. "\n" end }
end)
LUA
commit "$S" "2023-04-01T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Probe plugin"

jobs_setup
BUILD_ENV="LOA_TIMINGS=jobs LOA_DEBUG=memo"
WIDE="$OUT/probe/wide/index.html"
wide_file() { grep -q "memo /probe/wide.txt: $1" "$TMP/b.log"; }
metadata_keyed() { grep -q "memo (site): every page's metadata keyed" "$TMP/b.log"; }

build
check "narrow only: first build publishes" test $? -eq 0
check "narrow only: the value has no cache yet: the wide key made" metadata_keyed
# a site's first build has no cache folders to keep the value in yet
printf '\nMột câu.\n' >> "$S/content/news/dong-thai/bua-an.md"
commit "$S" "2023-04-01T11:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sửa bài"
build
check "narrow only: the value kept" grep -q "memo loa.memo count: made and kept" "$TMP/b.log"
printf '\nMột câu nữa.\n' >> "$S/content/news/dong-thai/bua-an.md"
commit "$S" "2023-04-01T12:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sửa bài lần hai"
build
check "narrow only: body edit renders the article" rendered tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html
check "narrow only: the value from the cache" grep -q "memo loa.memo count: from the cache" "$TMP/b.log"
check "narrow only: no wide key made" sh -c '! grep -q "every page.s metadata keyed" "$0"' "$TMP/b.log"
same_as_full "narrow only: equals --no-cache"

write "$S/plugins/probe.lua" <<'LUA'
loa.on("before_render", function()
  -- read by the stage before the calls: in the keys of both
  local before = loa.page_summary("content/news/an-duong/hoi-thao.md", 200)
  local day = loa.site.today and "day" or "no day"
  -- a coroutine holds state no key can: every page's metadata instead
  local co = coroutine.create(function() coroutine.yield(1) end)
  loa.add_file{ url = "/probe/wide.txt", content = function()
    return "wide: " .. coroutine.status(co) .. " / " .. day .. " / " .. before .. "\n" end }
  loa.add_page{ url = "/probe/wide/", layout = "wide.html",
                page = { kind = "page", title = "Wide", url = "/probe/wide/" },
                data = function() return { line = coroutine.status(co) .. " / " .. before } end }
  -- read after the calls: in neither key
  local after = loa.page_summary("content/news/dong-thai/bua-an.md", 200)
  loa.add_file{ url = "/probe/after.txt", content = function() return "after: " .. after .. "\n" end }
  -- a value whose narrow key can be made
  local n = loa.memo("count", function() return { 1, 2, 3 } end)
  loa.add_file{ url = "/probe/memo.txt", content = function() return "memo: " .. #n .. "\n" end }
end)
LUA
write "$S/themes/default/layouts/wide.html" <<'HTML'
<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body><main><p class="line">{{ line }}</p></main></body></html>
HTML
commit "$S" "2023-04-01T14:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Wide probes"

build
check "wide probes: publishes" test $? -eq 0
check "the file holds the summary read before" contains "$OUT/probe/wide.txt" "suspended / day / Hội thảo."
check "the data page holds it" contains "$WIDE" "suspended / Hội thảo."
check "the file is keyed by every page's metadata" wide_file "made at render (whole-site key)"
same_as_full "wide probes: equals --no-cache"

# the body read after the calls: neither output made again
sed -i 's/^Bài viết về bữa ăn\./Bài viết về bữa ăn trưa./' "$S/content/news/dong-thai/bua-an.md"
commit "$S" "2023-04-02T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sửa bài"
build
check "body read after: publishes" test $? -eq 0
check "body read after: the other file has it" contains "$OUT/probe/after.txt" "bữa ăn trưa"
check "body read after: the wide file from the cache" wide_file "from the cache (whole-site key)"
check "body read after: the data page from the cache" from_cache probe/wide/index.html
check "body read after: the wide keys made" metadata_keyed
same_as_full "body read after: equals --no-cache"

# the body read before the calls: both made again, with it
sed -i 's/^Hội thảo\.$/Hội thảo về chuyển đổi số./' "$S/content/news/an-duong/hoi-thao.md"
commit "$S" "2023-04-03T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" "Sửa tóm tắt"
build
check "body read before: the wide file made again" wide_file "made and kept"
check "body read before: it shows the new summary" contains "$OUT/probe/wide.txt" "Hội thảo về chuyển đổi số."
check "body read before: the data page rendered" rendered probe/wide/index.html
check "body read before: it shows the new summary" contains "$WIDE" "Hội thảo về chuyển đổi số."
same_as_full "body read before: equals --no-cache"

# another day: today was read before the calls
NOW=2023-05-21
build
check "another day: the wide file made again" wide_file "made and kept"
check "another day: the data page rendered (today was read before it)" rendered probe/wide/index.html
same_as_full "another day: equals --no-cache" "$NOW"
finish

