/* cache — the build cache, `.loa-cache/render/NAME/` beside the output
 * folder NAME.
 *
 * It keeps each rendered page as an immutable object named by its key (a
 * SHA-1, computed by build.c over everything the render could read), so that
 * a rebuild renders only what changed and hard-links the rest into the new
 * output; and one record of the last build: its key and the window of time
 * [valid_from, valid_until) in which its output cannot change by itself, so
 * that a rebuild with nothing changed does nothing.
 *
 * Objects are written whole to a temporary name and renamed, so a killed
 * build leaves no half object (its temporary files are swept later); a
 * missing object or a malformed record is a miss, never an error. Keys are
 * checked to be 40 hex digits before they name a file. A cache that cannot
 * be opened only makes the build slower; `rm -rf .loa-cache` is always
 * safe. */
#ifndef LOA_CACHE_H
#define LOA_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct cache;

enum { CACHE_KEY_LEN = 40 };

/* NULL when the output's parent folder does not exist. The cache's
 * folders are made when first written. */
struct cache *cache_open(const char *out_dir);
void cache_close(struct cache *c);

/* The object's path when it exists (into path, size bytes), else NULL. */
const char *cache_lookup(const struct cache *c, const char *key, char *path, size_t size);
/* Stores an object with the diagnostics its render gave (encoded with
 * diag_list_encode; may be empty) and its deps; its path goes into path
 * (size bytes). Safe from several processes at once:
 * the last rename wins, and both wrote the same bytes. */
int cache_store(const struct cache *c, const char *key, const void *data, size_t len,
		const void *diags, size_t diags_len, const void *deps, size_t deps_len, char *path,
		size_t size);
/* The diagnostics stored with an object (appended to out); 0 when none. */
int cache_diags(const struct cache *c, const char *key, struct buf *out);
/* What else the render read, as the build wrote it (appended to out),
 * for the build to check before using the object; 0 when none. */
int cache_deps(const struct cache *c, const char *key, struct buf *out);

/* The last build into this output folder. */
struct cache_record {
	char key[CACHE_KEY_LEN + 1];
	int64_t valid_from, valid_until; /* valid_until 0: no end */
	int status;
	uint64_t pages, files;
	uint64_t out_id; /* the output folder's inode: replaced or removed, no record holds */
	int64_t next_change;
	char next_iso[64], next_where[160], next_why[160], lang[8];
};
/* Reads the record and its diagnostics (appended to diags); -1 when there
 * is none or it is malformed. */
int cache_record_read(const struct cache *c, struct cache_record *r, struct buf *diags);
int cache_record_write(const struct cache *c, const struct cache_record *r, const void *diags,
		       size_t diags_len);
/* Forgets the record, e.g. before a build that may fail. */
void cache_record_remove(const struct cache *c);

/* Removes every object whose key is not in keep (sorted with strcmp). */
void cache_sweep(const struct cache *c, char *const *keep, size_t n);

/* ---- keys: length-prefixed fields, so that ("ab","c") and ("a","bc")
 * never give the same key. */
void key_add_str(struct buf *k, const char *s);
void key_add_bytes(struct buf *k, const void *p, size_t len);
void key_add_i64(struct buf *k, int64_t v);
/* The SHA-1 of the fields (hex, NUL-terminated) */
void key_finish(const struct buf *k, char out[CACHE_KEY_LEN + 1]);

#endif
