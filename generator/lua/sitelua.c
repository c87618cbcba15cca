/* sitelua — page tables, the `loa` plugin module, and page rendering.
 * The module's functions that are easier to write in Lua (loa.pages,
 * loa.paginate, loa.sort) are in prelude.lua, run here in the sandbox. */
#include "lua/sitelua.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/suggest.h"
#include "base/value.h"
#include "base/xalloc.h"
#include "content/text.h"
#include "incr/keyfields.h"
#include "lua/luakey.h"
#include "lua/luavm.h"
#include "lua/prelude.h"
#include "lua/template.h"
#include "lua/theme.h"
#include "search/search_lua.h"
#include "site/site.h"
#include "source/repo.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct stage_handler {
	char *stage;
	char *plugin;
	int ref;
};

struct sitelua {
	struct site *site;
	struct luavm *vm;
	struct theme *theme;
	int site_ref, t_ref, pages_ref, extras_ref, loa_ref;
	int shortcodes_ref; /* name → function */
	const char *current_plugin; /* while a plugin or its handler runs */
	/* set by sitelua_collect: from then on pages render (in workers, each
	 * with its own copy of the state), so what a plugin registers or adds
	 * would be lost or seen by some pages only */
	bool collected;
	struct stage_handler *handlers;
	size_t nhandlers, handlers_cap;
	struct extra_output *extras;
	size_t nextras;
	char today_iso[64];
	/* loa.next_change: the earliest instant after now at which a plugin's
	 * output changes by itself, who said so and why */
	int64_t next_change;
	char next_who[64], next_why[160];
	/* incremental builds: tables written as names in keys (pages, site,
	 * t), and whether the current render read something no key covers */
	int key_refs_ref;
	bool untracked;
	/* a page's volatile fields (lastmod, authors: they change with every
	 * edit of the page) are read through a metatable, so that the render
	 * of another page records that it read them (deps) */
	int page_index_ref; /* page table → index */
	size_t render_self;  /* the page being rendered, SITELUA_NO_PAGE for a list */
	size_t *deps;
	size_t ndeps, deps_cap;
};

