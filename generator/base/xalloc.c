#include "base/xalloc.h"

#include <stdarg.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(size_t size)
{
	fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", size);
	abort();
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		out_of_memory(size);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		out_of_memory(count * size);
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		out_of_memory(size);
	return p;
}

void *xreallocarray(void *ptr, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		out_of_memory(SIZE_MAX);
	return xrealloc(ptr, count * size);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		out_of_memory(0);
	char *p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* jemalloc's control interface when it is the allocator (weak: the
 * sanitizer builds use glibc's malloc, and then it is NULL) */
extern int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen)
	__attribute__((weak));

void xalloc_trim(void)
{
	/* "arena.<MALLCTL_ARENAS_ALL>.purge": every arena's unused dirty pages */
	if (mallctl)
		(void)mallctl("arena.4096.purge", NULL, NULL, NULL, 0);
}

size_t xalloc_stat(const char *name)
{
	size_t v = 0, len = sizeof(v);
	uint64_t epoch = 1;
	size_t elen = sizeof(epoch);
	if (!mallctl || mallctl("epoch", &epoch, &elen, &epoch, elen) != 0 ||
	    mallctl(name, &v, &len, NULL, 0) != 0)
		return 0;
	return v;
}

int xalloc_thread_arena(void)
{
	unsigned arena = 0;
	size_t len = sizeof(arena);
	if (!mallctl || mallctl("thread.arena", &arena, &len, NULL, 0) != 0 || arena > INT_MAX)
		return -1;
	return (int)arena;
}

void xalloc_use_arena(int arena)
{
	unsigned a = (unsigned)arena;
	if (mallctl && arena >= 0)
		(void)mallctl("thread.arena", NULL, NULL, &a, sizeof(a));
}
