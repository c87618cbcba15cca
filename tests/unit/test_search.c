/* Unit tests for search: folding into terms, postings and their encoding,
 * chunks by term range, metadata groups, Markdown text, determinism. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "content/text.h"
#include "harness.h"
#include "search/search.h"

static struct text *T;

/* the files of one search_write, by name */
struct files {
	char *name[4096];
	char *data[4096];
	size_t n;
};

static void collect(void *ctx, const char *name, const char *data, size_t len)
{
	struct files *f = ctx;
	if (f->n >= 4096)
		return;
	f->name[f->n] = strdup(name);
	f->data[f->n] = strndup(data, len);
	f->n++;
}

static const char *file(const struct files *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0)
			return f->data[i];
	return NULL;
}

static void files_free(struct files *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->name[i]);
		free(f->data[i]);
	}
	f->n = 0;
}

static void add(struct search_index *ix, const char *url, const char *title, const char *body)
{
	search_add_doc(ix, url, title, "17/02/2023", NULL);
	search_add_text(ix, title, strlen(title), 10);
	search_add_text(ix, body, strlen(body), 1);
}

/* the postings string of term in a chunk file: "term":"POSTINGS" */
static const char *postings(const char *chunk, const char *term, char *out, size_t cap)
{
	char key[128];
	snprintf(key, sizeof(key), "\"%s\":\"", term);
	const char *p = chunk ? strstr(chunk, key) : NULL;
	if (!p)
		return NULL;
	p += strlen(key);
	size_t n = strcspn(p, "\"");
	snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), p);
	return out;
}

static const char *varint(unsigned long n)
{
	static char last[32];
	struct buf b = BUF_INIT;
	search_put_varint(&b, n);
	snprintf(last, sizeof(last), "%s", b.ptr);
	buf_release(&b);
	return last;
}

TEST(test_varint)
{
	CHECK_STR_EQ(varint(0), "0");
	CHECK_STR_EQ(varint(1), "1");
	CHECK_STR_EQ(varint(31), "v");
	CHECK_STR_EQ(varint(32), "B0");
	CHECK_STR_EQ(varint(1000), "+8");  /* 31*32 + 8 */
	CHECK_STR_EQ(varint(1024), "BA0"); /* 1*1024 + 0*32 + 0 */
}

TEST(test_vietnamese_terms_and_weights)
{
	struct files f = { .n = 0 };
	char buf[256];
	struct search_index *ix = search_index_new(T, NULL);
	add(ix, "/a/", "Hội thảo chuyển đổi số", "Trường tổ chức hội thảo về chuyển đổi số.");
	add(ix, "/b/", "Bữa ăn bán trú", "Dinh dưỡng cho trẻ. Chuyển đổi số!");
	add(ix, "/c/", "Ngày hội", "Không có từ cần tìm");
	CHECK_INT_EQ(search_doc_count(ix), 3);
	CHECK_INT_EQ(search_write(ix, collect, &f), 1 + 1 + 1); /* one chunk, one group, manifest */
	const char *chunk = file(&f, "t/0.json");
	/* "chuyen": doc 0, title 10 + body 1 = 11 ("b"); doc 1 (delta 1), body 1 */
	CHECK_STR_EQ(postings(chunk, "chuyen", buf, sizeof(buf)), "0b11");
	CHECK_STR_EQ(postings(chunk, "doi", buf, sizeof(buf)), "0b11");
	/* "hội" in both the title (10) and the body (1) of doc 0, the title of doc 2 */
	CHECK_STR_EQ(postings(chunk, "hoi", buf, sizeof(buf)), "0b2a");
	/* đ folds to d, no accented term exists */
	CHECK(postings(chunk, "dinh", buf, sizeof(buf)) != NULL);
	CHECK_NOT_CONTAINS(chunk, "đ");
	CHECK_NOT_CONTAINS(chunk, "chuyển");
	const char *manifest = file(&f, "manifest.json");
	CHECK_CONTAINS(manifest, "\"docs\":3,\"group\":8,\"chunks\":[\"\"]");
	CHECK_CONTAINS(manifest, "\"version\":\"");
	search_index_free(ix);
	files_free(&f);
}

