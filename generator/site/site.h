/* site — the loaded site: configuration, source files and typed pages with
 * their URLs, everything a render needs and nothing rendered yet.
 *
 * site_load reads site.yaml and content/ through the repo module, types
 * every page by its kind's schema, fills dates and contributors from one
 * walk of the git history, derives slugs and URLs, and rejects (with
 * file:line diagnostics) the pages that cannot be published: bad front
 * matter, an unknown school, a reserved URL, two pages claiming one URL
 * (both are named and neither wins), an output file someone claimed first
 * (claims.h). The rest of the site still loads. Everything lives in the
 * site's arena and is released by site_release. */
#ifndef LOA_SITE_H
#define LOA_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/strmap.h"
#include "site/claims.h"
#include "site/config.h"
#include "content/page.h"
#include "source/repo.h"

struct buf;
struct iovec;
struct diag_list;
struct site;
struct text;

struct site_options {
	const char *repo_path; /* "." */
	const char *ref;       /* NULL: HEAD */
	bool worktree;
	bool drafts, future;
	bool strict;           /* --strict: unknown keys are errors */
	unsigned read_threads; /* content files read and parsed on up to this many threads (0, 1: one) */
	int64_t now;           /* "today": --now, SOURCE_DATE_EPOCH or the clock */
	/* Called once site.yaml is read, before content pages and bundle
	 * files claim their outputs in site->claims: the caller claims there
	 * what wins over content (the build's own files, the theme's static
	 * files). -1 stops the load. NULL: nothing to claim first. */
	int (*claim_first)(void *ctx, struct site *s, struct diag_list *diags);
	void *claim_ctx;
	/* The repository already opened at repo_path and ref (the build opens
	 * it once, for its key and the site); site_load takes it over, failing
	 * or not. NULL: site_load opens it. */
	struct repo *repo;
	/* The build cache of history results by commit (NULL: none).
	 * history_get appends to out what history_put stored for commit and
	 * dir and returns 1, else 0. history_put is told the built commit's
	 * result (data NULL: the one history_get found is still current). */
	int (*history_get)(void *ctx, const char *commit, const char *dir, struct buf *out);
	void (*history_put)(void *ctx, const char *commit, const char *dir, const void *data,
			    size_t len);
	void *history_ctx;
	/* The build cache's table of parsed content files (site_blobs.h;
	 * NULL: none, and never for a work tree). blobs_get maps the last
	 * table read-only: 1 with the mapping (*map, *map_size: the site's
	 * to munmap) and the table in it (*data, *len), else 0. blobs_put is
	 * given the next table, as parts, when it differs from the last: 0
	 * when it is done with them, 1 when it keeps them (they point into
	 * the site and stay valid until site_release: a first build stores
	 * the table once the cache's folders exist, without a copy). */
	int (*blobs_get)(void *ctx, void **map, size_t *map_size, const char **data, size_t *len);
	int (*blobs_put)(void *ctx, const struct iovec *parts, size_t n);
	void *blobs_ctx;
	/* The build cache's table of indexed bodies (search/search_bodies.h;
	 * NULL: none), read and written by loa.search_index in the plugin
	 * stage: search_get and search_put as blobs_get and blobs_put. */
	int (*search_get)(void *ctx, void **map, size_t *map_size, const char **data, size_t *len);
	void (*search_put)(void *ctx, const struct iovec *parts, size_t n);
	void *search_ctx;
};

struct site {
	struct arena arena;
	struct site_options opts;
	struct site_config config;
	struct repo *repo;
	struct text *text;
	int tz_offset;         /* minutes east of UTC at opts.now */
	struct date today;     /* opts.now in the site's zone */

	struct repo_file *files; /* every source file under content/, by path */
	size_t nfiles;

	struct page **pages;   /* published pages, in source path order */
	size_t npages;
	struct page **sections; /* _index.md pages (section and home), published */
	size_t nsections;

	struct strmap page_by_path;   /* "content/x.md" → index into pages */
	struct strmap school_by_slug; /* school slug → index into pages */
	struct strmap file_url;       /* bundle file path → index into bundle_urls */
	const char **bundle_urls;
	size_t nbundle_urls, bundle_urls_cap;
	struct claims claims;         /* every output file and its owner (claims.h) */
	size_t rejected;              /* pages left out because of errors */
	int64_t next_future;          /* date of the earliest future page left out (0: none) */
	const char *next_future_path; /* its source path */
	double history_seconds;       /* the history walk's wall time (LOA_TIMINGS) */
	const char *history_from;     /* "walked", "extended" (the parent's) or "cached" */
	size_t blobs_files, blobs_cached; /* .md files, and those the table gave (LOA_TIMINGS) */
	unsigned read_threads;        /* threads that read and parsed them (LOA_TIMINGS) */
	void *blobs_map;              /* the table's mapping: the bodies it gave point into it */
	size_t blobs_map_size;
	struct site_blobs_kept *blobs_kept; /* what blobs_put's kept parts point into; NULL: none */
	struct strmap tag_url;        /* tag as written → its URL (a const char * in the arena) */
};

/* Loads the site. Returns 0 when the site can be built (page errors are in
 * diags), -1 when it cannot (no repository, bad site.yaml): exit status 2. */
int site_load(struct site *s, const struct site_options *opts, struct diag_list *diags);
void site_release(struct site *s);
/* What the parts blobs_put kept point into (the table's frames and front
 * matter), once they are stored: freed before the workers fork. */
void site_blobs_stored(struct site *s);

/* The output path of a URL: "/a/b/" → "a/b/index.html", "/x.ics" → "x.ics". */
const char *site_out_path(struct arena *a, const char *url);

/* Converts a time written with an offset other than the site zone's to
 * the same instant in the site's zone (t: the site's text). */
void site_date_to_zone(struct text *t, struct date *d);

/* Resolves a link written in page p to its published URL (markdown link
 * callback contract: 1 rewritten into out, 0 kept as is, -1 broken). */
int site_resolve_link(const struct site *s, const struct page *p, const char *url,
		      struct buf *out);

/* The published URL of a tag, "/chu-de/dinh-duong/": slugified once per
 * spelling (a 10,000-page site asks for the same few dozen tags tens of
 * thousands of times). */
const char *site_tag_url(struct site *s, const char *tag);

#endif
