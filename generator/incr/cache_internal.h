/* cache_internal — what cache.c and cache_trust.c share: struct cache and
 * the helpers one file defines and the other calls. Not for other modules
 * (they use cache.h).
 *
 *   cache.c        folders, objects, the record, memos, sweeping
 *   cache_trust.c  file identities and the trusted objects (the file "trusted") */
#ifndef LOA_CACHE_INTERNAL_H
#define LOA_CACHE_INTERNAL_H

#include "incr/cache.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

struct stat;

struct trust_entry {
	char key[CACHE_KEY_LEN + 1];
	char ident[CACHE_IDENT_LEN];
};

struct cache {
	int parent_fd; /* the output's parent folder */
	char *name;    /* the output folder's name: render/NAME */
	int dir_fd;    /* .loa-cache/render/NAME, -1 until it exists */
	int objects_fd; /* its objects/, kept open: a rebuild loads thousands */
	bool objects_new; /* objects/ made by cache_prepare: empty until the renders store */
	/* objects/00 … objects/ff, each opened on first use and kept (-1:
	 * not yet): a store or load opened, and a store made, its folder
	 * each time, 0.16 s of the workers' CPU in a 10,000-page build.
	 * Atomic, so that threads sharing the cache may fill it. */
	_Atomic int *sub_fd;
	/* the file "trusted" (cache_load_trusting), read on first use */
	struct trust_entry *trust;
	size_t ntrust, trust_cap;
	bool trust_read;
	size_t verified, trusted; /* objects checked with and without their digest (LOA_DEBUG=trust) */
};

/* cache.c */
/* Whether key is CACHE_KEY_LEN lower-case hex digits, as every key that
 * names a file must be. */
bool cache_key_valid(const char *key);
/* Writes data to dir_fd/name through a temporary file in the same folder,
 * renamed. 0, or -1. */
int cache_write_atomic(int dir_fd, const char *name, const void *data, size_t len);
/* cache_load_into and cache_map, with trust (the same cache, writable; NULL
 * for none): an object whose file is the one last verified or written is
 * only framed, and one verified in full is trusted from then on. */
int cache_read_object(const struct cache *c, struct cache *trust, const char *key,
		      struct cache_object *o);
int cache_map_object(const struct cache *c, struct cache *trust, const char *key,
		     struct cache_map *m);

/* cache_trust.c */
/* The identity of the file st (cache.h: CACHE_IDENT_LEN). */
void cache_ident_of(const struct stat *st, char ident[CACHE_IDENT_LEN]);
/* Whether key's object file (st) is the one trust last verified or wrote,
 * so that its header and lengths are all that is checked; when not, one
 * more object is counted as checked in full. false when trust is NULL. */
bool cache_trust_holds(struct cache *trust, const char *key, const struct stat *st);
/* Key's object file (st) was found sound: counted as trusted when it was,
 * else trusted as it is now. Nothing when trust is NULL. */
void cache_trust_sound(struct cache *trust, const char *key, const struct stat *st,
		       bool trusted);

#endif
