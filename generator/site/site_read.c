/* site_read — the content files read and parsed, on several threads.
 *
 * Reading a .md file (git's zlib) and parsing its front matter (YAML) need
 * its bytes only, and were most of the load stage of a full build. So the
 * files are shared out among threads, a few at a time: each thread has
 * its own handle on the repository (repo_reader), its own arena and its
 * own part of the next table of parsed files, and each file its own
 * diagnostics; the last build's table is only read. Whatever shows an
 * order (the diagnostics, the pages, the entries kept from the last
 * table) is put together afterwards by the calling thread, in path order
 * (site.c), so the site is the same with any number of threads. */
#include "site/site_internal.h"
#include "site/site_blobs.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "content/frontmatter.h"
#include "source/repo.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Files taken at once by a thread: few enough to share the work evenly,
 * enough that the shared counter is not contended. */
enum { CHUNK = 16 };
/* A thread more only for this many files: opening a repository and
 * starting a thread cost more than reading a small site. */
enum { FILES_PER_THREAD = 128 };
/* Nesting of YAML and TOML is bounded by their limits; the stack of the
 * calling thread's size is more than enough. */
enum { STACK_BYTES = 8 << 20 };

struct reader {
	struct site_readers *all;
	struct repo *repo; /* its own; the calling thread's is the site's */
	struct arena arena;
	struct buf scratch;
	struct site_blobs added; /* this thread's part of the next table */
	pthread_t tid;
	bool started;
};

struct site_readers {
	struct site *s;
	/* the last build's table (NULL: none): only read while the threads
	 * run; what they parsed for the next one is taken into it after */
	struct site_blobs *bl;
	struct site_read *out;
	atomic_size_t taken; /* files handed out so far */
	int alloc_arena;     /* the calling thread's, shared by the others */
	size_t nreaders;
	struct reader r[]; /* r[0]: the calling thread's */
};

static bool looks_binary(const char *data, size_t len)
{
	size_t n = len < 8192 ? len : 8192;
	return memchr(data, '\0', n) != NULL;
}

/* The bytes and front matter of a listed file: from the last build's
 * table when it has its blob, else read and parsed, and then offered to
 * the next table when the parse said nothing. A listed file passed the
 * size limit and the type checks already (repo_list). In --worktree mode
 * the listing hashed the file's bytes on disk: the table's entry for that
 * id is those bytes, and a file read again is offered only if it still
 * has them (it may have been saved since its listing). */
static void read_one(struct reader *rd, size_t i)
{
	static const struct yaml_limits limits = YAML_LIMITS_DEFAULT;
	const struct site *s = rd->all->s;
	const struct repo_file *f = &s->files[i];
	struct site_read *o = &rd->all->out[i];
	struct arena *a = &rd->arena;
	o->blob_entry = SIZE_MAX;
	if (rd->all->bl && site_blobs_lookup(rd->all->bl, f->oid, f->size, a, &o->src, &o->fm,
					     &o->blob_entry) == 1) {
		o->len = f->size;
		o->ok = true;
		return;
	}
	struct buf *b = &rd->scratch;
	if (repo_read(rd->repo, f, b, &o->diags) < 0)
		return;
	if (looks_binary(b->ptr, b->len)) {
		diag_error(&o->diags, f->path, 1, 0, "binary file named .md (it holds NUL bytes)");
		return;
	}
	char *copy = arena_strndup(a, b->ptr, b->len);
	if (frontmatter_parse(&o->fm, a, f->path, copy, b->len, &limits, &o->diags) < 0)
		return;
	/* a warning names the path: such a file is parsed again each build */
	if (rd->all->bl && !o->diags.len &&
	    (!s->opts.worktree || repo_file_matches(f, b->ptr, b->len)))
		site_blobs_add(&rd->added, f->oid, copy, b->len, &o->fm);
	o->src = copy;
	o->len = b->len;
	o->ok = true;
}

static void *read_files(void *arg)
{
	struct reader *rd = arg;
	struct site_readers *all = rd->all;
	size_t n = all->s->nfiles;
	if (rd != &all->r[0])
		xalloc_use_arena(all->alloc_arena);
	for (;;) {
		size_t from = atomic_fetch_add(&all->taken, CHUNK);
		if (from >= n)
			break;
		size_t to = n - from < CHUNK ? n : from + CHUNK;
		for (size_t i = from; i < to; i++)
			if (str_has_suffix(all->s->files[i].path, ".md"))
				read_one(rd, i);
	}
	return NULL;
}

struct site_readers *site_read_start(struct site *s, struct site_blobs *bl, struct site_read *out,
				     unsigned threads)
{
	size_t want = s->nfiles / FILES_PER_THREAD;
	if (want < 1)
		want = 1;
	if (threads > want)
		threads = (unsigned)want;
	if (threads < 1)
		threads = 1;
	struct site_readers *all = xcalloc(1, sizeof(*all) + threads * sizeof(all->r[0]));
	all->s = s;
	all->bl = bl;
	all->out = out;
	atomic_init(&all->taken, 0);
	all->alloc_arena = xalloc_thread_arena();
	all->nreaders = threads;
	pthread_attr_t attr;
	bool attr_ok = pthread_attr_init(&attr) == 0;
	if (attr_ok)
		(void)pthread_attr_setstacksize(&attr, STACK_BYTES);
	for (size_t k = 0; k < threads; k++) {
		struct reader *rd = &all->r[k];
		*rd = (struct reader){ .all = all, .arena = ARENA_INIT, .scratch = BUF_INIT,
				       .added = SITE_BLOBS_INIT };
		if (k == 0) {
			rd->repo = s->repo;
			continue;
		}
		/* without a handle or a thread of its own, the others read more */
		rd->repo = attr_ok ? repo_reader(s->repo) : NULL;
		rd->started = rd->repo &&
			      pthread_create(&rd->tid, &attr, read_files, rd) == 0;
	}
	if (attr_ok)
		pthread_attr_destroy(&attr);
	return all;
}

void site_read_finish(struct site_readers *all)
{
	read_files(&all->r[0]);
	all->s->read_threads = 1;
	for (size_t k = 0; k < all->nreaders; k++) {
		struct reader *rd = &all->r[k];
		if (rd->started) {
			pthread_join(rd->tid, NULL);
			all->s->read_threads++;
		}
		if (k > 0)
			repo_free(rd->repo);
		arena_adopt(&all->s->arena, &rd->arena);
		if (all->bl)
			site_blobs_take(all->bl, &rd->added);
		else
			site_blobs_release(&rd->added);
		buf_release(&rd->scratch);
	}
	free(all);
}
