/* luakey — deterministic key fields of Lua values; see luakey.h. */
#include "plugin/luakey.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "incr/key.h"

#include <lauxlib.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Deeper than any data a plugin means to hand to a template; past it the
 * key says "deep", which is still deterministic. */
enum { MAX_DEPTH = 100 };

struct entry;

/* The keys of the tables being walked wait in one buffer of bytes and one
 * array of entries for the whole walk: a table's part starts where its
 * parent's ends and is dropped when the table is done. A buffer, an array
 * and a registry reference per key were most of a rebuild's key time. */
struct walk {
	lua_State *L;
	int refs, seen; /* absolute stack indices; refs may be 0 */
	lua_Integer nseen;
	struct buf *k;
	struct buf keys;
	struct entry *es;
	size_t nes, es_cap;
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

/* A table's key: its bytes in w->keys (an offset while the buffer grows,
 * a pointer while sorting) and where the key itself waits: a slot of the
 * Lua stack, or an index of a scratch table when the table has more keys
 * than the stack should take. */
struct entry {
	const char *p;
	size_t off, len;
	lua_Integer slot;
};

/* Tables with more keys keep them in a scratch table. */
enum { STACK_KEYS = 4096 };

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

	int base = lua_gettop(L);
	size_t n = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		n++;
	}
	bool on_stack = n <= STACK_KEYS && lua_checkstack(L, (int)n + 8);
	int scratch = 0;
	if (!on_stack) {
		lua_createtable(L, n < INT_MAX ? (int)n : 0, 0);
		scratch = lua_gettop(L);
	}
	size_t first = w->nes, keys_start = w->keys.len;
	lua_Integer count = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		ALLOC_GROW(w->es, w->nes + 1, w->es_cap);
		struct entry *e = &w->es[w->nes++];
		e->off = w->keys.len;
		scalar_key(w, lua_gettop(L), &w->keys);
		e->len = w->keys.len - e->off;
		/* the key stays where it is (lua_next takes the copy), or
		 * goes to the scratch table */
		e->slot = on_stack ? lua_gettop(L) : ++count;
		lua_pushvalue(L, -1);
		if (!on_stack)
			lua_rawseti(L, scratch, e->slot);
	}
	n = w->nes - first;
	for (size_t i = first; i < w->nes; i++)
		w->es[i].p = w->keys.ptr + w->es[i].off;
	if (n > 1)
		qsort(w->es + first, n, sizeof(*w->es), entry_cmp);
	buf_putc(w->k, 'T');
	key_add_u64(w->k, n, '{');
	for (size_t i = first; i < first + n; i++) {
		/* nested tables append to w->keys and w->es: no pointer into
		 * them is kept across value() */
		struct entry e = w->es[i];
		key_add_bytes(w->k, w->keys.ptr + e.off, e.len);
		if (on_stack)
			lua_pushvalue(L, (int)e.slot);
		else
			lua_rawgeti(L, scratch, e.slot);
		lua_rawget(L, idx);
		value(w, lua_gettop(L), depth + 1, false);
		lua_pop(L, 1);
	}
	w->nes = first;
	buf_setlen(&w->keys, keys_start);
	lua_settop(L, base);
	buf_putc(w->k, '}');
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
	struct walk w = { L, refs, lua_gettop(L), 0, k, BUF_INIT, NULL, 0, 0 };
	value(&w, idx, 0, true);
	buf_release(&w.keys);
	free(w.es);
	lua_pop(L, 1);
}
