/* strmap — an open-addressing hash map from strings to size_t.
 *
 * Keys are borrowed: the caller keeps them alive (usually in an arena)
 * for the map's lifetime. Iteration order is never exposed, so nothing
 * built from a strmap can depend on hash order. */
#ifndef LOA_STRMAP_H
#define LOA_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	const char *key;
	size_t value;
	/* the key's hash: a probe compares it before the key, whose bytes
	 * are elsewhere (a cache miss each; at a load of 3/4 a miss probes
	 * several slots) */
	uint64_t hash;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap, len; /* cap is 0 or a power of two */
};

#define STRMAP_INIT { NULL, 0, 0 }

/* Inserts key → value unless key is present; returns true when inserted,
 * false (and *existing set, when given) when the key was already there. */
bool strmap_put(struct strmap *m, const char *key, size_t value, size_t *existing);
bool strmap_get(const struct strmap *m, const char *key, size_t *value);
/* The same for the len bytes at key (no NUL in them), not copied: the
 * search index looks up each word of every body where it stands. */
bool strmap_getn(const struct strmap *m, const char *key, size_t len, size_t *value);
void strmap_release(struct strmap *m);

#endif
