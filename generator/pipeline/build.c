/* build — orchestrates one build; see build.h for the order of stages.
 * build_run is the list of stages; each side job lives in its own file
 * (build_internal.h lists them). Here too: the supervisor's phase
 * messages, LOA_TIMINGS, and the next change of the output. */
#include "pipeline/build.h"
#include "pipeline/build_internal.h"
#include "pipeline/wire.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/spill.h"
#include "base/status.h"
#include "base/sysutil.h"
#include "base/xalloc.h"
#include "incr/cache.h"
#include "incr/key.h"
#include "pipeline/pool.h"
#include "pipeline/outdir.h"
#include "content/dates.h"
#include "content/text.h"
#include "lua/luavm.h"
#include "plugin/sitelua.h"
#include "template/theme.h"
#include "markup/markdown.h"
#include "pipeline/imgstage.h"
#include "pipeline/prerender.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

int build_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Tells the supervisor (supervise.c) that plugin code starts or stops
 * running here, so that it can hold it to a wall-clock deadline. */
static void phase_begin(struct build *b, const char *label)
{
	if (b->opts->watched)
		wire_phase_begin(b->opts->watch_fd, b->site.config.plugin_seconds, label);
}

static void phase_end(struct build *b)
{
	if (b->opts->watched)
		wire_phase_end(b->opts->watch_fd);
}

static size_t vm_size(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;
	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}

/* Lua memory allowed per page on top of LUAVM_LIMITS_DEFAULT (see
 * plugin_memory_cap) */
enum { LUA_BYTES_PER_PAGE = 32 * 1024 };

/* The Lua cap of the plugin stage. The plugins' data grows with the site
 * (page tables, feeds, listings, a report line per school and month:
 * 20-25 KB a page at 10,000 to 100,000 pages, see README "Scale"), so
 * the cap that stops a runaway plugin grows with it: the default budget
 * plus LUA_BYTES_PER_PAGE a page, but never more than half the machine's
 * memory, so a runaway on a large site stops before it takes the machine.
 * limits.plugin_memory_mb sets it outright. */
static size_t plugin_memory_cap(const struct site *s)
{
	if (s->config.plugin_memory)
		return s->config.plugin_memory;
	const struct luavm_limits base = LUAVM_LIMITS_DEFAULT;
	size_t cap = base.max_bytes + s->npages * (size_t)LUA_BYTES_PER_PAGE;
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	if (pages > 0 && page > 0) {
		size_t half = (size_t)pages / 2 * (size_t)page;
		if (cap > half)
			cap = half > base.max_bytes ? half : base.max_bytes;
	}
	return cap;
}

/* Lua instructions allowed a call into plugin code per page of the site,
 * on top of LUAVM_LIMITS_DEFAULT's. A handler that looks at every page
 * needs instructions in proportion to the site: related.lua needs about
 * 1,500 a page (13 to 16 million at 10,000 pages), and with the fixed
 * 200 million a site of 500,000 pages stopped there with "instruction
 * budget exceeded". A runaway loop still stops, later on a larger site
 * (and limits.plugin_seconds bounds the stage's time). */
enum { LUA_INSTRUCTIONS_PER_PAGE = 4000 };

static uint64_t plugin_instruction_budget(const struct site *s)
{
	const struct luavm_limits base = LUAVM_LIMITS_DEFAULT;
	return base.max_instructions + (uint64_t)s->npages * LUA_INSTRUCTIONS_PER_PAGE;
}

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* CPU seconds of this process and of its reaped children (the workers) */
static double cpu_seconds(void)
{
	struct rusage self, kids;
	if (getrusage(RUSAGE_SELF, &self) != 0 || getrusage(RUSAGE_CHILDREN, &kids) != 0)
		return 0;
	return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec + kids.ru_utime.tv_sec +
			kids.ru_stime.tv_sec) +
	       (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec + kids.ru_utime.tv_usec +
			kids.ru_stime.tv_usec) / 1e6;
}

/* LOA_DEBUG=memory: after each stage, the builder's resident memory now
 * and at most (VmRSS, VmHWM), the Lua state's, and the allocator's view
 * (live bytes, resident, kept for reuse) */
