/* incr_links — a page whose output did not change is published as a hard
 * link to the live site's file instead of a fresh copy of its cache
 * object (docs/architecture.md, "Incremental builds": "Links to the live
 * site"). A file is linked only when all of these hold:
 *
 *   - the previous build's side object (its path -> key, diagnostics and
 *     deps, one object per published build, kept under a key made from
 *     the published fingerprint and verified like every object) gives
 *     the job's path the job's key now, and its deps still hold: the file
 *     at that path was written by a render with this very key;
 *   - the live folder is the one the record names (its inode), and the
 *     live file, found without following any symlink, still matches its
 *     line of the previous build's listing exactly: type, mode, size,
 *     modification and change times, inode. A change time cannot be set
 *     back, so an edit, a touch, a chmod, a replacement or a symlink
 *     shows, and the page is taken from the cache object or rendered;
 *   - the new name, stat'ed after linkat, is that same regular file
 *     (inode, size, mode, modification time): a swap of the live name
 *     between the check and the link is refused.
 *
 * The cache is never linked: a live file is a copy of an object's bytes
 * written by outdir_write, and a link shares that file, so no published
 * name ever reaches an object. Until the previous site is removed the
 * new and the old names share an inode (nlink 2); an edit of the old
 * site during the build would reach the new one, so before the swap
 * every link is compared with the stat taken right after linking, and a
 * changed one is replaced by a copy of its object. Removing the old name
 * changes the inode's change time, so the removal of the old site reports
 * each file right after its unlink and the live one of the same path is
 * stat'ed at once: the listing kept for the next build holds that change
 * time, provided nothing else about the file changed.
 *
 * What is left to chance is the few calls between the listing check and
 * linkat (and between an unlink and its stat): an edit there that keeps
 * the size and puts the modification time back is not seen. */
#include "pipeline/build_internal.h"
#include "base/diag.h"
#include "base/strmap.h"
#include "base/xalloc.h"
#include "pipeline/outdir.h"
#include "plugin/sitelua.h"
#include "source/repo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How a job reached the new site. */
enum { HOW_RENDERED = 0, HOW_CACHE = 1, HOW_LINKED = 2, HOW_CONFIRMED = 3 };
/* HOW_CONFIRMED: linked, and stat'ed again once its old name was removed */

/* The folders of the path last looked up, open from the top down
 * (O_PATH, never through a symlink), so that the pages of one folder
 * open it once. */
enum { LINK_DEPTH = 16 };
struct dirstack {
	int root; /* the tree's top folder (not owned); -1: none */
	int fd[LINK_DEPTH];
	size_t end[LINK_DEPTH]; /* length of the path up to that folder's "/" */
	size_t n;
	struct buf path; /* "a/b/": the open folders' path */
};

struct incr_links {
	struct cache_object listing, side; /* the previous build's, when usable */
	struct strmap line_of;  /* path -> offset of its line in listing.data */
	struct strmap entry_of; /* path -> offset of its entry in side.data */
	struct strmap by_path;  /* linked path -> job, once published */
	struct dirstack live;
	unsigned char *how;   /* per job, HOW_* */
	struct stat *linked;  /* per job: the new name's stat right after linkat */
	struct buf next;      /* this build's side object */
	bool untrusted;       /* a link changed and could not be replaced */
	bool off;             /* linkat cannot work here: no more tries */
};

static void dirstack_init(struct dirstack *s, int root)
{
	memset(s, 0, sizeof(*s));
	s->root = root;
	s->path = (struct buf)BUF_INIT;
}

static void dirstack_release(struct dirstack *s)
{
	while (s->n)
		close(s->fd[--s->n]);
	buf_release(&s->path);
}

