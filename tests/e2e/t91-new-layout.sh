# `loa new` follows the site's content layout: it writes below site.yaml's
# content.dir (not always content/), dates the skeleton in the site's time
# zone (not always Asia/Ho_Chi_Minh), and the skeletons it writes there
# build. The content layout is site/layout.h's, shared with the loader.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
new_repo "$R"
write "$R/site.yaml" <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/"
timezone: "America/Los_Angeles"
content:
  dir: noi-dung
YAML
write "$R/noi-dung/schools/dong-thai.md" <<'MD'
---
title: "Trường Mầm non Đồng Thái"
---
Trường.
MD
commit "$R" "2023-09-01T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Nội dung"
cd "$R"
# 08:00 in Hà Nội on the 20th is 18:00 on the 19th in Los Angeles
NOW=2023-09-20T08:00:00+07:00
out=$("$LOA" new news "Bé vui Tết Trung thu" --school dong-thai --now "$NOW")
check "new news goes below content.dir" [ "$out" = "./noi-dung/news/dong-thai/be-vui-tet-trung-thu.md" ]
check "nothing is written in content/" test ! -e content
check "new news is dated in the site's time zone" \
	contains noi-dung/news/dong-thai/be-vui-tet-trung-thu.md "date: 2023-09-19"
out=$("$LOA" new plan "Kế hoạch tập huấn" --now "$NOW")
check "new plan goes below content.dir" [ "$out" = "./noi-dung/plans/ke-hoach-tap-huan.md" ]
check "new plan is issued in the site's time zone" \
	contains noi-dung/plans/ke-hoach-tap-huan.md "issued: 2023-09-19"
out=$("$LOA" new school "Trường Mầm non Hoa Sen")
check "new school goes below content.dir" [ "$out" = "./noi-dung/schools/truong-mam-non-hoa-sen.md" ]
"$LOA" new news "Bài" --school khong-co 2> "$TMP/err"
check "an unknown school is refused" [ $? -eq 2 ]
check "the refusal names the school file below content.dir" \
	contains "$TMP/err" "noi-dung/schools/khong-co.md"
"$LOA" build --worktree --out public --now 2023-10-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "the skeletons build cleanly" [ "$st" -eq 0 ]
check "the new article is published" test -s public/tin-tuc/dong-thai/be-vui-tet-trung-thu/index.html

# a broken site.yaml is reported, not ignored
printf 'title: [\n' > site.yaml
"$LOA" new news "Bài khác" --now "$NOW" 2> "$TMP/err"
check "new stops on a broken site.yaml" [ $? -eq 2 ]
check "the broken site.yaml is named" contains "$TMP/err" "site.yaml"
finish
