/* sitelua_api — the functions of the `loa` plugin module written in C
 * (text, dates, adding pages and files, stages, filters, globals,
 * shortcodes, loa.read, the search index, next_change). What is easier in
 * Lua (loa.pages, loa.paginate, loa.sort) is in prelude.lua. */
#include "plugin/sitelua_internal.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/spill.h"
#include "base/strmap.h"
#include "base/xalloc.h"
#include "content/text.h"
#include "template/template.h"
#include "template/theme.h"
#include "search/search_lua.h"
#include "site/site.h"
#include "site/urls.h"
#include "source/repo.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The site zone's offset at the instant d names (a zone's offset can
 * change over the years). */
static int zone_offset(const struct sitelua *sl, const struct date *d)
{
	return text_tz_offset(sl->site->text, date_to_epoch(d, sl->site->tz_offset));
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
		date_format_rfc3339(out, &d, zone_offset(upvalue_sl(L), &d));
	else if (strcmp(style, "utc") == 0) /* iCalendar's DTSTAMP */
		date_format_utc(out, &d, zone_offset(upvalue_sl(L), &d));
	else
		date_format_short(out, &d);
	lua_pushstring(L, out);
	return 1;
}

/* A handler's content function runs in the worker that writes its file
 * (sitelua_memo_make): an effect there would reach no other page. */
static void check_not_in_content(lua_State *L, const struct sitelua *sl, const char *fn)
{
	if (sl->collected && sl->memo.depth)
		luaL_error(L, "%s: not in a content function: it runs when the file is written, "
			   "after every handler", fn);
}

/* Raises an error when fn is called after the pages were collected. */
static void check_not_late(lua_State *L, struct sitelua *sl, const char *fn)
{
	check_not_in_content(L, sl, fn);
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
static void add_extra(lua_State *L, struct sitelua *sl, const char *field,
		      const struct memo_deferral *data)
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
	if (data) {
		lua_pushstring(L, data->key);
		lua_setfield(L, -2, "data_key");
		lua_pushinteger(L, (lua_Integer)data->nambient);
		lua_setfield(L, -2, "data_nambient");
		lua_pushboolean(L, data->today);
		lua_setfield(L, -2, "data_today");
	}
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	lua_pop(L, 1);
}

/* loa.add_page{url=, layout=, ..., data=}: the table itself is the template
 * context; data, a function, is called by the page's render (in a worker)
 * and its table's fields replace the context's (docs/plugins.md) */
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
	lua_getfield(L, 1, "data");
	int data = lua_type(L, -1);
	if (data != LUA_TNIL && data != LUA_TFUNCTION)
		return luaL_error(L, "loa.add_page: 'data' must be a function");
	/* what the stages read before this call, which the function's
	 * upvalues may hold: "" when no key covers it */
	struct memo_deferral later = { "", 0, false, false };
	if (data == LUA_TFUNCTION)
		sitelua_memo_data_key(sl, later.key, &later.nambient, &later.today);
	lua_pop(L, 3);
	add_extra(L, sl, "ctx", data == LUA_TFUNCTION ? &later : NULL);
	return 0;
}

/* loa.memo(name, function() … end): the function's value, plain data,
 * kept in the build cache (sitelua_memo.c, docs/plugins.md) */
