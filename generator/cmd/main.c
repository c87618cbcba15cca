/* main — the command line: runs a command (its options parsed by options.c),
 * prints every diagnostic in one place and turns the outcome into SPEC's
 * exit status (enum loa_exit). Nothing below this file prints or exits. */
#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/messages.h"
#include "base/status.h"
#include "base/sysutil.h"
#include "base/xalloc.h"
#include "pipeline/build.h"
#include "pipeline/outguard.h"
#include "pipeline/supervise.h"
#include "cmd/new.h"
#include "cmd/options.h"
#include "cmd/review/review.h"
#include "cmd/serve/serve.h"
#include "site/config.h"
#include "source/repo.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef LOA_VERSION
#define LOA_VERSION "0.1.0"
#endif
#ifndef LOA_DATADIR
#define LOA_DATADIR "/usr/local/share/loa"
#endif

/* ---- the language of diagnostics -------------------------------------- */

/* site.yaml's language, read from the folder on disk (for the commands
 * that do not build: new, serve, review); vi when absent or unreadable. */
static enum msg_lang disk_site_lang(const char *root)
{
	enum msg_lang lang = MSG_VI;
	char *path = xasprintf("%s/site.yaml", root);
	struct buf data = BUF_INIT;
	int rc = sys_read_file(path, 1u << 20, false, &data);
	free(path);
	if (rc < 0) {
		buf_release(&data);
		return lang;
	}
	struct arena a = ARENA_INIT;
	struct site_config c;
	struct diag_list ignored = DIAG_LIST_INIT;
	if (config_load(&c, &a, "site.yaml", data.ptr, data.len, &ignored) == 0)
		(void)msg_lang_parse(c.language, &lang);
	diag_list_release(&ignored);
	arena_release(&a);
	buf_release(&data);
	return lang;
}

/* Usage and option errors come before any site is read: --lang or
 * LOA_LANG, else Vietnamese. */
static enum msg_lang usage_lang(const struct lang_choice *c)
{
	return c->given ? c->lang : MSG_VI;
}

static enum msg_lang pick_lang(const struct lang_choice *c, const char *site_lang)
{
	enum msg_lang lang = MSG_VI;
	if (c->given)
		return c->lang;
	if (site_lang && *site_lang)
		(void)msg_lang_parse(site_lang, &lang);
	return lang;
}

static void print_diags(const struct diag_list *l, enum msg_lang lang)
{
	bool color = isatty(2) && !getenv("NO_COLOR");
	for (size_t i = 0; i < l->len; i++)
		diag_print_lang(stderr, &l->items[i], color, lang);
}

static bool dir_has(const char *dir, const char *sub)
{
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Run from the project tree, loa finds its own themes and plugins beside
 * the binary (./loa) or one folder up (build/loa); installed, in
 * PREFIX/share/loa beside PREFIX/bin, else the compiled-in $(PREFIX).
 * LOA_DATADIR overrides them all. */
static char *find_data_dir(void)
{
	const char *env = getenv("LOA_DATADIR");
	if (env && *env)
		return xstrdup(env);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if (dir_has(exe, "themes/default"))
				return xstrdup(exe);
			slash = strrchr(exe, '/');
			if (slash) {
				*slash = '\0';
				if (dir_has(exe, "themes/default") && dir_has(exe, "generator"))
					return xstrdup(exe);
				/* installed as PREFIX/bin/loa beside PREFIX/share/loa,
				 * wherever PREFIX was moved to */
				if (dir_has(exe, "share/loa/themes/default"))
					return xasprintf("%s/share/loa", exe);
			}
		}
	}
	return xstrdup(LOA_DATADIR);
}


static void print_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* "content/news/x.md: bài hẹn giờ": where and why, why translated */
static char *next_change_reason(const struct build_result *r, enum msg_lang lang)
{
	const char *why = r->next_change_why;
	const char *tr = lang == MSG_VI ? msg_vi(why) : NULL;
	if (tr)
		why = tr;
	if (!*why || !*r->next_change_where)
		return xstrdup(*why ? why : r->next_change_where);
	return xasprintf("%s: %s", r->next_change_where, why);
}

