# t86 — `--help` and `-h` on every subcommand (issue #12, point 9): the
# subcommand's usage on standard output, nothing on standard error, exit
# 0, even after other options and outside any repository.
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1
for cmd in build check serve new review; do
	for flag in --help -h; do
		"$LOA" "$cmd" "$flag" > "$TMP/out" 2> "$TMP/err"
		st=$?
		check "$cmd $flag: exit 0" [ "$st" -eq 0 ]
		check "$cmd $flag: its own usage first" grep -q "^usage: loa $cmd " "$TMP/out"
		check "$cmd $flag: nothing on standard error" [ ! -s "$TMP/err" ]
		check "$cmd $flag: the exit statuses explained" grep -q "^Exit status" "$TMP/out"
		others=$(grep -c "^usage: loa " "$TMP/out")
		check "$cmd $flag: only this command's usage" [ "$others" -eq 1 ]
	done
done
"$LOA" build --jobs 2 --help > "$TMP/out" 2> "$TMP/err"
check "build --jobs 2 --help: help after another option" grep -q "^usage: loa build " "$TMP/out"
check "build --help lists --worktree" grep -q -- "--worktree" "$TMP/out"
"$LOA" nosuch --help > "$TMP/out" 2> "$TMP/err"
st=$?
check "unknown command --help: exit 2" [ "$st" -eq 2 ]
check "unknown command --help: says so" grep -q "unknown command 'nosuch'" "$TMP/err"
finish
