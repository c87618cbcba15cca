/* luakey — deterministic key fields of Lua values; see luakey.h. */
#include "plugin/luakey.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "incr/key.h"

#include <lauxlib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Deeper than any data a plugin means to hand to a template; past it the
 * key says "deep", which is still deterministic. */
enum { MAX_DEPTH = 100 };

struct walk {
	lua_State *L;
	int refs, seen; /* absolute stack indices; refs may be 0 */
	lua_Integer nseen;
	struct buf *k;
};

/* A table's key written alone, for sorting: scalars exactly, tables and
 * functions by their ref name or kind. */
static void scalar_key(struct walk *w, int idx, struct buf *out)
{
	lua_State *L = w->L;
	switch (lua_type(L, idx)) {
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);
		buf_putc(out, 's');
		key_add_bytes(out, s, len);
		break;
	}
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			buf_putc(out, 'i');
			key_add_i64(out, (int64_t)lua_tointeger(L, idx));
		} else {
			buf_addf(out, "f%a;", (double)lua_tonumber(L, idx));
		}
		break;
	case LUA_TBOOLEAN:
		buf_puts(out, lua_toboolean(L, idx) ? "b1;" : "b0;");
		break;
	case LUA_TTABLE:
		if (w->refs) {
			lua_pushvalue(L, idx);
			lua_rawget(L, w->refs);
			if (!lua_isnil(L, -1)) {
				buf_puts(out, "r");
				key_add_str(out, lua_tostring(L, -1));
				lua_pop(L, 1);
				break;
			}
			lua_pop(L, 1);
		}
		buf_puts(out, "t;");
		break;
	default:
		buf_puts(out, lua_typename(L, lua_type(L, idx)));
		buf_putc(out, ';');
		break;
	}
}

/* A table's key: its bytes in the table's one buffer of keys (an offset
 * while the buffer grows, then a pointer) and where the key itself waits
 * in a scratch table. One buffer and one scratch table per table walked:
 * a buffer and a registry reference per key were most of a rebuild's key
 * time. */
struct entry {
	const char *p;
	size_t off, len;
	lua_Integer slot;
};

static int entry_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = n ? memcmp(a->p, b->p, n) : 0;
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static void value(struct walk *w, int idx, int depth, bool top);

static void table(struct walk *w, int idx, int depth, bool top)
{
	lua_State *L = w->L;
	if (!top && w->refs) {
		lua_pushvalue(L, idx);
		lua_rawget(L, w->refs);
		if (!lua_isnil(L, -1)) {
			buf_puts(w->k, "R");
			key_add_str(w->k, lua_tostring(L, -1));
			lua_pop(L, 1);
			return;
		}
		lua_pop(L, 1);
	}
	lua_pushvalue(L, idx);
	lua_rawget(L, w->seen);
	if (!lua_isnil(L, -1)) {
		buf_putc(w->k, 'S');
		key_add_i64(w->k, (int64_t)lua_tointeger(L, -1));
		lua_pop(L, 1);
		return;
	}
	lua_pop(L, 1);
	lua_pushvalue(L, idx);
	lua_pushinteger(L, ++w->nseen);
	lua_rawset(L, w->seen);
	if (depth >= MAX_DEPTH || !lua_checkstack(L, 8)) {
		buf_puts(w->k, "deep;");
		return;
	}

	struct entry *es = NULL;
	size_t n = 0, cap = 0;
	struct buf keys = BUF_INIT;
	lua_newtable(L);
	int scratch = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		ALLOC_GROW(es, n + 1, cap);
		es[n].off = keys.len;
		scalar_key(w, lua_gettop(L), &keys);
		es[n].len = keys.len - es[n].off;
		es[n].slot = (lua_Integer)n + 1;
		lua_pushvalue(L, -1);
		lua_rawseti(L, scratch, es[n].slot);
		n++;
	}
	for (size_t i = 0; i < n; i++)
		es[i].p = keys.ptr + es[i].off;
	if (n > 1)
		qsort(es, n, sizeof(*es), entry_cmp);
	buf_putc(w->k, 'T');
	key_add_u64(w->k, n, '{');
	for (size_t i = 0; i < n; i++) {
		key_add_bytes(w->k, es[i].p, es[i].len);
		lua_rawgeti(L, scratch, es[i].slot);
		lua_rawget(L, idx);
		value(w, lua_gettop(L), depth + 1, false);
		lua_pop(L, 1);
	}
	lua_pop(L, 1); /* scratch */
	buf_release(&keys);
	buf_putc(w->k, '}');
	free(es);
}

static void value(struct walk *w, int idx, int depth, bool top)
{
	if (lua_type(w->L, idx) == LUA_TTABLE)
		table(w, idx, depth, top);
	else
		scalar_key(w, idx, w->k);
}

void luakey_value(lua_State *L, int idx, int refs, struct buf *k)
{
	idx = lua_absindex(L, idx);
	if (refs)
		refs = lua_absindex(L, refs);
	lua_newtable(L);
	struct walk w = { L, refs, lua_gettop(L), 0, k };
	value(&w, idx, 0, true);
	lua_pop(L, 1);
}
