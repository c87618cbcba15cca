/* Tests for content/dates: every accepted form, impossible dates, leap
 * years, epoch arithmetic and the Vietnamese formats. */
#include "content/dates.h"
#include "harness.h"

#include <string.h>

static int parse(struct date *d, const char *s, bool month, const char **why)
{
	*why = NULL;
	return date_parse(d, s, strlen(s), month, why);
}

/* the parse of s fails with a reason containing reason */
static void check_bad(const char *s, bool month, const char *reason)
{
	struct date d;
	const char *why;
	int rc = parse(&d, s, month, &why);
	if (rc != -1)
		fprintf(stderr, "  accepted bad date '%s'\n", s);
	CHECK_INT_EQ(rc, -1);
	CHECK_CONTAINS(why, reason);
	CHECK_INT_EQ(d.prec, DATE_NONE);
}

TEST(test_iso_day)
{
	struct date d;
	const char *why;
	CHECK_INT_EQ(parse(&d, "2023-02-17", false, &why), 0);
	CHECK_INT_EQ(d.prec, DATE_DAY);
	CHECK_INT_EQ(d.year, 2023);
	CHECK_INT_EQ(d.month, 2);
	CHECK_INT_EQ(d.day, 17);
	CHECK(!d.has_offset);
	CHECK_INT_EQ(d.hour, 0);
}

TEST(test_iso_time)
{
	struct date d;
	const char *why;
	CHECK_INT_EQ(parse(&d, "2023-02-17T08:30", false, &why), 0);
	CHECK_INT_EQ(d.prec, DATE_TIME);
	CHECK_INT_EQ(d.hour, 8);
	CHECK_INT_EQ(d.minute, 30);
	CHECK_INT_EQ(d.second, 0);
	CHECK(!d.has_offset);

	CHECK_INT_EQ(parse(&d, "2023-02-17 08:30:15", false, &why), 0);
	CHECK_INT_EQ(d.prec, DATE_TIME);
	CHECK_INT_EQ(d.second, 15);

	CHECK_INT_EQ(parse(&d, "2023-02-17T08:30:00Z", false, &why), 0);
	CHECK(d.has_offset);
	CHECK_INT_EQ(d.offset_min, 0);

	CHECK_INT_EQ(parse(&d, "2023-02-17T08:30:00+07:00", false, &why), 0);
	CHECK(d.has_offset);
	CHECK_INT_EQ(d.offset_min, 420);

	CHECK_INT_EQ(parse(&d, "2023-02-17T08:30+0700", false, &why), 0);
	CHECK_INT_EQ(d.offset_min, 420);

	CHECK_INT_EQ(parse(&d, "2023-02-17T08:30:00-05:30", false, &why), 0);
	CHECK_INT_EQ(d.offset_min, -330);

	/* as git prints it */
	CHECK_INT_EQ(parse(&d, "2023-02-17 08:30:00 +0700", false, &why), 0);
	CHECK_INT_EQ(d.offset_min, 420);
	CHECK_INT_EQ(d.hour, 8);
}

TEST(test_vietnamese_day)
{
	struct date d;
	const char *why;
	CHECK_INT_EQ(parse(&d, "17/02/2023", false, &why), 0);
	CHECK_INT_EQ(d.prec, DATE_DAY);
	CHECK_INT_EQ(d.year, 2023);
	CHECK_INT_EQ(d.month, 2);
	CHECK_INT_EQ(d.day, 17);
	CHECK_INT_EQ(parse(&d, "7/2/2023", false, &why), 0);
	CHECK_INT_EQ(d.day, 7);
	CHECK_INT_EQ(d.month, 2);
	CHECK_INT_EQ(parse(&d, "07/12/2023", false, &why), 0);
	CHECK_INT_EQ(d.day, 7);
	CHECK_INT_EQ(d.month, 12);
	/* day first: 13/1 is the 13th of January, 1/13 is no date */
	CHECK_INT_EQ(parse(&d, "13/1/2024", false, &why), 0);
	CHECK_INT_EQ(d.day, 13);
	check_bad("1/13/2024", false, "month out of range");
}

