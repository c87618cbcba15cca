/* build — orchestrates one build; see build.h for the order of stages. */
#include "build/build.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/sysutil.h"
#include "base/value.h"
#include "base/xalloc.h"
#include "build/cache.h"
#include "build/keys.h"
#include "build/pool.h"
#include "build/publish.h"
#include "content/frontmatter.h"
#include "content/text.h"
#include "lua/luavm.h"
#include "lua/sitelua.h"
#include "lua/template.h"
#include "markup/markdown.h"
#include "media/imgstage.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
	struct diag_list *diags;
	struct diag_list worker_diags; /* in a worker: one job's diagnostics */
	char *theme_dirs[2];
	size_t ntheme_dirs;
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
	struct image_stage *images; /* bundle images: facts for <img>, published by the stage */
	bool timings;      /* LOA_TIMINGS set: stage times on stderr */
	struct timespec stage_start;
	double stage_cpu;
};

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
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
static bool deps_hold(struct build *b, const struct buf *deps)
{
	struct buf k = BUF_INIT;
	const char *p = deps->ptr, *end = deps->ptr + deps->len;
	bool ok = deps->len == 0;
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

/* Writes a rendered job's output. A cacheable one goes to the cache first
 * (with its diagnostics so far and what else it read) and is linked into
 * the site from there. */
static int emit(struct build *b, const char *out_path, const struct buf *data, struct diag_list *d)
{
	if (b->opts->dry_run)
		return 0;
	const char *key = b->keys ? b->keys[b->current_job] : "";
	if (*key && !sitelua_untracked(b->sl) && d->errors == 0) {
		struct buf enc = BUF_INIT, deps = BUF_INIT;
		char path[4096];
		diag_list_encode(&enc, d);
		deps_encode(b, &deps);
		int rc = cache_store(b->cache, key, data->ptr, data->len, enc.ptr, enc.len, deps.ptr,
				     deps.len, path, sizeof(path)) == 0
			 ? outdir_link(b->out, out_path, path, d)
			 : 1;
		buf_release(&enc);
		buf_release(&deps);
		if (rc <= 0)
			return rc;
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
				    image_stage_markdown, b->images };
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
					    image_stage_markdown, b->images };
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
	if (st == POOL_OK || st == POOL_FAILED)
		manifest_job(b, job, st == POOL_OK, &data, &len);
	switch (st) {
	case POOL_OK:
		b->ok[job] = true;
		diag_list_decode(b->diags, data, len);
		break;
	case POOL_FAILED:
		diag_list_decode(b->diags, data, len);
		break;
	case POOL_TIMEOUT:
		diag_error(b->diags, who, 1, 0,
			   "rendering exceeded %u s: page skipped (pathological input?)",
			   b->site.config.render_timeout_ms / 1000);
		break;
	case POOL_CRASHED:
		diag_error(b->diags, who, 1, 0, "rendering failed: %.*s", (int)len, data);
		break;
	}
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

/* Copies a theme's static/ folder; names already written by an earlier
 * (overriding) theme folder are skipped. Symlinks are not followed. */
static void copy_static(struct build *b, const char *root, const char *rel, struct strmap *seen)
{
	char *dir = xasprintf("%s/%s", root, rel);
	DIR *dh = opendir(dir);
	if (!dh) {
		free(dir);
		return;
	}
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	while ((e = readdir(dh))) {
		if (e->d_name[0] == '.')
			continue;
		ALLOC_GROW(names, n + 1, cap);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(dh);
	/* sorted, so that the order of writes (and of errors) is stable */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	struct buf data = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		char *child_rel = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		char *full = xasprintf("%s/%s", root, child_rel);
		struct stat st;
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			copy_static(b, root, child_rel, seen);
		} else if (lstat(full, &st) == 0 && S_ISREG(st.st_mode)) {
			const char *key = arena_strdup(&b->arena, child_rel);
			buf_reset(&data);
			if (strmap_put(seen, key, 0, NULL) && sys_read_file(full, 0, false, &data) == 0) {
				manifest_add_bytes(b, key, data.ptr, data.len);
				if (!b->opts->dry_run &&
				    outdir_write(b->out, key, data.ptr, data.len, b->diags) == 0)
					b->files_written++;
			}
		}
		free(full);
		free(child_rel);
		free(names[i]);
	}
	buf_release(&data);
	free(names);
	free(dir);
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

static int open_theme(struct build *b)
{
	const char *name = b->site.config.theme;
	if (!text_slug_valid(name))
		return diag_error(b->diags, "site.yaml", 0, 0, "invalid theme name '%s'", name);
	char *own = xasprintf("%s/themes/%s", b->opts->site.repo_path, name);
	char *installed = xasprintf("%s/themes/%s", b->opts->data_dir, name);
	if (is_dir(own))
		b->theme_dirs[b->ntheme_dirs++] = own;
	else
		free(own);
	if (is_dir(installed) && !(b->ntheme_dirs && strcmp(b->theme_dirs[0], installed) == 0))
		b->theme_dirs[b->ntheme_dirs++] = installed;
	else
		free(installed);
	if (!b->ntheme_dirs)
		return diag_error(b->diags, "site.yaml", 0, 0, "theme '%s' not found", name);
	return theme_load(&b->theme, b->vm, (const char *const *)b->theme_dirs, b->ntheme_dirs,
			  b->diags);
}

static int load_i18n(struct build *b, const struct value **out)
{
	static const struct yaml_limits limits = { 1024 * 1024, 8, 100000 };
	*out = NULL;
	struct buf data = BUF_INIT;
	int ret = 0;
	for (size_t i = 0; i < b->ntheme_dirs; i++) {
		char *path = xasprintf("%s/i18n/%s.yaml", b->theme_dirs[i], b->site.config.language);
		buf_reset(&data);
		if (sys_read_file(path, 0, false, &data) == 0) {
			char *src = arena_strndup(&b->arena, data.ptr, data.len);
			ret = frontmatter_parse_yaml(out, &b->arena, arena_strdup(&b->arena, path), src,
						     data.len, &limits, b->diags);
			free(path);
			break;
		}
		free(path);
	}
	buf_release(&data);
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Plugin names in load order: site.yaml's list, or every shipped and own
 * plugin sorted by name. */
static int load_plugins(struct build *b)
{
	char *dirs[2] = { xasprintf("%s/plugins", b->opts->site.repo_path),
			  xasprintf("%s/plugins", b->opts->data_dir) };
	char **names = NULL;
	size_t n = 0, cap = 0;
	int ret = 0;
	if (b->site.config.plugins_given) {
		for (size_t i = 0; i < b->site.config.nplugins; i++) {
			ALLOC_GROW(names, n + 1, cap);
			names[n++] = xstrdup(b->site.config.plugins[i]);
		}
	} else {
		for (int k = 0; k < 2; k++) {
			DIR *dh = opendir(dirs[k]);
			struct dirent *e;
			while (dh && (e = readdir(dh))) {
				size_t len = strlen(e->d_name);
				if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".lua"))
					continue;
				char *name = xstrndup(e->d_name, len - 4);
				bool dup = false;
				for (size_t i = 0; i < n; i++)
					dup |= strcmp(names[i], name) == 0;
				if (dup) {
					free(name);
					continue;
				}
				ALLOC_GROW(names, n + 1, cap);
				names[n++] = name;
			}
			if (dh)
				closedir(dh);
		}
		qsort(names, n, sizeof(*names), cmp_str);
	}
	for (size_t i = 0; i < n && ret == 0; i++) {
		char *display = xasprintf("plugins/%s.lua", names[i]);
		if (!text_slug_valid(names[i])) {
			ret = diag_error(b->diags, "site.yaml", 0, 0, "invalid plugin name '%s'", names[i]);
		} else {
			char *path = NULL;
			for (int k = 0; k < 2 && !path; k++) {
				char *candidate = xasprintf("%s/%s.lua", dirs[k], names[i]);
				struct stat st;
				if (lstat(candidate, &st) == 0 && S_ISREG(st.st_mode))
					path = candidate;
				else
					free(candidate);
			}
			if (!path)
				ret = diag_error(b->diags, "site.yaml", 0, 0, "plugin '%s' not found", names[i]);
			else
				ret = sitelua_load_plugin(b->sl, path, display, b->diags);
			free(path);
		}
		free(display);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dirs[0]);
	free(dirs[1]);
	return ret;
}

