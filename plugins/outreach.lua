-- outreach.lua — the outreach dashboard /bao-cao/truyen-thong/ and its data
-- as /bao-cao/truyen-thong.csv (SPEC "What is published"; seed 003: at
-- least `outreach.monthly` articles per school per month and
-- `outreach.semester_policy` `policy` articles per school per semester).
--
-- Periods. The school year runs August–July: HK1 = August–December of year
-- Y ("Y-(Y+1)-HK1"), HK2 = January–July of Y+1 ("Y-(Y+1)-HK2"). An article
-- counts in the month of its date in the site's time zone (the date readers
-- see on it: the build converts a time written with another offset before
-- any plugin sees it). Only school news counts; centre news has no school.
--
-- Range (the CSV): every month from the earliest published school article
-- through today's month (or the latest article, when --future lets later
-- ones in), and every semester that overlaps those months.
--
-- Chart window (the page): the school year of the latest school article,
-- clipped to the range. On a live site that is the current school year up
-- to this month; on a site that stopped publishing (the sample: news of
-- 2022-09..2023-05, today 2026-11) it is the last school year that had any
-- news, rather than twelve months of zeros.
--
-- Status. A school is below target when, in the reference month, it has
-- fewer than `monthly` articles, or, in the reference month's semester
-- (the whole semester, so far if it is still running), fewer than
-- `semester_policy` policy articles. The reference month is the last month
-- of the window that has ended before today's month (a month in progress
-- would flag everyone); when the window holds only the current month, that
-- month. Schools below target are listed first; within each group,
-- Vietnamese name order.
local t = loa.t

local MONTHLY = loa.site.outreach.monthly or 4
local SEMESTER_POLICY = loa.site.outreach.semester_policy or 3
local PAGE_URL, CSV_URL = loa.urls.outreach, loa.urls.outreach_csv
-- centre (issue 16): the months that carry a target (`outreach.months`,
-- September to May by default; the others are counted, not judged), and
-- whether the report pages are public (`outreach.public`, false: noindex,
-- out of the sitemap, the footer and the feeds)
local PUBLIC = loa.site.outreach.public == true
local JUDGED = {}
for _, m in ipairs(loa.site.outreach.months or { 9, 10, 11, 12, 1, 2, 3, 4, 5 }) do JUDGED[m] = true end
local ARTICLES_CSV_URL = loa.urls.outreach_articles_csv

-- text for XML/HTML: school names are written by contributors, so every
-- string that goes into the SVG passes through here. Control characters
-- (not allowed in XML 1.0) are dropped.
local ESC = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }
local function esc(s)
  s = tostring(s or ""):gsub("[\0-\8\11\12\14-\31\127]", "")
  return (s:gsub("[&<>\"']", ESC))
end

-- RFC 4180: a field holding a comma, quote or line break is quoted, its
-- quotes doubled. Plain searches, not a pattern: the articles' CSV calls
-- this four times a row, and a character class costs a match per byte
local find = string.find
local function csv_field(s)
  s = tostring(s)
  if find(s, ",", 1, true) or find(s, '"', 1, true) or find(s, "\n", 1, true)
      or find(s, "\r", 1, true) then
    return '"' .. s:gsub('"', '""') .. '"'
  end
  return s
end

-- an interface string with {name} placeholders filled in (plain text; the
-- template escapes it)
local function fmt(key, fallback, vars)
  local s = t[key] or fallback
  return (s:gsub("{([%w_]+)}", function(k) return vars[k] ~= nil and tostring(vars[k]) or "" end))
end

-- months are integers: year * 12 + (month - 1)
local function month_of(iso)
  local y, m = tostring(iso or ""):match("^(%d%d%d%d)-(%d%d)")
  if not y then return nil end
  return tonumber(y) * 12 + tonumber(m) - 1
end
local function month_year(i) return i // 12, i % 12 + 1 end
-- the labels of a month or semester are asked for once per school: made
-- once each (a large site has a thousand schools)
local function once(fn)
  local made = {}
  return function(i)
    local v = made[i]
    if v == nil then v = fn(i); made[i] = v end
    return v
  end
