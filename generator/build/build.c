/* build — orchestrates one build; see build.h for the order of stages. */
#include "build/build.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/sysutil.h"
#include "base/value.h"
#include "base/status.h"
#include "base/xalloc.h"
#include "build/cache.h"
#include "build/imgstage.h"
#include "build/keys.h"
#include "build/pool.h"
#include "build/publish.h"
#include "build/wire.h"
#include "content/frontmatter.h"
#include "content/text.h"
#include "incr/keyfields.h"
#include "lua/luavm.h"
#include "lua/sitelua.h"
#include "lua/theme.h"
#include "markup/markdown.h"
#include "source/sitefiles.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A theme's static file: its output path and where it is read from. */
struct static_file {
	const char *out_path;        /* "css/style.css" */
	const struct sitefile *src;  /* where it is read from */
	const char *shown;           /* "themes/default/static/css/style.css" for a site's own */
};

struct build {
	const struct build_options *opts;
	struct site site;
	struct luavm *vm;
	struct theme *theme;
	struct sitelua *sl;
	struct outdir *out;
	size_t ncontent;      /* content pages rendered by the pool */
	size_t *content;      /* their indices into site.pages */
	bool *ok;             /* per job: rendered and written */
	struct diag_list *job_diags; /* per rendered job, until site_wide_errors */
	struct diag_list *diags;
	struct diag_list worker_diags; /* in a worker: one job's diagnostics */
	/* the site's own files over the installed ones (sitefiles.h): the
	 * theme's files, and the blob ids of the own ones as key fields */
	struct sitefiles files;
	struct sitefile *theme_files;
	size_t ntheme_files;
	bool theme_listed;
	const char *theme_where; /* where the theme was looked for, for messages */
	struct buf own_key;
	struct static_file *statics; /* static files, by output path */
	size_t nstatics, statics_cap;
	struct arena arena;
	size_t pages_written, files_written;
	size_t njobs, jobs_done; /* for opts->progress */
	char job_hash[41]; /* manifest: in a worker, the hash of the job's output */
	/* incremental builds (cache.h): each job's key ("" when not
	 * cacheable), the jobs left to render after the cache, and in a
	 * worker the job at hand */
	struct cache *cache;
	char (*keys)[CACHE_KEY_LEN + 1];
	size_t *todo, ntodo, cached, nkeyed;
	size_t current_job;
	char base_key[CACHE_KEY_LEN + 1]; /* make_base_key */
	char published[CACHE_KEY_LEN + 1]; /* fingerprint of the site as committed */
	struct image_stage *images; /* bundle images: facts for <img>, published by the stage */
	bool timings;      /* LOA_TIMINGS set: stage times on stderr */
	struct timespec stage_start;
	double stage_cpu;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- manifest (loa review) ------------------------------------------------- */

enum { MANIFEST_HASH_LEN = 40 };

static void manifest_add(struct build *b, const char *out_path, const char *hash)
{
	struct build_manifest *m = b->opts->manifest;
	if (!m)
		return;
	ALLOC_GROW(m->items, m->n + 1, m->cap);
	m->items[m->n].out_path = xstrdup(out_path);
	memcpy(m->items[m->n].hash, hash, MANIFEST_HASH_LEN);
	m->items[m->n].hash[MANIFEST_HASH_LEN] = '\0';
	m->n++;
}

static void manifest_add_bytes(struct build *b, const char *out_path, const char *data, size_t len)
{
	if (!b->opts->manifest)
		return;
	char hash[41];
	repo_hash_bytes(data, len, hash);
	manifest_add(b, out_path, hash);
}

/* A worker's reply starts with its output's hash ('-' when it made none). */
static void manifest_job(struct build *b, size_t job, bool ok, const char **data, size_t *len)
{
	if (!b->opts->manifest || *len < MANIFEST_HASH_LEN)
		return;
	if (ok && (*data)[0] != '-')
		manifest_add(b, job < b->ncontent ? b->site.pages[b->content[job]]->out_path
						  : sitelua_extra(b->sl, job - b->ncontent)->out_path,
			     *data);
	*data += MANIFEST_HASH_LEN;
	*len -= MANIFEST_HASH_LEN;
}

static int output_cmp(const void *pa, const void *pb)
{
	const struct build_output *a = pa, *b = pb;
	int c = strcmp(a->out_path, b->out_path);
	return c ? c : strcmp(a->hash, b->hash);
}

/* Sorted by path; a path written twice (claims make that an error
 * elsewhere) keeps one entry, the same one in every build. */
static void manifest_finish(struct build_manifest *m)
{
	if (!m || m->n < 2)
		return;
	qsort(m->items, m->n, sizeof(*m->items), output_cmp);
	size_t k = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (k && strcmp(m->items[k - 1].out_path, m->items[i].out_path) == 0)
			free(m->items[i].out_path);
		else
			m->items[k++] = m->items[i];
	}
	m->n = k;
}

void build_manifest_release(struct build_manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->items[i].out_path);
	free(m->items);
	m->items = NULL;
	m->n = m->cap = 0;
}

/* ---- rendering, in the workers --------------------------------------------- */

static int link_cb(void *ctx, const char *url, struct buf *out)
{
	void **pair = ctx;
	return site_resolve_link(pair[0], pair[1], url, out);
}

/* The deps side file of a cached render: the pages whose volatile fields
 * it read, one path a line, then "=" and the key of those fields. */
static void deps_encode(struct build *b, struct buf *out)
{
	size_t n;
	const size_t *deps = sitelua_deps(b->sl, &n);
	if (!n)
		return;
	struct buf k = BUF_INIT;
	char key[CACHE_KEY_LEN + 1];
	for (size_t i = 0; i < n; i++) {
		buf_addf(out, "%s\n", b->site.pages[deps[i]]->path);
		keys_page_volatile(&k, b->site.pages[deps[i]]);
	}
	key_finish(&k, key);
	buf_addf(out, "=%s\n", key);
	buf_release(&k);
}

