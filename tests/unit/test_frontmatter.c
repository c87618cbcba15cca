/* Tests for content/frontmatter: splitting, the value tree, line numbers,
 * and the hostile YAML of HOSTILE.md cases 9-13 and 16. */
#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/value.h"
#include "content/frontmatter.h"
#include "harness.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct yaml_limits limits = YAML_LIMITS_DEFAULT;

/* Parses src; returns the rc and leaves the first diagnostic in *d. */
static int parse(struct frontmatter *fm, struct arena *a, struct diag_list *d, const char *src,
		 size_t len)
{
	return frontmatter_parse(fm, a, "content/news/a/b.md", src, len, &limits, d);
}

static const char *first_msg(const struct diag_list *d)
{
	return d->len ? d->items[0].msg : "(no diagnostic)";
}

static int first_line(const struct diag_list *d)
{
	return d->len ? d->items[0].line : -1;
}

TEST(test_basic_tree)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	const char *src = "---\n"
			  "title: \"Hội thảo\"\n"
			  "draft: no\n"
			  "tags: [a, 'b']\n"
			  "models:\n"
			  "  - title: x\n"
			  "    year: 2022-2023\n"
			  "---\n"
			  "Body *text*\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, src, strlen(src)), 0);
	CHECK_INT_EQ(d.len, 0);
	CHECK(fm.root && fm.root->kind == VALUE_MAP);
	const struct value *t = value_get(fm.root, "title");
	const struct value *dr = value_get(fm.root, "draft");
	CHECK(t && dr);
	if (!fm.root || !t || !dr)
		goto out;
	CHECK_INT_EQ(fm.root->n, 4);
	CHECK_INT_EQ(t->kind, VALUE_SCALAR);
	CHECK_STR_EQ(t->str, "Hội thảo");
	CHECK(!t->plain);
	CHECK_INT_EQ(t->line, 2);
	CHECK_INT_EQ(t->col, 8);
	CHECK(dr->plain);
	CHECK_STR_EQ(dr->str, "no");
	CHECK_INT_EQ(dr->line, 3);
	const struct value *tags = value_get(fm.root, "tags");
	CHECK(tags && tags->kind == VALUE_LIST && tags->n == 2);
	CHECK(tags && tags->n == 2 && tags->items[0]->plain && !tags->items[1]->plain);
	const struct value *models = value_get(fm.root, "models");
	CHECK(models && models->kind == VALUE_LIST && models->n == 1);
	if (models && models->n == 1) {
		const struct value *m = models->items[0];
		CHECK_INT_EQ(m->kind, VALUE_MAP);
		CHECK_INT_EQ(m->line, 6);
		CHECK_STR_EQ(value_get(m, "year")->str, "2022-2023");
		CHECK_INT_EQ(value_get(m, "year")->line, 7);
	}
	CHECK_INT_EQ(fm.body_line, 9);
	CHECK_INT_EQ(fm.body_len, strlen("Body *text*\n"));
	CHECK(fm.body_len && strncmp(fm.body, "Body *text*\n", fm.body_len) == 0);
out:
	diag_list_release(&d);
	arena_release(&a);
}

TEST(test_no_front_matter)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	const char *src = "# Heading\n\n---\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, src, strlen(src)), 0);
	CHECK(fm.root == NULL);
	CHECK(fm.body == src);
	CHECK_INT_EQ(fm.body_len, strlen(src));
	CHECK_INT_EQ(fm.body_line, 1);
	/* `----` is a thematic break, not a fence */
	const char *rule = "----\ntitle: x\n----\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, rule, strlen(rule)), 0);
	CHECK(fm.root == NULL);
	CHECK_INT_EQ(d.len, 0);
	diag_list_release(&d);
	arena_release(&a);
}

TEST(test_empty_file)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	CHECK_INT_EQ(parse(&fm, &a, &d, "", 0), 0);
	CHECK(fm.root == NULL);
	CHECK_INT_EQ(fm.body_len, 0);
	CHECK_INT_EQ(d.len, 0);
	/* a BOM alone is still an empty file */
	CHECK_INT_EQ(parse(&fm, &a, &d, "\xEF\xBB\xBF", 3), 0);
	CHECK(fm.root == NULL);
	CHECK_INT_EQ(fm.body_len, 0);
	diag_list_release(&d);
	arena_release(&a);
}

