/* repo_worktree — reading files on disk (--worktree).
 *
 * Owns: opening a validated path below the work tree root one component
 * at a time with O_NOFOLLOW (a symlink anywhere on the way is refused, not
 * followed), and reading a regular file with its size checked first. */
#include "source/repo_internal.h"

#include "base/buf.h"
#include "base/diag.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads the regular file open at fd into out, never more than max bytes
 * (the size is checked first, and again while reading in case it grew). */
enum repo_rd repo_read_fd(int fd, size_t max, struct buf *out, size_t *size)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return RD_ERRNO;
	if (!S_ISREG(st.st_mode))
		return RD_NOT_FILE;
	*size = (size_t)st.st_size;
	if ((uintmax_t)st.st_size > max)
		return RD_TOO_LARGE;
	buf_reset(out);
	for (;;) {
		size_t want = max - out->len + 1;
		if (want > 65536)
			want = 65536;
		buf_grow(out, want);
		ssize_t got = read(fd, out->ptr + out->len, want);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return RD_ERRNO;
		}
		if (got == 0)
			break;
		out->len += (size_t)got;
		out->ptr[out->len] = '\0';
		if (out->len > max) {
			*size = out->len;
			return RD_TOO_LARGE;
		}
	}
	*size = out->len;
	return RD_OK;
}

int repo_report_rd(enum repo_rd res, int errnum, size_t size, size_t max, const char *path,
		     struct diag_list *diags)
{
	switch (res) {
	case RD_OK:
		return 0;
	case RD_TOO_LARGE:
		return diag_error(diags, path, 1, 0, "file too large (%zu bytes, limit %zu)", size, max);
	case RD_NOT_FILE:
		return diag_error(diags, path, 0, 0, "not a regular file");
	case RD_ERRNO:
		break;
	}
	return diag_error(diags, path, 0, 0, "cannot read file: %s", strerror(errnum));
}

/* Why openat(dfd, name) failed, as a diagnostic or 1 for "absent". */
int repo_classify_open_failure(int dfd, const char *name, int errnum, const char *path,
				 bool want_dir, struct diag_list *diags)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		return diag_error(diags, path, 0, 0, "cannot open: %s", strerror(errno));
	}
	if (S_ISLNK(st.st_mode))
		return diag_error(diags, path, 0, 0, "symbolic link not followed");
	if (want_dir && !S_ISDIR(st.st_mode))
		return 1; /* a file where a folder would be */
	return diag_error(diags, path, 0, 0, "cannot open: %s", strerror(errnum));
}

/* Opens the validated path below the work tree root without following any
 * symlink on the way. Returns 0 with *fd set, 1 when absent, -1 after
 * reporting. path "" opens the root itself. */
int repo_wt_open(struct repo *r, const char *path, bool want_dir, int *fd,
		   struct diag_list *diags)
{
	*fd = -1;
	int dfd = open(r->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return diag_error(diags, "", 0, 0, "%s: %s", r->path, strerror(errno));
	if (!*path) {
		*fd = dfd;
		return 0;
	}
	char *copy = xstrdup(path);
	int rc = -1;
	for (char *p = copy;;) {
		char *slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		bool last = !slash;
		bool dir = !last || want_dir;
		if (!dir) {
			/* look before opening: opening a device or FIFO can
			 * have effects of its own */
			struct stat st;
			if (fstatat(dfd, p, &st, AT_SYMLINK_NOFOLLOW) < 0) {
				rc = errno == ENOENT ? 1
						     : diag_error(diags, copy, 0, 0, "cannot open: %s",
								  strerror(errno));
				break;
			}
			if (S_ISLNK(st.st_mode)) {
				rc = diag_error(diags, copy, 0, 0, "symbolic link not followed");
				break;
			}
			if (!S_ISREG(st.st_mode)) {
				rc = diag_error(diags, copy, 0, 0, "%s",
						S_ISDIR(st.st_mode) ? "is a folder, not a file"
								    : "not a regular file");
				break;
			}
		}
		int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
			    (dir ? O_DIRECTORY : O_NONBLOCK); /* a FIFO must not block */
		int nfd = openat(dfd, p, flags);
		if (nfd < 0) {
			rc = repo_classify_open_failure(dfd, p, errno, copy, dir, diags);
			break;
		}
		close(dfd);
		dfd = nfd;
		if (last) {
			*fd = dfd;
			dfd = -1;
			rc = 0;
			break;
		}
		*slash = '/';
		p = slash + 1;
	}
	if (dfd >= 0)
		close(dfd);
	free(copy);
	return rc;
}

int repo_wt_read(struct repo *r, const char *path, struct buf *out, bool absent_ok,
		   struct diag_list *diags)
{
	int fd;
	int rc = repo_wt_open(r, path, false, &fd, diags);
	if (rc == 1 && !absent_ok)
		return diag_error(diags, path, 0, 0, "file disappeared");
	if (rc)
		return rc;
	size_t size = 0;
	enum repo_rd res = repo_read_fd(fd, r->max_file_size, out, &size);
	int errnum = errno;
	close(fd);
	return repo_report_rd(res, errnum, size, r->max_file_size, path, diags);
}

