/* sitelua_deps — incremental builds: the Lua state renders read, written
 * as key fields (sitelua_key_state, sitelua_key_extra), and what one
 * render read beyond its key: something no key covers (untracked: the
 * render is not cached) or other pages' volatile fields (deps, which the
 * build checks before reusing it). All recording goes through
 * sitelua_deps_untracked and sitelua_deps_page. */
#include "plugin/sitelua_internal.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "incr/key.h"
#include "incr/keys.h"
#include "plugin/luakey.h"
#include "lua/luavm.h"
#include "template/template.h"
#include "template/theme.h"
#include "site/site.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

/* A content function's reads are its own (memo.depth > 0: in a handler,
 * or in the worker that writes its file); before sitelua_collect, the
 * others are the stage's around it (ambient), after it a render's. */
void sitelua_deps_untracked(struct sitelua *sl)
{
	if (sl->memo.depth)
		sl->memo.untracked = true;
	else if (sl->collected)
		sl->untracked = true;
	else
		sl->memo.ambient_untracked = true;
}

static void memo_record(struct sitelua *sl, size_t i)
{
	struct sitelua_memo *m = &sl->memo;
	if (m->depth) {
		ALLOC_GROW(m->deps, m->ndeps + 1, m->deps_cap);
		m->deps[m->ndeps++] = i;
	} else {
		ALLOC_GROW(m->ambient, m->nambient + 1, m->ambient_cap);
		m->ambient[m->nambient++] = i;
	}
}

/* The page itself too: its table may carry what plugins set on it, which
 * its own key (keys_page) does not cover. */
void sitelua_deps_page(struct sitelua *sl, size_t i)
{
	if (!sl->collected || i >= sl->site->npages)
		return;
	if (!sl->read_gen)
		sl->read_gen = xcalloc(sl->site->npages, sizeof(*sl->read_gen));
	if (sl->read_gen[i] == sl->gen)
		return;
	sl->read_gen[i] = sl->gen;
	ALLOC_GROW(sl->deps, sl->ndeps + 1, sl->deps_cap);
	sl->deps[sl->ndeps++] = i;
}

void sitelua_deps_volatile(struct sitelua *sl, size_t i)
{
	if (!sl->collected || sl->memo.depth) {
		memo_record(sl, i);
	} else if (i != sl->render_self) {
		ALLOC_GROW(sl->vdeps, sl->nvdeps + 1, sl->vdeps_cap);
		sl->vdeps[sl->nvdeps++] = i;
	}
}

void sitelua_deps_all(struct sitelua *sl)
{
	sl->deps_all |= sl->collected;
}

/* the template runtime's hooks: t (at idx) is a page table, or plugin code ran */
static void page_read(void *ctx, lua_State *L, int idx)
{
	struct sitelua *sl = ctx;
	if (!sl->collected)
		return;
	size_t i = sitelua_page_index(L, sl, idx);
	if (i != SITELUA_NO_PAGE)
		sitelua_deps_page(sl, i);
}

static void read_all(void *ctx)
{
	sitelua_deps_all(ctx);
}

bool sitelua_names_add(char ***names, size_t *n, size_t *cap, const char *name)
{
	if (strchr(name, '\n') || strlen(name) > 512)
		return false;
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*names)[i], name) == 0)
			return true;
	ALLOC_GROW(*names, *n + 1, *cap);
	(*names)[(*n)++] = xstrdup(name);
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void sitelua_names_sort(char **names, size_t n)
{
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_str);
}

void sitelua_names_clear(char **names, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free(names[i]);
	*n = 0;
}

/* a theme global read by name (template names are identifiers) */
static void global_read(void *ctx, lua_State *L, int idx)
{
	struct sitelua *sl = ctx;
	if (!sl->collected || sl->memo.depth)
		return; /* a handler's, or a content function's: keyed apart */
	const char *name = lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
	if (!name || !sitelua_names_add(&sl->gdeps, &sl->ngdeps, &sl->gdeps_cap, name))
		sl->untracked = true; /* not a line of the deps */
}

/* an entry of a theme global read alone (template_runtime.c's VI: the
 * global a plain table, the key a string with no newline) */
static void global_entry_read(void *ctx, lua_State *L, int name_idx, int key_idx)
{
	struct sitelua *sl = ctx;
	if (!sl->collected || sl->memo.depth)
		return; /* as global_read */
	size_t nlen, klen;
	const char *name = lua_tolstring(L, name_idx, &nlen);
	const char *key = lua_tolstring(L, key_idx, &klen);
	struct buf line = BUF_INIT;
	buf_add(&line, name, nlen);
	buf_putc(&line, '\t');
	buf_add(&line, key, klen);
	if (!sitelua_names_add(&sl->edeps, &sl->nedeps, &sl->edeps_cap, line.ptr))
		global_read(ctx, L, name_idx); /* not a line: the whole global */
	buf_release(&line);
}

