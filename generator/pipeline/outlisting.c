/* outlisting — the listing behind an output fingerprint, and the cheap
 * check that a live folder still matches one; see publish.h.
 *
 * A listing has one line per entry below the folder, depth first and
 * sorted by name: its path, type and mode, size, modification and change
 * times, inode. Checking it again needs no walk: every entry recorded is
 * stat'ed relative to its folder or one above it (see folder_stack), and the names a folder holds need not be read,
 * because adding, removing or renaming an entry changes the folder's own
 * modification and change times, which its line holds (a change time
 * cannot be set back). Only the top folder, whose times the publishing
 * rename changes, has its names read and compared.
 *
 * A long listing is checked in parts (runs of whole lines), side by side on
 * threads: the stats are independent system calls, and the answer is the
 * same whatever the split — true only when every part holds. */
#include "pipeline/outdir.h"
#include "base/buf.h"
#include "base/xalloc.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
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

/* The folders from the top down to the one whose entries are being
 * checked. An entry is stat'ed relative to the nearest folder that is
 * open, so the kernel walks one or two names per entry, not its whole
 * path; a folder is opened (O_PATH, never through a symlink) once a few
 * entries were looked up through it, since opening and closing cost two
 * calls — a folder holding one page's index.html never is. */
struct folder_stack {
	int *fd;	   /* -1: not opened */
	const char **path; /* the folder's path, in the listing */
	size_t *len;	   /* of that path, its "/" included */
	unsigned *uses;	   /* entries looked up through it so far */
	size_t n, cap_fd, cap_path, cap_len, cap_uses;
};

enum { OPEN_AFTER_USES = 4 };

static void stack_push(struct folder_stack *s, int fd, const char *path, size_t len)
{
	ALLOC_GROW(s->fd, s->n + 1, s->cap_fd);
	ALLOC_GROW(s->path, s->n + 1, s->cap_path);
	ALLOC_GROW(s->len, s->n + 1, s->cap_len);
	ALLOC_GROW(s->uses, s->n + 1, s->cap_uses);
	s->fd[s->n] = fd;
	s->path[s->n] = path;
	s->len[s->n] = len;
	s->uses[s->n] = 0;
	s->n++;
}

static void stack_pop(struct folder_stack *s)
{
	if (s->n > 1 && s->fd[s->n - 1] >= 0) /* the bottom is the caller's */
		close(s->fd[s->n - 1]);
	s->n--;
}

/* Stats the entry path (its folder on top of the stack) into st; a
 * folder is pushed, since its entries follow it in the listing. */
