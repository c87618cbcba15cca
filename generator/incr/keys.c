/* keys — the inputs of a build and of each render as key fields; see keys.h. */
#include "incr/keys.h"
#include "base/buf.h"
#include "base/str.h"
#include "base/sysutil.h"
#include "base/value.h"
#include "base/xalloc.h"
#include "incr/cache.h"
#include "incr/key.h"
#include "site/site.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void keys_value(struct buf *k, const struct value *v)
{
	if (!v) {
		buf_puts(k, "N;");
		return;
	}
	switch (v->kind) {
	case VALUE_SCALAR:
		buf_puts(k, v->plain ? "P" : "Q");
		key_add_bytes(k, v->str, v->len);
		break;
	case VALUE_LIST:
		buf_puts(k, "L");
		key_add_i64(k, (int64_t)v->n);
		for (size_t i = 0; i < v->n; i++)
			keys_value(k, v->items[i]);
		break;
	case VALUE_MAP:
		buf_puts(k, "M");
		key_add_i64(k, (int64_t)v->n);
		for (size_t i = 0; i < 2 * v->n; i++)
			keys_value(k, v->items[i]);
		break;
	}
}

/* A file's bytes as one field (length first, like key_add_bytes). */
static int read_into(const char *path, struct buf *k, bool follow)
{
	struct buf data = BUF_INIT;
	int rc = sys_read_file(path, 0, follow, &data);
	if (rc == 0)
		key_add_bytes(k, data.ptr, data.len);
	buf_release(&data);
	return rc;
}

static void tree_walk(struct buf *k, const char *root, const char *rel, int depth)
{
	char *dir = *rel ? xasprintf("%s/%s", root, rel) : xstrdup(root);
	DIR *dh = opendir(dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while (dh && (e = readdir(dh))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		ALLOC_GROW(names, n + 1, cap);
		names[n++] = xstrdup(e->d_name);
	}
	if (dh)
		closedir(dh);
	if (n > 1) /* qsort of NULL is undefined, even of nothing */
		qsort(names, n, sizeof(*names), str_ptr_cmp);
	for (size_t i = 0; i < n; i++) {
		char *child = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		char *full = xasprintf("%s/%s", root, child);
		struct stat st;
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode) && depth < 32) {
			tree_walk(k, root, child, depth + 1);
		} else if (lstat(full, &st) == 0 && S_ISREG(st.st_mode)) {
			key_add_str(k, child);
			if (read_into(full, k, false) < 0)
				buf_puts(k, "unreadable;");
		}
		free(full);
		free(child);
		free(names[i]);
	}
	free(names);
	free(dir);
}

void keys_tree(struct buf *k, const char *dir)
{
	struct stat st;
	key_add_str(k, dir);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		buf_puts(k, "absent;");
		return;
	}
	tree_walk(k, dir, "", 0);
}

/* Device, inode, size and both times to the nanosecond: a program
 * replaced, rebuilt or edited in place (which moves ctime, that no one can
 * set back) has another identity. */
static void file_identity(const struct stat *st, char *out, size_t size)
{
	snprintf(out, size, "%ju-%ju-%jd-%jd.%09ld-%jd.%09ld", (uintmax_t)st->st_dev,
		 (uintmax_t)st->st_ino, (intmax_t)st->st_size, (intmax_t)st->st_mtim.tv_sec,
		 (long)st->st_mtim.tv_nsec, (intmax_t)st->st_ctim.tv_sec, (long)st->st_ctim.tv_nsec);
}

/* A file changed within this many seconds may change again within the same
 * tick of the file system's clock, keeping its times: not remembered. */
enum { PROGRAM_SETTLED_SECONDS = 2 };

