local loa, all, query = ... -- prelude: the loa module's functions written in Lua (chunk "loa/prelude.lua" of sitelua.c)
-- a tag by any spelling of its topic (its slug is the topic)
local function has_tag(p, tag, slug)
  for _, t in ipairs(p.tags or {}) do
    if t.name == tag or t.slug == tag or t.slug == slug then return true end
  end
  return false
end
local function by_date_desc(a, b)
  if (a.timestamp or 0) ~= (b.timestamp or 0) then return (a.timestamp or 0) > (b.timestamp or 0) end
  return a.url < b.url
end
local function by_date_asc(a, b)
  if (a.timestamp or 0) ~= (b.timestamp or 0) then return (a.timestamp or 0) < (b.timestamp or 0) end
  return a.url < b.url
end
local function by_title(a, b)
  if a.title_key ~= b.title_key then return a.title_key < b.title_key end
  return a.url < b.url
end
local function by_weight(a, b)
  if (a.weight or 0) ~= (b.weight or 0) then return (a.weight or 0) < (b.weight or 0) end
  return by_title(a, b)
end
local function is_sorted(list, less)
  for i = 2, #list do
    if less(list[i], list[i - 1]) then return false end
  end
  return true
end
-- every list below is kept newest first, loa.pages' default order: a
-- query then finds its result sorted already, which one pass checks (a
-- plugin may have changed the fields the order reads), instead of sorting
-- thousands of pages with a Lua comparison each time (the check is in
-- query.scan). sitelua.c passes them in that order already: checked
-- here, sorted only if not.
do
  local copy = {}
  for i, p in ipairs(all) do copy[i] = p end
  if not is_sorted(copy, by_date_desc) then table.sort(copy, by_date_desc) end
  all = copy
end
-- indexes: plugins query by kind and by school in loops over schools
local by_kind, by_school = {}, {}
for _, p in ipairs(all) do
  by_kind[p.kind] = by_kind[p.kind] or {}
  table.insert(by_kind[p.kind], p)
  if p.school ~= nil then
    by_school[p.school.slug] = by_school[p.school.slug] or {}
    table.insert(by_school[p.school.slug], p)
  end
end
-- the C side keys an index by its members (a content function that lists
-- one depends on who is in it, sitelua_memo.c)
query.indexes(by_kind, by_school)
function loa.pages(q)
  q = q or {}
  local source = all
  local tag_slug = q.tag ~= nil and loa.slugify(tostring(q.tag)) or nil
  if tag_slug == '' then tag_slug = nil end
  if q.school ~= nil then source = by_school[q.school] or {}
  elseif q.kind ~= nil then source = by_kind[q.kind] or {} end
  -- the filters and the order check run in C (sitelua_query.c), with
  -- the semantics of the Lua they replace
  local sort = q.sort or 'date'
  local check = sort == 'date' and (q.order == 'asc' and 'asc' or 'desc') or nil
  -- the index scanned, by name ("school:SLUG", "kind:KIND"), or false
  local index = source ~= all and
    (q.school ~= nil and 'school:' .. tostring(q.school) or 'kind:' .. tostring(q.kind))
  local out, sorted = query.scan(source, q, tag_slug, check, index)
  -- the orders are total (the URL breaks ties): a list found sorted is
  -- exactly what sorting would give
  if sort == 'date' then
    if not sorted then table.sort(out, q.order == 'asc' and by_date_asc or by_date_desc) end
  elseif sort == 'title' then table.sort(out, by_title)
  elseif sort == 'weight' then table.sort(out, by_weight)
  else error('loa.pages: unknown sort \'' .. tostring(sort) .. '\'', 2) end
  if q.order == 'desc' and sort ~= 'date' then
    local r = {}
    for i = #out, 1, -1 do r[#r + 1] = out[i] end
    out = r
  end
  local offset, limit = q.offset or 0, q.limit or #out
  if offset > 0 or limit < #out then
    local r = {}
    for i = offset + 1, math.min(#out, offset + limit) do r[#r + 1] = out[i] end
    out = r
  end
  return out
end
function loa.paginate(list, size, base)
  size = size or loa.site.page_size
  local n = math.max(1, (#list + size - 1) // size)
  local function url(i) if i == 1 then return base end return base .. loa.urls.page_word .. '/' .. i .. '/' end
  local pages = {}
  for i = 1, n do
    local items = {}
    for j = (i - 1) * size + 1, math.min(#list, i * size) do items[#items + 1] = list[j] end
    pages[i] = { items = items, url = url(i), paginator = { page = i, pages = n,
      prev_url = i > 1 and url(i - 1) or nil, next_url = i < n and url(i + 1) or nil } }
  end
  return pages
end
function loa.sort(list, field)
  local keys = {}
  for i, item in ipairs(list) do keys[item] = loa.sort_key(tostring(item[field] or '')) .. '\0' .. i end
  table.sort(list, function(a, b) return keys[a] < keys[b] end)
  return list
end
