/* luavalue — plain Lua data as bytes and back; see luavalue.h. */
#include "plugin/luavalue.h"
#include "base/buf.h"

#include <stdint.h>
#include <string.h>

/* As deep as plain data goes; deeper is refused, not a C stack overflow. */
enum { MAX_DEPTH = 100 };

enum tag { T_NIL = 'n', T_FALSE = 'f', T_TRUE = 't', T_INT = 'i', T_FLOAT = 'd',
	   T_STR = 's', T_TABLE = 'T' };

static void put_u64(struct buf *out, uint64_t v)
{
	buf_add(out, &v, sizeof(v));
}

/* tables on the path from the top: a table met again is refused */
struct walk {
	const void *path[MAX_DEPTH + 1];
	int depth;
	struct buf *out;
	const char *why;
};

static int encode(lua_State *L, int idx, struct walk *w)
{
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		buf_putc(w->out, T_NIL);
		return 0;
	case LUA_TBOOLEAN:
		buf_putc(w->out, lua_toboolean(L, idx) ? T_TRUE : T_FALSE);
		return 0;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			buf_putc(w->out, T_INT);
			put_u64(w->out, (uint64_t)lua_tointeger(L, idx));
		} else {
			double d = lua_tonumber(L, idx);
			buf_putc(w->out, T_FLOAT);
			buf_add(w->out, &d, sizeof(d));
		}
		return 0;
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);
		buf_putc(w->out, T_STR);
		put_u64(w->out, len);
		buf_add(w->out, s, len);
		return 0;
	}
	case LUA_TTABLE:
		break;
	default:
		w->why = "it holds a function or userdata";
		return -1;
	}
	const void *t = lua_topointer(L, idx);
	for (int i = 0; i < w->depth; i++)
		if (w->path[i] == t) {
			w->why = "a table holds itself";
			return -1;
		}
	if (w->depth >= MAX_DEPTH || !lua_checkstack(L, 4)) {
		w->why = "its tables nest too deep";
		return -1;
	}
	if (lua_getmetatable(L, idx)) {
		lua_pop(L, 1);
		w->why = "a table has a metatable";
		return -1;
	}
	w->path[w->depth++] = t;
	buf_putc(w->out, T_TABLE);
	size_t count_at = w->out->len;
	put_u64(w->out, 0);
	uint64_t n = 0;
	idx = lua_absindex(L, idx);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		int kt = lua_type(L, -2);
		bool int_key = kt == LUA_TNUMBER && lua_isinteger(L, -2);
		if (!int_key && kt != LUA_TSTRING) {
			lua_pop(L, 2);
			w->why = "a table has a key that is neither an integer nor a string";
			return -1;
		}
		if (encode(L, lua_gettop(L) - 1, w) < 0 || encode(L, lua_gettop(L), w) < 0) {
			lua_pop(L, 2);
			return -1;
		}
		lua_pop(L, 1);
		n++;
	}
	memcpy(w->out->ptr + count_at, &n, sizeof(n));
	w->depth--;
	return 0;
}

int luavalue_encode(lua_State *L, int idx, struct buf *out, const char **why)
{
	struct walk w = { .out = out };
	size_t start = out->len;
	int top = lua_gettop(L);
	int rc = encode(L, lua_absindex(L, idx), &w);
	lua_settop(L, top);
	if (rc < 0) {
		buf_setlen(out, start);
		*why = w.why;
	}
	return rc;
}

struct reader {
	const char *p, *end;
};

static bool get_u64(struct reader *r, uint64_t *v)
{
	if ((size_t)(r->end - r->p) < sizeof(*v))
		return false;
	memcpy(v, r->p, sizeof(*v));
	r->p += sizeof(*v);
	return true;
}

/* a table's key: an integer or a string, never nil (lua_rawset would raise) */
static int decode(lua_State *L, struct reader *r, int depth, bool key);

static int decode_table(lua_State *L, struct reader *r, int depth)
{
	uint64_t n;
	if (depth >= MAX_DEPTH || !get_u64(r, &n) || n > (uint64_t)(r->end - r->p) ||
	    !lua_checkstack(L, 4))
		return -1;
	lua_createtable(L, 0, 0);
	for (uint64_t i = 0; i < n; i++) {
		/* on failure, luavalue_decode drops what is pushed */
		if (decode(L, r, depth + 1, true) < 0 || decode(L, r, depth + 1, false) < 0)
			return -1;
		lua_rawset(L, -3);
	}
	return 0;
}

static int decode(lua_State *L, struct reader *r, int depth, bool key)
{
	if (r->p >= r->end)
		return -1;
	char tag = *r->p++;
	if (key && tag != T_INT && tag != T_STR)
		return -1;
	switch (tag) {
	case T_NIL:
		lua_pushnil(L);
		return 0;
	case T_FALSE:
	case T_TRUE:
		lua_pushboolean(L, tag == T_TRUE);
		return 0;
	case T_INT: {
		uint64_t v;
		if (!get_u64(r, &v))
			return -1;
		lua_pushinteger(L, (lua_Integer)v);
		return 0;
	}
	case T_FLOAT: {
		double d;
		if ((size_t)(r->end - r->p) < sizeof(d))
			return -1;
		memcpy(&d, r->p, sizeof(d));
		r->p += sizeof(d);
		if (key)
			return -1;
		lua_pushnumber(L, d);
		return 0;
	}
	case T_STR: {
		uint64_t len;
		if (!get_u64(r, &len) || len > (uint64_t)(r->end - r->p))
			return -1;
		lua_pushlstring(L, r->p, (size_t)len);
		r->p += len;
		return 0;
	}
	case T_TABLE:
		return decode_table(L, r, depth);
	default:
		return -1;
	}
}

int luavalue_decode(lua_State *L, const char *p, size_t len)
{
	struct reader r = { p, p + len };
	int top = lua_gettop(L);
	if (!lua_checkstack(L, 4) || decode(L, &r, 0, false) < 0 || r.p != r.end) {
		lua_settop(L, top);
		return -1;
	}
	return 0;
}
