/* build — orchestrates one build; see build.h for the order of stages.
 * build_run is the list of stages; each side job lives in its own file
 * (build_internal.h lists them). Here too: the supervisor's phase
 * messages, LOA_TIMINGS, and the next change of the output. */
#include "build/build.h"
#include "build/build_internal.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/status.h"
#include "base/xalloc.h"
#include "build/cache.h"
#include "build/pool.h"
#include "build/publish.h"
#include "content/dates.h"
#include "content/text.h"
#include "lua/luavm.h"
#include "lua/sitelua.h"
#include "lua/template.h"
#include "markup/markdown.h"
#include "media/imgstage.h"

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
	if (!b->opts->watched)
		return;
	char msg[160];
	int n = snprintf(msg, sizeof(msg), "P %u %s\n", b->site.config.plugin_seconds, label);
	if (n > 0 && write(b->opts->watch_fd, msg, (size_t)n) < 0)
		return; /* the supervisor is gone; nothing to tell */
}

static void phase_end(struct build *b)
{
	if (b->opts->watched && write(b->opts->watch_fd, "p\n", 2) < 0)
		return;
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

/* Lua memory allowed per page on top of LUAVM_LIMITS_DEFAULT (see build_run) */
enum { LUA_BYTES_PER_PAGE = 16 * 1024 };

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

/* LOA_TIMINGS=1 prints the wall and CPU time of each stage on standard
 * error, for the benchmark (bench/run.py) and profiling; off, it costs
 * nothing. */
static void stage_done(struct build *b, const char *stage)
{
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

void build_run(const struct build_options *opts, struct diag_list *diags, struct build_result *res)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct build b;
	memset(&b, 0, sizeof(b));
	b.opts = opts;
	b.diags = diags;
	const char *timings = getenv("LOA_TIMINGS");
	b.timings = timings && *timings && strcmp(timings, "0") != 0;
	b.stage_start = t0;
	b.stage_cpu = b.timings ? cpu_seconds() : 0;
	memset(res, 0, sizeof(*res));
	res->status = LOA_EXIT_NOTHING;
	const struct value *i18n = NULL;
	char build_key[CACHE_KEY_LEN + 1] = "";
	/* first the output's lock, so a second build of the same output waits
	 * before doing any work, and the cache beside it is ours */
	struct outlock *lock = NULL;
	if (!opts->dry_run && outlock_take(&lock, opts->out_dir, opts->wait_seconds, opts->waiting,
					   opts->waiting_ctx, diags) < 0)
		goto done;
	if (!opts->dry_run && !opts->no_cache) {
		bool refused = false;
		b.cache = cache_open(opts->out_dir, &refused);
		if (refused)
			diag_warning(diags, "", 0, 0,
				     "the cache beside %s is a symbolic link or not a folder: not used",
				     opts->out_dir);
	}
	if (b.cache) {
		incr_base_key(&b);
		incr_whole_build_key(&b, build_key);
		if (incr_up_to_date(&b, build_key, res))
			goto done;
	}

	struct site_options so = opts->site;
	so.claim_first = statics_claim_first;
	so.claim_ctx = &b;
	if (site_load(&b.site, &so, diags) < 0)
		goto done;
	image_stage_claim(&b.site); /* before plugins: they never take a copy's name */
	snprintf(res->lang, sizeof(res->lang), "%s", b.site.config.language);
	if (b.timings)
		fprintf(stderr, "loa: timing: %-12s %8.3f s wall (%zu pages)\n", "history",
			b.site.history_seconds, b.site.npages);
	stage_done(&b, "load");
	markdown_init();
	struct luavm_limits limits = LUAVM_LIMITS_DEFAULT;
	/* The pages' tables live in the state (about 6 KB each, 10 KB with the
	 * garbage between collections): the cap that stops a runaway plugin
	 * grows with the site, or 30,000 pages would not fit in 256 MB. */
	limits.max_bytes += b.site.npages * LUA_BYTES_PER_PAGE;
	b.files.repo = b.site.repo;
	b.files.data_dir = opts->data_dir;
	if (luavm_open(&b.vm, &limits, seed_of(repo_commit_id(b.site.repo)), diags) < 0)
		goto done;
	if (assets_open_theme(&b) < 0 || assets_load_i18n(&b, &i18n) < 0)
		goto done;
	if (sitelua_open(&b.sl, &b.site, b.vm, b.theme, i18n, diags) < 0)
		goto done;
	stage_done(&b, "lua-setup");
	phase_begin(&b, "loading plugins, after_load and before_render");
	int plugins_ok = assets_load_plugins(&b) == 0 && sitelua_run_stage(b.sl, "after_load", diags) == 0 &&
			 sitelua_run_stage(b.sl, "before_render", diags) == 0 &&
			 sitelua_collect(b.sl, diags) == 0 && sitelua_check_theme(b.sl, diags) == 0;
	phase_end(&b);
	if (!plugins_ok)
		goto done;
	stage_done(&b, "plugins");

	b.content = xcalloc(b.site.npages + 1, sizeof(*b.content));
	for (size_t i = 0; i < b.site.npages; i++)
		if (b.site.pages[i]->kind != PAGE_SECTION && b.site.pages[i]->kind != PAGE_HOME)
			b.content[b.ncontent++] = i;
	size_t njobs = b.ncontent + sitelua_extra_count(b.sl);
	b.njobs = njobs;
	b.ok = xcalloc(njobs + 1, sizeof(*b.ok));

	if (!opts->dry_run && outdir_begin_locked(&b.out, opts->out_dir, lock, diags) < 0)
		goto done;
	/* forget the last build until this one is published: a failure
	 * must not leave a record that calls the old site current */
	cache_record_remove(b.cache);
	cache_prepare(b.cache);
	struct pool_opts po = { opts->jobs > 0 ? opts->jobs : 1, b.site.config.render_timeout_ms,
				vm_size() + b.site.config.render_memory };
	/* images first: the pages need their sizes */
	struct image_stage_opts io = { opts->out_dir, b.out, &po, statics_image_output, &b };
	if (image_stage_run(&b.images, &b.site, &io, diags) < 0)
		goto done;
	b.files_written += image_stage_files(b.images);
	if (b.cache) {
		incr_use_cache(&b, njobs);
		if (b.timings)
			fprintf(stderr, "loa: timing: %-12s %zu of %zu pages\n", "from cache", b.cached,
				b.nkeyed);
	}
	b.job_diags = xcalloc(njobs + 1, sizeof(*b.job_diags));
	if (pool_run(&po, b.todo ? b.ntodo : njobs, NULL, render_job, render_job_done, &b, diags) < 0 ||
	    guard_site_wide_errors(&b) < 0)
		goto done;
	stage_done(&b, "render");
	for (size_t j = 0; j < njobs; j++)
		b.pages_written += b.ok[j];
	statics_copy_bundle_files(&b);
	statics_copy(&b);
	sitemap_write(&b);
	stage_done(&b, "copy+sitemap");
	/* all or nothing: a file that could not be written stops the build */
	if (b.out && outdir_failed(b.out, diags) < 0)
		goto done;
	phase_begin(&b, "after_build");
	plugins_ok = sitelua_run_stage(b.sl, "after_build", diags) == 0;
	phase_end(&b);
	if (!plugins_ok)
		goto done;
	if (opts->strict && diags->errors)
		goto done;
	if (guard_removal(&b) < 0)
		goto done;
	res->status = diags->errors ? LOA_EXIT_REJECTED : LOA_EXIT_OK;
	manifest_finish(opts->manifest);
	if (!opts->dry_run) {
		struct outdir *o = b.out;
		b.out = NULL;
		/* after the last write: what the next build compares the live
		 * folder with (see up_to_date) */
		outdir_fingerprint(o, b.published);
		if (outdir_commit(o, diags) < 0)
			res->status = LOA_EXIT_NOTHING;
	}
	stage_done(&b, "publish");
done:
	if (b.out)
		outdir_abort(b.out);
	if (!res->up_to_date) {
		res->pages = b.pages_written;
		res->files = b.files_written;
		res->cached = b.cached;
		next_change(&b, res);
		if (b.keys && res->status != LOA_EXIT_NOTHING)
			incr_remember(&b, build_key, res);
	}
	cache_close(b.cache);
	outlock_release(lock);
	free(b.keys);
	free(b.todo);
	free(b.content);
	free(b.ok);
	for (size_t j = 0; b.job_diags && j < b.njobs; j++)
		diag_list_release(&b.job_diags[j]);
	free(b.job_diags);
	image_stage_free(b.images);
	sitelua_free(b.sl);
	if (b.theme)
		theme_free(b.theme);
	if (b.vm)
		luavm_close(b.vm);
	buf_release(&b.own_key);
	free(b.statics);
	arena_release(&b.arena);
	site_release(&b.site);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

