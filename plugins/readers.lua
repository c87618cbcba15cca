-- readers.lua — what readers look for beyond the main lists (issue 17):
--   /tin-tuc/SCHOOL/            a school's news, paginated (/tin-tuc/SCHOOL/trang/2/);
--                               the school page shows the latest ones and links here
--   /chuyen-muc/SLUG/           a category's news (chinh-sach, hoat-dong, kinh-nghiem,
--                               phu-huynh), paginated, announcements first
--   /chuyen-muc/                the categories
--   /tin-tuc/YYYY/, /tin-tuc/YYYY/MM/   the archive by year and month, paginated
-- Announcements: a news page with `pinned: true` is shown first on the home
-- page (lists.lua) and its category through its `until:` day; the day after,
-- the lists change by themselves, so that day is declared as a next change.
-- (A page without a written summary gets `page.auto_summary`, Loa's
-- computed one, when it renders: sitelua_render.c, for base.html.)
-- The feeds of these lists are written by feeds.lua.
local t = loa.t

local absolute = loa.absolute_url

-- the categories: front matter name, URL word, i18n key
local CATEGORIES = {
  { name = "policy", slug = "chinh-sach" },
  { name = "activity", slug = "hoat-dong" },
  { name = "practice", slug = "kinh-nghiem" },
  { name = "parents", slug = "phu-huynh" },
}
local FALLBACK = { policy = "Chính sách", activity = "Hoạt động", practice = "Kinh nghiệm",
                   parents = "Góc phụ huynh" }
local SCHOOL_LATEST = 5

local function category_title(name)
  return t["category_" .. name] or FALLBACK[name]
end

-- the day after an ISO date, as an ISO date (civil arithmetic, H. Hinnant)
local function day_after(iso)
  local y, m, d = iso:match("^(%d%d%d%d)-(%d%d)-(%d%d)")
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  local function days_in(yy, mm)
    if mm == 2 then return (yy % 4 == 0 and (yy % 100 ~= 0 or yy % 400 == 0)) and 29 or 28 end
    return (mm == 4 or mm == 6 or mm == 9 or mm == 11) and 30 or 31
  end
  d = d + 1
  if d > days_in(y, m) then d, m = 1, m + 1 end
  if m > 12 then m, y = 1, y + 1 end
  return string.format("%04d-%02d-%02d", y, m, d)
end

local function school_list_url(school) return loa.urls.news .. school.slug .. "/" end

