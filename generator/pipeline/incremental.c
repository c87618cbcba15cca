/* incremental — the cache policy of incremental builds in one place: the
 * keys (base, whole build, per job; what keys.c covers), when a rebuild
 * is up to date, which jobs are taken from the cache and what a render
 * stores there (with the pages it read: deps), and the record and sweep
 * after a published build. The object store itself is cache.c. */
#include "pipeline/build_internal.h"
#include "base/diag.h"
#include "base/spill.h"
#include "base/status.h"
#include "base/strmap.h"
#include "base/sysutil.h"
#include "base/xalloc.h"
#include "incr/keys.h"
#include "pipeline/outdir.h"
#include "content/dates.h"
#include "plugin/sitelua.h"
#include "source/repo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The own key fields of listed files: an own file's blob id covers its
 * bytes (installed files are in the base key). */
void incr_key_own_files(struct build *b, const struct sitefile *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].own) {
			key_add_str(&b->own_key, f[i].label);
			key_add_str(&b->own_key, f[i].file.oid);
		}
}

/* what a render that read page i's table (or every page's) saw:
 * sitelua_page_key, made once a process */
static const char *page_dep_key(struct build *b, size_t i)
{
	return sitelua_page_key(b->sl, i);
}

static const char *all_pages_key(struct build *b)
{
	return sitelua_all_pages_key(b->sl);
}

/* A page of a deps line is its index and a 64-bit hash of its path: the
 * index finds it without a lookup while it is still that page's, the hash
 * finds it when pages were added or removed before it. Neither decides:
 * the key of the "=" line covers each page's path (its page key and its
 * volatile fields both start with it), so a page found by a colliding
 * hash gives another key, a miss. A line's path was three quarters of
 * the deps, which every cached object, every worker's reply and the
 * side object of each build carry (26.8 MB of 26.8 at 10,000 pages). */
static uint64_t path_hash(const char *path)
{
	uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		h = (h ^ *p) * 0x100000001b3u;
	return h;
}

/* page i's path_hash, the table made once a process */
static uint64_t page_path_hash(struct build *b, size_t i)
{
	if (!b->path_hashes) {
		b->path_hashes = xmalloc(b->site.npages * sizeof(*b->path_hashes) + 1);
		for (size_t j = 0; j < b->site.npages; j++)
			b->path_hashes[j] = path_hash(b->site.pages[j]->path);
	}
	return b->path_hashes[i];
}

/* "[~]INDEX HASH\n" into out (HASH: 16 hex digits), without printf: a
 * render writes a few dozen of them, and vsnprintf was a sixth of the
 * deps' CPU */
static void put_dep_line(struct buf *out, bool vol, size_t index, uint64_t hash)
{
	static const char hex[] = "0123456789abcdef";
	char line[48];
	size_t n = sizeof(line);
	line[--n] = '\n';
	for (int d = 0; d < 16; d++, hash >>= 4)
		line[--n] = hex[hash & 15];
	line[--n] = ' ';
	do {
		line[--n] = (char)('0' + index % 10);
		index /= 10;
	} while (index);
	if (vol)
		line[--n] = '~';
	buf_add(out, line + n, sizeof(line) - n);
}

/* what a render that ran plugin code may have read: every page's table
 * and every theme global */
static void add_everything(struct build *b, struct buf *k)
{
	key_add_str(k, all_pages_key(b));
	key_add_str(k, sitelua_all_globals_key(b->sl));
}

static void add_global(struct build *b, struct buf *k, const char *name, size_t len)
{
	key_add_bytes(k, name, len);
	key_add_str(k, sitelua_global_key(b->sl, name, len));
}

/* The deps side file of a cached render, one entry a line: "*" when it
 * ran plugin code (it depends on every page's table and every theme
 * global), the pages whose tables it read (through the template
 * runtime), "~" and a page whose volatile fields it read, "$" and a theme
 * global it read, "%" and "NAME\tKEY", an entry of a theme global it
 * read alone, "#" and an index of pages its data function listed,
 * "S" when its Markdown (or its data function's) resolved a link or an
 * image against the site; then "=" and the key of what it read. */
