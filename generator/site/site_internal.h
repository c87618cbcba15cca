/* site_internal — what site.c, site_url.c and site_bundle.c share; not
 * for other modules (they use site.h). */
#ifndef LOA_SITE_INTERNAL_H
#define LOA_SITE_INTERNAL_H

#include "base/arena.h"
#include "base/str.h"
#include "base/value.h"
#include "content/page.h"
#include "site/site.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct diag_list;

static inline char *dir_name(struct arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? arena_strndup(a, path, (size_t)(slash - path)) : arena_strdup(a, "");
}

static inline int page_line(const struct page *p)
{
	return p->front ? p->front->line : 1;
}

/* Slug and URL of a page; NULL URL (with a diagnostic) rejects it. */
int site_url_assign(struct site *s, struct page *p, struct diag_list *d);
/* Gives the files of each page bundle among pages[0..n) their URLs;
 * is_page_file marks the source files that are pages themselves. */
void site_bundle_add_files(struct site *s, struct page **pages, size_t n, bool *is_page_file,
			   struct diag_list *d);

#endif
