/* search — builds the static search index: folding, postings, chunks. */
#include "search/search.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "base/xalloc.h"
#include "content/text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct term {
	const char *s;  /* in the index's arena */
	/* the postings as written (search.h: POSTINGS, a document delta and
	 * a weight a pair, base-32 varints), documents ascending: 2-4 bytes
	 * a pair rather than 8, the builder's largest allocation while the
	 * index is made (30 MB of pairs at 10,000 pages) */
	struct buf post;
	uint32_t last;   /* the last document in post */
	uint32_t cur;    /* weight in the open document, 0 when absent */
};

struct doc {
	char *url, *title, *date, *summary;
};

/* a raw word of the input and the terms it folds to */
struct word {
	uint32_t first, n; /* in word_terms */
};

/* a term of a fold: its name, and its occurrences in the text
 * search_fold_terms reads */
struct fold_term {
	const char *s; /* in the fold's arena */
	uint32_t len, count;
};

/* Words folded into terms once: text has few distinct words (a corpus of
 * 10,000 Vietnamese articles has about 2,000 syllables) and ICU's
 * normalisation is the costly part of indexing. An index has one; a
 * thread indexing bodies for it has its own (search.h). */
struct search_fold {
	struct text *text;
	struct arena arena;
	struct strmap by_word; /* raw word → index into words */
	struct word *words;
	size_t nwords, words_cap;
	uint32_t *word_terms; /* the fold's term ids */
	size_t nword_terms, word_terms_cap;
	struct strmap by_term; /* term → index into terms */
	struct fold_term *terms;
	size_t nterms, terms_cap;
	struct buf folded;
};

struct search_index {
	struct text *text;
	struct search_options opts;
	struct arena arena;
	struct strmap by_name; /* term → index into terms */
	struct term *terms;
	size_t nterms, terms_cap;
	struct doc *docs;
	size_t ndocs, docs_cap;
	/* terms of the open document, whose postings get it when the next
	 * document starts or the index is written */
	uint32_t *touched;
	size_t ntouched, touched_cap;
	struct search_fold fold;
	struct search_fold_map fold_map; /* its terms in this index's */
};

static void fold_init(struct search_fold *f, struct text *t)
{
	memset(f, 0, sizeof(*f));
	f->text = t;
	f->arena = (struct arena)ARENA_INIT;
	f->by_word = (struct strmap)STRMAP_INIT;
	f->by_term = (struct strmap)STRMAP_INIT;
	buf_init(&f->folded);
}

static void fold_release(struct search_fold *f)
{
	free(f->words);
	free(f->word_terms);
	free(f->terms);
	strmap_release(&f->by_word);
	strmap_release(&f->by_term);
	arena_release(&f->arena);
	buf_release(&f->folded);
}

struct search_fold *search_fold_new(struct text *t)
{
	struct search_fold *f = xmalloc(sizeof(*f));
	fold_init(f, t);
	return f;
}

void search_fold_free(struct search_fold *f)
{
	if (!f)
		return;
	fold_release(f);
	free(f);
}

struct search_index *search_index_new(struct text *t, const struct search_options *opts)
{
	struct search_index *ix = xcalloc(1, sizeof(*ix));
	ix->text = t;
	ix->arena = (struct arena)ARENA_INIT;
	ix->by_name = (struct strmap)STRMAP_INIT;
	fold_init(&ix->fold, t);
	ix->opts.group = opts && opts->group ? opts->group : 8;
	ix->opts.chunk_bytes = opts && opts->chunk_bytes ? opts->chunk_bytes : 16384;
	return ix;
}

void search_index_free(struct search_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->nterms; i++)
		buf_release(&ix->terms[i].post);
	free(ix->terms);
	for (size_t i = 0; i < ix->ndocs; i++) {
		free(ix->docs[i].url);
		free(ix->docs[i].title);
		free(ix->docs[i].date);
		free(ix->docs[i].summary);
	}
	free(ix->docs);
	free(ix->touched);
	search_fold_map_release(&ix->fold_map);
	fold_release(&ix->fold);
	strmap_release(&ix->by_name);
	arena_release(&ix->arena);
	free(ix);
}

size_t search_doc_count(const struct search_index *ix)
{
	return ix->ndocs;
}

size_t search_term_count(const struct search_index *ix)
{
	return ix->nterms;
}

