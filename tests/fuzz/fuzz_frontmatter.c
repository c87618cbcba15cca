/* Fuzz target: content/frontmatter — splitting a .md file and parsing its
 * YAML with libyaml's event API under our limits, Hugo's TOML (`+++`, through
 * toml++ in content/toml.cpp) and JSON (`{`, libyaml then the JSON check;
 * seeds toml-* and json-* start there). Invariants: no crash or
 * leak; failure always comes with an error naming the file and a line
 * inside the input; success gives a map (or no front matter) and a body
 * that lies inside the input. The same bytes are also parsed as a whole
 * YAML document (site.yaml, i18n files). */
#include "base/arena.h"
#include "base/diag.h"
#include "base/value.h"
#include "content/frontmatter.h"
#include "fuzz.h"

#include <stdint.h>
#include <string.h>

static int count_lines(const char *s, size_t n)
{
	int lines = 1;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			lines++;
	return lines;
}

static void check_diags(const struct diag_list *d, int rc, int max_line)
{
	if (rc < 0)
		FUZZ_CHECK(d->errors > 0, "failed without an error");
	else
		FUZZ_CHECK(d->errors == 0, "succeeded with %zu errors", d->errors);
	for (size_t i = 0; i < d->len; i++) {
		FUZZ_CHECK(!strcmp(d->items[i].path, "content/news/a/b.md"), "wrong path %s",
			   d->items[i].path);
		FUZZ_CHECK(d->items[i].line >= 0 && d->items[i].line <= max_line,
			   "line %d outside 0..%d (%s)", d->items[i].line, max_line, d->items[i].msg);
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *src = (const char *)data;
	/* the product's limits, smaller node count so one run stays fast */
	struct yaml_limits lim = { 64 * 1024, 32, 20000 };
	int max_line = count_lines(src, size);

	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	memset(&fm, 0, sizeof(fm));
	int rc = frontmatter_parse(&fm, &a, "content/news/a/b.md", src, size, &lim, &d);
	check_diags(&d, rc, max_line);
	if (rc == 0) {
		FUZZ_CHECK(!fm.root || fm.root->kind == VALUE_MAP, "root is not a map");
		FUZZ_CHECK(fm.body >= src && fm.body + fm.body_len <= src + size,
			   "body outside the input");
		/* an empty body may start just past the last line ("---\n---\r") */
		FUZZ_CHECK(fm.body_line >= 1 && fm.body_line <= max_line + (fm.body_len == 0),
			   "body line %d of %d", fm.body_line, max_line);
	}
	diag_list_release(&d);
	arena_release(&a);

	struct arena a2 = ARENA_INIT;
	struct diag_list d2 = DIAG_LIST_INIT;
	const struct value *root = NULL;
	rc = frontmatter_parse_yaml(&root, &a2, "content/news/a/b.md", src, size, &lim, &d2);
	check_diags(&d2, rc, max_line);
	if (rc == 0)
		FUZZ_CHECK(!root || root->kind == VALUE_MAP, "root is not a map");
	diag_list_release(&d2);
	arena_release(&a2);
	return 0;
}
