/* review_articles — see review_articles.h. */
#include "cmd/review/review_articles.h"

#include "base/str.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/strmap.h"
#include "base/xalloc.h"
#include "content/dates.h"
#include "media/images.h"
#include "site/layout.h"
#include "site/site.h"
#include "source/repo.h"

#include <stdlib.h>
#include <string.h>

/* The page a changed path belongs to: the path itself when it is a page's
 * source, else the closest bundle above it ("x/anh.jpg" → "x/index.md").
 * NULL for a path that is no page's (site.yaml, a theme file). */
static const char *page_source_of(struct arena *a, const struct site *s, const char *path)
{
	const char *c = s->config.content_dir;
	size_t cl = strlen(c);
	if (strncmp(path, c, cl) != 0 || path[cl] != '/')
		return NULL;
	if (str_has_suffix(path, ".md"))
		return arena_strdup(a, path);
	char *dir = arena_strdup(a, path);
	for (char *slash = strrchr(dir, '/'); slash && (size_t)(slash - dir) > cl;
	     slash = strrchr(dir, '/')) {
		*slash = '\0';
		const char *idx = arena_printf(a, "%s/index.md", dir);
		size_t i;
		if (strmap_get(&s->page_by_path, idx, &i))
			return idx;
	}
	return NULL;
}


static bool url_added(const char *url, const char *const *added, size_t n)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(added[mid], url);
		if (!c)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* A diagnostic about the page's source or a file of its bundle. */
static bool diag_of_page(const struct diag *d, const char *src, bool bundle)
{
	if (strcmp(d->path, src) == 0)
		return true;
	if (!bundle)
		return false;
	size_t dl = strlen(src) - strlen("index.md");
	return strncmp(d->path, src, dl) == 0;
}

static int by_path(const void *pa, const void *pb)
{
	return strcmp(((const struct review_article *)pa)->path, ((const struct review_article *)pb)->path);
}

size_t review_articles(const struct site *merge, const struct repo_range *range,
		       const char *const *added, size_t nadded, const struct diag *const *introduced,
		       size_t nintroduced, struct arena *a, struct review_article **out)
{
	struct strmap seen = STRMAP_INIT;
	struct review_article *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t c = 0; c < range->n; c++) {
		const struct repo_commit_info *ci = &range->commits[c];
		for (size_t k = 0; k < ci->nchanges; k++) {
			if (ci->changes[k].invalid)
				continue;
			const char *src = page_source_of(a, merge, ci->changes[k].path);
			size_t dummy;
			if (!src || strmap_get(&seen, src, &dummy))
				continue;
			strmap_put(&seen, src, 0, NULL);
			size_t idx;
			bool published = strmap_get(&merge->page_by_path, src, &idx);
			/* a page removed by the range is in "Pages removed" */
			bool in_tree = published;
			for (size_t f = 0; !in_tree && f < merge->nfiles; f++)
				in_tree = strcmp(merge->files[f].path, src) == 0;
			if (!in_tree)
				continue;
			ALLOC_GROW(v, n + 1, cap);
			struct review_article *r = &v[n++];
			memset(r, 0, sizeof(*r));
			r->path = src;
			r->published = published;
			{
				size_t slug_len;
				const char *slug = layout_school_of(merge->config.content_dir, src, &slug_len);
				r->school = slug ? arena_strndup(a, slug, slug_len) : NULL;
			}
			bool bundle = str_has_suffix(src, "/index.md");
			if (published) {
				const struct page *p = merge->pages[idx];
				r->title = p->title;
				r->url = p->url;
				r->kind = page_kind_name(p->kind);
				if (p->kind == PAGE_NEWS) {
					r->category = news_category_name(p->category);
					r->school = p->school;
				}
				if (p->date.prec != DATE_NONE) {
					struct date d = p->date;
					d.prec = DATE_DAY;
					date_format_iso(r->date, &d);
				}
				for (size_t f = 0; f < p->nfiles; f++)
					r->photos += image_name_is_image(p->files[f].name);
				r->added = url_added(p->url, added, nadded);
				bundle = p->bundle;
			}
			for (size_t i = 0; i < nintroduced; i++) {
				const struct diag *d = introduced[i];
				if (!diag_of_page(d, src, bundle))
					continue;
				if (d->severity == DIAG_ERROR)
					r->errors++;
				else
					r->warnings++;
			}
		}
	}
	strmap_release(&seen);
	if (n > 1)
		qsort(v, n, sizeof(*v), by_path);
	*out = v;
	return n;
}