TEST(test_nfd_input_same_terms)
{
	struct files a = { .n = 0 }, b = { .n = 0 };
	struct search_index *x = search_index_new(T, NULL), *y = search_index_new(T, NULL);
	const char *nfc = "Tin t\xe1\xbb\xa9" "c";
	const char *nfd = "Tin tu\xcc\x9b\xcc\x81" "c";
	add(x, "/a/", nfc, "");
	add(y, "/a/", nfd, "");
	search_write(x, collect, &a);
	search_write(y, collect, &b);
	CHECK_STR_EQ(file(&a, "t/0.json"), file(&b, "t/0.json"));
	CHECK_CONTAINS(file(&a, "t/0.json"), "\"tuc\":");
	search_index_free(x);
	search_index_free(y);
	files_free(&a);
	files_free(&b);
}

/* Words are folded one by one (cut at ASCII separators, cached); the terms
 * must be those of folding the whole text. */
TEST(test_terms_equal_whole_text_fold)
{
	static const char *const texts[] = {
		"Hội thảo \"chuyển-đổi-số\"(2023), Children's day; l'école.",
		"a.\xcc\x81" "b x\xcc\x81y ĐẶNG–ĐỨC Straße Ærø_Œuvre mixed中文words ٣٤ x²³",
		"Tin tu\xcc\x9b\xcc\x81" "c—tin tức/Tín tục ''' 'x' a''b",
		"https://example.vn/a?b=c&d=e αβγ ΣΊΣΥΦΟΣ 한국어 l’été",
	};
	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		struct files f = { .n = 0 };
		struct buf whole = BUF_INIT;
		struct search_index *ix = search_index_new(T, NULL);
		search_add_doc(ix, "/a/", "A", NULL, NULL);
		search_add_text(ix, texts[k], strlen(texts[k]), 1);
		search_write(ix, collect, &f);
		text_fold(T, &whole, texts[k], strlen(texts[k]));
		/* every folded word is a term, and there is no other */
		size_t distinct = 0;
		char *save = NULL;
		char *copy = strdup(whole.ptr);
		char seen[64][64];
		for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
			char key[80];
			snprintf(key, sizeof(key), "\"%s\":", w);
			CHECK_CONTAINS(file(&f, "t/0.json"), key);
			bool dup = false;
			for (size_t i = 0; i < distinct; i++)
				dup = dup || strcmp(seen[i], w) == 0;
			if (!dup && distinct < 64)
				snprintf(seen[distinct++], sizeof(seen[0]), "%s", w);
		}
		CHECK(distinct >= 4);
		CHECK_INT_EQ(search_term_count(ix), distinct);
		free(copy);
		buf_release(&whole);
		search_index_free(ix);
		files_free(&f);
	}
}

/* A fold of its own (a thread's) cuts a text into the same terms, with the
 * same counts, as the index does; and an index whose body terms came from
 * such folds, translated, writes the same files as one that folded them
 * itself, though its terms were first seen in another order. */
