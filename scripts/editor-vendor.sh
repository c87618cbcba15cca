#!/bin/sh
# editor-vendor.sh — installs Decap CMS for sites that set `editor:` in
# site.yaml (`make editor`; `make test` runs it). Decap's browser files are
# taken from the npm package pinned in editor/package-lock.json, checked
# against editor/decap.sha256 (the sha256 of each file, recorded when the
# pin was last changed), and copied to editor/decap/, where `loa build`
# finds them in its data folder and publishes them at /quan-tri/.
#
# `npm ci` runs only when editor/node_modules is missing or the lockfile
# changed since the last install, so a machine that installed once builds
# without the network. `--check` verifies editor/decap/ and installs nothing.
# After a change of the pin: `sh scripts/editor-vendor.sh --record` writes
# editor/decap.sha256 from the newly installed package (review its diff).
set -eu
cd "$(dirname "$0")/../editor"
DIST=node_modules/decap-cms/dist
SUMS=decap.sha256

if [ "${1:-}" = "--check" ]; then
	cmp -s "$SUMS" decap/SHA256SUMS && (cd decap && sha256sum --quiet -c SHA256SUMS)
	exit
fi

if ! cmp -s package-lock.json node_modules/.loa-lock 2> /dev/null; then
	command -v npm > /dev/null 2>&1 || {
		echo "editor-vendor: npm is needed once to install Decap CMS (scripts/install-deps.sh --test)" >&2
		exit 1
	}
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	cp package-lock.json node_modules/.loa-lock
fi

if [ "${1:-}" = "--record" ]; then
	(cd "$DIST" && ls | grep -E '^(decap-cms\.js|decap-cms\.js\.LICENSE\.txt|[0-9]+\.decap-cms\.js|[0-9a-f]+\.wasm)$' |
		LC_ALL=C sort | xargs sha256sum) > "$SUMS"
	echo "editor-vendor: wrote editor/$SUMS ($(wc -l < "$SUMS") files)"
fi

# the files of the pinned package, as recorded; then copied as a whole
(cd "$DIST" && sha256sum --quiet -c "../../../$SUMS") || {
	echo "editor-vendor: $DIST does not match editor/$SUMS" >&2
	exit 1
}
if ! cmp -s "$SUMS" decap/SHA256SUMS 2> /dev/null ||
	! (cd decap && sha256sum --quiet -c SHA256SUMS > /dev/null 2>&1); then
	rm -rf decap.tmp
	mkdir decap.tmp
	awk '{ print $2 }' "$SUMS" | (cd "$DIST" && xargs cp -t ../../../decap.tmp)
	# loa publishes the files this lists, and keys its cache on it
	cp "$SUMS" decap.tmp/SHA256SUMS
	rm -rf decap
	mv decap.tmp decap
	echo "editor-vendor: Decap CMS $(sed -n 's/.*"version": "\(.*\)".*/\1/p' node_modules/decap-cms/package.json | head -n 1) in editor/decap/"
fi