TEST(test_empty_front_matter)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	const char *src = "---\n---\nhello\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, src, strlen(src)), 0);
	CHECK(fm.root && fm.root->kind == VALUE_MAP && fm.root->n == 0);
	CHECK_INT_EQ(fm.body_line, 3);
	CHECK_INT_EQ(fm.body_len, 6);
	/* comments only, `...` as the closing line, no newline at the end */
	const char *src2 = "---\n# just a comment\n...";
	CHECK_INT_EQ(parse(&fm, &a, &d, src2, strlen(src2)), 0);
	CHECK(fm.root && fm.root->n == 0);
	CHECK_INT_EQ(fm.body_len, 0);
	CHECK_INT_EQ(d.len, 0);
	diag_list_release(&d);
	arena_release(&a);
}

TEST(test_bom_and_crlf)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	const char *src = "\xEF\xBB\xBF---\r\ntitle: Tin\r\ndate: 2023-02-17\r\n---\r\nBody\r\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, src, strlen(src)), 0);
	CHECK_INT_EQ(d.len, 0);
	CHECK(fm.root != NULL);
	const struct value *t = value_get(fm.root, "title");
	CHECK(t && strcmp(t->str, "Tin") == 0);
	CHECK(t && t->line == 2);
	const struct value *dt = value_get(fm.root, "date");
	CHECK(dt && strcmp(dt->str, "2023-02-17") == 0 && dt->line == 3);
	CHECK_INT_EQ(fm.body_line, 5);
	CHECK(fm.body_len == 6 && memcmp(fm.body, "Body\r\n", 6) == 0);

	/* an error after CRLF lines names the right line */
	const char *bad = "---\r\na: 1\r\nb: 2\r\na: 3\r\n---\r\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, bad, strlen(bad)), -1);
	CHECK_INT_EQ(first_line(&d), 4);
	CHECK_CONTAINS(first_msg(&d), "duplicate key 'a'");
	diag_list_release(&d);
	arena_release(&a);
}

/* HOSTILE 16: an opening fence with no closing one */
TEST(test_missing_closing)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	const char *src = "---\ntitle: x\n\nBody without a fence\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, src, strlen(src)), -1);
	CHECK_INT_EQ(d.errors, 1);
	/* named where the front matter probably ended: the blank line */
	CHECK_INT_EQ(first_line(&d), 3);
	CHECK_CONTAINS(first_msg(&d), "no closing '---' line: add a line '---' before line 3");
	CHECK_STR_EQ(d.items[0].path, "content/news/a/b.md");
	diag_list_release(&d);
	CHECK_INT_EQ(parse(&fm, &a, &d, "---", 3), -1);
	CHECK_CONTAINS(first_msg(&d), "no closing");
	diag_list_release(&d);
	arena_release(&a);
}

/* HOSTILE 16: 10 MB of front matter */
TEST(test_too_large)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	struct buf b = BUF_INIT;
	buf_puts(&b, "---\n");
	while (b.len < 10 * 1024 * 1024)
		buf_puts(&b, "key_with_some_length: and a value that is long enough\n");
	size_t open_len = b.len;
	buf_puts(&b, "---\nbody\n");
	CHECK_INT_EQ(parse(&fm, &a, &d, b.ptr, b.len), -1);
	CHECK_CONTAINS(first_msg(&d), "front matter larger than 64 KiB");
	CHECK_INT_EQ(first_line(&d), 1);
	diag_list_release(&d);
	/* also without a closing fence */
	CHECK_INT_EQ(parse(&fm, &a, &d, b.ptr, open_len), -1);
	CHECK_INT_EQ(d.errors, 1);
	diag_list_release(&d);
	buf_release(&b);
	arena_release(&a);
}

