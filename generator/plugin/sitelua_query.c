/* sitelua_query — the scan behind loa.pages (prelude.lua): the filters of
 * a query and the check that the result is in date order, in C. Plugins
 * call loa.pages{kind = "news"} a dozen times per build over thousands of
 * pages; the same loop in Lua, with a Lua comparison per page for the
 * order check, was a tenth of the plugin stage at 10,000 pages.
 *
 * Semantics are exactly prelude.lua's former Lua loop: fields are read
 * with lua_getfield (metatables honoured) and compared with lua_compare
 * (Lua's == < <=, errors included), so a plugin that rewrote a page's
 * fields gets the same list as before. */
#include "plugin/sitelua_internal.h"

#include <lauxlib.h>
#include <limits.h>
#include <lua.h>

/* stack slots of scan's arguments */
enum { SRC = 1, Q = 2, TAG_SLUG = 3, ASC = 4, INDEXED = 5 };
/* the query's fields, fetched once into slots 6.. */
enum { Q_KIND = 6, Q_SECTION, Q_SCHOOL, Q_TAG, Q_CATEGORY, Q_SINCE, Q_UNTIL, Q_TOP = Q_UNTIL };

/* t[k] == v (Lua's ==); t at index t_idx */
static bool field_eq(lua_State *L, int t_idx, const char *k, int v_idx)
{
	lua_getfield(L, t_idx, k);
	bool eq = lua_compare(L, -1, v_idx, LUA_OPEQ);
	lua_pop(L, 1);
	return eq;
}

/* any tag {name, slug} of p (at index p) with name == tag, slug == tag or
 * slug == tag_slug: ipairs(p.tags or {}) */
