/* options — the command line's one option parser: one table says which
 * options exist, which commands take each, and whether it takes a value;
 * every command (build, check, serve, new, review) parses through it, and
 * the usage text it prints is the one `loa --help` shows. Messages go to
 * standard error here; the caller turns a failure into exit status 2. */
#ifndef LOA_OPTIONS_H
#define LOA_OPTIONS_H

#include "base/messages.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum cli_command {
	CLI_BUILD = 1u << 0,
	CLI_CHECK = 1u << 1,
	CLI_SERVE = 1u << 2,
	CLI_NEW = 1u << 3,
	CLI_REVIEW = 1u << 4,
};

/* Everything any command can be told; each command reads its own part. */
struct cli_args {
	const char *repo, *ref, *out, *bind, *school;
	bool worktree, drafts, future, strict, no_cache, allow_removal, force, quiet, json;
	bool bundle; /* new: the page as a folder with index.md */
	int jobs, port, wait_seconds;
	int64_t now;               /* --now, else SOURCE_DATE_EPOCH, else the clock */
	bool now_given;
	const char *positional[2]; /* new: KIND and TITLE; review: BASE..HEAD */
	int npositional;
	enum msg_lang lang; /* of the messages cli_parse prints */
};

/* What the user asked for: --lang (taken out of argv by cli_take_lang) or
 * LOA_LANG; when neither, the site's own language decides. */
struct lang_choice {
	bool given;
	enum msg_lang lang;
};

/* The whole usage text (loa --help), in lang. */
void cli_print_usage(FILE *f, enum msg_lang lang);

/* Takes every `--lang X` after the command out of argv (NULL-terminated
 * again, *argc updated) and reads LOA_LANG. -1 on a bad value (printed). */
int cli_take_lang(int *argc, char **argv, struct lang_choice *lc);

/* `loa CMD --help` / `-h` anywhere after the command. */
bool cli_wants_help(int argc, char **argv);

/* The usage lines of one command, what it does and the common notes, on
 * standard output in lang: 0, or 2 for an unknown command (printed). */
int cli_print_command_usage(const char *cmd, enum msg_lang lang);

/* The command's bit, 0 for an unknown name. */
unsigned cli_command_of(const char *name);

/* Parses argv[2..] for command cmd into *a (defaults first). 0, or -1
 * with the message printed in lang: an unknown option, a missing or bad value,
 * a bad SOURCE_DATE_EPOCH. */
int cli_parse(unsigned cmd, int argc, char **argv, enum msg_lang lang, struct cli_args *a);

#endif
