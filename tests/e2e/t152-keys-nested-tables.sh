#!/bin/sh
# Keys of plugin pages from their tables' digests (issue #14, point 2):
# a plugin page's key writes the tables nested in its context by digest,
# computed once a build for a table met by several pages (plugin/luakey.h).
# Here a plugin adds a report page per school and an index page listing
# the same report tables, and fills the reports' lines in a later
# handler, after the pages were added. A title edit changes a line deep
# in a report: the report and the index are rendered again, the other
# report is not, and the output is byte for byte a --no-cache build's, as
# after a page added in front of the others (every page's index shifts:
# a render's deps name a page by index and path). The removal guard
# counts from the last build's listing of the live site, and still sees
# a page added to the live site by hand.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
sed -i 's/^page_size: 1$/page_size: 50/' "$S/site.yaml"
article() { # SCHOOL N TITLE
	write "$S/content/news/$1/bai-$2.md" <<MD
---
title: "$3"
slug: bai-$2
date: 2023-04-$((10 + $2))
---
Nội dung bài $2 của trường $1.
MD
}
for i in 1 2 3 4 5 6 7 8 9 10; do
	school=dong-thai
	[ $((i % 2)) -eq 0 ] && school=an-duong
	article "$school" "$i" "Bài số $i"
done
write "$S/plugins/bao-cao.lua" <<'LUA'
-- a report per school and an index of the same report tables; the lines
-- are filled by the second handler, after the pages were added
local reports = {}
loa.on("before_render", function()
  for _, s in ipairs(loa.pages{ kind = "school", sort = "title" }) do
    local r = { title = s.title, slug = s.slug, lines = {} }
    reports[#reports + 1] = r
    loa.add_page{ url = "/bao-cao/" .. s.slug .. "/", layout = "bao-cao.html", report = r,
                  page = { kind = "section", title = "Báo cáo " .. s.title,
                           url = "/bao-cao/" .. s.slug .. "/" } }
  end
  loa.add_page{ url = "/bao-cao/", layout = "bao-cao-index.html", reports = reports,
                page = { kind = "section", title = "Các báo cáo", url = "/bao-cao/" } }
end)
loa.on("before_render", function()
  for _, r in ipairs(reports) do
    for _, p in ipairs(loa.pages{ kind = "news", sort = "date" }) do
      if p.school and p.school.slug == r.slug then
        -- long enough to be written by digest
        r.lines[#r.lines + 1] = { title = p.title, note = string.rep("Ghi chú dài. ", 60) }
      end
    end
  end
end)
LUA
write "$S/themes/default/layouts/bao-cao.html" <<'HTML'
<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body><h1>{{ report.title }}</h1><ul>{% for l in report.lines %}<li>{{ l.title }}</li>{% endfor %}</ul></body></html>
HTML
write "$S/themes/default/layouts/bao-cao-index.html" <<'HTML'
<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body>{% for r in reports %}<h2>{{ r.title }}</h2><ul>{% for l in r.lines %}<li>{{ l.title }}</li>{% endfor %}</ul>{% endfor %}</body></html>
HTML
commit "$S" "2023-04-30T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Thêm bài"

NOW=2023-05-20
INC="$TMP/inc/public"
mkdir -p "$TMP/inc"
build_inc() {
	LOA_TIMINGS=jobs "$LOA" build --repo "$S" --out "$INC" --now "$NOW" --lang en "$@" \
		> "$TMP/inc.out" 2> "$TMP/inc.log"
}
full_build() {
	rm -rf "$TMP/full"
	mkdir -p "$TMP/full"
	"$LOA" build --repo "$S" --out "$TMP/full/public" --now "$NOW" --no-cache --lang en \
		> /dev/null 2> "$TMP/full.log" || cat "$TMP/full.log"
}
same_as_full() {
	full_build
	check "$1" diff -r "$INC" "$TMP/full/public"
}
rendered() { sed -n 's/^loa: timing: rendered //p' "$TMP/inc.log" | sort; }

build_inc
check "first build publishes" test $? -eq 0
same_as_full "first build equals full"
check "a report shows its lines" contains "$INC/bao-cao/dong-thai/index.html" "Bài số 3"
check "the index shows the reports' lines" contains "$INC/bao-cao/index.html" "Bài số 4"

# a title: one line deep in dong-thai's report (filled after the page was
# added, written by digest, shared with the index)
sed -i 's/^title: .*/title: "Bài số ba đã sửa"/' "$S/content/news/dong-thai/bai-3.md"
commit "$S" "2023-05-02T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sửa tiêu đề"
build_inc
check "title edit publishes" test $? -eq 0
same_as_full "title edit: incremental equals full"
rendered > "$TMP/rendered"
check "the report showing the line is rendered" grep -qx 'bao-cao/dong-thai/index.html' "$TMP/rendered"
check "the index showing it is rendered" grep -qx 'bao-cao/index.html' "$TMP/rendered"
check "the report shows the new title" contains "$INC/bao-cao/dong-thai/index.html" "Bài số ba đã sửa"
check "the index shows the new title" contains "$INC/bao-cao/index.html" "Bài số ba đã sửa"
check "the other school's report: from the cache" \
	sh -c "! grep -qx 'bao-cao/an-duong/index.html' '$TMP/rendered'"

# the same build again: nothing to do
build_inc
check "rebuild with nothing changed publishes" test $? -eq 0
same_as_full "nothing changed: equals full"

# a page in front of all the others: every page's index moves by one
write "$S/content/news/an-duong/a-dau.md" <<'MD'
---
title: "Bài đứng đầu"
slug: a-dau
date: 2023-04-01
---
Bài mới.
MD
commit "$S" "2023-05-03T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" "Thêm bài đầu"
build_inc
check "a page added in front publishes" test $? -eq 0
same_as_full "a page added in front: incremental equals full"
check "the new page is in its school's report" contains "$INC/bao-cao/an-duong/index.html" "Bài đứng đầu"

# the removal guard, counting from the listing of the live site
pages=$(find "$INC" -name '*.html' | wc -l)
git -C "$S" rm -q content/news/dong-thai/bai-*.md content/news/an-duong/bai-*.md
commit "$S" "2023-05-04T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Xoá nhầm"
full_build
gone=$(cd "$INC" && find . -name '*.html' | while read -r f; do [ -e "$TMP/full/public/$f" ] || echo "$f"; done | wc -l)
echo "published: $pages HTML pages, $gone not in the new build"
build_inc
check "removing most articles is refused (exit 2)" test $? -eq 2
check "the guard names the exact count, from the listing" \
	grep -q "would remove $gone of the $pages pages published" "$TMP/inc.log"
# a page added by hand into a folder of the live site: the listing no
# longer describes it (its folder's times moved), the walk counts it
mkdir -p "$INC/tin-tuc/tay"
echo '<!doctype html><p>tay</p>' > "$INC/tin-tuc/tay/index.html"
build_inc
check "with a page added by hand: refused" test $? -eq 2
check "the page added by hand is counted" \
	grep -q "would remove $((gone + 1)) of the $((pages + 1)) pages published" "$TMP/inc.log"
rm -rf "$INC/tin-tuc/tay"
build_inc --allow-removal
check "--allow-removal publishes" test $? -eq 0
same_as_full "after the removal: incremental equals full"

finish