static struct sitelua *upvalue_sl(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

/* ---- value trees and C strings to Lua ---------------------------------- */

static void set_str(lua_State *L, const char *key, const char *s)
{
	if (!s)
		return;
	lua_pushstring(L, s);
	lua_setfield(L, -2, key);
}

static void push_value(lua_State *L, const struct value *v)
{
	if (!v || value_is_null(v)) {
		lua_pushnil(L);
		return;
	}
	switch (v->kind) {
	case VALUE_SCALAR:
		if (v->plain && strcmp(v->str, "true") == 0) {
			lua_pushboolean(L, 1);
		} else if (v->plain && strcmp(v->str, "false") == 0) {
			lua_pushboolean(L, 0);
		} else {
			char *end;
			long long n = v->plain && v->len && v->len < 18 ? strtoll(v->str, &end, 10) : 0;
			if (v->plain && v->len && v->len < 18 && !*end)
				lua_pushinteger(L, n);
			else
				lua_pushlstring(L, v->str, v->len);
		}
		break;
	case VALUE_LIST:
		lua_createtable(L, (int)v->n, 0);
		for (size_t i = 0; i < v->n; i++) {
			push_value(L, v->items[i]);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	case VALUE_MAP:
		lua_createtable(L, 0, (int)v->n);
		for (size_t i = 0; i < v->n; i++) {
			push_value(L, v->items[2 * i + 1]);
			lua_setfield(L, -2, v->items[2 * i]->str);
		}
		break;
	}
}

static void set_date(lua_State *L, const char *key, const struct date *d)
{
	char iso[64];
	if (!d->prec)
		return;
	lua_pushstring(L, date_format_iso(iso, d));
	lua_setfield(L, -2, key);
}

/* done, overdue, due (this month) or upcoming, against today */
static const char *activity_status(const struct site *s, const struct plan_activity *a, bool done)
{
	if (done)
		return "done";
	if (!a->due.prec)
		return "upcoming";
	const struct date *t = &s->today;
	long due_month = a->due.year * 12L + a->due.month;
	long this_month = t->year * 12L + t->month;
	if (due_month < this_month)
		return "overdue";
	if (due_month > this_month)
		return "upcoming";
	if (a->due.prec >= DATE_DAY && a->due.day < t->day)
		return "overdue";
	return "due";
}

/* __index of page tables: the volatile fields, computed on each read and
 * recorded as a dependency of the render under way. */
static int page_volatile(lua_State *L)
{
	struct sitelua *sl = lua_touserdata(L, lua_upvalueindex(1));
	const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "";
	bool lastmod = strcmp(k, "lastmod") == 0, authors = strcmp(k, "authors") == 0;
	if (!lastmod && !authors)
		return 0;
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->page_index_ref);
	lua_pushvalue(L, 1);
	lua_rawget(L, -2);
	if (!lua_isinteger(L, -1))
		return 0;
	size_t i = (size_t)lua_tointeger(L, -1);
	const struct page *p = sl->site->pages[i];
	if (sl->collected && i != sl->render_self) {
		ALLOC_GROW(sl->deps, sl->ndeps + 1, sl->deps_cap);
		sl->deps[sl->ndeps++] = i;
	}
	if (lastmod) {
		char iso[64];
		if (!p->lastmod.prec)
			return 0;
		lua_pushstring(L, date_format_iso(iso, &p->lastmod));
		return 1;
	}
	lua_createtable(L, (int)p->nauthors, 0);
	for (size_t j = 0; j < p->nauthors; j++) {
		lua_pushstring(L, p->authors[j]);
		lua_rawseti(L, -2, (lua_Integer)j + 1);
	}
	return 1;
}

static void push_page(lua_State *L, struct sitelua *sl, struct page *p)
{
	struct site *s = sl->site;
	struct buf b = BUF_INIT;
	lua_createtable(L, 0, 32);
	set_str(L, "kind", page_kind_name(p->kind));
	set_str(L, "path", p->path);
	set_str(L, "section", p->section);
	set_str(L, "title", p->title);
	text_sort_key(s->text, &b, p->title);
	lua_pushlstring(L, b.ptr, b.len);
	lua_setfield(L, -2, "title_key");
	set_str(L, "slug", p->slug);
	set_str(L, "url", p->url);
	char *abs = xasprintf("%s%s", s->config.base_url, p->url[0] == '/' && strlen(s->config.base_url) &&
					      s->config.base_url[strlen(s->config.base_url) - 1] == '/'
					      ? p->url + 1 : p->url);
	set_str(L, "permalink", abs);
	free(abs);
	set_str(L, "summary", p->summary);
	set_str(L, "image", p->image);
	set_date(L, "date", &p->date);
	lua_pushinteger(L, p->sort_epoch);
	lua_setfield(L, -2, "timestamp");
	lua_pushboolean(L, p->draft);
	lua_setfield(L, -2, "draft");
	lua_pushinteger(L, p->weight);
	lua_setfield(L, -2, "weight");

	lua_createtable(L, (int)p->ntags, 0);
	for (size_t i = 0; i < p->ntags; i++) {
		lua_createtable(L, 0, 3);
		set_str(L, "name", p->tags[i]);
		const char *url = site_tag_url(s, p->tags[i]);
		set_str(L, "url", url);
		/* "/chu-de/SLUG/" → SLUG */
		lua_pushlstring(L, url + 8, strlen(url) - 9);
		lua_setfield(L, -2, "slug");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "tags");
	lua_createtable(L, (int)p->nfiles, 0);
	for (size_t i = 0; i < p->nfiles; i++) {
		lua_createtable(L, 0, 2);
		set_str(L, "name", p->files[i].name);
		lua_pushfstring(L, "/%s", p->files[i].out_path);
		lua_setfield(L, -2, "url");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "files");
	push_value(L, p->front);
	lua_setfield(L, -2, "params");

	if (p->kind == PAGE_NEWS) {
		set_str(L, "category", news_category_name(p->category));
		set_str(L, "author", p->author);
	}
	if (p->kind == PAGE_SCHOOL) {
		set_str(L, "district", p->district);
		set_str(L, "province", p->province);
		set_str(L, "address", p->address);
		set_str(L, "phone", p->phone);
		set_str(L, "email", p->email);
		set_str(L, "website", p->website);
		lua_createtable(L, (int)p->nmodels, 0);
		for (size_t i = 0; i < p->nmodels; i++) {
			lua_createtable(L, 0, 3);
			set_str(L, "title", p->models[i].title);
			set_str(L, "year", p->models[i].year);
			set_str(L, "level", p->models[i].level);
			buf_reset(&b);
			text_slugify(s->text, &b, p->models[i].title, strlen(p->models[i].title));
			set_str(L, "slug", b.ptr);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		lua_setfield(L, -2, "models");
	}
	if (p->kind == PAGE_PLAN) {
		set_str(L, "number", p->number);
		set_date(L, "issued", &p->issued);
		set_str(L, "issuer", p->issuer);
		set_str(L, "signer", p->signer);
		const struct value *acts = value_get(p->front, "activities");
		lua_createtable(L, (int)p->nactivities, 0);
		for (size_t i = 0; i < p->nactivities; i++) {
			const struct plan_activity *a = &p->activities[i];
			const struct value *av = acts && acts->kind == VALUE_LIST && i < acts->n
							 ? acts->items[i] : NULL;
			const struct value *done = value_get(av, "done");
			bool is_done = done && done->kind == VALUE_SCALAR && done->plain &&
				       strcmp(done->str, "true") == 0;
			lua_createtable(L, 0, 8);
			set_str(L, "id", a->id);
			set_str(L, "name", a->name);
			set_str(L, "lead", a->lead);
			set_str(L, "partners", a->partners);
			set_str(L, "product", a->product);
			set_date(L, "due", &a->due);
			set_str(L, "status", activity_status(s, a, is_done));
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		lua_setfield(L, -2, "activities");
	}
	buf_release(&b);
}

/* ---- the loa module ------------------------------------------------------ */

static int l_slugify(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	struct buf b = BUF_INIT;
	text_slugify(sl->site->text, &b, s, len);
	lua_pushlstring(L, b.ptr, b.len);
	buf_release(&b);
	return 1;
}

static int l_fold(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	struct buf b = BUF_INIT;
	text_fold(sl->site->text, &b, s, len);
	lua_pushlstring(L, b.ptr, b.len);
	buf_release(&b);
	return 1;
}

static int l_sort_key(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	const char *s = luaL_checkstring(L, 1);
	struct buf b = BUF_INIT;
	text_sort_key(sl->site->text, &b, s);
	lua_pushlstring(L, b.ptr, b.len);
	buf_release(&b);
	return 1;
}

static int l_collate(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	int c = text_collate(sl->site->text, luaL_checkstring(L, 1), luaL_checkstring(L, 2));
	lua_pushinteger(L, c < 0 ? -1 : c > 0);
	return 1;
}

static int l_format_date(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	const char *style = luaL_optstring(L, 2, "short");
	struct date d;
	const char *why;
	char out[64];
	if (date_parse(&d, s, len, true, &why) < 0)
		return luaL_error(L, "loa.format_date: invalid date '%s' (%s)", s, why);
	/* a time with another offset is shown on the site zone's day */
	site_date_to_zone(upvalue_sl(L)->site->text, &d);
	if (strcmp(style, "long") == 0)
		date_format_long(out, &d);
	else if (strcmp(style, "iso") == 0)
		date_format_iso(out, &d);
	else if (strcmp(style, "rfc3339") == 0) /* feeds: a full timestamp with an offset */
		date_format_rfc3339(out, &d, text_tz_offset(upvalue_sl(L)->site->text,
							     date_to_epoch(&d, upvalue_sl(L)->site->tz_offset)));
	else
		date_format_short(out, &d);
	lua_pushstring(L, out);
	return 1;
}

/* Raises an error when fn is called after the pages were collected. */
static void check_not_late(lua_State *L, struct sitelua *sl, const char *fn)
{
	if (sl->collected)
		luaL_error(L, "%s: too late: call it at load time, in after_load or in before_render",
			   fn);
}

static bool url_acceptable(const char *url)
{
	if (url[0] != '/' || strstr(url, "/../") || strstr(url, "/./") || strstr(url, "//") ||
	    strchr(url, '\\') || strchr(url, '%'))
		return false;
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	/* "/a/." would name the folder a/ itself, not a file in it */
	size_t n = strlen(url);
	return !(n >= 3 && strcmp(url + n - 3, "/..") == 0) &&
	       !(n >= 2 && strcmp(url + n - 2, "/.") == 0);
}

/* Records who adds an output: the plugin running and the line of its own
 * code that called (not pcall's or a helper's of another plugin), for a
 * collision's message. */
static void add_extra(lua_State *L, struct sitelua *sl, const char *field)
{
	const char *plugin = sl->current_plugin ? sl->current_plugin : "?";
	int line = 0;
	lua_Debug ar;
	for (int level = 1; !line && lua_getstack(L, level, &ar); level++)
		if (lua_getinfo(L, "Sl", &ar) && ar.source[0] == '@' &&
		    strcmp(ar.source + 1, plugin) == 0 && ar.currentline > 0)
			line = ar.currentline;
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->extras_ref);
	lua_createtable(L, 0, 3);
	lua_pushvalue(L, 1);
	lua_setfield(L, -2, field);
	lua_pushstring(L, plugin);
	lua_setfield(L, -2, "plugin");
	lua_pushinteger(L, line);
	lua_setfield(L, -2, "line");
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	lua_pop(L, 1);
}

/* loa.add_page{url=, layout=, ...}: the table itself is the template context */
static int l_add_page(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	check_not_late(L, sl, "loa.add_page");
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_getfield(L, 1, "url");
	const char *url = lua_tostring(L, -1);
	if (!url || !url_acceptable(url))
		return luaL_error(L, "loa.add_page: 'url' must be a clean path starting with '/'");
	lua_getfield(L, 1, "layout");
	const char *layout = lua_tostring(L, -1);
	if (!layout || !theme_has(sl->theme, layout))
		return luaL_error(L, "loa.add_page: layout '%s' not found in the theme",
				  layout ? layout : "(none)");
	lua_pop(L, 2);
	add_extra(L, sl, "ctx");
	return 0;
}

/* loa.add_file{url=, content=} */
static int l_add_file(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	check_not_late(L, sl, "loa.add_file");
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_getfield(L, 1, "url");
	const char *url = lua_tostring(L, -1);
	if (!url || !url_acceptable(url) || url[strlen(url) - 1] == '/')
		return luaL_error(L, "loa.add_file: 'url' must be a clean file path starting with '/'");
	lua_getfield(L, 1, "content");
	if (lua_type(L, -1) != LUA_TSTRING)
		return luaL_error(L, "loa.add_file: 'content' must be a string");
	lua_pop(L, 2);
	add_extra(L, sl, "file");
	return 0;
}

static int l_on(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	check_not_late(L, sl, "loa.on");
	const char *stage = luaL_checkstring(L, 1);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	if (strcmp(stage, "after_load") && strcmp(stage, "before_render") &&
	    strcmp(stage, "after_build"))
		return luaL_error(L, "loa.on: unknown stage '%s' (after_load, before_render, after_build)",
				  stage);
	lua_pushvalue(L, 2);
	int ref = luaL_ref(L, LUA_REGISTRYINDEX);
	ALLOC_GROW(sl->handlers, sl->nhandlers + 1, sl->handlers_cap);
	struct stage_handler *h = &sl->handlers[sl->nhandlers++];
	h->stage = xstrdup(stage);
	h->plugin = xstrdup(sl->current_plugin ? sl->current_plugin : "?");
	h->ref = ref;
	return 0;
}

static int l_filter(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	check_not_late(L, sl, "loa.filter");
	const char *name = luaL_checkstring(L, 1);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	theme_add_filter(sl->theme, name);
	return 0;
}

static int l_global(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	check_not_late(L, sl, "loa.global");
	const char *name = luaL_checkstring(L, 1);
	luaL_checkany(L, 2);
	lua_pushvalue(L, 2);
	theme_add_global(sl->theme, name);
	return 0;
}

/* loa.shortcode(name, fn): fn(args, page) → HTML, for `{{< name ... >}}`.
 * A later registration of the same name replaces the earlier one, so that
 * a site's plugin can override a shipped shortcode. */
static int l_shortcode(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	check_not_late(L, sl, "loa.shortcode");
	size_t len;
	const char *name = luaL_checklstring(L, 1, &len);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	bool ok = len > 0 && len <= 64;
	for (size_t i = 0; ok && i < len; i++) {
		char c = name[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		     c == '-' || c == '_';
	}
	if (!ok)
		return luaL_error(L, "loa.shortcode: invalid name (1 to 64 letters, digits, '-' or '_')");
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->shortcodes_ref);
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_rawset(L, -3);
	return 0;
}

/* Why path may not be given to loa.read, or NULL. The repo module checks
 * each name again (.git, NTFS aliases, …); this gives plugins a plain
 * message for the common mistakes. */
static const char *read_path_problem(const char *path, size_t len)
{
	if (len == 0)
		return "empty";
	if (strlen(path) != len)
		return "NUL byte";
	if (path[0] == '/')
		return "absolute; give it relative to the site's root";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c < 0x20 || c == 0x7f)
			return "control byte";
		if (c == '\\')
			return "backslash";
	}
	for (const char *p = path;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 0)
			return "empty folder name";
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return "'.' and '..' are not allowed";
		if (!slash)
			return NULL;
		p = slash + 1;
	}
}

