/* sitelua_memo — loa.add_file{url=, content=function() … end}: a
 * handler's function is called by its file's render, in a worker, and its
 * bytes are kept in the build cache with what it read, so that a rebuild
 * calls it again only when that changed (a feed whose articles were not
 * edited is not made again).
 *
 * Soundness. The key, made once the handlers are done
 * (sitelua_memo_decide), covers what any function sees without reading a
 * page — the program, the installed and the site's own themes and
 * plugins, site.yaml, where each page is, the time zone, the site and
 * i18n tables — then the plugin, the URL and what the function can reach
 * (its bytecode, upvalues, tables, metatables and other functions, page
 * tables by name: luakey_closure). What it reads beyond that is recorded
 * while it runs: the page tables (hollow for the call, sitelua_hollow.c;
 * every page when it calls loa.pages), the bodies it read
 * (loa.page_html, loa.page_summary), the volatile fields (lastmod,
 * authors) of the pages it read them of, and whether it read "today"
 * (sitelua_deps.c). A function whose reach holds a coroutine or a
 * userdata keeps the key made when it was added: every page's metadata,
 * and the reads of the stages before (ambient), since the state it sees
 * may hold what they returned. The file is not kept when the function, or
 * a stage before it was added, read what no key covers (the clock, the
 * commit, loa.read, loa.search_index, math.random). In the worker it can
 * have no effect (add_page, global, next_change, …: errors,
 * sitelua_api.c). Its deps are checked before the file is reused. The
 * function must not change Lua tables that other code reads: the rule the
 * host cannot check (docs/plugins.md). loa.add_page's data functions get
 * the same key (sitelua_render.c records their reads as the render's). */
#include "plugin/sitelua_internal.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/strmap.h"
#include "base/xalloc.h"
#include "incr/cache.h"
#include "incr/key.h"
#include "incr/keys.h"
#include "lua/luavm.h"
#include "plugin/luavalue.h"
#include "site/site.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sitelua_memo_enable(struct sitelua *sl, struct cache *cache, const char *base_key,
			 const struct buf *own_key)
{
	sl->memo.cache = cache;
	sl->memo.base_key = base_key;
	sl->memo.own_key = own_key;
}

void sitelua_memo_release(struct sitelua *sl)
{
	struct sitelua_memo *m = &sl->memo;
	free(m->deps);
	free(m->tables);
	free(m->ambient);
	free(m->keys);
	for (size_t i = 0; i < m->nnames; i++)
		free(m->names[i]);
	free(m->names);
	sitelua_names_clear(m->indexes, &m->nindexes);
	free(m->indexes);
}

/* In a handler (a loa.memo value aside) what is read is the stage's,
 * whose key holds every page's metadata, where it is included: nothing
 * to record. In a render (a data function) the render's deps name it. */
void sitelua_memo_index(struct sitelua *sl, const char *name)
{
	struct sitelua_memo *m = &sl->memo;
	if (m->depth) {
		if (!sitelua_names_add(&m->indexes, &m->nindexes, &m->indexes_cap, name))
			m->untracked = true; /* not a line of the deps */
	} else if (sl->collected) {
		if (!sitelua_names_add(&sl->idxdeps, &sl->nidxdeps, &sl->idxdeps_cap, name))
			sl->untracked = true;
	}
}

void sitelua_memo_structure(struct sitelua *sl)
{
	if (sl->memo.depth)
		sl->memo.structure = true;
	else if (sl->collected)
		sl->structure_read = true;
}

static void forget_indexes(struct sitelua_memo *m)
{
	sitelua_names_clear(m->indexes, &m->nindexes);
	m->structure = false;
}

const char *sitelua_structure_key(struct sitelua *sl)
{
	if (!sl->structure_key[0]) {
		struct buf k = BUF_INIT;
		key_add_str(&k, "loa-structure-1");
		keys_site_structure(&k, sl->site);
		key_finish(&k, sl->structure_key);
		buf_release(&k);
	}
	return sl->structure_key;
}