static int l_memo(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	const char *name = luaL_checkstring(L, 1);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	return sitelua_memo_value(L, sl, name, 2);
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
	if (lua_type(L, -1) == LUA_TFUNCTION) {
		/* content = function() … end: kept in the build cache with what
		 * it read (sitelua_memo.c); the file's render, in a worker,
		 * takes it from there or calls the function (outside a
		 * handler, it is called now and the string pushed) */
		struct memo_deferral later;
		if (sitelua_memo_content(L, sl, lua_gettop(L), url, &later) == 0) {
			lua_createtable(L, 0, 5);
			lua_pushstring(L, url);
			lua_setfield(L, -2, "url");
			lua_pushvalue(L, -2);
			lua_setfield(L, -2, "content_fn");
			lua_pushstring(L, later.key);
			lua_setfield(L, -2, "memo_key");
			lua_pushinteger(L, (lua_Integer)later.nambient);
			lua_setfield(L, -2, "memo_nambient");
			lua_pushboolean(L, later.today);
			lua_setfield(L, -2, "memo_today");
			lua_pushboolean(L, later.hit);
			lua_setfield(L, -2, "memo_hit");
			lua_replace(L, 1);
			lua_settop(L, 1);
			add_extra(L, sl, "file", NULL);
			return 0;
		}
	} else if (lua_type(L, -1) != LUA_TSTRING) {
		return luaL_error(L, "loa.add_file: 'content' must be a string or a function");
	}
	/* the bytes leave the Lua state now (base/spill.h): the string is
	 * the plugin's garbage from here, not held until the collection
	 * while the next plugins run */
	size_t len;
	const char *bytes = lua_tolstring(L, -1, &len);
	if (!sl->files)
		sl->files = spill_open(NULL);
	size_t id = spill_add(sl->files, bytes, len);
	lua_createtable(L, 0, 3);
	lua_pushstring(L, url);
	lua_setfield(L, -2, "url");
	lua_pushinteger(L, (lua_Integer)id);
	lua_setfield(L, -2, "content_id");
	if (sl->memo.cache) {
		char digest[KEY_LEN + 1];
		key_digest(bytes, len, digest);
		lua_pushstring(L, digest);
		lua_setfield(L, -2, "bytes_key");
	}
	lua_replace(L, 1);
	lua_settop(L, 1);
	add_extra(L, sl, "file", NULL);
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
	sitelua_deps_untracked(sl);
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

/* the bodies the index reads are the call's reads, as loa.page_html's:
 * its result is the documents' values and those bodies' */
static void search_read_body(void *ctx, size_t page)
{
	sitelua_deps_body(ctx, page);
}

static int l_search_index(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	return search_lua_index(L, sl->site, search_read_body, sl);
}

/* loa.search_index_begin(docs, opts) → a job whose :files() returns what
 * loa.search_index would: in the plugin stage the indexing runs on a
 * thread meanwhile, finished at the latest when the outputs are collected */
static int l_search_index_begin(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	return search_lua_begin(L, sl->site, !sl->collected, search_read_body, sl);
}

static int l_page_summary(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	size_t i;
	if (strmap_get(&sl->site->page_by_path, luaL_checkstring(L, 1), &i))
		sitelua_deps_body(sl, i);
	else
		sitelua_deps_untracked(sl); /* a page that may exist tomorrow */
	return search_lua_summary(L, sl->site);
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
	check_not_in_content(L, sl, "loa.next_change");
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

/* loa.absolute_url(path): base_url joined to path by urls.h's rule */
static int l_absolute_url(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	char *abs = urls_absolute(sl->site->config.base_url, luaL_checkstring(L, 1));
	lua_pushstring(L, abs);
	free(abs);
	return 1;
}

/* loa.xml_text(s): s as XML text — & < > " ' escaped, and the control
 * characters XML 1.0 forbids dropped. In C because feeds escape whole
 * articles: the same in Lua (two gsubs) was 3 s of a 10,000-page build. */
/* the escaped text of s[0..len), the forbidden controls dropped */
/* the bytes add_xml_text replaces: html_entity's five, and the controls
 * XML 1.0 forbids (one table lookup a byte: a feed escapes its articles'
 * whole HTML) */
static const bool xml_special[256] = {
	[0x00] = true, [0x01] = true, [0x02] = true, [0x03] = true, [0x04] = true,
	[0x05] = true, [0x06] = true, [0x07] = true, [0x08] = true, [0x0b] = true,
	[0x0c] = true, [0x0e] = true, [0x0f] = true, [0x10] = true, [0x11] = true,
	[0x12] = true, [0x13] = true, [0x14] = true, [0x15] = true, [0x16] = true,
	[0x17] = true, [0x18] = true, [0x19] = true, [0x1a] = true, [0x1b] = true,
	[0x1c] = true, [0x1d] = true, [0x1e] = true, [0x1f] = true, ['&'] = true,
	['<'] = true,  ['>'] = true,  ['"'] = true,  ['\''] = true,
};

static void add_xml_text(luaL_Buffer *b, const char *s, size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!xml_special[c])
			continue;
		const char *rep = html_entity(c);
		if (!rep)
			rep = ""; /* forbidden in XML 1.0 */
		luaL_addlstring(b, s + start, i - start);
		luaL_addstring(b, rep);
		start = i + 1;
	}
	luaL_addlstring(b, s + start, len - start);
}

static int l_xml_text(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	add_xml_text(&b, s, len);
	luaL_pushresult(&b);
	return 1;
}

/* loa.rel_url(path): path below base_url's sub-path, the theme's rel_url */
static int l_rel_url(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	char *url = urls_rooted(sl->site->config.base_path, luaL_checkstring(L, 1));
	lua_pushstring(L, url);
	free(url);
	return 1;
}

static int l_urls_readonly(lua_State *L)
{
	return luaL_error(L, "loa.urls is read-only (the URL table is generator/site/urls.h)");
}

void sitelua_api_push_urls(lua_State *L)
{
	lua_createtable(L, 0, URL_COUNT + 1);
	for (int i = 0; i < URL_COUNT; i++) {
		lua_pushstring(L, urls_path((enum url_id)i));
		lua_setfield(L, -2, urls_name((enum url_id)i));
	}
	lua_pushstring(L, URLS_PAGE_WORD);
	lua_setfield(L, -2, "page_word");
}

/* loa.urls: name → URL of urls.h's table, and page_word; read-only (an
 * empty proxy whose metatable reads the table and refuses writes). */
static void push_urls(lua_State *L)
{
	lua_createtable(L, 0, 0);                    /* proxy */
	lua_createtable(L, 0, 3);                    /* proxy, metatable */
	sitelua_api_push_urls(L);                    /* proxy, metatable, table */
	lua_setfield(L, -2, "__index");              /* proxy, metatable */
	lua_pushcfunction(L, l_urls_readonly);
	lua_setfield(L, -2, "__newindex");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);                     /* proxy */
}

static const luaL_Reg loa_funcs[] = {
	{ "slugify", l_slugify },   { "fold", l_fold },         { "sort_key", l_sort_key },
	{ "collate", l_collate },   { "format_date", l_format_date },
	{ "add_page", l_add_page }, { "add_file", l_add_file }, { "on", l_on },
	{ "filter", l_filter },     { "global", l_global },     { "shortcode", l_shortcode },
	{ "read", l_read },         { "search_index", l_search_index },
	{ "search_index_begin", l_search_index_begin },
	{ "next_change", l_next_change },
	{ "page_summary", l_page_summary }, { "absolute_url", l_absolute_url },
	{ "rel_url", l_rel_url },   { "xml_text", l_xml_text },
	{ "page_html", sitelua_l_page_html }, /* readers */
	{ "memo", l_memo },
	{ NULL, NULL },
};

void sitelua_api_register(lua_State *L, struct sitelua *sl)
{
	lua_pushlightuserdata(L, sl);
	luaL_setfuncs(L, loa_funcs, 1);
	push_urls(L);
	lua_setfield(L, -2, "urls");
}