-- news by year, then month, newest first: { year, url, pages, months = {...} }
local function archive_of(news)
  local years, by_year = {}, {}
  for _, p in ipairs(news) do
    local y, m = (p.date or ""):match("^(%d%d%d%d)-(%d%d)")
    if y then
      local year = by_year[y]
      if not year then
        year = { year = y, url = loa.urls.news .. y .. "/", pages = {}, months = {}, by_month = {} }
        by_year[y] = year
        years[#years + 1] = year
      end
      year.pages[#year.pages + 1] = p
      local month = year.by_month[m]
      if not month then
        month = { year = y, month = m, number = tonumber(m), url = year.url .. m .. "/", pages = {} }
        year.by_month[m] = month
        year.months[#year.months + 1] = month
      end
      month.pages[#month.pages + 1] = p
    end
  end
  table.sort(years, function(a, b) return a.year > b.year end)
  for _, year in ipairs(years) do
    table.sort(year.months, function(a, b) return a.month > b.month end)
    year.by_month = nil
  end
  return years
end

-- links of the archive, without the pages (what a list page shows)
local function archive_links(years)
  local out = {}
  for i, year in ipairs(years) do
    local months = {}
    for j, month in ipairs(year.months) do
      months[j] = { url = month.url, number = month.number, year = month.year, count = #month.pages }
    end
    out[i] = { year = year.year, url = year.url, count = #year.pages, months = months }
  end
  return out
end

-- pinned first (in their date order), then the others; lists.lua's home
-- page calls it too
local function pinned_first(pages)
  local out = {}
  for _, p in ipairs(pages) do if p.pinned_now then out[#out + 1] = p end end
  for _, p in ipairs(pages) do if not p.pinned_now then out[#out + 1] = p end end
  return out
end
loa.pinned_first = pinned_first
-- the archive's links for a list of news: the news list (lists.lua) links
-- the archive. A function, not the links themselves: data a plugin puts
-- on `loa` is reached by every content function (a feed), and so is in
-- its key; the archive's counts change with every article added.
loa.news_archive_of = function(news) return archive_links(archive_of(news)) end

-- one list on several pages: URL, URL/trang/2/, …; `fields` go into every
-- page's `page` table, `extra` into every context
local function add_paginated(url, page_fields, pages, extra)
  for _, pg in ipairs(loa.paginate(pages, loa.site.page_size, url)) do
    local page = { kind = "section", url = pg.url, permalink = absolute(pg.url) }
    for k, v in pairs(page_fields) do page[k] = v end
    if pg.paginator.page > 1 then
      page.title = page_fields.title .. " — " .. (t.page_n or "Trang") .. " " .. pg.paginator.page
    end
    local ctx = { url = pg.url, layout = "list.html", page = page, pages = pg.items,
                  paginator = pg.paginator }
    for k, v in pairs(extra or {}) do ctx[k] = v end
    loa.add_page(ctx)
  end
end

loa.on("after_load", function()
  local today = loa.site.today
  local cat_url = {}
  for _, c in ipairs(CATEGORIES) do cat_url[c.name] = loa.urls.categories .. c.slug .. "/" end
  for _, p in ipairs(loa.pages{ kind = "news" }) do
    p.category_url = cat_url[p.category or "activity"]
    if p.pinned then
      local last = p["until"] and p["until"]:sub(1, 10)
      if not last or today <= last then
        p.pinned_now = true
        if last then
          loa.next_change(day_after(last), p.path .. ": " .. (t.pinned or "Thông báo"))
        end
      end
    end
  end
  -- a school page shows its latest news (lists.lua collected them) and
  -- links to the whole list
  for _, school in ipairs(loa.pages{ kind = "school" }) do
    local news = school.news or {}
    school.news_count = #news
    school.news_url = school_list_url(school)
    if #news > SCHOOL_LATEST then
      local latest = {}
      for i = 1, SCHOOL_LATEST do latest[i] = news[i] end
      school.news = latest
    end
  end
end)

loa.on("before_render", function()
  local news = loa.pages{ kind = "news" } -- newest first

  -- each school's news
  local by_school = {}
  for _, p in ipairs(news) do
    if p.school then
      local list = by_school[p.school.slug]
      if not list then list = {}; by_school[p.school.slug] = list end
      list[#list + 1] = p
    end
  end
  for _, school in ipairs(loa.pages{ kind = "school", sort = "title" }) do
    local url = school_list_url(school)
    add_paginated(url, { title = (t.news or "Tin tức") .. ": " .. school.title,
                         school = school, list_kind = "school-news" },
                  by_school[school.slug] or {})
  end

  -- categories
  local by_cat = {}
  for _, p in ipairs(news) do
    local c = p.category or "activity"
    by_cat[c] = by_cat[c] or {}
    local list = by_cat[c]
    list[#list + 1] = p
  end
  local cats = {}
  for i, c in ipairs(CATEGORIES) do
    local url = loa.urls.categories .. c.slug .. "/"
    local pages = pinned_first(by_cat[c.name] or {})
    cats[i] = { title = category_title(c.name), url = url, count = #pages,
                summary = tostring(#pages) }
    add_paginated(url, { title = category_title(c.name), category = c.name,
                         list_kind = "category" }, pages)
  end
  loa.add_page{ url = loa.urls.categories, layout = "list.html", pages = cats,
                page = { kind = "section", title = t.category or "Chuyên mục", url = loa.urls.categories,
                         permalink = absolute(loa.urls.categories), list_kind = "categories" } }

  -- the archive
  local years = archive_of(news)
  local links = archive_links(years)
  for i, year in ipairs(years) do
    local title = (t.archive_year or "Tin tức năm {y}"):gsub("{y}", year.year)
    add_paginated(year.url, { title = title, list_kind = "archive" }, year.pages,
                  { archive = links, archive_year = links[i] })
    for _, month in ipairs(year.months) do
      local mtitle = (t.archive_month or "Tin tức tháng {m}/{y}"):gsub("{m}", tostring(month.number))
                                                                :gsub("{y}", year.year)
      add_paginated(month.url, { title = mtitle, list_kind = "archive" }, month.pages,
                    { archive = links, archive_year = links[i] })
    end
  end
end)