TEST(test_months)
{
	struct date d;
	const char *why;
	CHECK_INT_EQ(parse(&d, "2021-05", true, &why), 0);
	CHECK_INT_EQ(d.prec, DATE_MONTH);
	CHECK_INT_EQ(d.year, 2021);
	CHECK_INT_EQ(d.month, 5);
	CHECK_INT_EQ(d.day, 0);
	CHECK_INT_EQ(parse(&d, "5/2021", true, &why), 0);
	CHECK_INT_EQ(d.prec, DATE_MONTH);
	CHECK_INT_EQ(d.month, 5);
	CHECK_INT_EQ(d.year, 2021);
	CHECK_INT_EQ(parse(&d, "12/2021", true, &why), 0);
	CHECK_INT_EQ(d.month, 12);
	/* a day is also fine where a month is */
	CHECK_INT_EQ(parse(&d, "2021-05-31", true, &why), 0);
	CHECK_INT_EQ(d.prec, DATE_DAY);
	/* but a month is not a date */
	check_bad("2021-05", false, "day missing");
	check_bad("5/2021", false, "day missing");
	check_bad("2021-13", true, "month out of range");
	check_bad("13/2021", true, "month out of range");
	check_bad("0/2021", true, "month out of range");
	check_bad("2021-5", true, "not a date");
}

TEST(test_impossible_dates)
{
	check_bad("2023-02-30", false, "day out of range");
	check_bad("2023-02-29", false, "day out of range");
	check_bad("2023-04-31", false, "day out of range");
	check_bad("2023-01-00", false, "day out of range");
	check_bad("2023-13-01", false, "month out of range");
	check_bad("2023-00-10", false, "month out of range");
	check_bad("99999-01-01", false, "year out of range");
	check_bad("0999-01-01", false, "year out of range");
	check_bad("30/2/2023", false, "day out of range");
	check_bad("32/1/2023", false, "day out of range");
	check_bad("1/1/20233", false, "year out of range");
	check_bad("2023-02-17T24:00", false, "hour out of range");
	check_bad("2023-02-17T23:60", false, "minute out of range");
	check_bad("2023-02-17T23:59:60", false, "second out of range");
	check_bad("2023-02-17T08:30+15:00", false, "offset out of range");
	check_bad("2023-02-17T08:30+07:60", false, "offset out of range");
}

TEST(test_malformed)
{
	check_bad("", false, "empty");
	check_bad("yesterday", false, "not a date");
	check_bad("2023/02/17", false, "not a date");
	check_bad("2023-2-17", false, "not a date");
	check_bad("2023-02-7", false, "not a date");
	check_bad("2023-02-17x", false, "unexpected text");
	check_bad("2023-02-17T8:30", false, "invalid time");
	check_bad("2023-02-17T08", false, "invalid time");
	check_bad("2023-02-17T08:30:00.5", false, "unexpected text");
	check_bad("2023-02-17T08:30+7", false, "invalid time zone offset");
	check_bad("2023-02-17T08:30+07:00 ", false, "invalid time zone offset");
	check_bad(" 2023-02-17", false, "not a date");
	check_bad("17/02/23", false, "not a date");
	check_bad("123/1/2023", false, "not a date");
	check_bad("1/123/2023", false, "not a date");
	check_bad("17/02/2023 08:00", false, "unexpected text");
	check_bad("1e3", false, "not a date");
	/* a length, not a NUL, ends the text */
	struct date d;
	const char *why;
	CHECK_INT_EQ(date_parse(&d, "2023-02-17junk", 10, false, &why), 0);
	CHECK_INT_EQ(d.day, 17);
}

TEST(test_leap_years)
{
	CHECK(date_is_leap(2024));
	CHECK(date_is_leap(2000));
	CHECK(!date_is_leap(1900));
	CHECK(!date_is_leap(2023));
	CHECK(!date_is_leap(2100));
	CHECK_INT_EQ(date_days_in_month(2024, 2), 29);
	CHECK_INT_EQ(date_days_in_month(2023, 2), 28);
	CHECK_INT_EQ(date_days_in_month(1900, 2), 28);
	CHECK_INT_EQ(date_days_in_month(2000, 2), 29);
	CHECK_INT_EQ(date_days_in_month(2023, 4), 30);
	CHECK_INT_EQ(date_days_in_month(2023, 12), 31);
	CHECK_INT_EQ(date_days_in_month(2023, 13), 0);
	struct date d;
	const char *why;
	CHECK_INT_EQ(parse(&d, "2024-02-29", false, &why), 0);
	CHECK_INT_EQ(parse(&d, "29/2/2000", false, &why), 0);
	check_bad("29/2/1900", false, "day out of range");
}

