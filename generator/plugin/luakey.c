/* luakey — deterministic key fields of Lua values; see luakey.h. */
#include "plugin/luakey.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "incr/key.h"

#include <lauxlib.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Deeper than any data a plugin means to hand to a template; past it the
 * key says "deep", which is still deterministic. */
enum { MAX_DEPTH = 100 };
/* A nested table whose bytes are at most this long is written in place:
 * its digest would cost more than the bytes. */
enum { INLINE_MAX = 512 };
/* The short tables' bytes kept in a pass, at most (a digest is always
 * kept): past it they are walked again where met. */
enum { MEMO_BYTES_MAX = 16 << 20 };
/* Tables walked for one value before the plain walk is used instead. */
enum { WALK_BUDGET = 200000 };
/* Tables with more keys keep them in a scratch table, not on the stack. */
enum { STACK_KEYS = 4096 };

/* ---- a map from table addresses to numbers ---------------------------------- */

struct ptrmap {
	/* key and value side by side: a hit reads one cache line, not two */
	struct ptrmap_slot {
		const void *key;
		size_t value;
	} *slots;
	size_t cap, len; /* cap is 0 or a power of two */
};

static size_t ptr_hash(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

static bool ptrmap_get(const struct ptrmap *m, const void *p, size_t *value)
{
	if (!m->cap)
		return false;
	for (size_t i = ptr_hash(p) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->slots[i].key)
			return false;
		if (m->slots[i].key == p) {
			*value = m->slots[i].value;
			return true;
		}
	}
}

static void ptrmap_put(struct ptrmap *m, const void *p, size_t value)
{
	if (2 * (m->len + 1) > m->cap) {
		struct ptrmap old = *m;
		m->cap = old.cap ? 2 * old.cap : 64;
		m->slots = xcalloc(m->cap, sizeof(*m->slots));
		m->len = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].key)
				ptrmap_put(m, old.slots[i].key, old.slots[i].value);
		free(old.slots);
	}
	size_t i = ptr_hash(p) & (m->cap - 1);
	while (m->slots[i].key && m->slots[i].key != p)
		i = (i + 1) & (m->cap - 1);
	if (!m->slots[i].key)
		m->len++;
	m->slots[i] = (struct ptrmap_slot){ p, value };
}

