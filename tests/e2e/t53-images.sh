# Content images: responsive variants made with libvips (never wider than
# the original), <img> with srcset, sizes, width, height and lazy loading,
# no EXIF/GPS/XMP in any published image, a cache keyed by blob id that a
# second build reuses without touching, and hostile "images" refused by
# name while the rest of the site builds.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
B=content/news/dong-thai/trung-thu
write "$B/index.md" <<'MD'
---
title: "Vui Tết Trung thu"
date: 2023-09-28
---
Các bé rước đèn.

![Các bé rước đèn ông sao](anh.jpg)

![Mâm cỗ "Trung thu" & bánh nướng](mam-co.png "Mâm cỗ")

![Đèn lồng](den.webp)

![Bé nhỏ](nho.jpg)

![](hong.jpg)
MD
# photos as a phone takes them: 1600×1200 stored, EXIF orientation 6
# (shown 1200×1600), the camera, a GPS position and an XMP packet
vips gaussnoise "$TMP/n.v" 1600 1200 --mean 128 --sigma 30
vips cast "$TMP/n.v" "$B/anh.jpg" uchar
vips gaussnoise "$TMP/m.v" 900 600 --mean 100 --sigma 20
vips cast "$TMP/m.v" "$B/mam-co.png" uchar
vips cast "$TMP/m.v" "$B/den.webp" uchar
vips black "$B/nho.jpg" 300 200
for f in "$B/anh.jpg" "$B/mam-co.png" "$B/den.webp"; do
	exiftool -q -overwrite_original -Make="Điện thoại cô giáo" -GPSLatitude=21.0285 \
		-GPSLatitudeRef=N -GPSLongitude=105.8542 -GPSLongitudeRef=E \
		-XMP:Creator="Cô Lan" "$f"
done
exiftool -q -overwrite_original -Orientation#=6 "$B/anh.jpg"
check "the test photo carries a GPS position" sh -c "exiftool -s -s -s -GPSLatitude '$B/anh.jpg' | grep -q 21"
# hostile ones: JPEG magic then garbage; HTML named .png; an AVIF; a PNG named .jpg
{ printf '\377\330\377\340'; head -c 3000 /dev/urandom; } > "$B/hong.jpg"
printf '<html><script>alert(1)</script>' > "$B/trang.png"
printf '\0\0\0\034ftypavif' > "$B/anh.avif"
cp "$B/mam-co.png" "$B/doi-ten.jpg"
commit "$R" "2023-09-29T08:00:00+07:00" "Trường" "x@example.vn" "ảnh"

"$LOA" build --out public --now 2023-10-01 --jobs 2 2> "$TMP/err"
st=$?
cat "$TMP/err"
P=public/tin-tuc/dong-thai/vui-tet-trung-thu
H="$P/index.html"
check "published with the bad images rejected (exit 1)" [ "$st" -eq 1 ]
check "the page is published" test -s "$H"
check "the rest of the site is built" test -s public/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html

# variants: 480 and 960 of a photo 1200 wide once upright; no 1440 (wider
# than the original), no upscaling of the 900-wide PNG beyond 480
check "original published" test -s "$P/anh.jpg"
check "480 variant" test -s "$P/anh-480w.jpg"
check "960 variant" test -s "$P/anh-960w.jpg"
check "no variant wider than the original" test ! -e "$P/anh-1440w.jpg"
check "png variant" test -s "$P/mam-co-480w.png"
check "png not upscaled" test ! -e "$P/mam-co-960w.png"
check "webp variant" test -s "$P/den-480w.webp"
check "variant has its width" sh -c "vipsheader -f width '$P/anh-960w.jpg' | grep -qx 960"
check "variant keeps the upright aspect" sh -c "vipsheader -f height '$P/anh-960w.jpg' | grep -qx 1280"
check "original rotated upright" sh -c "vipsheader -f height '$P/anh.jpg' | grep -qx 1600"

# the <img>
tr '\n' ' ' < "$H" | grep -o '<img [^>]*>' > "$TMP/imgs"
cat "$TMP/imgs"
IMG='<img src="/tin-tuc/dong-thai/vui-tet-trung-thu/anh.jpg" alt="Các bé rước đèn ông sao" width="1200" height="1600" srcset="/tin-tuc/dong-thai/vui-tet-trung-thu/anh-480w.jpg 480w, /tin-tuc/dong-thai/vui-tet-trung-thu/anh-960w.jpg 960w, /tin-tuc/dong-thai/vui-tet-trung-thu/anh.jpg 1200w" sizes="(max-width: 62rem) calc(100vw - 2rem), 60rem" loading="lazy" decoding="async" />'
check "img has srcset, sizes, width, height, lazy loading" contains "$TMP/imgs" "$IMG"
check "alt and title escaped" contains "$TMP/imgs" 'alt="Mâm cỗ &quot;Trung thu&quot; &amp; bánh nướng" title="Mâm cỗ" width="900" height="600"'
grep -o '/tin-tuc/[^ "]*-[0-9]*w\.[a-z]*' "$TMP/imgs" > "$TMP/variant-urls"
check "srcsets name the variants" test "$(wc -l < "$TMP/variant-urls")" -eq 4
check "every srcset URL is published" sh -c "while read -r u; do test -s \"public\$u\" || exit 1; done < '$TMP/variant-urls'"

