/* Unit tests for site/site_blobs: the table of parsed content files by
 * blob id gives back exactly what frontmatter_parse gave (value trees,
 * body offset, length and line, format, the bytes) for YAML, TOML, JSON,
 * no front matter, an empty one and a BOM; an unknown id or another size
 * is a miss; the next table keeps the entries used and added, once each,
 * and drops the others; and a truncated or tampered table is refused
 * whole or entry by entry, never read as other data. An added file's
 * bytes are not copied: the next table's parts point at them. The
 * threads of the load (site_read.c) look up without keeping, keep
 * afterwards, and add to tables of their own that are taken into one:
 * the table they make is the one a single thread makes, and what their
 * arenas hold lives on in the arena that adopts them. */
#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/value.h"
#include "content/frontmatter.h"
#include "harness.h"
#include "site/site_blobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const SOURCES[] = {
	"---\ntitle: \"Bữa ăn\"\ndate: 2023-03-01\ntags: [a, \"b c\"]\nmodels:\n"
	"  - { title: x, year: \"2022\" }\nempty:\nn: ~\n---\nThân bài.\n\nĐoạn hai.\n",
	"+++\ntitle = \"TOML\"\n[extra]\nk = 1\n+++\nBody of TOML.\n",
	"{\"title\": \"JSON\", \"list\": [1, 2, {\"a\": null}]}\nBody of JSON.\n",
	"No front matter at all.\n",
	"---\n---\nEmpty front matter.\n",
	"\xEF\xBB\xBF---\r\ntitle: bom\r\n---\r\nCRLF body\r\n",
	"",
};
enum { NSRC = sizeof(SOURCES) / sizeof(SOURCES[0]) };

static void oid_of(int i, char out[41])
{
	snprintf(out, 41, "%040x", 0x1000 + i * 7);
}

static bool same_value(const struct value *a, const struct value *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->line != b->line || a->col != b->col || a->plain != b->plain ||
	    a->n != b->n || (a->str == NULL) != (b->str == NULL))
		return false;
	if (a->str && (a->len != b->len || memcmp(a->str, b->str, a->len) != 0 || b->str[b->len]))
		return false;
	size_t items = a->kind == VALUE_MAP ? 2 * a->n : a->kind == VALUE_LIST ? a->n : 0;
	for (size_t i = 0; i < items; i++)
		if (!same_value(a->items[i], b->items[i]))
			return false;
	return true;
}

struct parsed {
	char *src;
	struct frontmatter fm;
};

static void parse_all(struct arena *a, struct parsed *p)
{
	static const struct yaml_limits limits = YAML_LIMITS_DEFAULT;
	for (int i = 0; i < NSRC; i++) {
		struct diag_list d = DIAG_LIST_INIT;
		size_t len = strlen(SOURCES[i]);
		p[i].src = arena_strndup(a, SOURCES[i], len);
		CHECK_INT_EQ(frontmatter_parse(&p[i].fm, a, "content/x.md", p[i].src, len, &limits, &d),
			     0);
		CHECK_INT_EQ(d.len, 0);
		diag_list_release(&d);
	}
}

/* a table of every source, in reverse order of ids */
static void make_table(const struct parsed *p, struct buf *out)
{
	struct site_blobs bl = SITE_BLOBS_INIT;
	for (int i = NSRC - 1; i >= 0; i--) {
		char oid[41];
		oid_of(i, oid);
		site_blobs_add(&bl, oid, p[i].src, strlen(SOURCES[i]), &p[i].fm);
	}
	CHECK(site_blobs_changed(&bl));
	site_blobs_write(&bl, out);
	site_blobs_release(&bl);
}

TEST(round_trip)
{
	struct arena a = ARENA_INIT, b = ARENA_INIT;
	struct parsed p[NSRC];
	parse_all(&a, p);
	struct buf t = BUF_INIT;
	make_table(p, &t);
	struct site_blobs bl = SITE_BLOBS_INIT;
	CHECK_INT_EQ(site_blobs_open(&bl, t.ptr, t.len), 0);
	CHECK_INT_EQ(bl.nold, NSRC);
	for (int i = 0; i < NSRC; i++) {
		char oid[41];
		oid_of(i, oid);
		const char *src = NULL;
		struct frontmatter fm;
		size_t len = strlen(SOURCES[i]);
		CHECK_INT_EQ(site_blobs_get(&bl, oid, len, &b, &src, &fm), 1);
		if (!src)
			continue;
		CHECK(memcmp(src, SOURCES[i], len) == 0 && src[len] == '\0');
		CHECK_INT_EQ(fm.format, p[i].fm.format);
		CHECK_INT_EQ(fm.body - src, p[i].fm.body - p[i].src);
		CHECK_INT_EQ(fm.body_len, p[i].fm.body_len);
		CHECK_INT_EQ(fm.body_line, p[i].fm.body_line);
		CHECK(same_value(fm.root, p[i].fm.root));
	}
	/* nothing added and everything used: the table stays as it is */
	CHECK(!site_blobs_changed(&bl));
	site_blobs_release(&bl);
	buf_release(&t);
	arena_release(&a);
	arena_release(&b);
}