static void ptrmap_release(struct ptrmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* ---- the writer --------------------------------------------------------------- */

/* A table's key: its bytes in keys (an offset while the buffer grows, a
 * pointer while sorting) and where the key itself waits: a slot of the
 * Lua stack, or an index of a scratch table. */
struct entry {
	const char *p;
	size_t off, len;
	lua_Integer slot;
	size_t klen; /* the Merkle walk: the key's bytes, before the value's */
};

struct luakey {
	lua_State *L;
	struct ptrmap refs; /* table -> index in names */
	char **names;
	size_t *name_lens; /* theirs: written for every page a page table names */
	size_t nnames;
	bool pass;
	struct key_hasher *hasher;
	/* during a pass: table -> index in memo_at, the run of memo_bytes
	 * that a self-contained table is written as wherever it is met
	 * ('H' and its digest, or its bytes when short) */
	struct ptrmap memo;
	struct memo_run {
		size_t off, len;
	} *memo_at;
	size_t nmemo, memo_cap;
	struct buf memo_bytes;
	/* one walk: the tables being written, from the top; their bytes */
	const void *stack[MAX_DEPTH + 1];
	struct buf level[MAX_DEPTH + 1];
	struct buf keys;
	struct entry *es;
	size_t nes, es_cap;
	size_t walked;
	bool over;
	/* the plain walk: tables met so far, by number */
	struct ptrmap seen;
	size_t nseen;
	/* luakey_follow_closures: Lua functions by code and upvalues, and
	 * tables' metatables; those of the chunk named opaque_source by
	 * code alone (luakey_opaque_chunk) */
	bool closures;
	const char *opaque_source;
	struct buf code;
};

struct luakey *luakey_new(lua_State *L, int refs)
{
	struct luakey *lk = xcalloc(1, sizeof(*lk));
	lk->L = L;
	lk->hasher = key_hasher_new();
	for (int i = 0; i <= MAX_DEPTH; i++)
		lk->level[i] = (struct buf)BUF_INIT;
	lk->keys = (struct buf)BUF_INIT;
	lk->memo_bytes = (struct buf)BUF_INIT;
	lk->code = (struct buf)BUF_INIT;
	if (!refs)
		return lk;
	refs = lua_absindex(L, refs);
	size_t cap = 0, lens_cap = 0;
	lua_pushnil(L);
	while (lua_next(L, refs)) {
		if (lua_type(L, -2) == LUA_TTABLE && lua_isstring(L, -1)) {
			ALLOC_GROW(lk->names, lk->nnames + 1, cap);
			ALLOC_GROW(lk->name_lens, lk->nnames + 1, lens_cap);
			/* a copy: lua_tostring would turn an integer name into a
			 * string in the table being walked */
			lua_pushvalue(L, -1);
			lk->names[lk->nnames] = xstrdup(lua_tostring(L, -1));
			lk->name_lens[lk->nnames] = strlen(lk->names[lk->nnames]);
			lua_pop(L, 1);
			ptrmap_put(&lk->refs, lua_topointer(L, -2), lk->nnames++);
		}
		lua_pop(L, 1);
	}
	return lk;
}

void luakey_pass(struct luakey *lk, bool on)
{
	lk->pass = on;
	if (!on) {
		ptrmap_release(&lk->memo);
		lk->nmemo = 0;
		buf_release(&lk->memo_bytes);
	}
}

struct key_hasher *luakey_hasher(struct luakey *lk)
{
	return lk->hasher;
}

void luakey_free(struct luakey *lk)
{
	if (!lk)
		return;
	ptrmap_release(&lk->refs);
	ptrmap_release(&lk->memo);
	ptrmap_release(&lk->seen);
	for (size_t i = 0; i < lk->nnames; i++)
		free(lk->names[i]);
	free(lk->names);
	free(lk->name_lens);
	free(lk->memo_at);
	buf_release(&lk->memo_bytes);
	key_hasher_free(lk->hasher);
	for (int i = 0; i <= MAX_DEPTH; i++)
		buf_release(&lk->level[i]);
	buf_release(&lk->keys);
	buf_release(&lk->code);
	free(lk->es);
	free(lk);
}

static const char *ref_name(const struct luakey *lk, const void *p, size_t *len)
{
	size_t i;
	if (!ptrmap_get(&lk->refs, p, &i))
		return NULL;
	*len = lk->name_lens[i];
	return lk->names[i];
}

/* Bytes written straight into a buffer: room for n more, then the end
 * set (keys write a few fields for every field of every table: the
 * checks and calls of buf_add were a fifth of the walk). */
static char *room(struct buf *b, size_t n)
{
	if (b->len + n + 1 > b->cap)
		buf_grow(b, n);
	return b->ptr + b->len;
}

static void done(struct buf *b, char *end)
{
	b->len = (size_t)(end - b->ptr);
	*end = '\0';
}

/* v in decimal then sep, as key_add_u64 writes it */
static char *put_u64(char *p, uint64_t v, char sep)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	*p++ = sep;
	return p;
}

/* tag, then len bytes at s as key_add_bytes writes them */
static void put_bytes(struct buf *out, char tag, const char *s, size_t len)
{
	char *p = room(out, len + 24);
	*p++ = tag;
	p = put_u64(p, len, ':');
	memcpy(p, s, len);
	done(out, p + len);
}

/* A table's key written alone, for sorting: scalars exactly, tables by
 * their ref name or kind, functions by kind. */
