/* repo_history — one walk over the history for every file of a folder:
 * first and last change, and authors.
 *
 * Owns: the commit queue (a heap, newest first), the set of commits seen,
 * a direct-mapped tree cache, the tree of names the walk compares, and the
 * work of comparing, folder by folder. It diffs with repo_tree_diff and
 * filters merges with repo_merge_filter.
 *
 * The walk is in three passes: the commits in walk order (what each one's
 * folder is, against its first parent); then the comparisons, one folder
 * at a time, every commit's version of it in a row; then each commit's
 * changed files, filtered for merges and credited. Comparing commit by
 * commit read a large folder's versions (content/news: 5,000 schools, a
 * 290 KB tree) between those of another (content/schools): libgit2 keeps
 * 16 MB of delta bases, so each version was rebuilt from its chain's base
 * (7.6 s of history at 50,000 pages; the versions of one folder in a row
 * take 0.2 s to read). */
#include "source/repo_internal.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/strmap.h"
#include "base/utf8.h"
#include "base/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The files that exist at the built commit, as a tree of names: the walk
 * compares only what this tree names, so its cost follows the changes, not
 * the size of the repository. */
struct hitem; /* below */

struct hnode {
	const char *name;
	struct hnode *kids; /* sorted by name; NULL for a file */
	size_t nkids;
	size_t file; /* index into hist.files, for a file */
	bool dir;
	struct hitem *items; /* comparisons waiting, for a folder (walk order) */
	size_t nitems, icap;
};

/* One comparison of a folder: its versions in commit seq and in that
 * commit's first parent (either may be absent). */
struct hitem {
	size_t seq;
	git_oid a, b;
	bool has_a, has_b;
};

/* A file commit seq changed against its first parent. */
struct hmark {
	size_t seq, file;
};

/* What the last pass needs of a commit: its author, and for a merge the
 * folder in each other parent. */
struct hcommit {
	int64_t when;
	size_t author;
	git_oid dir;
	bool has_dir;
	size_t others; /* into hist.others */
	unsigned nothers;
};

struct hparent {
	git_oid dir;
	bool has_dir;
};

struct hauthor {
	size_t id;  /* into hist.names */
	size_t seq; /* walk position of this author's oldest commit so far */
};

struct hfile {
	const char *path;
	int64_t first, last;
	struct hauthor *authors;
	size_t nauthors, cap;
	bool seen;
};

/* Few: the comparisons of a folder run in a row, so what is read again is
 * mostly the version just compared. 1,024 slots held up to 1,024 parsed
 * versions of a 290 KB folder, memory the kernel had to clear first. */
enum { TREE_CACHE = 16 };

struct qitem {
	git_commit *commit;
	int64_t time;
	size_t order; /* ties go first in, first out */
};

struct tcache_slot {
	git_oid id;
	git_tree *tree;
};

struct hist {
	struct repo *r;
	struct diag_list *diags;
	struct arena tmp;
	char **dirparts; /* components of dir */
	size_t ndirparts;
	size_t rel; /* where a stored path goes below dir */
	struct hnode root;
	struct hfile *files;
	size_t nfiles, fcap;
	struct tcache_slot *cache; /* direct-mapped by oid: trees are parsed once */
	struct hnode **fifo;       /* folders with comparisons waiting, parents first */
	size_t nfifo, fifocap;
	struct hmark *marks;
	size_t nmarks, mcap;
	struct hcommit *commits; /* by seq */
	size_t ncommits, comcap;
	struct hparent *others;
	size_t nothers, ocap;
	size_t *cand; /* files changed by the commit being credited */
	size_t ncand, ccap;
	struct strmap author_ids;
	const char **names;
	size_t nnames, ncap;
	struct buf scratch;
	size_t seq;
	struct qitem *queue; /* commits to visit, newest first (a heap) */
	size_t nqueue, qcap, pushed;
	git_oid *seen; /* open addressing; an all-zero slot is empty */
	size_t nseen, seencap;
};

