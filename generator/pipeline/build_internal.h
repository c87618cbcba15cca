/* build_internal — the state of one build, shared by build.c and the
 * files of its side jobs (private to generator/build/):
 *   build.c       orchestration: build_run's stages, timings, phases
 *   render.c      rendering a job, in the workers, and its reply
 *   guard.c       site-wide faults and the removal guard: when not to publish
 *   listing_check.c  a folder checked against its cached listing on a thread
 *   incremental.c the cache policy: keys, up-to-date check, reuse, record
 *   statics.c     static and bundle files: claimed, then copied as they are
 *   assets.c      the theme, its i18n and the plugins, read via sitefiles
 *   sitemap.c     sitemap.xml and robots.txt
 *   editor.c      the browser editor (Decap CMS) at /quan-tri/
 *   manifest.c    the review manifest (loa review)
 * A job is a content page (index < ncontent) or a plugin's extra output
 * (index - ncontent into sitelua_extra). */
#ifndef LOA_BUILD_INTERNAL_H
#define LOA_BUILD_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/arena.h"
#include "base/buf.h"
#include "pipeline/build.h"
#include "incr/cache.h"
#include "pipeline/pool.h"
#include "source/sitefiles.h"

struct diag_list;
struct spill;
struct luavm;
struct theme;
struct sitelua;
struct outdir;
struct image_stage;
struct value;

/* A theme's static file: its output path and where it is read from. */
struct static_file {
	const char *out_path;        /* "css/style.css" */
	const struct sitefile *src;  /* where it is read from */
	const char *shown;           /* "themes/default/static/css/style.css" for a site's own */
};