/* Tells the supervisor (supervise.c) that plugin code starts or stops
 * running here, so that it can hold it to a wall-clock deadline. */
static void phase_begin(struct build *b, const char *label)
{
	if (!b->opts->watched)
		return;
	char msg[160];
	int n = snprintf(msg, sizeof(msg), "P %u %s\n", b->site.config.plugin_seconds, label);
	if (n > 0 && write(b->opts->watch_fd, msg, (size_t)n) < 0)
		return; /* the supervisor is gone; nothing to tell */
}

static void phase_end(struct build *b)
{
	if (b->opts->watched && write(b->opts->watch_fd, "p\n", 2) < 0)
		return;
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
	static const char *const dirs[] = { "themes", "plugins" };
	for (int i = 0; i < 2; i++) {
		char *own = xasprintf("%s/%s", o->site.repo_path, dirs[i]);
		char *installed = xasprintf("%s/%s", o->data_dir, dirs[i]);
		keys_tree(k, own);
		keys_tree(k, installed);
		free(own);
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
 * day): the published site is already what this build would make. Its
 * outcome and diagnostics are the last build's. */
static bool up_to_date(struct build *b, const char *key, struct build_result *res)
{
	struct cache_record r;
	struct buf enc = BUF_INIT;
	int64_t now = b->opts->site.now;
	bool yes = *key && cache_record_read(b->cache, &r, &enc) == 0 && strcmp(r.key, key) == 0 &&
		   r.status != 2 && now >= r.valid_from && (!r.valid_until || now < r.valid_until) &&
		   same_folder(b->opts->out_dir, r.out_id);
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

/* Keys of every job, and the output of each found in the cache linked into
 * the new site, with the diagnostics its render gave. The rest are left
 * in b->todo for the render pool. */
static void use_cache(struct build *b, size_t njobs)
{
	b->todo = xcalloc(njobs + 1, sizeof(*b->todo));
	b->keys = xcalloc(njobs + 1, sizeof(*b->keys));
	struct buf k = BUF_INIT, state = BUF_INIT;
	key_add_str(&state, b->base_key);
	keys_value(&state, b->site.config.root);
	keys_site_metadata(&state, &b->site);
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
		char path[4096];
		const char *out_path = j < b->ncontent ? b->site.pages[b->content[j]]->out_path
						       : sitelua_extra(b->sl, j - b->ncontent)->out_path;
		struct buf enc = BUF_INIT, deps = BUF_INIT;
		if (cache_lookup(b->cache, b->keys[j], path, sizeof(path)) &&
		    cache_deps(b->cache, b->keys[j], &deps) == 0 && deps_hold(b, &deps) &&
		    cache_diags(b->cache, b->keys[j], &enc) == 0 &&
		    outdir_link(b->out, out_path, path, b->diags) == 0) {
			diag_list_decode(b->diags, enc.ptr, enc.len);
			b->ok[j] = true;
			b->cached++;
			if (b->opts->progress)
				b->opts->progress(b->opts->progress_ctx, ++b->jobs_done, njobs);
		} else {
			b->todo[b->ntodo++] = j;
		}
		buf_release(&enc);
		buf_release(&deps);
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
	if (!*key || res->status == 2 || lstat(b->opts->out_dir, &st) < 0) {
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
	res->status = 2;
	const struct value *i18n = NULL;
	char build_key[CACHE_KEY_LEN + 1] = "";
	/* first the output's lock, so a second build of the same output waits
	 * before doing any work, and the cache beside it is ours */
	struct outlock *lock = NULL;
	if (!opts->dry_run && outlock_take(&lock, opts->out_dir, opts->wait_seconds, opts->waiting,
					   opts->waiting_ctx, diags) < 0)
		goto done;
	if (!opts->dry_run && !opts->no_cache)
		b.cache = cache_open(opts->out_dir);
	if (b.cache) {
		make_base_key(&b);
		whole_build_key(&b, build_key);
		if (up_to_date(&b, build_key, res))
			goto done;
	}

	if (site_load(&b.site, &opts->site, diags) < 0)
		goto done;
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
			 sitelua_collect(b.sl, diags) == 0;
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
	if (pool_run(&po, b.todo ? b.ntodo : njobs, NULL, work, job_done, &b, diags) < 0)
		goto done;
	stage_done(&b, "render");
	for (size_t j = 0; j < njobs; j++)
		b.pages_written += b.ok[j];
	copy_bundle_files(&b);
	struct strmap seen = STRMAP_INIT;
	for (size_t i = 0; i < b.ntheme_dirs; i++) {
		char *root = xasprintf("%s/static", b.theme_dirs[i]);
		copy_static(&b, root, "", &seen);
		free(root);
	}
	strmap_release(&seen);
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
	res->status = diags->errors ? 1 : 0;
	manifest_finish(opts->manifest);
	if (!opts->dry_run) {
		struct outdir *o = b.out;
		b.out = NULL;
		if (outdir_commit(o, diags) < 0)
			res->status = 2;
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
		if (b.keys && res->status != 2)
			remember(&b, build_key, res);
	}
	cache_close(b.cache);
	outlock_release(lock);
	free(b.keys);
	free(b.todo);
	free(b.content);
	free(b.ok);
	image_stage_free(b.images);
	sitelua_free(b.sl);
	if (b.theme)
		theme_free(b.theme);
	if (b.vm)
		luavm_close(b.vm);
	for (size_t i = 0; i < b.ntheme_dirs; i++)
		free(b.theme_dirs[i]);
	arena_release(&b.arena);
	site_release(&b.site);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}
