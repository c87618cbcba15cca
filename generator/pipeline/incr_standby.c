/* incr_standby — a build starts from the site published the time before
 * last (the standby, `.loa-cache/render/NAME/standby`, which outdir keeps
 * after each swap) and rewrites only the pages whose output changed, instead of
 * writing every page into an empty folder (docs/architecture.md,
 * "Incremental builds": "The standby site"). A page is kept from the
 * standby only when all of these hold:
 *
 *   - the record names the standby (its listing's fingerprint and its
 *     folder's inode), and that listing and the side object of that build
 *     (path -> key, diagnostics, deps; one per published build, kept under
 *     a key made from the fingerprint and verified like every object) are
 *     in the cache;
 *   - the page's line of that listing holds for the file now: type, mode,
 *     size, modification and change times, inode, and so do the lines of
 *     all its folders (a folder's times cover the names it holds). A
 *     change time cannot be set back, so an edit, a touch, a chmod, a
 *     replacement, a symlink or a file added since shows;
 *   - the side object gives the page's path this build's key, the object
 *     of that key is still the one it was (its ident), and the deps hold.
 *
 * Everything else in the standby is removed before the build writes
 * anything (outdir_standby_clean): entries whose line fails (a folder with
 * all below it), names the listing lacks, every file that is not a page
 * of this build (theme files, images, plugin files and the sitemap are
 * written again), and the folders left empty. A page whose key changed is
 * removed when its key is known, then written from its cache object or
 * rendered. So the new tree holds, when published, only files this build
 * wrote or vouched for, as if it had started empty (t154, t155).
 *
 * The standby is a copy, never linked to the live site or the cache: an
 * edit of one cannot reach another. An edit of the standby during the
 * build (between its check, on a thread once the site is loaded, and the
 * swap) is not seen, as an edit of a new folder during a build never was. */
#include "pipeline/build_internal.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/strmap.h"
#include "base/xalloc.h"
#include "pipeline/outdir.h"
#include "plugin/sitelua.h"
#include "source/repo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>

/* How a job reached the new site. */
enum { HOW_RENDERED = 0, HOW_CACHE = 1, HOW_KEPT = 2 };

/* The entries of a side object: by path, their number; by number, where
 * each starts in the object's data; and, when the prefetch thread checked
 * them, whether the cache object each names is still the file its entry
 * records (NULL: not checked, incr_standby_try stats it). */
struct side_index {
	struct strmap number_of; /* path -> entry number */
	size_t *off;
	size_t n, cap;
	unsigned char *object_holds;
	bool made; /* from a whole, well-formed side object */
};

/* A run of this build's side object: bytes of the standby's (a kept
 * page's entry is the same bytes: same path, key, ident, diagnostics and
 * deps) or of `fresh` (the entries written afresh). Tens of megabytes at
 * 10,000 pages: referred to, not copied. */
struct side_part {
	const char *p;
	size_t len;
};

struct incr_standby {
	struct cache_object listing, side; /* the standby's, when usable */
	struct side_index index;            /* its entries */
	struct strmap job_of;   /* path -> job, for the jobs with a key */
	bool *held;             /* per job: its standby file is in the tree, vouched for */
	unsigned char *how;     /* per job, HOW_* */
	char (*ident)[CACHE_IDENT_LEN]; /* per job HOW_CACHE: its object when verified */
	/* per job rendered: its entry as its worker stored the object
	 * (incr_standby_rendered; NULL: read back from the cache) */
	struct rendered_entry *rendered;
	/* this build's entries written afresh: an arena grows by blocks, so
	 * they are never copied (a buffer grown by doubling, 34 MB after a
	 * first build of 10,000 pages, took the builder from 287 to 305 MB
	 * at its last copy) */
	struct arena fresh;
	struct buf scratch; /* one entry, before it goes there */
	struct side_part *parts; /* this build's side object, in order */
	size_t nparts, parts_cap;
	/* the tree adopted was checked against the listing in this build,
	 * and what failed removed (check_standby) */
	bool checked;
};

/* The side entry of a job its worker rendered and stored, made from the
 * worker's reply (in fresh), until incr_standby_store puts the entries in
 * order. */
struct rendered_entry {
	const char *p;
	size_t len;
};