static void deps_encode(struct build *b, struct buf *out)
{
	size_t n, nv, ng;
	bool all;
	const size_t *deps = sitelua_deps(b->sl, &n, &all);
	const size_t *vdeps = sitelua_deps_volatile_list(b->sl, &nv);
	const char *const *gdeps = sitelua_deps_globals(b->sl, &ng);
	size_t ne;
	const char *const *edeps = sitelua_deps_global_entries(b->sl, &ne);
	size_t nx;
	const char *const *xdeps = sitelua_deps_indexes(b->sl, &nx);
	bool structure = b->read_structure || sitelua_deps_structure(b->sl);
	if (!n && !nv && !ng && !ne && !nx && !all && !structure)
		return;
	struct buf k = BUF_INIT;
	char key[CACHE_KEY_LEN + 1];
	if (all) {
		buf_puts(out, "*\n");
		add_everything(b, &k);
	}
	for (size_t i = 0; i < n && !all; i++) {
		put_dep_line(out, false, deps[i], page_path_hash(b, deps[i]));
		key_add_str(&k, page_dep_key(b, deps[i]));
	}
	for (size_t i = 0; i < nv; i++) {
		put_dep_line(out, true, vdeps[i], page_path_hash(b, vdeps[i]));
		keys_page_volatile(&k, b->site.pages[vdeps[i]]);
	}
	for (size_t i = 0; i < ng; i++) {
		buf_putc(out, '$');
		buf_puts(out, gdeps[i]);
		buf_putc(out, '\n');
		add_global(b, &k, gdeps[i], strlen(gdeps[i]));
	}
	for (size_t i = 0; i < ne; i++) {
		buf_putc(out, '%');
		buf_puts(out, edeps[i]);
		buf_putc(out, '\n');
		sitelua_key_global_entry(b->sl, edeps[i], strlen(edeps[i]), &k);
	}
	for (size_t i = 0; i < nx; i++) {
		buf_putc(out, '#');
		buf_puts(out, xdeps[i]);
		buf_putc(out, '\n');
		sitelua_index_key(b->sl, xdeps[i], &k);
	}
	if (structure) {
		buf_puts(out, "S\n");
		key_add_str(&k, sitelua_structure_key(b->sl));
	}
	key_finish(&k, key);
	buf_addf(out, "=%s\n", key);
	buf_release(&k);
}

struct hashed_page {
	uint64_t hash;
	size_t index;
};

static int cmp_hashed_page(const void *a, const void *b)
{
	const struct hashed_page *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* The page whose path has that hash (the first of the lowest index, when
 * several have), the sorted table made at the first miss of a process */
static bool page_of_hash(struct build *b, uint64_t hash, size_t *i)
{
	size_t n = b->site.npages;
	if (!b->pages_by_hash) {
		b->pages_by_hash = xmalloc(n * sizeof(*b->pages_by_hash) + 1);
		for (size_t j = 0; j < n; j++)
			b->pages_by_hash[j] = (struct hashed_page){ page_path_hash(b, j), j };
		qsort(b->pages_by_hash, n, sizeof(*b->pages_by_hash), cmp_hashed_page);
	}
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->pages_by_hash[mid].hash < hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n || b->pages_by_hash[lo].hash != hash)
		return false;
	*i = b->pages_by_hash[lo].index;
	return true;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The page a deps line names ("INDEX HASH", len bytes at p), if any. */
static bool deps_page(struct build *b, const char *p, size_t len, size_t *i)
{
	size_t idx = 0, at = 0;
	while (at < len && at < 12 && p[at] >= '0' && p[at] <= '9')
		idx = idx * 10 + (size_t)(p[at++] - '0');
	if (at == 0 || len != at + 17 || p[at] != ' ')
		return false;
	uint64_t hash = 0;
	for (size_t d = at + 1; d < len; d++) {
		int v = hex_digit(p[d]);
		if (v < 0)
			return false;
		hash = hash << 4 | (uint64_t)v;
	}
	if (idx < b->site.npages && page_path_hash(b, idx) == hash) {
		*i = idx;
		return true;
	}
	return page_of_hash(b, hash, i);
}

/* The builder's SHA-256 context, for the keys of every job and deps line
 * (a key_finish each fetched the algorithm again) */
static struct key_hasher *hasher(struct build *b)
{
	if (!b->hasher)
		b->hasher = key_hasher_new();
	return b->hasher;
}

/* True when the pages a cached render read still have the fields it saw. */
bool incr_deps_hold(struct build *b, const char *deps, size_t len)
{
	struct buf k = BUF_INIT;
	const char *p = deps, *end = deps + len;
	bool ok = len == 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		const char *line = p;
		size_t n = (size_t)(nl - p);
		p = nl + 1;
		size_t i;
		if (n && line[0] == '=') {
			char key[CACHE_KEY_LEN + 1];
			key_hasher_finish(hasher(b), &k, key);
			ok = p == end && n == CACHE_KEY_LEN + 1 &&
			     memcmp(line + 1, key, CACHE_KEY_LEN) == 0;
			break;
		}
		if (n == 1 && line[0] == '*') {
			add_everything(b, &k);
			continue;
		}
		if (n == 1 && line[0] == 'S') {
			key_add_str(&k, sitelua_structure_key(b->sl));
			continue;
		}
		if (n > 1 && line[0] == '$') {
			add_global(b, &k, line + 1, n - 1);
			continue;
		}
		if (n > 1 && line[0] == '%') {
			if (!sitelua_key_global_entry(b->sl, line + 1, n - 1, &k))
				break;
			continue;
		}
		if (n > 1 && line[0] == '#') {
			char name[520]; /* sitelua_names_add takes none longer */
			if (n - 1 >= sizeof(name))
				break;
			memcpy(name, line + 1, n - 1);
			name[n - 1] = '\0';
			sitelua_index_key(b->sl, name, &k);
			continue;
		}
		size_t vol = n && line[0] == '~';
		if (!deps_page(b, line + vol, n - vol, &i))
			break;
		if (vol)
			keys_page_volatile(&k, b->site.pages[i]);
		else
			key_add_str(&k, page_dep_key(b, i));
	}
	buf_release(&k);
	return ok;
}

