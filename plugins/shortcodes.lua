-- shortcodes.lua — shortcodes an article may use, each on a line of its own:
--
--   {{< truong dong-thai >}}   a card for the school dong-thai: its name
--                              linked, district and province, its model
--                              practices (linked when schools.lua gave them
--                              a page)
--   {{< ke-hoach SLUG >}}      the activity table of the plan SLUG, with
--                              each activity's status against today
--
-- The arguments are written by contributors: everything printed is escaped
-- here, and a slug that names nothing is an error naming the article's line
-- (the shortcode's text is then left as it is, and the build exits 1).
local t = loa.t

local escapes = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;",
                  ["'"] = "&#39;" }
local function esc(s)
  if s == nil then return "" end
  return (tostring(s):gsub("[&<>\"']", escapes))
end

-- a site-rooted URL, below the sub-path of base_url if there is one (what
-- the templates' rel_url filter does)
local rel = loa.rel_url

-- the page of that kind and slug, or nil and the message for the article's
-- author (a shortcode returns nil, message for a bad argument: an error
-- naming the article's line, without a plugin traceback)
local function find(kind, slug, example)
  if type(slug) ~= "string" or slug == "" then
    return nil, "give the slug of the " .. kind .. ", e.g. " .. example
  end
  for _, p in ipairs(loa.pages{ kind = kind }) do
    if p.slug == slug then return p end
  end
  return nil, "no " .. kind .. " has the slug '" .. slug .. "'"
end

-- an activity's due date as dd/mm/yyyy or mm/yyyy
local function due(a)
  if not a.due then return "" end
  return '<time datetime="' .. esc(a.due) .. '">' .. esc(loa.format_date(a.due, "short")) ..
         "</time>"
end

loa.shortcode("truong", function(args)
  local s, why = find("school", args[1] or args.slug, "{{< truong dong-thai >}}")
  if not s then return nil, why end
  local out = { '<aside class="card school-card" aria-label="', esc(s.title), '">\n',
                '<p class="card-title"><a href="', esc(rel(s.url)), '">', esc(s.title),
                "</a></p>\n" }
  local place = {}
  if s.district and s.district ~= "" then place[#place + 1] = esc(s.district) end
  if s.province and s.province ~= "" then place[#place + 1] = esc(s.province) end
  if #place > 0 then
    out[#out + 1] = '<p class="card-meta">' .. table.concat(place, ", ") .. "</p>\n"
  end
  local models = s.models or {}
  if #models > 0 then
    out[#out + 1] = '<p class="card-label">' .. esc(t.models or "Mô hình điểm") .. "</p>\n<ul>\n"
    for _, m in ipairs(models) do
      local title = m.url and ('<a href="' .. esc(rel(m.url)) .. '">' .. esc(m.title) .. "</a>")
                    or esc(m.title)
      local meta = {}
      if m.year then meta[#meta + 1] = esc(t.year or "Năm học") .. " " .. esc(m.year) end
      if m.level then meta[#meta + 1] = esc(t.level or "Cấp") .. " " .. esc(m.level) end
      out[#out + 1] = "<li>" .. title
      if #meta > 0 then
        out[#out + 1] = ' <span class="model-meta">' .. table.concat(meta, " · ") .. "</span>"
      end
      out[#out + 1] = "</li>\n"
    end
    out[#out + 1] = "</ul>\n"
  end
  out[#out + 1] = "</aside>\n"
  return table.concat(out)
end)

loa.shortcode("ke-hoach", function(args)
  local plan, why = find("plan", args[1] or args.slug, "{{< ke-hoach ke-hoach-175 >}}")
  if not plan then return nil, why end
  local cols = { t.activity_id or "TT", t.activity_name or "Hoạt động", t.lead or "Đơn vị chủ trì",
                 t.due or "Thời hạn", t.status or "Trạng thái" }
  local out = { '<div class="table-wrap plan-activities">\n<table>\n<caption><a href="',
                esc(rel(plan.url)), '">', esc(plan.title), "</a>" }
  if plan.number then out[#out + 1] = " — " .. esc(plan.number) end
  out[#out + 1] = "</caption>\n<thead>\n<tr>"
  for _, c in ipairs(cols) do out[#out + 1] = '<th scope="col">' .. esc(c) .. "</th>" end
  out[#out + 1] = "</tr>\n</thead>\n<tbody>\n"
  for _, a in ipairs(plan.activities or {}) do
    local status = a.status or "upcoming"
    out[#out + 1] = '<tr class="status-' .. esc(status) .. '"><td>' .. esc(a.id) ..
                    '</td><th scope="row">' .. esc(a.name) .. "</th><td>" .. esc(a.lead) ..
                    '</td><td class="due">' .. due(a) .. '</td><td><span class="status status-' ..
                    esc(status) .. '">' .. esc(t["status_" .. status] or status) ..
                    "</span></td></tr>\n"
  end
  out[#out + 1] = "</tbody>\n</table>\n</div>\n"
  return table.concat(out)
end)