/* True when the pages a cached render read still have the fields it saw. */
static bool deps_hold(struct build *b, const char *deps, size_t len)
{
	struct buf k = BUF_INIT;
	const char *p = deps, *end = deps + len;
	bool ok = len == 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		char *line = xstrndup(p, (size_t)(nl - p));
		p = nl + 1;
		size_t i;
		if (line[0] == '=') {
			char key[CACHE_KEY_LEN + 1];
			key_finish(&k, key);
			ok = p == end && strcmp(line + 1, key) == 0;
			free(line);
			break;
		}
		bool found = strmap_get(&b->site.page_by_path, line, &i);
		free(line);
		if (!found)
			break;
		keys_page_volatile(&k, b->site.pages[i]);
	}
	buf_release(&k);
	return ok;
}

/* Writes a rendered job's output. A cacheable one is also stored in the
 * cache (with its diagnostics so far and what else it read); the site gets
 * its own copy, so an edit of the live page never reaches the object. */
static int emit(struct build *b, const char *out_path, const struct buf *data, struct diag_list *d)
{
	if (b->opts->dry_run)
		return 0;
	const char *key = b->keys ? b->keys[b->current_job] : "";
	if (*key && !sitelua_untracked(b->sl) && d->errors == 0) {
		struct buf enc = BUF_INIT, deps = BUF_INIT;
		diag_list_encode(&enc, d);
		deps_encode(b, &deps);
		/* a failed store only costs the next build a render */
		cache_store(b->cache, key, data->ptr, data->len, enc.ptr, enc.len, deps.ptr,
			    deps.len);
		buf_release(&enc);
		buf_release(&deps);
	}
	return outdir_write(b->out, out_path, data->ptr, data->len, d);
}

static int render_content(struct build *b, size_t page_index, struct diag_list *d)
{
	struct page *p = b->site.pages[page_index];
	struct buf body = BUF_INIT, html = BUF_INIT;
	void *pair[2] = { &b->site, p };
	struct sitelua_shortcode_ctx sc = { b->sl, page_index, d };
	struct markdown_opts mo = { p->path, p->body_line - 1, b->site.config.unsafe_html,
				    link_cb, pair, b->site.text, sitelua_shortcode_cb, &sc,
				    image_stage_markdown, b->images, b->site.config.base_path };
	int ret = markdown_render(&body, p->body, p->body_len, &mo, d);
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
		const struct page *p = b->site.pages[src];
		void *pair[2] = { &b->site, (void *)p };
		/* the same section body shows on every page of its list: report
		 * its warnings once, with the first page */
		struct diag_list ignored = DIAG_LIST_INIT;
		bool first = !e->url || !strstr(e->url, "/trang/");
		struct sitelua_shortcode_ctx sc = { b->sl, src, first ? d : &ignored };
		struct markdown_opts mo = { p->path, p->body_line - 1, b->site.config.unsafe_html,
					    link_cb, pair, b->site.text, sitelua_shortcode_cb, &sc,
					    image_stage_markdown, b->images, b->site.config.base_path };
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

static int work(void *ctx, size_t job, struct buf *out)
{
	struct build *b = ctx;
	struct diag_list d = DIAG_LIST_INIT;
	if (b->todo)
		job = b->todo[job];
	b->current_job = job;
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
	diag_list_encode(out, &d);
	diag_list_release(&d);
	return ret;
}

static void job_done(void *ctx, size_t job, enum pool_status st, const char *data, size_t len)
{
	struct build *b = ctx;
	if (b->todo)
		job = b->todo[job];
	if (b->opts->progress)
		b->opts->progress(b->opts->progress_ctx, ++b->jobs_done, b->njobs);
	const char *who = job < b->ncontent ? b->site.pages[b->content[job]]->path
					    : sitelua_extra(b->sl, job - b->ncontent)->plugin;
	/* kept apart until site_wide_errors has seen every job */
	struct diag_list *d = &b->job_diags[job];
	if (st == POOL_OK || st == POOL_FAILED)
		manifest_job(b, job, st == POOL_OK, &data, &len);
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
	case POOL_CRASHED:
		diag_error(d, who, 1, 0, "rendering failed: %.*s", (int)len, data);
		break;
	}
}

/* The first error of a job's diagnostics, or NULL. */
static const struct diag *first_error(const struct diag_list *l)
{
	for (size_t i = 0; i < l->len; i++)
		if (l->items[i].severity == DIAG_ERROR)
			return &l->items[i];
	return NULL;
}

/* A fault that rejects every page of a layout (with at least this many
 * pages), or every page of the site, is the site's: one error, and
 * nothing is published. Fewer pages of one layout failing alike stay page
 * errors: one page's data can break its own render. */
enum { SITE_FAULT_MIN_PAGES = 3 };

/* The innermost layout line of a Lua traceback in msg ("themes/default/
 * layouts/base.html:20"), or NULL: where a failing filter was called. */
static char *layout_call_site(const char *msg)
{
	for (const char *p = strchr(msg, '\n'); p; p = strchr(p + 1, '\n')) {
		const char *q = p + 1;
		while (*q == ' ' || *q == '\t')
			q++;
		size_t n = strcspn(q, "\n");
		const char *colon = memmem(q, n, ": in ", 5);
		const char *lay = memmem(q, n, "layouts/", 8);
		if (colon && lay && lay < colon)
			return xstrndup(q, (size_t)(colon - q));
	}
	return NULL;
}

static const char *job_layout(struct build *b, size_t job, char *name, size_t size)
{
	if (job < b->ncontent)
		return sitelua_page_layout(b->sl, b->content[job], name, size);
	const char *layout = sitelua_extra(b->sl, job - b->ncontent)->layout;
	return layout ? layout : "";
}

/* Moves the rendered jobs' diagnostics to b->diags: a site-wide fault
 * becomes one error with its count, every other failure is reported on
 * the page it rejected. Returns -1 when a fault was site-wide. Linear in
 * the jobs: a site of 30,000 pages that all fail is the case it is for. */