/* A file made by a content function kept in the cache (sitelua_memo.c). */
static bool content_file(const struct extra_output *e)
{
	return !e->layout && !e->bytes_key[0] && e->memo_key[0];
}

/* One whose object the cache holds, its deps holding: its job is keyed
 * by that object, not rendered from the state. */
static bool memo_file(const struct extra_output *e)
{
	return content_file(e) && e->memo_hit && e->memo_result[0];
}

/* That key, into k: the function's, and the key over what its deps
 * named (result), which together name the file's bytes. */
static void add_memo_file_key(struct buf *k, const struct build *b, const struct extra_output *e,
			      const char *result)
{
	key_add_str(k, "loa-plugin-memo-file-1");
	key_add_str(k, b->base_key);
	key_add_str(k, e->out_path);
	key_add_str(k, e->memo_key);
	key_add_str(k, result);
}

void incr_job_key_made(struct build *b, size_t j, const char *key)
{
	const struct extra_output *e = j < b->ncontent ? NULL : sitelua_extra(b->sl, j - b->ncontent);
	if (e && content_file(e) && !b->keys[j][0] && strlen(key) == CACHE_KEY_LEN)
		memcpy(b->keys[j], key, CACHE_KEY_LEN + 1);
}

bool incr_job_keyed(const struct build *b, size_t j)
{
	if (j < b->ncontent)
		return true;
	const struct extra_output *e = sitelua_extra(b->sl, j - b->ncontent);
	return e->layout || e->bytes_key[0] || memo_file(e);
}

const char *incr_object_key(const struct build *b, size_t j)
{
	const struct extra_output *e = j < b->ncontent ? NULL : sitelua_extra(b->sl, j - b->ncontent);
	return e && memo_file(e) ? e->memo_key : b->keys[j];
}

/* What incr_store kept of the job, for the standby's entry (render_job
 * sends it, stored_entry reads it): IDENT NUL, KEY NUL (the job's key
 * when the builder has none: a content function's file made now), then
 * the diagnostics and the deps, each after its length as 8 hex digits. */
static void stored_record(struct build *b, const char *ident, const char *key,
			  const struct buf *diags, const struct buf *deps)
{
	buf_reset(&b->stored);
	buf_add(&b->stored, ident, strlen(ident) + 1);
	buf_add(&b->stored, key, strlen(key) + 1);
	buf_addf(&b->stored, "%08zx", diags->len);
	buf_add(&b->stored, diags->ptr, diags->len);
	buf_addf(&b->stored, "%08zx", deps->len);
	buf_add(&b->stored, deps->ptr, deps->len);
}

/* A content function's file's job: its object is the function's, stored
 * once (sitelua_memo.c), never again under the job's key. Its entry in
 * the standby names that object, under the job's key: decided by the
 * builder (the object found), or made here when the function was called
 * and its object stored now. No diagnostics: a file taken from the cache
 * shows none either. */
