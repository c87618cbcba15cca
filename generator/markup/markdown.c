/* markdown — Markdown to safe HTML with cmark-gfm.
 *
 * The only file that includes cmark-gfm's headers. Each render owns one
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

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/strmap.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "content/text.h"

static const char *const extension_names[] = {
	"table", "autolink", "strikethrough", "tasklist", "tagfilter",
};

/* A hostile page can hold 100,000 `<b>` tags; listing each one helps no
 * one and costs memory in the parent. */
enum { MAX_WARNINGS_PER_KIND = 100 };

#define HEADING_MARKER 0xff /* as a byte; "\xff" as a string */

enum warn_kind { WARN_HTML, WARN_UNSAFE, WARN_BROKEN, WARN_SHORTCODE, ERR_SHORTCODE, WARN_ALT,
		 WARN_IMAGE, WARN_KINDS };

struct render {
	const struct markdown_opts *opts;
	struct diag_list *diags;
	size_t warned[WARN_KINDS];
	cmark_node **headings;
	size_t nheadings, headings_cap;
	/* heading ids, unique in the page */
	struct arena arena;
	struct strmap ids;     /* id → index in next_suffix */
	size_t *next_suffix;   /* next "-N" to try for that id */
	size_t nids, next_cap;
	const char **heading_ids; /* one per heading, in document order */
	cmark_node **images;      /* for opts->image, in document order */
	size_t nimages, images_cap;
};

void markdown_init(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

/* ---- diagnostics ---- */

/* Source line of n within the file: inline nodes such as soft breaks have
 * no position, so borrow the nearest ancestor's. */
static void node_pos(const struct render *r, cmark_node *n, int *line, int *col)
{
	*col = 0;
	for (cmark_node *p = n; p; p = cmark_node_parent(p)) {
		int l = cmark_node_get_start_line(p);
		if (l > 0) {
			*line = r->opts->line_offset + l;
			if (p == n)
				*col = cmark_node_get_start_column(p);
			return;
		}
	}
	*line = r->opts->line_offset + 1;
}

static void warn(struct render *r, enum warn_kind kind, cmark_node *n, const char *fmt,
		 const char *arg)
{
	int line, col;

	if (r->warned[kind]++ >= MAX_WARNINGS_PER_KIND)
		return;
	node_pos(r, n, &line, &col);
	diag_warning(r->diags, r->opts->path, line, col, fmt, arg);
}

/* Like warn(), with a format of any arguments, as an error or a warning. */
static void note(struct render *r, enum warn_kind kind, bool error, cmark_node *n,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void note(struct render *r, enum warn_kind kind, bool error, cmark_node *n,
		 const char *fmt, ...)
{
	int line, col;
	va_list ap;

	if (r->warned[kind]++ >= MAX_WARNINGS_PER_KIND)
		return;
	node_pos(r, n, &line, &col);
	va_start(ap, fmt);
	diag_vadd(r->diags, error ? DIAG_ERROR : DIAG_WARNING, r->opts->path, line, col, fmt, ap);
	va_end(ap);
}

static void warn_suppressed(struct render *r)
{
	static const char *const what[WARN_KINDS] = {
		"raw HTML omitted", "unsafe link removed", "broken link", "shortcode",
		"shortcode failed", "image without alt text", "image not published",
	};
	for (int k = 0; k < WARN_KINDS; k++)
		if (r->warned[k] > MAX_WARNINGS_PER_KIND)
		{
			if (k == ERR_SHORTCODE)
				diag_error(r->diags, r->opts->path, 0, 0,
					   "%zu more '%s' errors not shown (those shortcodes left as text)",
					   r->warned[k] - MAX_WARNINGS_PER_KIND, what[k]);
			else
				diag_warning(r->diags, r->opts->path, 0, 0,
					     "%zu more '%s' warnings not shown",
					     r->warned[k] - MAX_WARNINGS_PER_KIND, what[k]);
		}
}

/* Line and column (1-based) of byte offset off in src. */
static void offset_pos(const char *src, size_t off, int *line, int *col)
{
	int l = 1;
	size_t bol = 0;
	for (size_t i = 0; i < off; i++)
		if (src[i] == '\n') {
			l++;
			bol = i + 1;
		}
	*line = l;
	*col = (int)(off - bol + 1);
}

/* cmark replaces NUL and invalid UTF-8 with U+FFFD; say where the first
 * of each is so that the author can fix the file. */
static void check_encoding(const char *src, size_t len, const struct markdown_opts *opts,
			   struct diag_list *diags)
{
	const char *nul = memchr(src, '\0', len);
	size_t bad = utf8_first_invalid(src, len);
	int line, col;

	if (nul) {
		offset_pos(src, (size_t)(nul - src), &line, &col);
		diag_warning(diags, opts->path, opts->line_offset + line, col,
			     "NUL byte replaced by U+FFFD");
	}
	if (bad < len) {
		offset_pos(src, bad, &line, &col);
		diag_warning(diags, opts->path, opts->line_offset + line, col,
			     "invalid UTF-8 replaced by U+FFFD");
	}
}

/* ---- URLs ---- */

static bool has_prefix_ci(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++) {
		char c = *s;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != *prefix)
			return false;
	}
	return true;
}

