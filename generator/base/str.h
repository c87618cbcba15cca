/* str — tests on C strings that several modules asked the same way. */
#ifndef LOA_STR_H
#define LOA_STR_H

#include <stdbool.h>
#include <stddef.h>

/* Whether s starts with prefix (byte for byte). */
bool str_has_prefix(const char *s, const char *prefix);
/* Whether s ends with suffix (byte for byte). */
bool str_has_suffix(const char *s, const char *suffix);

/* The first occurrence of needle (k bytes, k >= 1) in hay (n bytes), or
 * NULL: memmem's answer, found by memchr on needle's first byte, for
 * markers whose first byte is rare in text ("{{<", "](": glibc's memmem
 * took 4 instructions a byte of every Markdown body, memchr a fraction). */
const char *str_find(const char *hay, size_t n, const char *needle, size_t k);

/* qsort's comparator for an array of C strings (char *), in byte order. */
int str_ptr_cmp(const void *a, const void *b);

#endif