static void scalar_key(struct luakey *lk, int idx, struct buf *out)
{
	lua_State *L = lk->L;
	switch (lua_type(L, idx)) {
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);
		put_bytes(out, 's', s, len);
		break;
	}
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			lua_Integer v = lua_tointeger(L, idx);
			char *p = room(out, 32);
			*p++ = 'i';
			if (v < 0) {
				*p++ = '-';
				/* -(v + 1) + 1: the most negative has no opposite */
				p = put_u64(p, (uint64_t)(-(v + 1)) + 1, ';');
			} else {
				p = put_u64(p, (uint64_t)v, ';');
			}
			done(out, p);
		} else {
			buf_addf(out, "f%a;", (double)lua_tonumber(L, idx));
		}
		break;
	case LUA_TBOOLEAN:
		buf_add(out, lua_toboolean(L, idx) ? "b1;" : "b0;", 3);
		break;
	case LUA_TTABLE: {
		size_t len;
		const char *name = ref_name(lk, lua_topointer(L, idx), &len);
		if (name)
			put_bytes(out, 'r', name, len);
		else
			buf_add(out, "t;", 2);
		break;
	}
	default:
		buf_puts(out, lua_typename(L, lua_type(L, idx)));
		buf_putc(out, ';');
		break;
	}
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = n ? memcmp(a->p, b->p, n) : 0;
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* Calls value(lk, stack index of the value, ctx) for each field of the
 * table at idx in a fixed order: 1..n in order when its keys are exactly
 * those, else sorted by the keys' bytes, each key written to out before
 * its value. Writes the table's head ("A<n>{" or "T<n>{"); the caller
 * closes it. False when the stack could not take the walk. */
typedef void field_fn(struct luakey *lk, int vidx, void *ctx);

static bool fields(struct luakey *lk, int idx, struct buf *out, field_fn *value, void *ctx)
{
	lua_State *L = lk->L;
	if (!lua_checkstack(L, 8))
		return false;
	int base = lua_gettop(L);
	size_t n = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		n++;
	}
	/* a list: its n keys are 1..n */
	bool list = n > 0 && lua_rawlen(L, idx) == n;
	for (size_t i = 1; list && i <= n; i++) {
		list = lua_rawgeti(L, idx, (lua_Integer)i) != LUA_TNIL;
		lua_pop(L, 1);
	}
	if (list) {
		buf_putc(out, 'A');
		key_add_u64(out, n, '{');
		for (size_t i = 1; i <= n && !lk->over; i++) {
			lua_rawgeti(L, idx, (lua_Integer)i);
			value(lk, lua_gettop(L), ctx);
			lua_settop(L, base);
		}
		return true;
	}
	bool on_stack = n <= STACK_KEYS && lua_checkstack(L, (int)n + 8);
	int scratch = 0;
	if (!on_stack) {
		lua_createtable(L, n < INT_MAX ? (int)n : 0, 0);
		scratch = lua_gettop(L);
	}
	size_t first = lk->nes, keys_start = lk->keys.len;
	lua_Integer count = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		ALLOC_GROW(lk->es, lk->nes + 1, lk->es_cap);
		struct entry *e = &lk->es[lk->nes++];
		e->off = lk->keys.len;
		scalar_key(lk, lua_gettop(L), &lk->keys);
		e->len = lk->keys.len - e->off;
		/* the key stays where it is (lua_next takes the copy), or
		 * goes to the scratch table */
		e->slot = on_stack ? lua_gettop(L) : ++count;
		lua_pushvalue(L, -1);
		if (!on_stack)
			lua_rawseti(L, scratch, e->slot);
	}
	n = lk->nes - first;
	for (size_t i = first; i < lk->nes; i++)
		lk->es[i].p = lk->keys.ptr + lk->es[i].off;
	if (n > 1)
		qsort(lk->es + first, n, sizeof(*lk->es), entry_cmp);
	buf_putc(out, 'T');
	key_add_u64(out, n, '{');
	int top = lua_gettop(L);
	for (size_t i = first; i < first + n && !lk->over; i++) {
		/* nested tables append to keys and es: no pointer into them is
		 * kept across value() */
		struct entry e = lk->es[i];
		key_add_bytes(out, lk->keys.ptr + e.off, e.len);
		if (on_stack)
			lua_pushvalue(L, (int)e.slot);
		else
			lua_rawgeti(L, scratch, e.slot);
		lua_rawget(L, idx);
		value(lk, lua_gettop(L), ctx);
		lua_settop(L, top);
	}
	lk->nes = first;
	buf_setlen(&lk->keys, keys_start);
	lua_settop(L, base);
	return true;
}

