/* frontmatter — owns the split of a Markdown file into front matter and
 * body (`---` YAML, `+++` TOML handed to content/toml.cpp, a leading `{`
 * JSON object) and the size limits of the block. YAML is read by
 * frontmatter_yaml.c (the only use of libyaml); JSON goes through the same
 * event code (see below). */
#include "content/frontmatter.h"
#include "content/frontmatter_internal.h"

#include "base/arena.h"
#include "base/diag.h"
#include "base/value.h"
#include "content/syntaxhint.h"
#include "content/toml.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_size(size_t size, const struct yaml_limits *limits, const char *what,
		      const char *path, struct diag_list *diags)
{
	size_t max = limits ? limits->max_bytes : (size_t)64 * 1024;
	if (!max || size <= max)
		return 0;
	if (max % 1024 == 0)
		return diag_error(diags, path, 1, 0, "%s larger than %zu KiB", what, max / 1024);
	return diag_error(diags, path, 1, 0, "%s larger than %zu bytes", what, max);
}

static size_t skip_bom(const char **src, size_t len)
{
	if (len >= 3 && memcmp(*src, "\xEF\xBB\xBF", 3) == 0) {
		*src += 3;
		return len - 3;
	}
	return len;
}

/* Whether the line s[0..n) (without its '\n') is exactly mark, allowing a
 * trailing CR and trailing blanks as editors leave them. */
static bool is_fence(const char *s, size_t n, const char *mark)
{
	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n == 3 && memcmp(s, mark, 3) == 0;
}

/* ---- JSON (Hugo's `{ ... }` front matter) ------------------------------
 *
 * JSON is read by libyaml: every JSON text is a YAML flow mapping with the
 * same meaning (JSON is YAML 1.2's flow subset; libyaml 0.2.5 reads
 * `"a":1` without a space, `\/`, `\uXXXX` and surrogate pairs — see
 * test_frontmatter.c), so Loa carries no JSON parser of its own and JSON
 * gets YAML's limits, UTF-8 checks and duplicate-key errors. What YAML
 * accepts beyond JSON and would change the meaning is refused afterwards:
 * unquoted keys and bare words (`{title: yes}`) other than true, false,
 * null and numbers. */

/* Offset just past the `}` closing the object that starts at s[0], or 0
 * when there is none. Braces inside strings do not count. */
static size_t json_object_end(const char *s, size_t len)
{
	size_t depth = 0;
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (in_str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_str = false;
		} else if (ch == '"') {
			in_str = true;
		} else if (ch == '{') {
			depth++;
		} else if (ch == '}' && --depth == 0) {
			return i + 1;
		}
	}
	return 0;
}

static bool json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return false;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

/* Refuses what YAML read but JSON does not have (depth is bounded by the
 * parser's limit). */
static int json_check(const struct value *v, bool is_key, const char *path,
		      struct diag_list *diags)
{
	if (v->kind == VALUE_SCALAR) {
		if (!v->plain)
			return 0;
		if (is_key)
			return diag_error(diags, path, v->line, v->col,
					  "JSON front matter: key '%.80s' must be in double quotes",
					  v->str);
		if (!strcmp(v->str, "true") || !strcmp(v->str, "false") ||
		    !strcmp(v->str, "null") || json_number(v->str))
			return 0;
		return diag_error(diags, path, v->line, v->col,
				  "JSON front matter: '%.80s' is not a JSON value (text needs double quotes)",
				  v->str);
	}
	size_t n = v->kind == VALUE_MAP ? 2 * v->n : v->n;
	for (size_t i = 0; i < n; i++)
		if (json_check(v->items[i], v->kind == VALUE_MAP && i % 2 == 0, path, diags) < 0)
			return -1;
	return 0;
}

static int hex4(const char *s)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char ch = s[i];
		int d = ch >= '0' && ch <= '9' ? ch - '0'
			: ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
			: ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* A copy of src where each `\\uD8xx\\uDCxx` in a string is `\\UXXXXXXXX`
 * (libyaml refuses surrogate escapes; YAML spells the character so).
 * Lines are unchanged; columns after such a pair move by two. */
