# Drafts and future posts: hidden unless --drafts / --future; "today"
# fixed by --now or SOURCE_DATE_EPOCH.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
write content/news/dong-thai/nhap.md <<'MD'
---
title: "Bài nháp"
date: 2023-01-01
draft: true
---
MD
write content/news/dong-thai/tuong-lai.md <<'MD'
---
title: "Bài tương lai"
date: 2024-01-01
---
MD
commit "$R" "2023-03-05T08:00:00+07:00" "Trường" "x@example.vn" "thêm"
D=public/tin-tuc/dong-thai/bai-nhap/index.html
F=public/tin-tuc/dong-thai/bai-tuong-lai/index.html
"$LOA" build --out public --now 2023-06-01 --quiet
check "draft hidden" test ! -e "$D"
check "future post hidden" test ! -e "$F"
check "draft not in sitemap" lacks public/sitemap.xml "bai-nhap"
"$LOA" build --out public --now 2023-06-01 --drafts --quiet
check "--drafts shows drafts" test -s "$D"
"$LOA" build --out public --now 2023-06-01 --future --quiet
check "--future shows future posts" test -s "$F"
"$LOA" build --out public --now 2024-02-01 --quiet
check "--now after the date publishes it" test -s "$F"
SOURCE_DATE_EPOCH=1706745600 "$LOA" build --out public --quiet
check "SOURCE_DATE_EPOCH fixes today" test -s "$F"
SOURCE_DATE_EPOCH=1672531200 "$LOA" build --out public --quiet --allow-removal
check "SOURCE_DATE_EPOCH before the date hides it" test ! -e "$F"
finish
