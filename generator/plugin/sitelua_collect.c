/* sitelua_collect — what plugins added with loa.add_page and
 * loa.add_file, collected after before_render into extra outputs, each
 * claiming its file (site/claims.h); and the theme check over the names
 * their contexts hold. */
#include "plugin/sitelua_internal.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/spill.h"
#include "base/xalloc.h"
#include "lua/luavm.h"
#include "search/search_lua.h"
#include "template/template.h"
#include "template/theme.h"
#include "site/site.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sitelua_collect(struct sitelua *sl, struct diag_list *d)
{
	lua_State *L = luavm_state(sl->vm);
	struct site *s = sl->site;
	int err = 0;
	int top = lua_gettop(L);
	/* the search index begun on a thread is done before anything reads
	 * the cache's table of indexed bodies or forks */
	search_lua_finish(L);
	sl->collected = true;
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->extras_ref);
	size_t n = lua_rawlen(L, -1);
	sl->extras = xcalloc(n + 1, sizeof(*sl->extras));
	for (size_t i = 0; i < n; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		lua_getfield(L, -1, "plugin");
		char *plugin = xstrdup(lua_tostring(L, -1));
		lua_getfield(L, -2, "line");
		int line = (int)lua_tointeger(L, -1);
		lua_pop(L, 2);
		lua_getfield(L, -1, "ctx");
		bool is_page = !lua_isnil(L, -1);
		if (!is_page) {
			lua_pop(L, 1);
			lua_getfield(L, -1, "file");
		}
		lua_getfield(L, -1, "url");
		const char *url = lua_tostring(L, -1);
		/* the build's own files and the content were claimed first: a
		 * plugin never replaces them, and of two plugins the first wins */
		const char *out_path = site_out_path(&s->arena, url);
		char *who = xasprintf("%s:%d", plugin, line);
		struct claim_conflict cf;
		int claimed = claims_take(&s->claims, CLAIM_PLUGIN, out_path, url, who, &cf);
		free(who);
		if (claimed < 0) {
			err = claims_report(d, plugin, line, url, out_path, &cf);
			free(plugin);
			lua_pop(L, 3);
			continue;
		}
		struct extra_output *e = &sl->extras[sl->nextras++];
		e->url = xstrdup(url);
		e->out_path = xstrdup(out_path);
		e->plugin = plugin;
		lua_pop(L, 1);
		e->data_ref = LUA_NOREF;
		e->content_ref = LUA_NOREF;
		if (is_page) {
			/* the data function leaves the context: called at render */
			lua_getfield(L, -1, "data");
			if (lua_isfunction(L, -1)) {
				char where[256];
				(void)sitelua_defined_at(L, where, sizeof(where));
				e->data_file = xstrdup(where);
				e->data_ref = luaL_ref(L, LUA_REGISTRYINDEX);
				lua_pushnil(L);
				lua_setfield(L, -2, "data");
				lua_getfield(L, -2, "data_key");
				const char *key = lua_tostring(L, -1);
				e->data_untracked = !key || !*key;
				snprintf(e->data_key, sizeof(e->data_key), "%s", key ? key : "");
				lua_getfield(L, -3, "data_nambient");
				e->data_nambient = (size_t)lua_tointeger(L, -1);
				lua_getfield(L, -4, "data_today");
				e->data_today = lua_toboolean(L, -1);
				lua_pop(L, 2);
			}
			lua_pop(L, 1);
			lua_getfield(L, -1, "layout");
			e->layout = xstrdup(lua_tostring(L, -1));
			lua_pop(L, 1);
			lua_getfield(L, -1, "sitemap");
			e->in_sitemap = lua_isnil(L, -1) || lua_toboolean(L, -1);
			lua_pop(L, 1);
			/* the context gets the site's common fields unless it set its own */
			static const char *const common[] = { "site", "t" };
			int refs[] = { sl->site_ref, sl->t_ref };
			for (int k = 0; k < 2; k++) {
				lua_getfield(L, -1, common[k]);
				bool absent = lua_isnil(L, -1);
				lua_pop(L, 1);
				if (absent) {
					lua_rawgeti(L, LUA_REGISTRYINDEX, refs[k]);
					lua_setfield(L, -2, common[k]);
				}
			}
			sitelua_pages_set_now(L, sl);
			lua_getfield(L, -1, "page");
			if (lua_istable(L, -1)) {
				lua_getfield(L, -1, "path");
				if (lua_type(L, -1) == LUA_TSTRING)
					e->source = xstrdup(lua_tostring(L, -1));
				lua_pop(L, 1);
			}
			lua_pop(L, 1);
			e->ref = luaL_ref(L, LUA_REGISTRYINDEX);
		} else {
			/* a file's bytes left the Lua state when it was added
			 * (loa.add_file): feeds carry whole articles, and the
			 * state is inherited by every worker */
			e->ref = LUA_NOREF;
			lua_getfield(L, -1, "content_fn");
			if (lua_isfunction(L, -1)) {
				/* made by the file's render (sitelua_memo_make) */
				e->content_ref = luaL_ref(L, LUA_REGISTRYINDEX);
				lua_getfield(L, -1, "memo_key");
				snprintf(e->memo_key, sizeof(e->memo_key), "%s",
					 lua_tostring(L, -1) ? lua_tostring(L, -1) : "");
				lua_getfield(L, -2, "memo_nambient");
				e->memo_nambient = (size_t)lua_tointeger(L, -1);
				lua_getfield(L, -3, "memo_today");
				e->memo_today = lua_toboolean(L, -1);
				lua_getfield(L, -4, "memo_hit");
				e->memo_hit = lua_toboolean(L, -1);
				lua_pop(L, 5);
			} else {
				lua_getfield(L, -2, "content_id");
				e->content_id = (size_t)lua_tointeger(L, -1);
				e->content_len = spill_len(sl->files, e->content_id);
				lua_getfield(L, -3, "bytes_key");
				snprintf(e->bytes_key, sizeof(e->bytes_key), "%s",
					 lua_tostring(L, -1) ? lua_tostring(L, -1) : "");
				lua_pop(L, 4);
			}
		}
		lua_pop(L, 1);
	}
	LUAVM_CHECK_TOP(sl->vm, top + 1); /* the extras */
	lua_pop(L, 1);
	/* the list is done with: each page's context is held by its own ref */
	luaL_unref(L, LUA_REGISTRYINDEX, sl->extras_ref);
	sl->extras_ref = LUA_NOREF;
	sitelua_memo_decide(sl);
	return err;
}

