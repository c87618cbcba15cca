/* search_lua — loa.search_index and loa.page_summary over search.c. */
#include "search/search_lua.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "base/xalloc.h"
#include "incr/key.h"
#include "markup/markdown.h"
#include "search/search.h"
#include "search/search_bodies.h"
#include "site/site.h"

#include <lauxlib.h>
#include <lua.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define BOX_META "loa.page_summary"
#define JOB_META "loa.search_index"
#define PENDING_KEY "loa.search_index.pending" /* the registry's: the job on a thread */
#define BODIES_META "loa.search_bodies"
#define BODIES_KEY "loa.search_bodies.table" /* the registry's field holding it */

/* The index of the page at path: false when there is none. */
static bool page_index_at(const struct site *s, const char *path, size_t *i)
{
	return strmap_get(&s->page_by_path, path, i) && *i < s->npages;
}

/* ---- bodies indexed on two threads ----
 * A first build indexes every body: 0.4 s of the search handler's 0.6 s at
 * 10,000 pages, while the builder's other core waits. Before the
 * documents are added, the bodies the last build's table lacks are cut
 * into terms, and summarised, on two threads, each with a fold of its own
 * (search.h); each document then takes its body's, the terms translated
 * into the index's. What a body gives depends on its bytes alone, and the
 * index's files do not depend on the order its terms were first seen, so
 * the files are the same bytes (t31, t149). */
enum { PREFOLD_MIN = 64, PREFOLD_THREADS = 2 };
#define PREFOLD_NONE SIZE_MAX /* of_page: the table has it, or not planned */

struct prefolded {
	size_t page;
	char key[KEY_LEN + 1];
	bool want_summary;
	struct search_pair *pairs;
	size_t n, cap;
	char *summary;  /* made when want_summary, else NULL */
	unsigned fold;  /* the thread whose fold made pairs */
};

struct prefold {
	struct prefolded *w;
	size_t n, cap;
	/* page index → index into w, or PREFOLD_NONE; NULL: nothing made */
	size_t *of_page;
	struct search_fold *fold[PREFOLD_THREADS];
	struct search_fold_map map[PREFOLD_THREADS]; /* each fold's terms in the index's */
};

static void prefold_release(struct prefold *pf)
{
	for (size_t i = 0; i < pf->n; i++) {
		free(pf->w[i].pairs);
		free(pf->w[i].summary);
	}
	free(pf->w);
	free(pf->of_page);
	for (unsigned t = 0; t < PREFOLD_THREADS; t++) {
		search_fold_free(pf->fold[t]);
		search_fold_map_release(&pf->map[t]);
	}
	memset(pf, 0, sizeof(*pf));
}

/* ---- one call's job ----
 * loa.search_index reads its documents from Lua into C first (the plan),
 * then indexes them touching no Lua: so loa.search_index_begin can index
 * on a thread while the next handlers run, and its job's :files() takes
 * the result. The job is a userdata, so that a Lua error raised half-way
 * (a bad argument, out of memory) still frees it through __gc, which
 * joins a thread still running first. */
struct plan_field {
	const char *text; /* in the job's arena; NULL: the body of page `page` */
	size_t len;
	size_t page;
	unsigned weight;
};

struct plan_doc {
	const char *url, *title, *date, *summary; /* in the job's arena; NULL when nil */
	size_t field, nfields;			  /* its fields, from plan_field[field] */
};

struct job_file {
	char *name, *data;
	size_t len;
};

enum job_state { JOB_PLANNED, JOB_RUNNING, JOB_INDEXED, JOB_TAKEN };

struct job {
	struct site *site;
	struct search_options opts;
	size_t summary_bytes;
	struct arena arena;
	struct plan_doc *docs;
	size_t ndocs, docs_cap;
	struct plan_field *fields;
	size_t nfields, fields_cap;
	struct search_bodies *sb; /* the build cache's table, or NULL */
	/* told the bodies when the files are taken (search_lua_begin) */
	search_lua_body_fn *read_body;
	void *read_ctx;
	/* the indexing's own */
	struct search_index *ix;
	struct buf text;
	struct buf summary;
	struct search_pair *pairs;
	size_t pairs_cap;
	struct prefold pf;
	/* the files: pushed to lua_list (an absolute index) as they come when
	 * indexed inline, else kept here for :files() */
	lua_State *lua;
	int lua_list;
	struct job_file *files;
	size_t nfiles, files_cap;
	pthread_t thread;
	enum job_state state;
};