/* The side object's key: one per published listing. */
static void side_key(const char *published, char key[CACHE_KEY_LEN + 1])
{
	struct buf k = BUF_INIT;
	key_add_str(&k, "loa-side-1");
	key_add_str(&k, published);
	key_finish(&k, key);
	buf_release(&k);
}

/* An entry: "PATH\0KEY\0IDENT\0DIAGS_LEN DEPS_LEN\n", then the
 * diagnostics and the deps, as the job's cache object holds them; IDENT
 * is that object's file when it was last verified or written. */
static void side_add(struct buf *out, const char *path, const char *key, const char *ident,
		     const char *diags, size_t diags_len, const char *deps, size_t deps_len)
{
	buf_puts(out, path);
	buf_add(out, "", 1);
	buf_puts(out, key);
	buf_add(out, "", 1);
	buf_puts(out, ident);
	buf_add(out, "", 1);
	buf_addf(out, "%zu %zu\n", diags_len, deps_len);
	buf_add(out, diags, diags_len);
	buf_add(out, deps, deps_len);
}

/* The len bytes at p (of the standby's side object, or of fresh)
 * appended to this build's side object, joined to the last run when they
 * follow it. */
static void part_add(struct incr_standby *s, const char *p, size_t len)
{
	struct side_part *last = s->nparts ? &s->parts[s->nparts - 1] : NULL;
	if (last && last->p + last->len == p) {
		last->len += len;
		return;
	}
	ALLOC_GROW(s->parts, s->nparts + 1, s->parts_cap);
	s->parts[s->nparts++] = (struct side_part){ p, len };
}

/* An entry written afresh (side_add) into fresh, as the next run. */
static void part_add_new(struct incr_standby *s, const char *path, const char *key,
			 const char *ident, const char *diags, size_t diags_len, const char *deps,
			 size_t deps_len)
{
	buf_reset(&s->scratch);
	side_add(&s->scratch, path, key, ident, diags, diags_len, deps, deps_len);
	char *copy = arena_alloc(&s->fresh, s->scratch.len);
	memcpy(copy, s->scratch.ptr, s->scratch.len);
	part_add(s, copy, s->scratch.len);
}

struct side_entry {
	const char *key, *ident, *diags, *deps;
	size_t diags_len, deps_len;
};

/* Parses the entry at off into e; false when malformed. *next: where the
 * next entry starts. */
static bool side_entry(const struct cache_object *o, size_t off, struct side_entry *e,
		       size_t *next)
{
	const char *p = o->data + off, *end = o->data + o->data_len;
	const char *nul = memchr(p, '\0', (size_t)(end - p));
	if (!nul || (size_t)(end - nul) < CACHE_KEY_LEN + 2 || nul[CACHE_KEY_LEN + 1] != '\0')
		return false;
	e->key = nul + 1;
	e->ident = nul + CACHE_KEY_LEN + 2;
	const char *inul = memchr(e->ident, '\0', (size_t)(end - e->ident));
	if (!inul || inul - e->ident >= CACHE_IDENT_LEN)
		return false;
	const char *num = inul + 1;
	const char *nl = memchr(num, '\n', (size_t)(end - num) < 48 ? (size_t)(end - num) : 48);
	if (!nl)
		return false;
	char head[48];
	memcpy(head, num, (size_t)(nl - num));
	head[nl - num] = '\0';
	char *q;
	unsigned long long dl = strtoull(head, &q, 10), pl;
	if (*q != ' ')
		return false;
	pl = strtoull(q + 1, &q, 10);
	if (*q || dl > (size_t)(end - nl - 1) || pl > (size_t)(end - nl - 1) - dl)
		return false;
	e->diags = nl + 1;
	e->diags_len = (size_t)dl;
	e->deps = e->diags + dl;
	e->deps_len = (size_t)pl;
	*next = (size_t)(e->deps + pl - o->data);
	return true;
}

/* side's entries into x (empty); false when side is malformed. */
static bool side_index_make(const struct cache_object *side, struct side_index *x)
{
	size_t off = 0, next;
	struct side_entry e;
	while (off < side->data_len && side_entry(side, off, &e, &next)) {
		ALLOC_GROW(x->off, x->n + 1, x->cap);
		x->off[x->n] = off;
		strmap_put(&x->number_of, side->data + off, x->n++, NULL);
		off = next;
	}
	x->made = off == side->data_len;
	return x->made;
}

/* For each entry, whether the object its key names is the file its ident
 * records: a stat each, 0.06 s of a one-article rebuild at 10,000 pages
 * when made as the pages were taken. */
