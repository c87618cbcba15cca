# Hostile front matter (HOSTILE.md §2 cases 9-16, issue 7): an alias bomb,
# YAML nested 10,000 deep, a python tag, a duplicate key, invalid UTF-8 in
# the front matter and the body, wrong types, impossible dates, no closing
# line, an empty file, a binary file named .md, a file over
# limits.file_size_kb; a BOM with CRLF line ends is accepted. Each bad file
# is an error naming file:line, the rest of the site is built, and nothing
# is written outside the output folder.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
cat >> site.yaml <<'YAML'
limits:
  file_size_kb: 64
YAML
N=content/news/dong-thai
python3 - "$N" <<'PY'
import sys
n = sys.argv[1]
def w(name, data):
    open(f"{n}/{name}", "wb").write(data if isinstance(data, bytes) else data.encode())
# 9: the 478-byte alias bomb, nine levels of nine aliases
bomb = "---\ntitle: \"Bom\"\ndate: 2023-01-01\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
prev = "a"
for c in "bcdefghi":
    bomb += f"{c}: &{c} [" + ",".join([f"*{prev}"] * 9) + "]\n"
    prev = c
w("bom-alias.md", bomb + "---\nx\n")
# 10: nesting 10,000 deep, flow and block style
w("sau-ngoac.md", "---\ntitle: \"Sâu\"\ndate: 2023-01-01\nx: " + "[" * 10000 + "\n---\nx\n")
w("sau-khoi.md", "---\ntitle: \"Sâu khối\"\ndate: 2023-01-01\nx:\n" + "- " * 10000 + "x\n---\nx\n")
# 11: a non-core tag
w("the-python.md", "---\ntitle: \"Thẻ\"\ndate: 2023-01-01\nx: !!python/object/apply:os.system [\"id\"]\n---\nx\n")
# 13: an invalid UTF-8 byte on line 5 of the file
w("utf8-hong.md", b"---\ntitle: \"UTF-8\"\ndate: 2023-01-01\ntags: [\"a\"]\nsummary: \"m\xff\xfe\"\n---\nx\n")
# 14: impossible dates
w("ngay-13.md", "---\ntitle: \"Tháng 13\"\ndate: 2023-13-01\n---\nx\n")
w("nam-5-so.md", "---\ntitle: \"Năm năm chữ số\"\ndate: 99999-01-01\n---\nx\n")
# 15: values typed by the schema, not by YAML's guesses
w("draft-no.md", "---\ntitle: \"Nháp\"\ndate: 2023-01-01\ndraft: no\n---\nx\n")
w("title-null.md", "---\ntitle: null\ndate: 2023-01-01\n---\nx\n")
w("title-list.md", "---\ntitle: [\"a\", \"b\"]\ndate: 2023-01-01\n---\nx\n")
w("tags-map.md", "---\ntitle: \"Thẻ sai kiểu\"\ndate: 2023-01-01\ntags: {a: 1}\n---\nx\n")
w("title-so.md", "---\ntitle: 1e3\ndate: 2023-01-04\n---\nTiêu đề là chữ 1e3.\n")
# 16: no closing line; BOM + CRLF accepted
w("khong-dong.md", "---\ntitle: \"Không đóng\"\ndate: 2023-01-01\nx\n")
w("bom-crlf.md", b"\xef\xbb\xbf---\r\ntitle: \"BOM v\xc3\xa0 CRLF\"\r\ndate: 2023-01-03\r\n---\r\nN\xe1\xbb\x99i dung CRLF.\r\n")
# an empty file, a binary file named .md, a file over the 64 KB limit
w("rong.md", b"")
w("nhi-phan.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
w("qua-lon.md", "---\ntitle: \"Quá lớn\"\ndate: 2023-01-01\n---\n" + "Chữ. " * 20000)
# invalid UTF-8 in the body: published with U+FFFD, and a warning; a NUL
# byte in the first 8 KB makes a binary file (as git decides), a NUL
# further on is replaced and warned about like invalid UTF-8
w("than-hong.md", b"---\ntitle: \"Th\xc3\xa2n h\xe1\xbb\x8fng\"\ndate: 2023-01-05\n---\nD\xc3\xb2ng m\xe1\xbb\x99t.\n\nBad \xff\xfe byte here.\n")
w("nul-xa.md", b"---\ntitle: \"NUL xa\"\ndate: 2023-01-06\n---\n" + b"Ch\xe1\xbb\xaf.\n" * 1200 + b"\nA NUL \x00 here.\n")
PY
commit "$R" "2023-03-05T08:00:00+07:00" "Trường" "x@example.vn" "YAML độc"

mkdir -p "$TMP/www"
touch "$TMP/marker"
start=$(date +%s)
"$LOA" build --out "$TMP/www/site" --now 2023-06-01 --jobs 2 2> "$TMP/err"
st=$?
end=$(date +%s)
cat "$TMP/err"
S="$TMP/www/site"
check "exit 1: published with rejections" [ "$st" -eq 1 ]
check "hostile YAML handled in under 20 s" [ $((end - start)) -lt 20 ]
# err FILE LINE NEEDLE: an error naming FILE:LINE whose message has NEEDLE
err() { grep -q "^$N/$1:$2\(:[0-9]*\)\{0,1\}: error: .*$3" "$TMP/err"; }
check "alias bomb: aliases rejected at the first alias (line 5)" err bom-alias.md 5 "alias"
check "10,000-deep flow nesting: 'too deep' at line 4" err sau-ngoac.md 4 "deep"
check "10,000-deep block nesting: 'too deep'" err sau-khoi.md "[0-9]*" "deep"
check "python tag rejected at line 4" err the-python.md 4 "tag"
check "invalid UTF-8 named at line 5, not libyaml's line 1" err utf8-hong.md 5 "UTF-8"
check "month 13 is an invalid date (line 3)" err ngay-13.md 3 "date"
check "five-digit year is an invalid date (line 3)" err nam-5-so.md 3 "date"
check "draft: no is not false (line 4)" err draft-no.md 4 "draft"
check "title: null is not a title" err title-null.md "[12]" "title"
check "a list is not a title (line 2)" err title-list.md 2 "title"
check "a map is not a tag list (line 4)" err tags-map.md 4 "tags"
check "front matter without a closing line: where it probably ended (line 4)" err khong-dong.md 4 "before line 4"
check "empty file: an error naming it" grep -q "^$N/rong.md:1: error: " "$TMP/err"
check "binary file named .md: an error naming it" grep -q "^$N/nhi-phan.md:1: error: .*binary" "$TMP/err"
check "file over limits.file_size_kb: 'too large'" grep -q "^$N/qua-lon.md:[0-9:]*[ ]*error: .*too large" "$TMP/err"
check "invalid bytes in the body: warning at line 7" grep -q "^$N/than-hong.md:7:[0-9]*: warning: .*UTF-8" "$TMP/err"
check "NUL after 8 KB of body: warning at line 1206" grep -q "^$N/nul-xa.md:1206:[0-9]*: warning: .*NUL" "$TMP/err"
check "NUL after 8 KB: the page is published" test -s "$S/tin-tuc/dong-thai/nul-xa/index.html"
check "no rejected page published" sh -c "! grep -rlq -e 'Bom' -e 'Sâu' -e 'Tháng 13' -e 'Quá lớn' -e 'Không đóng' '$S/tin-tuc/dong-thai'"
check "BOM + CRLF accepted and published" grep -rq "Nội dung CRLF" "$S/tin-tuc/dong-thai/bom-va-crlf/index.html"
check "title: 1e3 is the text 1e3" grep -q "1e3" "$S/tin-tuc/dong-thai/1e3/index.html"
check "body with bad bytes published with U+FFFD" grep -q "Bad �" "$S/tin-tuc/dong-thai/than-hong/index.html"
check "the rest of the site is built" test -s "$S/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html"
check "the other school is built" test -s "$S/tin-tuc/an-duong/hoi-thao-chuyen-doi-so/index.html"
check "the news list is built" test -s "$S/tin-tuc/index.html"
# nothing written outside the output folder: the work tree, .git, HOME and
# the output's parent are untouched (only the output and .loa-cache change)
find "$R" "$HOME" "$TMP/www" -newer "$TMP/marker" ! -path "$TMP/www" ! -path "$S" ! -path "$S/*" \
	! -path "$TMP/www/.loa-cache" ! -path "$TMP/www/.loa-cache/*" > "$TMP/touched"
cat "$TMP/touched"
check "nothing written outside the output folder" [ ! -s "$TMP/touched" ]
check "work tree clean" [ -z "$(git status --porcelain --ignored)" ]
check "nothing beside the output folder" [ -z "$(ls -A "$TMP/www" | grep -v -x -e site -e .loa-cache)" ]
finish
