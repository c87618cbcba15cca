/* template_runtime — the C side of the template runtime: loads
 * template_runtime.lua into a luavm, makes the safe values (HTML that
 * prints unescaped) that the runtime recognises by their metatable, and
 * gives it the helpers every {{ }} calls (escaping, nil-safe indexing) in
 * C: in Lua they were a third of the renders' interpreted instructions. */
#include "template/template_runtime.h"
#include "template/template.h"
#include "template/template_internal.h"

#include "base/buf.h"
#include "lua/luavm.h"

#include <lauxlib.h>
#include <lua.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* ---- helpers in C ------------------------------------------------------- */

/* Is the value at idx a safe value, whose metatable is at safe? */
static bool is_safe_at(lua_State *L, int idx, int safe)
{
	if (lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx))
		return false;
	bool is = lua_rawequal(L, -1, safe);
	lua_pop(L, 1);
	return is;
}

/* Upvalue 1 of most helpers is the safe-value metatable. */
static bool is_safe(lua_State *L, int idx)
{
	return is_safe_at(L, idx, lua_upvalueindex(1));
}


static void watch(lua_State *L, int idx, bool page, int safe, int hooks);

/* the bytes html_entity replaces, for the scan of every {{ }} value: a
 * table lookup instead of a call per byte */
static const bool html_special[256] = {
	['&'] = true, ['<'] = true, ['>'] = true, ['"'] = true, ['\''] = true,
};

/* The string at idx escaped for HTML text and quoted attributes, pushed;
 * the same string (no copy) when nothing needs escaping, as most don't. */
static void push_esc(lua_State *L, int idx)
{
	size_t n;
	const char *s = lua_tolstring(L, idx, &n);
	size_t i = 0;
	while (i < n && !html_special[(unsigned char)s[i]])
		i++;
	if (i == n) {
		lua_pushvalue(L, idx);
		return;
	}
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	size_t from = 0;
	for (; i < n; i++) {
		if (!html_special[(unsigned char)s[i]])
			continue;
		const char *rep = html_entity((unsigned char)s[i]);
		luaL_addlstring(&b, s + from, i - from);
		luaL_addstring(&b, rep);
		from = i + 1;
	}
	luaL_addlstring(&b, s + from, n - from);
	luaL_pushresult(&b);
}

/* str(v) of the runtime: nil is "", a safe value its text, anything else
 * tostring(v); pushed */
static void push_str(lua_State *L, int idx)
{
	switch (lua_type(L, idx)) {
	case LUA_TSTRING:
		lua_pushvalue(L, idx);
		return;
	case LUA_TNIL:
	case LUA_TNONE:
		lua_pushliteral(L, "");
		return;
	default:
		if (is_safe(L, idx)) {
			lua_getfield(L, idx, "s");
			return;
		}
		watch(L, idx, false, lua_upvalueindex(1), lua_upvalueindex(2)); /* __tostring */
		luaL_tolstring(L, idx, NULL);
	}
}

/* esc(s): s a string */
static int l_esc(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TSTRING);
	push_esc(L, 1);
	return 1;
}

/* E(v): {{ }} in text and quoted attribute values */
static int l_E(lua_State *L)
{
	lua_settop(L, 1);
	if (lua_type(L, 1) == LUA_TSTRING) {
		push_esc(L, 1);
		return 1;
	}
	if (is_safe(L, 1)) {
		lua_getfield(L, 1, "k");
		bool html = lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "html") == 0;
		lua_pop(L, 1);
		if (html) {
			lua_getfield(L, 1, "s");
			return 1;
		}
	}
	push_str(L, 1);
	if (lua_type(L, -1) != LUA_TSTRING) /* v.s of a safe value may be anything */
		return luaL_error(L, "bad argument #1 to 'find' (string expected, got %s)",
				  luaL_typename(L, -1));
	push_esc(L, -1);
	return 1;
}