/* The members of the prelude's index so named, in its order, by path:
 * "kind:KIND" or "school:SLUG"; an index no page is in has none. */
void sitelua_index_key(struct sitelua *sl, const char *name, struct buf *k)
{
	lua_State *L = luavm_state(sl->vm);
	int top = lua_gettop(L);
	bool school = strncmp(name, "school:", 7) == 0, kind = strncmp(name, "kind:", 5) == 0;
	key_add_str(k, name);
	if ((school || kind) && sl->by_kind_ref != LUA_NOREF) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, school ? sl->by_school_ref : sl->by_kind_ref);
		lua_getfield(L, -1, name + (school ? 7 : 5));
		if (lua_type(L, -1) == LUA_TTABLE) {
			lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
			key_add_i64(k, n);
			for (lua_Integer j = 1; j <= n; j++) {
				lua_rawgeti(L, -1, j);
				size_t i = sitelua_page_index(L, sl, -1);
				key_add_str(k, i == SITELUA_NO_PAGE ? "?" : sl->site->pages[i]->path);
				lua_pop(L, 1);
			}
		} else {
			key_add_i64(k, 0);
		}
	} else {
		key_add_str(k, "not an index");
	}
	lua_settop(L, top);
}


/* The program, the installed and the site's own themes and plugins, and
 * site.yaml. */
static void add_program_and_config(struct sitelua *sl, struct buf *k)
{
	key_add_str(k, sl->memo.base_key);
	key_add_bytes(k, sl->memo.own_key->ptr, sl->memo.own_key->len);
	keys_value(k, sl->site->config.root);
}

/* LOA_DEBUG=memo: what became of each content function */
static void memo_debug(const char *url, const char *what)
{
	const char *debug = getenv("LOA_DEBUG");
	if (debug && strstr(debug, "memo"))
		fprintf(stderr, "loa: debug: memo %s: %s\n", url, what);
}

/* Made at the first use, in a handler or once they are done: by then
 * every plugin is loaded, so the site's own plugin files are in own_key.
 * Only a function whose narrow key cannot be made needs it. */
