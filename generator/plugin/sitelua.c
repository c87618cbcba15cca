/* sitelua — the plugin host: opening the Lua side of a site (the site,
 * i18n and page tables, the `loa` module, the prelude), loading plugins
 * and running their stages, and freeing it all. The other concerns are in
 * the sitelua_*.c files beside it (see lua/sitelua_internal.h). The
 * module's functions that are easier to write in Lua (loa.pages,
 * loa.paginate, loa.sort) are in prelude.lua, run here in the sandbox. */
#include "plugin/sitelua_internal.h"
#include "base/diag.h"
#include "base/spill.h"
#include "base/strmap.h"
#include "base/xalloc.h"
#include "lua/luavm.h"
#include "plugin/prelude.h"
#include "search/search_lua.h"
#include "site/site.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The prelude's order of loa.pages (by_date_desc): newer first, then by
 * URL as Lua compares strings in the C locale (bytes, unsigned). */
struct dated {
	int64_t epoch;
	const char *url;
	size_t index;
};

static int newest_first(const void *pa, const void *pb)
{
	const struct dated *a = pa, *b = pb;
	if (a->epoch != b->epoch)
		return a->epoch > b->epoch ? -1 : 1;
	return strcmp(a->url, b->url);
}

/* Lua hashes a long string (over 40 bytes) the first time it is a table
 * key, and writes the hash into the string. Page URLs and paths are such
 * keys in every render (feed_urls[page.url] in base.html): hashed in a
 * worker, each one is a write to a page it shares with the builder, a
 * copy-on-write fault. Hashed here, once, by looking them up in a scratch
 * table. */
static void prehash_long_strings(lua_State *L, int page, int scratch)
{
	static const char *const fields[] = { "url", "path", "permalink" };
	for (size_t f = 0; f < sizeof(fields) / sizeof(*fields); f++) {
		if (lua_getfield(L, page, fields[f]) == LUA_TSTRING && lua_rawlen(L, -1) > 40)
			lua_rawget(L, scratch);
		lua_pop(L, 1);
	}
}

static void sort_newest_first(const struct site *s, size_t *order, size_t n)
{
	struct dated *v = xcalloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = (struct dated){ s->pages[order[i]]->sort_epoch, s->pages[order[i]]->url,
				       order[i] };
	qsort(v, n, sizeof(*v), newest_first);
	for (size_t i = 0; i < n; i++)
		order[i] = v[i].index;
	free(v);
}