TEST(test_separate_folds_same_terms_and_files)
{
	static const char *const bodies[] = {
		"Bé vui chơi, bé học: trường mầm non Hoa Sen tổ chức Tết Trung thu.",
		"Giáo viên và phụ huynh; chuyển đổi số — Children's day, l'école x²³.",
		"Trung thu vui vẻ bé bé bé bé; Hoa Sen, hoa hồng, HOA LAN.",
	};
	size_t nb = sizeof(bodies) / sizeof(bodies[0]);
	/* the same pairs, term by term */
	struct search_index *ix = search_index_new(T, NULL);
	struct search_fold *fold = search_fold_new(T);
	struct search_pair *a = NULL, *b = NULL;
	size_t acap = 0, bcap = 0;
	for (size_t k = 0; k < nb; k++) {
		size_t na = search_text_terms(ix, bodies[k], strlen(bodies[k]), &a, &acap);
		size_t nf = search_fold_terms(fold, bodies[k], strlen(bodies[k]), &b, &bcap);
		CHECK_INT_EQ(na, nf);
		CHECK(na > 5);
		for (size_t i = 0; i < na && i < nf; i++) {
			size_t len;
			const char *name = search_fold_term(fold, b[i].term, &len);
			CHECK(name != NULL);
			CHECK_STR_EQ(search_term_name(ix, a[i].term), name ? name : "");
			CHECK_INT_EQ(strlen(name ? name : ""), len);
			CHECK_INT_EQ(a[i].count, b[i].count);
		}
	}
	size_t len;
	CHECK(search_fold_term(fold, 100000, &len) == NULL);
	search_index_free(ix);
	/* the same files: the index folds the bodies itself, or takes a
	 * fold's pairs (the bodies folded in reverse order there), each
	 * document with a title first */
	struct files one = { .n = 0 }, two = { .n = 0 };
	struct search_index *x = search_index_new(T, NULL);
	struct search_index *y = search_index_new(T, NULL);
	struct search_fold *f2 = search_fold_new(T);
	struct search_fold_map map = { NULL, 0 };
	struct search_pair *made[3] = { NULL, NULL, NULL };
	size_t nmade[3], caps[3] = { 0, 0, 0 };
	for (size_t k = nb; k-- > 0;)
		nmade[k] = search_fold_terms(f2, bodies[k], strlen(bodies[k]), &made[k], &caps[k]);
	for (size_t k = 0; k < nb; k++) {
		char url[16];
		snprintf(url, sizeof(url), "/%zu/", k);
		search_add_doc(x, url, "Tin", NULL, NULL);
		search_add_doc(y, url, "Tin", NULL, NULL);
		search_add_text(x, "Tin vui", 7, 12);
		search_add_text(y, "Tin vui", 7, 12);
		size_t n = search_text_terms(x, bodies[k], strlen(bodies[k]), &a, &acap);
		search_add_terms(x, a, n, 1);
		for (size_t i = 0; i < nmade[k]; i++)
			made[k][i].term = search_fold_map_term(y, f2, &map, made[k][i].term);
		search_add_terms(y, made[k], nmade[k], 1);
	}
	CHECK_INT_EQ(search_write(x, collect, &one), search_write(y, collect, &two));
	CHECK_INT_EQ(one.n, two.n);
	for (size_t i = 0; i < one.n && i < two.n; i++) {
		CHECK_STR_EQ(one.name[i], two.name[i]);
		CHECK_STR_EQ(one.data[i], two.data[i]);
	}
	for (size_t k = 0; k < nb; k++)
		free(made[k]);
	files_free(&one);
	files_free(&two);
	search_index_free(x);
	search_index_free(y);
	search_fold_map_release(&map);
	search_fold_free(f2);
	search_fold_free(fold);
	free(a);
	free(b);
}

