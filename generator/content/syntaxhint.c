/* syntaxhint — see syntaxhint.h. The parsers' words matched here are
 * those of libyaml 0.2.5 and toml++ 3 (Debian 12); tests/unit/
 * test_syntaxhint.c pins them, so a new parser version that rewords its
 * errors fails a test instead of silently losing the plain message. */
#include "content/syntaxhint.h"

#include "base/buf.h"

#include <stdbool.h>
#include <string.h>

/* a suggested line stays readable: a longer value is not rewritten */
enum { MAX_FIX = 300 };

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static size_t trim_right(const char *s, size_t n)
{
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	return n;
}

/* value quoted so that YAML reads it back unchanged: "…" when that needs
 * no escape, else '…' with ' doubled */
static void add_yaml_quoted(struct buf *b, const char *v, size_t n)
{
	bool dq_ok = !memchr(v, '"', n) && !memchr(v, '\\', n);
	char q = dq_ok ? '"' : '\'';
	buf_putc(b, q);
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '\'' && q == '\'')
			buf_putc(b, '\'');
		buf_putc(b, v[i]);
	}
	buf_putc(b, q);
}

/* the same for TOML: a basic string "…" with \ and " escaped */
static void add_toml_quoted(struct buf *b, const char *v, size_t n)
{
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '"' || v[i] == '\\')
			buf_putc(b, '\\');
		buf_putc(b, v[i]);
	}
	buf_putc(b, '"');
}

char *syntaxhint_yaml_pair(const char *indent, size_t indent_len, const char *key, size_t key_len,
			   const char *value, size_t value_len)
{
	struct buf b = BUF_INIT;
	buf_add(&b, indent, indent_len);
	buf_add(&b, key, key_len);
	buf_puts(&b, ": ");
	add_yaml_quoted(&b, value, value_len);
	return buf_detach(&b, NULL);
}

/* `  - key: a: b` → indent "  - ", key, value "a: b"; false when the line
 * is not an unquoted `key: value` */
static bool split_pair(const char *line, size_t n, char sep, size_t *indent, size_t *key_end,
		       size_t *value)
{
	size_t i = 0;
	while (i < n && line[i] == ' ')
		i++;
	if (sep == ':' && i + 1 < n && line[i] == '-' && line[i + 1] == ' ') {
		i += 2;
		while (i < n && line[i] == ' ')
			i++;
	}
	*indent = i;
	if (i >= n || line[i] == '"' || line[i] == '\'' || line[i] == '#')
		return false;
	const char *s = memchr(line + i, sep, n - i);
	if (!s || s == line + i)
		return false;
	size_t k = (size_t)(s - line);
	if (sep == ':' && k + 1 < n && line[k + 1] != ' ')
		return false;
	*key_end = trim_right(line, k);
	size_t v = k + 1;
	while (v < n && is_blank(line[v]))
		v++;
	*value = v;
	return v < n && line[v] != '"' && line[v] != '\'';
}

static char *colon_fix(const char *line, size_t n)
{
	n = trim_right(line, n);
	size_t indent, key_end, value;
	if (n > MAX_FIX || !split_pair(line, n, ':', &indent, &key_end, &value))
		return NULL;
	return syntaxhint_yaml_pair(line, indent, line + indent, key_end - indent, line + value,
				    n - value);
}

/* the line with the quote it opened closed at its end */
static char *quote_fix(const char *line, size_t n)
{
	n = trim_right(line, n);
	const char *dq = memchr(line, '"', n), *sq = memchr(line, '\'', n);
	const char *q = dq && (!sq || dq < sq) ? dq : sq;
	if (!q || n > MAX_FIX)
		return NULL;
	struct buf b = BUF_INIT;
	buf_add(&b, line, n);
	buf_putc(&b, *q);
	return buf_detach(&b, NULL);
}

enum syntaxhint_kind syntaxhint_yaml(const char *problem, const char *context,
				     const struct syntaxhint_line *at_problem,
				     const struct syntaxhint_line *at_context, char **fix)
{
	*fix = NULL;
	if (!problem)
		return SYNTAXHINT_NONE;
	if (strstr(problem, "mapping values are not allowed")) {
		*fix = colon_fix(at_problem->text, at_problem->len);
		return SYNTAXHINT_COLON;
	}
	if (strstr(problem, "tab character") ||
	    (at_problem->at == '\t' && strstr(problem, "cannot start any token")))
		return SYNTAXHINT_TAB;
	if (context && strstr(context, "quoted scalar") &&
	    (strstr(problem, "end of stream") || strstr(problem, "document indicator"))) {
		*fix = quote_fix(at_context->text, at_context->len);
		return SYNTAXHINT_QUOTE;
	}
	return SYNTAXHINT_NONE;
}

enum syntaxhint_kind syntaxhint_toml(const char *description, const char *line, size_t line_len,
				     char **fix)
{
	*fix = NULL;
	if (!description)
		return SYNTAXHINT_NONE;
	size_t n = trim_right(line, line_len);
	if ((strstr(description, "parsing string") || strstr(description, "parsing literal string")) &&
	    (strstr(description, "end-of-line") || strstr(description, "end of input") ||
	     strstr(description, "end-of-file") || strstr(description, "control characters"))) {
		*fix = quote_fix(line, n);
		return SYNTAXHINT_QUOTE;
	}
	size_t indent, key_end, value;
	if (strstr(description, "could not determine value type") ||
	    strstr(description, "bare keys") || strstr(description, "unexpected character")) {
		if (n > MAX_FIX || !split_pair(line, n, '=', &indent, &key_end, &value))
			return SYNTAXHINT_NONE;
		/* a number, a date or a boolean was meant to be bare: only
		 * text that starts with a letter is taken for unquoted text */
		unsigned char c = (unsigned char)line[value];
		if (!(c >= 0x80 || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) ||
		    (n - value == 4 && !memcmp(line + value, "true", 4)) ||
		    (n - value == 5 && !memcmp(line + value, "false", 5)))
			return SYNTAXHINT_NONE;
		struct buf b = BUF_INIT;
		buf_add(&b, line, key_end);
		buf_puts(&b, " = ");
		add_toml_quoted(&b, line + value, n - value);
		*fix = buf_detach(&b, NULL);
		return SYNTAXHINT_BARE;
	}
	return SYNTAXHINT_NONE;
}

int syntaxhint_looks_like_field(const char *line, size_t n)
{
	n = trim_right(line, n);
	if (n == 0)
		return 0;
	if (line[0] == ' ' || line[0] == '\t' || line[0] == '-' || line[0] == '#' || line[0] == '[')
		return 1;
	/* `key: value` or `key:`, `key = value` with a key of one word */
	for (size_t i = 0; i < n; i++) {
		char c = line[i];
		if ((c == ':' && (i + 1 == n || line[i + 1] == ' ')) || c == '=')
			return i > 0;
		if (c == ' ' && !(i + 1 < n && line[i + 1] == '='))
			return 0;
	}
	return 0;
}