static const char *memo_prefix(struct sitelua *sl)
{
	struct sitelua_memo *m = &sl->memo;
	if (!m->prefix[0]) {
		memo_debug("(site)", "every page's metadata keyed"); /* t179 */
		/* every page's metadata, megabytes: digested as written */
		struct key_stream k;
		key_stream_init(&k);
		key_add_str(&k.buf, "loa-file-memo-1");
		add_program_and_config(sl, &k.buf);
		keys_site_metadata(&k, sl->site);
		key_add_i64(&k.buf, sl->site->tz_offset);
		key_stream_finish(&k, m->prefix);
	}
	return m->prefix;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* deps: the paths of the pages read, one a line ("@" before a path whose
 * table was read, "*" when every page's was), "#" and each index listed,
 * "S" when a body's link was resolved, "today" if it was read, then "="
 * and a key over those pages' keys_page (their bodies and volatile
 * fields), the tables' sitelua_page_key, the indexes' members, where every
 * page is and today's date. */
static void deps_encode(struct sitelua *sl, size_t *pages, size_t n, size_t *tables, size_t nt,
			bool all, bool today, struct buf *out)
{
	struct sitelua_memo *m = &sl->memo;
	struct buf k = BUF_INIT;
	char key[KEY_LEN + 1];
	if (n > 1)
		qsort(pages, n, sizeof(*pages), cmp_size);
	if (nt > 1)
		qsort(tables, nt, sizeof(*tables), cmp_size);
	if (all) {
		buf_puts(out, "*\n");
		key_add_str(&k, sitelua_all_pages_key(sl));
	}
	for (size_t i = 0; i < nt && !all; i++) {
		if (i && tables[i] == tables[i - 1])
			continue;
		buf_putc(out, '@');
		buf_puts(out, sl->site->pages[tables[i]]->path);
		buf_putc(out, '\n');
		key_add_str(&k, sitelua_page_key(sl, tables[i]));
	}
	for (size_t i = 0; i < n; i++) {
		if (i && pages[i] == pages[i - 1])
			continue;
		const struct page *p = sl->site->pages[pages[i]];
		buf_puts(out, p->path);
		buf_putc(out, '\n');
		keys_page(&k, sl->site, p);
	}
	sitelua_names_sort(m->indexes, m->nindexes);
	for (size_t i = 0; i < m->nindexes; i++) {
		buf_putc(out, '#');
		buf_puts(out, m->indexes[i]);
		buf_putc(out, '\n');
		sitelua_index_key(sl, m->indexes[i], &k);
	}
	if (m->structure) {
		buf_puts(out, "S\n");
		key_add_str(&k, sitelua_structure_key(sl));
	}
	if (today) {
		buf_puts(out, "today\n");
		key_add_str(&k, sl->today_iso);
	}
	key_finish(&k, key);
	buf_putc(out, '=');
	buf_puts(out, key);
	buf_putc(out, '\n');
	buf_release(&k);
}

/* True when the pages and day a deps record names still give its key.
 * With reads set, what it names is also left in memo.deps[0..ndeps) and
 * memo.today, as if read now. */
static bool deps_hold(struct sitelua *sl, const char *deps, size_t len, bool reads)
{
	struct sitelua_memo *m = &sl->memo;
	struct buf k = BUF_INIT, line = BUF_INIT;
	const char *p = deps, *end = deps + len;
	bool ok = false;
	if (reads) {
		m->ndeps = 0;
		m->today = false;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		buf_reset(&line);
		buf_add(&line, p, (size_t)(nl - p));
		p = nl + 1;
		size_t i;
		if (line.ptr[0] == '=') {
			char key[KEY_LEN + 1];
			key_finish(&k, key);
			ok = p == end && strcmp(line.ptr + 1, key) == 0;
			break;
		}
		if (strcmp(line.ptr, "today") == 0) {
			key_add_str(&k, sl->today_iso);
			m->today |= reads;
		} else if (line.ptr[0] == '#') {
			/* read again, it joins the ambient reads, whose key
			 * (memo_prefix) holds every page's metadata already */
			sitelua_index_key(sl, line.ptr + 1, &k);
		} else if (strcmp(line.ptr, "S") == 0) {
			key_add_str(&k, sitelua_structure_key(sl));
		} else if (!reads && strcmp(line.ptr, "*") == 0) {
			key_add_str(&k, sitelua_all_pages_key(sl));
		} else if (!reads && line.ptr[0] == '@' &&
			   strmap_get(&sl->site->page_by_path, line.ptr + 1, &i)) {
			key_add_str(&k, sitelua_page_key(sl, i));
		} else if (strmap_get(&sl->site->page_by_path, line.ptr, &i)) {
			keys_page(&k, sl->site, sl->site->pages[i]);
			if (reads) {
				ALLOC_GROW(m->deps, m->ndeps + 1, m->deps_cap);
				m->deps[m->ndeps++] = i;
			}
		} else {
			break;
		}
	}
	buf_release(&k);
	buf_release(&line);
	return ok;
}

/* The key a deps record that holds ends with ("=KEY\n"), else "". */
static void deps_result(const char *deps, size_t len, char out[KEY_LEN + 1])
{
	out[0] = '\0';
	if (len >= KEY_LEN + 2 && deps[len - 1] == '\n' && deps[len - KEY_LEN - 2] == '=' &&
	    (len == KEY_LEN + 2 || deps[len - KEY_LEN - 3] == '\n')) {
		memcpy(out, deps + len - KEY_LEN - 1, KEY_LEN);
		out[KEY_LEN] = '\0';
	}
}

static void memo_used(struct sitelua_memo *m, const char *key)
{
	ALLOC_GROW(m->keys, m->nkeys + 1, m->keys_cap);
	memcpy(m->keys[m->nkeys++], key, KEY_LEN + 1);
}

/* The key of what a handler's function (a data function or a loa.memo
 * value, told apart by kind) may see when it is made: what every handler
 * may see, the plugin, its name (a URL or the value's), and the ambient
 * reads, as a content function's deps would list them: their keys are
 * this build's, so the key needs no check later. */
static void ambient_key_of(struct sitelua *sl, const char *kind, const char *plugin,
			   const char *name, size_t nambient, bool today, char key[KEY_LEN + 1])
{
	struct sitelua_memo *m = &sl->memo;
	struct buf k = BUF_INIT, deps = BUF_INIT;
	key_add_str(&k, kind);
	key_add_str(&k, memo_prefix(sl));
	key_add_str(&k, plugin ? plugin : "?");
	key_add_str(&k, name);
	ALLOC_GROW(m->deps, nambient + 1, m->deps_cap);
	if (nambient)
		memcpy(m->deps, m->ambient, nambient * sizeof(*m->ambient));
	/* the stages' reads only: no index or link a function read before */
	forget_indexes(m);
	deps_encode(sl, m->deps, nambient, NULL, 0, false, today, &deps);
	key_add_bytes(&k, deps.ptr, deps.len);
	key_finish(&k, key);
	buf_release(&k);
	buf_release(&deps);
}

/* As of now, in a handler. */
static void ambient_key(struct sitelua *sl, const char *kind, const char *name,
			char key[KEY_LEN + 1])
{
	ambient_key_of(sl, kind, sl->current_plugin, name, sl->memo.nambient,
		       sl->memo.ambient_today, key);
}

int sitelua_memo_content(lua_State *L, struct sitelua *sl, int idx, const char *url,
			 struct memo_deferral *later)
{
	struct sitelua_memo *m = &sl->memo;
	if (!sl->in_handler) {
		/* a plain call, now: what it reads is the plugin's load */
		lua_pushvalue(L, idx);
		lua_call(L, 0, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			return luaL_error(L, "loa.add_file: the content function must return a string");
		memo_debug(url, "made (not kept: outside a stage handler)");
		return 1;
	}
	/* a handler's: called by the file's render, in a worker, unless the
	 * cache holds it (decided once the handlers are done:
	 * sitelua_memo_decide); its key, made there, covers what it reaches,
	 * or else every page's metadata and the stages' reads so far */
	later->key[0] = '\0';
	later->nambient = m->nambient;
	later->today = m->ambient_today;
	later->hit = false;
	if (!m->cache || m->ambient_untracked || luavm_random_uses(sl->vm) != 0) {
		memo_debug(url, !m->cache ? "made at render (no cache)"
					  : "made at render (not kept: a stage read what no key covers)");
		return 0;
	}
	snprintf(later->key, sizeof(later->key), "%s", MEMO_KEY_LATER);
	return 0;
}

/* The key over every page's metadata of content function e, whose narrow
 * key could not be made: its deps list the stages' reads before it was
 * added. */
static void wide_file_key(struct sitelua *sl, const struct extra_output *e,
			  char key[KEY_LEN + 1])
{
	struct buf kb = BUF_INIT;
	key_add_str(&kb, memo_prefix(sl));
	key_add_str(&kb, e->plugin ? e->plugin : "?");
	key_add_str(&kb, e->url);
	key_finish(&kb, key);
	buf_release(&kb);
}

/* What every function sees without reading a page: the program, the
 * themes and plugins, site.yaml, the time zone, and the site and i18n
 * tables (the closure keys name them); with structure, where each page is
 * (keys_site_structure). A content function records the indexes it lists
 * and the links its bodies resolved instead (sitelua_memo_index,
 * sitelua_memo_structure), so that a page added re-makes only the files
 * that list it: one school's feed, not a thousand. Data functions and
 * loa.memo values keep the structure in their keys. */
static const char *narrow_prefix(struct sitelua *sl, char prefix[KEY_LEN + 1], bool structure)
{
	lua_State *L = luavm_state(sl->vm);
	struct buf k = BUF_INIT;
	key_add_str(&k, structure ? "loa-file-memo-4" : "loa-file-memo-3");
	add_program_and_config(sl, &k);
	/* its digest, made once a build: the structure itself is every
	 * page's path and URL, 10 ms to write at 10,000 pages */
	if (structure)
		key_add_str(&k, sitelua_structure_key(sl));
	key_add_i64(&k, sl->site->tz_offset);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->site_ref);
	sitelua_key_value(sl, -1, &k);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->t_ref);
	sitelua_key_value(sl, -1, &k);
	lua_pop(L, 2);
	key_finish(&k, prefix);
	buf_release(&k);
	return prefix;
}

