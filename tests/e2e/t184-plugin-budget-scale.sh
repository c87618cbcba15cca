#!/bin/sh
# A call into plugin code gets an instruction budget that grows with the
# site: 200 million, plus 4,000 a page (generator/pipeline/build.c). A
# handler that looks at every page needs instructions in proportion to
# them (related.lua about 1,500 a page), and with a fixed budget a site of
# 500,000 pages stopped with "instruction budget exceeded". Here a handler
# spends 200 million plus 2,000 a page and passes; one that spends 6,000 a
# page more stops, naming the plugin, and nothing is published.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
mkdir -p plugins
# the loop's own instructions: one FORLOOP an iteration
budget_plugin() { # INSTRUCTIONS_A_PAGE
	write plugins/dem.lua <<LUA
loa.on("after_load", function()
  local n = 200000000 + $1 * #loa.pages{}
  for i = 1, n do end
  loa.global("dem_xong", n)
end)
LUA
}
budget_plugin 2000
commit "$R" "2023-03-10T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Đếm"
pages=$(git ls-files content | grep -c '\.md$')
"$LOA" build --out public --now 2023-06-01 2> "$TMP/err"
st=$?
check "200 million and 2,000 instructions a page ($pages files): exit 0" [ "$st" -eq 0 ]
check "200 million and 2,000 instructions a page: no budget error" lacks "$TMP/err" "instruction budget"
check "200 million and 2,000 instructions a page: published" test -s public/index.html

budget_plugin 6000
commit "$R" "2023-03-11T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Đếm nhiều hơn"
rm -rf public
"$LOA" build --out public --now 2023-06-01 2> "$TMP/err"
st=$?
check "6,000 instructions a page more: exit 2, nothing published" [ "$st" -eq 2 ]
check "6,000 instructions a page more: the budget names the plugin" \
	grep -q "plugins/dem.lua:[0-9]*: .*instruction budget exceeded" "$TMP/err"
check "6,000 instructions a page more: no site" [ ! -e public/index.html ]
finish