/* The outcome of loa build/check --format json; docs/check-json.md
 * documents it and says what may change. */
static void print_result_json(FILE *f, const struct diag_list *l, const struct build_result *r,
			      enum msg_lang lang)
{
	fprintf(f, "{\"status\":%d,\"language\":\"%s\",\"pages\":%zu,\"files\":%zu,"
		   "\"errors\":%zu,\"warnings\":%zu,\"seconds\":%.3f,\"cached\":%zu,"
		   "\"up_to_date\":%s,\"next_change\":",
		r->status, lang == MSG_VI ? "vi" : "en", r->pages, r->files, l->errors, l->warnings,
		r->seconds, r->cached, r->up_to_date ? "true" : "false");
	if (r->next_change) {
		char *reason = next_change_reason(r, lang);
		print_json_string(f, r->next_change_iso);
		fprintf(f, ",\"next_change_epoch\":%lld,\"next_change_reason\":",
			(long long)r->next_change);
		print_json_string(f, reason);
		free(reason);
	} else {
		fputs("null,\"next_change_epoch\":null,\"next_change_reason\":null", f);
	}
	fputs(",\"diagnostics\":[", f);
	for (size_t i = 0; i < l->len; i++) {
		const struct diag *d = &l->items[i];
		fprintf(f, "%s{\"severity\":\"%s\",\"file\":", i ? "," : "",
			d->severity == DIAG_ERROR ? "error" : "warning");
		print_json_string(f, d->path);
		fprintf(f, ",\"line\":%d,\"column\":%d,\"message\":", d->line, d->col);
		print_json_string(f, diag_message(d, lang));
		fputs(",\"message_en\":", f);
		print_json_string(f, d->msg);
		fputc('}', f);
	}
	fprintf(f, "]}\n");
}

/* ---- feedback on a terminal -------------------------------------------- */

/* A progress line, rewritten in place with \r, once a build has run long
 * enough to need one. Runs in the builder process (build_options.progress);
 * each process has its own copy of this state. */
struct progress {
	int64_t start_ms, last_ms;
	bool shown;
	enum msg_lang lang;
};

enum { PROGRESS_AFTER_MS = 250, PROGRESS_EVERY_MS = 100 };

static void progress_cb(void *ctx, size_t done, size_t total)
{
	struct progress *p = ctx;
	int64_t t = sys_now_ms();
	if (t - p->start_ms < PROGRESS_AFTER_MS)
		return;
	if (p->shown && done < total && t - p->last_ms < PROGRESS_EVERY_MS)
		return;
	p->shown = true;
	p->last_ms = t;
	fputs("\r\033[K", stderr);
	msg_fprintf(stderr, p->lang, "loa: rendering %zu/%zu", done, total);
	fflush(stderr);
}

/* Another build holds the output's lock; said once, when the wait starts. */
struct waiting {
	const char *out_dir;
	enum msg_lang lang;
};

static void waiting_cb(void *ctx)
{
	const struct waiting *w = ctx;
	msg_fprintf(stderr, w->lang, "loa: waiting for another build of %s to finish…\n", w->out_dir);
	fflush(stderr);
}

/* True when the repository at path has a work tree (.git beside it). */
static bool has_worktree(const char *path)
{
	char *git = xasprintf("%s/.git", path);
	struct stat st;
	bool yes = lstat(git, &st) == 0;
	free(git);
	return yes;
}

/* A build reads a commit: uncommitted files under the site's folders are
 * not in it, which surprises whoever just edited them. One line says so.
 * Once the builder process runs, they are counted meanwhile, by another
 * child process: the count walks the work tree (0.1–0.5 s at 10,000
 * pages, added to every build's wait before). A process, not a thread: a
 * libgit2 lock a thread held at a fork would stay held in the child. When
 * nothing changed (no builder: t137), they are counted at the end. */
struct uncommitted {
	const char *repo_path; /* NULL: no note (a work tree build, --quiet, --json) */
	pid_t pid;	       /* the counting process, -1: none */
	int fd;		       /* its answer: "N\nFIRST" */
};

static const char *const uncommitted_specs[] = { "site.yaml", "content", "themes", "plugins",
						 "static" };
