/* diag — errors and warnings as values.
 *
 * Modules never print and never exit: they append a diagnostic that carries
 * `file:line:col: message` to the list they were given and return -1
 * (diag_error() returns -1 so that `return diag_error(...)` fits on a line).
 * One place — the command line — prints the list and picks the exit status.
 * A diag_list owns copies of every string it holds.
 *
 * Each diagnostic is kept in English and, when base/messages.c has an
 * entry for its format, in Vietnamese too; the printer picks the site's
 * language. Both cross the pipes between processes. */
#ifndef LOA_DIAG_H
#define LOA_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/messages.h"

enum diag_severity { DIAG_ERROR, DIAG_WARNING };

struct diag {
	enum diag_severity severity;
	char *path; /* repository-relative, e.g. "content/news/a/b.md"; may be "" */
	int line;   /* 1-based; 0 when unknown */
	int col;    /* 1-based; 0 when unknown */
	char *msg;    /* English */
	char *msg_vi; /* Vietnamese, or NULL when the catalog has no entry */
};

struct diag_list {
	struct diag *items;
	size_t len, cap;
	size_t errors, warnings;
};

#define DIAG_LIST_INIT { NULL, 0, 0, 0, 0 }

int diag_error(struct diag_list *l, const char *path, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void diag_warning(struct diag_list *l, const char *path, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void diag_vadd(struct diag_list *l, enum diag_severity sev, const char *path, int line, int col,
	       const char *fmt, va_list ap);
/* Appends " (detail)" to the English text of d only: a developer's detail
 * with no words for contributors (a worker's signal), kept out of the
 * Vietnamese text, which stays as the catalog words it. */
void diag_add_detail(struct diag *d, const char *detail, size_t len);
/* move every diagnostic of src to the end of dst; src is left empty */
void diag_list_append(struct diag_list *dst, struct diag_list *src);
/* Moves a diagnostic to path:line (a page it rejects), keeping where it
 * arose at the start of its message: "prefix: old/path:line: message". */
void diag_relocate(struct diag *d, const char *path, int line, const char *prefix);
/* sort by path, line, col, then message: output order never depends on
 * which worker finished first */
void diag_list_sort(struct diag_list *l);
void diag_list_release(struct diag_list *l);

/* `path:line:col: error: msg` with control and invalid bytes escaped as \xNN
 * so that hostile file names cannot drive the terminal. */
void diag_format(const struct diag *d, bool color, char **out);
void diag_print(FILE *f, const struct diag *d, bool color);
/* The same in a language: `path:line:col: lỗi: …` in Vietnamese (English
 * when the message has no Vietnamese text); diag_format is the English. */
void diag_format_lang(const struct diag *d, bool color, enum msg_lang lang, char **out);
void diag_print_lang(FILE *f, const struct diag *d, bool color, enum msg_lang lang);
/* The message in lang (borrowed), and the severity word ("error", "lỗi"). */
const char *diag_message(const struct diag *d, enum msg_lang lang);
const char *diag_severity_word(enum diag_severity sev, enum msg_lang lang);

/* Serialises a list into out (appended) and back: diagnostics cross the
 * pipes between render workers, the builder and its supervisor. decode
 * adds to l and ignores a malformed tail. */
struct buf;
void diag_list_encode(struct buf *out, const struct diag_list *l);
void diag_list_decode(struct diag_list *l, const char *data, size_t len);

/* Append s to out with control bytes and invalid UTF-8 escaped. */
struct buf;
void diag_escape(struct buf *out, const char *s, size_t len);

#endif