end
local month_iso = once(function(i) local y, m = month_year(i) return string.format("%04d-%02d", y, m) end)
local month_label = once(function(i) local y, m = month_year(i) return string.format("%02d/%04d", m, y) end)

-- the school year (its starting calendar year) of a month
local function school_year(i)
  local y, m = month_year(i)
  return m >= 8 and y or y - 1
end
-- semesters are integers too: school_year * 2 + (0 for HK1, 1 for HK2)
local function semester_of(i)
  local y, m = month_year(i)
  if m >= 8 then return y * 2 end
  return (y - 1) * 2 + 1
end
local function semester_last(s) local y = s // 2 return s % 2 == 0 and y * 12 + 11 or (y + 1) * 12 + 6 end
local semester_id = once(function(s)
  local y = s // 2
  return string.format("%d-%d-HK%d", y, y + 1, s % 2 + 1)
end)
local semester_label = once(function(s)
  local y = s // 2
  return fmt("outreach_semester_label", "Học kỳ {n} năm học {y1}-{y2}",
             { n = s % 2 == 0 and "I" or "II", y1 = y, y2 = y + 1 })
end)
local function semester_short(s) return s % 2 == 0 and "HK1" or "HK2" end
local function judged(i) return JUDGED[i % 12 + 1] == true end

-- ---- the chart ------------------------------------------------------------

local month_tick = once(function(mo) return esc(fmt("outreach_chart_month", "T{m}", { m = mo })) end)

