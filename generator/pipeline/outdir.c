/* outdir — owns the output folder's life: the lock of the output, the
 * temporary folder a build writes into, the swap that publishes it, and the
 * removal of leftovers (see outdir.h). The lock is in outlock.c, the
 * fingerprints of a written tree in outdir_fingerprint.c.
 *
 * Layout beside the output folder NAME in its parent folder P:
 *   P/.NAME.loa-lock      locked with flock by the build of NAME, which
 *                         removes it when done (see "the lock" below)
 *   P/.NAME.loa-tmp-PID   the new site while it is written
 *   P/.NAME.loa-old-PID   the previous site after the swap, being removed
 * and, when the build asks (outdir_keep_previous), the previous site is
 * kept after the swap as `standby` in a folder the caller names (the
 * render cache's, .loa-cache/render/NAME/, on the same file system): the
 * next build starts from it (outdir_begin_standby) and rewrites only what
 * changed (incr_standby.c).
 * Every name below P is resolved relative to a directory descriptor with
 * O_NOFOLLOW, so a symlink planted anywhere is never followed. Files and
 * folders get their modes with fchmod, so the output does not depend on
 * the umask. */
#include "pipeline/outdir.h"
#include "pipeline/outdir_internal.h"

#include "base/buf.h"
#include "base/diag.h"
#include "base/sysutil.h"
#include "base/xalloc.h"
#include "source/repo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#define PATH_MAX_LEN 4096
#define NAME_MAX_LEN 255

/* The first write that failed, in any process of the build: an anonymous
 * MAP_SHARED page made before the workers are forked. */
struct outfail {
	atomic_int err; /* errno of the first failure; 0: none */
	atomic_int ready; /* path is complete */
	char path[PATH_MAX_LEN + 1];
};

struct outdir {
	char *final_dir; /* as given, for messages */
	char *name;      /* last component of final_dir */
	char *tmp_name;  /* .NAME.loa-tmp-PID */
	char *old_name;  /* .NAME.loa-old-PID */
	bool adopted;     /* the tree began as the standby */
	int keep_in;      /* at commit, the old site becomes OUTDIR_STANDBY in
			   * this folder (not owned); -1: it is removed */
	int parent_fd;
	int tmp_fd;
	struct outlock *lock;
	bool owns_lock; /* taken by outdir_begin, released with o */
	struct outfail *fail;
};

/* ---- recursive removal ------------------------------------------------ */

void outdir_names_release(struct outdir_names *n)
{
	for (size_t i = 0; i < n->len; i++)
		free(n->v[i]);
	free(n->v);
	free(n->type);
	n->v = NULL;
	n->type = NULL;
	n->len = n->cap = n->type_cap = 0;
}

/* Lists dir (without . and ..), with each entry's type as the folder
 * gives it (DT_UNKNOWN when it does not). Read with getdents64 from the
 * start of dir_fd itself: a folder's listing costs three calls, where a
 * DIR stream costs six and a 32 KB buffer (the publish stage lists every
 * folder of two trees: the removal of the old one and the fingerprint). */
int outdir_list_dir(int dir_fd, struct outdir_names *out)
{
	char buf[16384] __attribute__((aligned(8)));
	if (lseek(dir_fd, 0, SEEK_SET) < 0)
		return -1;
	for (;;) {
		ssize_t got = getdents64(dir_fd, buf, sizeof(buf));
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (got == 0)
			return 0;
		for (ssize_t at = 0; at < got;) {
			struct dirent64 *e = (struct dirent64 *)(void *)(buf + at);
			at += e->d_reclen;
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			ALLOC_GROW(out->v, out->len + 1, out->cap);
			ALLOC_GROW(out->type, out->len + 1, out->type_cap);
			out->type[out->len] = e->d_type;
			out->v[out->len++] = xstrdup(e->d_name);
		}
	}
}

/* Empties the folder open as *fd. Only one or two descriptors are open at
 * any depth: before descending, the parent is closed and later reopened
 * through the child's "..", checked to be the same folder by device and
 * inode. So a deep tree cannot exhaust descriptors. Symlinks are unlinked,
 * never followed. On return *fd is open on the same folder (or -1). */
