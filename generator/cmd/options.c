/* options — see options.h. */
#include "cmd/options.h"

#include "base/status.h"
#include "content/dates.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* how long a build waits for another build of the same output: longer
 * than any build of a real site, short enough that a stuck one is noticed */
enum { DEFAULT_WAIT_SECONDS = 600 };

const char cli_usage[] =
	"usage: loa build  [--repo PATH] [--ref REF] [--worktree] [--out DIR] [--drafts]\n"
	"                  [--future] [--strict] [--jobs N] [--now DATE] [--quiet]\n"
	"                  [--format text|json] [--no-cache] [--allow-removal] [--force]\n"
	"                  [--wait SECONDS]\n"
	"       loa check  [--repo PATH] [--ref REF] [--worktree] [--drafts] [--future]\n"
	"                  [--jobs N] [--now DATE] [--quiet] [--format text|json]\n"
	"       loa serve  [--repo PATH] [--bind ADDR] [--port N] [--jobs N] [--now DATE] [--future]\n"
	"       loa new    news|school|plan \"Title\" [--school SLUG] [--bundle]\n"
	"                  [--repo PATH] [--now DATE]\n"
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

/* ---- values ------------------------------------------------------------ */

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

static int set_jobs(struct cli_args *a, const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (*end || n < 1 || n > 256) {
		fprintf(stderr, "loa: --jobs needs a number from 1 to 256\n");
		return -1;
	}
	a->jobs = (int)n;
	return 0;
}

static int set_port(struct cli_args *a, const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (*end || n < 0 || n > 65535) {
		fprintf(stderr, "loa: --port needs a number from 0 to 65535\n");
		return -1;
	}
	a->port = (int)n;
	return 0;
}

static int set_wait(struct cli_args *a, const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < 0 || n > 86400) {
		fprintf(stderr, "loa: --wait needs a number of seconds from 0 to 86400\n");
		return -1;
	}
	a->wait_seconds = (int)n;
	return 0;
}

static int set_now(struct cli_args *a, const char *v)
{
	struct date d;
	const char *why;
	if (date_parse(&d, v, strlen(v), false, &why) < 0) {
		fprintf(stderr, "loa: --now: invalid date '%s'\n", v);
		return -1;
	}
	/* a date without an offset is read in Vietnam's zone, the default */
	a->now = date_to_epoch(&d, 7 * 60);
	a->now_given = true;
	return 0;
}

static int set_format(struct cli_args *a, const char *v)
{
	if (strcmp(v, "json") && strcmp(v, "text")) {
		fprintf(stderr, "loa: --format is text or json\n");
		return -1;
	}
	a->json = !strcmp(v, "json");
	return 0;
}

/* "Today" when --now is not given: SOURCE_DATE_EPOCH (reproducible builds),
 * else the clock. A value that is not a number of seconds is refused, for
 * every command: silently building with the clock would not reproduce. */
static int today_from_env(int64_t *out)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (!sde || !*sde) {
		*out = time(NULL);
		return 0;
	}
	char *end = NULL;
	errno = 0;
	long long v = strtoll(sde, &end, 10);
	if (*end || errno) {
		fprintf(stderr, "loa: SOURCE_DATE_EPOCH must be a number of seconds\n");
		return -1;
	}
	*out = v;
	return 0;
}

/* ---- the table --------------------------------------------------------- */

enum opt_kind {
	OPT_FLAG,   /* sets the bool at offset */
	OPT_STRING, /* stores its value in the const char * at offset */
	OPT_VALUE,  /* its value goes through parse, which checks it */
};

struct cli_option {
	const char *name, *short_name;
	unsigned commands;
	enum opt_kind kind;
	size_t offset;
	int (*parse)(struct cli_args *a, const char *value);
};

#define BUILDS (CLI_BUILD | CLI_CHECK)
#define ALL (BUILDS | CLI_SERVE | CLI_NEW | CLI_REVIEW)
#define FLAG(field) OPT_FLAG, offsetof(struct cli_args, field), NULL
#define STRING(field) OPT_STRING, offsetof(struct cli_args, field), NULL
#define VALUE(fn) OPT_VALUE, 0, fn

static const struct cli_option options[] = {
	{ "--repo", NULL, ALL, STRING(repo) },
	{ "--ref", NULL, BUILDS, STRING(ref) },
	{ "--worktree", NULL, BUILDS, FLAG(worktree) },
	{ "--out", NULL, CLI_BUILD, STRING(out) },
	{ "--drafts", NULL, BUILDS | CLI_REVIEW, FLAG(drafts) },
	{ "--future", NULL, BUILDS | CLI_SERVE | CLI_REVIEW, FLAG(future) },
	{ "--strict", NULL, BUILDS, FLAG(strict) },
	{ "--no-cache", NULL, CLI_BUILD, FLAG(no_cache) },
	{ "--allow-removal", NULL, CLI_BUILD, FLAG(allow_removal) },
	{ "--force", NULL, CLI_BUILD, FLAG(force) },
	{ "--wait", NULL, CLI_BUILD, VALUE(set_wait) },
	{ "--quiet", "-q", BUILDS, FLAG(quiet) },
	{ "--jobs", "-j", BUILDS | CLI_SERVE | CLI_REVIEW, VALUE(set_jobs) },
	{ "--now", NULL, ALL, VALUE(set_now) },
	{ "--format", NULL, BUILDS | CLI_REVIEW, VALUE(set_format) },
	{ "--bind", NULL, CLI_SERVE, STRING(bind) },
	{ "--port", NULL, CLI_SERVE, VALUE(set_port) },
	{ "--school", NULL, CLI_NEW, STRING(school) },
	{ "--bundle", NULL, CLI_NEW, FLAG(bundle) },
};