/* HOSTILE 9: the billion-laughs style alias bomb */
TEST(test_alias_bomb)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	struct buf b = BUF_INIT;
	buf_puts(&b, "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
	const char *names = "abcdefghi";
	for (int i = 1; i < 9; i++) {
		buf_addf(&b, "%c: &%c [", names[i], names[i]);
		for (int j = 0; j < 9; j++)
			buf_addf(&b, "%s*%c", j ? "," : "", names[i - 1]);
		buf_puts(&b, "]\n");
	}
	buf_puts(&b, "---\n");
	CHECK_INT_EQ(parse(&fm, &a, &d, b.ptr, b.len), -1);
	CHECK_INT_EQ(d.errors, 1);
	CHECK_CONTAINS(first_msg(&d), "aliases are not allowed");
	CHECK_INT_EQ(first_line(&d), 3); /* the first *a */
	CHECK_INT_EQ(d.items[0].col, 8);
	diag_list_release(&d);

	/* an anchor without an alias is refused as well */
	const char *anchor = "---\ntitle: x\nx: &keep 1\n---\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, anchor, strlen(anchor)), -1);
	CHECK_CONTAINS(first_msg(&d), "anchors are not allowed");
	CHECK_INT_EQ(first_line(&d), 3);
	diag_list_release(&d);
	buf_release(&b);
	arena_release(&a);
}

/* HOSTILE 10: `[` x 100000 stops at depth 32 at once */
TEST(test_deep_nesting)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	size_t n = 100000;
	char *src = malloc(n + 32);
	memcpy(src, "---\na: ", 7);
	memset(src + 7, '[', n);
	memcpy(src + 7 + n, "\n---\n", 5);
	/* no max_bytes here: the depth limit itself must stop it */
	struct yaml_limits big = { 0, 32, 100000 };
	CHECK_INT_EQ(frontmatter_parse(&fm, &a, "x.md", src, n + 12, &big, &d), -1);
	CHECK_CONTAINS(first_msg(&d), "nesting too deep");
	CHECK_INT_EQ(first_line(&d), 2);
	diag_list_release(&d);
	/* block-style nesting too */
	struct buf b = BUF_INIT;
	buf_puts(&b, "---\n");
	for (int i = 0; i < 40; i++) {
		for (int j = 0; j < i; j++)
			buf_puts(&b, "  ");
		buf_addf(&b, "k%d:\n", i);
	}
	buf_puts(&b, "---\n");
	CHECK_INT_EQ(parse(&fm, &a, &d, b.ptr, b.len), -1);
	CHECK_CONTAINS(first_msg(&d), "nesting too deep");
	CHECK_INT_EQ(first_line(&d), 2 + 32);
	diag_list_release(&d);
	/* 31 levels inside the root map are fine */
	buf_reset(&b);
	buf_puts(&b, "---\na: ");
	for (int i = 0; i < 31; i++)
		buf_putc(&b, '[');
	for (int i = 0; i < 31; i++)
		buf_putc(&b, ']');
	buf_puts(&b, "\n---\n");
	CHECK_INT_EQ(parse(&fm, &a, &d, b.ptr, b.len), 0);
	CHECK_INT_EQ(d.len, 0);
	buf_release(&b);
	free(src);
	diag_list_release(&d);
	arena_release(&a);
}

/* HOSTILE 11 */
TEST(test_tags)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	const char *py = "---\ntitle: x\nx: !!python/object/apply:os.system [\"id\"]\n---\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, py, strlen(py)), -1);
	CHECK_CONTAINS(first_msg(&d), "unsupported tag");
	CHECK_CONTAINS(first_msg(&d), "python");
	CHECK_INT_EQ(first_line(&d), 3);
	diag_list_release(&d);

	const char *local = "---\nx: !foo bar\n---\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, local, strlen(local)), -1);
	CHECK_CONTAINS(first_msg(&d), "unsupported tag");
	diag_list_release(&d);

	const char *wrongkind = "---\nx: !!map [1]\n---\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, wrongkind, strlen(wrongkind)), -1);
	CHECK_CONTAINS(first_msg(&d), "unsupported tag");
	diag_list_release(&d);

	/* core tags are fine; !!str makes a plain-looking scalar text */
	const char *core = "---\na: !!str true\nb: !!int 3\nc: !!seq [x]\nd: !!map {k: v}\n---\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, core, strlen(core)), 0);
	CHECK_INT_EQ(d.len, 0);
	const struct value *va = value_get(fm.root, "a");
	CHECK(va && !va->plain && strcmp(va->str, "true") == 0);
	const struct value *vb = value_get(fm.root, "b");
	CHECK(vb && vb->plain);
	CHECK(value_get(fm.root, "d") && value_get(fm.root, "d")->kind == VALUE_MAP);
	diag_list_release(&d);
	arena_release(&a);
}

