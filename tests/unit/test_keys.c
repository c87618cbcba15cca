/* Unit tests for incr/keys: every field of struct page carries a cover in
 * content/page.h's PAGE_FIELDS, and each keyed one really is in its key:
 * changing the field changes the key the cover names. A field added to
 * PAGE_FIELDS with a new type word fails to compile here until it gets a
 * perturb_ function; one marked keyed that keys.c does not write fails. */
#include "base/buf.h"
#include "base/value.h"
#include "harness.h"
#include "incr/key.h"
#include "incr/keys.h"
#include "site/site.h"

#include <stdio.h>
#include <string.h>

/* ---- one change of each type word (base values are the "a" ones) ---- */
static const char *const strs_b[] = { "b", "b" };
static const struct value value_b = { .kind = VALUE_SCALAR, .str = "b", .len = 1 };
static struct school_model models_b[2] = { { "b", NULL, NULL, 1 }, { "b", NULL, NULL, 1 } };
static struct plan_activity activities_b[2] = { { .id = "b", .name = "b" }, { .id = "b", .name = "b" } };
static struct bundle_file files_b[2] = { { "content/b", "b.jpg", "b/b.jpg", 1 },
					 { "content/b", "b.jpg", "b/b.jpg", 1 } };

static void perturb_STR(const char **p) { *p = (*p && strcmp(*p, "b")) ? "b" : "c"; }
static void perturb_STRS(const char ***p) { *p = (const char **)strs_b; }
static void perturb_SIZE(size_t *p) { *p ^= 1; }
static void perturb_I64(int64_t *p) { *p += 1; }
static void perturb_LONG(long *p) { *p += 1; }
static void perturb_INT(int *p) { *p += 1; }
static void perturb_BOOL(bool *p) { *p = !*p; }
static void perturb_KIND(enum page_kind *p) { *p = *p == PAGE_NEWS ? PAGE_PLAN : PAGE_NEWS; }
static void perturb_CATEGORY(enum news_category *p)
{
	*p = *p == CATEGORY_POLICY ? CATEGORY_PRACTICE : CATEGORY_POLICY;
}
static void perturb_DATE(struct date *p) { p->year += 1; }
static void perturb_VALUE(const struct value **p) { *p = &value_b; }
static void perturb_MODELS(struct school_model **p) { *p = models_b; }
static void perturb_ACTIVITIES(struct plan_activity **p) { *p = activities_b; }
static void perturb_FILES(struct bundle_file **p) { *p = files_b; }

/* ---- a site of one page whose every field is set ---- */
static const char *const strs_a[] = { "a", "a" };
static const struct value value_a = { .kind = VALUE_SCALAR, .str = "a", .len = 1 };
static struct school_model models_a[2] = { { "a", NULL, NULL, 1 }, { "a", NULL, NULL, 1 } };
static struct plan_activity activities_a[2] = { { .id = "a", .name = "a" }, { .id = "a", .name = "a" } };
static struct bundle_file files_a[2] = { { "content/a", "a.jpg", "a/a.jpg", 0 },
					 { "content/a", "a.jpg", "a/a.jpg", 0 } };
static struct repo_file repo_files[2] = {
	{ "content/news/a.md", 1, "1111111111111111111111111111111111111111" },
	{ "content/news/b.md", 1, "2222222222222222222222222222222222222222" },
};

static void base_page(struct page *p)
{
	static const struct date day = { .prec = DATE_DAY, .year = 2023, .month = 3, .day = 1 };
	memset(p, 0, sizeof(*p));
#define BASE_(type, name, cover) BASE_##type(name)
#define BASE_STR(f) p->f = "a";
#define BASE_STRS(f) p->f = (const char **)strs_a;
#define BASE_SIZE(f) p->f = (strcmp(#f, "file_index") == 0 || strcmp(#f, "body_len") == 0) ? 0 : 1;
#define BASE_I64(f) p->f = 1000;
#define BASE_LONG(f) p->f = 1;
#define BASE_INT(f) p->f = 1;
#define BASE_BOOL(f) p->f = false;
#define BASE_KIND(f) p->f = PAGE_NEWS;
#define BASE_CATEGORY(f) p->f = CATEGORY_ACTIVITY;
#define BASE_DATE(f) p->f = day;
#define BASE_VALUE(f) p->f = &value_a;
#define BASE_MODELS(f) p->f = models_a;
#define BASE_ACTIVITIES(f) p->f = activities_a;
#define BASE_FILES(f) p->f = files_a;
	PAGE_FIELDS(BASE_)
	p->path = "content/news/a.md";
}

