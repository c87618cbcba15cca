#!/bin/sh
# The plugin stage collects the Lua state's garbage between two handlers
# when it grew by more than a quarter since the last collection (issue
# #14, the builder's peak of memory): a handler's temporaries that lived
# long enough to be old in the generational collector are freed before
# the next handler makes its own, instead of at the next major
# collection, at twice the state's size. A plugin keeps 100 MB for the
# whole build, then two handlers each hold 40 MB while they run: the
# state's peak (LOA_TIMINGS' "at most") is the kept data and one
# handler's, not both handlers' together (180 MB before). The site is the
# one --no-cache gives, and the same with a cache. LOA_TIMINGS counts the
# collections: one after each handler that grew the state.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
write "$S/plugins/0-giu.lua" <<'LUA'
local kept = {}
loa.on("after_load", function()
  for i = 1, 100 do kept[i] = ("k"):rep(1000000 - 8) .. string.format("%08d", i) end
end)
LUA
for name in a-dau b-sau; do
	write "$S/plugins/$name.lua" <<'LUA'
loa.on("before_render", function()
  local keep = {}
  for i = 1, 40 do keep[i] = ("t"):rep(1000000 - 8) .. string.format("%08d", i) end
  assert(#keep == 40)
end)
LUA
done
commit "$S" "2023-03-07T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Thêm"
NOW=2023-05-20
mkdir -p "$TMP/full" "$TMP/a"
LOA_TIMINGS=1 "$LOA" build --repo "$S" --out "$TMP/full/public" --now "$NOW" --no-cache \
	> /dev/null 2> "$TMP/nc.log"
check "--no-cache: exit 0" [ $? -eq 0 ]
most=$(sed -n 's/.*lua-memory .*, \([0-9]*\) MB at most.*/\1/p' "$TMP/nc.log")
check "the state's peak is the kept 100 MB and one handler's 40, not both handlers' (${most:-?} MB)" \
	[ "${most:-999}" -lt 165 ]
check "and it did hold them (${most:-?} MB)" [ "${most:-0}" -ge 140 ]
# after the kept 100 MB (from 2), after each handler's 40 (a third more)
n=$(sed -n 's/.*lua-memory .*, \([0-9]*\) collections between handlers.*/\1/p' "$TMP/nc.log")
check "LOA_TIMINGS: a collection after each handler that grew the state (${n:-?})" [ "${n:-0}" -eq 3 ]
LOA_TIMINGS=1 "$LOA" build --repo "$S" --out "$TMP/a/public" --now "$NOW" > /dev/null 2> "$TMP/c.log"
check "cached: exit 0" [ $? -eq 0 ]
check "cached: the site of --no-cache" diff -r "$TMP/a/public" "$TMP/full/public"
finish