static bool stat_entry(struct folder_stack *s, const char *path, size_t len, struct stat *st)
{
	const char *slash = memrchr(path, '/', len);
	size_t parent = slash ? (size_t)(slash - path) + 1 : 0;
	if (!path[parent])
		return false;
	while (s->n > 1 && s->len[s->n - 1] > parent)
		stack_pop(s);
	/* depth first: the top is the entry's folder, or the listing is not
	 * one this build wrote */
	size_t top = s->n - 1;
	if (s->len[top] != parent || (parent && memcmp(s->path[top], path, parent - 1) != 0))
		return false;
	size_t at = top;
	while (s->fd[at] < 0)
		at--; /* the bottom is always open */
	if (at != top && ++s->uses[top] >= OPEN_AFTER_USES) {
		/* its own path from the open folder, without the "/" */
		char rel[PATH_MAX];
		size_t rel_len = parent - 1 - s->len[at];
		if (rel_len >= sizeof(rel))
			return false; /* no such path could be opened */
		memcpy(rel, path + s->len[at], rel_len);
		rel[rel_len] = '\0';
		s->fd[top] = openat(s->fd[at], rel, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s->fd[top] < 0)
			return false;
		at = top;
	}
	if (fstatat(s->fd[at], path + s->len[at], st, AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	if (S_ISDIR(st->st_mode))
		stack_push(s, -1, path, len + 1);
	return true;
}

/* What a part of the check works with, allocated before its thread
 * starts and large enough for the deepest path and longest line (a thread
 * that allocated would take its own arena, and fault in fresh pages). */
struct part {
	int fd;
	const char *p, *end;
	bool below; /* starts below the top folder */
	unsigned char *verdict; /* per line from p, when every line is wanted */
	struct folder_stack stack;
	struct buf line;
	bool ok;
};

static void part_init(struct part *t, int fd, const char *p, const char *end, bool below,
		      size_t depth, size_t line_len)
{
	memset(t, 0, sizeof(*t));
	t->fd = fd;
	t->p = p;
	t->end = end;
	t->below = below;
	struct folder_stack *s = &t->stack;
	ALLOC_GROW(s->fd, depth + 2, s->cap_fd);
	ALLOC_GROW(s->path, depth + 2, s->cap_path);
	ALLOC_GROW(s->len, depth + 2, s->cap_len);
	ALLOC_GROW(s->uses, depth + 2, s->cap_uses);
	buf_grow(&t->line, line_len + 64);
}

static void part_release(struct part *t)
{
	while (t->stack.n > 1)
		stack_pop(&t->stack);
	free(t->stack.fd);
	free(t->stack.len);
	free(t->stack.path);
	free(t->stack.uses);
	buf_release(&t->line);
}

/* The entries of the part's lines checked against the live tree below
 * its fd. A part that starts below the top has its first entry's folders
 * pushed unopened: their own lines, checked by the part before, stay on
 * that part. */
static void *part_run(void *arg)
{
	struct part *t = arg;
	const char *p = t->p, *end = t->end;
	struct folder_stack *stack = &t->stack;
	bool ok = true;
	stack_push(stack, t->fd, "", 0);
	for (const char *s = p; t->below && p < end && (s = strchr(s, '/')); s++)
		stack_push(stack, -1, p, (size_t)(s + 1 - p));
	size_t line = 0;
	while ((ok || t->verdict) && p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *nl = nul ? memchr(nul, '\n', (size_t)(end - nul)) : NULL;
		if (!nl)
			break;
		const char *path = p; /* NUL-terminated by the listing itself */
		struct stat st;
		buf_reset(&t->line);
		ok = stat_entry(stack, path, (size_t)(nul - p), &st);
		if (ok) {
			outdir_listing_line(&t->line, "", path, &st);
			ok = t->line.len == (size_t)(nl + 1 - p) &&
			     memcmp(t->line.ptr, p, t->line.len) == 0;
		}
		if (t->verdict)
			t->verdict[line++] = ok;
		p = nl + 1;
	}
	t->ok = ok && p == end;
	return NULL;
}

/* At most this many parts, and one for each this many bytes of listing
 * (about 450 entries): a part is a thread, which costs about what a few
 * dozen stats do. */
enum { MAX_PARTS = 4, PART_BYTES = 64 * 1024 };

/* One pass over the listing's lines, serial and cheap: every line well
 * formed, the top-level entries exactly the top folder's names in order,
 * and where the parts start (splits[0..*nparts], by bytes, at lines). */
static bool scan_listing(int fd, const char *p, const char *end, unsigned parts,
			 const char **splits, unsigned *nparts, size_t *depth, size_t *line_len)
{
	char **top = NULL;
	size_t ntop = 0, seen = 0;
	bool ok = top_names(fd, &top, &ntop) == 0;
	const char *start = p;
	size_t len = (size_t)(end - p);
	unsigned n = 0;
	splits[n++] = p;
	while (ok && p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *nl = nul ? memchr(nul, '\n', (size_t)(end - nul)) : NULL;
		if (!nl || nul == p) {
			ok = false;
			break;
		}
		size_t slashes = 0;
		for (const char *c = p; (c = memchr(c, '/', (size_t)(nul - c))); c++)
			slashes++;
		/* a top-level entry: the next of the folder's names */
		if (!slashes)
			ok = seen < ntop && strcmp(top[seen++], p) == 0;
		if (slashes + 1 > *depth)
			*depth = slashes + 1;
		if ((size_t)(nl + 1 - p) > *line_len)
			*line_len = (size_t)(nl + 1 - p);
		p = nl + 1;
		if (n < parts && (size_t)(p - start) >= len / parts * n && p < end)
			splits[n++] = p;
	}
	ok = ok && seen == ntop;
	splits[n] = end;
	*nparts = n;
	for (size_t i = 0; i < ntop; i++)
		free(top[i]);
	free(top);
	return ok;
}

bool outdir_listing_holds_parts(const char *dir, const char *listing, size_t len,
				unsigned parts)
{
	if (parts < 1)
		parts = 1;
	if (parts > MAX_PARTS)
		parts = MAX_PARTS;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	const char *splits[MAX_PARTS + 1];
	unsigned n = 0;
	size_t depth = 0, line_len = 0;
	bool ok = scan_listing(fd, listing, listing + len, parts, splits, &n, &depth, &line_len);
	struct part part[MAX_PARTS];
	pthread_t tid[MAX_PARTS];
	bool started[MAX_PARTS] = { false };
	/* the stats are plain system calls: the parts run side by side, and
	 * the answer is theirs all together (any part failing, or a thread
	 * that cannot start and whose part is then checked here) */
	for (unsigned i = 0; ok && i < n; i++) {
		part_init(&part[i], fd, splits[i], splits[i + 1], i > 0, depth, line_len);
		if (i > 0)
			started[i] = pthread_create(&tid[i], NULL, part_run, &part[i]) == 0;
	}
	for (unsigned i = 0; ok && i < n; i++) {
		if (i > 0 && started[i])
			pthread_join(tid[i], NULL);
		else
			part_run(&part[i]);
	}
	bool all = ok;
	for (unsigned i = 0; ok && i < n; i++) {
		all = all && part[i].ok;
		part_release(&part[i]);
	}
	ok = all;
	close(fd);
	return ok;
}

/* One part a processor, up to MAX_PARTS, for a listing long enough. */
bool outdir_listing_holds(const char *dir, const char *listing, size_t len)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t parts = len / PART_BYTES;
	if (cpus >= 1 && parts > (size_t)cpus)
		parts = (size_t)cpus;
	return outdir_listing_holds_parts(dir, listing, len,
					  parts > MAX_PARTS ? MAX_PARTS : (unsigned)parts);
}

/* The lines' well-formedness, their count, where the parts start
 * (splits[0..*nparts], by bytes, at lines) and the line each starts at. */
static bool split_lines(const char *p, const char *end, unsigned parts, const char **splits,
			size_t *first, unsigned *nparts, size_t *nlines, size_t *depth,
			size_t *line_len)
{
	const char *start = p;
	size_t len = (size_t)(end - p), lines = 0;
	unsigned n = 0;
	first[n] = 0;
	splits[n++] = p;
	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *nl = nul ? memchr(nul, '\n', (size_t)(end - nul)) : NULL;
		if (!nl || nul == p)
			return false;
		size_t slashes = 0;
		for (const char *c = p; (c = memchr(c, '/', (size_t)(nul - c))); c++)
			slashes++;
		if (slashes + 1 > *depth)
			*depth = slashes + 1;
		if ((size_t)(nl + 1 - p) > *line_len)
			*line_len = (size_t)(nl + 1 - p);
		p = nl + 1;
		lines++;
		if (n < parts && (size_t)(p - start) >= len / parts * n && p < end) {
			first[n] = lines;
			splits[n++] = p;
		}
	}
	splits[n] = end;
	*nparts = n;
	*nlines = lines;
	return true;
}

