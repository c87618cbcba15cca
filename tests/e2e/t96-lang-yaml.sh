# t96 — the common front matter mistakes in plain words (issue #15,
# point 1): a colon or a '#' in an unquoted value, a Tab used to indent, a
# quote never closed, a missing closing '---', TOML text without quotes;
# each names file:line:col and the line to write instead, in Vietnamese by
# default and with --lang vi, in English with --lang en; site.yaml too.
. "$(dirname "$0")/lib.sh"
unset LOA_LANG
R="$TMP/site"
basic_site "$R"
N=content/news/dong-thai
printf -- '---\ntitle: Bé vui: ngày hội\ndate: 2023-04-01\n---\nNội dung.\n' > "$R/$N/hai-cham.md"
printf -- '---\ntitle: Lớp Lá #2 vui Trung thu\ndate: 2023-04-01\n---\nNội dung.\n' > "$R/$N/thang.md"
printf -- '---\ntitle: #Bé vui\ndate: 2023-04-01\n---\nNội dung.\n' > "$R/$N/thang-dau.md"
printf -- '---\ntitle: "Tab"\n\tdate: 2023-04-01\n---\nNội dung.\n' > "$R/$N/tab.md"
printf -- '---\ntitle: "Thiếu ngoặc\ndate: 2023-04-01\n---\nNội dung.\n' > "$R/$N/ngoac.md"
printf -- '---\ntitle: "Thiếu dòng đóng"\ndate: 2023-04-01\nHôm nay các bé đi chơi.\n' > "$R/$N/thieu-dong.md"
printf -- '+++\ntitle = Bé vui\ndate = 2023-04-01\n+++\nNội dung.\n' > "$R/$N/toml-chu.md"
printf -- '+++\ntitle = "Bé vui\ndate = 2023-04-01\n+++\nNội dung.\n' > "$R/$N/toml-ngoac.md"
commit "$R" "2023-04-02T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Lỗi thường gặp"
cd "$R" || exit 1

"$LOA" check --now 2023-06-01 > /dev/null 2> "$TMP/vi"
st=$?
check "no --lang: exit 1 (pages rejected, the rest fine)" [ "$st" -eq 1 ]
"$LOA" check --lang vi --now 2023-06-01 > /dev/null 2> "$TMP/vi2"
# the same words (the summary's seconds aside)
same() { [ "$(grep -v '^loa: ' "$1")" = "$(grep -v '^loa: ' "$2")" ]; }
check "--lang vi says the same as the default" same "$TMP/vi" "$TMP/vi2"
"$LOA" check --lang en --now 2023-06-01 > /dev/null 2> "$TMP/en"
vi() { contains "$TMP/vi" "$1"; }
en() { contains "$TMP/en" "$1"; }

check "colon: file:line:col, plain Vietnamese, the line to write" \
	vi "$N/hai-cham.md:2:14: lỗi: giá trị có dấu hai chấm (': ') thì phải đặt cả giá trị trong dấu ngoặc kép, hãy viết: title: \"Bé vui: ngày hội\""
check "colon (en)" \
	en "$N/hai-cham.md:2:14: error: a colon (': ') inside a value needs quotes around the whole value: write title: \"Bé vui: ngày hội\""
check "colon: libyaml's words are gone" lacks "$TMP/vi" "mapping values"
check "'#' cuts a title: a warning at the '#', with the quoted line" \
	vi "$N/thang.md:2:15: cảnh báo: dấu '#' bắt đầu một ghi chú nên 'title' bị cắt trước nó; nếu '#' là một phần của nội dung, hãy viết: title: \"Lớp Lá #2 vui Trung thu\""
check "'#' cuts a title (en)" \
	en "$N/thang.md:2:15: warning: '#' starts a comment, so 'title' ends before it; if the '#' is part of the text, write title: \"Lớp Lá #2 vui Trung thu\""
check "'#' empties a title: the warning explains the missing title" \
	vi "$N/thang-dau.md:2:8: cảnh báo: dấu '#' bắt đầu một ghi chú nên 'title' bị bỏ trống; nếu '#' là một phần của nội dung, hãy viết: title: \"#Bé vui\""
check "'#' empties a title: and the title is missing" vi "$N/thang-dau.md:1: lỗi: thiếu mục bắt buộc 'title'"
check "Tab: file:line:col, plain Vietnamese" \
	vi "$N/tab.md:3:1: lỗi: dòng này thụt lề bằng phím Tab: phần đầu chỉ được thụt lề bằng dấu cách (hãy thay Tab bằng dấu cách)"
check "Tab (en)" en "$N/tab.md:3:1: error: a Tab is used to indent here: YAML indents with spaces only"
check "quote: named where it was opened, with the closed line" \
	vi "$N/ngoac.md:2:8: lỗi: dấu ngoặc mở ở đây chưa được đóng, hãy viết: title: \"Thiếu ngoặc\""
check "quote (en)" en "$N/ngoac.md:2:8: error: the quote opened here is never closed: write title: \"Thiếu ngoặc\""
check "missing '---': named where the front matter probably ended" \
	vi "$N/thieu-dong.md:4:1: lỗi: phần đầu (front matter) thiếu dòng '---' đóng: hãy thêm một dòng '---' trước dòng 4"
check "missing '---' (en)" en "$N/thieu-dong.md:4:1: error: front matter has no closing '---' line: add a line '---' before line 4"
check "TOML text without quotes" \
	vi "$N/toml-chu.md:2:9: lỗi: trong TOML, chữ phải đặt trong dấu ngoặc kép, hãy viết: title = \"Bé vui\""
check "TOML text without quotes (en)" en "$N/toml-chu.md:2:9: error: text needs double quotes in TOML: write title = \"Bé vui\""
check "TOML quote never closed" \
	vi "$N/toml-ngoac.md:2:16: lỗi: dấu ngoặc mở trên dòng này chưa được đóng, hãy viết: title = \"Bé vui\""
check "no toml++ words in Vietnamese" lacks "$TMP/vi" "Error while parsing"
# the summary line counts them, in the same language
check "the summary in Vietnamese" grep -q "^loa: đã kiểm tra: .* 7 lỗi, 2 cảnh báo" "$TMP/vi"
check "the summary in English" grep -q "^loa: checked: .* 7 errors, 2 warnings" "$TMP/en"

# ---- site.yaml: the same words, nothing published --------------------------
S="$TMP/site2"
basic_site "$S"
printf 'title: Trường Mầm non: Hoa Sen\nbase_url: "https://example.vn/"\n' > "$S/site.yaml"
commit "$S" "2023-04-03T10:00:00+07:00" "Phòng GD" "pgd@example.vn" "Tên trang"
cd "$S" || exit 1
"$LOA" build --now 2023-06-01 --out "$TMP/pub" > /dev/null 2> "$TMP/site.vi"
st=$?
check "site.yaml colon: exit 2" [ "$st" -eq 2 ]
check "site.yaml colon: plain Vietnamese at site.yaml:1:22" \
	contains "$TMP/site.vi" "site.yaml:1:22: lỗi: giá trị có dấu hai chấm (': ') thì phải đặt cả giá trị trong dấu ngoặc kép, hãy viết: title: \"Trường Mầm non: Hoa Sen\""
finish
