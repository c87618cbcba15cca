/* outdir_standby — owns the cleaning of a standby tree adopted as a new
 * build's folder (outdir_begin_standby): after it, the tree holds only
 * files the caller vouches for, as if the build had started empty (see
 * outdir.h and incr_standby.c). Every name is resolved relative to a
 * folder opened with O_NOFOLLOW from the tree's top, so a symlink planted
 * in the standby is removed, never followed. */
#include "pipeline/outdir.h"
#include "pipeline/outdir_internal.h"

#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The folders from the top down to the one of the current line. */
struct level {
	const char *path; /* its line's path in the listing (no "/" at the end) */
	/* len: of that path and the "/" that follows it in its entries' paths */
	size_t len;
	int fd;	   /* O_PATH, -1 until needed; the top's is the tree's (not owned) */
	bool gone; /* removed, with all below it */
	bool kept; /* something stays below it */
};

struct walk {
	struct level *lv;
	size_t n, cap;
	int err; /* the first errno of a removal that failed */
};

static void note_error(struct walk *w)
{
	if (!w->err)
		w->err = errno ? errno : EIO;
}

/* The folder of level i, opened from its parent's when first needed. */
static int level_fd(struct walk *w, size_t i)
{
	struct level *l = &w->lv[i];
	if (l->fd >= 0 || i == 0)
		return l->fd;
	int parent = level_fd(w, i - 1);
	size_t from = w->lv[i - 1].len, nlen = l->len - 1 - from;
	char name[256];
	if (parent < 0 || nlen == 0 || nlen >= sizeof(name))
		return -1;
	memcpy(name, l->path + from, nlen);
	name[nlen] = '\0';
	l->fd = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return l->fd;
}

/* Leaves the deepest folder: removed when nothing below it stays (a folder
 * that will be needed is made again by the write that needs it). */
static void level_pop(struct walk *w)
{
	struct level *l = &w->lv[w->n - 1];
	if (l->fd >= 0)
		close(l->fd);
	w->n--;
	struct level *up = &w->lv[w->n - 1];
	if (l->gone)
		return;
	if (!l->kept) {
		int dir = level_fd(w, w->n - 1);
		size_t nlen = l->len - 1 - up->len;
		char name[256];
		if (dir >= 0 && nlen > 0 && nlen < sizeof(name)) {
			memcpy(name, l->path + up->len, nlen);
			name[nlen] = '\0';
			if (unlinkat(dir, name, AT_REMOVEDIR) == 0)
				return;
		}
	}
	up->kept = true; /* it stays, so its parent is not empty */
}

/* Removes the entry leaf of the deepest folder, whatever it is. */
static void remove_entry(struct walk *w, const char *leaf)
{
	int dir = level_fd(w, w->n - 1);
	if (dir < 0) {
		note_error(w);
		return;
	}
	if (unlinkat(dir, leaf, 0) == 0 || errno == ENOENT)
		return;
	if (publish_remove_tree(dir, leaf) < 0)
		note_error(w);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every top-level name the listing does not hold (tops, sorted), but for
 * the marker, removed. */
static void remove_unlisted(int top, char **tops, size_t ntops, struct walk *w)
{
	struct outdir_names n = { 0 };
	if (outdir_list_dir(top, &n) < 0) {
		note_error(w);
		return;
	}
	for (size_t i = 0; i < n.len; i++) {
		char *name = n.v[i];
		if (strcmp(name, OUTDIR_MARKER) != 0 &&
		    !(ntops && bsearch(&name, tops, ntops, sizeof(*tops), cmp_str)) &&
		    publish_remove_tree(top, name) < 0)
			note_error(w);
	}
	outdir_names_release(&n);
}

int outdir_standby_clean(struct outdir *o, const char *listing, size_t len,
			 const unsigned char *ok, size_t nlines,
			 bool (*keep)(void *ctx, const char *path), void *ctx)
{
	int top = outdir_tmp_fd(o);
	struct walk w = { NULL, 0, 0, 0 };
	char **tops = NULL;
	size_t ntops = 0, tops_cap = 0, line = 0;
	ALLOC_GROW(w.lv, 1, w.cap);
	w.lv[w.n++] = (struct level){ "", 0, top, false, true };
	for (const char *p = listing, *end = listing + len; p < end && line < nlines; line++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *nl = nul ? memchr(nul, '\n', (size_t)(end - nul)) : NULL;
		if (!nl)
			break;
		const char *path = p;
		size_t plen = (size_t)(nul - p);
		unsigned long mode = strtoul(nul + 1, NULL, 8);
		p = nl + 1;
		const char *slash = memrchr(path, '/', plen);
		size_t parent = slash ? (size_t)(slash - path) + 1 : 0;
		while (w.n > 1 && w.lv[w.n - 1].len > parent)
			level_pop(&w);
		struct level *l = &w.lv[w.n - 1];
		/* depth first: the line's folder is the deepest one, or the
		 * line is one no walk wrote (and stays unvouched for) */
		if (l->len != parent || (parent && memcmp(l->path, path, parent - 1) != 0))
			continue;
		if (!parent) {
			ALLOC_GROW(tops, ntops + 1, tops_cap);
			tops[ntops++] = (char *)path;
		}
		if (l->gone)
			continue;
		const char *leaf = path + parent;
		if (S_ISDIR(mode)) {
			bool holds = ok[line];
			if (!holds)
				remove_entry(&w, leaf);
			ALLOC_GROW(w.lv, w.n + 1, w.cap);
			w.lv[w.n++] = (struct level){ path, plen + 1, -1, !holds, false };
		} else if (!parent && strcmp(leaf, OUTDIR_MARKER) == 0) {
			/* written afresh by outdir_begin_standby */
		} else if (ok[line] && S_ISREG(mode) && keep(ctx, path)) {
			l->kept = true;
		} else {
			remove_entry(&w, leaf);
		}
	}
	while (w.n > 1)
		level_pop(&w);
	if (ntops > 1)
		qsort(tops, ntops, sizeof(*tops), cmp_str);
	remove_unlisted(top, tops, ntops, &w);
	free(tops);
	free(w.lv);
	errno = w.err;
	return w.err ? -1 : 0;
}

int outdir_empty(struct outdir *o)
{
	struct walk w = { NULL, 0, 0, 0 };
	remove_unlisted(outdir_tmp_fd(o), NULL, 0, &w);
	errno = w.err;
	return w.err ? -1 : 0;
}
