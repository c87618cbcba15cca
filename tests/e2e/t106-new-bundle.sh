# loa new --bundle (issue 15, point 2): the article with its photos is made
# by one command, as a folder NAME/index.md; a page is never made in its
# other shape beside an existing one (NAME.md and NAME/index.md would
# publish one URL twice and both be rejected), and a bundle made this way
# takes its photos without any warning.
. "$(dirname "$0")/lib.sh"
unset LOA_LANG
R="$TMP/site"
basic_site "$R"
cd "$R"
new() { "$LOA" new "$@" --now 2023-09-28 > "$TMP/out" 2> "$TMP/err"; }

new news "Bé vui Tết Trung thu" --school dong-thai --bundle
check "news --bundle: exit 0" [ $? -eq 0 ]
check "news --bundle: prints the folder's index.md" grep -qxF "./content/news/dong-thai/be-vui-tet-trung-thu/index.md" "$TMP/out"
check "news --bundle: front matter dated today" grep -qx "date: 2023-09-28" content/news/dong-thai/be-vui-tet-trung-thu/index.md
check "news --bundle: no flat file" [ ! -e content/news/dong-thai/be-vui-tet-trung-thu.md ]

new news "Bé vui Tết Trung thu" --school dong-thai
check "the flat shape beside the bundle is refused (exit 2)" [ $? -eq 2 ]
check "the refusal names the existing file, in Vietnamese" \
	grep -qF "content/news/dong-thai/be-vui-tet-trung-thu/index.md: lỗi: bài này đã có: hãy sửa tệp này" "$TMP/err"
check "no flat file was written" [ ! -e content/news/dong-thai/be-vui-tet-trung-thu.md ]

new news "Họp phụ huynh" --school an-duong
check "a flat article: exit 0" [ $? -eq 0 ]
check "the flat article's skeleton points to --bundle for photos" grep -q -- "--bundle" content/news/an-duong/hop-phu-huynh.md
new news "Họp phụ huynh" --school an-duong --bundle
check "the bundle shape beside a flat article is refused (exit 2)" [ $? -eq 2 ]
check "no bundle folder was made" [ ! -e content/news/an-duong/hop-phu-huynh ]
new news "Bé vui Tết Trung thu" --school dong-thai --bundle
check "the same bundle twice: not overwritten (exit 2)" [ $? -eq 2 ]

new school "Mầm non Hoa Sen" --bundle
check "school --bundle" [ -f content/schools/mam-non-hoa-sen/index.md ]
new plan "Kế hoạch truyền thông 2024" --bundle
check "plan --bundle" [ -f content/plans/ke-hoach-truyen-thong-2024/index.md ]
rm -r content/schools/mam-non-hoa-sen content/plans/ke-hoach-truyen-thong-2024

# a photo in the bundle: published with the article, no warning
python3 -c '
import struct, sys, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
raw = b"".join(b"\0" + b"\xff\x80\x00" * 4 for _ in range(4))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)) +
    chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))' content/news/dong-thai/be-vui-tet-trung-thu/den.png
sed -i 's/^Viết nội dung bài ở đây.*/![Các bé rước đèn](den.png)/' content/news/dong-thai/be-vui-tet-trung-thu/index.md
"$LOA" check --worktree --now 2023-09-28 > /dev/null 2> "$TMP/check"
st=$?
cat "$TMP/check"
check "loa check: exit 0" [ "$st" -eq 0 ]
check "loa check: no warning (no shared URL, no photo outside a bundle)" grep -q " 0 lỗi, 0 cảnh báo" "$TMP/check"
"$LOA" build --worktree --out public --now 2023-09-28 > /dev/null 2>&1
check "the photo is published beside the article" [ -f public/tin-tuc/dong-thai/be-vui-tet-trung-thu/den.png ]
finish
