/* Unit tests for search_bodies: an index made from the table's entries
 * equals one made from the text, a table round-trips, a changed body is
 * computed again, and a truncated or tampered table or entry is refused
 * and recomputed, never used. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "base/buf.h"
#include "base/diag.h"
#include "content/text.h"
#include "harness.h"
#include "incr/key.h"
#include "search/search.h"
#include "search/search_bodies.h"

static struct text *T;

static void collect(void *ctx, const char *name, const char *data, size_t len)
{
	struct buf *b = ctx;
	buf_puts(b, name);
	buf_putc(b, '\n');
	buf_add(b, data, len);
	buf_putc(b, '\n');
}

static const char *const TITLES[] = { "Bé vui Trung thu", "Chuyển đổi số", "Thực đơn tuần" };

/* All the index's files, made with search_add_text only. */
static void reference(const char *const *bodies, size_t n, struct buf *out)
{
	struct search_index *ix = search_index_new(T, NULL);
	for (size_t i = 0; i < n; i++) {
		char url[32];
		snprintf(url, sizeof(url), "/bai-%zu/", i);
		search_add_doc(ix, url, TITLES[i % 3], "", NULL);
		search_add_text(ix, TITLES[i % 3], strlen(TITLES[i % 3]), 12);
		search_add_text(ix, bodies[i], strlen(bodies[i]), 3);
	}
	buf_reset(out);
	search_write(ix, collect, out);
	search_index_free(ix);
}

/* The same through the table sb (NULL: none), as loa.search_index does;
 * *found: bodies the table gave. */
static void cached(struct search_bodies *sb, const char *const *bodies, size_t n, struct buf *out,
		   size_t *found)
{
	struct search_index *ix = search_index_new(T, NULL);
	struct search_pair *pairs = NULL;
	size_t cap = 0;
	*found = 0;
	if (sb)
		search_bodies_begin(sb, ix);
	for (size_t i = 0; i < n; i++) {
		char url[32], key[KEY_LEN + 1];
		snprintf(url, sizeof(url), "/bai-%zu/", i);
		search_add_doc(ix, url, TITLES[i % 3], "", NULL);
		search_add_text(ix, TITLES[i % 3], strlen(TITLES[i % 3]), 12);
		key_digest(bodies[i], strlen(bodies[i]), key);
		const char *summary = NULL;
		size_t np = 0;
		bool hit = sb && search_bodies_get(sb, key, 200, &pairs, &np, &cap, &summary) == 1;
		if (!hit)
			np = search_text_terms(ix, bodies[i], strlen(bodies[i]), &pairs, &cap);
		*found += hit;
		search_add_terms(ix, pairs, np, 3);
		if (sb)
			search_bodies_put(sb, key, pairs, np, 200, "tóm tắt", !hit);
	}
	buf_reset(out);
	search_write(ix, collect, out);
	if (sb)
		search_bodies_begin(sb, NULL);
	search_index_free(ix);
	free(pairs);
}

/* The next table of sb, gathered. */
static void table_of(struct search_bodies *sb, struct buf *out)
{
	struct buf frames = BUF_INIT;
	struct iovec *parts = NULL;
	size_t n = 0;
	search_bodies_parts(sb, &frames, &parts, &n);
	buf_reset(out);
	for (size_t i = 0; i < n; i++)
		buf_add(out, parts[i].iov_base, parts[i].iov_len);
	free(parts);
	buf_release(&frames);
}

static const char *const BODIES[] = {
	"Các bé vui Trung thu, rước đèn ông sao. Bé vui, bé hát!",
	"Trường triển khai chuyển đổi số trong giáo dục mầm non; chuyen doi so.",
	"Thực đơn: cháo, cơm, canh. Cơm ngon cơm dẻo.",
	"Các bé vui Trung thu, rước đèn ông sao. Bé vui, bé hát!", /* the same body again */
};
enum { NB = 4 };

TEST(test_terms_equal_text)
{
	/* many occurrences of a heavy field reach the cap the same way */
	struct buf many = BUF_INIT;
	for (int i = 0; i < 700; i++)
		buf_puts(&many, "vui ");
	const char *bodies[] = { BODIES[0], many.ptr, BODIES[2] };
	struct buf a = BUF_INIT, b = BUF_INIT;
	size_t found;
	reference(bodies, 3, &a);
	cached(NULL, bodies, 3, &b, &found);
	CHECK_STR_EQ(b.ptr, a.ptr);
	CHECK_INT_EQ(found, 0);
	buf_release(&a);
	buf_release(&b);
	buf_release(&many);
}

