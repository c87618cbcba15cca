/* main — the command line: parses arguments, runs a command, prints every
 * diagnostic in one place and turns the outcome into SPEC's exit status.
 * Nothing below this file prints or exits. */
#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/messages.h"
#include "base/sysutil.h"
#include "base/xalloc.h"
#include "build/build.h"
#include "build/outguard.h"
#include "build/supervise.h"
#include "cli/new.h"
#include "review/review.h"
#include "serve/serve.h"
#include "content/dates.h"
#include "site/config.h"
#include "source/repo.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef LOA_VERSION
#define LOA_VERSION "0.1.0"
#endif
#ifndef LOA_DATADIR
#define LOA_DATADIR "/usr/local/share/loa"
#endif

/* how long a build waits for another build of the same output: longer
 * than any build of a real site, short enough that a stuck one is noticed */
enum { DEFAULT_WAIT_SECONDS = 600 };

static const char usage[] =
	"usage: loa build  [--repo PATH] [--ref REF] [--worktree] [--out DIR] [--drafts]\n"
	"                  [--future] [--strict] [--jobs N] [--now DATE] [--quiet]\n"
	"                  [--format text|json] [--no-cache] [--allow-removal] [--force]\n"
	"                  [--wait SECONDS]\n"
	"       loa check  [--repo PATH] [--ref REF] [--worktree] [--drafts] [--future]\n"
	"                  [--jobs N] [--now DATE] [--quiet] [--format text|json]\n"
	"       loa serve  [--repo PATH] [--bind ADDR] [--port N] [--jobs N] [--now DATE] [--future]\n"
	"       loa new    news|school|plan \"Title\" [--school SLUG] [--repo PATH] [--now DATE]\n"
	"       loa review BASE..HEAD [--repo PATH] [--jobs N] [--now DATE] [--drafts] [--future]\n"
	"                  [--format text|json]\n"
	"       loa --help | --version\n"
	"\n"
	"Every command takes --lang vi|en: the language of diagnostics (default:\n"
	"LOA_LANG, else site.yaml's language, else vi).\n"
	"\n"
	"Exit status: 0 clean; 1 published, but some pages were rejected;\n"
	"2 nothing published (usage, configuration, theme or plugin error,\n"
	"or --strict with any error).\n";

/* ---- the language of diagnostics -------------------------------------- */

/* What the user asked for: --lang (taken out of argv by main) or LOA_LANG;
 * when neither, the site's own language decides. */
struct lang_choice {
	bool given;
	enum msg_lang lang;
};

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

/* An option's value: the next argument, which must not look like an option
 * (`--out --no-cache` is a mistake, not a folder named "--no-cache").
 * NULL, with the message printed, when there is none. */
static const char *option_value(int argc, char **argv, int i)
{
	if (i + 1 >= argc) {
		fprintf(stderr, "loa: %s needs a value\n", argv[i]);
		return NULL;
	}
	const char *v = argv[i + 1];
	if (v[0] == '-') {
		fprintf(stderr,
			"loa: %s needs a value, not '%s' (for a name that starts with '-', write "
			"./%s)\n",
			argv[i], v, v);
		return NULL;
	}
	return v;
}

