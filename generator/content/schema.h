/* schema — types a page's front matter by the schema of its kind.
 *
 * SPEC's fields for all kinds (title required, slug, summary, tags, draft,
 * date, lastmod, image, weight), news (date required, category, author),
 * school (district, province, address, phone, email, website, models) and
 * plan (number, issued, issuer, signer, activities). Values are typed here
 * and only here: a bool is `true`/`false` (never `yes`/`no`), a title is a
 * string even when it looks like a number, `null` is absent, dates go
 * through dates.h, a URL field (image, website) must be http(s), mailto or
 * relative without `..`. Unknown keys are kept in page->front for templates
 * and are not errors. Every error names path:line of the offending value. */
#ifndef LOA_SCHEMA_H
#define LOA_SCHEMA_H

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

/* A URL that is safe to print in href/src: http(s)://, mailto:, or a
 * relative/absolute path without a scheme and without `..` segments. */
int schema_url_is_safe(const char *url);

#endif
