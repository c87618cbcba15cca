/* arena — a bump allocator for allocations that share one lifetime.
 *
 * Each build (or each page in a worker) owns one arena; everything in it is
 * freed by one arena_release(). No global arenas: the arena is passed
 * explicitly (STYLE pattern 7). Allocations are 16-byte aligned. */
#ifndef LOA_ARENA_H
#define LOA_ARENA_H

#include <stddef.h>

struct arena_block;
struct arena {
	struct arena_block *head;
	size_t total; /* bytes handed out, for memory accounting */
};

#define ARENA_INIT { NULL, 0 }

void *arena_alloc(struct arena *a, size_t size);        /* uninitialised */
void *arena_zalloc(struct arena *a, size_t size);       /* zeroed */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_release(struct arena *a);
/* Moves everything allocated in src into dst (src is empty after): what
 * another thread allocated then lives as long as dst. dst's current block
 * stays the one it allocates from. */
void arena_adopt(struct arena *dst, struct arena *src);

#endif