/* img_tag(s): the first "<img" followed by a space and ending at the next
 * ">", as string.match(s, "<img%s[^>]*>") finds it, or nil. In Lua the
 * unanchored pattern cost a dozen calls per byte of every page's HTML
 * (first_photo, base.html's og:image): the largest single cost of the
 * renders. */
static int l_img_tag(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	const char *end = s + n, *p = s;
	while ((p = memmem(p, (size_t)(end - p), "<img", 4)) != NULL) {
		if (end - p > 4 && isspace((unsigned char)p[4])) {
			/* no ">" after this one: none after a later one either */
			const char *gt = memchr(p + 5, '>', (size_t)(end - p - 5));
			if (!gt)
				break;
			lua_pushlstring(L, p, (size_t)(gt + 1 - p));
			return 1;
		}
		p++;
	}
	lua_pushnil(L);
	return 1;
}

/* js_str(s): s as the inside of a JavaScript or JSON string: control bytes,
 * \\ and \" escaped, < > & ' as \u00XX (nothing can end a <script>), and
 * U+2028 and U+2029 (line ends in older JavaScript) as \u2028 and \u2029;
 * what the runtime did with a gsub over a character class, byte by byte */
static int l_js_str(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	size_t i = 0;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == '\\' || c == '"' || c == '<' || c == '>' || c == '&' ||
		    c == '\'' || (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
				  ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)))
			break;
	}
	if (i == n) {
		lua_settop(L, 1);
		return 1;
	}
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	size_t from = 0;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char rep[8];
		const char *r = NULL;
		size_t skip = 1;
		switch (c) {
		case '\\': r = "\\\\"; break;
		case '"': r = "\\\""; break;
		case '\n': r = "\\n"; break;
		case '\r': r = "\\r"; break;
		case '\t': r = "\\t"; break;
		case '<': r = "\\u003c"; break;
		case '>': r = "\\u003e"; break;
		case '&': r = "\\u0026"; break;
		case '\'': r = "\\u0027"; break;
		case 0xE2:
			if (i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
			    ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
				r = (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
				skip = 3;
			}
			break;
		default:
			if (c < 0x20) {
				snprintf(rep, sizeof(rep), "\\u%04x", c);
				r = rep;
			}
		}
		if (!r)
			continue;
		luaL_addlstring(&b, s + from, i - from);
		luaL_addstring(&b, r);
		i += skip - 1;
		from = i + 1;
	}
	luaL_addlstring(&b, s + from, n - from);
	luaL_pushresult(&b);
	return 1;
}

/* url_clean(s): what a URL attribute prints of s: s without its leading and
 * trailing spaces (string.match(s, "^%s*(.*%S)") or ""); "" when its
 * scheme, once control bytes and spaces are dropped, is not http, https,
 * mailto or tel (none is fine); else the control bytes, spaces and DEL
 * written %XX. In Lua: three patterns over every link not seen before. */
static bool url_byte_dropped(unsigned char c)
{
	return c <= 32 || c == 127;
}

static bool url_scheme_ok(const char *s, size_t n)
{
	char scheme[8];
	size_t len = 0, i = 0;
	while (i < n && url_byte_dropped((unsigned char)s[i]))
		i++;
	if (i == n || !isalpha((unsigned char)s[i]))
		return true; /* no scheme */
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (url_byte_dropped(c))
			continue;
		if (c == ':')
			break;
		if (!isalnum(c) && c != '+' && c != '-' && c != '.')
			return true; /* no scheme: a colon further on is a path's */
		if (len < sizeof(scheme))
			scheme[len] = (char)tolower(c);
		len++;
	}
	if (i == n)
		return true;
	static const char *const ok[] = { "http", "https", "mailto", "tel" };
	for (size_t k = 0; k < sizeof(ok) / sizeof(ok[0]); k++)
		if (len == strlen(ok[k]) && memcmp(scheme, ok[k], len) == 0)
			return true;
	return false;
}

