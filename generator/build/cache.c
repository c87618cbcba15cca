/* cache — rendered pages by key and the last build's record; see cache.h. */
#include "build/cache.h"
#include "base/buf.h"
#include "base/sysutil.h"
#include "base/xalloc.h"
#include "source/repo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct cache {
	char *dir; /* .loa-cache/render/NAME */
};

/* Bump when what a key covers or how objects are laid out changes. */
#define CACHE_FORMAT "loa-cache-1"

static bool key_valid(const char *key)
{
	for (int i = 0; i < CACHE_KEY_LEN; i++)
		if (!((key[i] >= '0' && key[i] <= '9') || (key[i] >= 'a' && key[i] <= 'f')))
			return false;
	return key[CACHE_KEY_LEN] == '\0';
}

struct cache *cache_open(const char *out_dir)
{
	/* parent and name of the output folder, trailing slashes ignored */
	char *copy = xstrdup(out_dir);
	size_t n = strlen(copy);
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	char *slash = strrchr(copy, '/');
	const char *name = slash ? slash + 1 : copy;
	const char *parent = slash ? (slash == copy ? "/" : copy) : ".";
	if (slash)
		*slash = '\0';
	struct cache *c = NULL;
	struct stat st;
	/* never make the output's parent: that is the user's to make */
	if (*name && strcmp(name, ".") && strcmp(name, "..") && stat(parent, &st) == 0 &&
	    S_ISDIR(st.st_mode)) {
		/* made when first written: a build that fails before
		 * rendering leaves nothing beside the output */
		c = xcalloc(1, sizeof(*c));
		c->dir = xasprintf("%s/.loa-cache/render/%s", parent, name);
	}
	free(copy);
	return c;
}

void cache_close(struct cache *c)
{
	if (!c)
		return;
	free(c->dir);
	free(c);
}

