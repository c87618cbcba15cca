-- search.lua — /tim-kiem/: the search page and its index, searched in the
-- reader's browser with no server (themes/default/static/js/search.js).
-- This file is the policy: which pages are found, by which fields and how
-- strongly; loa.search_index (generator/search/) folds the text for
-- Vietnamese (so "chuyen doi so" finds "chuyển đổi số") and cuts the index
-- into small files: a manifest, term chunks and metadata groups, so a
-- query downloads only the chunks of its terms and the metadata of its hits.
--
-- site.yaml may set `search: { group: 8, chunk_bytes: 16384 }`.
local t = loa.t
local INDEX = loa.urls.search_index

-- how much an occurrence of a word counts, by field: a word of the title
-- outranks one of the body, whatever the body's length
local WEIGHT = { title = 12, tags = 6, summary = 3, school = 2, body = 1 }

local absolute = loa.absolute_url

-- The documents are read once the after_load handlers have set the pages'
-- fields (search.lua's own runs after theirs: plugins run in name order),
-- and indexed on a thread while the before_render handlers run; the files
-- are taken, and published, in this plugin's before_render handler. No
-- before_render handler of the shipped plugins changes a field read here.
local job

loa.on("after_load", function()
  local conf = (loa.site.params or {}).search or {}
  local docs = {}
  -- newest first: the browser shows equal scores in index order
  for _, p in ipairs(loa.pages{}) do
    local tags = {}
    for _, tag in ipairs(p.tags or {}) do tags[#tags + 1] = tag.name end
    local fields = {
      { text = p.title, weight = WEIGHT.title },
      { text = table.concat(tags, " "), weight = WEIGHT.tags },
      { body = p.path, weight = WEIGHT.body },
    }
    if p.summary then fields[#fields + 1] = { text = p.summary, weight = WEIGHT.summary } end
    if p.school then fields[#fields + 1] = { text = p.school.title, weight = WEIGHT.school } end
    -- centre: a document or plan is found by its number (số/ký hiệu) and issuer
    if p.number then fields[#fields + 1] = { text = p.number .. " " .. (p.issuer or ""), weight = WEIGHT.title } end
    if p.kind == "school" then
      fields[#fields + 1] = { text = (p.district or "") .. " " .. (p.province or ""),
                              weight = WEIGHT.school }
    end
    docs[#docs + 1] = {
      url = p.url, title = p.title, summary = p.summary, fields = fields,
      date = p.date and loa.format_date(p.date) or nil,
    }
  end
  job = loa.search_index_begin(docs, { group = conf.group, chunk_bytes = conf.chunk_bytes })
end)

loa.on("before_render", function()
  for _, f in ipairs(job:files()) do
    loa.add_file{ url = INDEX .. f.name, content = f.content }
  end
  job = nil
  loa.add_page{ url = loa.urls.search, layout = "search.html", sitemap = false,
                index_url = INDEX,
                page = { kind = "page", title = t.search or "Tìm kiếm", url = loa.urls.search,
                         permalink = absolute(loa.urls.search) } }
end)
