/* site — loads pages from the content source and derives their URLs. */
#include "site/site.h"
#include "base/buf.h"
#include "base/bug.h"
#include "base/diag.h"
#include "base/value.h"
#include "base/xalloc.h"
#include "content/frontmatter.h"
#include "content/schema.h"
#include "content/text.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* URLs the build and the shipped plugins publish themselves: a page that
 * claims one is rejected instead of silently replacing a listing. */
static const char *const reserved_urls[] = {
	"/", "/tin-tuc/", "/truong/", "/ke-hoach/", "/chu-de/", "/bao-cao/truyen-thong/",
	"/bao-cao/truyen-thong.csv", "/tim-kiem/", "/sitemap.xml", "/robots.txt", "/404.html",
	"/atom.xml", "/tin-tuc/atom.xml", "/ke-hoach/lich.ics",
};
static const char *const reserved_prefixes[] = {
	"/tin-tuc/trang/", "/chu-de/", "/bao-cao/", "/tim-kiem/", "/css/", "/js/", "/.well-known/",
};

/* Files a bundle may publish: images, PDF and office documents; never HTML
 * or SVG from contributors (SPEC "Guarantees"). */
static const char *const bundle_extensions[] = {
	"jpg", "jpeg", "png", "gif", "webp", "avif", "pdf", "doc", "docx",
	"xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "txt", "csv", "mp3", "mp4",
};

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static char *dir_name(struct arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? arena_strndup(a, path, (size_t)(slash - path)) : arena_strdup(a, "");
}

static bool extension_allowed(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot)
		return false;
	char ext[8];
	size_t n = strlen(dot + 1);
	if (n == 0 || n >= sizeof(ext))
		return false;
	for (size_t i = 0; i <= n; i++)
		ext[i] = (char)((dot[1 + i] >= 'A' && dot[1 + i] <= 'Z') ? dot[1 + i] + 32 : dot[1 + i]);
	for (size_t i = 0; i < sizeof(bundle_extensions) / sizeof(*bundle_extensions); i++)
		if (strcmp(ext, bundle_extensions[i]) == 0)
			return true;
	return false;
}

const char *site_out_path(struct arena *a, const char *url)
{
	while (*url == '/')
		url++;
	if (!*url)
		return arena_strdup(a, "index.html");
	if (has_suffix(url, "/"))
		return arena_printf(a, "%sindex.html", url);
	return arena_strdup(a, url);
}

static bool url_reserved(const char *url)
{
	/* "/sitemap.xml/" would publish the folder sitemap.xml/ where the
	 * site's own file must go: a page URL also matches without its '/' */
	size_t n = strlen(url);
	for (size_t i = 0; i < sizeof(reserved_urls) / sizeof(*reserved_urls); i++)
		if (strcmp(url, reserved_urls[i]) == 0 ||
		    (n > 1 && url[n - 1] == '/' && strlen(reserved_urls[i]) == n - 1 &&
		     strncmp(url, reserved_urls[i], n - 1) == 0))
			return true;
	for (size_t i = 0; i < sizeof(reserved_prefixes) / sizeof(*reserved_prefixes); i++)
		if (strncmp(url, reserved_prefixes[i], strlen(reserved_prefixes[i])) == 0)
			return true;
	/* the parts of a split sitemap: /sitemap-N.xml (sitemap.c) */
	if (strncmp(url, "/sitemap-", 9) == 0) {
		const char *q = url + 9;
		while (*q >= '0' && *q <= '9')
			q++;
		if (q > url + 9 && (strcmp(q, ".xml") == 0 || strcmp(q, ".xml/") == 0))
			return true;
	}
	return false;
}

/* A URL is stored as its own key; the collision key folds ASCII case so
 * that About.md and about.md cannot both publish (slugs fold the rest). */
static const char *url_key(struct arena *a, const char *url)
{
	char *k = arena_strdup(a, url);
	for (char *p = k; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	return k;
}

static int page_line(const struct page *p)
{
	return p->front ? p->front->line : 1;
}

const char *site_tag_url(struct site *s, const char *tag)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "/chu-de/");
	if (!text_slugify(s->text, &b, tag, strlen(tag)))
		buf_puts(&b, "khac");
	buf_putc(&b, '/');
	const char *url = arena_strdup(&s->arena, b.ptr);
	buf_release(&b);
	return url;
}

