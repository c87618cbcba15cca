# The shortcuts taken for speed keep their results exact: loa.pages finds
# its lists presorted newest first but sorts again when a plugin changed
# the dates; LOA_TIMINGS=1 reports the build's stages (bench/run.py reads
# them) and without it a quiet build prints nothing.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
for d in 01 02 03; do
	write "content/news/dong-thai/thu-tu-$d.md" <<MD
---
title: "Thứ tự $d"
date: 2023-04-$d
---
Bài $d.
MD
done
# the plugin turns the dates around: the oldest article becomes the newest
write plugins/thu-tu.lua <<'LUA'
loa.on("after_load", function()
  for _, p in ipairs(loa.pages{ kind = "news" }) do p.timestamp = -(p.timestamp or 0) end
end)
local function titles(list)
  local out = {}
  for _, p in ipairs(list) do
    if p.title:find("^Thứ tự") then out[#out + 1] = p.title end
  end
  return table.concat(out, ",")
end
loa.on("before_render", function()
  loa.add_file{ url = "/thu-tu.txt",
                content = titles(loa.pages{ kind = "news" }) .. "\n" ..
                          titles(loa.pages{ kind = "news", order = "asc" }) .. "\n" ..
                          titles(loa.pages{ school = "dong-thai" }) .. "\n" }
end)
LUA
commit "$R" "2023-04-05T08:00:00+07:00" "Trường" "x@example.vn" "thứ tự"

"$LOA" build --out public --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "build succeeds" [ "$st" -eq 0 ]
check "a quiet build prints nothing" [ ! -s "$TMP/err" ]
check "newest first after the dates changed" \
	[ "$(sed -n 1p public/thu-tu.txt)" = "Thứ tự 01,Thứ tự 02,Thứ tự 03" ]
check "oldest first after the dates changed" \
	[ "$(sed -n 2p public/thu-tu.txt)" = "Thứ tự 03,Thứ tự 02,Thứ tự 01" ]
check "a school's pages too" \
	[ "$(sed -n 3p public/thu-tu.txt)" = "Thứ tự 01,Thứ tự 02,Thứ tự 03" ]

# a full build (a new folder, no cache beside it): every stage runs
mkdir -p "$TMP/timed"
LOA_TIMINGS=1 "$LOA" build --out "$TMP/timed/public" --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "timed build succeeds" [ "$st" -eq 0 ]
for stage in history load lua-setup plugins render publish; do
	check "LOA_TIMINGS reports $stage" grep -q "^loa: timing: $stage  *[0-9][0-9]*\.[0-9]* s wall" "$TMP/err"
done
check "stages report CPU time" grep -q "^loa: timing: render .* s wall  *[0-9.]* s cpu$" "$TMP/err"
check "the history line counts the pages" grep -q "^loa: timing: history .*([0-9]* pages)$" "$TMP/err"
finish