/* The scheme of url if it is one that runs code or reads local files, else
 * NULL. Browsers ignore leading control characters and spaces and drop
 * tabs and newlines anywhere in a URL, so we do too before looking;
 * entities were already decoded by cmark. Images may use data: with a
 * raster type, as cmark's safe mode allows. */
static const char *unsafe_scheme(const char *url, bool image)
{
	static const char *const schemes[] = { "javascript:", "vbscript:", "file:", "data:" };
	static const char *const images[] = { "image/png", "image/gif", "image/jpeg",
					      "image/webp" };
	char head[32];
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)url;

	while (*p && *p <= 0x20)
		p++;
	for (; *p && n < sizeof(head) - 1; p++)
		if (*p != '\t' && *p != '\n' && *p != '\r')
			head[n++] = (char)*p;
	head[n] = '\0';
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		if (!has_prefix_ci(head, schemes[i]))
			continue;
		if (i == 3 && image)
			for (size_t j = 0; j < sizeof(images) / sizeof(images[0]); j++)
				if (has_prefix_ci(head + 5, images[j]))
					return NULL;
		return schemes[i];
	}
	return NULL;
}

static size_t base_len(const struct markdown_opts *o)
{
	return o->base_path ? strlen(o->base_path) : 0;
}

/* True when url is site-rooted ("/x", not "//host") and not yet below the
 * base path: it needs the base path in front. */
static bool needs_base(const struct markdown_opts *o, const char *url)
{
	size_t n = base_len(o);
	if (!n || url[0] != '/' || url[1] == '/')
		return false;
	return !(strncmp(url, o->base_path, n) == 0 && (url[n] == '/' || url[n] == '\0' ||
							 url[n] == '?' || url[n] == '#'));
}

/* url without the base path a site-rooted one got here (what the image
 * callback knows it by) */
static const char *strip_base(const struct markdown_opts *o, const char *url)
{
	size_t n = base_len(o);
	if (n && strncmp(url, o->base_path, n) == 0 && url[n] == '/')
		return url + n;
	return url;
}

/* A srcset with the base path in front of each site-rooted candidate. */
static void add_srcset_base(const struct markdown_opts *o, struct buf *out, const char *srcset)
{
	const char *p = srcset;
	while (*p) {
		while (*p == ' ' || *p == ',') {
			buf_putc(out, *p);
			p++;
		}
		if (!*p)
			break;
		if (needs_base(o, p))
			buf_puts(out, o->base_path);
		size_t n = strcspn(p, ",");
		buf_add(out, p, n);
		p += n;
	}
}

static void check_link(struct render *r, cmark_node *n)
{
	const char *url = cmark_node_get_url(n);
	const char *scheme;

	if (!url)
		return;
	if (!r->opts->allow_html &&
	    (scheme = unsafe_scheme(url, cmark_node_get_type(n) == CMARK_NODE_IMAGE))) {
		warn(r, WARN_UNSAFE, n, "unsafe link removed (%s)", scheme);
		cmark_node_set_url(n, "");
		return;
	}
	if (r->opts->link) {
		struct buf out = BUF_INIT;
		int rc = r->opts->link(r->opts->link_ctx, url, &out);
		if (rc > 0)
			cmark_node_set_url(n, out.ptr);
		else if (rc < 0)
			warn(r, WARN_BROKEN, n, "broken link '%s'", url);
		buf_release(&out);
		url = cmark_node_get_url(n);
	}
	if (url && needs_base(r->opts, url)) {
		struct buf with = BUF_INIT;
		buf_puts(&with, r->opts->base_path);
		buf_puts(&with, url);
		cmark_node_set_url(n, with.ptr);
		buf_release(&with);
	}
}

/* ---- heading ids ---- */

/* Plain text of a subtree: text and code, breaks as spaces. */
static void node_text(cmark_node *root, struct buf *out)
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

