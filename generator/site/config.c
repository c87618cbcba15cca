/* config — reads site.yaml into struct site_config, with SPEC's defaults. */
#include "site/config.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/value.h"
#include "content/frontmatter.h"
#include "content/schema.h"
#include "base/suggest.h"
#include "site/urls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_defaults(struct site_config *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	c->path = path;
	c->title = "Loa";
	c->description = "";
	c->base_url = "/";
	c->base_path = "";
	c->language = "vi";
	c->timezone = "Asia/Ho_Chi_Minh";
	c->theme = "default";
	c->content_dir = "content";
	c->permalink_news = URLS_PERMALINK_NEWS;
	c->permalink_centre_news = URLS_PERMALINK_CENTRE_NEWS;
	c->permalink_school = URLS_PERMALINK_SCHOOL;
	c->permalink_plan = URLS_PERMALINK_PLAN;
	c->page_size = 10;
	c->outreach_monthly = 4;
	c->outreach_semester_policy = 3;
	/* centre: September to May carry a target; June-August are counted only */
	c->outreach_months = 0x3E | 0x1E00;
	c->max_file_size = 2u * 1024 * 1024;
	c->max_files = 100000;
	c->render_timeout_ms = 5000;
	c->render_memory = 512u * 1024 * 1024;
	c->plugin_seconds = 60;
	c->max_removed = 0.2;
	c->sitemap_urls = 50000;
}

/* A share from 0 to 1: 0.2 or 20% */
static int get_share(const struct site_config *c, const struct value *map, const char *key,
		     double *out, struct diag_list *d)
{
	const struct value *v = value_get(map, key);
	if (!v || value_is_null(v))
		return 0;
	char *end = NULL;
	errno = 0;
	double x = v->kind == VALUE_SCALAR && v->plain ? strtod(v->str, &end) : -1;
	if (end && *end == '%' && end[1] == '\0' && end != v->str) {
		x /= 100;
		end++;
	}
	if (v->kind != VALUE_SCALAR || !v->plain || !end || *end || end == v->str || errno ||
	    !(x >= 0 && x <= 1))
		return diag_error(d, c->path, v->line, v->col,
				  "'%s' must be a share from 0 to 1 (0.2) or a percentage (20%%)", key);
	*out = x;
	return 0;
}

/* A permalink pattern: every :token one expand_permalink knows. Checked
 * once here so that a typo stops the build instead of dropping every page
 * of a kind. */
static int check_permalink(const struct site_config *c, const struct value *map,
			   const char *key, const char *pattern, struct diag_list *d)
{
	static const char *const tokens[] = { "slug", "school", "filename", "section", "year",
					      "month" };
	const struct value *v = value_get(map, key);
	if (!v || value_is_null(v))
		return 0;
	if (pattern[0] != '/')
		return diag_error(d, c->path, v->line, v->col,
				  "permalink '%s' must start with '/'", pattern);
	for (const char *q = pattern; *q; q++) {
		if (*q != ':')
			continue;
		const char *start = ++q;
		while ((*q >= 'a' && *q <= 'z') || *q == '_')
			q++;
		size_t n = (size_t)(q - start);
		bool known = false;
		for (size_t i = 0; i < sizeof(tokens) / sizeof(*tokens) && !known; i++)
			known = strlen(tokens[i]) == n && strncmp(tokens[i], start, n) == 0;
		if (!known)
			return diag_error(d, c->path, v->line, v->col,
					  "permalink '%s': unknown token ':%.*s' (known: :slug, :school, "
					  ":filename, :section, :year, :month)",
					  pattern, (int)n, start);
		q--;
	}
	return 0;
}

static int get_string(const struct site_config *c, const struct value *map, const char *key,
		      const char **out, struct diag_list *d)
{
	const struct value *v = value_get(map, key);
	if (!v || value_is_null(v))
		return 0;
	if (v->kind != VALUE_SCALAR)
		return diag_error(d, c->path, v->line, v->col, "'%s' must be text", key);
	*out = v->str;
	return 0;
}