/* loa.read(path) → content, or nil, message when the file is absent or
 * unreadable. Reads the site's repository at the built ref (the files on
 * disk with --worktree), never outside it; the size limit of content files
 * applies. A bad path is an error: it is a bug, or an attempt to escape. */
static int l_read(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	sl->untracked |= sl->collected;
	size_t len;
	const char *path = luaL_checklstring(L, 1, &len);
	const char *why = read_path_problem(path, len);
	if (why)
		return luaL_error(L, "loa.read: invalid path '%s' (%s)", path, why);
	struct buf data = BUF_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	int rc = repo_read_path(sl->site->repo, path, &data, &d);
	if (rc == 0) {
		lua_pushlstring(L, data.ptr, data.len);
		buf_release(&data);
		diag_list_release(&d);
		return 1;
	}
	lua_pushnil(L);
	if (rc > 0)
		lua_pushfstring(L, "loa.read: '%s' not found", path);
	else
		lua_pushfstring(L, "loa.read: '%s': %s", path, d.len ? d.items[0].msg : "cannot read");
	buf_release(&data);
	diag_list_release(&d);
	return 2;
}

static int l_search_index(lua_State *L)
{
	upvalue_sl(L)->untracked |= upvalue_sl(L)->collected;
	return search_lua_index(L, upvalue_sl(L)->site);
}

