/* str — owns the prefix and suffix tests shared by the loader, the theme,
 * the content layout and loa review, the comparator that sorts arrays
 * of names (one copy each instead of three to five), and the search for
 * the Markdown passes' markers. */
#include "base/str.h"

#include <string.h>

bool str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

int str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char *str_find(const char *hay, size_t n, const char *needle, size_t k)
{
	const char *p = hay, *end = hay + n;
	while (k <= (size_t)(end - p)) {
		p = memchr(p, needle[0], (size_t)(end - p) - (k - 1));
		if (!p)
			return NULL;
		if (memcmp(p + 1, needle + 1, k - 1) == 0)
			return p;
		p++;
	}
	return NULL;
}
