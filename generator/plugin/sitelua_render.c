/* sitelua_render — in a worker: rendering a content page or a plugin's
 * output through the theme, choosing a page's layout, and expanding
 * shortcodes with the functions plugins registered. */
#include "plugin/sitelua_internal.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/suggest.h"
#include "base/value.h"
#include "base/xalloc.h"
#include "lua/luavm.h"
#include "markup/markdown.h"
#include "template/template.h"
#include "template/theme.h"
#include "site/site.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fields a render gives a page's table (its HTML, the summary made
 * for it) are the page's only while it renders: kept, they grew each
 * worker's Lua state by every page it rendered (4.5 KB a page at 10,000
 * pages; at 50,000 pages workers ran out of memory), and another page's
 * render would have seen them or not depending on which worker it ran in.
 * They are served by the page tables' __index (sitelua_pages.c) from two
 * registry slots: setting them on the table wrote to memory the worker
 * shares with the builder, a copy-on-write fault (and, on this virtual
 * machine, a TLB flush) for most pages. A table that holds either field
 * itself (a plugin set it) gets both set and taken off again, as before. */
static bool serve_render_fields(lua_State *L, struct sitelua *sl, size_t page_index)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->pages_ref);
	lua_rawgeti(L, -1, (lua_Integer)page_index + 1);
	bool own = lua_getfield(L, -1, "content") != LUA_TNIL;
	own = own || lua_getfield(L, -2, "auto_summary") != LUA_TNIL;
	lua_pop(L, own ? 3 : 4);
	if (!own)
		sl->served_page = page_index;
	return !own;
}

static void forget_render_fields(lua_State *L, struct sitelua *sl, size_t page_index)
{
	if (sl->served_page == page_index) {
		sl->served_page = SITELUA_NO_PAGE;
		lua_pushboolean(L, 0);
		lua_rawseti(L, LUA_REGISTRYINDEX, sl->served_content_ref);
		lua_pushboolean(L, 0);
		lua_rawseti(L, LUA_REGISTRYINDEX, sl->served_summary_ref);
		return;
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->pages_ref);
	lua_rawgeti(L, -1, (lua_Integer)page_index + 1);
	lua_pushnil(L);
	lua_setfield(L, -2, "content");
	lua_pushnil(L);
	lua_setfield(L, -2, "auto_summary");
	lua_pop(L, 2);
}

static int render_page_layout(struct sitelua *sl, size_t page_index, const char *body_html,
			      size_t body_len, struct buf *out, struct diag_list *d);

int sitelua_render_page(struct sitelua *sl, size_t page_index, const char *body_html,
			size_t body_len, struct buf *out, struct diag_list *d)
{
	int rc = render_page_layout(sl, page_index, body_html, body_len, out, d);
	forget_render_fields(luavm_state(sl->vm), sl, page_index);
	return rc;
}

static int render_page_layout(struct sitelua *sl, size_t page_index, const char *body_html,
			      size_t body_len, struct buf *out, struct diag_list *d)
{
	lua_State *L = luavm_state(sl->vm);
	lua_createtable(L, 0, 4);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->site_ref);
	lua_setfield(L, -2, "site");
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->t_ref);
	lua_setfield(L, -2, "t");
	sitelua_pages_set_now(L, sl);
	bool served = serve_render_fields(L, sl, page_index);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->pages_ref);
	lua_rawgeti(L, -1, (lua_Integer)page_index + 1);
	template_push_safe(L, body_html, body_len);
	if (served)
		lua_rawseti(L, LUA_REGISTRYINDEX, sl->served_content_ref);
	else
		lua_setfield(L, -2, "content");
	const struct page *p = sl->site->pages[page_index];
	/* readers: the summary Loa computes (as feeds and search do), for the
	 * meta description of a page without one; made here from the page's
	 * own body, so that no other page's render depends on it */
	if (!p->summary || !*p->summary) {
		struct buf auto_summary = BUF_INIT;
		markdown_summary(&auto_summary, p->body, p->body_len, 300);
		lua_pushlstring(L, auto_summary.ptr ? auto_summary.ptr : "", auto_summary.len);
		if (served)
			lua_rawseti(L, LUA_REGISTRYINDEX, sl->served_summary_ref);
		else
			lua_setfield(L, -2, "auto_summary");
		buf_release(&auto_summary);
	}
	lua_setfield(L, -3, "page");
	lua_pop(L, 1);

	char name[128];
	const struct value *lv = value_get(p->front, "layout");
	if (lv && !value_is_null(lv)) {
		/* a typo must not quietly fall back to the kind's layout */
		bool known = false;
		if (lv->kind == VALUE_SCALAR && strlen(lv->str) < sizeof(name) - 5) {
			snprintf(name, sizeof(name), "%s.html", lv->str);
			known = !strchr(lv->str, '/') && theme_has(sl->theme, name);
		}
		if (!known) {
			struct buf names = BUF_INIT;
			theme_layout_names(sl->theme, &names);
			/* the closest name, from a copy split at ", " */
			const char *near = NULL;
			char *copy = xstrdup(names.len ? names.ptr : "");
			const char *list[256];
			size_t n = 0;
			for (char *q = copy, *tok; n < 256 && (tok = strsep(&q, ","));)
				list[n++] = tok + (*tok == ' ');
			if (lv->kind == VALUE_SCALAR)
				near = suggest_closest(lv->str, list, n);
			if (near)
				diag_error(d, p->path, lv->line, lv->col,
					   "unknown layout '%.80s' (did you mean '%s'? the theme's layouts: %s)",
					   lv->str, near, names.ptr);
			else
				diag_error(d, p->path, lv->line, lv->col,
					   "unknown layout '%.80s' (the theme's layouts: %s)",
					   lv->kind == VALUE_SCALAR ? lv->str : "(not text)",
					   names.len ? names.ptr : "none");
			free(copy);
			buf_release(&names);
			lua_pop(L, 1);
			return -1;
		}
	}
	return theme_render(sl->theme, sitelua_page_layout(sl, page_index, name, sizeof(name)), out,
			    d);
}