static int site_wide_errors(struct build *b)
{
	size_t n = b->njobs, pages = 0, failed = 0, nfaults = 0;
	char name[128];
	/* per job: its layout ("" for a plugin's plain file) and the key of
	 * its first error (NULL when it has none) */
	const char **layout = xcalloc(n + 1, sizeof(*layout));
	const char **key = xcalloc(n + 1, sizeof(*key));
	for (size_t j = 0; j < n; j++) {
		layout[j] = arena_strdup(&b->arena, job_layout(b, j, name, sizeof(name)));
		const struct diag *e = b->ok[j] ? NULL : first_error(&b->job_diags[j]);
		if (e)
			key[j] = arena_printf(&b->arena, "%s\n%d\n%.*s", e->path, e->line,
					      (int)strcspn(e->msg, "\n"), e->msg);
		if (*layout[j]) {
			pages++;
			failed += key[j] != NULL;
		}
	}
	/* faults of the site: every fault when no page rendered, else the
	 * one fault of a layout all of whose pages (enough of them) failed */
	bool whole = pages > 1 && failed == pages;
	struct strmap groups = STRMAP_INIT, site_faults = STRMAP_INIT, first = STRMAP_INIT;
	size_t *total = xcalloc(n + 1, sizeof(*total));
	const char **fault = xcalloc(n + 1, sizeof(*fault)); /* per group; NULL: none or mixed */
	bool *mixed = xcalloc(n + 1, sizeof(*mixed));
	size_t ngroups = 0;
	for (size_t j = 0; j < n; j++) {
		if (!*layout[j])
			continue;
		if (whole) {
			if (key[j])
				strmap_put(&site_faults, key[j], 0, NULL);
			continue;
		}
		size_t g = ngroups;
		if (strmap_put(&groups, layout[j], g, &g))
			ngroups++;
		total[g]++;
		if (!key[j] || (fault[g] && strcmp(fault[g], key[j]) != 0))
			mixed[g] = true;
		else if (!fault[g])
			fault[g] = key[j];
	}
	for (size_t g = 0; g < ngroups; g++)
		if (!mixed[g] && fault[g] && total[g] >= SITE_FAULT_MIN_PAGES)
			strmap_put(&site_faults, fault[g], 0, NULL);
	/* every failed job whose first error is a site fault is folded into
	 * the first such job, in job order */
	size_t *owner = xcalloc(n + 1, sizeof(*owner));
	size_t *count = xcalloc(n + 1, sizeof(*count));
	for (size_t j = 0; j < n; j++) {
		owner[j] = SIZE_MAX;
		if (key[j] && strmap_get(&site_faults, key[j], NULL)) {
			if (strmap_put(&first, key[j], j, &owner[j]))
				owner[j] = j;
			count[owner[j]]++;
		}
	}
	for (size_t j = 0; j < n; j++) {
		if (owner[j] != j)
			continue;
		const struct diag *e = first_error(&b->job_diags[j]);
		const char *page = j < b->ncontent ? b->site.pages[b->content[j]]->path
						   : sitelua_extra(b->sl, j - b->ncontent)->url;
		char *at = layout_call_site(e->msg);
		char *here = xasprintf("%s:%d", e->path, e->line);
		if (at && strcmp(at, here) == 0) {
			free(at);
			at = NULL;
		}
		free(here);
		int len = (int)strcspn(e->msg, "\n");
		if (whole && at)
			diag_error(b->diags, e->path, e->line, e->col,
				   "%.*s (at %s): the same error rejects all %zu pages, first %s; "
				   "nothing published",
				   len, e->msg, at, count[j], page);
		else if (whole)
			diag_error(b->diags, e->path, e->line, e->col,
				   "%.*s: the same error rejects all %zu pages, first %s; "
				   "nothing published",
				   len, e->msg, count[j], page);
		else if (at)
			diag_error(b->diags, e->path, e->line, e->col,
				   "%.*s (at %s): the same error rejects %zu pages, all of layout %s, "
				   "first %s; nothing published",
				   len, e->msg, at, count[j], layout[j], page);
		else
			diag_error(b->diags, e->path, e->line, e->col,
				   "%.*s: the same error rejects %zu pages, all of layout %s, "
				   "first %s; nothing published",
				   len, e->msg, count[j], layout[j], page);
		free(at);
		nfaults++;
	}
	for (size_t j = 0; j < n; j++) {
		struct diag_list *l = &b->job_diags[j];
		if (owner[j] != SIZE_MAX) {
			diag_list_release(l);
			continue;
		}
		if (!b->ok[j]) {
			/* name the page a failure rejects, wherever it arose */
			const char *page = j < b->ncontent ? b->site.pages[b->content[j]]->path : NULL;
			const struct extra_output *e = page ? NULL : sitelua_extra(b->sl, j - b->ncontent);
			for (size_t i = 0; i < l->len; i++) {
				struct diag *d = &l->items[i];
				if (d->severity != DIAG_ERROR)
					continue;
				if (page && strcmp(d->path, page) != 0)
					diag_relocate(d, page, 1, NULL);
				else if (e && strcmp(d->path, e->plugin) != 0)
					diag_relocate(d, e->plugin, 0, e->url);
			}
		}
		diag_list_append(b->diags, l);
	}
	strmap_release(&groups);
	strmap_release(&site_faults);
	strmap_release(&first);
	free(layout);
	free(key);
	free(total);
	free(fault);
	free(mixed);
	free(owner);
	free(count);
	return nfaults ? -1 : 0;
}

/* ---- files copied as they are ------------------------------------------------ */

static void image_output(void *ctx, const char *out_path, const char *hash)
{
	manifest_add(ctx, out_path, hash);
}

static void copy_bundle_files(struct build *b)
{
	struct buf data = BUF_INIT;
	for (size_t i = 0; i < b->site.npages; i++) {
		const struct page *p = b->site.pages[i];
		for (size_t j = 0; j < p->nfiles; j++) {
			const struct bundle_file *f = &p->files[j];
			if (image_stage_owns(b->images, f->file_index))
				continue; /* published stripped by the image stage */
			if (repo_read(b->site.repo, &b->site.files[f->file_index], &data, b->diags) < 0)
				continue;
			manifest_add_bytes(b, f->out_path, data.ptr, data.len);
			if (!b->opts->dry_run &&
			    outdir_write(b->out, f->out_path, data.ptr, data.len, b->diags) == 0)
				b->files_written++;
		}
	}
	buf_release(&data);
}

/* The own key fields of listed files: an own file's blob id covers its
 * bytes (installed files are in the base key). */
static void key_own_files(struct build *b, const struct sitefile *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].own) {
			key_add_str(&b->own_key, f[i].label);
			key_add_str(&b->own_key, f[i].file.oid);
		}
}

/* Adds the files of a listing below prefix to b->statics, by output path;
 * a name already there (from the site's own static/) is left to it. */
