# Every unknown key is named at file:line:col with the closest known key;
# --strict makes them errors (nothing published); Hugo's site.yaml names
# are read; an unknown layout and an unknown language are errors naming
# what exists.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
write site.yaml <<'YAML'
title: "Trang thử"
titel: "Trang thử"
base_url: "https://example.vn/"
paginate: 1
schools:
  dong-thai:
    author: ["bbt@dongthai.example.vn"]
menu:
  - { name: "Tin tức", link: "/tin-tuc/" }
  - { name: "Trường", url: "/truong/" }
limits:
  render_second: 5
YAML
write content/news/dong-thai/chinh-sach.md <<'MD'
---
title: "Tuyên truyền chính sách"
date: 2023-03-01
catgory: policy
drafts: true
---
Nội dung.
MD
commit "$R" "2023-03-02T10:00:00+07:00" "PGD" "pgd@example.vn" "typos"
"$LOA" build --out public --now 2023-06-01 2> err.txt
check "typos are warnings: exit 0" test $? -eq 0
check "titel: file:line:col and suggestion" contains err.txt "site.yaml:2:1: warning: unknown key 'titel' (did you mean 'title'?)"
check "schools.X.author: suggestion authors" contains err.txt "site.yaml:7:5: warning: unknown key 'author' in schools.dong-thai (did you mean 'authors'?)"
check "menu[].link: suggestion url" contains err.txt "site.yaml:9:24: warning: unknown key 'link' in menu[1] (did you mean 'url'?)"
check "limits.render_second: suggestion" contains err.txt "site.yaml:12:3: warning: unknown key 'render_second' in limits (did you mean 'render_seconds'?)"
check "catgory: suggestion category" contains err.txt "content/news/dong-thai/chinh-sach.md:4:1: warning: unknown key 'catgory' (did you mean 'category'?)"
check "drafts: suggestion draft" contains err.txt "content/news/dong-thai/chinh-sach.md:5:1: warning: unknown key 'drafts' (did you mean 'draft'?)"
check "paginate is Hugo's page_size: not warned" lacks err.txt "paginate"
check "paginate is read as page_size (1 a page)" test -s public/tin-tuc/trang/2/index.html
check "the correctly spelt menu item is kept" contains public/index.html 'href="/truong/"'

"$LOA" build --out public2 --now 2023-06-01 --strict 2> err.txt
check "--strict: exit 2" test $? -eq 2
check "--strict: nothing published" test ! -e public2/index.html
check "--strict: titel is an error" contains err.txt "site.yaml:2:1: error: unknown key 'titel' (did you mean 'title'?)"

# front matter alone under --strict: the page is an error
write site.yaml <<'YAML'
title: "Trang thử"
baseURL: "https://example.vn/"
languageCode: "vi-VN"
YAML
commit "$R" "2023-03-03T10:00:00+07:00" "PGD" "pgd@example.vn" "site ok"
"$LOA" build --out public --now 2023-06-01 --strict 2> err.txt
check "--strict, front matter typo: exit 2" test $? -eq 2
check "--strict: catgory is an error" contains err.txt "content/news/dong-thai/chinh-sach.md:4:1: error: unknown key 'catgory' (did you mean 'category'?)"
# page_size back to 10 removes the pages of one-item lists (readers' too)
"$LOA" build --out public --now 2023-06-01 --allow-removal 2> err.txt
check "baseURL and languageCode accepted" test $? -eq 0
check "baseURL is base_url" contains public/sitemap.xml "<loc>https://example.vn/"
check "languageCode vi-VN is vi" contains public/index.html 'lang="vi"'
check "no warning about site.yaml" lacks err.txt "site.yaml"

# an unknown layout: an error naming the layouts there are
write content/gioi-thieu.md <<'MD'
---
title: "Giới thiệu"
layout: nws
---
Chào.
MD
commit "$R" "2023-03-04T10:00:00+07:00" "PGD" "pgd@example.vn" "layout"
"$LOA" build --out public --now 2023-06-01 2> err.txt
check "unknown layout: page rejected, exit 1" test $? -eq 1
check "unknown layout: file:line:col and the layouts" grep -qE "^content/gioi-thieu.md:3:9: error: unknown layout 'nws' \(did you mean 'news'\? the theme's layouts: .*news, .*page, plan" err.txt
check "unknown layout: page not published" test ! -e public/gioi-thieu/index.html
sed -i 's/^layout: nws/layout: news/' content/gioi-thieu.md
commit "$R" "2023-03-05T10:00:00+07:00" "PGD" "pgd@example.vn" "layout ok"
"$LOA" build --out public --now 2023-06-01 2> err.txt
check "a known layout is used" test $? -eq 0

# an unknown language: an error naming the ones the theme has
write site.yaml <<'YAML'
title: "Trang thử"
language: vn
YAML
commit "$R" "2023-03-06T10:00:00+07:00" "PGD" "pgd@example.vn" "vn"
"$LOA" build --out public --now 2023-06-01 2> err.txt
check "language vn: exit 2" test $? -eq 2
check "language vn: names en and vi" contains err.txt "site.yaml:2:11: error: unknown language 'vn' (the theme has: en, vi)"
LOA_LANG=vi "$LOA" check --now 2023-06-01 2> err.txt
check "in Vietnamese too" contains err.txt "không có ngôn ngữ 'vn' (giao diện có: en, vi)"
finish