static int object_path(const struct cache *c, const char *key, const char *suffix, char *path,
		       size_t size)
{
	if (!key_valid(key))
		return -1;
	int n = snprintf(path, size, "%s/objects/%.2s/%s%s", c->dir, key, key + 2, suffix);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

const char *cache_lookup(const struct cache *c, const char *key, char *path, size_t size)
{
	struct stat st;
	if (!c || object_path(c, key, "", path, size) < 0)
		return NULL;
	return lstat(path, &st) == 0 && S_ISREG(st.st_mode) ? path : NULL;
}

/* Writes data to path through a temporary file in the same folder. */
static int write_atomic(const char *path, const void *data, size_t len)
{
	char *tmp = xasprintf("%s.tmp-%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	int rc = -1;
	if (fd >= 0) {
		/* 0644 whatever the umask: objects are linked into the output */
		rc = fchmod(fd, 0644) == 0 && sys_write_all(fd, data, len) == 0 ? 0 : -1;
		if (close(fd) < 0)
			rc = -1;
		if (rc == 0 && rename(tmp, path) < 0)
			rc = -1;
		if (rc < 0)
			unlink(tmp);
	}
	free(tmp);
	return rc;
}

int cache_store(const struct cache *c, const char *key, const void *data, size_t len,
		const void *diags, size_t diags_len, const void *deps, size_t deps_len, char *path,
		size_t size)
{
	if (!c || object_path(c, key, "", path, size) < 0)
		return -1;
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	int rc = sys_mkdir_p(dir);
	free(dir);
	/* the side files first: an object found means they are there too */
	const char *const suffix[] = { ".d", ".v" };
	const void *side[] = { diags, deps };
	size_t side_len[] = { diags_len, deps_len };
	for (int i = 0; i < 2 && rc == 0; i++) {
		char spath[4096];
		if (object_path(c, key, suffix[i], spath, sizeof(spath)) < 0)
			rc = -1;
		else if (side_len[i])
			rc = write_atomic(spath, side[i], side_len[i]);
		else if (unlink(spath) < 0 && errno != ENOENT)
			rc = -1;
	}
	if (rc == 0)
		rc = write_atomic(path, data, len);
	return rc;
}

static int side_file(const struct cache *c, const char *key, const char *suffix, struct buf *out)
{
	char path[4096];
	if (!c || object_path(c, key, suffix, path, sizeof(path)) < 0)
		return -1;
	if (sys_read_file(path, 0, false, out) < 0)
		return errno == ENOENT ? 0 : -1;
	return 0;
}

int cache_diags(const struct cache *c, const char *key, struct buf *out)
{
	return side_file(c, key, ".d", out);
}

int cache_deps(const struct cache *c, const char *key, struct buf *out)
{
	return side_file(c, key, ".v", out);
}

/* ---- the record --------------------------------------------------------------- */

/* The record: one line of numbers, one line per string, then the
 * diagnostics as diag_list_encode wrote them. */
static const char *next_line(const char *p, const char *end, char *out, size_t size)
{
	const char *nl = p ? memchr(p, '\n', (size_t)(end - p)) : NULL;
	if (!nl)
		return NULL;
	snprintf(out, size, "%.*s", (int)(nl - p), p);
	return nl + 1;
}

int cache_record_read(const struct cache *c, struct cache_record *r, struct buf *diags)
{
	if (!c)
		return -1;
	struct buf data = BUF_INIT;
	char *path = xasprintf("%s/last-build", c->dir);
	int rc = sys_read_file(path, 0, false, &data);
	free(path);
	memset(r, 0, sizeof(*r));
	if (rc == 0) {
		buf_putc(&data, '\0');
		char fmt[32];
		int used = 0;
		rc = sscanf(data.ptr,
			    "%31s %40s %" SCNd64 " %" SCNd64 " %d %" SCNu64 " %" SCNu64 " %" SCNu64
			    " %" SCNd64 "%n",
			    fmt, r->key, &r->valid_from, &r->valid_until, &r->status, &r->pages,
			    &r->files, &r->out_id, &r->next_change, &used) == 9 &&
				     used > 0 && data.ptr[used] == '\n' &&
				     strcmp(fmt, CACHE_FORMAT) == 0 && key_valid(r->key)
			     ? 0
			     : -1;
		used++; /* the newline: a "\n" in the format would also eat empty lines */
		const char *end = data.ptr + data.len - 1, *p = data.ptr + used;
		if (rc == 0) {
			p = next_line(p, end, r->next_iso, sizeof(r->next_iso));
			p = next_line(p, end, r->next_where, sizeof(r->next_where));
			p = next_line(p, end, r->next_why, sizeof(r->next_why));
			p = next_line(p, end, r->lang, sizeof(r->lang));
			if (p)
				buf_add(diags, p, (size_t)(end - p));
			else
				rc = -1;
		}
	}
	buf_release(&data);
	return rc;
}

static void put_line(struct buf *b, const char *s)
{
	for (; *s; s++)
		buf_putc(b, *s == '\n' ? ' ' : *s);
	buf_putc(b, '\n');
}

int cache_record_write(const struct cache *c, const struct cache_record *r, const void *diags,
		       size_t diags_len)
{
	if (!c || !key_valid(r->key))
		return -1;
	struct buf data = BUF_INIT;
	buf_addf(&data,
		 "%s %s %" PRId64 " %" PRId64 " %d %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRId64 "\n",
		 CACHE_FORMAT, r->key, r->valid_from, r->valid_until, r->status, r->pages, r->files,
		 r->out_id, r->next_change);
	put_line(&data, r->next_iso);
	put_line(&data, r->next_where);
	put_line(&data, r->next_why);
	put_line(&data, r->lang);
	buf_add(&data, diags, diags_len);
	char *path = xasprintf("%s/last-build", c->dir);
	int rc = sys_mkdir_p(c->dir) == 0 ? write_atomic(path, data.ptr, data.len) : -1;
	free(path);
	buf_release(&data);
	return rc;
}

void cache_record_remove(const struct cache *c)
{
	if (!c)
		return;
	char *path = xasprintf("%s/last-build", c->dir);
	unlink(path);
	free(path);
}

/* ---- sweeping ----------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void cache_sweep(const struct cache *c, char *const *keep, size_t n)
{
	if (!c)
		return;
	char *objects = xasprintf("%s/objects", c->dir);
	DIR *top = opendir(objects);
	struct dirent *e;
	while (top && (e = readdir(top))) {
		if (strlen(e->d_name) != 2 || e->d_name[0] == '.')
			continue;
		char *sub = xasprintf("%s/%s", objects, e->d_name);
		DIR *dh = opendir(sub);
		struct dirent *f;
		while (dh && (f = readdir(dh))) {
			if (f->d_name[0] == '.')
				continue;
			char key[CACHE_KEY_LEN + 1] = "";
			size_t len = strlen(f->d_name);
			bool keep_it = false;
			if (len == CACHE_KEY_LEN - 2 ||
			    (len == CACHE_KEY_LEN && (!strcmp(f->d_name + len - 2, ".d") ||
							 !strcmp(f->d_name + len - 2, ".v")))) {
				memcpy(key, e->d_name, 2);
				memcpy(key + 2, f->d_name, CACHE_KEY_LEN - 2);
				key[CACHE_KEY_LEN] = '\0';
				const char *k = key;
				keep_it = n && bsearch(&k, keep, n, sizeof(*keep), cmp_str);
			}
			/* stray temporary files of a killed build go too */
			if (!keep_it)
				unlinkat(dirfd(dh), f->d_name, 0);
		}
		if (dh)
			closedir(dh);
		free(sub);
	}
	if (top)
		closedir(top);
	free(objects);
	/* and a record a killed build left half written */
	DIR *dh = opendir(c->dir);
	while (dh && (e = readdir(dh)))
		if (strncmp(e->d_name, "last-build.tmp-", 15) == 0)
			unlinkat(dirfd(dh), e->d_name, 0);
	if (dh)
		closedir(dh);
}

/* ---- keys ------------------------------------------------------------------------- */

void key_add_bytes(struct buf *k, const void *p, size_t len)
{
	buf_addf(k, "%zu:", len);
	buf_add(k, p, len);
}

void key_add_str(struct buf *k, const char *s)
{
	if (!s)
		buf_puts(k, "-;"); /* NULL differs from "" */
	else
		key_add_bytes(k, s, strlen(s));
}

void key_add_i64(struct buf *k, int64_t v)
{
	buf_addf(k, "%" PRId64 ";", v);
}

void key_finish(const struct buf *k, char out[CACHE_KEY_LEN + 1])
{
	repo_hash_bytes(k->ptr ? k->ptr : "", k->len, out);
	out[CACHE_KEY_LEN] = '\0';
}
