# The centre's theme is trusted code: its templates run without Lua's
# instruction budget (no count hook), and a runaway template is stopped by
# the page's wall-clock deadline instead (limits.render_seconds): that page
# is rejected, the rest published. Plugin code called from a template — a
# filter or a global function — and shortcodes stay metered: an endless
# loop there stops with "instruction budget exceeded", naming the plugin.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
mkdir -p themes
cp -R "$ROOT/themes/default" themes/nha
printf 'theme: nha\nlimits:\n  render_seconds: 2\n' >> site.yaml
# a loop of 10^15 iterations, only on the article titled "Vòng lặp"
python3 - themes/nha/layouts/news.html <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
loop = ('{% if page.title == "Vòng lặp" %}{% for a in range(1, 100000) %}'
        '{% for b in range(1, 100000) %}{% for c in range(1, 100000) %}{% endfor %}'
        '{% endfor %}{% endfor %}{% endif %}')
s = s.replace("<h1>{{ page.title }}</h1>", "<h1>{{ page.title }}</h1>" + loop, 1)
open(p, "w", encoding="utf-8").write(s)
PY
write content/news/dong-thai/vong-lap.md <<'MD'
---
title: "Vòng lặp"
date: 2023-03-10
---
Bài.
MD
commit "$R" "2023-03-10T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Giao diện lặp"
"$LOA" build --out public --now 2023-06-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "runaway template: exit 1, the site published" [ "$st" -eq 1 ]
check "runaway template: stopped by the page's deadline, not by an instruction budget" \
	grep -q "^content/news/dong-thai/vong-lap.md:1:.*error: rendering exceeded 2 s" "$TMP/err"
check "runaway template: no instruction budget in trusted templates" lacks "$TMP/err" "instruction budget"
check "runaway template: the page is not published" [ ! -e public/tin-tuc/dong-thai/vong-lap/index.html ]
check "runaway template: other pages rendered by the same layout published" \
	test -s public/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html

# a plugin filter and a plugin global function with endless loops, used by
# the trusted theme: they run under the budget and stop long before the
# deadline (raised far above any machine's speed, so only the budget can
# stop them)
sed -i 's/render_seconds: 2/render_seconds: 120/' site.yaml
git rm -q content/news/dong-thai/vong-lap.md
write plugins/x.lua <<'LUA'
loa.filter("quay", function(v) while true do end end)
loa.global("quay_mai", function() local n = 0 while true do n = n + 1 end end)
LUA
python3 - themes/nha/layouts/news.html <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = s.replace('{% if page.title == "Vòng lặp" %}',
              '{% if page.title == "Lọc" %}{{ page.title | quay }}{% endif %}'
              '{% if page.title == "Hàm" %}{{ quay_mai() }}{% endif %}'
              '{% if page.title == "Vòng lặp" %}', 1)
open(p, "w", encoding="utf-8").write(s)
PY
printf -- '---\ntitle: "Lọc"\ndate: 2023-03-11\n---\nBài.\n' | write content/news/dong-thai/loc.md
printf -- '---\ntitle: "Hàm"\ndate: 2023-03-12\n---\nBài.\n' | write content/news/dong-thai/ham.md
commit "$R" "2023-03-12T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Bộ lọc lặp"
"$LOA" build --out public --now 2023-06-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "runaway plugin filter: exit 1, the site published" [ "$st" -eq 1 ]
check "runaway plugin filter: stopped by the instruction budget, naming the plugin" \
	grep -q "^content/news/dong-thai/loc.md.*plugins/x.lua:1: instruction budget exceeded" "$TMP/err"
check "runaway plugin global: stopped by the instruction budget, naming the plugin" \
	grep -q "^content/news/dong-thai/ham.md.*plugins/x.lua:2: instruction budget exceeded" "$TMP/err"
check "runaway plugin code: not the deadline" lacks "$TMP/err" "rendering exceeded"
check "runaway plugin filter: other pages published" \
	test -s public/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html
check "the trusted theme still renders with the site's filters" \
	contains public/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html "<h1>Bữa ăn bán trú"
finish
