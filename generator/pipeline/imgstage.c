/* imgstage — the image stage of a build (see imgstage.h): jobs, the
 * worker's side (cache, processing, writing) and the parent's (facts,
 * srcset, diagnostics), and the Markdown callback that reads the facts.
 *
 * A worker answers each job with a struct reply (raw bytes: same machine,
 * same binary) followed by its diagnostics; the parent keeps the facts of
 * every image in job order, so the pages rendered next, in workers forked
 * after this stage, see them copy-on-write. */
#include "pipeline/imgstage.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/strmap.h"
#include "base/xalloc.h"
#include "pipeline/pool.h"
#include "pipeline/outdir.h"
#include "markup/markdown.h"
#include "media/images.h"
#include "media/imgcache.h"
#include "site/site.h"

/* The width the default theme gives an article's body: the whole screen
 * less its padding on a phone, at most 60rem (62rem less 2 × 1rem). */
#define IMAGE_SIZES "(max-width: 62rem) calc(100vw - 2rem), 60rem"

/* Decoding and encoding a photo of many megapixels takes longer than
 * rendering a page: an image job gets this many page deadlines. */
enum { IMAGE_DEADLINE_FACTOR = 4 };

enum { NOUT = 1 + IMAGE_MAX_VARIANTS };

struct image_job {
	const struct page *page;
	const struct bundle_file *file;
	const char *url;  /* "/tin-tuc/a/b/anh.jpg", the site's */
	enum image_format expect;
	char key[41];
	/* from the worker's reply */
	bool ok;
	struct image_facts facts;
	char *srcset;
};

struct image_stage {
	const struct site *site;
	struct image_stage_opts opts;
	struct image_cache *cache;
	struct image_job *jobs;
	size_t njobs;
	bool *owned; /* per site file */
	size_t nowned;
	struct strmap by_url; /* url → job */
	struct diag_list *diags;
	size_t files, cached, processed;
	unsigned timeout_ms; /* of one image job */
};

struct reply {
	uint32_t ok, cached, processed, written;
	struct image_facts facts;
	char hash[NOUT][41];
};

/* ---- paths --------------------------------------------------------------- */

/* Output path of output i of j: 0 the original, then the variants. */
static void output_path(struct buf *out, const struct image_job *j, const struct image_facts *f,
			unsigned i)
{
	buf_reset(out);
	if (i == 0)
		buf_puts(out, j->file->out_path);
	else
		image_variant_name(out, j->file->out_path, f->vwidth[i - 1]);
}

/* Drops the variants whose name another owner claimed first (a file of
 * the bundle, "anh-480w.jpg" written by the school itself): that one
 * wins (image_stage_claim). */
static void drop_taken(const struct image_stage *s, const struct image_job *j,
		       struct image_facts *f, struct buf *outs)
{
	struct buf path = BUF_INIT;
	for (unsigned i = 0; i < f->nvariants;) {
		output_path(&path, j, f, i + 1);
		const struct claim *c = claims_get(&s->site->claims, path.ptr);
		bool taken = c && (c->kind != CLAIM_IMAGE || strcmp(c->who, j->file->src_path) != 0);
		if (!taken) {
			i++;
			continue;
		}
		for (unsigned k = i; k + 1 < f->nvariants; k++) {
			f->vwidth[k] = f->vwidth[k + 1];
			f->vheight[k] = f->vheight[k + 1];
			if (outs) {
				struct buf t = outs[k + 1];
				outs[k + 1] = outs[k + 2];
				outs[k + 2] = t;
			}
		}
		f->nvariants--;
	}
	buf_release(&path);
}

/* A URL in srcset: a run of characters without white space or commas. */
static void add_srcset_url(struct buf *out, const char *path)
{
	buf_putc(out, '/');
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~' || *p == '/')
			buf_putc(out, (char)*p);
		else
			buf_addf(out, "%%%02X", *p);
	}
}

/* ---- in a worker ---------------------------------------------------------- */

/* Adds "image not published: <reason>" at path for each reason the image
 * module gave, in both languages: the reason's Vietnamese inside the
 * catalog's Vietnamese sentence, so that no English crosses the pipe into
 * a Vietnamese message. */
static void refuse(struct diag_list *d, const char *path, const struct diag_list *why)
{
	for (size_t i = 0; i < why->len; i++) {
		const struct diag *e = &why->items[i];
		diag_error(d, path, 1, 0, "image not published: %s", e->msg);
		struct diag *last = &d->items[d->len - 1];
		struct buf vi = BUF_INIT;
		msg_addf(&vi, MSG_VI, "image not published: %s", e->msg_vi ? e->msg_vi : e->msg);
		free(last->msg_vi);
		last->msg_vi = buf_detach(&vi, NULL);
	}
}

