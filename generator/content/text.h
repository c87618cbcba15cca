/* text — Vietnamese text services from ICU: slugs, normalisation,
 * collation, search folding and the site's time zone.
 *
 * The only module that includes ICU headers. A struct text holds the ICU
 * objects one thread (or one forked worker) uses; ICU objects are not
 * shared between threads, so each renderer opens its own. */
#ifndef LOA_TEXT_H
#define LOA_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct diag_list;
struct text;

/* Opens the collator for `vi` and the normaliser; tz is an Olson zone id
 * ("Asia/Ho_Chi_Minh"; NULL or "" means that default). An id ICU does not
 * know is an error, not a silent GMT. Returns 0 or -1 with a diagnostic
 * (*out is then NULL). */
int text_open(struct text **out, const char *tz, struct diag_list *diags);
void text_free(struct text *t);

enum { SLUG_MAX = 200 }; /* bytes; well under NAME_MAX, cut at a '-' boundary */

/* Folds s to a URL slug: NFD, diacritics removed, đ/Đ → d, lower case,
 * runs of anything but [a-z0-9] become one '-', no leading/trailing '-',
 * cut to SLUG_MAX bytes. NFC and NFD input give the same slug. Apostrophes
 * join ("Children's" → "childrens"); a few Latin letters without a
 * decomposition fold too (ß → ss, ø → o, æ → ae); letters of other scripts
 * (Chinese, Greek, ...) have no ASCII form and act as separators. Appends to
 * out; returns the number of bytes appended (0 when nothing is left, e.g.
 * a title of punctuation only). */
size_t text_slugify(struct text *t, struct buf *out, const char *s, size_t len);

/* A slug as written by hand (front matter `slug`): non-empty, at most
 * SLUG_MAX bytes, only [a-z0-9-_.], no leading '.', not "." or "..". */
bool text_slug_valid(const char *s);

/* Search folding: like slugify but keeps spaces between words and keeps
 * every letter (lower case, no diacritics, đ → d). */
size_t text_fold(struct text *t, struct buf *out, const char *s, size_t len);

/* NFC normalisation of s, appended to out. */
void text_nfc(struct text *t, struct buf *out, const char *s, size_t len);

/* Vietnamese collation (ICU `vi`, numbers compared by value so that
 * "Mầm non 2" < "Mầm non 10"): -1, 0, 1 like strcmp.
 * "An Dương" < "An Đồng 2"; "Đồng Thái" < "Lê Lợi". */
int text_collate(struct text *t, const char *a, const char *b);
/* A sort key: comparing keys with strcmp gives text_collate's order.
 * Appended to out (NUL-terminated, no NUL inside). */
void text_sort_key(struct text *t, struct buf *out, const char *s);

/* Offset of the site's zone from UTC, in minutes, at the instant epoch. */
int text_tz_offset(struct text *t, int64_t epoch);

#endif
