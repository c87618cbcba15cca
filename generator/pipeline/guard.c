/* guard — when a build must not publish: a fault that rejects a whole
 * layout's pages or the whole site is the site's, and so is a failed
 * plugin content function (guard_site_wide_errors),
 * and a build that would remove too many published pages is held back
 * (guard_removal). */
#include "pipeline/build_internal.h"
#include "base/diag.h"
#include "base/strmap.h"
#include "base/xalloc.h"
#include "pipeline/outdir.h"
#include "plugin/sitelua.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
int guard_site_wide_errors(struct build *b)
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
			/* a page's data function that failed (its error in the
			 * file that wrote it, before any relocation below) is a
			 * plugin error as well */
			const struct diag *fe = first_error(l);
			bool data_fault = e && e->data_file && *e->data_file && fe &&
					  strcmp(fe->path, e->data_file) == 0;
			for (size_t i = 0; i < l->len; i++) {
				struct diag *d = &l->items[i];
				if (d->severity != DIAG_ERROR)
					continue;
				if (page && strcmp(d->path, page) != 0)
					diag_relocate(d, page, 1, NULL);
				else if (e && strcmp(d->path, e->plugin) != 0)
					diag_relocate(d, e->plugin, 0, e->url);
			}
			/* a plugin's content or data function that failed is a
			 * plugin error, as when it ran in its handler: nothing is
			 * published (SPEC: exit 2). A failed write has no error
			 * of its own here: publish reports it once. */
			if ((e && sitelua_extra_from_function(e) && first_error(l)) || data_fault)
				nfaults++;
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

/* ---- the removal guard ------------------------------------------------------ */

/* Counts the HTML pages below the folder open as old_fd (the published
 * site; hidden entries such as .loa-cache are not the site's) and, of
 * those, the ones the new site lacks: new_fd is the same folder in the new
 * site, -1 when it has none. Symlinks are not followed. Each folder is
 * opened once on each side and names are looked up in it, with the type
 * readdir gives: a path from the top for every file was most of this walk. */