static void build_memory_debug(struct build *b, const char *stage)
{
	const char *debug = getenv("LOA_DEBUG");
	if (!debug || !strstr(debug, "memory"))
		return;
	size_t rss = 0, hwm = 0;
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			rss = strtoull(line + 6, NULL, 10);
		else if (strncmp(line, "VmHWM:", 6) == 0)
			hwm = strtoull(line + 6, NULL, 10);
	}
	if (f)
		fclose(f);
	fprintf(stderr,
		"loa: debug: memory after %s: rss %zu MB, peak %zu MB, lua %zu MB, "
		"malloc allocated %zu MB resident %zu MB retained %zu MB\n",
		stage, rss >> 10, hwm >> 10, b->vm ? luavm_memory(b->vm) >> 20 : 0,
		xalloc_stat("stats.allocated") >> 20, xalloc_stat("stats.resident") >> 20,
		xalloc_stat("stats.retained") >> 20);
}

/* LOA_TIMINGS=1 prints the wall and CPU time of each stage on standard
 * error, for the benchmark (bench/run.py) and profiling; off, it costs
 * nothing. */
static void stage_done(struct build *b, const char *stage)
{
	build_memory_debug(b, stage);
	if (!b->timings)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double cpu = cpu_seconds();
	fprintf(stderr, "loa: timing: %-12s %8.3f s wall %8.3f s cpu\n", stage,
		seconds_between(&b->stage_start, &now), cpu - b->stage_cpu);
	b->stage_start = now;
	b->stage_cpu = cpu;
}

/* The earliest instant after --now at which the output changes by itself:
 * a future-dated page appears, or what a plugin declared. */
static void next_change(struct build *b, struct build_result *res)
{
	const char *who = "", *why = "";
	int64_t t = b->sl ? sitelua_next_change(b->sl, &who, &why) : 0;
	if (*why)
		who = ""; /* a plugin's reason names what changes; its own name would add nothing */
	if (b->site.next_future && (!t || b->site.next_future < t)) {
		t = b->site.next_future;
		who = b->site.next_future_path;
		why = "scheduled page";
	}
	if (!t)
		return;
	struct date d;
	date_from_epoch(&d, t, b->site.text ? text_tz_offset(b->site.text, t) : b->site.tz_offset);
	res->next_change = t;
	date_format_iso(res->next_change_iso, &d);
	snprintf(res->next_change_where, sizeof(res->next_change_where), "%s", who);
	snprintf(res->next_change_why, sizeof(res->next_change_why), "%s", why);
}

static uint64_t seed_of(const char *commit)
{
	uint64_t h = 1469598103934665603ull;
	for (; *commit; commit++)
		h = (h ^ (unsigned char)*commit) * 1099511628211ull;
	return h;
}

/* ---- the stages of build_run: each returns -1 when the build stops
 * there, with nothing published (the reason is in b->diags) ------------------ */

/* The output's lock first, so a second build of the same output waits
 * before doing any work, and the cache beside it is ours. */
static int stage_lock(struct build *b, struct outlock **lock)
{
	const struct build_options *opts = b->opts;
	if (!opts->dry_run && outlock_take(lock, opts->out_dir, opts->wait_seconds, opts->waiting,
					   opts->waiting_ctx, b->diags) < 0)
		return -1;
	return 0;
}

/* The cache, and whether the published site already is what this build
 * would make: then res is the last build's, and it returns 1. */
static int stage_cache(struct build *b, char build_key[CACHE_KEY_LEN + 1], struct build_result *res)
{
	const struct build_options *opts = b->opts;
	if (!opts->dry_run && !opts->no_cache) {
		bool refused = false;
		b->cache = cache_open(opts->out_dir, &refused);
		if (refused)
			diag_warning(b->diags, "", 0, 0,
				     "the cache beside %s is a symbolic link or not a folder: not used",
				     opts->out_dir);
	}
	/* the repository, opened once: for the whole build's key and the site
	 * (or given open by the caller: loa review's base) */
	struct repo_opts ro = { opts->site.repo_path, opts->site.ref, opts->site.worktree, 0, 0, 32 };
	if (!b->repo && repo_open(&b->repo, &ro, b->diags) < 0)
		return -1;
	if (b->cache) {
		incr_base_key(b);
		incr_whole_build_key(b, build_key);
		/* known stale: the supervisor checked before the fork; the
		 * record still says what the live site is */
		if (opts->known_stale)
			incr_read_previous(b);
		else if (incr_up_to_date(b, build_key, res))
			return 1;
	}
	return 0;
}

