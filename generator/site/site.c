/* site — loads pages from the content source: reads and classifies each
 * page, applies its git history, rejects URL collisions and claims, and
 * unifies tags. URLs are derived in site_url.c, bundle files are found in
 * site_bundle.c. */
#include "site/site.h"
#include "site/site_internal.h"
#include "site/site_blobs.h"
#include "base/buf.h"
#include "base/bug.h"
#include "base/diag.h"
#include "base/value.h"
#include "base/xalloc.h"
#include "content/frontmatter.h"
#include "content/schema.h"
#include "content/text.h"
#include "site/layout.h"
#include "site/urls.h"
#include "site/refs.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}
static bool all_digits(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
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
	} else if (strcmp(p->section, LAYOUT_NEWS) == 0) {
		p->kind = PAGE_NEWS;
		const char *after = rel + strlen(LAYOUT_NEWS "/");
		const char *s2 = strchr(after, '/');
		/* news/SCHOOL/x.md and news/SCHOOL/x/index.md are the school's;
		 * news/x.md and the bundle news/x/index.md are the centre's */
		if (s2 && !(p->bundle && !strchr(s2 + 1, '/')))
			p->school = arena_strndup(a, after, (size_t)(s2 - after));
	} else if (strcmp(p->section, LAYOUT_SCHOOLS) == 0) {
		p->kind = PAGE_SCHOOL;
	} else if (strcmp(p->section, LAYOUT_PLANS) == 0) {
		p->kind = PAGE_PLAN;
	} else if (strcmp(p->section, LAYOUT_DOCUMENTS) == 0) {
		p->kind = PAGE_DOCUMENT;
	} else {
		p->kind = PAGE_PAGE;
	}
}

/* The page of a content file read and parsed (site_read.c), after its
 * diagnostics; NULL when it is rejected. */
static struct page *load_page(struct site *s, size_t file_index, struct site_read *r,
			      struct site_blobs *bl, struct diag_list *d)
{
	const struct repo_file *f = &s->files[file_index];
	struct arena *a = &s->arena;
	diag_list_append(d, &r->diags);
	if (!r->ok)
		return NULL;
	if (bl && r->blob_entry != SIZE_MAX) { /* only a table gives one */
		site_blobs_keep(bl, r->blob_entry);
		s->blobs_cached++;
	}
	struct page *p = arena_zalloc(a, sizeof(*p));
	p->path = f->path;
	p->file_index = file_index;
	classify(s, p);
	if (!r->fm.root && r->len == 0) {
		diag_error(d, f->path, 1, 0, "empty file: a page needs front matter with a title");
		return NULL;
	}
	/* unknown keys first: `titel:` explains the missing title after it */
	size_t unknown = schema_check_keys(p, r->fm.root, s->opts.strict, d);
	if (schema_apply(p, r->fm.root, a, d) < 0 || (unknown && s->opts.strict))
		return NULL;
	p->front = r->fm.root;
	p->body = r->fm.body;
	p->body_len = r->fm.body_len;
	p->body_line = r->fm.body_line;
	return p;
}

/* The table of parsed files of the last build, when the build cache has
 * one, by blob id (for --worktree, the id of the bytes on disk when
 * listed). Its mapping is the site's. */
static bool blobs_open(struct site *s, struct site_blobs *bl)
{
	const struct site_options *o = &s->opts;
	if (!o->blobs_get)
		return false;
	const char *data = NULL;
	size_t len = 0;
	if (o->blobs_get(o->blobs_ctx, &s->blobs_map, &s->blobs_map_size, &data, &len) == 1 &&
	    site_blobs_open(bl, data, len) == 0)
		return true;
	*bl = (struct site_blobs)SITE_BLOBS_INIT;
	return true;
}

/* The next table for the cache, when it differs enough from the last one
 * (site_blobs_worth_writing). The last one's bytes stay: the bodies of
 * the pages it gave point into it. */
struct site_blobs_kept {
	struct site_blobs bl;
	struct buf frames;
};