static void list_static(struct build *b, const struct sitefile *f, size_t n, const char *prefix,
			struct strmap *seen)
{
	size_t plen = strlen(prefix);
	for (size_t i = 0; i < n; i++) {
		if (strncmp(f[i].rel, prefix, plen) != 0 || !f[i].rel[plen])
			continue;
		const char *key = arena_strdup(&b->arena, f[i].rel + plen);
		if (!strmap_put(seen, key, 0, NULL))
			continue;
		ALLOC_GROW(b->statics, b->nstatics + 1, b->statics_cap);
		b->statics[b->nstatics].out_path = key;
		b->statics[b->nstatics].src = &f[i];
		b->statics[b->nstatics].shown = f[i].own ? f[i].label : f[i].disk;
		b->nstatics++;
	}
}

/* Copies the theme's static files (claimed before rendering). */
static void copy_static(struct build *b)
{
	struct buf data = BUF_INIT;
	for (size_t i = 0; i < b->nstatics; i++) {
		const struct static_file *f = &b->statics[i];
		if (sitefiles_read(&b->files, f->src, 0, &data, b->diags) == 0) {
			manifest_add_bytes(b, f->out_path, data.ptr, data.len);
			if (!b->opts->dry_run &&
			    outdir_write(b->out, f->out_path, data.ptr, data.len, b->diags) == 0)
				b->files_written++;
		}
	}
	buf_release(&data);
}

/* ---- the removal guard ------------------------------------------------------ */

/* Counts the HTML pages below dirfd/rel (the published site; hidden
 * entries such as .loa-cache are not the site's) and, of those, the ones
 * the new site at new_fd lacks. Symlinks are not followed. */
