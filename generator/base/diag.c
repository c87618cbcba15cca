#include "base/diag.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

void diag_vadd(struct diag_list *l, enum diag_severity sev, const char *path, int line, int col,
	       const char *fmt, va_list ap)
{
	struct buf msg = BUF_INIT;
	buf_vaddf(&msg, fmt, ap);
	ALLOC_GROW(l->items, l->len + 1, l->cap);
	struct diag *d = &l->items[l->len++];
	d->severity = sev;
	d->path = xstrdup(path ? path : "");
	d->line = line;
	d->col = col;
	d->msg = buf_detach(&msg, NULL);
	if (sev == DIAG_ERROR)
		l->errors++;
	else
		l->warnings++;
}

int diag_error(struct diag_list *l, const char *path, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(l, DIAG_ERROR, path, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

void diag_warning(struct diag_list *l, const char *path, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(l, DIAG_WARNING, path, line, col, fmt, ap);
	va_end(ap);
}

void diag_list_append(struct diag_list *dst, struct diag_list *src)
{
	ALLOC_GROW(dst->items, dst->len + src->len, dst->cap);
	memcpy(dst->items + dst->len, src->items, src->len * sizeof(*src->items));
	dst->len += src->len;
	dst->errors += src->errors;
	dst->warnings += src->warnings;
	free(src->items);
	memset(src, 0, sizeof(*src));
}

static int diag_cmp(const void *pa, const void *pb)
{
	const struct diag *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity < b->severity ? -1 : 1;
	return strcmp(a->msg, b->msg);
}

void diag_list_sort(struct diag_list *l)
{
	if (l->len > 1)
		qsort(l->items, l->len, sizeof(*l->items), diag_cmp);
}

void diag_list_release(struct diag_list *l)
{
	for (size_t i = 0; i < l->len; i++) {
		free(l->items[i].path);
		free(l->items[i].msg);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* Messages may span lines (a Lua traceback); continuation lines are
 * indented so that each diagnostic still starts with its file:line. */
static void escape_message(struct buf *out, const char *s, size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '\n' && s[i] != '\t')
			continue;
		diag_escape(out, s + start, i - start);
		if (i < len)
			buf_puts(out, s[i] == '\n' ? "\n    " : "  ");
		start = i + 1;
	}
}

void diag_escape(struct buf *out, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f) {
			buf_addf(out, "\\x%02x", c);
			i++;
			continue;
		}
		size_t n = utf8_valid_prefix(s + i, len - i);
		if (n == 0) {
			buf_addf(out, "\\x%02x", c);
			i++;
			continue;
		}
		buf_add(out, s + i, n);
		i += n;
	}
}

void diag_format(const struct diag *d, bool color, char **out)
{
	struct buf b = BUF_INIT;
	if (color)
		buf_puts(&b, "\033[1m");
	if (d->path[0]) {
		diag_escape(&b, d->path, strlen(d->path));
		if (d->line > 0)
			buf_addf(&b, ":%d", d->line);
		if (d->line > 0 && d->col > 0)
			buf_addf(&b, ":%d", d->col);
		buf_puts(&b, ": ");
	}
	if (color)
		buf_puts(&b, d->severity == DIAG_ERROR ? "\033[31m" : "\033[35m");
	buf_puts(&b, d->severity == DIAG_ERROR ? "error: " : "warning: ");
	if (color)
		buf_puts(&b, "\033[0m");
	escape_message(&b, d->msg, strlen(d->msg));
	*out = buf_detach(&b, NULL);
}

void diag_print(FILE *f, const struct diag *d, bool color)
{
	char *s;
	diag_format(d, color, &s);
	fprintf(f, "%s\n", s);
	free(s);
}

void diag_list_encode(struct buf *out, const struct diag_list *l)
{
	for (size_t i = 0; i < l->len; i++) {
		const struct diag *d = &l->items[i];
		buf_addf(out, "%c %d %d %zu %zu\n", d->severity == DIAG_ERROR ? 'E' : 'W', d->line,
			 d->col, strlen(d->path), strlen(d->msg));
		buf_puts(out, d->path);
		buf_puts(out, d->msg);
	}
}

void diag_list_decode(struct diag_list *l, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	while (p < end) {
		char sev;
		int line, col;
		size_t plen, mlen;
		/* the header ends at its newline; a path or message that starts
		 * with white space must not be eaten by sscanf */
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char head[96];
		size_t hn = nl ? (size_t)(nl - p) : 0;
		if (!nl || hn >= sizeof(head))
			return;
		memcpy(head, p, hn);
		head[hn] = '\0';
		size_t used = hn + 1;
		if (sscanf(head, "%c %d %d %zu %zu", &sev, &line, &col, &plen, &mlen) != 5 ||
		    (size_t)(end - p - used) < plen || (size_t)(end - p - used) - plen < mlen)
			return;
		p += used;
		char *path = xstrndup(p, plen);
		p += plen;
		if (sev == 'E')
			diag_error(l, path, line, col, "%.*s", (int)mlen, p);
		else
			diag_warning(l, path, line, col, "%.*s", (int)mlen, p);
		p += mlen;
		free(path);
	}
}
