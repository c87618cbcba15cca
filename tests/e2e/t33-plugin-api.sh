# The plugin API as docs/plugins.md describes it: a site's own plugin adds a
# page with the site's own layout, a filter that layout uses, and a file;
# loa.read reads the repository at the built ref and refuses to leave it;
# shortcodes render in articles (unknown ones warn, failing ones are errors
# naming the article's line); stages run in order; a plugin that claims a
# content page's URL stops the build.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"

# ---- the worked example of docs/plugins.md, as written there ----
# extract the fenced block that follows a line mentioning FILE
doc_block() {
	awk -v f="$1" '
		index($0, f) && !got { armed = 1 }
		armed && /^```/ { if (inside) { exit } inside = 1; next }
		inside { print }
	' "$ROOT/docs/plugins.md"
}
doc_block '`data/lich.txt`:' | write "$R/data/lich.txt"
doc_block '`plugins/lich.lua`:' | write "$R/plugins/lich.lua"
doc_block '`themes/default/layouts/lich.html` (in the site folder' | write "$R/themes/default/layouts/lich.html"
check "docs example extracted" grep -q 'loa.filter("thu"' "$R/plugins/lich.lua"
check "docs layout extracted" grep -q 'e.date | thu' "$R/themes/default/layouts/lich.html"

# ---- another plugin: loa.read, stages, a shortcode of its own ----
write "$R/data/x.txt" <<'TXT'
dữ liệu đã commit
TXT
write "$R/plugins/probe.lua" <<'LUA'
local seen = {}
seen[#seen + 1] = "load"
loa.on("after_load", function() seen[#seen + 1] = "after_load" end)
loa.on("before_render", function()
  seen[#seen + 1] = "before_render"
  local ok_text = loa.read("data/x.txt")
  local missing, missing_err = loa.read("data/khong-co.txt")
  local ok1, up = pcall(loa.read, "../x")
  local ok2, abs = pcall(loa.read, "/etc/passwd")
  local git, git_err = loa.read(".git/config")
  local out = {
    "stages=" .. table.concat(seen, ","),
    "read=" .. tostring(ok_text),
    "missing=" .. tostring(missing) .. " " .. tostring(missing_err),
    "up=" .. tostring(ok1) .. " " .. tostring(up),
    "abs=" .. tostring(ok2) .. " " .. tostring(abs),
    "git=" .. tostring(git) .. " " .. tostring(git_err),
    "xml=" .. loa.xml_text("a<b>&\"c\" 'd'\1\8\11\31\tx\r\127é"),
  }
  loa.add_file{ url = "/probe.txt", content = table.concat(out, "\n") .. "\n" }
end)
loa.shortcode("hop", function(args, page)
  if args[1] == "loi" then error("hỏng rồi") end
  return '<div class="hop" data-title="' .. page.title:gsub('"', "&quot;") .. '">' ..
         (args.n or "?"):gsub("[<>&]", "") .. "</div>"
end)
LUA
write "$R/content/news/dong-thai/the.md" <<'MD'
---
title: "Thẻ trường"
date: 2023-03-05
---
Giới thiệu trường bạn.

{{< truong dong-thai >}}

{{< hop n="2" >}}

Dùng `{{< truong dong-thai >}}` trong bài.

{{< khong-co-ma-nay >}}
MD
commit "$R" "2023-03-06T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Plugin của trang"
# an uncommitted edit: loa.read reads the commit, not the disk
echo "sửa chưa commit" > "$R/data/x.txt"

cd "$R"
"$LOA" build --out public --now 2026-11-23 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "build with a warning only exits 0" [ "$st" -eq 0 ]

# the site's own plugin, layout and filter
L=public/lich/index.html
check "plugin page written" test -s "$L"
check "plugin page uses the site's own layout" contains "$L" '<ul class="events">'
check "plugin page extends the theme's base" contains "$L" 'name="viewport"'
check "site filter used in the template (Monday)" contains "$L" 'Thứ Hai, 23/11/2026</time> — Hội giảng cấp trường'
check "site filter used in the template (Friday)" contains "$L" 'Thứ Sáu, 27/11/2026</time> — Ngày hội đọc sách'
check "plugin file written (add_file)" contains public/lich.txt '2026-11-23 Hội giảng cấp trường'
check "plugin page in the sitemap" contains public/sitemap.xml 'https://example.vn/lich/'

# loa.read
P=public/probe.txt
cat "$P"
check "loa.read reads data/x.txt at the built commit" grep -qx 'read=dữ liệu đã commit' "$P"
check "loa.read: absent file gives nil and a message" grep -qx "missing=nil loa.read: 'data/khong-co.txt' not found" "$P"
check "loa.read refuses ../x" grep -q "^up=false loa.read: invalid path '../x'" "$P"
check "loa.read refuses an absolute path" grep -q "^abs=false .*invalid path '/etc/passwd' (absolute" "$P"
check "loa.read refuses .git" grep -q "^git=nil loa.read: '.git/config': invalid" "$P"
check "stages in order: load, after_load, before_render" grep -qx 'stages=load,after_load,before_render' "$P"
# tab and CR kept, the other C0 controls dropped, DEL kept (XML 1.0 allows it)
check "loa.xml_text escapes and drops what XML forbids" \
	test "$(grep '^xml=' "$P" | od -An -c | tr -s ' \n' ' ')" = \
	"$(printf "xml=a&lt;b&gt;&amp;&quot;c&quot; &#39;d&#39;\tx\r\177é\n" | od -An -c | tr -s ' \n' ' ')"

# shortcodes
A=public/tin-tuc/dong-thai/the-truong/index.html
check "shortcode renders the school card" contains "$A" '<aside class="card school-card" aria-label="Trường Mầm non Đồng Thái">'
check "card links the school" contains "$A" '<a href="/truong/dong-thai/">Trường Mầm non Đồng Thái</a>'
check "card shows district and province" contains "$A" 'Huyện An Dương, Hải Phòng'
check "card lists the model practices" contains "$A" 'Bữa ăn hợp lý'
check "site shortcode gets args and the page" contains "$A" '<div class="hop" data-title="Thẻ trường">2</div>'
check "shortcode in a code span left as text" contains "$A" '<code>{{&lt; truong dong-thai &gt;}}</code>'
check "unknown shortcode left as text" contains "$A" '<p>{{&lt; khong-co-ma-nay &gt;}}</p>'
check "unknown shortcode warns with file:line" \
	grep -q "^content/news/dong-thai/the.md:13:1: warning: unknown shortcode 'khong-co-ma-nay'" "$TMP/err"
check "summary is not the shortcode" lacks public/tin-tuc/index.html '{{&lt;'

# ke-hoach shortcode, and a failing one: error naming the article's line, exit 1
cp -r public "$TMP/public-1"
write "$R/content/news/dong-thai/ke-hoach.md" <<'MD'
---
title: "Tiến độ kế hoạch"
date: 2023-03-07
---
{{< ke-hoach ke-hoach-tap-huan-cot-can >}}

{{< truong khong-ton-tai >}}

{{< hop loi >}}
MD
commit "$R" "2023-03-07T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Kế hoạch"
"$LOA" build --out public --now 2023-06-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "failing shortcodes: exit 1, the rest published" [ "$st" -eq 1 ]
K=public/tin-tuc/dong-thai/tien-do-ke-hoach/index.html
check "ke-hoach renders the activity table" contains "$K" '<th scope="row">Tập huấn</th>'
check "ke-hoach shows the status" contains "$K" '<span class="status status-overdue">Quá hạn</span>'
check "ke-hoach links the plan" contains "$K" '<a href="/ke-hoach/ke-hoach-tap-huan-cot-can/">Kế hoạch tập huấn cốt cán</a>'
check "bad slug: error naming the article's line" \
	grep -q "^content/news/dong-thai/ke-hoach.md:7:1: error: shortcode 'truong' failed: no school has the slug 'khong-ton-tai'" "$TMP/err"
check "bad slug: text left" contains "$K" '<p>{{&lt; truong khong-ton-tai &gt;}}</p>'
check "Lua error in a shortcode: article line and plugin line" \
	grep -q "^content/news/dong-thai/ke-hoach.md:9:1: error: shortcode 'hop' failed: plugins/probe.lua:[0-9]*: hỏng rồi" "$TMP/err"
check "Lua error in a shortcode: the plugin's error with a traceback" \
	grep -q "^plugins/probe.lua:[0-9]*: error: hỏng rồi" "$TMP/err"

# ---- stages: after_build runs last, and its error stops publishing ----
rm -rf public && cp -r "$TMP/public-1" public
write "$R/plugins/zz-late.lua" <<'LUA'
local seen = {}
loa.on("after_build", function() seen[#seen + 1] = "after_build" end)
loa.on("after_load", function() seen[#seen + 1] = "after_load" end)
loa.on("before_render", function() seen[#seen + 1] = "before_render" end)
loa.on("after_build", function()
  local ok, err = pcall(loa.add_file, { url = "/late.txt", content = "x" })
  error("stages=" .. table.concat(seen, ",") .. " late=" .. tostring(ok) .. " " .. tostring(err))
end)
LUA
commit "$R" "2023-03-07T11:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Plugin thử"
"$LOA" build --out public --now 2023-06-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "after_build error: exit 2" [ "$st" -eq 2 ]
check "after_build runs after the other stages" grep -q "^plugins/zz-late.lua:7: error: stages=after_load,before_render,after_build late=false" "$TMP/err"
check "add_file in after_build is too late" grep -q "late=false .*too late" "$TMP/err"
check "after_build error: previous output untouched" diff -r "$TMP/public-1" public
check "after_build error: no temporary folder left" [ -z "$(ls -A "$R" | grep -v -x -e .git -e .loa-cache -e public -e site.yaml -e content -e data -e plugins -e themes)" ]
rm "$R/plugins/zz-late.lua"
commit "$R" "2023-03-07T12:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Bỏ plugin thử"

# ---- a plugin claiming a content page's URL: error naming it, exit 2 ----
write "$R/plugins/zz-claim.lua" <<'LUA'
loa.on("before_render", function()
  loa.add_page{ url = "/truong/dong-thai/", layout = "page.html", page = { title = "x" } }
end)
LUA
commit "$R" "2023-03-07T11:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Plugin thử"
"$LOA" build --out public --now 2023-06-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "URL collision with content: exit 2" [ "$st" -eq 2 ]
check "URL collision names the plugin and the page" \
	grep -q "^plugins/zz-claim.lua:2: error: /truong/dong-thai/: output file truong/dong-thai/index.html is already claimed by content/schools/dong-thai.md:2" "$TMP/err"
check "URL collision: nothing published" diff -r "$TMP/public-1" public
rm "$R/plugins/zz-claim.lua"
commit "$R" "2023-03-07T12:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Bỏ plugin thử"

# ---- site.yaml plugins: only the listed ones, in that order ----
printf 'plugins: [lich, lists]\n' >> "$R/site.yaml"
commit "$R" "2023-03-08T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Danh sách plugin"
"$LOA" build --out public --now 2026-11-23 --allow-removal 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "listed plugins build" [ "$st" -le 1 ]
check "listed plugin runs" test -s public/lich/index.html
check "unlisted plugin does not run" test ! -e public/probe.txt
check "unlisted shortcodes are unknown" grep -q "warning: unknown shortcode 'truong'" "$TMP/err"
finish