/* Gives the open document's terms their postings. */
static void flush_doc(struct search_index *ix)
{
	uint32_t doc = (uint32_t)(ix->ndocs - 1);
	for (size_t i = 0; i < ix->ntouched; i++) {
		struct term *t = &ix->terms[ix->touched[i]];
		/* the first delta is the document itself */
		search_put_varint(&t->post, t->post.len ? doc - t->last : doc);
		search_put_varint(&t->post, t->cur);
		t->last = doc;
		t->cur = 0;
	}
	ix->ntouched = 0;
}

static char *dup_or_empty(const char *s)
{
	return xstrdup(s ? s : "");
}

size_t search_add_doc(struct search_index *ix, const char *url, const char *title,
		      const char *date, const char *summary)
{
	flush_doc(ix);
	ALLOC_GROW(ix->docs, ix->ndocs + 1, ix->docs_cap);
	struct doc *d = &ix->docs[ix->ndocs];
	d->url = dup_or_empty(url);
	d->title = dup_or_empty(title);
	d->date = dup_or_empty(date);
	d->summary = dup_or_empty(summary);
	return ix->ndocs++;
}

void search_set_summary(struct search_index *ix, size_t id, const char *summary)
{
	if (id >= ix->ndocs)
		return;
	free(ix->docs[id].summary);
	ix->docs[id].summary = dup_or_empty(summary);
}

static uint32_t intern(struct search_index *ix, const char *s, size_t n)
{
	size_t id;
	/* s is NUL-terminated at n by the caller */
	if (!strmap_get(&ix->by_name, s, &id)) {
		id = ix->nterms;
		ALLOC_GROW(ix->terms, ix->nterms + 1, ix->terms_cap);
		ix->terms[id] = (struct term){ arena_strndup(&ix->arena, s, n), BUF_INIT, 0, 0 };
		strmap_put(&ix->by_name, ix->terms[id].s, id, NULL);
		ix->nterms++;
	}
	return (uint32_t)id;
}

static uint32_t fold_intern(struct search_fold *f, const char *s, size_t n)
{
	size_t id;
	/* s is NUL-terminated at n by the caller */
	if (!strmap_get(&f->by_term, s, &id)) {
		id = f->nterms;
		ALLOC_GROW(f->terms, f->nterms + 1, f->terms_cap);
		f->terms[id] = (struct fold_term){ arena_strndup(&f->arena, s, n), (uint32_t)n, 0 };
		strmap_put(&f->by_term, f->terms[id].s, id, NULL);
		f->nterms++;
	}
	return (uint32_t)id;
}

/* The word key[0..len) (no NUL in it), folded and cut into terms once;
 * returns its index into words. */
static size_t word_of(struct search_fold *f, const char *key, size_t len)
{
	size_t w;
	if (strmap_getn(&f->by_word, key, len, &w))
		return w;
	struct word entry = { (uint32_t)f->nword_terms, 0 };
	buf_reset(&f->folded);
	text_fold(f->text, &f->folded, key, len);
	char *p = f->folded.ptr, *end = p + f->folded.len;
	while (p < end) {
		char *sp = memchr(p, ' ', (size_t)(end - p));
		size_t n = sp ? (size_t)(sp - p) : (size_t)(end - p);
		p[n] = '\0';
		if (n && n <= SEARCH_TERM_MAX) {
			ALLOC_GROW(f->word_terms, f->nword_terms + 1, f->word_terms_cap);
			f->word_terms[f->nword_terms++] = fold_intern(f, p, n);
			entry.n++;
		}
		p += n + 1;
	}
	w = f->nwords;
	ALLOC_GROW(f->words, f->nwords + 1, f->words_cap);
	f->words[f->nwords++] = entry;
	strmap_put(&f->by_word, arena_strndup(&f->arena, key, len), w, NULL);
	return w;
}

uint32_t search_fold_map_term(struct search_index *ix, const struct search_fold *f,
			      struct search_fold_map *m, uint32_t fid)
{
	if (fid >= m->cap) {
		size_t cap = m->cap ? m->cap : 1024;
		while (cap <= fid)
			cap *= 2;
		m->id = xreallocarray(m->id, cap, sizeof(*m->id));
		memset(m->id + m->cap, 0, (cap - m->cap) * sizeof(*m->id));
		m->cap = cap;
	}
	if (!m->id[fid])
		m->id[fid] = intern(ix, f->terms[fid].s, f->terms[fid].len) + 1;
	return m->id[fid] - 1;
}

void search_fold_map_release(struct search_fold_map *m)
{
	free(m->id);
	m->id = NULL;
	m->cap = 0;
}