# no metadata in anything published
exiftool -r -a -G1 -s -ext jpg -ext png -ext webp -ext gif public > "$TMP/meta-all"
awk '/^========/ { f = $0; next }
     /^\[(GPS|IFD0|IFD1|ExifIFD|InteropIFD|XMP|XMP-[a-zA-Z]+|IPTC|ICC_Profile|ICC-header)\]/ { if (f) print f; f = ""; print }' \
	"$TMP/meta-all" > "$TMP/meta"
cat "$TMP/meta"
check "no EXIF, GPS or XMP in any published image" [ ! -s "$TMP/meta" ]
check "the position is nowhere in the bytes" sh -c "! grep -rqa 'GPSLatitude\|Cô Lan' public"

# hostile files: named, not published, the page still built
check "corrupt jpeg named" grep -q "^content/news/dong-thai/trung-thu/hong.jpg:1: error: image not published: cannot read the image" "$TMP/err"
check "its Markdown line warned" grep -q "^content/news/dong-thai/trung-thu/index.md:15:1: warning: image '/tin-tuc/dong-thai/vui-tet-trung-thu/hong.jpg' is not published" "$TMP/err"
check "image without alt text still a warning at its line" grep -q "^content/news/dong-thai/trung-thu/index.md:15:1: warning: image without alt text" "$TMP/err"
check "corrupt jpeg not published" test ! -e "$P/hong.jpg"
check "html named .png refused by its bytes" grep -q "trung-thu/trang.png:1: error: image not published: not a JPEG, PNG, WebP, GIF or HEIC image" "$TMP/err"
check "html named .png not published" test ! -e "$P/trang.png"
check "avif refused" grep -q "trung-thu/anh.avif:1: error: image not published: only JPEG, PNG, WebP, GIF and HEIC images are published" "$TMP/err"
check "png named .jpg refused" grep -q "trung-thu/doi-ten.jpg:1: error: image not published: the file is a PNG image but its name says JPEG" "$TMP/err"

# the cache: one entry per accepted image, beside the output. Each build
# below writes a new output folder, so that no whole-build shortcut can
# stand in for the image stage.
C=.loa-cache/images
check "cache beside the output" test "$(ls "$C" | wc -l)" -eq 4
check "a small image gets its size but no srcset" contains "$TMP/imgs" 'alt="Bé nhỏ" width="300" height="200" loading="lazy" decoding="async" />'
sums() { (cd "$1" && find . -type f -name '*.*' ! -name '*.html' -exec sha1sum {} + | sort); }
ls -li --time-style=+%s.%N "$C" > "$TMP/cache1"
sums public > "$TMP/sums1"
sleep 1
"$LOA" build --out out2 --now 2023-10-01 --jobs 2 2> "$TMP/err2"
cat "$TMP/err2"
ls -li --time-style=+%s.%N "$C" > "$TMP/cache2"
sums out2 > "$TMP/sums2"
check "second build leaves the cache untouched (inodes, times)" cmp -s "$TMP/cache1" "$TMP/cache2"
check "second build publishes the same bytes" cmp -s "$TMP/sums1" "$TMP/sums2"
check "second build still reports the corrupt jpeg" grep -q "hong.jpg:1: error: image not published" "$TMP/err2"

