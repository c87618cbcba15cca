/* outdir_fingerprint — owns the fingerprint of an output tree: every
 * name, type, mode, size, times and inode below a folder, listed in a
 * fixed order and hashed, so that a hand edit of a published site shows
 * (outdir_fingerprint, outdir_fingerprint_path; see outdir.h). The
 * folders two levels down are listed on threads, one a processor, and
 * their lines put back in order: the same bytes as one walk. */
#include "pipeline/outdir.h"
#include "pipeline/outdir_internal.h"

#include "base/buf.h"
#include "base/diag.h"
#include "base/str.h"
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

/* A folder two levels down, whose tree one of the threads lists. */
struct subtree {
	int parent_fd; /* its top-level folder's, open until every one is listed */
	char *name;    /* in it */
	char *prefix;  /* "tin-tuc/truong-a/" */
	size_t at;     /* where its lines go: after this many bytes of the levels above */
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
};

/* Appends one line per entry below the folder open as fd (sorted by name,
 * depth first; symlinks are listed, never followed): its path, type and
 * mode, size, modification and change times and inode. The change time
 * cannot be set back by a user, so an edit that restores the size and
 * mtime still shows. Each level holds one descriptor: a tree too deep to
 * walk is an error (the folder then counts as changed). With defer, the
 * walk starts at the top (depth 0) and leaves each folder two levels down
 * to defer, with where its lines go. */
static int list_tree(int fd, const char *prefix, struct buf *acc, struct subtrees *defer,
		     int depth)
{
	struct outdir_names n = { 0 };
	int rc = outdir_list_dir(fd, &n);
	if (rc == 0 && n.len > 1)
		qsort(n.v, n.len, sizeof(*n.v), str_ptr_cmp);
	for (size_t i = 0; i < n.len && rc == 0; i++) {
		struct stat st;
		if (fstatat(fd, n.v[i], &st, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = -1;
			break;
		}
		outdir_listing_line(acc, prefix, n.v[i], &st);
		if (!S_ISDIR(st.st_mode))
			continue;
		char *sub = xasprintf("%s%s/", prefix, n.v[i]);
		if (defer && depth == 1) {
			ALLOC_GROW(defer->v, defer->n + 1, defer->cap);
			defer->v[defer->n++] =
				(struct subtree){ fd, xstrdup(n.v[i]), sub, acc->len, BUF_INIT, 0 };
			continue;
		}
		int child = openat(fd, n.v[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		rc = child < 0 ? -1 : list_tree(child, sub, acc, defer, depth + 1);
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
		t->rc = child < 0 ? -1 : list_tree(child, t->prefix, &t->out, NULL, 0);
		if (child >= 0)
			close(child);
	}
	return NULL;
}

/* The listing of the tree below fd, as list_tree(fd, "", acc, NULL, 0)
 * gives it, made on up to threads threads: its folders two levels down
 * are listed side by side (a page's folder each, at 10,000 pages: the
 * stats are independent system calls, a tenth of a rebuild's publish). */
static int list_tree_threads(int fd, unsigned threads, struct buf *acc)
{
	struct buf upper = BUF_INIT;
	struct subtrees w = { 0 };
	atomic_init(&w.next, 0);
	int rc = list_tree(fd, "", &upper, &w, 0);
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

static int fingerprint_threads(int fd, unsigned threads, char hex[41], struct buf *listing)
{
	struct buf acc = BUF_INIT;
	int rc = list_tree_threads(fd, threads, &acc);
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
	return fingerprint_threads(outdir_tmp_fd(o), processors(), hex, listing);
}

int outdir_fingerprint_path_threads(const char *dir, unsigned threads, char hex[41],
				    struct buf *listing)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		hex[0] = '\0';
		return -1;
	}
	int rc = fingerprint_threads(fd, threads, hex, listing);
	close(fd);
	return rc;
}

int outdir_fingerprint_path(const char *dir, char hex[41])
{
	return outdir_fingerprint_path_threads(dir, processors(), hex, NULL);
}