void sitelua_deps_watch(lua_State *L, struct sitelua *sl, int mt)
{
	struct template_reads r = { lua_topointer(L, mt), page_read, read_all, sl, global_read,
				    global_entry_read };
	template_set_reads(L, &r);
}

void sitelua_deps_body(struct sitelua *sl, size_t i)
{
	if (sl->collected && !sl->memo.depth)
		sl->untracked = true;
	else
		memo_record(sl, i);
}

void sitelua_deps_table(struct sitelua *sl, size_t i)
{
	struct sitelua_memo *m = &sl->memo;
	if (!m->depth) {
		sitelua_deps_page(sl, i);
		return;
	}
	ALLOC_GROW(m->tables, m->ntables + 1, m->tables_cap);
	m->tables[m->ntables++] = i;
}

void sitelua_deps_scan(struct sitelua *sl)
{
	if (!sl->collected)
		return;
	if (sl->memo.depth)
		sl->memo.all = true;
	else
		sitelua_deps_all(sl);
}

void sitelua_deps_today(struct sitelua *sl)
{
	if (sl->memo.depth)
		sl->memo.today = true;
	else if (sl->collected)
		sl->untracked = true;
	else
		sl->memo.ambient_today = true;
}

/* ---- incremental builds: the state renders read, as key fields ------------- */

/* The table mapping page tables (and the site and t tables) to the names
 * keys use for them: a page's is its path, not its index, which every
 * page added or removed before it would change (and with it the key of
 * every table that lists it: a school's news, an article's related). */
static void push_key_names(lua_State *L, struct sitelua *sl)
{
	lua_newtable(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->pages_ref);
	struct key_hasher *h = key_hasher_new();
	char digest[KEY_LEN + 1];
	for (size_t i = 0; i < sl->site->npages; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		/* the path's digest: a third of its bytes in every key that
		 * names the page (a school's news, an article's related) */
		const char *path = sl->site->pages[i]->path;
		key_hasher_digest(h, path, strlen(path), digest);
		lua_pushfstring(L, "p:%s", digest);
		lua_rawset(L, -4);
	}
	key_hasher_free(h);
	lua_pop(L, 1);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->site_ref);
	lua_pushliteral(L, "site");
	lua_rawset(L, -3);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->t_ref);
	lua_pushliteral(L, "t");
	lua_rawset(L, -3);
}

/* A writer of key fields with those names, made once into *w; one that
 * follows closures for content functions' keys. */
static struct luakey *writer(struct sitelua *sl, struct luakey **w, bool closures)
{
	if (!*w) {
		lua_State *L = luavm_state(sl->vm);
		push_key_names(L, sl);
		/* its tables are the registry's: alive as long as the state */
		*w = luakey_new(L, -1);
		if (closures) {
			luakey_follow_closures(*w);
			/* loa.pages' indexes are in the prelude's upvalues: which
			 * pages they hold is the site's structure (in every
			 * narrow key), the order the dates of pages, and a
			 * function that calls loa.pages records the pages it
			 * scans (sitelua_query.c). Walked, they put every page's
			 * name in every key, and a date edit anywhere changed
			 * them all. */
			luakey_opaque_chunk(*w, SITELUA_PRELUDE_SOURCE);
		}
		lua_pop(L, 1);
	}
	return *w;
}

static struct luakey *key_writer(struct sitelua *sl)
{
	return writer(sl, &sl->key_writer, false);
}

static struct luakey *closure_writer(struct sitelua *sl)
{
	return writer(sl, &sl->closure_writer, true);
}

void sitelua_key_value(struct sitelua *sl, int idx, struct buf *k)
{
	luakey_value(key_writer(sl), idx, k);
}

bool sitelua_closure_key(struct sitelua *sl, int idx, struct buf *k)
{
	return luakey_closure(closure_writer(sl), idx, k);
}

void sitelua_closure_pass(struct sitelua *sl, bool on)
{
	luakey_pass(closure_writer(sl), on);
}

void sitelua_key_pass(struct sitelua *sl, bool on)
{
	luakey_pass(key_writer(sl), on);
}

void sitelua_key_release(struct sitelua *sl)
{
	luakey_free(sl->key_writer);
	sl->key_writer = NULL;
	luakey_free(sl->closure_writer);
	sl->closure_writer = NULL;
	free(sl->page_keys);
	sl->page_keys = NULL;
	sitelua_names_clear(sl->global_names, &sl->nglobals);
	free(sl->global_names);
	sl->global_names = NULL;
	free(sl->global_keys);
	sl->global_keys = NULL;
	strmap_release(&sl->global_index);
	sl->global_index = (struct strmap)STRMAP_INIT;
}