/* ---- the Merkle walk ----------------------------------------------------------- */

/* One table being written at depth d (its bytes in level[d]); low: the
 * shallowest depth its fields referred to (d or deeper: it refers to no
 * table above it, and its bytes are the same wherever it is met). */
struct frame {
	int depth;
	int low;
};

static void merkle_table(struct luakey *lk, int idx, struct frame *f);
static void merkle_function(struct luakey *lk, int idx, struct frame *f);

/* The bytes of the value at vidx, a field of the table of frame f. */
static void merkle_value(struct luakey *lk, int vidx, struct frame *f, struct buf *out)
{
	lua_State *L = lk->L;
	int type = lua_type(L, vidx);
	bool function = lk->closures && type == LUA_TFUNCTION && !lua_iscfunction(L, vidx);
	if (lk->closures && (type == LUA_TUSERDATA || type == LUA_TTHREAD)) {
		lk->over = true; /* its state is out of reach: no key */
		return;
	}
	if (type != LUA_TTABLE && !function) {
		scalar_key(lk, vidx, out);
		return;
	}
	const void *p = lua_topointer(L, vidx);
	size_t i, len;
	const char *name = function ? NULL : ref_name(lk, p, &len);
	if (name) {
		put_bytes(out, 'R', name, len);
		return;
	}
	if (lk->pass && ptrmap_get(&lk->memo, p, &i)) {
		buf_add(out, lk->memo_bytes.ptr + lk->memo_at[i].off, lk->memo_at[i].len);
		return;
	}
	for (int d = f->depth; d >= 0; d--)
		if (lk->stack[d] == p) { /* a cycle: how far up */
			buf_putc(out, 'U');
			key_add_u64(out, (uint64_t)(f->depth - d), ';');
			if (d < f->low)
				f->low = d;
			return;
		}
	if (f->depth >= MAX_DEPTH) {
		buf_puts(out, "deep;");
		f->low = -1; /* depends on where it is met */
		return;
	}
	if (++lk->walked > WALK_BUDGET) {
		lk->over = true;
		return;
	}
	struct frame child = { f->depth + 1, f->depth + 1 };
	if (function)
		merkle_function(lk, vidx, &child);
	else
		merkle_table(lk, vidx, &child);
	if (lk->over)
		return; /* cut short: its bytes are not its own */
	struct buf *bytes = &lk->level[child.depth];
	size_t start = out->len;
	bool digest_it = child.low > f->depth && bytes->len > INLINE_MAX;
	if (digest_it) {
		char digest[KEY_LEN + 1];
		key_hasher_digest(lk->hasher, bytes->ptr, bytes->len, digest);
		buf_putc(out, 'H');
		buf_add(out, digest, KEY_LEN);
	} else {
		buf_add(out, bytes->ptr, bytes->len);
		if (child.low < f->low)
			f->low = child.low;
	}
	/* self-contained: the same bytes wherever it is met again in this
	 * pass (a short table shared by thousands, as a month's line of the
	 * outreach reports, is then copied, not walked again: 178,000 of
	 * 404,000 walks at 10,000 pages) */
	if (lk->pass && child.low > f->depth &&
	    (digest_it || lk->memo_bytes.len < MEMO_BYTES_MAX)) {
		ALLOC_GROW(lk->memo_at, lk->nmemo + 1, lk->memo_cap);
		lk->memo_at[lk->nmemo] = (struct memo_run){ lk->memo_bytes.len, out->len - start };
		buf_add(&lk->memo_bytes, out->ptr + start, out->len - start);
		ptrmap_put(&lk->memo, p, lk->nmemo++);
	}
}

/* Entries sorted by cmp: by insertion while they are few (most tables
 * have a few dozen fields at most; qsort's calls cost more there). */
static void sort_entries(struct entry *es, size_t n, int (*cmp)(const void *, const void *))
{
	if (n > 24) {
		qsort(es, n, sizeof(*es), cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		struct entry e = es[i];
		size_t j = i;
		while (j > 0 && cmp(&es[j - 1], &e) > 0) {
			es[j] = es[j - 1];
			j--;
		}
		es[j] = e;
	}
}

static int slot_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	return a->slot < b->slot ? -1 : a->slot > b->slot;
}