static void blobs_close(struct site *s, struct site_blobs *bl)
{
	if (site_blobs_worth_writing(bl)) {
		struct buf frames = BUF_INIT;
		struct iovec *parts;
		size_t n;
		site_blobs_parts(bl, &frames, &parts, &n);
		int kept = s->opts.blobs_put(s->opts.blobs_ctx, parts, n);
		free(parts);
		if (kept == 1) {
			/* the parts point into bl and frames (and the arena's
			 * bytes of the files): kept with the site */
			s->blobs_kept = xcalloc(1, sizeof(*s->blobs_kept));
			s->blobs_kept->bl = *bl;
			s->blobs_kept->frames = frames;
			return;
		}
		buf_release(&frames);
	}
	site_blobs_release(bl);
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
/* The history of the built commit: the cached one; else the parent's
 * cached one extended by the commit; else one walk. A result the walk
 * gave without a diagnostic is offered to the cache (with one, the next
 * build walks again and says it again). */
static int load_history(struct site *s, struct repo_history *hist, struct diag_list *d)
{
	const struct site_options *o = &s->opts;
	const char *commit = repo_history_id(s->repo), *dir = s->config.content_dir;
	bool cached = o->history_get && *commit && !repo_is_shallow(s->repo);
	struct buf raw = BUF_INIT;
	int rc = -1;
	if (cached && o->history_get(o->history_ctx, commit, dir, &raw) == 1 &&
	    repo_history_decode(hist, raw.ptr, raw.len, &s->arena) == 0) {
		o->history_put(o->history_ctx, commit, dir, NULL, 0);
		buf_release(&raw);
		s->history_from = "cached";
		return 0;
	}
	size_t before = d->len;
	char parent_id[41];
	struct repo_history parent;
	struct arena tmp = ARENA_INIT; /* the parent's history, needed only here */
	buf_reset(&raw);
	if (cached && repo_history_parent(s->repo, parent_id) &&
	    o->history_get(o->history_ctx, parent_id, dir, &raw) == 1 &&
	    repo_history_decode(&parent, raw.ptr, raw.len, &tmp) == 0)
		rc = repo_history_extend(s->repo, dir, &parent, hist, &s->arena, d) == 1 ? 0 : -1;
	arena_release(&tmp);
	s->history_from = rc == 0 ? "extended" : "walked";
	if (rc < 0 && d->len == before)
		rc = repo_history(s->repo, dir, hist, &s->arena, d);
	if (rc == 0 && cached && d->len == before) {
		buf_reset(&raw);
		repo_history_encode(hist, &raw);
		o->history_put(o->history_ctx, commit, dir, raw.ptr, raw.len);
	}
	buf_release(&raw);
	return rc;
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
	/* the limits of site.yaml apply to content from here on */
	repo_set_max_file_size(s->repo, s->config.max_file_size);
	repo_set_max_files(s->repo, s->config.max_files);
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
	all = xcalloc(s->nfiles + 1, sizeof(*all));
	rejected = xcalloc(s->nfiles + 1, sizeof(*rejected));
	is_page_file = xcalloc(s->nfiles + 1, sizeof(*is_page_file));
	size_t n = 0;
	struct site_blobs blobs = SITE_BLOBS_INIT;
	bool use_blobs = blobs_open(s, &blobs);
	/* the files are read and parsed on other threads while this one
	 * walks the history, then helps them */
	struct site_read *read = xcalloc(s->nfiles + 1, sizeof(*read));
	struct site_readers *readers =
		site_read_start(s, use_blobs ? &blobs : NULL, read, opts->read_threads);
	/* --worktree (check, serve) too: a file's dates and contributors come
	 * from its commits when its front matter gives none, as in the build
	 * of the commit (a committed file's past; a new file has none) */
	if (repo_history_id(s->repo)[0]) {
		struct timespec h0, h1;
		clock_gettime(CLOCK_MONOTONIC, &h0);
		if (load_history(s, &hist, d) == 0)
			have_hist = true;
		clock_gettime(CLOCK_MONOTONIC, &h1);
		s->history_seconds = (double)(h1.tv_sec - h0.tv_sec) +
				     (double)(h1.tv_nsec - h0.tv_nsec) / 1e9;
	}
	site_read_finish(readers);
	for (size_t i = 0; i < s->nfiles; i++) {
		if (!str_has_suffix(s->files[i].path, ".md"))
			continue;
		is_page_file[i] = true;
		s->blobs_files++;
		struct page *p = load_page(s, i, &read[i], use_blobs ? &blobs : NULL, d);
		if (!p) {
			s->rejected++;
			continue;
		}
		apply_history(s, p, have_hist ? &hist : NULL);
		all[n++] = p;
	}
	free(read);
	if (use_blobs)
		blobs_close(s, &blobs);

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
		/* readers: /tin-tuc/2023/ and /tin-tuc/2023/04/ are the archive */
		const char *digits = p->kind == PAGE_NEWS ? p->school
				     : p->kind == PAGE_SCHOOL ? (all_digits(p->filename) ? p->filename : p->slug)
				     : NULL;
		if (digits && all_digits(digits)) {
			diag_error(d, p->path, 1, 0,
				   "school slug '%s' is reserved: names of digits only are the news archive's years and months",
				   digits);
			rejected[i] = true;
			continue;
		}
		if (p->kind == PAGE_NEWS && p->school && strcmp(p->school, URLS_PAGE_WORD) == 0) {
			/* the catalog's msgid names the word: change both together */
			diag_error(d, p->path, 1, 0, "school slug 'trang' is reserved for pagination");
			rejected[i] = true;
			continue;
		}
		if (site_url_assign(s, p, d) < 0)
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
	site_bundle_add_files(s, s->pages, s->npages, is_page_file, d);
	unify_tags(s);
	refs_check(s, d); /* centre: activities and models articles name */
	ret = 0;
done:
	free(all);
	free(rejected);
	free(is_page_file);
	buf_release(&scratch);
	return ret;
}

void site_blobs_stored(struct site *s)
{
	if (!s->blobs_kept)
		return;
	site_blobs_release(&s->blobs_kept->bl);
	buf_release(&s->blobs_kept->frames);
	free(s->blobs_kept);
	s->blobs_kept = NULL;
}

void site_release(struct site *s)
{
	repo_free(s->repo);
	text_free(s->text);
	strmap_release(&s->page_by_path);
	strmap_release(&s->school_by_slug);
	strmap_release(&s->file_url);
	strmap_release(&s->tag_url);
	claims_release(&s->claims);
	free(s->bundle_urls);
	if (s->blobs_map)
		munmap(s->blobs_map, s->blobs_map_size);
	site_blobs_stored(s);
	arena_release(&s->arena);
	memset(s, 0, sizeof(*s));
}
const char *page_kind_name(enum page_kind k)
{
	static const char *const names[] = { "news", "school", "plan", "page", "section", "home",
					   "document" /* centre */ };
	if ((size_t)k >= sizeof(names) / sizeof(names[0]))
		BUG("page kind %d has no name", (int)k);
	return names[k];
}

const char *news_category_name(enum news_category c)
{
	static const char *const names[] = { "activity", "policy", "practice", "parents" };
	if ((size_t)c >= sizeof(names) / sizeof(names[0]))
		BUG("news category %d has no name", (int)c);
	return names[c];
}
