/* spill — see spill.h. */
#include "base/spill.h"
#include "base/buf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct spill_item {
	off_t off;   /* in the file; unused when mem is set */
	size_t len;
	char *mem;   /* the bytes, when they could not go to the file */
};

struct spill {
	int fd;      /* -1: everything in memory */
	off_t end;   /* the file's length */
	struct spill_item *items;
	size_t n, cap;
};

/* An unnamed file: O_TMPFILE where the file system has it, else a named
 * one removed at once. */
static int temp_fd(const char *dir)
{
	if (!dir || !*dir)
		dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
#ifdef O_TMPFILE
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	char *path = xasprintf("%s/loa-spill-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	free(path);
	return fd;
}

struct spill *spill_open(const char *dir)
{
	struct spill *sp = xcalloc(1, sizeof(*sp));
	sp->fd = temp_fd(dir);
	return sp;
}

void spill_free(struct spill *sp)
{
	if (!sp)
		return;
	if (sp->fd >= 0)
		close(sp->fd);
	for (size_t i = 0; i < sp->n; i++)
		free(sp->items[i].mem);
	free(sp->items);
	free(sp);
}

static bool write_all(int fd, const char *p, size_t len, off_t off)
{
	while (len) {
		ssize_t w = pwrite(fd, p, len, off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		len -= (size_t)w;
		off += w;
	}
	return true;
}

size_t spill_add(struct spill *sp, const char *bytes, size_t len)
{
	ALLOC_GROW(sp->items, sp->n + 1, sp->cap);
	struct spill_item *it = &sp->items[sp->n];
	it->len = len;
	it->off = sp->end;
	it->mem = NULL;
	if (sp->fd >= 0 && write_all(sp->fd, bytes, len, sp->end)) {
		sp->end += (off_t)len;
	} else {
		/* a partial write past end is overwritten by the next item */
		it->mem = xmalloc(len + 1);
		memcpy(it->mem, bytes, len);
		it->mem[len] = '\0';
	}
	return sp->n++;
}

size_t spill_len(const struct spill *sp, size_t id)
{
	return sp->items[id].len;
}

bool spill_in_file(const struct spill *sp, size_t id)
{
	return !sp->items[id].mem;
}

int spill_read(const struct spill *sp, size_t id, struct buf *out)
{
	const struct spill_item *it = &sp->items[id];
	if (it->mem) {
		buf_add(out, it->mem, it->len);
		return 0;
	}
	if (!it->len)
		return 0;
	buf_grow(out, it->len);
	size_t got = 0;
	while (got < it->len) {
		ssize_t r = pread(sp->fd, out->ptr + out->len + got, it->len - got,
				  it->off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	out->len += got;
	out->ptr[out->len] = '\0';
	return got == it->len ? 0 : -1;
}
