-- feeds.lua — Atom 1.0 feeds (RFC 4287): the site /atom.xml (news and plans), the news
-- /tin-tuc/atom.xml, each school's news (SCHOOL_URL/atom.xml, e.g.
-- /truong/dong-thai/atom.xml) and each topic (/chu-de/TAG/atom.xml).
-- Each holds the latest N pages (site.yaml `feeds: { limit: N }`, default
-- 20), newest first, with absolute URLs from base_url; the output depends
-- only on the commit (and --now's day for a feed with no entries), so the same
-- commit gives the same bytes. The pages that have a feed of their own
-- announce it in <head> through the global `feed_urls` (page URL → feed URL).
-- sitemap.xml and robots.txt are written by the build itself (build.c).
local t = loa.t

local conf = (loa.site.params or {}).feeds or {}
local LIMIT = tonumber(conf.limit) or 20
if LIMIT < 1 or LIMIT ~= math.floor(LIMIT) then
  error("site.yaml: feeds.limit must be a positive integer", 0)
end

-- XML text: escaped, and without the control characters XML 1.0 forbids
local xml_text = loa.xml_text
local function xml(s) return xml_text(tostring(s or "")) end

local absolute = loa.absolute_url

-- seconds since the epoch of an RFC 3339 timestamp, to compare two of them
local function epoch_of(rfc)
  local y, mo, d, h, mi, s, zone = rfc:match("^(%d+)-(%d+)-(%d+)T(%d+):(%d+):(%d+)(.*)$")
  local e = os.time{ year = tonumber(y), month = tonumber(mo), day = tonumber(d),
                     hour = tonumber(h), min = tonumber(mi), sec = tonumber(s) }
  local sign, oh, om = zone:match("^([+-])(%d%d):(%d%d)$")
  if sign then
    local off = (tonumber(oh) * 60 + tonumber(om)) * 60
    e = sign == "+" and e - off or e + off
  end
  return e
end

local function rfc(iso) return iso and loa.format_date(iso, "rfc3339") or nil end

-- what has no date of its own is dated by the start of the build's day:
-- not the clock, which would make the feed again at every build
local function today() return loa.format_date(loa.site.today, "utc") end

-- default summaries are computed once per page, whatever the number of
-- feeds it is in
local summaries = {}
local function summary_of(p)
  if p.summary and p.summary ~= "" then return p.summary end
  if summaries[p.path] == nil then summaries[p.path] = loa.page_summary(p.path, 300) or "" end
  return summaries[p.path]
end

-- a page's HTML, rendered and escaped for each feed it is in: not kept
-- between feeds. Few pages are in more than one (at 10,000 pages, 646 of
-- 8,658 entries), and a cache of the last 500 kept each HTML alive long
-- enough for the worker's collector to make it old: its garbage then
-- waited for a full collection, which copies every page of the state the
-- worker shares with the builder (the largest process 15 MB smaller
-- without it).
local function html_of(p)
  return xml(loa.page_html(p.path) or "")
end

local function author_of(p)
  if p.author and p.author ~= "" then return p.author end
  if p.school then return p.school.title end
  if p.kind == "school" then return p.title end
  if p.authors and p.authors[1] then return p.authors[1] end
  return loa.site.title
end

local function entry(out, p)
  local published = rfc(p.date)
  local updated = rfc(p.lastmod) or published or today()
  local url = xml(absolute(p.url))
  out[#out + 1] = "<entry>"
  out[#out + 1] = "<title type=\"text\">" .. xml(p.title) .. "</title>"
  out[#out + 1] = "<id>" .. url .. "</id>"
  out[#out + 1] = "<link rel=\"alternate\" type=\"text/html\" href=\"" .. url .. "\"/>"
  if published then out[#out + 1] = "<published>" .. published .. "</published>" end
  out[#out + 1] = "<updated>" .. updated .. "</updated>"
  out[#out + 1] = "<author><name>" .. xml(author_of(p)) .. "</name></author>"
  for _, tag in ipairs(p.tags or {}) do
    out[#out + 1] = "<category term=\"" .. xml(tag.slug) .. "\" label=\"" .. xml(tag.name) ..
                    "\" scheme=\"" .. xml(absolute(loa.urls.tags)) .. "\"/>"
  end
  local summary = summary_of(p)
  if summary ~= "" then out[#out + 1] = "<summary type=\"text\">" .. xml(summary) .. "</summary>" end
  -- readers: the article itself, its URLs absolute (loa.page_html)
  local html = html_of(p)
  if html ~= "" then out[#out + 1] = "<content type=\"html\">" .. html .. "</content>" end
  out[#out + 1] = "</entry>"
  return updated
end

-- feed{ url =, page_url =, title =, subtitle =, pages = newest first }
-- Its content is a function: the build keeps the file in its cache with
-- the articles it read, so a rebuild makes again only the feeds whose
-- articles changed (loa.add_file, docs/plugins.md).
local function feed_content(f)
  local entries, newest, newest_epoch = {}, nil, nil
  for i = 1, math.min(LIMIT, #f.pages) do
    local updated = entry(entries, f.pages[i])
    local e = epoch_of(updated)
    if not newest_epoch or e > newest_epoch then newest, newest_epoch = updated, e end
  end
  local out = {
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="' .. xml(loa.site.lang or "vi") .. '">',
    "<title type=\"text\">" .. xml(f.title) .. "</title>",
  }
  if f.subtitle and f.subtitle ~= "" then
    out[#out + 1] = "<subtitle type=\"text\">" .. xml(f.subtitle) .. "</subtitle>"
  end
  out[#out + 1] = "<id>" .. xml(absolute(f.page_url)) .. "</id>"
  out[#out + 1] = "<link rel=\"self\" type=\"application/atom+xml\" href=\"" .. xml(absolute(f.url)) .. "\"/>"
  out[#out + 1] = "<link rel=\"alternate\" type=\"text/html\" href=\"" .. xml(absolute(f.page_url)) .. "\"/>"
  out[#out + 1] = "<updated>" .. (newest or today()) .. "</updated>"
  out[#out + 1] = "<author><name>" .. xml(loa.site.title) .. "</name></author>"
  out[#out + 1] = "<generator>Loa</generator>"
  for _, line in ipairs(entries) do out[#out + 1] = line end
  out[#out + 1] = "</feed>"
  out[#out + 1] = "" -- the last newline, without copying the feed once more
  return table.concat(out, "\n")
end

local function feed(f)
  loa.add_file{ url = f.url, content = function() return feed_content(f) end }
end

loa.on("before_render", function()
  local feed_urls = { [loa.urls.news] = loa.urls.news_feed }
  -- the site's feed: what has an editorial date (news and plans); schools
  -- and plain pages are dated by their commits, which says little
  local dated = {}
  for _, p in ipairs(loa.pages{}) do
    if #dated >= LIMIT then break end
    if p.kind == "news" or p.kind == "plan" then dated[#dated + 1] = p end
  end
  feed{ url = loa.urls.feed, page_url = loa.urls.home, title = loa.site.title,
        subtitle = loa.site.description, pages = dated }
  feed{ url = loa.urls.news_feed, page_url = loa.urls.news,
        title = (t.news or "Tin tức") .. " — " .. loa.site.title,
        pages = loa.pages{ kind = "news", limit = LIMIT } }

  for _, school in ipairs(loa.pages{ kind = "school", sort = "title" }) do
    if school.url:sub(-1) == "/" then
      local url = school.url .. "atom.xml"
      feed_urls[school.url] = url
      feed_urls[loa.urls.news .. school.slug .. "/"] = url -- readers.lua's list of its news
      feed{ url = url, page_url = school.url, title = school.title .. " — " .. loa.site.title,
            pages = loa.pages{ kind = "news", school = school.slug, limit = LIMIT } }
    end
  end

  -- topics: every tag of a published page, pages newest first
  local tags, tag_list = {}, {}
  for _, p in ipairs(loa.pages{}) do
    for _, tag in ipairs(p.tags or {}) do
      local entry_of = tags[tag.slug]
      if not entry_of then
        entry_of = { name = tag.name, url = tag.url, pages = {} }
        tags[tag.slug] = entry_of
        tag_list[#tag_list + 1] = tag.slug
      end
      if #entry_of.pages < LIMIT then entry_of.pages[#entry_of.pages + 1] = p end
    end
  end
  table.sort(tag_list)
  for _, slug in ipairs(tag_list) do
    local tag = tags[slug]
    local url = tag.url .. "atom.xml"
    feed_urls[tag.url] = url
    feed{ url = url, page_url = tag.url,
          title = (t.tags or "Chủ đề") .. ": " .. tag.name .. " — " .. loa.site.title,
          pages = tag.pages }
  end
  -- readers: each category's news (readers.lua's /chuyen-muc/SLUG/)
  local by_cat = {}
  for _, p in ipairs(loa.pages{ kind = "news" }) do
    local c = p.category or "activity"
    by_cat[c] = by_cat[c] or {}
    if #by_cat[c] < LIMIT then by_cat[c][#by_cat[c] + 1] = p end
  end
  for _, c in ipairs{ { "policy", "chinh-sach" }, { "activity", "hoat-dong" },
                      { "practice", "kinh-nghiem" }, { "parents", "phu-huynh" } } do
    local page_url = loa.urls.categories .. c[2] .. "/"
    feed_urls[page_url] = page_url .. "atom.xml"
    feed{ url = page_url .. "atom.xml", page_url = page_url,
          title = (t["category_" .. c[1]] or c[2]) .. " — " .. loa.site.title,
          pages = by_cat[c[1]] or {} }
  end
  loa.global("feed_urls", feed_urls)
end)