static int work(void *ctx, size_t job, struct buf *out)
{
	struct image_stage *s = ctx;
	const struct image_job *j = &s->jobs[job];
	struct reply rep;
	struct diag_list d = DIAG_LIST_INIT;
	struct diag_list err = DIAG_LIST_INIT;
	struct buf data = BUF_INIT, path = BUF_INIT, outs[NOUT];
	bool dry = !s->opts.out;

	memset(&rep, 0, sizeof(rep));
	for (unsigned i = 0; i < NOUT; i++)
		buf_init(&outs[i]);
	/* a renamed file keeps its blob: the cached format must still match
	 * the name */
	if (j->expect == IMAGE_NONE) {
		diag_error(&d, j->file->src_path, 1, 0,
			   "image not published: only JPEG, PNG, WebP, GIF and HEIC images are published");
	} else if (image_cache_get(s->cache, j->key, &rep.facts, outs) &&
		   rep.facts.format == j->expect) {
		rep.cached = 1;
	} else if (repo_read(s->site->repo, &s->site->files[j->file->file_index], &data, &d) == 0) {
		int rc = dry ? image_probe(data.ptr, data.len, j->expect, &rep.facts, &err)
			     : image_process(data.ptr, data.len, j->expect, &rep.facts, outs, &err);
		if (rc < 0) {
			refuse(&d, j->file->src_path, &err);
		} else {
			rep.processed = 1;
			if (!dry)
				image_cache_put(s->cache, j->key, &rep.facts, outs);
		}
	}
	rep.ok = rep.cached || rep.processed;
	if (rep.ok) {
		drop_taken(s, j, &rep.facts, outs);
		for (unsigned i = 0; i <= rep.facts.nvariants; i++) {
			if (dry) {
				/* what would be written, described: it changes with the
				 * source and the parameters, as the bytes would */
				buf_reset(&path);
				buf_addf(&path, "%s %u", j->key, i);
				repo_hash_bytes(path.ptr, path.len, rep.hash[i]);
				continue;
			}
			repo_hash_bytes(outs[i].ptr, outs[i].len, rep.hash[i]);
			output_path(&path, j, &rep.facts, i);
			if (outdir_write(s->opts.out, path.ptr, outs[i].ptr, outs[i].len, &d) == 0)
				rep.written++;
		}
	}
	buf_add(out, &rep, sizeof(rep));
	diag_list_encode(out, &d);
	diag_list_release(&d);
	for (unsigned i = 0; i < NOUT; i++)
		buf_release(&outs[i]);
	buf_release(&data);
	diag_list_release(&err);
	buf_release(&path);
	return 0;
}

/* ---- in the parent ---------------------------------------------------------- */

void image_stage_failure(struct diag_list *d, const char *who, enum pool_status st,
			 const char *detail, size_t len, unsigned timeout_ms, size_t mem_limit)
{
	switch (st) {
	case POOL_TIMEOUT:
		diag_error(d, who, 1, 0, "image not published: processing it took more than %u s",
			   timeout_ms / 1000);
		return; /* the pool's reason says the same in milliseconds */
	case POOL_OUT_OF_MEMORY:
		diag_error(d, who, 1, 0,
			   "image not published: processing it needed more than the %zu MB of memory "
			   "allowed (limits.render_memory_mb): save the photo at a smaller size and "
			   "add it again",
			   mem_limit / (1024 * 1024));
		return;
	case POOL_OK:
	case POOL_FAILED: /* an answer too short to read: bytes, not words */
		len = 0;
		break;
	case POOL_CRASHED:
		break;
	}
	diag_error(d, who, 1, 0,
		   "image not published: the image processor stopped on this file (it may be "
		   "damaged): open it, save it again as JPEG, and add it again");
	diag_add_detail(&d->items[d->len - 1], detail, len);
}

static void job_done(void *ctx, size_t job, enum pool_status st, const char *data, size_t len)
{
	struct image_stage *s = ctx;
	struct image_job *j = &s->jobs[job];
	const char *who = j->file->src_path;
	struct reply rep;

	if (st == POOL_TIMEOUT || st == POOL_CRASHED || st == POOL_OUT_OF_MEMORY ||
	    len < sizeof(rep)) {
		/* the pool's limit adds the parent's own size: name the setting's */
		image_stage_failure(s->diags, who, st, data, len, s->timeout_ms,
				    s->site->config.render_memory);
		return;
	}
	memcpy(&rep, data, sizeof(rep));
	diag_list_decode(s->diags, data + sizeof(rep), len - sizeof(rep));
	s->files += rep.written;
	s->cached += rep.cached;
	s->processed += rep.processed;
	if (!rep.ok || rep.facts.nvariants > IMAGE_MAX_VARIANTS)
		return;
	j->ok = true;
	j->facts = rep.facts;
	struct buf path = BUF_INIT, srcset = BUF_INIT;
	for (unsigned i = 0; i <= j->facts.nvariants; i++) {
		output_path(&path, j, &j->facts, i);
		rep.hash[i][40] = '\0';
		if (s->opts.output)
			s->opts.output(s->opts.output_ctx, path.ptr, rep.hash[i]);
		/* srcset from narrow to wide, the original last */
		if (i) {
			add_srcset_url(&srcset, path.ptr);
			buf_addf(&srcset, " %uw, ", j->facts.vwidth[i - 1]);
		}
	}
	if (j->facts.nvariants) {
		add_srcset_url(&srcset, j->file->out_path);
		buf_addf(&srcset, " %uw", j->facts.width);
		j->srcset = buf_detach(&srcset, NULL);
	}
	buf_release(&path);
	buf_release(&srcset);
}

