/* search_bodies — the table of indexed bodies by digest (search_bodies.h). */
#include "search/search_bodies.h"
#include "base/arena.h"
#include "base/strmap.h"
#include "base/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char MAGIC[] = "loa-search-1\n";
enum { MAGIC_LEN = sizeof(MAGIC) - 1, KEY = SEARCH_BODY_KEY_LEN };

struct old_entry {
	const char *key; /* KEY hex digits, then u32 length, then p */
	const unsigned char *p;
	size_t len;
	bool used;
};

/* an entry of the next table, in fresh: key, u32 length, content */
struct rec {
	const char *key; /* in fresh's copy: found again by offset */
	size_t off, len;
};

struct search_bodies {
	/* the last table */
	const unsigned char **terms; /* each: u8 length, bytes */
	size_t nterms;
	const unsigned char *dict_bytes; /* its dictionary, kept as it is */
	size_t dict_len;
	struct old_entry *old;
	size_t nold, nused;
	uint32_t *old_ix; /* last table's term → id in ix plus 1; 0: not yet */
	bool *old_ref;    /* last table's term used by an entry kept */
	size_t nref;
	struct strmap old_map; /* its terms → index, made at the first fresh entry */
	bool old_mapped;
	/* the index being built */
	struct search_index *ix;
	uint32_t *ix_dict; /* id in ix → index in the next dictionary plus 1 */
	size_t ix_dict_cap;
	/* the next table: the last dictionary, then the terms added (dict) */
	struct arena arena;
	struct strmap dict_map; /* term added → its index in the next dictionary */
	const char **dict;
	size_t ndict, dict_cap;
	struct buf fresh;
	struct rec *recs;
	size_t nrecs, recs_cap;
	bool any_fresh;
	size_t looked, found;
	struct buf name;
	struct search_pair *scratch; /* pairs by last table's term index */
	size_t scratch_cap;
};

/* ---- reading ---- */

struct reader {
	const unsigned char *p, *end;
	bool bad;
};

static uint64_t get_u(struct reader *r, int bytes)
{
	if (r->bad || r->end - r->p < bytes) {
		r->bad = true;
		return 0;
	}
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += bytes;
	return v;
}

static const unsigned char *get_bytes(struct reader *r, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	const unsigned char *at = r->p;
	r->p += n;
	return at;
}

