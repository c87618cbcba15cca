/* outlisting — the listing behind an output fingerprint, and the cheap
 * check that a live folder still matches one; see publish.h.
 *
 * A listing has one line per entry below the folder, depth first and
 * sorted by name: its path, type and mode, size, modification and change
 * times, inode. Checking it again needs no walk: every entry recorded is
 * stat'ed by its path, and the names a folder holds need not be read,
 * because adding, removing or renaming an entry changes the folder's own
 * modification and change times, which its line holds (a change time
 * cannot be set back). Only the top folder, whose times the publishing
 * rename changes, has its names read and compared. */
#include "pipeline/outdir.h"
#include "base/buf.h"
#include "base/xalloc.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Digits of v in base (8 or 10), at least width of them. */
static void put_num(struct buf *b, unsigned long long v, unsigned base, int width)
{
	char tmp[32];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % base);
		v /= base;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	buf_grow(b, (size_t)n);
	while (n)
		b->ptr[b->len++] = tmp[--n];
	b->ptr[b->len] = '\0';
}

static void put_signed(struct buf *b, long long v)
{
	if (v < 0) {
		buf_putc(b, '-');
		put_num(b, 0ull - (unsigned long long)v, 10, 1);
	} else {
		put_num(b, (unsigned long long)v, 10, 1);
	}
}

static void put_time(struct buf *b, const struct timespec *t)
{
	put_signed(b, (long long)t->tv_sec);
	buf_putc(b, '.');
	put_num(b, (unsigned long long)t->tv_nsec, 10, 9);
}

/* "PATH\0MODE SIZE MTIME CTIME INODE\n", as
 * "%s%s%c%o %lld %lld.%09ld %lld.%09ld %llu\n" would write it (by hand:
 * the check formats one line per entry, and printf was a tenth of it). */
void outdir_listing_line(struct buf *acc, const char *prefix, const char *name,
			 const struct stat *st)
{
	buf_puts(acc, prefix);
	buf_puts(acc, name);
	buf_add(acc, "", 1);
	put_num(acc, (unsigned)st->st_mode, 8, 1);
	buf_putc(acc, ' ');
	put_signed(acc, (long long)st->st_size);
	buf_putc(acc, ' ');
	put_time(acc, &st->st_mtim);
	buf_putc(acc, ' ');
	put_time(acc, &st->st_ctim);
	buf_putc(acc, ' ');
	put_num(acc, (unsigned long long)st->st_ino, 10, 1);
	buf_putc(acc, '\n');
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The top folder's names, sorted: n of them in *out (each owned). */
static int top_names(int fd, char ***out, size_t *n)
{
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int dup = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dup < 0 ? NULL : fdopendir(dup);
	if (!d) {
		if (dup >= 0)
			close(dup);
		return -1;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		ALLOC_GROW(*out, *n + 1, cap);
		(*out)[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), cmp_str);
	return 0;
}

static bool listing_holds_fd(int fd, const char *p, const char *end)
{
	char **top = NULL;
	size_t ntop = 0, seen = 0;
	bool ok = top_names(fd, &top, &ntop) == 0;
	struct buf line = BUF_INIT;
	while (ok && p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *nl = nul ? memchr(nul, '\n', (size_t)(end - nul)) : NULL;
		if (!nl) {
			ok = false;
			break;
		}
		const char *path = p; /* NUL-terminated by the listing itself */
		struct stat st;
		buf_reset(&line);
		if (path[0] == '\0' || fstatat(fd, path, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			ok = false;
			break;
		}
		outdir_listing_line(&line, "", path, &st);
		ok = line.len == (size_t)(nl + 1 - p) && memcmp(line.ptr, p, line.len) == 0;
		/* a top-level entry: the next of the folder's names */
		if (ok && !strchr(path, '/'))
			ok = seen < ntop && strcmp(top[seen++], path) == 0;
		p = nl + 1;
	}
	ok = ok && seen == ntop;
	for (size_t i = 0; i < ntop; i++)
		free(top[i]);
	free(top);
	buf_release(&line);
	return ok;
}

bool outdir_listing_holds(const char *dir, const char *listing, size_t len)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = listing_holds_fd(fd, listing, listing + len);
	close(fd);
	return ok;
}
