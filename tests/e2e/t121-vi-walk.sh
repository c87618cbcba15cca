# t121 — a teacher's walk in Vietnamese, start to finish (issue 15, "Done
# when"): a new site as the README's "A site of your own" makes it, `loa
# new news … --bundle`, an iPhone HEIC photo and a broken photo in the
# bundle, a front matter mistake, `loa check`, `loa build`, `loa serve`
# with the mistake in the browser's banner, the fix committed on a branch,
# `loa review main..branch`. No --lang: Vietnamese is the default. Every
# line loa prints (stdout and stderr) and the banner's HTML is searched for
# words only English messages use; the user's own content, paths and
# option names hold none of them. Then the same broken photo with --lang en
# is still English.
. "$(dirname "$0")/lib.sh"
unset LOA_LANG
command -v vips > /dev/null || { echo "FAIL vips is needed"; exit 1; }
export TMPDIR="$TMP"
NOW=2023-09-30
O="$TMP/said" # everything loa printed, one file per step
mkdir -p "$O"
PID=""
trap 'if [ -n "$PID" ]; then kill -KILL "$PID" 2>/dev/null; fi; rm -rf "$TMP"' EXIT

# run STEP ARGS...: loa ARGS, stdout and stderr kept as $O/STEP; sets st
run() {
	step=$1
	shift
	"$LOA" "$@" > "$O/$step" 2>&1
	st=$?
}

# ---- a site of one's own (README) ---------------------------------------------
R="$TMP/truong-toi"
new_repo "$R"
cd "$R" || exit 1
write site.yaml <<'YAML'
title: "Mầm non Hoa Sen"
base_url: "https://hoasen.example.vn/"
schools:
  hoa-sen: { authors: ["bbt@hoasen.example.vn"] }
YAML
mkdir -p content/schools content/news/hoa-sen
printf -- '---\ntitle: "Trường Mầm non Hoa Sen"\nprovince: "Hà Nội"\n---\nGiới thiệu.\n' > content/schools/hoa-sen.md
printf -- '---\ntitle: "Ngày hội đến trường"\ndate: 2023-09-05\n---\nCác bé vui đón năm học mới.\n' > content/news/hoa-sen/ngay-hoi.md
printf 'public/\n.loa-cache/\n' > .gitignore
commit "$R" "2023-09-06T10:00:00+07:00" "Trường Hoa Sen" "bbt@hoasen.example.vn" "Nội dung đầu tiên"
run 01-build-first build --now "$NOW"
check "the first build is clean" [ "$st" -eq 0 ]

# ---- a new article with its photo folder ------------------------------------
git checkout -q -b bai-moi
run 02-new new news "Bé vui Tết Trung thu" --school hoa-sen --bundle --now "$NOW"
check "loa new succeeds" [ "$st" -eq 0 ]
A=content/news/hoa-sen/be-vui-tet-trung-thu
check "loa new made the bundle" [ -f "$A/index.md" ]
vips black "$TMP/b.v" 1200 900 --bands 3 && vips linear "$TMP/b.v" "$TMP/b.jpg" 1 120
vips copy "$TMP/b.jpg" "$A/IMG_0042.HEIC"
# a photo cut short in the copy: a JPEG's first bytes, then noise
{ printf '\377\330\377\340'; head -c 3000 /dev/zero | tr '\0' x; } > "$A/anh-hong.jpg"
printf '\n![Các bé rước đèn](IMG_0042.HEIC)\n\n![Ảnh hỏng](anh-hong.jpg)\n' >> "$A/index.md"
# the front matter mistake: a colon in an unquoted title
write content/news/hoa-sen/tham-quan.md <<'MD'
---
title: Tham quan: vườn rau
date: 2023-09-20
---
Các bé đi thăm vườn rau.
MD

run 03-check check --now "$NOW"
check "loa check finds the mistake and the broken photo" [ "$st" -ne 0 ]
check "check: the broken photo in Vietnamese" grep -q "anh-hong.jpg:1: lỗi: ảnh không được đăng: không đọc được ảnh" "$O/03-check"
check "check: the mistake with file:line:col" grep -q "tham-quan.md:2:[0-9]*: lỗi: " "$O/03-check"
run 04-build build --worktree --now "$NOW"
check "loa build publishes the rest (exit 1)" [ "$st" -eq 1 ]
check "build: the HEIC published as JPEG" [ -f public/tin-tuc/hoa-sen/be-vui-tet-trung-thu/IMG_0042.jpg ]

