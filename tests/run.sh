#!/bin/sh
# Runs every test of Loa and ends with the line `N passed, M failed`:
#  - the C unit tests, plain and under AddressSanitizer + UndefinedBehavior-
#    Sanitizer with leak checking;
#  - the libFuzzer targets (tests/fuzz/run.sh): every saved regression
#    input, then a few seconds of fuzzing per target;
#  - the end-to-end tests (tests/e2e/t*.sh), which make real git
#    repositories in a temporary folder and run loa on them as a user would;
#  - the sample site in headless Chromium (tests/browser/run-site.sh),
#    then Lighthouse on one page of each kind;
#  - one end-to-end build of the sample site with the sanitized loa.
# Each test prints `PASS name` or `FAIL name`; logs are in build/test-logs.
set -u
cd "$(dirname "$0")/.."
LOGS=build/test-logs
rm -rf "$LOGS"
mkdir -p "$LOGS"
PASSED=0
FAILED=0

# tally LOGFILE STATUS NAME: counts PASS/FAIL lines; a binary that failed
# without saying which test (a crash, a sanitizer report) counts as one more
tally() {
	p=$(grep -c '^PASS ' "$1")
	f=$(grep -c '^FAIL ' "$1")
	grep '^FAIL ' "$1" | sed "s|^|[$3] |"
	# the failed checks' own lines (file:line: what was expected), so a
	# failure on a CI machine says why without its log
	[ "$f" -gt 0 ] && grep -E '^  tests/[^:]+:[0-9]+: ' "$1" | head -n 10 | sed "s|^|[$3] |"
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL [$3] exited with status $2; see $1:"
		tail -n 20 "$1"
		f=1
	fi
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
}

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0"

for t in build/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	"$t" > "$LOGS/$name.log" 2>&1
	tally "$LOGS/$name.log" $? "$name"
	"build/asan/tests/$name" > "$LOGS/$name.asan.log" 2>&1
	tally "$LOGS/$name.asan.log" $? "$name asan"
done

# the fuzz targets (built by `make fuzz-build`): regressions, then 4 s each
sh tests/fuzz/run.sh 4 > "$LOGS/fuzz.log" 2>&1
tally "$LOGS/fuzz.log" $? "fuzz"

for t in tests/e2e/t*.sh; do
	name=$(basename "$t" .sh)
	LOA="$(pwd)/build/loa" sh "$t" > "$LOGS/$name.log" 2>&1
	tally "$LOGS/$name.log" $? "$name"
done

# the sample site in headless Chromium (tests/browser): every kind of page,
# phone width, axe-core, search, one click to an article; screenshots in
# build/test-artifacts/screenshots; then Lighthouse (reports in
# build/test-artifacts/lighthouse)
LOA="$(pwd)/build/loa" sh tests/browser/run-site.sh > "$LOGS/browser.log" 2>&1
tally "$LOGS/browser.log" $? "browser"

# the sample site, built by the sanitized loa: no error, no leak
LOA="$(pwd)/build/asan/loa" sh tests/e2e/sample-site.sh > "$LOGS/sample-asan.log" 2>&1
tally "$LOGS/sample-asan.log" $? "sample site asan"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