static int parse_now(const char *s, int64_t *out)
{
	struct date d;
	const char *why;
	if (date_parse(&d, s, strlen(s), false, &why) < 0)
		return -1;
	/* a date without an offset is read in Vietnam's zone, the default */
	*out = date_to_epoch(&d, 7 * 60);
	return 0;
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

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum { PROGRESS_AFTER_MS = 250, PROGRESS_EVERY_MS = 100 };

static void progress_cb(void *ctx, size_t done, size_t total)
{
	struct progress *p = ctx;
	int64_t t = now_ms();
	if (t - p->start_ms < PROGRESS_AFTER_MS)
		return;
	if (p->shown && done < total && t - p->last_ms < PROGRESS_EVERY_MS)
		return;
	p->shown = true;
	p->last_ms = t;
	fprintf(stderr, "\r\033[K%s %zu/%zu", p->lang == MSG_VI ? "loa: đang dựng trang" : "loa: rendering",
		done, total);
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
	fprintf(stderr,
		w->lang == MSG_VI ? "loa: đang chờ một lần dựng khác của %s xong…\n"
				  : "loa: waiting for another build of %s to finish…\n",
		w->out_dir);
	fflush(stderr);
}

static int64_t today_from_env(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *end = NULL;
	if (sde && *sde) {
		long long v = strtoll(sde, &end, 10);
		if (!*end)
			return v;
	}
	return time(NULL);
}

static int cmd_new(int argc, char **argv, const struct lang_choice *lc)
{
	struct new_options o = { ".", NULL, NULL, NULL, today_from_env() };
	for (int i = 2; i < argc; i++) {
		bool takes = !strcmp(argv[i], "--school") || !strcmp(argv[i], "--repo") ||
			     !strcmp(argv[i], "--now");
		if (takes && !option_value(argc, argv, i))
			return 2;
		if (!strcmp(argv[i], "--school")) {
			o.school = argv[++i];
		} else if (!strcmp(argv[i], "--repo")) {
			o.root = argv[++i];
		} else if (!strcmp(argv[i], "--now")) {
			if (parse_now(argv[++i], &o.now) < 0) {
				fprintf(stderr, "loa: --now: invalid date '%s'\n", argv[i]);
				return 2;
			}
		} else if (argv[i][0] == '-' || (o.kind && o.title)) {
			fprintf(stderr, "loa: unexpected argument '%s'\n%s", argv[i], usage);
			return 2;
		} else if (!o.kind) {
			o.kind = argv[i];
		} else {
			o.title = argv[i];
		}
	}
	if (!o.kind || !o.title) {
		fputs(usage, stderr);
		return 2;
	}
	struct diag_list diags = DIAG_LIST_INIT;
	char *path = NULL;
	int ret = new_page(&o, &path, &diags);
	print_diags(&diags, lc->given ? lc->lang : disk_site_lang(o.root));
	diag_list_release(&diags);
	if (ret < 0)
		return 2;
	printf("%s\n", path);
	free(path);
	return 0;
}

/* loa review BASE..HEAD: the report goes to standard output, what stopped
 * the review to standard error; exit 0 clean, 1 attention, 2 cannot run. */
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
 * not in it, which surprises whoever just edited them. One line says so. */
static void note_uncommitted(const char *repo_path, bool vi)
{
	static const char *const specs[] = { "site.yaml", "content", "themes", "plugins", "static" };
	char first[512];
	int n = repo_uncommitted(repo_path, specs, sizeof(specs) / sizeof(specs[0]), first,
				 sizeof(first));
	if (n <= 0)
		return;
	fprintf(stderr,
		vi ? "loa: %d tệp chưa commit (%s…) không có trong bản dựng này, vì loa đọc commit; "
		     "thêm --worktree để dựng cả các tệp trên đĩa\n"
		   : "loa: %d uncommitted files (%s…) are not in this build, which reads the commit; "
		     "add --worktree to build the files on disk\n",
		n, first);
}

static int cmd_review(int argc, char **argv, const struct lang_choice *lc)
{
	struct review_options o = { ".", NULL, NULL, NULL, 1, 0, false, false, false };
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	o.jobs = cores > 0 ? (int)cores : 1;
	bool have_now = false;
	char *range = NULL;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		bool takes = !strcmp(a, "--repo") || !strcmp(a, "--jobs") || !strcmp(a, "-j") ||
			     !strcmp(a, "--now") || !strcmp(a, "--format");
		const char *val = takes ? option_value(argc, argv, i) : NULL;
		if (takes && !val) {
			free(range);
			return 2;
		}
		if (!strcmp(a, "--repo") && val) {
			o.repo_path = argv[++i];
		} else if ((!strcmp(a, "--jobs") || !strcmp(a, "-j")) && val) {
			char *end;
			long n = strtol(argv[++i], &end, 10);
			if (*end || n < 1 || n > 256) {
				fprintf(stderr, "loa: --jobs needs a number from 1 to 256\n");
				free(range);
				return 2;
			}
			o.jobs = (int)n;
		} else if (!strcmp(a, "--now") && val) {
			if (parse_now(argv[++i], &o.now) < 0) {
				fprintf(stderr, "loa: --now: invalid date '%s'\n", val);
				free(range);
				return 2;
			}
			have_now = true;
		} else if (!strcmp(a, "--format") && val) {
			if (strcmp(val, "json") && strcmp(val, "text")) {
				fprintf(stderr, "loa: --format is text or json\n");
				free(range);
				return 2;
			}
			o.json = !strcmp(argv[++i], "json");
		} else if (!strcmp(a, "--drafts")) {
			o.drafts = true;
		} else if (!strcmp(a, "--future")) {
			o.future = true;
		} else if (a[0] != '-' && !range && strstr(a, "..")) {
			range = xstrdup(a);
		} else {
			fprintf(stderr, "loa: unexpected argument '%s'\n%s", a, usage);
			free(range);
			return 2;
		}
	}
	char *dots = range ? strstr(range, "..") : NULL;
	if (!dots || dots == range || !dots[2] || strstr(dots + 2, "..")) {
		fprintf(stderr, "loa: review needs BASE..HEAD\n%s", usage);
		free(range);
		return 2;
	}
	*dots = '\0';
	o.base = range;
	o.head = dots + 2;
	if (!have_now)
		o.now = today_from_env();
	char *data_dir = find_data_dir();
	o.data_dir = data_dir;
	struct diag_list diags = DIAG_LIST_INIT;
	int st = review_run(&o, &diags, stdout);
	diag_list_sort(&diags);
	print_diags(&diags, lc->given ? lc->lang : disk_site_lang(o.repo_path));
	diag_list_release(&diags);
	free(data_dir);
	free(range);
	return st;
}

