# Two limits a large site (the national one: hundreds of thousands of
# pages) must be able to raise in site.yaml, found by building 100,000
# pages: the number of files under content/ (100,000 by default: a
# hostile tree stops there, HOSTILE 8) and the Lua room of one render
# (half of limits.render_memory_mb, 256 MB by default; the outreach
# dashboard of 10,000 schools needs more).
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R" || exit 1
cp site.yaml "$TMP/site.yaml.base"

# build NAME: commits and builds; the status in $st, standard error in err
build() {
	commit "$R" "2023-03-08T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "$1"
	"$LOA" build --out "$TMP/$1" --now 2023-06-01 --lang en --quiet 2> "$TMP/err"
	st=$?
}

# ---- limits.max_files ----
nfiles=$(git ls-files content | wc -l)
printf 'limits:\n  max_files: 3\n' >> site.yaml
build files3
check "max_files below the site's files: an error that says how to raise it" \
	grep -q "error: more than 3 files; listing stopped (limits.max_files in site.yaml raises the limit)" "$TMP/err"
check "max_files below: exit 1, as at the default cap (t60)" [ "$st" -eq 1 ]
cp "$TMP/site.yaml.base" site.yaml
printf 'limits:\n  max_files: %d\n' "$nfiles" >> site.yaml
build files-exact
check "max_files equal to the site's files: exit 0" [ "$st" -eq 0 ]
check "max_files equal: every page built" \
	test -s "$TMP/files-exact/tin-tuc/an-duong/hoi-thao-chuyen-doi-so/index.html"
cp "$TMP/site.yaml.base" site.yaml
printf 'limits:\n  max_files: 0\n' >> site.yaml
build files0
check "max_files 0: an error at its line in site.yaml" \
	grep -q "^site.yaml:[0-9]*:[0-9]*: error: .*max_files" "$TMP/err"

# ---- the render's Lua room follows limits.render_memory_mb ----
cp "$TMP/site.yaml.base" site.yaml
write plugins/big.lua <<'LUA'
-- keeps 100 distinct strings of 1 MB while one page renders
loa.shortcode("lon", function()
  local keep = {}
  for i = 1, 100 do keep[i] = ("x"):rep(1000000 - 8) .. string.format("%08d", i) end
  return "chuoi-" .. #keep
end)
LUA
write content/news/dong-thai/lon.md <<'MD'
---
title: "Trang lớn"
date: 2023-03-09
---
Trang cần nhiều bộ nhớ:

{{< lon >}}
MD
# the counts, not the clock, must decide (a loaded machine is slow)
printf 'limits:\n  render_seconds: 120\n  render_memory_mb: 128\n' >> site.yaml
build room64
check "render_memory_mb 128: 64 MB of Lua room, the page fails: exit 1" [ "$st" -eq 1 ]
check "render_memory_mb 128: not enough memory at the shortcode's line" \
	grep -q "^content/news/dong-thai/lon.md:7:[0-9]*: error: shortcode 'lon' failed: .*not enough memory" "$TMP/err"
check "render_memory_mb 128: the rest is published" \
	test -s "$TMP/room64/tin-tuc/an-duong/hoi-thao-chuyen-doi-so/index.html"
cp "$TMP/site.yaml.base" site.yaml
printf 'limits:\n  render_seconds: 120\n' >> site.yaml
build room-default
check "the default (512 MB, 256 MB of Lua room): the page renders, exit 0" [ "$st" -eq 0 ]
check "the default: the shortcode's result is on the page" \
	grep -q "chuoi-100" "$TMP/room-default/tin-tuc/dong-thai/trang-lon/index.html"
finish
