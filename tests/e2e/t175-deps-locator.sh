# A cached render's deps name each page it read by its index and a hash of
# its path, not the path (three quarters of the deps' bytes, in every
# cached object, worker reply and side object). The pages they name are
# found again: an article that read another's table is taken from the
# cache after that one's body is edited; and the output equals a full
# build after a page is added before them all.
. "$(dirname "$0")/lib.sh"
S="$TMP/site"
basic_site "$S"
NOW=2023-05-20
mkdir -p "$TMP/out"
OUT="$TMP/out/public"
BUILD_ENV=LOA_TIMINGS=jobs
rendered() { sed -n 's/^loa: timing: rendered //p' "$TMP/b.log" | sort; }
NEWS=tin-tuc/an-duong/hoi-thao-chuyen-doi-so/index.html

build
check "first build: exit 0" [ $? -eq 0 ]
check "the article shows its school" contains "$OUT/$NEWS" "Trường Mầm non An Dương"
deps=$(grep -ah '^[0-9]* [0-9a-f]\{16\}$' -r "$TMP/out/.loa-cache/render" | head -1)
check "deps lines are an index and a 16-digit hash" [ -n "$deps" ]
check "no deps line names a path" sh -c "! grep -aqr '^[0-9]* content/' '$TMP/out/.loa-cache/render'"

# another article's body edited: the article read its table (prev/next),
# not its body, and its school's: found by index and hash, from the cache
printf '\nThêm một câu.\n' >> "$S/content/news/dong-thai/bua-an.md"
commit "$S" "2023-04-01T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sửa bài"
build
check "a body edited: exit 0" [ $? -eq 0 ]
rendered > "$TMP/rendered"
check "the edited article is rendered" grep -qx "tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html" "$TMP/rendered"
check "the article that read its table: from the cache" sh -c "! grep -qx '$NEWS' '$TMP/rendered'"
same_as_full "a body edited: equals a full build"

# a school whose path sorts before an-duong: every index after it moves
write "$S/content/schools/a-an.md" <<'MD'
---
title: "Trường Mầm non A An"
district: "Huyện An Dương"
province: "Hải Phòng"
---
Trường mới.
MD
commit "$S" "2023-04-02T10:00:00+07:00" "Phòng GD" "pgd@example.vn" "Thêm trường"
build
check "a school added: exit 0" [ $? -eq 0 ]
same_as_full "a school added: equals a full build"
finish
