# Bad content: a clear error naming file:line, the rest of the site built,
# exit 1; plugin and theme errors publish nothing (exit 2) and the previous
# site stays whole; --strict turns any error into exit 2.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
"$LOA" build --out public --now 2023-06-01 --quiet
cp -R public "$TMP/before"

write content/news/dong-thai/hong.md <<'MD'
---
title: "Bài hỏng"
date: 2023-02-30
---
x
MD
write content/news/truong-la/bai.md <<'MD'
---
title: "Trường không tồn tại"
date: 2023-02-01
---
x
MD
write content/news/an-duong/trung-1.md <<'MD'
---
title: "Trùng"
slug: trung-url
date: 2023-02-01
---
x
MD
write content/news/an-duong/trung-2.md <<'MD'
---
title: "Trùng nữa"
slug: trung-url
date: 2023-02-02
---
x
MD
write content/news/an-duong/nhan-doi.md <<'MD'
---
title: a
title: b
date: 2023-02-01
---
MD
commit "$R" "2023-03-05T08:00:00+07:00" "Trường" "x@example.vn" "Lỗi"
"$LOA" build --out public --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "rejected pages exit 1" [ "$st" -eq 1 ]
check "impossible date named file:line" contains "$TMP/err" "content/news/dong-thai/hong.md:3"
check "unknown school named" grep -q "content/news/truong-la/bai.md:1.*truong-la" "$TMP/err"
check "duplicate URL names both files" grep -q "trung-1.md:.*trung-2.md" "$TMP/err"
check "duplicate key named at its line" grep -q "nhan-doi.md:3.*duplicate key" "$TMP/err"
check "neither duplicate wins" test ! -e public/tin-tuc/an-duong/trung-url/index.html
check "rest of the site still built" test -s public/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html

"$LOA" build --out public --now 2023-06-01 --quiet --strict 2> "$TMP/err"
check "--strict with errors exits 2" [ $? -eq 2 ]

# a broken plugin: nothing published, previous site whole
rm -rf public && cp -R "$TMP/before" public
mkdir -p plugins
write plugins/hong.lua <<'LUA'
local x = 1
error("plugin gặp lỗi")
LUA
commit "$R" "2023-03-06T08:00:00+07:00" "Trung tâm" "tt@example.vn" "plugin"
"$LOA" build --out public --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "plugin error exits 2" [ "$st" -eq 2 ]
check "plugin error names plugins/hong.lua:2" contains "$TMP/err" "plugins/hong.lua:2"
check "previous site stays whole after a plugin error" diff -r "$TMP/before" public
rm plugins/hong.lua

# a broken template
mkdir -p themes/default/layouts
write themes/default/layouts/news.html <<'HTML'
<p>
{% if page.title %}
{{ page.title }}
HTML
"$LOA" build --worktree --out public --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
check "template error exits 2" [ "$st" -eq 2 ]
check "template error names the template and line" grep -q "layouts/news.html:2" "$TMP/err"
check "previous site stays whole after a theme error" diff -r "$TMP/before" public
finish