static int l_url_clean(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	size_t a = 0, b = n;
	while (a < b && isspace((unsigned char)s[a]))
		a++;
	while (b > a && isspace((unsigned char)s[b - 1]))
		b--;
	if (a == b || !url_scheme_ok(s + a, b - a)) {
		lua_pushliteral(L, "");
		return 1;
	}
	luaL_Buffer out;
	luaL_buffinit(L, &out);
	size_t from = a;
	for (size_t i = a; i < b; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!url_byte_dropped(c))
			continue;
		char pct[4];
		snprintf(pct, sizeof(pct), "%%%02X", c);
		luaL_addlstring(&out, s + from, i - from);
		luaL_addlstring(&out, pct, 3);
		from = i + 1;
	}
	luaL_addlstring(&out, s + from, b - from);
	luaL_pushresult(&out);
	return 1;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* date_parts(s): year, month and day of "YYYY-MM-DD…", year and month of
 * exactly "YYYY-MM", else nil; as the runtime's two string.match did */
static int l_date_parts(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	if (n < 7 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2)) {
		lua_pushnil(L);
		return 1;
	}
	lua_pushlstring(L, s, 4);
	lua_pushlstring(L, s + 5, 2);
	if (n >= 10 && s[7] == '-' && digits(s + 8, 2)) {
		lua_pushlstring(L, s + 8, 2);
		return 3;
	}
	if (n == 7) {
		lua_pushnil(L);
		return 3;
	}
	lua_settop(L, 1);
	lua_pushnil(L);
	return 1;
}

/* str(v) */
static int l_str(lua_State *L)
{
	lua_settop(L, 1);
	push_str(L, 1);
	return 1;
}

/* is the key at idx "s" or "k", a field of safe values? */
static bool is_safe_field(lua_State *L, int idx)
{
	if (lua_type(L, idx) != LUA_TSTRING)
		return false;
	size_t n;
	const char *k = lua_tolstring(L, idx, &n);
	return n == 1 && (k[0] == 's' || k[0] == 'k');
}

/* Dependency recording (incremental builds): the render reads everything
 * through the helpers here, which tell the hooks (struct template_reads,
 * a userdata: upvalue 2 of the helpers) what they read. A table with the
 * page metatable is reported when read (page); a table whose metatable
 * holds a Lua function (a plugin's metamethod: it may read anything)
 * makes the render depend on everything. The SAFE metatable (upvalue 1)
 * is neither. One pointer comparison for the tables renders read most. */
#define READS_KEY "loa.template_reads"

static void watch(lua_State *L, int idx, bool page, int safe, int hooks)
{
	if (lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx))
		return;
	const struct template_reads *r = lua_touserdata(L, hooks);
	if (r && r->page_mt && lua_topointer(L, -1) == r->page_mt) {
		lua_pop(L, 1);
		if (page && r->read)
			r->read(r->ctx, L, lua_absindex(L, idx));
		return;
	}
	if (lua_rawequal(L, -1, safe)) {
		lua_pop(L, 1);
		return;
	}
	bool plugin = false;
	lua_pushnil(L);
	while (!plugin && lua_next(L, -2)) {
		plugin = lua_type(L, -1) == LUA_TFUNCTION && !lua_iscfunction(L, -1);
		lua_pop(L, plugin ? 2 : 1);
	}
	lua_pop(L, 1);
	if (plugin && r && r->all)
		r->all(r->ctx);
}

/* WATCH(v): the render reads v's fields or keys (filters, loops) */
static int l_WATCH(lua_State *L)
{
	watch(L, 1, true, lua_upvalueindex(1), lua_upvalueindex(2));
	return 0;
}

/* ALL(): the render runs plugin code */
static int l_ALL(lua_State *L)
{
	const struct template_reads *r = lua_touserdata(L, lua_upvalueindex(2));
	if (r && r->all)
		r->all(r->ctx);
	return 0;
}

