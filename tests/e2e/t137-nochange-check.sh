#!/bin/sh
# "Nothing changed" (issue #14) is checked by `loa build` itself before it
# starts the builder process, with the published listing checked in parts
# on threads for a large enough site: the answer is the builder's. On a
# site of a few hundred pages (a listing long enough to be split): the
# rebuild says nothing changed with the last build's exit status and
# warnings, starts no builder process; a file edited in place (same size,
# times put back on its folder) at the start, middle or end of the listing
# is seen and repaired, the output equal to a --no-cache build's; a
# rebuild while another build holds the lock waits for it, then finds
# nothing changed.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
# 300 articles over the two schools' folders, and one article with a
# broken link (a warning the record keeps)
i=0
while [ $i -lt 300 ]; do
	if [ $((i % 2)) -eq 0 ]; then school=dong-thai; else school=an-duong; fi
	write "$S/content/news/$school/bai-$i.md" <<MD
---
title: "Bài số $i"
date: 2023-03-$(printf %02d $((i % 28 + 1)))
---
Nội dung bài $i.
MD
	i=$((i + 1))
done
write "$S/content/news/an-duong/lien-ket.md" <<'MD'
---
title: "Liên kết hỏng"
date: 2023-03-05
---
Xem [bài cũ](khong-co.md).
MD
commit "$S" "2023-03-06T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Nhiều bài"

NOW=2023-05-20
W="$TMP/w"
OUT="$W/public"
mkdir -p "$W" "$TMP/full"
build() {
	"$LOA" build --repo "$S" --out "$OUT" --now "$NOW" --lang en "$@" > "$TMP/b.out" 2> "$TMP/b.log"
}
"$LOA" build --repo "$S" --out "$TMP/full/public" --now "$NOW" --no-cache --lang en \
	> /dev/null 2> "$TMP/full.log"
full_status=$?

build
first=$?
check "first build: the status of a --no-cache build" test "$first" -eq "$full_status"
check "first build: the broken link's warning" contains "$TMP/b.log" "khong-co.md"
grep -o '[0-9]* pages, [0-9]* files, [0-9]* errors, [0-9]* warnings' "$TMP/b.log" > "$TMP/counts"
check "first build: counts printed" test -s "$TMP/counts"
OBJ="$W/.loa-cache/render/public/objects"
check "the listing is long enough to be checked in parts (over 128 KB)" \
	test "$(find "$OBJ" -type f -size +128k | wc -l)" -ge 1

untouched() {
	build
	st=$?
	check "$1: nothing changed" contains "$TMP/b.log" "nothing changed, left as it was"
	check "$1: the last build's status" test "$st" -eq "$first"
	check "$1: the last build's warning" contains "$TMP/b.log" "khong-co.md"
	check "$1: the last build's counts" contains "$TMP/b.log" "$(cat "$TMP/counts")"
}
untouched "rebuild"

# no builder process: only threads are started. A new process is a fork
# or vfork, or a clone whose exit signal is SIGCHLD (glibc's fork); a
# thread's clone has none. (LeakSanitizer cannot run under ptrace: off.)
if command -v strace > /dev/null 2>&1; then
	ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=fork,vfork,clone,clone3 -o "$TMP/strace" \
		"$LOA" build --repo "$S" --out "$OUT" --now "$NOW" --lang en > /dev/null 2> "$TMP/b.log"
	check "rebuild under strace: nothing changed" contains "$TMP/b.log" "nothing changed"
	check "rebuild: no builder process started" \
		sh -c "! grep -E '^[0-9]+ +(fork\\(|vfork\\(|clone.*SIGCHLD)' '$TMP/strace' | grep -q ."
fi

# a page edited in place, same size, its folder's times put back
edit() {
	page=$1
	dir=$(dirname "$page")
	touch -r "$dir" "$TMP/dirtime"
	size=$(wc -c < "$page")
	head -c "$size" /dev/zero | tr '\0' 'x' > "$page"
	touch -r "$TMP/dirtime" "$dir"
}
repaired() {
	build
	st=$?
	check "$1: rebuilt, status as before" test "$st" -eq "$first"
	check "$1: not 'nothing changed'" lacks "$TMP/b.log" "nothing changed"
	check "$1: the output equals a --no-cache build" diff -r "$OUT" "$TMP/full/public"
	untouched "$1: then"
}
# pages in the listing's order: its first, middle and last page folders
find "$OUT" -name index.html | LC_ALL=C sort > "$TMP/pages"
n=$(wc -l < "$TMP/pages")
check "hundreds of pages published" test "$n" -gt 300
for at in 1 $((n / 2)) $((n * 3 / 4)) "$n"; do
	page=$(sed -n "${at}p" "$TMP/pages")
	sleep 0.05
	edit "$page"
	repaired "page $at of $n edited in place"
done

# a stray file deep in the tree, the folder's modification time put back
deep=$(dirname "$(sed -n "$((n - 1))p" "$TMP/pages")")
touch -r "$deep" "$TMP/dirtime"
echo "stray" > "$deep/stray.html"
touch -r "$TMP/dirtime" "$deep"
repaired "a stray file deep in the tree"
check "the stray file removed" test ! -e "$deep/stray.html"

# another build holds the output's lock: this one waits, then finds
# nothing changed (the check before the builder does not fail on a lock)
: > "$TMP/hold"
flock "$W/.public.loa-lock" sh -c 'touch "$2"; while [ -e "$1" ]; do sleep 0.1; done' sh \
	"$TMP/hold" "$TMP/ready" &
holder=$!
while [ ! -e "$TMP/ready" ]; do sleep 0.05; done
"$LOA" build --repo "$S" --out "$OUT" --now "$NOW" --lang en --wait 60 > /dev/null 2> "$TMP/b.log" &
pw=$!
n=0
while ! grep -q "waiting for another build" "$TMP/b.log" && [ $n -lt 1200 ] && kill -0 $pw 2> /dev/null; do
	sleep 0.1
	n=$((n + 1))
done
check "lock held: it says it is waiting" contains "$TMP/b.log" "waiting for another build"
rm -f "$TMP/hold"
wait $holder
wait $pw
st=$?
check "lock released: the status as before" test "$st" -eq "$first"
check "lock released: nothing changed" contains "$TMP/b.log" "nothing changed, left as it was"

# the filter above sees the builder of a build that is not up to date (a
# new day: rebuilt, from the cache)
if command -v strace > /dev/null 2>&1; then
	ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=fork,vfork,clone,clone3 -o "$TMP/strace" \
		"$LOA" build --repo "$S" --out "$OUT" --now 2023-05-21 --lang en > /dev/null 2> "$TMP/b.log"
	check "a new day: rebuilt" lacks "$TMP/b.log" "nothing changed"
	check "a new day: its builder process seen" \
		sh -c "grep -E '^[0-9]+ +(fork\\(|vfork\\(|clone.*SIGCHLD)' '$TMP/strace' | grep -q ."
fi
finish
