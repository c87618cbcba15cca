/* diag — diagnostics as values: adding (in English and, from the catalog,
 * Vietnamese), sorting, printing, and encoding them for the pipes. */
#include "base/diag.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* takes ownership of msg and msg_vi */
static void add_owned(struct diag_list *l, enum diag_severity sev, const char *path, int line,
		      int col, char *msg, char *msg_vi)
{
	ALLOC_GROW(l->items, l->len + 1, l->cap);
	struct diag *d = &l->items[l->len++];
	d->severity = sev;
	d->path = xstrdup(path ? path : "");
	d->line = line;
	d->col = col;
	d->msg = msg;
	d->msg_vi = msg_vi;
	if (sev == DIAG_ERROR)
		l->errors++;
	else
		l->warnings++;
}

void diag_vadd(struct diag_list *l, enum diag_severity sev, const char *path, int line, int col,
	       const char *fmt, va_list ap)
{
	struct buf msg = BUF_INIT, vi = BUF_INIT;
	va_list ap2;
	va_copy(ap2, ap);
	buf_vaddf(&msg, fmt, ap);
	/* an entry whose conversions differ from its msgid would read the
	 * arguments wrongly: test_messages forbids it, and it is never used */
	const char *tr = msg_vi(fmt);
	if (tr && msg_same_conversions(fmt, tr) != 0)
		tr = NULL;
	msg_vformat(&vi, tr ? tr : fmt, ap2, MSG_VI);
	va_end(ap2);
	char *m = buf_detach(&msg, NULL);
	char *v = NULL;
	if (strcmp(vi.ptr, m) != 0)
		v = buf_detach(&vi, NULL);
	buf_release(&vi);
	add_owned(l, sev, path, line, col, m, v);
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
	if (!src->len) { /* an empty list may have no items array: memcpy(NULL) */
		diag_list_release(src);
		return;
	}
	ALLOC_GROW(dst->items, dst->len + src->len, dst->cap);
	memcpy(dst->items + dst->len, src->items, src->len * sizeof(*src->items));
	dst->len += src->len;
	dst->errors += src->errors;
	dst->warnings += src->warnings;
	free(src->items);
	memset(src, 0, sizeof(*src));
}

void diag_add_detail(struct diag *d, const char *detail, size_t len)
{
	if (!len)
		return;
	if (!d->msg_vi) /* the Vietnamese text was the English one: keep it apart */
		d->msg_vi = xstrdup(d->msg);
	char *msg = xasprintf("%s (%.*s)", d->msg, (int)len, detail);
	free(d->msg);
	d->msg = msg;
}

void diag_relocate(struct diag *d, const char *path, int line, const char *prefix)
{
	struct buf where = BUF_INIT;
	if (prefix && *prefix)
		buf_addf(&where, "%s: ", prefix);
	if (d->path[0] && d->line)
		buf_addf(&where, "%s:%d: ", d->path, d->line);
	else if (d->path[0])
		buf_addf(&where, "%s: ", d->path);
	char *msg = xasprintf("%s%s", where.ptr, d->msg);
	char *vi = d->msg_vi ? xasprintf("%s%s", where.ptr, d->msg_vi) : NULL;
	buf_release(&where);
	free(d->msg);
	free(d->msg_vi);
	free(d->path);
	d->msg = msg;
	d->msg_vi = vi;
	d->path = xstrdup(path);
	d->line = line;
	d->col = 0;
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
		free(l->items[i].msg_vi);
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

const char *diag_message(const struct diag *d, enum msg_lang lang)
{
	return lang == MSG_VI && d->msg_vi ? d->msg_vi : d->msg;
}

const char *diag_severity_word(enum diag_severity sev, enum msg_lang lang)
{
	if (lang == MSG_VI)
		return sev == DIAG_ERROR ? "lỗi" : "cảnh báo";
	return sev == DIAG_ERROR ? "error" : "warning";
}

void diag_format(const struct diag *d, bool color, char **out)
{
	diag_format_lang(d, color, MSG_EN, out);
}

void diag_format_lang(const struct diag *d, bool color, enum msg_lang lang, char **out)
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
	buf_puts(&b, diag_severity_word(d->severity, lang));
	buf_puts(&b, ": ");
	if (color)
		buf_puts(&b, "\033[0m");
	const char *m = diag_message(d, lang);
	escape_message(&b, m, strlen(m));
	*out = buf_detach(&b, NULL);
}

void diag_print(FILE *f, const struct diag *d, bool color)
{
	diag_print_lang(f, d, color, MSG_EN);
}

void diag_print_lang(FILE *f, const struct diag *d, bool color, enum msg_lang lang)
{
	char *s;
	diag_format_lang(d, color, lang, &s);
	fprintf(f, "%s\n", s);
	free(s);
}

void diag_list_encode(struct buf *out, const struct diag_list *l)
{
	for (size_t i = 0; i < l->len; i++) {
		const struct diag *d = &l->items[i];
		size_t vlen = d->msg_vi ? strlen(d->msg_vi) : 0;
		buf_addf(out, "%c %d %d %zu %zu %zu\n", d->severity == DIAG_ERROR ? 'E' : 'W', d->line,
			 d->col, strlen(d->path), strlen(d->msg), vlen);
		buf_puts(out, d->path);
		buf_puts(out, d->msg);
		if (d->msg_vi)
			buf_puts(out, d->msg_vi);
	}
}

void diag_list_decode(struct diag_list *l, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	while (p < end) {
		char sev;
		int line, col;
		size_t plen, mlen, vlen;
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
		if (sscanf(head, "%c %d %d %zu %zu %zu", &sev, &line, &col, &plen, &mlen, &vlen) != 6)
			return;
		size_t left = (size_t)(end - p) - used;
		if (left < plen || left - plen < mlen || left - plen - mlen < vlen)
			return;
		p += used;
		char *path = xstrndup(p, plen);
		p += plen;
		char *msg = xstrndup(p, mlen);
		p += mlen;
		char *vi = vlen ? xstrndup(p, vlen) : NULL;
		p += vlen;
		add_owned(l, sev == 'E' ? DIAG_ERROR : DIAG_WARNING, path, line, col, msg, vi);
		free(path);
	}
}