/* HOSTILE 12 */
TEST(test_duplicate_key)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	const char *src = "---\ntitle: a\ntitle: b\n---\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, src, strlen(src)), -1);
	CHECK_INT_EQ(d.errors, 1);
	CHECK_CONTAINS(first_msg(&d), "duplicate key 'title'");
	CHECK_INT_EQ(first_line(&d), 3);
	CHECK_INT_EQ(d.items[0].col, 1);
	diag_list_release(&d);
	/* the same key in two different maps is fine */
	const char *ok = "---\na: {x: 1}\nb: {x: 2}\nc:\n  - x: 1\n  - x: 2\n---\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, ok, strlen(ok)), 0);
	CHECK_INT_EQ(d.len, 0);
	/* nested duplicate */
	const char *nested = "---\nm:\n  - title: a\n    year: 1\n    title: b\n---\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, nested, strlen(nested)), -1);
	CHECK_CONTAINS(first_msg(&d), "duplicate key 'title'");
	CHECK_INT_EQ(first_line(&d), 5);
	diag_list_release(&d);
	arena_release(&a);
}

TEST(test_non_scalar_key)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	const char *src = "---\ntitle: a\n? [x, y]\n: z\n---\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, src, strlen(src)), -1);
	CHECK_CONTAINS(first_msg(&d), "a key must be text");
	CHECK_INT_EQ(first_line(&d), 3);
	diag_list_release(&d);
	arena_release(&a);
}

/* HOSTILE 13 */
TEST(test_invalid_utf8_line)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	const char *src = "---\ntitle: Tin tức\nsummary: ok\ntags: [a]\nauthor: \xff\xfe bad\n---\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, src, strlen(src)), -1);
	CHECK_INT_EQ(d.errors, 1);
	CHECK_CONTAINS(first_msg(&d), "invalid UTF-8");
	CHECK_INT_EQ(first_line(&d), 5);
	CHECK_INT_EQ(d.items[0].col, 9);
	diag_list_release(&d);
	/* a control character is a libyaml reader error: still the right line */
	const char *ctl = "---\na: 1\nb: 2\nc: \x01\n---\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, ctl, strlen(ctl)), -1);
	CHECK_INT_EQ(first_line(&d), 4);
	CHECK_CONTAINS(first_msg(&d), "control characters");
	diag_list_release(&d);
	/* an escape that makes a NUL byte */
	const char *nul = "---\na: \"x\\0y\"\n---\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, nul, strlen(nul)), -1);
	CHECK_CONTAINS(first_msg(&d), "NUL");
	CHECK_INT_EQ(first_line(&d), 2);
	diag_list_release(&d);
	arena_release(&a);
}

TEST(test_syntax_error_line)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	/* multi-byte text before the error must not shift the column count */
	const char *src = "---\ntitle: Hội thảo chuyển đổi số\ntags: [a, b\nx: 1\n---\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, src, strlen(src)), -1);
	CHECK_CONTAINS(first_msg(&d), "invalid YAML");
	CHECK(first_line(&d) >= 3 && first_line(&d) <= 5);
	diag_list_release(&d);
	/* a LINE SEPARATOR inside a value: libyaml counts it as a line
	 * break, editors do not; lines after it must still be right */
	const char *ls = "---\na: \"x\xe2\x80\xa8y\"\nb: 1\nb: 2\n---\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, ls, strlen(ls)), -1);
	CHECK_CONTAINS(first_msg(&d), "duplicate key 'b'");
	CHECK_INT_EQ(first_line(&d), 4);
	diag_list_release(&d);
	arena_release(&a);
}