static void site_of(struct site *s, struct page **pages)
{
	memset(s, 0, sizeof(*s));
	s->files = repo_files;
	s->nfiles = 2;
	s->pages = pages;
	s->npages = 1;
}

static void key_of(enum page_key_cover cover, const struct site *s, const struct page *p,
		   struct buf *k)
{
	buf_reset(k);
	switch (cover) {
	case PAGE_KEY_META: {
		/* a stream with no digest keeps every byte in its buffer */
		struct key_stream ks = { BUF_INIT, NULL };
		keys_site_metadata(&ks, s);
		buf_add(k, ks.buf.ptr, ks.buf.len);
		buf_release(&ks.buf);
		break;
	}
	case PAGE_KEY_OWN:
		keys_page(k, s, p);
		break;
	case PAGE_KEY_VOLATILE:
		keys_page_volatile(k, p);
		break;
	case PAGE_KEY_SOURCE:
		break;
	}
}

static int nkeyed, nsource;

/* One field: changed alone, the key its cover names must change. */
#define CHECK_FIELD_(type, name, cover)                                                   \
	do {                                                                              \
		struct page q;                                                            \
		struct page *pages[1] = { &q };                                           \
		struct site s;                                                            \
		base_page(&q);                                                            \
		site_of(&s, pages);                                                       \
		if ((cover) == PAGE_KEY_SOURCE) {                                         \
			nsource++;                                                        \
			break;                                                            \
		}                                                                         \
		nkeyed++;                                                                 \
		key_of(cover, &s, &q, &before);                                           \
		perturb_##type(&q.name);                                                  \
		key_of(cover, &s, &q, &after);                                            \
		if (before.len == after.len && memcmp(before.ptr, after.ptr, before.len) == 0) \
			fprintf(stderr, "  page field '%s' is marked %s but its key does not " \
					"change with it (incr/keys.c)\n", #name, #cover); \
		CHECK(before.len != after.len || memcmp(before.ptr, after.ptr, before.len) != 0); \
	} while (0);

TEST(test_keyed_fields_are_in_their_keys)
{
	struct buf before = BUF_INIT, after = BUF_INIT;
	nkeyed = nsource = 0;
	PAGE_FIELDS(CHECK_FIELD_)
	CHECK(nkeyed > 0 && nsource > 0);
	buf_release(&before);
	buf_release(&after);
}

/* The check itself can fail: a field keys.c does not write leaves the key
 * unchanged (body is marked SOURCE, and no key function writes it). */
TEST(test_an_unkeyed_field_leaves_the_keys_unchanged)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct page q;
	struct page *pages[1] = { &q };
	struct site s;
	base_page(&q);
	site_of(&s, pages);
	for (int c = PAGE_KEY_META; c <= PAGE_KEY_VOLATILE; c++) {
		base_page(&q);
		key_of((enum page_key_cover)c, &s, &q, &a);
		perturb_STR(&q.body);
		key_of((enum page_key_cover)c, &s, &q, &b);
		CHECK(a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0);
	}
	buf_release(&a);
	buf_release(&b);
}

/* A hasher gives key_finish's key (the builder's keys are made with one,
 * the workers' and the cache's with key_finish: they must agree), one
 * call after another on the same context. */
TEST(test_a_hasher_gives_the_same_keys)
{
	struct key_hasher *h = key_hasher_new();
	struct buf k = BUF_INIT;
	const char *inputs[] = { "", "a", "loa-plugin-memo-file-1", "Trường Mầm non" };
	for (size_t i = 0; i < sizeof(inputs) / sizeof(*inputs); i++) {
		char want[KEY_LEN + 1], got[KEY_LEN + 1];
		buf_reset(&k);
		key_add_str(&k, inputs[i]);
		key_finish(&k, want);
		key_hasher_finish(h, &k, got);
		CHECK(strlen(got) == KEY_LEN && strcmp(want, got) == 0);
		key_hasher_finish(h, &k, got); /* the context used again */
		CHECK(strcmp(want, got) == 0);
	}
	/* and different inputs, different keys */
	char a[KEY_LEN + 1], b[KEY_LEN + 1];
	buf_reset(&k);
	key_add_str(&k, "a");
	key_hasher_finish(h, &k, a);
	key_add_str(&k, "b");
	key_hasher_finish(h, &k, b);
	CHECK(strcmp(a, b) != 0);
	buf_release(&k);
	key_hasher_free(h);
}

int main(void)
{
	RUN(test_keyed_fields_are_in_their_keys);
	RUN(test_an_unkeyed_field_leaves_the_keys_unchanged);
	RUN(test_a_hasher_gives_the_same_keys);
	return harness_report();
}
