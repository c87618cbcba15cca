/* outdir_fingerprint — owns the fingerprint of an output tree: every
 * name, type, mode, size, times and inode below a folder, listed in a
 * fixed order and hashed, so that a hand edit of a published site shows
 * (outdir_fingerprint, outdir_fingerprint_path; see outdir.h). */
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- fingerprints ----------------------------------------------------- */

/* Appends one line per entry below the folder open as fd (sorted by name,
 * depth first; symlinks are listed, never followed): its path, type and
 * mode, size, modification and change times and inode. The change time
 * cannot be set back by a user, so an edit that restores the size and
 * mtime still shows. Each level holds one descriptor: a tree too deep to
 * walk is an error (the folder then counts as changed). */
static int list_tree(int fd, const char *prefix, struct buf *acc)
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
		if (S_ISDIR(st.st_mode)) {
			int child = openat(fd, n.v[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			char *sub = xasprintf("%s%s/", prefix, n.v[i]);
			rc = child < 0 ? -1 : list_tree(child, sub, acc);
			free(sub);
			if (child >= 0)
				close(child);
		}
	}
	outdir_names_release(&n);
	return rc;
}

static int fingerprint_fd(int fd, char hex[41], struct buf *listing)
{
	struct buf acc = BUF_INIT;
	int rc = list_tree(fd, "", &acc);
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
	return fingerprint_fd(outdir_tmp_fd(o), hex, listing);
}

int outdir_fingerprint_path(const char *dir, char hex[41])
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		hex[0] = '\0';
		return -1;
	}
	int rc = fingerprint_fd(fd, hex, NULL);
	close(fd);
	return rc;
}