/* The bytes of the table or function at idx, met at frame f, go to the
 * returned buffer; NULL when the stack cannot take its walk ("deep"). */
static struct buf *begin_node(struct luakey *lk, int idx, struct frame *f)
{
	struct buf *out = &lk->level[f->depth];
	buf_reset(out);
	lk->stack[f->depth] = lua_topointer(lk->L, idx);
	if (!lua_checkstack(lk->L, 8)) {
		buf_puts(out, "deep;");
		f->low = -1;
		return NULL;
	}
	return out;
}

/* One pass over the table: each field's key and value bytes (both
 * delimit themselves) are one entry; the entries are sorted, or, when the
 * keys are exactly 1..n, put in that order and written without them. */
static void merkle_table(struct luakey *lk, int idx, struct frame *f)
{
	lua_State *L = lk->L;
	struct buf *out = begin_node(lk, idx, f);
	if (!out)
		return;
	size_t first = lk->nes, start = lk->keys.len;
	bool list = true;
	lua_Integer max = 0;
	lua_pushnil(L);
	while (!lk->over && lua_next(L, idx)) {
		int v = lua_gettop(L);
		ALLOC_GROW(lk->es, lk->nes + 1, lk->es_cap);
		size_t e = lk->nes++;
		lk->es[e].off = lk->keys.len;
		lk->es[e].slot = 0;
		if (list && lua_isinteger(L, v - 1) && lua_tointeger(L, v - 1) > 0) {
			lk->es[e].slot = lua_tointeger(L, v - 1);
			if (lk->es[e].slot > max)
				max = lk->es[e].slot;
		} else {
			list = false;
		}
		scalar_key(lk, v - 1, &lk->keys);
		lk->es[e].klen = lk->keys.len - lk->es[e].off;
		merkle_value(lk, v, f, &lk->keys);
		lk->es[e].len = lk->keys.len - lk->es[e].off;
		lua_settop(L, v - 1);
	}
	if (lk->over) {
		lua_settop(L, lua_gettop(L) - 1);
		lk->nes = first;
		buf_setlen(&lk->keys, start);
		return;
	}
	size_t n = lk->nes - first;
	struct entry *es = lk->es + first;
	list = list && n > 0 && (size_t)max == n; /* n distinct keys in 1..n */
	for (size_t i = 0; i < n; i++)
		es[i].p = lk->keys.ptr + es[i].off;
	if (n > 1)
		sort_entries(es, n, list ? slot_cmp : entry_cmp);
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += es[i].len;
	char *w = room(out, total + 32);
	*w++ = list ? 'A' : 'T';
	w = put_u64(w, n, '{');
	for (size_t i = 0; i < n; i++) {
		size_t skip = list ? es[i].klen : 0;
		memcpy(w, es[i].p + skip, es[i].len - skip);
		w += es[i].len - skip;
	}
	*w++ = '}';
	done(out, w);
	lk->nes = first;
	buf_setlen(&lk->keys, start);
	/* a metatable's __index or __call reaches what the table shows */
	if (lk->closures && lua_getmetatable(L, idx)) {
		buf_putc(out, 'm');
		merkle_value(lk, lua_gettop(L), f, out);
		lua_pop(L, 1);
	}
}

static int dump_writer(lua_State *L, const void *p, size_t n, void *ud)
{
	(void)L;
	buf_add(ud, p, n);
	return 0;
}

/* A Lua function: its code (the bytecode without debug information, so
 * that two functions on one line differ) and its upvalues in order. */