struct build {
	const struct build_options *opts;
	struct site site;
	bool site_loaded; /* site_load succeeded: opts->keep_site may take it */
	struct luavm *vm;
	struct theme *theme;       /* compiled layouts (assets_open_theme) */
	struct sitelua *sl;        /* plugin host; NULL until opened */
	struct prerender *prerender; /* content bodies rendered ahead (prerender.h); NULL: none */
	struct outdir *out;        /* the new site being written; NULL in a dry run and once committed */
	int out_of_room;           /* ENOSPC or EDQUOT: no room to start it (else 0) */
	size_t ncontent;      /* content pages rendered by the pool */
	size_t *content;      /* their indices into site.pages */
	bool *ok;             /* per job: written, from the cache or rendered */
	struct diag_list *job_diags; /* per rendered job, until guard_site_wide_errors */
	struct diag_list *diags;     /* the build's diagnostics (the caller's list) */
	/* the site's own files over the installed ones (sitefiles.h): its
	 * repo is set by whichever of build_run and assets_find_theme
	 * comes first (site_load's claim callback runs before build_run
	 * has the repository) */
	/* the repository at the built ref, opened once by stage_cache and
	 * handed to site_load (then site.repo; NULL here) */
	struct repo *repo;
	struct sitefiles files;
	struct sitefile *theme_files; /* the theme's files, sorted by rel */
	size_t ntheme_files;
	bool theme_listed;       /* theme_files is filled (listed once) */
	const char *theme_where; /* where the theme was looked for, for messages */
	struct buf own_key;      /* key fields: blob ids of the site's own theme and plugin files */
	struct static_file *statics; /* static files, by output path */
	size_t nstatics, statics_cap;
	struct arena arena;      /* strings that live as long as the build */
	size_t pages_written, files_written; /* for build_result */
	size_t njobs;            /* content pages plus extra outputs */
	size_t jobs_done;        /* for opts->progress */
	char job_hash[41]; /* in a worker only: the hash of the job's output, for the manifest */
	/* incremental builds (incremental.c); all NULL/0 without a cache */
	struct cache *cache;
	char (*keys)[CACHE_KEY_LEN + 1]; /* per job: its key, "" when not cacheable */
	/* the deps lines' page locators (incremental.c): per page, a hash of
	 * its path; the pages sorted by it; each made at its first use */
	uint64_t *path_hashes;
	struct hashed_page *pages_by_hash;
	/* in a worker: the job under way resolved a Markdown link or image
	 * against the site (its deps then hold sitelua_structure_key) */
	bool read_structure;
	/* the jobs left for the pool after the cache, as job indices: the
	 * pool's job i is todo[i] when todo is set, job i itself when not */
	size_t *todo, ntodo;
	size_t cached, nkeyed;   /* jobs taken from the cache, of the jobs with a key */
	/* the same for plugin files keyed by their bytes: written from the
	 * cache, kept from the standby, of those keyed */
	size_t files_cached, files_kept, files_keyed;
	/* content functions' files from the cache: kept from the standby, of those */
	size_t memo_files_kept, memo_files_keyed;
	size_t current_job;      /* in a worker only: the job being rendered (its key) */
	/* in a worker only: what incr_store stored of the job, for the reply
	 * (render_job): empty, or IDENT NUL, KEY NUL (see stored_record in
	 * incremental.c), then the stored diagnostics and deps, each after
	 * its length as 8 hex digits */
	struct buf stored;
	char base_key[CACHE_KEY_LEN + 1]; /* incr_base_key */
	char published[CACHE_KEY_LEN + 1]; /* fingerprint of the site as committed */
	struct buf listing; /* what published hashes, kept in the cache under that key */
	char history_key[CACHE_KEY_LEN + 1]; /* the built commit's history in the cache; "" none */
	char history_from[CACHE_KEY_LEN + 1]; /* the parent's it extended; "" none */
	struct buf history_data; /* to store there (incr_remember); empty: it is there */
	char blobs_key[CACHE_KEY_LEN + 1]; /* the table of parsed content files; "" none */
	/* the next table's parts, until the cache's folders exist (they point
	 * into the site: see site_options' blobs_put); NULL: stored */
	struct iovec *blobs_parts;
	size_t nblobs_parts;
	char search_key[CACHE_KEY_LEN + 1]; /* the table of indexed bodies; "" none */
	/* its next table, until the cache's folders exist: in a temporary
	 * file (base/spill.h), one id a part, not held through the plugins */
	struct spill *search_spill;
	size_t search_parts;
	/* the standby: the site before the live one, the start of this
	 * one's tree (incr_standby.c) */
	struct incr_standby *standby; /* NULL: none (no cache, a dry run) */
	struct standby_prefetch *standby_prefetch; /* its check under way (incr_standby_prefetch) */
	struct key_hasher *hasher; /* the builder's keys' SHA-256 (incremental.c); NULL until used */
	struct removal_prefetch *removal_prefetch; /* the live site's, for guard_removal */
	char prev_published[CACHE_KEY_LEN + 1]; /* the last build's fingerprint, from its record */
	uint64_t prev_out_id;                   /* and its output folder's inode */
	char standby_published[CACHE_KEY_LEN + 1]; /* the standby's fingerprint, from the record */
	uint64_t standby_id;                       /* and its folder's inode; 0: none */
	bool standby_kept;                  /* the live site becomes the next standby */
	char standby_side[CACHE_KEY_LEN + 1]; /* then: its side object, kept in the cache */
	size_t kept;                        /* jobs kept from the standby, of b->cached */
	size_t objects_known;               /* objects read without their digest, by identity */
	char side_key[CACHE_KEY_LEN + 1];   /* this build's side object; "" none */
	struct image_stage *images; /* bundle images: facts for <img>, published by the stage */
	const char **editor_files; /* Decap CMS's files published at /quan-tri/ (editor.c) */
	size_t neditor_files;
	const char **editor_sums; /* their SHA-256 in hex, as SHA256SUMS lists them */
	/* LOA_TIMINGS */
	bool timings;      /* set: stage times on stderr */
	struct timespec stage_start; /* start of the current stage */
	double stage_cpu;            /* CPU seconds at its start */
};