enum { UNCOMMITTED_SPECS = sizeof(uncommitted_specs) / sizeof(*uncommitted_specs) };

/* supervise_build's builder_started */
static void uncommitted_start(void *ctx)
{
	struct uncommitted *u = ctx;
	int p[2];
	if (!u->repo_path || u->pid >= 0 || pipe2(p, O_CLOEXEC) < 0)
		return;
	fflush(NULL); /* nothing buffered is written twice */
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		char first[512] = "";
		int n = repo_uncommitted(u->repo_path, uncommitted_specs, UNCOMMITTED_SPECS, first,
					 sizeof(first));
		dprintf(p[1], "%d\n%s", n, first);
		_exit(0);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return;
	}
	u->pid = pid;
	u->fd = p[0];
}

/* The count (the child's, its process reaped; else made now), and with
 * print set, the note. */
static void uncommitted_finish(struct uncommitted *u, bool print, enum msg_lang lang)
{
	char answer[600] = "", first[512] = "";
	int n = 0;
	if (u->pid >= 0) {
		size_t len = 0;
		ssize_t got;
		while (len < sizeof(answer) - 1 &&
		       ((got = read(u->fd, answer + len, sizeof(answer) - 1 - len)) > 0 ||
			(got < 0 && errno == EINTR)))
			len += got > 0 ? (size_t)got : 0;
		answer[len] = '\0';
		close(u->fd);
		int status;
		while (waitpid(u->pid, &status, 0) < 0 && errno == EINTR)
			;
		u->pid = -1;
		char *nl = strchr(answer, '\n');
		n = nl ? atoi(answer) : 0;
		snprintf(first, sizeof(first), "%s", nl ? nl + 1 : "");
	} else if (print && u->repo_path) {
		n = repo_uncommitted(u->repo_path, uncommitted_specs, UNCOMMITTED_SPECS, first,
				     sizeof(first));
	}
	if (!print || n <= 0)
		return;
	msg_fprintf(stderr, lang,
		    "loa: %d uncommitted files (%s…) are not in this build, which reads the commit; "
		    "add --worktree to build the files on disk\n",
		    n, first);
}

/* ---- the commands ------------------------------------------------------ */

/* loa new KIND "Title": the new file's path on standard output. */
static int cmd_new(int argc, char **argv, const struct lang_choice *lc)
{
	struct cli_args a;
	if (cli_parse(CLI_NEW, argc, argv, usage_lang(lc), &a) < 0)
		return LOA_EXIT_NOTHING;
	if (a.npositional < 2) {
		cli_print_usage(stderr, usage_lang(lc));
		return LOA_EXIT_NOTHING;
	}
	struct new_options o = { a.repo, a.positional[0], a.positional[1], a.school, a.now, a.bundle };
	struct diag_list diags = DIAG_LIST_INIT;
	char *path = NULL;
	int ret = new_page(&o, &path, &diags);
	print_diags(&diags, lc->given ? lc->lang : disk_site_lang(o.root));
	diag_list_release(&diags);
	if (ret < 0)
		return LOA_EXIT_NOTHING;
	printf("%s\n", path);
	free(path);
	return LOA_EXIT_OK;
}

/* loa review BASE..HEAD: the report goes to standard output, what stopped
 * the review to standard error; exit 0 clean, 1 attention, 2 cannot run. */
static int cmd_review(int argc, char **argv, const struct lang_choice *lc)
{
	struct cli_args a;
	if (cli_parse(CLI_REVIEW, argc, argv, usage_lang(lc), &a) < 0)
		return LOA_EXIT_NOTHING;
	const char *range = a.npositional ? a.positional[0] : NULL;
	const char *dots = range ? strstr(range, "..") : NULL;
	if (!dots || dots == range || !dots[2] || strstr(dots + 2, "..")) {
		msg_fprintf(stderr, usage_lang(lc), "loa: review needs BASE..HEAD\n");
		cli_print_usage(stderr, usage_lang(lc));
		return LOA_EXIT_NOTHING;
	}
	char *base = xstrndup(range, (size_t)(dots - range));
	char *data_dir = find_data_dir();
	struct review_options o = { a.repo, base, dots + 2, data_dir, a.jobs,
				    a.now,  a.drafts, a.future, a.json,
				    lc->given ? lc->lang : disk_site_lang(a.repo) };
	struct diag_list diags = DIAG_LIST_INIT;
	int st = review_run(&o, &diags, stdout);
	diag_list_sort(&diags);
	print_diags(&diags, o.lang);
	diag_list_release(&diags);
	free(data_dir);
	free(base);
	return st;
}

