/* sitelua_hollow — which page tables a content function reads, recorded
 * while it runs in a render worker, so that its file is kept under a key
 * of what it can reach (sitelua_memo_decide) and made again only when a
 * page it read changed.
 *
 * Plugin code reads a page table's fields directly, which Lua does not
 * report. So for the length of the call the page tables the function can
 * reach (through its upvalues, tables, metatables and other functions;
 * not through the prelude's loa.pages, whose use counts as reading every
 * page: sitelua_deps_scan) are made hollow: their fields move to a shadow
 * table and the hollow metatable's __index serves them, recording the
 * page (sitelua_deps_table). A page table reached through a hollow one
 * (p.school, p.related[1]) is made hollow before it is handed out, as are
 * those in a table it is handed out in. After the call every field goes
 * back. pairs (its __pairs, in sorted order as for any table), next,
 * rawget, rawlen and rawset see the shadow, so the function's output is
 * the same as without the recording. A structure too deep to walk, more
 * than HOLLOW_MAX page tables, or a page table whose metatable a plugin
 * replaced count as reading every page. */
#include "plugin/sitelua_internal.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "lua/luavm.h"
#include "site/site.h"

#include <lauxlib.h>
#include <lua.h>
#include <string.h>

/* deeper than this, the walk gives up and the function depends on every page */
enum { HOLLOW_DEPTH = 200 };
/* A function that reaches more page tables than this depends on every
 * page instead: hollowing a page table and putting it back costs about
 * 5 µs, and the outreach reports at 10,000 pages each reach every
 * article (3.8 s of CPU a first build when they were all hollowed). */
enum { HOLLOW_MAX = 1024 };

/* What the table at idx is, by its metatable: a page table (hollow or
 * not), a page table whose metatable a plugin replaced (its reads cannot
 * be seen), or another table. */
enum table_kind { OTHER_TABLE, PAGE_TABLE, HOLLOW_PAGE, FOREIGN_PAGE };

static enum table_kind table_kind(lua_State *L, struct sitelua *sl, int idx)
{
	if (!lua_getmetatable(L, idx))
		return OTHER_TABLE;
	const void *mt = lua_topointer(L, -1);
	lua_pop(L, 1);
	if (mt == sl->page_mt)
		return PAGE_TABLE;
	if (mt == sl->hollow_mt)
		return HOLLOW_PAGE;
	return sitelua_page_index(L, sl, idx) == SITELUA_NO_PAGE ? OTHER_TABLE : FOREIGN_PAGE;
}

static bool is_hollow(lua_State *L, struct sitelua *sl, int idx)
{
	return lua_type(L, idx) == LUA_TTABLE && table_kind(L, sl, idx) == HOLLOW_PAGE;
}

/* the page table at idx: its fields into a new shadow, its metatable the
 * hollow one */
static void hollow_page(lua_State *L, struct sitelua *sl, int idx)
{
	idx = lua_absindex(L, idx);
	size_t i = sitelua_page_index(L, sl, idx);
	if (i == SITELUA_NO_PAGE)
		return;
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->shadows_ref);
	lua_pushvalue(L, idx);
	lua_createtable(L, 0, 32);
	int shadow = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, shadow);
		/* clearing a field while traversing is allowed (lua_next) */
		lua_pushvalue(L, -1);
		lua_pushnil(L);
		lua_rawset(L, idx);
	}
	lua_rawset(L, -3); /* shadows[page] = shadow */
	lua_pop(L, 1);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->hollow_mt_ref);
	lua_setmetatable(L, idx);
	ALLOC_GROW(sl->hollowed, sl->nhollowed + 1, sl->hollowed_cap);
	sl->hollowed[sl->nhollowed++] = i;
}

static bool from_prelude(lua_State *L, int idx)
{
	lua_Debug ar;
	lua_pushvalue(L, idx);
	if (!lua_getinfo(L, ">S", &ar))
		return false;
	return strcmp(ar.source, SITELUA_PRELUDE_SOURCE) == 0;
}

/* Hollows the page tables the value at idx reaches without passing
 * through a page table. Tables and functions are walked once a call
 * (hollow_seen_ref). */
