/* Unit tests for base/: the growable buffer's one-byte append (inline in
 * buf.h), the string map's lookup by length (strmap_getn), which the
 * search index uses on words where they stand in a body, and writev to
 * the end (sys_writev_all), which writes the cache's objects. */
#include "base/buf.h"
#include "base/str.h"
#include "base/strmap.h"
#include "base/sysutil.h"
#include "base/utf8.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>

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

/* A temporary file's bytes, read back into out. */
static void read_back(FILE *f, struct buf *out)
{
	buf_reset(out);
	CHECK_INT_EQ(sys_read_fd(fileno(f), 0, out), 0);
}

TEST(test_writev_all)
{
	/* many parts, more than one writev takes, empty ones among them, in order */
	enum { N = 2500 };
	static char bytes[N][4];
	static struct iovec parts[N];
	struct buf want = BUF_INIT, got = BUF_INIT;
	for (int i = 0; i < N; i++) {
		int len = snprintf(bytes[i], sizeof(bytes[i]), "%d", i % 7 == 0 ? 0 : i % 1000);
		if (i % 7 == 0)
			len = 0; /* an empty part */
		parts[i] = (struct iovec){ bytes[i], (size_t)len };
		buf_add(&want, bytes[i], (size_t)len);
	}
	FILE *f = tmpfile();
	CHECK(f != NULL);
	CHECK_INT_EQ(sys_writev_all(fileno(f), parts, N), 0);
	rewind(f);
	read_back(f, &got);
	CHECK_INT_EQ(got.len, want.len);
	CHECK(got.len == want.len && memcmp(got.ptr, want.ptr, want.len) == 0);
	fclose(f);

	/* a write cut short (the file size limit) goes on from the byte it
	 * stopped at, then fails: the limit falls inside the second part */
	struct rlimit old;
	CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
	void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
	f = tmpfile();
	CHECK(f != NULL);
	struct rlimit small = { 6000, old.rlim_max };
	CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
	static char a[4096], b[4096];
	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	struct iovec two[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	int rc = sys_writev_all(fileno(f), two, 2);
	CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
	signal(SIGXFSZ, was);
	CHECK_INT_EQ(rc, -1);
	/* the short write moved the second part on past what it wrote */
	CHECK_INT_EQ(two[1].iov_len, 8192 - 6000);
	CHECK(two[1].iov_base == b + (6000 - 4096));
	rewind(f);
	read_back(f, &got);
	CHECK_INT_EQ(got.len, 6000);
	CHECK(got.len == 6000 && got.ptr[4095] == 'a' && got.ptr[4096] == 'b' &&
	      got.ptr[5999] == 'b');
	fclose(f);
	buf_release(&want);
	buf_release(&got);
}

/* str_find answers as memmem: every needle of one to four bytes over a
 * small alphabet, in haystacks that hold it at the start, the end, twice,
 * overlapping, cut short by one byte, or not at all. */
TEST(test_str_find_is_memmem)
{
	const char alphabet[] = "{{<%](x";
	unsigned seed = 12345;
	for (int round = 0; round < 20000; round++) {
		char hay[24], needle[4];
		seed = seed * 1103515245u + 12345u;
		size_t n = (seed >> 16) % sizeof(hay), k = 1 + (seed >> 8) % sizeof(needle);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			hay[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		for (size_t i = 0; i < k; i++) {
			seed = seed * 1103515245u + 12345u;
			needle[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		const char *want = memmem(hay, n, needle, k), *got = str_find(hay, n, needle, k);
		CHECK(got == want);
		if (got != want) {
			fprintf(stderr, "  str_find(\"%.*s\", \"%.*s\")\n", (int)n, hay, (int)k, needle);
			break;
		}
	}
	CHECK(str_find("ab{{<x", 6, "{{<", 3) != NULL);
	const char *s = "a](b {{< x >}}";
	CHECK(str_find(s, strlen(s), "{{<", 3) == s + 5);
	CHECK(str_find(s, strlen(s), "](", 2) == s + 1);
	CHECK(str_find(s, 6, "{{<", 3) == NULL); /* the match would pass the end */
	CHECK(str_find(s, 0, "a", 1) == NULL);
}

/* utf8_first_invalid, which skips ASCII eight bytes at a time, answers as
 * the plain scan: a character at a time through utf8_valid_prefix. The
 * texts mix ASCII runs of every length with Vietnamese letters and bytes
 * that break them (lone continuations, truncated characters,
 * surrogates, overlong forms), at every offset of an eight-byte word. */
static size_t first_invalid_plain(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t n = (unsigned char)s[i] < 0x80 ? 1 : utf8_valid_prefix(s + i, len - i);
		if (!n)
			return i;
		i += n;
	}
	return len;
}

/* The well-formed character at s by its code point (the definition: a
 * lead byte, continuation bytes, then no overlong form, no surrogate,
 * nothing past U+10FFFF): its length or 0. */
static size_t valid_by_code_point(const unsigned char *p, size_t len)
{
	if (len == 0)
		return 0;
	unsigned c = p[0], cp;
	size_t n;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* utf8_valid_prefix, which checks byte ranges, agrees with the code point
 * definition on every sequence of one to three bytes, and on four-byte
 * ones around every boundary (each lead byte, with its second byte at
 * every value and the others at 0x80, 0xbf and an ASCII byte), and on
 * every sequence cut short. */
TEST(test_utf8_valid_prefix_by_ranges)
{
	unsigned char b[4];
	size_t bad = 0;
	for (unsigned x = 0; x < 256; x++)
		for (unsigned y = 0; y < 256; y++)
			for (unsigned z = 0; z < 256; z++) {
				b[0] = (unsigned char)x, b[1] = (unsigned char)y, b[2] = (unsigned char)z;
				for (size_t len = 1; len <= 3; len++)
					bad += utf8_valid_prefix((const char *)b, len) !=
					       valid_by_code_point(b, len);
			}
	static const unsigned char tails[] = { 0x80, 0xbf, 'a' };
	for (unsigned x = 0xf0; x < 0x100; x++)
		for (unsigned y = 0; y < 256; y++)
			for (size_t i = 0; i < 3; i++)
				for (size_t j = 0; j < 3; j++) {
					b[0] = (unsigned char)x, b[1] = (unsigned char)y;
					b[2] = tails[i], b[3] = tails[j];
					bad += utf8_valid_prefix((const char *)b, 4) !=
					       valid_by_code_point(b, 4);
				}
	CHECK(bad == 0);
}

TEST(test_utf8_first_invalid_is_plain)
{
	static const char *const pieces[] = { "a", "bcdefgh", "Trường", "mầm non", " ", "\n",
					      "\xe1\xba", "\x80", "\xed\xa0\x80", "\xc0\xaf",
					      "\xf4\x90\x80\x80", "ệ", "0123456789abcdef" };
	unsigned seed = 777;
	for (int round = 0; round < 20000; round++) {
		char text[96];
		size_t len = 0;
		seed = seed * 1103515245u + 12345u;
		size_t count = (seed >> 16) % 9;
		for (size_t j = 0; j < count; j++) {
			seed = seed * 1103515245u + 12345u;
			const char *piece = pieces[(seed >> 16) % (sizeof(pieces) / sizeof(*pieces))];
			size_t n = strlen(piece);
			if (len + n > sizeof(text))
				break;
			memcpy(text + len, piece, n);
			len += n;
		}
		size_t want = first_invalid_plain(text, len), got = utf8_first_invalid(text, len);
		CHECK(got == want);
		if (got != want)
			break;
	}
}

int main(void)
{
	RUN(test_buf_putc);
	RUN(test_strmap_getn);
	RUN(test_writev_all);
	RUN(test_str_find_is_memmem);
	RUN(test_utf8_valid_prefix_by_ranges);
	RUN(test_utf8_first_invalid_is_plain);
	return harness_report();
}