/* The index's id of its own fold's term fid. */
static uint32_t ix_term(struct search_index *ix, uint32_t fid)
{
	return search_fold_map_term(ix, &ix->fold, &ix->fold_map, fid);
}

/* ASCII bytes that text_fold always treats as separators: everything but
 * letters, digits and the apostrophe (which joins). Cutting the text there
 * and folding each piece gives the same words as folding the whole text:
 * NFD never crosses them, and a combining mark after one is dropped either
 * way. */
static bool ascii_separator(unsigned char c)
{
	return c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == '\'');
}

/* The next word of s[0..len) from *i: true with it at s[*start..*i). */
static bool next_word(const char *s, size_t len, size_t *i, size_t *start)
{
	while (*i < len && ascii_separator((unsigned char)s[*i]))
		(*i)++;
	*start = *i;
	while (*i < len && !ascii_separator((unsigned char)s[*i]))
		(*i)++;
	return *i > *start;
}

void search_add_text(struct search_index *ix, const char *s, size_t len, unsigned weight)
{
	if (!ix->ndocs || !len || !weight)
		return;
	if (weight > SEARCH_WEIGHT_MAX)
		weight = SEARCH_WEIGHT_MAX;
	size_t i = 0, start;
	while (next_word(s, len, &i, &start)) {
		size_t w = word_of(&ix->fold, s + start, i - start); /* may move words */
		size_t first = ix->fold.words[w].first, n = ix->fold.words[w].n;
		for (size_t k = first; k < first + n; k++) {
			uint32_t id = ix_term(ix, ix->fold.word_terms[k]); /* may move terms */
			struct term *t = &ix->terms[id];
			if (!t->cur) {
				ALLOC_GROW(ix->touched, ix->ntouched + 1, ix->touched_cap);
				ix->touched[ix->ntouched++] = id;
			}
			t->cur = t->cur + weight > SEARCH_WEIGHT_MAX ? SEARCH_WEIGHT_MAX : t->cur + weight;
		}
	}
}

/* Adds add to the open document's weight of term id, saturating. */
static void add_weight(struct search_index *ix, uint32_t id, uint64_t add)
{
	struct term *t = &ix->terms[id];
	if (!add)
		return;
	if (!t->cur) {
		ALLOC_GROW(ix->touched, ix->ntouched + 1, ix->touched_cap);
		ix->touched[ix->ntouched++] = id;
	}
	uint64_t w = t->cur + add;
	t->cur = w > SEARCH_WEIGHT_MAX ? SEARCH_WEIGHT_MAX : (uint32_t)w;
}

size_t search_fold_terms(struct search_fold *f, const char *s, size_t len,
			 struct search_pair **pairs, size_t *cap)
{
	size_t n = 0, i = 0, start;
	while (next_word(s, len, &i, &start)) {
		size_t w = word_of(f, s + start, i - start);
		size_t first = f->words[w].first, nt = f->words[w].n;
		for (size_t k = first; k < first + nt; k++) {
			uint32_t id = f->word_terms[k];
			struct fold_term *t = &f->terms[id];
			if (!t->count) {
				ALLOC_GROW(*pairs, n + 1, *cap);
				(*pairs)[n++] = (struct search_pair){ id, 0 };
			}
			if (t->count < SEARCH_WEIGHT_MAX)
				t->count++;
		}
	}
	for (size_t k = 0; k < n; k++) {
		struct fold_term *t = &f->terms[(*pairs)[k].term];
		(*pairs)[k].count = t->count;
		t->count = 0;
	}
	return n;
}

const char *search_fold_term(const struct search_fold *f, uint32_t id, size_t *len)
{
	if (id >= f->nterms)
		return NULL;
	*len = f->terms[id].len;
	return f->terms[id].s;
}

size_t search_text_terms(struct search_index *ix, const char *s, size_t len,
			 struct search_pair **pairs, size_t *cap)
{
	size_t n = search_fold_terms(&ix->fold, s, len, pairs, cap);
	for (size_t k = 0; k < n; k++)
		(*pairs)[k].term = ix_term(ix, (*pairs)[k].term);
	return n;
}

void search_add_terms(struct search_index *ix, const struct search_pair *pairs, size_t n,
		      unsigned weight)
{
	if (!ix->ndocs || !weight)
		return;
	if (weight > SEARCH_WEIGHT_MAX)
		weight = SEARCH_WEIGHT_MAX;
	/* a saturating sum of positive steps is the same however they are
	 * grouped: count occurrences of weight add up to what search_add_text
	 * gives them one by one */
	for (size_t k = 0; k < n; k++)
		if (pairs[k].term < ix->nterms)
			add_weight(ix, pairs[k].term, (uint64_t)pairs[k].count * weight);
}

