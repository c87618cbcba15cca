/* markdown_diag — warnings and errors of a render, placed at the page's
 * line and column and capped per kind (see markdown_internal.h). */
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

void markdown_warn(struct render *r, enum warn_kind kind, cmark_node *n, const char *fmt,
		 const char *arg)
{
	int line, col;

	if (r->warned[kind]++ >= MAX_WARNINGS_PER_KIND)
		return;
	node_pos(r, n, &line, &col);
	diag_warning(r->diags, r->opts->path, line, col, fmt, arg);
}

/* Like markdown_warn(), with a format of any arguments, as an error or a warning. */
void markdown_note(struct render *r, enum warn_kind kind, bool error, cmark_node *n,
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

void markdown_warn_suppressed(struct render *r)
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
 * of each is so that the author can fix the file. True when there is
 * neither. */
bool markdown_check_encoding(const char *src, size_t len, const struct markdown_opts *opts,
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
	return !nul && bad == len;
}
