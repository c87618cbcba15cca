/* key — the fields a cache key is made of.
 *
 * A key is a digest of a list of fields, each written with its length
 * first, so that ("ab","c") and ("a","bc") never give the same key. The
 * cache (incr/cache.h), the key policy (incr/keys.h) and the Lua values
 * (plugin/luakey.h) all write fields with these, which is why they sit in
 * incr/, below both pipeline/ and plugin/. */
#ifndef LOA_KEY_H
#define LOA_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

enum { KEY_LEN = 40 }; /* hex digits of a key */

void key_add_str(struct buf *k, const char *s);
void key_add_bytes(struct buf *k, const void *p, size_t len);
void key_add_i64(struct buf *k, int64_t v);
/* v in decimal followed by sep ("12:"), as the fields above write their
 * lengths and numbers */
void key_add_u64(struct buf *k, uint64_t v, char sep);
/* The digest of len bytes at p: SHA-256 cut to its first 160 bits, as 40
 * hex digits and a NUL. Through OpenSSL's libcrypto, which uses the CPU's
 * SHA instructions: libgit2's collision-detecting SHA-1 over the tens of
 * megabytes a rebuild's keys and cached objects hold was a sixth of its
 * builder time. A cut SHA-256 has no known collision attack, which SHA-1
 * only had with the detection. */
void key_digest(const void *p, size_t len, char out[KEY_LEN + 1]);
/* The digest of the fields */
void key_finish(const struct buf *k, char out[KEY_LEN + 1]);

/* key_digest for many short inputs in a row: the context and the
 * algorithm are looked up once (a lookup per digest was most of the cost
 * of digesting a table of a hundred bytes). Gives what key_digest gives. */
struct key_hasher;
struct key_hasher *key_hasher_new(void);
void key_hasher_free(struct key_hasher *h);
void key_hasher_digest(struct key_hasher *h, const void *p, size_t len, char out[KEY_LEN + 1]);
/* key_finish with h: the same key, without fetching SHA-256 again (about
 * a third of a small key's time; tens of thousands a rebuild) */
void key_hasher_finish(struct key_hasher *h, const struct buf *k, char out[KEY_LEN + 1]);

/* A key of many megabytes (the Lua state's) digested as it is written:
 * fields go to buf as usual, key_stream_spill digests and drops what buf
 * holds once it is large, key_stream_finish gives what key_finish of all
 * the bytes would (and releases the stream). Saves building, growing and
 * faulting in a buffer of all of it. */
struct key_stream {
	struct buf buf;
	void *md; /* the digest so far; NULL: everything stays in buf */
};
void key_stream_init(struct key_stream *s);
void key_stream_spill(struct key_stream *s);
/* Adds len bytes at p (a long run is digested in place, not copied). */
void key_stream_add(struct key_stream *s, const void *p, size_t len);
void key_stream_finish(struct key_stream *s, char out[KEY_LEN + 1]);

#endif