static void merkle_function(struct luakey *lk, int idx, struct frame *f)
{
	lua_State *L = lk->L;
	struct buf *out = begin_node(lk, idx, f);
	if (!out)
		return;
	buf_reset(&lk->code);
	lua_pushvalue(L, idx);
	lua_dump(L, dump_writer, &lk->code, 1);
	lua_pop(L, 1);
	char digest[KEY_LEN + 1];
	key_hasher_digest(lk->hasher, lk->code.ptr, lk->code.len, digest);
	buf_putc(out, 'F');
	buf_add(out, digest, KEY_LEN);
	if (lk->opaque_source) {
		lua_Debug ar;
		lua_pushvalue(L, idx);
		if (lua_getinfo(L, ">S", &ar) && strcmp(ar.source, lk->opaque_source) == 0) {
			buf_putc(out, '}');
			return;
		}
	}
	for (int i = 1; !lk->over && lua_getupvalue(L, idx, i); i++) {
		merkle_value(lk, lua_gettop(L), f, out);
		lua_pop(L, 1);
	}
	buf_putc(out, '}');
}

/* ---- the plain walk: every table once, then by number -------------------------- */

struct plain {
	struct buf *k;
	int depth;
};

static void plain_value(struct luakey *lk, int vidx, void *ctx)
{
	struct plain *pl = ctx;
	struct buf *k = pl->k;
	lua_State *L = lk->L;
	if (lua_type(L, vidx) != LUA_TTABLE) {
		scalar_key(lk, vidx, k);
		return;
	}
	const void *p = lua_topointer(L, vidx);
	size_t n, len;
	const char *name = ref_name(lk, p, &len);
	if (name) {
		buf_putc(k, 'R');
		key_add_bytes(k, name, len);
		return;
	}
	if (ptrmap_get(&lk->seen, p, &n)) {
		buf_putc(k, 'S');
		key_add_u64(k, n, ';');
		return;
	}
	ptrmap_put(&lk->seen, p, ++lk->nseen);
	struct plain child = { k, pl->depth + 1 };
	if (child.depth > MAX_DEPTH || !fields(lk, vidx, k, plain_value, &child))
		buf_puts(k, "deep;");
	else
		buf_putc(k, '}');
}

static void plain_top(struct luakey *lk, int idx, struct buf *k)
{
	ptrmap_release(&lk->seen);
	lk->nseen = 0;
	ptrmap_put(&lk->seen, lua_topointer(lk->L, idx), ++lk->nseen);
	struct plain top = { k, 0 };
	if (!fields(lk, idx, k, plain_value, &top))
		buf_puts(k, "deep;");
	else
		buf_putc(k, '}');
	ptrmap_release(&lk->seen);
}

void luakey_value(struct luakey *lk, int idx, struct buf *k)
{
	lua_State *L = lk->L;
	idx = lua_absindex(L, idx);
	if (lua_type(L, idx) != LUA_TTABLE) {
		scalar_key(lk, idx, k);
		return;
	}
	int top = lua_gettop(L);
	lk->walked = 0;
	lk->over = false;
	lk->nes = 0;
	buf_reset(&lk->keys);
	struct frame f = { 0, 0 };
	merkle_table(lk, idx, &f);
	if (!lk->over) {
		buf_putc(k, 'M');
		buf_add(k, lk->level[0].ptr, lk->level[0].len);
	} else {
		lua_settop(L, top);
		lk->nes = 0;
		buf_reset(&lk->keys);
		lk->over = false;
		buf_putc(k, 'P');
		plain_top(lk, idx, k);
	}
	lua_settop(L, top);
}

void luakey_follow_closures(struct luakey *lk)
{
	lk->closures = true;
}

void luakey_opaque_chunk(struct luakey *lk, const char *source)
{
	lk->opaque_source = source;
}

bool luakey_closure(struct luakey *lk, int idx, struct buf *k)
{
	lua_State *L = lk->L;
	idx = lua_absindex(L, idx);
	if (!lk->closures || lua_type(L, idx) != LUA_TFUNCTION || lua_iscfunction(L, idx))
		return false;
	int top = lua_gettop(L);
	lk->walked = 0;
	lk->over = false;
	lk->nes = 0;
	buf_reset(&lk->keys);
	struct frame f = { 0, 0 };
	merkle_function(lk, idx, &f);
	bool ok = !lk->over;
	if (ok) {
		buf_putc(k, 'C');
		buf_add(k, lk->level[0].ptr, lk->level[0].len);
	}
	lk->over = false;
	lua_settop(L, top);
	return ok;
}