/* The site (site.c), with every output name claimed once: the build's
 * own and the static files first (statics_claim_first), then the
 * images' copies, before the plugins claim theirs. */
static int stage_load(struct build *b, struct build_result *res)
{
	struct site_options so = b->opts->site;
	so.claim_first = statics_claim_first;
	so.claim_ctx = b;
	so.repo = b->repo;
	so.read_threads = b->opts->jobs > 0 ? (unsigned)b->opts->jobs : 1;
	b->repo = NULL; /* the site's now */
	if (b->cache) {
		so.history_get = incr_history_get;
		so.history_put = incr_history_put;
		so.history_ctx = b;
		so.blobs_get = incr_blobs_get;
		so.blobs_put = incr_blobs_put;
		so.blobs_ctx = b;
		so.search_get = incr_search_get;
		so.search_put = incr_search_put;
		so.search_ctx = b;
	}
	if (site_load(&b->site, &so, b->diags) < 0)
		return -1;
	b->site_loaded = true;
	repo_drop_caches(b->site.repo);
	image_stage_claim(&b->site); /* before plugins: they never take a copy's name */
	snprintf(res->lang, sizeof(res->lang), "%s", b->site.config.language);
	if (b->timings) {
		fprintf(stderr, "loa: timing: %-12s %8.3f s wall (%zu pages)\n", "history",
			b->site.history_seconds, b->site.npages);
		fprintf(stderr, "loa: timing: %-12s %s\n", "history from",
			b->site.history_from ? b->site.history_from : "none");
		fprintf(stderr, "loa: timing: %-12s %zu of %zu files\n", "parsed from", b->site.blobs_cached,
			b->site.blobs_files);
		fprintf(stderr, "loa: timing: %-12s %u threads\n", "read on", b->site.read_threads);
	}
	stage_done(b, "load");
	return 0;
}

/* The sandboxed Lua state with the theme's templates and i18n, and the
 * plugin host over the site's pages. */
static int stage_lua(struct build *b)
{
	const struct value *i18n = NULL;
	markdown_init();
	struct luavm_limits limits = LUAVM_LIMITS_DEFAULT;
	limits.max_bytes = plugin_memory_cap(&b->site);
	limits.max_instructions = plugin_instruction_budget(&b->site);
	b->files.repo = b->site.repo;
	b->files.data_dir = b->opts->data_dir;
	if (luavm_open(&b->vm, &limits, seed_of(repo_commit_id(b->site.repo)), b->diags) < 0)
		return -1;
	if (assets_open_theme(b) < 0 || assets_load_i18n(b, &i18n) < 0)
		return -1;
	if (sitelua_open(&b->sl, &b->site, b->vm, b->theme, i18n, b->diags) < 0)
		return -1;
	if (b->cache)
		sitelua_memo_enable(b->sl, b->cache, b->base_key, &b->own_key);
	stage_done(b, "lua-setup");
	return 0;
}

/* The plugins loaded and run up to rendering, their outputs collected. */
static int stage_plugins(struct build *b)
{
	phase_begin(b, "loading plugins, after_load and before_render");
	int plugins_ok = assets_load_plugins(b) == 0 &&
			 sitelua_run_stage(b->sl, "after_load", b->diags) == 0 &&
			 sitelua_run_stage(b->sl, "before_render", b->diags) == 0 &&
			 sitelua_collect(b->sl, b->diags) == 0 && sitelua_check_theme(b->sl, b->diags) == 0;
	phase_end(b);
	if (!plugins_ok)
		return -1;
	stage_done(b, "plugins");
	size_t files, reused, values, values_reused;
	(void)sitelua_memo_count(b->sl, &files, &reused, &values, &values_reused);
	if (b->timings && files)
		fprintf(stderr, "loa: timing: %-12s %zu of %zu plugin files\n", "from cache", reused,
			files);
	if (b->timings && values)
		fprintf(stderr, "loa: timing: %-12s %zu of %zu plugin values\n", "from cache",
			values_reused, values);
	if (b->timings)
		fprintf(stderr,
			"loa: timing: lua-memory  %zu MB after the plugins, %zu MB at most (cap %zu MB), "
			"%zu collections between handlers\n",
			luavm_memory(b->vm) >> 20, luavm_peak_memory(b->vm) >> 20,
			plugin_memory_cap(&b->site) >> 20, luavm_grown_collections(b->vm));
	return 0;
}

