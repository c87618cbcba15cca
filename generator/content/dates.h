/* dates — parsing, checking and formatting the dates of content.
 *
 * Accepted forms (SPEC "Content"): `YYYY-MM-DD`, optionally followed by
 * `THH:MM[:SS]` or ` HH:MM[:SS]` and an offset (`Z`, `+07:00`, `+0700`);
 * the Vietnamese `D/M/YYYY` (one or two digits); and, where a month is
 * allowed, `YYYY-MM` and `M/YYYY`. Impossible dates (2023-02-30, month 13,
 * hour 24, a five-digit year) are errors, never guesses.
 * Pure functions: no allocation, no global state, no locale. */
#ifndef LOA_DATES_H
#define LOA_DATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum date_precision { DATE_NONE = 0, DATE_MONTH, DATE_DAY, DATE_TIME };

struct date {
	enum date_precision prec;
	int year, month, day;     /* day is 0 for DATE_MONTH */
	int hour, minute, second; /* 0 unless DATE_TIME */
	bool has_offset;          /* an explicit offset was written */
	int offset_min;           /* minutes east of UTC when has_offset */
};

/* Parses s[0..len). allow_month admits `YYYY-MM` / `M/YYYY`. Returns 0, or
 * -1 with *why set to a static English reason. */
int date_parse(struct date *out, const char *s, size_t len, bool allow_month, const char **why);

bool date_is_leap(int year);
int date_days_in_month(int year, int month);

/* Seconds since the epoch of the start of the date (its first day for a
 * month), read in the zone of tz_offset_min unless it has its own offset. */
int64_t date_to_epoch(const struct date *d, int tz_offset_min);
/* The DATE_TIME of epoch seen at offset tz_offset_min (has_offset set). */
void date_from_epoch(struct date *out, int64_t epoch, int tz_offset_min);
/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
int64_t date_days_from_civil(int year, int month, int day);

/* Formatting into out (size at least 64 bytes); each returns out.
 *   date_format_iso:   2023-02-17 / 2023-02 / 2023-02-17T08:30:00+07:00
 *   date_format_short: 17/02/2023 (02/2023 for a month)
 *   date_format_long:  ngày 17 tháng 02 năm 2023 (tháng 02 năm 2023)
 *   date_format_rfc3339: always a full timestamp, using tz_offset_min when
 *                      the date has no offset of its own (for feeds, sitemap)
 *   date_format_utc:   the same instant in UTC, 2023-02-17T01:30:00Z (for
 *                      iCalendar's DTSTAMP, which must be UTC) */
char *date_format_iso(char *out, const struct date *d);
char *date_format_short(char *out, const struct date *d);
char *date_format_long(char *out, const struct date *d);
char *date_format_rfc3339(char *out, const struct date *d, int tz_offset_min);
char *date_format_utc(char *out, const struct date *d, int tz_offset_min);

/* -1, 0, 1 comparing the instants both denote in the given zone */
int date_cmp(const struct date *a, const struct date *b, int tz_offset_min);

#endif