static void job_free_work(struct job *j)
{
	search_index_free(j->ix);
	j->ix = NULL;
	buf_release(&j->text);
	buf_release(&j->summary);
	free(j->pairs);
	j->pairs = NULL;
	j->pairs_cap = 0;
	prefold_release(&j->pf);
}

static int job_gc(lua_State *L)
{
	struct job *j = luaL_checkudata(L, 1, JOB_META);
	if (j->state == JOB_RUNNING)
		pthread_join(j->thread, NULL);
	j->state = JOB_TAKEN;
	job_free_work(j);
	for (size_t i = 0; i < j->nfiles; i++) {
		free(j->files[i].name);
		free(j->files[i].data);
	}
	free(j->files);
	j->files = NULL;
	j->nfiles = 0;
	free(j->docs);
	j->docs = NULL;
	free(j->fields);
	j->fields = NULL;
	arena_release(&j->arena);
	return 0;
}

static int job_files(lua_State *L);

static struct job *new_job(lua_State *L, struct site *s)
{
	struct job *j = lua_newuserdatauv(L, sizeof(*j), 0);
	memset(j, 0, sizeof(*j));
	j->site = s;
	j->arena = (struct arena)ARENA_INIT;
	buf_init(&j->text);
	buf_init(&j->summary);
	j->state = JOB_PLANNED;
	if (luaL_newmetatable(L, JOB_META)) {
		lua_pushcfunction(L, job_gc);
		lua_setfield(L, -2, "__gc");
		lua_createtable(L, 0, 1);
		lua_pushcfunction(L, job_files);
		lua_setfield(L, -2, "files");
		lua_setfield(L, -2, "__index");
		lua_pushboolean(L, 0);
		lua_setfield(L, -2, "__metatable");
	}
	lua_setmetatable(L, -2);
	return j;
}

/* A summary of a page's own (search_lua_summary): freed through __gc. */
struct box {
	struct buf summary;
};

static int box_gc(lua_State *L)
{
	struct box *b = luaL_checkudata(L, 1, BOX_META);
	buf_release(&b->summary);
	return 0;
}