/* Expands a permalink pattern. Returns NULL (with a diagnostic) when the
 * result is not a clean absolute path. */
static const char *expand_permalink(struct site *s, const struct page *p, const char *pattern,
				    const char *slug, struct diag_list *d)
{
	struct buf b = BUF_INIT;
	const char *q = pattern;
	while (*q) {
		if (*q != ':') {
			buf_putc(&b, *q++);
			continue;
		}
		const char *start = ++q;
		while ((*q >= 'a' && *q <= 'z') || *q == '_')
			q++;
		size_t n = (size_t)(q - start);
		char ybuf[16];
		const char *val = NULL;
		if (n == 4 && strncmp(start, "slug", 4) == 0)
			val = slug;
		else if (n == 6 && strncmp(start, "school", 6) == 0)
			val = p->school ? p->school : "";
		else if (n == 8 && strncmp(start, "filename", 8) == 0)
			val = p->filename;
		else if (n == 7 && strncmp(start, "section", 7) == 0)
			val = p->section;
		else if (n == 4 && strncmp(start, "year", 4) == 0 && p->date.prec) {
			snprintf(ybuf, sizeof(ybuf), "%04d", p->date.year);
			val = ybuf;
		} else if (n == 5 && strncmp(start, "month", 5) == 0 && p->date.prec) {
			snprintf(ybuf, sizeof(ybuf), "%02d", p->date.month);
			val = ybuf;
		}
		if (!val) {
			buf_release(&b);
			diag_error(d, s->config.path, 0, 0, "permalink '%s': unknown or empty token ':%.*s' for %s",
				   pattern, (int)n, start, p->path);
			return NULL;
		}
		buf_puts(&b, val);
	}
	/* collapse "//" left by an empty token */
	struct buf clean = BUF_INIT;
	for (size_t i = 0; i < b.len; i++)
		if (!(b.ptr[i] == '/' && clean.len && clean.ptr[clean.len - 1] == '/'))
			buf_putc(&clean, b.ptr[i]);
	buf_release(&b);
	const char *url = NULL;
	if (clean.len && clean.ptr[0] == '/' && !strstr(clean.ptr, "/../") &&
	    !strstr(clean.ptr, "/./") && !has_suffix(clean.ptr, "/..") && !strchr(clean.ptr, '\\') &&
	    !strchr(clean.ptr, '%'))
		url = arena_strdup(&s->arena, clean.ptr);
	else
		diag_error(d, p->path, page_line(p), 0, "permalink gives an invalid URL '%s'", clean.ptr);
	buf_release(&clean);
	return url;
}

/* The section URL of a folder: content/news → /tin-tuc/, content/schools →
 * /truong/, content/plans → /ke-hoach/, content/a/b → /a/b/ (folded). */
static const char *section_url(struct site *s, const char *dir)
{
	struct buf b = BUF_INIT;
	const char *rest = dir + strlen(s->config.content_dir);
	if (*rest == '/')
		rest++;
	buf_putc(&b, '/');
	const char *comp = rest;
	bool first = true;
	while (*comp) {
		const char *end = strchr(comp, '/');
		size_t n = end ? (size_t)(end - comp) : strlen(comp);
		if (first && n == 4 && strncmp(comp, "news", 4) == 0)
			buf_puts(&b, "tin-tuc");
		else if (first && n == 7 && strncmp(comp, "schools", 7) == 0)
			buf_puts(&b, "truong");
		else if (first && n == 5 && strncmp(comp, "plans", 5) == 0)
			buf_puts(&b, "ke-hoach");
		else if (!text_slugify(s->text, &b, comp, n))
			buf_add(&b, "_", 1);
		buf_putc(&b, '/');
		first = false;
		comp = end ? end + 1 : comp + n;
	}
	const char *url = arena_strdup(&s->arena, b.ptr);
	buf_release(&b);
	return url;
}