# proof that the cache is read, not bypassed: put the small JPEG's entry
# under the big one's key; the next build publishes what the cache says
key_of() { (cd "$C" && for k in *; do head -c 40 "$k" | grep -q "^$1" && echo "$k"; done); }
BIG=$(key_of 'LOAIMG1 1 1200 1600 ')
SMALL=$(key_of 'LOAIMG1 1 300 200 ')
PNGKEY=$(key_of 'LOAIMG1 2 ')
WEBPKEY=$(key_of 'LOAIMG1 3 ')
check "one cache entry per image" test -n "$BIG" -a -n "$SMALL" -a -n "$PNGKEY" -a -n "$WEBPKEY"
cp "$C/$BIG" "$TMP/big-entry"
cp "$C/$SMALL" "$C/$BIG"
"$LOA" build --out out3 --now 2023-10-01 2> /dev/null
P3=out3/tin-tuc/dong-thai/vui-tet-trung-thu
check "a cache hit is served as it is" sh -c "vipsheader -f width '$P3/anh.jpg' | grep -qx 300"
check "and its facts with it" grep -q 'anh.jpg" alt="Các bé rước đèn ông sao" width="300" height="200"' "$P3/index.html"
# --no-cache neither reads the image cache (the poisoned entry is not
# served) nor writes it (no entry for the images comes back)
# a writer's leftover, old enough for a build that opens the cache to remove
: > "$C/.tmp-left-over"
touch -d '2 days ago' "$C/.tmp-left-over"
ls -lia --time-style=+%s.%N "$C" > "$TMP/cache-before-nocache"
"$LOA" build --out out3n --now 2023-10-01 --no-cache 2> /dev/null
check "--no-cache reads no image cache" sh -c "vipsheader -f width 'out3n/tin-tuc/dong-thai/vui-tet-trung-thu/anh.jpg' | grep -qx 1200"
ls -lia --time-style=+%s.%N "$C" > "$TMP/cache-after-nocache"
check "--no-cache leaves the image cache as it was, leftover included" cmp -s "$TMP/cache-before-nocache" "$TMP/cache-after-nocache"
rm -f "$C/.tmp-left-over"
mv "$C" "$TMP/images-aside"
"$LOA" build --out out3m --now 2023-10-01 --no-cache 2> /dev/null
check "--no-cache writes no image cache" test ! -e "$C"
check "--no-cache publishes the images all the same" cmp -s out3n/tin-tuc/dong-thai/vui-tet-trung-thu/den.webp out3m/tin-tuc/dong-thai/vui-tet-trung-thu/den.webp
mv "$TMP/images-aside" "$C"
cp "$TMP/big-entry" "$C/$BIG"
# an entry of another format under a name is not trusted: re-made
cp "$C/$WEBPKEY" "$C/$PNGKEY"
"$LOA" build --out out4 --now 2023-10-01 2> /dev/null
P4=out4/tin-tuc/dong-thai/vui-tet-trung-thu
check "an entry of the wrong format is re-made" sh -c "head -c 10 '$C/$PNGKEY' | grep -q 'LOAIMG1 2 '"
check "and the PNG published as PNG" sh -c "vipsheader -f vips-loader '$P4/mam-co.png' | grep -q pngload"

# a corrupt entry is re-made, not served
printf 'LOAIMG1 garbage' > "$C/$WEBPKEY"
"$LOA" build --out out5 --now 2023-10-01 2> /dev/null
check "a corrupt entry is re-made" sh -c "head -c 10 '$C/$WEBPKEY' | grep -q 'LOAIMG1 3 '"
check "and the image published whole" sh -c "vipsheader -f width 'out5/tin-tuc/dong-thai/vui-tet-trung-thu/den.webp' | grep -qx 900"

# same input, same bytes, without the cache too
rm -rf "$C"
"$LOA" build --out out6 --now 2023-10-01 2> /dev/null
sums out6 > "$TMP/sums6"
check "rebuilt from scratch: the same bytes" cmp -s "$TMP/sums1" "$TMP/sums6"
check "rebuilt from scratch: the cache made again" test "$(ls "$C" | wc -l)" -eq 4

# loa check reads headers only and writes nothing, not even the cache
rm -rf .loa-cache
"$LOA" check --now 2023-10-01 > /dev/null 2> "$TMP/err3"
check "check reports the corrupt jpeg" grep -q "hong.jpg:1: error: image not published" "$TMP/err3"
check "check writes no image cache" test ! -e "$C"

# a decode that runs out of the worker's memory costs that image only
cat >> site.yaml <<'YAML'
limits:
  render_memory_mb: 64
YAML
vips black "$B/lon.jpg" 6000 4000
commit "$R" "2023-09-30T08:00:00+07:00" "Trường" "x@example.vn" "ảnh lớn"
"$LOA" build --out out7 --now 2023-10-01 --jobs 2 2> "$TMP/err4"
st=$?
cat "$TMP/err4"
check "out of memory: exit 1, not a crash of the build" [ "$st" -eq 1 ]
check "out of memory: the image is named" grep -q "^content/news/dong-thai/trung-thu/lon.jpg:1: error: image not published" "$TMP/err4"
check "out of memory: the page and the rest still built" test -s out7/tin-tuc/dong-thai/vui-tet-trung-thu/index.html -a -s out7/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html
finish