static int get_int(const struct site_config *c, const struct value *map, const char *key,
		   long min, long max, long *out, struct diag_list *d)
{
	const struct value *v = value_get(map, key);
	if (!v || value_is_null(v))
		return 0;
	char *end = NULL;
	errno = 0;
	long n = v->kind == VALUE_SCALAR && v->plain ? strtol(v->str, &end, 10) : 0;
	if (v->kind != VALUE_SCALAR || !v->plain || !end || *end || end == v->str || errno ||
	    n < min || n > max)
		return diag_error(d, c->path, v->line, v->col,
				  "'%s' must be a whole number from %ld to %ld", key, min, max);
	*out = n;
	return 0;
}

static int get_bool(const struct site_config *c, const struct value *map, const char *key,
		    bool *out, struct diag_list *d)
{
	const struct value *v = value_get(map, key);
	if (!v || value_is_null(v))
		return 0;
	if (v->kind == VALUE_SCALAR && v->plain && strcmp(v->str, "true") == 0)
		*out = true;
	else if (v->kind == VALUE_SCALAR && v->plain && strcmp(v->str, "false") == 0)
		*out = false;
	else
		return diag_error(d, c->path, v->line, v->col, "'%s' must be true or false", key);
	return 0;
}

/* centre: outreach.months, a list of month numbers 1-12 */
static int get_months(const struct site_config *c, const struct value *map, unsigned *out,
		      struct diag_list *d)
{
	const struct value *v = value_get(map, "months");
	if (!v || value_is_null(v))
		return 0;
	if (v->kind != VALUE_LIST)
		return diag_error(d, c->path, v->line, v->col,
				  "'months' must be a list of month numbers from 1 to 12");
	unsigned mask = 0;
	for (size_t i = 0; i < v->n; i++) {
		const struct value *it = v->items[i];
		char *end = NULL;
		long m = it->kind == VALUE_SCALAR && it->plain ? strtol(it->str, &end, 10) : 0;
		if (it->kind != VALUE_SCALAR || !it->plain || !end || *end || end == it->str ||
		    m < 1 || m > 12)
			return diag_error(d, c->path, it->line, it->col,
					  "'months' must be a list of month numbers from 1 to 12");
		mask |= 1u << m;
	}
	*out = mask;
	return 0;
}

static int get_string_list(const struct site_config *c, struct arena *a, const struct value *v,
			   const char *key, const char ***out, size_t *n, struct diag_list *d)
{
	if (v->kind != VALUE_LIST)
		return diag_error(d, c->path, v->line, v->col, "'%s' must be a list", key);
	const char **items = arena_zalloc(a, (v->n + 1) * sizeof(*items));
	for (size_t i = 0; i < v->n; i++) {
		if (v->items[i]->kind != VALUE_SCALAR)
			return diag_error(d, c->path, v->items[i]->line, v->items[i]->col,
					  "items of '%s' must be text", key);
		items[i] = v->items[i]->str;
	}
	*out = items;
	*n = v->n;
	return 0;
}

static int load_schools(struct site_config *c, struct arena *a, const struct value *v,
			struct diag_list *d)
{
	if (v->kind != VALUE_MAP)
		return diag_error(d, c->path, v->line, v->col,
				  "'schools' must map each school's slug to its settings");
	c->schools = arena_zalloc(a, (v->n + 1) * sizeof(*c->schools));
	c->nschools = v->n;
	int err = 0;
	for (size_t i = 0; i < v->n; i++) {
		const struct value *k = v->items[2 * i], *s = v->items[2 * i + 1];
		struct school_access *sa = &c->schools[i];
		sa->school = k->str;
		const struct value *emails = value_get(s, "authors");
		if (s->kind != VALUE_MAP) {
			err = diag_error(d, c->path, s->line, s->col,
					 "settings of school '%s' must be a map", k->str);
			continue;
		}
		if (emails && get_string_list(c, a, emails, "authors", &sa->emails, &sa->nemails,
					      d) < 0)
			err = -1;
	}
	return err;
}

/* editor: {backend, repo, ...}. Unlike other maps, an unknown key here is
 * an error: a misspelt key would publish an editor that cannot log in. */