/* Kind, section, school and filename from the path (SPEC's table). */
static void classify(struct site *s, struct page *p)
{
	struct arena *a = &s->arena;
	const char *rel = p->path + strlen(s->config.content_dir) + 1;
	const char *slash = strchr(rel, '/');
	p->section = slash ? arena_strndup(a, rel, (size_t)(slash - rel)) : "";
	const char *base = base_name(p->path);
	p->bundle = strcmp(base, "index.md") == 0;
	if (p->bundle) {
		char *dir = dir_name(a, p->path);
		p->filename = base_name(dir);
	} else {
		p->filename = arena_strndup(a, base, strlen(base) - 3);
	}
	if (strcmp(base, "_index.md") == 0) {
		p->kind = slash ? PAGE_SECTION : PAGE_HOME;
	} else if (strcmp(p->section, "news") == 0) {
		p->kind = PAGE_NEWS;
		const char *after = rel + 5;
		const char *s2 = strchr(after, '/');
		/* news/SCHOOL/x.md and news/SCHOOL/x/index.md are the school's;
		 * news/x.md and the bundle news/x/index.md are the centre's */
		if (s2 && !(p->bundle && !strchr(s2 + 1, '/')))
			p->school = arena_strndup(a, after, (size_t)(s2 - after));
	} else if (strcmp(p->section, "schools") == 0) {
		p->kind = PAGE_SCHOOL;
	} else if (strcmp(p->section, "plans") == 0) {
		p->kind = PAGE_PLAN;
	} else {
		p->kind = PAGE_PAGE;
	}
}

static bool looks_binary(const char *data, size_t len)
{
	size_t n = len < 8192 ? len : 8192;
	return memchr(data, '\0', n) != NULL;
}

static struct page *load_page(struct site *s, size_t file_index, struct buf *scratch,
			      struct diag_list *d)
{
	static const struct yaml_limits limits = YAML_LIMITS_DEFAULT;
	const struct repo_file *f = &s->files[file_index];
	struct arena *a = &s->arena;
	if (repo_read(s->repo, f, scratch, d) < 0)
		return NULL;
	if (looks_binary(scratch->ptr, scratch->len)) {
		diag_error(d, f->path, 1, 0, "binary file named .md (it holds NUL bytes)");
		return NULL;
	}
	char *src = arena_strndup(a, scratch->ptr, scratch->len);
	struct frontmatter fm;
	if (frontmatter_parse(&fm, a, f->path, src, scratch->len, &limits, d) < 0)
		return NULL;
	struct page *p = arena_zalloc(a, sizeof(*p));
	p->path = f->path;
	p->file_index = file_index;
	classify(s, p);
	if (!fm.root && scratch->len == 0) {
		diag_error(d, f->path, 1, 0, "empty file: a page needs front matter with a title");
		return NULL;
	}
	/* unknown keys first: `titel:` explains the missing title after it */
	size_t unknown = schema_check_keys(p, fm.root, s->opts.strict, d);
	if (schema_apply(p, fm.root, a, d) < 0 || (unknown && s->opts.strict))
		return NULL;
	p->front = fm.root;
	p->body = fm.body;
	p->body_len = fm.body_len;
	p->body_line = fm.body_line;
	return p;
}

/* A time written with another offset (2023-12-31T23:30:00-10:00) is the
 * same instant seen in the site's zone (2024-01-01T16:30:00+07:00): done
 * once here, so that templates, plugins, months, semesters and feeds all
 * see the day the site's readers live in. */
void site_date_to_zone(struct text *t, struct date *d)
{
	if (d->prec != DATE_TIME || !d->has_offset)
		return;
	int64_t epoch = date_to_epoch(d, d->offset_min);
	int off = text_tz_offset(t, epoch);
	if (off != d->offset_min)
		date_from_epoch(d, epoch, off);
}

static void apply_history(struct site *s, struct page *p, const struct repo_history *h)
{
	const struct repo_history_entry *e = h ? repo_history_find(h, p->path) : NULL;
	p->date_written = p->date.prec != DATE_NONE;
	site_date_to_zone(s->text, &p->date);
	site_date_to_zone(s->text, &p->lastmod);
	site_date_to_zone(s->text, &p->issued);
	if (e) {
		p->git_first = e->first;
		p->git_last = e->last;
		p->authors = e->authors;
		p->nauthors = e->nauthors;
	}
	if (!p->date.prec && p->git_first)
		date_from_epoch(&p->date, p->git_first, text_tz_offset(s->text, p->git_first));
	if (!p->lastmod.prec && p->git_last)
		date_from_epoch(&p->lastmod, p->git_last, text_tz_offset(s->text, p->git_last));
	if (!p->lastmod.prec && p->date.prec)
		p->lastmod = p->date;
	p->sort_epoch = p->date.prec ? date_to_epoch(&p->date, s->tz_offset) : 0;
}

