/* suggest — "did you mean …?" for a misspelt key.
 *
 * The distance is Damerau-Levenshtein in its optimal-string-alignment
 * form (insertions, deletions, substitutions and swaps of two neighbours
 * each cost one), on ASCII letters folded to lower case, so `titel`,
 * `catgory`, `drafts`, `author` and `baseurl` find `title`, `category`,
 * `draft`, `authors` and `base_url`. Pure functions, no allocation. */
#ifndef LOA_SUGGEST_H
#define LOA_SUGGEST_H

#include <stddef.h>

/* The distance between a and b; words longer than 64 bytes are "far"
 * (returns 99): keys are short, and this bounds the work. */
int suggest_distance(const char *a, const char *b);

/* The candidate closest to word within a small threshold (1 for words of
 * up to 4 letters, 2 up to 8, else 3, and less than half the candidate's
 * length), the first one on ties; NULL when none is close enough or word
 * is itself a candidate. */
const char *suggest_closest(const char *word, const char *const *cands, size_t n);

#endif