uint32_t search_term_id(struct search_index *ix, const char *term, size_t len)
{
	return intern(ix, term, len);
}

const char *search_term_name(const struct search_index *ix, uint32_t id)
{
	return id < ix->nterms ? ix->terms[id].s : NULL;
}

/* ---- Markdown to indexable words ---- */

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Length of the construct at s[i] that carries no words for a reader, or 0. */
static size_t skip_len(const char *s, size_t i, size_t len)
{
	size_t j;
	if (s[i] == ']' && i + 1 < len && s[i + 1] == '(') {
		/* a link or image destination, with balanced parentheses */
		int depth = 0;
		for (j = i + 1; j < len && s[j] != '\n'; j++) {
			if (s[j] == '(')
				depth++;
			else if (s[j] == ')' && --depth == 0)
				return j + 1 - i;
		}
		return 0;
	}
	if (s[i] == '{' && i + 2 < len && s[i + 1] == '{' && s[i + 2] == '<') {
		for (j = i + 3; j + 2 < len && s[j] != '\n'; j++)
			if (s[j] == '>' && s[j + 1] == '}' && s[j + 2] == '}')
				return j + 3 - i;
		return 0;
	}
	if (s[i] == '<' && i + 1 < len &&
	    (is_alpha(s[i + 1]) || s[i + 1] == '/' || s[i + 1] == '!' || s[i + 1] == '?')) {
		/* raw HTML or an autolink: bounded, so a stray '<' costs little */
		for (j = i + 1; j < len && j < i + 2048; j++)
			if (s[j] == '>')
				return j + 1 - i;
			else if (s[j] == '<')
				return 0;
		return 0;
	}
	if (s[i] == '&') {
		for (j = i + 1; j < len && j < i + 12; j++) {
			if (s[j] == ';')
				return j > i + 1 ? j + 1 - i : 0;
			if (!(is_alpha(s[j]) || (s[j] >= '0' && s[j] <= '9') || s[j] == '#'))
				return 0;
		}
	}
	return 0;
}

/* A reference definition line "[label]: destination". */
static bool is_ref_definition(const char *line, size_t n)
{
	size_t i = 0;
	while (i < n && i < 3 && line[i] == ' ')
		i++;
	if (i >= n || line[i] != '[')
		return false;
	const char *close = memchr(line + i, ']', n - i);
	return close && (size_t)(close - line) + 1 < n && close[1] == ':';
}

void search_markdown_text(struct buf *out, const char *src, size_t len)
{
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(src + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - src) : len;
		if (!is_ref_definition(src + i, end - i)) {
			size_t start = i;
			for (size_t k = i; k < end;) {
				size_t skip = skip_len(src, k, len);
				if (!skip) {
					k++;
					continue;
				}
				buf_add(out, src + start, k - start);
				buf_putc(out, ' ');
				/* the closing ']' of a link text is kept out too */
				k += skip;
				start = k;
				if (k > end) { /* raw HTML over several lines */
					const char *nl2 = memchr(src + k, '\n', len - k);
					end = nl2 ? (size_t)(nl2 - src) : len;
				}
			}
			if (start < end)
				buf_add(out, src + start, end - start);
			buf_putc(out, '\n');
		}
		i = end + 1;
	}
}

/* ---- output ---- */

void search_put_varint(struct buf *out, unsigned long n)
{
	/* written in place, backwards: a byte at a time was a tenth of the
	 * search handler (1.5 M pairs at 10,000 pages); most weights and
	 * many deltas are one digit */
	if (n < 32 && out->len + 2 <= out->cap) {
		out->ptr[out->len++] = SEARCH_DIGITS_LAST[n];
		out->ptr[out->len] = '\0';
		return;
	}
	size_t k = 1;
	for (unsigned long m = n >> 5; m; m >>= 5)
		k++;
	buf_grow(out, k);
	char *d = out->ptr + out->len + k;
	*--d = SEARCH_DIGITS_LAST[n & 31];
	for (n >>= 5; n; n >>= 5)
		*--d = SEARCH_DIGITS_MORE[n & 31];
	out->len += k;
	out->ptr[out->len] = '\0';
}