void sitelua_key_state(struct sitelua *sl, struct key_stream *ks)
{
	lua_State *L = luavm_state(sl->vm);
	struct luakey *lk = key_writer(sl);
	struct buf *k = &ks->buf;
	int top = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->site_ref);
	luakey_value(lk, -1, k);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->t_ref);
	luakey_value(lk, -1, k);
	theme_push_registered(sl->theme, "filters");
	luakey_value(lk, -1, k);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->shortcodes_ref);
	luakey_value(lk, -1, k);
	/* the page tables are keyed one by one, for the renders that read
	 * them (sitelua_key_page), and so are the theme globals, for the
	 * renders that read them by name (sitelua_key_globals): a new article
	 * changes the globals that count or list the news, not the globals
	 * an article's page reads */
	key_stream_spill(ks);
	lua_settop(L, top);
}

void sitelua_key_globals(struct sitelua *sl)
{
	if (sl->global_names)
		return;
	lua_State *L = luavm_state(sl->vm);
	struct luakey *lk = key_writer(sl);
	int top = lua_gettop(L);
	theme_push_registered(sl->theme, "globals");
	int globals = lua_gettop(L);
	size_t cap = 0;
	sl->global_names = xcalloc(1, sizeof(*sl->global_names));
	if (lua_type(L, globals) == LUA_TTABLE) {
		lua_pushnil(L);
		while (lua_next(L, globals)) {
			lua_pop(L, 1);
			/* a name a template cannot write is read by plugin code
			 * only: the key over all of them covers it */
			if (lua_type(L, -1) == LUA_TSTRING) {
				ALLOC_GROW(sl->global_names, sl->nglobals + 1, cap);
				sl->global_names[sl->nglobals++] = xstrdup(lua_tostring(L, -1));
			}
		}
	}
	sitelua_names_sort(sl->global_names, sl->nglobals);
	sl->global_keys = xcalloc(sl->nglobals + 1, sizeof(*sl->global_keys));
	struct buf k = BUF_INIT, all = BUF_INIT;
	key_add_str(&all, "loa-globals-1");
	for (size_t i = 0; i < sl->nglobals; i++) {
		buf_reset(&k);
		key_add_str(&k, sl->global_names[i]);
		lua_getfield(L, globals, sl->global_names[i]);
		luakey_value(lk, -1, &k);
		lua_pop(L, 1);
		key_finish(&k, sl->global_keys[i]);
		strmap_put(&sl->global_index, sl->global_names[i], i, NULL);
		key_add_str(&all, sl->global_names[i]);
		key_add_str(&all, sl->global_keys[i]);
	}
	key_finish(&all, sl->all_globals_key);
	buf_release(&k);
	buf_release(&all);
	lua_settop(L, top);
}

const char *sitelua_global_key(struct sitelua *sl, const char *name, size_t len)
{
	size_t i;
	sitelua_key_globals(sl);
	return strmap_getn(&sl->global_index, name, len, &i) ? sl->global_keys[i] : "absent";
}

const char *sitelua_all_globals_key(struct sitelua *sl)
{
	sitelua_key_globals(sl);
	return sl->all_globals_key;
}

const char *const *sitelua_deps_globals(struct sitelua *sl, size_t *n)
{
	sitelua_names_sort(sl->gdeps, sl->ngdeps);
	*n = sl->ngdeps;
	return (const char *const *)sl->gdeps;
}

const char *const *sitelua_deps_global_entries(struct sitelua *sl, size_t *n)
{
	sitelua_names_sort(sl->edeps, sl->nedeps);
	*n = sl->nedeps;
	return (const char *const *)sl->edeps;
}

bool sitelua_key_global_entry(struct sitelua *sl, const char *entry, size_t len, struct buf *k)
{
	const char *tab = memchr(entry, '\t', len);
	if (!tab || tab == entry)
		return false;
	size_t nlen = (size_t)(tab - entry);
	lua_State *L = luavm_state(sl->vm);
	int top = lua_gettop(L);
	key_add_bytes(k, entry, len);
	theme_push_registered(sl->theme, "globals");
	lua_pushlstring(L, entry, nlen);
	lua_gettable(L, -2); /* as the template's V and VI */
	bool plain = lua_type(L, -1) == LUA_TTABLE && !lua_getmetatable(L, -1);
	if (plain) {
		key_add_str(k, "entry");
		lua_pushlstring(L, tab + 1, len - nlen - 1);
		lua_rawget(L, -2);
		luakey_value(key_writer(sl), -1, k);
	} else {
		/* no longer a plain table: a recorded entry came from one, so
		 * this key matches none (the render now reads the global) */
		key_add_str(k, "not a plain table");
	}
	lua_settop(L, top);
	return true;
}

