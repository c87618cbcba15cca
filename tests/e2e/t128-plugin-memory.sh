# The plugin stage's Lua cap (issue 14 point 3): by default it grows with
# the site (256 MB + 32 KB a page, at most half the machine's memory), so a
# small site's plugins get about 256 MB and a runaway past it is stopped
# and named; limits.plugin_memory_mb sets the cap outright, lower or higher.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"

# plugin MB: plugins/big.lua keeps MB distinct strings of 1 MB while it loads
plugin() {
	write "$R/plugins/big.lua" <<LUA
local keep = {}
for i = 1, $1 do keep[i] = ("x"):rep(1000000 - 8) .. string.format("%08d", i) end
loa.on("after_load", function() assert(#keep == $1) end)
LUA
}

# build NAME: commits and builds; the status in $st, standard error in err
build() {
	commit "$R" "2023-03-08T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "$1"
	"$LOA" build --out public --now 2023-06-01 --quiet 2> "$TMP/err"
	st=$?
	cat "$TMP/err"
}

plugin 120
build "120 MB"
check "120 MB of plugin data fits the default cap: exit 0" [ "$st" -eq 0 ]
check "120 MB: the site is published" [ -f public/index.html ]

plugin 300
build "300 MB"
check "300 MB passes the default cap of a small site: exit 2" [ "$st" -eq 2 ]
check "300 MB: not enough memory, the plugin named" \
	grep -q "^plugins/big.lua.*: error: .*not enough memory" "$TMP/err"

printf 'limits:\n  plugin_memory_mb: 400\n' >> site.yaml
build "cap 400 MB"
check "limits.plugin_memory_mb: 400 lets 300 MB through: exit 0" [ "$st" -eq 0 ]

plugin 120
sed -i 's/plugin_memory_mb: 400/plugin_memory_mb: 64/' site.yaml
build "cap 64 MB"
check "limits.plugin_memory_mb: 64 stops 120 MB: exit 2" [ "$st" -eq 2 ]
check "cap 64 MB: not enough memory, the plugin named" \
	grep -q "^plugins/big.lua.*: error: .*not enough memory" "$TMP/err"

sed -i 's/plugin_memory_mb: 64/plugin_memory_mb: 10/' site.yaml
build "cap 10 MB"
check "limits.plugin_memory_mb below 64: exit 2" [ "$st" -eq 2 ]
check "limits.plugin_memory_mb below 64: named in site.yaml" \
	grep -q "^site.yaml:.*plugin_memory_mb.*from 64" "$TMP/err"

sed -i 's/plugin_memory_mb: 10/plugin_memory_mb: 200/' site.yaml
plugin 1
build "cap 200 MB"
LOA_TIMINGS=1 "$LOA" build --out "$TMP/t" --now 2023-06-01 --quiet 2> "$TMP/err"
check "LOA_TIMINGS prints the cap" grep -q "lua-memory .*(cap 200 MB)" "$TMP/err"
finish
