/* review_articles — the one-line summaries of `loa review`: every page whose
 * source (or a file of its bundle) a commit of the range touched, as the
 * merge would publish it: school, title, date, category, photos, and the
 * problems the merge introduces in it. The centre merges a month's ~120
 * articles by reading these lines. */
#ifndef LOA_REVIEW_ARTICLES_H
#define LOA_REVIEW_ARTICLES_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct diag;
struct repo_range;
struct site;

struct review_article {
	const char *path;     /* "content/news/hoa-sen/x/index.md" */
	const char *school;   /* slug, or NULL (the centre's page) */
	const char *title;    /* NULL when the merge does not publish the page */
	const char *url;
	const char *category; /* news: "activity", "policy", "practice"; else NULL */
	const char *kind;     /* "news", "school", "plan", "page"... */
	char date[40];        /* "2023-09-28", or "" */
	size_t photos, errors, warnings;
	bool added;           /* a new URL (else changed) */
	bool published;       /* the merge publishes it */
};

/* The articles of range in source path order (in a, *out; the count is
 * returned; *out is the caller's to free, its strings live in a and in
 * merge). merge: the site loaded at the merge commit; added: the URLs
 * the merge adds (sorted); introduced: the diagnostics it introduces. */
size_t review_articles(const struct site *merge, const struct repo_range *range,
		       const char *const *added, size_t nadded, const struct diag *const *introduced,
		       size_t nintroduced, struct arena *a, struct review_article **out);

#endif
