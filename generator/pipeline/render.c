/* render — one job rendered in a forked worker (pool.h): Markdown, then
 * the theme's layout via the plugin host, then the output written (and
 * stored in the cache, incremental.c); the reply to the builder carries
 * the output's hash (manifest.c), what was stored in the cache (for the
 * standby's side object, incr_standby.c) and the job's diagnostics. */
#include "pipeline/build_internal.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "pipeline/outdir.h"
#include "lua/luavm.h"
#include "plugin/sitelua.h"
#include "markup/markdown.h"
#include "pipeline/imgstage.h"
#include "pipeline/prerender.h"
#include "site/urls.h"
#include "source/repo.h"

#include <stdlib.h>
#include <string.h>

/* A Markdown render's links and images, resolved against the site's
 * pages and files: a render that resolved one depends on where every page
 * and file is (the structure key, incremental.c); one that resolved none,
 * as most articles, does not, so that adding a page leaves it cached. */
struct markdown_site {
	struct build *b;
	const struct page *p;
};

static int link_cb(void *ctx, const char *url, struct buf *out)
{
	struct markdown_site *m = ctx;
	int r = site_resolve_link(&m->b->site, m->p, url, out);
	if (r != 0) /* 0: left as written, without a look (a scheme, "/x", "#x") */
		m->b->read_structure = true;
	return r;
}

static int image_cb(void *ctx, const char *url, struct markdown_image *img)
{
	struct markdown_site *m = ctx;
	int r = image_stage_markdown(m->b->images, url, img);
	if (r != 0 || url[0] == '/') /* a bundle's image, or a URL of the site */
		m->b->read_structure = true;
	return r;
}

/* Writes a rendered job's output, stored in the cache too when it is
 * cacheable (incr_store); the site gets its own copy, so an edit of the
 * live page never reaches the object. */
static int emit(struct build *b, const char *out_path, const struct buf *data, struct diag_list *d)
{
	if (b->opts->dry_run)
		return 0;
	incr_store(b, data, d);
	return outdir_write(b->out, out_path, data->ptr, data->len, d);
}

static int render_content(struct build *b, size_t page_index, struct diag_list *d)
{
	struct page *p = b->site.pages[page_index];
	struct buf body = BUF_INIT, html = BUF_INIT;
	struct markdown_site ms = { b, p };
	struct sitelua_shortcode_ctx sc = { b->sl, page_index, d };
	struct markdown_opts mo = { p->path, p->body_line - 1, b->site.config.unsafe_html,
				    link_cb, &ms, b->site.text, sitelua_shortcode_cb, &sc,
				    image_cb, &ms, b->site.config.base_path };
	bool structure = false;
	int ret = 0;
	if (prerender_take(b->prerender, page_index, &body, d, &structure) == 1)
		b->read_structure = b->read_structure || structure;
	else
		ret = markdown_render(&body, p->body, p->body_len, &mo, d);
	if (ret == 0)
		ret = sitelua_render_page(b->sl, page_index, body.ptr, body.len, &html, d);
	if (ret == 0 && b->opts->manifest)
		repo_hash_bytes(html.ptr, html.len, b->job_hash);
	if (ret == 0)
		ret = emit(b, p->out_path, &html, d);
	buf_release(&body);
	buf_release(&html);
	return ret;
}

static int render_extra(struct build *b, size_t i, struct diag_list *d)
{
	struct buf out = BUF_INIT, body = BUF_INIT;
	const struct extra_output *e = sitelua_extra(b->sl, i);
	size_t src;
	bool has_body = e->layout && e->source && strmap_get(&b->site.page_by_path, e->source, &src);
	if (has_body) {
		struct markdown_site ms = { b, b->site.pages[src] };
		const struct page *p = ms.p;
		/* the same section body shows on every page of its list: report
		 * its warnings once, with the first page */
		struct diag_list ignored = DIAG_LIST_INIT;
		bool first = !e->url || !urls_is_later_page(e->url);
		struct sitelua_shortcode_ctx sc = { b->sl, src, first ? d : &ignored };
		struct markdown_opts mo = { p->path, p->body_line - 1, b->site.config.unsafe_html,
					    link_cb, &ms, b->site.text, sitelua_shortcode_cb, &sc,
					    image_cb, &ms, b->site.config.base_path };
		markdown_render(&body, p->body, p->body_len, &mo, first ? d : &ignored);
		diag_list_release(&ignored);
	}
	int ret = sitelua_render_extra(b->sl, i, has_body ? body.ptr : NULL, body.len, &out, d);
	buf_release(&body);
	if (ret == 0 && b->opts->manifest)
		repo_hash_bytes(out.ptr, out.len, b->job_hash);
	if (ret == 0)
		ret = emit(b, e->out_path, &out, d);
	buf_release(&out);
	return ret;
}