static bool json_plain(unsigned char c)
{
	return c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&';
}

static void put_json_string(struct buf *out, const char *s)
{
	buf_putc(out, '"');
	while (*s) {
		/* the plain run at once, then the one character to escape */
		const char *run = s;
		while (*s && json_plain((unsigned char)*s))
			s++;
		buf_add(out, run, (size_t)(s - run));
		if (!*s)
			break;
		unsigned char c = (unsigned char)*s++;
		if (c == '"' || c == '\\')
			buf_putc(out, '\\'), buf_putc(out, (char)c);
		else /* < > & too: a JSON file opened as HTML by mistake stays inert */
			buf_addf(out, "\\u%04x", c);
	}
	buf_putc(out, '"');
}

static uint64_t fnv1a(uint64_t h, const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)data[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

struct emitter {
	search_file_fn fn;
	void *ctx;
	uint64_t hash;
	size_t files;
};

static void emit(struct emitter *e, const char *name, const struct buf *b)
{
	e->hash = fnv1a(e->hash, name, strlen(name) + 1);
	e->hash = fnv1a(e->hash, b->ptr, b->len);
	e->fn(e->ctx, name, b->ptr, b->len);
	e->files++;
}

/* ---- dense postings: a bitmap of documents, weights in a file of their own */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* A weight as one character (search.h: exact up to 40, then geometric
 * steps up to SEARCH_WEIGHT_MAX). */
static char weight_level(uint32_t w)
{
	if (w <= 40)
		return b64[w ? w - 1 : 0];
	unsigned level = 39;
	double v = 40.0;
	/* the largest level whose weight is at most w: ×1.15 a step */
	while (level < 63) {
		v *= 1.15;
		if ((uint32_t)(v + 0.5) > w)
			break;
		level++;
	}
	return b64[level];
}

/* The value of varint digit c, and whether it is the last digit (of
 * SEARCH_DIGITS_LAST, else of SEARCH_DIGITS_MORE). The postings are the
 * index's own, written by search_put_varint. */
static unsigned digit_value(char c, bool *last)
{
	*last = true;
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'v')
		return (unsigned)(c - 'a') + 10;
	*last = false;
	if (c >= 'A' && c <= 'Z')
		return (unsigned)(c - 'A');
	const char *more = strchr(&SEARCH_DIGITS_MORE[26], c); /* after A-Z */
	return more ? (unsigned)(more - SEARCH_DIGITS_MORE) : 0;
}

/* The varint at *p (search_put_varint's), *p moved past it. */
static unsigned long read_varint(const char **p)
{
	unsigned long n = 0;
	for (;;) {
		bool last;
		unsigned v = digit_value(*(*p)++, &last);
		n = n * 32 + v;
		if (last)
			return n;
	}
}

/* "~K~BITMAP": the documents as a bitmap (6 a character, document 6j+i
 * is bit i of character j), the weights in w/K.json. */
static void put_dense(struct buf *entry, struct buf *weights, const struct term *t, size_t k)
{
	buf_addf(entry, "~%zu~", k);
	size_t nbits = t->post.len ? (size_t)t->last + 1 : 0, nchars = (nbits + 5) / 6;
	unsigned char *bits = xcalloc(nchars ? nchars : 1, 1);
	buf_reset(weights);
	buf_putc(weights, '"');
	uint32_t d = 0;
	for (const char *p = t->post.ptr, *end = p + t->post.len; p < end;) {
		d += (uint32_t)read_varint(&p);
		bits[d / 6] |= (unsigned char)(1 << (d % 6));
		buf_putc(weights, weight_level((uint32_t)read_varint(&p)));
	}
	buf_puts(weights, "\"\n");
	for (size_t j = 0; j < nchars; j++)
		buf_putc(entry, b64[bits[j]]);
	free(bits);
}

static int term_cmp(const void *a, const void *b)
{
	return strcmp((*(struct term *const *)a)->s, (*(struct term *const *)b)->s);
}

