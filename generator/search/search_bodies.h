/* search_bodies — what indexing a page's body computes from its bytes
 * alone, kept across builds: its terms with their counts, and its default
 * summary, by a digest of the body.
 *
 * loa.search_index reads every page's body on every build (the index is
 * one set of files over all pages); with the last build's table, a body
 * that did not change is neither turned into text, nor folded and cut
 * into words, nor summarised again: its terms are added from the table.
 * A rebuild after one body changed computes that one body.
 *
 * The table is one object (the build cache stores it under a key of the
 * program, pipeline/incremental.c), every number little-endian:
 *   "loa-search-1\n", u32 N, N terms (u8 length 1..SEARCH_TERM_MAX, the
 *   bytes), u32 E, E entries sorted by digest, each 40 hex digits (the
 *   key_digest of the body), u32 length, and that many bytes: u32 the
 *   summary's byte budget (0: no summary), u32 its length and the summary
 *   then a NUL, u32 P, then P pairs of LEB128 varints (term index, count
 *   1..SEARCH_WEIGHT_MAX).
 * The cache verifies the object's digest; opening checks every framing
 * length and refuses the whole table when anything is out of place; an
 * entry whose content does not decode (a term out of range, a count of 0,
 * bytes left over) is a miss, computed again. Only what the body gives is
 * kept: weights, titles and URLs come from the plugin on every build.
 *
 * The next table is written only when it differs (a body computed, or one
 * of the last not used): the last dictionary and the entries still used
 * as they are (parts into the last table's bytes), the terms and entries
 * computed this build after them. When over a third of the dictionary
 * belongs to no entry kept, it is written whole with only the terms in
 * use, numbered anew. */
#ifndef LOA_SEARCH_BODIES_H
#define LOA_SEARCH_BODIES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

#include "base/buf.h"
#include "search/search.h"

struct search_bodies;

enum { SEARCH_BODY_KEY_LEN = 40 };

/* A table over the last one, data[0..len) (borrowed: it must outlive the
 * result; NULL: none). *refused (when not NULL) tells whether data was
 * given but malformed: then every body is a miss. */
struct search_bodies *search_bodies_open(const char *data, size_t len, bool *refused);
void search_bodies_free(struct search_bodies *sb);

/* A new index starts using the table: term ids are ix's from now on. */
void search_bodies_begin(struct search_bodies *sb, struct search_index *ix);

/* Whether the last table has an entry for key (search_bodies_get may still
 * find it unsound). false when sb is NULL. */
bool search_bodies_has(struct search_bodies *sb, const char *key);
/* How many bodies the last table has (0 when sb is NULL). */
size_t search_bodies_size(const struct search_bodies *sb);

/* The body of digest key (SEARCH_BODY_KEY_LEN hex digits): 1 with its
 * pairs in *pairs[0..*n) (grown; *cap its capacity; ids of the index given
 * to search_bodies_begin) and *summary its summary when the entry has one
 * made with summary_bytes (else NULL; valid until the table is freed);
 * 0 when the last table has no sound entry for it. */
int search_bodies_get(struct search_bodies *sb, const char *key, size_t summary_bytes,
		      struct search_pair **pairs, size_t *n, size_t *cap, const char **summary);

/* Writes the entry of key into the next table: its pairs (ids of the
 * current index) and summary (NULL: none) made with summary_bytes.
 * fresh: it was computed, not found. */
void search_bodies_put(struct search_bodies *sb, const char *key, const struct search_pair *pairs,
		       size_t n, size_t summary_bytes, const char *summary, bool fresh);

/* Whether the next table differs from the last: an entry computed, or
 * one of the last not used. */
bool search_bodies_changed(const struct search_bodies *sb);
/* Whether the next table is worth writing: it changed by at least one
 * entry in SEARCH_BODIES_REWRITE_EVERY (a rewrite after a one-article edit
 * cost 0.04 s at 10,000 pages; the few bodies missing from the table are
 * indexed again until enough changes add up). */
enum { SEARCH_BODIES_REWRITE_EVERY = 64 };
bool search_bodies_worth_writing(const struct search_bodies *sb);

/* The next table as parts (free *parts) pointing into frames and sb:
 * written out before either changes. */
void search_bodies_parts(struct search_bodies *sb, struct buf *frames, struct iovec **parts,
			 size_t *nparts);

/* Counters for LOA_DEBUG=search: bodies looked up since the last
 * search_bodies_begin, and found. */
void search_bodies_counts(const struct search_bodies *sb, size_t *looked, size_t *found);

#endif