static bool has_tag(lua_State *L, int p)
{
	lua_getfield(L, p, "tags");
	if (!lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		return false;
	}
	int tags = lua_gettop(L);
	bool found = false;
	for (lua_Integer i = 1; !found; i++) {
		if (lua_geti(L, tags, i) == LUA_TNIL) {
			lua_pop(L, 1);
			break;
		}
		int t = lua_gettop(L);
		found = field_eq(L, t, "name", Q_TAG) || field_eq(L, t, "slug", Q_TAG) ||
			field_eq(L, t, "slug", TAG_SLUG);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return found;
}

static bool matches(lua_State *L, int p)
{
	if (!lua_isnil(L, Q_KIND) && !field_eq(L, p, "kind", Q_KIND))
		return false;
	if (!lua_isnil(L, Q_SECTION) && !field_eq(L, p, "section", Q_SECTION))
		return false;
	if (!lua_isnil(L, Q_SCHOOL)) {
		lua_getfield(L, p, "school");
		bool ok = !lua_isnil(L, -1) && field_eq(L, lua_gettop(L), "slug", Q_SCHOOL);
		lua_pop(L, 1);
		if (!ok)
			return false;
	}
	if (!lua_isnil(L, Q_TAG) && !has_tag(L, p))
		return false;
	if (!lua_isnil(L, Q_CATEGORY) && !field_eq(L, p, "category", Q_CATEGORY))
		return false;
	if (!lua_isnil(L, Q_SINCE) || !lua_isnil(L, Q_UNTIL)) {
		lua_getfield(L, p, "date");
		int d = lua_gettop(L);
		bool ok = (lua_isnil(L, Q_SINCE) || (!lua_isnil(L, d) && lua_compare(L, Q_SINCE, d, LUA_OPLE))) &&
			  (lua_isnil(L, Q_UNTIL) || (!lua_isnil(L, d) && lua_compare(L, d, Q_UNTIL, LUA_OPLT)));
		lua_pop(L, 1);
		if (!ok)
			return false;
	}
	return true;
}

/* pushes (p.timestamp or 0) of the page at index p */
static void push_timestamp(lua_State *L, int p)
{
	lua_getfield(L, p, "timestamp");
	if (!lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		lua_pushinteger(L, 0);
	}
}

/* prelude's by_date_desc(a, b) (asc: by_date_asc): a before b, given
 * their timestamps at ta and tb; b is the list's element at index nb of
 * out, read only for a tie (each page's timestamp is read once a scan:
 * reading both of every pair was a third of the scan at 50,000 pages) */
static bool date_less(lua_State *L, int a, int ta, int out, lua_Integer nb, int tb, bool asc)
{
	if (!lua_compare(L, ta, tb, LUA_OPEQ))
		return asc ? lua_compare(L, ta, tb, LUA_OPLT) : lua_compare(L, tb, ta, LUA_OPLT);
	lua_geti(L, out, nb);
	int b = lua_gettop(L);
	lua_getfield(L, a, "url");
	lua_getfield(L, b, "url");
	bool less = lua_compare(L, -2, -1, LUA_OPLT);
	lua_pop(L, 3);
	return less;
}

/* scan(source, q, tag_slug, order, index) → the pages of source
 * matching q in source's order, and whether that list is in date order
 * (order "desc": newest first, "asc": oldest first; ties by URL; nil: not
 * checked). index: false, or the name of the prelude's index of one kind
 * or one school that source is ("kind:news", "school:SLUG"), made before
 * any plugin ran: a content function that lists it depends on its members
 * (sitelua_memo_index). */
static int l_scan(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	luaL_checktype(L, SRC, LUA_TTABLE);
	luaL_checktype(L, Q, LUA_TTABLE);
	lua_settop(L, INDEXED);
	/* A content function that lists pages reads all of them, unless it
	 * lists an index: which pages are in it is in its key, and the
	 * index's pages, hollowed, record their reads (the filter's and the
	 * function's). The calendar of plans is then kept after a news
	 * title edit. */
	if (lua_toboolean(L, INDEXED) && sl->hollowing) {
		sitelua_hollow_reach(L, sl, SRC);
		if (lua_type(L, INDEXED) == LUA_TSTRING)
			sitelua_memo_index(sl, lua_tostring(L, INDEXED));
	} else {
		sitelua_deps_scan(sl);
	}
	luaL_checkstack(L, 16, NULL);
	/* "asc", "desc", or nil: no order wanted, none checked */
	const char *order = lua_tostring(L, ASC);
	bool check = order != NULL, asc = check && order[0] == 'a';
	static const char *const fields[] = { "kind", "section", "school", "tag", "category", "since",
					      "until" };
	for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++)
		lua_getfield(L, Q, fields[i]);
	/* with no filter but those the prelude's indexes answer, nearly every
	 * page of source is kept: its list made at its size at once, not
	 * grown by doubling (8,700 news: fourteen rehashes, and twice the
	 * slots at the end) */
	bool few_filters = lua_isnil(L, Q_SECTION) && lua_isnil(L, Q_TAG) &&
			   lua_isnil(L, Q_CATEGORY) && lua_isnil(L, Q_SINCE) && lua_isnil(L, Q_UNTIL);
	lua_Unsigned size = few_filters ? lua_rawlen(L, SRC) : 0;
	lua_createtable(L, size < INT_MAX ? (int)size : 0, 0);
	int out = lua_gettop(L);
	lua_pushnil(L); /* the timestamp of the list's last page */
	int last_ts = lua_gettop(L);
	lua_Integer n = 0;
	bool sorted = true;
	for (lua_Integer i = 1;; i++) {
		if (lua_geti(L, SRC, i) == LUA_TNIL) {
			lua_pop(L, 1);
			break;
		}
		int p = lua_gettop(L);
		if (!matches(L, p)) {
			lua_pop(L, 1);
			continue;
		}
		if (check && sorted) {
			push_timestamp(L, p);
			if (n > 0)
				sorted = !date_less(L, p, p + 1, out, n, last_ts, asc);
			lua_replace(L, last_ts);
		}
		lua_seti(L, out, ++n);
	}
	lua_pop(L, 1); /* last_ts */
	lua_pushboolean(L, check && sorted);
	return 2;
}

/* indexes(by_kind, by_school): the prelude's indexes, kept for the keys
 * of the content functions that list them (sitelua_memo.c); once */
static int l_indexes(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checktype(L, 2, LUA_TTABLE);
	if (sl->by_kind_ref != LUA_NOREF)
		return luaL_error(L, "query.indexes: already set");
	lua_settop(L, 2);
	sl->by_school_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	sl->by_kind_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

void sitelua_query_push(lua_State *L, struct sitelua *sl)
{
	lua_createtable(L, 0, 2);
	lua_pushlightuserdata(L, sl);
	lua_pushcclosure(L, l_scan, 1);
	lua_setfield(L, -2, "scan");
	lua_pushlightuserdata(L, sl);
	lua_pushcclosure(L, l_indexes, 1);
	lua_setfield(L, -2, "indexes");
}