size_t search_write(struct search_index *ix, search_file_fn fn, void *ctx)
{
	struct emitter e = { fn, ctx, 0xcbf29ce484222325ULL, 0 };
	struct buf chunk = BUF_INIT, entry = BUF_INIT, manifest = BUF_INIT, firsts = BUF_INIT;
	struct buf weights = BUF_INIT, dense = BUF_INIT; /* dense: the w/ files, "name\0data\0" */
	char name[64];
	size_t nchunks = 0, ndense = 0;
	/* a bitmap costs a character per 6 documents whoever has the term; a
	 * term costs more as a list (of at least 2 characters a document) when
	 * it is in more than about 1 document in 12. The margin keeps small
	 * indexes free of extra files. */
	size_t bitmap_len = (ix->ndocs + 5) / 6, margin = 256;

	flush_doc(ix);

	/* terms in byte order: the browser finds a term's chunk by binary
	 * search over the chunks' first terms */
	struct term **order = xreallocarray(NULL, ix->nterms ? ix->nterms : 1, sizeof(*order));
	for (size_t i = 0; i < ix->nterms; i++)
		order[i] = &ix->terms[i];
	qsort(order, ix->nterms, sizeof(*order), term_cmp);

	for (size_t k = 0; k < ix->nterms; k++) {
		struct term *t = order[k];
		buf_reset(&entry);
		put_json_string(&entry, t->s);
		buf_putc(&entry, ':');
		buf_putc(&entry, '"');
		if (t->post.len > bitmap_len + margin) {
			put_dense(&entry, &weights, t, ndense);
			buf_addf(&dense, "w/%zu.json", ndense++);
			buf_putc(&dense, '\0');
			buf_add(&dense, weights.ptr, weights.len);
			buf_putc(&dense, '\0');
		} else {
			buf_add(&entry, t->post.ptr, t->post.len);
		}
		/* in the entry now: the postings go as the files come, so that
		 * the index and its files are not held whole together */
		buf_release(&t->post);
		buf_putc(&entry, '"');
		if (chunk.len && chunk.len + entry.len + 2 > ix->opts.chunk_bytes) {
			buf_puts(&chunk, "}\n");
			snprintf(name, sizeof(name), "t/%zu.json", nchunks++);
			emit(&e, name, &chunk);
			buf_reset(&chunk);
		}
		if (!chunk.len) {
			buf_puts(&firsts, nchunks ? "," : "");
			/* chunk 0 starts at "" so that every term falls in a chunk */
			put_json_string(&firsts, nchunks ? t->s : "");
			buf_putc(&chunk, '{');
		} else {
			buf_putc(&chunk, ',');
		}
		buf_add(&chunk, entry.ptr, entry.len);
	}
	if (chunk.len || !nchunks) {
		if (!chunk.len) {
			buf_puts(&chunk, "{");
			put_json_string(&firsts, "");
		}
		buf_puts(&chunk, "}\n");
		snprintf(name, sizeof(name), "t/%zu.json", nchunks++);
		emit(&e, name, &chunk);
	}
	free(order);
	for (size_t at = 0; at < dense.len;) {
		const char *fname = dense.ptr + at;
		const char *data = fname + strlen(fname) + 1;
		size_t len = strlen(data);
		struct buf view = { (char *)data, len, len + 1 };
		emit(&e, fname, &view);
		at = (size_t)(data + len + 1 - dense.ptr);
	}

	size_t g = ix->opts.group;
	for (size_t start = 0; start < ix->ndocs; start += g) {
		buf_reset(&chunk);
		buf_putc(&chunk, '[');
		for (size_t i = start; i < ix->ndocs && i < start + g; i++) {
			const struct doc *d = &ix->docs[i];
			buf_puts(&chunk, i > start ? ",\n[" : "[");
			put_json_string(&chunk, d->url);
			buf_putc(&chunk, ',');
			put_json_string(&chunk, d->title);
			buf_putc(&chunk, ',');
			put_json_string(&chunk, d->date);
			buf_putc(&chunk, ',');
			put_json_string(&chunk, d->summary);
			buf_putc(&chunk, ']');
		}
		buf_puts(&chunk, "]\n");
		snprintf(name, sizeof(name), "m/%zu.json", start / g);
		emit(&e, name, &chunk);
	}

	/* the version changes with any byte of the other files, so that the
	 * browser can ask for ?v=VERSION and never mix two builds */
	buf_addf(&manifest, "{\"v\":2,\"version\":\"%016llx\",\"docs\":%zu,\"group\":%zu,\"chunks\":[",
		 (unsigned long long)e.hash, ix->ndocs, g);
	buf_add(&manifest, firsts.ptr, firsts.len);
	buf_puts(&manifest, "]}\n");
	emit(&e, "manifest.json", &manifest);

	buf_release(&chunk);
	buf_release(&entry);
	buf_release(&manifest);
	buf_release(&firsts);
	buf_release(&weights);
	buf_release(&dense);
	return e.files;
}
