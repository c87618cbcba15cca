/* outdir_fingerprint — owns the fingerprint of an output tree: every
 * name, type, mode, size, times and inode below a folder, listed in a
 * fixed order and hashed, so that a hand edit of a published site shows
 * (outdir_fingerprint, outdir_fingerprint_path; see outdir.h). The
 * folders two levels down are listed on threads, one a processor, and
 * their lines put back in order: the same bytes as one walk.
 *
 * Given the listing of an earlier state of the tree (the standby's, which
 * a rebuild starts from), a folder whose line is the same now (mode, size,
 * both times, inode) holds the names that listing gave it: adding,
 * removing or renaming an entry changes the folder's modification and
 * change times, as outlisting.c's check relies on. Its names are taken
 * from there instead of read (a descriptor's rewind and two reads of the
 * folder fewer: most of the walk's system calls at 10,000 pages), and its
 * entries are stat'ed, so the listing is the same bytes as a walk's.
 *
 * When the caller verified that listing in this build (the standby's
 * check stat'ed every entry and removed each one whose line failed), a
 * file of such a folder is not stat'ed again: its line is the listing's.
 * The build writes a file only by creating it (outdir_write, O_EXCL,
 * after removing the standby's), which changes its folder's times, so a
 * folder still the same holds only files it did not touch. That is half
 * the stats of a rebuild's walk (a page is a folder and its index.html).
 * An edit made by someone else between the check and the publishing is
 * then recorded as it was before: the next build sees the file differ
 * from the listing, instead of taking the edit for Loa's own. */
#include "pipeline/outdir.h"
#include "pipeline/outdir_internal.h"

#include "base/buf.h"
#include "base/diag.h"
#include "base/str.h"
#include "base/strmap.h"
#include "base/xalloc.h"
#include "source/repo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- fingerprints ----------------------------------------------------- */

/* The folders of an earlier listing: each one's line and names, in
 * order. Read only while the walk runs, by every thread. */
struct earlier {
	/* "tin-tuc/truong-a" -> index into dirs; the keys are the paths of
	 * the folders' lines, NUL-terminated in the listing */
	struct strmap by_path;
	struct earlier_dir {
		const char *line; /* "PATH\0MODE ... INODE\n" in the listing */
		size_t line_len;
		const char **names; /* NUL-terminated, in the listing */
		/* each name's line ends at the first '\n' after its NUL; NULL
		 * for a folder (always stat'ed: its own names may have changed) */
		const char **file_ends;
		size_t n, cap;
	} *dirs;
	size_t ndirs, cap;
	bool verified; /* its lines were checked against the tree in this build */
};

static void earlier_release(struct earlier *e)
{
	for (size_t i = 0; i < e->ndirs; i++) {
		free(e->dirs[i].names);
		free(e->dirs[i].file_ends);
	}
	free(e->dirs);
	strmap_release(&e->by_path);
}

/* Indexes listing[0..len) (outdir_listing_line's lines; it must outlive
 * e); anything malformed ends the index there: a folder it lacks is read. */
static void earlier_index(struct earlier *e, const char *listing, size_t len, bool verified)
{
	*e = (struct earlier){ STRMAP_INIT, NULL, 0, 0, verified };
	for (const char *p = listing, *end = listing + len; p < end;) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *nl = nul ? memchr(nul, '\n', (size_t)(end - nul)) : NULL;
		if (!nl)
			break;
		char *mode_end;
		unsigned long mode = strtoul(nul + 1, &mode_end, 8);
		const char *slash = memrchr(p, '/', (size_t)(nul - p));
		const char *name = slash ? slash + 1 : p;
		size_t parent;
		/* the top folder's names are always read: no entry for it */
		bool dir = mode_end != nul + 1 && S_ISDIR((mode_t)mode);
		if (slash && strmap_getn(&e->by_path, p, (size_t)(slash - p), &parent)) {
			struct earlier_dir *d = &e->dirs[parent];
			size_t cap = d->cap;
			ALLOC_GROW(d->names, d->n + 1, d->cap);
			if (d->cap != cap)
				d->file_ends = xreallocarray(d->file_ends, d->cap, sizeof(*d->file_ends));
			/* a line is a file's only when well formed: a mode, then
			 * nothing but the fields up to its end */
			d->file_ends[d->n] = !dir && mode_end != nul + 1 && !memchr(nul + 1, '\0', (size_t)(nl - nul - 1))
						     ? nl + 1
						     : NULL;
			d->names[d->n++] = name;
		}
		if (dir) {
			ALLOC_GROW(e->dirs, e->ndirs + 1, e->cap);
			e->dirs[e->ndirs] = (struct earlier_dir){ p, (size_t)(nl + 1 - p), NULL, NULL, 0, 0 };
			strmap_put(&e->by_path, p, e->ndirs++, NULL);
		}
		p = nl + 1;
	}
}

