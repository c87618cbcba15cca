/* test_syntaxhint — the front matter mistakes people make most, told in
 * plain words: the mapping from the parsers' own errors (libyaml, toml++,
 * through frontmatter_parse so that a parser that rewords its errors fails
 * here) to the hint, its position and the line to write instead. */
#include "harness.h"

#include "base/arena.h"
#include "base/diag.h"
#include "content/frontmatter.h"
#include "content/syntaxhint.h"

#include <stdlib.h>
#include <string.h>

static const struct yaml_limits limits = YAML_LIMITS_DEFAULT;

/* the first diagnostic of parsing src, in English and Vietnamese */
struct outcome {
	int rc, line, col;
	enum diag_severity sev;
	char msg[512], vi[512];
};

static struct outcome run(const char *src)
{
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct frontmatter fm;
	struct outcome o;
	memset(&o, 0, sizeof(o));
	o.rc = frontmatter_parse(&fm, &a, "content/news/a/b.md", src, strlen(src), &limits, &d);
	diag_list_sort(&d);
	if (d.len) {
		o.line = d.items[0].line;
		o.col = d.items[0].col;
		o.sev = d.items[0].severity;
		snprintf(o.msg, sizeof(o.msg), "%s", d.items[0].msg);
		snprintf(o.vi, sizeof(o.vi), "%s", d.items[0].msg_vi ? d.items[0].msg_vi : "(none)");
	}
	diag_list_release(&d);
	arena_release(&a);
	return o;
}

TEST(test_colon_in_title)
{
	struct outcome o = run("---\ntitle: Bé vui: ngày hội\ndate: 2024-05-01\n---\nx\n");
	CHECK_INT_EQ(o.rc, -1);
	CHECK_INT_EQ(o.line, 2);
	CHECK_INT_EQ(o.col, 14);
	CHECK_CONTAINS(o.msg, "needs quotes around the whole value: write title: \"Bé vui: ngày hội\"");
	CHECK_CONTAINS(o.vi, "dấu hai chấm");
	CHECK_CONTAINS(o.vi, "title: \"Bé vui: ngày hội\"");
	/* a value with a double quote in it gets single quotes */
	o = run("---\ntitle: Bé \"vui\": ngày hội\n---\n");
	CHECK_CONTAINS(o.msg, "write title: 'Bé \"vui\": ngày hội'");
	/* in a list item, indented */
	o = run("---\nmenu:\n  - name: Lớp: Lá\n---\n");
	CHECK_CONTAINS(o.msg, "write   - name: \"Lớp: Lá\"");
}

TEST(test_tab_indent)
{
	struct outcome o = run("---\ntitle: \"Tab\"\n\tdate: 2024-05-01\n---\n");
	CHECK_INT_EQ(o.rc, -1);
	CHECK_INT_EQ(o.line, 3);
	CHECK_CONTAINS(o.msg, "a Tab is used to indent here");
	CHECK_CONTAINS(o.vi, "phím Tab");
	o = run("---\ntags:\n  - a\n\t- b\n---\n");
	CHECK_INT_EQ(o.line, 4);
	CHECK_CONTAINS(o.msg, "a Tab is used to indent here");
}

TEST(test_unclosed_quote)
{
	/* named where the quote was opened, not where libyaml gave up */
	struct outcome o = run("---\ntitle: \"Thiếu ngoặc\ndate: 2024-05-01\n---\n");
	CHECK_INT_EQ(o.rc, -1);
	CHECK_INT_EQ(o.line, 2);
	CHECK_INT_EQ(o.col, 8);
	CHECK_CONTAINS(o.msg, "never closed: write title: \"Thiếu ngoặc\"");
	CHECK_CONTAINS(o.vi, "chưa được đóng");
	o = run("---\ntitle: 'Thiếu ngoặc\n---\n");
	CHECK_CONTAINS(o.msg, "write title: 'Thiếu ngoặc'");
}

