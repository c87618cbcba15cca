/* Fuzz target: markup/markdown — cmark-gfm with our safe mode, heading ids,
 * the link resolver, shortcodes and summaries. The first input byte picks
 * the options (raw HTML allowed or not, shortcodes on or off); the rest is
 * the page body. Invariants: no crash or leak; in safe mode no raw tag or
 * script URL reaches the HTML; every diagnostic names the file and a line
 * of the body; the summary respects its byte limit. Inputs are capped
 * (-max_len in tests/fuzz/run.sh) because the Debian cmark-gfm has known
 * quadratic cases that the product bounds with a per-page deadline. */
#include "base/buf.h"
#include "base/diag.h"
#include "content/text.h"
#include "fuzz.h"
#include "markup/markdown.h"

#include <string.h>
#include <strings.h>

/* ICU's collator and normaliser are costly to open; one per process, made
 * before the first input, freed by the exit (still reachable, not a leak) */
static struct text *T;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct diag_list d = DIAG_LIST_INIT;
	markdown_init();
	if (text_open(&T, "Asia/Ho_Chi_Minh", &d) != 0)
		abort();
	diag_list_release(&d);
	return 0;
}

static int link_fn(void *ctx, const char *url, struct buf *out)
{
	(void)ctx;
	size_t n = strlen(url);
	if (n > 3 && !strcmp(url + n - 3, ".md")) {
		buf_puts(out, "/trang/");
		return 1;
	}
	if (strstr(url, "missing"))
		return -1;
	return 0;
}

static int shortcode_fn(void *ctx, const char *name, const char *const *keys,
			const char *const *values, size_t nargs, struct buf *html, struct buf *err)
{
	(void)ctx;
	for (size_t i = 0; i < nargs; i++)
		FUZZ_CHECK(values[i] != NULL, "argument %zu has no value", i);
	(void)keys;
	if (!strcmp(name, "truong")) {
		buf_puts(html, "<div class=\"sc\">");
		for (size_t i = 0; i < nargs; i++)
			buf_add_html(html, values[i], strlen(values[i]));
		buf_puts(html, "</div>");
		return 0;
	}
	if (!strcmp(name, "hong")) {
		buf_puts(err, "failed on purpose");
		return -1;
	}
	return 1;
}

/* Lines as cmark counts them: "\n", "\r\n" and a lone "\r" end a line
 * (a file with lone CRs gets cmark's numbering in its warnings). */
static int count_lines(const char *s, size_t n)
{
	int lines = 1;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
			lines++;
	return lines;
}

/* case-insensitive search in a NUL-terminated haystack */
static const char *find_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return hay;
	return NULL;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned flags = data[0];
	const char *src = (const char *)data + 1;
	size_t len = size - 1;
	enum { OFFSET = 4 }; /* as after a four-line front matter */

	struct markdown_opts o = {
		.path = "content/news/a/b.md",
		.line_offset = OFFSET,
		.allow_html = (flags & 1) != 0,
		.link = link_fn,
		.text = (flags & 2) ? NULL : T,
		.shortcode = (flags & 4) ? NULL : shortcode_fn,
	};
	struct buf html = BUF_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	int rc = markdown_render(&html, src, len, &o, &d);
	FUZZ_CHECK(rc == 0 || d.errors > 0 || rc == -1, "rc %d", rc);
	FUZZ_CHECK(strlen(html.ptr) == html.len, "NUL byte inside the HTML");
	int max_line = OFFSET + count_lines(src, len);
	for (size_t i = 0; i < d.len; i++) {
		FUZZ_CHECK(!strcmp(d.items[i].path, "content/news/a/b.md"), "path %s",
			   d.items[i].path);
		FUZZ_CHECK(d.items[i].line == 0 ||
				   (d.items[i].line > OFFSET && d.items[i].line <= max_line),
			   "line %d outside %d..%d: %s", d.items[i].line, OFFSET + 1, max_line,
			   d.items[i].msg);
	}
	if (!o.allow_html) {
		static const char *const bad[] = { "<script", "<iframe", "<object", "<embed",
						   "<style", "<svg", "<img src=x",
						   "href=\"javascript:", "href=\"vbscript:",
						   "href=\"file:", "src=\"javascript:" };
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			FUZZ_CHECK(!find_ci(html.ptr, bad[i]), "safe mode let through %s", bad[i]);
		/* data: URLs pass only as the image types cmark's safe mode keeps */
		for (const char *p = find_ci(html.ptr, "=\"data:"); p; p = find_ci(p + 1, "=\"data:")) {
			const char *t = p + 7;
			FUZZ_CHECK(!strncasecmp(t, "image/png", 9) || !strncasecmp(t, "image/gif", 9) ||
					   !strncasecmp(t, "image/jpeg", 10) ||
					   !strncasecmp(t, "image/webp", 10),
				   "safe mode let through a data: URL: %.40s", p);
		}
	}
	buf_release(&html);
	diag_list_release(&d);

	struct buf sum = BUF_INIT;
	size_t max = 16 + (flags >> 3) * 8;
	markdown_summary(&sum, src, len, max);
	FUZZ_CHECK(sum.len <= max, "summary of %zu bytes over %zu", sum.len, max);
	buf_release(&sum);
	return 0;
}
