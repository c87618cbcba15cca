/* imgcache — processed images kept between builds, keyed by git blob id.
 *
 * The cache is the folder `.loa-cache/images/` beside the output folder
 * (in its parent), one file per source image: its facts (format, size,
 * variants) and every output's bytes, with a checksum over all of it. The
 * file's name is a hash of the blob id and of image_params() (widths,
 * qualities, versions), so an unchanged image is never processed twice and
 * a change of any parameter never serves a stale one.
 *
 * Safe to share and to lose: entries are written to a temporary name and
 * renamed into place (a killed build leaves no half entry under a real
 * name, and its temporary file is removed an hour later); the folders are opened without following symbolic links and
 * entries are read relative to them, with O_NOFOLLOW, so the cache never
 * leads outside itself; an entry holds no path; an entry that fails any
 * check (size, header, plan, checksum) is a miss and gets made again.
 * Usable from forked workers (each opens nothing of its own). Entries are
 * never pruned: deleting the folder is always safe. */
#ifndef LOA_IMGCACHE_H
#define LOA_IMGCACHE_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct image_facts;
struct image_cache;

/* Opens the cache of the output folder out_dir ("public" →
 * "./.loa-cache/images"). With create, makes the folders; without, a
 * missing cache gives *c = NULL and 0 (read-only use: loa check, review).
 * A cache that cannot be opened is not an error either: *c is NULL and
 * every image is processed. Returns 0. */
int image_cache_open(struct image_cache **c, const char *out_dir, bool create);
void image_cache_free(struct image_cache *c); /* NULL-safe */

/* The entry name of a blob: 40 hex digits. */
void image_cache_key(const char *blob_oid, char key[41]);

/* 1 when the entry is there and sound: f and out[0..f->nvariants] are
 * filled (out holds 1 + IMAGE_MAX_VARIANTS buffers). 0 otherwise (no cache,
 * no entry, or a corrupt one). */
int image_cache_get(struct image_cache *c, const char *key, struct image_facts *f,
		    struct buf *out);
/* Stores an entry atomically. Returns 0, or -1 when it could not (the
 * build goes on; the next one processes the image again). */
int image_cache_put(struct image_cache *c, const char *key, const struct image_facts *f,
		    const struct buf *out);

/* The path of the cache folder (for messages and tests), or NULL. */
const char *image_cache_path(const struct image_cache *c);

#endif
