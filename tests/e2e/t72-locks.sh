# Locks are per output: builds into sibling folders run at the same time
# and both publish; a second build of the same output waits for the first
# (saying so) and then publishes; --wait bounds the wait (exit 2 with a
# clear message); a lock held by nobody (a killed build) does not block.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
mkdir -p "$TMP/www"
W="$TMP/www"

# two sites in one parent folder, at once
"$LOA" build --out "$W/a" --now 2023-06-01 --quiet --no-cache 2> "$TMP/err-a" &
pa=$!
"$LOA" build --out "$W/b" --now 2023-06-01 --quiet --no-cache 2> "$TMP/err-b" &
pb=$!
wait $pa
sa=$?
wait $pb
sb=$?
check "sibling a: exit 0" [ $sa -eq 0 ]
check "sibling b: exit 0" [ $sb -eq 0 ]
check "sibling a: published" test -s "$W/a/index.html"
check "sibling b: published" test -s "$W/b/index.html"
check "siblings: no 'another build' error" sh -c "! grep -q 'another build' '$TMP/err-a' '$TMP/err-b'"

# hold LOCKFILE: holds the lock from the test (util-linux flock) until
# release; returns once it is held
hold() {
	: > "$TMP/hold"
	rm -f "$TMP/ready"
	flock "$1" sh -c 'touch "$2"; while [ -e "$1" ]; do sleep 0.1; done' sh "$TMP/hold" "$TMP/ready" &
	holder=$!
	while [ ! -e "$TMP/ready" ]; do sleep 0.05; done
}
release() {
	rm -f "$TMP/hold"
	wait $holder
}

# siblings really overlap: b builds while a's lock is held
hold "$W/.a.loa-lock"
"$LOA" build --out "$W/b" --now 2023-06-01 --quiet --no-cache --wait 1 2> "$TMP/err-b"
check "a held: b still builds at once" [ $? -eq 0 ]

# the same output while held: --wait 1 gives up with a clear message
"$LOA" build --out "$W/a" --now 2023-06-01 --no-cache --wait 1 2> "$TMP/err-a"
st=$?
check "same output, --wait 1: exit 2" [ $st -eq 2 ]
check "same output, --wait 1: says it waited" contains "$TMP/err-a" "waiting for another build of $W/a"
check "same output, --wait 1: says why it stopped" contains "$TMP/err-a" "still runs after 1 s"
check "same output, --wait 1: says how to wait longer" contains "$TMP/err-a" "--wait"
check "same output, --wait 1: the site untouched" test -s "$W/a/index.html"

# the same output, a second build while the first holds it: waits, then publishes
"$LOA" build --out "$W/a" --now 2023-06-01 --no-cache 2> "$TMP/err-a" &
pw=$!
n=0
# up to 120 s for a loaded machine; a build that stopped instead is shown
while ! grep -q "waiting for another build" "$TMP/err-a" && [ $n -lt 1200 ] && kill -0 $pw 2> /dev/null; do
	sleep 0.1
	n=$((n + 1))
done
contains "$TMP/err-a" "waiting for another build" || cat "$TMP/err-a"
check "same output: it says it is waiting" contains "$TMP/err-a" "waiting for another build"
check "same output: it is still waiting" kill -0 $pw
release
wait $pw
check "same output: the second waits then succeeds" [ $? -eq 0 ]

# two real builds of the same output at once: both succeed, one after the other
"$LOA" build --out "$W/a" --now 2023-06-01 --quiet --no-cache --jobs 1 2> "$TMP/err-1" &
p1=$!
"$LOA" build --out "$W/a" --now 2023-06-01 --quiet --no-cache --jobs 1 2> "$TMP/err-2" &
p2=$!
wait $p1
s1=$?
wait $p2
s2=$?
check "two builds of one output: first exit 0" [ $s1 -eq 0 ]
check "two builds of one output: second exit 0" [ $s2 -eq 0 ]
check "two builds of one output: published" test -s "$W/a/index.html"
check "two builds of one output: nothing left over" [ -z "$(ls -A "$W" | grep -e '\.loa-tmp-' -e '\.loa-old-')" ]

# a killed build's lock is gone with it; its temporary folder is removed
"$LOA" build --out "$W/a" --now 2023-06-01 --quiet --no-cache &
pk=$!
sleep 0.2
kill -9 $pk 2> /dev/null
wait $pk 2> /dev/null
"$LOA" build --out "$W/a" --now 2023-06-01 --quiet --no-cache --wait 5
check "after a killed build: the next one publishes" [ $? -eq 0 ]
check "after a killed build: no temporary folder left" [ -z "$(ls -A "$W" | grep -e '\.loa-tmp-' -e '\.loa-old-')" ]
check "nothing left beside the outputs (no lock file, no temporary folder)" [ "$(ls -A "$W" | tr '\n' ' ')" = "a b " ]

"$LOA" build --out "$W/a" --wait x 2> "$TMP/err"
check "--wait x: usage error" [ $? -eq 2 ]
finish