static int l_page_summary(lua_State *L)
{
	upvalue_sl(L)->untracked |= upvalue_sl(L)->collected;
	return search_lua_summary(L, upvalue_sl(L)->site);
}

/* loa.next_change(date, why): the output will change by itself at date
 * (an ISO date or time, read in the site's zone, or epoch seconds), e.g. an
 * activity turning overdue. The build keeps the earliest one after now and
 * reports it (loa build: "next change"), so a host can schedule a rebuild.
 * Only calls made in the builder count (at load time and in stage
 * handlers), not those of templates and shortcodes, which run in workers. */
static int l_next_change(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	int64_t when;
	if (lua_isinteger(L, 1)) {
		when = (int64_t)lua_tointeger(L, 1);
	} else {
		size_t len;
		const char *s = luaL_checklstring(L, 1, &len);
		struct date d;
		const char *why;
		if (date_parse(&d, s, len, true, &why) < 0)
			return luaL_error(L, "loa.next_change: invalid date '%s' (%s)", s, why);
		when = date_to_epoch(&d, sl->site->tz_offset);
	}
	const char *why = luaL_optstring(L, 2, "");
	if (when <= sl->site->opts.now || (sl->next_change && when >= sl->next_change))
		return 0;
	sl->next_change = when;
	snprintf(sl->next_who, sizeof(sl->next_who), "%s", sl->current_plugin ? sl->current_plugin : "?");
	snprintf(sl->next_why, sizeof(sl->next_why), "%s", why);
	return 0;
}