/* The narrow key of extra e's function (registry ref fn) into key: the
 * prefix (made at the first use), the kind, the plugin, the URL and what
 * the function reaches. False, key untouched, when that cannot be keyed. */
static bool narrow_key(struct sitelua *sl, char prefix[KEY_LEN + 1], bool structure,
		       const char *kind, const struct extra_output *e, int fn, char key[KEY_LEN + 1])
{
	lua_State *L = luavm_state(sl->vm);
	struct buf k = BUF_INIT, closure = BUF_INIT;
	lua_rawgeti(L, LUA_REGISTRYINDEX, fn);
	bool ok = sitelua_closure_key(sl, -1, &closure);
	lua_pop(L, 1);
	if (ok) {
		if (!prefix[0])
			narrow_prefix(sl, prefix, structure);
		key_add_str(&k, kind);
		key_add_str(&k, prefix);
		key_add_str(&k, e->plugin ? e->plugin : "?");
		key_add_str(&k, e->url);
		key_add_bytes(&k, closure.ptr, closure.len);
		key_finish(&k, key);
	}
	buf_release(&k);
	buf_release(&closure);
	return ok;
}

void sitelua_memo_decide(struct sitelua *sl)
{
	struct sitelua_memo *m = &sl->memo;
	if (!m->cache)
		return; /* every function is called: nothing to key */
	char file_prefix[KEY_LEN + 1] = "";
	sitelua_closure_pass(sl, true);
	for (size_t i = 0; i < sl->nextras; i++) {
		struct extra_output *e = &sl->extras[i];
		if (e->data_ref != LUA_NOREF && !e->data_untracked) {
			/* a data function: the same narrow key; its render records
			 * the pages it reads (push_data_context), the indexes it
			 * lists and the links it resolves, so that a page added
			 * renders again only the reports that list it */
			e->data_narrow = narrow_key(sl, file_prefix, false, "loa-page-data-3", e,
						    e->data_ref, e->data_key);
			if (!e->data_narrow)
				ambient_key_of(sl, "loa-page-data-1", e->plugin, e->url,
					       e->data_nambient, e->data_today, e->data_key);
			continue;
		}
		if (e->content_ref == LUA_NOREF || !e->memo_key[0])
			continue;
		/* narrow: what the function can reach, page tables by name, and
		 * the pages it reads recorded as it runs (sitelua_hollow.c) */
		bool narrow = narrow_key(sl, file_prefix, false, "loa-file-memo-3", e, e->content_ref,
					 e->memo_key);
		if (narrow) {
			e->memo_narrow = true;
			e->memo_nambient = 0;
			e->memo_today = false;
		} else {
			wide_file_key(sl, e, e->memo_key);
		}
		memo_used(m, e->memo_key);
		m->nfiles++;
		/* decided on its deps; its bytes are read, and checked, by the
		 * render that writes the file (sitelua_memo_take) */
		struct cache_object o = CACHE_OBJECT_INIT;
		if (cache_load_deps(m->cache, e->memo_key, &o) == 1 &&
		    deps_hold(sl, o.deps, o.deps_len, false)) {
			e->memo_hit = true;
			deps_result(o.deps, o.deps_len, e->memo_result);
			m->reused++;
			memo_debug(e->url, narrow ? "from the cache" : "from the cache (whole-site key)");
		} else if (!narrow) {
			memo_debug(e->url, "made at render (whole-site key)");
		}
		cache_object_release(&o);
	}
	sitelua_closure_pass(sl, false);
}

