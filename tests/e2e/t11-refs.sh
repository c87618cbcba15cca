# Content read straight from git: any branch, tag or commit, bare
# repositories, and --worktree for uncommitted edits.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
git tag v1
first=$(git rev-parse HEAD)
git checkout -q -b draft-branch
write content/news/dong-thai/moi.md <<'MD'
---
title: "Bài trên nhánh"
date: 2023-04-01
---
Nhánh.
MD
commit "$R" "2023-04-02T08:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Bài mới"
git checkout -q main
B=public/tin-tuc/dong-thai/bai-tren-nhanh/index.html
"$LOA" build --out public --now 2023-06-01 --quiet
check "HEAD (main) lacks the branch's article" test ! -e "$B"
"$LOA" build --ref draft-branch --out public --now 2023-06-01 --quiet
check "--ref BRANCH builds the branch without checkout" test -s "$B"
check "work tree untouched by --ref" test ! -e content/news/dong-thai/moi.md
"$LOA" build --ref v1 --out public --now 2023-06-01 --quiet
check "--ref TAG" test ! -e "$B"
"$LOA" build --ref "$first" --out public --now 2023-06-01 --quiet
check "--ref COMMIT" test -s public/truong/dong-thai/index.html

git clone -q --bare "$R" "$TMP/bare.git"
cd "$TMP"
"$LOA" build --repo "$TMP/bare.git" --ref draft-branch --out "$TMP/www" --now 2023-06-01 --quiet
check "bare repository with --repo and --ref" test -s "$TMP/www/tin-tuc/dong-thai/bai-tren-nhanh/index.html"

cd "$R"
write content/news/dong-thai/chua-commit.md <<'MD'
---
title: "Bản nháp chưa commit"
date: 2023-05-01
---
Chưa commit.
MD
"$LOA" build --out public --now 2023-06-01 --quiet
check "HEAD build ignores uncommitted files" test ! -e public/tin-tuc/dong-thai/ban-nhap-chua-commit/index.html
"$LOA" build --worktree --out public --now 2023-06-01 --quiet
check "--worktree builds uncommitted files" test -s public/tin-tuc/dong-thai/ban-nhap-chua-commit/index.html
"$LOA" build --ref no-such-ref --out public --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
check "unknown ref exits 2" [ "$st" -eq 2 ]
check "unknown ref is named" contains "$TMP/err" "no-such-ref"
finish
