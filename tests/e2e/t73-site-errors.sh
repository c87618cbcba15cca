# Site-wide errors are site errors (issue #11, item 3): a permalink typo, an
# unknown filter or function in a layout, and a layout or plugin filter
# that fails on every page each stop the build with one error naming its
# source (exit 2), and the previous site stays byte-identical.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
P="$TMP/public" # outside the repository: commits must not take it in
# enough news for "every page of a kind" to mean something
for i in 1 2 3 4 5 6; do
	write content/news/an-duong/tin-$i.md <<MD
---
title: "Tin số $i"
date: 2023-01-0$i
---
Nội dung $i.
MD
done
commit "$R" "2023-03-03T08:00:00+07:00" "Trường" "x@example.vn" "Tin"
"$LOA" build --out "$P" --now 2023-06-01 --quiet
check "the good site is published" test -s "$P"/index.html
cp -R "$P" "$TMP/before"
good=$(git rev-parse HEAD)

# (a) a permalink typo: site.yaml:LINE, exit 2, nothing published
cat >> site.yaml <<'YAML'
permalinks:
  news: "/tin-tuc/:shool/:slug/"
YAML
line=$(grep -n 'news: "/tin-tuc/:shool' site.yaml | cut -d: -f1)
commit "$R" "2023-03-04T08:00:00+07:00" "Trung tâm" "tt@example.vn" "permalink typo"
"$LOA" build --out "$P" --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "permalink typo exits 2" [ "$st" -eq 2 ]
check "permalink typo names site.yaml:$line" grep -q "^site.yaml:$line:.*:shool" "$TMP/err"
check "permalink typo is one error" [ "$(grep -c 'error' "$TMP/err")" -eq 1 ]
check "previous site byte-identical after a permalink typo" diff -rq "$TMP/before" "$P"
git checkout -q "$good" -- site.yaml

# (b) an unknown filter in the site's own copy of base.html
mkdir -p themes/default/layouts
cp "$ROOT/themes/default/layouts/base.html" themes/default/layouts/base.html
sed -i '20s/{{ page.title | default(site.title) }}/{{ page.date | nofilter }}/' themes/default/layouts/base.html
check "the test edits line 20 of base.html" grep -q "nofilter" themes/default/layouts/base.html
commit "$R" "2023-03-05T08:00:00+07:00" "Trung tâm" "tt@example.vn" "unknown filter"
"$LOA" build --out "$P" --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "unknown filter exits 2" [ "$st" -eq 2 ]
check "unknown filter names the layout file:line" \
	grep -q "^themes/default/layouts/base.html:20:.*unknown filter 'nofilter'" "$TMP/err"
check "unknown filter is one error" [ "$(grep -c 'error' "$TMP/err")" -eq 1 ]
check "previous site byte-identical after an unknown filter" diff -rq "$TMP/before" "$P"

# an unknown function too
cp "$ROOT/themes/default/layouts/base.html" themes/default/layouts/base.html
sed -i '20s/{{ page.title | default(site.title) }}/{{ nofunc(page.date) }}/' themes/default/layouts/base.html
commit "$R" "2023-03-05T09:00:00+07:00" "Trung tâm" "tt@example.vn" "unknown function"
"$LOA" build --out "$P" --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "unknown function exits 2" [ "$st" -eq 2 ]
check "unknown function names the layout file:line" \
	grep -q "^themes/default/layouts/base.html:20:.*unknown function 'nofunc'" "$TMP/err"
check "previous site byte-identical after an unknown function" diff -rq "$TMP/before" "$P"

# a filter a plugin defines is known: the site builds
mkdir -p plugins
write plugins/ngay.lua <<'LUA'
loa.filter("ngay", function(v) return "ngày " .. tostring(v) end)
LUA
cp "$ROOT/themes/default/layouts/base.html" themes/default/layouts/base.html
sed -i '20s/{{ page.title | default(site.title) }}/{{ page.title | ngay }}/' themes/default/layouts/base.html
commit "$R" "2023-03-05T10:00:00+07:00" "Trung tâm" "tt@example.vn" "plugin filter"
"$LOA" build --out "$TMP/other" --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "a plugin's filter is known" [ "$st" -eq 0 ]
check "a plugin's filter runs" grep -q 'content="ngày Tin số 1"' "$TMP/other/tin-tuc/an-duong/tin-so-1/index.html"