TEST(test_root_must_be_map)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	const char *list = "---\n- a\n- b\n---\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, list, strlen(list)), -1);
	CHECK_CONTAINS(first_msg(&d), "must be a map");
	CHECK_INT_EQ(first_line(&d), 2);
	diag_list_release(&d);
	const char *scalar = "---\njust words\n---\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, scalar, strlen(scalar)), -1);
	CHECK_CONTAINS(first_msg(&d), "must be a map");
	diag_list_release(&d);
	arena_release(&a);
}

TEST(test_node_limit)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	struct buf b = BUF_INIT;
	buf_puts(&b, "---\nx: [");
	for (int i = 0; i < 200; i++)
		buf_puts(&b, "1,");
	buf_puts(&b, "1]\n---\n");
	struct yaml_limits small = { 64 * 1024, 32, 100 };
	CHECK_INT_EQ(frontmatter_parse(&fm, &a, "x.md", b.ptr, b.len, &small, &d), -1);
	CHECK_CONTAINS(first_msg(&d), "too many values");
	diag_list_release(&d);
	CHECK_INT_EQ(parse(&fm, &a, &d, b.ptr, b.len), 0);
	CHECK(fm.root && value_get(fm.root, "x") && value_get(fm.root, "x")->n == 201);
	buf_release(&b);
	diag_list_release(&d);
	arena_release(&a);
}

TEST(test_many_keys_fast)
{
	/* duplicate detection must not be quadratic */
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	const struct value *root;
	struct buf b = BUF_INIT;
	for (int i = 0; i < 40000; i++)
		buf_addf(&b, "k%d: %d\n", i, i);
	struct yaml_limits lim = { 0, 32, 100000 };
	CHECK_INT_EQ(frontmatter_parse_yaml(&root, &a, "site.yaml", b.ptr, b.len, &lim, &d), 0);
	CHECK(root && root->n == 40000);
	buf_release(&b);
	diag_list_release(&d);
	arena_release(&a);
}

TEST(test_parse_yaml_document)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	const struct value *root = NULL;
	const char *src = "\xEF\xBB\xBFtitle: Loa\nbase_url: https://example.org/\n"
			  "schools:\n  truong-a: [a@example.org]\n";
	CHECK_INT_EQ(frontmatter_parse_yaml(&root, &a, "site.yaml", src, strlen(src), &limits, &d), 0);
	CHECK(root && root->kind == VALUE_MAP && root->n == 3);
	const struct value *s = value_get(root, "schools");
	CHECK(s && s->line == 4); /* a block map starts at its first key */
	CHECK(value_get(s, "truong-a") && value_get(s, "truong-a")->line == 4);

	CHECK_INT_EQ(frontmatter_parse_yaml(&root, &a, "site.yaml", "", 0, &limits, &d), 0);
	CHECK(root == NULL);
	CHECK_INT_EQ(frontmatter_parse_yaml(&root, &a, "site.yaml", "# nothing\n", 10, &limits, &d), 0);
	CHECK(root == NULL);
	CHECK_INT_EQ(d.len, 0);

	const char *two = "a: 1\n---\nb: 2\n";
	CHECK_INT_EQ(frontmatter_parse_yaml(&root, &a, "site.yaml", two, strlen(two), &limits, &d), -1);
	CHECK_CONTAINS(first_msg(&d), "only one YAML document");
	CHECK_INT_EQ(first_line(&d), 2);
	diag_list_release(&d);

	const char *dup = "a: 1\nb: 2\na: 3\n";
	CHECK_INT_EQ(frontmatter_parse_yaml(&root, &a, "site.yaml", dup, strlen(dup), &limits, &d), -1);
	CHECK_INT_EQ(first_line(&d), 3);
	CHECK_STR_EQ(d.items[0].path, "site.yaml");
	diag_list_release(&d);
	arena_release(&a);
}