/* Slug and URL of a page; NULL URL (with a diagnostic) rejects it. */
static int assign_url(struct site *s, struct page *p, struct diag_list *d)
{
	struct arena *a = &s->arena;
	const char *slug = p->slug;
	bool slug_written = slug != NULL;
	if (slug && !text_slug_valid(slug)) {
		const struct value *sv = value_get(p->front, "slug");
		return diag_error(d, p->path, sv ? sv->line : page_line(p), sv ? sv->col : 0,
				  "invalid slug '%s' (use a-z, 0-9, '-', '_' and '.')", slug);
	}
	if (p->kind == PAGE_SCHOOL || (p->kind == PAGE_NEWS && p->school && !text_slug_valid(p->school))) {
		const char *name = p->kind == PAGE_SCHOOL ? p->filename : p->school;
		if (!text_slug_valid(name))
			return diag_error(d, p->path, 1, 0,
					  "folder or file name '%s' is not a valid slug (a-z, 0-9, '-')", name);
		if (p->kind == PAGE_SCHOOL)
			slug = name; /* SPEC: a school's slug is its file or bundle name */
	}
	if (!slug) {
		struct buf b = BUF_INIT;
		if (!text_slugify(s->text, &b, p->title, strlen(p->title)))
			text_slugify(s->text, &b, p->filename, strlen(p->filename));
		slug = b.len ? arena_strdup(a, b.ptr) : arena_strdup(a, "trang");
		buf_release(&b);
	}
	p->slug = slug;

	const char *url = NULL;
	switch (p->kind) {
	case PAGE_NEWS:
		url = expand_permalink(s, p, p->school ? s->config.permalink_news
						       : s->config.permalink_centre_news, slug, d);
		break;
	case PAGE_SCHOOL:
		url = expand_permalink(s, p, s->config.permalink_school, slug, d);
		break;
	case PAGE_PLAN:
		url = expand_permalink(s, p, s->config.permalink_plan, slug, d);
		break;
	case PAGE_SECTION:
	case PAGE_HOME:
		url = section_url(s, dir_name(a, p->path));
		break;
	case PAGE_PAGE: {
		/* its path, each folder folded: content/Giới thiệu.md → /gioi-thieu/;
		 * a slug written in front matter replaces the file name */
		const char *base = section_url(s, dir_name(a, p->path));
		struct buf b = BUF_INIT;
		if (slug_written || !text_slugify(s->text, &b, p->filename, strlen(p->filename)))
			buf_puts(&b, slug);
		url = arena_printf(a, "%s%s/", base, b.ptr);
		buf_release(&b);
		break;
	}
	}
	if (!url)
		return -1;
	p->url = url;
	p->out_path = site_out_path(a, url);
	if (p->kind != PAGE_SECTION && p->kind != PAGE_HOME && url_reserved(url))
		return diag_error(d, p->path, page_line(p), 0,
				  "URL %s is reserved for the site's own pages", url);
	return 0;
}

static int page_cmp_path(const void *a, const void *b)
{
	const struct page *pa = *(struct page *const *)a, *pb = *(struct page *const *)b;
	return strcmp(pa->path, pb->path);
}

/* Rejects every page whose URL another page claims too, naming both. */
static void check_collisions(struct site *s, struct page **pages, size_t n, bool *rejected,
			     struct diag_list *d)
{
	struct strmap seen = STRMAP_INIT;
	for (size_t i = 0; i < n; i++) {
		if (rejected[i])
			continue;
		size_t other;
		const char *key = url_key(&s->arena, pages[i]->url);
		if (!strmap_put(&seen, key, i, &other)) {
			const struct page *a = pages[other], *b = pages[i];
			diag_error(d, b->path, page_line(b), 0, "URL %s claimed by %s:%d and %s:%d",
				   b->url, a->path, page_line(a), b->path, page_line(b));
			rejected[i] = true;
			rejected[other] = true;
		}
	}
	strmap_release(&seen);
}

