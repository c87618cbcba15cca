/* outlock — owns the lock of an output folder: P/.NAME.loa-lock beside
 * the output NAME, flocked by the build of NAME and removed by it when done
 * (outlock_take, outlock_release; see outdir.h). */
#include "pipeline/outdir.h"
#include "pipeline/outdir_internal.h"

#include "base/buf.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "source/repo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- the lock ---------------------------------------------------------
 *
 * The lock file exists only while a build holds it: the holder removes it
 * before letting go, so nothing is left beside the output. A build that
 * opened the file and then waited may therefore hold a lock on a removed
 * file: after flock succeeds it checks that the name still leads to the
 * file it locked, and starts again when not. */

struct outlock {
	int dir_fd; /* the output's parent folder */
	int fd;     /* the lock file, flocked */
	char *name; /* .NAME.loa-lock */
};

enum { LOCK_POLL_MS = 100 };

static long long ms_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(now.tv_sec - start->tv_sec) * 1000 +
	       (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* the name still leads to the file open as fd */
static bool still_named(int dir, const char *name, int fd)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && fstatat(dir, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int outlock_take(struct outlock **out, const char *final_dir, int wait_seconds,
		 void (*waiting)(void *ctx), void *ctx, struct diag_list *diags)
{
	char *parent = NULL, *name = NULL, *lock_name = NULL;
	int rc = -1, dir = -1, fd = -1;
	*out = NULL;
	if (outdir_split_final(final_dir, &parent, &name) < 0) {
		diag_error(diags, "", 0, 0, "cannot publish to \"%s\": not a folder name",
			   final_dir);
		goto done;
	}
	dir = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) {
		diag_error(diags, "", 0, 0, "cannot publish to %s: folder %s: %s", final_dir,
			   parent, strerror(errno));
		goto done;
	}
	lock_name = xasprintf(".%s.loa-lock", name);
	/* polled rather than blocking, so the wait is bounded without a
	 * signal handler */
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	bool told = false;
	for (;;) {
		if (fd < 0)
			fd = openat(dir, lock_name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0) {
			if (errno == ENOSPC || errno == EDQUOT)
				diag_error(diags, "", 0, 0,
					   "cannot lock %s: %s: nothing published, the previous site "
					   "is left as it was; free some space and build again",
					   final_dir, strerror(errno));
			else
				diag_error(diags, "", 0, 0, "cannot lock %s: %s", final_dir,
					   strerror(errno));
			goto done;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			if (still_named(dir, lock_name, fd))
				break;
			close(fd); /* its holder removed it: lock the new one */
			fd = -1;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			diag_error(diags, "", 0, 0, "cannot lock %s: %s", final_dir, strerror(errno));
			goto done;
		}
		if (wait_seconds <= 0) {
			diag_error(diags, "", 0, 0, "another build is writing %s", final_dir);
			goto done;
		}
		if (ms_since(&start) >= (long long)wait_seconds * 1000) {
			diag_error(diags, "", 0, 0,
				   "another build of %s still runs after %d s of waiting: nothing "
				   "published (wait longer with --wait SECONDS)",
				   final_dir, wait_seconds);
			goto done;
		}
		if (!told && waiting)
			waiting(ctx);
		told = true;
		struct timespec nap = { 0, LOCK_POLL_MS * 1000000L };
		nanosleep(&nap, NULL);
	}
	*out = xcalloc(1, sizeof(**out));
	(*out)->dir_fd = dir;
	(*out)->fd = fd;
	(*out)->name = lock_name;
	dir = fd = -1;
	lock_name = NULL;
	rc = 0;
done:
	if (fd >= 0)
		close(fd);
	if (dir >= 0)
		close(dir);
	free(parent);
	free(name);
	free(lock_name);
	return rc;
}

void outlock_release(struct outlock *l)
{
	if (!l)
		return;
	/* removed while still held (see above); LOCK_UN releases the lock
	 * even if a forked worker still holds a copy of the descriptor */
	unlinkat(l->dir_fd, l->name, 0);
	flock(l->fd, LOCK_UN);
	close(l->fd);
	close(l->dir_fd);
	free(l->name);
	free(l);
}
