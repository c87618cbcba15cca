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

/* One entry per command: its synopsis (continuation lines indented to
 * follow "loa build  ") and what its --help adds; every text is a msgid
 * (base/messages.c), printed in the language asked for. */
static const struct {
	unsigned cmd;
	const char *name, *synopsis, *about;
} usages[] = {
	{ CLI_BUILD, "build",
	  N_("loa build  [--repo PATH] [--ref REF] [--worktree] [--out DIR] [--drafts]\n"
	     "           [--future] [--strict] [--jobs N] [--now DATE] [--quiet]\n"
	     "           [--format text|json] [--no-cache] [--allow-removal] [--force]\n"
	     "           [--wait SECONDS]\n"),
	  N_("Builds the site from a commit (HEAD, or --ref) and publishes it in --out\n"
	     "(default: public).\n"
	     "  --repo PATH       the site's git repository (default: .)\n"
	     "  --worktree        the files on disk, committed or not\n"
	     "  --drafts          drafts too; --future: pages dated after today too\n"
	     "  --strict          any error publishes nothing\n"
	     "  --jobs N          N workers (default: the number of cores)\n"
	     "  --now DATE        build as if today were DATE\n"
	     "  --quiet           only the errors; --format json: the outcome as JSON\n"
	     "  --no-cache        ignore .loa-cache\n"
	     "  --allow-removal   publish even when many pages would disappear\n"
	     "  --force           replace an --out folder loa did not make\n"
	     "  --wait SECONDS    how long to wait for another build (default: 600)\n") },
	{ CLI_CHECK, "check",
	  N_("loa check  [--repo PATH] [--ref REF] [--worktree] [--drafts] [--future]\n"
	     "           [--jobs N] [--now DATE] [--quiet] [--format text|json]\n"),
	  N_("Checks the site as a build would, and publishes nothing: the files on\n"
	     "disk when there is a work tree, else the commit (--ref: another one).\n") },
	{ CLI_SERVE, "serve",
	  N_("loa serve  [--repo PATH] [--bind ADDR] [--port N] [--jobs N] [--now DATE] [--future]\n"),
	  N_("Shows the site, drafts included, at http://127.0.0.1:8080/ and rebuilds it\n"
	     "when a file changes; a failed build's errors appear in the browser.\n"
	     "  --bind ADDR       the address to listen on (default: 127.0.0.1)\n"
	     "  --port N          the port (default: 8080; 0: any free port)\n") },
	{ CLI_NEW, "new",
	  N_("loa new    news|school|plan \"Title\" [--school SLUG] [--bundle] [--repo PATH]\n"
	     "           [--now DATE]\n"),
	  N_("Writes a new page with its front matter filled in and prints its path.\n"
	     "  --school SLUG     the school of a news page (content/schools/SLUG.md)\n"
	     "  --bundle          a folder SLUG/index.md, with room for the page's photos\n") },
	{ CLI_REVIEW, "review",
	  N_("loa review BASE..HEAD [--repo PATH] [--jobs N] [--now DATE] [--drafts] [--future]\n"
	     "           [--format text|json]\n"),
	  N_("Says what merging HEAD into BASE would change on the site and which new\n"
	     "errors it would bring.\n") },
};

static const char usage_notes[] =
	N_("Every command takes --lang vi|en: the language of everything loa prints\n"
	   "(default: LOA_LANG, else site.yaml's language, else vi).\n"
	   "\n"
	   "Exit status: 0 clean; 1 published, but some pages were rejected;\n"
	   "2 nothing published (usage, configuration, theme or plugin error,\n"
	   "or --strict with any error).\n");

/* Columns of a UTF-8 text: its code points (the catalog's words are
 * precomposed). */
