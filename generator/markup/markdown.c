/* markdown — Markdown to safe HTML with cmark-gfm.
 *
 * markup/markdown*.c are the only files that include cmark-gfm's headers;
 * this one sets up the parser, walks the tree, renders and summarises, and
 * markdown_internal.h names the files that own the rest (diagnostics,
 * links and images, heading ids, shortcodes). Each render owns one
 * parser and one document tree, both freed before returning; the only
 * process-global state is cmark-gfm's own extension registry, filled once
 * by markdown_init().
 *
 * Before rendering, one walk over the tree warns about raw HTML, blanks
 * unsafe URLs, passes every other destination to the caller's resolver and
 * collects the headings. cmark-gfm's HTML renderer cannot put an id on a
 * heading, so each heading gets a marker child (a custom inline printing a
 * 0xFF byte, which never occurs in cmark's output because the input is
 * validated as UTF-8) and the rendered `<hN>` + marker becomes
 * `<hN id="...">`.
 *
 * Shortcodes are found before that walk: a paragraph on one source line
 * whose text (read from the source by position, so that emphasis or
 * inline HTML in the arguments cannot change it) is `{{< ... >}}` becomes
 * a custom block holding the callback's HTML, which cmark-gfm prints as it
 * is even in safe mode. The HTML is checked to be valid UTF-8, so it can
 * never hold the heading marker byte.
 *
 * Images the caller describes (opts->image: the site's image stage knows
 * their size and variants) become custom inlines too, each holding a whole
 * `<img>` written here with the same escaping as cmark's. */
#include "markup/markdown.h"
#include "markup/markdown_internal.h"
#include "markup/mdspaces.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/str.h"
#include "base/strmap.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "content/text.h"

