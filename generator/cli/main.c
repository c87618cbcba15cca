/* main — the command line: parses arguments, runs a command, prints every
 * diagnostic in one place and turns the outcome into SPEC's exit status.
 * Nothing below this file prints or exits. */
#include "base/diag.h"
#include "base/xalloc.h"
#include "build/build.h"
#include "build/supervise.h"
#include "cli/new.h"
#include "review/review.h"
#include "serve/serve.h"
#include "content/dates.h"

#include <errno.h>
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

static const char usage[] =
	"usage: loa build  [--repo PATH] [--ref REF] [--worktree] [--out DIR] [--drafts]\n"
	"                  [--future] [--strict] [--jobs N] [--now DATE] [--quiet]\n"
	"       loa check  [--repo PATH] [--ref REF] [--worktree] [--format text|json]\n"
	"       loa serve  [--repo PATH] [--bind ADDR] [--port N] [--jobs N] [--now DATE] [--future]\n"
	"       loa new    news|school|plan \"Title\" [--school SLUG] [--repo PATH]\n"
	"       loa review BASE..HEAD [--repo PATH] [--jobs N] [--now DATE] [--format text|json]\n"
	"       loa --help | --version\n"
	"\n"
	"Exit status: 0 clean; 1 published, but some pages were rejected;\n"
	"2 nothing published (usage, configuration, theme or plugin error,\n"
	"or --strict with any error).\n";

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

static void print_diags_json(FILE *f, const struct diag_list *l, int status)
{
	fprintf(f, "{\"status\":%d,\"errors\":%zu,\"warnings\":%zu,\"diagnostics\":[", status,
		l->errors, l->warnings);
	for (size_t i = 0; i < l->len; i++) {
		const struct diag *d = &l->items[i];
		fprintf(f, "%s{\"severity\":\"%s\",\"file\":", i ? "," : "",
			d->severity == DIAG_ERROR ? "error" : "warning");
		print_json_string(f, d->path);
		fprintf(f, ",\"line\":%d,\"column\":%d,\"message\":", d->line, d->col);
		print_json_string(f, d->msg);
		fputc('}', f);
	}
	fprintf(f, "]}\n");
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

static int cmd_new(int argc, char **argv)
{
	struct new_options o = { ".", NULL, NULL, NULL, today_from_env() };
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--school") && i + 1 < argc) {
			o.school = argv[++i];
		} else if (!strcmp(argv[i], "--repo") && i + 1 < argc) {
			o.root = argv[++i];
		} else if (!strcmp(argv[i], "--now") && i + 1 < argc) {
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
	for (size_t i = 0; i < diags.len; i++)
		diag_print(stderr, &diags.items[i], isatty(2) && !getenv("NO_COLOR"));
	diag_list_release(&diags);
	if (ret < 0)
		return 2;
	printf("%s\n", path);
	free(path);
	return 0;
}

/* loa review BASE..HEAD: the report goes to standard output, what stopped
 * the review to standard error; exit 0 clean, 1 attention, 2 cannot run. */
static int cmd_review(int argc, char **argv)
{
	struct review_options o = { ".", NULL, NULL, NULL, 1, 0, false, false, false };
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	o.jobs = cores > 0 ? (int)cores : 1;
	bool have_now = false;
	char *range = NULL;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
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
	bool color = isatty(2) && !getenv("NO_COLOR");
	for (size_t i = 0; i < diags.len; i++)
		diag_print(stderr, &diags.items[i], color);
	diag_list_release(&diags);
	free(data_dir);
	free(range);
	return st;
}

/* loa serve [--repo PATH] [--bind ADDR] [--port N] [--jobs N] [--now DATE] [--future] */
static int cmd_serve(int argc, char **argv)
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
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = !strcmp(a, "--repo") || !strcmp(a, "--bind") || !strcmp(a, "--port") ||
			     !strcmp(a, "--jobs") || !strcmp(a, "-j") || !strcmp(a, "--now");
		if (takes && !val) {
			fprintf(stderr, "loa: %s needs a value\n", a);
			return 2;
		}
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
	bool color = isatty(2) && !getenv("NO_COLOR");
	for (size_t i = 0; i < diags.len; i++)
		diag_print(stderr, &diags.items[i], color);
	diag_list_release(&diags);
	free(data_dir);
	return status;
}

int main(int argc, char **argv)
{
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
	if (!strcmp(cmd, "new"))
		return cmd_new(argc, argv);
	if (!strcmp(cmd, "serve"))
		return cmd_serve(argc, argv);
	if (!strcmp(cmd, "review"))
		return cmd_review(argc, argv);
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
	bool have_now = false, json = false;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
#define NEEDS_VALUE()                                                                  \
	do {                                                                           \
		if (!val) {                                                            \
			fprintf(stderr, "loa: %s needs a value\n", a);                 \
			return 2;                                                      \
		}                                                                      \
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
		} else if (!strcmp(a, "--format") && check) {
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
	char *data_dir = find_data_dir();
	o.data_dir = data_dir;

	struct diag_list diags = DIAG_LIST_INIT;
	struct build_result r;
	supervise_build(&o, &diags, &r);
	diag_list_sort(&diags);
	if (json) {
		print_diags_json(stdout, &diags, r.status);
	} else {
		bool color = isatty(2) && !getenv("NO_COLOR");
		for (size_t i = 0; i < diags.len; i++)
			diag_print(stderr, &diags.items[i], color);
		if (!o.quiet)
			fprintf(stderr, "loa: %s%zu pages, %zu files, %zu errors, %zu warnings in %.2f s\n",
				check ? "checked: " : (r.status == 2 ? "nothing published: " : ""),
				r.pages, r.files, diags.errors, diags.warnings, r.seconds);
	}
	diag_list_release(&diags);
	free(data_dir);
	return check && r.status == 1 ? 1 : r.status;
}
