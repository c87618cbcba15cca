#!/bin/sh
# run-site.sh — the browser tests on the sample site, as `make test` runs
# them (tests/run.sh): builds this repository's sample site at HEAD with
# $LOA (default build/loa) into a temporary folder, installs the pinned
# playwright-core, axe-core, lighthouse and chrome-launcher with `npm ci`
# when node_modules is missing or package-lock.json changed since the last
# install, and runs run.mjs on the folder (its checks, then Lighthouse).
# Prints `PASS name` / `FAIL name` lines; screenshots go to
# build/test-artifacts/screenshots/, Lighthouse's reports to
# build/test-artifacts/lighthouse/.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
LOA=${LOA:-$ROOT/build/loa}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/loa-browser.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL $1"; exit 1; }

command -v node > /dev/null 2>&1 || fail "browser: node is installed (scripts/install-deps.sh --test)"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || fail "browser: chromium is installed (scripts/install-deps.sh --test)"

# the pinned packages, installed again only when the lockfile changed
B=tests/browser
if ! cmp -s "$B/package-lock.json" "$B/node_modules/.loa-lock" 2> /dev/null; then
	(cd "$B" && npm ci --no-audit --no-fund --loglevel=error) > "$TMP/npm.log" 2>&1 ||
		{ cat "$TMP/npm.log"; fail "browser: npm ci installs playwright-core, axe-core and lighthouse"; }
	cp "$B/package-lock.json" "$B/node_modules/.loa-lock"
fi

# the sample site, as published from HEAD
LOA_DATADIR="$ROOT" "$LOA" build --repo "$ROOT" --out "$TMP/site" --quiet > "$TMP/build.log" 2>&1
st=$?
if [ "$st" -ne 0 ]; then
	cat "$TMP/build.log"
	fail "browser: the sample site builds (exit $st)"
fi
echo "PASS browser: the sample site builds"
node "$B/run.mjs" "$TMP/site"