/* Claims the output file of every page left (in path order: the same
 * page loses every time); a page whose file is taken is rejected. Section
 * and home pages are rendered by the plugin that lists them, which claims
 * their URL. */
static void claim_pages(struct site *s, struct page **pages, size_t n, bool *rejected,
			struct diag_list *d)
{
	for (size_t i = 0; i < n; i++) {
		struct page *p = pages[i];
		if (rejected[i] || p->kind == PAGE_SECTION || p->kind == PAGE_HOME)
			continue;
		struct claim_conflict cf;
		char *who = arena_printf(&s->arena, "%s:%d", p->path, page_line(p));
		if (claims_take(&s->claims, CLAIM_PAGE, p->out_path, p->url, who, &cf) < 0) {
			claims_report(d, p->path, page_line(p), p->url, p->out_path, &cf);
			rejected[i] = true;
		}
	}
}

static void add_bundle_files(struct site *s, struct page **pages, size_t n, bool *is_page_file,
			     struct diag_list *d)
{
	struct strmap bundle_dir = STRMAP_INIT;
	for (size_t i = 0; i < n; i++)
		if (pages[i]->bundle)
			strmap_put(&bundle_dir, dir_name(&s->arena, pages[i]->path), i, NULL);
	for (size_t i = 0; i < s->nfiles; i++) {
		if (is_page_file[i])
			continue;
		const char *path = s->files[i].path;
		/* the closest enclosing bundle owns the file */
		char *dir = dir_name(&s->arena, path);
		size_t owner;
		bool found = false;
		while (*dir) {
			if (strmap_get(&bundle_dir, dir, &owner)) {
				found = true;
				break;
			}
			char *slash = strrchr(dir, '/');
			if (!slash)
				break;
			*slash = '\0';
		}
		if (!found) {
			if (!has_suffix(path, ".md"))
				diag_warning(d, path, 0, 0,
					     "not part of a page bundle (a folder with index.md): not published");
			continue;
		}
		struct page *p = pages[owner];
		const char *rel = path + strlen(dir_name(&s->arena, p->path)) + 1;
		if (!extension_allowed(rel)) {
			diag_error(d, path, 0, 0,
				   "file type not published (allowed: images, PDF, office documents)");
			continue;
		}
		if (!p->files)
			p->files = arena_zalloc(&s->arena, sizeof(*p->files) * 64);
		if (p->nfiles >= 64) {
			diag_error(d, path, 0, 0, "more than 64 files in one bundle");
			continue;
		}
		const char *dirout = dir_name(&s->arena, p->out_path);
		const char *out_path = *dirout ? arena_printf(&s->arena, "%s/%s", dirout, rel)
					       : arena_strdup(&s->arena, rel);
		const char *url = arena_printf(&s->arena, "/%s", out_path);
		struct claim_conflict cf;
		if (claims_take(&s->claims, CLAIM_BUNDLE, out_path, url, path, &cf) < 0) {
			claims_report(d, path, 0, url, out_path, &cf);
			continue;
		}
		struct bundle_file *bf = &p->files[p->nfiles++];
		bf->src_path = path;
		bf->name = arena_strdup(&s->arena, rel);
		bf->file_index = i;
		bf->out_path = out_path;
		ALLOC_GROW(s->bundle_urls, s->nbundle_urls + 1, s->bundle_urls_cap);
		s->bundle_urls[s->nbundle_urls] = url;
		strmap_put(&s->file_url, path, s->nbundle_urls, NULL);
		s->nbundle_urls++;
	}
	strmap_release(&bundle_dir);
}

/* Tags that fold to one slug ("CHUYỂN ĐỔI SỐ", "Chuyển đổi số") are one
 * topic: each page keeps one of them, and every page shows the spelling
 * written most often (on a tie, the one met first in source path order), so
 * that lists, feeds and pages agree on one name. */
