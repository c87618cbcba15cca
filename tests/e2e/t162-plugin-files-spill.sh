#!/bin/sh
# The files plugins add (loa.add_file) leave the Lua state when they are
# added (issue #14, the builder's memory): their bytes go to an unlinked
# temporary file and the render job, the job keys and the cache read them
# back. Checked: every byte comes back (NULs, an empty file, 4 MB files
# made by a string and by a content function); the state never holds
# the files together (LOA_TIMINGS' "at most" stays under their sum, where
# it held them all until the collection before); a cached rebuild, one
# whose content function comes from the cache, and a build whose TMPDIR
# cannot take a file (the bytes then stay in memory) all give the site of
# --no-cache.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
# twelve files of 4 MB each (48 MB), each string made, added and dropped;
# one with NULs and one empty; one made by a content function
write "$S/plugins/files.lua" <<'LUA'
local function blob(i)
  return string.format("%08d", i) .. ("x"):rep(4 * 1024 * 1024 - 16) .. string.format("%08d", i)
end
loa.on("before_render", function()
  for i = 1, 12 do loa.add_file{ url = "/du-lieu/tep-" .. i .. ".txt", content = blob(i) } end
  loa.add_file{ url = "/du-lieu/nhi-phan.bin", content = "a\0b\0\0c\n\255" }
  loa.add_file{ url = "/du-lieu/rong.txt", content = "" }
  loa.add_file{ url = "/du-lieu/ham.txt", content = function() return ("hàm\0"):rep(1000) end }
end)
LUA
commit "$S" "2023-03-07T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Thêm tệp"
NOW=2023-05-20
mkdir -p "$TMP/a" "$TMP/full" "$TMP/nc" "$TMP/m"
"$LOA" build --repo "$S" --out "$TMP/full/public" --now "$NOW" --no-cache > /dev/null 2>&1
check "--no-cache build: exit 0" [ $? -eq 0 ]
F="$TMP/full/public/du-lieu"

# the bytes, exactly
printf '%08d' 7 > "$TMP/want7"
head -c $((4 * 1024 * 1024 - 16)) /dev/zero | tr '\0' x >> "$TMP/want7"
printf '%08d' 7 >> "$TMP/want7"
check "a 4 MB file comes back byte for byte" cmp -s "$F/tep-7.txt" "$TMP/want7"
check "the twelfth too" [ "$(head -c 8 "$F/tep-12.txt")" = "00000012" ]
printf 'a\000b\000\000c\n\377' > "$TMP/wantbin"
check "NULs and a byte 255 come back" cmp -s "$F/nhi-phan.bin" "$TMP/wantbin"
check "an empty file is written, empty" [ -f "$F/rong.txt" ] && [ ! -s "$F/rong.txt" ]
check "a content function's file: 5000 bytes" [ "$(wc -c < "$F/ham.txt")" -eq 5000 ]

# the state never held the 48 MB of files together
LOA_TIMINGS=1 "$LOA" build --repo "$S" --out "$TMP/nc/public" --now "$NOW" --no-cache \
	> /dev/null 2> "$TMP/timings.log"
most=$(sed -n 's/.*lua-memory .*, \([0-9]*\) MB at most.*/\1/p' "$TMP/timings.log")
check "the Lua state held at most ${most:-?} MB (the files are 48 MB)" [ "${most:-999}" -lt 36 ]

# cached builds: the first makes the content function's file and keeps
# it, the second (a commit that changes no page) takes it from the cache
OUT="$TMP/a/public"
for run in first second; do
	if [ $run = second ]; then
		echo "ghi chú" > "$S/ghi-chu.txt"
		commit "$S" "2023-03-08T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Ghi chú"
		"$LOA" build --repo "$S" --out "$TMP/full/public" --now "$NOW" --no-cache > /dev/null 2>&1
	fi
	LOA_DEBUG=memo "$LOA" build --repo "$S" --out "$OUT" --now "$NOW" \
		> /dev/null 2> "$TMP/$run.log"
	check "$run cached build: exit 0" [ $? -eq 0 ]
	check "$run cached build: the site of --no-cache" diff -r "$OUT" "$TMP/full/public"
done
check "the second build's content function came from the cache" \
	grep -q 'memo /du-lieu/ham.txt: from the cache' "$TMP/second.log"

# no temporary file possible: the bytes stay in memory, the site is the same
TMPDIR="$TMP/no-such-folder" "$LOA" build --repo "$S" --out "$TMP/m/public" --now "$NOW" \
	--no-cache > /dev/null 2>&1
check "TMPDIR unusable: exit 0" [ $? -eq 0 ]
check "TMPDIR unusable: the same site" diff -r "$TMP/m/public" "$TMP/full/public"
finish
