-- lists.lua — the site's listings: the home page, /tin-tuc/ (newest first,
-- paginated as /tin-tuc/trang/N/), the plans
-- /ke-hoach/, each topic /chu-de/TAG/ and the list of topics, and a list
-- for every other folder that has an _index.md.
local t = loa.t

-- a shallow copy of a page table with some fields replaced: one section
-- page is shown at several URLs (its pagination), each with its own url
local function with(page, fields)
  local copy = {}
  for k, v in pairs(page or {}) do copy[k] = v end
  for k, v in pairs(fields) do copy[k] = v end
  return copy
end

local absolute = loa.absolute_url

local function section_page(url, title, kind)
  local s = loa.sections[url]
  return with(s, { kind = kind or "section", url = url, permalink = absolute(url),
                   title = s and s.title or title })
end

local function add_paginated(url, title, pages, extra)
  local section = section_page(url, title)
  for _, pg in ipairs(loa.paginate(pages, loa.site.page_size, url)) do
    local page = with(section, { url = pg.url, permalink = absolute(pg.url) })
    if pg.paginator.page > 1 then
      page.title = section.title .. " — " .. (t.page_n or "Trang") .. " " .. pg.paginator.page
    end
    loa.add_page{ url = pg.url, layout = "list.html", page = page, pages = pg.items,
                  paginator = pg.paginator, archive = extra and extra.archive }
  end
end

-- a school's page lists its news, newest first: one pass over the news
-- (a query per school would cost schools x pages)
loa.on("after_load", function()
  local by_school = {}
  for _, school in ipairs(loa.pages{ kind = "school" }) do
    school.news = {}
    by_school[school.slug] = school.news
  end
  for _, p in ipairs(loa.pages{ kind = "news" }) do
    local list = p.school and by_school[p.school.slug]
    if list then list[#list + 1] = p end
  end
end)

loa.on("before_render", function()
  local news = loa.pages{ kind = "news" }
  add_paginated(loa.urls.news, t.news or "Tin tức", news, { archive = loa.news_archive_of and loa.news_archive_of(news) }) -- readers.lua's, when it runs

  -- schools by province, then district, then name, in Vietnamese order
  local schools = loa.pages{ kind = "school" }
  local keys = {}
  for _, s in ipairs(schools) do
    keys[s] = loa.sort_key(s.province or "") .. "\1" .. loa.sort_key(s.district or "") ..
              "\1" .. s.title_key .. "\1" .. s.url
  end
  table.sort(schools, function(a, b) return keys[a] < keys[b] end)
  -- the directory /truong/ itself is made by schools.lua

  local plans = loa.pages{ kind = "plan" }
  table.sort(plans, function(a, b)
    if (a.issued or "") ~= (b.issued or "") then return (a.issued or "") > (b.issued or "") end
    return a.url < b.url
  end)
  loa.add_page{ url = loa.urls.plans, layout = "list.html",
                page = section_page(loa.urls.plans, t.plans or "Kế hoạch"), pages = plans }

  -- topics: every tag of a published page
  local tags, tag_list = {}, {}
  for _, p in ipairs(loa.pages{}) do
    for _, tag in ipairs(p.tags or {}) do
      if not tags[tag.slug] then
        tags[tag.slug] = { title = tag.name, url = tag.url, slug = tag.slug, pages = {} }
        tag_list[#tag_list + 1] = tags[tag.slug]
      end
      local list = tags[tag.slug].pages
      list[#list + 1] = p
    end
  end
  loa.sort(tag_list, "title")
  for _, tag in ipairs(tag_list) do
    tag.count = #tag.pages
    tag.summary = tostring(#tag.pages)
    add_paginated(tag.url, tag.title, tag.pages)
  end
  loa.add_page{ url = loa.urls.tags, layout = "list.html",
                page = { kind = "section", title = t.tags or "Chủ đề", url = loa.urls.tags,
                         permalink = absolute(loa.urls.tags) },
                pages = tag_list }

  -- other folders with an _index.md list what they hold
  local handled = { [loa.urls.home] = true, [loa.urls.news] = true, [loa.urls.schools] = true, [loa.urls.plans] = true, [loa.urls.documents] = true }
  for url, section in pairs(loa.sections) do
    if not handled[url] then
      local folder = section.path:gsub("/_index%.md$", "/")
      local children = {}
      for _, p in ipairs(loa.pages{ sort = "weight" }) do
        if p.path:sub(1, #folder) == folder then children[#children + 1] = p end
      end
      loa.add_page{ url = url, layout = "list.html", page = section_page(url, section.title),
                    pages = children }
    end
  end

  -- the home page: latest news, the model schools, the activities due next
  local upcoming = {}
  for _, plan in ipairs(plans) do
    for _, a in ipairs(plan.activities or {}) do
      if a.status == "due" or a.status == "upcoming" then
        upcoming[#upcoming + 1] = { plan = plan, activity = a }
      end
    end
  end
  table.sort(upcoming, function(a, b)
    local da, db = a.activity.due or "9999", b.activity.due or "9999"
    if da ~= db then return da < db end
    return a.plan.url .. (a.activity.id or "") < b.plan.url .. (b.activity.id or "")
  end)
  local next_activities = {}
  for i = 1, math.min(5, #upcoming) do next_activities[i] = upcoming[i] end
  local latest = {}
  local home = loa.pinned_first and loa.pinned_first(news) or news; for i = 1, math.min(loa.site.page_size, #home) do latest[i] = home[i] end -- readers.lua: announcements first
  loa.add_page{ url = loa.urls.home, layout = "home.html",
                page = section_page(loa.urls.home, loa.site.title, "home"),
                latest = latest, pages = latest, schools = schools, upcoming = next_activities }
  loa.add_page{ url = loa.urls.not_found, layout = "404.html", sitemap = false,
                page = { kind = "page", title = t.page_not_found or "Không tìm thấy trang",
                         url = loa.urls.not_found, permalink = absolute(loa.urls.not_found) } }
end)
