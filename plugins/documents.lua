-- documents.lua — the centre's documents (văn bản, issue 16): pages of
-- kind `document` (content/van-ban/**, /van-ban/SLUG/) listed at /van-ban/
-- newest first by date of issue, paginated (/van-ban/trang/N/), with a list
-- per year of issue (/van-ban/2023/) and per type (/van-ban/loai/ke-hoach/).
-- A plan whose `number` is a document's (folded: case, diacritics,
-- spacing) links to it, and the document to the plan.
local t = loa.t

local TYPES = { "ke-hoach", "cong-van", "quyet-dinh", "thong-tu", "huong-dan", "bao-cao", "khac" }
local ROOT = loa.urls.documents

local function type_name(ty) return t["doc_type_" .. ty] or ty end

-- plan ↔ document, before anything renders (plan.html reads plan.document)
loa.on("after_load", function()
  local by_number = {}
  for _, d in ipairs(loa.pages{ kind = "document" }) do
    d.type_name = type_name(d.type or "khac")
    d.type_url = loa.urls.documents_types .. (d.type or "khac") .. "/"
    local key = loa.slugify(d.number or "")
    if key ~= "" and not by_number[key] then by_number[key] = d end
  end
  for _, plan in ipairs(loa.pages{ kind = "plan" }) do
    local d = plan.number and by_number[loa.slugify(plan.number)]
    if d then
      plan.document = { url = d.url, title = d.title, number = d.number }
      d.plans = d.plans or {}
      d.plans[#d.plans + 1] = { url = plan.url, title = plan.title, number = plan.number }
    end
  end
end)

loa.on("before_render", function()
  local docs = loa.pages{ kind = "document" }
  table.sort(docs, function(a, b)
    if (a.issued or "") ~= (b.issued or "") then return (a.issued or "") > (b.issued or "") end
    return a.url < b.url
  end)
  -- a site without documents gets no empty archive
  if #docs == 0 and not loa.sections[ROOT] then return end
  local section = loa.sections[ROOT] or {}
  local root_title = section.title or t.documents or "Văn bản"

  -- years and types that have documents, for the listings' navigation
  local years, year_list, types = {}, {}, {}
  for _, d in ipairs(docs) do
    local y = (d.issued or ""):sub(1, 4)
    if y ~= "" and not years[y] then
      years[y] = {}
      year_list[#year_list + 1] = y
    end
    if years[y] then years[y][#years[y] + 1] = d end
    local ty = d.type or "khac"
    types[ty] = types[ty] or {}
    types[ty][#types[ty] + 1] = d
  end
  table.sort(year_list, function(a, b) return a > b end)
  local nav_years, nav_types = {}, {}
  for _, y in ipairs(year_list) do
    nav_years[#nav_years + 1] = { name = y, url = ROOT .. y .. "/", count = #years[y] }
  end
  for _, ty in ipairs(TYPES) do
    if types[ty] then
      nav_types[#nav_types + 1] = { name = type_name(ty), url = loa.urls.documents_types .. ty .. "/",
                                    count = #types[ty] }
    end
  end

  local function listing(url, title, list, intro)
    for _, pg in ipairs(loa.paginate(list, loa.site.page_size, url)) do
      local page = {}
      for k, v in pairs(url == ROOT and section or {}) do page[k] = v end
      page.kind, page.url, page.permalink = "section", pg.url, loa.absolute_url(pg.url)
      page.title = title
      if pg.paginator.page > 1 then
        page.title = title .. " — " .. (t.page_n or "Trang") .. " " .. pg.paginator.page
      end
      loa.add_page{ url = pg.url, layout = "documents.html", page = page, pages = pg.items,
                    paginator = pg.paginator, years = nav_years, types = nav_types,
                    root_url = ROOT, root = url == ROOT, intro = intro, total = #list }
    end
  end
  listing(ROOT, root_title, docs)
  for _, y in ipairs(year_list) do
    listing(ROOT .. y .. "/", root_title .. " " .. (t.doc_year or "năm") .. " " .. y, years[y])
  end
  for _, ty in ipairs(TYPES) do
    if types[ty] then listing(loa.urls.documents_types .. ty .. "/", type_name(ty), types[ty]) end
  end
end)
