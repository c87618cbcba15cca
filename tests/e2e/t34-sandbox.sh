# The plugin sandbox (SPEC: each hostile plugin is stopped and named, loa
# exits 2, nothing is written anywhere): os.execute, io, require, bytecode,
# endless loops, endless allocation, __gc; and determinism: pairs order and
# math.random give byte-identical output across builds.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
"$LOA" build --out public --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "clean build first" [ "$st" -eq 0 ]
cp -r public "$TMP/public-ok"

PWNED="/tmp/pwned-$$"
rm -f "$PWNED"

# hostile NAME LINE NEEDLE: writes plugins/x.lua from stdin, builds, and
# checks the error names plugins/x.lua:LINE (LINE "": any line, or none)
# with NEEDLE, exit 2, previous output untouched, no temporary folder left;
# removes the plugin after
hostile() {
	h_name=$1 h_line=$2 h_needle=$3
	write "$R/plugins/x.lua"
	commit "$R" "2023-03-08T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Plugin thử"
	"$LOA" build --out public --now 2023-06-01 2> "$TMP/err"
	st=$?
	cat "$TMP/err"
	check "$h_name: exit 2" [ "$st" -eq 2 ]
	if [ -n "$h_line" ]; then h_pos=":$h_line"; else h_pos="\(:[0-9]*\)\{0,1\}"; fi
	check "$h_name: error names plugins/x.lua${h_line:+:$h_line}" \
		grep -q "^plugins/x.lua$h_pos: error: .*$h_needle" "$TMP/err"
	check "$h_name: previous output untouched" diff -r "$TMP/public-ok" public
	check "$h_name: no temporary folder left" \
		[ -z "$(ls -A "$R" | grep -v -x -e .git -e .loa-cache -e public -e site.yaml -e content -e plugins)" ]
	check "$h_name: says nothing was published" grep -q "nothing published" "$TMP/err"
	"$LOA" build --out "$TMP/new-out" --now 2023-06-01 --quiet 2> /dev/null
	check "$h_name: a new output folder is not even created" [ ! -e "$TMP/new-out" ]
	check "$h_name: nothing beside the new output folder" [ -z "$(ls -A "$TMP" | grep -i loa)" ]
	git -C "$R" rm -q plugins/x.lua
	commit "$R" "2023-03-08T11:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Bỏ plugin thử"
}
differs() { ! cmp -s "$1" "$2"; }

hostile "os.execute" 2 "execute" <<LUA
-- tries to run a command
os.execute("touch $PWNED")
LUA
check "os.execute: the file was not created" test ! -e "$PWNED"

hostile "io.open" 2 "io" <<LUA
loa.on("before_render", function()
  local f = io.open("$PWNED", "w")
  f:write("x")
end)
LUA
check "io.open: the file was not created" test ! -e "$PWNED"

hostile "require" 1 "require" <<'LUA'
local os2 = require("os")
os2.execute("true")
LUA

hostile "string.dump" 2 "dump" <<'LUA'
local f = function() return 1 end
local g = load(string.dump(f))
LUA

hostile "bytecode" 1 "" <<'LUA'
assert(load("\27Lua\84\0", "x", "b"))
LUA

hostile "endless loop" 2 "instruction budget exceeded" <<'LUA'
loa.on("after_load", function()
  while true do end
end)
LUA

# once the budget is spent the hook fires at every instruction: pcall
# cannot swallow the error and loop on
hostile "endless loop in pcall" 2 "instruction budget exceeded" <<'LUA'
loa.on("before_render", function()
  for _ = 1, 1e9 do
    pcall(function() while true do end end)
  end
end)
LUA

