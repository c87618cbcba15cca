-- schools.lua — the model-school directory /truong/ (grouped by province,
-- then district, in Vietnamese order) and the model practices (mô hình
-- điểm): /mo-hinh/ lists them, /mo-hinh/SLUG/ shows the schools that run
-- one and their latest news, so schools running the same practice are
-- linked together.
local t = loa.t

local absolute = loa.absolute_url

local function model_url(slug) return loa.urls.models .. slug .. "/" end

-- after_load runs before the core renders school pages, so the links put on
-- each model here show on the school page (school.html reads m.url)
loa.on("after_load", function()
  for _, school in ipairs(loa.pages{ kind = "school" }) do
    for _, m in ipairs(school.models or {}) do
      if m.slug and m.slug ~= "" then m.url = model_url(m.slug) end
    end
  end
end)

-- groups items by a name, in Vietnamese order; items without a name go to
-- a last group. Names equal under the collation (NFC/NFD spellings) share
-- one group, shown with the first spelling met.
local function group_by(items, field)
  local groups, by_key = {}, {}
  for _, item in ipairs(items) do
    local name = item[field]
    if name == "" then name = nil end
    local key = name and "0" .. loa.sort_key(name) or "1"
    local g = by_key[key]
    if not g then
      g = { name = name, key = key, items = {} }
      by_key[key] = g
      groups[#groups + 1] = g
    end
    g.items[#g.items + 1] = item
  end
  table.sort(groups, function(a, b) return a.key < b.key end)
  return groups
end

local function directory(schools)
  local other = t.dir_other or "Khác"
  local provinces = {}
  for pi, pg in ipairs(group_by(schools, "province")) do
    local pslug = pg.name and loa.slugify(pg.name) or ""
    local province = { name = pg.name or other, other = pg.name == nil,
                       id = "tinh-" .. (pslug ~= "" and pslug or tostring(pi)),
                       districts = {}, count = #pg.items }
    local dgroups = group_by(pg.items, "district")
    for di, dg in ipairs(dgroups) do
      local dslug = dg.name and loa.slugify(dg.name) or ""
      -- a lone group of schools without a district needs no heading
      local name = dg.name or (#dgroups > 1 and other or nil)
      province.districts[di] = { name = name, other = dg.name == nil,
                                 id = province.id .. "-" .. (dslug ~= "" and dslug or tostring(di)),
                                 schools = dg.items }
    end
    provinces[pi] = province
  end
  return provinces
end

loa.on("before_render", function()
  -- loa.pages sorts by title in Vietnamese order; grouping keeps that order
  local schools = loa.pages{ kind = "school", sort = "title" }

  local section = loa.sections[loa.urls.schools] or {}
  local page = {}
  for k, v in pairs(section) do page[k] = v end
  page.kind, page.url, page.permalink = "section", loa.urls.schools, absolute(loa.urls.schools)
  page.title = section.title or t.schools or "Trường điểm"

  -- model practices, keyed by the slug of their title
  local practices, by_slug = {}, {}
  for _, school in ipairs(schools) do
    for _, m in ipairs(school.models or {}) do
      if m.url then
        local p = by_slug[m.slug]
        if not p then
          p = { slug = m.slug, title = m.title, url = m.url, runs = {}, schools = {}, seen = {} }
          by_slug[m.slug] = p
          practices[#practices + 1] = p
        end
        p.runs[#p.runs + 1] = { school = school, year = m.year, level = m.level }
        if not p.seen[school.slug] then
          p.seen[school.slug] = true
          p.schools[#p.schools + 1] = school
        end
      end
    end
  end
  loa.sort(practices, "title")

  -- centre (issue 16): the articles about a model are those naming it in
  -- `models:` (folded like the schools' titles: loa.slugify); a model only
  -- articles name gets a page too. Near-duplicate titles are warned about
  -- by the build (site/refs.c).
  local all_news = loa.pages{ kind = "news" } -- newest first
  local about = {}
  for _, n in ipairs(all_news) do
    local named = n.params and n.params.models
    if type(named) == "string" then named = { named } end
    for _, title in ipairs(type(named) == "table" and named or {}) do
      local slug = loa.slugify(tostring(title))
      if slug ~= "" then
        if not by_slug[slug] then
          by_slug[slug] = { slug = slug, title = tostring(title), url = model_url(slug), runs = {},
                            schools = {}, seen = {} }
          practices[#practices + 1] = by_slug[slug]
        end
        local list = about[slug] or {}
        about[slug] = list
        if list[#list] ~= n then list[#list + 1] = n end
      end
    end
  end
  loa.sort(practices, "title")
  for _, p in ipairs(practices) do
    p.count = #p.schools
    local news = about[p.slug] or {}
    p.seen = nil
    -- its articles paginated like every list (URL/trang/N/, page_size);
    -- the schools running it head page 1
    for _, pg in ipairs(loa.paginate(news, loa.site.page_size, p.url)) do
      local first = pg.paginator.page == 1
      local title = p.title
      if not first then title = title .. " — " .. (t.page_n or "Trang") .. " " .. pg.paginator.page end
      loa.add_page{ url = pg.url, layout = "model.html", runs = first and p.runs or nil,
                    schools = p.schools, news = pg.items, paginator = pg.paginator,
                    page = { kind = "model", title = title, url = pg.url,
                             permalink = absolute(pg.url), slug = p.slug } }
    end
  end

  loa.add_page{ url = loa.urls.schools, layout = "schools.html", page = page,
                provinces = directory(schools), pages = schools, count = #schools,
                models_url = #practices > 0 and loa.urls.models or nil }
  loa.add_page{ url = loa.urls.models, layout = "model.html", index = true, models = practices,
                page = { kind = "section", title = t.model_title or "Mô hình điểm",
                         url = loa.urls.models, permalink = absolute(loa.urls.models) } }
end)