const char *sitelua_memo_made(const struct sitelua *sl)
{
	return sl->memo.made;
}

int sitelua_memo_take(struct sitelua *sl, const struct extra_output *e, struct buf *out,
		      struct diag_list *d)
{
	struct cache_object o;
	if (cache_load(sl->memo.cache, e->memo_key, &o) == 1) {
		buf_add(out, o.data, o.data_len);
		cache_object_release(&o);
		return 0;
	}
	memo_debug(e->url, "gone or damaged in the cache: made again");
	return sitelua_memo_make(sl, e, out, d);
}

int sitelua_memo_make(struct sitelua *sl, const struct extra_output *e, struct buf *out,
		      struct diag_list *d)
{
	struct sitelua_memo *m = &sl->memo;
	lua_State *L = luavm_state(sl->vm);
	int top = lua_gettop(L);
	uint64_t draws = luavm_random_uses(sl->vm);
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->content_ref);
	char where[256];
	int where_line = sitelua_defined_at(L, where, sizeof(where));
	m->depth = 1;
	m->untracked = m->today = m->all = false;
	m->ndeps = m->ntables = 0;
	forget_indexes(m);
	/* with a narrow key, the page tables it reads are recorded */
	if (e->memo_narrow)
		sitelua_hollow_begin(sl, lua_gettop(L));
	int rc = luavm_call(sl->vm, 0, 1, d); /* its error names plugins/x.lua:LINE */
	if (e->memo_narrow &&
	    sitelua_hollow_end(sl, d, *where ? where : e->plugin, where_line, e->url) < 0)
		rc = -1;
	m->depth = 0;
	if (rc < 0) {
		lua_settop(L, top);
		return -1;
	}
	if (lua_type(L, -1) != LUA_TSTRING) {
		diag_error(d, *where ? where : e->plugin, where_line, 0,
			   "loa.add_file %s: the content function returned %s, not a string", e->url,
			   luaL_typename(L, -1));
		lua_settop(L, top);
		return -1;
	}
	size_t len;
	const char *bytes = lua_tolstring(L, -1, &len);
	buf_add(out, bytes, len);
	lua_settop(L, top);
	if (!e->memo_key[0])
		return 0;
	if (m->untracked || luavm_random_uses(sl->vm) != draws) {
		memo_debug(e->url, "made (not kept: it read what no key covers)");
		return 0;
	}
	/* what it read, and what the stages read before it was added */
	ALLOC_GROW(m->deps, m->ndeps + e->memo_nambient + 1, m->deps_cap);
	if (e->memo_nambient)
		memcpy(m->deps + m->ndeps, m->ambient, e->memo_nambient * sizeof(*m->ambient));
	struct buf deps = BUF_INIT;
	deps_encode(sl, m->deps, m->ndeps + e->memo_nambient, m->tables, m->ntables, m->all,
		    m->today || e->memo_today, &deps);
	/* a failed store only costs the next build a call */
	if (cache_store(m->cache, e->memo_key, out->ptr, out->len, "", 0, deps.ptr, deps.len) == 0)
		deps_result(deps.ptr, deps.len, m->made);
	buf_release(&deps);
	memo_debug(e->url, "made and kept");
	return 0;
}

