/* search_lua — loa.search_index and loa.page_summary over search.c. */
#include "search/search_lua.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "incr/key.h"
#include "markup/markdown.h"
#include "search/search.h"
#include "search/search_bodies.h"
#include "site/site.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define BOX_META "loa.search_index"
#define BODIES_META "loa.search_bodies"
#define BODIES_KEY "loa.search_bodies.table" /* the registry's field holding it */

/* What a call owns, in a userdata so that a Lua error raised half-way
 * (a bad argument, out of memory) still frees it through __gc. */
struct box {
	struct search_index *ix;
	struct buf text;
	struct buf summary;
	struct search_pair *pairs;
	size_t pairs_cap;
};

static int box_gc(lua_State *L)
{
	struct box *b = luaL_checkudata(L, 1, BOX_META);
	search_index_free(b->ix);
	b->ix = NULL;
	buf_release(&b->text);
	buf_release(&b->summary);
	free(b->pairs);
	b->pairs = NULL;
	return 0;
}

static struct box *new_box(lua_State *L)
{
	struct box *b = lua_newuserdatauv(L, sizeof(*b), 0);
	b->ix = NULL;
	buf_init(&b->text);
	buf_init(&b->summary);
	b->pairs = NULL;
	b->pairs_cap = 0;
	if (luaL_newmetatable(L, BOX_META)) {
		lua_pushcfunction(L, box_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_setmetatable(L, -2);
	return b;
}

/* The build cache's table of indexed bodies (search_bodies.h), read once
 * a build and kept in the registry for every call: freed with the state. */
struct bodies_box {
	struct search_bodies *sb;
	void *map;
	size_t map_size;
};

static int bodies_gc(lua_State *L)
{
	struct bodies_box *bb = luaL_checkudata(L, 1, BODIES_META);
	search_bodies_free(bb->sb);
	bb->sb = NULL;
	if (bb->map)
		munmap(bb->map, bb->map_size);
	bb->map = NULL;
	return 0;
}

/* NULL when the build has no cache. */
static struct search_bodies *bodies_of(lua_State *L, struct site *s)
{
	if (!s->opts.search_get)
		return NULL;
	if (lua_getfield(L, LUA_REGISTRYINDEX, BODIES_KEY) == LUA_TUSERDATA) {
		struct bodies_box *bb = lua_touserdata(L, -1);
		lua_pop(L, 1);
		return bb->sb;
	}
	lua_pop(L, 1);
	struct bodies_box *bb = lua_newuserdatauv(L, sizeof(*bb), 0);
	*bb = (struct bodies_box){ NULL, NULL, 0 };
	if (luaL_newmetatable(L, BODIES_META)) {
		lua_pushcfunction(L, bodies_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_setmetatable(L, -2);
	lua_setfield(L, LUA_REGISTRYINDEX, BODIES_KEY);
	const char *data = NULL;
	size_t len = 0;
	if (s->opts.search_get(s->opts.search_ctx, &bb->map, &bb->map_size, &data, &len) != 1)
		data = NULL;
	bool refused;
	bb->sb = search_bodies_open(data, len, &refused);
	const char *debug = getenv("LOA_DEBUG");
	if (refused && debug && strstr(debug, "search"))
		fprintf(stderr, "loa: debug: search-bodies=refused\n");
	return bb->sb;
}

/* The next table, when it differs enough from the last, to the cache. */
static void bodies_flush(struct site *s, struct search_bodies *sb)
{
	size_t looked, found;
	search_bodies_counts(sb, &looked, &found);
	/* LOA_DEBUG=search: bodies the table gave / bodies indexed */
	const char *debug = getenv("LOA_DEBUG");
	if (debug && strstr(debug, "search"))
		fprintf(stderr, "loa: debug: search-bodies %zu/%zu\n", found, looked);
	if (!search_bodies_worth_writing(sb))
		return;
	struct buf frames = BUF_INIT;
	struct iovec *parts = NULL;
	size_t n = 0;
	search_bodies_parts(sb, &frames, &parts, &n);
	s->opts.search_put(s->opts.search_ctx, parts, n);
	free(parts);
	buf_release(&frames);
}

/* Indexes page p's body with weight w, from the table when it has it; the
 * default summary goes to b->summary when want_summary. */
static void index_body(struct box *b, struct search_bodies *sb, const struct site *s,
		       const struct page *p, unsigned w, bool want_summary, size_t summary_bytes)
{
	char key[KEY_LEN + 1];
	const char *summary = NULL;
	size_t n = 0;
	bool found = false;
	if (sb) {
		/* the source file's blob id decides its body (hashing 30 MB of
		 * bodies took 0.03 s a build at 10,000 pages); a page without
		 * one is keyed by its body's bytes */
		const char *oid = p->file_index < s->nfiles ? s->files[p->file_index].oid : "";
		if (*oid) {
			char by_blob[64];
			int n_by_blob = snprintf(by_blob, sizeof(by_blob), "blob %s", oid);
			key_digest(by_blob, (size_t)n_by_blob, key);
		} else {
			key_digest(p->body, p->body_len, key);
		}
		found = search_bodies_get(sb, key, summary_bytes, &b->pairs, &n, &b->pairs_cap,
					  &summary) == 1;
	}
	if (!found) {
		buf_reset(&b->text);
		search_markdown_text(&b->text, p->body, p->body_len);
		n = search_text_terms(b->ix, b->text.ptr, b->text.len, &b->pairs, &b->pairs_cap);
	}
	search_add_terms(b->ix, b->pairs, n, w);
	bool fresh = !found;
	if (want_summary) {
		if (summary) {
			buf_puts(&b->summary, summary);
		} else {
			markdown_summary(&b->summary, p->body, p->body_len, summary_bytes);
			fresh = true;
		}
		summary = b->summary.len ? b->summary.ptr : "";
	}
	if (sb)
		search_bodies_put(sb, key, b->pairs, n, summary_bytes, summary, fresh);
}

static const struct page *page_at(struct site *s, const char *path)
{
	size_t i;
	return strmap_get(&s->page_by_path, path, &i) && i < s->npages ? s->pages[i] : NULL;
}

/* An optional string field of the table at idx (NULL when nil). */
static const char *opt_string(lua_State *L, int idx, const char *key, lua_Integer i)
{
	lua_getfield(L, idx, key);
	int type = lua_type(L, -1);
	const char *s = type == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	if (type != LUA_TNIL && !s)
		luaL_error(L, "loa.search_index: docs[%d].%s must be a string", (int)i, key);
	lua_pop(L, 1); /* the string stays alive in the table */
	return s;
}

static lua_Integer opt_int(lua_State *L, int idx, const char *key, lua_Integer dflt,
			   lua_Integer min, lua_Integer max)
{
	lua_Integer v = dflt;
	if (lua_type(L, idx) == LUA_TTABLE) {
		lua_getfield(L, idx, key);
		if (!lua_isnil(L, -1)) {
			int ok;
			v = lua_tointegerx(L, -1, &ok);
			if (!ok || v < min || v > max)
				luaL_error(L, "loa.search_index: opts.%s must be an integer from %d to %d",
					   key, (int)min, (int)max);
		}
		lua_pop(L, 1);
	}
	return v;
}

struct collect {
	lua_State *L;
	int list; /* absolute index of the result list */
};

static void collect_file(void *ctx, const char *name, const char *data, size_t len)
{
	struct collect *c = ctx;
	lua_State *L = c->L;
	lua_createtable(L, 0, 2);
	lua_pushstring(L, name);
	lua_setfield(L, -2, "name");
	lua_pushlstring(L, data, len);
	lua_setfield(L, -2, "content");
	lua_rawseti(L, c->list, (lua_Integer)lua_rawlen(L, c->list) + 1);
}

/* Indexes the fields of the document table at idx; the first body's
 * default summary goes to b->summary when want_summary. */
static void index_fields(lua_State *L, struct site *s, struct box *b, struct search_bodies *sb,
			 int idx, lua_Integer i, bool want_summary, size_t summary_bytes)
{
	lua_getfield(L, idx, "fields");
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return;
	}
	if (!lua_istable(L, -1))
		luaL_error(L, "loa.search_index: docs[%d].fields must be a list", (int)i);
	int fields = lua_gettop(L);
	for (lua_Integer k = 1; lua_rawgeti(L, fields, k) != LUA_TNIL; k++) {
		int f = lua_gettop(L);
		if (!lua_istable(L, f))
			luaL_error(L, "loa.search_index: docs[%d].fields[%d] must be a table", (int)i,
				   (int)k);
		lua_getfield(L, f, "weight");
		int ok;
		lua_Integer w = lua_isnil(L, -1) ? 1 : lua_tointegerx(L, -1, &ok);
		if (!lua_isnil(L, -1) && (!ok || w < 1 || w > SEARCH_WEIGHT_MAX))
			luaL_error(L, "loa.search_index: docs[%d].fields[%d].weight must be 1..%d",
				   (int)i, (int)k, SEARCH_WEIGHT_MAX);
		lua_pop(L, 1);
		size_t len;
		lua_getfield(L, f, "text");
		const char *text = lua_tolstring(L, -1, &len);
		lua_getfield(L, f, "body");
		const char *path = lua_tostring(L, -1);
		if (text) {
			search_add_text(b->ix, text, len, (unsigned)w);
		} else if (path) {
			const struct page *p = page_at(s, path);
			if (!p)
				luaL_error(L, "loa.search_index: docs[%d].fields[%d].body: no page '%s'",
					   (int)i, (int)k, path);
			index_body(b, sb, s, p, (unsigned)w, want_summary && !b->summary.len,
				   summary_bytes);
		} else if (!lua_isnil(L, -2) || !lua_isnil(L, -1)) {
			luaL_error(L, "loa.search_index: docs[%d].fields[%d]: text and body must be strings",
				   (int)i, (int)k);
		}
		lua_settop(L, f - 1);
	}
	lua_settop(L, fields - 1);
}

int search_lua_index(lua_State *L, struct site *s)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	if (!lua_isnoneornil(L, 2))
		luaL_checktype(L, 2, LUA_TTABLE);
	struct search_options opts = {
		.group = (size_t)opt_int(L, 2, "group", 8, 1, 1000),
		.chunk_bytes = (size_t)opt_int(L, 2, "chunk_bytes", 16384, 256, 16 << 20),
	};
	size_t summary_bytes = (size_t)opt_int(L, 2, "summary_bytes", 200, 16, 4096);
	lua_settop(L, 2);
	struct box *b = new_box(L); /* 3 */
	b->ix = search_index_new(s->text, &opts);
	struct search_bodies *sb = bodies_of(L, s);
	if (sb)
		search_bodies_begin(sb, b->ix);

	for (lua_Integer i = 1; lua_rawgeti(L, 1, i) != LUA_TNIL; i++) {
		int d = lua_gettop(L);
		if (!lua_istable(L, d))
			luaL_error(L, "loa.search_index: docs[%d] must be a table", (int)i);
		const char *url = opt_string(L, d, "url", i);
		if (!url)
			luaL_error(L, "loa.search_index: docs[%d].url is required", (int)i);
		const char *title = opt_string(L, d, "title", i);
		const char *date = opt_string(L, d, "date", i);
		const char *summary = opt_string(L, d, "summary", i);
		/* the default summary is known only once the body is read: add
		 * the document first, then set it */
		size_t id = search_add_doc(b->ix, url, title, date, summary);
		buf_reset(&b->summary);
		index_fields(L, s, b, sb, d, i, !summary || !*summary, summary_bytes);
		if (b->summary.len)
			search_set_summary(b->ix, id, b->summary.ptr);
		lua_settop(L, d - 1);
	}

	if (sb) {
		bodies_flush(s, sb);
		search_bodies_begin(sb, NULL); /* its ids die with the index */
	}
	lua_newtable(L); /* 4: the result */
	struct collect c = { L, lua_gettop(L) };
	search_write(b->ix, collect_file, &c);
	search_index_free(b->ix);
	b->ix = NULL;
	return 1;
}

int search_lua_summary(lua_State *L, struct site *s)
{
	const char *path = luaL_checkstring(L, 1);
	lua_Integer max = luaL_optinteger(L, 2, 300);
	if (max < 16 || max > 65536)
		return luaL_error(L, "loa.page_summary: max_bytes must be from 16 to 65536");
	const struct page *p = page_at(s, path);
	if (!p) {
		lua_pushnil(L);
		return 1;
	}
	lua_settop(L, 2);
	struct box *b = new_box(L);
	markdown_summary(&b->summary, p->body, p->body_len, (size_t)max);
	lua_pushlstring(L, b->summary.ptr, b->summary.len);
	return 1;
}