TEST(test_epoch)
{
	CHECK_INT_EQ(date_days_from_civil(1970, 1, 1), 0);
	CHECK_INT_EQ(date_days_from_civil(1970, 1, 2), 1);
	CHECK_INT_EQ(date_days_from_civil(1969, 12, 31), -1);
	CHECK_INT_EQ(date_days_from_civil(2000, 3, 1), 11017);
	CHECK_INT_EQ(date_days_from_civil(2023, 2, 17), 19405);

	struct date d;
	const char *why;
	CHECK_INT_EQ(parse(&d, "2023-02-17", false, &why), 0);
	CHECK_INT_EQ(date_to_epoch(&d, 0), 1676592000LL);
	/* midnight in Hà Nội is 17:00 UTC the day before */
	CHECK_INT_EQ(date_to_epoch(&d, 420), 1676592000LL - 7 * 3600);
	CHECK_INT_EQ(parse(&d, "2023-02-17T08:30:00+07:00", false, &why), 0);
	/* its own offset wins over the zone given */
	CHECK_INT_EQ(date_to_epoch(&d, -300), 1676592000LL + 90 * 60);
	CHECK_INT_EQ(parse(&d, "2023-02", true, &why), 0);
	CHECK_INT_EQ(date_to_epoch(&d, 0), 1675209600LL);

	struct date e;
	date_from_epoch(&e, 1676592000LL + 90 * 60, 420);
	CHECK_INT_EQ(e.prec, DATE_TIME);
	CHECK_INT_EQ(e.year, 2023);
	CHECK_INT_EQ(e.month, 2);
	CHECK_INT_EQ(e.day, 17);
	CHECK_INT_EQ(e.hour, 8);
	CHECK_INT_EQ(e.minute, 30);
	CHECK(e.has_offset);
	CHECK_INT_EQ(e.offset_min, 420);
	/* before 1970, and across a day boundary */
	date_from_epoch(&e, -1, 0);
	CHECK_INT_EQ(e.year, 1969);
	CHECK_INT_EQ(e.month, 12);
	CHECK_INT_EQ(e.day, 31);
	CHECK_INT_EQ(e.hour, 23);
	CHECK_INT_EQ(e.second, 59);
}

TEST(test_round_trips)
{
	/* every day of 1999-2001 and a spread of years */
	for (int y = 1000; y <= 9999; y += (y >= 1999 && y < 2001) ? 1 : 97) {
		for (int m = 1; m <= 12; m++) {
			for (int day = 1; day <= date_days_in_month(y, m); day++) {
				struct date d = { DATE_DAY, y, m, day, 0, 0, 0, false, 0 };
				struct date back;
				date_from_epoch(&back, date_to_epoch(&d, 420), 420);
				if (back.year != y || back.month != m || back.day != day ||
				    back.hour != 0) {
					CHECK(!"round trip");
					return;
				}
			}
		}
	}
	const char *forms[] = { "2023-02-17", "2023-02", "2023-02-17T08:30:05+07:00",
				"2023-02-17T23:59:59Z", "2023-02-17T08:30:00", "2024-02-29T00:00:00-03:30" };
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct date d;
		const char *why;
		char out[64];
		CHECK_INT_EQ(parse(&d, forms[i], true, &why), 0);
		CHECK_STR_EQ(date_format_iso(out, &d), forms[i]);
	}
}