TEST(misses)
{
	struct arena a = ARENA_INIT;
	struct parsed p[NSRC];
	parse_all(&a, p);
	struct buf t = BUF_INIT;
	make_table(p, &t);
	struct site_blobs bl = SITE_BLOBS_INIT;
	CHECK_INT_EQ(site_blobs_open(&bl, t.ptr, t.len), 0);
	const char *src;
	struct frontmatter fm;
	char oid[41];
	oid_of(0, oid);
	/* another size than the listing's: never the entry */
	CHECK_INT_EQ(site_blobs_get(&bl, oid, strlen(SOURCES[0]) + 1, &a, &src, &fm), 0);
	CHECK_INT_EQ(site_blobs_get(&bl, "ffffffffffffffffffffffffffffffffffffffff", 0, &a, &src, &fm),
		     0);
	CHECK_INT_EQ(site_blobs_get(&bl, "abc", 0, &a, &src, &fm), 0);
	site_blobs_release(&bl);
	buf_release(&t);
	arena_release(&a);
}

/* The next table: used entries and added ones, each once, sorted; the
 * entries not used are gone. */
TEST(next_table)
{
	struct arena a = ARENA_INIT;
	struct parsed p[NSRC];
	parse_all(&a, p);
	struct buf t = BUF_INIT, next = BUF_INIT;
	make_table(p, &t);
	struct site_blobs bl = SITE_BLOBS_INIT;
	CHECK_INT_EQ(site_blobs_open(&bl, t.ptr, t.len), 0);
	const char *src;
	struct frontmatter fm;
	char oid[41];
	oid_of(1, oid);
	CHECK_INT_EQ(site_blobs_get(&bl, oid, strlen(SOURCES[1]), &a, &src, &fm), 1);
	/* one blob at two paths: added twice, kept once */
	site_blobs_add(&bl, "00000000000000000000000000000000000000aa", p[3].src,
		       strlen(SOURCES[3]), &p[3].fm);
	site_blobs_add(&bl, "00000000000000000000000000000000000000aa", p[3].src,
		       strlen(SOURCES[3]), &p[3].fm);
	CHECK(site_blobs_changed(&bl));
	site_blobs_write(&bl, &next);
	site_blobs_release(&bl);
	buf_release(&t);
	struct site_blobs n2 = SITE_BLOBS_INIT;
	CHECK_INT_EQ(site_blobs_open(&n2, next.ptr, next.len), 0);
	CHECK_INT_EQ(n2.nold, 2);
	CHECK_INT_EQ(site_blobs_get(&n2, oid, strlen(SOURCES[1]), &a, &src, &fm), 1);
	CHECK(same_value(fm.root, p[1].fm.root));
	CHECK_INT_EQ(site_blobs_get(&n2, "00000000000000000000000000000000000000aa",
				    strlen(SOURCES[3]), &a, &src, &fm),
		     1);
	CHECK(fm.root == NULL && strcmp(fm.body, SOURCES[3]) == 0);
	oid_of(0, oid);
	CHECK_INT_EQ(site_blobs_get(&n2, oid, strlen(SOURCES[0]), &a, &src, &fm), 0);
	site_blobs_release(&n2);
	buf_release(&next);
	arena_release(&a);
}

/* Every prefix of a table is refused whole; every byte changed in turn
 * gives a refused table, misses, or (a byte of a file's text changed) the
 * same structure: never a crash, never a body out of the entry. The
 * cache's digest (test_cache) refuses the changed bytes themselves. */
