/* markdown_links — link and image destinations: unsafe schemes blanked,
 * the site's sub-path added, the caller's resolver asked, and images the
 * caller describes written as whole <img> tags (see markdown_internal.h). */
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

void markdown_check_link(struct render *r, cmark_node *n)
{
	const char *url = cmark_node_get_url(n);
	const char *scheme;

	if (!url)
		return;
	if (!r->opts->allow_html &&
	    (scheme = unsafe_scheme(url, cmark_node_get_type(n) == CMARK_NODE_IMAGE))) {
		markdown_warn(r, WARN_UNSAFE, n, "unsafe link removed (%s)", scheme);
		cmark_node_set_url(n, "");
		return;
	}
	if (r->opts->link) {
		struct buf out = BUF_INIT;
		int rc = r->opts->link(r->opts->link_ctx, url, &out);
		if (rc > 0)
			cmark_node_set_url(n, out.ptr);
		else if (rc < 0)
			markdown_warn(r, WARN_BROKEN, n, "broken link '%s'", url);
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
void markdown_replace_with_html(cmark_node *n, cmark_node_type type, const char *html)
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
void markdown_describe_images(struct render *r)
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
			markdown_warn(r, WARN_IMAGE, n, "image '%s' is not published (see the error about that file)",
			     url);
		if (rc <= 0)
			continue;
		buf_reset(&html);
		buf_reset(&alt);
		markdown_node_text(n, &alt);
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
		markdown_replace_with_html(n, CMARK_NODE_CUSTOM_INLINE, html.ptr);
	}
	buf_release(&html);
	buf_release(&alt);
}