/* ---- TOML and JSON (Hugo's formats) ---------------------------------- */

TEST(test_toml_tree)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	const char *src = "+++\n"
			  "title = \"Hội thảo\"\n"
			  "date = 2024-01-15T08:30:00+07:00\n"
			  "lastmod = 2024-02-01\n"
			  "draft = false\n"
			  "weight = 3\n"
			  "ratio = 1.5\n"
			  "tags = [\"a\", \"b\"]\n"
			  "[[models]]\n"
			  "title = \"x\"\n"
			  "year = \"2022-2023\"\n"
			  "+++\n"
			  "Body\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, src, strlen(src)), 0);
	CHECK_INT_EQ(d.len, 0);
	CHECK_INT_EQ(fm.format, FRONTMATTER_TOML);
	CHECK(fm.root && fm.root->kind == VALUE_MAP);
	if (!fm.root)
		goto out;
	const struct value *t = value_get(fm.root, "title");
	CHECK(t && !t->plain && t->line == 2 && t->col == 9);
	if (t)
		CHECK_STR_EQ(t->str, "Hội thảo");
	const struct value *dt = value_get(fm.root, "date");
	CHECK(dt && dt->plain && dt->line == 3);
	if (dt)
		CHECK_STR_EQ(dt->str, "2024-01-15T08:30:00+07:00");
	const struct value *lm = value_get(fm.root, "lastmod");
	if (lm)
		CHECK_STR_EQ(lm->str, "2024-02-01");
	CHECK(lm != NULL);
	const struct value *dr = value_get(fm.root, "draft");
	CHECK(dr && dr->plain && !strcmp(dr->str, "false"));
	const struct value *w = value_get(fm.root, "weight");
	CHECK(w && w->plain && !strcmp(w->str, "3"));
	const struct value *r = value_get(fm.root, "ratio");
	CHECK(r && !strcmp(r->str, "1.5"));
	const struct value *tags = value_get(fm.root, "tags");
	CHECK(tags && tags->kind == VALUE_LIST && tags->n == 2 && tags->line == 8);
	const struct value *models = value_get(fm.root, "models");
	CHECK(models && models->kind == VALUE_LIST && models->n == 1);
	if (models && models->n == 1) {
		CHECK_INT_EQ(models->items[0]->kind, VALUE_MAP);
		const struct value *y = value_get(models->items[0], "year");
		CHECK(y && y->line == 11 && !strcmp(y->str, "2022-2023"));
	}
	CHECK_STR_EQ(fm.body, "Body\n");
	CHECK_INT_EQ(fm.body_line, 13);
out:
	diag_list_release(&d);
	arena_release(&a);
}

TEST(test_toml_errors)
{
	struct arena a = ARENA_INIT;
	struct frontmatter fm;
	static const struct {
		const char *src;
		int line;
		const char *msg;
	} cases[] = {
		{ "+++\ntitle = \"a\"\ndate = \n+++\n", 3, "TOML front matter: " },
		{ "+++\ntitle = \"a\"\ntitle = \"b\"\n+++\n", 3, "TOML front matter: " },
		{ "+++\ntitle: a\n+++\n", 2, "TOML front matter: " },
		{ "+++\ntitle = \"a\"\n", 1, "TOML front matter has no closing '+++' line" },
		{ "+++\nt = \"a\\u0000b\"\n+++\n", 2, "NUL" },
		{ "+++\nt = \"\xff\"\n+++\n", 2, "TOML front matter: " },
		/* toml++ asserted here (an abort of the whole build) */
		{ "+++\n[[[x]]]\n+++\n", 2, "TOML front matter: " },
		{ "+++\n[[[[[[[]]]]]]]\n+++\n", 2, "TOML front matter: " },
		/* toml++ reached __builtin_unreachable on these letters */
		{ "+++\nđ = 1\n+++\n", 2, "TOML front matter: " },
		{ "+++\ntitle = \"a\" ư\n+++\n", 2, "TOML front matter: " },
		{ "+++\ntiêu đề = \"a\"\n+++\n", 2, "TOML front matter: " },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct diag_list d = DIAG_LIST_INIT;
		CHECK_INT_EQ(parse(&fm, &a, &d, cases[i].src, strlen(cases[i].src)), -1);
		CHECK_INT_EQ(first_line(&d), cases[i].line);
		CHECK_CONTAINS(first_msg(&d), cases[i].msg);
		diag_list_release(&d);
	}
	arena_release(&a);
}

