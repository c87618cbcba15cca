/* markdown_shortcodes — {{< name args >}} paragraphs: found by source
 * position, parsed, and replaced by the callback's HTML. */
#include "markup/markdown_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/str.h"
#include "base/strmap.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "content/text.h"

/* ---- shortcodes ---- */

enum { SHORTCODE_MAX_ARGS = 64, SHORTCODE_MAX_NAME = 64 };

struct shortcode {
	char *name;
	const char *keys[SHORTCODE_MAX_ARGS]; /* NULL for a positional argument */
	const char *values[SHORTCODE_MAX_ARGS];
	size_t nargs;
	struct buf store; /* name, keys and values, NUL-separated */
	size_t name_off, key_off[SHORTCODE_MAX_ARGS], value_off[SHORTCODE_MAX_ARGS];
};


void markdown_index_lines(struct lines *li, const char *src, size_t len)
{
	size_t cap = 0;
	li->start = NULL;
	li->n = 0;
	ALLOC_GROW(li->start, li->n + 1, cap);
	li->start[li->n++] = 0;
	for (size_t i = 0; i < len; i++) {
		if (src[i] == '\r' && i + 1 < len && src[i + 1] == '\n')
			i++;
		else if (src[i] != '\n' && src[i] != '\r')
			continue;
		ALLOC_GROW(li->start, li->n + 1, cap);
		li->start[li->n++] = i + 1;
	}
}

/* The source text of paragraph n if it lies on one line: the bytes between
 * its start and end columns. False for a paragraph of several lines. */