static struct box *new_box(lua_State *L)
{
	struct box *b = lua_newuserdatauv(L, sizeof(*b), 0);
	buf_init(&b->summary);
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

/* The digest that names page p's body in the table: the source file's blob
 * id decides its body, and is a digest already (hashing 30 MB of bodies
 * took 0.03 s a build at 10,000 pages, and a digest of the id 10 ms); a
 * page without one is keyed by its body's bytes, another hash function,
 * so the two never name each other's bodies. */
static void body_key(const struct site *s, const struct page *p, char key[KEY_LEN + 1])
{
	const char *oid = p->file_index < s->nfiles ? s->files[p->file_index].oid : "";
	if (strlen(oid) == SEARCH_BODY_KEY_LEN) {
		memcpy(key, oid, SEARCH_BODY_KEY_LEN);
		key[SEARCH_BODY_KEY_LEN] = '\0';
	} else {
		key_digest(p->body, p->body_len, key);
	}
}

/* The body of page i as a thread made it, if one did. */
static const struct prefolded *prefolded_of(const struct prefold *pf, size_t i)
{
	return pf->of_page && pf->of_page[i] != PREFOLD_NONE ? &pf->w[pf->of_page[i]] : NULL;
}

/* w's pairs in ix's terms, into b->pairs; returns how many. */
static size_t prefolded_take(struct job *b, const struct prefolded *w)
{
	struct prefold *pf = &b->pf;
	unsigned f = w->fold;
	if (w->n > b->pairs_cap) {
		b->pairs = xreallocarray(b->pairs, w->n, sizeof(*b->pairs));
		b->pairs_cap = w->n;
	}
	for (size_t k = 0; k < w->n; k++)
		b->pairs[k] = (struct search_pair){
			search_fold_map_term(b->ix, pf->fold[f], &pf->map[f], w->pairs[k].term),
			w->pairs[k].count
		};
	return w->n;
}

/* Indexes page i's body with weight w, from the table when it has it; the
 * default summary goes to b->summary when want_summary. */
static void index_body(struct job *b, struct search_bodies *sb, const struct site *s, size_t i,
		       unsigned w, bool want_summary, size_t summary_bytes)
{
	const struct page *p = s->pages[i];
	const struct prefolded *made = prefolded_of(&b->pf, i);
	char key[KEY_LEN + 1];
	const char *summary = NULL;
	size_t n = 0;
	bool found = false;
	if (sb) {
		if (made)
			memcpy(key, made->key, sizeof(key));
		else
			body_key(s, p, key);
		found = search_bodies_get(sb, key, summary_bytes, &b->pairs, &n, &b->pairs_cap,
					  &summary) == 1;
	}
	if (!found && made) {
		n = prefolded_take(b, made);
	} else if (!found) {
		buf_reset(&b->text);
		search_markdown_text(&b->text, p->body, p->body_len);
		n = search_text_terms(b->ix, b->text.ptr, b->text.len, &b->pairs, &b->pairs_cap);
	}
	search_add_terms(b->ix, b->pairs, n, w);
	bool fresh = !found;
	if (want_summary) {
		if (summary) {
			buf_puts(&b->summary, summary);
		} else if (made && made->summary) {
			buf_puts(&b->summary, made->summary);
			fresh = true;
		} else {
			markdown_summary(&b->summary, p->body, p->body_len, summary_bytes);
			fresh = true;
		}
		summary = b->summary.len ? b->summary.ptr : "";
	}
	if (sb)
		search_bodies_put(sb, key, b->pairs, n, summary_bytes, summary, fresh);
}

/* Page i's body to be made on a thread, unless the table has it. */
static void prefold_add(struct prefold *pf, const struct site *s, struct search_bodies *sb,
			size_t i, bool want_summary)
{
	if (pf->of_page[i] != PREFOLD_NONE) {
		pf->w[pf->of_page[i]].want_summary |= want_summary;
		return;
	}
	char key[KEY_LEN + 1];
	body_key(s, s->pages[i], key);
	if (search_bodies_has(sb, key))
		return;
	if (pf->n == pf->cap) {
		pf->cap = pf->cap ? pf->cap * 2 : 256;
		pf->w = xreallocarray(pf->w, pf->cap, sizeof(*pf->w));
	}
	pf->w[pf->n] = (struct prefolded){ .page = i, .want_summary = want_summary };
	memcpy(pf->w[pf->n].key, key, sizeof(key));
	pf->of_page[i] = pf->n++;
}

/* The bodies the plan's documents name, each once: a document without a
 * summary of its own wants its body's. */
static void prefold_plan(const struct job *j, struct prefold *pf)
{
	const struct site *s = j->site;
	pf->of_page = xreallocarray(NULL, s->npages ? s->npages : 1, sizeof(*pf->of_page));
	for (size_t i = 0; i < s->npages; i++)
		pf->of_page[i] = PREFOLD_NONE;
	for (size_t d = 0; d < j->ndocs; d++) {
		const struct plan_doc *doc = &j->docs[d];
		bool wants = !doc->summary || !*doc->summary;
		for (size_t k = 0; k < doc->nfields; k++) {
			const struct plan_field *f = &j->fields[doc->field + k];
			if (!f->text)
				prefold_add(pf, s, j->sb, f->page, wants);
		}
	}
}

struct prefold_run {
	struct prefold *pf;
	const struct site *s;
	unsigned t;
	size_t summary_bytes;
};

/* Thread t's share of the bodies: every PREFOLD_THREADS-th. */
static void *prefold_thread(void *arg)
{
	struct prefold_run *r = arg;
	struct prefold *pf = r->pf;
	struct buf text = BUF_INIT, sum = BUF_INIT;
	for (size_t i = r->t; i < pf->n; i += PREFOLD_THREADS) {
		struct prefolded *w = &pf->w[i];
		const struct page *p = r->s->pages[w->page];
		buf_reset(&text);
		search_markdown_text(&text, p->body, p->body_len);
		w->n = search_fold_terms(pf->fold[r->t], text.ptr, text.len, &w->pairs, &w->cap);
		if (w->want_summary) {
			buf_reset(&sum);
			markdown_summary(&sum, p->body, p->body_len, r->summary_bytes);
			w->summary = xstrdup(sum.ptr);
		}
		w->fold = r->t;
	}
	buf_release(&text);
	buf_release(&sum);
	return NULL;
}

/* Plans the bodies and makes them, on two threads when the build may use
 * two (--jobs) and the table lacks most bodies (a first build, or one
 * without the cache); else leaves them to index_body: a rebuild's table
 * has nearly all, and planning would only read the documents twice. */
static void prefold_run(struct job *j)
{
	struct site *s = j->site;
	struct search_bodies *sb = j->sb;
	struct prefold *pf = &j->pf;
	size_t summary_bytes = j->summary_bytes;
	if (s->opts.read_threads < PREFOLD_THREADS || search_bodies_size(sb) * 2 > s->npages)
		return;
	prefold_plan(j, pf);
	if (pf->n < PREFOLD_MIN) {
		prefold_release(pf); /* too few to be worth the threads */
		return;
	}
	struct prefold_run runs[PREFOLD_THREADS];
	for (unsigned t = 0; t < PREFOLD_THREADS; t++) {
		pf->fold[t] = search_fold_new(s->text);
		runs[t] = (struct prefold_run){ pf, s, t, summary_bytes };
	}
	pthread_t other;
	bool started = pthread_create(&other, NULL, prefold_thread, &runs[1]) == 0;
	prefold_thread(&runs[0]);
	if (started)
		pthread_join(other, NULL);
	else
		prefold_thread(&runs[1]); /* no thread to be had: this one does both */
	/* LOA_DEBUG=search: bodies made on the threads */
	const char *debug = getenv("LOA_DEBUG");
	if (debug && strstr(debug, "search"))
		fprintf(stderr, "loa: debug: search-bodies-threads %zu\n", pf->n);
}

static const struct page *page_at(struct site *s, const char *path)
{
	size_t i;
	return page_index_at(s, path, &i) ? s->pages[i] : NULL;
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

/* ---- the plan: the documents read from Lua ---- */

static const char *plan_str(struct job *j, const char *s, size_t len)
{
	return s ? arena_strndup(&j->arena, s, len) : NULL;
}

/* An optional string field of document i (at idx), copied; NULL when nil. */
static const char *doc_string(lua_State *L, struct job *j, int idx, const char *key, lua_Integer i)
{
	const char *out = opt_string(L, idx, key, i);
	return out ? plan_str(j, out, strlen(out)) : NULL;
}

/* The fields of document i (the table at idx), checked as they are read;
 * a body names a content page, told to read_body. */
static void plan_fields(lua_State *L, struct job *j, int idx, lua_Integer i,
			search_lua_body_fn *read_body, void *ctx)
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
		struct plan_field pf = { NULL, 0, 0, (unsigned)w };
		if (text) {
			pf.text = plan_str(j, text, len);
			pf.len = len;
		} else if (path) {
			if (!page_index_at(j->site, path, &pf.page))
				luaL_error(L, "loa.search_index: docs[%d].fields[%d].body: no page '%s'",
					   (int)i, (int)k, path);
			if (read_body)
				read_body(ctx, pf.page);
		} else if (!lua_isnil(L, -2) || !lua_isnil(L, -1)) {
			luaL_error(L, "loa.search_index: docs[%d].fields[%d]: text and body must be strings",
				   (int)i, (int)k);
		}
		if (pf.text || path) {
			ALLOC_GROW(j->fields, j->nfields + 1, j->fields_cap);
			j->fields[j->nfields++] = pf;
		}
		lua_settop(L, f - 1);
	}
	lua_settop(L, fields - 1);
}