static void side_index_check_objects(const struct cache *c, const struct cache_object *side,
				     struct side_index *x)
{
	x->object_holds = xmalloc(x->n + 1);
	for (size_t i = 0; i < x->n; i++) {
		struct side_entry e;
		size_t next;
		char ident[CACHE_IDENT_LEN];
		x->object_holds[i] = side_entry(side, x->off[i], &e, &next) &&
				     cache_ident(c, e.key, ident) == 1 && strcmp(ident, e.ident) == 0;
	}
}

static void side_index_release(struct side_index *x)
{
	strmap_release(&x->number_of);
	free(x->off);
	free(x->object_holds);
	*x = (struct side_index){ STRMAP_INIT, NULL, 0, 0, NULL, false };
}

static const char *job_path(const struct build *b, size_t j)
{
	return j < b->ncontent ? b->site.pages[b->content[j]]->out_path
			       : sitelua_extra(b->sl, j - b->ncontent)->out_path;
}

/* outdir_standby_clean's question: a file of the standby that holds may
 * stay when it is a page of the last build and of this one. */
static bool keep_file(void *ctx, const char *path)
{
	struct build *b = ctx;
	struct incr_standby *s = b->standby;
	size_t n, j;
	if (!strmap_get(&s->index.number_of, path, &n) || !strmap_get(&s->job_of, path, &j))
		return false;
	s->held[j] = true;
	return true;
}

/* The verdict on each line of the standby's listing, made on a thread
 * while the build runs its serial stages (listing_check.c): a stat of
 * every file and folder of the standby, 0.08-0.12 s of a one-article
 * rebuild at 10,000 pages. Then the side object read, verified in full
 * (the thread does not touch the cache's trust list) and indexed, and
 * the object of each entry checked: 0.1 s more. */
struct standby_prefetch {
	struct listing_check check;
	unsigned char *ok;
	size_t nlines; /* 0: the check failed */
	const struct cache *cache;
	char side_key[CACHE_KEY_LEN + 1];
	struct cache_object side;
	struct side_index index;
	bool side_read; /* side and index made */
};

static size_t listing_lines(const struct cache_object *listing)
{
	size_t max = 1;
	for (const char *p = listing->data, *end = p + listing->data_len;
	     (p = memchr(p, '\n', (size_t)(end - p))); p++)
		max++;
	return max;
}

static void standby_check(struct listing_check *c, void *ctx)
{
	struct standby_prefetch *pf = ctx;
	size_t max = listing_lines(&c->listing);
	pf->ok = xmalloc(max);
	pf->nlines = outdir_listing_verdicts(c->fd, c->listing.data, c->listing.data_len, pf->ok, max);
	pf->side_read = cache_load_into(pf->cache, pf->side_key, &pf->side) == 1 &&
			side_index_make(&pf->side, &pf->index);
	if (pf->side_read)
		side_index_check_objects(pf->cache, &pf->side, &pf->index);
}

void incr_standby_prefetch(struct build *b)
{
	if (!b->cache || b->opts->dry_run || !b->standby_published[0] || !b->standby_id ||
	    b->standby_prefetch)
		return;
	/* the folder the record names, where the cache keeps it (the one
	 * outdir_begin_standby adopts) */
	struct standby_prefetch *pf = xcalloc(1, sizeof(*pf));
	pf->cache = b->cache;
	side_key(b->standby_published, pf->side_key);
	pf->side = (struct cache_object)CACHE_OBJECT_INIT;
	if (listing_check_start(&pf->check, b->cache, cache_dir_fd(b->cache), OUTDIR_STANDBY,
				b->standby_id, b->standby_published, standby_check, pf))
		b->standby_prefetch = pf;
	else
		free(pf);
}

void incr_standby_prefetch_free(struct build *b)
{
	struct standby_prefetch *pf = b->standby_prefetch;
	if (pf) {
		listing_check_release(&pf->check);
		free(pf->ok);
		cache_object_release(&pf->side);
		side_index_release(&pf->index);
	}
	free(pf);
	b->standby_prefetch = NULL;
}

/* The verdicts the thread made, into s->listing and *ok (n lines), when
 * they are of the folder adopted now; false: none (the caller makes them). */
