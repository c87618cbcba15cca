# Evidence for plan activities (issue 16): an article names what it reports
# (`activity: "175/KH-BGDĐT#2"`, or a list); the activity lists it on the
# plan page and becomes `reported` instead of overdue; the plan page shows
# its progress; lich.ics and the home page use the same statuses, and the
# home page says how many are overdue. A reference to an unknown plan or
# activity is a warning at file:line naming the closest match (folded: the
# number written in NFD or another case still matches).
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
new_repo "$R"
write "$R/site.yaml" <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/"
YAML
write "$R/content/schools/dong-thai.md" <<'MD'
---
title: "Trường Mầm non Đồng Thái"
---
Trường.
MD
write "$R/content/plans/ke-hoach-175.md" <<'MD'
---
title: "Kế hoạch tập huấn cốt cán"
number: "175/KH-BGDĐT"
issued: 2023-02-17
activities:
  - { id: 1, name: "Xây dựng tài liệu", due: 2023-03 }
  - { id: 2, name: "Tập huấn trực tuyến", due: 2023-04-15 }
  - { id: 3, name: "Báo cáo kết quả", due: 2023-05-31, done: true }
  - { id: 4, name: "Tổng kết", due: 2023-12 }
---
Kế hoạch.
MD
write "$R/content/news/dong-thai/tap-huan.md" <<'MD'
---
title: "Giáo viên dự tập huấn trực tuyến"
date: 2023-04-10
activity: "175/KH-BGDĐT#2"
---
Bài.
MD
commit "$R" "2023-04-11T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Kế hoạch và bài"
cd "$R" || exit 1
"$LOA" build --out public --now 2023-06-01 > "$TMP/out" 2>&1
st=$?
cat "$TMP/out"
P=public/ke-hoach/ke-hoach-tap-huan-cot-can/index.html
check "clean build: exit 0" [ "$st" -eq 0 ]
check "no warning for a known activity" lacks "$TMP/out" ": warning:"
row() { # the table row of activity NAME
	sed -n "/<th scope=\"row\"[^>]*>$1<\/th>/,/<\/tr>/p" "$P"
}
row "Tập huấn trực tuyến" > "$TMP/row2"
row "Xây dựng tài liệu" > "$TMP/row1"
row "Báo cáo kết quả" > "$TMP/row3"
check "named activity: reported" contains "$TMP/row2" '<span class="status status-reported">Đã có minh chứng</span>'
check "named activity: lists its evidence article" contains "$TMP/row2" 'href="/tin-tuc/dong-thai/giao-vien-du-tap-huan-truc-tuyen/"'
check "activity without evidence past its due month: overdue" contains "$TMP/row1" 'status-overdue'
check "done activity stays done" contains "$TMP/row3" 'status-done'
check "progress on the plan page" contains "$P" '<span class="status status-reported">Đã có minh chứng: 1</span>'
check "progress counts overdue" contains "$P" '<span class="status status-overdue">Quá hạn: 1</span>'
check "progress counts done" contains "$P" '<span class="status status-done">Đã hoàn thành: 1</span>'
check "progress counts upcoming" contains "$P" '<span class="status status-upcoming">Sắp tới: 1</span>'
check "home page: how many are overdue" contains public/index.html '<span class="status status-overdue">Quá hạn</span> 1 hoạt động quá hạn'
check "home page: a reported activity is not due soon" lacks public/index.html 'Tập huấn trực tuyến'
check "home page: the upcoming one is due soon" contains public/index.html 'Tổng kết'
tr -d '\r' < public/ke-hoach/lich.ics | sed -e ':a' -e '$!N;s/\n //;ta' -e 'P;D' > "$TMP/ics"
check "lich.ics: the reported status" grep -q 'SUMMARY:Tập huấn trực tuyến' "$TMP/ics"
check "lich.ics: status in the description" grep -q 'Trạng thái: Đã có minh chứng' "$TMP/ics"
check "lich.ics: overdue status" grep -q 'Trạng thái: Quá hạn' "$TMP/ics"

# an article becomes evidence later: the activity turns reported
write "$R/content/news/dong-thai/tai-lieu.md" <<'MD'
---
title: "Hoàn thành tài liệu"
date: 2023-03-20
activity: ["175/kh-bgdđt#1"]
---
Bài.
MD
commit "$R" "2023-04-12T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Minh chứng 1"
"$LOA" build --out public --now 2023-06-01 > "$TMP/out" 2>&1
row "Xây dựng tài liệu" > "$TMP/row1"
check "another case of the number still matches: reported" contains "$TMP/row1" 'status-reported'
check "incremental build: evidence listed" contains "$TMP/row1" 'href="/tin-tuc/dong-thai/hoan-thanh-tai-lieu/"'
check "home page: no overdue activity left" lacks public/index.html 'hoạt động quá hạn'

# wrong references beside a right one (written with spaces around it)
write "$R/content/news/dong-thai/sai.md" <<'MD'
---
title: "Bài ghi sai"
date: 2023-04-20
activity:
  - "175/KH-BGDĐT#9"
  - "157/KH-BGDĐT#2"
  - "175 / KH-BGDĐT#4"
  - "175/KH-BGDĐT"
---
Bài.
MD
commit "$R" "2023-04-13T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Sai"
"$LOA" build --out public --now 2023-06-01 > "$TMP/out" 2>&1
st=$?
cat "$TMP/out"
check "unknown references: published anyway (exit 0)" [ "$st" -eq 0 ]
check "unknown activity: warned at file:line with the closest" grep -qF \
	"content/news/dong-thai/sai.md:5:5: warning: unknown activity '175/KH-BGDĐT#9' (closest: '175/KH-BGDĐT#1' \"Xây dựng tài liệu\", content/plans/ke-hoach-175.md:6)" "$TMP/out"
check "unknown plan: warned at file:line with the closest plan" grep -qF \
	"content/news/dong-thai/sai.md:6:5: warning: unknown plan '157/KH-BGDĐT' in 'activity' (closest: '175/KH-BGDĐT', content/plans/ke-hoach-175.md)" "$TMP/out"
check "a reference without #: warned" grep -qF \
	"content/news/dong-thai/sai.md:8:5: warning: 'activity' must be written PLAN-NUMBER#ACTIVITY-ID" "$TMP/out"
row "Tổng kết" > "$TMP/row4"
check "known reference in a list with wrong ones: reported" contains "$TMP/row4" 'status-reported'
"$LOA" build --lang vi --out "$TMP/pub-vi" --now 2023-06-01 > "$TMP/out-vi" 2>&1
check "the warning in Vietnamese" grep -qF "không có hoạt động '175/KH-BGDĐT#9' (gần nhất: '175/KH-BGDĐT#1'" "$TMP/out-vi"

# the evidence removed: the next (incremental) build shows the activity overdue again
write "$R/content/news/dong-thai/tap-huan.md" <<'MD'
---
title: "Giáo viên dự tập huấn trực tuyến"
date: 2023-04-10
---
Bài.
MD
commit "$R" "2023-04-14T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Bỏ minh chứng"
"$LOA" build --out public --now 2023-06-01 > "$TMP/out" 2>&1
row "Tập huấn trực tuyến" > "$TMP/row2"
check "evidence removed: overdue again" contains "$TMP/row2" 'status-overdue'
check "evidence removed: the article no longer listed" lacks "$TMP/row2" 'giao-vien-du-tap-huan-truc-tuyen'
finish