static size_t columns(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* A synopsis: its first line after label (or indent spaces when label is
 * NULL), the others indented by indent too. */
static void print_synopsis(FILE *f, const char *label, size_t indent, const char *synopsis)
{
	for (const char *line = synopsis; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		if (line == synopsis && label)
			fputs(label, f);
		else
			fprintf(f, "%*s", (int)indent, "");
		fwrite(line, 1, len, f);
		fputc('\n', f);
		line += len + (nl != NULL);
	}
}

void cli_print_usage(FILE *f, enum msg_lang lang)
{
	const char *label = msg_text("usage: ", lang);
	size_t indent = columns(label);
	/* the later synopses line up under the first */
	for (size_t i = 0; i < sizeof(usages) / sizeof(usages[0]); i++)
		print_synopsis(f, i ? NULL : label, indent, msg_text(usages[i].synopsis, lang));
	fprintf(f, "%*sloa --help | --version\n\n", (int)indent, "");
	fputs(msg_text(usage_notes, lang), f);
}

/* ---- values ------------------------------------------------------------ */

/* An option's value: the next argument, which must not look like an option
 * (`--out --no-cache` is a mistake, not a folder named "--no-cache").
 * NULL, with the message printed, when there is none. */
static const char *option_value(int argc, char **argv, int i, enum msg_lang lang)
{
	if (i + 1 >= argc) {
		msg_fprintf(stderr, lang, "loa: %s needs a value\n", argv[i]);
		return NULL;
	}
	const char *v = argv[i + 1];
	if (v[0] == '-') {
		msg_fprintf(stderr, lang,
			    "loa: %s needs a value, not '%s' (for a name that starts with '-', "
			    "write ./%s)\n",
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
		msg_fprintf(stderr, a->lang, "loa: --jobs needs a number from 1 to 256\n");
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
		msg_fprintf(stderr, a->lang, "loa: --port needs a number from 0 to 65535\n");
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
		msg_fprintf(stderr, a->lang,
			    "loa: --wait needs a number of seconds from 0 to 86400\n");
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
		msg_fprintf(stderr, a->lang, "loa: --now: invalid date '%s'\n", v);
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
		msg_fprintf(stderr, a->lang, "loa: --format is text or json\n");
		return -1;
	}
	a->json = !strcmp(v, "json");
	return 0;
}

/* "Today" when --now is not given: SOURCE_DATE_EPOCH (reproducible builds),
 * else the clock. A value that is not a number of seconds is refused, for
 * every command: silently building with the clock would not reproduce. */
static int today_from_env(int64_t *out, enum msg_lang lang)
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
		msg_fprintf(stderr, lang, "loa: SOURCE_DATE_EPOCH must be a number of seconds\n");
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

int cli_parse(unsigned cmd, int argc, char **argv, enum msg_lang lang, struct cli_args *a)
{
	set_defaults(a);
	a->lang = lang;
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
			if (cmd & (CLI_NEW | CLI_REVIEW))
				msg_fprintf(stderr, lang, "loa: unexpected argument '%s'\n", arg);
			else
				msg_fprintf(stderr, lang, "loa: unknown option '%s'\n", arg);
			cli_print_usage(stderr, lang);
			return -1;
		}
		if (o->kind == OPT_FLAG) {
			*(bool *)((char *)a + o->offset) = true;
			continue;
		}
		const char *v = option_value(argc, argv, i, lang);
		if (!v)
			return -1;
		i++;
		if (o->kind == OPT_STRING)
			*(const char **)((char *)a + o->offset) = v;
		else if (o->parse(a, v) < 0)
			return -1;
	}
	if (!a->now_given && today_from_env(&a->now, lang) < 0)
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
			if (!option_value(*argc, argv, i, lc->lang))
				return -1;
			if (msg_lang_parse(argv[i + 1], &lc->lang) < 0) {
				msg_fprintf(stderr, lc->lang, "loa: --lang is vi or en\n");
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

/* One command's synopsis, what it does, and the common notes. */
int cli_print_command_usage(const char *cmd, enum msg_lang lang)
{
	for (size_t i = 0; i < sizeof(usages) / sizeof(usages[0]); i++) {
		if (strcmp(usages[i].name, cmd))
			continue;
		const char *label = msg_text("usage: ", lang);
		print_synopsis(stdout, label, columns(label), msg_text(usages[i].synopsis, lang));
		fputc('\n', stdout);
		fputs(msg_text(usages[i].about, lang), stdout);
		fputc('\n', stdout);
		fputs(msg_text(usage_notes, lang), stdout);
		return LOA_EXIT_OK;
	}
	msg_fprintf(stderr, lang, "loa: unknown command '%s'\n", cmd);
	cli_print_usage(stderr, lang);
	return LOA_EXIT_NOTHING;
}
