-- related.lua — where a reader of an article goes next: each news page gets
-- `older` and `newer` (the neighbouring news by date, across the site) and
-- `related` (up to KEEP news sharing its tags or its school, best first).
--
-- Bounded work, whatever the size of the site: a popular tag holds
-- thousands of articles, so comparing every article with every other one
-- sharing a tag would be quadratic. Each article looks only at its WINDOW
-- nearest neighbours by date in each of its groups (each tag, its school),
-- scores those candidates (a shared tag 2, the same school 1) and keeps the
-- best: O(news x groups x WINDOW). The nearest in date are also the most
-- useful related reading. Arrays only in the loops: the sandbox's `pairs`
-- sorts its keys on every call.
local WINDOW = 5    -- neighbours looked at on each side, per group
local KEEP = 4      -- related articles shown
local TAG, SCHOOL = 2, 1

-- The related news of each news, as numbers (places in `news`): for each
-- in turn, how many, then their numbers, best first. `facts` holds plain
-- copies of what the comparison reads, in flat arrays by news number:
-- `ts` (timestamps), `school` (school slugs, false when none), and the
-- tags' slugs, those of news i at tag_at[i] .. tag_at[i + 1] - 1 of
-- `tags`. No page table: loa.memo then keys the numbers by those facts
-- alone (a few large tables, cheap to key), and a rebuild after a body
-- or a title edit takes them back from the build cache instead of
-- comparing again.
local function related_numbers(facts)
  -- news are numbers below (their place in that order): the loops index
  -- arrays, not tables by page or page fields by name
  local ts, school, tag_at, tag_slugs = facts.ts, facts.school, facts.tag_at, facts.tags
  local n = #ts

  -- groups of news (one per tag, one per school), each newest first; the
  -- memberships of news i are member[i] = { group, index in it, weight,
  -- group, … } (flat: no table per membership)
  local groups, member = {}, {}
  local function join(key, i, m, weight)
    local g = groups[key]
    if not g then g = {}; groups[key] = g end
    local at = #g + 1
    g[at] = i
    local k = #m
    m[k + 1], m[k + 2], m[k + 3] = g, at, weight
  end
  for i = 1, n do
    local m = {}
    member[i] = m
    for k = tag_at[i], tag_at[i + 1] - 1 do join("t\1" .. tag_slugs[k], i, m, TAG) end
    if school[i] then join("s\1" .. school[i], i, m, SCHOOL) end
  end

  local abs, max, min = math.abs, math.max, math.min
  -- reused from one article to the next (emptied after each): a table
  -- per article was most of this handler's garbage
  local score, cands, best, dist = {}, {}, {}, {}
  local out = {}
  for i = 1, n do
    local t = ts[i]
    local nc = 0
    local m = member[i]
    for k = 1, #m, 3 do
      local g, at, weight = m[k], m[k + 1], m[k + 2]
      for j = max(1, at - WINDOW), min(#g, at + WINDOW) do
        local q = g[j]
        if q ~= i then
          local s = score[q]
          if not s then nc = nc + 1; cands[nc] = q; s = 0 end
          score[q] = s + weight
        end
      end
    end
    -- keep the KEEP best by insertion: best score, then nearest in date,
    -- then the order of /tin-tuc/ (a total order, so the output is stable)
    local nb = 0
    for c = 1, nc do
      local q = cands[c]
      local sq, dq = score[q], abs(ts[q] - t)
      local slot = nb + 1
      while slot > 1 do
        local r = best[slot - 1]
        local sr, dr = score[r], dist[slot - 1]
        if sr > sq or (sr == sq and (dr < dq or (dr == dq and r < q))) then break end
        slot = slot - 1
      end
      if slot <= KEEP then
        for k = min(nb, KEEP - 1), slot, -1 do best[k + 1], dist[k + 1] = best[k], dist[k] end
        best[slot], dist[slot] = q, dq
        if nb < KEEP then nb = nb + 1 end
      end
    end
    local o = #out
    out[o + 1] = nb
    for k = 1, nb do out[o + 1 + k] = best[k] end
    for c = 1, nc do score[cands[c]] = nil end
  end
  return out
end

loa.on("after_load", function()
  -- newest first, ties by URL: the order of /tin-tuc/
  local news = loa.pages{ kind = "news" }
  local n = #news
  local ts, school, tag_at, tags = {}, {}, {}, {}
  for i = 1, n do
    local p = news[i]
    ts[i] = p.timestamp or 0
    school[i] = p.school and p.school.slug or false
    tag_at[i] = #tags + 1
    for _, tag in ipairs(p.tags or {}) do tags[#tags + 1] = tag.slug end
  end
  tag_at[n + 1] = #tags + 1
  local facts = { ts = ts, school = school, tag_at = tag_at, tags = tags }
  local numbers = loa.memo("related", function() return related_numbers(facts) end)
  local at = 1
  for i = 1, n do
    local p = news[i]
    p.newer = news[i - 1]
    p.older = news[i + 1]
    local nb = numbers[at]
    local related = {}
    for k = 1, nb do related[k] = news[numbers[at + k]] end
    at = at + 1 + nb
    p.related = related
  end
end)