int sitelua_check_theme(struct sitelua *sl, struct diag_list *d)
{
	lua_State *L = luavm_state(sl->vm);
	/* the names a context may hold: a page's, and every plugin page's */
	lua_newtable(L);
	static const char *const page_ctx[] = { "site", "t", "now", "page" };
	for (size_t k = 0; k < sizeof(page_ctx) / sizeof(*page_ctx); k++) {
		lua_pushboolean(L, 1);
		lua_setfield(L, -2, page_ctx[k]);
	}
	for (size_t i = 0; i < sl->nextras; i++) {
		if (!sl->extras[i].layout)
			continue;
		lua_rawgeti(L, LUA_REGISTRYINDEX, sl->extras[i].ref);
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			lua_pop(L, 1);
			if (lua_type(L, -1) == LUA_TSTRING) {
				lua_pushvalue(L, -1);
				lua_pushboolean(L, 1);
				lua_rawset(L, -5);
			}
		}
		lua_pop(L, 1);
	}
	return theme_check(sl->theme, d);
}

size_t sitelua_extra_count(const struct sitelua *sl)
{
	return sl->nextras;
}

const struct extra_output *sitelua_extra(const struct sitelua *sl, size_t i)
{
	return &sl->extras[i];
}

bool sitelua_extra_from_function(const struct extra_output *e)
{
	return e->content_ref != LUA_NOREF;
}

int sitelua_extra_content(const struct sitelua *sl, size_t i, struct buf *out)
{
	if (sitelua_extra_from_function(&sl->extras[i]) || !sl->files)
		return -1; /* made by its render, not added as bytes */
	return spill_read(sl->files, sl->extras[i].content_id, out);
}
