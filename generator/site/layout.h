/* layout — the content layout: which folder below content.dir holds which
 * kind of page, and where a new page of a kind goes. The loader
 * (site.c classify), `loa review` (what a school may write) and `loa new`
 * (where the skeleton goes) all read it here (SPEC "Content").
 *
 *	CONTENT/news/SLUG.md, news/SLUG/index.md   the centre's news
 *	CONTENT/news/SCHOOL/SLUG.md (or SLUG/index.md)  a school's news
 *	CONTENT/schools/SCHOOL.md (or SCHOOL/index.md)  a school's page
 *	CONTENT/plans/SLUG.md                       a plan
 *	CONTENT/van-ban/SLUG.md (or SLUG/index.md)  a document (văn bản)
 *	CONTENT/.../_index.md                       a section (home at the top)
 *	anything else                               a plain page
 *
 * The URL words these folders publish under are urls.h's URLS_SECTIONS. */
#ifndef LOA_LAYOUT_H
#define LOA_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#define LAYOUT_NEWS "news"
#define LAYOUT_SCHOOLS "schools"
#define LAYOUT_PLANS "plans"
#define LAYOUT_DOCUMENTS "van-ban" /* the centre's documents (văn bản) */

/* Paths of new pages (malloc'ed), for `loa new`: school NULL is the
 * centre's news. */
char *layout_news_path(const char *content_dir, const char *school, const char *slug);
char *layout_school_path(const char *content_dir, const char *school);
char *layout_school_bundle(const char *content_dir, const char *school);
char *layout_plan_path(const char *content_dir, const char *slug);

/* True when path (repository-relative) is in a school's own folders: its
 * news folder and its school page (file or bundle). */
bool layout_school_may_write(const char *content_dir, const char *school, const char *path);

/* The school whose folders hold path (CONTENT/news/SLUG/...,
 * CONTENT/schools/SLUG.md or CONTENT/schools/SLUG/...): *len is the SLUG's
 * length and the SLUG starts at the returned pointer, inside path. NULL
 * for any other path, the centre's news (news/x.md) included. */
const char *layout_school_of(const char *content_dir, const char *path, size_t *len);

#endif
