#!/bin/sh
# The large objects a build writes and the next ones read again whole (the
# table of parsed files, the indexed bodies, the history, the published
# listing and its side object) are verified in full once, then trusted
# while their file keeps the identity recorded in the cache's "trusted"
# file (cache_load_trusting): a rebuild does not digest tens of megabytes
# again. An object edited in place — same inode, same size, modification
# time put back — is no longer trusted: it is verified, refused, and the
# site is the same as --no-cache's. A damaged or symlinked "trusted" file
# trusts nothing.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
write "$S/content/news/dong-thai/ascii.md" <<'MD'
---
title: "Bai ASCII"
date: 2023-03-04
---
Plain ascii body marker.
MD
commit "$S" "2023-03-03T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Thêm"

NOW=2023-05-20
INC="$TMP/inc/public"
C="$TMP/inc/.loa-cache/render/public"
mkdir -p "$TMP/inc"
build_inc() {
	LOA_DEBUG=trust LOA_TIMINGS=1 "$LOA" build --allow-removal --repo "$S" --out "$INC" \
		--now "$NOW" > /dev/null 2> "$TMP/inc.log"
}
same_as_full() {
	rm -rf "$TMP/full"
	mkdir -p "$TMP/full"
	"$LOA" build --repo "$S" --out "$TMP/full/public" --now "$NOW" --no-cache > /dev/null 2>&1
	check "$1" diff -r "$INC" "$TMP/full/public"
}
trusted() { sed -n 's/.*trust: [0-9]* objects verified, \([0-9]*\) trusted.*/\1/p' "$TMP/inc.log"; }
verified() { sed -n 's/.*trust: \([0-9]*\) objects verified.*/\1/p' "$TMP/inc.log"; }
parsed() { sed -n 's/.*parsed from *\([0-9]*\) of .*/\1/p' "$TMP/inc.log"; }
n=0
edit_school() { # a commit that leaves ascii.md as it is
	n=$((n + 1))
	echo "Dòng $n." >> "$S/content/schools/an-duong.md"
	commit "$S" "2023-04-0${n}T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" "Sửa $n"
}
# the objects "trusted" names
trusted_objects() {
	sed -n 's/^\([0-9a-f]\{2\}\)\([0-9a-f]\{38\}\) .*/\1\/\2/p' "$C/trusted" |
		while read -r o; do [ -f "$C/objects/$o" ] && echo "$C/objects/$o"; done
}
# edit FILE OLD NEW: replaces OLD by NEW (same length) in place: the same
# inode and size, the modification time put back
edit_in_place() {
	python3 - "$@" <<'PY'
import os, sys
path, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
assert len(old) == len(new)
st = os.stat(path)
with open(path, "r+b") as f:
    data = f.read()
    i = data.find(old)
    if i < 0:
        # no such text: flip one byte in the middle of the data
        i, old, new = len(data) // 2, data[len(data) // 2:len(data) // 2 + 1], bytes([data[len(data) // 2] ^ 1])
    f.seek(i)
    f.write(new)
os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
after = os.stat(path)
assert after.st_ino == st.st_ino and after.st_size == st.st_size and after.st_mtime_ns == st.st_mtime_ns
PY
}

build_inc
edit_school
build_inc
check "the cache keeps the identities it trusts" test -s "$C/trusted"
check "a rebuild trusts the objects the last build wrote" test "$(trusted)" -ge 3
check "the rebuild took files from the table" test "$(parsed)" -ge 5
same_as_full "a rebuild from trusted objects: the same site as --no-cache"
edit_school
build_inc
check "and the next one too" test "$(trusted)" -ge 3

# every trusted object edited in place: same inode, size and mtime
count=0
for o in $(trusted_objects); do
	edit_in_place "$o" "Plain ascii body marker." "Stale ascii body marker!" && count=$((count + 1))
done
check "the trusted objects were edited in place" test "$count" -ge 3
edit_school
build_inc
check "an object edited in place is not trusted" test "$(trusted)" = 0
check "it is verified instead" test "$(verified)" -ge 1
check "the edited table is a miss" test "$(parsed)" = 0
check "its text is not published" sh -c "! grep -rqF 'Stale ascii' '$INC'"
same_as_full "after objects edited in place: the same site as --no-cache"
edit_school
build_inc
check "what the build after wrote is trusted again" test "$(trusted)" -ge 3
same_as_full "and the site is the same as --no-cache"

# a damaged "trusted" file trusts nothing
printf 'x' >> "$C/trusted"
edit_school
build_inc
check "a damaged trusted file trusts nothing" test "$(trusted)" = 0
same_as_full "after a damaged trusted file: the same site as --no-cache"
edit_school
build_inc
check "it is written sound again" test "$(trusted)" -ge 3

# a symlink in its place is not followed
cp "$C/trusted" "$TMP/elsewhere"
cp "$C/trusted" "$TMP/elsewhere.copy"
rm -f "$C/trusted"
ln -s "$TMP/elsewhere" "$C/trusted"
edit_school
build_inc
check "a symlinked trusted file trusts nothing" test "$(trusted)" = 0
check "the file it pointed to is left alone" cmp -s "$TMP/elsewhere" "$TMP/elsewhere.copy"
check "and the symlink was replaced by a file" test -f "$C/trusted" -a ! -L "$C/trusted"
same_as_full "after a symlinked trusted file: the same site as --no-cache"

finish