static int empty_dir(int *fd)
{
	struct stat self;
	struct outdir_names n = { 0 };
	int rc = -1;
	if (fstat(*fd, &self) < 0 || outdir_list_dir(*fd, &n) < 0)
		goto done;
	for (size_t i = 0; i < n.len; i++) {
		/* a folder (as its parent says) is not tried as a file first;
		 * one that is no folder by now is unlinked below all the same */
		if (n.type[i] == DT_DIR)
			errno = EISDIR;
		else if (unlinkat(*fd, n.v[i], 0) == 0)
			continue;
		if (errno == ENOENT)
			continue;
		if (errno != EISDIR && errno != EPERM)
			goto done;
		int child = openat(*fd, n.v[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (child < 0 && n.type[i] == DT_DIR && (errno == ENOTDIR || errno == ELOOP)) {
			/* replaced since it was listed: whatever it is now */
			if (unlinkat(*fd, n.v[i], 0) == 0 || errno == ENOENT)
				continue;
		}
		if (child < 0)
			goto done;
		close(*fd);
		*fd = -1;
		int child_rc = empty_dir(&child);
		if (child < 0)
			goto done;
		int up = openat(child, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(child);
		struct stat st;
		if (up < 0)
			goto done;
		if (fstat(up, &st) < 0 || st.st_dev != self.st_dev || st.st_ino != self.st_ino) {
			close(up);
			errno = ESTALE; /* the tree was moved under us */
			goto done;
		}
		*fd = up;
		if (child_rc < 0 || unlinkat(*fd, n.v[i], AT_REMOVEDIR) < 0)
			goto done;
	}
	rc = 0;
done:
	outdir_names_release(&n);
	return rc;
}

/* Removes dir_fd/name, whatever it is, without following symlinks. */
static int remove_tree(int dir_fd, const char *name)
{
	if (unlinkat(dir_fd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = empty_dir(&fd);
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		return -1;
	if (unlinkat(dir_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

/* ---- paths ------------------------------------------------------------ */

bool outdir_path_valid(const char *relpath)
{
	if (!relpath || !*relpath || relpath[0] == '/')
		return false;
	size_t total = strlen(relpath);
	if (total > PATH_MAX_LEN)
		return false;
	const char *comp = relpath;
	for (const char *p = relpath;; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '/' || c == 0) {
			size_t len = (size_t)(p - comp);
			if (len == 0 || len > NAME_MAX_LEN)
				return false;
			if ((len == 1 && comp[0] == '.') ||
			    (len == 2 && comp[0] == '.' && comp[1] == '.'))
				return false;
			if (c == 0)
				return true;
			comp = p + 1;
		} else if (c < 0x20 || c == 0x7f || c == '\\') {
			return false;
		}
	}
}

/* Splits final_dir into its parent folder and last component. */
int outdir_split_final(const char *final_dir, char **parent, char **name)
{
	size_t len = strlen(final_dir);
	while (len > 1 && final_dir[len - 1] == '/')
		len--;
	size_t start = len;
	while (start > 0 && final_dir[start - 1] != '/')
		start--;
	size_t name_len = len - start;
	if (name_len == 0 || name_len > NAME_MAX_LEN - 20 || /* room for .loa-tmp-PID */
	    (name_len == 1 && final_dir[start] == '.') ||
	    (name_len == 2 && final_dir[start] == '.' && final_dir[start + 1] == '.'))
		return -1;
	*name = xstrndup(final_dir + start, name_len);
	if (start == 0)
		*parent = xstrdup(".");
	else if (start == 1)
		*parent = xstrdup("/");
	else
		*parent = xstrndup(final_dir, start - 1);
	return 0;
}

/* ".NAME.loa-tmp-" followed by digits only: an older build's folder of
 * this same output (and not, say, of an output named "NAME.loa-tmp-x") */
static bool is_leftover(const char *entry, const char *name)
{
	static const char *const kinds[] = { ".loa-tmp-", ".loa-old-" };
	size_t nlen = strlen(name);
	if (entry[0] != '.' || strncmp(entry + 1, name, nlen) != 0)
		return false;
	const char *rest = entry + 1 + nlen;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t klen = strlen(kinds[k]);
		if (strncmp(rest, kinds[k], klen) != 0)
			continue;
		const char *d = rest + klen;
		if (!*d)
			return false;
		for (; *d; d++)
			if (*d < '0' || *d > '9')
				return false;
		return true;
	}
	return false;
}

static void outdir_free(struct outdir *o)
{
	if (!o)
		return;
	if (o->tmp_fd >= 0)
		close(o->tmp_fd);
	if (o->owns_lock)
		outlock_release(o->lock);
	if (o->parent_fd >= 0)
		close(o->parent_fd);
	if (o->fail)
		munmap(o->fail, sizeof(*o->fail));
	free(o->final_dir);
	free(o->name);
	free(o->tmp_name);
	free(o->old_name);
	free(o);
}

/* ---- starting a build ------------------------------------------------- */

static const char marker_text[] =
	"This folder was published by Loa. Every build replaces it as a whole:\n"
	"files added here by hand are lost at the next build.\n";

int outdir_begin(struct outdir **out, const char *final_dir, struct diag_list *diags)
{
	struct outlock *lock;
	*out = NULL;
	if (outlock_take(&lock, final_dir, 0, NULL, NULL, diags) < 0)
		return -1;
	if (outdir_begin_locked(out, final_dir, lock, diags) < 0) {
		outlock_release(lock);
		return -1;
	}
	(*out)->owns_lock = true;
	return 0;
}

int outdir_begin_locked(struct outdir **out, const char *final_dir, struct outlock *lock,
			struct diag_list *diags)
{
	return outdir_begin_standby(out, final_dir, lock, -1, 0, diags);
}

static void note_failure(struct outdir *o, const char *relpath, int e);

/* The standby renamed to the temporary name, when it is the folder the
 * caller expects (its inode); true when adopted. Anything else under that
 * name is removed: a standby nobody vouches for is never used. */
static bool adopt_standby(struct outdir *o, int dir, uint64_t standby_id)
{
	struct stat st;
	if (dir < 0 || !standby_id ||
	    renameat(dir, OUTDIR_STANDBY, o->parent_fd, o->tmp_name) < 0)
		return false;
	o->tmp_fd = openat(o->parent_fd, o->tmp_name,
			   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (o->tmp_fd >= 0 && fstat(o->tmp_fd, &st) == 0 && (uint64_t)st.st_ino == standby_id) {
		/* the marker is written afresh below, as in a new folder */
		if (unlinkat(o->tmp_fd, OUTDIR_MARKER, 0) == 0 || errno == ENOENT)
			return true;
	}
	if (o->tmp_fd >= 0)
		close(o->tmp_fd);
	o->tmp_fd = -1;
	remove_tree(o->parent_fd, o->tmp_name);
	return false;
}

int outdir_begin_standby(struct outdir **out, const char *final_dir, struct outlock *lock,
			 int standby_dir, uint64_t standby_id, struct diag_list *diags)
{
	struct outdir *o = xcalloc(1, sizeof(*o));
	char *parent = NULL;
	struct outdir_names n = { 0 };
	int rc = -1;
	o->parent_fd = o->tmp_fd = -1;
	o->keep_in = -1;
	o->lock = lock;
	o->final_dir = xstrdup(final_dir);
	*out = NULL;

	if (outdir_split_final(final_dir, &parent, &o->name) < 0) {
		diag_error(diags, "", 0, 0, "cannot publish to \"%s\": not a folder name",
			   final_dir);
		goto done;
	}
	o->parent_fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->parent_fd < 0) {
		diag_error(diags, "", 0, 0, "cannot publish to %s: folder %s: %s", final_dir,
			   parent, strerror(errno));
		goto done;
	}
	void *page = mmap(NULL, sizeof(*o->fail), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		diag_error(diags, "", 0, 0, "cannot publish to %s: %s", final_dir, strerror(errno));
		goto done;
	}
	o->fail = page; /* zero-filled: no failure yet */

	/* Folders of builds of this output that were killed: nobody else can
	 * be using them, since their builds would hold the lock we hold. */
	if (outdir_list_dir(o->parent_fd, &n) < 0) {
		diag_error(diags, "", 0, 0, "cannot read folder %s: %s", parent, strerror(errno));
		goto done;
	}
	for (size_t i = 0; i < n.len; i++) {
		if (is_leftover(n.v[i], o->name) && remove_tree(o->parent_fd, n.v[i]) < 0) {
			diag_error(diags, "", 0, 0, "cannot remove %s/%s: %s", parent, n.v[i],
				   strerror(errno));
			goto done;
		}
	}

	long pid = (long)getpid();
	o->tmp_name = xasprintf(".%s.loa-tmp-%ld", o->name, pid);
	o->old_name = xasprintf(".%s.loa-old-%ld", o->name, pid);
	o->adopted = adopt_standby(o, standby_dir, standby_id);
	if (!o->adopted && mkdirat(o->parent_fd, o->tmp_name, 0755) < 0) {
		if (errno == ENOSPC || errno == EDQUOT) { /* said as any write's */
			note_failure(o, o->tmp_name, errno);
			outdir_failed(o, diags);
		} else {
			diag_error(diags, "", 0, 0, "cannot create %s/%s: %s", parent, o->tmp_name,
				   strerror(errno));
		}
		goto done;
	}
	if (!o->adopted)
		o->tmp_fd = openat(o->parent_fd, o->tmp_name,
				   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (o->tmp_fd < 0 || fchmod(o->tmp_fd, 0755) < 0) {
		diag_error(diags, "", 0, 0, "cannot open %s/%s: %s", parent, o->tmp_name,
			   strerror(errno));
		goto done;
	}
	/* the mark that lets the next build replace this folder; a full disk
	 * (or no inode left) is noted by outdir_write, said by outdir_failed */
	int marked = outdir_write(o, OUTDIR_MARKER, marker_text, sizeof(marker_text) - 1, diags);
	if (outdir_failed(o, diags) < 0 || marked < 0)
		goto done;
	rc = 0;
done:
	if (rc < 0) {
		int room = o->fail ? outdir_failure_errno(o) : 0;
		if (o->tmp_name && o->parent_fd >= 0)
			remove_tree(o->parent_fd, o->tmp_name);
		outdir_free(o);
		errno = room == ENOSPC || room == EDQUOT ? room : 0;
	} else {
		*out = o;
	}
	outdir_names_release(&n);
	free(parent);
	return rc;
}

/* ---- writing ---------------------------------------------------------- */

static int write_full(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Records the first failure to write the output, in whichever process it
 * happens; later ones are consequences or repeats of it. */
static void note_failure(struct outdir *o, const char *relpath, int e)
{
	int none = 0;
	if (!e)
		e = EIO;
	if (atomic_compare_exchange_strong(&o->fail->err, &none, e)) {
		snprintf(o->fail->path, sizeof(o->fail->path), "%s", relpath);
		atomic_store(&o->fail->ready, 1);
	}
}

bool outdir_has_failed(const struct outdir *o)
{
	return atomic_load(&o->fail->err) != 0;
}

int outdir_failure_errno(const struct outdir *o)
{
	return atomic_load(&o->fail->err);
}

int outdir_failed(const struct outdir *o, struct diag_list *diags)
{
	if (!outdir_has_failed(o))
		return 0;
	int e = atomic_load(&o->fail->err);
	const char *file = atomic_load(&o->fail->ready) ? o->fail->path : "?";
	if (e == ENOSPC || e == EDQUOT)
		diag_error(diags, "", 0, 0,
			   "cannot write the site to %s: %s (at %s): nothing published, the "
			   "previous site is left as it was; free some space and build again",
			   o->final_dir, strerror(e), file);
	else
		diag_error(diags, "", 0, 0,
			   "cannot write the site to %s: %s (at %s): nothing published, the "
			   "previous site is left as it was",
			   o->final_dir, strerror(e), file);
	return -1;
}

/* Opens (creating) every folder of relpath below the temporary folder,
 * without following symlinks, so nothing lands outside the tree. Returns
 * the descriptor of the last folder (o->tmp_fd or one to close) and sets
 * *leaf to the file name inside path (a copy of relpath the caller frees). */
static int open_parent(struct outdir *o, const char *relpath, char **path, const char **leaf,
		       struct diag_list *diags)
{
	*path = xstrdup(relpath);
	int dir = o->tmp_fd;
	char *comp = *path, *slash;
	while ((slash = strchr(comp, '/'))) {
		*slash = 0;
		/* most folders of a page's path exist already (tin-tuc/2023/03/):
		 * opened first, made only when missing */
		bool created = false;
		int next = openat(dir, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT) {
			created = mkdirat(dir, comp, 0755) == 0;
			if (!created && errno != EEXIST) {
				note_failure(o, relpath, errno);
				goto fail;
			}
			next = openat(dir, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (next < 0) {
			if (errno == ENOTDIR || errno == ELOOP)
				diag_error(diags, "", 0, 0,
					   "cannot write %s/%s: \"%s\" is not a folder",
					   o->final_dir, relpath, comp);
			else
				note_failure(o, relpath, errno);
			goto fail;
		}
		if (dir != o->tmp_fd)
			close(dir);
		dir = next;
		/* 0755 whatever the umask; a worker that found the folder made
		 * by another leaves the mode to the creator */
		if (created && fchmod(dir, 0755) < 0) {
			note_failure(o, relpath, errno);
			goto fail;
		}
		comp = slash + 1;
	}
	*leaf = comp;
	return dir;
fail:
	if (dir != o->tmp_fd)
		close(dir);
	free(*path);
	*path = NULL;
	return -1;
}

/* A job run again after its worker was stopped (a deadline passed while
 * the worker went on) may find its own file written: the same bytes, since
 * a render depends only on its inputs. */
static bool same_file(int dir, const char *leaf, const void *data, size_t len)
{
	int fd = openat(dir, leaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct buf have = BUF_INIT;
	bool same = sys_read_fd(fd, len + 1, &have) == 0 && have.len == len &&
		    (len == 0 || memcmp(have.ptr, data, len) == 0);
	buf_release(&have);
	close(fd);
	return same;
}

static void create_error(struct outdir *o, int dir, const char *leaf, const char *relpath, int e,
			 struct diag_list *diags)
{
	struct stat st;
	if (e == EEXIST && fstatat(dir, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
		diag_error(diags, "", 0, 0, "cannot write %s/%s: it is a folder", o->final_dir,
			   relpath);
	else if (e == EEXIST)
		diag_error(diags, "", 0, 0, "%s/%s is written twice", o->final_dir, relpath);
	else
		note_failure(o, relpath, e);
}

int outdir_write(struct outdir *o, const char *relpath, const void *data, size_t len,
		 struct diag_list *diags)
{
	if (!outdir_path_valid(relpath))
		return diag_error(diags, "", 0, 0, "invalid output path \"%s\"",
				  relpath ? relpath : "(null)");
	if (outdir_has_failed(o))
		return -1; /* the build publishes nothing: no need to go on */
	char *path;
	const char *leaf;
	int dir = open_parent(o, relpath, &path, &leaf, diags), fd = -1, rc = -1;
	if (dir < 0)
		return -1;
	fd = openat(dir, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		int e = errno;
		if (e == EEXIST && same_file(dir, leaf, data, len))
			rc = 0;
		else
			create_error(o, dir, leaf, relpath, e, diags);
		goto done;
	}
	if (fchmod(fd, 0644) < 0 || write_full(fd, data, len) < 0) {
		note_failure(o, relpath, errno);
		goto done;
	}
	int c = close(fd);
	fd = -1;
	if (c < 0) {
		note_failure(o, relpath, errno);
		goto done;
	}
	rc = 0;
done:
	if (fd >= 0)
		close(fd);
	if (dir != o->tmp_fd)
		close(dir);
	free(path);
	return rc;
}

/* Removes relpath from the new tree (a standby file whose page changed);
 * 0 or -1. */
int outdir_unlink(struct outdir *o, const char *relpath)
{
	char *path;
	const char *leaf;
	struct diag_list quiet = DIAG_LIST_INIT; /* the folders exist: the link was made there */
	int dir = open_parent(o, relpath, &path, &leaf, &quiet), rc;
	diag_list_release(&quiet);
	if (dir < 0)
		return -1;
	rc = unlinkat(dir, leaf, 0);
	if (dir != o->tmp_fd)
		close(dir);
	free(path);
	return rc;
}

/* ---- publishing ------------------------------------------------------- */

static int rename_exchange(int dir_fd, const char *a, const char *b)
{
#ifdef SYS_renameat2
	return (int)syscall(SYS_renameat2, dir_fd, a, dir_fd, b, RENAME_EXCHANGE);
#else
	errno = ENOSYS;
	return -1;
#endif
}

int outdir_tmp_fd(const struct outdir *o)
{
	return o->tmp_fd;
}

bool outdir_adopted(const struct outdir *o)
{
	return o->adopted;
}

void outdir_keep_previous(struct outdir *o, int dir)
{
	o->keep_in = dir;
}

void outdir_prune(struct outdir *o, const char *relpath)
{
	if (!outdir_path_valid(relpath))
		return;
	char *path = xstrdup(relpath), *slash;
	/* each folder is tried by its full path from the top: none of them
	 * may be a symlink (unlinkat refuses a symlink as a folder) */
	while ((slash = strrchr(path, '/'))) {
		*slash = '\0';
		if (unlinkat(o->tmp_fd, path, AT_REMOVEDIR) < 0)
			break;
	}
	free(path);
}

/* The old site, under the name old (after the swap): kept as the standby
 * when the build asked and the name is free, else removed. */
static void retire_old(struct outdir *o, const char *old, struct diag_list *diags)
{
	if (o->keep_in >= 0) {
		/* the one a build that did not adopt it left */
		remove_tree(o->keep_in, OUTDIR_STANDBY);
		/* another file system (EXDEV): not kept */
		if (renameat(o->parent_fd, old, o->keep_in, OUTDIR_STANDBY) == 0)
			return;
	}
	if (remove_tree(o->parent_fd, old) < 0)
		diag_warning(diags, "", 0, 0, "cannot remove the previous %s: %s", o->final_dir,
			     strerror(errno));
}

int outdir_commit(struct outdir *o, struct diag_list *diags)
{
	int rc = -1;
	bool swapped = false;
	struct stat st;

	if (outdir_failed(o, diags) < 0)
		goto done;

	/* Flush the new site before it becomes visible, so a power cut after
	 * the swap cannot publish names with empty files. One syncfs instead
	 * of an fsync per file: it is a single call for the whole build,
	 * though it also flushes other dirty data of the same file system. */
	if (syncfs(o->tmp_fd) < 0) {
		diag_error(diags, "", 0, 0, "cannot flush %s: %s", o->final_dir, strerror(errno));
		goto done;
	}

	if (fstatat(o->parent_fd, o->name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT) {
			diag_error(diags, "", 0, 0, "cannot publish %s: %s", o->final_dir,
				   strerror(errno));
			goto done;
		}
		/* first build: a plain rename is atomic */
		if (renameat(o->parent_fd, o->tmp_name, o->parent_fd, o->name) < 0) {
			diag_error(diags, "", 0, 0, "cannot publish %s: %s", o->final_dir,
				   strerror(errno));
			goto done;
		}
		swapped = true;
	} else if (!S_ISDIR(st.st_mode)) {
		diag_error(diags, "", 0, 0, "cannot publish %s: it exists and is not a folder",
			   o->final_dir);
		goto done;
	} else if (rename_exchange(o->parent_fd, o->tmp_name, o->name) == 0) {
		/* the old site is now under the temporary name */
		swapped = true;
		fsync(o->parent_fd);
		retire_old(o, o->tmp_name, diags);
		rc = 0;
		goto done;
	} else if (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) {
		/* No RENAME_EXCHANGE on this file system: move the old site aside,
		 * then the new one in. Between the two renames (microseconds)
		 * the output folder is missing; a build killed right there leaves
		 * it missing, with the new site in the tmp folder and the old one
		 * in the old folder, both removed by the next build. */
		if (renameat(o->parent_fd, o->name, o->parent_fd, o->old_name) < 0) {
			diag_error(diags, "", 0, 0, "cannot publish %s: %s", o->final_dir,
				   strerror(errno));
			goto done;
		}
		if (renameat(o->parent_fd, o->tmp_name, o->parent_fd, o->name) < 0) {
			int e = errno;
			/* put the previous site back */
			renameat(o->parent_fd, o->old_name, o->parent_fd, o->name);
			diag_error(diags, "", 0, 0, "cannot publish %s: %s", o->final_dir,
				   strerror(e));
			goto done;
		}
		swapped = true;
	} else {
		diag_error(diags, "", 0, 0, "cannot publish %s: %s", o->final_dir, strerror(errno));
		goto done;
	}

	/* the renames themselves reach the disk */
	fsync(o->parent_fd);
	rc = 0;
	if (faccessat(o->parent_fd, o->old_name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		retire_old(o, o->old_name, diags);
done:
	if (!swapped)
		remove_tree(o->parent_fd, o->tmp_name);
	outdir_free(o);
	return rc;
}

void outdir_abort(struct outdir *o)
{
	if (!o)
		return;
	remove_tree(o->parent_fd, o->tmp_name);
	outdir_free(o);
}

int publish_remove_tree(int dir_fd, const char *name)
{
	return remove_tree(dir_fd, name);
}
