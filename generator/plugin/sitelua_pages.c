/* sitelua_pages — C→Lua marshalling: the page tables templates and
 * plugins read, the site table, and the fields that change by themselves
 * (lastmod, authors, the clock, the commit), read through metatables so
 * that the render reading them is recorded (sitelua_deps.c). */
#include "plugin/sitelua_internal.h"
#include "base/buf.h"
#include "base/value.h"
#include "base/xalloc.h"
#include "content/text.h"
#include "site/site.h"
#include "site/urls.h"
#include "source/repo.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- value trees and C strings to Lua ---------------------------------- */

static void set_str(lua_State *L, const char *key, const char *s)
{
	if (!s)
		return;
	lua_pushstring(L, s);
	lua_setfield(L, -2, key);
}

void sitelua_pages_push_value(lua_State *L, const struct value *v)
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
			sitelua_pages_push_value(L, v->items[i]);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	case VALUE_MAP:
		lua_createtable(L, 0, (int)v->n);
		for (size_t i = 0; i < v->n; i++) {
			sitelua_pages_push_value(L, v->items[2 * i + 1]);
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
size_t sitelua_page_index(lua_State *L, struct sitelua *sl, int idx)
{
	idx = lua_absindex(L, idx);
	const void *table = lua_type(L, idx) == LUA_TTABLE ? lua_topointer(L, idx) : NULL;
	enum { MEMO_SLOTS = sizeof(sl->index_memo) / sizeof(*sl->index_memo) };
	/* tables are at least 16-byte aligned: the bits above pick the slot */
	struct page_index_memo *m = &sl->index_memo[((uintptr_t)table >> 4) % MEMO_SLOTS];
	if (table && m->table == table)
		return m->index;
	lua_rawgeti(L, LUA_REGISTRYINDEX, sl->page_index_ref);
	lua_pushvalue(L, idx);
	lua_rawget(L, -2);
	size_t i = lua_isinteger(L, -1) ? (size_t)lua_tointeger(L, -1) : SITELUA_NO_PAGE;
	lua_pop(L, 2);
	if (table && i != SITELUA_NO_PAGE)
		*m = (struct page_index_memo){ table, i };
	return i;
}

/* __index of page tables: the volatile fields, computed on each read and
 * recorded as a dependency of the render under way; and, during a page's
 * own render, its content and auto_summary (sitelua_render.c). */
static int page_volatile(lua_State *L)
{
	struct sitelua *sl = lua_touserdata(L, lua_upvalueindex(1));
	const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "";
	bool lastmod = strcmp(k, "lastmod") == 0, authors = strcmp(k, "authors") == 0;
	if (!lastmod && !authors) {
		bool content = strcmp(k, "content") == 0;
		if ((!content && strcmp(k, "auto_summary") != 0) ||
		    sl->served_page == SITELUA_NO_PAGE ||
		    sitelua_page_index(L, sl, 1) != sl->served_page)
			return 0;
		lua_rawgeti(L, LUA_REGISTRYINDEX,
			    content ? sl->served_content_ref : sl->served_summary_ref);
		return 1;
	}
	size_t i = sitelua_page_index(L, sl, 1);
	if (i == SITELUA_NO_PAGE)
		return 0;
	const struct page *p = sl->site->pages[i];
	sitelua_deps_volatile(sl, i);
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

void sitelua_pages_push_metatable(lua_State *L, struct sitelua *sl)
{
	lua_createtable(L, 0, 1);
	lua_pushlightuserdata(L, sl);
	lua_pushcclosure(L, page_volatile, 1);
	lua_setfield(L, -2, "__index");
	sitelua_deps_watch(L, sl, lua_gettop(L));
}

void sitelua_pages_push(lua_State *L, struct sitelua *sl, struct page *p)
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
	char *abs = urls_absolute(s->config.base_url, p->url);
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
		size_t n;
		const char *slug = urls_tag_slug(url, &n);
		lua_pushlstring(L, slug ? slug : "", n);
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
	sitelua_pages_push_value(L, p->front);
	lua_setfield(L, -2, "params");

	if (p->kind == PAGE_NEWS) {
		set_str(L, "category", news_category_name(p->category));
		set_str(L, "author", p->author);
		lua_pushboolean(L, p->pinned); /* readers: announcements */
		lua_setfield(L, -2, "pinned");
		set_date(L, "until", &p->until);
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
	if (p->kind == PAGE_DOCUMENT) { /* centre */
		set_str(L, "number", p->number);
		set_date(L, "issued", &p->issued);
		set_str(L, "issuer", p->issuer);
		set_str(L, "signer", p->signer);
		set_str(L, "type", p->doc_type);
	}
	buf_release(&b);
}

static int context_volatile(lua_State *L)
{
	struct sitelua *sl = lua_touserdata(L, lua_upvalueindex(1));
	if (lua_type(L, 2) != LUA_TSTRING || strcmp(lua_tostring(L, 2), "now") != 0)
		return 0;
	lua_pushstring(L, sl->today_iso);
	sitelua_deps_untracked(sl);
	return 1;
}

static int site_volatile(lua_State *L)
{
	struct sitelua *sl = lua_touserdata(L, lua_upvalueindex(1));
	const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "";
	if (strcmp(k, "today") == 0) {
		lua_pushstring(L, sl->today_iso);
		sitelua_deps_today(sl);
		return 1;
	}
	if (strcmp(k, "commit") == 0)
		lua_pushstring(L, repo_commit_id(sl->site->repo));
	else if (strcmp(k, "now") == 0)
		lua_pushinteger(L, (lua_Integer)sl->site->opts.now);
	else
		return 0;
	sitelua_deps_untracked(sl);
	return 1;
}

/* A render context's `now` (today), through a metatable for the same
 * reason as the site table's clock; a context with a metatable of its
 * own gets it as a plain field. */
void sitelua_pages_set_now(lua_State *L, struct sitelua *sl)
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
		const char *key, *fallback;
		enum url_id url;
	} items[] = {
		{ "home", "Trang chủ", URL_home },	 { "news", "Tin tức", URL_news },
		{ "schools", "Trường điểm", URL_schools }, { "plans", "Kế hoạch", URL_plans },
		{ "parents_corner", "Góc phụ huynh", URL_category_parents },
		{ "search", "Tìm kiếm", URL_search },
	};
	size_t n = sizeof(items) / sizeof(*items);
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		const struct value *v = value_get(i18n, items[i].key);
		lua_createtable(L, 0, 2);
		set_str(L, "name", v && v->kind == VALUE_SCALAR && v->len ? v->str : items[i].fallback);
		set_str(L, "url", urls_path(items[i].url));
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

void sitelua_pages_push_site(lua_State *L, struct sitelua *sl, const struct value *i18n)
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
	/* centre: the months that carry a target, and whether reports are public */
	lua_createtable(L, 12, 0);
	for (int m = 1, i = 0; m <= 12; m++)
		if (c->outreach_months & (1u << m)) {
			lua_pushinteger(L, m);
			lua_rawseti(L, -2, ++i);
		}
	lua_setfield(L, -2, "months");
	lua_pushboolean(L, c->outreach_public);
	lua_setfield(L, -2, "public");
	lua_setfield(L, -2, "outreach");
	sitelua_api_push_urls(L); /* the URL table, for the theme (site.urls.news) */
	lua_setfield(L, -2, "urls");
	/* `menu:` written (even empty) is the site's; absent, the default */
	const struct value *menu = value_get(c->root, "menu");
	if (menu)
		sitelua_pages_push_value(L, menu);
	else
		push_default_menu(L, i18n);
	lua_setfield(L, -2, "menu");
	sitelua_pages_push_value(L, c->root);
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
