/* dates — owns the parsing, checking and formatting of content dates.
 * Pure functions: civil dates are converted with days_from_civil and its
 * inverse (proleptic Gregorian), never with the C library's time zone or
 * locale, so the output never depends on the machine. */
#include "content/dates.h"

#include <stdio.h>
#include <string.h>

/* ---- parsing ---------------------------------------------------------- */

struct cursor {
	const char *s;
	size_t len, i;
};

static bool at_end(const struct cursor *c)
{
	return c->i >= c->len;
}

static bool peek_is(const struct cursor *c, char ch)
{
	return c->i < c->len && c->s[c->i] == ch;
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Reads between min and max digits; returns the count read (0 if fewer
 * than min, leaving the cursor where it was). */
static int read_digits(struct cursor *c, int min, int max, int *out)
{
	int n = 0, v = 0;
	size_t i = c->i;
	while (n < max && i < c->len && is_digit(c->s[i])) {
		v = v * 10 + (c->s[i] - '0');
		i++;
		n++;
	}
	if (n < min)
		return 0;
	/* one digit more than max means the field is too long, not that the
	 * next field starts: 99999-01-01 is not 9999 followed by 9 */
	if (i < c->len && is_digit(c->s[i]))
		return 0;
	c->i = i;
	*out = v;
	return n;
}

bool date_is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int date_days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && date_is_leap(year))
		return 29;
	return days[month - 1];
}

/* the reason when a four-digit year was expected: a longer run of digits
 * is a year out of range (99999), anything else no date at all */
static const char *year_reason(const struct cursor *c, const char *otherwise)
{
	size_t n = 0;
	while (c->i + n < c->len && is_digit(c->s[c->i + n]))
		n++;
	return n > 4 ? "year out of range" : otherwise;
}

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -1;
}