/* The jobs: every content page (sections and the home page are the
 * plugins' outputs), then every output a plugin added. */
static void stage_jobs(struct build *b)
{
	b->content = xcalloc(b->site.npages + 1, sizeof(*b->content));
	for (size_t i = 0; i < b->site.npages; i++)
		if (b->site.pages[i]->kind != PAGE_SECTION && b->site.pages[i]->kind != PAGE_HOME)
			b->content[b->ncontent++] = i;
	b->njobs = b->ncontent + sitelua_extra_count(b->sl);
	b->ok = xcalloc(b->njobs + 1, sizeof(*b->ok));
}

/* The threads started with the build (the standby's check, the live
 * site's folders) ended: the pools fork, and no thread may hold a lock
 * then. */
static void prefetch_threads_done(struct build *b)
{
	incr_standby_prefetch_free(b); /* taken by incr_standby_open when used */
	guard_prefetch_wait(b);
}

/* The new output folder, and in it the bundle images first: the pages
 * need their sizes. po: the pools' limits, for the render too. */
static int stage_images(struct build *b, struct outlock *lock, struct pool_opts *po)
{
	const struct build_options *opts = b->opts;
	if (!opts->dry_run &&
	    outdir_begin_standby(&b->out, opts->out_dir, lock, cache_dir_fd(b->cache),
				 b->cache ? b->standby_id : 0, b->diags) < 0) {
		b->out_of_room = errno; /* stage_finish frees the cache's room */
		return -1;
	}
	if (incr_standby_open(b) < 0) /* before anything is written into it */
		return -1;
	/* forget the last build until this one is published: a failure
	 * must not leave a record that calls the old site current */
	cache_record_remove(b->cache);
	(void)cache_prepare(b->cache); /* without its folders, nothing is stored */
	incr_blobs_store(b); /* the table of a build whose cache had no folders yet */
	incr_search_store(b);
	*po = (struct pool_opts){ .jobs = opts->jobs > 0 ? opts->jobs : 1,
				  .job_timeout_ms = b->site.config.render_timeout_ms,
				  .mem_limit = vm_size() + b->site.config.render_memory };
	/* --no-cache neither reads nor writes .loa-cache, images included:
	 * every image is processed again and nothing is kept */
	struct image_stage_opts io = { opts->no_cache ? NULL : opts->out_dir, b->out, po,
				       statics_image_output, b };
	prefetch_threads_done(b);
	if (image_stage_run(&b->images, &b->site, &io, b->diags) < 0)
		return -1;
	b->files_written += image_stage_files(b->images);
	stage_done(b, "images");
	return 0;
}

/* The jobs left that run Lua in a worker: pages, and plugin files whose
 * content function is not in the cache (the others are written as they
 * are). */
static size_t jobs_running_lua(const struct build *b)
{
	if (!b->todo)
		return b->njobs;
	size_t n = 0;
	for (size_t i = 0; i < b->ntodo; i++) {
		size_t j = b->todo[i];
		const struct extra_output *e =
			j < b->ncontent ? NULL : sitelua_extra(b->sl, j - b->ncontent);
		n += !e || e->layout || (sitelua_extra_from_function(e) && !e->memo_hit);
	}
	return n;
}

/* Every job: from the cache when it can be, else rendered by the pool;
 * then the faults that are the site's stop the build. */