const char *sitelua_page_layout(const struct sitelua *sl, size_t page_index, char *name,
				size_t size)
{
	const struct page *p = sl->site->pages[page_index];
	const struct value *lv = value_get(p->front, "layout");
	if (lv && lv->kind == VALUE_SCALAR && !strchr(lv->str, '/')) {
		snprintf(name, size, "%s.html", lv->str);
		if (theme_has(sl->theme, name))
			return name;
	}
	snprintf(name, size, "%s.html", page_kind_name(p->kind));
	return theme_has(sl->theme, name) ? name : "page.html";
}

int sitelua_defined_at(lua_State *L, char *where, size_t size)
{
	lua_Debug ar;
	where[0] = '\0';
	lua_pushvalue(L, -1);
	if (!lua_getinfo(L, ">S", &ar) || ar.source[0] != '@')
		return 0;
	snprintf(where, size, "%s", ar.source + 1);
	return ar.linedefined;
}

/* Replaces the context on top of the stack with a copy (its metatable
 * too) whose fields the page's data function's table replaces: the
 * function runs now, as plugin code, and its result lives for this render
 * only. */
static int push_data_context(struct sitelua *sl, const struct extra_output *e,
			     struct diag_list *d)
{
	lua_State *L = luavm_state(sl->vm);
	int ctx = lua_gettop(L);
	/* plugin code: it may read any page (loa.pages) unrecorded, unless
	 * its key is what it reaches and the pages it reads are recorded */
	if (!e->data_narrow)
		sitelua_deps_all(sl);
	if (e->data_untracked)
		sitelua_deps_untracked(sl);
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->data_ref);
	char where[256];
	int where_line = sitelua_defined_at(L, where, sizeof(where));
	if (e->data_narrow)
		sitelua_hollow_begin(sl, lua_gettop(L));
	int rc = luavm_call(sl->vm, 0, 1, d);
	if (e->data_narrow &&
	    sitelua_hollow_end(sl, d, *where ? where : e->plugin, where_line, e->url) < 0)
		rc = -1;
	if (rc < 0) {
		lua_settop(L, ctx);
		return -1;
	}
	if (!lua_istable(L, -1)) {
		diag_error(d, *where ? where : e->plugin, where_line, 0,
			   "loa.add_page %s: data returned %s, not a table", e->url,
			   luaL_typename(L, -1));
		lua_settop(L, ctx);
		return -1;
	}
	lua_newtable(L);
	for (int from = ctx; from <= ctx + 1; from++) {
		lua_pushnil(L);
		while (lua_next(L, from)) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, -4);
		}
	}
	if (lua_getmetatable(L, ctx))
		lua_setmetatable(L, -2);
	lua_replace(L, ctx);
	lua_settop(L, ctx);
	return 0;
}

