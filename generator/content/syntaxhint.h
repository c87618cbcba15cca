/* syntaxhint — plain words for the front matter mistakes people make most.
 *
 * libyaml and toml++ explain a syntax error in parser terms ("mapping
 * values are not allowed in this context"); a teacher who wrote
 * `title: Bé vui: ngày hội` needs to hear "put the value in quotes" and see
 * the line as it should be written. These functions recognise the common
 * cases from the parser's own words and the line it stopped on, and write
 * the corrected line; the caller (frontmatter.c, toml.cpp) turns the kind
 * into a catalog message with file:line:col. Pure functions on strings:
 * no parser types cross this header, so the parsers stay behind their one
 * module each. */
#ifndef LOA_SYNTAXHINT_H
#define LOA_SYNTAXHINT_H

#include <stddef.h>

enum syntaxhint_kind {
	SYNTAXHINT_NONE,
	SYNTAXHINT_COLON, /* ": " inside an unquoted YAML value */
	SYNTAXHINT_TAB,   /* a Tab where YAML wants spaces (indentation) */
	SYNTAXHINT_QUOTE, /* a quote opened and never closed */
	SYNTAXHINT_BARE,  /* TOML text without quotes */
};

/* The text of a line (without its '\n') and the byte of interest on it. */
struct syntaxhint_line {
	const char *text;
	size_t len;
	char at; /* the byte the parser stopped at, 0 when none */
};

/* The kind of a libyaml error: problem and context are libyaml's words
 * (context may be NULL); at_problem is the line libyaml gave up on, at_context
 * the line its context mark names (where a quoted value was opened; the
 * same line when there is no context). *fix is set to the corrected line
 * (malloc'd, the caller frees) when one can be written, else NULL; it is
 * the problem line's, but the context line's for SYNTAXHINT_QUOTE (the fix
 * goes where the quote was opened). */
enum syntaxhint_kind syntaxhint_yaml(const char *problem, const char *context,
				     const struct syntaxhint_line *at_problem,
				     const struct syntaxhint_line *at_context, char **fix);

/* The kind of a toml++ error (its description) on line, with *fix as for
 * YAML. */
enum syntaxhint_kind syntaxhint_toml(const char *description, const char *line, size_t line_len,
				     char **fix);

/* `key: "value"` for YAML (quoted so that it reads back as value) —
 * malloc'd; key and value are taken as they are. */
char *syntaxhint_yaml_pair(const char *indent, size_t indent_len, const char *key, size_t key_len,
			   const char *value, size_t value_len);

/* Whether line looks like a line of front matter (`key: value`, `key =
 * value`, an indented or list line, a comment, a [table]); used to tell
 * where a front matter without its closing fence probably ends. */
int syntaxhint_looks_like_field(const char *line, size_t line_len);

#endif