static void store_memo_file(struct build *b, const struct extra_output *e,
			    const struct diag_list *d)
{
	const char *key = b->keys[b->current_job];
	const char *made = sitelua_memo_made(b->sl);
	char ident[CACHE_IDENT_LEN], made_key[CACHE_KEY_LEN + 1] = "";
	if (!b->standby || d->errors)
		return;
	if (*key && *made && strcmp(made, e->memo_result) != 0)
		return; /* made again, and not what the key names */
	if (!*key && !*made)
		return; /* made but not kept */
	if (!*key) {
		struct buf k = BUF_INIT;
		add_memo_file_key(&k, b, e, made);
		key_finish(&k, made_key);
		buf_release(&k);
	}
	if (cache_ident(b->cache, e->memo_key, ident) == 1) {
		struct buf none = BUF_INIT;
		stored_record(b, ident, made_key, &none, &none);
	}
}

/* A rendered job's output stored in the cache, with its diagnostics so
 * far and what else it read: only a job with a key, whose render read
 * nothing untracked and gave no error. */
void incr_store(struct build *b, const struct buf *data, const struct diag_list *d)
{
	size_t j = b->current_job;
	const struct extra_output *e = j < b->ncontent ? NULL : sitelua_extra(b->sl, j - b->ncontent);
	if (b->keys && e && content_file(e)) {
		store_memo_file(b, e, d);
		return;
	}
	const char *key = b->keys ? b->keys[j] : "";
	if (*key && !sitelua_untracked(b->sl) && d->errors == 0) {
		struct buf enc = BUF_INIT, deps = BUF_INIT;
		diag_list_encode(&enc, d);
		deps_encode(b, &deps);
		/* a failed store only costs the next build a render */
		char ident[CACHE_IDENT_LEN];
		if (cache_store(b->cache, key, data->ptr, data->len, enc.ptr, enc.len, deps.ptr,
				deps.len) == 0 &&
		    b->standby && cache_ident(b->cache, key, ident) == 1)
			stored_record(b, ident, "", &enc, &deps);
		buf_release(&enc);
		buf_release(&deps);
	}
}

/* What every key starts with: the program, the options that change pages,
 * and the theme and plugin folders (read from disk, not from git); made
 * once a build, into b->base_key. */
void incr_base_key(struct build *b)
{
	const struct build_options *o = b->opts;
	struct buf kb = BUF_INIT, *k = &kb;
	key_add_str(k, "loa-build-1");
	keys_program(k, b->cache);
	key_add_i64(k, o->site.drafts);
	key_add_i64(k, o->site.future);
	key_add_i64(k, o->site.worktree);
	key_add_i64(k, o->strict);
	/* the site's own theme and plugins come from its commit (in the
	 * whole build's key) or its work tree (their blob ids, in the state
	 * key of incr_use_cache) */
	static const char *const dirs[] = { "themes", "plugins" };
	for (int i = 0; i < 2; i++) {
		char *installed = xasprintf("%s/%s", o->data_dir, dirs[i]);
		keys_tree(k, installed);
		free(installed);
	}
	/* the browser editor's files, by the list of their hashes (editor.c) */
	char *sums = xasprintf("%s/editor/decap/SHA256SUMS", o->data_dir);
	struct buf sb = BUF_INIT;
	key_add_str(k, sys_read_file(sums, 64 * 1024, true, &sb) == 0 && sb.len ? sb.ptr : "absent");
	buf_release(&sb);
	free(sums);
	key_finish(k, b->base_key);
	buf_release(k);
}

/* The key of a whole build from a commit: nothing but the time can change
 * its output. Empty for --worktree, whose files have no commit. */
void incr_whole_build_key(const struct build *b, char key[CACHE_KEY_LEN + 1])
{
	const struct build_options *o = b->opts;
	key[0] = '\0';
	if (o->site.worktree)
		return;
	struct buf k = BUF_INIT;
	key_add_str(&k, b->base_key);
	key_add_str(&k, repo_commit_id(b->repo));
	key_finish(&k, key);
	buf_release(&k);
}

static bool same_folder(const char *dir, uint64_t id)
{
	struct stat st;
	return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (uint64_t)st.st_ino == id;
}

/* True when the live output still is what the fingerprint published
 * describes. Its listing, kept in the cache under that key (incr_remember),
 * is checked entry by entry without walking the tree; without it, the
 * tree is walked and fingerprinted again. */
static bool listing_holds(struct build *b, const char *published)
{
	struct cache_object obj;
	if (cache_load_trusting(b->cache, published, &obj) != 1) {
		char now[CACHE_KEY_LEN + 1];
		return outdir_fingerprint_path(b->opts->out_dir, now) == 0 &&
		       strcmp(now, published) == 0;
	}
	/* cache_load verified the object's own checksum and key */
	bool ok = outdir_listing_holds(b->opts->out_dir, obj.data, obj.data_len);
	cache_object_release(&obj);
	return ok;
}

