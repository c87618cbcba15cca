-- Template runtime (chunk "loa/template_runtime.lua" of template_runtime.c): escaping, the helpers compiled templates call, filters.
local type, tostring, tonumber, pairs, next, error = type, tostring, tonumber, pairs, next, error
local setmetatable, getmetatable, select = setmetatable, getmetatable, select
local sfind, sgsub, ssub, sbyte, schar, smatch = string.find, string.gsub, string.sub, string.byte, string.char, string.match
local sformat, slower, supper, srep = string.format, string.lower, string.upper, string.rep
local concat, tsort = table.concat, table.sort
local ulen, uchar, ucodes, uoffset = utf8.len, utf8.char, utf8.codes, utf8.offset
local mtype, mfloor, mhuge = math.type, math.floor, math.huge

local R = {}
local TPL = {}   -- template name -> main function
local FILTERS = {}
local GLOBALS = {}
R.templates, R.filters, R.globals = TPL, FILTERS, GLOBALS
local MAXDEPTH = 32
local EMPTY = setmetatable({}, {__newindex = function() error("read-only", 2) end})

-- Safe values: text that prints without escaping. k is "html" or "json".
-- CF: the helpers every {{ }} calls, in C (template_runtime.c): str(v),
-- esc(s) for HTML, E(v) for {{ }} in text and quoted attributes,
-- IDX(a, b), the nil-safe a.b, TV(v), the truth of v, and make_V
local SAFE, CF = ...
SAFE.__tostring = function(v) return v.s end
local function safe(s, k) return setmetatable({s = s, k = k or "html"}, SAFE) end
local function is_safe(v) return type(v) == "table" and getmetatable(v) == SAFE end
R.SAFE, R.safe = SAFE, safe

-- any value as plain text (nil is ""); HTML escaping; {{ }} in text and
-- in quoted attribute values
local str, esc, E = CF.str, CF.esc, CF.E

-- unquoted attribute values: everything that could end the value
local function ent(c) return "&#" .. sbyte(c) .. ";" end
local function EQ(v)
  if is_safe(v) and v.k == "html" then return v.s end
  return (sgsub(str(v), "[^%w%-_%.:/%?#@!%$,;~%+%%\128-\255]", ent))
end

-- URLs: only http(s), mailto, tel and scheme-less URLs pass; others blank
local function url_ok(s)
  -- browsers ignore whitespace and control bytes inside a scheme
  local c = sgsub(s, "[%z\1-\32\127]", "")
  local scheme = smatch(c, "^([%a][%w%+%-%.]*):")
  if not scheme then return true end
  scheme = slower(scheme)
  return scheme == "http" or scheme == "https" or scheme == "mailto" or scheme == "tel"
end
local function pct(c) return sformat("%%%02X", sbyte(c)) end
-- a cleaned URL depends on the string alone, and links repeat on thousands
-- of pages (menus, list items): each is cleaned once per process
local URL_CLEAN = {}
local function url_clean(v)
  if is_safe(v) and v.k == "html" then return v.s, true end
  local memo = type(v) == "string" and #v <= 2048
  if memo and URL_CLEAN[v] then return URL_CLEAN[v] end
  -- C: smatch(s, "^%s*(.*%S)") or "", then "" unless url_ok, else
  -- gsub(s, "[%z\1-\32\127]", pct)
  local s = CF.url_clean(str(v))
  if memo then URL_CLEAN[v] = s end
  return s
end
local function EU(v)
  local s, raw = url_clean(v)
  if raw then return s end
  return esc(s)
end
local function EUQ(v)
  local s, raw = url_clean(v)
  if raw then return s end
  return EQ(s)
end
R.url_ok = url_ok

-- JavaScript / JSON string content: nothing can end the string or the
-- script (C: control bytes, \\ and " escaped, < > & ' as \\u00XX, U+2028
-- and U+2029 as \\u2028 and \\u2029)
local js_str = CF.js_str
local function EJ(v)
  if is_safe(v) and v.k == "json" then return v.s end
  return js_str(str(v))
end

-- nil-safe index: a.b is nil when a is not a table (or is a safe value)
local IDX = CF.IDX

-- dependency recording (incremental builds, template_runtime.c): WATCH(v)
-- before a helper reads v's fields or keys other than through IDX (a page
-- table read is recorded); ALL() when the render runs plugin code (a
-- filter or function a plugin registered), which may read any page
local WATCH, ALL = CF.WATCH, CF.ALL
local BUILTIN = setmetatable({}, {__mode = "k"}) -- the runtime's own functions

