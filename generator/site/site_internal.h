/* site_internal — what site.c, site_url.c, site_bundle.c and site_read.c share; not
 * for other modules (they use site.h). */
#ifndef LOA_SITE_INTERNAL_H
#define LOA_SITE_INTERNAL_H

#include "base/arena.h"
#include "base/str.h"
#include "base/diag.h"
#include "base/value.h"
#include "content/frontmatter.h"
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

/* A content file read and parsed (site_read.c): its bytes and front
 * matter when ok, and what it said, for the calling thread to append in
 * path order. */
struct site_read {
	const char *src;
	size_t len;
	struct frontmatter fm;
	struct diag_list diags;
	size_t blob_entry; /* the last table's entry that gave it; SIZE_MAX: parsed */
	bool ok;
};
struct site_blobs;
struct site_readers;
/* Starts reading every .md file of s->files into out[i] (s->nfiles slots,
 * zeroed) on up to threads threads in all, this one included, which is
 * free until site_read_finish (the site's repository and arena are its
 * own meanwhile). bl, the last build's table (NULL: none), is only read
 * until then. */
struct site_readers *site_read_start(struct site *s, struct site_blobs *bl, struct site_read *out,
				     unsigned threads);
/* Reads what is left on this thread, waits for the others, and moves what
 * they allocated into the site's arena and what they parsed into bl's
 * next table. */
void site_read_finish(struct site_readers *r);

#endif
