/* search — the static search index: Vietnamese-folded terms, an inverted
 * index cut into chunks by term range, and document metadata in small
 * groups, so that a reader's browser fetches only what a query needs
 * (after Pagefind). No server: every output is a JSON file.
 *
 * Files written (names relative to the index folder):
 *   manifest.json   {"v":2,"version":"<16 hex>","docs":N,"group":G,
 *                    "chunks":["", "chuyen", ...]}: the first term of
 *                    each term chunk, in byte order; chunk i is t/i.json
 *   t/I.json        {"term":"POSTINGS",...}: terms in byte order
 *   w/K.json        "LEVELS": the weights of dense term K (below)
 *   m/G.json        [["/url/","Title","date","summary"],...]: documents
 *                   G*group .. G*group+group-1, in document order
 * POSTINGS is a list of (document delta, weight) pairs, each number a
 * big-endian base-32 varint: leading digits from SEARCH_DIGITS_MORE, the
 * last from SEARCH_DIGITS_LAST. The first delta is the document id itself.
 * A weight is the sum, over the document's fields, of the field's weight
 * times the term's count there, capped at SEARCH_WEIGHT_MAX.
 *
 * A term in many documents (its list longer than a bitmap of all the
 * documents plus 256 bytes) is dense instead: POSTINGS is "~K~BITMAP",
 * BITMAP a character of base64url ("A-Za-z0-9-_") per 6 documents,
 * document 6j+i being bit i of character j, and w/K.json holds one
 * base64url character per document that has the term, in document order:
 * level L means weight L+1 up to 40, then round(40 * 1.15^(L-39)), so that
 * a query can take the documents of a common word for 1/6 byte each and
 * its weights only when its download budget allows (search.js). This
 * bounds the bytes of a term chunk by the bitmap's size (N/6 + 256).
 *
 * Terms are the words of text_fold (lower case, no diacritics, đ → d), so
 * the browser must fold queries the same way (static/js/search.js).
 * Documents are numbered in the order they are added: add them in the
 * order results should take when their scores tie.
 *
 * Output depends only on the documents and options, never on hash order
 * or the clock. Not thread-safe; one index per builder. */
#ifndef LOA_SEARCH_H
#define LOA_SEARCH_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct text;
struct search_index;

#define SEARCH_DIGITS_LAST "0123456789abcdefghijklmnopqrstuv"
#define SEARCH_DIGITS_MORE "ABCDEFGHIJKLMNOPQRSTUVWXYZ!$()*+"
enum {
	SEARCH_WEIGHT_MAX = 1000,
	SEARCH_TERM_MAX = 40, /* bytes; longer "words" (hashes, URLs) are not indexed */
};

struct search_options {
	size_t group;       /* documents per metadata file (default 8) */
	size_t chunk_bytes; /* target size of a term chunk (default 16 KiB); a
			     * term whose postings alone are larger gets its own */
};

/* t folds the text (borrowed, must outlive the index). opts may be NULL. */
struct search_index *search_index_new(struct text *t, const struct search_options *opts);
void search_index_free(struct search_index *ix);

/* Adds a document and returns its id (0, 1, ...). The strings are copied;
 * any may be NULL (written as ""). Text added after this call belongs to
 * this document. */
size_t search_add_doc(struct search_index *ix, const char *url, const char *title,
		      const char *date, const char *summary);

/* Replaces the summary of document id (copied). */
void search_set_summary(struct search_index *ix, size_t id, const char *summary);

/* Indexes s[0..len) as a field of the last document added, each
 * occurrence of a term counting weight (1..SEARCH_WEIGHT_MAX). */
void search_add_text(struct search_index *ix, const char *s, size_t len, unsigned weight);

/* A term of the index and how often it occurs in a text. */
struct search_pair {
	uint32_t term;  /* the index's id of the term */
	uint32_t count; /* 1..SEARCH_WEIGHT_MAX (more occurrences count as the cap) */
};

/* The terms of s[0..len) as search_add_text cuts them, each once with its
 * count, in order of first occurrence, into *pairs (grown; *cap its
 * capacity); returns how many. Adds nothing to the document: the caller
 * adds them with search_add_terms, and may keep them for the next build
 * (search_bodies.h), as they depend on the text alone. */
size_t search_text_terms(struct search_index *ix, const char *s, size_t len,
			 struct search_pair **pairs, size_t *cap);

/* Folding without an index, for a thread that indexes bodies for one: the
 * terms of s[0..len) as search_text_terms gives them, but with the ids of
 * the fold's own terms (search_fold_term gives each one's name, to
 * translate with search_term_id). t is borrowed; a fold is one thread's
 * at a time, and text_fold may run on several threads at once. */
struct search_fold;
struct search_fold *search_fold_new(struct text *t);
void search_fold_free(struct search_fold *f);
size_t search_fold_terms(struct search_fold *f, const char *s, size_t len,
			 struct search_pair **pairs, size_t *cap);
/* The name of term id of f (NUL at *len), NULL when out of range. */
const char *search_fold_term(const struct search_fold *f, uint32_t id, size_t *len);

/* A fold's term ids translated into an index's, each interned on first
 * use (zero-initialised; release with search_fold_map_release). */
struct search_fold_map {
	uint32_t *id; /* the fold's term id → the index's id + 1 (0: not yet) */
	size_t cap;
};
uint32_t search_fold_map_term(struct search_index *ix, const struct search_fold *f,
			      struct search_fold_map *m, uint32_t fid);
void search_fold_map_release(struct search_fold_map *m);

/* Indexes pairs[0..n) as a field of the last document added, with the
 * weight search_add_text(ix, text, len, weight) gives the text they came
 * from. Pairs naming no term of ix are ignored. */
void search_add_terms(struct search_index *ix, const struct search_pair *pairs, size_t n,
		      unsigned weight);

/* The id of term[0..len) (NUL at len), added to the index's terms when
 * new; and the term of an id (NULL when out of range). */
uint32_t search_term_id(struct search_index *ix, const char *term, size_t len);
const char *search_term_name(const struct search_index *ix, uint32_t id);

/* The words of Markdown source, without link destinations, raw HTML tags,
 * entities, shortcodes or reference definitions: what the reader sees,
 * good enough for indexing (punctuation goes away in folding anyway).
 * Appended to out. */
void search_markdown_text(struct buf *out, const char *src, size_t len);

/* Called once per file, in a fixed order (manifest last). */
typedef void (*search_file_fn)(void *ctx, const char *name, const char *data, size_t len);

/* Writes the index, once: each term's postings are freed as they go
 * into a file. Returns the number of files. */
size_t search_write(struct search_index *ix, search_file_fn fn, void *ctx);

/* Counters, for tests and the build's report. */
size_t search_doc_count(const struct search_index *ix);
size_t search_term_count(const struct search_index *ix);

/* Appends n as a posting varint (exposed for the unit test). */
void search_put_varint(struct buf *out, unsigned long n);

#endif
