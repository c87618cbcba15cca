# A page whose rendering runs away (Debian's cmark-gfm has quadratic
# inputs) is stopped by the per-page budget and named; the rest builds.
# Whether this input runs over 1 s depends on the machine's speed, so a
# page rendered in time must be published whole instead (issue 11); the
# budget itself is tested without depending on speed in test_pool
# (infinite_loop_times_out).
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
P=public/tin-tuc/dong-thai/cham/index.html
if [ -e "$P" ]; then
	echo "rendered within the 1 s budget on this machine: published"
	check "rendered in time: exit 0" [ "$st" -eq 0 ]
	check "rendered in time: the page is whole" sh -c "grep -q 'Chậm' '$P' && grep -q '</html>' '$P'"
	check "rendered in time: no error" lacks "$TMP/err" "error:"
else
	check "pathological page exits 1" [ "$st" -eq 1 ]
	check "pathological page named" contains "$TMP/err" "content/news/dong-thai/cham.md"
	check "the message says the budget was exceeded" contains "$TMP/err" "exceeded"
fi
check "rest of the site built" test -s public/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html
# a 1 s budget and a small site: 120 s means a hang, whatever the machine
check "the build did not hang (under 120 s)" [ $((end - start)) -lt 120 ]
finish
