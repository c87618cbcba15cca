# Hostile phone photos (trial): a HEIC whose header claims a huge size (a
# decompression bomb), one claiming more pixels than it holds, a truncated
# one, one zeroed past its header, a file named .heic that is text or a
# JPEG, an AVIF (branded "avif", and branded "mif1" as a HEIF so it passes
# the first bytes). Each is an error naming the file (or a JPEG named .heic
# that works as the photo it is), never a hang; the good HEIC and the page
# are published; the AVIF is refused, as the README says.
. "$(dirname "$0")/lib.sh"
unset LOA_LANG
command -v vips > /dev/null || { echo "FAIL vips is needed"; exit 1; }
R="$TMP/site"
basic_site "$R"
B="$R/content/news/dong-thai/anh"
mkdir -p "$B"
vips black "$TMP/b.v" 640 480 --bands 3 && vips linear "$TMP/b.v" "$TMP/b.jpg" 1 120
vips copy "$TMP/b.jpg" "$B/tot.heic"
vips copy "$TMP/b.jpg" "$TMP/a.avif"
python3 - "$B" "$TMP/a.avif" <<'PY'
import struct, sys
d = open(sys.argv[1] + '/tot.heic', 'rb').read()
i = d.find(b'ispe')
def claim(w, h, name):
    x = bytearray(d); x[i + 8:i + 16] = struct.pack('>II', w, h)
    open(sys.argv[1] + '/' + name, 'wb').write(x)
claim(29000, 29000, 'bom.heic')        # 841 megapixels, each side under 30,000
claim(100000, 100000, 'khong-lo.heic') # over the side cap
claim(16000, 16000, 'lon.heic')       # under libheif's 16384 a side, over 40 megapixels
claim(6000, 6000, 'noi-doi.heic')      # 36 megapixels claimed, 640x480 inside
open(sys.argv[1] + '/cut.heic', 'wb').write(d[:len(d) // 2])
open(sys.argv[1] + '/hong.heic', 'wb').write(d[:300] + bytes(len(d) - 300))
open(sys.argv[1] + '/chu.heic', 'wb').write(b'hello, not a photo\n')
a = open(sys.argv[2], 'rb').read()
open(sys.argv[1] + '/anh.avif', 'wb').write(a)
m = bytearray(a); m[8:12] = b'mif1'
open(sys.argv[1] + '/gia.heic', 'wb').write(m)
PY
cp "$TMP/b.jpg" "$B/that-ra-jpeg.heic"
{
	printf -- '---\ntitle: "Ảnh lạ"\ndate: 2023-09-28\n---\n'
	for f in tot bom khong-lo lon noi-doi cut hong chu gia that-ra-jpeg; do
		printf '![%s](%s.heic)\n\n' "$f" "$f"
	done
	printf '![avif](anh.avif)\n'
} > "$B/index.md"
commit "$R" "2023-09-28T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Ảnh lạ"
cd "$R"
timeout 120 "$LOA" build --lang en --out public --now 2026-11-23 > "$TMP/out" 2> "$TMP/err"
st=$?
cat "$TMP/err"
P=public/tin-tuc/dong-thai/anh-la
check "the build ends (no hang) and publishes with errors (exit 1)" [ "$st" -eq 1 ]
check "the page is published" [ -f "$P/index.html" ]
check "the good HEIC is published as a JPEG" [ -f "$P/tot.jpg" ]
for f in bom khong-lo lon noi-doi cut hong chu gia; do
	check "$f.heic: an error naming the file" grep -q "anh/$f.heic.*error\|error.*anh/$f.heic" "$TMP/err"
	check "$f.heic: nothing published" sh -c '[ ! -e "$1.jpg" ] && [ ! -e "$1.heic" ]' - "$P/$f"
done
check "the bomb is refused from its header, by its size" grep -q "bom.heic.*\(16384\|too large\|out of range\|megapixels\)" "$TMP/err"
check "the bomb's reason is libheif's size limit, not a bad seek" lacks "$TMP/err" "bom.heic:1: error: image not published: cannot read the image (source: bad seek"
check "over 40 megapixels: refused from the header by Loa's own cap" grep -q "lon.heic.*image too large: 16000x16000" "$TMP/err"
check "the AVIF is refused, naming the file" grep -q "anh/anh.avif" "$TMP/err"
check "the AVIF branded mif1 is refused too (README: AVIF is an error)" grep -q "gia.heic:1: error: .*AVIF" "$TMP/err"
check "a JPEG named .heic: an error or published as JPEG, never as .heic" [ ! -e "$P/that-ra-jpeg.heic" ]
finish