TEST(test_weight_capped_and_long_terms_skipped)
{
	struct files f = { .n = 0 };
	char buf[64];
	struct search_index *ix = search_index_new(T, NULL);
	search_add_doc(ix, "/a/", "A", NULL, NULL);
	search_add_text(ix, "bé bé bé", strlen("bé bé bé"), 600); /* 1800 → capped at 1000 */
	search_add_text(ix, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnop", 42, 1); /* 42 bytes */
	search_write(ix, collect, &f);
	CHECK_STR_EQ(postings(file(&f, "t/0.json"), "be", buf, sizeof(buf)), "0+8");
	CHECK_NOT_CONTAINS(file(&f, "t/0.json"), "abcdefghij");
	search_index_free(ix);
	files_free(&f);
}

TEST(test_chunks_cover_term_ranges)
{
	struct files f = { .n = 0 };
	struct search_index *ix = search_index_new(T, &(struct search_options){ 2, 64 });
	char body[4096] = "";
	/* 200 distinct terms "w000".."w199", each in a few documents */
	for (int d = 0; d < 10; d++) {
		size_t n = 0;
		for (int k = d; k < 200; k += 3)
			n += (size_t)snprintf(body + n, sizeof(body) - n, "w%03d ", k);
		char url[32];
		snprintf(url, sizeof(url), "/d%d/", d);
		add(ix, url, "Tiêu đề", body);
	}
	size_t nfiles = search_write(ix, collect, &f);
	CHECK(nfiles > 10);
	/* 5 metadata groups of 2 documents */
	CHECK(file(&f, "m/4.json") != NULL);
	CHECK(file(&f, "m/5.json") == NULL);
	CHECK_CONTAINS(file(&f, "m/4.json"), "[\"/d8/\",\"Tiêu đề\",\"17/02/2023\",\"\"]");
	/* the manifest lists each chunk's first term; every term of a chunk
	 * lies in [first, next first), and each term is in one chunk only */
	const char *m = file(&f, "manifest.json");
	const char *c = strstr(m, "\"chunks\":[");
	CHECK(c != NULL);
	char firsts[128][16];
	size_t nf = 0;
	for (const char *p = c + 10; p && *p == '"' && nf < 128; nf++) {
		size_t n = strcspn(p + 1, "\"");
		snprintf(firsts[nf], sizeof(firsts[nf]), "%.*s", (int)n, p + 1);
		p += n + 2;
		p = *p == ',' ? p + 1 : NULL;
	}
	CHECK(nf > 5);
	CHECK_STR_EQ(firsts[0], "");
	int seen[200] = { 0 };
	for (size_t i = 0; i < nf; i++) {
		char name[32];
		snprintf(name, sizeof(name), "t/%zu.json", i);
		const char *chunk = file(&f, name);
		CHECK(chunk != NULL);
		CHECK(strlen(chunk) < 64 + 200); /* the target, or one term over it */
		if (i > 0) {
			size_t n = strlen(firsts[i]);
			CHECK(chunk && strncmp(chunk, "{\"", 2) == 0 &&
			      strncmp(chunk + 2, firsts[i], n) == 0 && chunk[2 + n] == '"');
		}
		for (const char *p = chunk ? strstr(chunk, "\"w") : NULL; p; p = strstr(p + 1, ",\"w")) {
			const char *w = strchr(p, 'w');
			int k = atoi(w + 1);
			char term[16];
			snprintf(term, sizeof(term), "w%03d", k);
			CHECK(strcmp(term, firsts[i]) >= 0);
			CHECK(i + 1 == nf || strcmp(term, firsts[i + 1]) < 0);
			if (k >= 0 && k < 200)
				seen[k]++;
		}
	}
	for (int k = 0; k < 200; k++)
		CHECK_INT_EQ(seen[k], 1);
	search_index_free(ix);
	files_free(&f);
}

TEST(test_metadata_escaped)
{
	struct files f = { .n = 0 };
	struct search_index *ix = search_index_new(T, NULL);
	search_add_doc(ix, "/x/", "<script>&\"\\", "2023", "dòng\nhai");
	search_write(ix, collect, &f);
	const char *m = file(&f, "m/0.json");
	CHECK_CONTAINS(m, "\"\\u003cscript\\u003e\\u0026\\\"\\\\\"");
	CHECK_CONTAINS(m, "\"dòng\\u000ahai\"");
	CHECK_NOT_CONTAINS(m, "<");
	search_index_free(ix);
	files_free(&f);
}

TEST(test_set_summary)
{
	struct files f = { .n = 0 };
	struct search_index *ix = search_index_new(T, NULL);
	size_t id = search_add_doc(ix, "/x/", "X", NULL, NULL);
	search_set_summary(ix, id, "Tóm tắt");
	search_write(ix, collect, &f);
	CHECK_CONTAINS(file(&f, "m/0.json"), "[\"/x/\",\"X\",\"\",\"Tóm tắt\"]");
	search_index_free(ix);
	files_free(&f);
}

TEST(test_deterministic_and_versioned)
{
	struct files a = { .n = 0 }, b = { .n = 0 }, c = { .n = 0 };
	for (int round = 0; round < 3; round++) {
		struct search_index *ix = search_index_new(T, &(struct search_options){ 1, 40 });
		add(ix, "/a/", "Hội thảo chuyển đổi số", "một hai ba bốn năm sáu bảy tám");
		add(ix, "/b/", round == 2 ? "Khác" : "Bữa ăn", "chín mười");
		search_write(ix, collect, round == 0 ? &a : round == 1 ? &b : &c);
		search_index_free(ix);
	}
	CHECK_INT_EQ(a.n, b.n);
	for (size_t i = 0; i < a.n && i < b.n; i++) {
		CHECK_STR_EQ(a.name[i], b.name[i]);
		CHECK_STR_EQ(a.data[i], b.data[i]);
	}
	CHECK_STR_EQ(a.name[a.n - 1], "manifest.json");
	/* one changed title changes the version */
	CHECK(strcmp(file(&a, "manifest.json"), file(&c, "manifest.json")) != 0);
	files_free(&a);
	files_free(&b);
	files_free(&c);
}

TEST(test_empty_index)
{
	struct files f = { .n = 0 };
	struct search_index *ix = search_index_new(T, NULL);
	CHECK_INT_EQ(search_write(ix, collect, &f), 2);
	CHECK_STR_EQ(file(&f, "t/0.json"), "{}\n");
	CHECK_CONTAINS(file(&f, "manifest.json"), "\"docs\":0,\"group\":8,\"chunks\":[\"\"]");
	search_index_free(ix);
	files_free(&f);
}

static const char *md(const char *src)
{
	static char last[1024];
	struct buf b = BUF_INIT;
	search_markdown_text(&b, src, strlen(src));
	snprintf(last, sizeof(last), "%s", b.ptr);
	buf_release(&b);
	return last;
}

TEST(test_markdown_text)
{
	CHECK_STR_EQ(md("Xem [trường](../schools/a.md \"tiêu đề\") nhé"), "Xem [trường  nhé\n");
	CHECK_STR_EQ(md("![Các bé](anh.jpg)"), "![Các bé \n");
	CHECK_STR_EQ(md("a <span class=\"x\">b</span> c"), "a  b  c\n");
	CHECK_STR_EQ(md("<https://example.vn/x> y"), "  y\n");
	CHECK_STR_EQ(md("Tom &amp; Jerry &#39;x&#39;"), "Tom   Jerry  x \n");
	CHECK_STR_EQ(md("{{< truong dong-thai >}}\n\nSau"), " \n\nSau\n");
	CHECK_STR_EQ(md("Văn bản[^1].\n\n[1]: https://example.vn/\n  [x]: /y"), "Văn bản[^1].\n\n");
	CHECK_STR_EQ(md("2 < 3 và a & b"), "2 < 3 và a & b\n");
	CHECK_STR_EQ(md("<div\nclass=\"a\">chữ</div>"), " chữ \n");
}

/* sizes of the files of one search_write, and the term and weight files */
struct sized {
	size_t manifest, max_t, max_m, nt, nw;
	struct files keep; /* t/, w/ and the manifest */
};

static void collect_sized(void *ctx, const char *name, const char *data, size_t len)
{
	struct sized *z = ctx;
	if (name[0] == 'm' && name[1] == '/') {
		z->max_m = len > z->max_m ? len : z->max_m;
		return;
	}
	if (name[0] == 't')
		z->max_t = len > z->max_t ? len : z->max_t, z->nt++;
	if (name[0] == 'w')
		z->nw++;
	if (strcmp(name, "manifest.json") == 0)
		z->manifest = len;
	collect(&z->keep, name, data, len);
}

static int b64v(char c)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const char *p = strchr(b64, c);
	return p && c ? (int)(p - b64) : -1;
}

