# Publishing is atomic and confined to --out: nothing else is written, a
# stale temporary folder from a killed build is removed, and a build killed
# at any moment leaves the previous site whole.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
mkdir -p "$TMP/www"
"$LOA" build --out "$TMP/www/site" --now 2023-06-01 --quiet
cp -R "$TMP/www/site" "$TMP/before"
snapshot() { (cd "$1" && find . -path ./www -prune -o -print | LC_ALL=C sort && git status --porcelain); }
snapshot "$R" > "$TMP/snap1"
mkdir -p "$TMP/www/.site.loa-tmp-99999/x"
# --no-cache: a real build, not "nothing changed, left as it was"
"$LOA" build --out "$TMP/www/site" --now 2023-06-01 --quiet --no-cache
snapshot "$R" > "$TMP/snap2"
check "nothing written in the repository" diff "$TMP/snap1" "$TMP/snap2"
# beside the output: only the output and the build cache (.loa-cache)
beside() { ls -A "$TMP/www" | tr '\n' ' '; }
check "only the output folder and its cache beside it" [ "$(beside)" = ".loa-cache site " ]
check "stale temporary folder removed" test ! -e "$TMP/www/.site.loa-tmp-99999"

# kill builds at many points: the site is always the old one or the new one
ok=1
i=0
while [ $i -lt 15 ]; do
	"$LOA" build --out "$TMP/www/site" --now 2023-06-01 --quiet --jobs 2 --no-cache &
	pid=$!
	sleep "0.0$((i % 10))"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	if ! diff -r "$TMP/before" "$TMP/www/site" >/dev/null; then ok=0; fi
	i=$((i + 1))
done
check "a killed build leaves the previous site whole" [ $ok -eq 1 ]
"$LOA" build --out "$TMP/www/site" --now 2023-06-01 --quiet --no-cache
check "the next build succeeds after kills" [ $? -eq 0 ]
check "no stray folder after kills and a build" [ "$(beside)" = ".loa-cache site " ]
finish