/* A rebuild of the same commit, inputs and options within the time its
 * output cannot change by itself (before the next change and the next
 * day), of an output folder nobody touched since (the same fingerprint:
 * no file added, removed, edited or touched): the published site is
 * already what this build would make. Its outcome and diagnostics are the
 * last build's. Otherwise the site is built and published again, mostly
 * from the cache. */
/* What the live site and the standby are, for a build that runs
 * (incr_standby.c): the last record's fingerprints and folders. */
static void note_previous(struct build *b, const struct cache_record *r)
{
	if (r->status != LOA_EXIT_NOTHING && r->published[0]) {
		memcpy(b->prev_published, r->published, sizeof(b->prev_published));
		b->prev_out_id = r->out_id;
		memcpy(b->standby_published, r->standby, sizeof(b->standby_published));
		b->standby_id = r->standby[0] ? r->standby_id : 0;
	}
}

void incr_read_previous(struct build *b)
{
	struct cache_record r;
	struct buf enc = BUF_INIT;
	if (cache_record_read(b->cache, &r, &enc) == 0)
		note_previous(b, &r);
	buf_release(&enc);
}

bool incr_up_to_date(struct build *b, const char *key, struct build_result *res)
{
	struct cache_record r;
	struct buf enc = BUF_INIT;
	int64_t now = b->opts->site.now;
	/* a --worktree build has no key (its files have no commit), but the
	 * record still says what the live site and the standby are */
	bool have = cache_record_read(b->cache, &r, &enc) == 0;
	bool yes = have && *key && strcmp(r.key, key) == 0 && r.status != LOA_EXIT_NOTHING &&
		   now >= r.valid_from && (!r.valid_until || now < r.valid_until) &&
		   same_folder(b->opts->out_dir, r.out_id) && r.published[0];
	if (have)
		note_previous(b, &r);
	if (yes)
		yes = listing_holds(b, r.published);
	if (yes) {
		diag_list_decode(b->diags, enc.ptr, enc.len);
		res->status = r.status;
		res->pages = (size_t)r.pages;
		res->files = (size_t)r.files;
		res->next_change = r.next_change;
		snprintf(res->next_change_iso, sizeof(res->next_change_iso), "%s", r.next_iso);
		snprintf(res->next_change_where, sizeof(res->next_change_where), "%s", r.next_where);
		snprintf(res->next_change_why, sizeof(res->next_change_why), "%s", r.next_why);
		snprintf(res->lang, sizeof(res->lang), "%s", r.lang);
		res->up_to_date = true;
	}
	buf_release(&enc);
	return yes;
}

/* Keys of every job, and the output of each found sound in the cache
 * (cache_load verifies it) written into the new site, with the
 * diagnostics its render gave. The rest are left in b->todo for the
 * render pool. */