-- The parts of a chart that depend only on numbers (a bar and its labels,
-- a semester's bracket, the axis) are the same for many of a thousand
-- schools: made once per build, by a key of everything they read.
local chart_parts = {}
local function chart_part(key, make)
  local v = chart_parts[key]
  if v == nil then v = make(); chart_parts[key] = v end
  return v
end

-- one bar per month of the window with the monthly target as a dashed line,
-- and under the months a bracket per semester with its policy count
local function chart(id, school, months, counts, sems, policy)
  local n = #months
  local W, left, right, top, plot_h = 640, 34, 14, 36, 150
  local slot = (W - left - right) / math.max(n, 1)
  local bar_w = math.min(36, slot * 0.62)
  local ymax = MONTHLY + 1
  for _, m in ipairs(months) do ymax = math.max(ymax, counts[m] or 0) end
  local base = top + plot_h
  local H = base + 72
  local function y(v) return base - v * plot_h / ymax end
  local function f(v) return string.format("%.1f", v) end

  local title = fmt("outreach_chart_title", "Số tin bài mỗi tháng — {school}", { school = school })
  local parts = {}
  for _, m in ipairs(months) do
    local c = counts[m] or 0
    parts[#parts + 1] = chart_part("d" .. m .. "," .. c, function()
      return fmt("outreach_chart_desc_month", "tháng {month}: {count}", { month = month_label(m), count = c })
    end)
  end
  local sem_parts = {}
  for _, s in ipairs(sems) do
    local p = policy[s] or 0
    sem_parts[#sem_parts + 1] = chart_part("s" .. s .. "," .. p, function()
      return fmt("outreach_chart_desc_semester", "{semester}: {count}/{target} tin bài chính sách",
                 { semester = semester_label(s), count = p, target = SEMESTER_POLICY })
    end)
  end
  local desc = fmt("outreach_chart_desc", "Chỉ tiêu {target} tin bài mỗi tháng. Số tin bài: {months}. {semesters}.",
                   { target = MONTHLY, months = table.concat(parts, "; "),
                     semesters = table.concat(sem_parts, "; ") })

  local o = {}
  local function add(s) o[#o + 1] = s end
  add(string.format('<svg class="outreach-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" ' ..
                    'role="img" aria-labelledby="%s-t %s-d" focusable="false">', W, H, id, id))
  add(string.format('<title id="%s-t">%s</title><desc id="%s-d">%s</desc>', id, esc(title), id, esc(desc)))
  -- what the parts below read besides their own numbers: the window
  local frame = n .. "," .. ymax .. ","
  -- axis and gridlines at 0, the target and the top
  add(chart_part("a" .. frame, function()
    local o2 = {}
    o2[1] = string.format('<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#4d5863"/>', left, f(base), W - right,
                          f(base))
    for _, v in ipairs({ 0, ymax }) do
      o2[#o2 + 1] = string.format('<text x="%d" y="%s" font-size="12" text-anchor="end" fill="#4d5863">%d</text>',
                                  left - 6, f(y(v) + 4), v)
    end
    return table.concat(o2)
  end))
  for i, m in ipairs(months) do
    local c = counts[m] or 0
    add(chart_part("b" .. frame .. i .. "," .. m .. "," .. c, function()
      local o2 = {}
      local cx = left + (i - 0.5) * slot
      local ok = c >= MONTHLY or not judged(m) -- centre: months without a target are not red
      if c > 0 then
        o2[#o2 + 1] = string.format('<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>', f(cx - bar_w / 2),
                                    f(y(c)), f(bar_w), f(base - y(c)), ok and "#0b6b3a" or "#a4161a")
      end
      o2[#o2 + 1] = string.format('<text x="%s" y="%s" font-size="12" text-anchor="middle" fill="#1d232a">%d</text>',
                                  f(cx), f(y(c) - 4), c)
      local yr, mo = month_year(m)
      o2[#o2 + 1] = string.format('<text x="%s" y="%s" font-size="12" text-anchor="middle" fill="#4d5863">%s</text>',
                                  f(cx), f(base + 15), month_tick(mo))
      if i == 1 or mo == 1 then
        o2[#o2 + 1] = string.format('<text x="%s" y="%s" font-size="12" text-anchor="middle" fill="#4d5863">%d</text>',
                                    f(cx), f(base + 28), yr)
      end
      return table.concat(o2)
    end))
  end
  -- the target line over the bars; its legend sits above the plot, where
  -- no bar reaches, and its value on the axis unless it would touch the 0
  add(chart_part("t" .. frame, function()
    local o2 = {}
    o2[1] = string.format('<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#c45100" stroke-width="2" stroke-dasharray="6 4"/>',
                          left, f(y(MONTHLY)), W - right, f(y(MONTHLY)))
    o2[2] = string.format('<line x1="%d" y1="10" x2="%d" y2="10" stroke="#c45100" stroke-width="2" stroke-dasharray="6 4"/>',
                          left, left + 24)
    o2[3] = string.format('<text x="%d" y="14" font-size="12" fill="#8a3800">%s</text>', left + 30,
                          esc(fmt("outreach_chart_target", "Chỉ tiêu: {n} tin bài mỗi tháng", { n = MONTHLY })))
    if base - y(MONTHLY) >= 14 then
      o2[4] = string.format('<text x="%d" y="%s" font-size="12" text-anchor="end" fill="#8a3800">%d</text>',
                            left - 6, f(y(MONTHLY) + 4), MONTHLY)
    end
    return table.concat(o2)
  end))
  -- semester brackets: policy articles of each semester against its target
  local sy = base + 40
  for _, s in ipairs(sems) do
    local p = policy[s] or 0
    -- the months list is the same for every school of a build (the window)
    add(chart_part("p" .. frame .. tostring(months[1]) .. "," .. s .. "," .. p, function()
      local a, b
      for i, m in ipairs(months) do
        if semester_of(m) == s then a = a or i; b = i end
      end
      local x1, x2 = left + (a - 1) * slot + 3, left + b * slot - 3
      local label = (b - a >= 2) and
        fmt("outreach_chart_policy", "{sem}: {count}/{target} chính sách",
            { sem = semester_short(s), count = p, target = SEMESTER_POLICY }) or
        string.format("%s: %d/%d", semester_short(s), p, SEMESTER_POLICY)
      return string.format('<path d="M%s %s V%s H%s V%s" fill="none" stroke="#4d5863"/>', f(x1), f(sy - 5), f(sy),
                           f(x2), f(sy - 5)) ..
        string.format('<text x="%s" y="%s" font-size="12" text-anchor="middle" fill="%s">%s</text>',
                      f((x1 + x2) / 2), f(sy + 16), p >= SEMESTER_POLICY and "#08512c" or "#a4161a", esc(label))
    end))
  end
  add("</svg>")
  return table.concat(o)
end

-- ---- centre: the monthly and semester reports ----------------------------

-- one school's line of a report: the articles counted (oldest first), the
-- A report has a line per school and a site has months of reports: the
-- parts that are the same for many schools are shared, not copied (at
-- 1,000 schools and 100 months the lines were 100 MB of the plugins' state)
local NO_ARTICLES = {} -- also what a month without articles reads: never written
local NO_MONTHS = {} -- a school without articles in a report's months: never written
-- p: one of the report's months (report_page's periods); zeros: the
-- report's entries of months without articles, shared by its schools
local function month_count(p, c, zeros)
  if c == 0 and zeros[p] then return zeros[p] end
  local e = { label = p.label, iso = p.iso, count = c, judged = p.judged, ok = not p.judged or c >= MONTHLY }
  if c == 0 then zeros[p] = e end
  return e
end

-- totals and whether they meet the targets of the months judged
local function report_school(s, arts, months, sem, now, periods, zeros)
  local list, pol, below = {}, 0, false
  local month_counts = {}
  for _, m in ipairs(months) do
    local c = 0
    -- arts holds each month's articles, listed once (the before_render
    -- handler): the month's report and the semester's share them
    for _, a in ipairs(arts[m] or NO_ARTICLES) do
      list[#list + 1] = a
      if a.category == "policy" then pol = pol + 1 end
      c = c + 1
    end
    local p = periods[m]
    if p.judged and m < now and c < MONTHLY then below = true end
    month_counts[#month_counts + 1] = month_count(p, c, zeros)
  end
  if sem and semester_last(sem) < now and pol < SEMESTER_POLICY then below = true end
  return { title = s.title, url = s.url, slug = s.slug, articles = #list > 0 and list or NO_ARTICLES, count = #list,
           policy = pol, below = below, months = month_counts }
end

-- schools is in Vietnamese name order (by_name below): the schools below
-- target first, then the others, each group keeping that order. The lines
-- (a thousand schools a report, sixty reports) are made by the report's
-- own render, in a render worker (`data`, docs/plugins.md): the plugin
-- stage does not hold them, and a rebuild whose page metadata did not
-- change takes the report from the cache without making them.
local function report_page(url, title, schools, arts, months, sem, now, info)
  -- the function reaches only its months' article pages and plain copies
  -- of the schools' names (docs/plugins.md: a content function's key is
  -- what it reaches, and the pages it reads are recorded): an edit of an
  -- article another report lists leaves this one in the cache
  local own = {}
  for _, s in ipairs(schools) do
    local mine
    for _, m in ipairs(months) do
      local list = arts[s.slug][m]
      if list then
        mine = mine or {}
        mine[m] = list
      end
    end
    own[s.slug] = mine
  end
  arts = own
  -- the labels of its months made here: the function reaches these, not
  -- month_label's cache of every month the site has, which one article
  -- in a new month grew, changing the key of every report (all 78 made
  -- again at 10,000 pages)
  local periods = {}
  for _, m in ipairs(months) do
    periods[m] = { label = month_label(m), iso = month_iso(m), judged = judged(m) }
  end
  info.monthly, info.semester_policy = MONTHLY, SEMESTER_POLICY
  loa.add_page{ url = url, layout = "outreach-report.html", sitemap = PUBLIC, report = info,
                page = { kind = "section", title = title, url = url, permalink = loa.absolute_url(url),
                         noindex = not PUBLIC },
                data = function()
                  local lines, met, zeros = {}, {}, {}
                  for _, s in ipairs(schools) do
                    local line = report_school(s, arts[s.slug] or NO_MONTHS, months, sem, now,
                                               periods, zeros)
                    if line.below then lines[#lines + 1] = line else met[#met + 1] = line end
                  end
                  local below = #lines
                  for _, line in ipairs(met) do lines[#lines + 1] = line end
                  local report = {}
                  for k, v in pairs(info) do report[k] = v end
                  report.schools, report.below, report.total = lines, below, #lines
                  return { report = report }
                end }
end

-- /bao-cao/truyen-thong/YYYY-MM/ for every month with school articles,
-- /bao-cao/truyen-thong/YYYY-YYYY-HKn/ for every semester with some, and
-- the per-article CSV; returns the list of reports for the dashboard
local function build_reports(school_pages, arts, first, last, today)
  local schools = {} -- what a report shows of each school, copied
  for i, s in ipairs(school_pages) do schools[i] = { title = s.title, url = s.url, slug = s.slug } end
  local has = {}
  for _, s in ipairs(schools) do
    for m in pairs(arts[s.slug]) do has[m] = true end
  end
  local months_list, sems_list, sem_has = {}, {}, {}
  for m = first, last do
    if has[m] then
      local url = PAGE_URL .. month_iso(m) .. "/"
      months_list[#months_list + 1] = { label = month_label(m), iso = month_iso(m), url = url,
                                        judged = judged(m) }
      local title = fmt("outreach_report_month", "Báo cáo truyền thông tháng {month}",
                        { month = month_label(m) })
      report_page(url, title, schools, arts, { m }, nil, today,
                  { period = month_label(m), judged = judged(m), month = true,
                    current = m >= today })
      local sem = semester_of(m)
      if not sem_has[sem] then
        sem_has[sem] = true
        sems_list[#sems_list + 1] = sem
      end
    end
  end
  local sem_reports = {}
  for _, sem in ipairs(sems_list) do
    local y = sem // 2
    local from = sem % 2 == 0 and y * 12 + 7 or (y + 1) * 12
    local months = {}
    for m = from, semester_last(sem) do months[#months + 1] = m end
    local url = PAGE_URL .. semester_id(sem) .. "/"
    sem_reports[#sem_reports + 1] = { label = semester_label(sem), id = semester_id(sem), url = url }
    report_page(url, (t.outreach_title or "Báo cáo truyền thông") .. " — " .. semester_label(sem),
                schools, arts, months, sem, today,
                { period = semester_label(sem), semester = true,
                  current = semester_last(sem) >= today })
  end

  -- every counted article: school, month, date, category, absolute URL, title
  local by_slug = {}
  for _, s in ipairs(schools) do by_slug[#by_slug + 1] = s end
  table.sort(by_slug, function(a, b) return a.slug < b.slug end)
  loa.add_file{ url = ARTICLES_CSV_URL, content = function()
    -- one concatenation a row, its school and month part made once: ten
    -- thousand rows at 10,000 pages, remade after any title edit
    local rows, n = { "school,period,date,category,url,title" }, 1
    local absolute = loa.absolute_url
    for _, s in ipairs(by_slug) do
      local school = csv_field(s.slug) .. ","
      for m = first, last do
        local list = arts[s.slug][m]
        if list then
          local prefix = school .. month_iso(m) .. ","
          for _, a in ipairs(list) do
            n = n + 1
            rows[n] = prefix .. csv_field((a.date or ""):sub(1, 10)) .. "," .. csv_field(a.category or "")
              .. "," .. csv_field(absolute(a.url)) .. "," .. csv_field(a.title or "")
          end
        end
      end
    end
    rows[n + 1] = ""
    return table.concat(rows, "\n")
  end }
  return { months = months_list, semesters = sem_reports }
end

-- ---- the numbers ----------------------------------------------------------

loa.on("before_render", function()
  local schools = loa.pages{ kind = "school" }
  local today = month_of(loa.site.today)
  local monthly, policy = {}, {} -- [slug][month] = count, [slug][semester] = count
  local articles = {} -- centre: [slug][month] = the articles counted (their pages), oldest first
  local first, last
  for _, s in ipairs(schools) do
    monthly[s.slug], policy[s.slug] = {}, {}
    articles[s.slug] = {}
    for _, a in ipairs(loa.pages{ kind = "news", school = s.slug }) do
      local m = month_of(a.date)
      if m then
        local list = articles[s.slug][m] or {}
        articles[s.slug][m] = list
        -- the page itself: a report that lists it reads its title
        -- then, so a title edit makes again only the reports showing it
        table.insert(list, 1, a)
        monthly[s.slug][m] = (monthly[s.slug][m] or 0) + 1
        if a.category == "policy" then
          local sem = semester_of(m)
          policy[s.slug][sem] = (policy[s.slug][sem] or 0) + 1
        end
        first = first and math.min(first, m) or m
        last = last and math.max(last, m) or m
      end
    end
  end
  local latest = last or today
  first = math.min(first or today, today)
  last = math.max(last or today, today)

  -- CSV, LF line ends (what the rest of the site writes; RFC 4180 readers
  -- accept it). Rows by school slug, then, for one school, its monthly rows
  -- in time order followed by its semester rows in time order.
  -- Made by the file's render in a worker (a content function,
  -- docs/plugins.md): tens of thousands of rows, kept in the build cache
  -- while no page's metadata changes, instead of made at every build in
  -- the plugin stage.
  local by_slug = {}
  for _, s in ipairs(schools) do by_slug[#by_slug + 1] = s end
  table.sort(by_slug, function(a, b) return a.slug < b.slug end)
  loa.add_file{ url = CSV_URL, content = function()
    local rows = { "school,period,category,count,target" }
    -- the same periods for every school: their labels made once
    local month_part, sem_part = {}, {}
    for m = first, last do month_part[m] = "," .. month_iso(m) .. ",all," end
    for sem = semester_of(first), semester_of(last) do sem_part[sem] = "," .. semester_id(sem) .. ",policy," end
    local month_tail, sem_tail = "," .. MONTHLY, "," .. SEMESTER_POLICY
    for _, s in ipairs(by_slug) do
      local school = csv_field(s.slug)
      local counts, pcounts = monthly[s.slug], policy[s.slug]
      for m = first, last do
        rows[#rows + 1] = school .. month_part[m] .. (counts[m] or 0) .. month_tail
      end
      for sem = semester_of(first), semester_of(last) do
        rows[#rows + 1] = school .. sem_part[sem] .. (pcounts[sem] or 0) .. sem_tail
      end
    end
    return table.concat(rows, "\n") .. "\n"
  end }

  -- the chart window and the reference month (see the top of this file)
  local year = school_year(latest)
  local w_first = math.max(first, year * 12 + 7)
  local w_last = math.min(last, (year + 1) * 12 + 6)
  local months = {}
  for m = w_first, w_last do months[#months + 1] = m end
  local ref = w_first
  for m = w_first, w_last do if m < today then ref = m end end
  local ref_sem = semester_of(ref)
  local sems = {}
  for sem = semester_of(w_first), semester_of(w_last) do sems[#sems + 1] = sem end

  -- the table of schools, a chart each, is made by the dashboard's own
  -- render in a worker (`data`, as the reports): kept in the build cache
  -- while no page's metadata changes
  local function school_entries()
    local entries = {}
    for i, s in ipairs(schools) do
      local counts, pol = monthly[s.slug], policy[s.slug]
      local month_ok = not judged(ref) or (counts[ref] or 0) >= MONTHLY
      local sem_ok = (pol[ref_sem] or 0) >= SEMESTER_POLICY
      local table_months = {}
      for _, m in ipairs(months) do
        local c = counts[m] or 0
        table_months[#table_months + 1] = { label = month_label(m), iso = month_iso(m), count = c,
                                            ok = c >= MONTHLY or not judged(m), judged = judged(m) }
      end
      local table_sems = {}
      for _, sem in ipairs(sems) do
        local c = pol[sem] or 0
        table_sems[#table_sems + 1] = { label = semester_label(sem), id = semester_id(sem), count = c,
                                        ok = c >= SEMESTER_POLICY }
      end
      entries[#entries + 1] = {
        school = s, title = s.title, url = s.url, slug = s.slug,
        below = not (month_ok and sem_ok),
        month_count = counts[ref] or 0, month_ok = month_ok,
        semester_count = pol[ref_sem] or 0, semester_ok = sem_ok,
        months = table_months, semesters = table_sems,
        chart = chart("oc" .. i, s.title, months, counts, sems, pol),
        key = (month_ok and sem_ok and "1" or "0") .. "\1" .. s.title_key .. "\1" .. s.url,
      }
    end
    table.sort(entries, function(a, b) return a.key < b.key end)
    local below = 0
    for _, e in ipairs(entries) do if e.below then below = below + 1 end end
    return entries, below
  end

  local ref_current = ref >= today
  -- the reports list schools in name order (then URL), below target first
  local by_name, name_key = {}, {}
  for _, s in ipairs(schools) do
    by_name[#by_name + 1] = s
    name_key[s] = s.title_key .. "\1" .. s.url
  end
  table.sort(by_name, function(a, b) return name_key[a] < name_key[b] end)
  local reports = build_reports(by_name, articles, first, last, today)
  -- what the page says around the table: cheap, made here
  local info = {
    monthly = MONTHLY, semester_policy = SEMESTER_POLICY, csv_url = CSV_URL,
    targets = fmt("outreach_targets",
                  "Chỉ tiêu mỗi trường: ít nhất {monthly} tin bài mỗi tháng và ít nhất {policy} tin bài tuyên truyền chủ trương, chính sách mỗi học kỳ. Năm học từ tháng 8 đến tháng 7 năm sau: học kỳ I từ tháng 8 đến tháng 12, học kỳ II từ tháng 1 đến tháng 7.",
                  { monthly = MONTHLY, policy = SEMESTER_POLICY }),
    window = fmt("outreach_window",
                 "Biểu đồ và bảng dưới đây trình bày năm học {y1}-{y2} (năm học có tin bài mới nhất), từ tháng {from} đến tháng {to}.",
                 { y1 = year, y2 = year + 1, from = month_label(w_first), to = month_label(w_last) }),
    basis = fmt(ref_current and "outreach_basis_current" or "outreach_basis",
                ref_current and
                  "Trường chưa đạt chỉ tiêu được xếp trước: đánh giá theo tháng {month} (đang diễn ra) và học kỳ {n} năm học {y1}-{y2}{so_far}." or
                  "Trường chưa đạt chỉ tiêu được xếp trước: đánh giá theo tháng {month} (tháng gần nhất đã kết thúc) và học kỳ {n} năm học {y1}-{y2}{so_far}.",
                { month = month_label(ref), n = ref_sem % 2 == 0 and "I" or "II", y1 = ref_sem // 2,
                  y2 = ref_sem // 2 + 1,
                  so_far = semester_last(ref_sem) >= today and (t.outreach_so_far or " (tính đến nay)") or "" }),
    range = fmt("outreach_range", "Tệp CSV có số liệu đầy đủ của mọi tháng từ {from} đến {to} và mọi học kỳ.",
                { from = month_label(first), to = month_label(last) }),
    month_label = month_label(ref), month_iso = month_iso(ref),
    semester_label = semester_label(ref_sem), semester_id = semester_id(ref_sem),
  }
  loa.add_page{
    url = PAGE_URL, layout = "outreach.html", sitemap = PUBLIC,
    reports = reports, articles_csv_url = ARTICLES_CSV_URL,
    outreach = info, -- the names the layout reads, for the theme check; data's replaces it
    page = { kind = "section", title = t.outreach_title or "Báo cáo truyền thông", url = PAGE_URL,
             noindex = not PUBLIC,
             permalink = loa.absolute_url(PAGE_URL),
             summary = t.outreach_summary or
               "Số tin bài của từng trường theo tháng và theo học kỳ, so với chỉ tiêu truyền thông." },
    data = function()
      local entries, below = school_entries()
      local outreach = {}
      for k, v in pairs(info) do outreach[k] = v end
      outreach.schools, outreach.below, outreach.total = entries, below, #entries
      return { outreach = outreach }
    end,
  }
  chart_parts = {} -- not carried into the render workers
end)