static bool prefetched(struct build *b, struct incr_standby *s, unsigned char **ok, size_t *n)
{
	struct standby_prefetch *pf = b->standby_prefetch;
	struct stat st;
	if (!pf)
		return false;
	listing_check_wait(&pf->check);
	bool same = pf->nlines > 0 && fstat(outdir_tmp_fd(b->out), &st) == 0 &&
		    (uint64_t)st.st_ino == b->standby_id;
	if (same) {
		s->listing = pf->check.listing;
		pf->check.listing = (struct cache_object)CACHE_OBJECT_INIT;
		*ok = pf->ok;
		pf->ok = NULL;
		*n = pf->nlines;
		if (pf->side_read) {
			s->side = pf->side;
			pf->side = (struct cache_object)CACHE_OBJECT_INIT;
			s->index = pf->index;
			pf->index = (struct side_index){ STRMAP_INIT, NULL, 0, 0, NULL, false };
		}
	}
	incr_standby_prefetch_free(b);
	return same;
}

/* LOA_DEBUG=standby: for developers, what the standby check found */
static bool debug_standby(void)
{
	const char *debug = getenv("LOA_DEBUG");
	return debug && strcmp(debug, "standby") == 0;
}

/* The standby's listing and side object, and the verdict on each of its
 * lines; false when any is missing (then nothing of it is kept). */
static bool check_standby(struct build *b, struct incr_standby *s)
{
	char key[CACHE_KEY_LEN + 1];
	unsigned char *ok = NULL;
	size_t n = 0;
	if (!b->standby_published[0])
		return false;
	bool early = prefetched(b, s, &ok, &n);
	if (!early &&
	    cache_load_trusting(b->cache, b->standby_published, &s->listing) != 1)
		return false;
	side_key(b->standby_published, key);
	if (!s->index.made && (cache_load_trusting(b->cache, key, &s->side) != 1 ||
			      !side_index_make(&s->side, &s->index))) {
		free(ok);
		return false; /* missing or malformed: use none of it */
	}
	for (size_t j = 0; j < b->njobs; j++)
		if (incr_job_keyed(b, j))
			strmap_put(&s->job_of, job_path(b, j), j, NULL);
	if (!ok) {
		size_t max = listing_lines(&s->listing);
		ok = xmalloc(max);
		n = outdir_listing_verdicts(outdir_tmp_fd(b->out), s->listing.data,
					    s->listing.data_len, ok, max);
	}
	bool clean = n > 0 && outdir_standby_clean(b->out, s->listing.data, s->listing.data_len,
						   ok, n, keep_file, b) == 0;
	/* LOA_DEBUG=standby: what the check found */
	if (debug_standby()) {
		size_t holds = 0, held = 0;
		for (size_t i = 0; i < n; i++)
			holds += ok[i];
		for (size_t j = 0; j < b->njobs; j++)
			held += s->held[j];
		fprintf(stderr, "loa: debug: standby: %zu of %zu lines hold, %zu pages held%s%s%s\n",
			holds, n, held, clean ? "" : ", not cleaned",
			early ? ", checked on a thread during the load" : "",
			s->index.object_holds ? ", its objects too" : "");
	}
	free(ok);
	return clean;
}

/* Without a standby to keep from (the first rebuild after a full build,
 * or one that could not be used), the live site's side object still
 * names, for each page, the identity of the cache object its file was
 * made from: a load of that object then needs no digest (the first
 * rebuild reads every page's object: 0.2 s of SHA-256 at 10,000 pages). */
static void known_side_load(struct build *b, struct incr_standby *s)
{
	char key[CACHE_KEY_LEN + 1];
	if (s->index.made || !b->prev_published[0])
		return;
	cache_object_release(&s->side);
	side_index_release(&s->index);
	side_key(b->prev_published, key);
	if (cache_load_trusting(b->cache, key, &s->side) != 1 ||
	    !side_index_make(&s->side, &s->index)) {
		cache_object_release(&s->side);
		side_index_release(&s->index);
	}
}

/* The side object's entry for path (its number *n, e, where the next one
 * starts *next) when it gives job's key. */
static bool entry_of_job(const struct build *b, size_t job, const char *path, size_t *n,
			 struct side_entry *e, size_t *next)
{
	const struct incr_standby *s = b->standby;
	return strmap_get(&s->index.number_of, path, n) &&
	       side_entry(&s->side, s->index.off[*n], e, next) &&
	       memcmp(e->key, b->keys[job], CACHE_KEY_LEN) == 0;
}