void incr_use_cache(struct build *b, size_t njobs)
{
	b->todo = xcalloc(njobs + 1, sizeof(*b->todo));
	b->keys = xcalloc(njobs + 1, sizeof(*b->keys));
	struct buf k = BUF_INIT;
	struct key_stream state;
	struct cache_object obj = CACHE_OBJECT_INIT;
	key_stream_init(&state);
	/* no Lua code runs until the renders: nested tables' digests are
	 * shared by every key below (plugin/luakey.h) */
	sitelua_key_pass(b->sl, true);
	key_add_str(&state.buf, b->base_key);
	keys_value(&state.buf, b->site.config.root);
	/* the pages' metadata and tables, the theme globals and where every
	 * page is (for Markdown links and images): in the deps of the renders
	 * that read them (deps_encode), so that a page added changes the key
	 * of no page that did not read what it changed */
	key_add_bytes(&state.buf, b->own_key.ptr, b->own_key.len);
	sitelua_key_state(b->sl, &state);
	/* made here, before the fork: the workers inherit them */
	sitelua_key_globals(b->sl);
	sitelua_structure_key(b->sl);
	char state_key[CACHE_KEY_LEN + 1];
	key_stream_finish(&state, state_key);
	/* a first build: its objects folder is new, no job has an object */
	bool none_stored = cache_objects_new(b->cache);
	for (size_t j = 0; j < njobs; j++) {
		buf_reset(&k);
		bool plain = false, fn_file = false;
		if (j < b->ncontent) {
			key_add_str(&k, state_key);
			/* where the page itself is (its URL, its list flags) */
			keys_page_structure(&k, &b->site, b->site.pages[b->content[j]]);
			keys_page(&k, &b->site, b->site.pages[b->content[j]]);
		} else {
			const struct extra_output *e = sitelua_extra(b->sl, j - b->ncontent);
			if (!incr_job_keyed(b, j)) {
				/* a content function's file made again: kept in
				 * the cache by the function's own key
				 * (sitelua_memo.c) */
				b->todo[b->ntodo++] = j;
				continue;
			}
			if (memo_file(e)) {
				/* its bytes are the function's object, as its
				 * deps held when it was made: the standby keeps
				 * the file (62 MB of feeds at 10,000 pages,
				 * read, checked and written again at every
				 * build before); else a worker copies the object */
				fn_file = true;
				add_memo_file_key(&k, b, e, e->memo_result);
			} else if (!e->layout) {
				/* a plugin's file of bytes: keyed by them (not the
				 * state), so the standby keeps it while they stay
				 * the same (the search index's 1,679 files at 10,000
				 * pages, rewritten at every build before) */
				plain = true;
				key_add_str(&k, "loa-plugin-bytes-1");
				key_add_str(&k, b->base_key);
				key_add_str(&k, e->out_path);
				key_add_str(&k, e->bytes_key);
			} else {
				key_add_str(&k, state_key);
				sitelua_key_extra(b->sl, j - b->ncontent, &k);
				size_t src;
				if (e->source && strmap_get(&b->site.page_by_path, e->source, &src))
					keys_page(&k, &b->site, b->site.pages[src]);
			}
		}
		key_hasher_finish(hasher(b), &k, b->keys[j]);
		if (fn_file)
			b->memo_files_keyed++;
		else if (plain)
			b->files_keyed++;
		else
			b->nkeyed++;
		const char *out_path = j < b->ncontent ? b->site.pages[b->content[j]]->out_path
						       : sitelua_extra(b->sl, j - b->ncontent)->out_path;
		/* the standby's file when it is this key's, untouched; else
		 * the object's bytes written afresh */
		bool kept = incr_standby_try(b, j, out_path);
		bool trusted = false;
		bool found = !kept && !none_stored && incr_object_key(b, j) == b->keys[j] &&
			     cache_load_known(b->cache, b->keys[j],
					      incr_standby_object_ident(b, j, out_path), &obj,
					      &trusted) == 1;
		b->objects_known += found && trusted;
		if (kept) {
			b->ok[j] = true;
			if (fn_file) {
				b->memo_files_kept++;
			} else if (plain) {
				b->files_kept++;
			} else {
				b->cached++;
				b->kept++;
			}
			if (b->opts->progress)
				b->opts->progress(b->opts->progress_ctx, ++b->jobs_done, njobs);
		} else if (found && incr_deps_hold(b, obj.deps, obj.deps_len) &&
			   outdir_write(b->out, out_path, obj.data, obj.data_len, b->diags) == 0) {
			incr_standby_note(b, j, &obj);
			diag_list_decode(b->diags, obj.diags, obj.diags_len);
			b->ok[j] = true;
			if (plain)
				b->files_cached++;
			else
				b->cached++;
			if (b->opts->progress)
				b->opts->progress(b->opts->progress_ctx, ++b->jobs_done, njobs);
		} else {
			b->todo[b->ntodo++] = j;
		}
	}
	sitelua_key_pass(b->sl, false);
	cache_object_release(&obj);
	buf_release(&k);
}

/* History results are kept by commit and content folder, under the base
 * key (the program: a new Loa may compute history differently). A commit
 * names its whole ancestry, so a result can never go stale; shallow
 * clones and work trees are never cached (site.c). */
static void history_key(const struct build *b, const char *commit, const char *dir,
			char key[CACHE_KEY_LEN + 1])
{
	struct buf k = BUF_INIT;
	key_add_str(&k, "loa-history-1");
	key_add_str(&k, b->base_key);
	key_add_str(&k, commit);
	key_add_str(&k, dir);
	key_finish(&k, key);
	buf_release(&k);
}

int incr_history_get(void *ctx, const char *commit, const char *dir, struct buf *out)
{
	struct build *b = ctx;
	char key[CACHE_KEY_LEN + 1];
	struct cache_object o;
	history_key(b, commit, dir, key);
	if (cache_load_trusting(b->cache, key, &o) != 1)
		return 0;
	/* kept one more build too: a rebuild of the parent, then of another
	 * child of it (previews of branches), walks no more */
	memcpy(b->history_from, key, sizeof(key));
	buf_add(out, o.data, o.data_len);
	cache_object_release(&o);
	return 1;
}