TEST(truncated_and_tampered)
{
	struct arena a = ARENA_INIT;
	struct parsed p[NSRC];
	parse_all(&a, p);
	struct buf t = BUF_INIT;
	make_table(p, &t);
	struct site_blobs bl = SITE_BLOBS_INIT;
	for (size_t n = 0; n < t.len; n++) {
		if (site_blobs_open(&bl, t.ptr, n) == 0) {
			fprintf(stderr, "  a table cut at %zu of %zu bytes opened\n", n, t.len);
			CHECK(0);
		}
		site_blobs_release(&bl);
	}
	struct buf bad = BUF_INIT;
	size_t opened = 0, hits = 0;
	for (size_t i = 0; i < t.len; i++) {
		buf_reset(&bad);
		buf_add(&bad, t.ptr, t.len);
		bad.ptr[i] ^= 0x41;
		if (site_blobs_open(&bl, bad.ptr, bad.len) == 0) {
			opened++;
			for (int k = 0; k < NSRC; k++) {
				char oid[41];
				const char *src;
				struct frontmatter fm;
				oid_of(k, oid);
				size_t len = strlen(SOURCES[k]);
				if (site_blobs_get(&bl, oid, len, &a, &src, &fm) == 1) {
					hits++;
					CHECK(src >= bad.ptr && src + len < bad.ptr + bad.len);
					CHECK(fm.body >= src && fm.body + fm.body_len <= src + len);
				}
			}
		}
		site_blobs_release(&bl);
	}
	CHECK(opened > 0 && hits > 0); /* the loop did reach the entries */
	CHECK_INT_EQ(site_blobs_open(&bl, "loa-blobs-2\n", 12), -1);
	site_blobs_release(&bl);
	buf_release(&bad);
	buf_release(&t);
	arena_release(&a);
}

/* A first build holds no copy of the files' bytes: the next table's parts
 * for an added file point at the caller's bytes (the site's arena) and at
 * its NUL, and gathered they are the table site_blobs_write gives. */
TEST(parts_point_at_the_files)
{
	struct arena a = ARENA_INIT;
	struct parsed p[NSRC];
	parse_all(&a, p);
	struct site_blobs bl = SITE_BLOBS_INIT;
	for (int i = 0; i < NSRC; i++) {
		char oid[41];
		oid_of(i, oid);
		site_blobs_add(&bl, oid, p[i].src, strlen(SOURCES[i]), &p[i].fm);
	}
	struct buf frames = BUF_INIT, gathered = BUF_INIT, written = BUF_INIT;
	struct iovec *parts;
	size_t n;
	site_blobs_parts(&bl, &frames, &parts, &n);
	for (int i = 0; i < NSRC; i++) {
		size_t len = strlen(SOURCES[i]), found = 0;
		for (size_t k = 0; k < n; k++)
			if (parts[k].iov_base == (void *)p[i].src && parts[k].iov_len == len + 1)
				found++;
		CHECK_INT_EQ(found, 1);
	}
	for (size_t k = 0; k < n; k++)
		buf_add(&gathered, parts[k].iov_base, parts[k].iov_len);
	site_blobs_write(&bl, &written);
	CHECK_INT_EQ(gathered.len, written.len);
	CHECK(gathered.len == written.len && memcmp(gathered.ptr, written.ptr, written.len) == 0);
	free(parts);
	buf_release(&frames);
	buf_release(&gathered);
	buf_release(&written);
	site_blobs_release(&bl);
	arena_release(&a);
}

/* three "threads": each parses some sources into its own arena and adds
 * them to its own table; taken into one, in any order, the table is the
 * one a single thread makes, and the arenas adopted keep the bytes */
