/* markdown_headings — heading ids, unique in the page, put on the rendered
 * <hN> through a marker byte (see markdown.c's top comment); the same output
 * pass writes task-list checkboxes as symbols. */
#include "markup/markdown_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/strmap.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "content/text.h"

/* ---- heading ids ---- */

/* Plain text of a subtree: text and code, breaks as spaces. */
void markdown_node_text(cmark_node *root, struct buf *out)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			buf_puts(out, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_putc(out, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

/* Without ICU: ASCII letters and digits only, other runs become '-'. */
static void ascii_slug(struct buf *out, const char *s)
{
	size_t start = out->len;
	bool sep = false;

	for (; *s && out->len - start < SLUG_MAX; s++) {
		char c = *s;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
			sep = true;
			continue;
		}
		if (sep && out->len > start)
			buf_putc(out, '-');
		sep = false;
		buf_putc(out, c);
	}
}

static size_t new_suffix_slot(struct render *r)
{
	ALLOC_GROW(r->next_suffix, r->nids + 1, r->next_cap);
	r->next_suffix[r->nids] = 1;
	return r->nids++;
}

/* An id for slug, unique in the page: "x", then "x-1", "x-2", ... */
static const char *unique_id(struct render *r, const char *slug)
{
	size_t idx, n;
	struct buf cand = BUF_INIT;
	const char *id;

	if (!strmap_get(&r->ids, slug, &idx)) {
		id = arena_strdup(&r->arena, slug);
		strmap_put(&r->ids, id, new_suffix_slot(r), NULL);
		return id;
	}
	/* remembering the next suffix keeps 10,000 equal headings linear */
	for (n = r->next_suffix[idx];; n++) {
		buf_reset(&cand);
		buf_addf(&cand, "%s-%zu", slug, n);
		if (!strmap_get(&r->ids, cand.ptr, NULL))
			break;
	}
	r->next_suffix[idx] = n + 1;
	id = arena_strdup(&r->arena, cand.ptr);
	strmap_put(&r->ids, id, new_suffix_slot(r), NULL);
	buf_release(&cand);
	return id;
}

void markdown_name_headings(struct render *r)
{
	struct buf text = BUF_INIT, slug = BUF_INIT;
	static const char marker[] = "\xff";

	r->heading_ids = r->nheadings ? xcalloc(r->nheadings, sizeof(*r->heading_ids)) : NULL;
	for (size_t i = 0; i < r->nheadings; i++) {
		cmark_node *h = r->headings[i], *m;
		buf_reset(&text);
		buf_reset(&slug);
		markdown_node_text(h, &text);
		if (r->opts->text)
			text_slugify(r->opts->text, &slug, text.ptr, text.len);
		else
			ascii_slug(&slug, text.ptr);
		if (!slug.len)
			buf_puts(&slug, "section");
		r->heading_ids[i] = unique_id(r, slug.ptr);

		m = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
		cmark_node_set_on_enter(m, marker);
		cmark_node_set_on_exit(m, "");
		cmark_node_prepend_child(h, m);
	}
	buf_release(&text);
	buf_release(&slug);
}

/* t[0..4) is "<h1>" … "<h6>" */
static bool is_heading_tag(const char *t)
{
	return t[0] == '<' && t[1] == 'h' && t[2] >= '1' && t[2] <= '6' && t[3] == '>';
}

/* Appends s, writing a task list's checkboxes as the symbols ☑ and ☐: a
 * disabled form control without a label is an accessibility error (axe
 * "label"), and a symbol is read out as checked or not in any language. */
static void add_tasks(struct buf *html, const char *s, size_t len)
{
	static const char box[] = "<input type=\"checkbox\" ";
	static const char done[] = "checked=\"\" disabled=\"\" />";
	static const char todo[] = "disabled=\"\" />";
	const char *end = s + len, *q;
	while ((q = memmem(s, (size_t)(end - s), box, sizeof(box) - 1)) != NULL) {
		const char *after = q + sizeof(box) - 1;
		size_t rest = (size_t)(end - after);
		buf_add(html, s, (size_t)(q - s));
		if (rest >= sizeof(done) - 1 && memcmp(after, done, sizeof(done) - 1) == 0) {
			buf_puts(html, "<span class=\"task task-done\">\xe2\x98\x91</span>");
			s = after + sizeof(done) - 1;
		} else if (rest >= sizeof(todo) - 1 && memcmp(after, todo, sizeof(todo) - 1) == 0) {
			buf_puts(html, "<span class=\"task\">\xe2\x98\x90</span>");
			s = after + sizeof(todo) - 1;
		} else {
			buf_add(html, q, sizeof(box) - 1);
			s = after;
		}
	}
	buf_add(html, s, (size_t)(end - s));
}

/* Appends rendered HTML, turning each `<hN>` + marker into `<hN id="…">`. */
void markdown_emit_html(struct render *r, struct buf *html, const char *s, size_t len)
{
	size_t start = html->len, k = 0;
	const char *end = s + len, *q;

	while ((q = memchr(s, HEADING_MARKER, (size_t)(end - s))) != NULL) {
		add_tasks(html, s, (size_t)(q - s));
		if (html->len - start >= 4 && k < r->nheadings &&
		    is_heading_tag(html->ptr + html->len - 4)) {
			buf_setlen(html, html->len - 1);
			/* slugs and their suffixes are [a-z0-9-]: no escaping */
			buf_addf(html, " id=\"%s\">", r->heading_ids[k]);
		}
		k++;
		s = q + 1;
	}
	add_tasks(html, s, (size_t)(end - s));
}
