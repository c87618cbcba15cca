/* site_blobs — the table of parsed content files by blob id (site_blobs.h).
 *
 * An entry: u64 length of the file's bytes, the bytes and a NUL, u8 front matter
 * format, u64 body offset, u64 body length, u32 body line, u8 whether
 * there is a value tree, then the tree, each node as u8 kind (255: a NULL
 * item), u8 plain, u8 has a string, u32 line, u32 col, u64 n, and when it
 * has one u64 length and the string's bytes, then its items (n for a
 * list, 2n for a map). Integers are little-endian. */
#include "site/site_blobs.h"
#include "base/arena.h"
#include "base/value.h"
#include "base/xalloc.h"
#include "content/frontmatter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char MAGIC[] = "loa-blobs-1\n";
enum { OID_LEN = 40, NODE_MIN = 1 + 1 + 1 + 4 + 4 + 8, MAX_DEPTH = 256, NULL_ITEM = 255 };

/* ---- writing ---- */

static void put_u(struct buf *b, uint64_t v, int bytes)
{
	unsigned char tmp[8];
	for (int i = 0; i < bytes; i++)
		tmp[i] = (unsigned char)(v >> (8 * i));
	buf_add(b, tmp, (size_t)bytes);
}

static void put_node(struct buf *b, const struct value *v)
{
	if (!v) {
		put_u(b, NULL_ITEM, 1);
		return;
	}
	put_u(b, (uint64_t)v->kind, 1);
	put_u(b, v->plain, 1);
	put_u(b, v->str != NULL, 1);
	put_u(b, (uint32_t)v->line, 4);
	put_u(b, (uint32_t)v->col, 4);
	put_u(b, v->n, 8);
	if (v->str) {
		put_u(b, v->len, 8);
		buf_add(b, v->str, v->len);
	}
	size_t items = v->kind == VALUE_MAP ? 2 * v->n : v->kind == VALUE_LIST ? v->n : 0;
	for (size_t i = 0; i < items; i++)
		put_node(b, v->items[i]);
}

void site_blobs_add(struct site_blobs *bl, const char *oid, const char *src, size_t len,
		    const struct frontmatter *fm)
{
	if (strlen(oid) != OID_LEN)
		return;
	size_t off = bl->fresh.len;
	put_u(&bl->fresh, len, 8);
	size_t meta = bl->fresh.len;
	/* the bytes and their NUL (used in place, as a C string too) are
	 * src's, between the length and this */
	put_u(&bl->fresh, (uint64_t)fm->format, 1);
	put_u(&bl->fresh, (uint64_t)(fm->body - src), 8);
	put_u(&bl->fresh, fm->body_len, 8);
	put_u(&bl->fresh, (uint32_t)fm->body_line, 4);
	put_u(&bl->fresh, fm->root != NULL, 1);
	if (fm->root)
		put_node(&bl->fresh, fm->root);
	ALLOC_GROW(bl->added, bl->nadded + 1, bl->added_cap);
	memcpy(bl->added[bl->nadded].oid, oid, OID_LEN + 1);
	bl->added[bl->nadded].src = src;
	bl->added[bl->nadded].src_len = len;
	bl->added[bl->nadded].off = off;
	bl->added[bl->nadded].meta = meta;
	bl->added[bl->nadded].end = bl->fresh.len;
	bl->nadded++;
}

void site_blobs_take(struct site_blobs *bl, struct site_blobs *from)
{
	size_t shift = bl->fresh.len;
	buf_add(&bl->fresh, from->fresh.ptr, from->fresh.len);
	ALLOC_GROW(bl->added, bl->nadded + from->nadded, bl->added_cap);
	for (size_t i = 0; i < from->nadded; i++) {
		struct site_blob_added a = from->added[i];
		a.off += shift;
		a.meta += shift;
		a.end += shift;
		bl->added[bl->nadded++] = a;
	}
	site_blobs_release(from);
}

bool site_blobs_changed(const struct site_blobs *bl)
{
	if (bl->nadded)
		return true;
	for (size_t i = 0; i < bl->nold; i++)
		if (!bl->old[i].used)
			return true;
	return false;
}

bool site_blobs_worth_writing(const struct site_blobs *bl)
{
	size_t changes = bl->nadded;
	for (size_t i = 0; i < bl->nold; i++)
		changes += !bl->old[i].used;
	return changes > 0 && changes >= bl->nold / SITE_BLOBS_REWRITE_EVERY;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct site_blob_entry *x = a, *y = b;
	return memcmp(x->oid, y->oid, OID_LEN);
}

/* An entry of the next table: one part (the last table's bytes) or, for
 * one added, three (its length, the file's bytes, the rest). */