int64_t sitelua_next_change(const struct sitelua *sl, const char **who, const char **why)
{
	*who = sl->next_who;
	*why = sl->next_why;
	return sl->next_change;
}

static const luaL_Reg loa_funcs[] = {
	{ "slugify", l_slugify },   { "fold", l_fold },         { "sort_key", l_sort_key },
	{ "collate", l_collate },   { "format_date", l_format_date },
	{ "add_page", l_add_page }, { "add_file", l_add_file }, { "on", l_on },
	{ "filter", l_filter },     { "global", l_global },     { "shortcode", l_shortcode },
	{ "read", l_read },         { "search_index", l_search_index },
	{ "next_change", l_next_change },
	{ "page_summary", l_page_summary }, { NULL, NULL },
};

static int context_volatile(lua_State *L)
{
	struct sitelua *sl = lua_touserdata(L, lua_upvalueindex(1));
	if (lua_type(L, 2) != LUA_TSTRING || strcmp(lua_tostring(L, 2), "now") != 0)
		return 0;
	lua_pushstring(L, sl->today_iso);
	sl->untracked |= sl->collected;
	return 1;
}

static int site_volatile(lua_State *L)
{
	struct sitelua *sl = lua_touserdata(L, lua_upvalueindex(1));
	const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "";
	if (strcmp(k, "commit") == 0)
		lua_pushstring(L, repo_commit_id(sl->site->repo));
	else if (strcmp(k, "today") == 0)
		lua_pushstring(L, sl->today_iso);
	else if (strcmp(k, "now") == 0)
		lua_pushinteger(L, (lua_Integer)sl->site->opts.now);
	else
		return 0;
	sl->untracked |= sl->collected;
	return 1;
}

