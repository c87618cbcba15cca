/* Fuzz target: content/text — slugs, folding, NFC and collation (ICU).
 * Invariants: no crash or leak; a slug is only [a-z0-9-], has no leading,
 * trailing or doubled '-', is at most SLUG_MAX bytes, is accepted by
 * text_slug_valid, slugifies to itself, and NFC and NFD spellings of the
 * same text give the same slug; a hand-written slug that text_slug_valid
 * accepts can never name another folder ("..", "/", "\\"); collation is
 * antisymmetric and agrees with the sort keys. */
#include "base/buf.h"
#include "base/diag.h"
#include "content/text.h"
#include "fuzz.h"

#include <string.h>

static struct text *T; /* ICU objects: one per process, see fuzz_markdown.c */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct diag_list d = DIAG_LIST_INIT;
	if (text_open(&T, "Asia/Ho_Chi_Minh", &d) != 0)
		abort();
	diag_list_release(&d);
	return 0;
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void check_slug(const char *s, size_t n)
{
	FUZZ_CHECK(n <= SLUG_MAX, "slug of %zu bytes", n);
	FUZZ_CHECK(strlen(s) == n, "NUL inside the slug");
	if (n == 0)
		return;
	FUZZ_CHECK(s[0] != '-' && s[n - 1] != '-', "slug '%s' starts or ends with '-'", s);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-',
			   "byte 0x%02x in slug '%s'", (unsigned char)c, s);
		FUZZ_CHECK(!(c == '-' && i > 0 && s[i - 1] == '-'), "'--' in slug '%s'", s);
	}
	FUZZ_CHECK(text_slug_valid(s), "slug '%s' not valid", s);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *src = (const char *)data;

	struct buf slug = BUF_INIT, again = BUF_INIT, nfc = BUF_INIT, nfc_slug = BUF_INIT;
	size_t n = text_slugify(T, &slug, src, size);
	FUZZ_CHECK(n == slug.len, "returned %zu, appended %zu", n, slug.len);
	check_slug(slug.ptr, slug.len);
	text_slugify(T, &again, slug.ptr, slug.len);
	FUZZ_CHECK(!strcmp(again.ptr, slug.ptr), "slug '%s' slugifies to '%s'", slug.ptr,
		   again.ptr);
	text_nfc(T, &nfc, src, size);
	text_slugify(T, &nfc_slug, nfc.ptr, nfc.len);
	FUZZ_CHECK(!strcmp(nfc_slug.ptr, slug.ptr), "NFC gives '%s', input gives '%s'",
		   nfc_slug.ptr, slug.ptr);

	/* the input as a hand-written slug (front matter `slug:`) */
	char *hand = strndup(src, size);
	if (text_slug_valid(hand)) {
		FUZZ_CHECK(strcmp(hand, ".") && strcmp(hand, "..") && hand[0] != '.' &&
				   !strchr(hand, '/') && !strchr(hand, '\\') && strlen(hand) <= SLUG_MAX,
			   "unsafe slug accepted: '%s'", hand);
	}

	struct buf fold = BUF_INIT;
	text_fold(T, &fold, src, size);
	FUZZ_CHECK(strlen(fold.ptr) == fold.len, "NUL inside the folded text");

	/* collation: split the input in two at its first newline */
	const char *nl = memchr(hand, '\n', strlen(hand));
	if (nl) {
		char *a = strndup(hand, (size_t)(nl - hand));
		const char *b = nl + 1;
		int ab = text_collate(T, a, b), ba = text_collate(T, b, a);
		FUZZ_CHECK(sign(ab) == -sign(ba), "collate not antisymmetric: %d %d", ab, ba);
		struct buf ka = BUF_INIT, kb = BUF_INIT;
		text_sort_key(T, &ka, a);
		text_sort_key(T, &kb, b);
		FUZZ_CHECK(sign(strcmp(ka.ptr, kb.ptr)) == sign(ab), "sort keys disagree: %d vs %d",
			   strcmp(ka.ptr, kb.ptr), ab);
		buf_release(&ka);
		buf_release(&kb);
		free(a);
	}
	free(hand);
	buf_release(&fold);
	buf_release(&slug);
	buf_release(&again);
	buf_release(&nfc);
	buf_release(&nfc_slug);
	return 0;
}