static void count_removed(int dirfd, const char *rel, int new_fd, size_t *pages, size_t *removed,
			  int depth)
{
	int fd = openat(dirfd, *rel ? rel : ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *dh = fd < 0 ? NULL : fdopendir(fd);
	if (!dh) {
		if (fd >= 0)
			close(fd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(dh))) {
		if (e->d_name[0] == '.')
			continue;
		char *path = *rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
		struct stat st;
		if (fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			size_t len = strlen(path);
			if (S_ISDIR(st.st_mode) && depth < 64) {
				count_removed(dirfd, path, new_fd, pages, removed, depth + 1);
			} else if (S_ISREG(st.st_mode) && len > 5 && !strcmp(path + len - 5, ".html")) {
				(*pages)++;
				if (fstatat(new_fd, path, &st, AT_SYMLINK_NOFOLLOW) != 0)
					(*removed)++;
			}
		}
		free(path);
	}
	closedir(dh);
}

/* Like rsync's --max-delete: a build that would remove more than
 * limits.max_removed of the pages published now publishes nothing (a
 * bad commit, a wrong --ref), unless --allow-removal says it is meant. */
static int removal_guard(struct build *b)
{
	if (b->opts->allow_removal || !b->out)
		return 0;
	int old_fd = open(b->opts->out_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (old_fd < 0)
		return 0; /* nothing published yet */
	size_t pages = 0, removed = 0;
	count_removed(old_fd, "", outdir_tmp_fd(b->out), &pages, &removed, 0);
	close(old_fd);
	double share = b->site.config.max_removed;
	if (!pages || (double)removed <= share * (double)pages)
		return 0;
	return diag_error(b->diags, "", 0, 0,
			  "this build would remove %zu of the %zu pages published in %s (%.0f%%, "
			  "more than limits.max_removed, %.0f%%): nothing published; if the removal "
			  "is meant, build once with --allow-removal",
			  removed, pages, b->opts->out_dir, 100.0 * (double)removed / (double)pages,
			  100.0 * share);
}

/* ---- sitemap and robots ---------------------------------------------------------- */

static void add_abs_url(struct buf *out, const char *base, const char *url)
{
	size_t n = strlen(base);
	buf_add_xml(out, base, n && base[n - 1] == '/' ? n - 1 : n);
	buf_add_xml(out, url, strlen(url));
}

static void write_sitemap(struct build *b)
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
	buf_puts(&x, "User-agent: *\nAllow: /\nSitemap: ");
	add_abs_url(&x, base, "/sitemap.xml");
	buf_putc(&x, '\n');
	manifest_add_bytes(b, "robots.txt", x.ptr, x.len);
	if (!b->opts->dry_run && outdir_write(b->out, "robots.txt", x.ptr, x.len, b->diags) == 0)
		b->files_written++;
	buf_release(&x);
}

/* ---- theme and plugins ---------------------------------------------------------------- */

/* The theme's folders: the site's own, then the installed one. */
static int find_theme(struct build *b)
{
	const char *name = b->site.config.theme;
	if (b->theme_listed)
		return 0;
	if (!text_slug_valid(name))
		return diag_error(b->diags, "site.yaml", 0, 0, "invalid theme name '%s'", name);
	if (!b->files.repo) {
		b->files.repo = b->site.repo;
		b->files.data_dir = b->opts->data_dir;
	}
	char *dir = xasprintf("themes/%s", name);
	const char *where = "";
	int rc = sitefiles_list(&b->files, dir, &b->theme_files, &b->ntheme_files, &where,
				&b->arena, b->diags);
	free(dir);
	if (rc < 0)
		return -1;
	if (!b->ntheme_files)
		return diag_error(b->diags, "site.yaml", 0, 0, "theme '%s' not found (looked in %s)",
				  name, where);
	b->theme_where = where;
	b->theme_listed = true;
	key_own_files(b, b->theme_files, b->ntheme_files);
	return 0;
}

/* Files the build writes itself, claimed before anything else. */
static const char *const own_files[] = { "sitemap.xml", "robots.txt", OUTDIR_MARKER };

/* site_load's claim_first: the build's own files, then the static files
 * (the site's own static/, then the theme's), win over content and
 * plugins (claims.h). A static file that collides with the build's own is
 * a theme error. */
static int claim_first(void *ctx, struct site *s, struct diag_list *d)
{
	struct build *b = ctx;
	for (size_t i = 0; i < sizeof(own_files) / sizeof(*own_files); i++) {
		char *url = xasprintf("/%s", own_files[i]);
		claims_take(&s->claims, CLAIM_BUILD, own_files[i], url, "loa", NULL);
		free(url);
	}
	if (find_theme(b) < 0)
		return -1;
	struct strmap seen = STRMAP_INIT;
	struct sitefiles own_only = { s->repo, NULL };
	struct sitefile *f;
	size_t n;
	if (sitefiles_list(&own_only, "static", &f, &n, NULL, &b->arena, d) == 0)
		list_static(b, f, n, "", &seen);
	list_static(b, b->theme_files, b->ntheme_files, "static/", &seen);
	strmap_release(&seen);
	int ret = 0;
	for (size_t i = 0; i < b->nstatics; i++) {
		const struct static_file *sf = &b->statics[i];
		char *url = xasprintf("/%s", sf->out_path);
		struct claim_conflict cf;
		if (claims_take(&s->claims, CLAIM_THEME, sf->out_path, url, sf->shown, &cf) < 0)
			ret = claims_report(d, sf->shown, 0, url, sf->out_path, &cf);
		free(url);
	}
	return ret;
}

static int open_theme(struct build *b)
{
	if (find_theme(b) < 0)
		return -1;
	struct theme_file *layouts = xcalloc(b->ntheme_files, sizeof(*layouts));
	struct buf *data = xcalloc(b->ntheme_files, sizeof(*data));
	size_t n = 0;
	for (size_t i = 0; i < b->ntheme_files; i++) {
		const struct sitefile *f = &b->theme_files[i];
		size_t len = strlen(f->rel);
		if (strncmp(f->rel, "layouts/", 8) != 0 || len < 5 + 8 ||
		    strcmp(f->rel + len - 5, ".html") != 0)
			continue;
		if (sitefiles_read(&b->files, f, 0, &data[n], b->diags) < 0)
			continue;
		layouts[n].name = f->rel + 8;
		layouts[n].label = f->label;
		layouts[n].src = data[n].ptr ? data[n].ptr : "";
		layouts[n].len = data[n].len;
		n++;
	}
	int rc = theme_load_files(&b->theme, b->vm, layouts, n, b->theme_where, b->diags);
	for (size_t i = 0; i < n; i++)
		buf_release(&data[i]);
	free(data);
	free(layouts);
	return rc;
}

static int cmp_str(const void *a, const void *b);

/* site.yaml names a language no theme folder has an i18n file for: every
 * label would come out empty, so it is an error naming those there are
 * (none when the theme has no i18n at all: nothing to choose from). */
static int unknown_language(struct build *b)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	/* theme_files is sorted by rel and unique: no name comes twice */
	for (size_t i = 0; i < b->ntheme_files; i++) {
		const char *rel = b->theme_files[i].rel;
		size_t len = strlen(rel);
		if (strncmp(rel, "i18n/", 5) != 0 || strchr(rel + 5, '/') || len < 5 + 6 ||
		    strcmp(rel + len - 5, ".yaml") != 0)
			continue;
		ALLOC_GROW(names, n + 1, cap);
		names[n++] = xstrndup(rel + 5, len - 10);
	}
	int ret = 0;
	if (n) {
		qsort(names, n, sizeof(*names), cmp_str);
		struct buf list = BUF_INIT;
		for (size_t i = 0; i < n; i++)
			buf_addf(&list, "%s%s", i ? ", " : "", names[i]);
		const struct value *v = value_get(b->site.config.root, "language");
		if (!v)
			v = value_get(b->site.config.root, "languageCode");
		ret = diag_error(b->diags, "site.yaml", v ? v->line : 0, v ? v->col : 0,
				 "unknown language '%.40s' (the theme has: %s)",
				 b->site.config.language, list.ptr);
		buf_release(&list);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

static int load_i18n(struct build *b, const struct value **out)
{
	static const struct yaml_limits limits = { 1024 * 1024, 8, 100000 };
	*out = NULL;
	char *rel = xasprintf("i18n/%s.yaml", b->site.config.language);
	const struct sitefile *f = sitefiles_find(b->theme_files, b->ntheme_files, rel);
	free(rel);
	if (!f)
		return unknown_language(b);
	struct buf data = BUF_INIT;
	int ret = sitefiles_read(&b->files, f, limits.max_bytes, &data, b->diags);
	if (ret == 0) {
		char *src = arena_strndup(&b->arena, data.ptr, data.len);
		ret = frontmatter_parse_yaml(out, &b->arena, f->label, src, data.len, &limits,
					     b->diags);
	}
	buf_release(&data);
	return ret;
}

/* Plugins in load order: site.yaml's list, or every shipped and own
 * plugin (plugins/NAME.lua) sorted by name; an own plugin hides the
 * installed one of the same name. */
static int load_plugins(struct build *b)
{
	struct sitefile *files;
	size_t nfiles;
	const char *where = "";
	if (sitefiles_list(&b->files, "plugins", &files, &nfiles, &where, &b->arena, b->diags) < 0)
		return -1;
	key_own_files(b, files, nfiles);
	const char **names = xcalloc(nfiles + b->site.config.nplugins + 1, sizeof(*names));
	size_t n = 0;
	int ret = 0;
	if (b->site.config.plugins_given) {
		for (size_t i = 0; i < b->site.config.nplugins; i++)
			names[n++] = b->site.config.plugins[i];
	} else {
		/* sorted by rel, and "a.lua" < "b.lua" as "a" < "b" but for
		 * names with bytes below '.': sort the names themselves */
		for (size_t i = 0; i < nfiles; i++) {
			size_t len = strlen(files[i].rel);
			if (len > 4 && !strchr(files[i].rel, '/') &&
			    strcmp(files[i].rel + len - 4, ".lua") == 0)
				names[n++] = arena_strndup(&b->arena, files[i].rel, len - 4);
		}
		qsort(names, n, sizeof(*names), cmp_str);
	}
	struct buf src = BUF_INIT;
	for (size_t i = 0; i < n && ret == 0; i++) {
		char *display = xasprintf("plugins/%s.lua", names[i]);
		char *rel = xasprintf("%s.lua", names[i]);
		const struct sitefile *f = sitefiles_find(files, nfiles, rel);
		if (!text_slug_valid(names[i]))
			ret = diag_error(b->diags, "site.yaml", 0, 0, "invalid plugin name '%s'", names[i]);
		else if (!f)
			ret = diag_error(b->diags, "site.yaml", 0, 0,
					 "plugin '%s' not found (looked in %s)", names[i], where);
		else if (sitefiles_read(&b->files, f, 0, &src, b->diags) < 0)
			ret = -1;
		else
			ret = sitelua_load_plugin(b->sl, src.ptr ? src.ptr : "", src.len, display,
						  b->diags);
		free(rel);
		free(display);
	}
	buf_release(&src);
	free(names);
	return ret;
}

/* Tells the supervisor (supervise.c) that plugin code starts or stops
 * running here, so that it can hold it to a wall-clock deadline. */
static void phase_begin(struct build *b, const char *label)
{
	if (!b->opts->watched)
		return;
	wire_phase_begin(b->opts->watch_fd, b->site.config.plugin_seconds, label);
}

static void phase_end(struct build *b)
{
	if (b->opts->watched)
		wire_phase_end(b->opts->watch_fd);
}

static size_t vm_size(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;
	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}

/* Lua memory allowed per page on top of LUAVM_LIMITS_DEFAULT (see build_run) */
enum { LUA_BYTES_PER_PAGE = 16 * 1024 };

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* CPU seconds of this process and of its reaped children (the workers) */
static double cpu_seconds(void)
{
	struct rusage self, kids;
	if (getrusage(RUSAGE_SELF, &self) != 0 || getrusage(RUSAGE_CHILDREN, &kids) != 0)
		return 0;
	return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec + kids.ru_utime.tv_sec +
			kids.ru_stime.tv_sec) +
	       (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec + kids.ru_utime.tv_usec +
			kids.ru_stime.tv_usec) / 1e6;
}

/* LOA_TIMINGS=1 prints the wall and CPU time of each stage on standard
 * error, for the benchmark (bench/run.py) and profiling; off, it costs
 * nothing. */
static void stage_done(struct build *b, const char *stage)
{
	if (!b->timings)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double cpu = cpu_seconds();
	fprintf(stderr, "loa: timing: %-12s %8.3f s wall %8.3f s cpu\n", stage,
		seconds_between(&b->stage_start, &now), cpu - b->stage_cpu);
	b->stage_start = now;
	b->stage_cpu = cpu;
}

/* The earliest instant after --now at which the output changes by itself:
 * a future-dated page appears, or what a plugin declared. */
static void next_change(struct build *b, struct build_result *res)
{
	const char *who = "", *why = "";
	int64_t t = b->sl ? sitelua_next_change(b->sl, &who, &why) : 0;
	if (*why)
		who = ""; /* a plugin's reason names what changes; its own name would add nothing */
	if (b->site.next_future && (!t || b->site.next_future < t)) {
		t = b->site.next_future;
		who = b->site.next_future_path;
		why = "scheduled page";
	}
	if (!t)
		return;
	struct date d;
	date_from_epoch(&d, t, b->site.text ? text_tz_offset(b->site.text, t) : b->site.tz_offset);
	res->next_change = t;
	date_format_iso(res->next_change_iso, &d);
	snprintf(res->next_change_where, sizeof(res->next_change_where), "%s", who);
	snprintf(res->next_change_why, sizeof(res->next_change_why), "%s", why);
}

/* ---- incremental builds -------------------------------------------------------- */

/* What every key starts with: the program, the options that change pages,
 * and the theme and plugin folders (read from disk, not from git); made
 * once a build, into b->base_key. */
static void make_base_key(struct build *b)
{
	const struct build_options *o = b->opts;
	struct buf kb = BUF_INIT, *k = &kb;
	key_add_str(k, "loa-build-1");
	keys_program(k);
	key_add_i64(k, o->site.drafts);
	key_add_i64(k, o->site.future);
	key_add_i64(k, o->site.worktree);
	key_add_i64(k, o->strict);
	/* the site's own theme and plugins come from its commit (in the
	 * whole build's key) or its work tree (their blob ids, in the state
	 * key of use_cache) */
	static const char *const dirs[] = { "themes", "plugins" };
	for (int i = 0; i < 2; i++) {
		char *installed = xasprintf("%s/%s", o->data_dir, dirs[i]);
		keys_tree(k, installed);
		free(installed);
	}
	key_finish(k, b->base_key);
	buf_release(k);
}

/* The key of a whole build from a commit: nothing but the time can change
 * its output. Empty for --worktree, whose files have no commit. */
static void whole_build_key(const struct build *b, char key[CACHE_KEY_LEN + 1])
{
	const struct build_options *o = b->opts;
	key[0] = '\0';
	if (o->site.worktree)
		return;
	struct repo *r = NULL;
	struct diag_list ignored = DIAG_LIST_INIT; /* site_load reports them */
	struct repo_opts ro = { o->site.repo_path, o->site.ref, false, 0, 0, 32 };
	if (repo_open(&r, &ro, &ignored) == 0) {
		struct buf k = BUF_INIT;
		key_add_str(&k, b->base_key);
		key_add_str(&k, repo_commit_id(r));
		key_finish(&k, key);
		buf_release(&k);
	}
	if (r)
		repo_free(r);
	diag_list_release(&ignored);
}

static bool same_folder(const char *dir, uint64_t id)
{
	struct stat st;
	return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (uint64_t)st.st_ino == id;
}

/* A rebuild of the same commit, inputs and options within the time its
 * output cannot change by itself (before the next change and the next
 * day), of an output folder nobody touched since (the same fingerprint:
 * no file added, removed, edited or touched): the published site is
 * already what this build would make. Its outcome and diagnostics are the
 * last build's. Otherwise the site is built and published again, mostly
 * from the cache. */
static bool up_to_date(struct build *b, const char *key, struct build_result *res)
{
	struct cache_record r;
	struct buf enc = BUF_INIT;
	int64_t now = b->opts->site.now;
	bool yes = *key && cache_record_read(b->cache, &r, &enc) == 0 && strcmp(r.key, key) == 0 &&
		   r.status != LOA_EXIT_NOTHING && now >= r.valid_from &&
		   (!r.valid_until || now < r.valid_until) &&
		   same_folder(b->opts->out_dir, r.out_id) && r.published[0];
	char now_published[CACHE_KEY_LEN + 1];
	if (yes)
		yes = outdir_fingerprint_path(b->opts->out_dir, now_published) == 0 &&
		      strcmp(now_published, r.published) == 0;
	if (yes) {
		diag_list_decode(b->diags, enc.ptr, enc.len);
		res->status = r.status;
		res->pages = (size_t)r.pages;
		res->files = (size_t)r.files;
		res->next_change = r.next_change;
		snprintf(res->next_change_iso, sizeof(res->next_change_iso), "%s", r.next_iso);
		snprintf(res->next_change_where, sizeof(res->next_change_where), "%s", r.next_where);
		snprintf(res->next_change_why, sizeof(res->next_change_why), "%s", r.next_why);
		snprintf(res->lang, sizeof(res->lang), "%s", r.lang);
		res->up_to_date = true;
	}
	buf_release(&enc);
	return yes;
}

/* Keys of every job, and the output of each found sound in the cache
 * (cache_load verifies it) written into the new site, with the
 * diagnostics its render gave. The rest are left in b->todo for the
 * render pool. */
static void use_cache(struct build *b, size_t njobs)
{
	b->todo = xcalloc(njobs + 1, sizeof(*b->todo));
	b->keys = xcalloc(njobs + 1, sizeof(*b->keys));
	struct buf k = BUF_INIT, state = BUF_INIT;
	key_add_str(&state, b->base_key);
	keys_value(&state, b->site.config.root);
	keys_site_metadata(&state, &b->site);
	key_add_bytes(&state, b->own_key.ptr, b->own_key.len);
	sitelua_key_state(b->sl, &state);
	char state_key[CACHE_KEY_LEN + 1];
	key_finish(&state, state_key);
	buf_release(&state);
	for (size_t j = 0; j < njobs; j++) {
		buf_reset(&k);
		key_add_str(&k, state_key);
		if (j < b->ncontent) {
			keys_page(&k, &b->site, b->site.pages[b->content[j]]);
		} else {
			const struct extra_output *e = sitelua_extra(b->sl, j - b->ncontent);
			if (!e->layout) { /* a plugin's file: made in the builder, cheap to write */
				b->todo[b->ntodo++] = j;
				continue;
			}
			sitelua_key_extra(b->sl, j - b->ncontent, &k);
			size_t src;
			if (e->source && strmap_get(&b->site.page_by_path, e->source, &src))
				keys_page(&k, &b->site, b->site.pages[src]);
		}
		key_finish(&k, b->keys[j]);
		b->nkeyed++;
		const char *out_path = j < b->ncontent ? b->site.pages[b->content[j]]->out_path
						       : sitelua_extra(b->sl, j - b->ncontent)->out_path;
		struct cache_object obj;
		bool found = cache_load(b->cache, b->keys[j], &obj) == 1;
		if (found && deps_hold(b, obj.deps, obj.deps_len) &&
		    outdir_write(b->out, out_path, obj.data, obj.data_len, b->diags) == 0) {
			diag_list_decode(b->diags, obj.diags, obj.diags_len);
			b->ok[j] = true;
			b->cached++;
			if (b->opts->progress)
				b->opts->progress(b->opts->progress_ctx, ++b->jobs_done, njobs);
		} else {
			b->todo[b->ntodo++] = j;
		}
		if (found)
			cache_object_release(&obj);
	}
	buf_release(&k);
}

/* After a published build: the record for the next one, and the cache
 * emptied of what this build did not use. */
static void remember(struct build *b, const char *key, const struct build_result *res)
{
	struct cache_record r;
	memset(&r, 0, sizeof(r));
	struct stat st;
	if (!*key || res->status == LOA_EXIT_NOTHING || lstat(b->opts->out_dir, &st) < 0) {
		cache_record_remove(b->cache);
	} else {
		snprintf(r.key, sizeof(r.key), "%s", key);
		r.valid_from = b->opts->site.now;
		/* "today" is in every render's context: a new day, a new build */
		struct date day = b->site.today;
		day.prec = DATE_DAY;
		day.hour = day.minute = day.second = 0;
		day.has_offset = false;
		r.valid_until = date_to_epoch(&day, b->site.tz_offset) + 86400;
		if (res->next_change && res->next_change < r.valid_until)
			r.valid_until = res->next_change;
		r.status = res->status;
		r.pages = res->pages;
		r.files = res->files;
		r.out_id = (uint64_t)st.st_ino;
		snprintf(r.published, sizeof(r.published), "%s", b->published);
		r.next_change = res->next_change;
		snprintf(r.next_iso, sizeof(r.next_iso), "%s", res->next_change_iso);
		snprintf(r.next_where, sizeof(r.next_where), "%s", res->next_change_where);
		snprintf(r.next_why, sizeof(r.next_why), "%s", res->next_change_why);
		snprintf(r.lang, sizeof(r.lang), "%s", res->lang);
		struct buf enc = BUF_INIT;
		diag_list_encode(&enc, b->diags);
		cache_record_write(b->cache, &r, enc.ptr, enc.len);
		buf_release(&enc);
	}
	/* keep what this build used: the keys of every job that has one */
	char **keep = xcalloc(b->njobs + 1, sizeof(*keep));
	size_t n = 0;
	for (size_t j = 0; j < b->njobs; j++)
		if (b->keys[j][0])
			keep[n++] = b->keys[j];
	qsort(keep, n, sizeof(*keep), cmp_str);
	cache_sweep(b->cache, keep, n);
	free(keep);
}

static uint64_t seed_of(const char *commit)
{
	uint64_t h = 1469598103934665603ull;
	for (; *commit; commit++)
		h = (h ^ (unsigned char)*commit) * 1099511628211ull;
	return h;
}

void build_run(const struct build_options *opts, struct diag_list *diags, struct build_result *res)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct build b;
	memset(&b, 0, sizeof(b));
	b.opts = opts;
	b.diags = diags;
	const char *timings = getenv("LOA_TIMINGS");
	b.timings = timings && *timings && strcmp(timings, "0") != 0;
	b.stage_start = t0;
	b.stage_cpu = b.timings ? cpu_seconds() : 0;
	memset(res, 0, sizeof(*res));
	res->status = LOA_EXIT_NOTHING;
	const struct value *i18n = NULL;
	char build_key[CACHE_KEY_LEN + 1] = "";
	/* first the output's lock, so a second build of the same output waits
	 * before doing any work, and the cache beside it is ours */
	struct outlock *lock = NULL;
	if (!opts->dry_run && outlock_take(&lock, opts->out_dir, opts->wait_seconds, opts->waiting,
					   opts->waiting_ctx, diags) < 0)
		goto done;
	if (!opts->dry_run && !opts->no_cache) {
		bool refused = false;
		b.cache = cache_open(opts->out_dir, &refused);
		if (refused)
			diag_warning(diags, "", 0, 0,
				     "the cache beside %s is a symbolic link or not a folder: not used",
				     opts->out_dir);
	}
	if (b.cache) {
		make_base_key(&b);
		whole_build_key(&b, build_key);
		if (up_to_date(&b, build_key, res))
			goto done;
	}

	struct site_options so = opts->site;
	so.claim_first = claim_first;
	so.claim_ctx = &b;
	if (site_load(&b.site, &so, diags) < 0)
		goto done;
	image_stage_claim(&b.site); /* before plugins: they never take a copy's name */
	snprintf(res->lang, sizeof(res->lang), "%s", b.site.config.language);
	if (b.timings)
		fprintf(stderr, "loa: timing: %-12s %8.3f s wall (%zu pages)\n", "history",
			b.site.history_seconds, b.site.npages);
	stage_done(&b, "load");
	markdown_init();
	struct luavm_limits limits = LUAVM_LIMITS_DEFAULT;
	/* The pages' tables live in the state (about 6 KB each, 10 KB with the
	 * garbage between collections): the cap that stops a runaway plugin
	 * grows with the site, or 30,000 pages would not fit in 256 MB. */
	limits.max_bytes += b.site.npages * LUA_BYTES_PER_PAGE;
	b.files.repo = b.site.repo;
	b.files.data_dir = opts->data_dir;
	if (luavm_open(&b.vm, &limits, seed_of(repo_commit_id(b.site.repo)), diags) < 0)
		goto done;
	if (open_theme(&b) < 0 || load_i18n(&b, &i18n) < 0)
		goto done;
	if (sitelua_open(&b.sl, &b.site, b.vm, b.theme, i18n, diags) < 0)
		goto done;
	stage_done(&b, "lua-setup");
	phase_begin(&b, "loading plugins, after_load and before_render");
	int plugins_ok = load_plugins(&b) == 0 && sitelua_run_stage(b.sl, "after_load", diags) == 0 &&
			 sitelua_run_stage(b.sl, "before_render", diags) == 0 &&
			 sitelua_collect(b.sl, diags) == 0 && sitelua_check_theme(b.sl, diags) == 0;
	phase_end(&b);
	if (!plugins_ok)
		goto done;
	stage_done(&b, "plugins");

	b.content = xcalloc(b.site.npages + 1, sizeof(*b.content));
	for (size_t i = 0; i < b.site.npages; i++)
		if (b.site.pages[i]->kind != PAGE_SECTION && b.site.pages[i]->kind != PAGE_HOME)
			b.content[b.ncontent++] = i;
	size_t njobs = b.ncontent + sitelua_extra_count(b.sl);
	b.njobs = njobs;
	b.ok = xcalloc(njobs + 1, sizeof(*b.ok));

	if (!opts->dry_run && outdir_begin_locked(&b.out, opts->out_dir, lock, diags) < 0)
		goto done;
	/* forget the last build until this one is published: a failure
	 * must not leave a record that calls the old site current */
	cache_record_remove(b.cache);
	cache_prepare(b.cache);
	struct pool_opts po = { opts->jobs > 0 ? opts->jobs : 1, b.site.config.render_timeout_ms,
				vm_size() + b.site.config.render_memory };
	/* images first: the pages need their sizes */
	struct image_stage_opts io = { opts->out_dir, b.out, &po, image_output, &b };
	if (image_stage_run(&b.images, &b.site, &io, diags) < 0)
		goto done;
	b.files_written += image_stage_files(b.images);
	if (b.cache) {
		use_cache(&b, njobs);
		if (b.timings)
			fprintf(stderr, "loa: timing: %-12s %zu of %zu pages\n", "from cache", b.cached,
				b.nkeyed);
	}
	b.job_diags = xcalloc(njobs + 1, sizeof(*b.job_diags));
	if (pool_run(&po, b.todo ? b.ntodo : njobs, NULL, work, job_done, &b, diags) < 0 ||
	    site_wide_errors(&b) < 0)
		goto done;
	stage_done(&b, "render");
	for (size_t j = 0; j < njobs; j++)
		b.pages_written += b.ok[j];
	copy_bundle_files(&b);
	copy_static(&b);
	write_sitemap(&b);
	stage_done(&b, "copy+sitemap");
	/* all or nothing: a file that could not be written stops the build */
	if (b.out && outdir_failed(b.out, diags) < 0)
		goto done;
	phase_begin(&b, "after_build");
	plugins_ok = sitelua_run_stage(b.sl, "after_build", diags) == 0;
	phase_end(&b);
	if (!plugins_ok)
		goto done;
	if (opts->strict && diags->errors)
		goto done;
	if (removal_guard(&b) < 0)
		goto done;
	res->status = diags->errors ? LOA_EXIT_REJECTED : LOA_EXIT_OK;
	manifest_finish(opts->manifest);
	if (!opts->dry_run) {
		struct outdir *o = b.out;
		b.out = NULL;
		/* after the last write: what the next build compares the live
		 * folder with (see up_to_date) */
		outdir_fingerprint(o, b.published);
		if (outdir_commit(o, diags) < 0)
			res->status = LOA_EXIT_NOTHING;
	}
	stage_done(&b, "publish");
done:
	if (b.out)
		outdir_abort(b.out);
	if (!res->up_to_date) {
		res->pages = b.pages_written;
		res->files = b.files_written;
		res->cached = b.cached;
		next_change(&b, res);
		if (b.keys && res->status != LOA_EXIT_NOTHING)
			remember(&b, build_key, res);
	}
	cache_close(b.cache);
	outlock_release(lock);
	free(b.keys);
	free(b.todo);
	free(b.content);
	free(b.ok);
	for (size_t j = 0; b.job_diags && j < b.njobs; j++)
		diag_list_release(&b.job_diags[j]);
	free(b.job_diags);
	image_stage_free(b.images);
	sitelua_free(b.sl);
	if (b.theme)
		theme_free(b.theme);
	if (b.vm)
		luavm_close(b.vm);
	buf_release(&b.own_key);
	free(b.statics);
	arena_release(&b.arena);
	site_release(&b.site);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}
