#!/bin/sh
# Installs the Debian packages Loa builds and tests with, only those missing.
# Used by the Makefile when pkg-config cannot find a library, so that
# `make site` and `make test` work on a fresh Debian 12 machine.
set -eu
PKGS="pkg-config gcc g++ make git libtomlplusplus-dev libcmark-gfm-dev libcmark-gfm-extensions-dev liblua5.4-dev libgit2-dev libyaml-dev libicu-dev libmicrohttpd-dev libvips-dev libjemalloc-dev libssl-dev"
if [ "${1:-}" = "--test" ]; then
	PKGS="$PKGS clang libclang-rt-14-dev valgrind python3 curl libvips-tools libimage-exiftool-perl wrk"
	# dpkg-shlibdeps declares the package's libraries (make deb, tests/e2e/t105)
	PKGS="$PKGS dpkg-dev"
	# luac5.4 -p checks the Lua compiled into loa (tests/e2e/t87)
	PKGS="$PKGS lua5.4"
	# browser tests (tests/browser): Debian's Chromium, driven from Node by
	# playwright-core; Node and npm only when none is installed (a machine
	# may have them from elsewhere)
	PKGS="$PKGS chromium"
	command -v node > /dev/null 2>&1 || PKGS="$PKGS nodejs"
	command -v npm > /dev/null 2>&1 || PKGS="$PKGS npm"
fi
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