/* d < 0 checks a month alone */
static int check_ymd(int y, int m, int d, const char **why)
{
	if (y < 1000 || y > 9999)
		return fail(why, "year out of range");
	if (m < 1 || m > 12)
		return fail(why, "month out of range");
	if (d >= 0 && (d < 1 || d > date_days_in_month(y, m)))
		return fail(why, "day out of range");
	return 0;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

static int two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* `Z`, `±HH:MM` or `±HHMM`, which must end the text */
static int parse_offset(struct cursor *c, struct date *out, const char **why)
{
	const char *p = c->s + c->i;
	size_t left = c->len - c->i;
	int hh, mm;
	if (left == 1 && (p[0] == 'Z' || p[0] == 'z')) {
		out->has_offset = true;
		out->offset_min = 0;
		c->i = c->len;
		return 0;
	}
	if (left == 0 || (p[0] != '+' && p[0] != '-'))
		return fail(why, "unexpected text after the time");
	if (left == 6 && all_digits(p + 1, 2) && p[3] == ':' && all_digits(p + 4, 2)) {
		hh = two(p + 1);
		mm = two(p + 4);
	} else if (left == 5 && all_digits(p + 1, 4)) {
		hh = two(p + 1);
		mm = two(p + 3);
	} else {
		return fail(why, "invalid time zone offset (expected Z, +07:00 or +0700)");
	}
	if (mm > 59 || hh * 60 + mm > 14 * 60)
		return fail(why, "time zone offset out of range");
	out->has_offset = true;
	out->offset_min = (p[0] == '-' ? -1 : 1) * (hh * 60 + mm);
	c->i = c->len;
	return 0;
}

/* `HH:MM[:SS]` then an optional offset, after the date */
static int parse_time(struct cursor *c, struct date *out, const char **why)
{
	int h, mi, s = 0;
	if (!read_digits(c, 2, 2, &h) || !peek_is(c, ':'))
		return fail(why, "invalid time (expected HH:MM or HH:MM:SS)");
	c->i++;
	if (!read_digits(c, 2, 2, &mi))
		return fail(why, "invalid time (expected HH:MM or HH:MM:SS)");
	if (peek_is(c, ':')) {
		c->i++;
		if (!read_digits(c, 2, 2, &s))
			return fail(why, "invalid time (expected HH:MM or HH:MM:SS)");
	}
	if (h > 23)
		return fail(why, "hour out of range");
	if (mi > 59)
		return fail(why, "minute out of range");
	if (s > 59)
		return fail(why, "second out of range");
	out->prec = DATE_TIME;
	out->hour = h;
	out->minute = mi;
	out->second = s;
	if (at_end(c))
		return 0;
	/* `2023-02-17 08:30:00 +0700`, as git and Hugo write it */
	if (peek_is(c, ' '))
		c->i++;
	return parse_offset(c, out, why);
}

static int parse_iso(struct cursor *c, struct date *out, bool allow_month, const char **why)
{
	int y, m, d;
	static const char expected[] = "not a date (expected YYYY-MM-DD or D/M/YYYY)";
	if (!read_digits(c, 4, 4, &y))
		return fail(why, year_reason(c, expected));
	if (!peek_is(c, '-'))
		return fail(why, expected);
	c->i++;
	if (!read_digits(c, 2, 2, &m))
		return fail(why, expected);
	if (at_end(c)) {
		if (!allow_month)
			return fail(why, "a month, not a date (day missing)");
		if (check_ymd(y, m, -1, why) < 0)
			return -1;
		out->prec = DATE_MONTH;
		out->year = y;
		out->month = m;
		return 0;
	}
	if (!peek_is(c, '-'))
		return fail(why, expected);
	c->i++;
	if (!read_digits(c, 2, 2, &d))
		return fail(why, expected);
	if (check_ymd(y, m, d, why) < 0)
		return -1;
	out->prec = DATE_DAY;
	out->year = y;
	out->month = m;
	out->day = d;
	if (at_end(c))
		return 0;
	if (!peek_is(c, 'T') && !peek_is(c, 't') && !peek_is(c, ' '))
		return fail(why, "unexpected text after the date");
	c->i++;
	return parse_time(c, out, why);
}

/* `D/M/YYYY` or `M/YYYY` */
static int parse_vn(struct cursor *c, struct date *out, bool allow_month, const char **why)
{
	static const char expected[] = "not a date (expected D/M/YYYY or YYYY-MM-DD)";
	int a, b, y;
	if (!read_digits(c, 1, 2, &a) || !peek_is(c, '/'))
		return fail(why, expected);
	c->i++;
	size_t mark = c->i;
	int nb = read_digits(c, 1, 4, &b);
	if (!nb)
		return fail(why, expected);
	if (at_end(c) && nb == 4 && c->i - mark == 4) {
		if (!allow_month)
			return fail(why, "a month, not a date (day missing)");
		if (check_ymd(b, a, -1, why) < 0)
			return -1;
		out->prec = DATE_MONTH;
		out->year = b;
		out->month = a;
		return 0;
	}
	if (nb > 2 || !peek_is(c, '/'))
		return fail(why, expected);
	c->i++;
	if (!read_digits(c, 4, 4, &y))
		return fail(why, year_reason(c, expected));
	if (!at_end(c))
		return fail(why, "unexpected text after the date");
	if (check_ymd(y, b, a, why) < 0)
		return -1;
	out->prec = DATE_DAY;
	out->year = y;
	out->month = b;
	out->day = a;
	return 0;
}

int date_parse(struct date *out, const char *s, size_t len, bool allow_month, const char **why)
{
	memset(out, 0, sizeof(*out));
	struct cursor c = { s, len, 0 };
	if (len == 0)
		return fail(why, "empty date");
	/* the separator after the first digits tells the two forms apart */
	size_t i = 0;
	while (i < len && is_digit(s[i]))
		i++;
	int rc;
	if (i < len && s[i] == '/')
		rc = parse_vn(&c, out, allow_month, why);
	else
		rc = parse_iso(&c, out, allow_month, why);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* ---- arithmetic ------------------------------------------------------- */

/* Days since 1970-01-01: shift the year to start in March so that the
 * leap day is last, then count whole 400-year eras. */
int64_t date_days_from_civil(int year, int month, int day)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;                                  /* [0, 399] */
	int64_t mp = (month + 9) % 12;                                /* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + day - 1;                   /* [0, 365] */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *year, int *month, int *day)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	*year = (int)(y + (m <= 2));
	*month = (int)m;
	*day = (int)d;
}

int64_t date_to_epoch(const struct date *d, int tz_offset_min)
{
	if (d->prec == DATE_NONE)
		return 0;
	int day = d->prec == DATE_MONTH || d->day == 0 ? 1 : d->day;
	int64_t secs = date_days_from_civil(d->year, d->month, day) * 86400;
	if (d->prec == DATE_TIME)
		secs += (int64_t)d->hour * 3600 + d->minute * 60 + d->second;
	int off = d->has_offset ? d->offset_min : tz_offset_min;
	return secs - (int64_t)off * 60;
}

