/* markdown_internal — what the files of the Markdown renderer share: the
 * state of one render (struct render), the warning kinds and their cap,
 * and the functions one file calls in another. Not for other modules: the
 * API is markdown.h, and only markup/markdown*.c include cmark-gfm.
 *
 *	markdown.c            parser setup, the walk, markdown_render, summaries
 *	markdown_diag.c       warnings and errors with the page's line, their cap
 *	markdown_links.c      link and image URLs (unsafe schemes, base path,
 *	                      the caller's resolver) and described images
 *	markdown_headings.c   heading ids, unique in the page, and their HTML
 *	markdown_shortcodes.c {{< name args >}} paragraphs and their HTML */
#ifndef LOA_MARKDOWN_INTERNAL_H
#define LOA_MARKDOWN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <cmark-gfm.h>

#include "base/arena.h"
#include "base/strmap.h"
#include "markup/markdown.h"

struct buf;
struct diag_list;

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

/* Byte offset of the start of each source line; cmark ends lines at "\n",
 * "\r\n" and a lone "\r", so this does too. */
struct lines {
	size_t *start;
	size_t n;
};

/* ---- markdown_diag.c ---- */
void markdown_warn(struct render *r, enum warn_kind kind, cmark_node *n, const char *fmt,
		   const char *arg);
/* Like markdown_warn(), with a format of any arguments, as an error or a
 * warning. */
void markdown_note(struct render *r, enum warn_kind kind, bool error, cmark_node *n,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* One line per kind whose warnings passed the cap. */
void markdown_warn_suppressed(struct render *r);
bool markdown_check_encoding(const char *src, size_t len, const struct markdown_opts *opts,
			     struct diag_list *diags);

/* ---- markdown_links.c ---- */
void markdown_check_link(struct render *r, cmark_node *n);
void markdown_replace_with_html(cmark_node *n, cmark_node_type type, const char *html);
void markdown_describe_images(struct render *r);

/* ---- markdown_headings.c ---- */
void markdown_node_text(cmark_node *root, struct buf *out);
void markdown_name_headings(struct render *r);
void markdown_emit_html(struct render *r, struct buf *html, const char *s, size_t len);

/* ---- markdown_shortcodes.c ---- */
void markdown_index_lines(struct lines *li, const char *src, size_t len);
bool markdown_is_shortcode_para(const struct lines *li, const char *src, size_t len,
				cmark_node *n);
void markdown_expand_shortcodes(struct render *r, cmark_node *doc, const char *src, size_t len);

#endif
