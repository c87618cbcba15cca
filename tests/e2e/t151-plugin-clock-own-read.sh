#!/bin/sh
# A plugin file that shows the clock (loa.site.now) is made by a content
# function, so that its read of the clock is its own (issue #14): it is
# made at every build, while the content functions of the plugins after it
# are still kept in the cache and reused on a rebuild. The calendar
# (plans.lua) is dated by the build's day, not the clock, so it is kept
# too, and made again when the day changes. The output stays identical,
# byte for byte, to a build with --no-cache.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
# plugins load in name order: clock.lua, then plans.lua, then plans-memo.lua
write "$S/plugins/clock.lua" <<'LUA'
loa.on("before_render", function()
  loa.add_file{ url = "/clock.txt", content = function()
    return "built at " .. loa.site.now .. "\n"
  end }
end)
LUA
write "$S/plugins/plans-memo.lua" <<'LUA'
loa.on("before_render", function()
  loa.add_file{ url = "/plans-memo.txt", content = function()
    local out = {}
    for _, p in ipairs(loa.pages{ kind = "news" }) do out[#out + 1] = p.title end
    return table.concat(out, "\n") .. "\n"
  end }
end)
LUA
commit "$S" "2023-03-03T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Plugin"

NOW=2023-05-20T08:00:00+07:00
OUT="$TMP/inc/public"
mkdir -p "$TMP/inc"
BUILD_ENV=LOA_DEBUG=memo # lib.sh's build: its log is $TMP/b.log

check "first build" build
check "the file reading the clock is made and not kept" \
	contains "$TMP/b.log" "memo /clock.txt: made (not kept: it read"
check "it shows the clock" contains "$OUT/clock.txt" "built at 1684544400"
check "the calendar is made and kept" contains "$TMP/b.log" "memo /ke-hoach/lich.ics: made and kept"
check "a later plugin's file is kept" contains "$TMP/b.log" "memo /plans-memo.txt: made and kept"
check "the calendar is dated by the day's start" contains "$OUT/ke-hoach/lich.ics" "DTSTAMP:20230519T170000Z"
same_as_full "first build: identical to --no-cache"

# an article's body edited, later the same day: the plugins' files other
# than the clock's come from the cache
sed -i 's/^Hội thảo\.$/Hội thảo cả ngày./' "$S/content/news/an-duong/hoi-thao.md"
commit "$S" "2023-03-04T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" "Sửa bài"
NOW=2023-05-20T21:00:00+07:00
check "rebuild" build
check "a later plugin's file comes from the cache" \
	contains "$TMP/b.log" "memo /plans-memo.txt: from the cache"
check "the calendar comes from the cache" contains "$TMP/b.log" "memo /ke-hoach/lich.ics: from the cache"
check "the clock's file is made again" contains "$TMP/b.log" "memo /clock.txt: made (not kept"
check "it shows the new clock" contains "$OUT/clock.txt" "built at 1684591200"
same_as_full "rebuild: identical to --no-cache"

# the next day: the calendar is made again, with the new day's stamp
NOW=2023-05-21T08:00:00+07:00
check "rebuild the next day" build
check "the calendar is made again" contains "$TMP/b.log" "memo /ke-hoach/lich.ics: made and kept"
check "its stamp is the new day's" contains "$OUT/ke-hoach/lich.ics" "DTSTAMP:20230520T170000Z"
same_as_full "next day: identical to --no-cache"

finish
