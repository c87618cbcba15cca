/* build — one build of the site, from loading to the atomic publish.
 *
 * Order: load the site (site.c) and claim every output file once, the
 * build's own and the theme's static files first (site/claims.h), open a
 * sandboxed Lua state with the theme's compiled templates and the plugins
 * (run in the parent: after_load and before_render stages; their pages and
 * files claimed last), fork the render pool (every content page and every
 * page a plugin added; each bounded in time and memory), copy bundle and
 * theme static files, write sitemap.xml and robots.txt, run after_build,
 * then swap the new site in — or, on a theme, plugin or configuration
 * error (or --strict with any error), leave the previous site untouched. */
#ifndef LOA_BUILD_H
#define LOA_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "site/site.h"

struct diag_list;

/* ---- manifest (loa review): every output of a build and a hash of its
 * bytes, so that two builds can be compared without writing either. */
struct build_output {
	char *out_path; /* "tin-tuc/index.html", "sitemap.xml", "css/site.css" */
	char hash[41];  /* git blob id of the bytes */
};
struct build_manifest {
	struct build_output *items; /* sorted by out_path, unique */
	size_t n, cap;
};
void build_manifest_release(struct build_manifest *m);

struct build_options {
	/* site.repo: a repository already open at site.ref, which the build
	 * takes over (frees), failing or not; NULL: the build opens it */
	struct site_options site;
	const char *out_dir;  /* "public" */
	const char *data_dir; /* installed themes/ and plugins/ */
	int jobs;             /* render workers */
	bool strict;          /* any error publishes nothing */
	bool dry_run;         /* loa check: render everything, write nothing */
	bool quiet;
	bool no_cache;        /* render everything; neither read nor write .loa-cache/ */
	bool allow_removal;   /* publish even past limits.max_removed (guard_removal, guard.c) */
	bool watched;         /* a supervisor reads phase messages on watch_fd */
	int watch_fd;
	struct build_manifest *manifest; /* filled when set (any mode; meant for dry_run) */
	/* set: a loaded site is handed over here at the end instead of released
	 * (the caller site_release's it), so that `loa review` reads the merge's
	 * pages without loading the tree a second time; untouched when the
	 * site did not load */
	struct site *keep_site;
	/* called in the process that runs the build after each rendered page
	 * (done of total), for the command line's progress line; may be NULL */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
	/* another build holds the output's lock: wait up to wait_seconds for
	 * it (0: fail at once), calling waiting(waiting_ctx) once (may be NULL) */
	int wait_seconds;
	void (*waiting)(void *ctx);
	void *waiting_ctx;
	/* supervise_build: called in the calling process once the builder
	 * process is started (not when nothing changed); may be NULL */
	void (*builder_started)(void *ctx);
	void *builder_started_ctx;
	/* build_up_to_date already found, the lock held, that the published
	 * site is not what this build makes: build_run does not check again */
	bool known_stale;
};

struct build_result {
	int status; /* enum loa_exit (base/status.h): 0 clean, 1 published with rejected pages, 2 nothing published */
	size_t pages, files; /* written */
	double seconds;
	size_t cached;       /* pages taken from the cache (.loa-cache/) instead of rendered */
	bool up_to_date;     /* nothing changed since the last build: the site was left as it was */
	char lang[8];        /* site.yaml's language ("vi"), "" when it was not read */
	/* the next time the output would change by itself, strictly after
	 * --now: the earliest future-dated page, or a plugin's
	 * loa.next_change (an activity's deadline); 0 when none */
	int64_t next_change;
	char next_change_iso[64];  /* 2026-12-01T00:00:00+07:00, in the site's zone */
	char next_change_where[160]; /* "content/news/x.md" or "plugins/plans.lua" */
	char next_change_why[160];   /* English for a page ("scheduled page"), a plugin's own text */
};

void build_run(const struct build_options *opts, struct diag_list *diags, struct build_result *res);
/* The test build_run starts with, alone and in this process (supervise
 * checks before it forks the builder): 1 when the published site already
 * is what build_run would make, with res and diags as build_run would
 * leave them; 0 when it is not, with the repository it opened in *repo
 * (the caller's, for the build: site.repo) so that it is opened once; -1
 * when it cannot tell (another build holds the output's lock, the
 * repository does not open: build_run waits or says why) or there is
 * nothing to check (no cache, a dry run, a repository given open). diags
 * is untouched unless it returns 1; *repo is NULL unless it returns 0. */
int build_up_to_date(const struct build_options *opts, struct diag_list *diags,
		     struct build_result *res, struct repo **repo);

#endif