static int stage_render(struct build *b, const struct pool_opts *po)
{
	if (b->cache) {
		incr_use_cache(b, b->njobs);
		/* Most pages to render: the key of every page (what the deps of
		 * each render name, incremental.c) made here, once, before the
		 * fork, rather than in each worker for nearly every page: 0.4 s
		 * of the workers' CPU at 10,000 pages for 0.12 s here */
		if (b->ntodo * 2 >= b->njobs)
			sitelua_all_pages_key(b->sl);
		stage_done(b, "job keys");
		if (b->timings) {
			fprintf(stderr, "loa: timing: %-12s %zu of %zu pages (%zu kept)\n", "from cache",
				b->cached, b->nkeyed, b->kept);
			/* a plugin's files of bytes (the search index): how many
			 * were the same as in the cache, how many of those the
			 * standby held */
			fprintf(stderr, "loa: timing: %-12s %zu of %zu unchanged, %zu left in place\n",
				"byte files", b->files_cached + b->files_kept, b->files_keyed,
				b->files_kept);
			/* content functions' files taken from the cache: how many
			 * the standby held (the others a worker copies) */
			fprintf(stderr, "loa: timing: %-12s %zu of %zu left in place\n", "fn files",
				b->memo_files_kept, b->memo_files_keyed);
			/* objects read for the new tree whose file the side
			 * object named: framed, not hashed again */
			fprintf(stderr, "loa: timing: %-12s %zu read by identity\n", "objects",
				b->objects_known);
		}
		/* LOA_TIMINGS=jobs: which pages were rendered (tests of the
		 * dependency recording, t143) */
		const char *t = getenv("LOA_TIMINGS");
		for (size_t i = 0; t && strcmp(t, "jobs") == 0 && i < b->ntodo; i++) {
			size_t j = b->todo[i];
			/* pages and plugin pages; not a plugin's files of bytes */
			bool page = j < b->ncontent || sitelua_extra(b->sl, j - b->ncontent)->layout;
			if (page && b->keys[j][0])
				fprintf(stderr, "loa: timing: rendered %s\n",
					j < b->ncontent ? b->site.pages[b->content[j]]->out_path
							: sitelua_extra(b->sl, j - b->ncontent)->out_path);
		}
	}
	b->job_diags = xcalloc(b->njobs + 1, sizeof(*b->job_diags));
	/* The plugins' and job keys' garbage, collected in full before the
	 * fork when the workers have much to render: the site's tables then
	 * are old, which their minor collections skip. With a few pages to
	 * render (an edit) the garbage stays until the builder ends: a full
	 * collection walks every table of the site (0.1 s at 10,000 pages,
	 * 6% of a one-article rebuild). */
	size_t renders = jobs_running_lua(b);
	bool collect = renders * 16 >= b->njobs;
	if (collect)
		luavm_collect(b->vm);
	/* the plugins' data is the site's, not a runaway's: each render gets
	 * half the worker's memory budget on top of it (256 MB by default; the
	 * other half is C's: Markdown, images), so that a site whose report
	 * pages list thousands of schools can give them more */
	luavm_prepare_renders(b->vm, b->site.config.render_memory / 2);
	/* what the plugins and the collection freed goes back before the
	 * fork: every worker starts with the builder's resident pages */
	xalloc_trim();
	build_memory_debug(b, "the trim before the fork");
	if (b->timings)
		fprintf(stderr,
			"loa: timing: lua-memory  %zu MB before the renders, %s "
			"(%zu of %zu jobs to render)\n",
			luavm_memory(b->vm) >> 20, collect ? "collected in full" : "not collected",
			renders, b->njobs);
	/* what the helper finished the workers take; the rest they render */
	prerender_stop(b->prerender);
	if (b->timings && b->prerender) {
		size_t made, pages;
		prerender_counts(b->prerender, &made, &pages);
		fprintf(stderr, "loa: timing: %-12s %zu of %zu pages' Markdown\n", "prerendered", made,
			pages);
	}
	prefetch_threads_done(b);
	if (pool_run(po, b->todo ? b->ntodo : b->njobs, NULL, render_job, render_job_done, b,
		     b->diags) < 0 ||
	    guard_site_wide_errors(b) < 0)
		return -1;
	stage_done(b, "render");
	for (size_t j = 0; j < b->njobs; j++)
		b->pages_written += b->ok[j];
	return 0;
}

/* The files published as they are, sitemap.xml and robots.txt. */
static int stage_copy(struct build *b)
{
	statics_copy_bundle_files(b);
	statics_copy(b);
	editor_write(b);
	sitemap_write(b);
	stage_done(b, "copy+sitemap");
	/* all or nothing: a file that could not be written stops the build */
	if (b->out && outdir_failed(b->out, b->diags) < 0)
		return -1;
	return 0;
}

