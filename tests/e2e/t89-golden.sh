# The repository's own sample site, built with fixed options, gives the
# same bytes as tests/golden/sample-site.sha1 (written by scripts/golden.sh,
# which explains what is fixed and why). A refactor must keep this test
# green without regenerating the manifest.
. "$(dirname "$0")/lib.sh"
G="$ROOT/tests/golden"
status=0
LOA="$LOA" GOLDEN_JOBS=1 sh "$ROOT/scripts/golden.sh" --print > "$TMP/got1" 2> "$TMP/err1" || status=$?
cat "$TMP/err1"
check "golden: the sample site builds" [ "$status" -eq 0 ]
# --jobs only changes who renders a page, never its bytes
LOA="$LOA" GOLDEN_JOBS=2 sh "$ROOT/scripts/golden.sh" --print > "$TMP/got2" 2>&1
check "golden: --jobs 1 and --jobs 2 give the same bytes" cmp -s "$TMP/got1" "$TMP/got2"

# Images re-encoded by libvips are compared by bytes only with the encoder
# versions the manifest was made with; elsewhere only their presence counts.
images='\.(jpg|jpeg|png|webp|avif|gif)$'
sh "$ROOT/scripts/golden.sh" --encoders > "$TMP/enc"
if cmp -s "$TMP/enc" "$G/sample-site.encoders"; then
	cp "$G/sample-site.sha1" "$TMP/want"
	cp "$TMP/got1" "$TMP/have"
else
	echo "NOTE image encoders differ from the manifest's; images compared by name only:"
	diff "$G/sample-site.encoders" "$TMP/enc" | grep '^[<>]'
	awk -v re="$images" '{ if ($2 ~ re) $1 = "(image)"; print $1 "  " $2 }' "$G/sample-site.sha1" > "$TMP/want"
	awk -v re="$images" '{ if ($2 ~ re) $1 = "(image)"; print $1 "  " $2 }' "$TMP/got1" > "$TMP/have"
fi
if cmp -s "$TMP/want" "$TMP/have"; then
	pass "golden: the sample site's output is byte-identical to tests/golden/sample-site.sha1"
else
	fail "golden: the sample site's output is byte-identical to tests/golden/sample-site.sha1"
	# a readable list: which files changed, appeared or disappeared
	awk 'NR == FNR { want[$2] = $1; next }
	     { have[$2] = $1 }
	     END {
		for (f in want) if (!(f in have)) print "  missing  " f
		for (f in have) if (!(f in want)) print "  new      " f
		for (f in have) if ((f in want) && want[f] != have[f]) print "  changed  " f
	     }' "$TMP/want" "$TMP/have" | sort -k2
	echo "  (a deliberate change of output: run scripts/golden.sh and commit the manifest)"
fi
finish
