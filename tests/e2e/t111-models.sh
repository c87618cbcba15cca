# Model practices by article (issue 16): an article names the models it
# shows (`models:`); a model page lists the schools running it (their school
# pages) and the articles naming it, newest first. Titles match folded
# (case, diacritics, NFC/NFD, spacing); a title close to another but not
# equal is a warning naming both files and lines.
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
models:
  - { title: "Xây dựng trường mầm non lấy trẻ làm trung tâm", year: "2022-2023" }
---
Trường.
MD
write "$R/content/schools/an-duong.md" <<'MD'
---
title: "Trường Mầm non An Dương"
---
Trường.
MD
write "$R/content/news/dong-thai/hoi-giang.md" <<'MD'
---
title: "Hội giảng lấy trẻ làm trung tâm"
date: 2023-03-01
models: ["XÂY DỰNG trường mầm non   lấy trẻ làm trung tâm"]
---
Bài.
MD
# the same title written in NFD (decomposed marks) by another school
nfd=$(printf 'Xa\314\202y du\314\233\314\243ng tru\314\233o\314\233\314\200ng ma\314\202\314\200m non la\314\202\314\201y tre\314\211 la\314\200m trung ta\314\202m')
write "$R/content/news/an-duong/chuyen-de.md" <<MD
---
title: "Chuyên đề cấp trường"
date: 2023-04-01
models:
  - "$nfd"
---
Bài.
MD
write "$R/content/news/dong-thai/khac.md" <<'MD'
---
title: "Bài không nói về mô hình"
date: 2023-05-01
---
Bài.
MD
commit "$R" "2023-05-02T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Mô hình"
cd "$R" || exit 1
"$LOA" build --out public --now 2023-06-01 > "$TMP/out" 2>&1
st=$?
cat "$TMP/out"
S=xay-dung-truong-mam-non-lay-tre-lam-trung-tam
M="public/mo-hinh/$S/index.html"
check "build: exit 0, no warning" [ "$st" -eq 0 ] && lacks "$TMP/out" ": warning:"
check "one model page for every spelling" [ "$(ls public/mo-hinh | grep -c '^xay-dung')" -eq 1 ]
check "model page lists the school running it" contains "$M" 'href="/truong/dong-thai/"'
check "model page lists an article naming it (case, spacing)" contains "$M" 'href="/tin-tuc/dong-thai/hoi-giang-lay-tre-lam-trung-tam/"'
check "model page lists an article naming it (NFD)" contains "$M" 'href="/tin-tuc/an-duong/chuyen-de-cap-truong/"'
check "model page leaves out articles not naming it" lacks "$M" 'Bài không nói về mô hình'
a=$(grep -n 'chuyen-de-cap-truong' "$M" | head -1 | cut -d: -f1)
b=$(grep -n 'hoi-giang-lay-tre' "$M" | head -1 | cut -d: -f1)
check "model page: newest first" [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]

# a near-duplicate: one letter more, after folding
write "$R/content/news/an-duong/typo.md" <<'MD'
---
title: "Bài gõ sai tên mô hình"
date: 2023-05-10
category: practice
models:
  - "Xây dựng trường mầm non lấy trẻ làm trung tâmm"
---
Bài.
MD
commit "$R" "2023-05-11T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Gõ sai"
"$LOA" build --out public --now 2023-06-01 > "$TMP/out" 2>&1
st=$?
cat "$TMP/out"
check "near-duplicate: still published (exit 0)" [ "$st" -eq 0 ]
check "near-duplicate: warned naming both files and lines" grep -qF \
	'content/news/an-duong/typo.md:6: warning: model "Xây dựng trường mầm non lấy trẻ làm trung tâmm" is close to "Xây dựng trường mầm non lấy trẻ làm trung tâm" (content/schools/dong-thai.md:4)' "$TMP/out"
check "near-duplicate: one warning" [ "$(grep -c 'is close to' "$TMP/out")" -eq 1 ]
"$LOA" build --lang vi --out "$TMP/vi" --now 2023-06-01 > "$TMP/out-vi" 2>&1
check "near-duplicate: in Vietnamese" grep -qF 'gần giống "Xây dựng trường mầm non lấy trẻ làm trung tâm" (content/schools/dong-thai.md:4)' "$TMP/out-vi"
# different models are not near-duplicates
write "$R/content/news/an-duong/typo.md" <<'MD'
---
title: "Bài về mô hình khác"
date: 2023-05-10
models: ["Bữa ăn hợp lý", "Bé vui khỏe"]
---
Bài.
MD
commit "$R" "2023-05-12T10:00:00+07:00" "Trung tâm" "tt@example.vn" "Sửa"
"$LOA" build --out public --now 2023-06-01 > "$TMP/out" 2>&1
check "distinct models: no warning" lacks "$TMP/out" 'is close to'
check "a model named by an article only gets a page" test -s public/mo-hinh/bua-an-hop-ly/index.html
finish