static void name_headings(struct render *r)
{
	struct buf text = BUF_INIT, slug = BUF_INIT;
	static const char marker[] = "\xff";

	r->heading_ids = r->nheadings ? xcalloc(r->nheadings, sizeof(*r->heading_ids)) : NULL;
	for (size_t i = 0; i < r->nheadings; i++) {
		cmark_node *h = r->headings[i], *m;
		buf_reset(&text);
		buf_reset(&slug);
		node_text(h, &text);
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
static void emit_html(struct render *r, struct buf *html, const char *s, size_t len)
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

/* ---- images the site describes ---- */

/* A URL in an attribute, as cmark writes one: bytes outside the URL
 * character set percent-encoded, then & and ' as entities. */
static void add_url_attr(struct buf *out, const char *s)
{
	static const char safe[] = "-_.~!*();:@=+$,/?#%[]&'";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '&')
			buf_puts(out, "&amp;");
		else if (*p == '\'')
			buf_puts(out, "&#x27;");
		else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			 (*p >= '0' && *p <= '9') || (*p < 0x80 && strchr(safe, *p)))
			buf_putc(out, (char)*p);
		else
			buf_addf(out, "%%%02X", *p);
	}
}


/* Puts a custom node of type that prints html (copied by cmark) in n's
 * place, and frees whichever of the two is left out. */
static void replace_with_html(cmark_node *n, cmark_node_type type, const char *html)
{
	cmark_node *c = cmark_node_new(type);
	cmark_node_set_on_enter(c, html);
	cmark_node_set_on_exit(c, "");
	if (cmark_node_replace(n, c))
		cmark_node_free(n);
	else
		cmark_node_free(c);
}

/* Puts an `<img>` with the site's facts in the place of each image the
 * callback knows (a custom inline, printed as it is, like a shortcode's
 * HTML): alt and title escaped here as cmark would. */
static void describe_images(struct render *r)
{
	struct buf html = BUF_INIT, alt = BUF_INIT;
	/* last first: an image inside another's alt text (`![![a](b)](c)`)
	 * comes after it, and replacing the outer one frees the inner one */
	for (size_t i = r->nimages; i-- > 0;) {
		cmark_node *n = r->images[i];
		const char *url = cmark_node_get_url(n), *title = cmark_node_get_title(n);
		struct markdown_image img = { 0, 0, NULL, NULL };
		if (!url || !*url)
			continue;
		int rc = r->opts->image(r->opts->image_ctx, strip_base(r->opts, url), &img);
		if (rc < 0)
			warn(r, WARN_IMAGE, n, "image '%s' is not published (see the error about that file)",
			     url);
		if (rc <= 0)
			continue;
		buf_reset(&html);
		buf_reset(&alt);
		node_text(n, &alt);
		buf_puts(&html, "<img src=\"");
		add_url_attr(&html, url);
		buf_puts(&html, "\" alt=\"");
		buf_add_html(&html, alt.ptr, alt.len);
		buf_putc(&html, '"');
		if (title && *title) {
			buf_puts(&html, " title=\"");
			buf_add_html(&html, title, strlen(title));
			buf_putc(&html, '"');
		}
		if (img.width && img.height)
			buf_addf(&html, " width=\"%u\" height=\"%u\"", img.width, img.height);
		if (img.srcset && *img.srcset) {
			struct buf set = BUF_INIT;
			add_srcset_base(r->opts, &set, img.srcset);
			buf_puts(&html, " srcset=\"");
			buf_add_html(&html, set.ptr, set.len);
			buf_putc(&html, '"');
			buf_release(&set);
		}
		if (img.sizes && *img.sizes) {
			buf_puts(&html, " sizes=\"");
			buf_add_html(&html, img.sizes, strlen(img.sizes));
			buf_putc(&html, '"');
		}
		buf_puts(&html, " loading=\"lazy\" decoding=\"async\" />");
		/* the heading marker byte can never be in it: alt and title are
		 * valid UTF-8 (cmark validated the input), the rest ASCII */
		replace_with_html(n, CMARK_NODE_CUSTOM_INLINE, html.ptr);
	}
	buf_release(&html);
	buf_release(&alt);
}

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

/* Byte offset of the start of each source line; cmark ends lines at "\n",
 * "\r\n" and a lone "\r", so this does too. */
struct lines {
	size_t *start;
	size_t n;
};

