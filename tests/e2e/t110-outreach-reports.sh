# The monthly and semester outreach reports (issue 16):
# /bao-cao/truyen-thong/YYYY-MM/ lists, per school, exactly the articles
# counted that month (not drafts, future posts, other months or centre
# news), schools below target first; /bao-cao/truyen-thong/YYYY-YYYY-HKn/
# the semester; /bao-cao/truyen-thong-bai-viet.csv every counted article;
# /bao-cao/truyen-thong.csv keeps its columns. Months outside
# outreach.months (default September to May) are counted, not judged. The
# scorecard is internal by default: noindex, out of the sitemap and the
# footer; `outreach.public: true` lists it.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
new_repo "$R"
write "$R/site.yaml" <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/"
outreach:
  monthly: 2
  semester_policy: 1
YAML
school() { # SLUG TITLE
	write "$R/content/schools/$1.md" <<MD
---
title: "$2"
---
Trường.
MD
}
news() { # SCHOOL FILE DATE CATEGORY TITLE [EXTRA]
	write "$R/content/news/$1/$2.md" <<MD
---
title: "$5"
date: $3
category: $4
${6:-}
---
Bài.
MD
}
school an-duong "Trường Mầm non An Dương"
school dong-thai "Trường Mầm non Đồng Thái"
news an-duong a1 2022-10-03 policy "AD tháng mười một"
news an-duong a2 2022-10-20 activity "AD tháng mười hai"
news an-duong a3 2022-11-02 activity "AD tháng mười một sau"
news dong-thai d1 2022-10-05 practice "DT tháng mười"
news dong-thai d2 2022-10-06 activity "DT bản nháp" "draft: true"
news dong-thai d3 2023-07-10 activity "DT tháng bảy"
news dong-thai d4 2023-07-11 activity "DT tháng bảy hai"
news dong-thai d5 2023-07-30 policy "DT tương lai"
write "$R/content/news/thong-bao.md" <<'MD'
---
title: "Thông báo của Trung tâm"
date: 2022-10-10
category: policy
---
Không tính.
MD
commit "$R" "2023-07-20T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Tin bài"
cd "$R" || exit 1
"$LOA" build --out public --now 2023-07-20 > "$TMP/out" 2>&1
st=$?
cat "$TMP/out"
check "build: exit 0" [ "$st" -eq 0 ]
M=public/bao-cao/truyen-thong/2022-10/index.html
check "month report exists" test -s "$M"
# exactly the counted articles of October 2022
grep -o '<li><a href="/tin-tuc/[a-z0-9-]*/[^"]*">[^<]*</a>' "$M" | sed 's/.*">//; s/<.*//' | sort > "$TMP/listed"
printf '%s\n' "AD tháng mười hai" "AD tháng mười một" "DT tháng mười" | sort > "$TMP/want"
check "month report lists exactly the counted articles" diff "$TMP/want" "$TMP/listed"
check "month report: article date shown" contains "$M" '<time datetime="2022-10-03'
check "month report: article category shown" contains "$M" 'Tuyên truyền chủ trương, chính sách'
# Đồng Thái (1 article, target 2) is below target: listed before An Dương
a=$(grep -n 'id="truong-dong-thai"' "$M" | cut -d: -f1)
b=$(grep -n 'id="truong-an-duong"' "$M" | cut -d: -f1)
check "month report: below target first" [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]
check "month report: 1 of 2 below target" contains "$M" '<strong>1/2</strong>'
check "a month without articles has no report" test ! -e public/bao-cao/truyen-thong/2022-12/index.html
J=public/bao-cao/truyen-thong/2023-07/index.html
check "July report: counted" contains "$J" 'DT tháng bảy hai'
check "July report: the future post left out" lacks "$J" 'DT tương lai'
check "July report: not judged (outside outreach.months)" contains "$J" 'Tháng này không có chỉ tiêu'
check "July report: no below-target verdict" lacks "$J" 'Chưa đạt'
check "dashboard: July not judged" contains public/bao-cao/truyen-thong/index.html 'Không tính chỉ tiêu'
S=public/bao-cao/truyen-thong/2022-2023-HK1/index.html
check "semester report exists" test -s "$S"
check "semester report lists November's article" contains "$S" 'AD tháng mười một sau'
check "semester report lists October's" contains "$S" 'DT tháng mười'
check "semester HK2 report exists" test -s public/bao-cao/truyen-thong/2022-2023-HK2/index.html
check "dashboard links the month report" contains public/bao-cao/truyen-thong/index.html 'href="/bao-cao/truyen-thong/2022-10/"'
check "dashboard links the semester report" contains public/bao-cao/truyen-thong/index.html 'href="/bao-cao/truyen-thong/2022-2023-HK1/"'
cat > "$TMP/csv-want" <<'CSV'
school,period,date,category,url,title
an-duong,2022-10,2022-10-03,policy,https://example.vn/tin-tuc/an-duong/ad-thang-muoi-mot/,AD tháng mười một
an-duong,2022-10,2022-10-20,activity,https://example.vn/tin-tuc/an-duong/ad-thang-muoi-hai/,AD tháng mười hai
an-duong,2022-11,2022-11-02,activity,https://example.vn/tin-tuc/an-duong/ad-thang-muoi-mot-sau/,AD tháng mười một sau
dong-thai,2022-10,2022-10-05,practice,https://example.vn/tin-tuc/dong-thai/dt-thang-muoi/,DT tháng mười
dong-thai,2023-07,2023-07-10,activity,https://example.vn/tin-tuc/dong-thai/dt-thang-bay/,DT tháng bảy
dong-thai,2023-07,2023-07-11,activity,https://example.vn/tin-tuc/dong-thai/dt-thang-bay-hai/,DT tháng bảy hai
CSV
check "per-article CSV: every counted article" diff "$TMP/csv-want" public/bao-cao/truyen-thong-bai-viet.csv
check "count CSV keeps its header" [ "$(head -1 public/bao-cao/truyen-thong.csv)" = "school,period,category,count,target" ]
check "count CSV keeps its rows" grep -qx 'an-duong,2022-10,all,2,2' public/bao-cao/truyen-thong.csv
check "count CSV: July still counted" grep -qx 'dong-thai,2023-07,all,2,2' public/bao-cao/truyen-thong.csv
check "print stylesheet for the reports (A4)" grep -q '@page { size: A4; }' public/css/style.css

