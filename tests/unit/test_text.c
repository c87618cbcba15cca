/* Unit tests for content/text: slugs, folding, NFC, collation, time zone. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "content/text.h"
#include "harness.h"

static struct text *T;

/* slug of s as a string owned by a static buffer (tests only) */
static const char *slug(const char *s)
{
	static char last[512];
	struct buf b = BUF_INIT;
	size_t n = text_slugify(T, &b, s, strlen(s));
	CHECK_INT_EQ(n, b.len);
	snprintf(last, sizeof(last), "%s", b.ptr);
	buf_release(&b);
	return last;
}

static const char *fold(const char *s)
{
	static char last[512];
	struct buf b = BUF_INIT;
	text_fold(T, &b, s, strlen(s));
	snprintf(last, sizeof(last), "%s", b.ptr);
	buf_release(&b);
	return last;
}

TEST(test_slug_vietnamese)
{
	CHECK_STR_EQ(slug("Hội thảo chuyển đổi số"), "hoi-thao-chuyen-doi-so");
	CHECK_STR_EQ(slug("Đồng Thái"), "dong-thai");
	CHECK_STR_EQ(slug("ĐẶNG ĐỨC"), "dang-duc");
	CHECK_STR_EQ(slug("Trường Mầm non Hoa Sen 2"), "truong-mam-non-hoa-sen-2");
	CHECK_STR_EQ(slug("Tin tức"), "tin-tuc");
	CHECK_STR_EQ(slug("Tín tục"), "tin-tuc");
}

TEST(test_slug_nfc_nfd_same)
{
	/* "Tin tức" in NFC and in NFD (u + horn + acute as combining marks) */
	const char *nfc = "Tin t\xe1\xbb\xa9" "c";
	const char *nfd = "Tin tu\xcc\x9b\xcc\x81" "c";
	char a[64];
	snprintf(a, sizeof(a), "%s", slug(nfc));
	CHECK_STR_EQ(a, "tin-tuc");
	CHECK_STR_EQ(slug(nfd), a);
	/* NFD "Đ" does not decompose; "D" + combining dot below does */
	CHECK_STR_EQ(slug("Nguye\xcc\x82\xcc\x83n"), "nguyen");
}

TEST(test_slug_punctuation_and_edges)
{
	CHECK_STR_EQ(slug("  --Hello,   World!!  "), "hello-world");
	CHECK_STR_EQ(slug("a_b.c/d"), "a-b-c-d");
	CHECK_STR_EQ(slug("Children's Day"), "childrens-day");
	CHECK_STR_EQ(slug("Children\xe2\x80\x99s Day"), "childrens-day");
	CHECK_STR_EQ(slug("Straße Øresund"), "strasse-oresund");
	CHECK_STR_EQ(slug(""), "");
	CHECK_STR_EQ(slug("!!! ??? ..."), "");
	/* other scripts have no ASCII form: dropped, acting as separators */
	CHECK_STR_EQ(slug("Tết 中秋节 2023"), "tet-2023");
	CHECK_STR_EQ(slug("中文"), "");
	/* invalid UTF-8 does not crash and is not copied */
	CHECK_STR_EQ(slug("a\xff\xfe" "b"), "a-b");
}

TEST(test_slug_appends)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "/tin-tuc/");
	size_t n = text_slugify(T, &b, "Ngày hội", strlen("Ngày hội"));
	CHECK_INT_EQ(n, strlen("ngay-hoi"));
	CHECK_STR_EQ(b.ptr, "/tin-tuc/ngay-hoi");
	n = text_slugify(T, &b, "!!", 2);
	CHECK_INT_EQ(n, 0);
	CHECK_STR_EQ(b.ptr, "/tin-tuc/ngay-hoi");
	buf_release(&b);
}

