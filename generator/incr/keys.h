/* keys — what a build and each of its renders depend on, written as cache
 * key fields (incr/key.h's key_add_*) for the incremental build.
 *
 * A render sees: its own page (source blob and bundle files), every page's
 * metadata through loa.pages (front matter, URL, dates, authors, summary —
 * never another page's body), the configuration, the theme, the plugins'
 * code, their loa.global values and the data they gave their pages, the
 * build's options and "today". Each function here adds one of those; the
 * build adds the plugin data (sitelua) and the time.
 *
 * Which field of a page goes into which key is declared once, with the
 * field, in content/page.h (PAGE_FIELDS: META, OWN, VOLATILE, or SOURCE
 * with the reason); tests/unit/test_keys.c fails when a keyed field does
 * not change its key. */
#ifndef LOA_KEYS_H
#define LOA_KEYS_H

struct buf;
struct cache;
struct key_stream;
struct page;
struct site;
struct value;

/* A value tree: kinds, strings and plain-ness (which the schema reads). */
void keys_value(struct buf *k, const struct value *v);
/* Every regular file below dir, by relative path in byte order, with its
 * bytes; symlinks are skipped as the build skips them. A missing folder
 * adds a marker, so that creating it changes the key. */
void keys_tree(struct buf *k, const char *dir);
/* The running program itself (the key_digest of its file), so that a new loa
 * never reuses what an older one rendered. The hash is remembered in the
 * cache c (may be NULL) by the file's identity (cache_memo_read), so a
 * rebuild does not read the whole program again; a program replaced or
 * changed in place has another identity and is hashed again. */
void keys_program(struct buf *k, const struct cache *c);
/* Every page's metadata (bodies excluded) and every content file's blob
 * id that is not a page's source (bundle files): megabytes, so written to
 * a stream that digests them as they come (key.h). */
void keys_site_metadata(struct key_stream *k, const struct site *s);
/* The part of it Markdown links and images resolve against: the pages'
 * paths, kinds, URLs, output paths, draft and listed flags and files, and
 * the sections (a dep of the renders that resolved one: "S" in their deps,
 * pipeline/incremental.c). */
void keys_site_structure(struct buf *k, const struct site *s);
/* One page's part of it: its path, kind, school, URL, output path, list
 * flags and files (their blob ids: a link to an image may read its size) */
void keys_page_structure(struct buf *k, const struct site *s, const struct page *p);
/* One page's part of keys_site_metadata: what a render that read the
 * page's table records (deps). */
void keys_page_metadata(struct buf *k, const struct site *s, const struct page *p);
/* What only this page's own render reads: its source blob, its files and
 * its volatile fields. */
void keys_page(struct buf *k, const struct site *s, const struct page *p);
/* A page's volatile fields, which every edit of it changes (lastmod, the
 * last commit, authors): left out of the site's metadata, so that editing
 * an article does not change every key; a render that reads them of
 * another page records it (sitelua_deps). */
void keys_page_volatile(struct buf *k, const struct page *p);

#endif