/* loa serve: builds, serves and rebuilds on change until stopped. */
static int cmd_serve(int argc, char **argv, const struct lang_choice *lc)
{
	struct cli_args a;
	if (cli_parse(CLI_SERVE, argc, argv, usage_lang(lc), &a) < 0)
		return LOA_EXIT_NOTHING;
	struct serve_options so;
	memset(&so, 0, sizeof(so));
	so.bind = a.bind;
	so.port = a.port;
	so.build.site.repo_path = a.repo;
	so.build.site.now = a.now;
	so.build.site.future = a.future;
	so.build.jobs = a.jobs;
	char *data_dir = find_data_dir();
	so.build.data_dir = data_dir;
	so.lang = lc->given ? lc->lang : disk_site_lang(a.repo);
	struct diag_list diags = DIAG_LIST_INIT;
	int status = serve_run(&so, &diags);
	print_diags(&diags, so.lang);
	diag_list_release(&diags);
	free(data_dir);
	return status;
}

static void build_options_from(struct build_options *o, const struct cli_args *a, bool check)
{
	memset(o, 0, sizeof(*o));
	o->site.repo_path = a->repo;
	o->site.ref = a->ref;
	o->site.worktree = a->worktree;
	o->site.drafts = a->drafts;
	o->site.future = a->future;
	o->site.strict = a->strict;
	o->site.now = a->now;
	o->out_dir = a->out;
	o->dry_run = check;
	o->strict = a->strict;
	o->no_cache = a->no_cache;
	o->allow_removal = a->allow_removal;
	o->quiet = a->quiet;
	o->jobs = a->jobs;
	o->wait_seconds = a->wait_seconds;
	/* loa check is what a contributor runs before committing: it reads
	 * the work tree when there is one (a bare repository: the ref) */
	if (check && !o->site.ref && !o->site.worktree && has_worktree(o->site.repo_path))
		o->site.worktree = true;
}

/* A wrong --out would be replaced as a whole: refused before any work.
 * 0, or -1 with the reasons printed (and the JSON outcome, when asked). */
static int guard_output(const struct build_options *o, bool force, bool json,
			const struct lang_choice *lc)
{
	struct diag_list gd = DIAG_LIST_INIT;
	struct outguard_opts g = { o->site.repo_path, getenv("HOME"), force };
	int rc = outguard_check(o->out_dir, &g, &gd);
	if (rc < 0) {
		enum msg_lang glang = lc->given ? lc->lang : disk_site_lang(o->site.repo_path);
		print_diags(&gd, glang);
		if (json) { /* the script that reads it learns why too */
			struct build_result none;
			memset(&none, 0, sizeof(none));
			none.status = LOA_EXIT_NOTHING;
			print_result_json(stdout, &gd, &none, glang);
		}
	}
	diag_list_release(&gd);
	return rc < 0 ? -1 : 0;
}

/* The summary lines of loa build/check on standard error. */
static void report_text(const struct build_options *o, const struct diag_list *diags,
			const struct build_result *r, struct uncommitted *u, enum msg_lang lang)
{
	bool check = o->dry_run;
	print_diags(diags, lang);
	if (o->quiet)
		return;
	const char *outcome = check			   ? msg_text("checked: ", lang)
			      : r->up_to_date		   ? msg_text("nothing changed, left as it was: ", lang)
			      : r->status == LOA_EXIT_NOTHING ? msg_text("nothing published: ", lang)
							   : "";
	msg_fprintf(stderr, lang, "loa: %s%zu pages, %zu files, %zu errors, %zu warnings in %.2f s\n",
		    outcome, r->pages, r->files, diags->errors, diags->warnings, r->seconds);
	if (r->cached)
		msg_fprintf(stderr, lang, "loa: %zu pages from the cache (.loa-cache)\n", r->cached);
	uncommitted_finish(u, true, lang);
	if (!check && r->next_change) {
		char *reason = next_change_reason(r, lang);
		msg_fprintf(stderr, lang, "loa: next change: %s (%s)\n", r->next_change_iso, reason);
		free(reason);
	}
}

