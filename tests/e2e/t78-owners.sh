# Every output file has one owner (issue #11, "Every file has one owner"):
# before anything renders, every output path is claimed once; a plugin that
# adds a file someone else writes — the sitemap, robots.txt, the theme's
# stylesheet, the home page, a content page, a bundle file, a resized copy
# of a bundle image, another plugin's file — stops the build with exit 2
# and one error naming both owners (plugins/NAME.lua:LINE), and the
# previous site stays as it was; two URLs of one file (/ and /index.html)
# are one claim; a content page that takes a theme file's path is the one
# rejected; a theme file where the build writes its own is a theme error;
# and none of it depends on the order in which workers finish.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
# a bundle with a PDF and a (1×1) image: its files and the names of the
# image's resized copies are the content's
B=content/news/dong-thai/trung-thu
write "$B/index.md" <<'MD'
---
title: "Vui Tết Trung thu"
date: 2023-02-28
---
![Các bé rước đèn](den.png) và [kế hoạch](ke-hoach.pdf).
MD
echo 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==' |
	base64 -d > "$B/den.png"
printf '%%PDF-1.4' > "$B/ke-hoach.pdf"
commit "$R" "2023-03-03T08:00:00+07:00" "Trường" "x@example.vn" "bundle"

"$LOA" build --out public --now 2023-06-01 --no-cache 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "the site builds" [ "$st" -eq 0 ]
BP=tin-tuc/dong-thai/vui-tet-trung-thu
check "the bundle is published" test -s "public/$BP/ke-hoach.pdf"
CSS=$(cd "$ROOT/themes/default/static" && ls css/*.css | head -n 1)
check "the default theme has a stylesheet ($CSS)" test -s "public/$CSS"
cp -a public "$TMP/public-1"
# plugins come from the commit: each case commits its plugin, then removes it
save() { commit "$R" "2023-03-05T08:00:00+07:00" "Trường" "x@example.vn" "$1"; }

# owned WHAT LUA_CALL EXPECTED_MESSAGE (check sets $name: other names here): a plugin adding URL fails the build
# with exit 2, names itself at the line of its call and the owner, and
# publishes nothing
owned() {
	o_name=$1 o_call=$2 o_msg=$3
	write plugins/zz-own.lua <<LUA
-- adds $o_name
loa.on("before_render", function()
  $o_call
end)
LUA
	save "plugin $o_name"
	"$LOA" build --out public --now 2023-06-01 --jobs 2 2> "$TMP/err"
	st=$?
	cat "$TMP/err"
	check "$o_name: exit 2" [ "$st" -eq 2 ]
	check "$o_name: names the plugin's line and the owner" grep -qF -- "plugins/zz-own.lua:3: error: $o_msg" "$TMP/err"
	check "$o_name: one error" [ "$(grep -c ': error: ' "$TMP/err")" -eq 1 ]
	check "$o_name: previous site kept" diff -r "$TMP/public-1" public
	check "$o_name: no temporary folder left" [ -z "$(ls -A "$R" | grep -v -x -e .git -e .loa-cache -e public -e site.yaml -e content -e plugins)" ]
	git rm -q plugins/zz-own.lua
	save "bỏ plugin"
}

owned /sitemap.xml 'loa.add_file{ url = "/sitemap.xml", content = "<urlset/>" }' \
	"/sitemap.xml: output file sitemap.xml is already claimed by loa (/sitemap.xml)"
owned /robots.txt 'loa.add_file{ url = "/robots.txt", content = "User-agent: *\nDisallow: /\n" }' \
	"/robots.txt: output file robots.txt is already claimed by loa (/robots.txt)"
owned "/$CSS" "loa.add_file{ url = \"/$CSS\", content = \"body{}\" }" \
	"/$CSS: output file $CSS is already claimed by $ROOT/themes/default/static/$CSS (/$CSS)"
owned /index.html 'loa.add_page{ url = "/index.html", layout = "page.html", page = { title = "x" } }' \
	"/index.html: output file index.html is already claimed by plugins/lists.lua:127 (/)"
owned "a content page's file" 'loa.add_file{ url = "/truong/dong-thai/index.html", content = "x" }' \
	"/truong/dong-thai/index.html: output file truong/dong-thai/index.html is already claimed by content/schools/dong-thai.md:2 (/truong/dong-thai/)"
owned "a content page's URL" 'loa.add_page{ url = "/truong/an-duong/", layout = "page.html", page = { title = "x" } }' \
	"/truong/an-duong/: output file truong/an-duong/index.html is already claimed by content/schools/an-duong.md:2 (/truong/an-duong/)"
owned "a bundle file" "loa.add_file{ url = \"/$BP/ke-hoach.pdf\", content = \"x\" }" \
	"/$BP/ke-hoach.pdf: output file $BP/ke-hoach.pdf is already claimed by $B/ke-hoach.pdf (/$BP/ke-hoach.pdf)"
owned "a resized copy's name" "loa.add_file{ url = \"/$BP/den-480w.png\", content = \"x\" }" \
	"/$BP/den-480w.png: output file $BP/den-480w.png is already claimed by $B/den.png (/$BP/den-480w.png)"
owned "a file where the build needs a folder" 'loa.add_file{ url = "/tin-tuc", content = "x" }' \
	"/tin-tuc: output file tin-tuc is a folder where "
owned "a folder where the build writes a file" 'loa.add_file{ url = "/robots.txt/x", content = "x" }' \
	"/robots.txt/x: output file robots.txt/x needs a folder where loa (/robots.txt) writes the file robots.txt"
owned "a call through pcall" 'local ok = pcall(loa.add_file, { url = "/sitemap.xml", content = "x" })' \
	"/sitemap.xml: output file sitemap.xml is already claimed by loa (/sitemap.xml)"

# ---- two plugins: the first in load order keeps the file ----
write plugins/zz-a.lua <<'LUA'
loa.on("before_render", function()
  loa.add_file{ url = "/chung.txt", content = "a" }
  loa.add_page{ url = "/lich/", layout = "page.html", page = { title = "a" } }
end)
LUA
write plugins/zz-b.lua <<'LUA'
local function publish(url)
  loa.add_file{ url = url, content = "b" }
end
loa.on("before_render", function()
  publish("/chung.txt")
  publish("/lich/index.html")
end)
LUA
save "hai plugin"
"$LOA" build --out public --now 2023-06-01 --jobs 2 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "two plugins, one file: exit 2" [ "$st" -eq 2 ]
check "two plugins, one file: both named" grep -qF \
	"plugins/zz-b.lua:2: error: /chung.txt: output file chung.txt is already claimed by plugins/zz-a.lua:2 (/chung.txt)" "$TMP/err"
check "/lich/ and /lich/index.html are one file" grep -qF \
	"plugins/zz-b.lua:2: error: /lich/index.html: output file lich/index.html is already claimed by plugins/zz-a.lua:3 (/lich/)" "$TMP/err"
check "two plugins: previous site kept" diff -r "$TMP/public-1" public
git rm -q plugins/zz-a.lua plugins/zz-b.lua
save "bỏ hai plugin"

# ---- the same collision, again and again: the same answer every time ----
write plugins/zz-own.lua <<'LUA'
loa.on("before_render", function()
  loa.add_page{ url = "/index.html", layout = "page.html", page = { title = "plugin" } }
end)
LUA
save "plugin index"
"$LOA" build --out public --now 2023-06-01 --jobs 2 --no-cache 2> "$TMP/err-first"
grep -v '^loa: ' "$TMP/err-first" > "$TMP/err-first.d"
check "/index.html: the error is there" grep -q "error: /index.html: output file index.html is already claimed by plugins/lists.lua:127" "$TMP/err-first.d"
same=yes
for i in 1 2 3 4 5 6 7 8; do
	"$LOA" build --out public --now 2023-06-01 --jobs 2 --no-cache 2> "$TMP/err-$i"
	st=$?
	[ "$st" -eq 2 ] || same="no (exit $st in run $i)"
	# the last line gives the time taken: compare the diagnostics
	grep -v '^loa: ' "$TMP/err-$i" | cmp -s "$TMP/err-first.d" - || same="no (messages differ in run $i)"
	diff -r -q "$TMP/public-1" public > /dev/null || same="no (output changed in run $i)"
done
check "/index.html 8 times with --jobs 2: exit 2, same message, site kept: $same" [ "$same" = yes ]
git rm -q plugins/zz-own.lua
save "bỏ plugin index"

# ---- a contributor's page on a theme file's path: the page is rejected ----
write themes/default/static/gioi-thieu/index.html <<'HTML'
<!doctype html><title>Giới thiệu (giao diện)</title>
HTML
write content/gioi-thieu.md <<'MD'
---
title: "Giới thiệu"
---
Trang của người đóng góp.
MD
commit "$R" "2023-03-04T08:00:00+07:00" "Trường" "x@example.vn" "trang trùng"
"$LOA" build --out "$TMP/o-first" --now 2023-06-01 --jobs 2 --no-cache 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "page on a theme file: exit 1 (published, page rejected)" [ "$st" -eq 1 ]
check "page on a theme file: the page is named with the theme file" grep -qF \
	"content/gioi-thieu.md:2: error: /gioi-thieu/: output file gioi-thieu/index.html is already claimed by themes/default/static/gioi-thieu/index.html (/gioi-thieu/index.html)" "$TMP/err"
check "page on a theme file: the theme's file is published" grep -q "giao diện" "$TMP/o-first/gioi-thieu/index.html"
same=yes
for i in 1 2 3 4 5 6 7 8; do
	rm -rf "$TMP/o"
	"$LOA" build --out "$TMP/o" --now 2023-06-01 --jobs 2 --no-cache 2> /dev/null
	st=$?
	[ "$st" -eq 1 ] || same="no (exit $st in run $i)"
	diff -r -q "$TMP/o-first" "$TMP/o" > /dev/null || same="no (output differs in run $i)"
done
check "page on a theme file, 8 times with --jobs 2: the same output: $same" [ "$same" = yes ]

# ---- a theme's static file where the build writes its own: a theme error ----
printf 'User-agent: *\nDisallow: /\n' | write themes/default/static/robots.txt
save "robots của giao diện"
"$LOA" build --out "$TMP/o" --now 2023-06-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "theme robots.txt: exit 2" [ "$st" -eq 2 ]
check "theme robots.txt: names the theme file and the build" grep -qF \
	"themes/default/static/robots.txt:1: error: /robots.txt: output file robots.txt is already claimed by loa (/robots.txt)" "$TMP/err"
check "theme robots.txt: previous site kept" diff -r "$TMP/o-first" "$TMP/o"
finish
