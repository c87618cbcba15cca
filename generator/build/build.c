/* build — orchestrates one build; see build.h for the order of stages. */
#include "build/build.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/value.h"
#include "base/xalloc.h"
#include "build/pool.h"
#include "build/publish.h"
#include "content/frontmatter.h"
#include "content/text.h"
#include "lua/luavm.h"
#include "lua/sitelua.h"
#include "lua/template.h"
#include "markup/markdown.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	char job_hash[41]; /* manifest: in a worker, the hash of the job's output */
};

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int read_file(const char *path, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	char chunk[16384];
	ssize_t n;
	buf_reset(out);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(out, chunk, (size_t)n);
	close(fd);
	return n < 0 ? -1 : 0;
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

static int render_content(struct build *b, size_t page_index, struct diag_list *d)
{
	struct page *p = b->site.pages[page_index];
	struct buf body = BUF_INIT, html = BUF_INIT;
	void *pair[2] = { &b->site, p };
	struct sitelua_shortcode_ctx sc = { b->sl, page_index, d };
	struct markdown_opts mo = { p->path, p->body_line - 1, b->site.config.unsafe_html,
				    link_cb, pair, b->site.text, sitelua_shortcode_cb, &sc };
	int ret = markdown_render(&body, p->body, p->body_len, &mo, d);
	if (ret == 0)
		ret = sitelua_render_page(b->sl, page_index, body.ptr, body.len, &html, d);
	if (ret == 0 && b->opts->manifest)
		repo_hash_bytes(html.ptr, html.len, b->job_hash);
	if (ret == 0 && !b->opts->dry_run)
		ret = outdir_write(b->out, p->out_path, html.ptr, html.len, d);
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
					    link_cb, pair, b->site.text, sitelua_shortcode_cb, &sc };
		markdown_render(&body, p->body, p->body_len, &mo, first ? d : &ignored);
		diag_list_release(&ignored);
	}
	int ret = sitelua_render_extra(b->sl, i, has_body ? body.ptr : NULL, body.len, &out, d);
	buf_release(&body);
	if (ret == 0 && b->opts->manifest)
		repo_hash_bytes(out.ptr, out.len, b->job_hash);
	if (ret == 0 && !b->opts->dry_run)
		ret = outdir_write(b->out, e->out_path, out.ptr, out.len, d);
	buf_release(&out);
	return ret;
}

static int work(void *ctx, size_t job, struct buf *out)
{
	struct build *b = ctx;
	struct diag_list d = DIAG_LIST_INIT;
	memset(b->job_hash, '-', sizeof(b->job_hash) - 1);
	int ret = job < b->ncontent ? render_content(b, b->content[job], &d)
				    : render_extra(b, job - b->ncontent, &d);
	if (ret < 0 && d.errors == 0)
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

static void copy_bundle_files(struct build *b)
{
	struct buf data = BUF_INIT;
	for (size_t i = 0; i < b->site.npages; i++) {
		const struct page *p = b->site.pages[i];
		for (size_t j = 0; j < p->nfiles; j++) {
			const struct bundle_file *f = &p->files[j];
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
			if (strmap_put(seen, key, 0, NULL) && read_file(full, &data) == 0) {
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
		if (read_file(path, &data) == 0) {
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
	memset(res, 0, sizeof(*res));
	res->status = 2;
	const struct value *i18n = NULL;

	if (site_load(&b.site, &opts->site, diags) < 0)
		goto done;
	markdown_init();
	struct luavm_limits limits = LUAVM_LIMITS_DEFAULT;
	if (luavm_open(&b.vm, &limits, seed_of(repo_commit_id(b.site.repo)), diags) < 0)
		goto done;
	if (open_theme(&b) < 0 || load_i18n(&b, &i18n) < 0)
		goto done;
	if (sitelua_open(&b.sl, &b.site, b.vm, b.theme, i18n, diags) < 0)
		goto done;
	phase_begin(&b, "loading plugins, after_load and before_render");
	int plugins_ok = load_plugins(&b) == 0 && sitelua_run_stage(b.sl, "after_load", diags) == 0 &&
			 sitelua_run_stage(b.sl, "before_render", diags) == 0 &&
			 sitelua_collect(b.sl, diags) == 0;
	phase_end(&b);
	if (!plugins_ok)
		goto done;

	b.content = xcalloc(b.site.npages + 1, sizeof(*b.content));
	for (size_t i = 0; i < b.site.npages; i++)
		if (b.site.pages[i]->kind != PAGE_SECTION && b.site.pages[i]->kind != PAGE_HOME)
			b.content[b.ncontent++] = i;
	size_t njobs = b.ncontent + sitelua_extra_count(b.sl);
	b.ok = xcalloc(njobs + 1, sizeof(*b.ok));

	if (!opts->dry_run && outdir_begin(&b.out, opts->out_dir, diags) < 0)
		goto done;
	struct pool_opts po = { opts->jobs > 0 ? opts->jobs : 1, b.site.config.render_timeout_ms,
				vm_size() + b.site.config.render_memory };
	if (pool_run(&po, njobs, NULL, work, job_done, &b, diags) < 0)
		goto done;
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
done:
	if (b.out)
		outdir_abort(b.out);
	res->pages = b.pages_written;
	res->files = b.files_written;
	free(b.content);
	free(b.ok);
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
