# Hostile URLs (HOSTILE.md §2 cases 23-27, issue 7): `..`, absolute paths
# and encoded separators in slugs; reserved URLs; case and NFC/NFD
# collisions; a 300-character title; strange bundle file names; an
# `aliases` field (not supported: it must not write anything). Each is an
# error naming file:line where a line makes sense, the rest of the site is
# built, and nothing is written outside the output folder.
. "$(dirname "$0")/lib.sh"
# png FILE: a valid 1x1 PNG (images are checked by their first bytes)
png() {
	python3 -c 'import struct, sys, zlib
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
sys.stdout.buffer.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))' > "$1"
}
R="$TMP/site"
basic_site "$R"
cd "$R"
N=content/news/dong-thai
i=0
for s in '../../etc/x' 'a/../../b' '%2e%2e' '/etc/passwd' 'a%2fb' '..' '.well-known' 'a\\b' 'x y'; do
	i=$((i + 1))
	printf -- '---\ntitle: "Slug %s"\ndate: 2023-01-0%s\nslug: "%s"\n---\nx\n' "$i" "$i" "$s" > "$N/slug-$i.md"
done
# plain pages take their URL from the path; these claim the site's own URLs
write content/tin-tuc.md <<'MD'
---
title: "Chiếm danh sách tin"
---
x
MD
write content/trang-rieng.md <<'MD'
---
title: "Chiếm sitemap"
slug: "sitemap.xml"
---
x
MD
write content/chu-de/hack.md <<'MD'
---
title: "Chiếm chủ đề"
---
x
MD
# case and normalisation collisions
write content/About.md <<'MD'
---
title: "About hoa"
---
x
MD
write content/about.md <<'MD'
---
title: "about thường"
---
x
MD
printf -- '---\ntitle: "NFC"\n---\nx\n' > "content/$(printf 'Th\306\260 vi\341\273\207n').md"
printf -- '---\ntitle: "NFD"\n---\nx\n' > "content/$(printf 'Thu\314\233 vie\314\202\314\243n').md"
# one title 300 characters long
long=$(python3 -c 'print("Trường Mầm non Đồng Thái tổ chức " * 10)')
printf -- '---\ntitle: "%s"\ndate: 2023-01-20\n---\nBài dài.\n' "$long" > "$N/dai.md"
# a bundle with strange file names
B=$N/bo-anh
mkdir -p "$B"
printf -- '---\ntitle: "Bộ ảnh"\ndate: 2023-02-01\naliases: ["../../../../ngoai", "/etc/x"]\n---\n![Ảnh](a%%2f..%%2fb.png)\n' > "$B/index.md"
png "$B/a%2f..%2fb.png"
png "$B/..%2e.png"
printf 'x' > "$B/.htaccess"
printf '<?php' > "$B/x.php"
printf '<html>' > "$B/x.png.html"
png "$B/ANH.PNG"
printf '<svg/>' > "$B/y.SVG"
png "$B/$(printf 'tab\tname.png')"
commit "$R" "2023-03-05T08:00:00+07:00" "Trường" "x@example.vn" "URL độc"

mkdir -p "$TMP/www"
touch "$TMP/marker"
"$LOA" build --out "$TMP/www/site" --now 2023-06-01 --jobs 2 2> "$TMP/err"
st=$?
cat "$TMP/err"
S="$TMP/www/site"
check "exit 1: published with rejections" [ "$st" -eq 1 ]
i=0
for s in '../../etc/x' 'a/../../b' '%2e%2e' '/etc/passwd' 'a%2fb' '..' '.well-known' 'a\\b' 'x y'; do
	i=$((i + 1))
	check "slug '$s': invalid slug at line 4" grep -q "^$N/slug-$i.md:4:[0-9]*: error: .*slug" "$TMP/err"
done
check "a page cannot take /tin-tuc/" grep -q "^content/tin-tuc.md:[0-9:]* error: .*reserved" "$TMP/err"
check "a page cannot take /sitemap.xml/ (a folder where the sitemap goes)" grep -q "^content/trang-rieng.md:[0-9:]* error: .*reserved" "$TMP/err"
check "a page cannot take /chu-de/…" grep -q "^content/chu-de/hack.md:[0-9:]* error: .*reserved" "$TMP/err"
check "the news list is still the site's" grep -q "Bữa ăn bán trú" "$S/tin-tuc/index.html"
check "the sitemap is still the site's" grep -q "<urlset" "$S/sitemap.xml"
check "About.md and about.md collide, naming both" grep -q "About.md.*about.md\|about.md.*About.md" "$TMP/err"
check "NFC and NFD names collide" grep -q "error: URL /thu-vien/ claimed by" "$TMP/err"
check "neither NFC nor NFD page wins" test ! -e "$S/thu-vien/index.html"
check "neither colliding page wins" test ! -e "$S/about/index.html"
L=$(find "$S/tin-tuc/dong-thai" -maxdepth 1 -name 'truong-mam-non-dong-thai-to-chuc*')
check "300-character title: a page under a short slug" [ -n "$L" ] && [ "$(basename "$L" | wc -c)" -le 201 ]
"$LOA" build --out "$TMP/again" --now 2023-06-01 --quiet 2> /dev/null
check "the long slug is the same every time" test -d "$TMP/again/tin-tuc/dong-thai/$(basename "$L")"
P="$S/tin-tuc/dong-thai/bo-anh"
check "bundle page published" test -s "$P/index.html"
check "bundle image with an upper-case extension published" test -s "$P/ANH.PNG"
check "no .htaccess, .php, .html or .SVG from a bundle" [ -z "$(ls -A "$P" | grep -i -e htaccess -e php -e html.\$ -e '\.svg')" ]
check "every published bundle file is inside its folder" [ -z "$(find "$S" -name '*b.png' ! -path "$P/*")" ]
check "aliases write nothing outside the site" [ ! -e "$TMP/ngoai" ] && [ ! -e "$S/ngoai" ]
check "rest of the site built" test -s "$S/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html"
find "$R" "$HOME" "$TMP/www" -newer "$TMP/marker" ! -path "$TMP/www" ! -path "$S" ! -path "$S/*" \
	! -path "$TMP/www/.loa-cache" ! -path "$TMP/www/.loa-cache/*" > "$TMP/touched"
cat "$TMP/touched"
check "nothing written outside the output folder" [ ! -s "$TMP/touched" ]
check "nothing beside the output folder" [ -z "$(ls -A "$TMP/www" | grep -v -x -e site -e .loa-cache)" ]
check "control bytes in a name shown escaped" sh -c "! grep -q '	' '$TMP/err'"
finish
