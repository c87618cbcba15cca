#!/bin/sh
# golden.sh — the sample site's output as a manifest of sha1 sums.
#
#   scripts/golden.sh            rewrite tests/golden/sample-site.sha1
#   scripts/golden.sh --print    print the manifest to standard output
#   scripts/golden.sh --encoders print the image encoders' versions
#
# tests/e2e/t89-golden.sh fails when the output of the repository's own
# sample site (site.yaml and content/ at HEAD, themes/ and plugins/ of this
# checkout) changes by one byte. Run this script to accept a DELIBERATE
# change of behaviour, and say so in the commit message; a refactor must
# never need it.
#
# Everything that could vary is fixed: the content is committed into a new
# repository with a set date and author, --now, one worker, no cache,
# English diagnostics, TZ=UTC, C locale, and a hermetic git and HOME.
# Two builds of the same inputs are byte-identical (checked with --jobs 1
# and 2, on different hosts and paths; no output holds a time, host name or
# path). The only bytes Loa does not own are the images that libvips
# re-encodes (*.jpg, *.png, *.webp): another libvips, libjpeg or libpng may
# encode the same pixels differently. So the versions they were made with
# are kept in tests/golden/sample-site.encoders; t89 compares the images'
# bytes only when this machine has the same versions, and otherwise only
# checks that the same image files exist (and says so).
# Environment: LOA (default ./build/loa).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
encoders() {
	for lib in vips libjpeg libpng libwebp; do
		printf '%s %s\n' "$lib" "$(pkg-config --modversion "$lib" 2>/dev/null || echo unknown)"
	done
}
if [ "${1:-}" = "--encoders" ]; then encoders; exit 0; fi
LOA=${LOA:-$ROOT/build/loa}
JOBS=${GOLDEN_JOBS:-1}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/loa-golden.XXXXXX")
[ -n "${GOLDEN_KEEP:-}" ] || trap 'rm -rf "$TMP"' EXIT
export HOME="$TMP/home" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export TZ=UTC LC_ALL=C LOA_LANG=en LOA_DATADIR="$ROOT"
unset SOURCE_DATE_EPOCH LOA_TIMINGS 2>/dev/null || true
mkdir -p "$HOME" "$TMP/s"

# the committed sample site when this is a git checkout, else the files
if git -C "$ROOT" rev-parse --verify -q HEAD >/dev/null 2>&1; then
	git -C "$ROOT" archive HEAD site.yaml content | tar -x -C "$TMP/s"
else
	cp -R "$ROOT/site.yaml" "$ROOT/content" "$TMP/s/"
fi
git -C "$TMP/s" init -q -b main
git -C "$TMP/s" add -A
GIT_AUTHOR_DATE="2023-06-01T08:00:00+07:00" GIT_COMMITTER_DATE="2023-06-01T08:00:00+07:00" \
	GIT_AUTHOR_NAME="Trung tâm" GIT_AUTHOR_EMAIL="tt@example.vn" \
	GIT_COMMITTER_NAME="Trung tâm" GIT_COMMITTER_EMAIL="tt@example.vn" \
	git -C "$TMP/s" commit -q -m sample

status=0
(cd "$TMP/s" && "$LOA" build --out "$TMP/out" --now 2026-12-01 --no-cache \
	--jobs "$JOBS" --quiet) > "$TMP/log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
	echo "golden.sh: loa build exited with $status:" >&2
	cat "$TMP/log" >&2
	exit 1
fi
# sha1 and path, sorted by path in the C locale
manifest() {
	(cd "$TMP/out" && find . -type f | sed 's|^\./||' | sort | while IFS= read -r f; do
		printf '%s  %s\n' "$(sha1sum < "$f" | cut -d' ' -f1)" "$f"
	done)
}
case "${1:-}" in
--print) manifest ;;
*)
	manifest > "$ROOT/tests/golden/sample-site.sha1"
	encoders > "$ROOT/tests/golden/sample-site.encoders"
	echo "wrote tests/golden/sample-site.sha1 ($(wc -l < "$ROOT/tests/golden/sample-site.sha1") files) and sample-site.encoders"
	;;
esac
