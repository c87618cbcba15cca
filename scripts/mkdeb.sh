#!/bin/sh
# mkdeb — packs a built loa as a Debian package, loa_VERSION_ARCH.deb, for
# installing without building (`make deb`; tests/e2e/t105 checks it):
#
#   sh scripts/mkdeb.sh BINARY OUTDIR
#
# The binary goes to /usr/bin/loa, its libvips module (loa-images.so, built
# beside it; loaded only by builds with images) to /usr/lib/loa, where the
# binary finds it (../lib/loa), the default theme and plugins to
# /usr/share/loa (found beside the binary: main.c's find_data_dir), the
# man pages to /usr/share/man. The runtime libraries are declared by
# dpkg-shlibdeps from the binary itself (its package `dpkg-dev`); where that
# tool is missing, by the list below, which t105 checks against ldd.
set -eu
BIN=$1
OUT=$2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# Debian 12's packages of the libraries Loa links (libvips42 brings
# libheif1, which reads phone photos; toml++ is header-only)
FALLBACK_DEPENDS="libc6, libstdc++6, libgcc-s1, libcmark-gfm0.29.0.gfm.6, libcmark-gfm-extensions0.29.0.gfm.6, liblua5.4-0, libgit2-1.5, libyaml-0-2, libicu72, libmicrohttpd12, libvips42, libglib2.0-0, libjemalloc2, libssl3"

VERSION=$("$BIN" --version | awk '{ print $2; exit }')
ARCH=$(dpkg --print-architecture)
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/loa-deb.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
PKG="$STAGE/loa_${VERSION}_$ARCH"

install -d "$PKG/DEBIAN" "$PKG/usr/bin" "$PKG/usr/share/loa" "$PKG/usr/share/man/man1" \
	"$PKG/usr/share/doc/loa"
install -m 755 "$BIN" "$PKG/usr/bin/loa"
# the debug information stays in the build; the package gets the code
if command -v strip > /dev/null; then strip --strip-debug "$PKG/usr/bin/loa"; fi
# the module as built: loa checks its SHA-1, so it is never stripped
install -d "$PKG/usr/lib/loa"
install -m 644 "$(dirname "$BIN")/loa-images.so" "$PKG/usr/lib/loa/loa-images.so"
cp -R "$ROOT/themes" "$ROOT/plugins" "$PKG/usr/share/loa/"
gzip -9n < "$ROOT/docs/loa.1" > "$PKG/usr/share/man/man1/loa.1.gz"
# the Vietnamese man page, when the tree has one
for vi in "$ROOT/docs/loa.vi.1" "$ROOT/docs/vi/loa.1"; do
	if [ -f "$vi" ]; then
		install -d "$PKG/usr/share/man/vi/man1"
		gzip -9n < "$vi" > "$PKG/usr/share/man/vi/man1/loa.1.gz"
		break
	fi
done
gzip -9n < "$ROOT/README.md" > "$PKG/usr/share/doc/loa/README.md.gz"
cp "$ROOT/docs/dong-gop.md" "$PKG/usr/share/doc/loa/dong-gop.md"
find "$PKG" -type d -exec chmod 755 {} +
find "$PKG/usr/share" -type f -exec chmod 644 {} +

DEPENDS=""
# LOA_DEB_FALLBACK=1 uses the list (t105 checks it against ldd too)
if [ -z "${LOA_DEB_FALLBACK:-}" ] && command -v dpkg-shlibdeps > /dev/null; then
	mkdir -p "$STAGE/debian"
	printf 'Source: loa\n\nPackage: loa\nArchitecture: any\n' > "$STAGE/debian/control"
	DEPENDS=$(cd "$STAGE" && dpkg-shlibdeps -O -e"$PKG/usr/bin/loa" \
		-e"$PKG/usr/lib/loa/loa-images.so" 2> "$STAGE/shlibdeps.err" |
		sed -n 's/^shlibs:Depends=//p') || DEPENDS=""
fi
[ -n "$DEPENDS" ] || DEPENDS=$FALLBACK_DEPENDS
# HEIC photos need libheif's decoder, which libvips loads through it
DEPENDS="$DEPENDS, libheif1"

SIZE=$(du -sk "$PKG/usr" | awk '{ print $1 }')
cat > "$PKG/DEBIAN/control" <<CONTROL
Package: loa
Version: $VERSION
Architecture: $ARCH
Maintainer: Loa <loa@example.vn>
Installed-Size: $SIZE
Depends: $DEPENDS
Recommends: git
Section: web
Priority: optional
Homepage: https://example.vn/loa
Description: static site generator for Vietnamese preschool communication sites
 Loa builds the news site of a district's preschools from a git repository
 of Markdown articles, school pages and plans: checked, reviewed per merge
 request (loa review), previewed (loa serve) and published atomically.
CONTROL
mkdir -p "$OUT"
dpkg-deb --root-owner-group -Zxz --build "$PKG" "$OUT/loa_${VERSION}_$ARCH.deb" > /dev/null
echo "$OUT/loa_${VERSION}_$ARCH.deb"
