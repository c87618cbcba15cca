/* imgcache — the on-disk cache of processed images (see imgcache.h).
 *
 * An entry is one file: a header line
 *   LOAIMG1 FORMAT WIDTH HEIGHT N (VW VH)×N (LEN)×(N+1) SUM
 * (decimal numbers, SUM the git blob id of the payload), then the payload:
 * the N+1 outputs back to back. Every number is checked against what the
 * parameters of this build would give (image_plan), so an entry can only
 * ever hand back what processing would have made. */
#include "media/imgcache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/sysutil.h"
#include "base/xalloc.h"
#include "media/images.h"
#include "source/repo.h"

/* A bigger entry is not one of ours: limits.file_size_kb caps the source
 * and the outputs are re-encodings of it, at most a few times its size. */
#define ENTRY_MAX (256u << 20)
#define HEADER_MAX 512
#define STALE_SECONDS 3600

struct image_cache {
	int dirfd;
	char *path;
};

/* Opens (and with create, makes) name below dirfd, never through a link. */
static int open_dir_at(int dirfd, const char *name, bool create)
{
	if (create && mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST)
		return -1;
	return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Removes the temporary files of writers killed before their rename (a
 * worker past its deadline) once they are an hour old: by then no build
 * that could still rename them is running. */
static void remove_stale(int dirfd)
{
	int fd = dup(dirfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;
	struct stat st;
	time_t now = time(NULL);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)))
		if (strncmp(e->d_name, ".tmp-", 5) == 0 &&
		    fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    now - st.st_mtime > STALE_SECONDS)
			unlinkat(dirfd, e->d_name, 0);
	closedir(d);
}

int image_cache_open(struct image_cache **c, const char *out_dir, bool create)
{
	*c = NULL;
	if (!out_dir || !*out_dir)
		return 0;
	/* the parent of out_dir: "public" → ".", "/a/b/" → "/a" */
	char *parent = xstrdup(out_dir);
	size_t n = strlen(parent);
	while (n > 1 && parent[n - 1] == '/')
		parent[--n] = '\0';
	char *slash = strrchr(parent, '/');
	if (!slash)
		strcpy(parent, ".");
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	int root = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int top = root < 0 ? -1 : open_dir_at(root, ".loa-cache", create);
	int dirfd = top < 0 ? -1 : open_dir_at(top, "images", create);
	if (root >= 0)
		close(root);
	if (top >= 0)
		close(top);
	if (dirfd >= 0 && create)
		remove_stale(dirfd);
	if (dirfd >= 0) {
		*c = xcalloc(1, sizeof(**c));
		(*c)->dirfd = dirfd;
		(*c)->path = xasprintf("%s/.loa-cache/images", parent);
	}
	free(parent);
	return 0;
}

void image_cache_free(struct image_cache *c)
{
	if (!c)
		return;
	close(c->dirfd);
	free(c->path);
	free(c);
}

const char *image_cache_path(const struct image_cache *c)
{
	return c ? c->path : NULL;
}

void image_cache_key(const char *blob_oid, char key[41])
{
	struct buf b = BUF_INIT;
	image_params(&b);
	buf_addf(&b, "blob %s\n", blob_oid);
	repo_hash_bytes(b.ptr, b.len, key);
	buf_release(&b);
}

/* ---- reading ------------------------------------------------------------ */

/* Reads one decimal number (no sign, no leading zeros beyond "0") followed
 * by a space or the end of the line. */
static bool read_num(const char **p, const char *end, unsigned long long max,
		     unsigned long long *out)
{
	const char *q = *p;
	unsigned long long v = 0;
	if (q >= end || *q < '0' || *q > '9' || (*q == '0' && q + 1 < end && q[1] >= '0' && q[1] <= '9'))
		return false;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		v = v * 10 + (unsigned)(*q - '0');
		if (v > max)
			return false;
	}
	if (q >= end || (*q != ' ' && *q != '\n'))
		return false;
	*out = v;
	*p = q + (*q == ' ');
	return true;
}

static int read_entry(int fd, struct buf *data)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (unsigned long long)st.st_size > ENTRY_MAX)
		return -1;
	buf_grow(data, (size_t)st.st_size);
	size_t have = 0;
	while (have < (size_t)st.st_size) {
		ssize_t n = read(fd, data->ptr + have, (size_t)st.st_size - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		have += (size_t)n;
	}
	/* buf_grow made room for the bytes and the NUL */
	data->len = have;
	data->ptr[have] = '\0';
	return 0;
}