/* 50,000 documents: a word in every one (in the title of one in 7), one
 * in every other, a rare one, and 2,000 words of 25 documents each. A term
 * in many documents is a bitmap with its weights in a file of their own,
 * so that no query downloads more than 300 KB (search.js: it fetches the
 * weights of common words only while it has downloaded less than 240 KB;
 * a query has at most 8 words, the last one also as a prefix over at most
 * 4 chunks, and shows the metadata of 10 hits). */
TEST(test_query_bytes_bounded_at_50000_documents)
{
	enum { N = 50000 };
	struct sized z = { .manifest = 0 };
	struct search_index *ix = search_index_new(T, NULL);
	char body[256], summary[256];
	for (int d = 0; d < N; d++) {
		char url[32];
		snprintf(url, sizeof(url), "/tin-tuc/bai-%d/", d);
		snprintf(summary, sizeof(summary),
			 "Tóm tắt của bài viết số %d về hoạt động của trường mầm non trong năm học, "
			 "với trẻ, giáo viên và phụ huynh.", d);
		search_add_doc(ix, url, d % 7 ? "Bài viết" : "Bài viết chung", "17/02/2023", summary);
		const char *title = d % 7 ? "Bài viết" : "Bài viết chung";
		search_add_text(ix, title, strlen(title), 12);
		int n = snprintf(body, sizeof(body), "chung %s%sf%04d", d % 2 ? "" : "nua ",
				 d % 1000 ? "" : "hiem ", d % 2000);
		search_add_text(ix, body, (size_t)n, 1);
	}
	search_write(ix, collect_sized, &z);
	const size_t bitmap = (N + 5) / 6;
	char *buf = malloc(2 * N);
	/* "chung": a bitmap of every document; weights 13 (title 12 + body
	 * 1) and 1 in w/K.json */
	const char *chunk = NULL;
	for (size_t i = 0; i < z.keep.n && !chunk; i++)
		if (z.keep.name[i][0] == 't' && strstr(z.keep.data[i], "\"chung\":\"~"))
			chunk = z.keep.data[i];
	CHECK(chunk != NULL);
	const char *p = chunk ? postings(chunk, "chung", buf, 2 * N) : NULL;
	CHECK(p && p[0] == '~');
	if (p && p[0] == '~') {
		const char *bits = strchr(p + 1, '~') + 1;
		CHECK_INT_EQ(strlen(bits), bitmap);
		bool all = true;
		for (size_t j = 0; j < strlen(bits); j++)
			all = all && (b64v(bits[j]) == 63 || (j == bitmap - 1 && b64v(bits[j]) == (1 << (N % 6 ? N % 6 : 6)) - 1));
		CHECK(all);
		char wname[32];
		snprintf(wname, sizeof(wname), "w/%d.json", atoi(p + 1));
		const char *w = file(&z.keep, wname);
		CHECK(w != NULL);
		CHECK_INT_EQ(w ? strlen(w) : 0, N + 3); /* "…"\n */
		CHECK(w && w[1] == 'M' && w[2] == 'A'); /* levels 12 (13) and 0 (1) */
	}
	/* "nua": every other document, bit 0, 2 and 4 of each character */
	p = NULL;
	for (size_t i = 0; i < z.keep.n && !p; i++)
		if (z.keep.name[i][0] == 't')
			p = postings(z.keep.data[i], "nua", buf, 2 * N);
	CHECK(p && p[0] == '~' && b64v(strchr(p + 1, '~')[1]) == 1 + 4 + 16);
	/* "hiem", in 50 documents, stays a list of (delta, weight) */
	for (size_t i = 0; i < z.keep.n; i++)
		if (z.keep.name[i][0] == 't' && postings(z.keep.data[i], "hiem", buf, 2 * N))
			CHECK(buf[0] != '~' && strlen(buf) < 200);
	CHECK_INT_EQ(z.nw, 4); /* bai, viet (every title), chung, nua */
	/* every term chunk within its target or one bitmap */
	CHECK(z.max_t <= 16384 + 64 || z.max_t <= bitmap + 256 + 64);
	/* the bound: what the budget lets through plus one page of hits */
	size_t before_weights = z.manifest + (8 + 3) * z.max_t;
	CHECK(before_weights < 240 * 1024);
	size_t worst = 240 * 1024 + 10 * z.max_m;
	if (worst >= 300 * 1024)
		fprintf(stderr, "  manifest %zu, largest chunk %zu, largest metadata %zu: %zu bytes\n",
			z.manifest, z.max_t, z.max_m, worst);
	CHECK(worst < 300 * 1024);
	free(buf);
	files_free(&z.keep);
	search_index_free(ix);
}

int main(void)
{
	struct diag_list d = DIAG_LIST_INIT;
	if (text_open(&T, NULL, &d) < 0)
		return 1;
	RUN(test_varint);
	RUN(test_vietnamese_terms_and_weights);
	RUN(test_nfd_input_same_terms);
	RUN(test_terms_equal_whole_text_fold);
	RUN(test_separate_folds_same_terms_and_files);
	RUN(test_weight_capped_and_long_terms_skipped);
	RUN(test_chunks_cover_term_ranges);
	RUN(test_metadata_escaped);
	RUN(test_set_summary);
	RUN(test_deterministic_and_versioned);
	RUN(test_empty_index);
	RUN(test_query_bytes_bounded_at_50000_documents);
	RUN(test_markdown_text);
	text_free(T);
	diag_list_release(&d);
	return harness_report();
}
