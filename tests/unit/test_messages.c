/* Tests for base/messages and the bilingual side of base/diag: every
 * catalog entry keeps its msgid's conversions, diagnostics carry both
 * languages (across the pipe encoding too), and print in the one asked. */
#include "base/buf.h"
#include "base/diag.h"
#include "base/messages.h"
#include "base/utf8.h"
#include "harness.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

static bool valid_utf8(const char *s)
{
	size_t len = strlen(s), i = 0;
	while (i < len) {
		size_t n = utf8_valid_prefix(s + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

/* the id's words once conversions and quoted names are taken out */
static bool has_words_outside_quotes(const char *s)
{
	bool quoted = false;
	for (const char *p = s; *p; p++) {
		if (*p == '\'') {
			quoted = !quoted;
		} else if (*p == '%') {
			p++;
			while (*p && !strchr("diouxXeEfgGcsp%", *p))
				p++;
			if (!*p)
				break;
		} else if (!quoted && isalpha((unsigned char)*p)) {
			return true;
		}
	}
	return false;
}

TEST(test_catalog_entries_keep_conversions)
{
	CHECK(msg_count() > 200);
	for (size_t i = 0; i < msg_count(); i++) {
		const struct msg_entry *e = msg_at(i);
		int at = msg_same_conversions(e->id, e->vi);
		if (at)
			fprintf(stderr, "  entry %zu \"%s\": conversion %d differs in \"%s\"\n", i, e->id,
				at, e->vi);
		CHECK_INT_EQ(at, 0);
		CHECK(e->vi[0] != '\0');
		CHECK(valid_utf8(e->vi));
		/* translated, unless nothing in it is English */
		if (!strcmp(e->id, e->vi) && has_words_outside_quotes(e->id)) {
			fprintf(stderr, "  entry \"%s\" is not translated\n", e->id);
			CHECK(0);
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(msg_at(j)->id, e->id)) {
				fprintf(stderr, "  \"%s\" is in the catalog twice\n", e->id);
				CHECK(0);
			}
	}
	CHECK(msg_at(msg_count()) == NULL);
}

TEST(test_same_conversions)
{
	CHECK_INT_EQ(msg_same_conversions("a %s b %d", "x %s y %d z"), 0);
	CHECK_INT_EQ(msg_same_conversions("%s %d", "%d %s"), 1);
	CHECK_INT_EQ(msg_same_conversions("%s '%.40s'", "%s '%s'"), 2);
	CHECK_INT_EQ(msg_same_conversions("%zu", "%u"), 1);
	CHECK_INT_EQ(msg_same_conversions("%s", "%s %s"), 2);
	CHECK_INT_EQ(msg_same_conversions("%s %s", "%s"), 2);
	CHECK_INT_EQ(msg_same_conversions("100%% %.*s", "%.*s: 100%%"), 0);
	CHECK_INT_EQ(msg_same_conversions("%% %s %d", "%s %% %s"), 2);
	CHECK_INT_EQ(msg_same_conversions("%.*s x", "%.*s y"), 0);
	CHECK(msg_same_conversions("%n", "%n") != 0);
	CHECK_INT_EQ(msg_same_conversions("plain", "thuần"), 0);
}

TEST(test_lang_parse)
{
	enum msg_lang l = MSG_EN;
	CHECK_INT_EQ(msg_lang_parse("vi", &l), 0);
	CHECK_INT_EQ(l, MSG_VI);
	CHECK_INT_EQ(msg_lang_parse("en", &l), 0);
	CHECK_INT_EQ(l, MSG_EN);
	CHECK_INT_EQ(msg_lang_parse("vi_VN.UTF-8", &l), 0);
	CHECK_INT_EQ(l, MSG_VI);
	CHECK_INT_EQ(msg_lang_parse("en-US", &l), 0);
	CHECK_INT_EQ(l, MSG_EN);
	CHECK_INT_EQ(msg_lang_parse("fr", &l), -1);
	CHECK_INT_EQ(msg_lang_parse("vie", &l), -1);
	CHECK_INT_EQ(msg_lang_parse("", &l), -1);
	CHECK_INT_EQ(msg_lang_parse(NULL, &l), -1);
}

static void vformat(struct buf *out, enum msg_lang lang, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	msg_vformat(out, fmt, ap, lang);
	va_end(ap);
}

/* "%.*s" with a precision of 0 reads nothing of its argument: a token at
 * the very end of a template has length 0 and no NUL after it (found by
 * the template fuzzer under ASan) */
TEST(test_vformat_zero_precision_reads_nothing)
{
	char *end = malloc(4);
	memcpy(end, "abcd", 4);
	const enum msg_lang langs[] = { MSG_EN, MSG_VI };
	for (size_t i = 0; i < 2; i++) {
		struct buf out = BUF_INIT;
		vformat(&out, langs[i], "[%.*s|%5.*s]", 0, end + 4, 0, end + 4);
		CHECK_STR_EQ(out.ptr, "[|     ]");
		buf_release(&out);
	}
	free(end);
}

/* msg_vformat reads every kind of argument as printf does */
TEST(test_vformat_matches_printf)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	vformat(&a, MSG_EN, "%d|%ld|%lld|%zu|%u|%x|%06o|%5.2f|%c|%.*s|%-4s|%%|%02X|%*d", -3, 123456789L,
		-9876543210LL, (size_t)42, 7u, 255u, 8u, 3.14159, 'q', 3, "abcdef", "ab", 0xAB, 5, 9);
	buf_addf(&b, "%d|%ld|%lld|%zu|%u|%x|%06o|%5.2f|%c|%.*s|%-4s|%%|%02X|%*d", -3, 123456789L,
		 -9876543210LL, (size_t)42, 7u, 255u, 8u, 3.14159, 'q', 3, "abcdef", "ab", 0xAB, 5, 9);
	CHECK_STR_EQ(a.ptr, b.ptr);
	/* every length, flag and star form: the value is read by its type and
	 * printed through a rewritten spec, which must not change the text */
	buf_reset(&a);
	buf_reset(&b);
	signed char hh = -5;
	short h = -300;
	int dummy = 0;
#define SAME(...)                                   \
	do {                                        \
		buf_reset(&a);                      \
		buf_reset(&b);                      \
		vformat(&a, MSG_EN, __VA_ARGS__);   \
		buf_addf(&b, __VA_ARGS__);          \
		CHECK_STR_EQ(a.ptr, b.ptr);         \
	} while (0)
	SAME("%hhd|%hd|%hhu|%hu", hh, h, (unsigned char)250, (unsigned short)65000);
	SAME("%jd|%ju|%td|%zd|%tx", (intmax_t)-1234567890123, (uintmax_t)18446744073709551615u,
	     (ptrdiff_t)-77, (ssize_t)-5, (ptrdiff_t)255);
	SAME("%+d|% d|%-6d|%06d|%#x|%#o|%lu|%llu|%lx", 5, 7, -3, -42, 255u, 8u, 4000000000ul,
	     18000000000000000000ull, 0xdeadbeeful);
	SAME("%*d|%-*d|%*d|%.*d|%.*d|%*.*d", 6, 42, 6, 42, -6, 42, 4, 7, -1, 7, 8, 5, 33);
	SAME("%e|%E|%g|%G|%.3f|%10.4f|%-10.1f|%Lf|%.2Lf", 12345.678, 0.000123, 1e20, 1e-10, 2.0 / 3,
	     3.14159, -2.5, (long double)1.25, (long double)-7.125);
	SAME("%p|%5c|%-3c|", (void *)&dummy, 'x', 'y');
	SAME("%*.*s|%-10.3s|%10s|%.0s|%-*s|", 8, 3, "abcdef", "xyzzy", "right", "gone", -7, "neg");
#undef SAME
	buf_reset(&a);
	vformat(&a, MSG_EN, "%s|%8s", (const char *)NULL, (const char *)NULL);
	CHECK_STR_EQ(a.ptr, "(null)|  (null)");
	buf_release(&a);
	buf_release(&b);
}

/* in Vietnamese, a %s argument that is a catalog entry is translated;
 * a contributor's text never is cut or changed */
TEST(test_vformat_translates_reasons)
{
	struct buf a = BUF_INIT;
	vformat(&a, MSG_VI, "x (%s) '%.5s'", "month out of range", "abcdefgh");
	CHECK_STR_EQ(a.ptr, "x (tháng không tồn tại) 'abcde'");
	buf_reset(&a);
	vformat(&a, MSG_EN, "x (%s)", "month out of range");
	CHECK_STR_EQ(a.ptr, "x (month out of range)");
	buf_release(&a);
}

TEST(test_diag_has_both_languages)
{
	struct diag_list l = DIAG_LIST_INIT;
	CHECK_INT_EQ(diag_error(&l, "content/news/a/b.md", 3, 7, "invalid date '%.40s' (%s)",
				"2023-13-01", "month out of range"),
		     -1);
	const struct diag *d = &l.items[0];
	CHECK_STR_EQ(d->msg, "invalid date '2023-13-01' (month out of range)");
	CHECK_STR_EQ(d->msg_vi, "ngày không hợp lệ '2023-13-01' (tháng không tồn tại)");
	CHECK_STR_EQ(diag_message(d, MSG_EN), d->msg);
	CHECK_STR_EQ(diag_message(d, MSG_VI), d->msg_vi);

	char *s;
	diag_format_lang(d, false, MSG_VI, &s);
	CHECK_STR_EQ(s, "content/news/a/b.md:3:7: lỗi: ngày không hợp lệ '2023-13-01' (tháng không tồn tại)");
	free(s);
	diag_format_lang(d, false, MSG_EN, &s);
	CHECK_STR_EQ(s, "content/news/a/b.md:3:7: error: invalid date '2023-13-01' (month out of range)");
	free(s);
	diag_format(d, false, &s);
	CHECK_STR_EQ(s, "content/news/a/b.md:3:7: error: invalid date '2023-13-01' (month out of range)");
	free(s);

	diag_warning(&l, "x.md", 2, 0, "broken link '%s'", "a.md");
	diag_format_lang(&l.items[1], false, MSG_VI, &s);
	CHECK_STR_EQ(s, "x.md:2: cảnh báo: liên kết hỏng 'a.md'");
	free(s);
	diag_list_release(&l);
}

/* a format the catalog lacks is shown in English, whatever the language */
TEST(test_unknown_format_falls_back)
{
	struct diag_list l = DIAG_LIST_INIT;
	diag_error(&l, "", 0, 0, "no entry for this %d", 5);
	CHECK(l.items[0].msg_vi == NULL);
	char *s;
	diag_format_lang(&l.items[0], false, MSG_VI, &s);
	CHECK_STR_EQ(s, "lỗi: no entry for this 5");
	free(s);
	diag_list_release(&l);
}

TEST(test_encode_decode_keeps_both)
{
	struct diag_list l = DIAG_LIST_INIT, back = DIAG_LIST_INIT;
	diag_error(&l, "a.md", 1, 2, "missing required field '%s'", "title");
	diag_warning(&l, " b.md", 0, 0, "no entry %s", "x\ny");
	struct buf enc = BUF_INIT;
	diag_list_encode(&enc, &l);
	buf_puts(&enc, "E 1 2 3"); /* a malformed tail is ignored */
	diag_list_decode(&back, enc.ptr, enc.len);
	CHECK_INT_EQ(back.len, 2);
	CHECK_INT_EQ(back.errors, 1);
	CHECK_INT_EQ(back.warnings, 1);
	if (back.len == 2) {
		CHECK_STR_EQ(back.items[0].path, "a.md");
		CHECK_INT_EQ(back.items[0].line, 1);
		CHECK_INT_EQ(back.items[0].col, 2);
		CHECK_STR_EQ(back.items[0].msg, "missing required field 'title'");
		CHECK_STR_EQ(back.items[0].msg_vi, "thiếu mục bắt buộc 'title'");
		CHECK_STR_EQ(back.items[1].path, " b.md");
		CHECK_STR_EQ(back.items[1].msg, "no entry x\ny");
		CHECK(back.items[1].msg_vi == NULL);
	}
	buf_release(&enc);
	diag_list_release(&l);
	diag_list_release(&back);
}

int main(void)
{
	RUN(test_catalog_entries_keep_conversions);
	RUN(test_same_conversions);
	RUN(test_lang_parse);
	RUN(test_vformat_zero_precision_reads_nothing);
	RUN(test_vformat_matches_printf);
	RUN(test_vformat_translates_reasons);
	RUN(test_diag_has_both_languages);
	RUN(test_unknown_format_falls_back);
	RUN(test_encode_decode_keeps_both);
	return harness_report();
}