TEST(test_round_trip_and_change)
{
	struct buf want = BUF_INIT, got = BUF_INIT, t1 = BUF_INIT, t2 = BUF_INIT;
	size_t found;
	bool refused = true;
	struct search_bodies *sb = search_bodies_open(NULL, 0, &refused);
	CHECK(!refused);
	reference(BODIES, NB, &want);
	cached(sb, BODIES, NB, &got, &found);
	CHECK_STR_EQ(got.ptr, want.ptr);
	CHECK_INT_EQ(found, 0);
	CHECK(search_bodies_changed(sb));
	table_of(sb, &t1);
	search_bodies_free(sb);

	/* the next build: every body from the table, the same files */
	sb = search_bodies_open(t1.ptr, t1.len, &refused);
	CHECK(!refused);
	cached(sb, BODIES, NB, &got, &found);
	CHECK_STR_EQ(got.ptr, want.ptr);
	CHECK_INT_EQ(found, NB);
	CHECK(!search_bodies_changed(sb));
	/* the summary is kept for its budget only */
	char key[KEY_LEN + 1];
	key_digest(BODIES[1], strlen(BODIES[1]), key);
	struct search_pair *pairs = NULL;
	size_t np, cap = 0;
	const char *summary;
	struct search_index *ix = search_index_new(T, NULL);
	search_bodies_begin(sb, ix);
	CHECK_INT_EQ(search_bodies_get(sb, key, 200, &pairs, &np, &cap, &summary), 1);
	CHECK_STR_EQ(summary, "tóm tắt");
	CHECK_INT_EQ(search_bodies_get(sb, key, 300, &pairs, &np, &cap, &summary), 1);
	CHECK(summary == NULL);
	search_bodies_begin(sb, NULL);
	search_index_free(ix);
	free(pairs);
	search_bodies_free(sb);

	/* one body changed: computed again, its old words gone */
	const char *edited[NB] = { BODIES[0], "Trường tổ chức hội thi bé khỏe.", BODIES[2], BODIES[3] };
	sb = search_bodies_open(t1.ptr, t1.len, &refused);
	reference(edited, NB, &want);
	cached(sb, edited, NB, &got, &found);
	CHECK_STR_EQ(got.ptr, want.ptr);
	CHECK_INT_EQ(found, NB - 1);
	CHECK_CONTAINS(got.ptr, "\"khoe\"");
	CHECK_NOT_CONTAINS(got.ptr, "\"khai\"");
	CHECK(search_bodies_changed(sb));
	CHECK(search_bodies_worth_writing(sb)); /* a small table: at any change */
	table_of(sb, &t2);
	search_bodies_free(sb);
	sb = search_bodies_open(t2.ptr, t2.len, &refused);
	CHECK(!refused);
	cached(sb, edited, NB, &got, &found);
	CHECK_STR_EQ(got.ptr, want.ptr);
	CHECK_INT_EQ(found, NB);
	search_bodies_free(sb);
	buf_release(&want);
	buf_release(&got);
	buf_release(&t1);
	buf_release(&t2);
}

/* A table after bodies of many words are gone keeps only the terms of
 * the bodies left (compaction), and still reads back. */
TEST(test_dictionary_compacted)
{
	struct buf big = BUF_INIT, want = BUF_INIT, got = BUF_INIT, t1 = BUF_INIT, t2 = BUF_INIT;
	for (int i = 0; i < 300; i++)
		buf_addf(&big, "tu%d ", i);
	const char *before[] = { BODIES[0], big.ptr, BODIES[2] };
	const char *after[] = { BODIES[0], BODIES[1], BODIES[2] };
	size_t found;
	struct search_bodies *sb = search_bodies_open(NULL, 0, NULL);
	cached(sb, before, 3, &got, &found);
	table_of(sb, &t1);
	search_bodies_free(sb);
	sb = search_bodies_open(t1.ptr, t1.len, NULL);
	cached(sb, after, 3, &got, &found);
	CHECK_INT_EQ(found, 2);
	table_of(sb, &t2);
	search_bodies_free(sb);
	CHECK(t2.len < t1.len / 2);
	CHECK(!memmem(t2.ptr, t2.len, "tu299", 5));
	sb = search_bodies_open(t2.ptr, t2.len, NULL);
	reference(after, 3, &want);
	cached(sb, after, 3, &got, &found);
	CHECK_INT_EQ(found, 3);
	CHECK_STR_EQ(got.ptr, want.ptr);
	search_bodies_free(sb);
	buf_release(&big);
	buf_release(&want);
	buf_release(&got);
	buf_release(&t1);
	buf_release(&t2);
}

