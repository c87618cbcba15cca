# t88 — one option parser for every command (issue #13): SOURCE_DATE_EPOCH
# is read by one rule everywhere (a value that is not a number of seconds
# is refused with exit 2 by build, check, new, review and serve alike;
# --now wins over it; a good one is "today"), each command refuses the
# options of the others in its own words, and an option's value never
# starts with '-'.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"

# a bad SOURCE_DATE_EPOCH: every command says so and does nothing
for args in "build --out $TMP/pub" "check" "new news Bai" "review main..main" "serve --port 0"; do
	# shellcheck disable=SC2086
	SOURCE_DATE_EPOCH=12abc timeout 20 "$LOA" $args > "$TMP/out" 2> "$TMP/err"
	st=$?
	check "$args: a bad SOURCE_DATE_EPOCH is exit 2" [ "$st" -eq 2 ]
	check "$args: it is named" contains "$TMP/err" "SOURCE_DATE_EPOCH must be a number of seconds"
done
check "build: nothing published" test ! -e "$TMP/pub"
check "new: no file written" test ! -e content/news/bai.md

# --now wins over a bad SOURCE_DATE_EPOCH, as it always did for build
out=$(SOURCE_DATE_EPOCH=x "$LOA" new news "Bài một" --now 2023-09-20 2> "$TMP/err")
check "new --now: a bad SOURCE_DATE_EPOCH is not read" [ "$out" = "./content/news/bai-mot.md" ]
check "new --now: dated by --now" contains content/news/bai-mot.md "date: 2023-09-20"
# 1700000000 is 2023-11-15 in Vietnam
out=$(SOURCE_DATE_EPOCH=1700000000 "$LOA" new news "Bài hai" 2> "$TMP/err")
check "new: SOURCE_DATE_EPOCH is today" contains content/news/bai-hai.md "date: 2023-11-15"
SOURCE_DATE_EPOCH= "$LOA" new news "Bài ba" > /dev/null 2> "$TMP/err"
check "new: an empty SOURCE_DATE_EPOCH is the clock" [ $? -eq 0 ]

# each command takes only its own options, and says so in its own words
"$LOA" check --out x > /dev/null 2> "$TMP/err"
check "check --out: exit 2" [ $? -eq 2 ]
check "check --out: an unknown option" contains "$TMP/err" "unknown option '--out'"
"$LOA" serve --drafts > /dev/null 2> "$TMP/err"
check "serve --drafts: exit 2" [ $? -eq 2 ]
check "serve --drafts: an unknown option" contains "$TMP/err" "unknown option '--drafts'"
"$LOA" new news "Bài bốn" --jobs 2 > /dev/null 2> "$TMP/err"
check "new --jobs: exit 2" [ $? -eq 2 ]
check "new --jobs: an unexpected argument" contains "$TMP/err" "unexpected argument '--jobs'"
"$LOA" review main..main --strict > /dev/null 2> "$TMP/err"
check "review --strict: exit 2" [ $? -eq 2 ]
check "review --strict: an unexpected argument" contains "$TMP/err" "unexpected argument '--strict'"
check "review --strict: the usage follows" contains "$TMP/err" "usage: loa build"
"$LOA" new news "Bài" Ba > /dev/null 2> "$TMP/err"
check "new with a third argument: exit 2" [ $? -eq 2 ]
check "new with a third argument: named" contains "$TMP/err" "unexpected argument 'Ba'"

# a value never starts with '-', for every command's options
for args in "new news X --school" "review main..main --format" "serve --bind" "check --ref" "build --wait"; do
	# shellcheck disable=SC2086
	"$LOA" $args -q > /dev/null 2> "$TMP/err"
	st=$?
	check "$args -q: exit 2" [ "$st" -eq 2 ]
	check "$args -q: needs a value" contains "$TMP/err" "needs a value, not '-q'"
done
# and values are checked by the same rule whichever command takes them
for cmd in "build" "check" "serve" "review main..main"; do
	# shellcheck disable=SC2086
	"$LOA" $cmd -j 0 > /dev/null 2> "$TMP/err"
	check "$cmd -j 0: refused" contains "$TMP/err" "--jobs needs a number from 1 to 256"
done
finish