static int program_hash(const struct cache *c, char hash[KEY_LEN + 1])
{
	/* a symlink to the program: followed */
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat before, after;
	char id[160], id_after[160];
	if (fstat(fd, &before) < 0 || !S_ISREG(before.st_mode)) {
		close(fd);
		return -1;
	}
	file_identity(&before, id, sizeof(id));
	if (cache_memo_read(c, "program", id, hash) == 1) {
		close(fd);
		return 0;
	}
	struct buf data = BUF_INIT;
	int rc = sys_read_fd(fd, 0, &data);
	if (rc == 0) {
		key_digest(data.ptr ? data.ptr : "", data.len, hash);
		hash[KEY_LEN] = '\0';
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		bool settled = now.tv_sec - before.st_mtim.tv_sec > PROGRAM_SETTLED_SECONDS &&
			       now.tv_sec - before.st_ctim.tv_sec > PROGRAM_SETTLED_SECONDS;
		if (fstat(fd, &after) == 0 && settled && (off_t)data.len == before.st_size) {
			file_identity(&after, id_after, sizeof(id_after));
			/* unchanged while it was read: remembered (a failed
			 * write only costs the next build the hash) */
			if (!strcmp(id, id_after))
				cache_memo_write(c, "program", id, hash);
		}
	}
	buf_release(&data);
	close(fd);
	return rc;
}

void keys_program(struct buf *k, const struct cache *c)
{
	char hash[KEY_LEN + 1];
	if (program_hash(c, hash) == 0)
		key_add_str(k, hash);
	else
		buf_puts(k, "no-exe;"); /* still a key; only weaker against upgrades */
}

static void add_date(struct buf *k, const struct date *d)
{
	int64_t f[] = { d->prec, d->year, d->month, d->day, d->hour, d->minute, d->second,
			d->has_offset, d->offset_min };
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		key_add_i64(k, f[i]);
}

static void add_files(struct buf *k, const struct site *s, const struct page *p, bool ids)
{
	key_add_i64(k, (int64_t)p->nfiles);
	for (size_t j = 0; j < p->nfiles; j++) {
		const struct bundle_file *f = &p->files[j];
		key_add_str(k, f->name);
		key_add_str(k, f->out_path);
		if (ids && f->file_index < s->nfiles)
			key_add_str(k, s->files[f->file_index].oid);
	}
}

/* what a page's metadata gives other pages: where it is and what it is
 * (Markdown links resolve to its URL and may read its images' sizes) */
void keys_page_structure(struct buf *k, const struct site *s, const struct page *p)
{
	key_add_str(k, p->path);
	key_add_i64(k, p->kind);
	key_add_str(k, p->school);
	key_add_str(k, p->url);
	key_add_str(k, p->out_path);
	key_add_i64(k, p->listed);
	key_add_i64(k, p->draft);
	/* a link to another page's image may read its size */
	add_files(k, s, p, true);
}

void keys_site_structure(struct buf *k, const struct site *s)
{
	key_add_i64(k, (int64_t)s->npages);
	for (size_t i = 0; i < s->npages; i++)
		keys_page_structure(k, s, s->pages[i]);
	key_add_i64(k, (int64_t)s->nsections);
	for (size_t i = 0; i < s->nsections; i++)
		key_add_str(k, s->sections[i]->path);
}

void keys_page_metadata(struct buf *k, const struct site *s, const struct page *p)
{
	keys_page_structure(k, s, p);
	/* the fields content/page.h marks PAGE_KEY_META (the others of the
	 * front matter are in p->front); test_keys checks */
	keys_value(k, p->front);
	key_add_str(k, p->title);
	key_add_str(k, p->summary);
	add_date(k, &p->date);
	key_add_i64(k, p->git_first);
	key_add_i64(k, p->sort_epoch);
	key_add_i64(k, p->body_line);
}

void keys_site_metadata(struct key_stream *k, const struct site *s)
{
	keys_site_structure(&k->buf, s);
	for (size_t i = 0; i < s->npages; i++) {
		keys_page_metadata(&k->buf, s, s->pages[i]);
		key_stream_spill(k);
	}
}

/* the fields marked PAGE_KEY_VOLATILE */
void keys_page_volatile(struct buf *k, const struct page *p)
{
	key_add_str(k, p->path);
	add_date(k, &p->lastmod);
	key_add_i64(k, p->git_last);
	key_add_i64(k, (int64_t)p->nauthors);
	for (size_t j = 0; j < p->nauthors; j++)
		key_add_str(k, p->authors[j]);
}

/* the fields marked PAGE_KEY_OWN, and the volatile ones */
void keys_page(struct buf *k, const struct site *s, const struct page *p)
{
	key_add_str(k, p->path);
	key_add_str(k, p->file_index < s->nfiles ? s->files[p->file_index].oid : "");
	add_files(k, s, p, true);
	keys_page_volatile(k, p);
}