void sitelua_memo_data_key(struct sitelua *sl, char key[KEY_LEN + 1], size_t *nambient,
			   bool *today)
{
	struct sitelua_memo *m = &sl->memo;
	key[0] = '\0';
	*nambient = m->nambient;
	*today = m->ambient_today;
	if (!m->cache || !sl->in_handler || m->ambient_untracked ||
	    luavm_random_uses(sl->vm) != 0)
		return;
	snprintf(key, KEY_LEN + 1, "%s", MEMO_KEY_LATER);
}

/* What the function under way read (memo.deps, memo.today, memo.untracked)
 * as reads of the stage: its value stays in the state. */
static void reads_to_ambient(struct sitelua_memo *m)
{
	ALLOC_GROW(m->ambient, m->nambient + m->ndeps + 1, m->ambient_cap);
	if (m->ndeps)
		memcpy(m->ambient + m->nambient, m->deps, m->ndeps * sizeof(*m->deps));
	m->nambient += m->ndeps;
	m->ambient_today |= m->today;
	m->ambient_untracked |= m->untracked;
}

/* Two values of one name would share a key when the stages read nothing
 * between them: a plugin's names are its own, once a build. */
static bool name_taken(struct sitelua_memo *m, const char *plugin, const char *name)
{
	char *both = xasprintf("%s\n%s", plugin, name);
	for (size_t i = 0; i < m->nnames; i++)
		if (strcmp(m->names[i], both) == 0) {
			free(both);
			return true;
		}
	ALLOC_GROW(m->names, m->nnames + 1, m->names_cap);
	m->names[m->nnames++] = both;
	return false;
}