static const char *json_fix_surrogates(struct arena *a, const char *src, size_t *len)
{
	if (!memmem(src, *len, "\\u", 2))
		return src;
	char *out = arena_alloc(a, *len + 1);
	size_t o = 0;
	bool in_str = false;
	for (size_t i = 0; i < *len; i++) {
		char ch = src[i];
		if (in_str && ch == '\\' && i + 12 <= *len && src[i + 1] == 'u' &&
		    src[i + 6] == '\\' && src[i + 7] == 'u') {
			int hi = hex4(src + i + 2), lo = hex4(src + i + 8);
			if (hi >= 0xD800 && hi <= 0xDBFF && lo >= 0xDC00 && lo <= 0xDFFF) {
				unsigned cp = 0x10000u + (((unsigned)hi - 0xD800u) << 10) +
					      ((unsigned)lo - 0xDC00u);
				o += (size_t)snprintf(out + o, 11, "\\U%08X", cp);
				i += 11;
				continue;
			}
		}
		if (in_str && ch == '\\' && i + 1 < *len) {
			out[o++] = ch;
			out[o++] = src[++i];
			continue;
		}
		if (ch == '"')
			in_str = !in_str;
		out[o++] = ch;
	}
	out[o] = '\0';
	*len = o;
	return out;
}

/* Parses the JSON object src[0..len) (first byte on line 1) into *root.
 * libyaml's messages are re-worded to say the format was JSON. */
static int parse_json(struct value **root, struct arena *a, const char *path, const char *src,
		      size_t len, const struct yaml_limits *limits, struct diag_list *diags)
{
	struct diag_list tmp = DIAG_LIST_INIT;
	src = json_fix_surrogates(a, src, &len);
	int rc = frontmatter_yaml_document(root, a, path, src, len, 1, limits, &tmp);
	for (size_t i = 0; i < tmp.len; i++) {
		const struct diag *d = &tmp.items[i];
		const char *m = d->msg;
		if (!strncmp(m, "invalid YAML: ", 14))
			m += 14;
		diag_error(diags, path, d->line, d->col, "JSON front matter: %s", m);
	}
	diag_list_release(&tmp);
	if (rc < 0)
		return -1;
	return *root ? json_check(*root, false, path, diags) : 0;
}

/* Whether the file starts like a JSON object: `{` then (after blanks) a
 * quoted key or `}`. `{{< shortcode >}}` is not one. */
static bool starts_json(const char *s, size_t len)
{
	if (!len || s[0] != '{')
		return false;
	for (size_t i = 1; i < len; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
			continue;
		return s[i] == '"' || s[i] == '}';
	}
	return false;
}

static int line_of(const char *src, const char *at)
{
	int line = 1;
	for (const char *p = src; p < at; p++)
		line += *p == '\n';
	return line;
}

/* The root of a front matter block that holds nothing. */
static struct value *empty_map(struct arena *a)
{
	struct value *root = arena_zalloc(a, sizeof(*root));
	root->kind = VALUE_MAP;
	root->line = 1;
	root->col = 1;
	return root;
}

static int frontmatter_json(struct frontmatter *out, struct arena *a, const char *path,
			    const char *src, size_t len, const struct yaml_limits *limits,
			    struct diag_list *diags)
{
	out->format = FRONTMATTER_JSON;
	size_t end = json_object_end(src, len);
	if (!end) {
		if (check_size(len, limits, "front matter", path, diags) < 0)
			return -1;
		return diag_error(diags, path, 1, 1, "JSON front matter: no closing '}'");
	}
	if (check_size(end, limits, "front matter", path, diags) < 0)
		return -1;
	/* the rest of the closing line must be blank */
	const char *p = src + end, *stop = src + len;
	while (p < stop && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	if (p < stop && *p != '\n')
		return diag_error(diags, path, line_of(src, p), 0,
				  "JSON front matter: text after the closing '}' on the same line");
	struct value *root;
	if (parse_json(&root, a, path, src, end, limits, diags) < 0)
		return -1;
	out->root = root ? root : empty_map(a);
	out->body = p < stop ? p + 1 : stop;
	out->body_len = (size_t)(stop - out->body);
	out->body_line = line_of(src, out->body) + (p >= stop && stop > src && stop[-1] != '\n');
	return 0;
}

int frontmatter_parse(struct frontmatter *out, struct arena *a, const char *path,
		      const char *src, size_t len, const struct yaml_limits *limits,
		      struct diag_list *diags)
{
	len = skip_bom(&src, len);
	out->root = NULL;
	out->body = src;
	out->body_len = len;
	out->body_line = 1;
	out->format = FRONTMATTER_NONE;

