/* Unit tests for base/: the growable buffer's one-byte append (inline in
 * buf.h) and the string map's lookup by length (strmap_getn), which the
 * search index uses on words where they stand in a body. */
#include "base/buf.h"
#include "base/strmap.h"

#include <string.h>

#include "harness.h"

TEST(test_buf_putc)
{
	struct buf b = BUF_INIT;
	/* from the shared empty byte, through several growths */
	for (int i = 0; i < 1000; i++)
		buf_putc(&b, (char)('a' + i % 26));
	CHECK_INT_EQ(b.len, 1000);
	CHECK_INT_EQ(b.ptr[1000], '\0');
	CHECK_INT_EQ(b.ptr[0], 'a');
	CHECK_INT_EQ(b.ptr[999], 'a' + 999 % 26);
	CHECK_INT_EQ(strlen(b.ptr), 1000);
	buf_reset(&b);
	buf_putc(&b, 'x');
	buf_puts(&b, "yz");
	buf_putc(&b, '!');
	CHECK_STR_EQ(b.ptr, "xyz!");
	buf_release(&b);
	CHECK_INT_EQ(b.len, 0);
	CHECK_STR_EQ(b.ptr, "");
}

TEST(test_strmap_getn)
{
	struct strmap m = STRMAP_INIT;
	size_t v = 99;
	CHECK(!strmap_getn(&m, "abc", 3, &v)); /* empty map */
	static const char *const words[] = { "giáo", "dục", "mầm", "non", "mầm non", "a", "ab" };
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		CHECK(strmap_put(&m, words[i], i, NULL));
	/* a word inside a longer text, not NUL-terminated there */
	const char *text = "trường mầm non giáo dục";
	const char *at = strstr(text, "mầm");
	CHECK(strmap_getn(&m, at, strlen("mầm"), &v));
	CHECK_INT_EQ(v, 2);
	CHECK(strmap_getn(&m, at, strlen("mầm non"), &v));
	CHECK_INT_EQ(v, 4);
	/* a prefix of a key is not the key, nor a key a prefix of the bytes */
	CHECK(!strmap_getn(&m, "giá", strlen("giá"), &v));
	CHECK(!strmap_getn(&m, "abc", 3, &v));
	CHECK(strmap_getn(&m, "abc", 2, &v));
	CHECK_INT_EQ(v, 6);
	CHECK(strmap_getn(&m, "abc", 1, &v));
	CHECK_INT_EQ(v, 5);
	/* the same answers as strmap_get */
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++) {
		size_t a = 0, b = 1;
		CHECK(strmap_get(&m, words[i], &a));
		CHECK(strmap_getn(&m, words[i], strlen(words[i]), &b));
		CHECK_INT_EQ(a, b);
	}
	strmap_release(&m);
}

int main(void)
{
	RUN(test_buf_putc);
	RUN(test_strmap_getn);
	return harness_report();
}