/* The folder holding rel (*leaf: its last component), or -1. */
static int dirstack_parent(struct dirstack *s, const char *rel, const char **leaf)
{
	const char *slash = strrchr(rel, '/');
	size_t plen = slash ? (size_t)(slash - rel) + 1 : 0;
	*leaf = rel + plen;
	if (s->root < 0)
		return -1;
	size_t keep = 0;
	while (keep < s->n && s->end[keep] <= plen && memcmp(s->path.ptr, rel, s->end[keep]) == 0)
		keep++;
	while (s->n > keep)
		close(s->fd[--s->n]);
	buf_setlen(&s->path, keep ? s->end[keep - 1] : 0);
	size_t at = s->path.len;
	while (at < plen) {
		const char *c = rel + at, *e = memchr(c, '/', plen - at);
		size_t len = (size_t)(e - c);
		if (s->n == LINK_DEPTH || len == 0 || len > 255)
			return -1;
		char name[256];
		memcpy(name, c, len);
		name[len] = '\0';
		int fd = openat(s->n ? s->fd[s->n - 1] : s->root, name,
				O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -1;
		s->fd[s->n] = fd;
		s->end[s->n] = (size_t)(e - rel) + 1;
		s->n++;
		buf_add(&s->path, c, len + 1);
		at = s->end[s->n - 1];
	}
	return s->n ? s->fd[s->n - 1] : s->root;
}

/* The side object's key: one per published listing. */
static void side_key(const char *published, char key[CACHE_KEY_LEN + 1])
{
	struct buf k = BUF_INIT;
	key_add_str(&k, "loa-links-1");
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

/* Indexes a listing's lines by path (borrowed: each path ends with the
 * NUL its line holds). */
static bool index_listing(const char *data, size_t len, struct strmap *m)
{
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *nl = nul ? memchr(nul, '\n', (size_t)(end - nul)) : NULL;
		if (!nl)
			return false;
		strmap_put(m, p, (size_t)(p - data), NULL);
		p = nl + 1;
	}
	return true;
}

/* The previous build's listing and side object, and its live folder,
 * when the record of that build names them and the live folder is the
 * one it published. */
static void load_previous(struct build *b, struct incr_links *l)
{
	char key[CACHE_KEY_LEN + 1];
	if (!b->prev_published[0] || cache_load(b->cache, b->prev_published, &l->listing) != 1)
		return;
	side_key(b->prev_published, key);
	if (cache_load(b->cache, key, &l->side) != 1)
		return;
	int fd = open(b->opts->out_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != b->prev_out_id ||
	    !index_listing(l->listing.data, l->listing.data_len, &l->line_of)) {
		close(fd);
		return;
	}
	size_t off = 0, next;
	struct side_entry e;
	while (off < l->side.data_len && side_entry(&l->side, off, &e, &next)) {
		strmap_put(&l->entry_of, l->side.data + off, off, NULL);
		off = next;
	}
	if (off != l->side.data_len) { /* malformed: use none of it */
		strmap_release(&l->entry_of);
		l->entry_of = (struct strmap)STRMAP_INIT;
	}
	l->live.root = fd;
}

void incr_links_open(struct build *b)
{
	if (!b->cache || !b->out)
		return;
	struct incr_links *l = xcalloc(1, sizeof(*l));
	l->listing = (struct cache_object)CACHE_OBJECT_INIT;
	l->side = (struct cache_object)CACHE_OBJECT_INIT;
	l->line_of = (struct strmap)STRMAP_INIT;
	l->entry_of = (struct strmap)STRMAP_INIT;
	l->by_path = (struct strmap)STRMAP_INIT;
	l->next = (struct buf)BUF_INIT;
	dirstack_init(&l->live, -1);
	l->how = xcalloc(b->njobs + 1, sizeof(*l->how));
	l->linked = xcalloc(b->njobs + 1, sizeof(*l->linked));
	load_previous(b, l);
	b->links = l;
}

void incr_links_free(struct incr_links *l)
{
	if (!l)
		return;
	int root = l->live.root;
	dirstack_release(&l->live);
	if (root >= 0)
		close(root);
	cache_object_release(&l->listing);
	cache_object_release(&l->side);
	strmap_release(&l->line_of);
	strmap_release(&l->entry_of);
	strmap_release(&l->by_path);
	buf_release(&l->next);
	free(l->how);
	free(l->linked);
	free(l);
}

void incr_links_note(struct build *b, size_t job, const char *path, const struct cache_object *o)
{
	if (!b->links)
		return;
	b->links->how[job] = HOW_CACHE;
	side_add(&b->links->next, path, b->keys[job], o->ident, o->diags, o->diags_len, o->deps,
		 o->deps_len);
}

/* The same file, as far as a link can tell: linkat changed its change
 * time, nothing else. */
static bool same_but_ctime(const struct stat *a, const struct stat *b)
{
	return S_ISREG(a->st_mode) && a->st_mode == b->st_mode && a->st_ino == b->st_ino &&
	       a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

bool incr_links_try(struct build *b, size_t job, const char *path)
{
	struct incr_links *l = b->links;
	size_t off, line, next;
	struct side_entry e;
	char ident[CACHE_IDENT_LEN];
	/* this key's output, whose object is still the file verified or
	 * written then (a damaged object is read, refused and rewritten:
	 * the cache heals as before), with its deps holding */
	if (!l || l->off || l->live.root < 0 || !strmap_get(&l->entry_of, path, &off) ||
	    !side_entry(&l->side, off, &e, &next) ||
	    memcmp(e.key, b->keys[job], CACHE_KEY_LEN) != 0 ||
	    !strmap_get(&l->line_of, path, &line) || !cache_ident(b->cache, b->keys[job], ident) ||
	    strcmp(ident, e.ident) != 0 || !incr_deps_hold(b, e.deps, e.deps_len))
		return false;
	/* the live file, exactly as the previous build listed it */
	const char *leaf;
	int dir = dirstack_parent(&l->live, path, &leaf);
	struct stat live, now;
	if (dir < 0 || fstatat(dir, leaf, &live, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(live.st_mode))
		return false;
	const char *want = l->listing.data + line;
	const char *nl = memchr(want, '\n', l->listing.data_len - line);
	struct buf got = BUF_INIT;
	outdir_listing_line(&got, "", path, &live);
	bool same = nl && got.len == (size_t)(nl + 1 - want) && memcmp(got.ptr, want, got.len) == 0;
	buf_release(&got);
	if (!same)
		return false;
	if (outdir_link(b->out, path, dir, leaf, &now, b->diags) < 0) {
		/* a file system without hard links, or files not ours
		 * (fs.protected_hardlinks): no more tries this build */
		if (errno == EPERM || errno == EOPNOTSUPP || errno == EXDEV || errno == ENOSYS)
			l->off = true;
		return false;
	}
	if (!same_but_ctime(&now, &live)) {
		/* the live name was swapped between the check and the link */
		outdir_unlink(b->out, path);
		return false;
	}
	l->how[job] = HOW_LINKED;
	l->linked[job] = now;
	diag_list_decode(b->diags, e.diags, e.diags_len);
	side_add(&l->next, path, b->keys[job], e.ident, e.diags, e.diags_len, e.deps, e.deps_len);
	b->linked++;
	return true;
}

static const char *job_path(const struct build *b, size_t j)
{
	return j < b->ncontent ? b->site.pages[b->content[j]]->out_path
			       : sitelua_extra(b->sl, j - b->ncontent)->out_path;
}

/* A link whose file changed since it was made (an edit of the previous
 * site during the build reaches the new one through the shared inode) is
 * replaced by a copy of its cache object. False when one could not be. */
static bool replace_link(struct build *b, struct outdir *o, size_t j, const char *path)
{
	struct cache_object obj;
	bool ok = cache_load(b->cache, b->keys[j], &obj) == 1;
	outdir_unlink(o, path);
	if (ok) {
		ok = outdir_write(o, path, obj.data, obj.data_len, b->diags) == 0;
		cache_object_release(&obj);
	}
	b->links->how[j] = HOW_CACHE;
	return ok;
}

void incr_links_before_swap(struct build *b, struct outdir *o)
{
	struct incr_links *l = b->links;
	if (!l || !b->linked || !b->listing.len)
		return;
	struct strmap at = STRMAP_INIT;
	struct buf want = BUF_INIT;
	bool changed = false;
	index_listing(b->listing.ptr, b->listing.len, &at);
	for (size_t j = 0; j < b->njobs; j++) {
		if (l->how[j] != HOW_LINKED)
			continue;
		const char *path = job_path(b, j);
		size_t off;
		buf_reset(&want);
		outdir_listing_line(&want, "", path, &l->linked[j]);
		bool same = strmap_get(&at, path, &off) && off + want.len <= b->listing.len &&
			    memcmp(b->listing.ptr + off, want.ptr, want.len) == 0;
		if (!same) {
			changed = true;
			if (!replace_link(b, o, j, path))
				l->untrusted = true;
		}
	}
	strmap_release(&at);
	buf_release(&want);
	for (size_t j = 0; j < b->njobs; j++)
		if (l->how[j] == HOW_LINKED)
			strmap_put(&l->by_path, job_path(b, j), j, NULL);
	if (changed) {
		buf_reset(&b->listing);
		outdir_fingerprint(o, b->published, &b->listing);
	}
}

/* Told of each file of the previous site right after its unlink
 * (outdir_commit_hook): a linked file's live name is stat'ed at once, so
 * that its line in the listing holds the change time that unlink gave it,
 * and only when nothing else about it changed since the link. */
void incr_links_removed(void *ctx, int live_fd, const char *relpath)
{
	struct build *b = ctx;
	struct incr_links *l = b->links;
	size_t j;
	struct stat st;
	if (!l || !strmap_get(&l->by_path, relpath, &j) || l->how[j] != HOW_LINKED)
		return;
	/* the full path: a folder swapped for a symlink since is seen by
	 * the next build's listing check, whose folders are opened with
	 * O_NOFOLLOW */
	if (fstatat(live_fd, relpath, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    same_but_ctime(&st, &l->linked[j])) {
		l->linked[j] = st;
		l->how[j] = HOW_CONFIRMED;
	}
}

/* The listing as the live site is after the previous one was removed:
 * the lines of the links with their change time of now, and the
 * fingerprint made again over it. */
void incr_links_after_commit(struct build *b)
{
	struct incr_links *l = b->links;
	if (!l || !b->listing.len)
		return;
	if (l->untrusted) {
		/* a changed link was published: the next build walks nothing
		 * from this one and republishes from the cache */
		b->published[0] = '\0';
		buf_reset(&b->listing);
		return;
	}
	if (!b->linked)
		return;
	/* a link not confirmed keeps the line taken before the swap, which
	 * no longer holds: the next build publishes it again */
	struct buf out = BUF_INIT;
	buf_grow(&out, b->listing.len);
	const char *p = b->listing.ptr, *end = p + b->listing.len;
	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *nl = nul ? memchr(nul, '\n', (size_t)(end - nul)) : NULL;
		size_t j;
		if (!nl)
			break; /* never: the listing is the fingerprint's own */
		if (strmap_get(&l->by_path, p, &j) && l->how[j] == HOW_CONFIRMED)
			outdir_listing_line(&out, "", p, &l->linked[j]);
		else
			buf_add(&out, p, (size_t)(nl + 1 - p));
		p = nl + 1;
	}
	buf_release(&b->listing);
	b->listing = out;
	repo_hash_bytes(b->listing.ptr, b->listing.len, b->published);
}

void incr_links_store(struct build *b)
{
	struct incr_links *l = b->links;
	if (!l || !b->published[0] || !b->listing.len)
		return;
	/* the pages rendered now: their diagnostics and deps as stored */
	struct cache_object obj = CACHE_OBJECT_INIT;
	for (size_t j = 0; j < b->njobs; j++)
		if (l->how[j] == HOW_RENDERED && b->ok[j] && b->keys[j][0] &&
		    cache_load_into(b->cache, b->keys[j], &obj) == 1)
			side_add(&l->next, job_path(b, j), b->keys[j], obj.ident, obj.diags,
				 obj.diags_len, obj.deps, obj.deps_len);
	cache_object_release(&obj);
	side_key(b->published, b->side_key);
	if (cache_store(b->cache, b->side_key, l->next.ptr, l->next.len, "", 0, "", 0) < 0)
		b->side_key[0] = '\0';
}