	if (starts_json(src, len))
		return frontmatter_json(out, a, path, src, len, limits, diags);
	const char *nl = memchr(src, '\n', len);
	size_t first_len = nl ? (size_t)(nl - src) : len;
	const char *fence;
	if (is_fence(src, first_len, "---")) {
		fence = "---";
		out->format = FRONTMATTER_YAML;
	} else if (is_fence(src, first_len, "+++")) {
		fence = "+++";
		out->format = FRONTMATTER_TOML;
	} else {
		return 0; /* no front matter: the whole file is the body */
	}
	bool toml = out->format == FRONTMATTER_TOML;
	if (!nl)
		return toml ? diag_error(diags, path, 1, 1,
					 "TOML front matter has no closing '+++' line")
			    : diag_error(diags, path, 1, 1, "front matter has no closing '---' line");

	const char *region = nl + 1;
	const char *end = src + len;
	const char *line = region;
	int lineno = 2;
	while (line < end) {
		const char *lnl = memchr(line, '\n', (size_t)(end - line));
		size_t n = lnl ? (size_t)(lnl - line) : (size_t)(end - line);
		if (is_fence(line, n, fence) || (!toml && is_fence(line, n, "..."))) {
			size_t size = (size_t)(line - region);
			if (check_size(size, limits, "front matter", path, diags) < 0)
				return -1;
			struct value *root;
			if (toml) {
				struct yaml_limits defaults = YAML_LIMITS_DEFAULT;
				const struct yaml_limits *l = limits ? limits : &defaults;
				if (toml_parse_front(&root, a, path, region, size, 2, l->max_depth,
						     l->max_nodes, diags) < 0)
					return -1;
			} else if (frontmatter_yaml_document(&root, a, path, region, size, 2, limits, diags) < 0) {
				return -1;
			}
			/* the file may have front matter, only an empty one */
			out->root = root ? root : empty_map(a);
			out->body = lnl ? lnl + 1 : end;
			out->body_len = (size_t)(end - out->body);
			out->body_line = lineno + 1;
			return 0;
		}
		if (!lnl)
			break;
		line = lnl + 1;
		lineno++;
	}
	if (check_size((size_t)(end - region), limits, "front matter", path, diags) < 0)
		return -1;
	/* where the front matter probably ended: the first line that does not
	 * look like one of its fields (the article's first sentence) */
	lineno = 2;
	for (line = region; line < end; lineno++) {
		const char *lnl = memchr(line, '\n', (size_t)(end - line));
		size_t n = lnl ? (size_t)(lnl - line) : (size_t)(end - line);
		if (!syntaxhint_looks_like_field(line, n))
			return diag_error(diags, path, lineno, 1,
					  "front matter has no closing '%s' line: add a line '%s' "
					  "before line %d",
					  fence, fence, lineno);
		if (!lnl)
			break;
		line = lnl + 1;
	}
	if (toml)
		return diag_error(diags, path, 1, 1, "TOML front matter has no closing '+++' line");
	return diag_error(diags, path, 1, 1, "front matter has no closing '---' line");
}

int frontmatter_parse_yaml(const struct value **root, struct arena *a, const char *path,
			   const char *src, size_t len, const struct yaml_limits *limits,
			   struct diag_list *diags)
{
	*root = NULL;
	len = skip_bom(&src, len);
	if (check_size(len, limits, "YAML file", path, diags) < 0)
		return -1;
	struct value *r;
	if (frontmatter_yaml_document(&r, a, path, src, len, 1, limits, diags) < 0)
		return -1;
	*root = r;
	return 0;
}