-- a name: the context first, then the theme's globals (C); VI(ctx, name,
-- k), the name's entry k (a global's recorded by entry)
local V, VI = CF.make_V(GLOBALS)

-- Jinja truth: nil, false, "", 0 and empty tables are false; returns v or
-- nil (C)
local TV = CF.TV

-- a ~ b
local function CAT(a, b) return str(a) .. str(b) end

-- a in b: substring, list member or map key
local function IN(a, b)
  if type(b) == "string" then return sfind(b, str(a), 1, true) ~= nil end
  if is_safe(b) then return sfind(b.s, str(a), 1, true) ~= nil end
  if type(b) ~= "table" then return false end
  WATCH(b)
  if b[1] ~= nil then
    for i = 1, #b do if b[i] == a then return true end end
    return false
  end
  return a ~= nil and b[a] ~= nil
end

local function LIST(v)
  if v == nil or v == false then return EMPTY end
  local t = type(v)
  if t == "table" then
    if getmetatable(v) == SAFE then error("cannot loop over text", 2) end
    WATCH(v)
    if v[1] ~= nil or next(v) == nil then return v end
    local ks = {}
    for k in pairs(v) do ks[#ks + 1] = k end
    return ks
  end
  if t == "userdata" then return v end
  error("cannot loop over a " .. t .. " value", 2)
end

local function ITEMS(v)
  if v == nil or v == false then return EMPTY end
  if type(v) ~= "table" or getmetatable(v) == SAFE then
    error("cannot loop over a " .. type(v) .. " value", 2)
  end
  WATCH(v)
  local r = {}
  if v[1] ~= nil then
    for i = 1, #v do r[i] = {i, v[i]} end
  else
    for k, x in pairs(v) do r[#r + 1] = {k, x} end
  end
  return r
end

local function LOOP(i, n)
  return {index = i, index0 = i - 1, first = i == 1, last = i == n, length = n,
    revindex = n - i + 1, revindex0 = n - i}
end

local function FL(name)
  local f = FILTERS[name]
  if f == nil then error("unknown filter '" .. name .. "'", 2) end
  if not BUILTIN[f] then ALL() end
  return f
end

-- f(...) in a template: a function a plugin gave (a global, a field) runs
-- plugin code
local function CALL(f)
  if not BUILTIN[f] then ALL() end
  return f
end

-- include: a fresh block table, the same context
local function INC(name, ctx, out, depth)
  if depth >= MAXDEPTH then error("template recursion too deep", 2) end
  local f = TPL[name]
  if not f then error("template '" .. name .. "' not found", 2) end
  f(ctx, out, {}, depth + 1)
end

-- extends: the parent renders with the child's blocks
local function EXT(name, ctx, out, BL, depth)
  if depth >= MAXDEPTH then error("template recursion too deep", 2) end
  local f = TPL[name]
  if not f then error("template '" .. name .. "' not found", 2) end
  f(ctx, out, BL, depth + 1)
end

-- blocks: BL[name] lists definitions, most derived first
local function DEFB(BL, name, tpl, fn)
  local list = BL[name]
  if not list then list = {}; BL[name] = list end
  for i = 1, #list do if list[i][1] == tpl then return end end
  list[#list + 1] = {tpl, fn}
end
local function BLK(BL, name, ctx, out, depth)
  BL[name][1][2](ctx, out, BL, depth, 1)
end
local function SUPER(BL, name, lvl, ctx, depth)
  local e = BL[name][lvl + 1]
  if not e then error("no parent block '" .. name .. "' for super()", 2) end
  local o = {}
  e[2](ctx, o, BL, depth, lvl + 1)
  return safe(concat(o))
end

-- the including template's variables, over the context
local function WITH(ctx, vars)
  return setmetatable(vars, {__index = ctx})
end

R.E, R.EA, R.EU, R.EQ, R.EUQ, R.EJ = E, E, EU, EQ, EUQ, EJ
R.IDX, R.V, R.TV, R.CAT, R.IN, R.LIST, R.ITEMS, R.LOOP = IDX, V, TV, CAT, IN, LIST, ITEMS, LOOP
R.FL, R.INC, R.EXT, R.DEFB, R.BLK, R.SUPER, R.WITH, R.str = FL, INC, EXT, DEFB, BLK, SUPER, WITH, str
R.CALL, R.WATCH, R.VI = CALL, WATCH, VI

-- the pieces of the page, in order: theme.c copies them into the page's
-- buffer (a string made of them here was copied twice more, and was a
-- page's worth of garbage per render)
function R.render(name, ctx)
  local f = TPL[name]
  if not f then error("template '" .. tostring(name) .. "' not found", 0) end
  R.ctx = ctx
  local out = {}
  f(ctx, out, {}, 0)
  R.ctx = nil
  return out
end

-- ---- filters ------------------------------------------------------------

local F = FILTERS

F.escape = function(v)
  if is_safe(v) and v.k == "html" then return v end
  return safe(esc(str(v)))
end
F.e = F.escape
F.safe = function(v)
  if is_safe(v) and v.k == "html" then return v end
  return safe(str(v))
end

-- case mapping: ASCII plus the Latin letters Vietnamese uses
local function case_cp(c, up)
  if c < 128 then
    if up and c >= 97 and c <= 122 then return c - 32 end
    if not up and c >= 65 and c <= 90 then return c + 32 end
    return c
  end
  if c >= 0xC0 and c <= 0xFE and c ~= 0xD7 and c ~= 0xF7 then
    if up and c >= 0xE0 and c ~= 0xFF then return c - 32 end
    if not up and c <= 0xDE then return c + 32 end
    return c
  end
  if (c >= 0x100 and c <= 0x137) or (c >= 0x14A and c <= 0x177) or (c >= 0x1EA0 and c <= 0x1EF9) then
    if up and c % 2 == 1 then return c - 1 end
    if not up and c % 2 == 0 then return c + 1 end
    return c
  end
  if c == 0x1A0 or c == 0x1AF then return up and c or c + 1 end
  if c == 0x1A1 or c == 0x1B0 then return up and c - 1 or c end
  return c
end
local function recase(s, up)
  if not sfind(s, "[\128-\255]") or not ulen(s) then
    return up and supper(s) or slower(s)
  end
  local o = {}
  for _, c in ucodes(s) do o[#o + 1] = uchar(case_cp(c, up)) end
  return concat(o)
end
F.upper = function(v) return recase(str(v), true) end
F.lower = function(v) return recase(str(v), false) end

F.length = function(v)
  local t = type(v)
  if v == nil then return 0 end
  if t == "string" or is_safe(v) then
    local s = str(v)
    return ulen(s) or #s
  end
  if t == "table" then
    WATCH(v)
    if v[1] ~= nil then return #v end
    local n = 0
    for _ in next, v do n = n + 1 end
    return n
  end
  return #str(v)
end
F.count = F.length

F.default = function(v, d, boolean)
  if v == nil or v == "" or (boolean and not TV(v)) then return d end
  return v
end
F.d = F.default

F.join = function(v, sep)
  if type(v) ~= "table" or is_safe(v) then return str(v) end
  WATCH(v)
  local o = {}
  for i = 1, #v do o[i] = str(v[i]) end
  return concat(o, sep == nil and "" or str(sep))
end

F.first = function(v)
  if type(v) == "string" then return smatch(v, "^[%z\1-\127\194-\244][\128-\191]*") end
  if type(v) == "table" and not is_safe(v) then WATCH(v); return v[1] end
  return nil
end
F.last = function(v)
  if type(v) == "string" then return smatch(v, "[%z\1-\127\194-\244][\128-\191]*$") end
  if type(v) == "table" and not is_safe(v) then WATCH(v); return v[#v] end
  return nil
end

F.reverse = function(v)
  if type(v) == "string" then
    local o = {}
    for c in string.gmatch(v, "[%z\1-\127\194-\244][\128-\191]*") do table.insert(o, 1, c) end
    return concat(o)
  end
  if type(v) ~= "table" or is_safe(v) then return v end
  WATCH(v)
  local o, n = {}, #v
  for i = 1, n do o[i] = v[n + 1 - i] end
  return o
end

-- a total order on the values a sort key can take: nil last, numbers
-- before strings, booleans before both
local RANK = {boolean = 1, number = 2, string = 3}
local function key_less(a, b)
  local ta, tb = type(a), type(b)
  if is_safe(a) then a, ta = a.s, "string" end
  if is_safe(b) then b, tb = b.s, "string" end
  local ra, rb = RANK[ta] or 4, RANK[tb] or 4
  if ra ~= rb then return ra < rb end
  if ra == 1 then return (not a) and b end
  if ra == 4 then return false end
  return a < b
end
-- path "a.b" into v
local function dig(v, key)
  if key == nil then return v end
  for part in string.gmatch(str(key), "[^%.]+") do
    v = IDX(v, tonumber(part) or part)
  end
  return v
end
-- stable, so equal keys keep their order and output stays reproducible
F.sort = function(v, key, reverse)
  if type(v) ~= "table" or is_safe(v) then return v end
  WATCH(v)
  local d = {}
  for i = 1, #v do d[i] = {dig(v[i], key), i, v[i]} end
  tsort(d, function(x, y)
    if key_less(x[1], y[1]) then return not reverse end
    if key_less(y[1], x[1]) then return reverse and true or false end
    return x[2] < y[2]
  end)
  local o = {}
  for i = 1, #d do o[i] = d[i][3] end
  return o
end

F.limit = function(v, n)
  if type(v) ~= "table" or is_safe(v) then return v end
  WATCH(v)
  n = tonumber(n) or 0
  local o = {}
  for i = 1, math.min(#v, n) do o[i] = v[i] end
  return o
end

-- at most n characters, cut at a word boundary, with "…"
F.truncate = function(v, n, ending)
  local s = str(v)
  n = tonumber(n) or 255
  ending = ending == nil and "…" or str(ending)
  local len = ulen(s)
  if not len then return s end
  if len <= n then return s end
  if n < 1 then return ending end
  local cut = ssub(s, 1, uoffset(s, n + 1) - 1)
  local next_char = ssub(s, #cut + 1, #cut + 1)
  if not sfind(next_char, "^%s") then
    local w = smatch(cut, "^(.*)%s")
    if w and #w > 0 then cut = w end
  end
  cut = sgsub(cut, "[%s%p]+$", "")
  return cut .. ending
end

local ENTITIES = {amp = "&", lt = "<", gt = ">", quot = '"', apos = "'", nbsp = " "}
-- a linear scan: patterns like "<[^>]*>" are quadratic on "<<<<…"
F.striptags = function(v)
  local s = str(v)
  local o, pos, n = {}, 1, #s
  while pos <= n do
    local lt = sfind(s, "<", pos, true)
    if not lt then o[#o + 1] = ssub(s, pos); break end
    o[#o + 1] = ssub(s, pos, lt - 1)
    local close = ssub(s, lt, lt + 3) == "<!--" and "-->" or ">"
    local gt = sfind(s, close, lt + 1, true)
    if not gt then break end
    o[#o + 1] = " "
    pos = gt + #close
  end
  s = concat(o)
  s = sgsub(s, "&(#?%w+);", function(e)
    local r = ENTITIES[e]
    if r then return r end
    local num = smatch(e, "^#(%d+)$")
    if num then
      num = tonumber(num)
      if num and num > 0 and num < 0x110000 and (num < 0xD800 or num > 0xDFFF) then return uchar(num) end
    end
    return "&" .. e .. ";"
  end)
  s = sgsub(s, "%s+", " ")
  return smatch(s, "^%s*(.*%S)") or ""
end

F.urlencode = function(v)
  return (sgsub(str(v), "[^%w%-_%.~]", pct))
end

local function json(v, depth)
  if depth > 64 then error("json: nesting too deep", 3) end
  local t = type(v)
  if v == nil then return "null" end
  if t == "boolean" then return v and "true" or "false" end
  if t == "number" then
    if v ~= v or v == mhuge or v == -mhuge then return "null" end
    if mtype(v) == "integer" then return sformat("%d", v) end
    if v == mfloor(v) and v > -1e15 and v < 1e15 then return sformat("%d", mfloor(v)) end
    return sformat("%.14g", v)
  end
  if t == "string" then return '"' .. js_str(v) .. '"' end
  if t == "table" then
    if getmetatable(v) == SAFE then
      if v.k == "json" then return v.s end
      return '"' .. js_str(v.s) .. '"'
    end
    WATCH(v)
    local n = #v
    if n > 0 or next(v) == nil then
      local o = {}
      for i = 1, n do o[i] = json(v[i], depth + 1) end
      return "[" .. concat(o, ",") .. "]"
    end
    local o = {}
    for k, x in pairs(v) do
      o[#o + 1] = '"' .. js_str(tostring(k)) .. '":' .. json(x, depth + 1)
    end
    return "{" .. concat(o, ",") .. "}"
  end
  return '"' .. js_str(tostring(v)) .. '"'
end
F.json = function(v) return safe(json(v, 0), "json") end
R.json = function(v) return json(v, 0) end

-- dates arrive as ISO strings: YYYY-MM-DD[...] or YYYY-MM
-- (C: string.match with "^(%d%d%d%d)%-(%d%d)%-(%d%d)", else
-- "^(%d%d%d%d)%-(%d%d)$", on every date of every list item)
local function date_parts(v)
  return CF.date_parts(str(v))
end
F.date = function(v)
  local y, m, d = date_parts(v)
  if not y then return str(v) end
  if d then return d .. "/" .. m .. "/" .. y end
  return m .. "/" .. y
end
F.date_long = function(v)
  local y, m, d = date_parts(v)
  if not y then return str(v) end
  if d then return "ngày " .. d .. " tháng " .. m .. " năm " .. y end
  return "tháng " .. m .. " năm " .. y
end
F.date_iso = function(v)
  local y, m, d = date_parts(v)
  if not y then return str(v) end
  if d then return y .. "-" .. m .. "-" .. d end
  return y .. "-" .. m
end

local function base_url()
  local site = IDX(R.ctx, "site")
  return str(IDX(site, "base_url"))
end
local function has_scheme(s) return smatch(s, "^[%a][%w%+%-%.]*:") or ssub(s, 1, 2) == "//" end
-- the base URL without its trailing slashes, and its path below the host:
-- worked out once per base URL (a site has one), not at every link
local base_seen, base_trimmed, base_path
local function base_parts()
  local b = base_url()
  if b ~= base_seen then
    base_seen, base_trimmed = b, sgsub(b, "/+$", "")
    base_path = sgsub(smatch(b, "^[%a][%w%+%-%.]*://[^/]*(/.*)$") or "", "/+$", "")
  end
  return base_trimmed, base_path
end
-- "/x" (not "//host"): the common case, no pattern to match
local function rooted(s) return sbyte(s, 1) == 47 and sbyte(s, 2) ~= 47 end
F.abs_url = function(v)
  local s = str(v)
  if rooted(s) then return (base_parts()) .. s end
  if has_scheme(s) then return s end
  s = sgsub(s, "^/+", "")
  return (base_parts()) .. "/" .. s
end
-- the site may live below a path (https://host/sub/): rel_url adds it
F.rel_url = function(v)
  local s = str(v)
  if rooted(s) then return select(2, base_parts()) .. s end
  if has_scheme(s) then return s end
  s = sgsub(s, "^/+", "")
  return select(2, base_parts()) .. "/" .. s
end

-- readers: the first photo of a page's HTML (for og:image): the URL of its
-- first <img>, the 960-wide variant when the image stage made one (srcset
-- "… 960w"), site-rooted without the base path (abs_url adds it), or ""
F.first_photo = function(v)
  local tag = CF.img_tag(str(v)) -- string.match(s, "<img%s[^>]*>"), in C
  if not tag then return "" end
  local url = smatch(tag, '%ssrc="([^"]*)"') or ""
  for candidate in string.gmatch(smatch(tag, '%ssrcset="([^"]*)"') or "", "[^,]+") do
    local u, w = smatch(candidate, "^%s*(%S+)%s+(%d+)w%s*$")
    if w == "960" then url = u end
  end
  url = sgsub(url, "&amp;", "&")
  local _, path = base_parts()
  if path ~= "" and ssub(url, 1, #path + 1) == path .. "/" then url = ssub(url, #path + 1) end
  return url
end

F.replace = function(v, a, b)
  local s, pat = str(v), str(a)
  if pat == "" then return s end
  pat = sgsub(pat, "[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")
  return (sgsub(s, pat, (sgsub(str(b), "%%", "%%%%"))))
end
F.trim = function(v) return smatch(str(v), "^%s*(.*%S)") or "" end
F.int = function(v)
  local n = tonumber(str(v))
  if not n then return 0 end
  return mfloor(n)
end
F.string = function(v) return str(v) end
F.abs = function(v) return math.abs(tonumber(v) or 0) end

GLOBALS.range = function(a, b, step)
  if b == nil then a, b = 1, a end
  step = step or 1
  if step == 0 then error("range: step is 0", 2) end
  local o = {}
  for i = a, b, step do
    o[#o + 1] = i
    if #o > 100000 then error("range: too many items", 2) end
  end
  return o
end

-- what a template may call without running plugin code: the runtime's
-- filters and globals as they are now (a plugin's loa.filter or
-- loa.global of the same name replaces the function: not built in)
for _, f in pairs(F) do BUILTIN[f] = true end
for _, f in pairs(GLOBALS) do BUILTIN[f] = true end

return R