const char *incr_standby_object_ident(struct build *b, size_t job, const char *path)
{
	size_t n, next;
	struct side_entry e;
	if (!b->standby || !b->standby->index.made || incr_object_key(b, job) != b->keys[job] ||
	    !entry_of_job(b, job, path, &n, &e, &next))
		return NULL;
	return e.ident;
}

int incr_standby_open(struct build *b)
{
	if (!b->cache || !b->out)
		return 0;
	struct incr_standby *s = xcalloc(1, sizeof(*s));
	s->listing = (struct cache_object)CACHE_OBJECT_INIT;
	s->side = (struct cache_object)CACHE_OBJECT_INIT;
	s->index = (struct side_index){ STRMAP_INIT, NULL, 0, 0, NULL, false };
	s->job_of = (struct strmap)STRMAP_INIT;
	s->fresh = (struct arena)ARENA_INIT;
	s->scratch = (struct buf)BUF_INIT;
	s->held = xcalloc(b->njobs + 1, sizeof(*s->held));
	s->how = xcalloc(b->njobs + 1, sizeof(*s->how));
	b->standby = s;
	if (debug_standby())
		fprintf(stderr, "loa: debug: standby: %s (%s %llu)\n",
			outdir_adopted(b->out) ? "adopted" : "none", b->standby_published,
			(unsigned long long)b->standby_id);
	bool checked = outdir_adopted(b->out) && check_standby(b, s);
	s->checked = checked;
	if (!checked)
		known_side_load(b, s);
	if (outdir_adopted(b->out) && !checked) {
		/* nothing of it can be vouched for: as from an empty folder */
		memset(s->held, 0, (b->njobs + 1) * sizeof(*s->held));
		if (outdir_empty(b->out) < 0) {
			/* what stays could be published as this build's, or
			 * collide with what it writes */
			diag_error(b->diags, "", 0, 0,
				   "cannot publish to %s: the previous site kept in the cache "
				   "for reuse cannot be emptied: %s; nothing published, the "
				   "previous site is left as it was",
				   b->opts->out_dir, strerror(errno));
			return -1;
		}
	}
	return 0;
}

const char *incr_standby_listing(const struct build *b, size_t *len, bool *verified)
{
	const struct incr_standby *s = b->standby;
	*verified = false;
	if (!s || !b->out || !outdir_adopted(b->out) || !s->listing.data)
		return NULL;
	*verified = s->checked;
	*len = s->listing.data_len;
	return s->listing.data;
}

void incr_standby_free(struct incr_standby *s)
{
	if (!s)
		return;
	cache_object_release(&s->listing);
	cache_object_release(&s->side);
	side_index_release(&s->index);
	strmap_release(&s->job_of);
	arena_release(&s->fresh);
	buf_release(&s->scratch);
	free(s->parts);
	free(s->held);
	free(s->how);
	free(s->ident);
	free(s->rendered);
	free(s);
}

void incr_standby_note(struct build *b, size_t job, const struct cache_object *o)
{
	struct incr_standby *s = b->standby;
	if (!s)
		return;
	/* the entry is made by incr_standby_store, after the renders: made
	 * here, the entries of a first rebuild (every page from the cache,
	 * 34 MB at 10,000 pages) were in the builder when it forked, and so
	 * in every render worker's resident set */
	if (!s->ident)
		s->ident = xcalloc(b->njobs + 1, sizeof(*s->ident));
	s->how[job] = HOW_CACHE;
	memcpy(s->ident[job], o->ident, CACHE_IDENT_LEN);
}

void incr_standby_rendered(struct build *b, size_t job, const char *ident, const char *diags,
			   size_t diags_len, const char *deps, size_t deps_len)
{
	struct incr_standby *s = b->standby;
	if (!s || !b->keys[job][0] || strlen(ident) >= CACHE_IDENT_LEN)
		return;
	if (!s->rendered)
		s->rendered = xcalloc(b->njobs + 1, sizeof(*s->rendered));
	buf_reset(&s->scratch);
	side_add(&s->scratch, job_path(b, job), b->keys[job], ident, diags, diags_len, deps,
		 deps_len);
	char *copy = arena_alloc(&s->fresh, s->scratch.len);
	memcpy(copy, s->scratch.ptr, s->scratch.len);
	s->rendered[job] = (struct rendered_entry){ copy, s->scratch.len };
}