/* The names the earlier listing gives the folder whose line was just
 * written at acc[line..]: NULL unless that line is the same there. */
static const struct earlier_dir *earlier_names(const struct earlier *e, const struct buf *acc,
					       size_t line)
{
	size_t i;
	const char *path = acc->ptr + line;
	if (!e || !strmap_get(&e->by_path, path, &i))
		return NULL;
	const struct earlier_dir *d = &e->dirs[i];
	return d->line_len == acc->len - line && memcmp(d->line, path, d->line_len) == 0 ? d
														: NULL;
}

/* The longest path from an open folder to an entry stat'ed through it */
enum { REL_MAX = 1024 };

/* A folder two levels down, whose tree one of the threads lists. */
struct subtree {
	int parent_fd; /* its top-level folder's, open until every one is listed */
	char *name;    /* in it */
	char *prefix;  /* "tin-tuc/truong-a/" */
	size_t at;     /* where its lines go: after this many bytes of the levels above */
	const struct earlier_dir *known; /* its names, when the earlier listing holds them */
	struct buf out;
	int rc;
};

/* The folders two levels down, left for the threads, and the top-level
 * folders' descriptors they are opened from. */
struct subtrees {
	struct subtree *v;
	size_t n, cap;
	atomic_size_t next;
	int *fds;
	size_t nfds, fds_cap;
	const struct earlier *earlier; /* NULL: every folder is read */
};

/* Appends one line per entry below the folder open as fd (sorted by name,
 * depth first; symlinks are listed, never followed): its path, type and
 * mode, size, modification and change times and inode. The change time
 * cannot be set back by a user, so an edit that restores the size and
 * mtime still shows. Each level holds one descriptor: a tree too deep to
 * walk is an error (the folder then counts as changed). With defer, the
 * walk starts at the top (depth 0) and leaves each folder two levels down
 * to defer, with where its lines go. known: the folder's names, from an
 * earlier listing whose line for it holds (NULL: they are read); e: that
 * listing, for the folders below. */