static int load_editor(struct site_config *c, struct arena *a, const struct value *root,
		       const struct value *v, struct diag_list *d)
{
	/* messages about the whole map name the line of `editor:` itself */
	const struct value *key = v;
	for (size_t i = 0; root->kind == VALUE_MAP && i < root->n; i++)
		if (root->items[2 * i + 1] == v)
			key = root->items[2 * i];
	static const char *const keys[] = { "backend", "repo", "branch", "base_url", "api_root",
					    "app_id", "proxy_url", "workflow" };
	static const char *const backends[] = { "gitea", "forgejo", "gitlab", "git-gateway",
						"test", "proxy" };
	if (v->kind != VALUE_MAP)
		return diag_error(d, c->path, key->line, key->col,
				  "'editor' must be a map (backend, repo, branch, base_url, ...)");
	struct key_check kc = { c->path, true, d, 0 };
	schema_check_map_keys(&kc, v, "editor", keys, sizeof(keys) / sizeof(*keys), NULL, 0);
	struct editor_config *e = arena_zalloc(a, sizeof(*e));
	e->branch = "main";
	e->line = key->line;
	int err = kc.unknown ? -1 : 0;
	err |= get_string(c, v, "backend", &e->backend, d);
	err |= get_string(c, v, "repo", &e->repo, d);
	err |= get_string(c, v, "branch", &e->branch, d);
	err |= get_string(c, v, "base_url", &e->base_url, d);
	err |= get_string(c, v, "api_root", &e->api_root, d);
	err |= get_string(c, v, "app_id", &e->app_id, d);
	err |= get_string(c, v, "proxy_url", &e->proxy_url, d);
	const struct value *b = value_get(v, "backend");
	if (!err && !e->backend)
		return diag_error(d, c->path, key->line, key->col,
				  "'editor' needs 'backend' (one of gitea, forgejo, gitlab, "
				  "git-gateway, test, proxy)");
	bool known = false;
	for (size_t i = 0; !err && i < sizeof(backends) / sizeof(*backends); i++)
		known |= strcmp(e->backend, backends[i]) == 0;
	if (!err && !known) {
		const char *s = suggest_closest(e->backend, backends,
						sizeof(backends) / sizeof(*backends));
		if (s)
			return diag_error(d, c->path, b->line, b->col,
					  "unknown editor backend '%.40s' (did you mean '%s'?)",
					  e->backend, s);
		return diag_error(d, c->path, b->line, b->col,
				  "unknown editor backend '%.40s' (known: gitea, forgejo, gitlab, "
				  "git-gateway, test, proxy)",
				  e->backend);
	}
	if (err)
		return -1;
	bool hosted = !strcmp(e->backend, "gitea") || !strcmp(e->backend, "forgejo") ||
		      !strcmp(e->backend, "gitlab");
	if (hosted && (!e->repo || !strchr(e->repo, '/'))) {
		const struct value *r = value_get(v, "repo");
		return diag_error(d, c->path, r ? r->line : key->line, r ? r->col : key->col,
				  "editor backend '%s' needs 'repo' as owner/name", e->backend);
	}
	/* a branch and a merge request per article where the host has them */
	e->workflow = !strcmp(e->backend, "forgejo") || !strcmp(e->backend, "gitlab") ||
		      !strcmp(e->backend, "git-gateway");
	err |= get_bool(c, v, "workflow", &e->workflow, d);
	static const char *const urls[] = { "base_url", "api_root", "proxy_url" };
	const char *const vals[] = { e->base_url, e->api_root, e->proxy_url };
	for (size_t i = 0; i < 3; i++)
		if (vals[i] && (strncmp(vals[i], "http://", 7) && strncmp(vals[i], "https://", 8))) {
			const struct value *u = value_get(v, urls[i]);
			err |= diag_error(d, c->path, u->line, u->col,
					  "'editor.%s' must be an http(s) URL", urls[i]);
		}
	if (err)
		return -1;
	c->editor = e;
	return 0;
}

/* "https://host/sub/" → "/sub"; "https://host/" and "/" → "". */
static const char *base_path_of(struct arena *a, const char *url)
{
	const char *p = strstr(url, "://");
	p = p ? strchr(p + 3, '/') : url;
	if (!p)
		return "";
	size_t n = strcspn(p, "?#");
	while (n && p[n - 1] == '/')
		n--;
	return n ? arena_strndup(a, p, n) : "";
}

