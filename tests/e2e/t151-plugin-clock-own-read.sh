#!/bin/sh
# A plugin file that shows the clock (plans.lua's calendar: DTSTAMP is
# loa.site.now) is made by a content function, so that its read of the
# clock is its own (issue #14): the content functions of the plugins after
# it are still kept in the cache and reused on a rebuild, and the output
# stays identical, byte for byte, to a build with --no-cache.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
# loaded right after plans.lua (plugins load in name order)
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

NOW=2023-05-20
INC="$TMP/inc/public"
OUT=$INC # what lib.sh's same_as_full compares
mkdir -p "$TMP/inc"
build_inc() {
	LOA_DEBUG=memo "$LOA" build --repo "$S" --out "$INC" --now "$NOW" > "$TMP/inc.out" 2> "$TMP/inc.log"
}

check "first build" build_inc
check "the calendar, reading the clock, is made and not kept" \
	contains "$TMP/inc.log" "memo /ke-hoach/lich.ics: made (not kept: it read"
check "a later plugin's file is kept" contains "$TMP/inc.log" "memo /plans-memo.txt: made and kept"
check "the calendar carries the clock" contains "$INC/ke-hoach/lich.ics" "DTSTAMP:20230519T170000Z"
same_as_full "first build: identical to --no-cache"

# an article's body edited: the later plugin's file comes from the cache
sed -i 's/^Hội thảo\.$/Hội thảo cả ngày./' "$S/content/news/an-duong/hoi-thao.md"
commit "$S" "2023-03-04T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" "Sửa bài"
check "rebuild" build_inc
check "a later plugin's file comes from the cache" \
	contains "$TMP/inc.log" "memo /plans-memo.txt: from the cache"
check "the calendar is made again" contains "$TMP/inc.log" "memo /ke-hoach/lich.ics: made (not kept"
same_as_full "rebuild: identical to --no-cache"

finish
