#include "base/sysutil.h"
#include "base/buf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

int64_t sys_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int sys_write_all(int fd, const void *data, size_t n)
{
	const char *p = data;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int sys_writev_all(int fd, struct iovec *parts, size_t n)
{
	while (n) {
		if (parts->iov_len == 0) {
			parts++;
			n--;
			continue;
		}
		ssize_t w = writev(fd, parts, n > IOV_MAX ? IOV_MAX : (int)n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		/* past what was written; a part written in part is moved on */
		size_t done = (size_t)w;
		while (n && done >= parts->iov_len) {
			done -= parts->iov_len;
			parts++;
			n--;
		}
		if (n) {
			parts->iov_base = (char *)parts->iov_base + done;
			parts->iov_len -= done;
		}
	}
	return 0;
}

int sys_read_fd(int fd, size_t max, struct buf *out)
{
	size_t got = 0;
	for (;;) {
		/* straight into the buffer: a caller that knows the size
		 * (buf_grow first) reads a large file with no copy */
		if (out->cap < out->len + 2)
			buf_grow(out, 65536);
		size_t room = out->cap - out->len - 1; /* the NUL's byte */
		ssize_t r = read(fd, out->ptr + out->len, room);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		got += (size_t)r;
		if (max && got > max)
			return -1;
		out->len += (size_t)r;
		out->ptr[out->len] = '\0';
	}
}

int sys_read_file(const char *path, size_t max, bool follow, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return -1;
	int rc = sys_read_fd(fd, max, out);
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

int sys_mkdir_p(const char *dir)
{
	char *p = xstrdup(dir);
	int rc = 0;
	for (char *s = p + 1; *s && rc == 0; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && mkdir(p, 0755) < 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}