void date_from_epoch(struct date *out, int64_t epoch, int tz_offset_min)
{
	int64_t local = epoch + (int64_t)tz_offset_min * 60;
	int64_t days = local / 86400;
	int64_t rem = local % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	memset(out, 0, sizeof(*out));
	civil_from_days(days, &out->year, &out->month, &out->day);
	out->prec = DATE_TIME;
	out->hour = (int)(rem / 3600);
	out->minute = (int)(rem / 60 % 60);
	out->second = (int)(rem % 60);
	out->has_offset = true;
	out->offset_min = tz_offset_min;
}

int date_cmp(const struct date *a, const struct date *b, int tz_offset_min)
{
	int64_t ea = date_to_epoch(a, tz_offset_min), eb = date_to_epoch(b, tz_offset_min);
	return ea < eb ? -1 : ea > eb ? 1 : 0;
}

/* ---- formatting ------------------------------------------------------- */

/* Fields are clamped so that a damaged struct can never overflow out[64]. */
static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void format_offset(char *out, size_t size, int off)
{
	if (off == 0) {
		snprintf(out, size, "Z");
		return;
	}
	int a = clamp(off < 0 ? -off : off, 0, 99 * 60 + 59);
	snprintf(out, size, "%c%02d:%02d", off < 0 ? '-' : '+', a / 60, a % 60);
}

static void format_timestamp(char *out, const struct date *d, int off)
{
	char zone[16];
	format_offset(zone, sizeof(zone), off);
	snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d%s", clamp(d->year, 0, 9999),
		 clamp(d->month, 0, 99), clamp(d->day, 0, 99), clamp(d->hour, 0, 99),
		 clamp(d->minute, 0, 99), clamp(d->second, 0, 99), zone);
}

char *date_format_iso(char *out, const struct date *d)
{
	int y = clamp(d->year, 0, 9999), m = clamp(d->month, 0, 99), day = clamp(d->day, 0, 99);
	switch (d->prec) {
	case DATE_NONE:
		out[0] = '\0';
		break;
	case DATE_MONTH:
		snprintf(out, 64, "%04d-%02d", y, m);
		break;
	case DATE_DAY:
		snprintf(out, 64, "%04d-%02d-%02d", y, m, day);
		break;
	case DATE_TIME:
		if (d->has_offset) {
			format_timestamp(out, d, d->offset_min);
		} else {
			snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, day,
				 clamp(d->hour, 0, 99), clamp(d->minute, 0, 99),
				 clamp(d->second, 0, 99));
		}
		break;
	}
	return out;
}

char *date_format_short(char *out, const struct date *d)
{
	int y = clamp(d->year, 0, 9999), m = clamp(d->month, 0, 99), day = clamp(d->day, 0, 99);
	if (d->prec == DATE_NONE)
		out[0] = '\0';
	else if (d->prec == DATE_MONTH)
		snprintf(out, 64, "%02d/%04d", m, y);
	else
		snprintf(out, 64, "%02d/%02d/%04d", day, m, y);
	return out;
}

char *date_format_long(char *out, const struct date *d)
{
	int y = clamp(d->year, 0, 9999), m = clamp(d->month, 0, 99), day = clamp(d->day, 0, 99);
	if (d->prec == DATE_NONE)
		out[0] = '\0';
	else if (d->prec == DATE_MONTH)
		snprintf(out, 64, "tháng %02d năm %04d", m, y);
	else
		snprintf(out, 64, "ngày %02d tháng %02d năm %04d", day, m, y);
	return out;
}

char *date_format_rfc3339(char *out, const struct date *d, int tz_offset_min)
{
	if (d->prec == DATE_NONE) {
		out[0] = '\0';
		return out;
	}
	struct date full = *d;
	if (full.prec == DATE_MONTH || full.day == 0)
		full.day = 1;
	if (full.prec != DATE_TIME)
		full.hour = full.minute = full.second = 0;
	format_timestamp(out, &full, d->has_offset ? d->offset_min : tz_offset_min);
	return out;
}

char *date_format_utc(char *out, const struct date *d, int tz_offset_min)
{
	if (d->prec == DATE_NONE) {
		out[0] = '\0';
		return out;
	}
	struct date utc;
	date_from_epoch(&utc, date_to_epoch(d, tz_offset_min), 0);
	format_timestamp(out, &utc, 0);
	return out;
}
