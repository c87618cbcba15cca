/* sitemap — sitemap.xml (every rendered page, and every plugin page that
 * asks to be listed) and robots.txt pointing at it.
 *
 * sitemaps.org caps one sitemap at 50,000 URLs and 50 MB: above either,
 * sitemap.xml becomes a sitemap index of sitemap-1.xml, sitemap-2.xml, …
 * (robots.txt still names sitemap.xml). The URL cap is
 * limits.sitemap_urls (50,000; lower only to test the split). */
#include "pipeline/build_internal.h"
#include "base/xalloc.h"
#include "content/dates.h"
#include "pipeline/outdir.h"
#include "plugin/sitelua.h"
#include "site/urls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SITEMAP_MAX_BYTES (50u * 1024 * 1024)

static const char urlset_head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				  "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
static const char urlset_tail[] = "</urlset>\n";

static void add_abs_url(struct buf *out, const char *base, const char *url)
{
	char *abs = urls_absolute(base, url);
	buf_add_xml(out, abs, strlen(abs));
	free(abs);
}

static void put_file(struct build *b, const char *name, const struct buf *x)
{
	manifest_add_bytes(b, name, x->ptr, x->len);
	if (!b->opts->dry_run && outdir_write(b->out, name, x->ptr, x->len, b->diags) == 0)
		b->files_written++;
}

/* The <url> entries, one after the other in all; ends[i] is where entry i
 * stops. */
struct entries {
	struct buf all;
	size_t *ends;
	size_t n, cap;
};

static void entry_done(struct entries *e)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 1024;
		e->ends = xrealloc(e->ends, e->cap * sizeof(*e->ends));
	}
	e->ends[e->n++] = e->all.len;
}

static void collect(struct build *b, struct entries *e)
{
	const char *base = b->site.config.base_url;
	for (size_t j = 0; j < b->ncontent; j++) {
		if (!b->ok[j])
			continue;
		const struct page *p = b->site.pages[b->content[j]];
		char iso[64];
		buf_puts(&e->all, "<url><loc>");
		add_abs_url(&e->all, base, p->url);
		buf_puts(&e->all, "</loc>");
		if (p->lastmod.prec)
			buf_addf(&e->all, "<lastmod>%s</lastmod>",
				 date_format_rfc3339(iso, &p->lastmod, b->site.tz_offset));
		buf_puts(&e->all, "</url>\n");
		entry_done(e);
	}
	for (size_t i = 0; i < sitelua_extra_count(b->sl); i++) {
		const struct extra_output *x = sitelua_extra(b->sl, i);
		if (!b->ok[b->ncontent + i] || !x->layout || !x->in_sitemap)
			continue;
		buf_puts(&e->all, "<url><loc>");
		add_abs_url(&e->all, base, x->url);
		buf_puts(&e->all, "</loc></url>\n");
		entry_done(e);
	}
}

/* Writes the parts, each at most max_urls entries and SITEMAP_MAX_BYTES,
 * and the index naming them. */
static void write_split(struct build *b, const struct entries *e, size_t max_urls)
{
	const char *base = b->site.config.base_url;
	const size_t frame = strlen(urlset_head) + strlen(urlset_tail);
	struct buf part = BUF_INIT, index = BUF_INIT;
	buf_puts(&index, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	size_t i = 0, nparts = 0;
	while (i < e->n) {
		size_t start = i ? e->ends[i - 1] : 0, j = i;
		/* at least one entry per part, however long */
		do
			j++;
		while (j < e->n && j - i < max_urls && frame + e->ends[j] - start <= SITEMAP_MAX_BYTES);
		char name[40];
		snprintf(name, sizeof(name), "sitemap-%zu.xml", ++nparts);
		buf_reset(&part);
		buf_puts(&part, urlset_head);
		buf_add(&part, e->all.ptr + start, e->ends[j - 1] - start);
		buf_puts(&part, urlset_tail);
		put_file(b, name, &part);
		char url[48];
		snprintf(url, sizeof(url), "/%s", name);
		buf_puts(&index, "<sitemap><loc>");
		add_abs_url(&index, base, url);
		buf_puts(&index, "</loc></sitemap>\n");
		i = j;
	}
	buf_puts(&index, "</sitemapindex>\n");
	put_file(b, "sitemap.xml", &index);
	buf_release(&part);
	buf_release(&index);
}

void sitemap_write(struct build *b)
{
	struct entries e = { BUF_INIT, NULL, 0, 0 };
	collect(b, &e);
	size_t max_urls = b->site.config.sitemap_urls;
	if (e.n > max_urls || e.all.len + strlen(urlset_head) + strlen(urlset_tail) > SITEMAP_MAX_BYTES) {
		write_split(b, &e, max_urls);
	} else {
		struct buf x = BUF_INIT;
		buf_puts(&x, urlset_head);
		buf_add(&x, e.all.ptr, e.all.len);
		buf_puts(&x, urlset_tail);
		put_file(b, "sitemap.xml", &x);
		buf_release(&x);
	}
	buf_release(&e.all);
	free(e.ends);

	struct buf x = BUF_INIT;
	buf_puts(&x, "User-agent: *\nAllow: /\n");
	/* the browser editor (editor.c) is for writers, not for readers */
	if (b->site.config.editor)
		buf_addf(&x, "Disallow: %s%s\n", b->site.config.base_path, urls_path(URL_editor));
	buf_puts(&x, "Sitemap: ");
	add_abs_url(&x, b->site.config.base_url, urls_path(URL_sitemap));
	buf_putc(&x, '\n');
	put_file(b, "robots.txt", &x);
	buf_release(&x);
}
