-- plans.lua — /ke-hoach/lich.ics: every dated plan activity as an all-day
-- (day due) or month-long (month due) event of an iCalendar (RFC 5545), so
-- schools can subscribe to the deadlines in their calendar app.
local t = loa.t

-- ---- dates, with integer arithmetic only (the sandbox has no os.date) ----

local function is_leap(y) return (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0 end

local function days_in_month(y, m)
  if m == 2 then return is_leap(y) and 29 or 28 end
  return ({ 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 })[m]
end

-- an activity's due ("2023-05-31", "2023-05", maybe with a time) → the
-- DATE values of DTSTART and DTEND (exclusive), or nil when unusable
local function due_range(due)
  if type(due) ~= "string" then return nil end
  local y, m, d = due:match("^(%d%d%d%d)-(%d%d)-(%d%d)")
  if y then
    y, m, d = tonumber(y), tonumber(m), tonumber(d)
    local ny, nm, nd = y, m, d + 1
    if nd > days_in_month(y, m) then nd, nm = 1, m + 1 end
    if nm > 12 then nm, ny = 1, y + 1 end
    return string.format("%04d%02d%02d", y, m, d), string.format("%04d%02d%02d", ny, nm, nd)
  end
  y, m = due:match("^(%d%d%d%d)-(%d%d)$")
  if y then
    y, m = tonumber(y), tonumber(m)
    local ny, nm = y, m + 1
    if nm > 12 then nm, ny = 1, y + 1 end
    return string.format("%04d%02d01", y, m), string.format("%04d%02d01", ny, nm)
  end
  return nil
end

-- ---- content lines -------------------------------------------------------

-- TEXT escaping (RFC 5545 3.3.11): backslash, ; , and newlines escaped;
-- other control characters are not allowed in TEXT and are dropped
local TEXT_ESCAPES = { ["\\"] = "\\\\", [";"] = "\\;", [","] = "\\,", ["\n"] = "\\n", ["\r"] = "\\n",
                       ["\t"] = " " }
for c = 0, 31 do TEXT_ESCAPES[string.char(c)] = TEXT_ESCAPES[string.char(c)] or "" end
TEXT_ESCAPES["\127"] = ""
local function text(s)
  s = tostring(s or "")
  -- most values need none of it (thousands of lines on a large site)
  if not s:find("[\\;,%c]") then return s end
  -- one pass over the characters (a line break written CR LF is one)
  if s:find("\r\n", 1, true) then s = s:gsub("\r\n", "\n") end
  return (s:gsub("[\\;,%c]", TEXT_ESCAPES))
end

-- folds a content line at 75 octets (3.1), never inside a UTF-8 sequence;
-- continuation lines start with one space, so they carry 74 octets of text
local function fold(line)
  if #line <= 75 then return line .. "\r\n" end
  local parts, pos, limit, n = {}, 1, 75, #line
  while pos <= n do
    local stop = math.min(n, pos + limit - 1)
    while stop < n and stop > pos and (line:byte(stop + 1) & 0xC0) == 0x80 do
      stop = stop - 1
    end
    parts[#parts + 1] = line:sub(pos, stop)
    pos, limit = stop + 1, 74
  end
  return table.concat(parts, "\r\n ") .. "\r\n"
end

-- the host of base_url names the UIDs' domain (RFC 5545 advises
-- "unique-id@host"); a site without an absolute base_url falls back to its
-- folded title
local function uid_host()
  local host = (loa.site.base_url or ""):match("^%a[%w+.-]*://([^/?#]+)")
  if host then host = host:gsub("^.*@", ""):gsub(":%d+$", ""):lower() end
  if not host or host == "" then
    host = loa.slugify(loa.site.title or "")
    if host == "" then host = "loa" end
  end
  return host
end

local function id_less(a, b)
  local na, nb = tonumber(a), tonumber(b)
  if na and nb and na ~= nb then return na < nb end
  return tostring(a) < tostring(b)
end

-- UIDs must not change when a plan's title (hence its slug) is edited:
-- they come from the plan's file path under plans/, e.g. "ke-hoach-175"
local function plan_key(plan)
  local rel = (plan.path or ""):match("plans/(.+)%.md$")
  if rel then rel = rel:gsub("/_?index$", "") end
  local key = rel and loa.slugify(rel) or ""
  if key == "" then key = plan.slug or "ke-hoach" end
  return key
end

local function build_calendar()
  local host = uid_host()
  local events, used = {}, {}
  local plans = loa.pages{ kind = "plan" }
  -- by URL, so the rare duplicate UID is always resolved the same way
  table.sort(plans, function(a, b) return a.url < b.url end)
  for _, plan in ipairs(plans) do
    local key = plan_key(plan)
    for i, a in ipairs(plan.activities or {}) do
      local start, finish = due_range(a.due)
      if start then
        local id = a.id and loa.slugify(tostring(a.id)) or ""
        if id == "" then id = tostring(i) end
        local uid = key .. "-" .. id
        -- two activities of one plan with the same id still get distinct UIDs
        if used[uid] then uid = uid .. "-" .. i end
        used[uid] = true
        events[#events + 1] = { plan = plan, a = a, index = i, start = start, finish = finish,
                                uid = uid .. "@" .. host, due = a.due }
      end
    end
  end
  table.sort(events, function(x, y)
    if x.due ~= y.due then return x.due < y.due end
    if x.plan.url ~= y.plan.url then return x.plan.url < y.plan.url end
    if (x.a.id or "") ~= (y.a.id or "") then return id_less(x.a.id or "", y.a.id or "") end
    return x.index < y.index
  end)

  local out = {}
  local function line(s) out[#out + 1] = fold(s) end
  local calname = loa.site.title or ""
  if t.ics_calendar_name then calname = calname .. " — " .. t.ics_calendar_name end
  line("BEGIN:VCALENDAR")
  line("VERSION:2.0")
  line("PRODID:-//Loa//Loa static site generator//VI")
  line("CALSCALE:GREGORIAN")
  line("METHOD:PUBLISH")
  line("X-WR-CALNAME:" .. text(calname))
  if loa.site.timezone then line("X-WR-TIMEZONE:" .. text(loa.site.timezone)) end
  -- DTSTAMP: the start of the build's day, in UTC. The statuses the
  -- events show change by the day, so the stamp does too; not the clock,
  -- which would make the calendar again at every build (loa.add_file)
  local stamp = loa.format_date(loa.site.today, "utc"):gsub("[-:]", "")
  for _, e in ipairs(events) do
    local a, plan = e.a, e.plan
    local desc = {}
    local function add(label, value)
      if value ~= nil and tostring(value) ~= "" then
        desc[#desc + 1] = (label or "") .. ": " .. tostring(value)
      end
    end
    add(t.lead or "Đơn vị chủ trì", a.lead)
    add(t.partners or "Đơn vị phối hợp", a.partners)
    add(t.product or "Sản phẩm", a.product)
    local plan_name = plan.title
    if plan.number then plan_name = plan.number .. " — " .. plan.title end
    add(t.ics_plan or "Kế hoạch", plan_name)
    -- centre: the status the plan page shows (evidence.lua: reported)
    if a.status then add(t.status or "Trạng thái", t["status_" .. a.status] or a.status) end
    line("BEGIN:VEVENT")
    line("UID:" .. e.uid)
    line("DTSTAMP:" .. stamp)
    line("DTSTART;VALUE=DATE:" .. e.start)
    line("DTEND;VALUE=DATE:" .. e.finish)
    line("SUMMARY:" .. text(a.name or plan.title))
    if #desc > 0 then line("DESCRIPTION:" .. text(table.concat(desc, "\n"))) end
    -- URL is a URI value, not TEXT: only an absolute one is valid
    if plan.permalink and plan.permalink:match("^%a[%w+.-]*://") then
      line("URL:" .. plan.permalink)
    end
    line("TRANSP:TRANSPARENT")
    line("END:VEVENT")
  end
  line("END:VCALENDAR")
  return table.concat(out)
end

-- ---- the next status change ----------------------------------------------

-- An activity's status (upcoming, due, overdue; sitelua.c) is computed
-- against today, so the site changes by itself when one turns: on the first
-- day of its due month (upcoming → due) and the day after its due day, or
-- the first day of the next month for a month (due → overdue). Declaring
-- both lets `loa build` say when to rebuild; loa keeps the earliest one
-- after now.
local function iso_of(yyyymmdd)
  return yyyymmdd:sub(1, 4) .. "-" .. yyyymmdd:sub(5, 6) .. "-" .. yyyymmdd:sub(7, 8)
end

local function declare_status_changes()
  for _, plan in ipairs(loa.pages{ kind = "plan" }) do
    for i, a in ipairs(plan.activities or {}) do
      local start, finish = due_range(a.due)
      if start and a.status ~= "done" and a.status ~= "reported" then
        local what = (plan.path or plan.url) .. ": " .. (t.activity_name or "Hoạt động") ..
                     " “" .. tostring(a.name or a.id or i) .. "” → "
        loa.next_change(iso_of(start:sub(1, 6) .. "01"), what .. (t.status_due or "Đến hạn"))
        loa.next_change(iso_of(finish), what .. (t.status_overdue or "Quá hạn"))
      end
    end
  end
end

local ICS_URL = loa.urls.plans_calendar
-- templates link the calendar only when this plugin makes it
loa.global("ics_url", ICS_URL)

loa.on("before_render", function()
  -- a content function: made in a render worker, and kept in the cache
  -- until a plan, its statuses or the day change (loa.add_file,
  -- docs/plugins.md)
  loa.add_file{ url = ICS_URL, content = build_calendar }
  declare_status_changes()
end)