/* The plugins' after_build, then the last reasons not to publish:
 * --strict with an error, too many pages removed. */
static int stage_after_build(struct build *b)
{
	phase_begin(b, "after_build");
	int plugins_ok = sitelua_run_stage(b->sl, "after_build", b->diags) == 0;
	phase_end(b);
	if (!plugins_ok)
		return -1;
	if (b->opts->strict && b->diags->errors)
		return -1;
	if (guard_removal(b) < 0)
		return -1;
	return 0;
}

/* The new site swapped in (or, in a dry run, only the manifest sorted). */
static void stage_publish(struct build *b, struct build_result *res)
{
	res->status = b->diags->errors ? LOA_EXIT_REJECTED : LOA_EXIT_OK;
	manifest_finish(b->opts->manifest);
	if (!b->opts->dry_run) {
		incr_standby_prune(b);
		/* the folders the standby's listing still describes are not
		 * read again */
		size_t earlier_len = 0;
		bool verified;
		const char *earlier = incr_standby_listing(b, &earlier_len, &verified);
		struct outdir *o = b->out;
		b->out = NULL;
		/* after the last write: what the next build compares the live
		 * folder with (see incr_up_to_date) */
		outdir_fingerprint_since(o, earlier, earlier_len, verified, b->published,
					 b->cache ? &b->listing : NULL);
		outdir_keep_previous(o, incr_standby_keep_previous(b) ? cache_dir_fd(b->cache) : -1);
		if (outdir_commit(o, b->diags) < 0)
			res->status = LOA_EXIT_NOTHING;
	}
	stage_done(b, "publish");
}

/* However far the build got: an unpublished new site removed, the
 * result's counts, and for a build that ran and published, the record
 * for the next one. */
static void stage_finish(struct build *b, const char *build_key, struct build_result *res)
{
	/* out of room, writing the site or starting its folder: what earlier
	 * attempts left in the cache goes, what this one made stays for the
	 * next (t71) */
	incr_standby_prefetch_free(b); /* a build stopped before they were taken */
	guard_prefetch_free(b);
	int e = b->out ? outdir_failure_errno(b->out) : b->out_of_room;
	if (b->cache && (e == ENOSPC || e == EDQUOT))
		incr_sweep(b);
	if (b->out)
		outdir_abort(b->out);
	if (!res->up_to_date) {
		res->pages = b->pages_written;
		res->files = b->files_written;
		res->cached = b->cached;
		next_change(b, res);
		if (b->keys && res->status != LOA_EXIT_NOTHING)
			incr_remember(b, build_key, res);
	}
	/* LOA_DEBUG=trust: the large objects checked in full or trusted (t158) */
	const char *debug = getenv("LOA_DEBUG");
	if (b->cache && debug && strcmp(debug, "trust") == 0) {
		size_t verified, trusted;
		cache_trust_counts(b->cache, &verified, &trusted);
		fprintf(stderr, "loa: debug: trust: %zu objects verified, %zu trusted\n", verified,
			trusted);
	}
}

static void build_release(struct build *b)
{
	repo_free(b->repo); /* when the build stopped before the site took it */
	free(b->keys);
	free(b->path_hashes);
	free(b->pages_by_hash);
	incr_standby_free(b->standby);
	key_hasher_free(b->hasher);
	free(b->todo);
	free(b->content);
	free(b->ok);
	for (size_t j = 0; b->job_diags && j < b->njobs; j++)
		diag_list_release(&b->job_diags[j]);
	free(b->job_diags);
	image_stage_free(b->images);
	prerender_free(b->prerender);
	sitelua_free(b->sl);
	if (b->theme)
		theme_free(b->theme);
	if (b->vm)
		luavm_close(b->vm);
	buf_release(&b->own_key);
	buf_release(&b->listing);
	buf_release(&b->stored);
	buf_release(&b->history_data);
	free(b->blobs_parts);
	spill_free(b->search_spill);
	free(b->statics);
	free(b->editor_files);
	free(b->editor_sums);
	arena_release(&b->arena);
	if (b->opts->keep_site && b->site_loaded) {
		*b->opts->keep_site = b->site; /* the caller's now */
		memset(&b->site, 0, sizeof(b->site));
	} else {
		site_release(&b->site);
	}
}

