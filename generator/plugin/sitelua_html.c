/* sitelua_html — loa.page_html(path): a page's body as HTML for a feed,
 * rendered in the builder, with every site URL absolute (from base_url),
 * since a feed reader has no page to resolve relative ones against.
 *
 * The builder has no per-page time budget (workers do), so what it renders
 * is bounded: the first PAGE_HTML_MAX bytes and PAGE_HTML_LINES lines of
 * the body, cut at a paragraph (cmark-gfm's quadratic inputs, HOSTILE.md,
 * stay harmless at that size; the line bound keeps a wide table's padded
 * rows small), and no shortcode runs (their Lua runs only in workers,
 * under the budget): their paragraphs are left out. A cut body ends with a
 * link to the page; HTML over PAGE_HTML_OUT is replaced by that link. */
#include "plugin/sitelua_internal.h"
#include "base/buf.h"
#include "base/diag.h"
#include "markup/markdown.h"
#include "site/site.h"
#include "site/urls.h"

#include <lauxlib.h>
#include <lua.h>
#include <string.h>

struct html_ctx {
	const struct site *site;
	const struct page *page;
	struct sitelua *sl;
};

/* the site's own URLs ("/x", after the resolver, and "#frag") made
 * absolute; external ones stay as written */
static int absolute_link(void *ctx, const char *url, struct buf *out)
{
	struct html_ctx *c = ctx;
	struct buf local = BUF_INIT;
	int rc = site_resolve_link(c->site, c->page, url, &local);
	if (rc != 0) /* looked up: what it found depends on where pages are */
		sitelua_memo_structure(c->sl);
	const char *u = rc == 1 ? local.ptr : url;
	const char *base = c->site->config.base_url ? c->site->config.base_url : "";
	int ret = 0;
	if (u[0] == '/' && u[1] != '/') {
		urls_add_absolute(out, base, u);
		ret = 1;
	} else if (u[0] == '#') {
		urls_add_absolute(out, base, c->page->url);
		buf_puts(out, u);
		ret = 1;
	} else if (rc == 1) {
		buf_puts(out, u);
		ret = 1;
	}
	buf_release(&local);
	return ret;
}

enum { PAGE_HTML_MAX = 16384, PAGE_HTML_LINES = 400, PAGE_HTML_OUT = 65536 };

static int drop_shortcode(void *ctx, const char *name, const char *const *keys,
			  const char *const *values, size_t nargs, struct buf *html, struct buf *err)
{
	return 0;
}

/* the length of a prefix of src of at most max bytes, ending at a blank
 * line when there is one, else at a line end, else between characters */
static size_t bounded_prefix(const char *src, size_t len, size_t max)
{
	size_t lines = 0;
	for (size_t i = 0; i < len && i < max; i++)
		if (src[i] == '\n' && ++lines == PAGE_HTML_LINES) {
			max = i + 1;
			break;
		}
	if (len <= max)
		return len;
	for (size_t i = max; i > 1; i--)
		if (src[i - 1] == '\n' && src[i - 2] == '\n')
			return i;
	for (size_t i = max; i > 0; i--)
		if (src[i - 1] == '\n')
			return i;
	size_t cut = max;
	while (cut > 0 && ((unsigned char)src[cut] & 0xC0) == 0x80)
		cut--;
	return cut;
}

int sitelua_l_page_html(lua_State *L)
{
	struct sitelua *sl = upvalue_sl(L);
	const char *path = luaL_checkstring(L, 1);
	size_t idx;
	if (!strmap_get(&sl->site->page_by_path, path, &idx))
		return luaL_error(L, "loa.page_html: no page at '%s'", path);
	sitelua_deps_body(sl, idx);
	const struct page *p = sl->site->pages[idx];
	struct html_ctx c = { sl->site, p, sl };
	/* the page's own render reports its warnings; a feed repeats none */
	struct diag_list ignored = DIAG_LIST_INIT;
	struct markdown_opts mo = { p->path, p->body_line - 1, sl->site->config.unsafe_html,
				    absolute_link, &c, sl->site->text, drop_shortcode, NULL,
				    NULL, NULL, NULL };
	struct buf html = BUF_INIT;
	size_t len = bounded_prefix(p->body, p->body_len, PAGE_HTML_MAX);
	markdown_render(&html, p->body, len, &mo, &ignored);
	if (html.len > PAGE_HTML_OUT)
		buf_reset(&html);
	if (len < p->body_len || !html.len) {
		/* the rest is on the page itself */
		const char *base = sl->site->config.base_url ? sl->site->config.base_url : "";
		buf_puts(&html, "<p><a href=\"");
		urls_add_absolute(&html, base, p->url);
		buf_puts(&html, "\">…</a></p>\n");
	}
	diag_list_release(&ignored);
	lua_pushlstring(L, html.ptr ? html.ptr : "", html.len);
	buf_release(&html);
	return 1;
}
