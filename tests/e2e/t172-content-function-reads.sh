#!/bin/sh
# A content function's file (loa.add_file{ content = function() … end },
# issue #14) is keyed by what the function can reach — its upvalues,
# tables and functions, page tables by name — and the page tables it reads
# are recorded while it runs, so that a metadata edit makes again only the
# files that read the edited page. Each case edits one page and checks
# which probe files were made again, and that the rebuild equals a
# --no-cache build byte for byte (a stale file fails it).
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
# slugs of their own: a title edit then leaves every URL as it was
sed -i 's/^date: 2023-03-01$/date: 2023-03-01\nslug: bua-an/' "$S/content/news/dong-thai/bua-an.md"
sed -i 's/^lastmod: 2023-02-20$/lastmod: 2023-02-20\nslug: hoi-thao/' "$S/content/news/an-duong/hoi-thao.md"
sed -i 's/^issued: 2023-02-17$/issued: 2023-02-17\nslug: ke-hoach-175/' "$S/content/plans/ke-hoach-175.md"
# a third article, in the month of the second
write "$S/content/news/an-duong/tap-huan.md" <<'MD'
---
title: "Tập huấn giáo viên"
date: 10/02/2023
slug: tap-huan
---
Tập huấn.
MD
write "$S/plugins/probe.lua" <<'LUA'
-- in after_load: the default plugins' before_render handlers read the
-- clock, after which nothing is kept
loa.on("after_load", function()
  local bua, hoi
  for _, p in ipairs(loa.pages{ kind = "news" }) do
    if p.path == "content/news/dong-thai/bua-an.md" then bua = p end
    if p.path == "content/news/an-duong/hoi-thao.md" then hoi = p end
  end
  -- one page read directly
  loa.add_file{ url = "/probe/one.txt", content = function()
    return "one: " .. bua.title .. "\n" end }
  -- a page reached through another: the article's school
  loa.add_file{ url = "/probe/school.txt", content = function()
    return "school: " .. bua.school.title .. "\n" end }
  -- through a field a plugin set
  bua.buddy = hoi
  loa.add_file{ url = "/probe/buddy.txt", content = function()
    return "buddy: " .. bua.buddy.title .. "\n" end }
  -- the raw functions and pairs see the fields
  loa.add_file{ url = "/probe/raw.txt", content = function()
    local out = {}
    for k, v in pairs(bua) do
      if type(v) == "string" and k ~= "title_key" then out[#out + 1] = k .. "=" .. v end
    end
    table.sort(out)
    out[#out + 1] = "rawget: " .. tostring(rawget(bua, "title"))
    out[#out + 1] = "next: " .. tostring(next(bua) ~= nil)
    out[#out + 1] = "tags: " .. tostring(#bua.tags) .. " " .. tostring(rawlen(bua.tags))
    return table.concat(out, "\n") .. "\n" end }
  -- loa.pages inside: every page
  loa.add_file{ url = "/probe/list.txt", content = function()
    local out = {}
    for _, p in ipairs(loa.pages{ sort = "title" }) do out[#out + 1] = p.title end
    return table.concat(out, "\n") .. "\n" end }
  -- plain data the handler made from the metadata: no page read
  local counts = {}
  for _, p in ipairs(loa.pages{}) do
    for _, tag in ipairs(p.tags or {}) do counts[tag.slug] = (counts[tag.slug] or 0) + 1 end
  end
  loa.add_file{ url = "/probe/counts.txt", content = function()
    local out = {}
    for slug, n in pairs(counts) do out[#out + 1] = slug .. " " .. n end
    table.sort(out)
    return table.concat(out, "\n") .. "\n" end }
  -- a page reached through a metatable
  local proxy = setmetatable({}, { __index = { page = hoi } })
  loa.add_file{ url = "/probe/meta.txt", content = function()
    return "meta: " .. proxy.page.title .. "\n" end }
  -- a page made by its render (loa.add_page's data): the same key, and
  -- the pages the function reads recorded as its render's
  loa.add_page{ url = "/probe/data/", layout = "list.html", pages = {},
                page = { kind = "section", title = "Probe", url = "/probe/data/" },
                data = function()
                  return { page = { kind = "section", title = "data: " .. bua.title,
                                    url = "/probe/data/" } }
                end }
  -- a page table whose metatable the plugin replaced: its reads cannot
  -- be seen, so the file depends on every page
  local plan
  for _, p in ipairs(loa.pages{ kind = "plan" }) do plan = p end
  setmetatable(plan, { __index = function() return nil end })
  loa.add_file{ url = "/probe/foreign.txt", content = function()
    return "foreign: " .. plan.title .. "\n" end }
  -- loa.pages of one kind, or one school's: the index is in the key (the
  -- site's structure), its pages are read as any others
  loa.add_file{ url = "/probe/kind.txt", content = function()
    local out = {}
    for _, p in ipairs(loa.pages{ kind = "school", sort = "title" }) do out[#out + 1] = p.title end
    return table.concat(out, "\n") .. "\n" end }
  loa.add_file{ url = "/probe/byschool.txt", content = function()
    local out = {}
    for _, p in ipairs(loa.pages{ kind = "news", school = "dong-thai" }) do
      out[#out + 1] = p.title .. " — " .. p.school.title
    end
    return table.concat(out, "\n") .. "\n" end }
  -- a coroutine holds state no key can: keyed by every page's metadata
  local co = coroutine.create(function() coroutine.yield(bua.slug) end)
  loa.add_file{ url = "/probe/co.txt", content = function()
    return "co: " .. coroutine.status(co) .. "\n" end }
end)
LUA
commit "$S" "2023-03-03T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Probe plugin"

NOW=2023-05-20
OUT="$TMP/inc/public"
mkdir -p "$TMP/inc"
BUILD_ENV="LOA_DEBUG=memo LOA_TIMINGS=jobs" # lib.sh's build: its log is $TMP/b.log
file_was() { grep -q "memo /probe/$1: $2" "$TMP/b.log"; }
# expect CASE FILE...: these probe files made again, the others from the
# cache; "data": the data page rendered again
FILES="one school buddy raw list counts meta co foreign kind byschool"
expect() {
	case_name=$1
	shift
	case " $* " in
	*" data "*) check "$case_name: the data page rendered again" \
		grep -qx 'loa: timing: rendered probe/data/index.html' "$TMP/b.log" ;;
	*) check "$case_name: the data page from the cache" \
		sh -c "! grep -qx 'loa: timing: rendered probe/data/index.html' '$TMP/b.log'" ;;
	esac
	for f in $FILES; do
		case " $* " in
		*" $f "*) check "$case_name: $f.txt made again" file_was "$f.txt" "made and kept" ;;
		*) check "$case_name: $f.txt from the cache" file_was "$f.txt" "from the cache" ;;
		esac
	done
}

build
check "first build publishes" test "$?" -eq 0
same_as_full "first build equals --no-cache"
check "the probe reads the fields" contains "$OUT/probe/raw.txt" "title=Bữa ăn bán trú đảm bảo dinh dưỡng"
check "rawget sees the field" contains "$OUT/probe/raw.txt" "rawget: Bữa ăn bán trú"
check "next sees the fields" contains "$OUT/probe/raw.txt" "next: true"
check "# and rawlen see the list" contains "$OUT/probe/raw.txt" "tags: 1 1"
check "through a link" contains "$OUT/probe/school.txt" "school: Trường Mầm non Đồng Thái"
check "through a plugin's field" contains "$OUT/probe/buddy.txt" "buddy: Hội thảo chuyển đổi số"
check "the data page" contains "$OUT/probe/data/index.html" "data: Bữa ăn bán trú đảm bảo"
check "one kind" contains "$OUT/probe/kind.txt" "Trường Mầm non Đồng Thái"
check "one school's" contains "$OUT/probe/byschool.txt" "Bữa ăn bán trú đảm bảo dinh dưỡng — Trường Mầm non Đồng Thái"
check "through a metatable" contains "$OUT/probe/meta.txt" "meta: Hội thảo chuyển đổi số"
check "a coroutine: keyed by every page's metadata" grep -q "memo /probe/co.txt: made at render (whole-site key)" "$TMP/b.log"

touch "$OUT/index.html"
build
same_as_full "rebuild equals --no-cache"
expect "nothing changed"

# the other article's title: read by buddy and meta, and by the list
sed -i 's/^title: "Hội thảo chuyển đổi số"/title: "Hội thảo về chuyển đổi số"/' \
	"$S/content/news/an-duong/hoi-thao.md"
commit_edit "Sửa tiêu đề hội thảo"
build
same_as_full "other article's title: equals --no-cache"
expect "other article's title" buddy list meta co foreign
check "other article's title: the new title" contains "$OUT/probe/meta.txt" "Hội thảo về chuyển đổi số"

# the school's title, read only through the article's school field
sed -i 's/^title: "Trường Mầm non Đồng Thái"/title: "Trường Mầm non xã Đồng Thái"/' \
	"$S/content/schools/dong-thai.md"
commit_edit "Sửa tên trường"
build
same_as_full "school's title: equals --no-cache"
expect "school's title" school list co foreign kind byschool
check "school's title: the new name" contains "$OUT/probe/school.txt" "xã Đồng Thái"
check "school's title: in the kind's list" contains "$OUT/probe/kind.txt" "xã Đồng Thái"
check "school's title: through the school's list" contains "$OUT/probe/byschool.txt" "— Trường Mầm non xã Đồng Thái"

# the article's own title
sed -i 's/^title: "Bữa ăn bán trú đảm bảo dinh dưỡng"/title: "Bữa ăn bán trú đủ chất"/' \
	"$S/content/news/dong-thai/bua-an.md"
commit_edit "Sửa tiêu đề bữa ăn"
build
same_as_full "article's title: equals --no-cache"
expect "article's title" one school buddy raw list co data foreign byschool
check "article's title: the data page shows it" contains "$OUT/probe/data/index.html" "data: Bữa ăn bán trú đủ chất"

# a tag added elsewhere: of the files, only the handler's counts show it
# (a new topic adds an entry to feeds.lua's global feed_urls; the data
# page reads only its own entry, which did not change: from the cache)
sed -i 's/^category: policy/category: policy\ntags: ["chuyển đổi số"]/' \
	"$S/content/news/an-duong/hoi-thao.md"
commit_edit "Thêm chủ đề"
build
same_as_full "a tag: equals --no-cache"
expect "a tag" buddy list counts meta co foreign
check "a tag: counted" contains "$OUT/probe/counts.txt" "chuyen-doi-so 1"

# a third article's date, which moves it past another in every list of
# news (the same month: the archive by month stays). The pages whose
# tables show the order (the articles' newer and older, the schools'
# news) are read by most files; the order of loa.pages' indexes is in no
# file's key, so the tag counts, which read no page, stay
sed -i 's|^date: 10/02/2023$|date: 20/02/2023|' "$S/content/news/an-duong/tap-huan.md"
commit_edit "Sửa ngày tập huấn"
build
same_as_full "third article's date: equals --no-cache"
expect "third article's date" one school buddy raw list meta co data foreign kind byschool

# the plan whose metatable the probe replaced: read unseen, so the file
# that shows it depends on every page
sed -i 's/^title: "Kế hoạch tập huấn cốt cán"/title: "Kế hoạch tập huấn giáo viên cốt cán"/' \
	"$S/content/plans/ke-hoach-175.md"
commit_edit "Sửa tên kế hoạch"
build
same_as_full "a plan's title: equals --no-cache"
expect "a plan's title" list co foreign
check "a plan's title: shown" contains "$OUT/probe/foreign.txt" "giáo viên cốt cán"

finish