# internal by default
for f in public/bao-cao/truyen-thong/index.html "$M" "$S"; do
	check "noindex: $f" contains "$f" '<meta name="robots" content="noindex">'
done
check "not in the sitemap" lacks public/sitemap.xml 'bao-cao'
check "not in the footer" lacks public/index.html 'href="/bao-cao/truyen-thong/"'
check "not in the feeds" lacks public/atom.xml 'bao-cao'
check "not in the navigation" lacks public/index.html '>Báo cáo truyền thông<'

# public: true lists them
cat >> "$R/site.yaml" <<'YAML'
  public: true
  months: [7, 8]
YAML
commit "$R" "2023-07-21T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Công khai"
"$LOA" build --out public --now 2023-07-20 > "$TMP/out" 2>&1
cat "$TMP/out"
check "public: no noindex" lacks "$M" 'name="robots"'
check "public: dashboard in the sitemap" contains public/sitemap.xml '<loc>https://example.vn/bao-cao/truyen-thong/</loc>'
check "public: month report in the sitemap" contains public/sitemap.xml '<loc>https://example.vn/bao-cao/truyen-thong/2022-10/</loc>'
check "public: in the footer" contains public/index.html 'href="/bao-cao/truyen-thong/"'
check "months [7, 8]: July judged" lacks "$J" 'Tháng này không có chỉ tiêu'
check "months [7, 8]: October not judged" contains "$M" 'Tháng này không có chỉ tiêu'
printf 'title: x\noutreach:\n  months: [13]\n' > site.yaml
commit "$R" "2023-07-22T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Sai"
"$LOA" build --out "$TMP/bad" --now 2023-07-20 > "$TMP/out" 2>&1
st=$?
check "months [13]: configuration error (exit 2)" [ "$st" -eq 2 ]
check "months [13]: named at its line" grep -qF "site.yaml:3:12: error: 'months' must be a list of month numbers from 1 to 12" "$TMP/out"
finish