/* Whether the object of job (its entry n, e, of the same key) is still
 * the file e records: the prefetch thread's verdict when it made one for
 * that key, else a stat now. */
static bool object_holds(struct build *b, size_t job, size_t n, const struct side_entry *e)
{
	const char *key = incr_object_key(b, job);
	if (b->standby->index.object_holds && key == b->keys[job])
		return b->standby->index.object_holds[n];
	char ident[CACHE_IDENT_LEN];
	return cache_ident(b->cache, key, ident) == 1 && strcmp(ident, e->ident) == 0;
}

bool incr_standby_try(struct build *b, size_t job, const char *path)
{
	struct incr_standby *s = b->standby;
	size_t n, next;
	struct side_entry e;
	if (!s || !s->held[job])
		return false;
	/* this key's output, whose object is still the file verified or
	 * written then (a damaged object is read, refused and rewritten:
	 * the cache heals as before), with its deps holding */
	if (!entry_of_job(b, job, path, &n, &e, &next) || !object_holds(b, job, n, &e) ||
	    !incr_deps_hold(b, e.deps, e.deps_len)) {
		/* another output now: the old file goes before the new one
		 * is written (an outdir write never replaces a file) */
		s->held[job] = false;
		outdir_unlink(b->out, path);
		return false;
	}
	s->how[job] = HOW_KEPT;
	diag_list_decode(b->diags, e.diags, e.diags_len);
	/* the entry unchanged: its bytes are the standby's */
	part_add(s, s->side.data + s->index.off[n], next - s->index.off[n]);
	return true;
}

void incr_standby_prune(struct build *b)
{
	/* a page that failed leaves no folder, as in an empty tree */
	for (size_t j = 0; b->standby && b->out && j < b->njobs; j++)
		if (!b->ok[j])
			outdir_prune(b->out, job_path(b, j));
}

bool incr_standby_keep_previous(struct build *b)
{
	struct stat st;
	b->standby_kept = b->cache && cache_dir_fd(b->cache) >= 0 && b->standby &&
			  b->prev_published[0] && b->prev_out_id &&
			  lstat(b->opts->out_dir, &st) == 0 && S_ISDIR(st.st_mode) &&
			  (uint64_t)st.st_ino == b->prev_out_id;
	if (b->standby_kept)
		side_key(b->prev_published, b->standby_side);
	return b->standby_kept;
}

/* The diagnostics and deps of job j's object, when j has an entry to
 * make: rendered now, or written from the cache and its object still the
 * file then verified (else the next build finds no entry, and writes the
 * page again). */
static bool side_entry_load(struct build *b, size_t j, struct cache_object *obj)
{
	struct incr_standby *s = b->standby;
	if (!b->ok[j] || !b->keys[j][0])
		return false;
	if (s->how[j] == HOW_RENDERED)
		return cache_load_deps(b->cache, b->keys[j], obj) == 1;
	return s->how[j] == HOW_CACHE && cache_load_deps(b->cache, b->keys[j], obj) == 1 &&
	       strcmp(obj->ident, s->ident[j]) == 0;
}

void incr_standby_store(struct build *b)
{
	struct incr_standby *s = b->standby;
	if (!s || !b->published[0] || !b->listing.len)
		return;
	/* the pages rendered now and those written from the cache: their
	 * diagnostics and deps as stored */
	struct cache_object obj = CACHE_OBJECT_INIT;
	for (size_t j = 0; j < b->njobs; j++) {
		const struct rendered_entry *r = s->rendered ? &s->rendered[j] : NULL;
		if (r && r->p && b->ok[j] && s->how[j] == HOW_RENDERED)
			part_add(s, r->p, r->len); /* made when the worker replied */
		else if (side_entry_load(b, j, &obj))
			part_add_new(s, job_path(b, j), b->keys[j], obj.ident, obj.diags,
				     obj.diags_len, obj.deps, obj.deps_len);
	}
	cache_object_release(&obj);
	side_key(b->published, b->side_key);
	struct iovec *iov = xcalloc(s->nparts + 1, sizeof(*iov));
	for (size_t i = 0; i < s->nparts; i++)
		iov[i] = (struct iovec){ (char *)s->parts[i].p, s->parts[i].len };
	if (cache_store_trusted(b->cache, b->side_key, iov, s->nparts) < 0)
		b->side_key[0] = '\0';
	free(iov);
}