/* A render context's `now` (today), through a metatable for the same
 * reason as the site table's clock; a context with a metatable of its
 * own gets it as a plain field. */
static void set_context_now(lua_State *L, struct sitelua *sl)
{
	if (lua_getmetatable(L, -1)) {
		lua_pop(L, 1);
		lua_pushstring(L, sl->today_iso);
		lua_setfield(L, -2, "now");
		return;
	}
	lua_createtable(L, 0, 1);
	lua_pushlightuserdata(L, sl);
	lua_pushcclosure(L, context_volatile, 1);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
}

/* The menu of a site.yaml without `menu:`: the pages every site has, named
 * in the site's language by the theme's i18n (home, news, schools, plans,
 * search), in Vietnamese when the theme has no such key. */
static void push_default_menu(lua_State *L, const struct value *i18n)
{
	static const struct {
		const char *key, *fallback, *url;
	} items[] = {
		{ "home", "Trang chủ", "/" },		{ "news", "Tin tức", "/tin-tuc/" },
		{ "schools", "Trường điểm", "/truong/" }, { "plans", "Kế hoạch", "/ke-hoach/" },
		{ "search", "Tìm kiếm", "/tim-kiem/" },
	};
	size_t n = sizeof(items) / sizeof(*items);
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		const struct value *v = value_get(i18n, items[i].key);
		lua_createtable(L, 0, 2);
		set_str(L, "name", v && v->kind == VALUE_SCALAR && v->len ? v->str : items[i].fallback);
		set_str(L, "url", items[i].url);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

static void push_site_table(lua_State *L, struct sitelua *sl, const struct value *i18n)
{
	const struct site_config *c = &sl->site->config;
	lua_createtable(L, 0, 16);
	set_str(L, "title", c->title);
	set_str(L, "description", c->description);
	set_str(L, "base_url", c->base_url);
	set_str(L, "lang", c->language);
	set_str(L, "timezone", c->timezone);
	lua_pushinteger(L, c->page_size);
	lua_setfield(L, -2, "page_size");
	lua_createtable(L, 0, 2);
	lua_pushinteger(L, c->outreach_monthly);
	lua_setfield(L, -2, "monthly");
	lua_pushinteger(L, c->outreach_semester_policy);
	lua_setfield(L, -2, "semester_policy");
	lua_setfield(L, -2, "outreach");
	/* `menu:` written (even empty) is the site's; absent, the default */
	const struct value *menu = value_get(c->root, "menu");
	if (menu)
		push_value(L, menu);
	else
		push_default_menu(L, i18n);
	lua_setfield(L, -2, "menu");
	push_value(L, c->root);
	lua_setfield(L, -2, "params");
	/* the commit, the clock and the day change from build to build: read
	 * through the metatable, so that a render that shows them is never
	 * cached (what plugins compute from them in stage handlers is data,
	 * which the keys cover) */
	lua_createtable(L, 0, 1);
	lua_pushlightuserdata(L, sl);
	lua_pushcclosure(L, site_volatile, 1);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
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

	push_site_table(L, sl, i18n);
	sl->site_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	push_value(L, i18n);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_newtable(L);
	}
	sl->t_ref = luaL_ref(L, LUA_REGISTRYINDEX);

	sl->render_self = SITELUA_NO_PAGE;
	lua_newtable(L); /* page table → index */
	lua_createtable(L, 0, 1); /* the page tables' metatable */
	lua_pushlightuserdata(L, sl);
	lua_pushcclosure(L, page_volatile, 1);
	lua_setfield(L, -2, "__index");
	lua_createtable(L, (int)s->npages, 0);
	for (size_t i = 0; i < s->npages; i++) {
		push_page(L, sl, s->pages[i]);
		lua_pushvalue(L, -3);
		lua_setmetatable(L, -2);
		lua_pushvalue(L, -1);
		lua_pushinteger(L, (lua_Integer)i);
		lua_rawset(L, -6);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
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
	lua_newtable(L); /* content pages only, for loa.pages */
	for (size_t i = 0, n = 0; i < s->npages; i++) {
		if (s->pages[i]->kind == PAGE_SECTION || s->pages[i]->kind == PAGE_HOME)
			continue;
		lua_rawgeti(L, -2, (lua_Integer)i + 1);
		lua_rawseti(L, -2, (lua_Integer)++n);
	}
	int content_idx = lua_gettop(L);
	lua_pushvalue(L, all_idx);
	sl->pages_ref = luaL_ref(L, LUA_REGISTRYINDEX);

	lua_newtable(L);
	sl->extras_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_newtable(L);
	sl->shortcodes_ref = luaL_ref(L, LUA_REGISTRYINDEX);

	/* the loa module */
	lua_newtable(L);
	lua_pushlightuserdata(L, sl);
	luaL_setfuncs(L, loa_funcs, 1);
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

	/* prelude.lua, called with (loa, content pages), adds the rest of loa */
	luavm_new_env(vm);
	if (luavm_load(vm, "loa/prelude.lua", prelude_lua, prelude_lua_len, d) < 0) {
		lua_settop(L, top);
		sitelua_free(sl);
		return -1;
	}
	lua_pushvalue(L, -2);           /* loa */
	lua_pushvalue(L, content_idx);  /* content pages */
	if (luavm_call(vm, 2, 0, d) < 0) {
		lua_settop(L, top);
		sitelua_free(sl);
		return -1;
	}
	LUAVM_CHECK_TOP(vm, content_idx + 1); /* all pages, content pages, loa */
	lua_settop(L, top);
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
	}
	free(sl->extras);
	free(sl->deps);
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
	for (size_t i = 0; i < sl->nhandlers; i++) {
		if (strcmp(sl->handlers[i].stage, stage) != 0)
			continue;
		lua_rawgeti(L, LUA_REGISTRYINDEX, sl->handlers[i].ref);
		sl->current_plugin = sl->handlers[i].plugin;
		if (luavm_call(sl->vm, 0, 0, d) < 0)
			err = -1;
		sl->current_plugin = NULL;
		LUAVM_CHECK_TOP(sl->vm, top);
		if (err)
			break;
	}
	return err;
}