/* A value's key from what fn can reach, as a content function's narrow
 * key (page tables by name). Its call then runs with those page tables
 * hollow (sitelua_hollow.c), and the value is kept only if it read none
 * and listed none (loa.pages): the key holds no page's key, which is not
 * final in the middle of the plugin stage, and a call that read no page
 * table under a key that covers everything else it could read gives the
 * same value again. related.lua's numbers, made from plain copies of the
 * news' dates, tags and schools, are so taken back after a title edit.
 * False when fn reaches a coroutine or a userdata, or more than the walk
 * can take: the ambient key then. */
static bool value_narrow_key(struct sitelua *sl, int fn, const char *name, char key[KEY_LEN + 1])
{
	struct buf closure = BUF_INIT;
	sitelua_closure_pass(sl, true);
	bool ok = sitelua_closure_key(sl, fn, &closure);
	sitelua_closure_pass(sl, false);
	if (ok) {
		char prefix[KEY_LEN + 1];
		struct buf k = BUF_INIT;
		key_add_str(&k, "loa-value-memo-2");
		key_add_str(&k, narrow_prefix(sl, prefix, true));
		key_add_str(&k, sl->current_plugin ? sl->current_plugin : "?");
		key_add_str(&k, name);
		key_add_bytes(&k, closure.ptr, closure.len);
		key_finish(&k, key);
		buf_release(&k);
	}
	buf_release(&closure);
	return ok;
}

/* The value kept under key, pushed, when its deps still hold (what it
 * read then is then in memo.deps, as read now). */
static bool value_take(lua_State *L, struct sitelua *sl, const char *key)
{
	struct cache_object o = CACHE_OBJECT_INIT;
	bool hit = cache_load_into(sl->memo.cache, key, &o) == 1 &&
		   deps_hold(sl, o.deps, o.deps_len, true) &&
		   luavalue_decode(L, o.data, o.data_len) == 0;
	cache_object_release(&o);
	return hit;
}