# Lua runs no message handler for memory errors: the plugin is named, the
# line is not
hostile "endless allocation" "" "not enough memory" <<'LUA'
local t = {}
while true do t[#t + 1] = ("x"):rep(1e6) end
LUA

hostile "__gc" 1 "__gc" <<'LUA'
setmetatable({}, { __gc = function() while true do end end })
LUA

hostile "os.getenv" 1 "getenv" <<'LUA'
local home = os.getenv("HOME")
LUA

# ---- a shortcode that runs away while a page renders (in a worker): that
# page is rejected, named, the rest of the site is published (exit 1) ----
# The instruction and memory budgets are counts, the page's time budget is
# wall-clock: on a slow or loaded machine the 5 s default could fire first
# and hide them, so it is raised far above any machine's speed here.
cp "$R/site.yaml" "$TMP/site.yaml.before"
printf 'limits:\n  render_seconds: 120\n' >> "$R/site.yaml"
write "$R/plugins/x.lua" <<'LUA'
loa.shortcode("vong-lap", function() while true do end end)
loa.shortcode("an-bo-nho", function()
  local t = {}
  while true do t[#t + 1] = ("x"):rep(1e6) end
end)
LUA
write "$R/content/news/dong-thai/vong-lap.md" <<'MD'
---
title: "Vòng lặp"
date: 2023-03-10
---
{{< vong-lap >}}

{{< an-bo-nho >}}
MD
commit "$R" "2023-03-10T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Mã ngắn hỏng"
"$LOA" build --out public --now 2023-06-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "runaway shortcode: exit 1, the site published" [ "$st" -eq 1 ]
check "runaway shortcode: budget error naming the article's line" \
	grep -q "^content/news/dong-thai/vong-lap.md:5:1: error: shortcode 'vong-lap' failed: plugins/x.lua:1: instruction budget exceeded" "$TMP/err"
check "runaway shortcode: memory error naming the article's line" \
	grep -q "^content/news/dong-thai/vong-lap.md:7:1: error: shortcode 'an-bo-nho' failed: .*not enough memory" "$TMP/err"
check "runaway shortcode: other pages published" test -s public/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html
cp "$TMP/site.yaml.before" "$R/site.yaml"
git -C "$R" rm -q plugins/x.lua content/news/dong-thai/vong-lap.md
commit "$R" "2023-03-10T11:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Bỏ bài"

# ---- determinism: pairs order and math.random ----
write "$R/plugins/det.lua" <<'LUA'
loa.on("before_render", function()
  local t = {}
  for i = 1, 500 do t["khoa-" .. (i * 7919 % 1000)] = i end
  for i = 1, 50 do t[i * 3] = i end
  local out = {}
  for k, v in pairs(t) do out[#out + 1] = tostring(k) .. "=" .. tostring(v) end
  for _ = 1, 20 do out[#out + 1] = tostring(math.random(1, 1000000)) end
  out[#out + 1] = tostring(math.random())
  loa.add_file{ url = "/det.txt", content = table.concat(out, "\n") .. "\n" }
end)
LUA
commit "$R" "2023-03-08T12:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Plugin det"
"$LOA" build --out public --now 2023-06-01 --quiet 2> "$TMP/err"
st1=$?
cp public/det.txt "$TMP/det1"
"$LOA" build --out "$TMP/public2" --now 2023-06-01 --quiet 2>> "$TMP/err"
st2=$?
cat "$TMP/err"
check "determinism builds succeed" [ "$st1" -eq 0 -a "$st2" -eq 0 ]
check "pairs and math.random: two builds byte-identical" cmp "$TMP/det1" "$TMP/public2/det.txt"
check "whole site byte-identical" diff -r public "$TMP/public2"
# pairs: numbers in order, then strings in byte order
check "pairs: numeric keys first, ascending" [ "$(head -n 3 "$TMP/det1" | tr '\n' ' ')" = "3=1 6=2 9=3 " ]
sed -n '51,550p' "$TMP/det1" | cut -d= -f1 > "$TMP/keys"
LC_ALL=C sort "$TMP/keys" > "$TMP/keys-sorted"
check "pairs: 500 string keys" [ "$(grep -c '^khoa-' "$TMP/keys")" -eq 500 ]
check "pairs: string keys in byte order" cmp "$TMP/keys" "$TMP/keys-sorted"
check "math.random is not constant" [ "$(sed -n '551,570p' "$TMP/det1" | sort -u | wc -l)" -gt 15 ]
# another commit gives another seed: math.random follows the commit, not the clock
printf -- '---\ntitle: "Giới thiệu"\n---\nTrang.\n' > "$R/content/gioi-thieu.md"
commit "$R" "2023-03-09T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Commit khác"
"$LOA" build --out public --now 2023-06-01 --quiet 2> "$TMP/err"
check "another commit seeds another sequence" differs "$TMP/det1" public/det.txt
sed -n '51,550p' public/det.txt | cut -d= -f1 > "$TMP/keys3"
check "the pairs order does not change with the seed" cmp "$TMP/keys" "$TMP/keys3"
finish