/* build.c */
int build_cmp_str(const void *a, const void *b); /* qsort of char * */
/* build_run in a process that ends right after (the supervised builder):
 * the build's memory is not freed but returned, for the caller to hold
 * until it exits (reachable, to a leak checker), or NULL when it was
 * freed (sanitizer builds, and a build that hands over its site). */
struct build *build_run_kept(const struct build_options *opts, struct diag_list *diags,
			     struct build_result *res);

/* manifest.c: when opts->manifest is set, every output and its hash */
enum { MANIFEST_HASH_LEN = 40 };
void manifest_add(struct build *b, const char *out_path, const char *hash);
void manifest_add_bytes(struct build *b, const char *out_path, const char *data, size_t len);
void manifest_job(struct build *b, size_t job, bool ok, const char **data, size_t *len);
void manifest_finish(struct build_manifest *m);

/* render.c: the pool's callbacks (pool.h); ctx is the struct build */
int render_job(void *ctx, size_t job, struct buf *out);
void render_job_done(void *ctx, size_t job, enum pool_status st, const char *data, size_t len);

/* listing_check.c: the folder name in at (the inode id) checked against
 * the listing the cache keeps under key by run(c, ctx), on a thread;
 * false, with nothing held, when the folder or the listing is not there.
 * _wait ends the thread; _release ends it and frees what c holds. */
struct listing_check {
	pthread_t thread;
	bool started;
	int fd;			     /* the folder */
	struct cache_object listing; /* its listing */
	void (*run)(struct listing_check *c, void *ctx);
	void *ctx;
};
bool listing_check_start(struct listing_check *c, struct cache *cache, int at, const char *name,
			 uint64_t id, const char *key,
			 void (*run)(struct listing_check *c, void *ctx), void *ctx);
void listing_check_wait(struct listing_check *c);
void listing_check_release(struct listing_check *c);

/* guard.c */
int guard_site_wide_errors(struct build *b);
int guard_removal(struct build *b);
/* Once the site is loaded: the live site's folders checked against its
 * listing on a thread (taken by guard_removal); _free stops and frees one
 * not taken. */
void guard_prefetch(struct build *b);
void guard_prefetch_free(struct build *b);
/* Its thread ended (before a fork: no thread may hold a lock then). */
void guard_prefetch_wait(struct build *b);

/* incremental.c */
void incr_key_own_files(struct build *b, const struct sitefile *f, size_t n);
void incr_base_key(struct build *b);
void incr_whole_build_key(const struct build *b, char key[CACHE_KEY_LEN + 1]);
/* Only what the last record says the live site is (prev_published,
 * prev_out_id), for a build already known not to be up to date. */
void incr_read_previous(struct build *b);
bool incr_up_to_date(struct build *b, const char *key, struct build_result *res);
void incr_use_cache(struct build *b, size_t njobs);
void incr_store(struct build *b, const struct buf *data, const struct diag_list *d);
void incr_remember(struct build *b, const char *key, const struct build_result *res);
/* The cache emptied of what this build did not use (incr_remember does it
 * after a published build; a build that ran out of room does it too). */
void incr_sweep(struct build *b);
/* site_options' history_get and history_put over the cache (ctx: the build) */
int incr_history_get(void *ctx, const char *commit, const char *dir, struct buf *out);
void incr_history_put(void *ctx, const char *commit, const char *dir, const void *data,
		      size_t len);
/* site_options' blobs_get and blobs_put over the cache (ctx: the build);
 * incr_blobs_store stores a table kept until cache_prepare made the folders */
int incr_blobs_get(void *ctx, void **map, size_t *map_size, const char **data, size_t *len);
int incr_blobs_put(void *ctx, const struct iovec *parts, size_t n);
void incr_blobs_store(struct build *b);
/* The same for the table of indexed bodies (search/search_bodies.h) */
int incr_search_get(void *ctx, void **map, size_t *map_size, const char **data, size_t *len);
void incr_search_put(void *ctx, const struct iovec *parts, size_t n);
void incr_search_store(struct build *b);