static inline uint64_t get_varint(struct reader *r)
{
	/* most are one byte: term ids under 128 and counts */
	if (r->p < r->end && !(*r->p & 0x80))
		return *r->p++;
	uint64_t v = 0;
	for (int shift = 0; shift < 35; shift += 7) {
		if (r->bad || r->p >= r->end)
			break;
		unsigned char c = *r->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

static bool is_key(const char *k)
{
	for (int i = 0; i < KEY; i++)
		if (!((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'a' && k[i] <= 'f')))
			return false;
	return true;
}

/* The framing of the whole table: the dictionary and the entries'
 * keys (strictly ascending) and lengths. */
static int open_table(struct search_bodies *sb, const char *data, size_t len)
{
	struct reader r = { (const unsigned char *)data, (const unsigned char *)data + len, false };
	const unsigned char *magic = get_bytes(&r, MAGIC_LEN);
	if (!magic || memcmp(magic, MAGIC, MAGIC_LEN) != 0)
		return -1;
	uint64_t nterms = get_u(&r, 4);
	if (r.bad || nterms > (uint64_t)(r.end - r.p) / 2)
		return -1;
	sb->terms = xreallocarray(NULL, nterms ? nterms : 1, sizeof(*sb->terms));
	sb->dict_bytes = r.p;
	for (size_t i = 0; i < nterms; i++) {
		const unsigned char *t = r.p;
		uint64_t n = get_u(&r, 1);
		const unsigned char *bytes = get_bytes(&r, n);
		if (!bytes || n < 1 || n > SEARCH_TERM_MAX || memchr(bytes, '\0', n))
			return -1;
		sb->terms[i] = t;
	}
	sb->nterms = nterms;
	sb->dict_len = (size_t)(r.p - sb->dict_bytes);
	uint64_t nentries = get_u(&r, 4);
	if (r.bad || nentries > (uint64_t)(r.end - r.p) / (KEY + 4))
		return -1;
	sb->old = xcalloc(nentries ? nentries : 1, sizeof(*sb->old));
	for (size_t i = 0; i < nentries; i++) {
		const char *key = (const char *)get_bytes(&r, KEY);
		uint64_t n = get_u(&r, 4);
		const unsigned char *p = get_bytes(&r, n);
		if (!key || !p || !is_key(key) ||
		    (i && memcmp(sb->old[i - 1].key, key, KEY) >= 0))
			return -1;
		sb->old[i] = (struct old_entry){ key, p, n, false };
	}
	if (r.p != r.end)
		return -1;
	sb->nold = nentries;
	sb->old_ix = xcalloc(nterms ? nterms : 1, sizeof(*sb->old_ix));
	sb->old_ref = xcalloc(nterms ? nterms : 1, sizeof(*sb->old_ref));
	return 0;
}

struct search_bodies *search_bodies_open(const char *data, size_t len, bool *refused)
{
	struct search_bodies *sb = xcalloc(1, sizeof(*sb));
	sb->arena = (struct arena)ARENA_INIT;
	sb->dict_map = (struct strmap)STRMAP_INIT;
	sb->old_map = (struct strmap)STRMAP_INIT;
	buf_init(&sb->fresh);
	buf_init(&sb->name);
	bool bad = data && open_table(sb, data, len) < 0;
	if (bad) {
		free(sb->terms);
		free(sb->old);
		free(sb->old_ix);
		free(sb->old_ref);
		sb->terms = NULL;
		sb->old = NULL;
		sb->old_ix = NULL;
		sb->old_ref = NULL;
		sb->dict_bytes = NULL;
		sb->nterms = sb->nold = sb->dict_len = 0;
	}
	if (refused)
		*refused = bad;
	return sb;
}

void search_bodies_free(struct search_bodies *sb)
{
	if (!sb)
		return;
	free(sb->terms);
	free(sb->old);
	free(sb->old_ix);
	free(sb->old_ref);
	free(sb->ix_dict);
	arena_release(&sb->arena);
	strmap_release(&sb->dict_map);
	strmap_release(&sb->old_map);
	free(sb->dict);
	buf_release(&sb->fresh);
	free(sb->recs);
	buf_release(&sb->name);
	free(sb->scratch);
	free(sb);
}

void search_bodies_begin(struct search_bodies *sb, struct search_index *ix)
{
	sb->ix = ix;
	if (ix)
		sb->looked = sb->found = 0;
	if (sb->nterms)
		memset(sb->old_ix, 0, sb->nterms * sizeof(*sb->old_ix));
	if (sb->ix_dict_cap)
		memset(sb->ix_dict, 0, sb->ix_dict_cap * sizeof(*sb->ix_dict));
}

static struct old_entry *find(struct search_bodies *sb, const char *key)
{
	size_t lo = 0, hi = sb->nold;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(sb->old[mid].key, key, KEY);
		if (!c)
			return &sb->old[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void old_used(struct search_bodies *sb, size_t i)
{
	if (!sb->old_ref[i]) {
		sb->old_ref[i] = true;
		sb->nref++;
	}
}

/* The id in ix of the last table's term i. */
static uint32_t old_term(struct search_bodies *sb, size_t i)
{
	old_used(sb, i);
	if (!sb->old_ix[i]) {
		const unsigned char *t = sb->terms[i];
		buf_reset(&sb->name);
		buf_add(&sb->name, t + 1, t[0]); /* NUL-terminated */
		sb->old_ix[i] = search_term_id(sb->ix, sb->name.ptr, t[0]) + 1;
	}
	return sb->old_ix[i] - 1;
}

bool search_bodies_has(struct search_bodies *sb, const char *key)
{
	return sb && find(sb, key);
}

size_t search_bodies_size(const struct search_bodies *sb)
{
	return sb ? sb->nold : 0;
}

int search_bodies_get(struct search_bodies *sb, const char *key, size_t summary_bytes,
		      struct search_pair **pairs, size_t *n, size_t *cap, const char **summary)
{
	sb->looked++;
	*summary = NULL;
	struct old_entry *e = sb->ix ? find(sb, key) : NULL;
	if (!e)
		return 0;
	/* decoded whole before any term reaches the index: a term interned
	 * from an entry that then fails would be a term without documents */
	struct reader r = { e->p, e->p + e->len, false };
	uint64_t sbytes = get_u(&r, 4), slen = get_u(&r, 4);
	const char *s = (const char *)get_bytes(&r, slen + 1);
	if (!s || s[slen] != '\0' || memchr(s, '\0', slen))
		return 0;
	uint64_t np = get_u(&r, 4);
	if (r.bad || np > (uint64_t)(r.end - r.p) / 2)
		return 0;
	size_t k = 0;
	ALLOC_GROW(sb->scratch, np ? np : 1, sb->scratch_cap);
	for (; k < np; k++) {
		uint64_t t = get_varint(&r), c = get_varint(&r);
		if (r.bad || t >= sb->nterms || c < 1 || c > SEARCH_WEIGHT_MAX)
			return 0;
		sb->scratch[k] = (struct search_pair){ (uint32_t)t, (uint32_t)c };
	}
	if (r.p != r.end)
		return 0;
	ALLOC_GROW(*pairs, np ? np : 1, *cap);
	for (k = 0; k < np; k++)
		(*pairs)[k] = (struct search_pair){ old_term(sb, sb->scratch[k].term),
						    sb->scratch[k].count };
	*n = np;
	if (sbytes && sbytes == summary_bytes)
		*summary = s;
	if (!e->used) {
		e->used = true;
		sb->nused++;
	}
	sb->found++;
	return 1;
}

/* ---- writing ---- */

static void put_u(struct buf *b, uint64_t v, int bytes)
{
	unsigned char tmp[8];
	for (int i = 0; i < bytes; i++)
		tmp[i] = (unsigned char)(v >> (8 * i));
	buf_add(b, tmp, (size_t)bytes);
}

static void put_varint(struct buf *b, uint64_t v)
{
	while (v >= 0x80) {
		buf_putc(b, (char)(0x80 | (v & 0x7f)));
		v >>= 7;
	}
	buf_putc(b, (char)v);
}

/* The index in the next dictionary of id in the current index: the last
 * table's when it has the term, else a term added after them. */
static uint32_t dict_index(struct search_bodies *sb, uint32_t id)
{
	if (id >= sb->ix_dict_cap) {
		size_t old = sb->ix_dict_cap, want = search_term_count(sb->ix);
		size_t cap = want > id ? want : (size_t)id + 1;
		cap += cap / 2;
		sb->ix_dict = xreallocarray(sb->ix_dict, cap, sizeof(*sb->ix_dict));
		memset(sb->ix_dict + old, 0, (cap - old) * sizeof(*sb->ix_dict));
		sb->ix_dict_cap = cap;
	}
	if (!sb->ix_dict[id]) {
		const char *name = search_term_name(sb->ix, id);
		if (!sb->old_mapped) {
			for (size_t i = 0; i < sb->nterms; i++)
				strmap_put(&sb->old_map,
					   arena_strndup(&sb->arena, (const char *)sb->terms[i] + 1,
							 sb->terms[i][0]),
					   i, NULL);
			sb->old_mapped = true;
		}
		size_t at;
		if (strmap_get(&sb->old_map, name, &at)) {
			old_used(sb, at);
		} else if (strmap_get(&sb->dict_map, name, &at)) {
			at += sb->nterms;
		} else {
			ALLOC_GROW(sb->dict, sb->ndict + 1, sb->dict_cap);
			sb->dict[sb->ndict] = arena_strdup(&sb->arena, name);
			strmap_put(&sb->dict_map, sb->dict[sb->ndict], sb->ndict, NULL);
			at = sb->nterms + sb->ndict++;
		}
		sb->ix_dict[id] = (uint32_t)at + 1;
	}
	return sb->ix_dict[id] - 1;
}

void search_bodies_put(struct search_bodies *sb, const char *key, const struct search_pair *pairs,
		       size_t n, size_t summary_bytes, const char *summary, bool fresh)
{
	/* a body found unchanged stays as the last table has it */
	if (!fresh || !sb->ix || !is_key(key))
		return;
	for (size_t k = 0; k < n; k++)
		if (!search_term_name(sb->ix, pairs[k].term) || pairs[k].count < 1 ||
		    pairs[k].count > SEARCH_WEIGHT_MAX)
			return; /* not kept: computed again next time */
	struct buf *b = &sb->fresh;
	size_t off = b->len;
	buf_add(b, key, KEY);
	put_u(b, 0, 4); /* the length, set below */
	size_t slen = summary ? strlen(summary) : 0;
	put_u(b, summary ? summary_bytes : 0, 4);
	put_u(b, slen, 4);
	buf_add(b, summary ? summary : "", slen);
	buf_putc(b, '\0');
	put_u(b, n, 4);
	for (size_t k = 0; k < n; k++) {
		put_varint(b, dict_index(sb, pairs[k].term));
		put_varint(b, pairs[k].count);
	}
	size_t len = b->len - off - KEY - 4;
	for (int i = 0; i < 4; i++)
		b->ptr[off + KEY + i] = (char)(len >> (8 * i));
	ALLOC_GROW(sb->recs, sb->nrecs + 1, sb->recs_cap);
	sb->recs[sb->nrecs++] = (struct rec){ NULL, off, b->len - off };
	sb->any_fresh = true;
}

bool search_bodies_changed(const struct search_bodies *sb)
{
	return sb->any_fresh || sb->nused < sb->nold;
}

bool search_bodies_worth_writing(const struct search_bodies *sb)
{
	size_t changes = sb->nrecs + (sb->nold - sb->nused);
	return search_bodies_changed(sb) && changes >= sb->nold / SEARCH_BODIES_REWRITE_EVERY;
}

static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	int c = memcmp(x->key, y->key, KEY);
	/* the first written wins among equal keys (a body in two pages) */
	return c ? c : (x->off > y->off) - (x->off < y->off);
}

/* An entry of the next table: whole bytes (key, length, content). */
struct out {
	const char *p;
	size_t len;
};

/* The entries kept, in key order: the last table's used ones and the
 * fresh ones, a fresh one replacing a last one of the same key. */
static struct out *kept_entries(struct search_bodies *sb, size_t *n)
{
	for (size_t i = 0; i < sb->nrecs; i++)
		sb->recs[i].key = sb->fresh.ptr + sb->recs[i].off;
	if (sb->nrecs > 1) /* recs is NULL when no body was folded afresh */
		qsort(sb->recs, sb->nrecs, sizeof(*sb->recs), rec_cmp);
	struct out *o = xreallocarray(NULL, sb->nold + sb->nrecs + 1, sizeof(*o));
	size_t i = 0, j = 0, k = 0;
	while (i < sb->nold || j < sb->nrecs) {
		if (j < sb->nrecs && j && memcmp(sb->recs[j - 1].key, sb->recs[j].key, KEY) == 0) {
			j++;
			continue;
		}
		if (i < sb->nold && !sb->old[i].used) {
			i++;
			continue;
		}
		int c = i >= sb->nold ? 1 : j >= sb->nrecs ? -1 :
					      memcmp(sb->old[i].key, sb->recs[j].key, KEY);
		if (c < 0) {
			o[k++] = (struct out){ sb->old[i].key, KEY + 4 + sb->old[i].len };
			i++;
		} else {
			i += c == 0;
			o[k++] = (struct out){ sb->recs[j].key, sb->recs[j].len };
			j++;
		}
	}
	*n = k;
	return o;
}

/* The next table whole into frames, its dictionary only the terms its
 * entries use, numbered anew: when the kept dictionary is mostly terms of
 * bodies gone. Entries are sound: the last table's were checked when
 * used, the fresh ones are this build's. */
static void compact(struct search_bodies *sb, const struct out *o, size_t n, struct buf *frames)
{
	size_t total = sb->nterms + sb->ndict, next = 0;
	uint32_t *remap = xcalloc(total ? total : 1, sizeof(*remap));
	for (size_t e = 0; e < n; e++) {
		struct reader r = { (const unsigned char *)o[e].p + KEY + 4,
				    (const unsigned char *)o[e].p + o[e].len, false };
		get_u(&r, 4);
		get_bytes(&r, get_u(&r, 4) + 1);
		for (uint64_t np = get_u(&r, 4); np && !r.bad; np--) {
			uint64_t t = get_varint(&r);
			get_varint(&r);
			if (t < total && !remap[t])
				remap[t] = (uint32_t)++next;
		}
	}
	buf_add(frames, MAGIC, MAGIC_LEN);
	put_u(frames, next, 4);
	const char **names = xreallocarray(NULL, next ? next : 1, sizeof(*names));
	size_t *lens = xreallocarray(NULL, next ? next : 1, sizeof(*lens));
	for (size_t t = 0; t < total; t++)
		if (remap[t]) {
			bool old = t < sb->nterms;
			names[remap[t] - 1] = old ? (const char *)sb->terms[t] + 1 : sb->dict[t - sb->nterms];
			lens[remap[t] - 1] = old ? sb->terms[t][0] : strlen(sb->dict[t - sb->nterms]);
		}
	for (size_t t = 0; t < next; t++) {
		put_u(frames, lens[t], 1);
		buf_add(frames, names[t], lens[t]);
	}
	free(names);
	free(lens);
	put_u(frames, n, 4);
	for (size_t e = 0; e < n; e++) {
		const unsigned char *p = (const unsigned char *)o[e].p;
		struct reader r = { p + KEY + 4, p + o[e].len, false };
		size_t off = frames->len;
		buf_add(frames, o[e].p, KEY);
		put_u(frames, 0, 4);
		put_u(frames, get_u(&r, 4), 4);
		uint64_t slen = get_u(&r, 4);
		put_u(frames, slen, 4);
		buf_add(frames, get_bytes(&r, slen + 1), slen + 1);
		uint64_t np = get_u(&r, 4);
		put_u(frames, np, 4);
		for (; np; np--) {
			uint64_t t = get_varint(&r), c = get_varint(&r);
			put_varint(frames, remap[t] - 1);
			put_varint(frames, c);
		}
		size_t len = frames->len - off - KEY - 4;
		for (int i = 0; i < 4; i++)
			frames->ptr[off + KEY + i] = (char)(len >> (8 * i));
	}
	free(remap);
}

void search_bodies_parts(struct search_bodies *sb, struct buf *frames, struct iovec **parts,
			 size_t *nparts)
{
	size_t n;
	struct out *o = kept_entries(sb, &n);
	buf_reset(frames);
	size_t unused = sb->nterms - sb->nref;
	if (unused > 64 && unused > (sb->nref + sb->ndict) / 2) {
		compact(sb, o, n, frames);
		*parts = xreallocarray(NULL, 1, sizeof(**parts));
		(*parts)[0] = (struct iovec){ frames->ptr, frames->len };
		*nparts = 1;
		free(o);
		return;
	}
	/* the last dictionary as it is (its entries keep their numbers), the
	 * added terms after it */
	buf_add(frames, MAGIC, MAGIC_LEN);
	put_u(frames, sb->nterms + sb->ndict, 4);
	size_t head = frames->len;
	for (size_t i = 0; i < sb->ndict; i++) {
		size_t len = strlen(sb->dict[i]);
		put_u(frames, len, 1);
		buf_add(frames, sb->dict[i], len);
	}
	put_u(frames, n, 4);
	*parts = xreallocarray(NULL, n + 3, sizeof(**parts));
	size_t k = 0;
	(*parts)[k++] = (struct iovec){ frames->ptr, head };
	if (sb->dict_len)
		(*parts)[k++] = (struct iovec){ (void *)sb->dict_bytes, sb->dict_len };
	(*parts)[k++] = (struct iovec){ frames->ptr + head, frames->len - head };
	for (size_t e = 0; e < n; e++)
		(*parts)[k++] = (struct iovec){ (void *)o[e].p, o[e].len };
	*nparts = k;
	free(o);
}

void search_bodies_counts(const struct search_bodies *sb, size_t *looked, size_t *found)
{
	*looked = sb->looked;
	*found = sb->found;
}
