/* mdspaces: a link destination with spaces naming a file is bracketed;
 * everything else is left exactly as written. */
#include "harness.h"

#include "base/buf.h"
#include "markup/mdspaces.h"

#include <stdlib.h>

/* The text after mdspaces_bracket, or the input when it changed nothing. */
static char *fixed(const char *in, bool *changed)
{
	struct buf out = BUF_INIT;
	*changed = mdspaces_bracket(in, strlen(in), &out);
	if (!*changed)
		buf_puts(&out, in);
	return buf_detach(&out, NULL);
}

#define CHECK_FIXED(in, want, want_changed)                   \
	do {                                                  \
		bool harness_ch;                              \
		char *harness_s = fixed(in, &harness_ch);     \
		CHECK_STR_EQ(harness_s, want);                \
		CHECK_INT_EQ(harness_ch, want_changed);       \
		free(harness_s);                              \
	} while (0)

TEST(test_spaces_bracketed)
{
	CHECK_FIXED("![Ảnh](ảnh lớp học.jpg)\n", "![Ảnh](<ảnh lớp học.jpg>)\n", true);
	CHECK_FIXED("a ![x](a b.JPEG) and [doc](kế hoạch 2024.pdf) end",
		    "a ![x](<a b.JPEG>) and [doc](<kế hoạch 2024.pdf>) end", true);
	/* lines keep their numbers */
	CHECK_FIXED("l1\n![x](a b.png)\nl3", "l1\n![x](<a b.png>)\nl3", true);
}

TEST(test_others_untouched)
{
	CHECK_FIXED("![x](<a b.jpg>)", "![x](<a b.jpg>)", false);     /* already bracketed */
	CHECK_FIXED("![x](a.jpg \"title\")", "![x](a.jpg \"title\")", false); /* a title */
	CHECK_FIXED("[x](https://a.vn/a b.pdf)", "[x](https://a.vn/a b.pdf)", false); /* a URL */
	CHECK_FIXED("[x](some words)", "[x](some words)", false);     /* no extension */
	CHECK_FIXED("[x](a b.jpg", "[x](a b.jpg", false);             /* not closed */
	CHECK_FIXED("[x](a\nb.jpg)", "[x](a\nb.jpg)", false);         /* across lines */
	CHECK_FIXED("`![x](a b.jpg)`", "`![x](a b.jpg)`", false);     /* code span */
	CHECK_FIXED("``a ` ![x](a b.jpg)``", "``a ` ![x](a b.jpg)``", false);
	CHECK_FIXED("```\n![x](a b.jpg)\n```\n![y](c d.png)",
		    "```\n![x](a b.jpg)\n```\n![y](<c d.png>)", true); /* fenced block */
	CHECK_FIXED("~~~md\n![x](a b.jpg)\n", "~~~md\n![x](a b.jpg)\n", false); /* unclosed fence */
	CHECK_FIXED("", "", false);
}

int main(void)
{
	RUN(test_spaces_bracketed);
	RUN(test_others_untouched);
	return harness_report();
}
