#!/bin/sh
# loa.memo(name, function() … end) (issue #14): a handler's computation
# kept in the build cache with what it read, and taken back while that
# holds — related.lua's comparisons are skipped after a body edit. Each
# rebuild must equal a --no-cache build byte for byte (a stale value fails
# it); LOA_DEBUG=memo says whether the value came from the cache. What the
# value was made from counts as read by the stage, also when it comes from
# the cache: a content function made after it depends on it. A function
# that reads no page table is keyed by what it reaches (plain copies by
# value): a title edit leaves it, and related.lua's numbers.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
# a slug of its own: its title edit then leaves every URL (the site's
# structure, in every key) as it was
sed -i 's/^lastmod: 2023-02-20$/lastmod: 2023-02-20\nslug: hoi-thao/' "$S/content/news/an-duong/hoi-thao.md"
write "$S/plugins/probe.lua" <<'LUA'
loa.on("after_load", function()
  -- page metadata only: the titles of the news
  local titles = loa.memo("titles", function()
    local out = {}
    for _, p in ipairs(loa.pages{ kind = "news", sort = "title" }) do out[#out + 1] = p.title end
    return { list = out, n = #out, nested = { ok = true, ratio = 0.5 } }
  end)
  -- a body read inside
  local summary = loa.memo("summary", function()
    return loa.page_summary("content/news/dong-thai/bua-an.md", 200) or ""
  end)
  -- a page table reached through an upvalue and read: kept under the key
  -- of every page's metadata
  local hoi
  for _, p in ipairs(loa.pages{ kind = "news" }) do
    if p.path == "content/news/an-duong/hoi-thao.md" then hoi = p end
  end
  local hoi_title = loa.memo("hoi", function() return "hoi: " .. hoi.title end)
  -- plain copies only: keyed by them
  local stamps = {}
  for _, p in ipairs(loa.pages{ kind = "news" }) do stamps[#stamps + 1] = p.timestamp end
  local when = loa.memo("stamps", function() return "stamps: " .. table.concat(stamps, ",") end)
  loa.add_file{ url = "/probe/hoi.txt", content = hoi_title .. "\n" .. when .. "\n" }
  loa.add_file{ url = "/probe/titles.txt",
                content = table.concat(titles.list, "\n") .. "\n" .. titles.n .. " " ..
                          tostring(titles.nested.ok) .. " " .. titles.nested.ratio .. "\n" }
  -- a content function made from the memo's value, and from a body of
  -- its own: kept with both
  loa.add_file{ url = "/probe/both.txt", content = function()
    return "summary: " .. summary .. "\nschool: " ..
           (loa.page_html("content/schools/an-duong.md") or "") .. "\n" end }
end)
LUA
commit "$S" "2023-03-03T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Probe plugin"

NOW=2023-05-20
INC="$TMP/inc/public"
OUT=$INC # what lib.sh's same_as_full compares
mkdir -p "$TMP/inc"
build_inc() {
	LOA_DEBUG=memo LOA_TIMINGS=1 "$LOA" build --repo "$S" --out "$INC" --now "$NOW" --lang en \
		> "$TMP/inc.out" 2> "$TMP/inc.log"
}
was() { grep -q "memo $1: $2" "$TMP/inc.log"; }
values() { sed -n 's/.*from cache *\([0-9]*\) of \([0-9]*\) plugin values.*/\1 \2/p' "$TMP/inc.log"; }

build_inc
check "first build publishes" test "$?" -eq 0
same_as_full "first build equals --no-cache"
# the cache's folders are made once the build writes, after the plugins
check "first build: the values are made, not kept (no cache folders yet)" \
	was "loa.memo titles" "made (not kept: the cache has no folders yet)"
check "first build: the titles are in the file" contains "$INC/probe/titles.txt" "Hội thảo chuyển đổi số"
check "first build: nested values come through" contains "$INC/probe/titles.txt" "2 true 0.5"
# five: the probe's four and related.lua's
check "first build: no value from the cache ($(values))" test "$(values)" = "0 5"

touch "$INC/index.html"
build_inc
same_as_full "second build equals --no-cache"
check "second build: the values are made and kept" was "loa.memo titles" "made and kept"

# nothing read changed: every value from the cache
touch "$INC/index.html"
build_inc
same_as_full "rebuild equals --no-cache"
check "rebuild: titles from the cache" was "loa.memo titles" "from the cache"
check "rebuild: summary from the cache" was "loa.memo summary" "from the cache"
check "rebuild: LOA_TIMINGS counts them ($(values))" test "$(values)" = "5 5"

# a body the summary did not read: both values kept; the content function
# read that body itself, so it is made again, after a value that came from
# the cache
printf '\nĐã cập nhật.\n' >> "$S/content/schools/an-duong.md"
commit_edit "Sửa trang trường"
build_inc
same_as_full "another body: rebuilt"
check "another body: titles from the cache" was "loa.memo titles" "from the cache"
check "another body: summary from the cache" was "loa.memo summary" "from the cache"
check "another body: the content function made again" was /probe/both.txt "made and kept"

# the body the summary read: made again, and the content function made
# from it too (its deps hold the body: read by the stage, through the
# value taken from the cache in the last build)
sed -i 's/^Bài viết về bữa ăn\./Bài viết mới về bữa ăn bán trú./' "$S/content/news/dong-thai/bua-an.md"
commit_edit "Sửa thân bài bữa ăn"
build_inc
same_as_full "the body read inside: rebuilt"
check "the body read inside: summary made again" was "loa.memo summary" "made and kept"
check "the body read inside: titles still from the cache" was "loa.memo titles" "from the cache"
check "the body read inside: the file has the new summary" contains "$INC/probe/both.txt" "mới về bữa ăn"

# a title: every page's metadata is in the key
sed -i 's/^title: "Hội thảo chuyển đổi số"/title: "Hội thảo số hoá"/' "$S/content/news/an-duong/hoi-thao.md"
commit_edit "Sửa tiêu đề"
build_inc
same_as_full "title: rebuilt"
check "title: titles made again" was "loa.memo titles" "made and kept"
check "title: the new title is in the file" contains "$INC/probe/titles.txt" "Hội thảo số hoá"
check "title: the page table read through an upvalue: made again" was "loa.memo hoi" "made and kept"
check "title: ... and shows the new title" contains "$INC/probe/hoi.txt" "hoi: Hội thảo số hoá"
check "title: plain copies of the dates: from the cache" was "loa.memo stamps" "from the cache"
check "title: related.lua's value from the cache" was "loa.memo related" "from the cache"

# a tag: what related.lua compares
sed -i 's/^category: policy/category: policy\ntags: ["chuyển đổi số"]/' \
	"$S/content/news/an-duong/hoi-thao.md"
commit_edit "Thêm chủ đề"
build_inc
same_as_full "tag: rebuilt"
check "tag: related.lua's value made again" was "loa.memo related" "made and kept"

# related.lua keeps its comparisons: a body edit takes them from the cache
printf '\nThêm một câu.\n' >> "$S/content/news/an-duong/hoi-thao.md"
commit_edit "Sửa thân bài hội thảo"
build_inc
same_as_full "related.lua: rebuilt after a body edit"
check "related.lua: its value from the cache" was "loa.memo related" "from the cache"

# a value that is not plain data, and a name used twice: plugin errors at
# the plugin's line, nothing published
cp "$INC/probe/titles.txt" "$TMP/titles.before"
cat >> "$S/plugins/probe.lua" <<'LUA'
loa.on("before_render", function()
  loa.memo("fn", function() return { f = print } end)
end)
LUA
commit_edit "Plugin trả hàm"
build_inc
st=$?
check "a function in the value: exit 2" test "$st" -eq 2
check "a function in the value: named at the plugin's line" \
	grep -q "plugins/probe.lua:[0-9]*: .*loa.memo 'fn': the function must return plain data (it holds a function or userdata)" "$TMP/inc.log"
check "a function in the value: nothing published" cmp -s "$INC/probe/titles.txt" "$TMP/titles.before"
# the same in a build without a cache: refused alike
"$LOA" build --repo "$S" --out "$TMP/nc/public" --now "$NOW" --no-cache --lang en \
	> /dev/null 2> "$TMP/nc.log"
check "a function in the value, --no-cache: exit 2 too" test "$?" -eq 2
sed -i 's/loa.memo("fn", function() return { f = print } end)/loa.memo("titles", function() return 1 end)/' \
	"$S/plugins/probe.lua"
commit_edit "Plugin dùng lại tên"
build_inc
st=$?
check "a name used twice: exit 2" test "$st" -eq 2
check "a name used twice: said so at the plugin's line" \
	grep -q "plugins/probe.lua:[0-9]*: .*loa.memo: the name 'titles' is already used" "$TMP/inc.log"

finish
