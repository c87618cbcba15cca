#!/bin/sh
# The load's table of parsed content files (site/site_blobs.h) is trusted
# only when sound: a table whose bytes were changed (a body's text, with
# the lengths kept) or cut short is a miss, never served, and the next
# build writes a sound one again; --no-cache never reads it; a --worktree
# build takes from it only the files whose bytes on disk are those of an
# entry (by the id git gives them), and reads and parses an edited one.
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
mkdir -p "$TMP/inc"
build_inc() {
	LOA_TIMINGS=1 "$LOA" build --allow-removal --repo "$S" --out "$INC" --now "$NOW" "$@" \
		> /dev/null 2> "$TMP/inc.log"
}
same_as_full() {
	rm -rf "$TMP/full"
	mkdir -p "$TMP/full"
	"$LOA" build --repo "$S" --out "$TMP/full/public" --now "$NOW" --no-cache > /dev/null 2>&1
	check "$1" diff -r "$INC" "$TMP/full/public"
}
parsed() { sed -n 's/.*parsed from *\([0-9]*\) of .*/\1/p' "$TMP/inc.log"; }
table() { grep -rlF "loa-blobs-1" "$TMP/inc/.loa-cache/render/public/objects" 2>/dev/null | head -n 1; }
n=0
edit_school() { # a commit that leaves ascii.md as it is
	n=$((n + 1))
	echo "Dòng $n." >> "$S/content/schools/an-duong.md"
	commit "$S" "2023-04-0${n}T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" "Sửa $n"
}

build_inc
edit_school
build_inc
check "the table is in the cache" test -n "$(table)"
check "the rebuild took files from it" test "$(parsed)" -ge 5

# a body changed inside the table, every length kept
T=$(table)
sed -i 's/Plain ascii body marker\./Stale ascii body marker!!/' "$T"
check "the table was changed" grep -qF "Stale ascii body marker!!" "$T"
edit_school
build_inc
check "a changed table is a miss" test "$(parsed)" = 0
check "its text is not published" sh -c "! grep -rqF 'Stale ascii' '$INC'"
same_as_full "after a changed table: the same site as --no-cache"
edit_school
build_inc
check "the next build has a sound table again" test "$(parsed)" -ge 5

# cut short
T=$(table)
head -c 300 "$T" > "$TMP/cut" && cat "$TMP/cut" > "$T"
edit_school
build_inc
check "a cut table is a miss" test "$(parsed)" = 0
same_as_full "after a cut table: the same site as --no-cache"

# --no-cache into the same output, the table changed again: not read
T=$(table)
sed -i 's/Plain ascii body marker\./Stale ascii body marker!!/' "$T"
LOA_TIMINGS=1 "$LOA" build --allow-removal --repo "$S" --out "$INC" --now "$NOW" --no-cache \
	> /dev/null 2> "$TMP/inc.log"
check "--no-cache parses every file" test "$(parsed)" = 0
check "--no-cache publishes the text of the blob" grep -rqF "Plain ascii body marker." "$INC"

# a work tree build: its own table (keyed apart from the commit's), by the
# ids of the bytes on disk
edit_school
build_inc
build_inc --worktree
check "--worktree, first build: every file parsed" test "$(parsed)" = 0
all=$(sed -n 's/.*parsed from *[0-9]* of \([0-9]*\) .*/\1/p' "$TMP/inc.log")
sed -i 's/Plain ascii body marker\./Edited in the work tree./' "$S/content/news/dong-thai/ascii.md"
build_inc --worktree
check "--worktree: the edited file is parsed, the others come from the table" \
	test "$(parsed)" = $((all - 1))
check "--worktree publishes the edit" grep -rqF "Edited in the work tree." "$INC"
build_inc --worktree
check "--worktree again: the edited file now comes from the table too" test "$(parsed)" = "$all"
check "--worktree again: still the edit" grep -rqF "Edited in the work tree." "$INC"
# a table whose entry for the edited bytes was changed is a miss
T=$(grep -rlF "Edited in the work tree." "$TMP/inc/.loa-cache/render/public/objects" | xargs grep -lF "loa-blobs-1" | head -n 1)
check "the work tree's table holds the edited bytes" test -n "$T"
sed -i 's/Edited in the work tree\./Stale in the work tree!!/' "$T"
build_inc --worktree
check "--worktree with a damaged table parses every file" test "$(parsed)" = 0
check "--worktree with a damaged table publishes the file on disk" \
	grep -rqF "Edited in the work tree." "$INC"
check "--worktree never publishes the damaged entry" test -z "$(grep -rlF "Stale in the work tree!!" "$INC")"

finish
