# Untrusted content cannot run script in a reader's browser.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
write content/news/dong-thai/xss.md <<'MD'
---
title: "<script>alert(1)</script> Tiêu đề"
summary: "\"><img src=x onerror=alert(2)>"
tags: ["<b onclick=alert(3)>thẻ</b>"]
date: 2023-01-05
---
<script>alert(4)</script>

[bấm](javascript:alert(5)) ![x](data:text/html,alert)

<img src=x onerror="alert(6)">
MD
commit "$R" "2023-03-05T08:00:00+07:00" "Trường" "x@example.vn" "xss"
"$LOA" build --out public --now 2023-06-01 --quiet 2> "$TMP/err"
F=$(grep -l "Tiêu đề" -r public --include=index.html | head -1)
check "the page was published" test -n "$F"
check "no script tag from the title" lacks "$F" "<script>alert(1)"
check "no script tag from the body" lacks "$F" "<script>alert(4)"
check "no event handler from an img" lacks "$F" "<img src=x onerror"
check "no javascript: URL" lacks "$F" "javascript:"
check "title escaped" contains "$F" "&lt;script&gt;"
check "raw HTML reported with its line" grep -q "xss.md:7.*raw HTML" "$TMP/err"
live=$(grep -rlE '<[a-zA-Z][^<>&]*[[:space:]]on[a-z]+=|<script>alert|="javascript:' public --include='*.html' || true)
check "no live script anywhere in the site" [ -z "$live" ]
finish
