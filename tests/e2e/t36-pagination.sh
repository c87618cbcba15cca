# /tin-tuc/ is newest first and paginated by page_size, with exact
# boundaries: page_size articles make one page, one more makes two.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
new_repo "$R"
cd "$R"
write site.yaml <<'YAML'
title: "Phân trang"
page_size: 3
YAML
write content/schools/dong-thai.md <<'MD'
---
title: "Trường Mầm non Đồng Thái"
---
MD
add_article() {
	write "content/news/dong-thai/bai-$1.md" <<MD
---
title: "Bài số $1"
date: 2023-01-$1
---
MD
}
for d in 01 02 03; do add_article $d; done
commit "$R" "2023-02-01T08:00:00+07:00" "Trường" "x@example.vn" "ba bài"
"$LOA" build --out public --now 2023-06-01 --quiet
check "page_size articles: one page" test -s public/tin-tuc/index.html
check "page_size articles: no page 2" test ! -e public/tin-tuc/trang/2/index.html
add_article 04
commit "$R" "2023-02-02T08:00:00+07:00" "Trường" "x@example.vn" "bài thứ tư"
"$LOA" build --out public --now 2023-06-01 --quiet
check "page_size + 1 articles: page 2 exists" test -s public/tin-tuc/trang/2/index.html
check "page_size + 1 articles: no page 3" test ! -e public/tin-tuc/trang/3/index.html
order=$(grep -o 'Bài số [0-9]*' public/tin-tuc/index.html | tr '\n' ',')
check "page 1 newest first" [ "$order" = "Bài số 04,Bài số 03,Bài số 02," ]
check "page 2 holds the oldest" [ "$(grep -o 'Bài số [0-9]*' public/tin-tuc/trang/2/index.html | tr '\n' ',')" = "Bài số 01," ]
check "page 1 links to page 2" contains public/tin-tuc/index.html 'href="/tin-tuc/trang/2/"'
check "page 2 links back to page 1" contains public/tin-tuc/trang/2/index.html 'href="/tin-tuc/"'
check "the home page shows the latest news" contains public/index.html "Bài số 04"
finish