int render_job(void *ctx, size_t job, struct buf *out)
{
	struct build *b = ctx;
	struct diag_list d = DIAG_LIST_INIT;
	if (b->todo)
		job = b->todo[job];
	b->current_job = job;
	buf_reset(&b->stored);
	b->read_structure = false;
	luavm_collect_between_renders(b->vm);
	sitelua_render_begin(b->sl, job < b->ncontent ? b->content[job] : SITELUA_NO_PAGE);
	memset(b->job_hash, '-', sizeof(b->job_hash) - 1);
	int ret = job < b->ncontent ? render_content(b, b->content[job], &d)
				    : render_extra(b, job - b->ncontent, &d);
	/* a failed write is reported once, for the whole site, by publish */
	if (ret < 0 && d.errors == 0 && !(b->out && outdir_has_failed(b->out)))
		diag_error(&d, job < b->ncontent ? b->site.pages[b->content[job]]->path : "", 0, 0,
			   "rendering failed");
	if (b->opts->manifest)
		buf_add(out, b->job_hash, MANIFEST_HASH_LEN); /* manifest_job reads it */
	/* what was stored in the cache (stored_entry reads it) */
	buf_addf(out, "%08zx", b->stored.len);
	buf_add(out, b->stored.ptr, b->stored.len);
	diag_list_encode(out, &d);
	diag_list_release(&d);
	return ret;
}

/* The length written as 8 hex digits at *p (advanced), at most *left
 * (reduced); false when malformed. */
static bool take_len(const char **p, size_t *left, size_t *out)
{
	char digits[9];
	if (*left < 8)
		return false;
	memcpy(digits, *p, 8);
	digits[8] = '\0';
	char *end;
	unsigned long long v = strtoull(digits, &end, 16);
	if (*end || v > *left - 8)
		return false;
	*out = (size_t)v;
	*p += 8;
	*left -= 8;
	return true;
}

/* render_job's record of the cache object it stored (incr_store): given to
 * the standby's side object; *data and *len then point past it. */
static void stored_entry(struct build *b, size_t job, const char **data, size_t *len)
{
	size_t n, dl, pl;
	const char *p = *data;
	size_t left = *len;
	if (!take_len(&p, &left, &n))
		return;
	*data = p + n;
	*len = left - n;
	const char *nul = n ? memchr(p, '\0', n) : NULL;
	if (!nul)
		return;
	const char *ident = p, *key = nul + 1;
	const char *knul = memchr(key, '\0', n - (size_t)(key - p));
	if (!knul)
		return;
	if (*key)
		incr_job_key_made(b, job, key);
	const char *q = knul + 1;
	size_t rest = n - (size_t)(q - p);
	if (!take_len(&q, &rest, &dl))
		return;
	const char *diags = q;
	q += dl;
	rest -= dl;
	if (!take_len(&q, &rest, &pl) || pl != rest)
		return;
	incr_standby_rendered(b, job, ident, diags, dl, q, pl);
}

void render_job_done(void *ctx, size_t job, enum pool_status st, const char *data, size_t len)
{
	struct build *b = ctx;
	if (b->todo)
		job = b->todo[job];
	if (b->opts->progress)
		b->opts->progress(b->opts->progress_ctx, ++b->jobs_done, b->njobs);
	const char *who = job < b->ncontent ? b->site.pages[b->content[job]]->path
					    : sitelua_extra(b->sl, job - b->ncontent)->plugin;
	/* kept apart until guard_site_wide_errors has seen every job */
	struct diag_list *d = &b->job_diags[job];
	if (st == POOL_OK || st == POOL_FAILED) {
		manifest_job(b, job, st == POOL_OK, &data, &len);
		stored_entry(b, job, &data, &len);
	}
	switch (st) {
	case POOL_OK:
		b->ok[job] = true;
		diag_list_decode(d, data, len);
		break;
	case POOL_FAILED:
		diag_list_decode(d, data, len);
		break;
	case POOL_TIMEOUT:
		diag_error(d, who, 1, 0,
			   "rendering exceeded %u s: page skipped (pathological input?)",
			   b->site.config.render_timeout_ms / 1000);
		break;
	case POOL_OUT_OF_MEMORY:
		diag_error(d, who, 1, 0,
			   "rendering needed more than the %zu MB of memory allowed "
			   "(limits.render_memory_mb): page skipped (pathological input?)",
			   b->site.config.render_memory / (1024 * 1024));
		break;
	case POOL_CRASHED:
		/* the worker's signal is a developer's detail: English text only */
		diag_error(d, who, 1, 0, "rendering stopped unexpectedly: page skipped");
		diag_add_detail(&d->items[d->len - 1], data, len);
		break;
	}
}
