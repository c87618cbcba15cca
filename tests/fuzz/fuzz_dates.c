/* Fuzz target: content/dates — parsing, checking and formatting dates.
 * Invariants: no crash; a parsed date is possible (month 1..12, day within
 * its month, hours, minutes, seconds and offsets in range, four-digit
 * year); its ISO form parses back to the same date; epoch arithmetic
 * round-trips; a failure always says why. */
#include "content/dates.h"
#include "fuzz.h"

#include <string.h>

static void check_same(const struct date *a, const struct date *b, const char *iso)
{
	FUZZ_CHECK(a->prec == b->prec && a->year == b->year && a->month == b->month &&
			   a->day == b->day && a->hour == b->hour && a->minute == b->minute &&
			   a->second == b->second && a->has_offset == b->has_offset &&
			   (!a->has_offset || a->offset_min == b->offset_min),
		   "'%s' does not parse back to the same date", iso);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 1)
		return 0;
	bool allow_month = data[0] & 1;
	const char *s = (const char *)data + 1;
	size_t len = size - 1;
	struct date d;
	const char *why = NULL;
	memset(&d, 0x5a, sizeof(d));
	if (date_parse(&d, s, len, allow_month, &why) != 0) {
		FUZZ_CHECK(why && *why, "failure without a reason");
		return 0;
	}
	FUZZ_CHECK(d.prec == DATE_MONTH || d.prec == DATE_DAY || d.prec == DATE_TIME, "prec %d",
		   (int)d.prec);
	FUZZ_CHECK(allow_month || d.prec != DATE_MONTH, "a month where a day is needed");
	FUZZ_CHECK(d.year >= 1 && d.year <= 9999, "year %d", d.year);
	FUZZ_CHECK(d.month >= 1 && d.month <= 12, "month %d", d.month);
	if (d.prec == DATE_MONTH)
		FUZZ_CHECK(d.day == 0, "day %d in a month", d.day);
	else
		FUZZ_CHECK(d.day >= 1 && d.day <= date_days_in_month(d.year, d.month), "day %d",
			   d.day);
	FUZZ_CHECK(d.hour >= 0 && d.hour <= 23 && d.minute >= 0 && d.minute <= 59 &&
			   d.second >= 0 && d.second <= 60,
		   "time %d:%d:%d", d.hour, d.minute, d.second);
	if (d.has_offset)
		FUZZ_CHECK(d.offset_min > -24 * 60 && d.offset_min < 24 * 60, "offset %d",
			   d.offset_min);

	char iso[64], other[64];
	date_format_iso(iso, &d);
	struct date back;
	FUZZ_CHECK(date_parse(&back, iso, strlen(iso), true, &why) == 0, "'%s' does not parse: %s",
		   iso, why);
	check_same(&d, &back, iso);
	FUZZ_CHECK(date_cmp(&d, &back, 420) == 0, "'%s' compares unequal to itself", iso);
	date_format_short(other, &d);
	date_format_long(other, &d);
	date_format_rfc3339(other, &d, 420);
	FUZZ_CHECK(date_parse(&back, other, strlen(other), false, &why) == 0,
		   "RFC 3339 '%s' does not parse: %s", other, why);

	int64_t e = date_to_epoch(&d, 420);
	struct date from;
	date_from_epoch(&from, e, 420);
	FUZZ_CHECK(date_to_epoch(&from, 420) == e, "epoch round trip of '%s'", iso);
	return 0;
}