static bool para_source(const struct lines *li, const char *src, size_t len, cmark_node *n,
			const char **text, size_t *tlen, bool *multiline)
{
	int l = cmark_node_get_start_line(n), c = cmark_node_get_start_column(n);
	int el = cmark_node_get_end_line(n), ec = cmark_node_get_end_column(n);
	size_t line_end;

	*multiline = el != l;
	if (l < 1 || (size_t)l > li->n || c < 1)
		return false;
	line_end = (size_t)l < li->n ? li->start[l] : len;
	if (*multiline)
		ec = (int)(line_end - li->start[l - 1]); /* the first line, for the warning */
	if (ec < c || li->start[l - 1] + (size_t)ec > line_end)
		return false;
	*text = src + li->start[l - 1] + c - 1;
	*tlen = (size_t)(ec - c + 1);
	while (*tlen && (unsigned char)(*text)[*tlen - 1] <= ' ')
		(*tlen)--;
	return true;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool starts_shortcode(const char *s, size_t len)
{
	return len >= 3 && memcmp(s, "{{<", 3) == 0;
}

/* Reads a double-quoted value at *p (\" and \\ are escapes) into store. */
static const char *read_quoted(const char **p, const char *end, struct buf *store)
{
	const char *q = *p + 1;
	for (; q < end && *q != '"'; q++) {
		if (*q == '\\' && q + 1 < end && (q[1] == '"' || q[1] == '\\'))
			q++;
		buf_putc(store, *q);
	}
	if (q >= end)
		return "unterminated quote";
	*p = q + 1;
	return NULL;
}

/* Parses `{{< name args >}}` (s is exactly that, trimmed). Returns 1 when s
 * is not shaped like a shortcode, 0 when parsed, -1 with *why when it is
 * malformed. */
static int parse_shortcode(const char *s, size_t len, struct shortcode *sc, const char **why)
{
	const char *p, *end;
	size_t n;

	if (!starts_shortcode(s, len) || len < 6 || memcmp(s + len - 3, ">}}", 3) != 0 ||
	    memchr(s, '\0', len) || !utf8_valid(s, len))
		return 1;
	p = s + 3;
	end = s + len - 3;
	while (p < end && is_blank(*p))
		p++;
	for (n = 0; p + n < end && is_name_char(p[n]); n++)
		;
	if (n == 0 || n > SHORTCODE_MAX_NAME || (p + n < end && !is_blank(p[n]))) {
		*why = "a name of letters, digits, '-' or '_' must follow '{{<'";
		return -1;
	}
	sc->name_off = sc->store.len;
	buf_add(&sc->store, p, n);
	buf_putc(&sc->store, '\0');
	p += n;
	for (;;) {
		while (p < end && is_blank(*p))
			p++;
		if (p >= end)
			break;
		if (sc->nargs == SHORTCODE_MAX_ARGS) {
			*why = "too many arguments";
			return -1;
		}
		size_t k = sc->nargs++;
		sc->key_off[k] = (size_t)-1;
		for (n = 0; p + n < end && is_name_char(p[n]); n++)
			;
		if (n && p + n < end && p[n] == '=') {
			sc->key_off[k] = sc->store.len;
			buf_add(&sc->store, p, n);
			buf_putc(&sc->store, '\0');
			p += n + 1;
		}
		sc->value_off[k] = sc->store.len;
		if (p < end && *p == '"') {
			if ((*why = read_quoted(&p, end, &sc->store)) != NULL)
				return -1;
		} else {
			const char *start = p;
			while (p < end && !is_blank(*p) && *p != '"')
				p++;
			if (p < end && *p == '"') {
				*why = "a quote inside an unquoted argument";
				return -1;
			}
			buf_add(&sc->store, start, (size_t)(p - start));
		}
		buf_putc(&sc->store, '\0');
		if (p < end && !is_blank(*p)) {
			*why = "arguments must be separated by spaces";
			return -1;
		}
	}
	/* the store has stopped moving: point into it */
	sc->name = sc->store.ptr + sc->name_off;
	for (size_t i = 0; i < sc->nargs; i++) {
		sc->keys[i] = sc->key_off[i] == (size_t)-1 ? NULL : sc->store.ptr + sc->key_off[i];
		sc->values[i] = sc->store.ptr + sc->value_off[i];
	}
	return 0;
}

/* True when paragraph n is a shortcode on a line of its own. */
bool markdown_is_shortcode_para(const struct lines *li, const char *src, size_t len, cmark_node *n)
{
	const char *text, *why;
	size_t tlen;
	bool multi;
	struct shortcode sc = { .store = BUF_INIT };
	bool yes = para_source(li, src, len, n, &text, &tlen, &multi) && !multi &&
		   parse_shortcode(text, tlen, &sc, &why) == 0;
	buf_release(&sc.store);
	return yes;
}

/* A paragraph holding `{{< x >}}` among other text, or Hugo's `{{% x %}}`:
 * it stays text, and the first one of the paragraph is named. Only text
 * is searched (cmark splits it at `<`, so runs of text nodes are joined):
 * `{{< x >}}` in a code span is an example, not a shortcode. */
static void warn_inline_shortcode(struct render *r, cmark_node *para, const struct lines *li,
				  const char *src, size_t len)
{
	struct buf run = BUF_INIT;
	cmark_node *first = NULL;
	for (cmark_node *c = cmark_node_first_child(para);; c = cmark_node_next(c)) {
		if (c && cmark_node_get_type(c) == CMARK_NODE_TEXT) {
			const char *lit = cmark_node_get_literal(c);
			if (!first)
				first = c;
			buf_puts(&run, lit ? lit : "");
			continue;
		}
		const char *at = NULL, *a = NULL, *b = NULL;
		if (run.len) {
			a = str_find(run.ptr, run.len, "{{<", 3);
			b = str_find(run.ptr, run.len, "{{%", 3);
			at = a && (!b || a < b) ? a : b;
		}
		if (at) {
			const char *name = at + 3, *end = run.ptr + run.len;
			while (name < end && is_blank(*name))
				name++;
			int nlen = 0;
			while (name + nlen < end && nlen < SHORTCODE_MAX_NAME && is_name_char(name[nlen]))
				nlen++;
			/* the run is on one line (a line break is a node of its
			 * own): its line from cmark, the column from the source,
			 * as cmark's inline columns are not reliable */
			int line = cmark_node_get_start_line(first), col = 0;
			if (line < 1)
				line = cmark_node_get_start_line(para);
			if (line >= 1 && (size_t)line <= li->n) {
				size_t from = li->start[line - 1];
				size_t to = (size_t)line < li->n ? li->start[line] : len;
				const char *hit = str_find(src + from, to - from, at, 3);
				if (hit)
					col = (int)(hit - (src + from)) + 1;
			}
			if (r->warned[WARN_SHORTCODE]++ < MAX_WARNINGS_PER_KIND) {
				line += r->opts->line_offset;
				if (at == b)
					diag_warning(r->diags, r->opts->path, line, col,
						     "Hugo shortcode '{{%% %.*s %%}}' left as text (Loa's shortcodes are '{{< name >}}')",
						     nlen, name);
				else
					diag_warning(r->diags, r->opts->path, line, col,
						     "shortcode '%.*s' inside a paragraph left as text (put '{{< ... >}}' alone in its paragraph)",
						     nlen, name);
			}
			break;
		}
		buf_reset(&run);
		first = NULL;
		if (!c)
			break;
	}
	buf_release(&run);
}

/* Calls the callback for paragraph n (a candidate) and, when it gives HTML,
 * puts a custom block holding that HTML in the paragraph's place. */
static void expand_one(struct render *r, cmark_node *n, const struct lines *li, const char *src,
		       size_t len)
{
	const char *text, *why = NULL;
	size_t tlen;
	bool multi;
	struct shortcode sc = { .store = BUF_INIT };
	struct buf html = BUF_INIT, err = BUF_INIT;

	if (!para_source(li, src, len, n, &text, &tlen, &multi))
		goto done;
	if (!starts_shortcode(text, tlen)) {
		warn_inline_shortcode(r, n, li, src, len);
		goto done;
	}
	if (multi) {
		/* `{{< x >}}` followed by text without a blank line */
		if (str_find(text, tlen, ">}}", 3))
			markdown_note(r, WARN_SHORTCODE, false, n, "%s",
			     "a shortcode must be alone in its paragraph: left as text");
		goto done;
	}
	int rc = parse_shortcode(text, tlen, &sc, &why);
	if (rc > 0)
		goto done;
	if (rc < 0) {
		markdown_note(r, WARN_SHORTCODE, false, n, "malformed shortcode (%s): left as text", why);
		goto done;
	}
	if (r->warned[ERR_SHORTCODE] >= MAX_WARNINGS_PER_KIND) {
		r->warned[ERR_SHORTCODE]++; /* too many failures: stop calling plugins */
		goto done;
	}
	rc = r->opts->shortcode(r->opts->shortcode_ctx, sc.name, sc.keys, sc.values, sc.nargs,
				&html, &err);
	if (rc > 0) {
		markdown_note(r, WARN_SHORTCODE, false, n, "unknown shortcode '%s': left as text", sc.name);
	} else if (rc < 0) {
		markdown_note(r, ERR_SHORTCODE, true, n, "shortcode '%s' failed: %s", sc.name,
		     err.len ? err.ptr : "no reason given");
	} else if (!utf8_valid(html.ptr, html.len) || memchr(html.ptr, '\0', html.len)) {
		markdown_note(r, ERR_SHORTCODE, true, n,
		     "shortcode '%s' failed: its HTML is not valid UTF-8 (or holds NUL)", sc.name);
	} else {
		markdown_replace_with_html(n, CMARK_NODE_CUSTOM_BLOCK, html.ptr);
	}
done:
	buf_release(&sc.store);
	buf_release(&html);
	buf_release(&err);
}

void markdown_expand_shortcodes(struct render *r, cmark_node *doc, const char *src, size_t len)
{
	struct lines li;
	cmark_node **cand = NULL;
	size_t ncand = 0, cap = 0;

	if (!r->opts->shortcode || (!str_find(src, len, "{{<", 3) && !str_find(src, len, "{{%", 3)))
		return;
	markdown_index_lines(&li, src, len);
	/* collect first: replacing nodes while iterating would confuse the
	 * iterator */
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_PARAGRAPH) {
			ALLOC_GROW(cand, ncand + 1, cap);
			cand[ncand++] = n;
			cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
		}
	}
	cmark_iter_free(it);
	for (size_t i = 0; i < ncand; i++)
		expand_one(r, cand[i], &li, src, len);
	free(cand);
	free(li.start);
}
