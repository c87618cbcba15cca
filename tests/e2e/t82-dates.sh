# Dates: only a date written in front matter schedules a page (a date taken
# from git never hides one, even built with --now before the commits), and
# a time written with another offset is shown, counted and fed on the day
# of the site's time zone (Asia/Ho_Chi_Minh by default).
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
write content/gioi-thieu.md <<'MD'
---
title: "Giới thiệu"
---
Trang giới thiệu.
MD
# a plan without a date: its date comes from git
write content/plans/ke-hoach-khong-ngay.md <<'MD'
---
title: "Kế hoạch không ghi ngày"
---
Nội dung.
MD
write content/news/dong-thai/nam-cu.md <<'MD'
---
title: "Bài năm cũ"
date: 2022-12-01
---
Nội dung.
MD
# an explicit future date still hides a page until then
write content/news/dong-thai/tuong-lai.md <<'MD'
---
title: "Bài hẹn giờ"
date: 2030-01-01
---
Sau này.
MD
# 23:30 in Hawaii on 31/12/2023 is 16:30 on 1/1/2024 in Hà Nội
write content/news/an-duong/giao-thua.md <<'MD'
---
title: "Đón năm mới"
date: 2023-12-31T23:30:00-10:00
lastmod: 2024-01-02T09:00:00-10:00
category: policy
---
Nội dung.
MD
# the same wall time written with the site's own offset is left as is
write content/news/dong-thai/cuoi-nam.md <<'MD'
---
title: "Tổng kết cuối năm"
date: 2023-12-31T23:30:00+07:00
category: policy
---
Nội dung.
MD
commit "$R" "2024-02-01T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Thêm trang"

# --now before every commit (2023-03-02 and 2024-02-01)
"$LOA" build --out public --now 2023-01-15 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "build before the commits exits 0" [ "$st" -eq 0 ]
check "school pages appear (date from git)" test -s public/truong/dong-thai/index.html
check "second school page appears" test -s public/truong/an-duong/index.html
check "about page appears (date from git)" test -s public/gioi-thieu/index.html
check "plan without a date appears" test -s public/ke-hoach/ke-hoach-khong-ghi-ngay/index.html
check "plan with only 'issued' appears" test -s public/ke-hoach/ke-hoach-tap-huan-cot-can/index.html
check "school directory lists the schools" contains public/truong/index.html "Trường Mầm non Đồng Thái"
check "directory lists the second school" contains public/truong/index.html "Trường Mầm non An Dương"
C=public/bao-cao/truyen-thong.csv
check "outreach CSV has rows" [ "$(wc -l < "$C")" -gt 1 ]
check "CSV has a row per school" sh -c "grep -q '^dong-thai,' '$C' && grep -q '^an-duong,' '$C'"
check "dashboard names the schools" contains public/bao-cao/truyen-thong/index.html "Trường Mầm non Đồng Thái"
check "explicit future date still hides its page" test ! -e public/tin-tuc/dong-thai/bai-hen-gio/index.html
check "explicit dates after --now hidden" test ! -e public/tin-tuc/an-duong/don-nam-moi/index.html
check "explicit past date shown" test -s public/tin-tuc/dong-thai/bai-nam-cu/index.html
check "sitemap lists the school page" contains public/sitemap.xml "/truong/dong-thai/"

# the offsets, built after every date but the scheduled one
"$LOA" build --out pub2 --now 2024-03-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "build after the dates exits 0" [ "$st" -eq 0 ]
G=pub2/tin-tuc/an-duong/don-nam-moi/index.html
N=pub2/tin-tuc/dong-thai/tong-ket-cuoi-nam/index.html
check "-10:00 page published" test -s "$G"
check "-10:00 shown on the site zone's day (01/01/2024)" contains "$G" "01/01/2024"
check "-10:00 not shown on the offset's day" lacks "$G" "31/12/2023"
check "-10:00 machine-readable date in the site zone" contains "$G" 'datetime="2024-01-01'
check "+07:00 date unchanged (31/12/2023)" contains "$N" "31/12/2023"
check "+07:00 not moved" lacks "$N" "01/01/2024"
C=pub2/bao-cao/truyen-thong.csv
row() { grep -qx -- "$1" "$C"; }
check "-10:00 counted in January 2024" row "an-duong,2024-01,all,1,4"
check "-10:00 not counted in December 2023" row "an-duong,2023-12,all,0,4"
check "-10:00 policy counted in HK2" row "an-duong,2023-2024-HK2,policy,1,3"
check "-10:00 policy not counted in HK1" row "an-duong,2023-2024-HK1,policy,0,3"
check "+07:00 counted in December 2023" row "dong-thai,2023-12,all,1,4"
check "+07:00 policy counted in HK1" row "dong-thai,2023-2024-HK1,policy,1,3"
check "feed gives the instant in the site zone" contains pub2/tin-tuc/atom.xml "<published>2024-01-01T16:30:00+07:00</published>"
check "feed keeps the +07:00 time" contains pub2/tin-tuc/atom.xml "<published>2023-12-31T23:30:00+07:00</published>"
check "sitemap lastmod in the site zone" contains pub2/sitemap.xml "<lastmod>2024-01-03T02:00:00+07:00</lastmod>"

# another site zone: the same instant falls on the offset's own day
printf 'timezone: Pacific/Honolulu\n' >> site.yaml
commit "$R" "2024-02-02T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Múi giờ"
"$LOA" build --out pub3 --now 2024-03-01 --quiet 2> "$TMP/err"
check "in Pacific/Honolulu the -10:00 date is 31/12/2023" contains pub3/tin-tuc/an-duong/don-nam-moi/index.html "31/12/2023"
check "in Pacific/Honolulu the +07:00 date is 2023-12-31T06:30-10:00" contains pub3/tin-tuc/atom.xml "<published>2023-12-31T06:30:00-10:00</published>"
finish