int sitelua_render_extra(struct sitelua *sl, size_t i, const char *body_html, size_t body_len,
			 struct buf *out, struct diag_list *d)
{
	lua_State *L = luavm_state(sl->vm);
	const struct extra_output *e = &sl->extras[i];
	if (!e->layout) {
		if (!sitelua_extra_from_function(e))
			return sitelua_extra_content(sl, i, out);
		return e->memo_hit ? sitelua_memo_take(sl, e, out, d) : sitelua_memo_make(sl, e, out, d);
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref);
	if (e->data_ref != LUA_NOREF && push_data_context(sl, e, d) < 0) {
		lua_pop(L, 1);
		return -1;
	}
	/* names are looked up in the context unwatched (template_runtime.c,
	 * V): a metamethod a plugin wrote in Lua on it (the one Loa sets,
	 * sitelua_pages_set_now, is C) may run plugin code on any lookup */
	if (lua_getmetatable(L, -1)) {
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			if (lua_type(L, -1) == LUA_TFUNCTION && !lua_iscfunction(L, -1))
				sitelua_deps_all(sl);
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	if (body_html) {
		lua_getfield(L, -1, "page");
		if (lua_istable(L, -1)) {
			template_push_safe(L, body_html, body_len);
			lua_setfield(L, -2, "content");
		}
		lua_pop(L, 1);
	}
	int top = lua_gettop(L) - 1; /* below the context theme_render takes */
	int rc = theme_render(sl->theme, e->layout, out, d);
	if (body_html) { /* as forget_render_fields, for a list's own page */
		lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref);
		lua_getfield(L, -1, "page");
		if (lua_istable(L, -1)) {
			lua_pushnil(L);
			lua_setfield(L, -2, "content");
		}
		lua_settop(L, top);
	}
	return rc;
}

int sitelua_shortcode(struct sitelua *sl, size_t page_index, const char *name,
		      const char *const *keys, const char *const *values, size_t nargs,
		      struct buf *out, struct buf *err, struct diag_list *d)
{
	lua_State *L = luavm_state(sl->vm);
	int top = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->shortcodes_ref);
	lua_getfield(L, -1, name);
	lua_remove(L, -2);
	if (!lua_isfunction(L, -1)) {
		lua_settop(L, top);
		return 1;
	}
	/* plugin code: it may read any page (loa.pages) unrecorded */
	sitelua_deps_all(sl);
	/* where the function was defined, for a result that is not a string */
	char where[256];
	int where_line = sitelua_defined_at(L, where, sizeof(where));
	lua_createtable(L, (int)nargs, 0);
	lua_Integer pos = 0;
	for (size_t i = 0; i < nargs; i++) {
		lua_pushstring(L, values[i]);
		if (keys[i])
			lua_setfield(L, -2, keys[i]);
		else
			lua_rawseti(L, -2, ++pos);
	}
	if (page_index != SITELUA_NO_PAGE && page_index < sl->site->npages) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, sl->pages_ref);
		lua_rawgeti(L, -1, (lua_Integer)page_index + 1);
		lua_remove(L, -2);
	} else {
		lua_pushnil(L);
	}
	if (luavm_call(sl->vm, 2, 2, d) < 0) {
		lua_settop(L, top);
		return -1;
	}
	int rc = 0;
	if (lua_type(L, -2) == LUA_TSTRING) {
		size_t len;
		const char *html = lua_tolstring(L, -2, &len);
		buf_add(out, html, len);
	} else if (lua_isnil(L, -2) && lua_type(L, -1) == LUA_TSTRING) {
		if (err)
			buf_puts(err, lua_tostring(L, -1));
		else
			diag_error(d, where, where_line, 0, "shortcode '%s': %s", name,
				   lua_tostring(L, -1));
		rc = -1;
	} else {
		lua_pop(L, 1);
		rc = diag_error(d, where, where_line, 0, "shortcode '%s' returned %s, not a string",
				name, luaL_typename(L, -1));
	}
	lua_settop(L, top);
	return rc;
}

int sitelua_shortcode_cb(void *ctx, const char *name, const char *const *keys,
			 const char *const *values, size_t nargs, struct buf *html, struct buf *err)
{
	struct sitelua_shortcode_ctx *c = ctx;
	size_t before = c->diags->len;
	int rc = sitelua_shortcode(c->sl, c->page_index, name, keys, values, nargs, html, err,
				   c->diags);
	if (rc < 0 && !err->len && c->diags->len > before) {
		const struct diag *e = &c->diags->items[before];
		const char *nl = strchr(e->msg, '\n');
		if (e->path[0] && e->line > 0)
			buf_addf(err, "%s:%d: ", e->path, e->line);
		else if (e->path[0])
			buf_addf(err, "%s: ", e->path);
		buf_add(err, e->msg, nl ? (size_t)(nl - e->msg) : strlen(e->msg));
	}
	return rc;
}