TEST(test_toml_bounds)
{
	struct arena a = ARENA_INIT;
	struct frontmatter fm;
	struct buf b = BUF_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	/* 40 nested arrays: over the depth limit of 32 */
	buf_puts(&b, "+++\nx = ");
	for (int i = 0; i < 40; i++)
		buf_putc(&b, '[');
	for (int i = 0; i < 40; i++)
		buf_putc(&b, ']');
	buf_puts(&b, "\n+++\n");
	CHECK_INT_EQ(parse(&fm, &a, &d, b.ptr, b.len), -1);
	CHECK_CONTAINS(first_msg(&d), "nesting too deep");
	CHECK_INT_EQ(first_line(&d), 2);
	diag_list_release(&d);
	/* 100,000 nested arrays: toml++'s own limit stops it, no stack overflow */
	buf_reset(&b);
	buf_puts(&b, "+++\nx = ");
	for (int i = 0; i < 100000; i++)
		buf_putc(&b, '[');
	buf_puts(&b, "\n+++\n");
	struct yaml_limits big = { 1024 * 1024, 32, 100000 };
	CHECK_INT_EQ(frontmatter_parse(&fm, &a, "x.md", b.ptr, b.len, &big, &d), -1);
	CHECK_CONTAINS(first_msg(&d), "TOML front matter: ");
	diag_list_release(&d);
	/* size */
	buf_reset(&b);
	buf_puts(&b, "+++\n");
	for (int i = 0; i < 7000; i++)
		buf_addf(&b, "k%d = \"xxxxx\"\n", i);
	buf_puts(&b, "+++\n");
	CHECK_INT_EQ(parse(&fm, &a, &d, b.ptr, b.len), -1);
	CHECK_CONTAINS(first_msg(&d), "front matter larger than 64 KiB");
	diag_list_release(&d);
	/* node count */
	struct yaml_limits few = { 64 * 1024, 32, 10 };
	const char *many = "+++\na = [1,2,3,4,5,6,7,8,9,10,11,12]\n+++\n";
	CHECK_INT_EQ(frontmatter_parse(&fm, &a, "x.md", many, strlen(many), &few, &d), -1);
	CHECK_CONTAINS(first_msg(&d), "too many values");
	diag_list_release(&d);
	buf_release(&b);
	arena_release(&a);
}

TEST(test_json_tree)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	/* JSON as JSON writers write it: no space after ':', tabs, escapes
	 * YAML 1.1 lacks (\/), a surrogate pair, a brace inside a string, the
	 * closing brace at column 1 */
	const char *src = "{\n"
			  "\t\"title\":\"Hội \\\"thảo\\\" {x} a\\/b \\u00e9 \\ud83d\\ude00\",\n"
			  "  \"date\": \"2024-01-15\",\n"
			  "  \"draft\":false, \"weight\": -12, \"r\": 1.5e3, \"n\": null,\n"
			  "  \"tags\": [\"a\",\n"
			  "\"b\"],\n"
			  "  \"nested\": {\"k\": [1, {\"x\": true}]}\n"
			  "}\n"
			  "Body {\n";
	CHECK_INT_EQ(parse(&fm, &a, &d, src, strlen(src)), 0);
	CHECK_STR_EQ(first_msg(&d), "(no diagnostic)");
	CHECK_INT_EQ(fm.format, FRONTMATTER_JSON);
	CHECK(fm.root && fm.root->kind == VALUE_MAP);
	if (!fm.root)
		goto out;
	const struct value *t = value_get(fm.root, "title");
	CHECK(t && !t->plain && t->line == 2);
	if (t)
		CHECK_STR_EQ(t->str, "Hội \"thảo\" {x} a/b é \xF0\x9F\x98\x80");
	const struct value *dr = value_get(fm.root, "draft");
	CHECK(dr && dr->plain && !strcmp(dr->str, "false") && dr->line == 4);
	const struct value *w = value_get(fm.root, "weight");
	CHECK(w && !strcmp(w->str, "-12"));
	CHECK(value_is_null(value_get(fm.root, "n")));
	const struct value *tags = value_get(fm.root, "tags");
	CHECK(tags && tags->kind == VALUE_LIST && tags->n == 2);
	CHECK_STR_EQ(fm.body, "Body {\n");
	CHECK_INT_EQ(fm.body_line, 9);