/* Parses and checks an entry; fills f and out on success. */
static int parse_entry(const struct buf *data, struct image_facts *f, struct buf *out)
{
	const char *p = data->ptr, *end;
	const char *nl = memchr(p, '\n', data->len < HEADER_MAX ? data->len : HEADER_MAX);
	unsigned long long v, lens[IMAGE_MAX_VARIANTS + 1], total = 0;
	struct image_facts want;

	if (!nl || strncmp(p, "LOAIMG1 ", 8) != 0)
		return -1;
	end = nl + 1;
	p += 8;
	memset(&want, 0, sizeof(want));
	if (!read_num(&p, end, IMAGE_GIF, &v) || v == IMAGE_NONE)
		return -1;
	want.format = (enum image_format)v;
	if (!read_num(&p, end, IMAGE_MAX_SIDE, &v))
		return -1;
	want.width = (unsigned)v;
	if (!read_num(&p, end, IMAGE_MAX_SIDE, &v))
		return -1;
	want.height = (unsigned)v;
	/* the plan is recomputed, not trusted */
	image_plan(&want);
	if (!read_num(&p, end, IMAGE_MAX_VARIANTS, &v) || v != want.nvariants)
		return -1;
	for (unsigned i = 0; i < want.nvariants; i++) {
		unsigned long long w, h;
		if (!read_num(&p, end, IMAGE_MAX_SIDE, &w) || !read_num(&p, end, IMAGE_MAX_SIDE, &h) ||
		    w != want.vwidth[i] || h != want.vheight[i])
			return -1;
	}
	for (unsigned i = 0; i <= want.nvariants; i++) {
		if (!read_num(&p, end, ENTRY_MAX, &lens[i]) || lens[i] == 0)
			return -1;
		total += lens[i];
	}
	if (end - p != 41 || p[40] != '\n')
		return -1;
	size_t payload = (size_t)(end - data->ptr);
	if (total != data->len - payload)
		return -1;
	char sum[41];
	repo_hash_bytes(data->ptr + payload, (size_t)total, sum);
	if (memcmp(sum, p, 40) != 0)
		return -1;
	*f = want;
	size_t off = payload;
	for (unsigned i = 0; i <= want.nvariants; i++) {
		buf_reset(&out[i]);
		buf_add(&out[i], data->ptr + off, (size_t)lens[i]);
		off += (size_t)lens[i];
	}
	return 0;
}

static bool key_valid(const char *key)
{
	size_t i = 0;
	for (; key[i]; i++)
		if (!((key[i] >= '0' && key[i] <= '9') || (key[i] >= 'a' && key[i] <= 'f')))
			return false;
	return i == 40;
}

int image_cache_get(struct image_cache *c, const char *key, struct image_facts *f,
		    struct buf *out)
{
	if (!c || !key_valid(key))
		return 0;
	int fd = openat(c->dirfd, key, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	struct buf data = BUF_INIT;
	int ok = read_entry(fd, &data) == 0 && parse_entry(&data, f, out) == 0;
	close(fd);
	buf_release(&data);
	return ok;
}

/* ---- writing -------------------------------------------------------------- */

int image_cache_put(struct image_cache *c, const char *key, const struct image_facts *f,
		    const struct buf *out)
{
	if (!c || !key_valid(key))
		return -1;
	struct buf head = BUF_INIT, payload = BUF_INIT;
	char sum[41], tmp[80];
	int ret = -1;

	for (unsigned i = 0; i <= f->nvariants; i++)
		buf_add(&payload, out[i].ptr, out[i].len);
	repo_hash_bytes(payload.ptr, payload.len, sum);
	buf_addf(&head, "LOAIMG1 %d %u %u %u", (int)f->format, f->width, f->height, f->nvariants);
	for (unsigned i = 0; i < f->nvariants; i++)
		buf_addf(&head, " %u %u", f->vwidth[i], f->vheight[i]);
	for (unsigned i = 0; i <= f->nvariants; i++)
		buf_addf(&head, " %zu", out[i].len);
	buf_addf(&head, " %s\n", sum);

	/* unique per process: workers of one build, and two builds sharing
	 * the cache, never write the same temporary file */
	snprintf(tmp, sizeof(tmp), ".tmp-%s-%ld", key, (long)getpid());
	int fd = openat(c->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		goto done;
	bool written = sys_write_all(fd, head.ptr, head.len) == 0 &&
		       sys_write_all(fd, payload.ptr, payload.len) == 0;
	if (close(fd) == 0 && written && renameat(c->dirfd, tmp, c->dirfd, key) == 0)
		ret = 0;
	else
		unlinkat(c->dirfd, tmp, 0);
done:
	buf_release(&head);
	buf_release(&payload);
	return ret;
}