size_t outdir_listing_verdicts(int dir_fd, const char *listing, size_t len, unsigned char *ok,
			       size_t max_lines)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = len / PART_BYTES;
	if (cpus >= 1 && want > (size_t)cpus)
		want = (size_t)cpus;
	unsigned parts = want < 1 ? 1 : want > MAX_PARTS ? MAX_PARTS : (unsigned)want;
	const char *splits[MAX_PARTS + 1];
	size_t first[MAX_PARTS + 1];
	unsigned n = 0;
	size_t nlines = 0, depth = 0, line_len = 0;
	if (!split_lines(listing, listing + len, parts, splits, first, &n, &nlines, &depth,
			 &line_len) ||
	    nlines > max_lines)
		return 0;
	memset(ok, 0, nlines);
	struct part part[MAX_PARTS];
	pthread_t tid[MAX_PARTS];
	bool started[MAX_PARTS] = { false };
	for (unsigned i = 0; i < n; i++) {
		part_init(&part[i], dir_fd, splits[i], splits[i + 1], i > 0, depth, line_len);
		part[i].verdict = ok + first[i];
		if (i > 0)
			started[i] = pthread_create(&tid[i], NULL, part_run, &part[i]) == 0;
	}
	for (unsigned i = 0; i < n; i++) {
		if (i > 0 && started[i])
			pthread_join(tid[i], NULL);
		else
			part_run(&part[i]);
		part_release(&part[i]);
	}
	return nlines;
}