static void reach(lua_State *L, struct sitelua *sl, int idx, int depth)
{
	if (sl->hollow_over)
		return; /* every page is recorded as read: nothing more to see */
	int type = lua_type(L, idx);
	if (type != LUA_TTABLE && (type != LUA_TFUNCTION || lua_iscfunction(L, idx)))
		return;
	idx = lua_absindex(L, idx);
	enum table_kind kind = type == LUA_TTABLE ? table_kind(L, sl, idx) : OTHER_TABLE;
	if (kind == HOLLOW_PAGE)
		return;
	if (kind == FOREIGN_PAGE || (kind == PAGE_TABLE && sl->nhollowed >= HOLLOW_MAX)) {
		sl->hollow_over = true;
		sitelua_deps_scan(sl);
		return;
	}
	if (kind == PAGE_TABLE) {
		hollow_page(L, sl, idx);
		return;
	}
	if (depth > HOLLOW_DEPTH || !lua_checkstack(L, 8)) {
		sitelua_deps_scan(sl); /* beyond the walk: every page */
		return;
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->hollow_seen_ref);
	bool seen = lua_rawgetp(L, -1, lua_topointer(L, idx)) != LUA_TNIL;
	lua_pop(L, 1);
	if (seen) {
		lua_pop(L, 1);
		return;
	}
	lua_pushboolean(L, 1);
	lua_rawsetp(L, -2, lua_topointer(L, idx));
	lua_pop(L, 1);
	if (type == LUA_TFUNCTION) {
		if (from_prelude(L, idx))
			return;
		for (int n = 1; lua_getupvalue(L, idx, n); n++) {
			reach(L, sl, -1, depth + 1);
			lua_pop(L, 1);
		}
		return;
	}
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		reach(L, sl, -2, depth + 1);
		reach(L, sl, -1, depth + 1);
		lua_pop(L, 1);
	}
	if (lua_getmetatable(L, idx)) {
		reach(L, sl, -1, depth + 1);
		lua_pop(L, 1);
	}
}

/* pushes the shadow of the hollow page table at idx (nil when none) and
 * records the read */
static int push_shadow(lua_State *L, struct sitelua *sl, int idx)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->shadows_ref);
	lua_pushvalue(L, idx);
	int type = lua_rawget(L, -2);
	lua_remove(L, -2);
	if (type == LUA_TTABLE) {
		size_t i = sitelua_page_index(L, sl, idx);
		if (i != SITELUA_NO_PAGE)
			sitelua_deps_table(sl, i);
	}
	return type;
}

/* __index: the field from the shadow, its page tables hollowed first; the
 * volatile fields from the page tables' own __index */
static int hollow_index(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	lua_settop(L, 2);
	if (push_shadow(L, sl, 1) != LUA_TTABLE)
		return 0;
	lua_pushvalue(L, 2);
	if (lua_rawget(L, 3) != LUA_TNIL) {
		reach(L, sl, -1, 0);
		return 1;
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->page_mt_ref);
	if (lua_getfield(L, -1, "__index") != LUA_TFUNCTION)
		return 0;
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_call(L, 2, 1);
	return 1;
}

static int hollow_newindex(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	lua_settop(L, 3);
	if (push_shadow(L, sl, 1) != LUA_TTABLE)
		return 0;
	lua_pushvalue(L, 2);
	lua_pushvalue(L, 3);
	lua_rawset(L, 4);
	return 0;
}

static int hollow_len(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	if (push_shadow(L, sl, 1) != LUA_TTABLE)
		return 0;
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
	return 1;
}

/* __pairs: the sandbox's pairs over the shadow, whose page tables are
 * hollowed first */
static int hollow_pairs(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	lua_settop(L, 1);
	if (push_shadow(L, sl, 1) != LUA_TTABLE)
		return 0;
	reach(L, sl, 2, 0);
	lua_getglobal(L, "pairs");
	lua_pushvalue(L, 2);
	lua_call(L, 1, 3);
	return 3;
}

/* next, rawget, rawlen, rawset (upvalue 2) on a hollow page table: the
 * same on its shadow, whose page tables are hollowed first */
