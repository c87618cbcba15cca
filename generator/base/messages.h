/* messages — the diagnostics in the site's language (Vietnamese or English).
 *
 * A gettext-style catalog, compiled in: the msgid is the English printf
 * format a module passes to diag_error()/diag_warning() (or a constant
 * message passed to a "%s" format, such as a date parser's reason), and
 * its entry is the Vietnamese format, with the same conversions in the same
 * order (tests/unit/test_messages.c checks every entry;
 * scripts/check-messages.py checks that every format in generator/ has
 * one). A format without an entry falls back to English. Read-only data,
 * no global state: safe in every worker and thread. */
#ifndef LOA_MESSAGES_H
#define LOA_MESSAGES_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct buf;

enum msg_lang { MSG_VI = 0, MSG_EN = 1 };

struct msg_entry {
	const char *id; /* English: the printf format, or a constant message */
	const char *vi; /* Vietnamese, same conversions in the same order */
};

/* The Vietnamese text of msgid, or NULL when the catalog has none. */
const char *msg_vi(const char *msgid);
/* The catalog itself, in source order (for tests). */
size_t msg_count(void);
const struct msg_entry *msg_at(size_t i);

/* "vi", "en", also locale-like "vi_VN.UTF-8" or "en-US": 0 and *out set;
 * -1 for anything else. */
int msg_lang_parse(const char *s, enum msg_lang *out);

/* 0 when formats a and b have the same conversion specifications (flags,
 * width, precision, length and conversion) in the same order; else the
 * 1-based index of the first that differs. A %n makes them differ. */
int msg_same_conversions(const char *a, const char *b);

/* Appends fmt formatted with ap to out, like vsnprintf, except that in
 * Vietnamese every %s argument that is itself a catalog entry (a date
 * parser's reason, a constant message) is replaced by its translation.
 * fmt must hold only conversions msg_same_conversions knows. */
void msg_vformat(struct buf *out, const char *fmt, va_list ap, enum msg_lang lang);

/* ---- every other word Loa prints (usage, help, option errors, summaries,
 * loa serve): the same catalog, looked up when printed ---- */

/* Marks a literal as a msgid where it is stored (a table) rather than
 * passed to one of the functions below; scripts/check-messages.py reads it. */
#define N_(s) (s)

/* msgid in lang: its Vietnamese entry in Vietnamese, else msgid itself. */
const char *msg_text(const char *msgid, enum msg_lang lang);

/* fmt (an English msgid) formatted in lang, as msg_vformat does with the
 * catalog's format: appended to out, or printed to f. */
void msg_addf(struct buf *out, enum msg_lang lang, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void msg_fprintf(FILE *f, enum msg_lang lang, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
