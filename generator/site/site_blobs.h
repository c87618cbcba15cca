/* site_blobs — what loading a content file computes from its bytes alone,
 * kept by blob id across builds: the file's bytes and its parsed front
 * matter (the value tree, where the body starts and on which line).
 *
 * A .md file whose blob id is in the last build's table is neither read
 * from git nor parsed again: reading the blobs (zlib) and parsing their
 * YAML were most of the load stage of a rebuild. Everything that depends
 * on the file's path or on site.yaml (the kind, the schema's typing and
 * its diagnostics, slugs, URLs, dates) is still computed on every build
 * from what the table gives. Only files whose parse succeeded without a
 * diagnostic are kept: a file with a warning or an error is parsed on
 * every build and says it again, exactly as without the table.
 *
 * The table is one object (the build cache stores it under a key of the
 * program, incremental.c): "loa-blobs-1\n", a count, then entries sorted
 * by blob id, each the id, its length and its encoding. Decoding checks
 * every length and refuses the whole table when anything is out of place;
 * an entry that does not decode is a miss. */
#ifndef LOA_SITE_BLOBS_H
#define LOA_SITE_BLOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

#include "base/buf.h"

struct arena;
struct frontmatter;

struct site_blob_entry {
	const char *oid;  /* 40 hex digits, not NUL-terminated */
	const char *data; /* the encoding: in the old table or in fresh */
	size_t len;
	bool used;        /* kept for the next table */
};

struct site_blobs {
	struct site_blob_entry *old; /* the last table's, sorted by oid */
	size_t nold;
	/* entries added this build: the file's bytes stay the caller's (src,
	 * src_len + its NUL); fresh holds the rest of each encoding, the
	 * length before the bytes at off and what follows them at meta..end,
	 * so that a first build holds no second copy of every file */
	struct buf fresh;
	struct site_blob_added {
		char oid[41];
		const char *src;
		size_t src_len, off, meta, end;
	} *added;
	size_t nadded, added_cap;
};

#define SITE_BLOBS_INIT { NULL, 0, BUF_INIT, NULL, 0, 0 }

/* Indexes a table (data must outlive bl); 0, or -1 when it is malformed
 * (then bl is empty: every file is a miss). */
int site_blobs_open(struct site_blobs *bl, const char *data, size_t len);

/* The file of blob oid (40 hex digits) whose bytes are size long: 1 with
 * its bytes (*src, NUL-terminated, inside the table's data: they live as
 * long as it) and its front matter (fm, body pointing into *src, values
 * in a), and the entry kept for the next table; 0 when the table has no
 * sound entry for it. */
int site_blobs_get(struct site_blobs *bl, const char *oid, size_t size, struct arena *a,
		   const char **src, struct frontmatter *fm);
/* The same without keeping the entry: bl is only read, so several
 * threads may look up at once (each with its own arena). *entry is then
 * the entry's number, for site_blobs_keep in one thread afterwards. */
int site_blobs_lookup(const struct site_blobs *bl, const char *oid, size_t size,
		      struct arena *a, const char **src, struct frontmatter *fm, size_t *entry);
void site_blobs_keep(struct site_blobs *bl, size_t entry);

/* Adds the file of blob oid, its bytes src[0..len) and the front matter
 * frontmatter_parse gave for them (fm->body pointing into src). The bytes
 * are not copied: src, NUL-terminated at src[len], must stay unchanged
 * until the next table is written (site_blobs_parts' parts point into
 * it). */
void site_blobs_add(struct site_blobs *bl, const char *oid, const char *src, size_t len,
		    const struct frontmatter *fm);

/* Moves the entries added to from (a thread's own table, with no last
 * one) into bl: the next table is sorted by blob id, so the order in
 * which threads added does not show. */
void site_blobs_take(struct site_blobs *bl, struct site_blobs *from);

/* Whether the next table differs from the last one (an entry added, or
 * one of the last not used). */
bool site_blobs_changed(const struct site_blobs *bl);
/* Whether the next table is worth writing: it changed by at least one
 * entry in SITE_BLOBS_REWRITE_EVERY. Rewriting the whole table (the bytes
 * of every file: 30 MB at 10,000 pages) after a one-article edit cost
 * 0.07 s; left as it was, the table still gives every other file, and the
 * few changed ones are parsed again until enough changes add up. */
enum { SITE_BLOBS_REWRITE_EVERY = 64 };
bool site_blobs_worth_writing(const struct site_blobs *bl);

/* The next table: the entries used and added, sorted by oid, each once,
 * as parts (free *parts) pointing into frames (the table's own bytes),
 * the last table's data, bl and the added files' bytes: written out
 * before any of them changes. */
void site_blobs_parts(const struct site_blobs *bl, struct buf *frames, struct iovec **parts,
		      size_t *nparts);
/* The same gathered into out. */
void site_blobs_write(const struct site_blobs *bl, struct buf *out);

void site_blobs_release(struct site_blobs *bl);

#endif