struct next_entry {
	const char *oid;
	size_t index; /* < nold: old; else added[index - nold] */
	size_t len;   /* of the whole encoding */
};

static int next_cmp(const void *a, const void *b)
{
	const struct next_entry *x = a, *y = b;
	return memcmp(x->oid, y->oid, OID_LEN);
}

void site_blobs_parts(const struct site_blobs *bl, struct buf *frames, struct iovec **parts,
		      size_t *nparts)
{
	size_t n = 0;
	struct next_entry *all = xcalloc(bl->nold + bl->nadded + 1, sizeof(*all));
	for (size_t i = 0; i < bl->nold; i++)
		if (bl->old[i].used)
			all[n++] = (struct next_entry){ bl->old[i].oid, i, bl->old[i].len };
	for (size_t i = 0; i < bl->nadded; i++)
		all[n++] = (struct next_entry){ bl->added[i].oid, bl->nold + i,
						bl->added[i].end - bl->added[i].off +
							bl->added[i].src_len + 1 };
	qsort(all, n, sizeof(*all), next_cmp);
	/* one blob at two paths was parsed twice, to the same bytes: once */
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || memcmp(all[i].oid, all[count - 1].oid, OID_LEN) != 0)
			all[count++] = all[i];
	buf_reset(frames);
	buf_grow(frames, sizeof(MAGIC) + 8 + count * (OID_LEN + 8));
	buf_add(frames, MAGIC, sizeof(MAGIC) - 1);
	put_u(frames, count, 8);
	for (size_t i = 0; i < count; i++) {
		buf_add(frames, all[i].oid, OID_LEN);
		put_u(frames, all[i].len, 8);
	}
	/* frames is whole: its bytes stay where they are */
	struct iovec *v = xcalloc(4 * count + 1, sizeof(*v));
	size_t head = sizeof(MAGIC) - 1 + 8, k = 0;
	v[k++] = (struct iovec){ frames->ptr, head };
	for (size_t i = 0; i < count; i++) {
		v[k++] = (struct iovec){ frames->ptr + head + i * (OID_LEN + 8), OID_LEN + 8 };
		if (all[i].index < bl->nold) {
			v[k++] = (struct iovec){ (void *)bl->old[all[i].index].data, all[i].len };
			continue;
		}
		const struct site_blob_added *e = &bl->added[all[i].index - bl->nold];
		v[k++] = (struct iovec){ bl->fresh.ptr + e->off, e->meta - e->off };
		v[k++] = (struct iovec){ (void *)e->src, e->src_len + 1 };
		v[k++] = (struct iovec){ bl->fresh.ptr + e->meta, e->end - e->meta };
	}
	free(all);
	*parts = v;
	*nparts = k;
}

void site_blobs_write(const struct site_blobs *bl, struct buf *out)
{
	struct buf frames = BUF_INIT;
	struct iovec *parts;
	size_t n, size = 0;
	site_blobs_parts(bl, &frames, &parts, &n);
	for (size_t i = 0; i < n; i++)
		size += parts[i].iov_len;
	buf_grow(out, size);
	for (size_t i = 0; i < n; i++)
		buf_add(out, parts[i].iov_base, parts[i].iov_len);
	free(parts);
	buf_release(&frames);
}

/* ---- reading ---- */

struct reader {
	const unsigned char *p, *end;
	bool bad;
};

static uint64_t get_u(struct reader *r, int bytes)
{
	if (r->bad || (size_t)(r->end - r->p) < (size_t)bytes) {
		r->bad = true;
		return 0;
	}
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += bytes;
	return v;
}

static const char *get_bytes(struct reader *r, uint64_t len)
{
	if (r->bad || (uint64_t)(r->end - r->p) < len) {
		r->bad = true;
		return NULL;
	}
	const char *s = (const char *)r->p;
	r->p += len;
	return s;
}

