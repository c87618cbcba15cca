/* repo_history_codec — a history result as bytes and back, for the build
 * cache (a rebuild extends its parent commit's history instead of walking
 * every commit again).
 *
 * Owns: the text format only. Decoding trusts nothing: a malformed,
 * truncated or unsorted input is refused whole (-1), never half read. */
#include "source/repo.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "base/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HISTORY_FORMAT "loa-history-1\n"

/* A decimal number, then the byte end (buf_addf costs a third of an
 * encode of 10,000 entries). */
static void put_num(struct buf *out, int64_t v, char end)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	tmp[--i] = end;
	do
		tmp[--i] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		tmp[--i] = '-';
	buf_add(out, tmp + i, sizeof(tmp) - i);
}

/* Layout: the format line; "N\n" then N author names as "LEN:BYTES\n";
 * "M\n" then M entries, by path, as "LEN:PATH FIRST LAST K I1 … IK\n"
 * where the I are indexes into the names. */
void repo_history_encode(const struct repo_history *h, struct buf *out)
{
	struct strmap ids = STRMAP_INIT;
	const char **names = NULL;
	size_t nnames = 0, cap = 0;
	for (size_t i = 0; i < h->n; i++)
		for (size_t k = 0; k < h->entries[i].nauthors; k++)
			if (strmap_put(&ids, h->entries[i].authors[k], nnames, NULL)) {
				ALLOC_GROW(names, nnames + 1, cap);
				names[nnames++] = h->entries[i].authors[k];
			}
	buf_puts(out, HISTORY_FORMAT);
	put_num(out, (int64_t)nnames, '\n');
	for (size_t i = 0; i < nnames; i++) {
		size_t len = strlen(names[i]);
		put_num(out, (int64_t)len, ':');
		buf_add(out, names[i], len);
		buf_putc(out, '\n');
	}
	put_num(out, (int64_t)h->n, '\n');
	for (size_t i = 0; i < h->n; i++) {
		const struct repo_history_entry *e = &h->entries[i];
		size_t len = strlen(e->path);
		put_num(out, (int64_t)len, ':');
		buf_add(out, e->path, len);
		buf_putc(out, ' ');
		put_num(out, e->first, ' ');
		put_num(out, e->last, ' ');
		put_num(out, (int64_t)e->nauthors, e->nauthors ? ' ' : '\n');
		for (size_t k = 0; k < e->nauthors; k++) {
			size_t id = 0;
			strmap_get(&ids, e->authors[k], &id);
			put_num(out, (int64_t)id, k + 1 < e->nauthors ? ' ' : '\n');
		}
	}
	free(names);
	strmap_release(&ids);
}

struct cursor {
	const char *p, *end;
	bool bad;
};

/* A decimal number (a leading '-' when sign) ended by one of the bytes
 * of stops (taken; *ended says which). */
static int64_t read_num_in(struct cursor *c, const char *stops, bool sign, char *ended)
{
	bool neg = false;
	if (sign && c->p < c->end && *c->p == '-') {
		neg = true;
		c->p++;
	}
	uint64_t v = 0;
	size_t digits = 0;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && digits < 18) {
		v = v * 10 + (uint64_t)(*c->p++ - '0');
		digits++;
	}
	if (!digits || c->p >= c->end || !*c->p || !strchr(stops, *c->p))
		c->bad = true;
	else
		*ended = *c->p++;
	return neg ? -(int64_t)v : (int64_t)v;
}

static int64_t read_num(struct cursor *c, char stop, bool sign)
{
	char stops[2] = { stop, '\0' }, ended;
	return read_num_in(c, stops, sign, &ended);
}

/* "LEN:BYTES" copied into a (no NUL inside), then the byte stop. */
static const char *read_str(struct cursor *c, struct arena *a, char stop)
{
	int64_t len = read_num(c, ':', false);
	if (c->bad || len > c->end - c->p - 1 || memchr(c->p, '\0', (size_t)len) ||
	    c->p[len] != stop) {
		c->bad = true;
		return "";
	}
	const char *s = arena_strndup(a, c->p, (size_t)len);
	c->p += len + 1;
	return s;
}

int repo_history_decode(struct repo_history *h, const char *data, size_t len, struct arena *a)
{
	h->entries = NULL;
	h->n = 0;
	size_t flen = strlen(HISTORY_FORMAT);
	if (len < flen || memcmp(data, HISTORY_FORMAT, flen) != 0)
		return -1;
	struct cursor c = { data + flen, data + len, false };
	int64_t nnames = read_num(&c, '\n', false);
	/* every name and entry takes at least three bytes: no count can
	 * claim more than the input holds */
	if (c.bad || nnames > c.end - c.p)
		return -1;
	const char **names = arena_alloc(a, ((size_t)nnames + 1) * sizeof(*names));
	for (int64_t i = 0; i < nnames && !c.bad; i++)
		names[i] = read_str(&c, a, '\n');
	int64_t n = c.bad ? 0 : read_num(&c, '\n', false);
	if (c.bad || n > c.end - c.p)
		return -1;
	struct repo_history_entry *es = arena_zalloc(a, ((size_t)n + 1) * sizeof(*es));
	for (int64_t i = 0; i < n && !c.bad; i++) {
		struct repo_history_entry *e = &es[i];
		e->path = read_str(&c, a, ' ');
		e->first = read_num(&c, ' ', true);
		e->last = read_num(&c, ' ', true);
		char ended = 0;
		int64_t k = read_num_in(&c, " \n", false, &ended);
		/* K ends the line when there are no authors */
		if (!c.bad && (ended == '\n') != (k == 0))
			c.bad = true;
		if (c.bad || k > c.end - c.p) {
			c.bad = true;
			break;
		}
		e->authors = arena_alloc(a, ((size_t)k + 1) * sizeof(*e->authors));
		e->nauthors = (size_t)k;
		for (int64_t j = 0; j < k && !c.bad; j++) {
			int64_t id = read_num(&c, j + 1 < k ? ' ' : '\n', false);
			if (!c.bad && id >= nnames)
				c.bad = true;
			e->authors[j] = c.bad ? "" : names[id];
		}
		if (!c.bad && i > 0 && strcmp(es[i - 1].path, e->path) >= 0)
			c.bad = true; /* repo_history_find needs them sorted */
	}
	if (c.bad || c.p != c.end)
		return -1;
	h->entries = es;
	h->n = (size_t)n;
	return 0;
}
