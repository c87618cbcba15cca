# The allocator's options (generator/cmd/malloc_conf.c): loa asks jemalloc
# for transparent huge pages, which cut the render workers' copy-on-write
# faults by more than half on the bench corpus, and one arena for every
# thread, so that the builder reuses what its helper threads freed. The sanitizer builds use
# their own allocator, which has no such options: there the check is skipped.
. "$(dirname "$0")/lib.sh"
if ldd "$LOA" 2>/dev/null | grep -q libjemalloc; then
	MALLOC_CONF=stats_print:true "$LOA" --version > "$TMP/stats" 2>&1
	check "loa --version still works with jemalloc's statistics" contains "$TMP/stats" "loa "
	check "jemalloc uses huge pages for the heap" contains "$TMP/stats" 'opt.thp: "always"'
	check "and for its own metadata" contains "$TMP/stats" 'opt.metadata_thp: "always"'
	check "one arena for every thread" contains "$TMP/stats" 'opt.narenas: 1'
	# a build still gives the same pages with the allocator's defaults
	R="$TMP/site"
	basic_site "$R"
	cd "$R"
	"$LOA" build --out "$TMP/huge" --now 2023-06-01 --no-cache --quiet
	check "a build with huge pages: exit 0" [ $? -eq 0 ]
	MALLOC_CONF=thp:default,metadata_thp:disabled "$LOA" build --out "$TMP/plain" --now 2023-06-01 --no-cache --quiet
	check "a build with jemalloc's defaults: exit 0" [ $? -eq 0 ]
	check "the same bytes either way" diff -r "$TMP/huge" "$TMP/plain"
else
	echo "SKIP not linked with jemalloc (a sanitizer build)"
fi
finish
