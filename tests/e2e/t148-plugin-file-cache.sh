#!/bin/sh
# loa.add_file{ content = function() … end } (issue #14): the file is kept
# in the build cache with what its function read, so a rebuild calls the
# function again only when that changed. Each case edits what one probe
# file read and checks that the rebuild equals a --no-cache build byte for
# byte (a stale file fails it), and LOA_TIMINGS's count of plugin files
# taken from the cache shows which were reused.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
write "$S/plugins/probe.lua" <<'LUA'
-- read outside any content function: the stage's own read (ambient)
local ambient
loa.on("after_load", function()
  ambient = loa.page_summary("content/news/an-duong/hoi-thao.md", 200)
end)
-- in after_load: the default plugins' before_render handlers read the
-- clock (plans.lua), after which nothing is kept
loa.on("after_load", function()
  local function body_of(path) return loa.page_html(path) or "" end
  -- a body read inside the function
  loa.add_file{ url = "/probe/body.txt", content = function()
    return "body: " .. body_of("content/news/dong-thai/bua-an.md") .. "\n" end }
  -- a volatile field (the last commit's date) read inside
  loa.add_file{ url = "/probe/lastmod.txt", content = function()
    for _, p in ipairs(loa.pages{ kind = "school" }) do
      if p.slug == "an-duong" then return "lastmod: " .. tostring(p.lastmod) .. "\n" end
    end
    return "none\n" end }
  -- only what the key covers: the titles of the news
  loa.add_file{ url = "/probe/titles.txt", content = function()
    local out = {}
    for _, p in ipairs(loa.pages{ kind = "news", sort = "title" }) do out[#out + 1] = p.title end
    return table.concat(out, "\n") .. "\n" end }
  -- what the stage read before: a summary kept in an upvalue
  loa.add_file{ url = "/probe/ambient.txt", content = function()
    return "ambient: " .. tostring(ambient) .. "\n" end }
  -- the clock: never kept
  loa.add_file{ url = "/probe/clock.txt", content = function()
    return "now: " .. loa.site.now .. "\n" end }
  -- today: kept with the day it read
  loa.add_file{ url = "/probe/today.txt", content = function()
    return "today: " .. loa.site.today .. "\n" end }
end)
LUA
commit "$S" "2023-03-03T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Probe plugin"

NOW=2023-05-20
INC="$TMP/inc/public"
OUT=$INC # what lib.sh's same_as_full compares
mkdir -p "$TMP/inc"
build_inc() { # [--now DAY]
	LOA_DEBUG=memo LOA_TIMINGS=1 "$LOA" build --repo "$S" --out "$INC" --now "${1:-$NOW}" --lang en \
		> "$TMP/inc.out" 2> "$TMP/inc.log"
}
reused() { sed -n 's/.*from cache *\([0-9]*\) of \([0-9]*\) plugin files.*/\1/p' "$TMP/inc.log"; }

build_inc
check "first build publishes" test "$?" -eq 0
same_as_full "first build equals --no-cache"
check "first build: no plugin file from the cache ($(reused))" test "$(reused)" = 0
check "the probe's files are published" contains "$INC/probe/body.txt" "Bài viết về bữa ăn"

# the same commit again, with the output touched so that it is rebuilt:
# the reads did not change, the kept files are reused, the rest made again
touch "$INC/index.html"
build_inc
same_as_full "rebuild equals --no-cache"
file_was() { grep -q "memo /probe/$1: $2" "$TMP/inc.log"; }
for f in body lastmod titles ambient today; do
	check "rebuild: $f.txt from the cache" file_was "$f.txt" "from the cache"
done
check "rebuild: clock.txt made again (the clock)" file_was clock.txt "made (not kept"
check "rebuild: the count says so ($(reused) reused)" test "$(reused)" -ge 5

# a body read inside the function
printf '\nMột đoạn mới về thực đơn.\n' >> "$S/content/news/dong-thai/bua-an.md"
commit_edit "Sửa thân bài bữa ăn"
build_inc
same_as_full "body read inside: rebuilt"
check "body read inside: the new paragraph is in the file" contains "$INC/probe/body.txt" "thực đơn"
check "body read inside: titles.txt from the cache" file_was titles.txt "from the cache"

# a volatile field: a commit touching the school's page changes its lastmod
printf '\nCập nhật.\n' >> "$S/content/schools/an-duong.md"
commit_edit "Sửa trang trường"
build_inc
same_as_full "lastmod read inside: rebuilt"

# what the stage read before the function (an upvalue): the summary changes
sed -i 's/^Hội thảo\.$/Hội thảo về chuyển đổi số trong trường mầm non./' "$S/content/news/an-duong/hoi-thao.md"
commit_edit "Sửa thân bài hội thảo"
build_inc
same_as_full "ambient read: rebuilt"
check "ambient read: the new summary is in the file" contains "$INC/probe/ambient.txt" "trong trường mầm non"

# a title: in the key
sed -i 's/^title: "Hội thảo chuyển đổi số"/title: "Hội thảo số hoá"/' "$S/content/news/an-duong/hoi-thao.md"
commit_edit "Sửa tiêu đề"
build_inc
same_as_full "title: rebuilt"
check "title: the new title is in the file" contains "$INC/probe/titles.txt" "Hội thảo số hoá"

# the next day: today changed
build_inc 2023-05-21
same_as_full "next day: rebuilt" 2023-05-21
check "next day: today's file has the new day" contains "$INC/probe/today.txt" "2023-05-21"

# the site's own plugin edited: its files are made again
sed -i 's/"body: "/"thân bài: "/' "$S/plugins/probe.lua"
commit_edit "Sửa plugin"
build_inc
same_as_full "plugin edited: rebuilt"
check "plugin edited: the file has the new text" contains "$INC/probe/body.txt" "thân bài: "

# a kept object damaged in the cache is a miss, never served
for f in $(find "$TMP/inc/.loa-cache" -type f -size +0 | head -400); do
	grep -q "ambient: " "$f" 2>/dev/null && printf 'x' >> "$f"
done
touch "$INC/index.html"
build_inc
same_as_full "damaged cache object: the file made again"
# the builder decides on a kept file's deps without reading its bytes,
# which the worker that writes it then reads and checks: damaged there
# (same length, header and deps whole), the file is made again, not served
build_inc # kept again, once made
for f in $(find "$TMP/inc/.loa-cache" -type f -size +0 | head -400); do
	grep -q "ambient: " "$f" 2>/dev/null && sed -i 's/ambient: /AMBIENT: /' "$f"
done
touch "$INC/index.html"
build_inc
same_as_full "damaged bytes, whole deps: the file made again"
check "damaged bytes, whole deps: the worker said so" \
	file_was ambient.txt "gone or damaged in the cache: made again"
check "damaged bytes, whole deps: the damage is not published" \
	sh -c "! grep -q AMBIENT '$INC/probe/ambient.txt'"

# math.random, seeded by the commit: never kept, and nothing after it
cat >> "$S/plugins/probe.lua" <<'LUA'
loa.on("after_load", function()
  loa.add_file{ url = "/probe/random.txt", content = function()
    return "random: " .. math.random(1000000) .. "\n" end }
  loa.add_file{ url = "/probe/after-random.txt", content = function()
    return "after\n" end }
end)
LUA
commit_edit "Plugin dùng số ngẫu nhiên"
build_inc
same_as_full "random: built"
printf '\nThêm.\n' >> "$S/content/news/dong-thai/bua-an.md"
commit_edit "Sửa thân bài lần nữa"
build_inc
same_as_full "random: a new commit, a new number"
check "random: random.txt made again" file_was random.txt "made (not kept"
# the function runs when its file is written, in a render worker: the draw
# is its own, and a later handler's files are still kept
check "random: what follows it is kept" file_was after-random.txt "from the cache"

# errors and wrong results of a content function name the plugin's line;
# the function runs when its file is written, in a worker, and its failure
# is still a plugin error: nothing is published (exit 2), the site before
# stays
cat >> "$S/plugins/probe.lua" <<'LUA'
loa.on("before_render", function()
  loa.add_file{ url = "/probe/broken.txt", content = function()
    error("hỏng rồi") end }
end)
LUA
commit_edit "Plugin lỗi"
cp "$INC/probe/random.txt" "$TMP/random.before" # its number is the commit's
build_inc
st=$?
check "a failing content function: exit 2" test "$st" -eq 2
check "its error names plugins/probe.lua:LINE" grep -q "plugins/probe.lua:[0-9]*: .*hỏng rồi" "$TMP/inc.log"
check "its file is not published" test ! -e "$INC/probe/broken.txt"
check "nothing is published: the site before stays" cmp -s "$INC/probe/random.txt" "$TMP/random.before"
check "nothing is published: it says so" contains "$TMP/inc.log" "nothing published"
sed -i 's/error("hỏng rồi")/return 42/' "$S/plugins/probe.lua"
commit_edit "Plugin trả số"
build_inc
st=$?
check "a content function returning a number: exit 2" test "$st" -eq 2
check "its error names the function's line and says what it must return" \
	grep -q "^plugins/probe.lua:[0-9]*: error: loa.add_file /probe/broken.txt: the content function returned number, not a string" "$TMP/inc.log"

# an effect inside a content function would reach no other page: an error
# at its line, and the file is not published
sed -i 's/return 42/loa.add_file{ url = "\/probe\/nested.txt", content = "nested\\n" } return "effect\\n"/' \
	"$S/plugins/probe.lua"
commit_edit "Plugin thêm tệp trong hàm"
build_inc
st=$?
check "an effect in a content function: exit 2" test "$st" -eq 2
check "an effect in a content function: named at its line" \
	grep -q "^plugins/probe.lua:[0-9]*: error: loa.add_file: not in a content function" "$TMP/inc.log"
check "an effect in a content function: neither file is published" \
	sh -c "test ! -e '$INC/probe/nested.txt' && test ! -e '$INC/probe/broken.txt'"
cat >> "$S/plugins/probe.lua" <<'LUA'
loa.on("before_render", function()
  loa.add_file{ url = "/probe/next.txt", content = function()
    loa.next_change("2030-01-01", "never seen") return "x\n" end }
end)
LUA
commit_edit "Plugin next_change trong hàm"
build_inc
check "next_change in a content function: named at its line" \
	grep -q "^plugins/probe.lua:[0-9]*: error: loa.next_change: not in a content function" "$TMP/inc.log"

finish
