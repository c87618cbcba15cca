#!/bin/sh
# A page added renders again only the data pages that list it (issue #14).
# A data function's key (loa.add_page's `data`, docs/plugins.md) holds what
# the function reaches, not where every page of the site is: its render
# records the indexes it lists (loa.pages by school or kind) and the links
# it resolves (loa.page_html), and a page added re-renders only the data
# pages that saw one of them change. The shipped outreach reports: an
# article of a new month renders that month's report and the dashboard, not
# the reports of the other months (at 10,000 pages, 78 reports were made
# again for one article added). Every output equals a --no-cache build's.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
write "$S/plugins/bang-tong-hop.lua" <<'LUA'
loa.on("before_render", function()
  -- lists one school's index inside the function
  loa.add_page{ url = "/theo-truong/", layout = "tong-hop.html", rows = false,
                page = { kind = "page", title = "Theo trường", url = "/theo-truong/" },
                data = function()
                  local rows = {}
                  for _, p in ipairs(loa.pages{ kind = "news", school = "dong-thai" }) do
                    rows[#rows + 1] = "[" .. p.title .. "]"
                  end
                  return { rows = table.concat(rows, " ") }
                end }
  -- lists the plans' index (no plugin sets fields on a plan when another
  -- is added: only the index records the change)
  loa.add_page{ url = "/cac-ke-hoach/", layout = "tong-hop.html", rows = false,
                page = { kind = "page", title = "Các kế hoạch", url = "/cac-ke-hoach/" },
                data = function()
                  local rows = {}
                  for _, p in ipairs(loa.pages{ kind = "plan" }) do rows[#rows + 1] = "<" .. p.number .. ">" end
                  return { rows = table.concat(rows, " ") }
                end }
  -- resolves a link against the site: the article's body links a school
  loa.add_page{ url = "/lien-ket/", layout = "tong-hop.html", rows = false,
                page = { kind = "page", title = "Liên kết", url = "/lien-ket/" },
                data = function()
                  return { rows = loa.page_html("content/news/dong-thai/bua-an.md") }
                end }
  -- reaches neither: a constant
  loa.add_page{ url = "/co-dinh/", layout = "tong-hop.html", rows = false,
                page = { kind = "page", title = "Cố định", url = "/co-dinh/" },
                data = function() return { rows = "không đổi" } end }
end)
LUA
rows_layout "$S"
write "$S/site.yaml" <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/"
page_size: 1
outreach: { public: true }
YAML
commit "$S" "2023-04-01T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Trang tổng hợp"

jobs_setup
REPORT=bao-cao/truyen-thong/2023-03/index.html

build
check "first build publishes" test $? -eq 0
check "the index's page lists its article" contains "$OUT/theo-truong/index.html" '[Bữa ăn bán trú đảm bảo dinh dưỡng]'
check "the link is resolved" contains "$OUT/lien-ket/index.html" 'https://example.vn/truong/an-duong/'
check "the March report is published" test -f "$OUT/$REPORT"
same_as_full "first build equals --no-cache"

# an article of another school, in a month without one, older than the
# others (so that no March article gets it as a neighbour: related.lua's
# newer and older) and before the months the outreach plugin labelled so
# far: only what lists it, what resolves links, its month's report, its
# semester's and the dashboard
write "$S/content/news/an-duong/tham-lop.md" <<'MD'
---
title: "Tham quan lớp học"
date: 2022-10-10
---
Một buổi tham quan.
MD
commit "$S" "2023-04-10T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" "Bài mới"
build
check "another school's article: publishes" test $? -eq 0
check "another school's article: the index's page from the cache" from_cache 'theo-truong/index.html'
check "another school's article: the constant page from the cache" from_cache 'co-dinh/index.html'
check "another school's article: the plans' page from the cache" from_cache 'cac-ke-hoach/index.html'
check "another school's article: the page that resolved a link rendered again" rendered 'lien-ket/index.html'
check "another school's article: the March report from the cache" from_cache "$REPORT"
check "another school's article: the October report rendered" rendered 'bao-cao/truyen-thong/2022-10/index.html'
check "another school's article: its semester's report rendered" rendered 'bao-cao/truyen-thong/2022-2023-HK1/index.html'
check "another school's article: the dashboard rendered" rendered 'bao-cao/truyen-thong/index.html'
same_as_full "another school's article equals --no-cache"

# an article of the school whose index the page lists: rendered again, with it
write "$S/content/news/dong-thai/trung-thu.md" <<'MD'
---
title: "Tết Trung thu cho bé"
date: 2023-04-12
---
Rước đèn.
MD
commit "$S" "2023-04-12T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Bài mới nữa"
build
check "the listed school's article: the index's page rendered" rendered 'theo-truong/index.html'
check "the listed school's article: it lists it" contains "$OUT/theo-truong/index.html" '[Tết Trung thu cho bé]'
check "the listed school's article: the constant page from the cache" from_cache 'co-dinh/index.html'
same_as_full "the listed school's article equals --no-cache"

# a plan added: the page that lists the plans' index renders again, with it
write "$S/content/plans/ke-hoach-200.md" <<'MD'
---
title: "Kế hoạch truyền thông"
number: "200/KH-SGDĐT"
issued: 2023-04-01
---
Tóm tắt.
MD
commit "$S" "2023-04-13T10:00:00+07:00" "Sở GD&ĐT" "sgd@example.vn" "Kế hoạch mới"
build
check "a plan added: the plans' page rendered" rendered 'cac-ke-hoach/index.html'
check "a plan added: it lists it" contains "$OUT/cac-ke-hoach/index.html" '<200/KH-SGDĐT>'
check "a plan added: the constant page from the cache" from_cache 'co-dinh/index.html'
same_as_full "a plan added equals --no-cache"

finish