static void count_removed(int old_fd, int new_fd, size_t *pages, size_t *removed, int depth)
{
	DIR *dh = fdopendir(old_fd);
	if (!dh) {
		close(old_fd);
		if (new_fd >= 0)
			close(new_fd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(dh))) {
		if (e->d_name[0] == '.')
			continue;
		unsigned char type = e->d_type;
		struct stat st;
		if (type == DT_UNKNOWN) /* file systems that do not say */
			type = fstatat(dirfd(dh), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ? DT_UNKNOWN
			       : S_ISDIR(st.st_mode)					     ? DT_DIR
			       : S_ISREG(st.st_mode)					     ? DT_REG
												     : DT_UNKNOWN;
		size_t len = strlen(e->d_name);
		if (type == DT_DIR && depth < 64) {
			int child = openat(dirfd(dh), e->d_name,
					   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			int new_child = new_fd < 0 ? -1
						   : openat(new_fd, e->d_name,
							    O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
								    O_CLOEXEC);
			if (child >= 0)
				count_removed(child, new_child, pages, removed, depth + 1);
			else if (new_child >= 0)
				close(new_child);
		} else if (type == DT_REG && len > 5 && !strcmp(e->d_name + len - 5, ".html")) {
			(*pages)++;
			if (new_fd < 0 || fstatat(new_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
				(*removed)++;
		}
	}
	closedir(dh);
	if (new_fd >= 0)
		close(new_fd);
}

/* The same count from the listing the last build kept of the live site
 * (incr_remember), without walking it: true when the live folder is the
 * one that listing describes and its names are still the listed ones.
 * Adding, removing or renaming an entry changes its folder's
 * modification and change times (a change time cannot be set back), so
 * every folder still matching its line, and the top folder's names read,
 * mean the live names and types are the listing's; files' own lines are
 * not compared (linking a live page into the new site changes its change
 * time, nothing about its name). A page this build wrote is in the new
 * tree; any other is looked up there.
 *
 * The folders are checked on a thread once the site is loaded
 * (guard_prefetch: a stat of every folder of the live site, 0.04 s of a
 * one-article rebuild at 10,000 pages, while the serial stages leave a
 * core idle); the pages are counted at the end, against the new tree. */
struct removal_prefetch {
	struct listing_check check;
	bool holds; /* its names and folders are the listing's */
};

/* Each line of a listing: "PATH\0MODE SIZE MTIME CTIME INODE\n"
 * (outdir_listing_line); false at the end or a malformed line. */
static bool next_line(const char **p, const char *end, const char **path, size_t *len,
		      unsigned long *mode, const char **line_end)
{
	if (*p >= end)
		return false;
	const char *nul = memchr(*p, '\0', (size_t)(end - *p));
	const char *nl = nul ? memchr(nul, '\n', (size_t)(end - nul)) : NULL;
	if (!nl || nul == *p)
		return false;
	*path = *p;
	*len = (size_t)(nul - *p);
	*mode = strtoul(nul + 1, NULL, 8);
	*line_end = nl + 1;
	*p = nl + 1;
	return true;
}

/* Whether the live folder old_fd holds the listed names: its top
 * folder's names, in order, and every folder's line. */
static bool listed_folders_hold(int old_fd, const char *data, size_t data_len)
{
	char **top = NULL;
	size_t ntop = 0, top_cap = 0, seen = 0;
	int dup = openat(old_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dh = dup < 0 ? NULL : fdopendir(dup);
	bool ok = dh != NULL;
	struct dirent *e;
	while (dh && (e = readdir(dh))) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			ALLOC_GROW(top, ntop + 1, top_cap);
			top[ntop++] = xstrdup(e->d_name);
		}
	}
	if (dh)
		closedir(dh);
	else if (dup >= 0)
		close(dup);
	if (ntop > 1)
		qsort(top, ntop, sizeof(*top), build_cmp_str);
	struct buf line = BUF_INIT;
	const char *p = data, *end = data + data_len, *path, *line_end;
	size_t len;
	unsigned long mode;
	while (ok && p < end) {
		if (!next_line(&p, end, &path, &len, &mode, &line_end)) {
			ok = false;
			break;
		}
		if (!memchr(path, '/', len) && !(seen < ntop && strcmp(top[seen++], path) == 0)) {
			ok = false; /* the top folder's names are not the listed ones */
			break;
		}
		if (S_ISDIR(mode)) {
			struct stat st;
			buf_reset(&line);
			ok = fstatat(old_fd, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
			if (ok)
				outdir_listing_line(&line, "", path, &st);
			ok = ok && line.len == (size_t)(line_end - path) &&
			     memcmp(line.ptr, path, line.len) == 0;
		}
	}
	ok = ok && seen == ntop;
	for (size_t i = 0; i < ntop; i++)
		free(top[i]);
	free(top);
	buf_release(&line);
	return ok;
}

static void removal_check(struct listing_check *c, void *ctx)
{
	struct removal_prefetch *pf = ctx;
	pf->holds = listed_folders_hold(c->fd, c->listing.data, c->listing.data_len);
}

void guard_prefetch(struct build *b)
{
	if (b->opts->allow_removal || b->opts->dry_run || !b->cache || !b->prev_published[0] ||
	    b->removal_prefetch)
		return;
	struct removal_prefetch *pf = xcalloc(1, sizeof(*pf));
	if (listing_check_start(&pf->check, b->cache, AT_FDCWD, b->opts->out_dir, b->prev_out_id,
				b->prev_published, removal_check, pf))
		b->removal_prefetch = pf;
	else
		free(pf);
}

void guard_prefetch_wait(struct build *b)
{
	if (b->removal_prefetch)
		listing_check_wait(&b->removal_prefetch->check);
}

void guard_prefetch_free(struct build *b)
{
	if (b->removal_prefetch)
		listing_check_release(&b->removal_prefetch->check);
	free(b->removal_prefetch);
	b->removal_prefetch = NULL;
}

static bool count_removed_listed(struct build *b, int old_fd, int new_fd, size_t *pages,
				 size_t *removed)
{
	struct stat st;
	if (!b->cache || !b->prev_published[0] || fstat(old_fd, &st) < 0 ||
	    (uint64_t)st.st_ino != b->prev_out_id)
		return false;
	struct removal_prefetch *pf = b->removal_prefetch;
	struct cache_object obj = CACHE_OBJECT_INIT;
	bool ok;
	if (pf) {
		guard_prefetch_wait(b);
		ok = pf->holds;
		obj = pf->check.listing;
		pf->check.listing = (struct cache_object)CACHE_OBJECT_INIT;
		guard_prefetch_free(b);
	} else {
		if (cache_load_trusting(b->cache, b->prev_published, &obj) != 1)
			return false;
		ok = listed_folders_hold(old_fd, obj.data, obj.data_len);
	}
	/* the pages this build wrote (rendered, from the cache or linked):
	 * in the new tree without a look; the rest are looked up there */
	struct strmap written = STRMAP_INIT;
	for (size_t j = 0; ok && j < b->njobs; j++)
		if (b->ok[j])
			strmap_put(&written,
				   j < b->ncontent ? b->site.pages[b->content[j]]->out_path
						   : sitelua_extra(b->sl, j - b->ncontent)->out_path,
				   j, NULL);
	size_t n = 0, gone = 0;
	const char *p = obj.data, *end = obj.data + obj.data_len, *path, *line_end;
	size_t len;
	unsigned long mode;
	while (ok && next_line(&p, end, &path, &len, &mode, &line_end)) {
		/* a page: an HTML file that no hidden folder holds, as deep
		 * as count_removed looks */
		size_t depth = 0;
		bool hidden = path[0] == '.';
		for (const char *c = path; (c = memchr(c, '/', len - (size_t)(c - path))); c++) {
			depth++;
			hidden |= c[1] == '.';
		}
		if (!S_ISREG(mode) || hidden || depth > 64 || len <= 5 ||
		    memcmp(path + len - 5, ".html", 5) != 0)
			continue;
		n++;
		size_t job;
		if (!strmap_get(&written, path, &job) &&
		    (new_fd < 0 || fstatat(new_fd, path, &st, AT_SYMLINK_NOFOLLOW) != 0))
			gone++;
	}
	strmap_release(&written);
	cache_object_release(&obj);
	if (ok) {
		*pages = n;
		*removed = gone;
	}
	return ok;
}

/* Like rsync's --max-delete: a build that would remove more than
 * limits.max_removed of the pages published now publishes nothing (a
 * bad commit, a wrong --ref), unless --allow-removal says it is meant. */
int guard_removal(struct build *b)
{
	if (b->opts->allow_removal || !b->out) {
		guard_prefetch_free(b);
		return 0;
	}
	int old_fd = open(b->opts->out_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (old_fd < 0)
		return 0; /* nothing published yet */
	size_t pages = 0, removed = 0;
	int new_fd = fcntl(outdir_tmp_fd(b->out), F_DUPFD_CLOEXEC, 0);
	if (count_removed_listed(b, old_fd, new_fd, &pages, &removed)) {
		close(old_fd);
		if (new_fd >= 0)
			close(new_fd);
	} else {
		count_removed(old_fd, new_fd, &pages, &removed, 0); /* closes both */
	}
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
