# Dates and contributors from one walk of the git history, and shallow
# clones detected.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
write content/gioi-thieu.md <<'MD'
---
title: "Giới thiệu"
---
Bản đầu.
MD
write content/lien-he.md <<'MD'
---
title: "Thông tin liên hệ"
---
MD
write content/cau-hoi.md <<'MD'
---
title: "Câu hỏi thường gặp"
slug: hoi-dap
---
MD
commit "$R" "2023-01-10T09:00:00+07:00" "Cô Lan" "lan@example.vn" "Giới thiệu"
echo "Bản sửa." >> content/gioi-thieu.md
commit "$R" "2023-04-20T09:00:00+07:00" "Thầy Minh" "minh@example.vn" "Sửa giới thiệu"
"$LOA" build --out public --now 2023-06-01 --quiet
check "page without date: lastmod from its last commit" grep -q "gioi-thieu/</loc><lastmod>2023-04-20" public/sitemap.xml
check "page URL from its path" test -s public/gioi-thieu/index.html
check "page URL from its file name, not its title" test -s public/lien-he/index.html
check "a written slug replaces the file name" test -s public/hoi-dap/index.html
check "first contributor shown" contains public/gioi-thieu/index.html "Cô Lan"
check "second contributor shown" contains public/gioi-thieu/index.html "Thầy Minh"
git clone -q --depth 1 "file://$R" "$TMP/shallow"
cd "$TMP/shallow"
"$LOA" build --out public --now 2023-06-01 2> "$TMP/err" >/dev/null
check "shallow clone is reported" contains "$TMP/err" "shallow"
finish
