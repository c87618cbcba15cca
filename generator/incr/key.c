/* key — length-prefixed cache-key fields (key.h). */
#include "incr/key.h"
#include "base/bug.h"
#include "base/xalloc.h"
#include "source/repo.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/* Decimal digits of v written before end (no NUL); returns the first.
 * Keys write a length or a number for every field of every page, where
 * printf's format parsing was a tenth of a rebuild's builder time. */
static char *put_u64(uint64_t v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void key_add_u64(struct buf *k, uint64_t v, char sep)
{
	char tmp[24];
	char *end = tmp + sizeof(tmp);
	*--end = sep;
	char *p = put_u64(v, end);
	buf_add(k, p, (size_t)(tmp + sizeof(tmp) - p));
}

void key_add_bytes(struct buf *k, const void *p, size_t len)
{
	key_add_u64(k, len, ':');
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
	if (v < 0) {
		buf_putc(k, '-');
		/* -(v + 1) + 1: INT64_MIN has no positive int64_t */
		key_add_u64(k, (uint64_t)(-(v + 1)) + 1, ';');
	} else {
		key_add_u64(k, (uint64_t)v, ';');
	}
}

static void put_hex(const unsigned char *md, char out[KEY_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < KEY_LEN / 2; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[KEY_LEN] = '\0';
}

void key_digest(const void *p, size_t len, char out[KEY_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	/* EVP_Digest fails only without memory or a provider for SHA-256:
	 * then libgit2's SHA-1, another 160-bit digest (only a miss where
	 * the other was used), never one value for every key */
	if (!EVP_Digest(p ? p : "", len, md, &n, EVP_sha256(), NULL) || n < KEY_LEN / 2) {
		repo_hash_bytes(p ? p : "", len, out);
		out[KEY_LEN] = '\0';
		return;
	}
	put_hex(md, out);
}

struct key_hasher {
	EVP_MD *md;	/* NULL: key_digest each time */
	EVP_MD_CTX *ctx;
};

struct key_hasher *key_hasher_new(void)
{
	struct key_hasher *h = xcalloc(1, sizeof(*h));
	h->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	h->ctx = h->md ? EVP_MD_CTX_new() : NULL;
	return h;
}

void key_hasher_free(struct key_hasher *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	EVP_MD_free(h->md);
	free(h);
}

void key_hasher_digest(struct key_hasher *h, const void *p, size_t len, char out[KEY_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (!h->ctx || !EVP_DigestInit_ex(h->ctx, h->md, NULL) ||
	    !EVP_DigestUpdate(h->ctx, p ? p : "", len) || !EVP_DigestFinal_ex(h->ctx, md, &n) ||
	    n < KEY_LEN / 2) {
		key_digest(p, len, out); /* the same digest, or its fallback */
		return;
	}
	put_hex(md, out);
}

void key_hasher_finish(struct key_hasher *h, const struct buf *k, char out[KEY_LEN + 1])
{
	key_hasher_digest(h, k->ptr, k->len, out);
}

void key_finish(const struct buf *k, char out[KEY_LEN + 1])
{
	key_digest(k->ptr, k->len, out);
}

/* Spilled once a megabyte is buffered: large enough that the digest runs
 * on long inputs, small enough to stay in the cache. */
enum { SPILL_AT = 1 << 20 };

void key_stream_init(struct key_stream *s)
{
	s->buf = (struct buf)BUF_INIT;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (md && !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(md);
		md = NULL;
	}
	/* without a context everything is buffered and key_digest'ed */
	s->md = md;
}

void key_stream_spill(struct key_stream *s)
{
	if (!s->md || s->buf.len < SPILL_AT)
		return;
	/* an initialised SHA-256 context takes any bytes */
	if (!EVP_DigestUpdate(s->md, s->buf.ptr, s->buf.len))
		BUG("EVP_DigestUpdate failed on an initialised SHA-256 context");
	buf_reset(&s->buf);
}

void key_stream_add(struct key_stream *s, const void *p, size_t len)
{
	if (!s->md || len < 4096) {
		buf_add(&s->buf, p, len);
		key_stream_spill(s);
		return;
	}
	/* a long run is digested where it lies, after what buf holds */
	if (!EVP_DigestUpdate(s->md, s->buf.ptr, s->buf.len) || !EVP_DigestUpdate(s->md, p, len))
		BUG("EVP_DigestUpdate failed on an initialised SHA-256 context");
	buf_reset(&s->buf);
}

void key_stream_finish(struct key_stream *s, char out[KEY_LEN + 1])
{
	if (!s->md) {
		key_finish(&s->buf, out);
	} else {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int n = 0;
		if (!EVP_DigestUpdate(s->md, s->buf.ptr, s->buf.len) ||
		    !EVP_DigestFinal_ex(s->md, md, &n) || n < KEY_LEN / 2)
			BUG("EVP digest failed on an initialised SHA-256 context");
		put_hex(md, out);
		EVP_MD_CTX_free(s->md);
		s->md = NULL;
	}
	buf_release(&s->buf);
}
