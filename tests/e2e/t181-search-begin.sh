#!/bin/sh
# loa.search_index_begin (issue #14): the search index made on a thread
# while the next handlers run. The shipped search.lua begins its index in
# after_load and takes the files in before_render; the site is byte for
# byte the one the synchronous loa.search_index made, with --jobs 2 (a
# thread) and --jobs 1 (none). The bodies an index reads are recorded as
# the call's reads, no longer as something no key covers: a value of
# loa.memo that makes an index is kept until one of its bodies changes,
# and a data page of a plugin that runs after search.lua is taken from the
# cache; they are read when the files are taken, which a content function
# may do in a render worker. Misuse is an error at the plugin's line, and a job never taken,
# or a handler that fails while its index runs, ends the build normally.
. "$(dirname "$0")/lib.sh"
[ -n "${KEEP:-}" ] && trap - EXIT

S="$TMP/site"
basic_site "$S"
write "$S/content/news/dong-thai/dan.md" <<'MD'
---
title: "Giờ âm nhạc"
date: 2023-03-05
---
Các bé học chơi đàn xylophone cùng cô giáo.
MD
commit "$S" "2023-03-06T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Bài về đàn"

NOW=2023-05-20
# build_to DIR [ARGS...]: $S into DIR/public, --no-cache, stderr in DIR.log
build_to() {
	dir=$1
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	LOA_DEBUG=search "$LOA" build --repo "$S" --out "$dir/public" --now "$NOW" --no-cache --lang en "$@" \
		> /dev/null 2> "$dir.log"
}

# ---- the shipped plugin: the same site as the synchronous call ----
build_to "$TMP/begin2" --jobs 2
check "with a thread: publishes" test $? -eq 0
check "with a thread: the index was made on a thread" grep -qx 'loa: debug: search-index-thread' "$TMP/begin2.log"
check "with a thread: the index has the article's word" sh -c "grep -rqF '\"xylophone\":' '$TMP/begin2/public/tim-kiem/index'"
build_to "$TMP/begin1" --jobs 1
check "one job: no thread" sh -c "! grep -q search-index-thread '$TMP/begin1.log'"
check "one job: the same site" diff -r "$TMP/begin1/public" "$TMP/begin2/public"

# the site's own search.lua, as it was: one synchronous call in before_render
python3 - "$LOA_DATADIR/plugins/search.lua" "$TMP/search-sync.lua" <<'PY'
import sys
src = open(sys.argv[1], encoding="utf-8").read()
for old, new in (("local job\n", ""),
                 ('loa.on("after_load", function()', 'loa.on("before_render", function()'),
                 ("  job = loa.search_index_begin(", "  local files = loa.search_index("),
                 ('end)\n\nloa.on("before_render", function()\n', ""),
                 ("ipairs(job:files())", "ipairs(files)"),
                 ("  job = nil\n", "")):
    assert src.count(old) == 1, old
    src = src.replace(old, new)
open(sys.argv[2], "w", encoding="utf-8").write(src)
PY
check "the synchronous plugin calls loa.search_index" grep -q 'local files = loa.search_index(docs' "$TMP/search-sync.lua"
check "the synchronous plugin begins nothing" sh -c "! grep -q 'search_index_begin\|job' '$TMP/search-sync.lua'"
mkdir -p "$S/plugins"
cp "$TMP/search-sync.lua" "$S/plugins/search.lua"
commit "$S" "2023-03-07T10:00:00+07:00" "Sở GD&ĐT" "sgd@example.vn" "search.lua đồng bộ"
build_to "$TMP/sync"
check "synchronous: publishes" test $? -eq 0
check "synchronous: no thread" sh -c "! grep -q search-index-thread '$TMP/sync.log'"
check "synchronous: the same site as with the thread" diff -r "$TMP/sync/public" "$TMP/begin2/public"
cp -r "$TMP/sync/public" "$TMP/sync-kept"; git -C "$S" rm -q plugins/search.lua
commit "$S" "2023-03-08T10:00:00+07:00" "Sở GD&ĐT" "sgd@example.vn" "search.lua của loa"