const char *const *sitelua_deps_indexes(struct sitelua *sl, size_t *n)
{
	sitelua_names_sort(sl->idxdeps, sl->nidxdeps);
	*n = sl->nidxdeps;
	return (const char *const *)sl->idxdeps;
}

bool sitelua_deps_structure(const struct sitelua *sl)
{
	return sl->structure_read;
}

void sitelua_key_page(struct sitelua *sl, size_t i, struct buf *k)
{
	lua_State *L = luavm_state(sl->vm);
	struct luakey *lk = key_writer(sl);
	int top = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->pages_ref);
	lua_rawgeti(L, -1, (lua_Integer)i + 1);
	luakey_value(lk, -1, k);
	lua_settop(L, top);
}

const char *sitelua_page_key(struct sitelua *sl, size_t i)
{
	if (!sl->page_keys)
		sl->page_keys = xcalloc(sl->site->npages, sizeof(*sl->page_keys));
	if (!sl->page_keys[i][0]) {
		struct buf k = BUF_INIT;
		keys_page_metadata(&k, sl->site, sl->site->pages[i]);
		sitelua_key_page(sl, i, &k);
		key_hasher_finish(luakey_hasher(key_writer(sl)), &k, sl->page_keys[i]);
		buf_release(&k);
	}
	return sl->page_keys[i];
}

const char *sitelua_all_pages_key(struct sitelua *sl)
{
	if (!sl->all_pages_key[0]) {
		struct buf k = BUF_INIT;
		for (size_t i = 0; i < sl->site->npages; i++)
			key_add_str(&k, sitelua_page_key(sl, i));
		key_finish(&k, sl->all_pages_key);
		buf_release(&k);
	}
	return sl->all_pages_key;
}

void sitelua_key_extra(struct sitelua *sl, size_t i, struct buf *k)
{
	lua_State *L = luavm_state(sl->vm);
	const struct extra_output *e = &sl->extras[i];
	key_add_str(k, e->url);
	key_add_str(k, e->out_path);
	key_add_str(k, e->layout);
	key_add_str(k, e->source);
	if (!e->layout) {
		struct buf bytes = BUF_INIT;
		/* unread, the key differs from any key of the file's bytes */
		if (sitelua_extra_content(sl, i, &bytes) < 0)
			key_add_str(k, "(unreadable)");
		key_add_bytes(k, bytes.ptr, bytes.len);
		buf_release(&bytes);
		return;
	}
	struct luakey *lk = key_writer(sl);
	int top = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref);
	luakey_value(lk, -1, k);
	lua_settop(L, top);
	/* a data function: the table's key says nothing of its upvalues */
	if (e->data_ref != LUA_NOREF)
		key_add_str(k, e->data_untracked ? "data: made at every build" : e->data_key);
}

void sitelua_render_begin(struct sitelua *sl, size_t page_index)
{
	sl->untracked = false;
	sl->ndeps = 0;
	sl->nvdeps = 0;
	sitelua_names_clear(sl->gdeps, &sl->ngdeps);
	sitelua_names_clear(sl->edeps, &sl->nedeps);
	sitelua_names_clear(sl->idxdeps, &sl->nidxdeps);
	sl->structure_read = false;
	sl->deps_all = false;
	if (++sl->gen == 0 && sl->read_gen) { /* wrapped: no stale marks */
		memset(sl->read_gen, 0, sl->site->npages * sizeof(*sl->read_gen));
		sl->gen = 1;
	}
	sl->render_self = page_index;
	sl->memo.made[0] = '\0';
}

bool sitelua_untracked(const struct sitelua *sl)
{
	return sl->untracked;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

const size_t *sitelua_deps(struct sitelua *sl, size_t *n, bool *all)
{
	*all = sl->deps_all;
	if (sl->ndeps)
		qsort(sl->deps, sl->ndeps, sizeof(*sl->deps), cmp_size);
	*n = sl->ndeps; /* unique already (read_gen) */
	return sl->deps;
}

const size_t *sitelua_deps_volatile_list(struct sitelua *sl, size_t *n)
{
	size_t k = 0;
	if (sl->nvdeps)
		qsort(sl->vdeps, sl->nvdeps, sizeof(*sl->vdeps), cmp_size);
	for (size_t i = 0; i < sl->nvdeps; i++)
		if (!k || sl->vdeps[k - 1] != sl->vdeps[i])
			sl->vdeps[k++] = sl->vdeps[i];
	sl->nvdeps = k;
	*n = k;
	return sl->vdeps;
}
