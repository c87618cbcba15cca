/* xalloc — allocation that never returns NULL.
 *
 * Running out of memory is a fatal environment failure, not bad content
 * (STYLE pattern 5): these print a message and abort, so callers never
 * thread ENOMEM around. Everything else reports errors as values. */
#ifndef LOA_XALLOC_H
#define LOA_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* realloc of count*size with overflow check */
void *xreallocarray(void *ptr, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new heap string; caller frees */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Gives the pages the allocator keeps of freed memory back to the system
 * (jemalloc's purge; nothing under another allocator): before forking
 * workers, whose resident memory starts as the builder's. */
void xalloc_trim(void);
/* One of jemalloc's statistics in bytes ("stats.allocated",
 * "stats.resident", ...), refreshed; 0 under another allocator. */
size_t xalloc_stat(const char *name);
/* The allocator's arena of the calling thread (jemalloc's; -1 under
 * another allocator), and another thread's choice of it: what a helper
 * thread frees is then reused by the thread that goes on, instead of
 * being held apart in an arena of the helper's. */
int xalloc_thread_arena(void);
void xalloc_use_arena(int arena);

/* Grow *items (of *cap elements of size) so that it holds at least need. */
#define ALLOC_GROW(items, need, cap)                                              \
	do {                                                                      \
		if ((need) > (cap)) {                                             \
			size_t alloc_grow_new = (cap) ? (cap) * 2 : 8;            \
			if (alloc_grow_new < (need))                              \
				alloc_grow_new = (need);                          \
			(items) = xreallocarray((items), alloc_grow_new,          \
						sizeof(*(items)));                \
			(cap) = alloc_grow_new;                                   \
		}                                                                 \
	} while (0)

#endif