/* loa serve [--repo PATH] [--bind ADDR] [--port N] [--jobs N] [--now DATE] [--future] */
static int cmd_serve(int argc, char **argv, const struct lang_choice *lc)
{
	struct serve_options so;
	memset(&so, 0, sizeof(so));
	so.bind = "127.0.0.1";
	so.port = 8080;
	so.build.site.repo_path = ".";
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	so.build.jobs = cores > 0 ? (int)cores : 1;
	so.build.site.now = today_from_env();
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		bool takes = !strcmp(a, "--repo") || !strcmp(a, "--bind") || !strcmp(a, "--port") ||
			     !strcmp(a, "--jobs") || !strcmp(a, "-j") || !strcmp(a, "--now");
		if (takes && !option_value(argc, argv, i))
			return 2;
		char *end;
		if (!strcmp(a, "--repo")) {
			so.build.site.repo_path = argv[++i];
		} else if (!strcmp(a, "--bind")) {
			so.bind = argv[++i];
		} else if (!strcmp(a, "--port")) {
			long n = strtol(argv[++i], &end, 10);
			if (*end || n < 0 || n > 65535) {
				fprintf(stderr, "loa: --port needs a number from 0 to 65535\n");
				return 2;
			}
			so.port = (int)n;
		} else if (!strcmp(a, "--jobs") || !strcmp(a, "-j")) {
			long n = strtol(argv[++i], &end, 10);
			if (*end || n < 1 || n > 256) {
				fprintf(stderr, "loa: --jobs needs a number from 1 to 256\n");
				return 2;
			}
			so.build.jobs = (int)n;
		} else if (!strcmp(a, "--now")) {
			if (parse_now(argv[++i], &so.build.site.now) < 0) {
				fprintf(stderr, "loa: --now: invalid date '%s'\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(a, "--future")) {
			so.build.site.future = true;
		} else {
			fprintf(stderr, "loa: unknown option '%s'\n%s", a, usage);
			return 2;
		}
	}
	char *data_dir = find_data_dir();
	so.build.data_dir = data_dir;
	struct diag_list diags = DIAG_LIST_INIT;
	int status = serve_run(&so, &diags);
	print_diags(&diags, lc->given ? lc->lang : disk_site_lang(so.build.site.repo_path));
	diag_list_release(&diags);
	free(data_dir);
	return status;
}

/* `loa CMD --help` / `-h` anywhere after the command (not as the value of
 * an option, which cannot start with '-'). */
static bool wants_help(int argc, char **argv)
{
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

/* The lines of usage for one command (its "loa CMD" line and the indented
 * lines after it) and the common notes, on standard output: one usage
 * text, so a command's help cannot drift from the overview. */
static int print_command_usage(const char *cmd)
{
	char head[32];
	int hn = snprintf(head, sizeof(head), "loa %s ", cmd);
	const char *notes = strstr(usage, "\n\n");
	bool found = false, in = false;
	for (const char *line = usage; line && line < notes;) {
		const char *nl = strchr(line, '\n');
		size_t len = (size_t)(nl - line);
		const char *text = line + strspn(line, " ");
		if (!strncmp(text, "usage: ", 7))
			text += 7;
		if (!strncmp(text, "loa ", 4))
			in = hn > 0 && !strncmp(text, head, (size_t)hn);
		if (in) {
			bool first = !strncmp(text, "loa ", 4);
			if (first)
				fputs("usage: ", stdout);
			else
				text = line; /* a continuation keeps its indent */
			fwrite(text, 1, len - (size_t)(text - line), stdout);
			fputc('\n', stdout);
			found = true;
		}
		line = nl + 1;
	}
	if (!found) {
		fprintf(stderr, "loa: unknown command '%s'\n%s", cmd, usage);
		return 2;
	}
	fputs(notes + 1, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	/* --lang anywhere after the command, then LOA_LANG: taken out here so
	 * that every command accepts it */
	struct lang_choice lc = { false, MSG_VI };
	const char *env_lang = getenv("LOA_LANG");
	if (env_lang && *env_lang && msg_lang_parse(env_lang, &lc.lang) == 0)
		lc.given = true;
	int kept = 1;
	for (int i = 1; i < argc; i++) {
		if (i >= 2 && !strcmp(argv[i], "--lang")) {
			if (!option_value(argc, argv, i))
				return 2;
			if (msg_lang_parse(argv[i + 1], &lc.lang) < 0) {
				fprintf(stderr, "loa: --lang is vi or en\n");
				return 2;
			}
			lc.given = true;
			i++;
			continue;
		}
		argv[kept++] = argv[i];
	}
	argc = kept;
	argv[argc] = NULL;
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("loa %s\n", LOA_VERSION);
		return 0;
	}
	if (wants_help(argc, argv))
		return print_command_usage(cmd);
	if (!strcmp(cmd, "new"))
		return cmd_new(argc, argv, &lc);
	if (!strcmp(cmd, "serve"))
		return cmd_serve(argc, argv, &lc);
	if (!strcmp(cmd, "review"))
		return cmd_review(argc, argv, &lc);
	bool check = !strcmp(cmd, "check");
	if (strcmp(cmd, "build") && !check) {
		fprintf(stderr, "loa: unknown command '%s'\n%s", cmd, usage);
		return 2;
	}

	struct build_options o;
	memset(&o, 0, sizeof(o));
	o.site.repo_path = ".";
	o.out_dir = "public";
	o.dry_run = check;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	o.jobs = cores > 0 ? (int)cores : 1;
	bool have_now = false, json = false, force = false;
	o.wait_seconds = DEFAULT_WAIT_SECONDS;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;
#define NEEDS_VALUE()                                                                  \
	do {                                                                           \
		if (!(val = option_value(argc, argv, i)))                              \
			return 2;                                                      \
		i++;                                                                   \
	} while (0)
		if (!strcmp(a, "--repo")) {
			NEEDS_VALUE();
			o.site.repo_path = val;
		} else if (!strcmp(a, "--ref")) {
			NEEDS_VALUE();
			o.site.ref = val;
		} else if (!strcmp(a, "--worktree")) {
			o.site.worktree = true;
		} else if (!strcmp(a, "--out") && !check) {
			NEEDS_VALUE();
			o.out_dir = val;
		} else if (!strcmp(a, "--drafts")) {
			o.site.drafts = true;
		} else if (!strcmp(a, "--future")) {
			o.site.future = true;
		} else if (!strcmp(a, "--strict")) {
			o.strict = true;
			o.site.strict = true;
		} else if (!strcmp(a, "--no-cache") && !check) {
			o.no_cache = true;
		} else if (!strcmp(a, "--allow-removal") && !check) {
			o.allow_removal = true;
		} else if (!strcmp(a, "--force") && !check) {
			force = true;
		} else if (!strcmp(a, "--wait") && !check) {
			NEEDS_VALUE();
			char *end;
			long n = strtol(val, &end, 10);
			if (!*val || *end || n < 0 || n > 86400) {
				fprintf(stderr, "loa: --wait needs a number of seconds from 0 to 86400\n");
				return 2;
			}
			o.wait_seconds = (int)n;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			o.quiet = true;
		} else if (!strcmp(a, "--jobs") || !strcmp(a, "-j")) {
			NEEDS_VALUE();
			char *end;
			long n = strtol(val, &end, 10);
			if (*end || n < 1 || n > 256) {
				fprintf(stderr, "loa: --jobs needs a number from 1 to 256\n");
				return 2;
			}
			o.jobs = (int)n;
		} else if (!strcmp(a, "--now")) {
			NEEDS_VALUE();
			if (parse_now(val, &o.site.now) < 0) {
				fprintf(stderr, "loa: --now: invalid date '%s'\n", val);
				return 2;
			}
			have_now = true;
		} else if (!strcmp(a, "--format")) {
			NEEDS_VALUE();
			if (strcmp(val, "json") && strcmp(val, "text")) {
				fprintf(stderr, "loa: --format is text or json\n");
				return 2;
			}
			json = !strcmp(val, "json");
		} else {
			fprintf(stderr, "loa: unknown option '%s'\n%s", a, usage);
			return 2;
		}
#undef NEEDS_VALUE
	}
	if (!have_now) {
		const char *sde = getenv("SOURCE_DATE_EPOCH");
		char *end = NULL;
		if (sde && *sde) {
			errno = 0;
			long long v = strtoll(sde, &end, 10);
			if (*end || errno) {
				fprintf(stderr, "loa: SOURCE_DATE_EPOCH must be a number of seconds\n");
				return 2;
			}
			o.site.now = v;
		} else {
			o.site.now = time(NULL);
		}
	}
	/* a wrong --out would be replaced as a whole: refused before any work */
	if (!check) {
		struct diag_list gd = DIAG_LIST_INIT;
		struct outguard_opts g = { o.site.repo_path, getenv("HOME"), force };
		if (outguard_check(o.out_dir, &g, &gd) < 0) {
			enum msg_lang glang = lc.given ? lc.lang : disk_site_lang(o.site.repo_path);
			print_diags(&gd, glang);
			if (json) { /* the script that reads it learns why too */
				struct build_result none;
				memset(&none, 0, sizeof(none));
				none.status = 2;
				print_result_json(stdout, &gd, &none, glang);
			}
			diag_list_release(&gd);
			return 2;
		}
		diag_list_release(&gd);
	}
	struct waiting wait_ctx = { o.out_dir, lc.given ? lc.lang : MSG_VI };
	if (!o.quiet) {
		if (!lc.given)
			wait_ctx.lang = disk_site_lang(o.site.repo_path);
		o.waiting = waiting_cb;
		o.waiting_ctx = &wait_ctx;
	}
	char *data_dir = find_data_dir();
	o.data_dir = data_dir;

	/* loa check is what a contributor runs before committing: it reads
	 * the work tree when there is one (a bare repository: the ref) */
	if (check && !o.site.ref && !o.site.worktree && has_worktree(o.site.repo_path))
		o.site.worktree = true;
	/* the progress line is for a person watching a terminal */
	struct progress prog = { now_ms(), 0, false, lc.given ? lc.lang : MSG_VI };
	bool show_progress = !o.quiet && !json && isatty(2);
	if (show_progress) {
		if (!lc.given)
			prog.lang = disk_site_lang(o.site.repo_path);
		o.progress = progress_cb;
		o.progress_ctx = &prog;
	}
	struct diag_list diags = DIAG_LIST_INIT;
	struct build_result r;
	supervise_build(&o, &diags, &r);
	diag_list_sort(&diags);
	enum msg_lang lang = pick_lang(&lc, r.lang);
	if (show_progress)
		fputs("\r\033[K", stderr); /* the builder's progress line, if any */
	if (json) {
		/* a build's JSON is for the script that schedules the next one;
		 * its log still wants the diagnostics, as text */
		if (!check)
			print_diags(&diags, lang);
		print_result_json(stdout, &diags, &r, lang);
	} else {
		print_diags(&diags, lang);
		bool vi = lang == MSG_VI;
		if (!o.quiet)
			fprintf(stderr,
				vi ? "loa: %s%zu trang, %zu tệp, %zu lỗi, %zu cảnh báo, %.2f s\n"
				   : "loa: %s%zu pages, %zu files, %zu errors, %zu warnings in %.2f s\n",
				check ? (vi ? "đã kiểm tra: " : "checked: ")
				: r.up_to_date ? (vi ? "không có gì thay đổi, giữ nguyên: "
						     : "nothing changed, left as it was: ")
				: (r.status == 2 ? (vi ? "không xuất bản gì: " : "nothing published: ")
						 : ""),
				r.pages, r.files, diags.errors, diags.warnings, r.seconds);
		if (!o.quiet && r.cached)
			fprintf(stderr, vi ? "loa: %zu trang lấy từ bộ đệm (.loa-cache)\n"
					   : "loa: %zu pages from the cache (.loa-cache)\n",
				r.cached);
		if (!o.quiet && !o.site.worktree)
			note_uncommitted(o.site.repo_path, vi);
		if (!o.quiet && !check && r.next_change) {
			char *reason = next_change_reason(&r, lang);
			fprintf(stderr, "%s: %s (%s)\n", vi ? "loa: thay đổi tiếp theo" : "loa: next change",
				r.next_change_iso, reason);
			free(reason);
		}
	}
	diag_list_release(&diags);
	free(data_dir);
	return check && r.status == 1 ? 1 : r.status;
}
