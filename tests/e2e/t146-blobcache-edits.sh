#!/bin/sh
# The load's table of parsed content files by blob id (issue #14 point 1,
# site/site_blobs.h): through a series of commits, each rebuild into the
# same output (with the cache) gives the site, the warnings and errors and
# the exit status of a build with --no-cache, while it does take unchanged
# files from the table: edits of front matter, of a body only, a file
# renamed (its blob at a new path: slug, URL, school and section come
# from the path), a blob copied to a second path, YAML, TOML and JSON
# front matter, a file whose front matter is an error and one with a
# warning (both said again on every build, with file:line).
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
write "$S/content/news/dong-thai/toml.md" <<'MD'
+++
title = "Bài TOML"
date = 2023-03-05
tags = ["dinh dưỡng", "toml"]
+++
Thân bài TOML.
MD
write "$S/content/news/an-duong/json.md" <<'MD'
{"title": "Bài JSON", "date": "2023-03-06", "tags": ["json"]}
Thân bài JSON.
MD
commit "$S" "2023-03-03T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Thêm"

NOW=2023-05-20
INC="$TMP/inc/public"
mkdir -p "$TMP/inc"
step=0
# build_both NAME: the cached rebuild and a --no-cache build, compared
build_both() {
	step=$((step + 1))
	LOA_TIMINGS=1 "$LOA" build --allow-removal --repo "$S" --out "$INC" --now "$NOW" \
		> /dev/null 2> "$TMP/inc.log"
	echo $? > "$TMP/inc.rc"
	rm -rf "$TMP/full"
	mkdir -p "$TMP/full"
	"$LOA" build --repo "$S" --out "$TMP/full/public" --now "$NOW" --no-cache \
		> /dev/null 2> "$TMP/full.log"
	echo $? > "$TMP/full.rc"
	# diagnostics only: not the summary lines with times and cache counts
	grep -v '^loa: ' "$TMP/inc.log" > "$TMP/inc.diags"
	grep -v '^loa: ' "$TMP/full.log" > "$TMP/full.diags"
	check "$1: the same site as --no-cache" diff -r "$INC" "$TMP/full/public"
	check "$1: the same diagnostics as --no-cache" diff "$TMP/inc.diags" "$TMP/full.diags"
	check "$1: the same exit status" cmp -s "$TMP/inc.rc" "$TMP/full.rc"
}
# parsed N: the table gave N files at the last cached build
parsed() { sed -n 's/.*parsed from *\([0-9]*\) of .*/\1/p' "$TMP/inc.log"; }
at() { commit "$S" "2023-04-$1T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" "$2"; }

build_both "first build"
check "the first build parses every file" test "$(parsed)" = 0
check "no cache folder with --no-cache" test ! -e "$TMP/full/.loa-cache"

# front matter edited: the new title everywhere, the old one nowhere
sed -i 's/^title: "Hội thảo chuyển đổi số"$/title: "Hội thảo số hoá"/' \
	"$S/content/news/an-duong/hoi-thao.md"
at 01 "Sửa tiêu đề"
build_both "front matter edited"
check "unchanged files come from the table" test "$(parsed)" -ge 6
check "the new title is published" grep -rqF "Hội thảo số hoá" "$INC"
check "the old title is gone" sh -c "! grep -rqF 'Hội thảo chuyển đổi số' '$INC'"

# a body edited: its new text in the page and the search index
sed -i 's/^Hội thảo\.$/Hội thảo về học liệu số./' "$S/content/news/an-duong/hoi-thao.md"
at 02 "Sửa thân bài"
build_both "body edited"
check "the new body is published" grep -rqF "Hội thảo về học liệu số." "$INC"

# the TOML file renamed into the other school's folder, bytes unchanged:
# the same blob, a new school and URL
check "the TOML page is under its school" test -f "$INC/tin-tuc/dong-thai/bai-toml/index.html"
git -C "$S" mv content/news/dong-thai/toml.md content/news/an-duong/bai-toml-moi.md
at 03 "Đổi tên"
build_both "file renamed"
check "the renamed file is parsed from the table" test "$(parsed)" -ge 7
check "the page is at its new URL" test -f "$INC/tin-tuc/an-duong/bai-toml/index.html"
check "not at its old one" test ! -e "$INC/tin-tuc/dong-thai/bai-toml/index.html"

# the JSON file moved the other way, keeping its name
check "the JSON page is under its school" test -f "$INC/tin-tuc/an-duong/bai-json/index.html"
git -C "$S" mv content/news/an-duong/json.md content/news/dong-thai/json.md
at 04 "Chuyển trường"
build_both "moved to another school"
check "the page is under its new school" test -f "$INC/tin-tuc/dong-thai/bai-json/index.html"
check "not under the old one" test ! -e "$INC/tin-tuc/an-duong/bai-json/index.html"

# one blob at two paths: a page in each school
cp "$S/content/news/dong-thai/bua-an.md" "$S/content/news/an-duong/bua-an.md"
at 05 "Bản sao"
build_both "one blob at two paths"
check "both copies are published" sh -c "grep -rlF 'Bữa ăn bán trú' '$INC/tin-tuc/an-duong' | grep -q index.html && grep -rlF 'Bữa ăn bán trú' '$INC/tin-tuc/dong-thai' | grep -q index.html"

# a front matter error and a warning, then a commit that changes neither
write "$S/content/news/dong-thai/hong.md" <<'MD'
---
title: "Thiếu ngoặc
date: 2023-04-01
---
Thân.
MD
write "$S/content/news/dong-thai/canh-bao.md" <<'MD'
---
title: Lớp vui #1
date: 2023-04-02
---
Thân bài có cảnh báo.
MD
at 06 "Lỗi"
build_both "a front matter error and a warning"
check "the error names its file and line" grep -qF "content/news/dong-thai/hong.md:" "$TMP/inc.diags"
check "the warning names its file and line" grep -qF "content/news/dong-thai/canh-bao.md:2" "$TMP/inc.diags"
echo "Thêm một dòng." >> "$S/content/schools/an-duong.md"
at 07 "Sửa trang trường"
build_both "the error and the warning again"
check "the error is said again" grep -qF "content/news/dong-thai/hong.md:" "$TMP/inc.diags"
check "the warning is said again" grep -qF "content/news/dong-thai/canh-bao.md:2" "$TMP/inc.diags"
check "the rest came from the table" test "$(parsed)" -ge 7

# the error fixed
sed -i 's/^title: "Thiếu ngoặc$/title: "Đủ ngoặc"/' "$S/content/news/dong-thai/hong.md"
at 08 "Sửa lỗi"
build_both "the error fixed"
check "the fixed page is published" grep -rqF "Đủ ngoặc" "$INC"

finish
