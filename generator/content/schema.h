/* schema — types a page's front matter by the schema of its kind.
 *
 * SPEC's fields for all kinds (title required, slug, summary, tags, draft,
 * date, lastmod, image, weight), news (date required, category, author),
 * school (district, province, address, phone, email, website, models) and
 * plan (number, issued, issuer, signer, activities). Values are typed here
 * and only here: a bool is `true`/`false` (never `yes`/`no`), a title is a
 * string even when it looks like a number, `null` is absent, dates go
 * through dates.h, a URL field (image, website) must be http(s), mailto or
 * relative without `..`. Unknown keys are kept in page->front for templates;
 * schema_check_keys names each one (a warning, an error with --strict)
 * with the closest known key. Hugo's own names are read where they mean
 * the same (`description` is the summary when there is none), kept quietly
 * where they are only information for templates (`categories`, `series`,
 * `keywords`, `authors`), and named with what Loa does instead otherwise
 * (`aliases`, `url`, `publishDate`). Every error names path:line of the
 * offending value. */
#ifndef LOA_SCHEMA_H
#define LOA_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct diag_list;
struct page;
struct value;

/* Fills the typed fields of p (whose kind, path and section are already
 * set) from the front matter root (may be NULL: then title is missing).
 * Strings are copied into a. Returns 0, or -1 when the page must be
 * rejected (diagnostics added; warnings alone return 0). */
int schema_apply(struct page *p, const struct value *root, struct arena *a,
		 struct diag_list *diags);

/* Names every key of p's front matter (and of its models and activities)
 * that the schema of p's kind does not read: a warning at file:line:col,
 * with "did you mean" when a known key is close; errors when strict.
 * Returns the number of unknown keys. */
size_t schema_check_keys(const struct page *p, const struct value *root, bool strict,
			 struct diag_list *diags);

/* The unknown-key check on one map, for site.yaml too. where names the
 * map in messages ("schools.an-duong", "menu[2]"; NULL: the top level);
 * quiet lists keys accepted without being suggested (Hugo's names). */
struct key_check {
	const char *path;
	bool strict;
	struct diag_list *diags;
	size_t unknown;
};
void schema_check_map_keys(struct key_check *kc, const struct value *map, const char *where,
			   const char *const *known, size_t nknown, const char *const *quiet,
			   size_t nquiet);

/* A URL that is safe to print in href/src: http(s)://, mailto:, or a
 * relative/absolute path without a scheme and without `..` segments. */
int schema_url_is_safe(const char *url);

#endif