void template_set_reads(lua_State *L, const struct template_reads *r)
{
	lua_getfield(L, LUA_REGISTRYINDEX, READS_KEY);
	struct template_reads *dst = lua_touserdata(L, -1);
	if (dst)
		*dst = *r;
	lua_pop(L, 1);
}

/* v[k] nil-safe for the values at v and k, pushed: IDX's work, for the
 * helpers whose SAFE metatable and hooks are the upvalues safe and hooks */
static void push_index(lua_State *L, int v, int k, int safe, int hooks)
{
	switch (lua_type(L, v)) {
	case LUA_TTABLE:
		/* a safe value has the fields s and k only (its metatable has
		 * no __index): other keys need no metatable check */
		if (is_safe_field(L, k) && is_safe_at(L, v, safe)) {
			lua_pushnil(L);
			return;
		}
		watch(L, v, true, safe, hooks);
		lua_pushvalue(L, k);
		lua_gettable(L, v);
		watch(L, lua_gettop(L), false, safe, hooks);
		return;
	case LUA_TUSERDATA:
		lua_pushvalue(L, k);
		lua_gettable(L, v);
		return;
	default:
		lua_pushnil(L); /* one result, as a[b] gives */
		return;
	}
}

/* IDX(a, b): a.b, nil when a is not a table (or is a safe value) */
static int l_IDX(lua_State *L)
{
	lua_settop(L, 2);
	push_index(L, 1, 2, lua_upvalueindex(1), lua_upvalueindex(2));
	return 1;
}

/* TV(v): Jinja truth; v, or nil when v is nil, false, "", 0, an empty
 * plain table or a safe value with empty text */
static int l_TV(lua_State *L)
{
	lua_settop(L, 1);
	bool falsy;
	switch (lua_type(L, 1)) {
	case LUA_TBOOLEAN:
		falsy = !lua_toboolean(L, 1);
		break;
	case LUA_TSTRING:
		falsy = lua_rawlen(L, 1) == 0;
		break;
	case LUA_TNUMBER:
		falsy = lua_tonumber(L, 1) == 0;
		break;
	case LUA_TTABLE:
		if (lua_getmetatable(L, 1)) {
			falsy = false;
			if (lua_rawequal(L, -1, lua_upvalueindex(1))) {
				lua_getfield(L, 1, "s");
				falsy = lua_type(L, -1) == LUA_TSTRING && lua_rawlen(L, -1) == 0;
			}
		} else {
			lua_pushnil(L);
			falsy = lua_next(L, 1) == 0;
		}
		lua_settop(L, 1);
		break;
	default: /* nil stays nil; functions and userdata are true */
		falsy = false;
	}
	if (falsy)
		lua_pushnil(L);
	return 1;
}

/* V(ctx, k): a name, from the context first (metamethods included), then
 * the theme's globals (upvalue 1; 2 and 3 are SAFE and the hooks). The
 * context is the plugin host's (a plugin's context is checked for
 * metamethods before its render, sitelua_render.c) or WITH's. */
static int l_V(lua_State *L)
{
	lua_settop(L, 2);
	lua_pushvalue(L, 2);
	if (lua_gettable(L, 1) == LUA_TNIL) {
		lua_pop(L, 1);
		/* a global: the render depends on it (deps by name) */
		const struct template_reads *r = lua_touserdata(L, lua_upvalueindex(3));
		if (r && r->global)
			r->global(r->ctx, L, 2);
		lua_pushvalue(L, 2);
		lua_gettable(L, lua_upvalueindex(1));
	}
	watch(L, 3, false, lua_upvalueindex(2), lua_upvalueindex(3));
	return 1;
}

/* Can a render's read of entry k of the table at v be recorded as that
 * entry's alone? A table with no metatable (nothing computes its entries)
 * and a string key a deps line can hold. */