TEST(test_slug_long_title)
{
	struct buf title = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
	for (int i = 0; i < 40; i++)
		buf_puts(&title, "Hội thảo chuyển đổi ");
	CHECK(title.len > 300);
	text_slugify(T, &a, title.ptr, title.len);
	text_slugify(T, &b, title.ptr, title.len);
	CHECK(a.len <= SLUG_MAX);
	CHECK(a.len > SLUG_MAX - 20);
	CHECK_STR_EQ(a.ptr, b.ptr); /* deterministic */
	CHECK(a.ptr[a.len - 1] != '-');
	/* cut at a word boundary: the slug ends with a whole word */
	CHECK(a.len >= 4);
	const char *end = a.ptr + a.len;
	CHECK(strcmp(end - 3, "hoi") == 0 || strcmp(end - 4, "thao") == 0 ||
	      strcmp(end - 6, "chuyen") == 0 || strcmp(end - 3, "doi") == 0);
	CHECK(text_slug_valid(a.ptr));

	/* one word longer than SLUG_MAX: hard cut */
	buf_reset(&title);
	buf_reset(&a);
	for (int i = 0; i < 300; i++)
		buf_putc(&title, 'x');
	CHECK_INT_EQ(text_slugify(T, &a, title.ptr, title.len), SLUG_MAX);
	buf_release(&title);
	buf_release(&a);
	buf_release(&b);
}

TEST(test_slug_valid)
{
	CHECK(text_slug_valid("tin-tuc"));
	CHECK(text_slug_valid("a_b.c-2"));
	CHECK(!text_slug_valid(""));
	CHECK(!text_slug_valid("."));
	CHECK(!text_slug_valid(".."));
	CHECK(!text_slug_valid(".hidden"));
	CHECK(!text_slug_valid("../../etc/x"));
	CHECK(!text_slug_valid("a/b"));
	CHECK(!text_slug_valid("%2e%2e"));
	CHECK(!text_slug_valid("Tin-tuc"));
	CHECK(!text_slug_valid("tin tuc"));
	CHECK(!text_slug_valid("tức"));
	char long_ok[SLUG_MAX + 1], too_long[SLUG_MAX + 2];
	memset(long_ok, 'a', SLUG_MAX);
	long_ok[SLUG_MAX] = '\0';
	memset(too_long, 'a', SLUG_MAX + 1);
	too_long[SLUG_MAX + 1] = '\0';
	CHECK(text_slug_valid(long_ok));
	CHECK(!text_slug_valid(too_long));
}

TEST(test_fold)
{
	CHECK_STR_EQ(fold("  Hội thảo:  Chuyển ĐỔI số! "), "hoi thao chuyen doi so");
	CHECK_STR_EQ(fold("Tin tu\xcc\x9b\xcc\x81" "c"), "tin tuc");
	/* other scripts are kept (lower case), unlike slugs */
	CHECK_STR_EQ(fold("Tết 中秋节"), "tet 中秋节");
	CHECK_STR_EQ(fold("ΑΒΓ"), "αβγ");
	CHECK_STR_EQ(fold(""), "");
	/* no length limit */
	struct buf in = BUF_INIT, out = BUF_INIT;
	for (int i = 0; i < 100; i++)
		buf_puts(&in, "Đà Nẵng ");
	text_fold(T, &out, in.ptr, in.len);
	CHECK_INT_EQ(out.len, 100 * strlen("da nang ") - 1);
	buf_release(&in);
	buf_release(&out);
}

TEST(test_nfc)
{
	struct buf b = BUF_INIT;
	const char *nfd = "Tin tu\xcc\x9b\xcc\x81" "c";
	text_nfc(T, &b, nfd, strlen(nfd));
	CHECK_STR_EQ(b.ptr, "Tin t\xe1\xbb\xa9" "c");
	buf_reset(&b);
	text_nfc(T, &b, "plain", 5);
	CHECK_STR_EQ(b.ptr, "plain");
	buf_reset(&b);
	text_nfc(T, &b, "", 0);
	CHECK_INT_EQ(b.len, 0);
	buf_release(&b);
}

static int cmp_keys(const char *a, const char *b)
{
	struct buf ka = BUF_INIT, kb = BUF_INIT;
	text_sort_key(T, &ka, a);
	text_sort_key(T, &kb, b);
	CHECK_INT_EQ(strlen(ka.ptr), ka.len); /* no NUL inside */
	CHECK_INT_EQ(strlen(kb.ptr), kb.len);
	int r = strcmp(ka.ptr, kb.ptr);
	buf_release(&ka);
	buf_release(&kb);
	return r < 0 ? -1 : r > 0;
}