int sitelua_memo_value(lua_State *L, struct sitelua *sl, const char *name, int fn)
{
	struct sitelua_memo *m = &sl->memo;
	fn = lua_absindex(L, fn);
	char label[160];
	snprintf(label, sizeof(label), "loa.memo %s", name);
	if (sl->in_handler && !sl->collected && !m->depth &&
	    name_taken(m, sl->current_plugin ? sl->current_plugin : "?", name))
		return luaL_error(L, "loa.memo: the name '%s' is already used by this plugin in this "
				  "build", name);
	struct buf bytes = BUF_INIT;
	const char *why = NULL;
	/* a plain call, whose reads are those of what runs around it: outside
	 * a handler, inside a content function or a render, without a
	 * cache, or after a stage read what no key covers */
	if (!sl->in_handler || sl->collected || m->depth || !m->cache || m->ambient_untracked ||
	    luavm_random_uses(sl->vm) != 0) {
		lua_pushvalue(L, fn);
		lua_call(L, 0, 1);
		/* refused alike with or without a cache */
		if (luavalue_encode(L, -1, &bytes, &why) < 0)
			goto not_plain;
		buf_release(&bytes);
		memo_debug(label, "made (not kept)");
		return 1;
	}
	/* two keys: the narrow one (what fn reaches) for a call that read no
	 * page table, the ambient one (every page's metadata, the stage's
	 * reads so far) for one that did; the ambient one is made only when
	 * the narrow one is not in the cache (30 ms at 10,000 pages) */
	char narrow_key[KEY_LEN + 1], wide_key[KEY_LEN + 1];
	bool narrow = value_narrow_key(sl, fn, name, narrow_key);
	if (narrow)
		memo_used(m, narrow_key);
	m->nvalues++;

	/* taken back: what it read then is read now */
	m->untracked = false;
	bool hit = narrow && value_take(L, sl, narrow_key);
	if (!hit) {
		ambient_key(sl, "loa-value-memo-1", name, wide_key);
		memo_used(m, wide_key);
		hit = value_take(L, sl, wide_key);
	}
	if (hit) {
		reads_to_ambient(m);
		m->values_reused++;
		memo_debug(label, "from the cache");
		return 1;
	}

	uint64_t draws = luavm_random_uses(sl->vm);
	m->depth = 1;
	m->untracked = m->today = m->all = false;
	m->ndeps = m->ntables = 0;
	forget_indexes(m);
	bool over = false;
	if (narrow) {
		sitelua_hollow_begin(sl, fn);
		over = sl->hollow_over;
	}
	lua_pushvalue(L, fn);
	int rc = lua_pcall(L, 0, 1, 0);
	if (narrow) {
		struct diag_list d = DIAG_LIST_INIT;
		int put_back = sitelua_hollow_end(sl, &d, sl->current_plugin ? sl->current_plugin : "?",
						  0, label);
		diag_list_release(&d);
		if (put_back < 0)
			return luaL_error(L, "%s: out of memory putting the page tables back", label);
	}
	m->depth = 0;
	reads_to_ambient(m);
	if (rc != LUA_OK)
		return lua_error(L); /* the function's own error, its place in it */
	if (luavalue_encode(L, -1, &bytes, &why) < 0)
		goto not_plain;
	if (m->untracked || luavm_random_uses(sl->vm) != draws) {
		memo_debug(label, "made (not kept: it read what no key covers)");
	} else {
		/* the narrow key holds no page's key: a call that read a page
		 * table or listed pages is kept under the ambient one */
		bool read_pages = m->all || m->ntables || over;
		const char *key = narrow && !read_pages ? narrow_key : wide_key;
		struct buf deps = BUF_INIT;
		deps_encode(sl, m->deps, m->ndeps, NULL, 0, false, m->today, &deps);
		/* a failed store only costs the next build a call; a site's
		 * first build has no cache folders yet (cache_prepare) */
		memo_debug(label, cache_store(m->cache, key, bytes.ptr, bytes.len, "", 0, deps.ptr,
					      deps.len) == 0
					  ? "made and kept"
					  : "made (not kept: the cache has no folders yet)");
		buf_release(&deps);
	}
	buf_release(&bytes);
	return 1;
not_plain:
	buf_release(&bytes);
	return luaL_error(L, "loa.memo '%s': the function must return plain data (%s)", name, why);
}

size_t sitelua_memo_keep(const struct sitelua *sl, char **keep)
{
	for (size_t i = 0; i < sl->memo.nkeys; i++)
		keep[i] = sl->memo.keys[i];
	return sl->memo.nkeys;
}

size_t sitelua_memo_count(const struct sitelua *sl, size_t *files, size_t *reused,
			  size_t *values, size_t *values_reused)
{
	*files = sl->memo.nfiles;
	*reused = sl->memo.reused;
	*values = sl->memo.nvalues;
	*values_reused = sl->memo.values_reused;
	return sl->memo.nkeys;
}
