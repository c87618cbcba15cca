/* buf — the one growable byte buffer (after git's strbuf).
 *
 * Invariants: ptr is never NULL and always NUL-terminated, even when empty
 * (BUF_INIT points at a shared empty byte that is never written); len
 * excludes the NUL. buf_detach() hands the bytes to the caller, who frees
 * them with free(); buf_release() frees and resets to BUF_INIT. */
#ifndef LOA_BUF_H
#define LOA_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *ptr;
	size_t len;
	size_t cap; /* 0 while ptr is the shared empty byte */
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

void buf_init(struct buf *b);
void buf_release(struct buf *b);
/* make room for at least extra more bytes (plus the NUL) */
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
/* one byte, inline: the loops that write JSON, varints and escapes call
 * it per byte (through buf_add it was three calls a byte) */
static inline void buf_putc(struct buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_grow(b, 1);
	b->ptr[b->len++] = c;
	b->ptr[b->len] = '\0';
}
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
void buf_setlen(struct buf *b, size_t len);
void buf_reset(struct buf *b); /* len = 0, keeps the allocation */
/* ownership of the bytes moves to the caller (never NULL; free() it) */
char *buf_detach(struct buf *b, size_t *len);

/* The entity that stands for c in HTML text and quoted attributes
 * ("&amp;" for '&', and < > " '), NULL for any other byte: the one table
 * of every escaper (this buffer's, the template runtime's, loa.xml_text). */
const char *html_entity(unsigned char c);
/* Escapes for HTML text and attribute values (& < > " '). */
void buf_add_html(struct buf *b, const char *s, size_t len);
/* Escapes for XML text (sitemap, feeds): same set as HTML. */
#define buf_add_xml buf_add_html

#endif
