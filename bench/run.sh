#!/bin/sh
# bench/run.sh — entry point of `make bench`: installs what the benchmark
# needs and is missing (Debian's hugo, GNU time, python3; with sudo when not
# root, like scripts/install-deps.sh), then runs bench/run.py with the
# arguments given (see its header: sizes, runs, the shared corpus folder).
set -eu
missing=""
command -v hugo >/dev/null 2>&1 || missing="$missing hugo"
[ -x /usr/bin/time ] || missing="$missing time"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
command -v git >/dev/null 2>&1 || missing="$missing git"
if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO="sudo"
	echo "bench: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 $missing
fi
exec python3 "$(dirname "$0")/run.py" "$@"