static int raw_through(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	if (sl->hollowing && is_hollow(L, sl, 1)) {
		if (push_shadow(L, sl, 1) == LUA_TTABLE) {
			reach(L, sl, -1, 0);
			lua_replace(L, 1);
		} else {
			lua_pop(L, 1);
		}
	}
	lua_pushvalue(L, lua_upvalueindex(2));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

void sitelua_hollow_setup(lua_State *L, struct sitelua *sl)
{
	static const struct {
		const char *name;
		lua_CFunction fn;
	} mms[] = { { "__index", hollow_index },
		    { "__newindex", hollow_newindex },
		    { "__len", hollow_len },
		    { "__pairs", hollow_pairs } };
	lua_createtable(L, 0, 5);
	for (size_t i = 0; i < sizeof(mms) / sizeof(*mms); i++) {
		lua_pushlightuserdata(L, sl);
		lua_pushcclosure(L, mms[i].fn, 1);
		lua_setfield(L, -2, mms[i].name);
	}
	/* getmetatable(page) gives what it gives outside a call */
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->page_mt_ref);
	lua_setfield(L, -2, "__metatable");
	sl->hollow_mt = lua_topointer(L, -1);
	sl->hollow_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_newtable(L);
	sl->shadows_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	sl->hollow_seen_ref = LUA_NOREF;
	static const char *const raw[] = { "next", "rawget", "rawlen", "rawset" };
	lua_pushglobaltable(L);
	for (size_t i = 0; i < sizeof(raw) / sizeof(*raw); i++) {
		lua_pushlightuserdata(L, sl);
		lua_getfield(L, -2, raw[i]);
		lua_pushcclosure(L, raw_through, 2);
		lua_setfield(L, -2, raw[i]);
	}
	lua_pop(L, 1);
}

void sitelua_hollow_reach(lua_State *L, struct sitelua *sl, int idx)
{
	reach(L, sl, idx, 0);
}

static int begin_protected(lua_State *L)
{
	struct sitelua *sl = lua_touserdata(L, 1);
	reach(L, sl, 2, 0);
	return 0;
}

void sitelua_hollow_begin(struct sitelua *sl, int fn)
{
	lua_State *L = luavm_state(sl->vm);
	fn = lua_absindex(L, fn);
	sl->hollowing = true;
	sl->hollow_over = false;
	lua_newtable(L);
	sl->hollow_seen_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	/* out of memory on the way: what was not walked may be read unseen */
	lua_pushcfunction(L, begin_protected);
	lua_pushlightuserdata(L, sl);
	lua_pushvalue(L, fn);
	if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
		lua_pop(L, 1);
		sitelua_deps_scan(sl);
	}
}

static int end_protected(lua_State *L)
{
	struct sitelua *sl = lua_touserdata(L, 1);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->pages_ref);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->shadows_ref);
	while (sl->nhollowed) {
		/* the last first: one put back is off the list, so a retry
		 * after an error would not repeat it */
		lua_rawgeti(L, -2, (lua_Integer)sl->hollowed[sl->nhollowed - 1] + 1); /* the page */
		lua_pushvalue(L, -1);
		lua_rawget(L, -3); /* its shadow */
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, -5);
		}
		lua_pop(L, 1);
		lua_rawgeti(L, LUA_REGISTRYINDEX, sl->page_mt_ref);
		lua_setmetatable(L, -2);
		lua_pop(L, 1);
		sl->nhollowed--;
	}
	lua_newtable(L);
	lua_rawseti(L, LUA_REGISTRYINDEX, sl->shadows_ref);
	return 0;
}

int sitelua_hollow_end(struct sitelua *sl, struct diag_list *d, const char *where, int line,
		       const char *url)
{
	lua_State *L = luavm_state(sl->vm);
	/* putting a field back may grow a table: out of memory, the error is
	 * the function's, not a panic */
	lua_pushcfunction(L, end_protected);
	lua_pushlightuserdata(L, sl);
	int rc = lua_pcall(L, 1, 0, 0) == LUA_OK ? 0 : -1;
	if (rc < 0) {
		lua_pop(L, 1);
		diag_error(d, where, line, 0,
			   "%s: out of memory putting the page tables back after its function", url);
	}
	luaL_unref(L, LUA_REGISTRYINDEX, sl->hollow_seen_ref);
	sl->hollow_seen_ref = LUA_NOREF;
	sl->hollowing = false;
	return rc;
}
