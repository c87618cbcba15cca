/* frontmatter — split a Markdown file into front matter and body, and
 * parse the front matter into a value tree: YAML (`---`) with libyaml's
 * event API, Hugo's TOML (`+++`) with toml++ (content/toml.h) and Hugo's
 * JSON (a `{ ... }` object at the start of the file) with libyaml, JSON
 * being YAML's flow subset (see frontmatter.c), checked to be JSON.
 * Errors about a TOML or JSON block start with "TOML front matter: " or
 * "JSON front matter: ", so a writer sees which format Loa read.
 *
 * The only module that includes <yaml.h> (in frontmatter_yaml.c). It
 * also parses site.yaml and i18n files (frontmatter_parse_yaml) so that
 * every YAML document obeys the same rules:
 *  - anchors, aliases and tags other than the core ones (!!str, !!int,
 *    !!float, !!bool, !!null, !!seq, !!map) are rejected;
 *  - duplicate keys in one mapping are rejected, naming the second one;
 *  - nesting deeper than limits.max_depth is rejected as soon as it is seen
 *    (libyaml 0.2.5 has no limit of its own);
 *  - the document must be a mapping (or empty);
 *  - invalid UTF-8 is reported at the line of the bad byte (libyaml says
 *    line 1 for encoding errors; its problem_offset is used instead).
 * A leading UTF-8 BOM and CRLF line ends are accepted. Line numbers in
 * diagnostics and in the value tree are lines of the original file, so the
 * opening `---` is line 1 and the first key is line 2. */
#ifndef LOA_FRONTMATTER_H
#define LOA_FRONTMATTER_H

#include <stddef.h>

struct arena;
struct diag_list;
struct value;

struct yaml_limits {
	size_t max_bytes; /* front matter larger than this is an error (64 KiB) */
	int max_depth;    /* nesting of sequences and mappings (32) */
	size_t max_nodes; /* total nodes in one document (100000) */
};

#define YAML_LIMITS_DEFAULT { 64 * 1024, 32, 100000 }

enum frontmatter_format { FRONTMATTER_NONE, FRONTMATTER_YAML, FRONTMATTER_TOML, FRONTMATTER_JSON };

struct frontmatter {
	enum frontmatter_format format;
	const struct value *root; /* a VALUE_MAP, or NULL when the file has none */
	const char *body;         /* points into the source given (after the BOM) */
	size_t body_len;
	int body_line;            /* line of the source where the body starts */
};

/* Splits src (a whole .md file) and parses its front matter. A file with no
 * opening `---` or `+++` line and not starting with `{"` (or `{}`) has no
 * front matter (root NULL, body = whole file). The same limits bound every
 * format (for TOML: max_bytes, max_depth and max_nodes).
 * An empty front matter (`---` then `---`) gives an empty VALUE_MAP.
 * An opening `---` without a closing `---` or `...` line is an error.
 * Returns 0, or -1 after adding diagnostics naming path:line. */
int frontmatter_parse(struct frontmatter *out, struct arena *a, const char *path,
		      const char *src, size_t len, const struct yaml_limits *limits,
		      struct diag_list *diags);

/* Parses a whole YAML document (site.yaml, i18n/vi.yaml) with the same
 * rules; line numbers are those of src. *root is a map, or NULL if empty. */
int frontmatter_parse_yaml(const struct value **root, struct arena *a, const char *path,
			   const char *src, size_t len, const struct yaml_limits *limits,
			   struct diag_list *diags);

#endif