static void unify_tags(struct site *s)
{
	struct spelling {
		const char *name;
		size_t group, count;
	};
	struct group {
		size_t best; /* index into spellings */
	};
	struct strmap by_url = STRMAP_INIT, by_key = STRMAP_INIT;
	struct spelling *sp = NULL;
	struct group *groups = NULL;
	size_t nsp = 0, sp_cap = 0, ngroups = 0, groups_cap = 0;
	const char **kept_url = NULL; /* URLs of the tags a page keeps */
	size_t kept_cap = 0;
	for (size_t i = 0; i < s->npages; i++) {
		struct page *p = s->pages[i];
		size_t kept = 0;
		for (size_t j = 0; j < p->ntags; j++) {
			const char *url = site_tag_url(s, p->tags[j]);
			size_t g;
			bool dup = false;
			if (!strmap_put(&by_url, url, ngroups, &g)) {
				/* a second spelling of a topic this page already has:
				 * counted, not kept */
				for (size_t k = 0; k < kept && !dup; k++)
					dup = strcmp(kept_url[k], url) == 0;
			} else {
				ALLOC_GROW(groups, ngroups + 1, groups_cap);
				groups[ngroups].best = (size_t)-1;
				g = ngroups++;
			}
			const char *key = arena_printf(&s->arena, "%s\n%s", url, p->tags[j]);
			size_t k;
			if (strmap_put(&by_key, key, nsp, &k)) {
				ALLOC_GROW(sp, nsp + 1, sp_cap);
				sp[nsp] = (struct spelling){ p->tags[j], g, 0 };
				k = nsp++;
			}
			sp[k].count++;
			if (dup)
				continue;
			ALLOC_GROW(kept_url, kept + 1, kept_cap);
			kept_url[kept] = url;
			p->tags[kept++] = p->tags[j];
		}
		p->ntags = kept;
	}
	/* spellings are in order of first use: a later one wins only with
	 * more pages */
	for (size_t k = 0; k < nsp; k++) {
		struct group *g = &groups[sp[k].group];
		if (g->best == (size_t)-1 || sp[k].count > sp[g->best].count)
			g->best = k;
	}
	for (size_t i = 0; i < s->npages; i++) {
		struct page *p = s->pages[i];
		for (size_t j = 0; j < p->ntags; j++) {
			size_t g;
			if (strmap_get(&by_url, site_tag_url(s, p->tags[j]), &g))
				p->tags[j] = sp[groups[g].best].name;
		}
	}
	free(kept_url);
	free(sp);
	free(groups);
	strmap_release(&by_url);
	strmap_release(&by_key);
}