void incr_history_put(void *ctx, const char *commit, const char *dir, const void *data,
		      size_t len)
{
	struct build *b = ctx;
	history_key(b, commit, dir, b->history_key);
	buf_reset(&b->history_data);
	if (data)
		buf_add(&b->history_data, data, len);
}

/* A large object of one buffer's bytes, stored and trusted (cache.h) */
static int store_trusted(struct cache *c, const char *key, const struct buf *data)
{
	struct iovec one = { data->ptr, data->len };
	return cache_store_trusted(c, key, &one, 1);
}

/* The table of parsed content files (site/site_blobs.h) is one object
 * under a key of the program alone: its entries are keyed by blob id,
 * and each build reads the last build's table and replaces it when it
 * changed. */
int incr_blobs_get(void *ctx, void **map, size_t *map_size, const char **data, size_t *len)
{
	struct build *b = ctx;
	struct buf k = BUF_INIT;
	key_add_str(&k, "loa-blobs-1");
	key_add_str(&k, b->base_key);
	key_finish(&k, b->blobs_key);
	buf_release(&k);
	struct cache_map m;
	if (cache_map_trusting(b->cache, b->blobs_key, &m) != 1)
		return 0;
	*map = m.base; /* the site's now */
	*map_size = m.size;
	*data = m.data;
	*len = m.data_len;
	return 1;
}

int incr_blobs_put(void *ctx, const struct iovec *parts, size_t n)
{
	struct build *b = ctx;
	/* stored now, without gathering it, when the cache's folders exist;
	 * else (a first build) only the parts are kept until they do: their
	 * bytes are the site's (the files' bytes in its arena), not a copy of
	 * tens of megabytes held through the plugin stage */
	free(b->blobs_parts);
	b->blobs_parts = NULL;
	b->nblobs_parts = 0;
	if (cache_store_trusted(b->cache, b->blobs_key, parts, n) == 0)
		return 0;
	b->blobs_parts = xcalloc(n + 1, sizeof(*parts));
	memcpy(b->blobs_parts, parts, n * sizeof(*parts));
	b->nblobs_parts = n;
	return 1;
}

void incr_blobs_store(struct build *b)
{
	if (!b->blobs_parts)
		return;
	/* stored or not (no room): the parts are not needed past this point,
	 * and what they point into is freed before the workers fork */
	if (b->blobs_key[0])
		(void)cache_store_trusted(b->cache, b->blobs_key, b->blobs_parts, b->nblobs_parts);
	free(b->blobs_parts);
	b->blobs_parts = NULL;
	b->nblobs_parts = 0;
	site_blobs_stored(&b->site);
}

/* The table of indexed bodies (search/search_bodies.h): the same, under a
 * key of the program alone, its entries keyed by a digest of each body. */
int incr_search_get(void *ctx, void **map, size_t *map_size, const char **data, size_t *len)
{
	struct build *b = ctx;
	struct buf k = BUF_INIT;
	key_add_str(&k, "loa-search-1");
	key_add_str(&k, b->base_key);
	key_finish(&k, b->search_key);
	buf_release(&k);
	struct cache_map m;
	if (cache_map_trusting(b->cache, b->search_key, &m) != 1)
		return 0;
	*map = m.base; /* the caller's now */
	*map_size = m.size;
	*data = m.data;
	*len = m.data_len;
	return 1;
}

void incr_search_put(void *ctx, const struct iovec *parts, size_t n)
{
	struct build *b = ctx;
	spill_free(b->search_spill);
	b->search_spill = NULL;
	b->search_parts = 0;
	if (cache_store_trusted(b->cache, b->search_key, parts, n) == 0)
		return;
	/* a first build: kept out of memory until the folders exist (6 MB
	 * at 10,000 pages, held through the rest of the plugin stage, where
	 * the builder's memory peaks) */
	b->search_spill = spill_open(NULL);
	for (size_t i = 0; i < n; i++)
		(void)spill_add(b->search_spill, parts[i].iov_base, parts[i].iov_len);
	b->search_parts = n;
}

