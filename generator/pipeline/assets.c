/* assets — what the build reads besides content: the theme (its files
 * listed once, its layouts compiled), its i18n file for the site's
 * language, and the plugins in load order; each from the site's own
 * folder over the installed one (sitefiles.h). */
#include "pipeline/build_internal.h"
#include "base/diag.h"
#include "base/value.h"
#include "base/xalloc.h"
#include "content/frontmatter.h"
#include "content/text.h"
#include "plugin/sitelua.h"
#include "template/theme.h"

#include <stdlib.h>
#include <string.h>

/* The theme's folders: the site's own, then the installed one. */
int assets_find_theme(struct build *b)
{
	const char *name = b->site.config.theme;
	if (b->theme_listed)
		return 0;
	if (!text_slug_valid(name))
		return diag_error(b->diags, "site.yaml", 0, 0, "invalid theme name '%s'", name);
	if (!b->files.repo) {
		b->files.repo = b->site.repo;
		b->files.data_dir = b->opts->data_dir;
	}
	char *dir = xasprintf("themes/%s", name);
	const char *where = "";
	int rc = sitefiles_list(&b->files, dir, &b->theme_files, &b->ntheme_files, &where,
				&b->arena, b->diags);
	free(dir);
	if (rc < 0)
		return -1;
	if (!b->ntheme_files)
		return diag_error(b->diags, "site.yaml", 0, 0, "theme '%s' not found (looked in %s)",
				  name, where);
	b->theme_where = where;
	b->theme_listed = true;
	incr_key_own_files(b, b->theme_files, b->ntheme_files);
	return 0;
}

int assets_open_theme(struct build *b)
{
	if (assets_find_theme(b) < 0)
		return -1;
	struct theme_file *layouts = xcalloc(b->ntheme_files, sizeof(*layouts));
	struct buf *data = xcalloc(b->ntheme_files, sizeof(*data));
	size_t n = 0;
	for (size_t i = 0; i < b->ntheme_files; i++) {
		const struct sitefile *f = &b->theme_files[i];
		size_t len = strlen(f->rel);
		if (strncmp(f->rel, "layouts/", 8) != 0 || len < 5 + 8 ||
		    strcmp(f->rel + len - 5, ".html") != 0)
			continue;
		if (sitefiles_read(&b->files, f, 0, &data[n], b->diags) < 0)
			continue;
		layouts[n].name = f->rel + 8;
		layouts[n].label = f->label;
		layouts[n].src = data[n].ptr ? data[n].ptr : "";
		layouts[n].len = data[n].len;
		n++;
	}
	int rc = theme_load_files(&b->theme, b->vm, layouts, n, b->theme_where, b->diags);
	for (size_t i = 0; i < n; i++)
		buf_release(&data[i]);
	free(data);
	free(layouts);
	return rc;
}

/* site.yaml names a language no theme folder has an i18n file for: every
 * label would come out empty, so it is an error naming those there are
 * (none when the theme has no i18n at all: nothing to choose from). */
static int unknown_language(struct build *b)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	/* theme_files is sorted by rel and unique: no name comes twice */
	for (size_t i = 0; i < b->ntheme_files; i++) {
		const char *rel = b->theme_files[i].rel;
		size_t len = strlen(rel);
		if (strncmp(rel, "i18n/", 5) != 0 || strchr(rel + 5, '/') || len < 5 + 6 ||
		    strcmp(rel + len - 5, ".yaml") != 0)
			continue;
		ALLOC_GROW(names, n + 1, cap);
		names[n++] = xstrndup(rel + 5, len - 10);
	}
	int ret = 0;
	if (n) {
		qsort(names, n, sizeof(*names), build_cmp_str);
		struct buf list = BUF_INIT;
		for (size_t i = 0; i < n; i++)
			buf_addf(&list, "%s%s", i ? ", " : "", names[i]);
		const struct value *v = value_get(b->site.config.root, "language");
		if (!v)
			v = value_get(b->site.config.root, "languageCode");
		ret = diag_error(b->diags, "site.yaml", v ? v->line : 0, v ? v->col : 0,
				 "unknown language '%.40s' (the theme has: %s)",
				 b->site.config.language, list.ptr);
		buf_release(&list);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

int assets_load_i18n(struct build *b, const struct value **out)
{
	static const struct yaml_limits limits = { 1024 * 1024, 8, 100000 };
	*out = NULL;
	char *rel = xasprintf("i18n/%s.yaml", b->site.config.language);
	const struct sitefile *f = sitefiles_find(b->theme_files, b->ntheme_files, rel);
	free(rel);
	if (!f)
		return unknown_language(b);
	struct buf data = BUF_INIT;
	int ret = sitefiles_read(&b->files, f, limits.max_bytes, &data, b->diags);
	if (ret == 0) {
		char *src = arena_strndup(&b->arena, data.ptr, data.len);
		ret = frontmatter_parse_yaml(out, &b->arena, f->label, src, data.len, &limits,
					     b->diags);
	}
	buf_release(&data);
	return ret;
}

/* Plugins in load order: site.yaml's list, or every shipped and own
 * plugin (plugins/NAME.lua) sorted by name; an own plugin hides the
 * installed one of the same name. */
int assets_load_plugins(struct build *b)
{
	struct sitefile *files;
	size_t nfiles;
	const char *where = "";
	if (sitefiles_list(&b->files, "plugins", &files, &nfiles, &where, &b->arena, b->diags) < 0)
		return -1;
	incr_key_own_files(b, files, nfiles);
	const char **names = xcalloc(nfiles + b->site.config.nplugins + 1, sizeof(*names));
	size_t n = 0;
	int ret = 0;
	if (b->site.config.plugins_given) {
		for (size_t i = 0; i < b->site.config.nplugins; i++)
			names[n++] = b->site.config.plugins[i];
	} else {
		/* sorted by rel, and "a.lua" < "b.lua" as "a" < "b" but for
		 * names with bytes below '.': sort the names themselves */
		for (size_t i = 0; i < nfiles; i++) {
			size_t len = strlen(files[i].rel);
			if (len > 4 && !strchr(files[i].rel, '/') &&
			    strcmp(files[i].rel + len - 4, ".lua") == 0)
				names[n++] = arena_strndup(&b->arena, files[i].rel, len - 4);
		}
		qsort(names, n, sizeof(*names), build_cmp_str);
	}
	struct buf src = BUF_INIT;
	for (size_t i = 0; i < n && ret == 0; i++) {
		char *display = xasprintf("plugins/%s.lua", names[i]);
		char *rel = xasprintf("%s.lua", names[i]);
		const struct sitefile *f = sitefiles_find(files, nfiles, rel);
		if (!text_slug_valid(names[i]))
			ret = diag_error(b->diags, "site.yaml", 0, 0, "invalid plugin name '%s'", names[i]);
		else if (!f)
			ret = diag_error(b->diags, "site.yaml", 0, 0,
					 "plugin '%s' not found (looked in %s)", names[i], where);
		else if (sitefiles_read(&b->files, f, 0, &src, b->diags) < 0)
			ret = -1;
		else
			ret = sitelua_load_plugin(b->sl, src.ptr ? src.ptr : "", src.len, display,
						  b->diags);
		free(rel);
		free(display);
	}
	buf_release(&src);
	free(names);
	return ret;
}
