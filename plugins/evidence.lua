-- evidence.lua — what articles report (issue 16): an article names the plan
-- activities it reports (`activity: "175/KH-BGDĐT#3"`, or a list of them),
-- and each activity lists its evidence articles, newest first. An activity
-- with evidence and not marked done is `reported` ("Đã có minh chứng"),
-- told apart from overdue; each plan gets its progress (how many activities
-- are done, reported, due, overdue, upcoming). A reference that matches no
-- plan or activity is warned about by the build (site/refs.c) with the
-- closest match; both fold the same way (loa.slugify: case, diacritics,
-- NFC/NFD, spacing), so what it accepts is what is matched here.
--
-- Runs in after_load, before any listing reads the statuses: the home
-- page's "due soon" and overdue count (lists.lua, templates), lich.ics
-- (plans.lua) and the plan page see the same status.
local STATUSES = { "done", "reported", "due", "overdue", "upcoming" }

local function refs_of(p)
  local v = p.params and p.params.activity
  if type(v) == "string" then return { v } end
  if type(v) == "table" then return v end
  return {}
end

loa.on("after_load", function()
  -- plans by folded number, activities by folded id (or position)
  local plans = {}
  for _, plan in ipairs(loa.pages{ kind = "plan" }) do
    if plan.number then
      local acts = {}
      for i, a in ipairs(plan.activities or {}) do
        a.evidence = {}
        acts[loa.slugify(tostring(a.id or i))] = a
      end
      plans[loa.slugify(plan.number)] = { plan = plan, acts = acts }
    end
  end
  -- news come newest first: evidence lists keep that order
  for _, p in ipairs(loa.pages{ kind = "news" }) do
    for _, ref in ipairs(refs_of(p)) do
      local num, id = tostring(ref):match("^(.*)#([^#]*)$")
      local entry = num and plans[loa.slugify(num)]
      local a = entry and entry.acts[loa.slugify(id)]
      if a then
        local list = a.evidence
        if list[#list] ~= p then list[#list + 1] = p end
        p.reports = p.reports or {}
        p.reports[#p.reports + 1] = { plan = entry.plan, activity = a }
      end
    end
  end
  local overdue = 0
  for _, plan in ipairs(loa.pages{ kind = "plan" }) do
    local counts = { total = 0 }
    for _, s in ipairs(STATUSES) do counts[s] = 0 end
    for _, a in ipairs(plan.activities or {}) do
      if a.evidence and #a.evidence > 0 and a.status ~= "done" then a.status = "reported" end
      counts[a.status] = (counts[a.status] or 0) + 1
      counts.total = counts.total + 1
    end
    overdue = overdue + counts.overdue
    if counts.total > 0 then
      local items = {}
      for _, s in ipairs(STATUSES) do items[#items + 1] = { status = s, count = counts[s] } end
      plan.progress = { total = counts.total, items = items, counts = counts }
    end
  end
  -- the home page says how many activities are overdue
  loa.global("activities_overdue", overdue)
end)