TEST(test_hash_cuts_value)
{
	/* valid YAML, so a warning; the value as meant, quoted */
	struct outcome o = run("---\ntitle: Lớp vui #1\n---\n");
	CHECK_INT_EQ(o.rc, 0);
	CHECK_INT_EQ(o.sev, DIAG_WARNING);
	CHECK_INT_EQ(o.line, 2);
	CHECK_INT_EQ(o.col, 16);
	CHECK_CONTAINS(o.msg, "so 'title' ends before it");
	CHECK_CONTAINS(o.msg, "write title: \"Lớp vui #1\"");
	CHECK_CONTAINS(o.vi, "ghi chú");
	o = run("---\ntitle: #Bé vui\n---\n");
	CHECK_INT_EQ(o.sev, DIAG_WARNING);
	CHECK_CONTAINS(o.msg, "so 'title' is empty");
	CHECK_CONTAINS(o.msg, "write title: \"#Bé vui\"");
	/* a comment written as one ("# words") and quoted values are left alone */
	o = run("---\ndraft: false # xem lại\nsummary: \"a #1\" #b\n---\n");
	CHECK_INT_EQ(o.rc, 0);
	CHECK_STR_EQ(o.msg, "");
}

TEST(test_missing_fence)
{
	struct outcome o = run("---\ntitle: \"Thiếu dấu\"\ndate: 2024-05-01\nHôm nay các bé đi chơi.\n");
	CHECK_INT_EQ(o.rc, -1);
	CHECK_INT_EQ(o.line, 4);
	CHECK_CONTAINS(o.msg, "add a line '---' before line 4");
	CHECK_CONTAINS(o.vi, "hãy thêm một dòng '---' trước dòng 4");
	o = run("+++\ntitle = \"Bé\"\nNội dung.\n");
	CHECK_CONTAINS(o.msg, "add a line '+++' before line 3");
}

TEST(test_toml)
{
	struct outcome o = run("+++\ntitle = Bé vui\n+++\n");
	CHECK_INT_EQ(o.rc, -1);
	CHECK_INT_EQ(o.line, 2);
	CHECK_CONTAINS(o.msg, "text needs double quotes in TOML: write title = \"Bé vui\"");
	CHECK_CONTAINS(o.vi, "dấu ngoặc kép");
	o = run("+++\ntitle = \"Bé vui\ndate = 2024-05-01\n+++\n");
	CHECK_INT_EQ(o.line, 2);
	CHECK_CONTAINS(o.msg, "never closed: write title = \"Bé vui\"");
	o = run("+++\ntitle = 'Bé vui\n+++\n");
	CHECK_CONTAINS(o.msg, "never closed: write title = 'Bé vui'");
}

/* the pure functions, on their own */
TEST(test_functions)
{
	struct syntaxhint_line l = { "title: a: b", 11, ':' };
	char *fix = NULL;
	CHECK_INT_EQ(syntaxhint_yaml("mapping values are not allowed in this context", NULL, &l, &l,
				     &fix),
		     SYNTAXHINT_COLON);
	CHECK_STR_EQ(fix, "title: \"a: b\"");
	free(fix);
	CHECK_INT_EQ(syntaxhint_yaml("did not find expected key", NULL, &l, &l, &fix),
		     SYNTAXHINT_NONE);
	CHECK(fix == NULL);
	/* a number meant bare is not taken for text */
	CHECK_INT_EQ(syntaxhint_toml("could not determine value type", "weight = 1x", 11, &fix),
		     SYNTAXHINT_NONE);
	CHECK(syntaxhint_looks_like_field("title: x", 8));
	CHECK(syntaxhint_looks_like_field("  - a", 5));
	CHECK(syntaxhint_looks_like_field("weight = 3", 10));
	CHECK(!syntaxhint_looks_like_field("Hôm nay: vui lắm", strlen("Hôm nay: vui lắm")));
	CHECK(!syntaxhint_looks_like_field("", 0));
}

int main(void)
{
	RUN(test_colon_in_title);
	RUN(test_tab_indent);
	RUN(test_unclosed_quote);
	RUN(test_hash_cuts_value);
	RUN(test_missing_fence);
	RUN(test_toml);
	RUN(test_functions);
	return harness_report();
}