static void index_lines(struct lines *li, const char *src, size_t len)
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
static bool is_shortcode_para(const struct lines *li, const char *src, size_t len, cmark_node *n)
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
			a = memmem(run.ptr, run.len, "{{<", 3);
			b = memmem(run.ptr, run.len, "{{%", 3);
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
				const char *hit = memmem(src + from, to - from, at, 3);
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
		if (memmem(text, tlen, ">}}", 3))
			note(r, WARN_SHORTCODE, false, n, "%s",
			     "a shortcode must be alone in its paragraph: left as text");
		goto done;
	}
	int rc = parse_shortcode(text, tlen, &sc, &why);
	if (rc > 0)
		goto done;
	if (rc < 0) {
		note(r, WARN_SHORTCODE, false, n, "malformed shortcode (%s): left as text", why);
		goto done;
	}
	if (r->warned[ERR_SHORTCODE] >= MAX_WARNINGS_PER_KIND) {
		r->warned[ERR_SHORTCODE]++; /* too many failures: stop calling plugins */
		goto done;
	}
	rc = r->opts->shortcode(r->opts->shortcode_ctx, sc.name, sc.keys, sc.values, sc.nargs,
				&html, &err);
	if (rc > 0) {
		note(r, WARN_SHORTCODE, false, n, "unknown shortcode '%s': left as text", sc.name);
	} else if (rc < 0) {
		note(r, ERR_SHORTCODE, true, n, "shortcode '%s' failed: %s", sc.name,
		     err.len ? err.ptr : "no reason given");
	} else if (!utf8_valid(html.ptr, html.len) || memchr(html.ptr, '\0', html.len)) {
		note(r, ERR_SHORTCODE, true, n,
		     "shortcode '%s' failed: its HTML is not valid UTF-8 (or holds NUL)", sc.name);
	} else {
		replace_with_html(n, CMARK_NODE_CUSTOM_BLOCK, html.ptr);
	}
done:
	buf_release(&sc.store);
	buf_release(&html);
	buf_release(&err);
}

static void expand_shortcodes(struct render *r, cmark_node *doc, const char *src, size_t len)
{
	struct lines li;
	cmark_node **cand = NULL;
	size_t ncand = 0, cap = 0;

	if (!r->opts->shortcode || (!memmem(src, len, "{{<", 3) && !memmem(src, len, "{{%", 3)))
		return;
	index_lines(&li, src, len);
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
				warn(r, WARN_HTML, n, "%s", "raw HTML omitted");
			break;
		case CMARK_NODE_IMAGE:
			/* readers on screen readers get nothing from a photo without
			 * words; the alt text is the image's children */
			if (!cmark_node_first_child(n))
				warn(r, WARN_ALT, n, "%s", "image without alt text (write ![what it shows](file))");
			check_link(r, n);
			if (r->opts->image) {
				ALLOC_GROW(r->images, r->nimages + 1, r->images_cap);
				r->images[r->nimages++] = n;
			}
			break;
		case CMARK_NODE_LINK:
			check_link(r, n);
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
	/* Safe mode unless the site trusts its authors: raw HTML becomes a
	 * comment and cmark blanks unsafe URLs too (we already have). */
	int render_opts = opts->allow_html ? CMARK_OPT_UNSAFE : CMARK_OPT_DEFAULT;

	parser = new_parser(CMARK_OPT_SOURCEPOS | CMARK_OPT_VALIDATE_UTF8);
	if (!parser) {
		diag_error(diags, opts->path, 0, 0,
			   "cmark-gfm extensions missing (markdown_init() not called?)");
		goto done;
	}
	check_encoding(src, len, opts, diags);
	cmark_parser_feed(parser, src, len);
	doc = cmark_parser_finish(parser);
	if (!doc) {
		diag_error(diags, opts->path, 0, 0, "cmark-gfm failed to parse the page");
		goto done;
	}
	expand_shortcodes(&r, doc, src, len);
	walk(&r, doc);
	name_headings(&r);
	describe_images(&r); /* after the heading ids, which read alt texts */
	warn_suppressed(&r);
	/* render without CMARK_OPT_SOURCEPOS: no data-sourcepos attributes */
	out = cmark_render_html(doc, render_opts, cmark_parser_get_syntax_extensions(parser));
	if (!out) {
		diag_error(diags, opts->path, 0, 0, "cmark-gfm failed to render the page");
		goto done;
	}
	emit_html(&r, html, out, strlen(out));
	err = 0;
done:
	free(out);
	if (doc)
		cmark_node_free(doc);
	if (parser)
		cmark_parser_free(parser);
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
			if (ev == CMARK_EVENT_ENTER && li && is_shortcode_para(li, src, len, n)) {
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
		bool any = memmem(src, len, "{{<", 3) != NULL;
		if (any)
			index_lines(&li, src, len);
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