/* The arguments (docs at 1, opts at 2) into the job; misuse raises an
 * error naming the field, as the indexing would. */
static void plan_read(lua_State *L, struct job *j, search_lua_body_fn *read_body, void *ctx)
{
	for (lua_Integer i = 1; lua_rawgeti(L, 1, i) != LUA_TNIL; i++) {
		int d = lua_gettop(L);
		if (!lua_istable(L, d))
			luaL_error(L, "loa.search_index: docs[%d] must be a table", (int)i);
		struct plan_doc doc;
		doc.url = doc_string(L, j, d, "url", i);
		if (!doc.url)
			luaL_error(L, "loa.search_index: docs[%d].url is required", (int)i);
		doc.title = doc_string(L, j, d, "title", i);
		doc.date = doc_string(L, j, d, "date", i);
		doc.summary = doc_string(L, j, d, "summary", i);
		doc.field = j->nfields;
		plan_fields(L, j, d, i, read_body, ctx);
		doc.nfields = j->nfields - doc.field;
		ALLOC_GROW(j->docs, j->ndocs + 1, j->docs_cap);
		j->docs[j->ndocs++] = doc;
		lua_settop(L, d - 1);
	}
	lua_pop(L, 1); /* the nil that ended the list */
}

/* ---- the indexing: no Lua but lua_list's pushes when inline ---- */

