#!/bin/sh
# The builder's memory (issue #14, "peak memory of the largest process"):
# a first build with a cache keeps the table of parsed files as parts
# pointing at the files' bytes until the cache's folders exist, and that
# table is byte for byte the one a build stores at once when they do; a
# handler's large garbage is collected when it returns (LOA_TIMINGS shows
# the state after the plugins, well under the stage's peak); the state is
# collected in full before the renders only when many pages render;
# LOA_DEBUG=memory says the builder's memory after each stage and before
# the fork. Every build gives the site of --no-cache.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
write "$S/content/news/dong-thai/toml.md" <<'MD'
+++
title = "Bài TOML"
date = 2023-03-05
tags = ["toml"]
+++
Thân bài TOML.
MD
printf '\357\273\277---\r\ntitle: "Bài CRLF"\r\ndate: 2023-03-06\r\n---\r\nThân bài CRLF.\r\n' \
	> "$S/content/news/an-duong/crlf.md"
# 40 MB of garbage made by the last handler, dropped when it returns
write "$S/plugins/garbage.lua" <<'LUA'
loa.on("before_render", function()
  local junk = {}
  for i = 1, 40 do junk[i] = ("g"):rep(1000000 - 8) .. string.format("%08d", i) end
  assert(#junk == 40)
end)
LUA
commit "$S" "2023-03-07T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Thêm"
NOW=2023-05-20
OUT="$TMP/a/public"
mkdir -p "$TMP/a"
# build LOG [DEBUG]: a cached build into OUT (LOA_DEBUG=DEBUG), then a
# --no-cache one to compare
build() {
	LOA_TIMINGS=1 LOA_DEBUG=${2:-} "$LOA" build --repo "$S" --out "$OUT" --now "$NOW" \
		> /dev/null 2> "$TMP/$1.log"
	echo $? > "$TMP/$1.rc"
	rm -rf "$TMP/full"
	mkdir -p "$TMP/full"
	"$LOA" build --repo "$S" --out "$TMP/full/public" --now "$NOW" --no-cache > /dev/null 2>&1
	check "$1: exit 0" [ "$(cat "$TMP/$1.rc")" -eq 0 ]
	check "$1: the same site as --no-cache" diff -r "$OUT" "$TMP/full/public"
}
parsed() { sed -n 's/.*parsed from *\([0-9]*\) of .*/\1/p' "$TMP/$1.log"; }
table() { grep -rlF 'loa-blobs-1' "$TMP/a/.loa-cache" | head -1; }
touch_repo() {
	echo "$1" > "$S/ghi-chu.txt"
	commit "$S" "2023-03-0$2T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "$1"
}

build first memory
check "first: every file parsed" [ "$(parsed first)" = 0 ]
check "first: the table stored once the cache's folders existed" [ -n "$(table)" ]
cp "$(table)" "$TMP/kept"

# the table gone: the next build parses again and stores it at once
rm -f "$(table)"
touch_repo "một" 8
build again
check "again: every file parsed (the table was removed)" [ "$(parsed again)" = 0 ]
check "again: the table stored at once" [ -n "$(table)" ]
check "the first build's table (kept as parts) is the table stored at once, byte for byte" \
	cmp -s "$TMP/kept" "$(table)"

touch_repo "hai" 9
build third
n=$(sed -n 's/.*parsed from *[0-9]* of *\([0-9]*\) .*/\1/p' "$TMP/third.log")
check "third: every file from the table ($(parsed third) of $n)" [ "$(parsed third)" = "$n" ]

# the plugins' garbage collected before the job keys (LOA_DEBUG=memory
# collects after each handler: not in this build)
line=$(grep 'lua-memory .* after the plugins' "$TMP/third.log")
after=$(echo "$line" | sed -n 's/.*lua-memory *\([0-9]*\) MB after.*/\1/p')
most=$(echo "$line" | sed -n 's/.*, \([0-9]*\) MB at most.*/\1/p')
check "the plugins' 40 MB of garbage is collected after the stage ($after MB, at most $most MB)" \
	[ $((${after:-999} + 30)) -le "${most:-0}" ]

# the state is collected in full before the renders when the workers
# have much to render (every page, --no-cache: the site's tables are then
# old, which their minor collections skip), not when they have little
# (the third build took every page from the cache): a full collection
# walks every table of the site
mkdir -p "$TMP/nc"
LOA_TIMINGS=1 "$LOA" build --repo "$S" --out "$TMP/nc/public" --now "$NOW" --no-cache \
	> /dev/null 2> "$TMP/nc.log"
check "every page to render: collected in full before the renders" \
	grep -q "lua-memory .* before the renders, collected in full" "$TMP/nc.log"
check "nothing to render: no full collection" \
	grep -q "lua-memory .* before the renders, not collected (0 of " "$TMP/third.log"

for stage in load plugins "the trim before the fork" render publish; do
	check "LOA_DEBUG=memory: after $stage" \
		grep -q "^loa: debug: memory after $stage: rss [0-9]* MB, peak [0-9]* MB, lua [0-9]* MB" \
		"$TMP/first.log"
done
finish
