# The sample site carries the centre's work (issue 16) with real content
# from the seeds: the documents with their real numbers, a plan and its
# document linked both ways, activities reported by school articles, model
# pages listing the articles naming them, the monthly reports internal by
# default; and it builds without a warning (no unknown activity, no
# near-duplicate model title).
. "$(dirname "$0")/lib.sh"
new_repo "$TMP/s" > /dev/null
cp -R "$ROOT/site.yaml" "$ROOT/content" "$TMP/s/"
commit "$TMP/s" "2023-06-01T08:00:00+07:00" "Trung tâm" "tt@example.vn" "sample"
(cd "$TMP/s" && "$LOA" build --out "$TMP/out" --now 2026-11-23 --jobs 2) > "$TMP/log" 2>&1
st=$?
cat "$TMP/log"
O="$TMP/out"
check "sample: exit 0" [ "$st" -eq 0 ]
check "sample: no warning" lacks "$TMP/log" ": warning:"
for n in "175/KH-BGDĐT" "215/KH-BGDĐT" "155/PGDĐT-GDMN" "2288/KH-SGD&amp;ĐT-GDMN"; do
	check "sample: document $n listed" contains "$O/van-ban/index.html" "$n"
done
check "sample: the district's document is a công văn" contains "$O/van-ban/loai/cong-van/index.html" "155/PGDĐT-GDMN"
check "sample: documents of 2023" contains "$O/van-ban/2023/index.html" "175/KH-BGDĐT"
P=$(grep -l '<dd>175/KH-BGDĐT</dd>' "$O"/ke-hoach/*/index.html | head -n 1)
check "sample: plan 175 links its document" contains "$P" 'href="/van-ban/ke-hoach-175-kh-bgddt/"'
check "sample: document 175 links its plan" contains "$O/van-ban/ke-hoach-175-kh-bgddt/index.html" 'class="document-plan"'
check "sample: plan 175 has reported activities" contains "$P" 'Đã có minh chứng: 2'
check "sample: the evidence article is linked" contains "$P" 'href="/tin-tuc/an-duong/nha-truong-cu-giao-vien-can-bo-quan-ly-cot-can-tham-du-tap-huan-nam-2023/"'
M="$O/mo-hinh/bua-an-hop-ly-dam-bao-dinh-duong-ket-hop-voi-tang-cuong-van-dong-the-luc/index.html"
check "sample: model page lists an article naming it" contains "$M" 'href="/tin-tuc/dong-thai/chia-se-mo-hinh-bua-an-hop-ly-tai-so-ket-chuyen-de-lay-tre-lam-trung-tam/"'
check "sample: model page lists a school running it" contains "$M" 'href="/truong/tan-tien/"'
check "sample: monthly report of 10/2022" test -s "$O/bao-cao/truyen-thong/2022-10/index.html"
check "sample: reports internal" contains "$O/bao-cao/truyen-thong/2022-10/index.html" '<meta name="robots" content="noindex">'
check "sample: home page says how many are overdue" grep -q 'hoạt động quá hạn' "$O/index.html"
finish