static void collect_file(void *ctx, const char *name, const char *data, size_t len)
{
	struct job *j = ctx;
	lua_State *L = j->lua;
	if (!L) {
		ALLOC_GROW(j->files, j->nfiles + 1, j->files_cap);
		struct job_file *f = &j->files[j->nfiles++];
		f->name = xstrdup(name);
		f->data = xmalloc(len ? len : 1);
		memcpy(f->data, data, len);
		f->len = len;
		return;
	}
	lua_createtable(L, 0, 2);
	lua_pushstring(L, name);
	lua_setfield(L, -2, "name");
	lua_pushlstring(L, data, len);
	lua_setfield(L, -2, "content");
	lua_rawseti(L, j->lua_list, (lua_Integer)lua_rawlen(L, j->lua_list) + 1);
}

static void job_run(struct job *j)
{
	struct site *s = j->site;
	j->ix = search_index_new(s->text, &j->opts);
	if (j->sb)
		search_bodies_begin(j->sb, j->ix);
	prefold_run(j);
	for (size_t d = 0; d < j->ndocs; d++) {
		const struct plan_doc *doc = &j->docs[d];
		bool want_summary = !doc->summary || !*doc->summary;
		/* the default summary is known only once the body is read: add
		 * the document first, then set it */
		size_t id = search_add_doc(j->ix, doc->url, doc->title, doc->date, doc->summary);
		buf_reset(&j->summary);
		for (size_t k = 0; k < doc->nfields; k++) {
			const struct plan_field *f = &j->fields[doc->field + k];
			if (f->text)
				search_add_text(j->ix, f->text, f->len, f->weight);
			else
				index_body(j, j->sb, s, f->page, f->weight,
					   want_summary && !j->summary.len, j->summary_bytes);
		}
		if (j->summary.len)
			search_set_summary(j->ix, id, j->summary.ptr);
	}
	prefold_release(&j->pf); /* now, not when the job is collected */
	if (j->sb)
		search_bodies_begin(j->sb, NULL); /* its ids die with the index */
	search_write(j->ix, collect_file, j);
	job_free_work(j);
}

static void *job_thread(void *arg)
{
	job_run(arg);
	return NULL;
}

/* Waits for the job's thread, if it has one, and gives the table of
 * indexed bodies to the cache (on this thread: the build's). */
