# Kill-safety (issue 7 item 4, HOSTILE.md case 34): builds of a medium site
# (400 pages) killed with SIGKILL at 30 points spread over a whole build —
# alternately the loa process alone and its whole process group — always
# leave the output folder the complete site of one of the two commits
# built, never a mix; no process outlives its killed build; temporary
# folders never pile up; and the next normal build succeeds with the whole
# site and nothing beside it.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
python3 - <<'PY'
import os
schools = ["dong-thai", "an-duong"]
for i in range(400):
    s = schools[i % 2]
    os.makedirs(f"content/news/{s}", exist_ok=True)
    body = "\n\n".join(f"Đoạn {j} của bài {i}: các bé học và chơi, *vui* và **khỏe**." for j in range(30))
    with open(f"content/news/{s}/bai-{i:03d}.md", "w") as f:
        f.write(f'---\ntitle: "Bài số {i}"\ndate: 2023-01-{i % 28 + 1:02d}\ntags: ["thẻ {i % 7}"]\n---\n{body}\n')
PY
commit "$R" "2023-03-05T08:00:00+07:00" "Trường" "x@example.vn" "400 bài"
git tag A
sed -i 's/các bé học và chơi/các bé hát và múa/' content/news/dong-thai/*.md
commit "$R" "2023-03-06T08:00:00+07:00" "Trường" "x@example.vn" "sửa"
git tag B
W="$TMP/www"
mkdir -p "$W"
"$LOA" build --ref A --out "$TMP/site-A" --now 2023-06-01 --quiet --jobs 2
t0=$(date +%s%N)
"$LOA" build --ref B --out "$TMP/site-B" --now 2023-06-01 --quiet --jobs 2
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
echo "one build of $(find "$TMP/site-B" -name index.html | wc -l) pages takes $ms ms"
check "the two commits give different sites" sh -c "! diff -rq '$TMP/site-A' '$TMP/site-B' > /dev/null"
cp -R "$TMP/site-A" "$W/site"

# whole: the output is exactly site A or exactly site B
whole() { diff -r "$TMP/site-A" "$W/site" > /dev/null 2>&1 || diff -r "$TMP/site-B" "$W/site" > /dev/null 2>&1; }
# builds of this test still running (their command line names $W/site)
running() { pgrep -f -- "--out $W/site" > /dev/null; }
ok=1 orphans=0 maxleft=0 i=0
while [ $i -lt 30 ]; do
	ref=A; [ $((i % 2)) -eq 1 ] && ref=B
	# kill points spread over 0..110% of a build, in a scrambled order
	delay=$(( (i * 37 % 30) * ms * 11 / 300 ))
	if [ $((i % 3)) -eq 2 ]; then
		# the whole process group, as Ctrl-C or a service manager would
		setsid "$LOA" build --ref $ref --out "$W/site" --now 2023-06-01 --quiet --jobs 2 2> /dev/null &
		pid=$!
		sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
		/bin/kill -KILL -- "-$pid" 2> /dev/null # dash's kill takes no process group
	else
		"$LOA" build --ref $ref --out "$W/site" --now 2023-06-01 --quiet --jobs 2 2> /dev/null &
		pid=$!
		sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
		kill -KILL "$pid" 2> /dev/null
	fi
	wait "$pid" 2> /dev/null
	# the builder and its workers die with their parent: give them 5 s (a
	# loaded machine may take a while to run their exit)
	n=0
	while running && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
	if running; then
		orphans=$((orphans + 1))
		echo "kill $i ($ref after ${delay} ms): a process outlived the killed build"
		pkill -KILL -f -- "--out $W/site"
		sleep 0.2
	fi
	if ! whole; then
		ok=0
		echo "kill $i ($ref after ${delay} ms): the output is neither site A nor site B"
	fi
	# the lock file a killed build leaves is not a temporary folder (one name,
	# removed by the next build)
	left=$(ls -A "$W" | grep -v 'loa-lock$' | grep -c 'loa-')
	[ "$left" -gt "$maxleft" ] && maxleft=$left
	i=$((i + 1))
done
echo "most temporary folders seen beside the output at once: $maxleft"
check "30 kills: the output is always the whole site A or B" [ $ok -eq 1 ]
check "30 kills: no process outlives its killed build" [ $orphans -eq 0 ]
check "30 kills: temporary folders do not pile up (at most 2 at once)" [ "$maxleft" -le 2 ]
"$LOA" build --ref B --out "$W/site" --now 2023-06-01 --quiet --jobs 2 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "the next build succeeds" [ "$st" -eq 0 ]
check "the next build publishes the whole site" diff -r "$TMP/site-B" "$W/site"
ls -A "$W"
check "nothing left beside the output (but the image cache)" [ -z "$(ls -A "$W" | grep -v -x -e site -e .loa-cache)" ]
finish