/* The build into b (zeroed); its memory released when release is set. */
static void run(struct build *b, const struct build_options *opts, struct diag_list *diags,
		struct build_result *res, bool release)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	b->opts = opts;
	b->diags = diags;
	b->repo = opts->site.repo; /* ours now, as build.h says; NULL: opened below */
	const char *timings = getenv("LOA_TIMINGS");
	b->timings = timings && *timings && strcmp(timings, "0") != 0;
	b->stage_start = t0;
	b->stage_cpu = b->timings ? cpu_seconds() : 0;
	memset(res, 0, sizeof(*res));
	res->status = LOA_EXIT_NOTHING;
	char build_key[CACHE_KEY_LEN + 1] = "";
	struct outlock *lock = NULL;
	struct pool_opts po;

	/* forked now, while the builder is small (prerender.c) */
	if (!opts->dry_run && opts->jobs > 1)
		b->prerender = prerender_fork();
	if (stage_lock(b, &lock) < 0 || stage_cache(b, build_key, res) != 0)
		goto done;
	if (stage_load(b, res) < 0)
		goto done;
	/* the helper given the pages, or let go when it is not worth it */
	if (b->prerender &&
	    prerender_feed(b->prerender, &b->site, vm_size() + b->site.config.render_memory) < 0) {
		prerender_free(b->prerender);
		b->prerender = NULL;
	}
	/* on the core the serial stages leave idle (the load reads on two) */
	incr_standby_prefetch(b);
	guard_prefetch(b);
	if (stage_lua(b) < 0 || stage_plugins(b) < 0)
		goto done;
	stage_jobs(b);
	if (stage_images(b, lock, &po) < 0 || stage_render(b, &po) < 0 || stage_copy(b) < 0 ||
	    stage_after_build(b) < 0)
		goto done;
	stage_publish(b, res);
done:
	stage_finish(b, build_key, res);
	cache_close(b->cache);
	outlock_release(lock);
	if (release)
		build_release(b);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

void build_run(const struct build_options *opts, struct diag_list *diags, struct build_result *res)
{
	struct build b;
	memset(&b, 0, sizeof(b));
	run(&b, opts, diags, res, true);
}

struct build *build_run_kept(const struct build_options *opts, struct diag_list *diags,
			     struct build_result *res)
{
	struct build *b = xcalloc(1, sizeof(*b));
	/* Freeing the Lua state and the site, block by block, took 50–60 ms
	 * of a 10,000-page rebuild, for memory the kernel takes back at once
	 * when the builder exits. Sanitizer builds free it all (ownership is
	 * checked there, and in the unit tests' build_run), as does a build
	 * that hands its site to the caller. */
	bool release = LOA_SANITIZED || opts->keep_site;
	run(b, opts, diags, res, release);
	if (release) {
		free(b);
		return NULL;
	}
	return b;
}

int build_up_to_date(const struct build_options *opts, struct diag_list *diags,
		     struct build_result *res, struct repo **repo)
{
	*repo = NULL;
	if (opts->dry_run || opts->no_cache || opts->site.repo || opts->known_stale)
		return -1;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct build_options o = *opts;
	o.wait_seconds = 0; /* busy: the builder waits, and checks */
	o.waiting = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	struct build b;
	memset(&b, 0, sizeof(b));
	b.opts = &o;
	b.diags = &d;
	struct build_result r;
	memset(&r, 0, sizeof(r));
	r.status = LOA_EXIT_NOTHING;
	char build_key[CACHE_KEY_LEN + 1] = "";
	struct outlock *lock = NULL;
	int rc = stage_lock(&b, &lock) < 0 ? -1 : stage_cache(&b, build_key, &r);
	if (rc == 0) {
		*repo = b.repo; /* the build's: opened once */
		b.repo = NULL;
	}
	cache_close(b.cache);
	outlock_release(lock);
	build_release(&b);
	if (rc == 1) {
		diag_list_append(diags, &d);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		r.seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		*res = r;
	}
	diag_list_release(&d);
	return rc;
}
