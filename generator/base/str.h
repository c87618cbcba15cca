/* str — tests on C strings that several modules asked the same way. */
#ifndef LOA_STR_H
#define LOA_STR_H

#include <stdbool.h>

/* Whether s starts with prefix (byte for byte). */
bool str_has_prefix(const char *s, const char *prefix);
/* Whether s ends with suffix (byte for byte). */
bool str_has_suffix(const char *s, const char *suffix);

/* qsort's comparator for an array of C strings (char *), in byte order. */
int str_ptr_cmp(const void *a, const void *b);

#endif
