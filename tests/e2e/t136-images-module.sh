#!/bin/sh
# libvips is loaded only by a build that has images to process (issue
# #14): loa itself does not link it (its hundred libraries cost every run
# 50 ms); the module loa-images.so, found beside the binary, does. A site
# without images builds without the module; with images, a missing or
# foreign module (not byte for byte the one this loa was built with) is an
# error on each image, never loaded; the right one makes the variants.
. "$(dirname "$0")/lib.sh"

MOD="$(dirname "$LOA")/loa-images.so"
check "the module is built beside loa" test -f "$MOD"
check "loa does not link libvips" sh -c '! ldd "$1" | grep -q libvips' - "$LOA"
check "the module does" sh -c 'ldd "$1" | grep -q libvips' - "$MOD"

S="$TMP/site"
mkdir -p "$TMP/plain" "$TMP/img" "$TMP/alone" "$TMP/foreign" "$TMP/right"
basic_site "$S"
LD_DEBUG=files "$LOA" build --repo "$S" --out "$TMP/plain/public" --now 2023-05-20 \
	> /dev/null 2> "$TMP/plain.log"
check "a site without images builds" test -f "$TMP/plain/public/index.html"
check "a site without images never loads libvips" lacks "$TMP/plain.log" "libvips"

B="$S/content/news/dong-thai/anh"
write "$B/index.md" <<'MD'
---
title: "Ảnh"
date: 2023-04-20
---
![Ảnh](anh.png)
MD
vips black "$B/anh.png" 700 300
commit "$S" "2023-04-21T08:00:00+07:00" "Trường" "x@example.vn" "ảnh"
LD_DEBUG=files "$LOA" build --repo "$S" --out "$TMP/img/public" --now 2023-05-20 \
	> /dev/null 2> "$TMP/img.log"
check "with images, libvips is loaded" contains "$TMP/img.log" "libvips"
check "the variant is made" test -n "$(find "$TMP/img/public" -name 'anh-480w.png')"

# a copy of loa alone: no module beside it, nor anywhere it looks
mkdir -p "$TMP/bin"
cp "$LOA" "$TMP/bin/loa"
"$TMP/bin/loa" --version > /dev/null
check "the copy alone runs" [ $? -eq 0 ]
"$TMP/bin/loa" build --repo "$S" --out "$TMP/alone/public" --now 2023-05-20 --lang en \
	> /dev/null 2> "$TMP/alone.log"
st=$?
if [ -e "${PREFIX:-/usr/local}/lib/loa/loa-images.so" ]; then
	echo "SKIP an installed module exists: the copy would find it"
else
	check "without the module: the image is an error" contains "$TMP/alone.log" "cannot load the image module"
	check "without the module: the rest is published (exit 1)" [ "$st" -eq 1 -a -f "$TMP/alone/public/index.html" ]
fi

# a foreign module: one byte changed, same size
cp "$MOD" "$TMP/bin/loa-images.so"
python3 - "$TMP/bin/loa-images.so" <<'PY'
import sys
p = sys.argv[1]
d = bytearray(open(p, "rb").read())
i = d.find(b"GCC: (")
d[i + 6] ^= 1
open(p, "wb").write(d)
PY
"$TMP/bin/loa" build --repo "$S" --out "$TMP/foreign/public" --now 2023-05-20 --lang en \
	> /dev/null 2> "$TMP/foreign.log"
check "a foreign module is refused" contains "$TMP/foreign.log" "is not the module this loa was built with"
check "a foreign module makes no variant" test -z "$(find "$TMP/foreign/public" -name 'anh-480w.png')"

cp "$MOD" "$TMP/bin/loa-images.so"
"$TMP/bin/loa" build --repo "$S" --out "$TMP/right/public" --now 2023-05-20 --lang en \
	> /dev/null 2> "$TMP/right.log"
check "the right module beside the copy is used" test -n "$(find "$TMP/right/public" -name 'anh-480w.png')"
check "the outputs agree" diff -r "$TMP/img/public" "$TMP/right/public"

[ "$FAILS" -eq 0 ]