int site_load(struct site *s, const struct site_options *opts, struct diag_list *d)
{
	memset(s, 0, sizeof(*s));
	s->opts = *opts;
	struct buf scratch = BUF_INIT;
	struct page **all = NULL;
	bool *rejected = NULL, *is_page_file = NULL;
	struct repo_history hist = { NULL, 0 };
	bool have_hist = false;
	int ret = -1;

	struct repo_opts ro = { opts->repo_path, opts->ref, opts->worktree, 0, 0, 32 };
	s->repo = opts->repo;
	s->opts.repo = NULL; /* ours now */
	if (!s->repo && repo_open(&s->repo, &ro, d) < 0)
		goto done;
	int got = repo_read_path(s->repo, "site.yaml", &scratch, d);
	if (got < 0)
		goto done;
	char *cfg = arena_strndup(&s->arena, scratch.ptr, got == 0 ? scratch.len : 0);
	if (config_load(&s->config, &s->arena, "site.yaml", cfg, got == 0 ? scratch.len : 0, d) < 0)
		goto done;
	if (config_check_keys(&s->config, opts->strict, d) && opts->strict)
		goto done;
	/* the size limit of site.yaml applies to content from here on */
	repo_set_max_file_size(s->repo, s->config.max_file_size);
	if (text_open(&s->text, s->config.timezone, d) < 0)
		goto done;
	s->tz_offset = text_tz_offset(s->text, opts->now);
	date_from_epoch(&s->today, opts->now, s->tz_offset);

	if (repo_list(s->repo, s->config.content_dir, &s->files, &s->nfiles, &s->arena, d) < 0)
		goto done;
	if (repo_is_shallow(s->repo))
		diag_warning(d, "", 0, 0,
			     "the repository is a shallow clone: dates and contributors taken from "
			     "git history may be wrong (fetch the full history)");
	if (!opts->worktree || repo_commit_id(s->repo)[0]) {
		struct timespec h0, h1;
		clock_gettime(CLOCK_MONOTONIC, &h0);
		if (repo_history(s->repo, s->config.content_dir, &hist, &s->arena, d) == 0)
			have_hist = true;
		clock_gettime(CLOCK_MONOTONIC, &h1);
		s->history_seconds = (double)(h1.tv_sec - h0.tv_sec) +
				     (double)(h1.tv_nsec - h0.tv_nsec) / 1e9;
	}

	all = xcalloc(s->nfiles + 1, sizeof(*all));
	rejected = xcalloc(s->nfiles + 1, sizeof(*rejected));
	is_page_file = xcalloc(s->nfiles + 1, sizeof(*is_page_file));
	size_t n = 0;
	for (size_t i = 0; i < s->nfiles; i++) {
		if (!has_suffix(s->files[i].path, ".md"))
			continue;
		is_page_file[i] = true;
		struct page *p = load_page(s, i, &scratch, d);
		if (!p) {
			s->rejected++;
			continue;
		}
		apply_history(s, p, have_hist ? &hist : NULL);
		all[n++] = p;
	}

	/* schools first: a news folder must name one */
	struct strmap schools = STRMAP_INIT;
	for (size_t i = 0; i < n; i++)
		if (all[i]->kind == PAGE_SCHOOL)
			strmap_put(&schools, all[i]->filename, i, NULL);
	for (size_t i = 0; i < n; i++) {
		struct page *p = all[i];
		if (p->kind == PAGE_NEWS && p->school && !strmap_get(&schools, p->school, NULL)) {
			diag_error(d, p->path, 1, 0,
				   "news folder '%s' does not name a school (no content/schools/%s.md)",
				   p->school, p->school);
			rejected[i] = true;
			continue;
		}
		if (p->kind == PAGE_NEWS && p->school && strcmp(p->school, "trang") == 0) {
			diag_error(d, p->path, 1, 0, "school slug 'trang' is reserved for pagination");
			rejected[i] = true;
			continue;
		}
		if (assign_url(s, p, d) < 0)
			rejected[i] = true;
	}
	strmap_release(&schools);

	/* drafts and future pages are left out quietly, before collisions: a
	 * draft does not take a published page's URL. Only a date written in
	 * front matter schedules a page: one taken from a commit is never in
	 * the future on purpose (a clock behind the committer's, --now) */
	bool *hidden = xcalloc(n + 1, sizeof(*hidden));
	for (size_t i = 0; i < n; i++) {
		struct page *p = all[i];
		if (p->draft && !opts->drafts)
			hidden[i] = true;
		if (!opts->future && p->date_written && p->sort_epoch > opts->now &&
		    p->kind != PAGE_SECTION &&
		    p->kind != PAGE_HOME) {
			/* the earliest scheduled page appears by itself: loa build
			 * reports when (a draft or a rejected page never does) */
			if (!hidden[i] && !rejected[i] &&
			    (!s->next_future || p->sort_epoch < s->next_future)) {
				s->next_future = p->sort_epoch;
				s->next_future_path = p->path;
			}
			hidden[i] = true;
		}
		if (hidden[i])
			rejected[i] = true;
	}
	check_collisions(s, all, n, rejected, d);
	if (opts->claim_first && opts->claim_first(opts->claim_ctx, s, d) < 0) {
		free(hidden);
		goto done;
	}
	claim_pages(s, all, n, rejected, d);

	s->pages = arena_zalloc(&s->arena, (n + 1) * sizeof(*s->pages));
	s->sections = arena_zalloc(&s->arena, (n + 1) * sizeof(*s->sections));
	for (size_t i = 0; i < n; i++) {
		if (rejected[i]) {
			if (!hidden[i])
				s->rejected++;
			continue;
		}
		all[i]->listed = true;
		if (all[i]->kind == PAGE_SECTION || all[i]->kind == PAGE_HOME)
			s->sections[s->nsections++] = all[i];
		s->pages[s->npages++] = all[i];
	}
	free(hidden);
	qsort(s->pages, s->npages, sizeof(*s->pages), page_cmp_path);
	for (size_t i = 0; i < s->npages; i++) {
		struct page *p = s->pages[i];
		strmap_put(&s->page_by_path, p->path, i, NULL);
		if (p->kind == PAGE_SCHOOL)
			strmap_put(&s->school_by_slug, p->filename, i, NULL);
	}
	add_bundle_files(s, s->pages, s->npages, is_page_file, d);
	unify_tags(s);
	ret = 0;
done:
	free(all);
	free(rejected);
	free(is_page_file);
	buf_release(&scratch);
	return ret;
}