TEST(tables_of_threads_taken_into_one)
{
	struct arena one = ARENA_INIT;
	struct parsed p[NSRC];
	parse_all(&one, p);
	struct buf single = BUF_INIT;
	make_table(p, &single);

	struct arena site = ARENA_INIT, mine[3] = { ARENA_INIT, ARENA_INIT, ARENA_INIT };
	(void)arena_strdup(&site, "the site's own");
	struct site_blobs next = SITE_BLOBS_INIT, part[3] = { SITE_BLOBS_INIT, SITE_BLOBS_INIT,
							      SITE_BLOBS_INIT };
	struct parsed q[NSRC];
	for (int k = 0; k < 3; k++) {
		struct parsed tmp[NSRC];
		parse_all(&mine[k], tmp);
		for (int i = k; i < NSRC; i += 3)
			q[i] = tmp[i];
	}
	for (int i = 0; i < NSRC; i++) {
		char oid[41];
		oid_of(i, oid);
		site_blobs_add(&part[i % 3], oid, q[i].src, strlen(SOURCES[i]), &q[i].fm);
	}
	size_t before = site.total + mine[0].total + mine[1].total + mine[2].total;
	for (int k = 2; k >= 0; k--) {
		site_blobs_take(&next, &part[k]);
		CHECK_INT_EQ(part[k].nadded, 0);
		arena_adopt(&site, &mine[k]);
		CHECK(mine[k].head == NULL && mine[k].total == 0);
	}
	CHECK_INT_EQ(site.total, before);
	struct buf taken = BUF_INIT;
	site_blobs_write(&next, &taken);
	CHECK_INT_EQ(taken.len, single.len);
	CHECK(taken.len == single.len && memcmp(taken.ptr, single.ptr, single.len) == 0);
	site_blobs_release(&next);

	/* a lookup keeps nothing until site_blobs_keep */
	struct site_blobs bl = SITE_BLOBS_INIT;
	CHECK_INT_EQ(site_blobs_open(&bl, taken.ptr, taken.len), 0);
	char oid[41];
	oid_of(2, oid);
	const char *src = NULL;
	struct frontmatter fm;
	size_t entry = 99;
	struct arena b = ARENA_INIT;
	CHECK_INT_EQ(site_blobs_lookup(&bl, oid, strlen(SOURCES[2]), &b, &src, &fm, &entry), 1);
	CHECK(entry < bl.nold && memcmp(bl.old[entry].oid, oid, 40) == 0);
	for (size_t i = 0; i < bl.nold; i++)
		CHECK(!bl.old[i].used);
	site_blobs_keep(&bl, entry);
	CHECK(bl.old[entry].used);
	site_blobs_release(&bl);

	/* the sources parsed by the "threads" are still there, in site */
	for (int i = 0; i < NSRC; i++)
		CHECK(strcmp(q[i].src, SOURCES[i]) == 0);
	arena_release(&site);
	arena_release(&b);
	arena_release(&one);
	buf_release(&taken);
	buf_release(&single);
}

/* A table of n entries, every one of source 0, and it opened in bl. */
static void open_big(const struct parsed *p, int n, struct buf *t, struct site_blobs *bl)
{
	struct site_blobs w = SITE_BLOBS_INIT;
	for (int i = 0; i < n; i++) {
		char oid[41];
		oid_of(i, oid);
		site_blobs_add(&w, oid, p[0].src, strlen(SOURCES[0]), &p[0].fm);
	}
	site_blobs_write(&w, t);
	site_blobs_release(&w);
	*bl = (struct site_blobs)SITE_BLOBS_INIT;
	CHECK_INT_EQ(site_blobs_open(bl, t->ptr, t->len), 0);
	CHECK_INT_EQ(bl->nold, (size_t)n);
}

/* Used entries of bl: all of the first n ids. */
static void use(struct site_blobs *bl, int n, struct arena *a)
{
	for (int i = 0; i < n; i++) {
		char oid[41];
		const char *src;
		struct frontmatter fm;
		oid_of(i, oid);
		CHECK_INT_EQ(site_blobs_get(bl, oid, strlen(SOURCES[0]), a, &src, &fm), 1);
	}
}

TEST(rewritten_once_enough_changed)
{
	struct arena a = ARENA_INIT;
	struct parsed p[NSRC];
	parse_all(&a, p);
	struct buf t = BUF_INIT;
	struct site_blobs bl;
	enum { N = 2 * SITE_BLOBS_REWRITE_EVERY + 1 }; /* two changes needed */
	/* one file changed: its old entry unused, its new one added */
	open_big(p, N, &t, &bl);
	use(&bl, N - 1, &a);
	CHECK(site_blobs_changed(&bl));
	CHECK(!site_blobs_worth_writing(&bl));
	char oid[41];
	oid_of(N + 5, oid);
	site_blobs_add(&bl, oid, p[1].src, strlen(SOURCES[1]), &p[1].fm);
	CHECK(site_blobs_worth_writing(&bl)); /* two changes */
	site_blobs_release(&bl);
	buf_reset(&t);
	/* nothing changed: nothing to write */
	open_big(p, N, &t, &bl);
	use(&bl, N, &a);
	CHECK(!site_blobs_worth_writing(&bl));
	site_blobs_release(&bl);
	buf_reset(&t);
	/* a small table is rewritten at any change */
	open_big(p, 3, &t, &bl);
	use(&bl, 2, &a);
	CHECK(site_blobs_worth_writing(&bl));
	site_blobs_release(&bl);
	buf_release(&t);
	arena_release(&a);
}

int main(void)
{
	RUN(round_trip);
	RUN(misses);
	RUN(next_table);
	RUN(truncated_and_tampered);
	RUN(parts_point_at_the_files);
	RUN(tables_of_threads_taken_into_one);
	RUN(rewritten_once_enough_changed);
	return harness_report();
}
