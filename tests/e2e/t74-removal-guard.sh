# The removal guard (issue #11, item 3), like rsync's --max-delete: a build
# that would remove more than limits.max_removed (default 20%) of the HTML
# pages published now publishes nothing, exits 2 and names the count and
# the share, unless --allow-removal is given; a few removals publish.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
P="$TMP/public" # outside the repository: commits must not take it in
sed -i 's/^page_size: 1$/page_size: 20/' site.yaml
for i in $(seq 1 40); do
	write content/news/an-duong/tin-$i.md <<MD
---
title: "Tin số $i"
date: 2023-01-$(printf %02d $(( (i % 28) + 1 )))
---
Nội dung $i.
MD
done
commit "$R" "2023-03-03T08:00:00+07:00" "Trường" "x@example.vn" "40 tin"
"$LOA" build --out "$P" --now 2023-06-01 --quiet
check "the good site is published" test -s "$P"/tin-tuc/an-duong/tin-so-40/index.html
total=$(find "$P" -name '*.html' | wc -l)
echo "published: $total HTML pages"
cp -R "$P" "$TMP/before"
base=$(git rev-parse HEAD)

# remove_news FIRST LAST MESSAGE: a commit that deletes articles FIRST..LAST
remove_news() {
	git reset -q --hard "$base"
	for i in $(seq "$1" "$2"); do git rm -q content/news/an-duong/tin-$i.md; done
	commit "$R" "2023-03-04T08:00:00+07:00" "Trường" "x@example.vn" "$3"
}
restore() { rm -rf "$P" && cp -R "$TMP/before" "$P"; }
removed_now() { find "$TMP/before" -name '*.html' | sed "s|^$TMP/before/||" | while read -r f; do [ -e "$P/$f" ] || echo "$f"; done | wc -l; }

# a few removals (3 of 40 articles) publish
remove_news 1 3 "bỏ 3 tin"
"$LOA" build --out "$P" --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "removing a few pages (under 20%) publishes" [ "$st" -eq 0 ]
check "the removed article is gone" test ! -e "$P"/tin-tuc/an-duong/tin-so-1/index.html
restore

# deleting 15 of 40 articles (over 20%, under 50%): refused
remove_news 1 15 "xoá nhầm 15 tin"
"$LOA" build --out "$P" --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "removing more than 20% exits 2" [ "$st" -eq 2 ]
check "the error names the count of pages removed" grep -q "would remove 1[5-9] of the $total pages published in $P" "$TMP/err"
check "the error names the share and the limit" grep -q "[0-9]*%, more than limits.max_removed, 20%" "$TMP/err"
check "the error says how to go on" contains "$TMP/err" "--allow-removal"
named=$(grep -o 'would remove [0-9]*' "$TMP/err" | grep -o '[0-9]*$')
check "previous site byte-identical after a refused removal" diff -rq "$TMP/before" "$P"

# --allow-removal: published
"$LOA" build --out "$P" --now 2023-06-01 --quiet --allow-removal 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "--allow-removal publishes" [ "$st" -eq 0 ]
check "--allow-removal: the removed articles are gone" test ! -e "$P"/tin-tuc/an-duong/tin-so-1/index.html
check "--allow-removal: the kept articles are there" test -s "$P"/tin-tuc/an-duong/tin-so-40/index.html
check "--allow-removal: the count removed is what the guard named" \
	[ "$(removed_now)" -eq "$named" ]
"$LOA" build --out "$P" --now 2023-06-01 --quiet --no-cache 2> "$TMP/err"
check "the next build compares with the new site (exit 0)" [ $? -eq 0 ]
restore

# limits: { max_removed: 0.5 }: the same commit publishes
echo 'limits: { max_removed: 0.5 }' >> site.yaml
commit "$R" "2023-03-05T09:00:00+07:00" "Trung tâm" "tt@example.vn" "max_removed 0.5"
"$LOA" build --out "$P" --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "with limits: { max_removed: 0.5 } the removal publishes" [ "$st" -eq 0 ]
check "max_removed 0.5: the removed articles are gone" test ! -e "$P"/tin-tuc/an-duong/tin-so-1/index.html
restore

# ... but not 35 of 40 (a percentage works too)
remove_news 1 35 "xoá 35 tin"
echo 'limits: { max_removed: 50% }' >> site.yaml
commit "$R" "2023-03-05T10:00:00+07:00" "Trung tâm" "tt@example.vn" "max_removed 50%"
"$LOA" build --out "$P" --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "over max_removed 50% exits 2" [ "$st" -eq 2 ]
check "over 50%: the limit is named" contains "$TMP/err" "more than limits.max_removed, 50%"
check "over 50%: previous site kept" diff -rq "$TMP/before" "$P"

# a bad value is a site.yaml error
sed -i '/^limits:/d' site.yaml
echo 'limits: { max_removed: 2 }' >> site.yaml
commit "$R" "2023-03-05T11:00:00+07:00" "Trung tâm" "tt@example.vn" "bad max_removed"
"$LOA" build --out "$P" --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "max_removed: 2 exits 2" [ "$st" -eq 2 ]
check "max_removed: 2 names site.yaml:line" grep -q "^site.yaml:[0-9]*:.*max_removed" "$TMP/err"
check "previous site kept after a bad max_removed" diff -rq "$TMP/before" "$P"
finish
