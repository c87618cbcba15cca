# Every rejected page is named (issue #11, item 8): a page that runs out of
# memory, one whose plugin filter fails, one that runs past the render
# time limit, and one whose template fails each give an error line that
# starts with the page's content file; the other pages are published
# (exit 1). Nothing here depends on the machine's speed: the slow page
# loops forever, the greedy page asks for far more than any limit.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
P="$TMP/public"
cat >> site.yaml <<'YAML'
limits:
  render_seconds: 1
YAML
for i in 1 2 3 4 5 6; do
	write content/news/an-duong/tin-$i.md <<MD
---
title: "Tin số $i"
date: 2023-01-0$i
---
Nội dung $i.
MD
done
# the pages that trip each fault say so in their front matter
write content/news/an-duong/tham-an.md <<'MD'
---
title: "Tham bộ nhớ"
date: 2023-01-10
params: { fault: memory }
---
x
MD
write content/news/an-duong/loc-hong.md <<'MD'
---
title: "Bộ lọc hỏng"
date: 2023-01-11
params: { fault: error }
---
x
MD
write content/news/an-duong/vong-lap.md <<'MD'
---
title: "Vòng lặp"
date: 2023-01-12
params: { fault: loop }
---
x
MD
write content/news/an-duong/mau-hong.md <<'MD'
---
title: "Mẫu hỏng"
date: 2023-01-13
params: { fault: template }
---
x
MD
mkdir -p plugins themes/default/layouts
write plugins/loi.lua <<'LUA'
loa.filter("kiem_tra", function(page)
  local f = page.params and page.params.params and page.params.params.fault
  if f == "memory" then
    -- 1 GB at once: past the Lua state's cap and the worker's memory
    local s = ("x"):rep(1024 * 1024 * 1024)
    return #s
  elseif f == "error" then
    error("bộ lọc từ chối trang này")
  elseif f == "loop" then
    while true do end
  end
  return ""
end)
LUA
cp "$ROOT/themes/default/layouts/base.html" themes/default/layouts/base.html
sed -i '20s/$/{{ page | kiem_tra }}{% if page.params.params.fault == "template" %}{% for c in page.title %}{% endfor %}{% endif %}/' \
	themes/default/layouts/base.html
commit "$R" "2023-03-03T08:00:00+07:00" "Trường" "x@example.vn" "trang lỗi"
start=$(date +%s)
"$LOA" build --out "$P" --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
end=$(date +%s)
cat "$TMP/err"
check "rejected pages: exit 1, the rest published" [ "$st" -eq 1 ]
check "the good pages are published" test -s "$P/tin-tuc/an-duong/tin-so-1/index.html"
check "out of memory: the page is named" grep -q "^content/news/an-duong/tham-an.md:1: error: .*memory" "$TMP/err"
check "a failing filter: the page is named, and the plugin" \
	grep -q "^content/news/an-duong/loc-hong.md:1: error: plugins/loi.lua:[0-9]*: bộ lọc từ chối trang này" "$TMP/err"
# stopped by the wall clock or, first on a fast machine, by Lua's
# instruction budget: either way named
check "past the time limit: the page is named" \
	grep -q "^content/news/an-duong/vong-lap.md:1: error: .*\(exceeded 1 s\|instruction budget exceeded\)" "$TMP/err"
check "a template error: the page is named, and the layout line" \
	grep -q "^content/news/an-duong/mau-hong.md:1: error: themes/default/layouts/base.html:20: cannot loop" "$TMP/err"
check "four rejected pages, four errors" [ "$(grep -c ': error: ' "$TMP/err")" -eq 4 ]
check "no error line without a file" sh -c "! grep -q '^error:' '$TMP/err'"
check "bounded: under 60 s" [ $((end - start)) -lt 60 ]
for f in tham-an loc-hong vong-lap mau-hong; do
	check "$f is not published" sh -c "! grep -rlq 'content/news/an-duong/$f' '$P' && test ! -e '$P/tin-tuc/an-duong/$f/index.html'"
done
finish