int sitelua_collect(struct sitelua *sl, struct diag_list *d)
{
	lua_State *L = luavm_state(sl->vm);
	struct site *s = sl->site;
	int err = 0;
	int top = lua_gettop(L);
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
		if (is_page) {
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
			set_context_now(L, sl);
			lua_getfield(L, -1, "page");
			if (lua_istable(L, -1)) {
				lua_getfield(L, -1, "path");
				if (lua_type(L, -1) == LUA_TSTRING)
					e->source = xstrdup(lua_tostring(L, -1));
				lua_pop(L, 1);
			}
			lua_pop(L, 1);
		} else {
			lua_getfield(L, -1, "content");
			lua_replace(L, -2);
		}
		e->ref = luaL_ref(L, LUA_REGISTRYINDEX);
		lua_pop(L, 1);
	}
	LUAVM_CHECK_TOP(sl->vm, top + 1); /* the extras */
	lua_pop(L, 1);
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

int sitelua_render_page(struct sitelua *sl, size_t page_index, const char *body_html,
			size_t body_len, struct buf *out, struct diag_list *d)
{
	lua_State *L = luavm_state(sl->vm);
	lua_createtable(L, 0, 4);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->site_ref);
	lua_setfield(L, -2, "site");
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->t_ref);
	lua_setfield(L, -2, "t");
	set_context_now(L, sl);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->pages_ref);
	lua_rawgeti(L, -1, (lua_Integer)page_index + 1);
	template_push_safe(L, body_html, body_len);
	lua_setfield(L, -2, "content");
	lua_setfield(L, -3, "page");
	lua_pop(L, 1);

	char name[128];
	const struct page *p = sl->site->pages[page_index];
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

