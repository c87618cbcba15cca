# The repository is opened once per build (its key and the site share one
# open repository), and `loa review` opens it once per tree it builds: the
# base (whose open also lists the range's commits and reads the base's
# site.yaml) and the merge preview. LOA_DEBUG=repo prints one line per
# open; a second open coming back fails here.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
opens() { grep -c "^loa: debug: repo_open" "$1"; }

LOA_DEBUG=repo "$LOA" build --out public --now 2023-10-01 --quiet 2> "$TMP/err"
check "the build succeeds" [ $? -eq 0 ]
check "a build opens the repository once" [ "$(opens "$TMP/err")" -eq 1 ]
# the second build finds the site up to date (the cache's key): still once
LOA_DEBUG=repo "$LOA" build --out public --now 2023-10-01 --quiet 2> "$TMP/err"
check "an up-to-date build opens it once" [ "$(opens "$TMP/err")" -eq 1 ]
LOA_DEBUG=repo "$LOA" check --now 2023-10-01 --quiet 2> "$TMP/err"
check "loa check opens it once" [ "$(opens "$TMP/err")" -eq 1 ]
"$LOA" build --out public2 --now 2023-10-01 --quiet 2> "$TMP/err"
check "without LOA_DEBUG nothing is printed" [ "$(opens "$TMP/err")" -eq 0 ]

git checkout -q -b A main
write content/news/dong-thai/bai-moi.md <<'MD'
---
title: "Bé vui Tết Trung thu"
date: 2023-09-20
---
Các bé rước đèn.
MD
commit "$R" "2023-09-21T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Bài mới"
git checkout -q main
LOA_DEBUG=repo "$LOA" review main..A --now 2023-10-01 > "$TMP/out" 2> "$TMP/err"
st=$?
cat "$TMP/err" | grep -v "^loa: debug"
check "the review runs" [ "$st" -le 1 ]
check "the review sees the new article" grep -q "/tin-tuc/dong-thai/be-vui-tet-trung-thu/" "$TMP/out"
check "review opens the repository once per tree: base and merge preview" \
	[ "$(opens "$TMP/err")" -eq 2 ]
check "the base is opened by name, once" [ "$(grep -c '^loa: debug: repo_open main$' "$TMP/err")" -eq 1 ]
check "the merge preview is opened once" \
	[ "$(grep -c '^loa: debug: repo_open (merge preview)$' "$TMP/err")" -eq 1 ]
finish