out:
	diag_list_release(&d);
	arena_release(&a);
}

TEST(test_json_errors)
{
	struct arena a = ARENA_INIT;
	struct frontmatter fm;
	static const struct {
		const char *src;
		int line;
		const char *msg;
	} cases[] = {
		{ "{\n\"title\": \"a\",\n\"x\": \"b\"\n", 1, "JSON front matter: no closing '}'" },
		{ "{\n\"title\": \"a\",\n\"title\": \"b\"\n}\n", 3, "JSON front matter: duplicate key 'title'" },
		{ "{\n\"title\": \"a\"\n\"x\": 1\n}\n", 3, "JSON front matter: " },
		{ "{\"title\": yes}\n", 1, "JSON front matter: 'yes' is not a JSON value" },
		{ "{\"title\": \"a\", draft: true}\n", 1, "JSON front matter: key 'draft' must be in double quotes" },
		{ "{\"title\": \"a\"} trailing\n", 1, "text after the closing '}'" },
		{ "{\"t\": \"a\\u0000\"}\n", 1, "NUL" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct diag_list d = DIAG_LIST_INIT;
		CHECK_INT_EQ(parse(&fm, &a, &d, cases[i].src, strlen(cases[i].src)), -1);
		CHECK_INT_EQ(first_line(&d), cases[i].line);
		CHECK_CONTAINS(first_msg(&d), cases[i].msg);
		diag_list_release(&d);
	}
	/* not JSON front matter: a shortcode or text starting with '{' */
	const char *sc = "{{< youtube abc >}}\n";
	struct diag_list d = DIAG_LIST_INIT;
	CHECK_INT_EQ(parse(&fm, &a, &d, sc, strlen(sc)), 0);
	CHECK(fm.root == NULL);
	/* bounds: depth and size like YAML */
	struct buf b = BUF_INIT;
	buf_puts(&b, "{\"x\": ");
	for (int i = 0; i < 40; i++)
		buf_puts(&b, "{\"x\": ");
	buf_puts(&b, "1");
	for (int i = 0; i < 41; i++)
		buf_putc(&b, '}');
	buf_putc(&b, '\n');
	CHECK_INT_EQ(parse(&fm, &a, &d, b.ptr, b.len), -1);
	CHECK_CONTAINS(first_msg(&d), "JSON front matter: nesting too deep");
	diag_list_release(&d);
	buf_release(&b);
	arena_release(&a);
}

int main(void)
{
	RUN(test_basic_tree);
	RUN(test_no_front_matter);
	RUN(test_empty_file);
	RUN(test_empty_front_matter);
	RUN(test_bom_and_crlf);
	RUN(test_missing_closing);
	RUN(test_too_large);
	RUN(test_alias_bomb);
	RUN(test_deep_nesting);
	RUN(test_tags);
	RUN(test_duplicate_key);
	RUN(test_non_scalar_key);
	RUN(test_invalid_utf8_line);
	RUN(test_syntax_error_line);
	RUN(test_root_must_be_map);
	RUN(test_node_limit);
	RUN(test_many_keys_fast);
	RUN(test_parse_yaml_document);
	RUN(test_toml_tree);
	RUN(test_toml_errors);
	RUN(test_toml_bounds);
	RUN(test_json_tree);
	RUN(test_json_errors);
	return harness_report();
}
