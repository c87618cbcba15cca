/* statics — files published as they are: the site's and the theme's
 * static files (listed via sitefiles and claimed before content and
 * plugins, with the build's own files, by statics_claim_first; copied
 * after rendering) and pages' bundle files (those the image stage does
 * not publish). */
#include "pipeline/build_internal.h"
#include "base/diag.h"
#include "base/strmap.h"
#include "base/xalloc.h"
#include "pipeline/outdir.h"
#include "pipeline/imgstage.h"
#include "source/repo.h"

#include <stdlib.h>
#include <string.h>

void statics_image_output(void *ctx, const char *out_path, const char *hash)
{
	manifest_add(ctx, out_path, hash);
}

void statics_copy_bundle_files(struct build *b)
{
	struct buf data = BUF_INIT;
	for (size_t i = 0; i < b->site.npages; i++) {
		const struct page *p = b->site.pages[i];
		for (size_t j = 0; j < p->nfiles; j++) {
			const struct bundle_file *f = &p->files[j];
			if (image_stage_owns(b->images, f->file_index))
				continue; /* published stripped by the image stage */
			if (repo_read(b->site.repo, &b->site.files[f->file_index], &data, b->diags) < 0)
				continue;
			manifest_add_bytes(b, f->out_path, data.ptr, data.len);
			if (!b->opts->dry_run &&
			    outdir_write(b->out, f->out_path, data.ptr, data.len, b->diags) == 0)
				b->files_written++;
		}
	}
	buf_release(&data);
}

/* Adds the files of a listing below prefix to b->statics, by output path;
 * a name already there (from the site's own static/) is left to it. */
static void list_static(struct build *b, const struct sitefile *f, size_t n, const char *prefix,
			struct strmap *seen)
{
	size_t plen = strlen(prefix);
	for (size_t i = 0; i < n; i++) {
		if (strncmp(f[i].rel, prefix, plen) != 0 || !f[i].rel[plen])
			continue;
		const char *key = arena_strdup(&b->arena, f[i].rel + plen);
		if (!strmap_put(seen, key, 0, NULL))
			continue;
		ALLOC_GROW(b->statics, b->nstatics + 1, b->statics_cap);
		b->statics[b->nstatics].out_path = key;
		b->statics[b->nstatics].src = &f[i];
		b->statics[b->nstatics].shown = f[i].own ? f[i].label : f[i].disk;
		b->nstatics++;
	}
}

/* Copies the theme's static files (claimed before rendering). */
void statics_copy(struct build *b)
{
	struct buf data = BUF_INIT;
	for (size_t i = 0; i < b->nstatics; i++) {
		const struct static_file *f = &b->statics[i];
		if (sitefiles_read(&b->files, f->src, 0, &data, b->diags) == 0) {
			manifest_add_bytes(b, f->out_path, data.ptr, data.len);
			if (!b->opts->dry_run &&
			    outdir_write(b->out, f->out_path, data.ptr, data.len, b->diags) == 0)
				b->files_written++;
		}
	}
	buf_release(&data);
}

/* Files the build writes itself, claimed before anything else. */
static const char *const own_files[] = { "sitemap.xml", "robots.txt", OUTDIR_MARKER };

/* site_load's claim_first: the build's own files, then the static files
 * (the site's own static/, then the theme's), win over content and
 * plugins (claims.h). A static file that collides with the build's own is
 * a theme error. */
int statics_claim_first(void *ctx, struct site *s, struct diag_list *d)
{
	struct build *b = ctx;
	for (size_t i = 0; i < sizeof(own_files) / sizeof(*own_files); i++) {
		char *url = xasprintf("/%s", own_files[i]);
		claims_take(&s->claims, CLAIM_BUILD, own_files[i], url, "loa", NULL);
		free(url);
	}
	if (editor_claim(b, s, d) < 0)
		return -1;
	if (assets_find_theme(b) < 0)
		return -1;
	struct strmap seen = STRMAP_INIT;
	struct sitefiles own_only = { s->repo, NULL };
	struct sitefile *f;
	size_t n;
	if (sitefiles_list(&own_only, "static", &f, &n, NULL, &b->arena, d) == 0)
		list_static(b, f, n, "", &seen);
	list_static(b, b->theme_files, b->ntheme_files, "static/", &seen);
	strmap_release(&seen);
	int ret = 0;
	for (size_t i = 0; i < b->nstatics; i++) {
		const struct static_file *sf = &b->statics[i];
		char *url = xasprintf("/%s", sf->out_path);
		struct claim_conflict cf;
		if (claims_take(&s->claims, CLAIM_THEME, sf->out_path, url, sf->shown, &cf) < 0)
			ret = claims_report(d, sf->shown, 1, url, sf->out_path, &cf);
		free(url);
	}
	return ret;
}