static int list_tree(int fd, const char *rel, const char *prefix, struct buf *acc,
		     struct subtrees *defer, int depth, const struct earlier_dir *known,
		     const struct earlier *e)
{
	struct outdir_names n = { 0 };
	int rc = 0;
	const char *const *names;
	const char *const *file_ends = known && e && e->verified ? known->file_ends : NULL;
	size_t count;
	if (known) {
		names = known->names; /* in the order the walk that wrote them sorted */
		count = known->n;
	} else {
		rc = outdir_list_dir(fd, &n); /* rel is "": fd is the folder */
		if (rc == 0 && n.len > 1)
			qsort(n.v, n.len, sizeof(*n.v), str_ptr_cmp);
		names = (const char *const *)n.v;
		count = n.len;
	}
	/* a folder whose names are known is not opened: its entries are
	 * stat'ed through a path from the nearest folder that is (rel) */
	char path[REL_MAX];
	size_t rel_len = strlen(rel);
	memcpy(path, rel, rel_len);
	for (size_t i = 0; i < count && rc == 0; i++) {
		size_t name_len = strlen(names[i]);
		if (rel_len + name_len + 2 > sizeof(path)) {
			rc = -1; /* only a folder reached through a long path has a rel */
			break;
		}
		if (file_ends && file_ends[i]) {
			/* PREFIX NAME \0 MODE ... INODE \n, as the check found it */
			buf_puts(acc, prefix);
			buf_add(acc, names[i], (size_t)(file_ends[i] - names[i]));
			continue;
		}
		memcpy(path + rel_len, names[i], name_len + 1);
		struct stat st;
		if (fstatat(fd, path, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = -1;
			break;
		}
		size_t line = acc->len;
		outdir_listing_line(acc, prefix, names[i], &st);
		if (!S_ISDIR(st.st_mode))
			continue;
		const struct earlier_dir *its = earlier_names(e, acc, line);
		char *sub = xasprintf("%s%s/", prefix, names[i]);
		if (defer && depth == 1) {
			ALLOC_GROW(defer->v, defer->n + 1, defer->cap);
			defer->v[defer->n++] = (struct subtree){ fd,  xstrdup(names[i]), sub, acc->len,
								 its, BUF_INIT, 0 };
			continue;
		}
		if (its && !(defer && depth == 0) && rel_len + name_len + 2 + 256 <= sizeof(path)) {
			path[rel_len + name_len] = '/';
			path[rel_len + name_len + 1] = '\0';
			rc = list_tree(fd, path, sub, acc, defer, depth + 1, its, e);
			free(sub);
			continue;
		}
		int child = openat(fd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		rc = child < 0 ? -1 : list_tree(child, "", sub, acc, defer, depth + 1, its, e);
		free(sub);
		if (child >= 0 && defer && depth == 0) { /* its folders are opened from it */
			ALLOC_GROW(defer->fds, defer->nfds + 1, defer->fds_cap);
			defer->fds[defer->nfds++] = child;
		} else if (child >= 0) {
			close(child);
		}
	}
	outdir_names_release(&n);
	return rc;
}

static void *subtrees_run(void *arg)
{
	struct subtrees *w = arg;
	for (size_t i; (i = atomic_fetch_add(&w->next, 1)) < w->n;) {
		struct subtree *t = &w->v[i];
		int child = openat(t->parent_fd, t->name,
				   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		t->rc = child < 0 ? -1
				  : list_tree(child, "", t->prefix, &t->out, NULL, 0, t->known,
					      w->earlier);
		if (child >= 0)
			close(child);
	}
	return NULL;
}

/* The listing of the tree below fd, as list_tree(fd, "", "", acc, NULL,
 * 0, NULL, NULL) gives it, made on up to threads threads: its folders two
 * levels down are listed side by side (a page's folder each, at 10,000
 * pages: the stats are independent system calls, a tenth of a rebuild's
 * publish). */
static int list_tree_threads(int fd, unsigned threads, const struct earlier *e, struct buf *acc)
{
	struct buf upper = BUF_INIT;
	struct subtrees w = { 0 };
	atomic_init(&w.next, 0);
	w.earlier = e;
	int rc = list_tree(fd, "", "", &upper, &w, 0, NULL, e);
	if (rc == 0) {
		enum { MAX_THREADS = 8 };
		pthread_t tid[MAX_THREADS];
		unsigned started = 0;
		if (threads > MAX_THREADS)
			threads = MAX_THREADS;
		/* a few folders are listed here alone: a thread costs more */
		for (unsigned i = 1; i < threads && w.n >= 64; i++)
			if (pthread_create(&tid[started], NULL, subtrees_run, &w) == 0)
				started++;
		subtrees_run(&w);
		for (unsigned i = 0; i < started; i++)
			pthread_join(tid[i], NULL);
		size_t from = 0;
		for (size_t i = 0; i < w.n && rc == 0; i++) {
			buf_add(acc, upper.ptr + from, w.v[i].at - from);
			from = w.v[i].at;
			buf_add(acc, w.v[i].out.ptr, w.v[i].out.len);
			rc = w.v[i].rc;
		}
		if (rc == 0)
			buf_add(acc, upper.ptr + from, upper.len - from);
	}
	for (size_t i = 0; i < w.n; i++) {
		free(w.v[i].name);
		free(w.v[i].prefix);
		buf_release(&w.v[i].out);
	}
	free(w.v);
	for (size_t i = 0; i < w.nfds; i++)
		close(w.fds[i]);
	free(w.fds);
	buf_release(&upper);
	return rc;
}

static unsigned processors(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return cpus < 1 ? 1 : (unsigned)cpus;
}

static int fingerprint_threads(int fd, unsigned threads, const char *earlier, size_t earlier_len,
			       bool verified, char hex[41], struct buf *listing)
{
	struct buf acc = BUF_INIT;
	struct earlier e;
	if (earlier)
		earlier_index(&e, earlier, earlier_len, verified);
	int rc = list_tree_threads(fd, threads, earlier ? &e : NULL, &acc);
	if (earlier)
		earlier_release(&e);
	if (rc == 0)
		repo_hash_bytes(acc.ptr, acc.len, hex);
	else
		hex[0] = '\0';
	if (rc == 0 && listing)
		buf_add(listing, acc.ptr, acc.len);
	buf_release(&acc);
	return rc;
}

int outdir_fingerprint(const struct outdir *o, char hex[41], struct buf *listing)
{
	return fingerprint_threads(outdir_tmp_fd(o), processors(), NULL, 0, false, hex, listing);
}

int outdir_fingerprint_since(const struct outdir *o, const char *earlier, size_t len,
			     bool verified, char hex[41], struct buf *listing)
{
	return fingerprint_threads(outdir_tmp_fd(o), processors(), earlier, len, verified, hex,
				   listing);
}

int outdir_fingerprint_path_threads(const char *dir, unsigned threads, char hex[41],
				    struct buf *listing)
{
	return outdir_fingerprint_path_since(dir, threads, NULL, 0, false, hex, listing);
}

int outdir_fingerprint_path_since(const char *dir, unsigned threads, const char *earlier,
				  size_t len, bool verified, char hex[41], struct buf *listing)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		hex[0] = '\0';
		return -1;
	}
	int rc = fingerprint_threads(fd, threads, earlier, len, verified, hex, listing);
	close(fd);
	return rc;
}

int outdir_fingerprint_path(const char *dir, char hex[41])
{
	return outdir_fingerprint_path_since(dir, processors(), NULL, 0, false, hex, NULL);
}