static const char *const extension_names[] = {
	"table", "autolink", "strikethrough", "tasklist", "tagfilter",
};
void markdown_init(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

/* ---- rendering ---- */

static cmark_parser *new_parser(int options)
{
	cmark_parser *p = cmark_parser_new(options);

	for (size_t i = 0; i < sizeof(extension_names) / sizeof(extension_names[0]); i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(extension_names[i]);
		if (!ext || !cmark_parser_attach_syntax_extension(p, ext)) {
			cmark_parser_free(p);
			return NULL;
		}
	}
	return p;
}

static void walk(struct render *r, cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_HTML_BLOCK:
		case CMARK_NODE_HTML_INLINE:
			if (!r->opts->allow_html)
				markdown_warn(r, WARN_HTML, n, "%s", "raw HTML omitted");
			break;
		case CMARK_NODE_IMAGE:
			/* readers on screen readers get nothing from a photo without
			 * words; the alt text is the image's children */
			if (!cmark_node_first_child(n))
				markdown_warn(r, WARN_ALT, n, "%s", "image without alt text (write ![what it shows](file))");
			markdown_check_link(r, n);
			if (r->opts->image) {
				ALLOC_GROW(r->images, r->nimages + 1, r->images_cap);
				r->images[r->nimages++] = n;
			}
			break;
		case CMARK_NODE_LINK:
			markdown_check_link(r, n);
			break;
		case CMARK_NODE_HEADING:
			ALLOC_GROW(r->headings, r->nheadings + 1, r->headings_cap);
			r->headings[r->nheadings++] = n;
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

int markdown_render(struct buf *html, const char *src, size_t len,
		    const struct markdown_opts *opts, struct diag_list *diags)
{
	struct render r = { .opts = opts, .diags = diags, .arena = ARENA_INIT, .ids = STRMAP_INIT };
	cmark_parser *parser = NULL;
	cmark_node *doc = NULL;
	char *out = NULL;
	int err = -1;
	struct buf spaced = BUF_INIT;
	/* Safe mode unless the site trusts its authors: raw HTML becomes a
	 * comment and cmark blanks unsafe URLs too (we already have). */
	int render_opts = opts->allow_html ? CMARK_OPT_UNSAFE : CMARK_OPT_DEFAULT;

	/* cmark checks the UTF-8 again only when ours found it broken (it then
	 * replaces what is invalid): valid text is copied through unchanged,
	 * and the second check was 2% of a render worker's instructions */
	bool valid = markdown_check_encoding(src, len, opts, diags);
	parser = new_parser(CMARK_OPT_SOURCEPOS | (valid ? 0 : CMARK_OPT_VALIDATE_UTF8));
	if (!parser) {
		diag_error(diags, opts->path, 0, 0,
			   "cmark-gfm extensions missing (markdown_init() not called?)");
		goto done;
	}
	/* `![Ảnh](ảnh lớp học.jpg)`: the photo's name as the teacher wrote it */
	if (mdspaces_bracket(src, len, &spaced)) {
		src = spaced.ptr;
		len = spaced.len;
	}
	cmark_parser_feed(parser, src, len);
	doc = cmark_parser_finish(parser);
	if (!doc) {
		diag_error(diags, opts->path, 0, 0, "cmark-gfm failed to parse the page");
		goto done;
	}
	markdown_expand_shortcodes(&r, doc, src, len);
	walk(&r, doc);
	markdown_name_headings(&r);
	markdown_describe_images(&r); /* after the heading ids, which read alt texts */
	markdown_warn_suppressed(&r);
	/* render without CMARK_OPT_SOURCEPOS: no data-sourcepos attributes */
	out = cmark_render_html(doc, render_opts, cmark_parser_get_syntax_extensions(parser));
	if (!out) {
		diag_error(diags, opts->path, 0, 0, "cmark-gfm failed to render the page");
		goto done;
	}
	markdown_emit_html(&r, html, out, strlen(out));
	err = 0;
done:
	free(out);
	if (doc)
		cmark_node_free(doc);
	if (parser)
		cmark_parser_free(parser);
	buf_release(&spaced);
	free(r.headings);
	free(r.images);
	free((void *)r.heading_ids);
	free(r.next_suffix);
	strmap_release(&r.ids);
	arena_release(&r.arena);
	return err;
}

/* ---- summary ---- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Appends s with runs of white space collapsed to one space. */
static void add_collapsed(struct buf *out, const char *s)
{
	for (; *s; s++) {
		if (is_space(*s)) {
			if (out->len && out->ptr[out->len - 1] != ' ')
				buf_putc(out, ' ');
		} else {
			buf_putc(out, *s);
		}
	}
}

/* Text of the paragraphs in document order (headings, code blocks, HTML
 * and image descriptions skipped) until there is more than limit bytes. */
static void paragraph_text(cmark_node *doc, struct buf *text, size_t limit,
			   const struct lines *li, const char *src, size_t len)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	bool in_para = false;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(n);
		if (type == CMARK_NODE_PARAGRAPH) {
			/* a shortcode's text is not the page's */
			if (ev == CMARK_EVENT_ENTER && li && markdown_is_shortcode_para(li, src, len, n)) {
				cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
				continue;
			}
			in_para = ev == CMARK_EVENT_ENTER;
			if (!in_para && text->len > limit)
				break;
			add_collapsed(text, " ");
			continue;
		}
		if (!in_para || ev != CMARK_EVENT_ENTER)
			continue;
		switch (type) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			add_collapsed(text, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			add_collapsed(text, " ");
			break;
		case CMARK_NODE_IMAGE:
			cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

void markdown_summary(struct buf *out, const char *src, size_t len, size_t max_bytes)
{
	static const char ellipsis[] = "\xe2\x80\xa6"; /* … */
	const size_t ell = sizeof(ellipsis) - 1;
	cmark_parser *parser = new_parser(CMARK_OPT_VALIDATE_UTF8);
	cmark_node *doc;
	struct buf text = BUF_INIT;
	size_t n;

	/* without the extensions tables would read as paragraphs of pipes */
	if (!parser)
		parser = cmark_parser_new(CMARK_OPT_VALIDATE_UTF8);
	/* a summary needs the beginning only; parsing a bounded prefix keeps
	 * cmark-gfm's quadratic inputs (HOSTILE.md) harmless here, where no
	 * worker's time limit applies (plugins call it in the builder) */
	size_t limit = 4 * max_bytes > 8192 ? 4 * max_bytes : 8192;
	if (len > limit) {
		const char *nl = memrchr(src, '\n', limit);
		size_t cut = nl ? (size_t)(nl - src) : limit;
		while (cut > 0 && ((unsigned char)src[cut] & 0xC0) == 0x80)
			cut--; /* never inside a character */
		len = cut;
	}
	cmark_parser_feed(parser, src, len);
	doc = cmark_parser_finish(parser);
	if (doc) {
		struct lines li = { NULL, 0 };
		bool any = str_find(src, len, "{{<", 3) != NULL;
		if (any)
			markdown_index_lines(&li, src, len);
		paragraph_text(doc, &text, max_bytes, any ? &li : NULL, src, len);
		free(li.start);
		cmark_node_free(doc);
	}
	cmark_parser_free(parser);

	n = text.len;
	while (n && text.ptr[n - 1] == ' ')
		n--;
	const char *s = text.ptr;
	while (n && *s == ' ') {
		s++;
		n--;
	}
	if (n <= max_bytes) {
		buf_add(out, s, n);
	} else if (max_bytes > ell) {
		/* the ellipsis counts against max_bytes */
		size_t cut = max_bytes - ell;
		while (cut > 0 && s[cut] != ' ')
			cut--;
		if (cut == 0) { /* one long word: cut between characters */
			cut = max_bytes - ell;
			while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
				cut--;
		}
		while (cut > 0 && (s[cut - 1] == ' ' || s[cut - 1] == ',' || s[cut - 1] == ';' ||
				   s[cut - 1] == ':'))
			cut--;
		buf_add(out, s, cut);
		buf_add(out, ellipsis, ell);
	}
	buf_release(&text);
}