TEST(test_formatting)
{
	struct date d;
	const char *why;
	char out[64];
	CHECK_INT_EQ(parse(&d, "17/2/2023", false, &why), 0);
	CHECK_STR_EQ(date_format_short(out, &d), "17/02/2023");
	CHECK_STR_EQ(date_format_long(out, &d), "ngày 17 tháng 02 năm 2023");
	CHECK_STR_EQ(date_format_iso(out, &d), "2023-02-17");
	CHECK_STR_EQ(date_format_rfc3339(out, &d, 420), "2023-02-17T00:00:00+07:00");
	CHECK_STR_EQ(date_format_rfc3339(out, &d, 0), "2023-02-17T00:00:00Z");
	/* midnight in Hà Nội is the evening before in UTC */
	CHECK_STR_EQ(date_format_utc(out, &d, 420), "2023-02-16T17:00:00Z");

	CHECK_INT_EQ(parse(&d, "3/1/2024", false, &why), 0);
	CHECK_STR_EQ(date_format_short(out, &d), "03/01/2024");
	CHECK_STR_EQ(date_format_long(out, &d), "ngày 03 tháng 01 năm 2024");

	CHECK_INT_EQ(parse(&d, "5/2021", true, &why), 0);
	CHECK_STR_EQ(date_format_short(out, &d), "05/2021");
	CHECK_STR_EQ(date_format_long(out, &d), "tháng 05 năm 2021");
	CHECK_STR_EQ(date_format_iso(out, &d), "2021-05");
	CHECK_STR_EQ(date_format_rfc3339(out, &d, 420), "2021-05-01T00:00:00+07:00");
	CHECK_STR_EQ(date_format_utc(out, &d, 420), "2021-04-30T17:00:00Z");

	CHECK_INT_EQ(parse(&d, "2023-02-17 08:30", false, &why), 0);
	CHECK_STR_EQ(date_format_iso(out, &d), "2023-02-17T08:30:00");
	CHECK_STR_EQ(date_format_short(out, &d), "17/02/2023");
	CHECK_STR_EQ(date_format_rfc3339(out, &d, 420), "2023-02-17T08:30:00+07:00");
	CHECK_INT_EQ(parse(&d, "2023-02-17T08:30-0530", false, &why), 0);
	CHECK_STR_EQ(date_format_rfc3339(out, &d, 420), "2023-02-17T08:30:00-05:30");
	/* its own offset, not the zone's */
	CHECK_STR_EQ(date_format_utc(out, &d, 420), "2023-02-17T14:00:00Z");

	/* shown in the site's zone: 20:00 UTC is the next day in Hà Nội */
	CHECK_INT_EQ(parse(&d, "2023-02-17T20:00:00Z", false, &why), 0);
	struct date local;
	date_from_epoch(&local, date_to_epoch(&d, 420), 420);
	CHECK_STR_EQ(date_format_short(out, &local), "18/02/2023");
	CHECK_STR_EQ(date_format_iso(out, &local), "2023-02-18T03:00:00+07:00");

	struct date none = { 0 };
	CHECK_STR_EQ(date_format_iso(out, &none), "");
	CHECK_STR_EQ(date_format_short(out, &none), "");
	CHECK_STR_EQ(date_format_long(out, &none), "");
}

TEST(test_compare)
{
	struct date a, b;
	const char *why;
	CHECK_INT_EQ(parse(&a, "2023-02-17", false, &why), 0);
	CHECK_INT_EQ(parse(&b, "17/2/2023", false, &why), 0);
	CHECK_INT_EQ(date_cmp(&a, &b, 420), 0);
	CHECK_INT_EQ(parse(&b, "2023-02-17T00:00:01", false, &why), 0);
	CHECK_INT_EQ(date_cmp(&a, &b, 420), -1);
	CHECK_INT_EQ(date_cmp(&b, &a, 420), 1);
	/* 08:00+07:00 and 01:00Z are the same instant */
	CHECK_INT_EQ(parse(&a, "2023-02-17T08:00+07:00", false, &why), 0);
	CHECK_INT_EQ(parse(&b, "2023-02-17T01:00:00Z", false, &why), 0);
	CHECK_INT_EQ(date_cmp(&a, &b, 0), 0);
	/* a month sorts as its first day */
	CHECK_INT_EQ(parse(&a, "2021-05", true, &why), 0);
	CHECK_INT_EQ(parse(&b, "1/5/2021", false, &why), 0);
	CHECK_INT_EQ(date_cmp(&a, &b, 420), 0);
	CHECK_INT_EQ(parse(&b, "30/4/2021", false, &why), 0);
	CHECK_INT_EQ(date_cmp(&a, &b, 420), 1);
}

int main(void)
{
	RUN(test_iso_day);
	RUN(test_iso_time);
	RUN(test_vietnamese_day);
	RUN(test_months);
	RUN(test_impossible_dates);
	RUN(test_malformed);
	RUN(test_leap_years);
	RUN(test_epoch);
	RUN(test_round_trips);
	RUN(test_formatting);
	RUN(test_compare);
	return harness_report();
}