void incr_search_store(struct build *b)
{
	if (!b->search_key[0] || !b->search_spill)
		return;
	struct buf data = BUF_INIT;
	size_t len = 0;
	for (size_t i = 0; i < b->search_parts; i++)
		len += spill_len(b->search_spill, i);
	buf_grow(&data, len);
	int rc = 0;
	for (size_t i = 0; i < b->search_parts && rc == 0; i++)
		rc = spill_read(b->search_spill, i, &data);
	/* unread, nothing is stored: the next build indexes again */
	if (rc == 0)
		(void)store_trusted(b->cache, b->search_key, &data);
	buf_release(&data);
	spill_free(b->search_spill);
	b->search_spill = NULL;
	b->search_parts = 0;
}

/* After a published build: the record for the next one, and the cache
 * emptied of what this build did not use. */
void incr_remember(struct build *b, const char *key, const struct build_result *res)
{
	struct cache_record r;
	memset(&r, 0, sizeof(r));
	struct stat st;
	if (res->status == LOA_EXIT_NOTHING || lstat(b->opts->out_dir, &st) < 0) {
		cache_record_remove(b->cache);
	} else {
		/* empty for --worktree: never "nothing changed", but the next
		 * build starts from the standby (loa serve's rebuilds) */
		snprintf(r.key, sizeof(r.key), "%s", key);
		r.valid_from = b->opts->site.now;
		/* "today" is in every render's context: a new day, a new build */
		struct date day = b->site.today;
		day.prec = DATE_DAY;
		day.hour = day.minute = day.second = 0;
		day.has_offset = false;
		r.valid_until = date_to_epoch(&day, b->site.tz_offset) + 86400;
		if (res->next_change && res->next_change < r.valid_until)
			r.valid_until = res->next_change;
		r.status = res->status;
		r.pages = res->pages;
		r.files = res->files;
		r.out_id = (uint64_t)st.st_ino;
		snprintf(r.published, sizeof(r.published), "%s", b->published);
		if (b->standby_kept) { /* the site before, now the standby */
			snprintf(r.standby, sizeof(r.standby), "%s", b->prev_published);
			r.standby_id = b->prev_out_id;
		}
		r.next_change = res->next_change;
		snprintf(r.next_iso, sizeof(r.next_iso), "%s", res->next_change_iso);
		snprintf(r.next_where, sizeof(r.next_where), "%s", res->next_change_where);
		snprintf(r.next_why, sizeof(r.next_why), "%s", res->next_change_why);
		snprintf(r.lang, sizeof(r.lang), "%s", res->lang);
		struct buf enc = BUF_INIT;
		diag_list_encode(&enc, b->diags);
		cache_record_write(b->cache, &r, enc.ptr, enc.len);
		buf_release(&enc);
		if (b->published[0] && b->listing.len) {
			(void)store_trusted(b->cache, b->published, &b->listing);
			incr_standby_store(b);
		}
	}
	/* the history once the cache's folders exist: stored, kept */
	if (b->history_key[0] && b->history_data.len)
		(void)store_trusted(b->cache, b->history_key, &b->history_data);
	incr_sweep(b);
}

/* Keeps what this build used — the keys of every job that has one, the
 * plugin files, the tables, the history and the published listing — and
 * removes the rest. */
void incr_sweep(struct build *b)
{
	size_t files, reused, values, values_reused;
	size_t nmemo =
		b->sl ? sitelua_memo_count(b->sl, &files, &reused, &values, &values_reused) : 0;
	char **keep = xcalloc(b->njobs + nmemo + 8, sizeof(*keep));
	size_t n = nmemo ? sitelua_memo_keep(b->sl, keep) : 0;
	if (b->history_key[0])
		keep[n++] = b->history_key;
	if (b->blobs_key[0])
		keep[n++] = b->blobs_key;
	if (b->search_key[0])
		keep[n++] = b->search_key;
	if (b->history_from[0] && strcmp(b->history_from, b->history_key) != 0)
		keep[n++] = b->history_from;
	if (b->published[0] && b->listing.len)
		keep[n++] = b->published;
	if (b->side_key[0])
		keep[n++] = b->side_key;
	if (b->standby_kept) { /* what the next build checks the standby with */
		keep[n++] = b->prev_published;
		keep[n++] = b->standby_side;
	}
	for (size_t j = 0; b->keys && j < b->njobs; j++) /* no keys: stopped before them */
		if (b->keys[j][0])
			keep[n++] = b->keys[j];
	qsort(keep, n, sizeof(*keep), build_cmp_str);
	cache_trust_save(b->cache, keep, n);
	cache_sweep(b->cache, keep, n);
	free(keep);
}