int sitelua_open(struct sitelua **out, struct site *s, struct luavm *vm, struct theme *theme,
		 const struct value *i18n, struct diag_list *d)
{
	struct sitelua *sl = xcalloc(1, sizeof(*sl));
	lua_State *L = luavm_state(vm);
	int top = lua_gettop(L);
	sl->site = s;
	sl->vm = vm;
	sl->theme = theme;
	date_format_iso(sl->today_iso, &s->today);
	sl->today_iso[10] = '\0'; /* the day, not the time */

	sitelua_pages_push_site(L, sl, i18n);
	sl->site_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	sitelua_pages_push_value(L, i18n);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_newtable(L);
	}
	sl->t_ref = luaL_ref(L, LUA_REGISTRYINDEX);

	sl->render_self = SITELUA_NO_PAGE;
	sl->by_kind_ref = sl->by_school_ref = LUA_NOREF;
	sl->served_page = SITELUA_NO_PAGE;
	lua_pushboolean(L, 0); /* slots, filled by each render (sitelua_render.c) */
	sl->served_content_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pushboolean(L, 0);
	sl->served_summary_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	sl->gen = 1; /* read_gen starts at 0: nothing read */
	/* everything made from here to the prelude's end stays (the page
	 * tables and their indexes): an incremental collection meanwhile would
	 * only traverse them again at each doubling of the heap */
	lua_gc(L, LUA_GCSTOP);
	lua_newtable(L); /* hashes long strings (prehash_long_strings) */
	int scratch = lua_gettop(L);
	lua_newtable(L); /* page table → index */
	sitelua_pages_push_metatable(L, sl); /* the page tables' metatable */
	lua_pushvalue(L, -1);
	sl->page_mt = lua_topointer(L, -1);
	sl->page_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_createtable(L, (int)s->npages, 0);
	for (size_t i = 0; i < s->npages; i++) {
		sitelua_pages_push(L, sl, s->pages[i]);
		prehash_long_strings(L, lua_gettop(L), scratch);
		lua_pushvalue(L, -3);
		lua_setmetatable(L, -2);
		lua_pushvalue(L, -1);
		lua_pushinteger(L, (lua_Integer)i);
		lua_rawset(L, -6);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_remove(L, scratch);
	lua_remove(L, -2); /* the metatable */
	lua_pushvalue(L, -2);
	sl->page_index_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_remove(L, -2); /* the index */
	int all_idx = lua_gettop(L);
	/* news know their school's table: {title, url, slug} of the school page */
	for (size_t i = 0; i < s->npages; i++) {
		size_t school;
		if (s->pages[i]->kind != PAGE_NEWS || !s->pages[i]->school ||
		    !strmap_get(&s->school_by_slug, s->pages[i]->school, &school))
			continue;
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		lua_rawgeti(L, -2, (lua_Integer)school + 1);
		lua_setfield(L, -2, "school");
		lua_pop(L, 1);
	}
	/* the home and section pages are rendered by plugins; lists never
	 * include them */
	/* content pages only, for loa.pages, newest first: the prelude keeps
	 * them in that order and now only checks it (one comparison a page)
	 * instead of sorting ten thousand tables with a Lua comparison */
	size_t ncontent = 0, *order = xcalloc(s->npages + 1, sizeof(*order));
	for (size_t i = 0; i < s->npages; i++)
		if (s->pages[i]->kind != PAGE_SECTION && s->pages[i]->kind != PAGE_HOME)
			order[ncontent++] = i;
	sort_newest_first(s, order, ncontent);
	lua_createtable(L, (int)ncontent, 0);
	for (size_t n = 0; n < ncontent; n++) {
		lua_rawgeti(L, -2, (lua_Integer)order[n] + 1);
		lua_rawseti(L, -2, (lua_Integer)n + 1);
	}
	free(order);
	int content_idx = lua_gettop(L);
	lua_pushvalue(L, all_idx);
	sl->pages_ref = luaL_ref(L, LUA_REGISTRYINDEX);

	lua_newtable(L);
	sl->extras_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_newtable(L);
	sl->shortcodes_ref = luaL_ref(L, LUA_REGISTRYINDEX);

	/* the loa module */
	lua_newtable(L);
	sitelua_api_register(L, sl);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->site_ref);
	lua_setfield(L, -2, "site");
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->t_ref);
	lua_setfield(L, -2, "t");
	/* sections by URL, for plugins that render the lists */
	lua_newtable(L);
	for (size_t i = 0; i < s->nsections; i++) {
		size_t j;
		if (!strmap_get(&s->page_by_path, s->sections[i]->path, &j))
			continue;
		lua_rawgeti(L, all_idx, (lua_Integer)j + 1);
		lua_setfield(L, -2, s->sections[i]->url);
	}
	lua_setfield(L, -2, "sections");
	lua_pushvalue(L, -1);
	sl->loa_ref = luaL_ref(L, LUA_REGISTRYINDEX);

	sitelua_hollow_setup(L, sl);
	/* prelude.lua, called with (loa, content pages, C helpers), adds the
	 * rest of loa */
	luavm_new_env(vm);
	if (luavm_load(vm, "loa/prelude.lua", prelude_lua, prelude_lua_len, d) < 0) {
		lua_gc(L, LUA_GCRESTART);
		lua_settop(L, top);
		sitelua_free(sl);
		return -1;
	}
	lua_pushvalue(L, -2);           /* loa */
	lua_pushvalue(L, content_idx);  /* content pages */
	sitelua_query_push(L, sl);      /* its C helpers */
	if (luavm_call(vm, 3, 0, d) < 0) {
		lua_gc(L, LUA_GCRESTART);
		lua_settop(L, top);
		sitelua_free(sl);
		return -1;
	}
	LUAVM_CHECK_TOP(vm, content_idx + 1); /* all pages, content pages, loa */
	lua_settop(L, top);
	lua_gc(L, LUA_GCRESTART);
	/* the tables are built: the plugins' garbage is young from here on */
	luavm_prepare_plugins(vm);
	*out = sl;
	return 0;
}

