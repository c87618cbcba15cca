#!/bin/sh
# tests/fuzz/run.sh — runs the libFuzzer targets built by `make fuzz-build`
# (build/fuzz/bin/fuzz_*), printing `PASS name` / `FAIL name` lines:
#   sh tests/fuzz/run.sh [SECONDS]       every input of regressions/<target>/
#                                        once, then SECONDS (default 5) of
#                                        fuzzing from corpus/<target>/ each
#   sh tests/fuzz/run.sh --long SECONDS  `make fuzz`: the long run; what it
#                                        learns is kept in build/fuzz/corpus/
# A crash, leak, timeout or broken invariant is saved as
# build/fuzz/artifacts/<target>-crash-*: fix the bug, then copy the input
# into tests/fuzz/regressions/<target>/ so that it is replayed every time.
set -u
cd "$(dirname "$0")/../.."
long=0
if [ "${1:-}" = "--long" ]; then long=1; shift; fi
secs=${1:-5}
BIN=build/fuzz/bin
ART=build/fuzz/artifacts
mkdir -p "$ART"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0"
fails=0

for t in frontmatter markdown template slug dates; do
	bin=$BIN/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "FAIL fuzz $t: $bin not built (make fuzz-build)"
		fails=$((fails + 1))
		continue
	fi
	# Inputs are capped: Debian's cmark-gfm has quadratic cases that the
	# product bounds with its per-page deadline, not by being fast.
	case $t in
	markdown) opts="-max_len=8192 -timeout=10" ;;
	template) opts="-max_len=8192 -timeout=10" ;;
	*) opts="-max_len=16384 -timeout=10" ;;
	esac
	opts="$opts -rss_limit_mb=2048 -malloc_limit_mb=1024"
	if [ -f "tests/fuzz/$t.dict" ]; then opts="$opts -dict=tests/fuzz/$t.dict"; fi

	regs=$(find "tests/fuzz/regressions/$t" -type f 2>/dev/null | LC_ALL=C sort)
	if [ -n "$regs" ]; then
		n=$(printf '%s\n' "$regs" | wc -l)
		# shellcheck disable=SC2086
		if "$bin" $opts $regs > "$ART/$t-regressions.log" 2>&1; then
			echo "PASS fuzz $t: $n regression inputs"
		else
			echo "FAIL fuzz $t: a regression input fails again; see $ART/$t-regressions.log"
			tail -n 20 "$ART/$t-regressions.log"
			fails=$((fails + 1))
		fi
	fi

	if [ $long -eq 1 ]; then
		work=build/fuzz/corpus/$t
		mkdir -p "$work"
	else
		work=$(mktemp -d "${TMPDIR:-/tmp}/loa-fuzz.XXXXXX")
	fi
	# shellcheck disable=SC2086
	"$bin" $opts -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$ART/$t-" \
		"$work" "tests/fuzz/corpus/$t" > "$ART/$t.log" 2>&1
	st=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$ART/$t.log")
	if [ $st -eq 0 ]; then
		echo "PASS fuzz $t: ${runs:-?} runs in ${secs} s, no crash, leak or broken invariant"
	else
		echo "FAIL fuzz $t (status $st): see $ART/$t.log and $ART/$t-*"
		grep -m 3 -e 'invariant broken' -e 'ERROR:' "$ART/$t.log"
		fails=$((fails + 1))
	fi
	[ $long -eq 1 ] || rm -rf "$work"
done
[ $fails -eq 0 ]