static bool entry_readable(lua_State *L, int v, int k)
{
	if (lua_type(L, v) != LUA_TTABLE || lua_type(L, k) != LUA_TSTRING)
		return false;
	if (lua_getmetatable(L, v)) {
		lua_pop(L, 1);
		return false;
	}
	size_t n;
	const char *key = lua_tolstring(L, k, &n);
	return n <= TEMPLATE_ENTRY_KEY_MAX && !memchr(key, '\n', n) && !memchr(key, '\0', n);
}

/* VI(ctx, name, k): V(ctx, name)[k], nil-safe, for `name[k]` and
 * `name.k` in a template. When name is a global that is a plain table,
 * the render depends on that entry alone (a global with one entry per
 * page, as feeds.lua's feed_urls, otherwise makes every page that reads
 * its own entry depend on every other page's); otherwise on the global,
 * as V. Upvalues as V's. */
static int l_VI(lua_State *L)
{
	lua_settop(L, 3);
	int safe = lua_upvalueindex(2), hooks = lua_upvalueindex(3);
	lua_pushvalue(L, 2);
	if (lua_gettable(L, 1) == LUA_TNIL) {
		lua_pop(L, 1);
		lua_pushvalue(L, 2);
		lua_gettable(L, lua_upvalueindex(1)); /* the global, at 4 */
		const struct template_reads *r = lua_touserdata(L, hooks);
		if (entry_readable(L, 4, 3)) {
			if (r && r->global_entry)
				r->global_entry(r->ctx, L, 2, 3);
			lua_pushvalue(L, 3);
			lua_rawget(L, 4);
			watch(L, 5, false, safe, hooks);
			return 1;
		}
		if (r && r->global)
			r->global(r->ctx, L, 2);
	}
	push_index(L, 4, 3, safe, hooks);
	return 1;
}

/* make_V(GLOBALS): V and VI reading that globals table */
static int l_make_V(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	lua_pushvalue(L, 1);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, lua_upvalueindex(2));
	lua_pushcclosure(L, l_V, 3);
	lua_pushvalue(L, 1);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, lua_upvalueindex(2));
	lua_pushcclosure(L, l_VI, 3);
	return 2;
}

static const luaL_Reg helpers[] = {
	{ "esc", l_esc }, { "E", l_E }, { "str", l_str }, { "IDX", l_IDX }, { "TV", l_TV },
	{ "make_V", l_make_V }, { "WATCH", l_WATCH }, { "ALL", l_ALL },
	{ "img_tag", l_img_tag }, { "js_str", l_js_str }, { "date_parts", l_date_parts },
	{ "url_clean", l_url_clean },
	{ NULL, NULL }
};

/* Loads the runtime; leaves R on the stack. */
int template_runtime_load(struct luavm *vm, struct diag_list *diags)
{
	lua_State *L = luavm_state(vm);
	luavm_new_env(vm);
	if (luavm_load(vm, "loa/template_runtime.lua", template_runtime_lua,
		       template_runtime_lua_len, diags) < 0)
		return -1;
	luaL_newmetatable(L, SAFE_MT); /* shared with template_push_safe */
	lua_newtable(L);
	lua_pushvalue(L, -2);
	struct template_reads *r = lua_newuserdatauv(L, sizeof(*r), 0);
	memset(r, 0, sizeof(*r)); /* no hooks until template_set_reads */
	lua_pushvalue(L, -1);
	lua_setfield(L, LUA_REGISTRYINDEX, READS_KEY);
	luaL_setfuncs(L, helpers, 2);
	return luavm_call(vm, 2, 1, diags);
}

void template_push_safe(lua_State *L, const char *html, size_t len)
{
	lua_createtable(L, 0, 2);
	lua_pushlstring(L, html, len);
	lua_setfield(L, -2, "s");
	lua_pushliteral(L, "html");
	lua_setfield(L, -2, "k");
	luaL_newmetatable(L, SAFE_MT);
	lua_setmetatable(L, -2);
}