static struct value *get_node(struct reader *r, struct arena *a, int depth)
{
	unsigned kind = (unsigned)get_u(r, 1);
	if (r->bad || kind == NULL_ITEM)
		return NULL;
	if (kind > VALUE_MAP || depth > MAX_DEPTH) {
		r->bad = true;
		return NULL;
	}
	struct value *v = arena_zalloc(a, sizeof(*v));
	v->kind = (enum value_kind)kind;
	uint64_t plain = get_u(r, 1), has_str = get_u(r, 1);
	v->plain = plain != 0;
	v->line = (int)(int32_t)(uint32_t)get_u(r, 4);
	v->col = (int)(int32_t)(uint32_t)get_u(r, 4);
	uint64_t n = get_u(r, 8);
	if (plain > 1 || has_str > 1)
		r->bad = true;
	if (has_str && !r->bad) {
		uint64_t len = get_u(r, 8);
		const char *s = get_bytes(r, len);
		if (s) {
			v->str = arena_strndup(a, s, (size_t)len);
			v->len = (size_t)len;
		}
	}
	uint64_t items = kind == VALUE_MAP ? 2 * n : kind == VALUE_LIST ? n : 0;
	/* every item takes at least one byte: a count larger than what is
	 * left is a lie, refused before anything is allocated for it */
	if (r->bad || n > (uint64_t)(r->end - r->p) || items > (uint64_t)(r->end - r->p)) {
		r->bad = true;
		return NULL;
	}
	v->n = (size_t)n;
	if (items) {
		v->items = arena_alloc(a, (size_t)items * sizeof(*v->items));
		for (uint64_t i = 0; i < items; i++)
			v->items[i] = get_node(r, a, depth + 1);
	}
	return r->bad ? NULL : v;
}

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int site_blobs_open(struct site_blobs *bl, const char *data, size_t len)
{
	bl->old = NULL;
	bl->nold = 0;
	if (len < sizeof(MAGIC) - 1 || memcmp(data, MAGIC, sizeof(MAGIC) - 1) != 0)
		return -1;
	struct reader r = { (const unsigned char *)data + sizeof(MAGIC) - 1,
			    (const unsigned char *)data + len, false };
	uint64_t count = get_u(&r, 8);
	if (r.bad || count > (uint64_t)(r.end - r.p) / (OID_LEN + 8))
		return -1;
	struct site_blob_entry *e = xcalloc((size_t)count + 1, sizeof(*e));
	for (uint64_t i = 0; i < count && !r.bad; i++) {
		const char *oid = get_bytes(&r, OID_LEN);
		uint64_t n = get_u(&r, 8);
		const char *p = get_bytes(&r, n);
		if (r.bad || !is_hex(oid, OID_LEN) || (i && memcmp(e[i - 1].oid, oid, OID_LEN) >= 0))
			r.bad = true;
		else
			e[i] = (struct site_blob_entry){ oid, p, (size_t)n, false };
	}
	if (r.bad || r.p != r.end) {
		free(e);
		return -1;
	}
	bl->old = e;
	bl->nold = (size_t)count;
	return 0;
}

int site_blobs_get(struct site_blobs *bl, const char *oid, size_t size, struct arena *a,
		   const char **src, struct frontmatter *fm)
{
	size_t entry;
	if (site_blobs_lookup(bl, oid, size, a, src, fm, &entry) != 1)
		return 0;
	site_blobs_keep(bl, entry);
	return 1;
}

void site_blobs_keep(struct site_blobs *bl, size_t entry)
{
	if (entry < bl->nold)
		bl->old[entry].used = true;
}

int site_blobs_lookup(const struct site_blobs *bl, const char *oid, size_t size,
		      struct arena *a, const char **src, struct frontmatter *fm, size_t *entry)
{
	if (!bl->nold || strlen(oid) != OID_LEN)
		return 0;
	struct site_blob_entry key = { oid, NULL, 0, false };
	const struct site_blob_entry *e = bsearch(&key, bl->old, bl->nold, sizeof(*e), entry_cmp);
	if (!e)
		return 0;
	struct reader r = { (const unsigned char *)e->data, (const unsigned char *)e->data + e->len,
			    false };
	uint64_t len = get_u(&r, 8);
	const char *bytes = get_bytes(&r, len);
	const char *nul = get_bytes(&r, 1);
	uint64_t format = get_u(&r, 1), body_off = get_u(&r, 8), body_len = get_u(&r, 8);
	uint32_t body_line = (uint32_t)get_u(&r, 4);
	uint64_t has_root = get_u(&r, 1);
	/* the listing's size of the blob, read from git, must agree */
	if (r.bad || *nul || len != size || format > FRONTMATTER_JSON || body_off > len ||
	    body_len > len - body_off || has_root > 1 || body_line > INT32_MAX)
		return 0;
	struct value *root = has_root ? get_node(&r, a, 0) : NULL;
	if (r.bad || r.p != r.end || (has_root && !root))
		return 0; /* what was allocated stays in the arena, unused */
	*src = bytes;
	fm->format = (enum frontmatter_format)format;
	fm->root = root;
	fm->body = bytes + body_off;
	fm->body_len = (size_t)body_len;
	fm->body_line = (int)body_line;
	*entry = (size_t)(e - bl->old);
	return 1;
}

void site_blobs_release(struct site_blobs *bl)
{
	free(bl->old);
	buf_release(&bl->fresh);
	free(bl->added);
	*bl = (struct site_blobs)SITE_BLOBS_INIT;
}
