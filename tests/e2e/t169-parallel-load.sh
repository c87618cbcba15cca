# The content files are read and parsed on several threads (--jobs), while
# the builder walks the history (generator/site/site_read.c). Whatever the
# number of threads, the site must be the same: the same pages, the same
# diagnostics in the same order (path order), the same table of parsed
# files for the next build. The site here has enough files for several
# threads (one per 128 files), with faulty files spread among them: YAML
# errors, a binary file, an empty file, a warning.
. "$(dirname "$0")/lib.sh"
S="$TMP/site"
basic_site "$S"
i=0
while [ $i -lt 420 ]; do
	n=$(printf '%03d' $i)
	case $i in
	37 | 211 | 399)
		printf -- '---\ntitle: "Bài %s\ndate: 2023-04-01\n---\nThân bài.\n' "$n" \
			> "$S/content/news/dong-thai/bai-$n.md" ;;
	120) printf 'ab\000cd' > "$S/content/news/dong-thai/bai-$n.md" ;;
	300) : > "$S/content/news/dong-thai/bai-$n.md" ;;
	*)
		printf -- '---\ntitle: "Bài %s"\ndate: 2023-04-%02d\ntags: [the-%d]\n---\nThân bài số %s.\n' \
			"$n" $((i % 28 + 1)) $((i % 7)) "$n" > "$S/content/news/dong-thai/bai-$n.md" ;;
	esac
	i=$((i + 1))
done
commit "$S" "2023-05-10T09:00:00+07:00" "Cô Lan" "lan@dongthai.example.vn" "420 bài"
printf '\nSửa.\n' >> "$S/content/news/dong-thai/bai-005.md"
commit "$S" "2023-05-11T09:00:00+07:00" "Cô Hà" "ha@anduong.example.vn" "Sửa bài 5"

# the diagnostics without the timings, the cache's count and the summary's seconds
quiet_log() { grep -v -e "^loa: timing:" -e "pages from the cache" "$1" | sed 's/ in [0-9.]* s$//'; }
build() { # build NAME JOBS [ARGS...]: into $TMP/NAME, stderr in $TMP/NAME.log
	name=$1 jobs=$2
	shift 2
	LOA_TIMINGS=1 "$LOA" build --repo "$S" --out "$TMP/$name" --jobs "$jobs" \
		--now 2023-06-01 --lang en "$@" 2> "$TMP/$name.raw"
	echo $? > "$TMP/$name.rc"
	quiet_log "$TMP/$name.raw" > "$TMP/$name.log"
}
build one 1 --no-cache
build four 4 --no-cache
check "one thread: exit 1 (pages rejected)" [ "$(cat "$TMP/one.rc")" = 1 ]
check "four: exit 1 too" [ "$(cat "$TMP/four.rc")" = 1 ]
check "one thread read the files" grep -q "^loa: timing: read on  *1 threads" "$TMP/one.raw"
check "--jobs 4 read them on several threads" \
	grep -q "^loa: timing: read on  *[234] threads" "$TMP/four.raw"
check "the same site" diff -r "$TMP/one" "$TMP/four"
check "the same diagnostics, in the same order" cmp "$TMP/one.log" "$TMP/four.log"
check "the YAML errors are reported at their files" \
	grep -q "bai-211.md:" "$TMP/four.log"
check "the binary file is reported" grep -q "bai-120.md:1:.*binary" "$TMP/four.log"
check "the empty file is reported" grep -q "bai-300.md:1:.*empty file" "$TMP/four.log"
# the diagnostics come in path order, as they did from one thread
grep -o "bai-[0-9]*\.md" "$TMP/four.log" > "$TMP/order"
check "diagnostics in path order" sh -c "sort -c '$TMP/order'"

# (the 4 files that said something are parsed again at each build; the
# one edited below has a new blob)
# with the cache: the table of parsed files written by a threaded build
# gives the next build its files, and the site is still the same
build c1 4
check "threaded build with a cache: the same site" diff -r "$TMP/one" "$TMP/c1"
printf '\nSửa nữa.\n' >> "$S/content/news/dong-thai/bai-006.md"
commit "$S" "2023-05-12T09:00:00+07:00" "Cô Hà" "ha@anduong.example.vn" "Sửa bài 6"
build c2 4 --out "$TMP/c1"
build ref 1 --no-cache
check "the next build took the unchanged files from the table" \
	grep -q "^loa: timing: parsed from  *420 of 425 files" "$TMP/c2.raw"
check "and its site equals a build without the cache" diff -r "$TMP/ref" "$TMP/c1"
check "and says the same" cmp "$TMP/ref.log" "$TMP/c2.log"

# a work tree is read on several threads too
cd "$S" || exit 1
printf '\nChưa commit.\n' >> content/news/dong-thai/bai-007.md
"$LOA" build --worktree --out "$TMP/wt1" --jobs 1 --now 2023-06-01 --lang en --no-cache \
	2> "$TMP/wt1.raw"
quiet_log "$TMP/wt1.raw" > "$TMP/wt1.log"
LOA_TIMINGS=1 "$LOA" build --worktree --out "$TMP/wt4" --jobs 4 --now 2023-06-01 --lang en \
	--no-cache 2> "$TMP/wt4.raw"
quiet_log "$TMP/wt4.raw" > "$TMP/wt4.log"
check "work tree: several threads" grep -q "^loa: timing: read on  *[234] threads" "$TMP/wt4.raw"
check "work tree: the same site" diff -r "$TMP/wt1" "$TMP/wt4"
check "work tree: the same diagnostics" cmp "$TMP/wt1.log" "$TMP/wt4.log"
check "work tree: the uncommitted edit is built" \
	grep -q "Chưa commit" "$TMP/wt4/tin-tuc/dong-thai/bai-007/index.html"
[ $FAILS -eq 0 ]