# ---- loa serve: the mistake in the browser ------------------------------------
"$LOA" serve --port 0 --jobs 1 --now "$NOW" > "$O/05-serve" 2>&1 &
PID=$!
n=600
while [ "$n" -gt 0 ] && ! grep -q 'http://127.0.0.1:[0-9]*/' "$O/05-serve"; do sleep 0.1; n=$((n - 1)); done
PORT=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$O/05-serve" | head -n 1)
n=600
while [ "$n" -gt 0 ] && ! grep -q 'loa serve: [0-9]* trang' "$O/05-serve"; do sleep 0.1; n=$((n - 1)); done
curl -s --max-time 10 "http://127.0.0.1:${PORT:-1}/" > "$TMP/page.html"
kill -INT "$PID"
n=100
while [ "$n" -gt 0 ] && kill -0 "$PID" 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
kill -KILL "$PID" 2>/dev/null
wait "$PID"
PID=""
# the banner's text: from its box to its script, without the markup
sed -n '/id="loa-serve-errors"/,/data-title=/p' "$TMP/page.html" | sed 's/<[^>]*>//g' > "$O/06-banner"
check "serve: the banner is in the page" grep -q "Lỗi khi dựng trang" "$O/06-banner"
check "serve: the broken photo in the banner, in Vietnamese" grep -q "ảnh không được đăng: không đọc được ảnh" "$O/06-banner"
check "serve: the mistake in the banner" grep -q "tham-quan.md:2:[0-9]*: lỗi: " "$O/06-banner"

# ---- fixed, committed on the branch, reviewed ------------------------------------
sed -i 's/^title: Tham quan: vườn rau$/title: "Tham quan: vườn rau"/' content/news/hoa-sen/tham-quan.md
rm "$A/anh-hong.jpg"
sed -i '/anh-hong.jpg/d' "$A/index.md"
run 07-check-fixed check --now "$NOW"
check "loa check after the fix: clean" [ "$st" -eq 0 ]
commit "$R" "2023-09-28T10:00:00+07:00" "Trường Hoa Sen" "bbt@hoasen.example.vn" "Bài Trung thu"
run 08-review review main..bai-moi --now "$NOW"
check "loa review: the branch can be merged" [ "$st" -eq 0 ]
check "review: one line for the article with its photo" grep -q '\[thêm\] hoa-sen · "Bé vui Tết Trung thu" · .* · 1 ảnh' "$O/08-review"
# a commit by an unregistered author: review flags it, in Vietnamese
echo "Thêm." >> content/news/hoa-sen/ngay-hoi.md
commit "$R" "2023-09-29T10:00:00+07:00" "Người lạ" "la@example.vn" "Sửa bài"
run 09-review-stranger review main..bai-moi --now "$NOW"
check "loa review flags the unregistered author" [ "$st" -ne 0 ]
git checkout -q main
git merge -q --ff-only bai-moi
run 10-build-merged build --now "$NOW"
check "the merged site builds clean" [ "$st" -eq 0 ]

# ---- no English word reached the teacher ------------------------------------------
# words only English messages use; none is a Vietnamese word, a path or an
# option name of this walk
DENY='the|is|are|not|no|cannot|could|error|errors|warning|warnings|image|images|file|files|page|pages|built|published|found|failed|read|unknown|invalid|missing|would|should|must|with|which|commit[s]? by|author|too|large|rename|folder|serving|stopped'
LC_ALL=C.UTF-8 grep -HniwE "$DENY" "$O"/* > "$TMP/english"
if [ -s "$TMP/english" ]; then
	echo "English reached the user:"
	sed 's/^/  /' "$TMP/english"
fi
check "no English word in anything loa printed or served" [ ! -s "$TMP/english" ]
check "the walk said something at each step" sh -c '[ "$(cat "$1"/* | wc -l)" -gt 20 ]' - "$O"

# ---- --lang en stays English ---------------------------------------------------------
{ printf '\377\330\377\340'; head -c 3000 /dev/zero | tr '\0' x; } > "$A/anh-hong.jpg"
"$LOA" check --lang en --now "$NOW" > "$TMP/en" 2>&1
check "en: the broken photo's reason in English" grep -q "anh-hong.jpg:1: error: image not published: cannot read the image" "$TMP/en"
check "en: no Vietnamese reason" lacks "$TMP/en" "không đọc được"
cp "$TMP/b.jpg" "$A/anh-hong.jpg"
cp "$TMP/b.jpg" "$A/sai-ten.png" # a JPEG named .png
"$LOA" check --now "$NOW" > "$TMP/vi" 2>&1
check "vi: a JPEG named .png, said in Vietnamese" grep -q "sai-ten.png:1: lỗi: ảnh không được đăng: tệp là ảnh JPEG nhưng tên tệp lại ghi PNG: hãy đổi tên tệp" "$TMP/vi"
"$LOA" check --lang en --now "$NOW" > "$TMP/en" 2>&1
check "en: the same in English" grep -q "sai-ten.png:1: error: image not published: the file is a JPEG image but its name says PNG: rename it" "$TMP/en"
finish
