# A page's render gives its page table its HTML (page.content) and the
# summary made for it (page.auto_summary), served by the page tables'
# metatable while it renders, so that the table the worker shares with the
# builder is not written (a copy-on-write fault a page). Kept,
# they grew each render worker by every page it rendered (at 50,000 pages
# the workers ran out of memory), and a later page's render in the same
# worker saw an earlier page's HTML: its output depended on scheduling.
# With one worker every page renders in one process, in order: no page
# sees another's fields, and --jobs 1 and --jobs 3 give the same bytes.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
for n in 1 2 3 4 5 6; do
	write "$R/content/news/dong-thai/bai-$n.md" <<MD
---
title: "Bài số $n"
date: 2023-04-0$n
---
Nội dung riêng của bài số $n.
MD
done
write "$R/plugins/tat-ca.lua" <<'LUA'
loa.on("before_render", function() loa.global("tat_ca", loa.pages{ kind = "news" }) end)
LUA
# the site's own news layout: its own HTML, then any other page's fields
write "$R/themes/default/layouts/news.html" <<'HTML'
<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body><main>{{ page.content }}
{% for p in tat_ca %}{% if p.url == page.url %}{% else %}{% if p.content %}<p class="leak">content {{ p.url }}</p>{% endif %}{% if p.auto_summary %}<p class="leak">summary {{ p.url }}</p>{% endif %}{% endif %}{% endfor %}
</main></body></html>
HTML
commit "$R" "2023-05-01T08:00:00+07:00" "Phòng GD" "pgd@example.vn" "trang"
cd "$R"
"$LOA" build --out "$TMP/one" --now 2023-06-01 --no-cache --quiet --jobs 1
check "one worker: exit 0" [ $? -eq 0 ]
"$LOA" build --out "$TMP/three" --now 2023-06-01 --no-cache --quiet --jobs 3
check "three workers: exit 0" [ $? -eq 0 ]
A="$TMP/one/tin-tuc/dong-thai/bai-so-6/index.html"
check "a page shows its own HTML" contains "$A" "Nội dung riêng của bài số 6."
n=$(grep -rl 'class="leak"' "$TMP/one" | wc -l)
check "one worker: no page sees another page's content or summary" [ "$n" -eq 0 ]
check "one worker and three: the same bytes" diff -r "$TMP/one" "$TMP/three"

# a plugin that sets a page's content itself: that page's render still
# shows its own HTML (the field is set on its table, then taken off)
write "$R/plugins/noi-dung.lua" <<'LUA'
loa.on("before_render", function()
  for _, p in ipairs(loa.pages{ kind = "news" }) do
    if p.title == "Bài số 2" then p.content = "do plugin đặt" end
  end
end)
LUA
commit "$R" "2023-05-02T08:00:00+07:00" "Phòng GD" "pgd@example.vn" "plugin đặt content"
"$LOA" build --out "$TMP/set" --now 2023-06-01 --no-cache --quiet --jobs 1
check "a plugin's content: exit 0" [ $? -eq 0 ]
B="$TMP/set/tin-tuc/dong-thai/bai-so-2/index.html"
check "the page a plugin gave content shows its own HTML" contains "$B" "Nội dung riêng của bài số 2."
check "... not the plugin's" lacks "$B" "do plugin đặt"
n=$(grep -rl 'class="leak">summary' "$TMP/set" | wc -l)
check "no page sees another page's summary" [ "$n" -eq 0 ]
finish
