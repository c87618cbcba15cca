/* suggest — the closest known key to a misspelt one (see suggest.h). */
#include "base/suggest.h"

#include <string.h>

enum { MAX_LEN = 64, FAR = 99 };

static char fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int min3(int a, int b, int c)
{
	int m = a < b ? a : b;
	return m < c ? m : c;
}

int suggest_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	if (n > MAX_LEN || m > MAX_LEN)
		return FAR;
	/* three rows of the table: i-2, i-1 and i */
	int rows[3][MAX_LEN + 1];
	for (size_t j = 0; j <= m; j++)
		rows[1][j] = (int)j;
	for (size_t i = 1; i <= n; i++) {
		int *cur = rows[(i + 1) % 3], *prev = rows[i % 3], *prev2 = rows[(i + 2) % 3];
		cur[0] = (int)i;
		for (size_t j = 1; j <= m; j++) {
			int cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
			    fold(a[i - 2]) == fold(b[j - 1]) && prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
	}
	return rows[(n + 1) % 3][m];
}

const char *suggest_closest(const char *word, const char *const *cands, size_t n)
{
	size_t len = strlen(word);
	int limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
	const char *best = NULL;
	int best_d = limit + 1;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(word, cands[i]))
			return NULL;
		int d = suggest_distance(word, cands[i]);
		if (d < best_d && 2 * (size_t)d < strlen(cands[i])) {
			best = cands[i];
			best_d = d;
		}
	}
	return best;
}
