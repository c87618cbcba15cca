# A model page's articles are paginated like every list (issue 16's model
# pages): /mo-hinh/SLUG/ then /mo-hinh/SLUG/trang/N/ (the pagination word
# of urls.h), page_size articles each, newest first, with rel prev/next
# links; the schools running the model head page 1.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
new_repo "$R"
write "$R/site.yaml" <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/"
page_size: 2
YAML
write "$R/content/schools/dong-thai.md" <<'MD'
---
title: "Trường Mầm non Đồng Thái"
models:
  - { title: "Bữa ăn hợp lý", year: "2022-2023" }
---
Trường.
MD
for d in 01 02 03 04 05; do
	write "$R/content/news/dong-thai/bua-an-$d.md" <<MD
---
title: "Bữa ăn ngày $d"
date: 2023-03-$d
models: ["Bữa ăn hợp lý"]
---
Bài.
MD
done
commit "$R" "2023-05-02T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Mô hình"
cd "$R" || exit 1
"$LOA" build --out public --now 2023-06-01 > "$TMP/out" 2>&1
st=$?
cat "$TMP/out"
check "build: exit 0" [ "$st" -eq 0 ]
P1=public/mo-hinh/bua-an-hop-ly/index.html
P2=public/mo-hinh/bua-an-hop-ly/trang/2/index.html
P3=public/mo-hinh/bua-an-hop-ly/trang/3/index.html
check "page 1: the two newest" sh -c 'grep -qF "Bữa ăn ngày 05" "$1" && grep -qF "Bữa ăn ngày 04" "$1"' - "$P1"
check "page 1: not the older ones" lacks "$P1" "Bữa ăn ngày 03"
check "page 1: the schools running the model" contains "$P1" 'class="model-school"'
check "page 1: rel=next to page 2" contains "$P1" '<a rel="next" href="/mo-hinh/bua-an-hop-ly/trang/2/">'
check "page 1: no rel=prev" lacks "$P1" 'rel="prev"'
check "page 2 at /mo-hinh/SLUG/trang/2/" sh -c 'grep -qF "Bữa ăn ngày 03" "$1" && grep -qF "Bữa ăn ngày 02" "$1"' - "$P2"
check "page 2: rel=prev to page 1" contains "$P2" '<a rel="prev" href="/mo-hinh/bua-an-hop-ly/">'
check "page 2: rel=next to page 3" contains "$P2" '<a rel="next" href="/mo-hinh/bua-an-hop-ly/trang/3/">'
check "page 2: its own title" contains "$P2" "<title>Bữa ăn hợp lý — Trang 2"
check "page 2: the schools only on page 1" lacks "$P2" 'class="model-school"'
check "page 3: the oldest, no rel=next" sh -c 'grep -qF "Bữa ăn ngày 01" "$1" && ! grep -qF "rel=\"next\"" "$1"' - "$P3"
check "no page 4" test ! -e public/mo-hinh/bua-an-hop-ly/trang/4/index.html
check "pages 2 and 3 in the sitemap" sh -c 'grep -qF "https://example.vn/mo-hinh/bua-an-hop-ly/trang/2/" "$1" && grep -qF "https://example.vn/mo-hinh/bua-an-hop-ly/trang/3/" "$1"' - public/sitemap.xml
check "page 2 canonical to itself" contains "$P2" '<link rel="canonical" href="https://example.vn/mo-hinh/bua-an-hop-ly/trang/2/">'
finish
