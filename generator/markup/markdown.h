/* markdown — Markdown to HTML with cmark-gfm, safely.
 *
 * The only module that includes cmark-gfm's headers. GFM tables,
 * autolinks, strikethrough and task lists are on; tagfilter too. Raw HTML
 * and unsafe URLs (javascript:, vbscript:, file:, data: other than images)
 * are removed unless allow_html is set; each removal is a warning naming
 * the line. Headings get ids (slugs of their text, made unique in the
 * page). Link and image destinations are passed to a resolver so that the
 * site can rewrite relative links to .md files and bundle files into their
 * published URLs and report the broken ones. A site below a sub-path
 * (opts.base_path) gets that path in front of every site-rooted URL.
 *
 * Shortcodes: a paragraph that is exactly one line `{{< name arg "a b"
 * key="v" >}}` is handed to the caller's shortcode callback and replaced by
 * the HTML it returns, inserted raw (the callback is the centre's trusted
 * plugin code; the arguments come from contributors and must be escaped
 * by it). Shortcodes anywhere else (inside text, code spans, code blocks)
 * are plain text. Unknown or malformed ones are warnings naming the line,
 * a failing one an error; either way the text is left as written.
 *
 * cmark-gfm keeps process-global state (its extension registry), so
 * markdown_init() must run once, in the parent, before workers fork. */
#ifndef LOA_MARKDOWN_H
#define LOA_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct diag_list;
struct text;

/* Rewrites one destination. Called with the URL as written. Return 1 and
 * append the new URL to out to replace it, 0 to keep it as it is, or -1 to
 * report it as broken (a warning naming the line; the link is kept). */
typedef int (*markdown_link_fn)(void *ctx, const char *url, struct buf *out);

/* Expands one shortcode. Arguments in order; keys[i] is NULL for a
 * positional one. Return 0 with the HTML appended to html, 1 when no
 * shortcode has that name, or -1 with a one-line reason in err. */
typedef int (*markdown_shortcode_fn)(void *ctx, const char *name, const char *const *keys,
				     const char *const *values, size_t nargs, struct buf *html,
				     struct buf *err);

/* What the site knows of a published image (its image stage), written as
 * attributes of <img>. Strings are borrowed for the call. */
struct markdown_image {
	unsigned width, height; /* intrinsic size of the image at url */
	const char *srcset;     /* "/a/x-480w.jpg 480w, /a/x.jpg 1600w", or NULL */
	const char *sizes;      /* e.g. "(max-width: 62rem) 100vw, 60rem", or NULL */
};

/* Describes one image, called with its destination after link rewriting.
 * Return 1 with img filled: the <img> gets width, height, srcset, sizes,
 * loading="lazy" and decoding="async". 0: written as cmark writes it. -1:
 * the same, with a warning naming the line that the image is not
 * published (its own error says why). */
typedef int (*markdown_image_fn)(void *ctx, const char *url, struct markdown_image *img);

struct markdown_opts {
	const char *path;   /* for diagnostics */
	int line_offset;    /* line of the source file where the body starts, minus 1 */
	bool allow_html;    /* site.yaml markdown.unsafe: true */
	markdown_link_fn link;
	void *link_ctx;
	struct text *text;  /* for heading ids; may be NULL (ids then plain ASCII) */
	markdown_shortcode_fn shortcode; /* NULL: shortcodes stay text, silently */
	void *shortcode_ctx;
	markdown_image_fn image; /* NULL: images as cmark writes them */
	void *image_ctx;
	/* the path of base_url below its host without the trailing slash
	 * ("/truyen-thong"), or NULL/"" for a site at the root: every
	 * site-rooted destination ("/x", after the resolver, and in srcset)
	 * is written below it; one that already starts with it is left as is.
	 * The image callback still receives the URL without it. */
	const char *base_path;
};

void markdown_init(void);

/* Renders src into html (appended). Returns 0; -1 only on a failure of the
 * library. Warnings (raw HTML removed, unsafe URL, broken link, invalid
 * UTF-8 replaced by U+FFFD) are added to diags: at most 100 of each kind
 * per page, then one "N more" warning. A heading whose text has no slug
 * gets the id "section"; duplicates get "-1", "-2", ... */
int markdown_render(struct buf *html, const char *src, size_t len,
		    const struct markdown_opts *opts, struct diag_list *diags);

/* Plain text of the first paragraph(s), at most max_bytes, cut at a word
 * boundary: the default summary. Appended to out. Headings, code blocks,
 * raw HTML and image descriptions are skipped; white space is collapsed;
 * a cut text ends with "…", counted within max_bytes. Shortcode
 * paragraphs are skipped too. */
void markdown_summary(struct buf *out, const char *src, size_t len, size_t max_bytes);

#endif