void site_release(struct site *s)
{
	repo_free(s->repo);
	text_free(s->text);
	strmap_release(&s->page_by_path);
	strmap_release(&s->school_by_slug);
	strmap_release(&s->file_url);
	claims_release(&s->claims);
	free(s->bundle_urls);
	arena_release(&s->arena);
	memset(s, 0, sizeof(*s));
}

/* Joins a relative link to the folder of the page, resolving `.` and `..`;
 * false when it leaves the repository. */
static bool join_path(struct buf *out, const char *dir, const char *rel, size_t rel_len)
{
	buf_reset(out);
	buf_puts(out, dir);
	const char *q = rel, *end = rel + rel_len;
	while (q < end) {
		const char *slash = memchr(q, '/', (size_t)(end - q));
		size_t n = slash ? (size_t)(slash - q) : (size_t)(end - q);
		if (n == 0 || (n == 1 && q[0] == '.')) {
			/* nothing */
		} else if (n == 2 && q[0] == '.' && q[1] == '.') {
			char *last = strrchr(out->ptr, '/');
			if (!out->len)
				return false;
			buf_setlen(out, last ? (size_t)(last - out->ptr) : 0);
		} else {
			if (out->len)
				buf_putc(out, '/');
			buf_add(out, q, n);
		}
		q += n + (slash ? 1 : 0);
	}
	return true;
}

int site_resolve_link(const struct site *s, const struct page *p, const char *url, struct buf *out)
{
	/* absolute URLs, schemes, fragments and site-absolute paths stay */
	if (!*url || url[0] == '#' || url[0] == '/' || url[0] == '?')
		return 0;
	for (const char *q = url; *q && *q != '/' && *q != '?' && *q != '#'; q++)
		if (*q == ':')
			return 0;
	size_t path_len = strcspn(url, "?#");
	const char *suffix = url + path_len;
	struct buf path = BUF_INIT;
	const char *slash = strrchr(p->path, '/');
	struct buf dir = BUF_INIT;
	buf_add(&dir, p->path, slash ? (size_t)(slash - p->path) : 0);
	int ret = -1;
	if (!join_path(&path, dir.ptr, url, path_len))
		goto done;
	size_t idx;
	if (has_suffix(path.ptr, ".md")) {
		if (strmap_get(&s->page_by_path, path.ptr, &idx)) {
			buf_puts(out, s->pages[idx]->url);
			buf_puts(out, suffix);
			ret = 1;
		}
	} else if (strmap_get(&s->file_url, path.ptr, &idx)) {
		buf_puts(out, s->bundle_urls[idx]);
		buf_puts(out, suffix);
		ret = 1;
	} else {
		/* a folder link to a bundle: "../x/" */
		struct buf with_index = BUF_INIT;
		buf_addf(&with_index, "%s/index.md", path.ptr);
		if (strmap_get(&s->page_by_path, with_index.ptr, &idx)) {
			buf_puts(out, s->pages[idx]->url);
			buf_puts(out, suffix);
			ret = 1;
		}
		buf_release(&with_index);
	}
done:
	buf_release(&path);
	buf_release(&dir);
	return ret;
}

const char *page_kind_name(enum page_kind k)
{
	static const char *const names[] = { "news", "school", "plan", "page", "section", "home" };
	if ((size_t)k >= sizeof(names) / sizeof(names[0]))
		BUG("page kind %d has no name", (int)k);
	return names[k];
}

const char *news_category_name(enum news_category c)
{
	static const char *const names[] = { "activity", "policy", "practice" };
	if ((size_t)c >= sizeof(names) / sizeof(names[0]))
		BUG("news category %d has no name", (int)c);
	return names[c];
}
