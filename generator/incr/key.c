/* key — length-prefixed cache-key fields (key.h). */
#include "incr/key.h"
#include "source/repo.h"

#include <inttypes.h>
#include <string.h>

void key_add_bytes(struct buf *k, const void *p, size_t len)
{
	buf_addf(k, "%zu:", len);
	buf_add(k, p, len);
}

void key_add_str(struct buf *k, const char *s)
{
	if (!s)
		buf_puts(k, "-;"); /* NULL differs from "" */
	else
		key_add_bytes(k, s, strlen(s));
}

void key_add_i64(struct buf *k, int64_t v)
{
	buf_addf(k, "%" PRId64 ";", v);
}

void key_finish(const struct buf *k, char out[KEY_LEN + 1])
{
	repo_hash_bytes(k->ptr ? k->ptr : "", k->len, out);
	out[KEY_LEN] = '\0';
}