/* incremental.c: true when the pages a cached render read still have
 * the fields it saw (deps as incr_store encodes them) */
bool incr_deps_hold(struct build *b, const char *deps, size_t len);
/* Whether job j gets a key (pages, plugin pages, and plugin files named
 * by their bytes or by a content function's memo key and result), and
 * the key of the cache object that holds its bytes: the job's own, or
 * for a content function's file, the function's (stored once, by
 * sitelua_memo_make, not again under the job's key). */
bool incr_job_keyed(const struct build *b, size_t j);
const char *incr_object_key(const struct build *b, size_t j);
/* After job j's render: the key a worker made for a content function's
 * file whose function it called (incr_store), for its standby entry. */
void incr_job_key_made(struct build *b, size_t j, const char *key);

/* incr_standby.c: the new tree started from the standby (see there) */
struct incr_standby;
struct standby_prefetch;
struct removal_prefetch;
/* After outdir_begin_standby: the standby checked and cleaned. 0, or -1
 * with an error in b->diags when a standby that failed its check cannot
 * be emptied (nothing may be published from that tree). */
int incr_standby_open(struct build *b);
/* Once the site is loaded: the standby's check started on a thread
 * (taken by incr_standby_open); _free stops and frees one not taken. */
void incr_standby_prefetch(struct build *b);
void incr_standby_prefetch_free(struct build *b);
void incr_standby_free(struct incr_standby *s);
/* The identity the side object in use records for job's cache object
 * (its entry for path, of the same key), or NULL: a load of the object
 * whose file still has it skips the digest (cache_load_known). */
const char *incr_standby_object_ident(struct build *b, size_t job, const char *path);
/* True when job's file is kept from the standby; else its old file is
 * gone and the job is written or rendered. */
bool incr_standby_try(struct build *b, size_t job, const char *path);
/* A job its worker rendered and stored in the cache: the identity of the
 * object it wrote, and the diagnostics and deps stored in it, as the
 * worker's reply gives them (render_job_done), so that the side object is
 * made without reading every object back. */
void incr_standby_rendered(struct build *b, size_t job, const char *ident, const char *diags,
			   size_t diags_len, const char *deps, size_t deps_len);
/* A job written from its cache object o (its identity kept, its entry
 * made when the side object is stored). */
void incr_standby_note(struct build *b, size_t job, const struct cache_object *o);
/* Before the fingerprint: the folders of failed pages, when empty, removed. */
void incr_standby_prune(struct build *b);
/* The listing of the standby this build's tree started from (NULL: none,
 * or it started empty), for the fingerprint (outdir_fingerprint_since);
 * *verified: the tree was checked against it in this build and every
 * entry whose line failed was removed. */
const char *incr_standby_listing(const struct build *b, size_t *len, bool *verified);
/* Before the commit: whether the live site is to become the standby. */
bool incr_standby_keep_previous(struct build *b);
/* After the commit: this build's side object stored. */
void incr_standby_store(struct build *b);

/* statics.c */
int statics_claim_first(void *ctx, struct site *s, struct diag_list *d);
void statics_image_output(void *ctx, const char *out_path, const char *hash);
void statics_copy_bundle_files(struct build *b);
void statics_copy(struct build *b);

/* assets.c */
int assets_find_theme(struct build *b);
int assets_open_theme(struct build *b);
int assets_load_i18n(struct build *b, const struct value **out);
int assets_load_plugins(struct build *b);

/* editor.c: the browser editor at /quan-tri/ when site.yaml has editor: */
int editor_claim(struct build *b, struct site *s, struct diag_list *d);
void editor_write(struct build *b);

/* sitemap.c */
void sitemap_write(struct build *b);

#endif