void image_stage_claim(struct site *site)
{
	struct buf path = BUF_INIT, url = BUF_INIT;
	for (size_t i = 0; i < site->npages; i++) {
		const struct page *p = site->pages[i];
		for (size_t k = 0; k < p->nfiles; k++) {
			const struct bundle_file *f = &p->files[k];
			enum image_format fmt = image_format_of_name(f->name);
			if (fmt == IMAGE_NONE || fmt == IMAGE_GIF) /* no copies: image_plan */
				continue;
			for (unsigned v = 0; v < IMAGE_MAX_VARIANTS; v++) {
				buf_reset(&path);
				image_variant_name(&path, f->out_path, image_variant_width(v));
				buf_reset(&url);
				buf_addf(&url, "/%s", path.ptr);
				claims_take(&site->claims, CLAIM_IMAGE, path.ptr, url.ptr, f->src_path, NULL);
			}
		}
	}
	buf_release(&path);
	buf_release(&url);
}

int image_stage_run(struct image_stage **out, const struct site *site,
		    const struct image_stage_opts *opts, struct diag_list *diags)
{
	struct image_stage *s = xcalloc(1, sizeof(*s));
	size_t cap = 0;

	*out = s;
	s->site = site;
	s->opts = *opts;
	s->diags = diags;
	s->nowned = site->nfiles;
	s->owned = xcalloc(site->nfiles + 1, sizeof(*s->owned));
	for (size_t i = 0; i < site->npages; i++) {
		const struct page *p = site->pages[i];
		for (size_t k = 0; k < p->nfiles; k++) {
			const struct bundle_file *f = &p->files[k];
			size_t u;
			if (!image_name_is_image(f->name) || !strmap_get(&site->file_url, f->src_path, &u))
				continue;
			s->owned[f->file_index] = true;
			ALLOC_GROW(s->jobs, s->njobs + 1, cap);
			struct image_job *j = &s->jobs[s->njobs];
			memset(j, 0, sizeof(*j));
			j->page = p;
			j->file = f;
			j->url = site->bundle_urls[u];
			j->expect = image_format_of_name(f->name);
			image_cache_key(site->files[f->file_index].oid, j->key);
			strmap_put(&s->by_url, j->url, s->njobs, NULL);
			s->njobs++;
		}
	}
	if (!s->njobs)
		return 0;
	image_cache_open(&s->cache, opts->out_dir, opts->out != NULL);
	struct pool_opts po = *opts->pool;
	po.job_timeout_ms *= IMAGE_DEADLINE_FACTOR;
	s->timeout_ms = po.job_timeout_ms;
	s->opts.pool = NULL; /* po lives only in this call */
	return pool_run(&po, s->njobs, NULL, work, job_done, s, diags);
}

bool image_stage_owns(const struct image_stage *s, size_t file_index)
{
	return s && file_index < s->nowned && s->owned[file_index];
}

size_t image_stage_files(const struct image_stage *s)
{
	return s ? s->files : 0;
}

size_t image_stage_cached(const struct image_stage *s)
{
	return s ? s->cached : 0;
}

size_t image_stage_processed(const struct image_stage *s)
{
	return s ? s->processed : 0;
}

int image_stage_markdown(void *ctx, const char *url, struct markdown_image *img)
{
	const struct image_stage *s = ctx;
	size_t i;
	if (!s || !strmap_get(&s->by_url, url, &i))
		return 0;
	const struct image_job *j = &s->jobs[i];
	if (!j->ok)
		return -1;
	img->width = j->facts.width;
	img->height = j->facts.height;
	img->srcset = j->srcset;
	img->sizes = j->srcset ? IMAGE_SIZES : NULL;
	return 1;
}

void image_stage_free(struct image_stage *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->njobs; i++)
		free(s->jobs[i].srcset);
	free(s->jobs);
	free(s->owned);
	strmap_release(&s->by_url);
	image_cache_free(s->cache);
	free(s);
}