TEST(test_collation)
{
	CHECK_INT_EQ(text_collate(T, "An Dương", "An Đồng 2"), -1);
	CHECK_INT_EQ(text_collate(T, "Đồng Thái", "Lê Lợi"), -1);
	/* Đ is a letter after D in Vietnamese (byte order agrees here, but
	 * root collation would put "Đà" before "Dương") */
	CHECK_INT_EQ(text_collate(T, "Dương", "Đà Nẵng"), -1);
	CHECK_INT_EQ(text_collate(T, "Đà Nẵng", "Dương"), 1);
	CHECK_INT_EQ(text_collate(T, "Đà Nẵng", "Đà Nẵng"), 0);
	/* byte order would put "Ân" after "Bình" (0xC3 > 'B') */
	CHECK_INT_EQ(text_collate(T, "Ân Thi", "Bình Giang"), -1);
	CHECK_INT_EQ(text_collate(T, "Mầm non 2", "Mầm non 10"), -1);
	/* NFD and NFC compare equal */
	CHECK_INT_EQ(text_collate(T, "Tin t\xe1\xbb\xa9" "c", "Tin tu\xcc\x9b\xcc\x81" "c"), 0);

	CHECK_INT_EQ(cmp_keys("An Dương", "An Đồng 2"), -1);
	CHECK_INT_EQ(cmp_keys("Đồng Thái", "Lê Lợi"), -1);
	CHECK_INT_EQ(cmp_keys("Đà Nẵng", "Dương"), 1);
	CHECK_INT_EQ(cmp_keys("Ân Thi", "Bình Giang"), -1);
	CHECK_INT_EQ(cmp_keys("Mầm non 2", "Mầm non 10"), -1);
	CHECK_INT_EQ(cmp_keys("x", "x"), 0);

	/* sort keys are appended and NUL-terminated */
	struct buf k = BUF_INIT;
	buf_puts(&k, "p:");
	text_sort_key(T, &k, "Lê Lợi");
	CHECK(k.len > 2);
	CHECK(memcmp(k.ptr, "p:", 2) == 0);
	CHECK_INT_EQ(k.ptr[k.len], '\0');
	buf_release(&k);
}

TEST(test_tz)
{
	/* Viet Nam: UTC+7, no DST */
	CHECK_INT_EQ(text_tz_offset(T, 1676592000), 420); /* 2023-02-17 */
	CHECK_INT_EQ(text_tz_offset(T, 1689552000), 420); /* 2023-07-17 */

	struct diag_list d = DIAG_LIST_INIT;
	struct text *paris = NULL;
	CHECK_INT_EQ(text_open(&paris, "Europe/Paris", &d), 0);
	CHECK_INT_EQ(d.len, 0);
	if (paris) {
		CHECK_INT_EQ(text_tz_offset(paris, 1676592000), 60);  /* winter */
		CHECK_INT_EQ(text_tz_offset(paris, 1689552000), 120); /* summer */
	}
	text_free(paris);

	struct text *bad = (struct text *)&d; /* must be reset to NULL */
	CHECK_INT_EQ(text_open(&bad, "Asia/Hanoi_Nowhere", &d), -1);
	CHECK(bad == NULL);
	CHECK_INT_EQ(d.errors, 1);
	if (d.len == 1) {
		CHECK_CONTAINS(d.items[0].msg, "unknown time zone 'Asia/Hanoi_Nowhere'");
	}
	CHECK_INT_EQ(text_open(&bad, "GMT+07:00", &d), -1);
	CHECK_INT_EQ(d.errors, 2);

	/* NULL or empty: the default zone */
	struct text *def = NULL;
	CHECK_INT_EQ(text_open(&def, NULL, &d), 0);
	if (def)
		CHECK_INT_EQ(text_tz_offset(def, 1676592000), 420);
	text_free(def);
	text_free(NULL);
	diag_list_release(&d);
}

int main(void)
{
	struct diag_list d = DIAG_LIST_INIT;
	if (text_open(&T, "Asia/Ho_Chi_Minh", &d) != 0) {
		fprintf(stderr, "text_open failed: %s\n", d.len ? d.items[0].msg : "?");
		return 1;
	}
	RUN(test_slug_vietnamese);
	RUN(test_slug_nfc_nfd_same);
	RUN(test_slug_punctuation_and_edges);
	RUN(test_slug_appends);
	RUN(test_slug_long_title);
	RUN(test_slug_valid);
	RUN(test_fold);
	RUN(test_nfc);
	RUN(test_collation);
	RUN(test_tz);
	text_free(T);
	diag_list_release(&d);
	return harness_report();
}