/* A new reference to the tree id (free it), from the cache when possible. */
static git_tree *tree_get(struct hist *h, const git_oid *id)
{
	size_t slot = (((size_t)id->id[0] << 8) | id->id[1]) & (TREE_CACHE - 1);
	struct tcache_slot *s = &h->cache[slot];
	if (!s->tree || !git_oid_equal(&s->id, id)) {
		git_tree *t;
		if (git_tree_lookup(&t, h->r->git, id) < 0)
			return NULL;
		git_tree_free(s->tree);
		s->tree = t;
		git_oid_cpy(&s->id, id);
	}
	git_object *dup = NULL;
	if (git_object_dup(&dup, (git_object *)s->tree) < 0)
		return NULL;
	return (git_tree *)dup;
}

static int hnode_cmp(const void *pa, const void *pb)
{
	return strcmp(((const struct hnode *)pa)->name, ((const struct hnode *)pb)->name);
}

/* The kid of node named name (its kids are the walk's to fill), or NULL. */
static struct hnode *find_kid(const struct hnode *node, const char *name)
{
	size_t lo = 0, hi = node->nkids;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, node->kids[mid].name);
		if (c == 0)
			return &node->kids[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Fills node from tree with the entries repo_list would list: valid,
 * unique names; regular files; folders within the depth limit. Problems
 * are left to repo_list to report. */
static void build_nodes(struct hist *h, struct hnode *node, const git_tree *tree, int depth)
{
	size_t n = git_tree_entrycount(tree);
	const char **names = xreallocarray(NULL, n ? n : 1, sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = git_tree_entry_name(git_tree_entry_byindex(tree, i));
	unsigned char *dup = repo_find_dups(names, n);
	node->kids = arena_zalloc(&h->tmp, (n ? n : 1) * sizeof(*node->kids));
	node->nkids = 0;
	for (size_t i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		unsigned type = (unsigned)git_tree_entry_filemode_raw(e) & MODE_TYPE;
		if (dup[i] || repo_name_problem(names[i], strlen(names[i])))
			continue;
		if (type != MODE_FILE && (type != MODE_TREE || depth >= h->r->max_depth))
			continue;
		struct hnode *kid = &node->kids[node->nkids++];
		kid->name = arena_strdup(&h->tmp, names[i]);
		size_t base = h->scratch.len;
		if (base)
			buf_putc(&h->scratch, '/');
		buf_puts(&h->scratch, names[i]);
		if (type == MODE_TREE) {
			kid->dir = true;
			git_tree *sub;
			if (git_tree_lookup(&sub, h->r->git, git_tree_entry_id(e)) == 0) {
				build_nodes(h, kid, sub, depth + 1);
				git_tree_free(sub);
			}
		} else {
			ALLOC_GROW(h->files, h->nfiles + 1, h->fcap);
			kid->file = h->nfiles;
			h->files[h->nfiles++] = (struct hfile){
				.path = arena_strndup(&h->tmp, h->scratch.ptr, h->scratch.len)
			};
		}
		buf_setlen(&h->scratch, base);
	}
	if (node->nkids)
		qsort(node->kids, node->nkids, sizeof(*node->kids), hnode_cmp);
	free(dup);
	free(names);
}

/* The tree at dir inside the root tree root_id; false when there is none. */
static bool dir_tree(struct hist *h, const git_oid *root_id, git_oid *out)
{
	git_oid_cpy(out, root_id);
	for (size_t i = 0; i < h->ndirparts; i++) {
		git_tree *t = tree_get(h, out);
		if (!t)
			return false;
		const git_tree_entry *e = git_tree_entry_byname(t, h->dirparts[i]);
		bool ok = e && (git_tree_entry_filemode_raw(e) & MODE_TYPE) == MODE_TREE;
		if (ok)
			git_oid_cpy(out, git_tree_entry_id(e));
		git_tree_free(t);
		if (!ok)
			return false;
	}
	return true;
}

/* A comparison of folder node for commit seq, after those waiting. */
static void push_item(struct hist *h, struct hnode *node, size_t seq, const git_oid *a,
		      const git_oid *b)
{
	if (!node->nitems) {
		ALLOC_GROW(h->fifo, h->nfifo + 1, h->fifocap);
		h->fifo[h->nfifo++] = node;
	}
	ALLOC_GROW(node->items, node->nitems + 1, node->icap);
	struct hitem *it = &node->items[node->nitems++];
	*it = (struct hitem){ .seq = seq, .has_a = a != NULL, .has_b = b != NULL };
	if (a)
		git_oid_cpy(&it->a, a);
	if (b)
		git_oid_cpy(&it->b, b);
}

struct hdiff {
	struct hist *h;
	struct hnode *node; /* the folder being compared */
	size_t seq;
};

/* One side's entry differs from the other's (which may be NULL). */
static void entry_changed(void *ctx, const git_tree_entry *ea, const git_tree_entry *eb)
{
	const struct hdiff *d = ctx;
	struct hist *h = d->h;
	const git_tree_entry *e = ea ? ea : eb;
	struct hnode *kid = find_kid(d->node, git_tree_entry_name(e));
	if (!kid)
		return;
	bool is_tree = (git_tree_entry_filemode_raw(e) & MODE_TYPE) == MODE_TREE;
	if (kid->dir != is_tree)
		return; /* a file and a folder of the same name are different paths */
	if (kid->dir) {
		push_item(h, kid, d->seq, ea ? git_tree_entry_id(ea) : NULL,
			  eb ? git_tree_entry_id(eb) : NULL);
		return;
	}
	ALLOC_GROW(h->marks, h->nmarks + 1, h->mcap);
	h->marks[h->nmarks++] = (struct hmark){ d->seq, kid->file };
}

/* Runs the comparisons waiting, a folder at a time, its versions in walk
 * order: a folder's comparisons all come from its parent's, which run
 * first (the queue is in that order), so each folder is entered once.
 * Only the names a node holds are entered, so the cost follows the
 * changes; entries with equal ids are skipped without reading them. */
static void run_items(struct hist *h)
{
	for (size_t i = 0; i < h->nfifo; i++) {
		struct hnode *node = h->fifo[i];
		for (size_t k = 0; k < node->nitems; k++) {
			const struct hitem *it = &node->items[k];
			git_tree *ta = it->has_a ? tree_get(h, &it->a) : NULL;
			git_tree *tb = it->has_b ? tree_get(h, &it->b) : NULL;
			struct hdiff d = { h, node, it->seq };
			repo_tree_diff(ta, tb, entry_changed, &d);
			git_tree_free(ta);
			git_tree_free(tb);
		}
		free(node->items);
		node->items = NULL;
		node->nitems = node->icap = 0;
	}
	h->nfifo = 0;
}

static int hmark_cmp(const void *pa, const void *pb)
{
	const struct hmark *a = pa, *b = pb;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return a->file < b->file ? -1 : a->file > b->file;
}

/* The id and mode of a file in the tree dir_id (the tree at dir); false
 * when absent. */
static bool file_entry(struct hist *h, const git_oid *dir_id, size_t file, git_oid *id,
		       unsigned *mode)
{
	const char *p = h->files[file].path + h->rel;
	git_oid cur;
	git_oid_cpy(&cur, dir_id);
	for (;;) {
		const char *slash = strchr(p, '/');
		buf_reset(&h->scratch);
		buf_add(&h->scratch, p, slash ? (size_t)(slash - p) : strlen(p));
		git_tree *t = tree_get(h, &cur);
		if (!t)
			return false;
		const git_tree_entry *e = git_tree_entry_byname(t, h->scratch.ptr);
		unsigned m = e ? (unsigned)git_tree_entry_filemode_raw(e) : 0;
		bool ok = e && ((m & MODE_TYPE) == MODE_TREE) == (slash != NULL);
		if (ok)
			git_oid_cpy(&cur, git_tree_entry_id(e));
		git_tree_free(t);
		if (!ok)
			return false;
		if (!slash) {
			git_oid_cpy(id, &cur);
			*mode = m;
			return true;
		}
		p = slash + 1;
	}
}

/* repo_merge_filter's view of a candidate file */
static bool cand_entry(void *ctx, const git_oid *dir_id, const void *item, git_oid *id,
		       unsigned *mode)
{
	return file_entry(ctx, dir_id, *(const size_t *)item, id, mode);
}

/* The author's name made safe to show: invalid UTF-8 becomes U+FFFD and
 * control characters become spaces. Interned; returns its index. */
static size_t intern_author(struct hist *h, const char *name)
{
	struct buf *s = &h->scratch;
	buf_reset(s);
	size_t len = strlen(name);
	for (size_t i = 0; i < len;) {
		size_t n = utf8_valid_prefix(name + i, len - i);
		if (!n) {
			buf_puts(s, "\xef\xbf\xbd");
			i++;
		} else if (n == 1 && ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)) {
			buf_putc(s, ' ');
			i++;
		} else {
			buf_add(s, name + i, n);
			i += n;
		}
	}
	size_t id;
	if (strmap_get(&h->author_ids, s->ptr, &id))
		return id;
	const char *copy = arena_strndup(&h->tmp, s->ptr, s->len);
	ALLOC_GROW(h->names, h->nnames + 1, h->ncap);
	h->names[h->nnames] = copy;
	strmap_put(&h->author_ids, copy, h->nnames, NULL);
	return h->nnames++;
}

/* The commit's author, interned, and author time. */
static void commit_author(struct hist *h, const git_commit *c, int64_t *when, size_t *author)
{
	const git_signature *sig = git_commit_author(c);
	*when = sig ? (int64_t)sig->when.time : (int64_t)git_commit_time(c);
	*author = intern_author(h, sig && sig->name ? sig->name : "");
}

/* Credits commit seq (author, when) with the candidate files: first and
 * last are the earliest and latest author times among a file's commits
 * (robust to rebased or cherry-picked commits whose author times are out
 * of order). */
static void record(struct hist *h, size_t seq, int64_t when, size_t author)
{
	for (size_t k = 0; k < h->ncand; k++) {
		struct hfile *f = &h->files[h->cand[k]];
		if (!f->seen) {
			f->first = f->last = when;
			f->seen = true;
		} else {
			if (when < f->first)
				f->first = when;
			if (when > f->last)
				f->last = when;
		}
		size_t a;
		for (a = 0; a < f->nauthors && f->authors[a].id != author; a++)
			;
		if (a == f->nauthors) {
			ALLOC_GROW(f->authors, f->nauthors + 1, f->cap);
			f->nauthors++;
			f->authors[a].id = author;
		}
		f->authors[a].seq = seq; /* the walk goes back in time */
	}
}

/* The commit at seq's place in the walk, for the last pass. */
static void add_commit(struct hist *h, const git_commit *c, const git_oid *dir)
{
	ALLOC_GROW(h->commits, h->ncommits + 1, h->comcap);
	struct hcommit *hc = &h->commits[h->ncommits++];
	*hc = (struct hcommit){ .has_dir = dir != NULL, .others = h->nothers };
	if (dir)
		git_oid_cpy(&hc->dir, dir);
	commit_author(h, c, &hc->when, &hc->author);
}

/* The last pass: the comparisons run, each commit's changed files (for a
 * merge only those that differ from every parent) are credited to it. */
static void credit_commits(struct hist *h)
{
	run_items(h);
	if (h->nmarks > 1)
		qsort(h->marks, h->nmarks, sizeof(*h->marks), hmark_cmp);
	for (size_t i = 0; i < h->nmarks;) {
		size_t seq = h->marks[i].seq;
		h->ncand = 0;
		for (; i < h->nmarks && h->marks[i].seq == seq; i++) {
			if (h->ncand && h->cand[h->ncand - 1] == h->marks[i].file)
				continue;
			ALLOC_GROW(h->cand, h->ncand + 1, h->ccap);
			h->cand[h->ncand++] = h->marks[i].file;
		}
		const struct hcommit *hc = &h->commits[seq];
		for (unsigned p = 0; p < hc->nothers && h->ncand; p++) {
			const struct hparent *o = &h->others[hc->others + p];
			h->ncand = repo_merge_filter(h->cand, h->ncand, sizeof(*h->cand),
						     hc->has_dir ? &hc->dir : NULL,
						     o->has_dir ? &o->dir : NULL, cand_entry, NULL, h);
		}
		if (h->ncand)
			record(h, seq, hc->when, hc->author);
	}
	h->ncand = 0;
	h->nmarks = 0;
	h->ncommits = 0;
	h->nothers = 0;
}

/* ---- the commit walk ----
 * Our own walk by commit time rather than git_revwalk: libgit2 1.5's
 * revwalk fails at the boundary of a shallow clone (the parents are
 * missing), where git log simply stops. */

static bool qitem_before(const struct qitem *a, const struct qitem *b)
{
	return a->time != b->time ? a->time > b->time : a->order < b->order;
}

static void queue_push(struct hist *h, git_commit *c)
{
	ALLOC_GROW(h->queue, h->nqueue + 1, h->qcap);
	size_t i = h->nqueue++;
	struct qitem it = { c, (int64_t)git_commit_time(c), h->pushed++ };
	while (i > 0 && qitem_before(&it, &h->queue[(i - 1) / 2])) {
		h->queue[i] = h->queue[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->queue[i] = it;
}

static git_commit *queue_pop(struct hist *h)
{
	if (!h->nqueue)
		return NULL;
	git_commit *top = h->queue[0].commit;
	struct qitem last = h->queue[--h->nqueue];
	size_t i = 0;
	for (;;) {
		size_t k = 2 * i + 1;
		if (k >= h->nqueue)
			break;
		if (k + 1 < h->nqueue && qitem_before(&h->queue[k + 1], &h->queue[k]))
			k++;
		if (!qitem_before(&h->queue[k], &last))
			break;
		h->queue[i] = h->queue[k];
		i = k;
	}
	if (h->nqueue)
		h->queue[i] = last;
	return top;
}

static size_t oid_slot(const git_oid *id, size_t cap)
{
	size_t v = 0;
	memcpy(&v, id->id, sizeof(v) < GIT_OID_RAWSZ ? sizeof(v) : GIT_OID_RAWSZ);
	return v & (cap - 1);
}

/* Adds id to the set of commits already queued; false when it was there. */
static bool seen_add(struct hist *h, const git_oid *id)
{
	if (2 * (h->nseen + 1) > h->seencap) {
		size_t ncap = h->seencap ? 2 * h->seencap : 1024;
		git_oid *slots = xcalloc(ncap, sizeof(*slots));
		for (size_t i = 0; i < h->seencap; i++) {
			if (git_oid_is_zero(&h->seen[i]))
				continue;
			size_t j = oid_slot(&h->seen[i], ncap);
			while (!git_oid_is_zero(&slots[j]))
				j = (j + 1) & (ncap - 1);
			slots[j] = h->seen[i];
		}
		free(h->seen);
		h->seen = slots;
		h->seencap = ncap;
	}
	size_t j = oid_slot(id, h->seencap);
	while (!git_oid_is_zero(&h->seen[j])) {
		if (git_oid_equal(&h->seen[j], id))
			return false;
		j = (j + 1) & (h->seencap - 1);
	}
	git_oid_cpy(&h->seen[j], id);
	h->nseen++;
	return true;
}

/* The first pass for commit c (at h->seq): the comparison of its folder
 * against its first parent's, the folder in each other parent (for a
 * merge), and its parents queued. */
static int visit_commit(struct hist *h, const git_commit *c)
{
	git_oid a_dir, b_dir;
	bool has_a = dir_tree(h, git_commit_tree_id(c), &a_dir);
	unsigned nparents = git_commit_parentcount(c);
	git_commit **parents = xcalloc(nparents ? nparents : 1, sizeof(*parents));
	unsigned got = 0;
	for (; got < nparents; got++) {
		if (git_commit_parent(&parents[got], c, got) < 0)
			break;
	}
	if (got < nparents && !h->r->shallow) {
		/* a missing parent outside a shallow clone: the repository is
		 * damaged; treat the commit as a root and say so */
		char hex[41];
		git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
		diag_error(h->diags, "", 0, 0, "history incomplete at commit %.12s: %s", hex,
			   repo_git_msg());
	}
	add_commit(h, c, has_a ? &a_dir : NULL);
	/* a shallow clone's boundary commit reads as a root, as in git log */
	if (got == 0) {
		if (has_a)
			push_item(h, &h->root, h->seq, &a_dir, NULL);
	} else {
		bool has_b = dir_tree(h, git_commit_tree_id(parents[0]), &b_dir);
		if (has_a != has_b || (has_a && !git_oid_equal(&a_dir, &b_dir)))
			push_item(h, &h->root, h->seq, has_a ? &a_dir : NULL, has_b ? &b_dir : NULL);
	}
	for (unsigned p = 1; p < got; p++) {
		ALLOC_GROW(h->others, h->nothers + 1, h->ocap);
		struct hparent *o = &h->others[h->nothers++];
		o->has_dir = dir_tree(h, git_commit_tree_id(parents[p]), &o->dir);
		h->commits[h->ncommits - 1].nothers++;
	}
	for (unsigned p = 0; p < got; p++) {
		if (seen_add(h, git_commit_id(parents[p])))
			queue_push(h, parents[p]); /* the queue owns it now */
		else
			git_commit_free(parents[p]);
	}
	free(parents);
	return 0;
}

static int hauthor_cmp(const void *pa, const void *pb)
{
	const struct hauthor *a = pa, *b = pb;
	/* larger seq = older commit: oldest first */
	return a->seq < b->seq ? 1 : a->seq > b->seq ? -1 : 0;
}

static int hentry_cmp(const void *pa, const void *pb)
{
	return strcmp(((const struct repo_history_entry *)pa)->path,
		      ((const struct repo_history_entry *)pb)->path);
}

/* The results, in the caller's arena: every file with a commit, by path. */
static void hist_output(struct hist *h, struct repo_history *out, struct arena *a)
{
	size_t n = 0;
	for (size_t i = 0; i < h->nfiles; i++)
		n += h->files[i].seen;
	const char **out_names = xcalloc(h->nnames ? h->nnames : 1, sizeof(*out_names));
	out->entries = arena_zalloc(a, (n ? n : 1) * sizeof(*out->entries));
	out->n = 0;
	for (size_t i = 0; i < h->nfiles; i++) {
		struct hfile *f = &h->files[i];
		if (!f->seen)
			continue;
		struct repo_history_entry *e = &out->entries[out->n++];
		e->path = arena_strdup(a, f->path);
		e->first = f->first;
		e->last = f->last;
		qsort(f->authors, f->nauthors, sizeof(*f->authors), hauthor_cmp);
		e->authors = arena_alloc(a, (f->nauthors ? f->nauthors : 1) * sizeof(*e->authors));
		for (size_t k = 0; k < f->nauthors; k++) {
			size_t id_ = f->authors[k].id;
			if (!out_names[id_])
				out_names[id_] = arena_strdup(a, h->names[id_]);
			e->authors[k] = out_names[id_];
		}
		e->nauthors = f->nauthors;
	}
	if (out->n > 1)
		qsort(out->entries, out->n, sizeof(*out->entries), hentry_cmp);
	free(out_names);
}

/* The tree of names of the files at the built commit, into h->root: 1
 * ready, 0 when there is nothing to walk (no commit, no folder), -1 after
 * reporting. */
static int hist_begin(struct hist *h, const char *d)
{
	struct repo *r = h->r;
	h->root.dir = true;
	if (*d && repo_check_path(d, "folder", h->diags) < 0)
		return -1;
	if (!r->git || !r->commit)
		return 0; /* no repository or no commit yet: no history */
	h->cache = xcalloc(TREE_CACHE, sizeof(*h->cache));
	if (*d) {
		size_t n = 1;
		for (const char *p = d; *p; p++)
			n += *p == '/';
		h->dirparts = arena_alloc(&h->tmp, n * sizeof(*h->dirparts));
		h->rel = strlen(d) + 1;
		char *copy = arena_strdup(&h->tmp, d);
		for (char *p = copy; p;) {
			char *slash = strchr(p, '/');
			if (slash)
				*slash = '\0';
			h->dirparts[h->ndirparts++] = p;
			p = slash ? slash + 1 : NULL;
		}
	}
	git_oid dir_id;
	if (!dir_tree(h, git_commit_tree_id(r->commit), &dir_id))
		return 0; /* repo_list reports a missing folder */
	git_tree *root_tree = tree_get(h, &dir_id);
	if (!root_tree) {
		diag_error(h->diags, d, 0, 0, "cannot read folder: %s", repo_git_msg());
		return -1;
	}
	buf_puts(&h->scratch, d);
	build_nodes(h, &h->root, root_tree, 0);
	buf_reset(&h->scratch);
	git_tree_free(root_tree);
	return 1;
}

static void hist_release(struct hist *h)
{
	for (size_t i = 0; i < h->nqueue; i++)
		git_commit_free(h->queue[i].commit);
	free(h->queue);
	free(h->seen);
	if (h->cache) {
		for (size_t i = 0; i < TREE_CACHE; i++)
			git_tree_free(h->cache[i].tree);
		free(h->cache);
	}
	for (size_t i = 0; i < h->nfiles; i++)
		free(h->files[i].authors);
	free(h->files);
	for (size_t i = 0; i < h->nfifo; i++)
		free(h->fifo[i]->items);
	free(h->fifo);
	free(h->marks);
	free(h->commits);
	free(h->others);
	free(h->cand);
	free(h->names);
	strmap_release(&h->author_ids);
	buf_release(&h->scratch);
	arena_release(&h->tmp);
}

/* The walk from start (taken over), newest commit first. */
static void hist_walk(struct hist *h, git_commit *start)
{
	seen_add(h, git_commit_id(start));
	queue_push(h, start);
	git_commit *c;
	for (h->seq = 0; (c = queue_pop(h)); h->seq++) {
		visit_commit(h, c);
		git_commit_free(c);
	}
	credit_commits(h);
}

/* Keeps below node only the files need names (and the folders holding
 * them); true when any is left. */
static bool prune(struct hnode *node, const bool *need)
{
	size_t k = 0;
	for (size_t i = 0; i < node->nkids; i++) {
		struct hnode *kid = &node->kids[i];
		if (kid->dir ? prune(kid, need) : need[kid->file])
			node->kids[k++] = *kid;
	}
	node->nkids = k;
	return k > 0;
}

int repo_history(struct repo *r, const char *dir, struct repo_history *out, struct arena *a,
		 struct diag_list *diags)
{
	struct hist h = { .r = r, .diags = diags, .tmp = ARENA_INIT, .author_ids = STRMAP_INIT,
			  .scratch = BUF_INIT };
	char *d = repo_norm_dir(dir);
	out->entries = NULL;
	out->n = 0;
	int rc = hist_begin(&h, d);
	if (rc <= 0)
		goto done;
	rc = -1;
	git_object *start = NULL;
	if (git_object_dup(&start, (git_object *)r->commit) < 0) {
		diag_error(diags, "", 0, 0, "cannot walk history: %s", repo_git_msg());
		goto done;
	}
	hist_walk(&h, (git_commit *)start);
	hist_output(&h, out, a);
	rc = 0;
done:
	if (rc < 0) {
		out->entries = NULL;
		out->n = 0;
	}
	hist_release(&h);
	free(d);
	return rc < 0 ? -1 : 0;
}

int repo_history_parent(const struct repo *r, char parent[41])
{
	parent[0] = '\0';
	if (!r->git || !r->commit || r->shallow || !r->history_id[0] ||
	    git_commit_parentcount(r->commit) != 1)
		return 0;
	git_oid_tostr(parent, 41, git_commit_parent_id(r->commit, 0));
	return 1;
}

/* f (the built commit's record of a file, if it changed it) merged with
 * the parent's entry e: what the walk would give visiting the parent's
 * commits after the built one. Authors in e are oldest first: they get
 * walk positions after the built commit's (0), oldest largest. */
static void merge_parent_entry(struct hist *h, struct hfile *f, const struct repo_history_entry *e)
{
	if (!f->seen) {
		f->first = e->first;
		f->last = e->last;
		f->seen = true;
	} else {
		if (e->first < f->first)
			f->first = e->first;
		if (e->last > f->last)
			f->last = e->last;
	}
	for (size_t k = 0; k < e->nauthors; k++) {
		size_t author = intern_author(h, e->authors[k]);
		size_t i;
		for (i = 0; i < f->nauthors && f->authors[i].id != author; i++)
			;
		if (i == f->nauthors) {
			ALLOC_GROW(f->authors, f->nauthors + 1, f->cap);
			f->nauthors++;
			f->authors[i].id = author;
		}
		f->authors[i].seq = e->nauthors - k;
	}
}

int repo_history_extend(struct repo *r, const char *dir, const struct repo_history *parent,
			struct repo_history *out, struct arena *a, struct diag_list *diags)
{
	char pid[41];
	if (!repo_history_parent(r, pid))
		return 0;
	struct hist h = { .r = r, .diags = diags, .tmp = ARENA_INIT, .author_ids = STRMAP_INIT,
			  .scratch = BUF_INIT };
	char *d = repo_norm_dir(dir);
	git_commit *p = NULL;
	out->entries = NULL;
	out->n = 0;
	int rc = hist_begin(&h, d);
	if (rc <= 0)
		goto done;
	rc = 0; /* from here, any surprise: the caller walks */
	if (git_commit_parent(&p, r->commit, 0) < 0)
		goto done;
	/* the walk's first step: what the built commit changed */
	git_oid a_dir, b_dir;
	bool has_a = dir_tree(&h, git_commit_tree_id(r->commit), &a_dir);
	bool has_b = dir_tree(&h, git_commit_tree_id(p), &b_dir);
	h.seq = 0;
	add_commit(&h, r->commit, has_a ? &a_dir : NULL);
	if (has_a != has_b || (has_a && !git_oid_equal(&a_dir, &b_dir)))
		push_item(&h, &h.root, 0, has_a ? &a_dir : NULL, has_b ? &b_dir : NULL);
	credit_commits(&h);
	/* the rest of the walk is the parent's; a file it does not know
	 * (added here, perhaps after an older life) is walked for, alone:
	 * the walk then enters only the folders on its path */
	bool *need = xcalloc(h.nfiles + 1, sizeof(*need));
	size_t nneed = 0;
	for (size_t i = 0; i < h.nfiles; i++) {
		const struct repo_history_entry *e = repo_history_find(parent, h.files[i].path);
		if (e)
			merge_parent_entry(&h, &h.files[i], e);
		else
			need[i] = true, nneed++;
	}
	git_object *start = NULL;
	if (nneed) {
		prune(&h.root, need);
		if (git_object_dup(&start, (git_object *)r->commit) < 0) {
			diag_error(diags, "", 0, 0, "cannot walk history: %s", repo_git_msg());
			free(need);
			rc = -1;
			goto done;
		}
		/* it says what the whole walk would (the same commits) */
		hist_walk(&h, (git_commit *)start);
	}
	free(need);
	hist_output(&h, out, a);
	rc = 1;
done:
	if (rc <= 0) {
		out->entries = NULL;
		out->n = 0;
	}
	git_commit_free(p);
	hist_release(&h);
	free(d);
	return rc;
}

const struct repo_history_entry *repo_history_find(const struct repo_history *h, const char *path)
{
	size_t lo = 0, hi = h->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(path, h->entries[mid].path);
		if (c == 0)
			return &h->entries[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