TEST(test_truncated_and_tampered)
{
	struct buf want = BUF_INIT, got = BUF_INIT, t = BUF_INIT, bad = BUF_INIT;
	size_t found;
	struct search_bodies *sb = search_bodies_open(NULL, 0, NULL);
	cached(sb, BODIES, NB, &got, &found);
	table_of(sb, &t);
	search_bodies_free(sb);
	reference(BODIES, NB, &want);

	/* every truncation is refused whole: each body computed again */
	for (size_t cut = 0; cut < t.len; cut += 1 + cut / 7) {
		bool refused = false;
		sb = search_bodies_open(t.ptr, cut, &refused);
		CHECK(refused);
		cached(sb, BODIES, NB, &got, &found);
		CHECK_INT_EQ(found, 0);
		CHECK_STR_EQ(got.ptr, want.ptr);
		search_bodies_free(sb);
	}
	/* bytes added at the end, or a wrong magic */
	buf_reset(&bad);
	buf_add(&bad, t.ptr, t.len);
	buf_putc(&bad, 'x');
	bool refused = false;
	sb = search_bodies_open(bad.ptr, bad.len, &refused);
	CHECK(refused);
	search_bodies_free(sb);
	buf_reset(&bad);
	buf_add(&bad, t.ptr, t.len);
	bad.ptr[0] = 'L';
	sb = search_bodies_open(bad.ptr, bad.len, &refused);
	CHECK(refused);
	search_bodies_free(sb);

	/* a last byte of an entry (its last count) set out of range: the
	 * framing holds, that entry is a miss and nothing of it is used */
	char key[KEY_LEN + 1];
	key_digest(BODIES[2], strlen(BODIES[2]), key);
	char *at = memmem(t.ptr, t.len, key, KEY_LEN);
	CHECK(at != NULL);
	if (at) {
		size_t len = (unsigned char)at[KEY_LEN] | (unsigned char)at[KEY_LEN + 1] << 8;
		static const unsigned char wrong[] = { 0x00, 0x80, 0xff };
		for (size_t w = 0; w < sizeof(wrong); w++) {
			buf_reset(&bad);
			buf_add(&bad, t.ptr, t.len);
			bad.ptr[(at - t.ptr) + KEY_LEN + 4 + len - 1] = (char)wrong[w];
			sb = search_bodies_open(bad.ptr, bad.len, &refused);
			CHECK(!refused);
			cached(sb, BODIES, NB, &got, &found);
			CHECK_INT_EQ(found, NB - 1);
			CHECK_STR_EQ(got.ptr, want.ptr);
			search_bodies_free(sb);
		}
		/* a summary that lost its NUL */
		buf_reset(&bad);
		buf_add(&bad, t.ptr, t.len);
		size_t slen = (unsigned char)at[KEY_LEN + 8];
		bad.ptr[(at - t.ptr) + KEY_LEN + 12 + slen] = 'x';
		sb = search_bodies_open(bad.ptr, bad.len, &refused);
		cached(sb, BODIES, NB, &got, &found);
		CHECK_INT_EQ(found, NB - 1);
		CHECK_STR_EQ(got.ptr, want.ptr);
		search_bodies_free(sb);
	}
	/* a key that is not hex digits, or keys out of order */
	buf_reset(&bad);
	buf_add(&bad, t.ptr, t.len);
	if (at)
		bad.ptr[at - t.ptr] = 'Z';
	sb = search_bodies_open(bad.ptr, bad.len, &refused);
	CHECK(refused);
	search_bodies_free(sb);
	buf_release(&want);
	buf_release(&got);
	buf_release(&t);
	buf_release(&bad);
}

TEST(test_rewritten_once_enough_changed)
{
	/* a changed body is two changes (its old entry unused, its new one
	 * fresh): two changed bodies are needed */
	enum { N = 4 * SEARCH_BODIES_REWRITE_EVERY + 1 };
	static char texts[N + 2][64];
	const char *bodies[N];
	for (int i = 0; i < N; i++) {
		snprintf(texts[i], sizeof(texts[i]), "Bài số %d về bữa ăn bán trú.", i);
		bodies[i] = texts[i];
	}
	struct buf got = BUF_INIT, t = BUF_INIT;
	size_t found;
	bool refused = true;
	struct search_bodies *sb = search_bodies_open(NULL, 0, &refused);
	cached(sb, bodies, N, &got, &found);
	CHECK(search_bodies_worth_writing(sb)); /* the first table */
	table_of(sb, &t);
	search_bodies_free(sb);
	/* nothing changed */
	sb = search_bodies_open(t.ptr, t.len, &refused);
	cached(sb, bodies, N, &got, &found);
	CHECK_INT_EQ(found, N);
	CHECK(!search_bodies_worth_writing(sb));
	search_bodies_free(sb);
	/* one body changed: one entry unused, one fresh: left for later */
	snprintf(texts[N], sizeof(texts[N]), "Một bài mới về hội thi.");
	bodies[0] = texts[N];
	sb = search_bodies_open(t.ptr, t.len, &refused);
	cached(sb, bodies, N, &got, &found);
	CHECK_INT_EQ(found, N - 1);
	CHECK(search_bodies_changed(sb));
	CHECK(!search_bodies_worth_writing(sb));
	search_bodies_free(sb);
	/* two bodies changed: written */
	snprintf(texts[N + 1], sizeof(texts[N + 1]), "Một bài khác về lễ hội.");
	bodies[1] = texts[N + 1];
	sb = search_bodies_open(t.ptr, t.len, &refused);
	cached(sb, bodies, N, &got, &found);
	CHECK_INT_EQ(found, N - 2);
	CHECK(search_bodies_worth_writing(sb));
	search_bodies_free(sb);
	buf_release(&got);
	buf_release(&t);
}

int main(void)
{
	struct diag_list d = DIAG_LIST_INIT;
	if (text_open(&T, NULL, &d) < 0)
		return 1;
	RUN(test_terms_equal_text);
	RUN(test_round_trip_and_change);
	RUN(test_dictionary_compacted);
	RUN(test_truncated_and_tampered);
	RUN(test_rewritten_once_enough_changed);
	text_free(T);
	diag_list_release(&d);
	return harness_report();
}