/* loa build and loa check (a build that publishes nothing). */
static int cmd_build(int argc, char **argv, const struct lang_choice *lc, bool check)
{
	struct cli_args a;
	if (cli_parse(check ? CLI_CHECK : CLI_BUILD, argc, argv, usage_lang(lc), &a) < 0)
		return LOA_EXIT_NOTHING;
	struct build_options o;
	build_options_from(&o, &a, check);
	if (!check && guard_output(&o, a.force, a.json, lc) < 0)
		return LOA_EXIT_NOTHING;
	struct waiting wait_ctx = { o.out_dir, lc->given ? lc->lang : MSG_VI };
	if (!o.quiet) {
		if (!lc->given)
			wait_ctx.lang = disk_site_lang(o.site.repo_path);
		o.waiting = waiting_cb;
		o.waiting_ctx = &wait_ctx;
	}
	char *data_dir = find_data_dir();
	o.data_dir = data_dir;
	/* the progress line is for a person watching a terminal */
	struct progress prog = { sys_now_ms(), 0, false, lc->given ? lc->lang : MSG_VI };
	bool show_progress = !o.quiet && !a.json && isatty(2);
	if (show_progress) {
		if (!lc->given)
			prog.lang = disk_site_lang(o.site.repo_path);
		o.progress = progress_cb;
		o.progress_ctx = &prog;
	}
	struct diag_list diags = DIAG_LIST_INIT;
	struct build_result r;
	struct uncommitted u = { NULL, -1, -1 };
	if (!o.quiet && !a.json && !o.site.worktree) {
		u.repo_path = o.site.repo_path;
		o.builder_started = uncommitted_start;
		o.builder_started_ctx = &u;
	}
	supervise_build(&o, &diags, &r);
	diag_list_sort(&diags);
	enum msg_lang lang = pick_lang(lc, r.lang);
	if (show_progress)
		fputs("\r\033[K", stderr); /* the builder's progress line, if any */
	if (a.json) {
		/* a build's JSON is for the script that schedules the next one;
		 * its log still wants the diagnostics, as text */
		if (!check)
			print_diags(&diags, lang);
		print_result_json(stdout, &diags, &r, lang);
	} else {
		report_text(&o, &diags, &r, &u, lang);
	}
	uncommitted_finish(&u, false, lang);
	diag_list_release(&diags);
	free(data_dir);
	return r.status;
}

int main(int argc, char **argv)
{
	/* --lang anywhere after the command, then LOA_LANG: taken out here so
	 * that every command accepts it */
	struct lang_choice lc;
	if (cli_take_lang(&argc, argv, &lc) < 0)
		return LOA_EXIT_NOTHING;
	if (argc < 2) {
		cli_print_usage(stderr, usage_lang(&lc));
		return LOA_EXIT_NOTHING;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		cli_print_usage(stdout, usage_lang(&lc));
		return LOA_EXIT_OK;
	}
	if (!strcmp(cmd, "--version")) {
		printf("loa %s\n", LOA_VERSION);
		return LOA_EXIT_OK;
	}
	if (cli_wants_help(argc, argv))
		return cli_print_command_usage(cmd, usage_lang(&lc));
	switch (cli_command_of(cmd)) {
	case CLI_NEW:
		return cmd_new(argc, argv, &lc);
	case CLI_SERVE:
		return cmd_serve(argc, argv, &lc);
	case CLI_REVIEW:
		return cmd_review(argc, argv, &lc);
	case CLI_BUILD:
		return cmd_build(argc, argv, &lc, false);
	case CLI_CHECK:
		return cmd_build(argc, argv, &lc, true);
	default:
		msg_fprintf(stderr, usage_lang(&lc), "loa: unknown command '%s'\n", cmd);
		cli_print_usage(stderr, usage_lang(&lc));
		return LOA_EXIT_NOTHING;
	}
}
