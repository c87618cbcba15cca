#!/bin/sh
# The table of indexed bodies (t149) across several loa.search_index
# calls in one build, with different summary budgets, and for --worktree
# builds (keyed by the body's bytes, not by a commit): every rebuild
# equals a --no-cache build byte for byte, and an edited body's words and
# summaries are the new ones in every index.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
# a second index over the news, with short default summaries
write "$S/plugins/probe.lua" <<'LUA'
loa.on("before_render", function()
  local docs = {}
  for _, p in ipairs(loa.pages{ kind = "news" }) do
    docs[#docs + 1] = { url = p.url, title = p.title,
                        fields = { { body = p.path, weight = 5 }, { body = p.path, weight = 2 } } }
  end
  for _, f in ipairs(loa.search_index(docs, { summary_bytes = 40 })) do
    loa.add_file{ url = "/probe-index/" .. f.name, content = f.content }
  end
end)
LUA
write "$S/content/news/dong-thai/bua-an.md" <<'MD'
---
title: "Bữa ăn bán trú đảm bảo dinh dưỡng"
date: 2023-03-01
---
Các bé học chơi đàn xylophone trong giờ âm nhạc, cùng các cô giáo của trường mầm non.
MD
commit "$S" "2023-03-03T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Bài về đàn"

INC="$TMP/inc/public"
mkdir -p "$TMP/inc"
build_inc() { # [--worktree]
	LOA_DEBUG=search "$LOA" build --repo "$S" --out "$INC" --now 2023-05-20 "$@" > "$TMP/inc.out" 2> "$TMP/inc.log"
}
same_as_full() { # NAME [--worktree]
	name=$1
	shift
	rm -rf "$TMP/full"
	mkdir -p "$TMP/full"
	"$LOA" build --repo "$S" --out "$TMP/full/public" --now 2023-05-20 --no-cache "$@" \
		> /dev/null 2> "$TMP/full.log" || cat "$TMP/full.log"
	check "$name" diff -r "$INC" "$TMP/full/public"
}
# the lines "N/M" of the build, one per call, joined
counts() { sed -n 's|^loa: debug: search-bodies \([0-9]*/[0-9]*\)$|\1|p' "$TMP/inc.log" | tr '\n' ' '; }
# FOLDER TEXT: a JSON file of the index under FOLDER holds TEXT
has() { grep -rlF --include='*.json' -- "$2" "$INC/$1" | grep -q .; }
edit_body() { # TEXT
	write "$S/content/news/dong-thai/bua-an.md" <<MD
---
title: "Bữa ăn bán trú đảm bảo dinh dưỡng"
date: 2023-03-01
---
$1
MD
}

build_inc
check "first build publishes" test "$?" -eq 0
check "first build: both indexes made" test -f "$INC/probe-index/manifest.json" -a -f "$INC/tim-kiem/index/manifest.json"
same_as_full "first build equals --no-cache"
first=$(counts)

edit_body "Các bé học chơi đàn saxophone trong giờ âm nhạc, cùng các cô giáo của trường mầm non."
commit "$S" "2023-03-04T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sửa bài"
build_inc
# the site's index is begun in after_load (search.lua), so its line comes
# first; the probe's call reads the edited body twice, the site's once
check "first build: both calls computed every body ($first)" test "$first" = "0/5 0/4 "
check "body edit: each call took the unchanged bodies ($(counts))" test "$(counts)" = "4/5 2/4 "
check "body edit: the site index has the new word" has tim-kiem '"saxophone":'
check "body edit: the probe index has the new word" has probe-index '"saxophone":'
check "body edit: the old word is gone from both" sh -c "! grep -rqF xylophone '$INC/tim-kiem' '$INC/probe-index'"
check "body edit: the probe's short summary is the new body's" has probe-index 'Các bé học chơi đàn saxophone'
same_as_full "body edit equals --no-cache"

# the work tree: an edit not committed, built twice with the cache
edit_body "Các bé tập hát bài Trống cơm với đàn ukulele."
build_inc --worktree
check "worktree build publishes" test "$?" -eq 0
check "worktree: the uncommitted word is in the index" has tim-kiem '"ukulele":'
same_as_full "worktree build equals --no-cache" --worktree
edit_body "Các bé tập hát bài Trống cơm với đàn banjo."
build_inc --worktree
check "worktree edit: only the edited body computed ($(counts))" test "$(counts)" = "4/5 2/4 "
check "worktree edit: the new word is in the index" has tim-kiem '"banjo":'
check "worktree edit: the word before is gone" sh -c "! grep -rqF ukulele '$INC/tim-kiem' '$INC/probe-index'"
same_as_full "worktree edit equals --no-cache" --worktree
finish