static void job_finish(struct job *j)
{
	if (j->state == JOB_RUNNING)
		pthread_join(j->thread, NULL);
	if (j->state == JOB_RUNNING || j->state == JOB_PLANNED) {
		j->state = JOB_INDEXED;
		if (j->sb)
			bodies_flush(j->site, j->sb);
	}
}

/* The registry's job on a thread, finished and forgotten: before another
 * call uses the table of indexed bodies, and before the plugins' outputs
 * are collected. */
void search_lua_finish(lua_State *L)
{
	if (lua_getfield(L, LUA_REGISTRYINDEX, PENDING_KEY) == LUA_TUSERDATA)
		job_finish(luaL_checkudata(L, -1, JOB_META));
	lua_pop(L, 1);
	lua_pushnil(L);
	lua_setfield(L, LUA_REGISTRYINDEX, PENDING_KEY);
}

/* Reads the arguments into a new job (pushed); raises on misuse. */
static struct job *job_begin(lua_State *L, struct site *s, search_lua_body_fn *read_body,
			     void *ctx)
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
	struct job *j = new_job(L, s); /* 3 */
	j->opts = opts;
	j->summary_bytes = summary_bytes;
	plan_read(L, j, read_body, ctx);
	search_lua_finish(L); /* the table is one job's at a time */
	j->sb = bodies_of(L, s);
	return j;
}

int search_lua_index(lua_State *L, struct site *s, search_lua_body_fn *read_body, void *ctx)
{
	struct job *j = job_begin(L, s, read_body, ctx); /* 3 */
	lua_newtable(L); /* 4: the result */
	j->lua = L;
	j->lua_list = lua_gettop(L);
	job_run(j);
	j->lua = NULL;
	job_finish(j);
	j->state = JOB_TAKEN;
	return 1;
}

int search_lua_begin(lua_State *L, struct site *s, bool may_thread,
		     search_lua_body_fn *read_body, void *ctx)
{
	/* The bodies are read when the files are taken: what the index
	 * gives enters the Lua state then, wherever :files() is called (a
	 * handler, a loa.memo function, a content function in a worker that
	 * kept the job), and not before: the job shows nothing else. */
	struct job *j = job_begin(L, s, NULL, NULL);
	j->read_body = read_body;
	j->read_ctx = ctx;
	/* a thread only where the build may use two (--jobs) */
	if (may_thread && s->opts.read_threads >= 2 &&
	    pthread_create(&j->thread, NULL, job_thread, j) == 0) {
		j->state = JOB_RUNNING;
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, PENDING_KEY);
		/* LOA_DEBUG=search: the index is made on a thread */
		const char *debug = getenv("LOA_DEBUG");
		if (debug && strstr(debug, "search"))
			fprintf(stderr, "loa: debug: search-index-thread\n");
	} else {
		job_run(j);
		job_finish(j); /* the table given back before any other call */
	}
	return 1;
}

/* job:files() → the list loa.search_index returns; once. */
static int job_files(lua_State *L)
{
	struct job *j = luaL_checkudata(L, 1, JOB_META);
	if (j->state == JOB_TAKEN)
		return luaL_error(L, "loa.search_index_begin: the job's files were taken already");
	if (j->state == JOB_RUNNING)
		search_lua_finish(L); /* it is the registry's */
	job_finish(j);
	for (size_t k = 0; j->read_body && k < j->nfields; k++)
		if (!j->fields[k].text)
			j->read_body(j->read_ctx, j->fields[k].page);
	lua_createtable(L, (int)(j->nfiles < INT_MAX ? j->nfiles : 0), 0);
	for (size_t i = 0; i < j->nfiles; i++) {
		struct job_file *f = &j->files[i];
		lua_createtable(L, 0, 2);
		lua_pushstring(L, f->name);
		lua_setfield(L, -2, "name");
		lua_pushlstring(L, f->data, f->len);
		lua_setfield(L, -2, "content");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
		/* given to Lua: not held twice */
		free(f->name);
		free(f->data);
		f->name = f->data = NULL;
	}
	free(j->files);
	j->files = NULL;
	j->nfiles = 0;
	j->state = JOB_TAKEN;
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
