# All or nothing: a build whose output file system fills up (a small tmpfs,
# mounted as root) or runs out of inodes, or is read-only, publishes
# nothing: exit 2, ONE error naming the folder and the cause, the previous
# site byte-identical, no temporary folder left. Once there is room again
# the next build publishes. Prints SKIP where mount is not permitted.
. "$(dirname "$0")/lib.sh"
D="$TMP/disk"
mkdir -p "$D"
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP full disk: not root, cannot mount a tmpfs"
	exit 0
fi
if ! mount -t tmpfs -o size=8m,nr_inodes=4096 tmpfs "$D" 2> /dev/null; then
	echo "SKIP full disk: mount -t tmpfs refused here"
	exit 0
fi
trap 'umount "$D" 2>/dev/null; umount "$TMP/disk2" 2>/dev/null; rm -rf "$TMP"' EXIT

R="$TMP/site"
basic_site "$R"
cd "$R"
# enough pages that a build is many files, written by several workers
i=1
while [ $i -le 40 ]; do
	write "$R/content/news/bai-$i.md" <<MD
---
title: "Bài số $i"
date: 2023-04-$(printf %02d $(( (i % 28) + 1 )))
school: dong-thai
---
$(seq 1 200 | sed 's/^/Đoạn văn dài cho trang số /')
MD
	i=$((i + 1))
done
commit "$R" "2023-04-30T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Nhiều bài"
mkdir -p "$D/www"
OUT="$D/www/site"
"$LOA" build --out "$OUT" --now 2023-06-01 --quiet --jobs 2
check "first build with room: published" test -s "$OUT/index.html"
cp -a "$OUT" "$TMP/before"
site_kb=$(du -sk "$OUT" | cut -f1)

# failed: exit 2, one error line naming the folder, the site as it was
failed() { # NAME CAUSE-TEXT
	check "$1: exit 2" [ "$st" -eq 2 ]
	check "$1: exactly one error line" [ "$(grep -c '^error' "$TMP/err")" -eq 1 ]
	check "$1: it names the folder" grep -q "^error: .*$OUT" "$TMP/err"
	check "$1: it names the cause" grep -q "$2" "$TMP/err"
	check "$1: previous site byte-identical" diff -r "$TMP/before" "$OUT"
	check "$1: no temporary folder left" [ -z "$(ls -A "$D/www" | grep -e '\.loa-tmp-' -e '\.loa-old-')" ]
}

# fill the disk, then free less room than the site needs (again before
# each attempt: a build that runs out of room empties the cache of what
# earlier attempts left)
fill() {
	dd if=/dev/zero of="$D/filler.$1" bs=64k 2> /dev/null
	truncate -s -"$((site_kb / 3))"K "$D/filler.$1"
}
fill 1
# a new page, so the build is real (and through the cache)
write "$R/content/news/moi.md" <<'MD'
---
title: "Bài mới"
date: 2023-05-20
school: dong-thai
---
Nội dung mới.
MD
commit "$R" "2023-05-20T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Bài mới"
"$LOA" build --out "$OUT" --now 2023-06-01 --jobs 2 2> "$TMP/err"
st=$?
cat "$TMP/err" | head -5
failed "disk full" "No space left on device"
check "disk full: says to free space" grep -q "free some space" "$TMP/err"
fill 2
"$LOA" build --out "$OUT" --now 2023-06-01 --jobs 2 --no-cache 2> "$TMP/err"
st=$?
failed "disk full, --no-cache" "No space left on device"

# room again: the next build publishes the new page
rm -f "$D"/filler.*
"$LOA" build --out "$OUT" --now 2023-06-01 --quiet --jobs 2
check "room again: published" [ $? -eq 0 ]
check "room again: the new page is there" test -s "$OUT/tin-tuc/bai-moi/index.html"
rm -rf "$TMP/before"
cp -a "$OUT" "$TMP/before"

# inodes exhausted: the data fits, the files do not
used=$(df -i "$D" | awk 'NR==2 {print $3}')
mkdir -p "$D/inodes"
n=0
while { true > "$D/inodes/$n"; } 2> /dev/null; do n=$((n + 1)); done
# leave a few, so the build starts and stops part way
rm -f "$D/inodes/1" "$D/inodes/2" "$D/inodes/3" "$D/inodes/4" "$D/inodes/5"
write "$R/content/news/moi-2.md" <<'MD'
---
title: "Bài mới nữa"
date: 2023-05-21
school: dong-thai
---
Nội dung mới nữa.
MD
commit "$R" "2023-05-21T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Bài mới nữa"
"$LOA" build --out "$OUT" --now 2023-06-01 --jobs 2 2> "$TMP/err"
st=$?
head -3 "$TMP/err"
failed "no inodes" "No space left on device"
# not one inode left: the new folder itself cannot be made; said as any
# write's failure, and the cache is freed as after one
while { true > "$D/inodes/x$n"; } 2> /dev/null; do n=$((n + 1)); done
"$LOA" build --out "$OUT" --now 2023-06-01 --jobs 2 2> "$TMP/err"
st=$?
failed "no inode at all" "No space left on device"
check "no inode at all: says to free space" grep -q "free some space" "$TMP/err"
rm -rf "$D/inodes"

# a read-only file system: refused, the site as it was
mount -o remount,ro "$D"
"$LOA" build --out "$OUT" --now 2023-06-01 --jobs 2 2> "$TMP/err"
st=$?
failed "read-only" "Read-only file system"
mount -o remount,rw "$D"
"$LOA" build --out "$OUT" --now 2023-06-01 --quiet --jobs 2
check "writable again: published" test -s "$OUT/tin-tuc/bai-moi-nua/index.html"
echo "  inodes used by the first build and its cache: about $used"
finish
