# A page whose rendering runs away (Debian's cmark-gfm has quadratic
# inputs) is stopped by the per-page budget and named; the rest builds.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
cat >> site.yaml <<'YAML'
limits:
  render_seconds: 1
YAML
{ printf -- '---\ntitle: "Chậm"\ndate: 2023-01-01\n---\n'; python3 -c 'print("![[]()" * 60000)'; } > content/news/dong-thai/cham.md
commit "$R" "2023-03-05T08:00:00+07:00" "Trường" "x@example.vn" "chậm"
start=$(date +%s)
"$LOA" build --out public --now 2023-06-01 --quiet --jobs 2 2> "$TMP/err"
st=$?
end=$(date +%s)
cat "$TMP/err"
check "pathological page exits 1" [ "$st" -eq 1 ]
check "pathological page named" contains "$TMP/err" "content/news/dong-thai/cham.md"
check "the message says the budget was exceeded" contains "$TMP/err" "exceeded"
check "rest of the site built" test -s public/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html
check "the build did not hang (under 30 s)" [ $((end - start)) -lt 30 ]
finish