static const struct {
	const char *name;
	unsigned bit;
} commands[] = {
	{ "build", CLI_BUILD }, { "check", CLI_CHECK },   { "serve", CLI_SERVE },
	{ "new", CLI_NEW },     { "review", CLI_REVIEW },
};

unsigned cli_command_of(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return commands[i].bit;
	return 0;
}

static const struct cli_option *find_option(unsigned cmd, const char *arg)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		const struct cli_option *o = &options[i];
		if ((o->commands & cmd) &&
		    (!strcmp(arg, o->name) || (o->short_name && !strcmp(arg, o->short_name))))
			return o;
	}
	return NULL;
}

/* new takes KIND and TITLE, review one BASE..HEAD; the others none */
static bool takes_positional(unsigned cmd, const struct cli_args *a, const char *arg)
{
	if (arg[0] == '-')
		return false;
	if (cmd == CLI_NEW)
		return a->npositional < 2;
	if (cmd == CLI_REVIEW)
		return a->npositional < 1 && strstr(arg, "..");
	return false;
}

static void set_defaults(struct cli_args *a)
{
	memset(a, 0, sizeof(*a));
	a->repo = ".";
	a->out = "public";
	a->bind = "127.0.0.1";
	a->port = 8080;
	a->wait_seconds = DEFAULT_WAIT_SECONDS;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	a->jobs = cores > 0 ? (int)cores : 1;
}

int cli_parse(unsigned cmd, int argc, char **argv, struct cli_args *a)
{
	set_defaults(a);
	for (int i = 2; i < argc; i++) {
		const char *arg = argv[i];
		const struct cli_option *o = find_option(cmd, arg);
		if (!o) {
			if (takes_positional(cmd, a, arg)) {
				a->positional[a->npositional++] = arg;
				continue;
			}
			/* a command with arguments of its own calls a stray one an
			 * argument, the others an option */
			fprintf(stderr,
				cmd & (CLI_NEW | CLI_REVIEW) ? "loa: unexpected argument '%s'\n%s"
							       : "loa: unknown option '%s'\n%s",
				arg, cli_usage);
			return -1;
		}
		if (o->kind == OPT_FLAG) {
			*(bool *)((char *)a + o->offset) = true;
			continue;
		}
		const char *v = option_value(argc, argv, i);
		if (!v)
			return -1;
		i++;
		if (o->kind == OPT_STRING)
			*(const char **)((char *)a + o->offset) = v;
		else if (o->parse(a, v) < 0)
			return -1;
	}
	if (!a->now_given && today_from_env(&a->now) < 0)
		return -1;
	return 0;
}

/* ---- --lang and --help ------------------------------------------------- */

int cli_take_lang(int *argc, char **argv, struct lang_choice *lc)
{
	lc->given = false;
	lc->lang = MSG_VI;
	const char *env_lang = getenv("LOA_LANG");
	if (env_lang && *env_lang && msg_lang_parse(env_lang, &lc->lang) == 0)
		lc->given = true;
	int kept = 1;
	for (int i = 1; i < *argc; i++) {
		if (i >= 2 && !strcmp(argv[i], "--lang")) {
			if (!option_value(*argc, argv, i))
				return -1;
			if (msg_lang_parse(argv[i + 1], &lc->lang) < 0) {
				fprintf(stderr, "loa: --lang is vi or en\n");
				return -1;
			}
			lc->given = true;
			i++;
			continue;
		}
		argv[kept++] = argv[i];
	}
	*argc = kept;
	argv[kept] = NULL;
	return 0;
}

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

/* The lines of usage for one command (its "loa CMD" line and the indented
 * lines after it) and the common notes: one usage text, so a command's
 * help cannot drift from the overview. */
int cli_print_command_usage(const char *cmd)
{
	char head[32];
	int hn = snprintf(head, sizeof(head), "loa %s ", cmd);
	const char *notes = strstr(cli_usage, "\n\n");
	bool found = false, in = false;
	for (const char *line = cli_usage; line && line < notes;) {
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
		fprintf(stderr, "loa: unknown command '%s'\n%s", cmd, cli_usage);
		return LOA_EXIT_NOTHING;
	}
	fputs(notes + 1, stdout);
	return LOA_EXIT_OK;
}