# ---- the bodies an index reads are recorded ----
write "$S/plugins/chi-muc.lua" <<'LUA'
-- an index of the news kept as a value: made again only when a body changes
loa.on("before_render", function()
  local docs = {}
  for _, p in ipairs(loa.pages{ kind = "news" }) do
    docs[#docs + 1] = { url = p.url, title = p.title, fields = { { body = p.path } } }
  end
  local files = loa.memo("chi-muc", function() return loa.search_index(docs) end)
  for _, f in ipairs(files) do loa.add_file{ url = "/chi-muc/" .. f.name, content = f.content } end
end)
LUA
# a file whose content function takes a job's files in the worker (a
# plugin named before any that reads bodies in its handlers): the
# bodies are read there, and recorded as its reads
write "$S/plugins/bai-doc.lua" <<'LUA'
loa.on("before_render", function()
  -- by path: the handler reads no page table (which would key the file
  -- by the page's source, its body included); a page with a lastmod of
  -- its own, so that a body edit leaves every page's metadata as it was
  local job = loa.search_index_begin({ { url = "/hoi-thao/",
                                        fields = { { body = "content/news/an-duong/hoi-thao.md" } } } })
  loa.add_file{ url = "/bai-doc.txt", content = function()
    local out = {}
    for _, f in ipairs(job:files()) do out[#out + 1] = f.content end
    return table.concat(out, "\n")
  end }
end)
LUA
# after search.lua in name order: its data page follows an index
write "$S/plugins/tong-hop.lua" <<'LUA'
loa.on("before_render", function()
  loa.add_page{ url = "/tong-hop/", layout = "tong-hop.html", rows = false,
                page = { kind = "page", title = "Tổng hợp", url = "/tong-hop/" },
                data = function() return { rows = "không đổi" } end }
end)
LUA
rows_layout "$S"
commit "$S" "2023-03-09T10:00:00+07:00" "Sở GD&ĐT" "sgd@example.vn" "Chỉ mục và trang tổng hợp"

jobs_setup
BUILD_ENV="LOA_TIMINGS=jobs LOA_DEBUG=memo"
value() { sed -n 's/^loa: debug: memo loa.memo chi-muc: //p' "$TMP/b.log"; }
build
check "first build publishes" test $? -eq 0
check "the value's index has the word" sh -c "grep -rqF '\"xylophone\":' '$OUT/chi-muc'"
check "the files taken in a worker have the word" contains "$OUT/bai-doc.txt" '"thao":'
same_as_full "first build equals --no-cache"

# a first build keeps no value (its cache has no folders yet): the next does
n=0
touch_other
build
check "a school edited: the value kept ($(value))" test "$(value)" = "made and kept"
touch_other
build
check "a school edited again: the value from the cache ($(value))" test "$(value)" = "from the cache"
check "a school edited again: the data page after search.lua from the cache" from_cache 'tong-hop/index.html'
same_as_full "a school edited equals --no-cache"

write "$S/content/news/dong-thai/dan.md" <<'MD'
---
title: "Giờ âm nhạc"
date: 2023-03-05
---
Các bé học chơi đàn ukulele cùng cô giáo.
MD
commit_edit "Sửa bài về đàn"
build
check "a body edited: the value made again ($(value))" test "$(value)" = "made and kept"
check "a body edited: the value's index has the new word" sh -c "grep -rqF '\"ukulele\":' '$OUT/chi-muc'"
check "a body edited: and not the old one" sh -c "! grep -rqF xylophone '$OUT/chi-muc' '$OUT/tim-kiem'"

check "a body edited: the data page still from the cache" from_cache 'tong-hop/index.html'
same_as_full "a body edited equals --no-cache"
# the body of a page with its own lastmod: every page's metadata is the
# same, and only the read recorded when the worker took the files tells
sed -i 's/^Hội thảo\.$/Hội thảo về sáo trúc./' "$S/content/news/an-duong/hoi-thao.md"
commit_edit "Sửa bài hội thảo"
build
check "a body read in a worker edited: the file has the new word" contains "$OUT/bai-doc.txt" '"truc":'
same_as_full "a body read in a worker edited equals --no-cache"
git -C "$S" rm -q plugins/chi-muc.lua plugins/bai-doc.lua plugins/tong-hop.lua themes/default/layouts/tong-hop.html
commit_edit "Bỏ chỉ mục"
BUILD_ENV=

# ---- misuse and unusual uses ----
# plugin LUA: builds $S with plugins/x.lua, into $TMP/x; exit status in rc
plugin() {
	mkdir -p "$S/plugins"
	cat > "$S/plugins/x.lua"
	commit_edit "x.lua"
	rm -rf "$TMP/x"
	mkdir -p "$TMP/x"
	timeout 120 "$LOA" build --repo "$S" --out "$TMP/x/public" --now "$NOW" --jobs 2 --lang en \
		> /dev/null 2> "$TMP/x.log"
	rc=$?
}
plugin <<'LUA'
local docs = {}
loa.on("before_render", function()
  for _, p in ipairs(loa.pages{ kind = "news" }) do
    docs[#docs + 1] = { url = p.url, fields = { { body = p.path } } }
  end
  local job = loa.search_index_begin(docs)
  job:files()
  job:files()
end)
LUA
check "files taken twice: a plugin error" test "$rc" -eq 2
check "files taken twice: named at its line" grep -q "plugins/x.lua:8: .*the job's files were taken already" "$TMP/x.log"

plugin <<'LUA'
loa.on("after_load", function()
  loa.search_index_begin({ { title = "không có url" } })
end)
LUA
check "a document without url: a plugin error" test "$rc" -eq 2
check "a document without url: named at its line" grep -q "plugins/x.lua:2: .*docs\[1\].url is required" "$TMP/x.log"

plugin <<'LUA'
loa.on("after_load", function()
  local docs = {}
  for _, p in ipairs(loa.pages{}) do docs[#docs + 1] = { url = p.url, fields = { { body = p.path } } } end
  loa.search_index_begin(docs) -- never taken
end)
LUA
check "a job never taken: the site publishes" test "$rc" -eq 0
check "a job never taken: the shipped index is whole" test -f "$TMP/x/public/tim-kiem/index/manifest.json"

plugin <<'LUA'
loa.on("after_load", function()
  local docs = {}
  for _, p in ipairs(loa.pages{}) do docs[#docs + 1] = { url = p.url, fields = { { body = p.path } } } end
  loa.search_index_begin(docs)
  error("hỏng giữa chừng")
end)
LUA
check "a handler failing while its index runs: a plugin error, no hang" test "$rc" -eq 2
check "a handler failing while its index runs: its message" grep -q "plugins/x.lua:5: .*hỏng giữa chừng" "$TMP/x.log"

# two jobs at once, taken in the other order: each what the synchronous
# call gives for its documents (the plugin fails if not)
plugin <<'LUA'
loa.on("after_load", function()
  local a, b = {}, {}
  for _, p in ipairs(loa.pages{}) do
    a[#a + 1] = { url = p.url, title = p.title, fields = { { body = p.path, weight = 3 } } }
    b[#b + 1] = { url = p.url, fields = { { text = p.title or "", weight = 2 } } }
  end
  local ja = loa.search_index_begin(a, { chunk_bytes = 512 })
  local jb = loa.search_index_begin(b)
  local fb, fa = jb:files(), ja:files()
  local sa, sb = loa.search_index(a, { chunk_bytes = 512 }), loa.search_index(b)
  assert(#fa == #sa and #fb == #sb and #fa > 0 and fa[1].content ~= fb[1].content, "not the files")
  for i = 1, #fa do assert(fa[i].name == sa[i].name and fa[i].content == sa[i].content, "a differs") end
  for i = 1, #fb do assert(fb[i].name == sb[i].name and fb[i].content == sb[i].content, "b differs") end
end)
LUA
check "two jobs at once: each as the synchronous call" test "$rc" -eq 0
cat "$TMP/x.log" | grep -v '^loa: [0-9]' | head -5

finish
