/* cache — rendered pages by key and the last build's record; see cache.h.
 * The trusted objects and file identities are cache_trust.c's. */
#include "incr/cache.h"
#include "incr/cache_internal.h"
#include "base/buf.h"
#include "base/str.h"
#include "base/sysutil.h"
#include "base/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* objects/00 … objects/ff */
enum { SUB_FOLDERS = 256 };

/* Bump when what a key covers or how objects are laid out changes. */
#define CACHE_FORMAT "loa-cache-3"
#define OBJECT_FORMAT "loa-object-3"

bool cache_key_valid(const char *key)
{
	for (int i = 0; i < CACHE_KEY_LEN; i++)
		if (!((key[i] >= '0' && key[i] <= '9') || (key[i] >= 'a' && key[i] <= 'f')))
			return false;
	return key[CACHE_KEY_LEN] == '\0';
}

/* Opens dir_fd/name as a folder without following a symlink, making it
 * first when create. -1 with errno ELOOP or ENOTDIR when it is a symlink
 * or no folder. */
static int open_folder(int dir_fd, const char *name, bool create)
{
	if (create && mkdirat(dir_fd, name, 0755) < 0 && errno != EEXIST)
		return -1;
	return openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* .loa-cache/render/NAME below the parent, one component at a time */
static int open_cache_dir(const struct cache *c, bool create)
{
	const char *const path[] = { ".loa-cache", "render", c->name };
	int fd = c->parent_fd;
	for (int i = 0; i < 3 && fd >= 0; i++) {
		int next = open_folder(fd, path[i], create);
		int e = errno;
		if (fd != c->parent_fd)
			close(fd);
		fd = next;
		errno = e;
	}
	return fd;
}

struct cache *cache_open(const char *out_dir, bool *refused)
{
	*refused = false;
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
	/* never make the output's parent: that is the user's to make */
	int pfd = *name && strcmp(name, ".") && strcmp(name, "..")
			  ? open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
			  : -1;
	if (pfd >= 0) {
		c = xcalloc(1, sizeof(*c));
		c->parent_fd = pfd;
		c->sub_fd = xcalloc(SUB_FOLDERS, sizeof(*c->sub_fd));
		for (int i = 0; i < SUB_FOLDERS; i++)
			atomic_init(&c->sub_fd[i], -1);
		c->name = xstrdup(name);
		/* made when first written (cache_prepare): a build that fails
		 * before rendering leaves nothing beside the output */
		c->dir_fd = open_cache_dir(c, false);
		c->objects_fd = c->dir_fd < 0 ? -1 : open_folder(c->dir_fd, "objects", false);
		if (c->dir_fd < 0 && errno != ENOENT) {
			/* a symlink, a file, or no permission: never trusted */
			*refused = errno == ELOOP || errno == ENOTDIR;
			cache_close(c);
			c = NULL;
		}
	}
	free(copy);
	return c;
}

void cache_close(struct cache *c)
{
	if (!c)
		return;
	if (c->dir_fd >= 0)
		close(c->dir_fd);
	if (c->objects_fd >= 0)
		close(c->objects_fd);
	for (int i = 0; i < SUB_FOLDERS; i++)
		if (atomic_load(&c->sub_fd[i]) >= 0)
			close(atomic_load(&c->sub_fd[i]));
	free((void *)c->sub_fd);
	close(c->parent_fd);
	free(c->name);
	free(c->trust);
	free(c);
}

int cache_prepare(struct cache *c)
{
	if (!c)
		return -1;
	if (c->dir_fd < 0)
		c->dir_fd = open_cache_dir(c, true);
	if (c->dir_fd >= 0 && c->objects_fd < 0) {
		c->objects_new = mkdirat(c->dir_fd, "objects", 0755) == 0;
		c->objects_fd = open_folder(c->dir_fd, "objects", false);
	}
	return c->dir_fd < 0 ? -1 : 0;
}

bool cache_objects_new(const struct cache *c)
{
	return c && c->objects_fd >= 0 && c->objects_new;
}

/* ---- objects ---------------------------------------------------------------------
 *
 * objects/KE/Y... (the key's first two digits name the folder) holds
 *   "loa-object-3 KEY DATA_LEN DIAGS_LEN DEPS_LEN\n" data diags deps SUM
 * where SUM is key_digest (40 hex digits) of everything before it. */

static int hex_digit(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* The folder of key's object, made when create; -1 if none. Kept open in
 * c->sub_fd (the caller does not close it) once objects/ is. */
static int object_dir(const struct cache *c, const char *key, bool create)
{
	if (!c || c->dir_fd < 0 || !cache_key_valid(key))
		return -1;
	if (c->objects_fd < 0)
		return -1; /* opened with the cache, or made by cache_prepare */
	_Atomic int *slot = &c->sub_fd[hex_digit(key[0]) * 16 + hex_digit(key[1])];
	int fd = atomic_load(slot);
	if (fd >= 0)
		return fd;
	char sub[3] = { key[0], key[1], '\0' };
	fd = open_folder(c->objects_fd, sub, create);
	if (fd < 0)
		return -1;
	int none = -1;
	if (!atomic_compare_exchange_strong(slot, &none, fd)) {
		close(fd); /* another thread opened it first */
		fd = none;
	}
	return fd;
}

/* One call from objects/: the key's folder is looked up by the kernel,
 * through a symlink if one were there; that only ever names a file of
 * the identity recorded when it is that very file, unchanged (its
 * device, inode and change time), and nothing is read or written
 * through it. */
int cache_ident(const struct cache *c, const char *key, char ident[CACHE_IDENT_LEN])
{
	struct stat st;
	ident[0] = '\0';
	if (!c || c->objects_fd < 0 || !cache_key_valid(key))
		return 0;
	char rel[CACHE_KEY_LEN + 2];
	rel[0] = key[0];
	rel[1] = key[1];
	rel[2] = '/';
	memcpy(rel + 3, key + 2, CACHE_KEY_LEN - 2);
	rel[CACHE_KEY_LEN + 1] = '\0';
	if (fstatat(c->objects_fd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
		return 0;
	cache_ident_of(&st, ident);
	return 1;
}

void cache_object_release(struct cache_object *o)
{
	buf_release(&o->raw);
	memset(o, 0, sizeof(*o));
	o->raw = (struct buf)BUF_INIT;
}

/* Where the parts of an object lie: after its header line (start), data,
 * diags and deps of those lengths. */
struct object_parts {
	size_t start, dl, gl, pl;
};

/* Where the parts of an object of size bytes lie, when its header (at p,
 * avail bytes of it read) names key and its lengths add up (its digest
 * unchecked). */
static bool object_head(const char *p, size_t avail, size_t size, const char *key,
			struct object_parts *op)
{
	if (size <= CACHE_KEY_LEN)
		return false;
	size_t body = size - CACHE_KEY_LEN, look = body < avail ? body : avail;
	const char *nl = memchr(p, '\n', look < 160 ? look : 160);
	char head[161], fmt[16], okey[CACHE_KEY_LEN + 1];
	uint64_t dl = 0, gl = 0, pl = 0;
	int used = 0;
	if (!nl)
		return false;
	snprintf(head, sizeof(head), "%.*s", (int)(nl - p), p);
	if (sscanf(head, "%15s %40s %" SCNu64 " %" SCNu64 " %" SCNu64 "%n", fmt, okey, &dl, &gl,
		   &pl, &used) != 5 ||
	    (size_t)used != strlen(head) || strcmp(fmt, OBJECT_FORMAT) != 0 ||
	    strcmp(okey, key) != 0)
		return false;
	size_t start = (size_t)(nl + 1 - p);
	if (!(dl <= body && gl <= body && pl <= body && start + dl + gl + pl == body))
		return false;
	*op = (struct object_parts){ start, (size_t)dl, (size_t)gl, (size_t)pl };
	return true;
}

static bool object_frame(const char *p, size_t size, const char *key, struct object_parts *op)
{
	return object_head(p, size, size, key, op);
}

/* The same, when its checksum holds too. */
static bool object_check(const char *p, size_t size, const char *key, struct object_parts *op)
{
	if (!object_frame(p, size, key, op))
		return false;
	/* the lengths add up to the file, then the checksum holds */
	char sum[CACHE_KEY_LEN + 1];
	size_t body = size - CACHE_KEY_LEN;
	key_digest(p, body, sum);
	return memcmp(sum, p + body, CACHE_KEY_LEN) == 0;
}

int cache_load(const struct cache *c, const char *key, struct cache_object *o)
{
	*o = (struct cache_object)CACHE_OBJECT_INIT;
	int found = cache_load_into(c, key, o);
	if (!found)
		cache_object_release(o);
	return found;
}

/* The object of key open, if it is a regular file of a sane size (st
 * filled), else -1. */
static int open_object(const struct cache *c, const char *key, struct stat *st)
{
	int dir = object_dir(c, key, false);
	if (dir < 0)
		return -1;
	int fd = openat(dir, key + 2, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0 && !(fstat(fd, st) == 0 && S_ISREG(st->st_mode) && st->st_size > CACHE_KEY_LEN &&
			 (uint64_t)st->st_size < ((uint64_t)1 << 32))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* o without parts, its buffer kept for the next load */
static void object_clear(struct cache_object *o)
{
	buf_reset(&o->raw);
	o->data = o->diags = o->deps = NULL;
	o->data_len = o->diags_len = o->deps_len = 0;
	o->ident[0] = '\0';
}

/* Reads the object of key into o (cache_load_into): verified in full, or,
 * with trust (the same cache, writable), only framed when its file is the
 * one last verified or written, whose identity is then noted for the next
 * build. */
static int read_object(const struct cache *c, struct cache *trust, const char *known,
		       const char *key, struct cache_object *o, bool *trusted_out)
{
	/* the bytes of the last object are reused: a rebuild loads thousands,
	 * and a fresh buffer for each cost a page fault per page of each */
	object_clear(o);
	struct stat st;
	int fd = open_object(c, key, &st);
	if (fd < 0)
		return 0;
	/* read whole, its size known */
	buf_grow(&o->raw, (size_t)st.st_size + 1);
	bool ok = sys_read_fd(fd, (size_t)st.st_size, &o->raw) == 0 &&
		  o->raw.len == (size_t)st.st_size;
	close(fd);
	struct object_parts op;
	cache_ident_of(&st, o->ident);
	bool trusted = ok && (known ? strcmp(o->ident, known) == 0 : cache_trust_holds(trust, key, &st));
	if (!ok || !(trusted ? object_frame(o->raw.ptr, o->raw.len, key, &op)
			     : object_check(o->raw.ptr, o->raw.len, key, &op))) {
		buf_reset(&o->raw);
		o->ident[0] = '\0';
		return 0;
	}
	if (trusted_out)
		*trusted_out = trusted;
	cache_trust_sound(trust, key, &st, trusted);
	o->data = o->raw.ptr + op.start;
	o->data_len = op.dl;
	o->diags = o->data + op.dl;
	o->diags_len = op.gl;
	o->deps = o->diags + op.gl;
	o->deps_len = op.pl;
	return 1;
}

int cache_read_object(const struct cache *c, struct cache *trust, const char *key,
		      struct cache_object *o)
{
	return read_object(c, trust, NULL, key, o, NULL);
}

int cache_load_known(const struct cache *c, const char *key, const char *ident,
		     struct cache_object *o, bool *trusted)
{
	*trusted = false;
	return read_object(c, NULL, ident, key, o, trusted);
}

int cache_load_deps(const struct cache *c, const char *key, struct cache_object *o)
{
	object_clear(o);
	struct stat st;
	int fd = open_object(c, key, &st);
	if (fd < 0)
		return 0;
	char head[160];
	ssize_t got = pread(fd, head, sizeof(head), 0);
	struct object_parts op;
	bool ok = got > 0 && object_head(head, (size_t)got, (size_t)st.st_size, key, &op);
	size_t tail = ok ? op.gl + op.pl : 0;
	if (ok && tail) {
		buf_grow(&o->raw, tail + 1);
		ok = pread(fd, o->raw.ptr, tail, (off_t)(op.start + op.dl)) == (ssize_t)tail;
		o->raw.len = ok ? tail : 0;
	}
	close(fd);
	if (!ok) {
		buf_reset(&o->raw);
		return 0;
	}
	cache_ident_of(&st, o->ident);
	o->diags = o->raw.ptr;
	o->diags_len = op.gl;
	o->deps = o->raw.ptr + op.gl;
	o->deps_len = op.pl;
	return 1;
}

int cache_load_into(const struct cache *c, const char *key, struct cache_object *o)
{
	return cache_read_object(c, NULL, key, o);
}

/* Maps the object of key, verified or trusted as cache_read_object reads
 * it. */
int cache_map_object(const struct cache *c, struct cache *trust, const char *key,
		     struct cache_map *m)
{
	*m = (struct cache_map)CACHE_MAP_INIT;
	struct stat st;
	int fd = open_object(c, key, &st);
	if (fd < 0)
		return 0;
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return 0;
	struct object_parts op;
	bool trusted = cache_trust_holds(trust, key, &st);
	if (!(trusted ? object_frame(p, (size_t)st.st_size, key, &op)
		      : object_check(p, (size_t)st.st_size, key, &op)) ||
	    op.gl || op.pl) {
		munmap(p, (size_t)st.st_size);
		return 0;
	}
	cache_trust_sound(trust, key, &st, trusted);
	m->base = p;
	m->size = (size_t)st.st_size;
	m->data = (const char *)p + op.start;
	m->data_len = op.dl;
	return 1;
}

int cache_map(const struct cache *c, const char *key, struct cache_map *m)
{
	return cache_map_object(c, NULL, key, m);
}

void cache_unmap(struct cache_map *m)
{
	if (m->base)
		munmap(m->base, m->size);
	*m = (struct cache_map)CACHE_MAP_INIT;
}

/* an object of up to this many parts is written with one writev */
enum { FEW_PARTS = 8 };

/* Writes parts[0..n) to fd: a few with one writev (a page's object:
 * header, page, diagnostics, deps, digest), many with small parts
 * gathered, so that thousands make few writes. 0, or -1. */
static int write_parts(int fd, const struct iovec *parts, size_t n)
{
	if (n <= FEW_PARTS) {
		struct iovec few[FEW_PARTS];
		memcpy(few, parts, n * sizeof(*parts));
		return sys_writev_all(fd, few, n);
	}
	struct buf small = BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (parts[i].iov_len < 4096) {
			buf_add(&small, parts[i].iov_base, parts[i].iov_len);
			if (small.len < 65536)
				continue;
		}
		if (small.len && sys_write_all(fd, small.ptr, small.len) < 0)
			rc = -1;
		buf_reset(&small);
		if (rc == 0 && parts[i].iov_len >= 4096 &&
		    sys_write_all(fd, parts[i].iov_base, parts[i].iov_len) < 0)
			rc = -1;
	}
	if (rc == 0 && small.len && sys_write_all(fd, small.ptr, small.len) < 0)
		rc = -1;
	buf_release(&small);
	return rc;
}

/* Writes parts[0..n) to dir_fd/name through a temporary file in the same
 * folder, renamed: a reader finds the old file or the new one. */
static int write_atomic_parts(int dir_fd, const char *name, const struct iovec *parts, size_t n)
{
	char *tmp = xasprintf("%s.tmp-%ld", name, (long)getpid());
	int fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	int rc = -1;
	if (fd >= 0) {
		rc = write_parts(fd, parts, n);
		if (close(fd) < 0)
			rc = -1;
		if (rc == 0 && renameat(dir_fd, tmp, dir_fd, name) < 0)
			rc = -1;
		if (rc < 0)
			unlinkat(dir_fd, tmp, 0);
	}
	free(tmp);
	return rc;
}

/* An object's file: made in place when there is none (no temporary file
 * and rename: a first build stores every page, and those were a third of
 * the cost of storing), else replaced through a temporary file. A file
 * cut short by a killed build fails its framing or digest when read, and
 * is never trusted (only a build that finished records identities), so
 * the next store replaces it. */
static int write_object(int dir_fd, const char *name, const struct iovec *parts, size_t n)
{
	int fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno == EEXIST ? write_atomic_parts(dir_fd, name, parts, n) : -1;
	int rc = write_parts(fd, parts, n);
	if (close(fd) < 0)
		rc = -1;
	if (rc < 0)
		unlinkat(dir_fd, name, 0); /* a full disk: no object rather than half of one */
	return rc;
}

int cache_write_atomic(int dir_fd, const char *name, const void *data, size_t len)
{
	struct iovec one = { (void *)data, len };
	return write_atomic_parts(dir_fd, name, &one, 1);
}

/* An object of data (parts[0..n), their lengths adding up to dl), then
 * gl bytes of diagnostics and pl of deps (the last parts): its header,
 * the parts where they lie and the digest of all of it, digested as
 * they are and written with few writes, never gathered in one buffer (a
 * first build stores 350 MB of pages at 10,000 pages). */
static int store_framed(const struct cache *c, const char *key, const struct iovec *parts,
			size_t n, size_t dl, size_t gl, size_t pl)
{
	int dir = object_dir(c, key, true);
	if (dir < 0)
		return -1;
	char head[160], sum[CACHE_KEY_LEN + 1];
	int hl = snprintf(head, sizeof(head), "%s %s %zu %zu %zu\n", OBJECT_FORMAT, key, dl, gl,
			  pl);
	struct key_stream ks;
	key_stream_init(&ks);
	buf_add(&ks.buf, head, (size_t)hl);
	for (size_t i = 0; i < n; i++)
		key_stream_add(&ks, parts[i].iov_base, parts[i].iov_len);
	key_stream_finish(&ks, sum);
	struct iovec *all = xcalloc(n + 2, sizeof(*all));
	all[0] = (struct iovec){ head, (size_t)hl };
	memcpy(all + 1, parts, n * sizeof(*parts));
	all[n + 1] = (struct iovec){ sum, CACHE_KEY_LEN };
	int rc = write_object(dir, key + 2, all, n + 2);
	free(all);
	return rc;
}

int cache_store(const struct cache *c, const char *key, const void *data, size_t len,
		const void *diags, size_t diags_len, const void *deps, size_t deps_len)
{
	struct iovec parts[3] = { { (void *)data, len }, { (void *)diags, diags_len },
				  { (void *)deps, deps_len } };
	return store_framed(c, key, parts, 3, len, diags_len, deps_len);
}

int cache_store_parts(const struct cache *c, const char *key, const struct iovec *parts,
		      size_t n)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += parts[i].iov_len;
	return store_framed(c, key, parts, n, len, 0, 0);
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
	memset(r, 0, sizeof(*r));
	if (!c || c->dir_fd < 0)
		return -1;
	struct buf data = BUF_INIT;
	int rc = -1;
	int fd = openat(c->dir_fd, "last-build", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		rc = sys_read_fd(fd, 1 << 24, &data);
	if (fd >= 0)
		close(fd);
	if (rc == 0) {
		buf_putc(&data, '\0');
		char fmt[32], published[CACHE_KEY_LEN + 2], standby[CACHE_KEY_LEN + 2];
		int used = 0;
		rc = sscanf(data.ptr,
			    "%31s %40s %" SCNd64 " %" SCNd64 " %d %" SCNu64 " %" SCNu64 " %" SCNu64
			    " %" SCNd64 " %41s %41s %" SCNu64 "%n",
			    fmt, r->key, &r->valid_from, &r->valid_until, &r->status, &r->pages,
			    &r->files, &r->out_id, &r->next_change, published, standby,
			    &r->standby_id, &used) == 12 &&
				     used > 0 && data.ptr[used] == '\n' &&
				     strcmp(fmt, CACHE_FORMAT) == 0 &&
				     (cache_key_valid(r->key) || strcmp(r->key, "-") == 0)
			     ? 0
			     : -1;
		if (rc == 0 && strcmp(r->key, "-") == 0)
			r->key[0] = '\0';
		/* "-": no fingerprint, which no output matches */
		if (rc == 0 && cache_key_valid(published))
			memcpy(r->published, published, sizeof(r->published));
		if (rc == 0 && cache_key_valid(standby))
			memcpy(r->standby, standby, sizeof(r->standby));
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

int cache_record_write(struct cache *c, const struct cache_record *r, const void *diags,
		       size_t diags_len)
{
	/* no key ("-"): a --worktree build, never "nothing changed" */
	if (!c || (*r->key && !cache_key_valid(r->key)) || cache_prepare(c) < 0)
		return -1;
	struct buf data = BUF_INIT;
	buf_addf(&data,
		 "%s %s %" PRId64 " %" PRId64 " %d %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRId64
		 " %s %s %" PRIu64 "\n",
		 CACHE_FORMAT, *r->key ? r->key : "-", r->valid_from, r->valid_until, r->status,
		 r->pages, r->files, r->out_id, r->next_change,
		 cache_key_valid(r->published) ? r->published : "-",
		 cache_key_valid(r->standby) ? r->standby : "-", r->standby_id);
	put_line(&data, r->next_iso);
	put_line(&data, r->next_where);
	put_line(&data, r->next_why);
	put_line(&data, r->lang);
	buf_add(&data, diags, diags_len);
	int rc = cache_write_atomic(c->dir_fd, "last-build", data.ptr, data.len);
	buf_release(&data);
	return rc;
}

int cache_dir_fd(const struct cache *c)
{
	return c ? c->dir_fd : -1;
}

void cache_record_remove(const struct cache *c)
{
	if (c && c->dir_fd >= 0)
		unlinkat(c->dir_fd, "last-build", 0);
}

/* ---- memos ------------------------------------------------------------------
 *
 * memo-NAME holds "loa-memo-1 ID HASH\n" and the key_digest of that line. */

#define MEMO_FORMAT "loa-memo-1"

static bool memo_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 32)
		return false;
	for (; *name; name++)
		if (*name < 'a' || *name > 'z')
			return false;
	return true;
}

static bool memo_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n >= 200)
		return false;
	for (; *id; id++)
		if (*id <= ' ' || *id > '~')
			return false;
	return true;
}

static void memo_line(struct buf *b, const char *id, const char *hash)
{
	buf_addf(b, "%s %s %s\n", MEMO_FORMAT, id, hash);
	char sum[CACHE_KEY_LEN + 1];
	key_digest(b->ptr, b->len, sum);
	buf_add(b, sum, CACHE_KEY_LEN);
}

int cache_memo_read(const struct cache *c, const char *name, const char *id,
		    char hash[CACHE_KEY_LEN + 1])
{
	hash[0] = '\0';
	if (!c || c->dir_fd < 0 || !memo_name_valid(name) || !memo_id_valid(id))
		return 0;
	char *file = xasprintf("memo-%s", name);
	int fd = openat(c->dir_fd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	free(file);
	if (fd < 0)
		return 0;
	struct stat st;
	struct buf data = BUF_INIT;
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < 512 &&
		  sys_read_fd(fd, 512, &data) == 0;
	close(fd);
	/* the whole file is what this id and the hash it holds would write */
	const char *sp = ok ? memrchr(data.ptr, ' ', data.len) : NULL;
	if (sp && data.ptr + data.len - (sp + 1) == CACHE_KEY_LEN + 1 + CACHE_KEY_LEN) {
		char held[CACHE_KEY_LEN + 1];
		memcpy(held, sp + 1, CACHE_KEY_LEN);
		held[CACHE_KEY_LEN] = '\0';
		struct buf want = BUF_INIT;
		if (cache_key_valid(held)) {
			memo_line(&want, id, held);
			ok = want.len == data.len && memcmp(want.ptr, data.ptr, data.len) == 0;
		} else {
			ok = false;
		}
		buf_release(&want);
		if (ok)
			memcpy(hash, held, CACHE_KEY_LEN + 1);
	} else {
		ok = false;
	}
	buf_release(&data);
	return ok ? 1 : 0;
}

int cache_memo_write(const struct cache *c, const char *name, const char *id, const char *hash)
{
	if (!c || c->dir_fd < 0 || !memo_name_valid(name) || !memo_id_valid(id) ||
	    !cache_key_valid(hash))
		return -1;
	struct buf data = BUF_INIT;
	memo_line(&data, id, hash);
	char *file = xasprintf("memo-%s", name);
	int rc = cache_write_atomic(c->dir_fd, file, data.ptr, data.len);
	free(file);
	buf_release(&data);
	return rc;
}

/* ---- sweeping ----------------------------------------------------------------- */

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* ".tmp-" and digits: a temporary file of write_atomic_parts */
static bool is_tmp_suffix(const char *s)
{
	if (strncmp(s, ".tmp-", 5) != 0 || !s[5])
		return false;
	for (s += 5; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Opens a folder of the cache's own for listing, never through a symlink. */
static DIR *open_listing(int dir_fd, const char *name)
{
	int fd = open_folder(dir_fd, name, false);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d && fd >= 0)
		close(fd);
	return d;
}

void cache_sweep(const struct cache *c, char *const *keep, size_t n)
{
	if (!c || c->dir_fd < 0)
		return;
	DIR *top = open_listing(c->dir_fd, "objects");
	struct dirent *e;
	while (top && (e = readdir(top))) {
		if (strlen(e->d_name) != 2 || !all_hex(e->d_name, 2))
			continue;
		DIR *dh = open_listing(dirfd(top), e->d_name);
		struct dirent *f;
		while (dh && (f = readdir(dh))) {
			/* only names this cache makes: an object (38 hex digits),
			 * its temporary file, or a side file of the old layout */
			const char *rest = f->d_name + CACHE_KEY_LEN - 2;
			if (strlen(f->d_name) < CACHE_KEY_LEN - 2 ||
			    !all_hex(f->d_name, CACHE_KEY_LEN - 2))
				continue;
			bool object = !*rest;
			if (!object && !is_tmp_suffix(rest) && strcmp(rest, ".d") != 0 &&
			    strcmp(rest, ".v") != 0)
				continue;
			char key[CACHE_KEY_LEN + 1];
			memcpy(key, e->d_name, 2);
			memcpy(key + 2, f->d_name, CACHE_KEY_LEN - 2);
			key[CACHE_KEY_LEN] = '\0';
			const char *k = key;
			if (object && n && bsearch(&k, keep, n, sizeof(*keep), str_ptr_cmp))
				continue;
			/* a folder of that name is not the cache's: unlinkat
			 * without AT_REMOVEDIR leaves it */
			unlinkat(dirfd(dh), f->d_name, 0);
		}
		if (dh)
			closedir(dh);
	}
	if (top)
		closedir(top);
	/* and a record or memo a killed build left half written */
	DIR *dh = open_listing(c->dir_fd, ".");
	while (dh && (e = readdir(dh))) {
		const char *tmp = strstr(e->d_name, ".tmp-");
		bool ours = strncmp(e->d_name, "last-build.tmp-", 15) == 0 ||
			    strncmp(e->d_name, "memo-", 5) == 0 ||
			    strncmp(e->d_name, "trusted.tmp-", 12) == 0;
		if (ours && tmp && is_tmp_suffix(tmp))
			unlinkat(dirfd(dh), e->d_name, 0);
	}
	if (dh)
		closedir(dh);
}