int sitelua_render_extra(struct sitelua *sl, size_t i, const char *body_html, size_t body_len,
			 struct buf *out, struct diag_list *d)
{
	lua_State *L = luavm_state(sl->vm);
	const struct extra_output *e = &sl->extras[i];
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref);
	if (!e->layout) {
		size_t len;
		const char *s = lua_tolstring(L, -1, &len);
		buf_add(out, s, len);
		lua_pop(L, 1);
		return 0;
	}
	if (body_html) {
		lua_getfield(L, -1, "page");
		if (lua_istable(L, -1)) {
			template_push_safe(L, body_html, body_len);
			lua_setfield(L, -2, "content");
		}
		lua_pop(L, 1);
	}
	return theme_render(sl->theme, e->layout, out, d);
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
	/* where the function was defined, for a result that is not a string */
	lua_Debug ar;
	char where[256] = "";
	int where_line = 0;
	lua_pushvalue(L, -1);
	if (lua_getinfo(L, ">S", &ar) && ar.source[0] == '@') {
		snprintf(where, sizeof(where), "%s", ar.source + 1);
		where_line = ar.linedefined;
	}
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

/* ---- incremental builds: the state renders read, as key fields ------------- */

/* The table mapping page tables (and the site and t tables) to the names
 * keys use for them, made once. */
static void push_key_refs(struct sitelua *sl)
{
	lua_State *L = luavm_state(sl->vm);
	if (sl->key_refs_ref) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, sl->key_refs_ref);
		return;
	}
	lua_newtable(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->pages_ref);
	for (size_t i = 0; i < sl->site->npages; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		lua_pushfstring(L, "p%d", (int)i);
		lua_rawset(L, -4);
	}
	lua_pop(L, 1);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->site_ref);
	lua_pushliteral(L, "site");
	lua_rawset(L, -3);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->t_ref);
	lua_pushliteral(L, "t");
	lua_rawset(L, -3);
	lua_pushvalue(L, -1);
	sl->key_refs_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

void sitelua_key_state(struct sitelua *sl, struct buf *k)
{
	lua_State *L = luavm_state(sl->vm);
	int top = lua_gettop(L);
	push_key_refs(sl);
	int refs = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->site_ref);
	luakey_value(L, -1, refs, k);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->t_ref);
	luakey_value(L, -1, refs, k);
	theme_push_registered(sl->theme, "globals");
	luakey_value(L, -1, refs, k);
	theme_push_registered(sl->theme, "filters");
	luakey_value(L, -1, refs, k);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->shortcodes_ref);
	luakey_value(L, -1, refs, k);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->pages_ref);
	key_add_i64(k, (int64_t)sl->site->npages);
	for (size_t i = 0; i < sl->site->npages; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		luakey_value(L, -1, refs, k);
		lua_pop(L, 1);
	}
	lua_settop(L, top);
}

void sitelua_key_extra(struct sitelua *sl, size_t i, struct buf *k)
{
	lua_State *L = luavm_state(sl->vm);
	const struct extra_output *e = &sl->extras[i];
	int top = lua_gettop(L);
	key_add_str(k, e->url);
	key_add_str(k, e->out_path);
	key_add_str(k, e->layout);
	key_add_str(k, e->source);
	push_key_refs(sl);
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref);
	luakey_value(L, -1, top + 1, k);
	lua_settop(L, top);
}

void sitelua_render_begin(struct sitelua *sl, size_t page_index)
{
	sl->untracked = false;
	sl->ndeps = 0;
	sl->render_self = page_index;
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

const size_t *sitelua_deps(struct sitelua *sl, size_t *n)
{
	size_t k = 0;
	if (sl->ndeps)
		qsort(sl->deps, sl->ndeps, sizeof(*sl->deps), cmp_size);
	for (size_t i = 0; i < sl->ndeps; i++)
		if (!k || sl->deps[k - 1] != sl->deps[i])
			sl->deps[k++] = sl->deps[i];
	sl->ndeps = k;
	*n = k;
	return sl->deps;
}
