/* key — the fields a cache key is made of.
 *
 * A key is the SHA-1 of a list of fields, each written with its length
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
/* The SHA-1 of the fields (hex, NUL-terminated) */
void key_finish(const struct buf *k, char out[KEY_LEN + 1]);

#endif