# (c) a plugin filter that fails on every page: one site error, exit 2
write plugins/ngay.lua <<'LUA'
loa.filter("ngay", function(v) error("bộ lọc hỏng") end)
LUA
commit "$R" "2023-03-06T08:00:00+07:00" "Trung tâm" "tt@example.vn" "broken filter"
"$LOA" build --out "$P" --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "a filter failing on every page exits 2" [ "$st" -eq 2 ]
check "a filter failing on every page is one error line" [ "$(grep -c 'error:' "$TMP/err")" -eq 1 ]
check "the one error names the plugin and the layout" \
	sh -c "grep 'error:' '$TMP/err' | grep -q 'plugins/ngay.lua' && grep 'error:' '$TMP/err' | grep -q 'base.html'"
check "the one error counts the pages" grep -q "rejects all [0-9]* pages" "$TMP/err"
check "previous site byte-identical after a failing filter" diff -rq "$TMP/before" "$P"

# a layout runtime error on every page: the same
rm plugins/ngay.lua
cp "$ROOT/themes/default/layouts/base.html" themes/default/layouts/base.html
sed -i '20s/{{ page.title | default(site.title) }}/{% for c in page.title %}{% endfor %}/' themes/default/layouts/base.html
commit "$R" "2023-03-06T09:00:00+07:00" "Trung tâm" "tt@example.vn" "layout error"
"$LOA" build --out "$P" --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "a layout failing on every page exits 2" [ "$st" -eq 2 ]
check "a layout failing on every page is one error line" [ "$(grep -c 'error:' "$TMP/err")" -eq 1 ]
check "the layout error names base.html:20" grep -q "^themes/default/layouts/base.html:20: error: cannot loop" "$TMP/err"
check "previous site byte-identical after a failing layout" diff -rq "$TMP/before" "$P"

# a plugin filter that fails on every page of one layout (news.html, 8
# pages) while the other layouts render: one site error naming the layout
rm -f plugins/ngay.lua
write plugins/tin.lua <<'LUA'
loa.filter("tin", function(v) error("bộ lọc tin hỏng") end)
LUA
cp "$ROOT/themes/default/layouts/base.html" themes/default/layouts/base.html
cp "$ROOT/themes/default/layouts/news.html" themes/default/layouts/news.html
sed -i '7s/$/{{ page.title | tin }}/' themes/default/layouts/news.html
commit "$R" "2023-03-06T09:30:00+07:00" "Trung tâm" "tt@example.vn" "news filter"
"$LOA" build --out "$P" --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "a filter failing on every news page exits 2" [ "$st" -eq 2 ]
check "... one error line" [ "$(grep -c 'error:' "$TMP/err")" -eq 1 ]
check "... naming the layout and the count" \
	grep -q "^plugins/tin.lua:1: error: bộ lọc tin hỏng (at themes/default/layouts/news.html:7): the same error rejects 8 pages, all of layout news.html" "$TMP/err"
check "previous site byte-identical after a failing news layout" diff -rq "$TMP/before" "$P"
rm plugins/tin.lua themes/default/layouts/news.html

# one page that trips a filter stays a page error: the rest is published
write plugins/ngay.lua <<'LUA'
loa.filter("ngay", function(v)
  if v == "Tin số 3" then error("tin 3 hỏng") end
  return v
end)
LUA
cp "$ROOT/themes/default/layouts/base.html" themes/default/layouts/base.html
sed -i '20s/{{ page.title | default(site.title) }}/{{ page.title | ngay }}/' themes/default/layouts/base.html
commit "$R" "2023-03-06T10:00:00+07:00" "Trung tâm" "tt@example.vn" "one bad page"
"$LOA" build --out "$P" --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "one failing page exits 1" [ "$st" -eq 1 ]
check "the failing page is named" grep -q "^content/news/an-duong/tin-3.md.*tin 3 hỏng" "$TMP/err"
check "the other pages are published" test -s "$P"/tin-tuc/an-duong/tin-so-4/index.html
finish