void sitelua_free(struct sitelua *sl)
{
	if (!sl)
		return;
	for (size_t i = 0; i < sl->nhandlers; i++) {
		free(sl->handlers[i].stage);
		free(sl->handlers[i].plugin);
	}
	free(sl->handlers);
	for (size_t i = 0; i < sl->nextras; i++) {
		free((char *)sl->extras[i].url);
		free((char *)sl->extras[i].out_path);
		free((char *)sl->extras[i].layout);
		free((char *)sl->extras[i].plugin);
		free((char *)sl->extras[i].source);
		free((char *)sl->extras[i].data_file);
	}
	free(sl->extras);
	spill_free(sl->files);
	free(sl->deps);
	free(sl->hollowed);
	sitelua_memo_release(sl);
	sitelua_key_release(sl);
	free(sl->read_gen);
	free(sl->vdeps);
	sitelua_names_clear(sl->gdeps, &sl->ngdeps);
	free(sl->gdeps);
	sitelua_names_clear(sl->edeps, &sl->nedeps);
	free(sl->edeps);
	sitelua_names_clear(sl->idxdeps, &sl->nidxdeps);
	free(sl->idxdeps);
	free(sl);
}

int sitelua_load_plugin(struct sitelua *sl, const char *src, size_t len, const char *display,
			struct diag_list *d)
{
	lua_State *L = luavm_state(sl->vm);
	int top = lua_gettop(L);
	luavm_new_env(sl->vm);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->loa_ref);
	lua_setfield(L, -2, "loa");
	int ret = luavm_load(sl->vm, display, src, len, d);
	if (ret < 0)
		return -1;
	sl->current_plugin = display;
	ret = luavm_call(sl->vm, 0, 0, d);
	sl->current_plugin = NULL;
	LUAVM_CHECK_TOP(sl->vm, top);
	return ret;
}

int sitelua_run_stage(struct sitelua *sl, const char *stage, struct diag_list *d)
{
	lua_State *L = luavm_state(sl->vm);
	int top = lua_gettop(L);
	int err = 0;
	/* the last before_render handler's garbage is the builder's to
	 * collect, or not, before the renders (build.c): a collection here
	 * was a second full one in a full build, 0.05-0.1 s at 10,000 pages */
	size_t last = sl->nhandlers;
	for (size_t i = 0; strcmp(stage, "before_render") == 0 && i < sl->nhandlers; i++)
		if (strcmp(sl->handlers[i].stage, stage) == 0)
			last = i;
	for (size_t i = 0; i < sl->nhandlers; i++) {
		if (strcmp(sl->handlers[i].stage, stage) != 0)
			continue;
		lua_rawgeti(L, LUA_REGISTRYINDEX, sl->handlers[i].ref);
		sl->current_plugin = sl->handlers[i].plugin;
		sl->in_handler = true;
		/* LOA_DEBUG=handlers: how long the builder waited for each
		 * handler (wall time: the process's CPU time would count a
		 * search index made on a thread meanwhile); =memory: what it
		 * leaves in the state (after a full collection, so only what it
		 * keeps counts) */
		const char *debug = getenv("LOA_DEBUG");
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (luavm_call(sl->vm, 0, 0, d) < 0)
			err = -1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		sl->current_plugin = NULL;
		sl->in_handler = false;
		if (debug && strstr(debug, "handlers"))
			fprintf(stderr, "loa: debug: handler %s %s: %.3f s\n", stage,
				sl->handlers[i].plugin,
				(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		if (debug && strstr(debug, "memory")) {
			lua_gc(L, LUA_GCCOLLECT);
			fprintf(stderr, "loa: debug: memory %s %s: %zu KB\n", stage,
				sl->handlers[i].plugin, luavm_memory(sl->vm) >> 10);
		}
		/* the handler's temporaries, before the next one piles up on them */
		if (i != last && luavm_collect_grown(sl->vm) && debug && strstr(debug, "memory"))
			fprintf(stderr, "loa: debug: memory %s %s: %zu KB (collected)\n", stage,
				sl->handlers[i].plugin, luavm_memory(sl->vm) >> 10);
		LUAVM_CHECK_TOP(sl->vm, top);
		if (err)
			break;
	}
	/* a failed stage ends the plugins: no job of loa.search_index_begin
	 * is left running, whatever comes next */
	if (err)
		search_lua_finish(L);
	return err;
}
