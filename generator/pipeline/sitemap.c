/* sitemap — sitemap.xml (every rendered page, and every plugin page that
 * asks to be listed) and robots.txt pointing at it. */
#include "pipeline/build_internal.h"
#include "content/dates.h"
#include "pipeline/outdir.h"
#include "plugin/sitelua.h"
#include "site/urls.h"

#include <stdlib.h>
#include <string.h>

static void add_abs_url(struct buf *out, const char *base, const char *url)
{
	char *abs = urls_absolute(base, url);
	buf_add_xml(out, abs, strlen(abs));
	free(abs);
}

void sitemap_write(struct build *b)
{
	const char *base = b->site.config.base_url;
	struct buf x = BUF_INIT;
	buf_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (size_t j = 0; j < b->ncontent; j++) {
		if (!b->ok[j])
			continue;
		const struct page *p = b->site.pages[b->content[j]];
		char iso[64];
		buf_puts(&x, "<url><loc>");
		add_abs_url(&x, base, p->url);
		buf_puts(&x, "</loc>");
		if (p->lastmod.prec)
			buf_addf(&x, "<lastmod>%s</lastmod>",
				 date_format_rfc3339(iso, &p->lastmod, b->site.tz_offset));
		buf_puts(&x, "</url>\n");
	}
	for (size_t i = 0; i < sitelua_extra_count(b->sl); i++) {
		const struct extra_output *e = sitelua_extra(b->sl, i);
		if (!b->ok[b->ncontent + i] || !e->layout || !e->in_sitemap)
			continue;
		buf_puts(&x, "<url><loc>");
		add_abs_url(&x, base, e->url);
		buf_puts(&x, "</loc></url>\n");
	}
	buf_puts(&x, "</urlset>\n");
	manifest_add_bytes(b, "sitemap.xml", x.ptr, x.len);
	if (!b->opts->dry_run && outdir_write(b->out, "sitemap.xml", x.ptr, x.len, b->diags) == 0)
		b->files_written++;
	buf_reset(&x);
	buf_puts(&x, "User-agent: *\nAllow: /\n");
	/* the browser editor (editor.c) is for writers, not for readers */
	if (b->site.config.editor)
		buf_addf(&x, "Disallow: %s%s\n", b->site.config.base_path, urls_path(URL_editor));
	buf_puts(&x, "Sitemap: ");
	add_abs_url(&x, base, urls_path(URL_sitemap));
	buf_putc(&x, '\n');
	manifest_add_bytes(b, "robots.txt", x.ptr, x.len);
	if (!b->opts->dry_run && outdir_write(b->out, "robots.txt", x.ptr, x.len, b->diags) == 0)
		b->files_written++;
	buf_release(&x);
}