int config_load(struct site_config *c, struct arena *a, const char *path, const char *src,
		size_t len, struct diag_list *d)
{
	static const struct yaml_limits limits = { 1024 * 1024, 32, 100000 };
	const struct value *root = NULL;
	set_defaults(c, path);
	if (src && len && frontmatter_parse_yaml(&root, a, path, src, len, &limits, d) < 0)
		return -1;
	c->root = root;
	if (!root)
		return 0;

	int err = 0;
	long n;
	const struct value *v;
	err |= get_string(c, root, "title", &c->title, d);
	err |= get_string(c, root, "description", &c->description, d);
	/* Hugo's names, read when Loa's own is absent (same meaning) */
	err |= get_string(c, root, value_get(root, "base_url") ? "base_url" :
				   value_get(root, "baseURL") ? "baseURL" : "baseurl",
			  &c->base_url, d);
	const char *lang_code = NULL;
	if (!value_get(root, "language") &&
	    get_string(c, root, "languageCode", &lang_code, d) == 0 && lang_code) {
		/* `vi-VN` → `vi`: Loa's languages are the i18n file names */
		char *l = arena_strndup(a, lang_code, strcspn(lang_code, "-_"));
		for (char *q = l; *q; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q - 'A' + 'a');
		c->language = l;
	}
	err |= get_string(c, root, "language", &c->language, d);
	err |= get_string(c, root, value_get(root, "timezone") ? "timezone" : "timeZone",
			  &c->timezone, d);
	err |= get_string(c, root, "theme", &c->theme, d);
	if ((v = value_get(root, "content"))) {
		err |= get_string(c, v, "dir", &c->content_dir, d);
	}
	if ((v = value_get(root, "permalinks"))) {
		err |= get_string(c, v, "news", &c->permalink_news, d);
		err |= get_string(c, v, "centre_news", &c->permalink_centre_news, d);
		err |= get_string(c, v, "school", &c->permalink_school, d);
		err |= get_string(c, v, "plan", &c->permalink_plan, d);
		if (!err)
			err |= check_permalink(c, v, "news", c->permalink_news, d) |
			       check_permalink(c, v, "centre_news", c->permalink_centre_news, d) |
			       check_permalink(c, v, "school", c->permalink_school, d) |
			       check_permalink(c, v, "plan", c->permalink_plan, d);
	}
	n = c->page_size;
	err |= get_int(c, root, value_get(root, "page_size") ? "page_size" : "paginate", 1, 1000,
		       &n, d);
	c->page_size = (int)n;
	if ((v = value_get(root, "outreach"))) {
		n = c->outreach_monthly;
		err |= get_int(c, v, "monthly", 0, 1000, &n, d);
		c->outreach_monthly = (int)n;
		n = c->outreach_semester_policy;
		err |= get_int(c, v, "semester_policy", 0, 1000, &n, d);
		c->outreach_semester_policy = (int)n;
		/* centre: outreach.public and outreach.months */
		err |= get_bool(c, v, "public", &c->outreach_public, d);
		err |= get_months(c, v, &c->outreach_months, d);
	}
	if ((v = value_get(root, "markdown")))
		err |= get_bool(c, v, "unsafe", &c->unsafe_html, d);
	if ((v = value_get(root, "limits"))) {
		n = (long)(c->max_file_size / 1024);
		err |= get_int(c, v, "file_size_kb", 1, 1024 * 1024, &n, d);
		c->max_file_size = (size_t)n * 1024;
		n = (long)c->max_files;
		err |= get_int(c, v, "max_files", 1, 10000000, &n, d);
		c->max_files = (size_t)n;
		n = c->render_timeout_ms / 1000;
		err |= get_int(c, v, "render_seconds", 1, 3600, &n, d);
		c->render_timeout_ms = (unsigned)n * 1000;
		n = (long)(c->render_memory / (1024 * 1024));
		err |= get_int(c, v, "render_memory_mb", 64, 65536, &n, d);
		c->render_memory = (size_t)n * 1024 * 1024;
		n = c->plugin_seconds;
		err |= get_int(c, v, "plugin_seconds", 1, 3600, &n, d);
		c->plugin_seconds = (unsigned)n;
		n = (long)(c->plugin_memory / (1024 * 1024));
		err |= get_int(c, v, "plugin_memory_mb", 64, 1024 * 1024, &n, d);
		c->plugin_memory = (size_t)n * 1024 * 1024;
		err |= get_share(c, v, "max_removed", &c->max_removed, d);
		n = (long)c->sitemap_urls;
		err |= get_int(c, v, "sitemap_urls", 1, 50000, &n, d);
		c->sitemap_urls = (size_t)n;
	}
	if ((v = value_get(root, "plugins")) && !value_is_null(v)) {
		c->plugins_given = true;
		err |= get_string_list(c, a, v, "plugins", &c->plugins, &c->nplugins, d);
	}
	if ((v = value_get(root, "schools")) && !value_is_null(v))
		err |= load_schools(c, a, v, d);
	if ((v = value_get(root, "editor")) && !value_is_null(v))
		err |= load_editor(c, a, root, v, d);
	if ((v = value_get(root, "centre")) && !value_is_null(v)) {
		const struct value *emails = value_get(v, "authors");
		if (v->kind != VALUE_MAP)
			err |= diag_error(d, path, v->line, v->col,
					  "'centre' must be a map (authors: the staff's emails)");
		else if (emails && !value_is_null(emails))
			err |= get_string_list(c, a, emails, "authors", &c->centre_emails,
					       &c->ncentre_emails, d);
	}
	if (strcmp(c->base_url, "/") != 0 && !schema_url_is_safe(c->base_url)) {
		v = value_get(root, "base_url");
		err |= diag_error(d, path, v ? v->line : 0, v ? v->col : 0,
				  "'base_url' must be an http(s) URL");
	}
	if (!err)
		c->base_path = base_path_of(a, c->base_url);
	return err ? -1 : 0;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

size_t config_check_keys(const struct site_config *c, bool strict, struct diag_list *d)
{
	static const char *const top[] = { "title", "description", "base_url", "language",
					   "timezone", "theme", "content", "permalinks",
					   "page_size", "outreach", "markdown", "limits",
					   "plugins", "schools", "menu", "params",
					   "editor", "centre" };
	/* Hugo's names config_load reads as Loa's */
	static const char *const hugo[] = { "baseURL", "paginate", "languageCode", "timeZone" };
	static const char *const content[] = { "dir" };
	static const char *const permalinks[] = { "news", "centre_news", "school", "plan" };
	static const char *const outreach[] = { "monthly", "semester_policy", "months", "public" };
	static const char *const markdown[] = { "unsafe" };
	static const char *const limits[] = { "file_size_kb", "render_seconds", "render_memory_mb",
					      "plugin_seconds", "max_removed", "sitemap_urls",
					      "plugin_memory_mb", "max_files" };
	static const char *const school[] = { "authors" };
	static const char *const menu[] = { "name", "url", "weight" };
	static const struct {
		const char *key;
		const char *const *known;
		size_t n;
	} maps[] = {
		{ "content", content, COUNT(content) },
		{ "permalinks", permalinks, COUNT(permalinks) },
		{ "outreach", outreach, COUNT(outreach) },
		{ "markdown", markdown, COUNT(markdown) },
		{ "limits", limits, COUNT(limits) },
		{ "centre", school, COUNT(school) }, /* centre.authors */
	};
	struct key_check kc = { c->path, strict, d, 0 };
	const struct value *root = c->root;
	if (!root)
		return 0;
	schema_check_map_keys(&kc, root, NULL, top, COUNT(top), hugo, COUNT(hugo));
	for (size_t i = 0; i < COUNT(maps); i++)
		schema_check_map_keys(&kc, value_get(root, maps[i].key), maps[i].key, maps[i].known,
				      maps[i].n, NULL, 0);
	char where[160];
	const struct value *v = value_get(root, "schools");
	for (size_t i = 0; v && v->kind == VALUE_MAP && i < v->n; i++) {
		snprintf(where, sizeof(where), "schools.%.80s", v->items[2 * i]->str);
		schema_check_map_keys(&kc, v->items[2 * i + 1], where, school, COUNT(school), NULL, 0);
	}
	v = value_get(root, "menu");
	for (size_t i = 0; v && v->kind == VALUE_LIST && i < v->n; i++) {
		snprintf(where, sizeof(where), "menu[%zu]", i + 1);
		schema_check_map_keys(&kc, v->items[i], where, menu, COUNT(menu), NULL, 0);
	}
	return kc.unknown;
}
