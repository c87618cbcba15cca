/* Unit tests for markup/markdown: GFM rendering, safe mode (HOSTILE 17,
 * 18, 19, 22), heading ids, the link resolver, summaries and shortcodes. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/diag.h"
#include "content/text.h"
#include "harness.h"
#include "markup/markdown.h"

static struct text *T;

struct result {
	struct buf html;
	struct diag_list diags;
	int rc;
};

static void render_opts(struct result *r, const char *src, size_t len,
			const struct markdown_opts *o)
{
	struct buf html = BUF_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	r->html = html;
	r->diags = d;
	r->rc = markdown_render(&r->html, src, len, o, &r->diags);
}

static void render(struct result *r, const char *src)
{
	struct markdown_opts o = { .path = "content/a.md", .line_offset = 0, .text = T };
	render_opts(r, src, strlen(src), &o);
}

static void result_release(struct result *r)
{
	buf_release(&r->html);
	diag_list_release(&r->diags);
}

/* number of diagnostics whose message contains needle */
static int count_diags(const struct result *r, const char *needle)
{
	int n = 0;
	for (size_t i = 0; i < r->diags.len; i++)
		if (strstr(r->diags.items[i].msg, needle))
			n++;
	return n;
}

/* line of the i-th diagnostic containing needle, or -1 */
static int diag_line(const struct result *r, const char *needle, int nth)
{
	for (size_t i = 0; i < r->diags.len; i++)
		if (strstr(r->diags.items[i].msg, needle) && nth-- == 0)
			return r->diags.items[i].line;
	return -1;
}

TEST(test_gfm)
{
	struct result r;
	render(&r,
	       "Hello *world*.\n"
	       "\n"
	       "| Lớp | Số trẻ |\n"
	       "|-----|-------:|\n"
	       "| Mầm | 25 |\n"
	       "\n"
	       "~~old~~ new, see https://example.org/x and www.example.com.\n"
	       "\n"
	       "- [x] done\n"
	       "- [ ] todo\n"
	       "\n"
	       "```lua\nx = 1 < 2\n```\n");
	CHECK_INT_EQ(r.rc, 0);
	CHECK_CONTAINS(r.html.ptr, "<p>Hello <em>world</em>.</p>");
	CHECK_CONTAINS(r.html.ptr, "<table>");
	CHECK_CONTAINS(r.html.ptr, "<th>Lớp</th>");
	CHECK_CONTAINS(r.html.ptr, "<td align=\"right\">25</td>");
	CHECK_CONTAINS(r.html.ptr, "<del>old</del>");
	CHECK_CONTAINS(r.html.ptr, "<a href=\"https://example.org/x\">https://example.org/x</a>");
	CHECK_CONTAINS(r.html.ptr, "<a href=\"http://www.example.com\">www.example.com</a>");
	/* readers: symbols, not form controls without a label (axe "label") */
	CHECK_CONTAINS(r.html.ptr, "<span class=\"task task-done\">\xe2\x98\x91</span> done");
	CHECK_CONTAINS(r.html.ptr, "<span class=\"task\">\xe2\x98\x90</span> todo");
	CHECK(strstr(r.html.ptr, "<input") == NULL);
	CHECK_CONTAINS(r.html.ptr, "<code class=\"language-lua\">x = 1 &lt; 2\n</code>");
	CHECK_NOT_CONTAINS(r.html.ptr, "data-sourcepos");
	CHECK_INT_EQ(r.diags.len, 0);
	result_release(&r);
}

TEST(test_appends)
{
	struct result r;
	struct markdown_opts o = { .path = "a.md" };
	struct buf html = BUF_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	buf_puts(&html, "<main>");
	CHECK_INT_EQ(markdown_render(&html, "# T\n\nx\n", 7, &o, &d), 0);
	CHECK_STR_EQ(html.ptr, "<main><h1 id=\"t\">T</h1>\n<p>x</p>\n");
	r.html = html;
	r.diags = d;
	result_release(&r);
}

/* HOSTILE 17 */
TEST(test_unsafe_links)
{
	struct result r;
	render(&r,
	       "[a](javascript:alert(1))\n"
	       "[b](JaVaScRiPt:alert(1))\n"
	       "[c](&#106;avascript:alert(1))\n"
	       "[d](data:text/html,<script>alert(1)</script>)\n"
	       "[e](file:///etc/passwd)\n"
	       "[f](vbscript:msgbox)\n"
	       "<javascript:alert(1)>\n"
	       "[g](jav&#x09;ascript:alert(1))\n"
	       "\n"
	       "![ok](data:image/png;base64,iVBORw0KGgo=)\n"
	       "![bad](data:text/html;base64,PHNjcmlwdD4=)\n"
	       "[safe](https://example.org/?q=1) [rel](../x/) [mail](mailto:a@b.vn)\n");
	CHECK_INT_EQ(r.rc, 0);
	/* the autolink's text still shows the URL, but never as a link */
	CHECK_NOT_CONTAINS(r.html.ptr, "href=\"javascript");
	CHECK_NOT_CONTAINS(r.html.ptr, "href=\"JaVaScRiPt");
	CHECK_NOT_CONTAINS(r.html.ptr, "href=\"jav%09");
	CHECK_NOT_CONTAINS(r.html.ptr, "vbscript");
	CHECK_NOT_CONTAINS(r.html.ptr, "file:");
	CHECK_NOT_CONTAINS(r.html.ptr, "text/html");
	CHECK_CONTAINS(r.html.ptr, "<a href=\"\">javascript:alert(1)</a>");
	CHECK_CONTAINS(r.html.ptr, "<a href=\"\">a</a>");
	CHECK_CONTAINS(r.html.ptr, "<a href=\"\">b</a>");
	CHECK_CONTAINS(r.html.ptr, "<a href=\"\">c</a>");
	CHECK_CONTAINS(r.html.ptr, "<a href=\"\">d</a>");
	CHECK_CONTAINS(r.html.ptr, "<a href=\"\">e</a>");
	CHECK_CONTAINS(r.html.ptr, "<a href=\"\">f</a>");
	CHECK_CONTAINS(r.html.ptr, "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"ok\" />");
	CHECK_CONTAINS(r.html.ptr, "<img src=\"\" alt=\"bad\" />");
	CHECK_CONTAINS(r.html.ptr, "<a href=\"https://example.org/?q=1\">safe</a>");
	CHECK_CONTAINS(r.html.ptr, "<a href=\"../x/\">rel</a>");
	CHECK_CONTAINS(r.html.ptr, "<a href=\"mailto:a@b.vn\">mail</a>");
	/* a..g, the autolink and the text/html image */
	CHECK_INT_EQ(count_diags(&r, "unsafe link removed"), 9);
	CHECK_INT_EQ(r.diags.warnings, 9);
	CHECK_INT_EQ(r.diags.errors, 0);
	CHECK_INT_EQ(diag_line(&r, "unsafe link removed", 0), 1);
	CHECK_INT_EQ(diag_line(&r, "unsafe link removed", 4), 5);
	CHECK_INT_EQ(diag_line(&r, "unsafe link removed", 8), 11);
	CHECK_CONTAINS(r.diags.items[0].msg, "javascript:");
	CHECK_STR_EQ(r.diags.items[0].path, "content/a.md");
	result_release(&r);

	/* data: images are for images only */
	render(&r, "[x](data:image/png;base64,AAAA)\n");
	CHECK_CONTAINS(r.html.ptr, "<a href=\"\">x</a>");
	CHECK_INT_EQ(count_diags(&r, "unsafe link removed"), 1);
	result_release(&r);
}

/* HOSTILE 18: the body starts on line 5 of the file (line_offset 4) */
TEST(test_raw_html)
{
	struct result r;
	const char *src = "Intro\n"
			  "\n"
			  "<script>alert(1)</script>\n"
			  "\n"
			  "Text <img src=x onerror=alert(1)> and <b onclick=\"x()\">bold</b>.\n"
			  "\n"
			  "| a | b |\n"
			  "|---|---|\n"
			  "| <script>x</script> | ok |\n";
	struct markdown_opts o = { .path = "content/b.md", .line_offset = 4, .text = T };
	render_opts(&r, src, strlen(src), &o);
	CHECK_INT_EQ(r.rc, 0);
	CHECK_NOT_CONTAINS(r.html.ptr, "<script");
	CHECK_NOT_CONTAINS(r.html.ptr, "onerror");
	CHECK_NOT_CONTAINS(r.html.ptr, "onclick");
	CHECK_CONTAINS(r.html.ptr, "<!-- raw HTML omitted -->");
	CHECK_CONTAINS(r.html.ptr, "<td><!-- raw HTML omitted -->x<!-- raw HTML omitted --></td>");
	CHECK_CONTAINS(r.html.ptr, "bold");
	/* one per node: the block, <img>, <b>, </b>, <script>, </script> */
	CHECK_INT_EQ(count_diags(&r, "raw HTML omitted"), 6);
	CHECK_INT_EQ(diag_line(&r, "raw HTML omitted", 0), 7); /* body line 3 */
	CHECK_INT_EQ(diag_line(&r, "raw HTML omitted", 1), 9);
	CHECK_INT_EQ(diag_line(&r, "raw HTML omitted", 4), 13); /* table cell */
	CHECK_INT_EQ(r.diags.items[1].col, 6);
	CHECK_INT_EQ(r.diags.errors, 0);
	result_release(&r);
}

TEST(test_raw_html_warning_cap)
{
	struct buf src = BUF_INIT;
	struct result r;
	for (int i = 0; i < 300; i++)
		buf_puts(&src, "<b>x</b>\n");
	struct markdown_opts o = { .path = "c.md" };
	render_opts(&r, src.ptr, src.len, &o);
	CHECK_INT_EQ(r.rc, 0);
	CHECK_INT_EQ(r.diags.len, 101);
	CHECK_CONTAINS(r.diags.items[100].msg, "more 'raw HTML omitted' warnings");
	result_release(&r);
	buf_release(&src);
}

TEST(test_allow_html)
{
	struct result r;
	const char *src = "<div class=\"note\">\n\nHi <span style=\"color:red\">x</span>\n\n</div>\n"
			  "\n[a](javascript:void(0))\n\n<script>alert(1)</script>\n";
	struct markdown_opts o = { .path = "d.md", .allow_html = true, .text = T };
	render_opts(&r, src, strlen(src), &o);
	CHECK_INT_EQ(r.rc, 0);
	CHECK_CONTAINS(r.html.ptr, "<div class=\"note\">");
	CHECK_CONTAINS(r.html.ptr, "<span style=\"color:red\">x</span>");
	CHECK_CONTAINS(r.html.ptr, "href=\"javascript:void(0)\"");
	/* tagfilter still disarms <script> */
	CHECK_CONTAINS(r.html.ptr, "&lt;script>");
	CHECK_NOT_CONTAINS(r.html.ptr, "raw HTML omitted");
	CHECK_INT_EQ(r.diags.len, 0);
	result_release(&r);
}

/* HOSTILE 19 */
TEST(test_deep_nesting)
{
	struct buf src = BUF_INIT;
	struct result r;
	for (int i = 0; i < 50000; i++)
		buf_putc(&src, '>');
	buf_puts(&src, " deep\n");
	struct markdown_opts o = { .path = "e.md", .text = T };
	render_opts(&r, src.ptr, src.len, &o);
	CHECK_INT_EQ(r.rc, 0);
	CHECK_CONTAINS(r.html.ptr, "<blockquote>");
	CHECK_CONTAINS(r.html.ptr, "deep");
	CHECK(r.html.len < 2 * 1024 * 1024);
	result_release(&r);
	buf_release(&src);
}

/* HOSTILE 22 */
TEST(test_bad_bytes)
{
	static const char src[] = "ok\n\na\0b\n\nc\xff\xfe" "d \xc3\x28\n";
	struct result r;
	struct markdown_opts o = { .path = "f.md", .line_offset = 2, .text = T };
	render_opts(&r, src, sizeof(src) - 1, &o);
	CHECK_INT_EQ(r.rc, 0);
	CHECK_CONTAINS(r.html.ptr, "<p>a\xef\xbf\xbd" "b</p>");
	CHECK_CONTAINS(r.html.ptr, "c\xef\xbf\xbd\xef\xbf\xbd" "d");
	CHECK_NOT_CONTAINS(r.html.ptr, "\xff");
	CHECK_INT_EQ(count_diags(&r, "NUL byte replaced by U+FFFD"), 1);
	CHECK_INT_EQ(count_diags(&r, "invalid UTF-8 replaced by U+FFFD"), 1);
	CHECK_INT_EQ(diag_line(&r, "NUL byte", 0), 5);
	CHECK_INT_EQ(diag_line(&r, "invalid UTF-8", 0), 7);
	for (size_t i = 0; i < r.diags.len; i++)
		if (strstr(r.diags.items[i].msg, "invalid UTF-8"))
			CHECK_INT_EQ(r.diags.items[i].col, 2);
	CHECK_INT_EQ(r.diags.errors, 0);
	result_release(&r);
}

/* Broken UTF-8 with no NUL beside it is still replaced (cmark checks the
 * text again only when Loa's check found it broken), and valid text with
 * a NUL keeps its letters. */
TEST(test_bad_bytes_alone)
{
	static const char bad[] = "Trường \xe1\xba mầm non\n";
	struct result r;
	render(&r, bad);
	CHECK_INT_EQ(r.rc, 0);
	CHECK_CONTAINS(r.html.ptr, "<p>Trường \xef\xbf\xbd mầm non</p>");
	CHECK_NOT_CONTAINS(r.html.ptr, "\xe1\xba ");
	CHECK_INT_EQ(count_diags(&r, "invalid UTF-8 replaced by U+FFFD"), 1);
	result_release(&r);
	static const char nul[] = "Lớp \0học\n";
	struct markdown_opts o = { .path = "f.md", .text = T };
	render_opts(&r, nul, sizeof(nul) - 1, &o);
	CHECK_CONTAINS(r.html.ptr, "<p>Lớp \xef\xbf\xbdhọc</p>");
	CHECK_INT_EQ(count_diags(&r, "NUL byte replaced by U+FFFD"), 1);
	result_release(&r);
}

TEST(test_heading_ids)
{
	struct result r;
	render(&r,
	       "# Hội thảo chuyển đổi số\n"
	       "\n"
	       "## Lịch *sự kiện*\n"
	       "\n"
	       "## Lịch sự kiện\n"
	       "\n"
	       "## Lịch sự kiện\n"
	       "\n"
	       "### Lịch sự kiện 1\n"
	       "\n"
	       "Setext `code` title\n"
	       "-------------------\n"
	       "\n"
	       "#\n"
	       "\n"
	       "## !!!\n"
	       "\n"
	       "> ### Quoted\n");
	CHECK_INT_EQ(r.rc, 0);
	CHECK_CONTAINS(r.html.ptr, "<h1 id=\"hoi-thao-chuyen-doi-so\">Hội thảo chuyển đổi số</h1>");
	CHECK_CONTAINS(r.html.ptr, "<h2 id=\"lich-su-kien\">Lịch <em>sự kiện</em></h2>");
	CHECK_CONTAINS(r.html.ptr, "<h2 id=\"lich-su-kien-1\">Lịch sự kiện</h2>");
	CHECK_CONTAINS(r.html.ptr, "<h2 id=\"lich-su-kien-2\">Lịch sự kiện</h2>");
	/* its own slug "lich-su-kien-1" is taken by a duplicate: suffixed */
	CHECK_CONTAINS(r.html.ptr, "<h3 id=\"lich-su-kien-1-1\">Lịch sự kiện 1</h3>");
	CHECK_CONTAINS(r.html.ptr, "<h2 id=\"setext-code-title\">Setext <code>code</code> title</h2>");
	CHECK_CONTAINS(r.html.ptr, "<h1 id=\"section\"></h1>");
	CHECK_CONTAINS(r.html.ptr, "<h2 id=\"section-1\">!!!</h2>");
	CHECK_CONTAINS(r.html.ptr, "<blockquote>\n<h3 id=\"quoted\">Quoted</h3>");
	CHECK_NOT_CONTAINS(r.html.ptr, "\xff");
	CHECK_INT_EQ(r.diags.len, 0);
	result_release(&r);

	/* without ICU: ASCII only */
	struct markdown_opts o = { .path = "g.md" };
	const char *src = "## Hello, World!\n\n## Hello World\n";
	render_opts(&r, src, strlen(src), &o);
	CHECK_CONTAINS(r.html.ptr, "<h2 id=\"hello-world\">Hello, World!</h2>");
	CHECK_CONTAINS(r.html.ptr, "<h2 id=\"hello-world-1\">Hello World</h2>");
	result_release(&r);
}

TEST(test_many_duplicate_headings)
{
	struct buf src = BUF_INIT;
	struct result r;
	for (int i = 0; i < 5000; i++)
		buf_puts(&src, "## Tin\n\n");
	struct markdown_opts o = { .path = "h.md", .text = T };
	render_opts(&r, src.ptr, src.len, &o);
	CHECK_INT_EQ(r.rc, 0);
	CHECK_CONTAINS(r.html.ptr, "<h2 id=\"tin\">Tin</h2>");
	CHECK_CONTAINS(r.html.ptr, "<h2 id=\"tin-4999\">Tin</h2>");
	CHECK_NOT_CONTAINS(r.html.ptr, "tin-5000");
	result_release(&r);
	buf_release(&src);
}

/* resolver: "*.md" → "/x/", "missing.md" broken, other URLs untouched */
static int resolve(void *ctx, const char *url, struct buf *out)
{
	int *calls = ctx;
	(*calls)++;
	if (strcmp(url, "missing.md") == 0)
		return -1;
	size_t n = strlen(url);
	if (n > 3 && strcmp(url + n - 3, ".md") == 0) {
		buf_putc(out, '/');
		buf_add(out, url, n - 3);
		buf_putc(out, '/');
		return 1;
	}
	return 0;
}

TEST(test_link_resolver)
{
	struct result r;
	int calls = 0;
	const char *src = "See [other](other.md) and [gone](missing.md).\n"
			  "\n"
			  "![photo](anh.jpg) [web](https://example.org) [x](javascript:x)\n"
			  "\n"
			  "[ref]\n"
			  "\n"
			  "[ref]: other.md\n";
	struct markdown_opts o = { .path = "content/news/a/b.md", .line_offset = 3,
				   .link = resolve, .link_ctx = &calls, .text = T };
	render_opts(&r, src, strlen(src), &o);
	CHECK_INT_EQ(r.rc, 0);
	CHECK_CONTAINS(r.html.ptr, "<a href=\"/other/\">other</a>");
	CHECK_CONTAINS(r.html.ptr, "<a href=\"missing.md\">gone</a>"); /* kept */
	CHECK_CONTAINS(r.html.ptr, "<img src=\"anh.jpg\" alt=\"photo\" />");
	CHECK_CONTAINS(r.html.ptr, "<a href=\"https://example.org\">web</a>");
	CHECK_CONTAINS(r.html.ptr, "<a href=\"/other/\">ref</a>");
	/* not for the unsafe one */
	CHECK_INT_EQ(calls, 5);
	CHECK_INT_EQ(count_diags(&r, "broken link 'missing.md'"), 1);
	CHECK_INT_EQ(diag_line(&r, "broken link", 0), 4);
	CHECK_INT_EQ(count_diags(&r, "unsafe link removed"), 1);
	CHECK_INT_EQ(r.diags.errors, 0);
	result_release(&r);
}

static const char *summary(const char *src, size_t max)
{
	static char last[1024];
	struct buf b = BUF_INIT;
	markdown_summary(&b, src, strlen(src), max);
	snprintf(last, sizeof(last), "%s", b.ptr);
	buf_release(&b);
	return last;
}

TEST(test_summary)
{
	const char *doc = "# Tiêu đề\n"
			  "\n"
			  "<div>raw</div>\n"
			  "\n"
			  "Ngày   hội *đọc sách* tại `trường`\n"
			  "Mầm non ![ảnh](a.jpg) Hoa Sen.\n"
			  "\n"
			  "```\ncode\n```\n"
			  "\n"
			  "Đoạn hai.\n";
	CHECK_STR_EQ(summary(doc, 500),
		     "Ngày hội đọc sách tại trường Mầm non Hoa Sen. Đoạn hai.");
	/* cut at a word boundary, the ellipsis within max_bytes */
	const char *s = summary(doc, 21);
	CHECK_STR_EQ(s, "Ngày hội đọc…");
	CHECK(strlen(s) <= 21);
	/* exactly fitting: not cut */
	CHECK_STR_EQ(summary("Một hai ba.", strlen("Một hai ba.")), "Một hai ba.");
	/* one long word: cut between characters, never inside one */
	s = summary("Đđđđđđđđđđđđđđđđ", 10);
	CHECK_STR_EQ(s, "Đđđ…");
	CHECK(strlen(s) <= 10);
	/* commas before the cut go */
	CHECK_STR_EQ(summary("alpha, beta gamma", 12), "alpha…");
	CHECK_STR_EQ(summary("", 100), "");
	CHECK_STR_EQ(summary("# Only a heading\n", 100), "");
	CHECK_STR_EQ(summary("| a | b |\n|---|---|\n| c | d |\n\nText.\n", 100), "Text.");
	/* appends */
	struct buf b = BUF_INIT;
	buf_puts(&b, ">");
	markdown_summary(&b, "x y", 3, 100);
	CHECK_STR_EQ(b.ptr, ">x y");
	buf_release(&b);
}

/* ---- shortcodes ---- */

/* A test callback: "card" prints its arguments as key=value (escaped),
 * "fail" fails, "bad" returns invalid UTF-8, anything else is unknown.
 * Records the calls. */
struct sc_log {
	int calls;
	struct buf seen; /* one line per call: name|k=v|v... */
};

static int sc_cb(void *ctx, const char *name, const char *const *keys,
		 const char *const *values, size_t nargs, struct buf *html, struct buf *err)
{
	struct sc_log *log = ctx;
	log->calls++;
	buf_puts(&log->seen, name);
	for (size_t i = 0; i < nargs; i++) {
		buf_putc(&log->seen, '|');
		if (keys[i])
			buf_addf(&log->seen, "%s=", keys[i]);
		buf_puts(&log->seen, values[i]);
	}
	buf_putc(&log->seen, '\n');
	if (strcmp(name, "card") == 0) {
		buf_puts(html, "<div class=\"card\">");
		for (size_t i = 0; i < nargs; i++)
			buf_add_html(html, values[i], strlen(values[i]));
		buf_puts(html, "</div>");
		return 0;
	}
	if (strcmp(name, "fail") == 0) {
		buf_puts(err, "plugins/x.lua:3: boom");
		return -1;
	}
	if (strcmp(name, "bad") == 0) {
		buf_puts(html, "<p>\xff</p>");
		return 0;
	}
	return 1;
}

static void render_sc(struct result *r, struct sc_log *log, const char *src)
{
	struct markdown_opts o = { .path = "content/s.md", .line_offset = 10, .text = T,
				   .shortcode = sc_cb, .shortcode_ctx = log };
	render_opts(r, src, strlen(src), &o);
}

TEST(test_shortcode_expanded)
{
	struct sc_log log = { 0, BUF_INIT };
	struct result r;
	render_sc(&r, &log,
		  "Trước.\n\n{{< card dong-thai \"hai từ\" key=\"giá trị\" k2=bare >}}\n\nSau.\n");
	CHECK_INT_EQ(r.rc, 0);
	CHECK_INT_EQ(log.calls, 1);
	CHECK_STR_EQ(log.seen.ptr, "card|dong-thai|hai từ|key=giá trị|k2=bare\n");
	/* inserted raw, in place of the paragraph, not wrapped in <p> */
	CHECK_CONTAINS(r.html.ptr, "<p>Trước.</p>\n<div class=\"card\">dong-thaihai từgiá trịbare</div>\n<p>Sau.</p>");
	CHECK_NOT_CONTAINS(r.html.ptr, "{{");
	CHECK_INT_EQ(r.diags.len, 0);
	result_release(&r);

	/* escapes in quoted values; no spaces inside the braces; list items,
	 * block quotes; CRLF line ends; trailing spaces */
	buf_reset(&log.seen);
	log.calls = 0;
	render_sc(&r, &log,
		  "{{<card \"a \\\"q\\\" \\\\ b\">}}\r\n\r\n- {{< card li >}}\r\n\r\n> {{< card bq >}}   \r\n");
	CHECK_INT_EQ(log.calls, 3);
	CHECK_STR_EQ(log.seen.ptr, "card|a \"q\" \\ b\ncard|li\ncard|bq\n");
	CHECK_CONTAINS(r.html.ptr, "<div class=\"card\">a &quot;q&quot; \\ b</div>");
	CHECK_CONTAINS(r.html.ptr, "<li>\n<div class=\"card\">li</div>\n</li>");
	CHECK_CONTAINS(r.html.ptr, "<blockquote>\n<div class=\"card\">bq</div>\n</blockquote>");
	/* `{{<card` looks like raw HTML to cmark, but the shortcode took it */
	CHECK_INT_EQ(count_diags(&r, "raw HTML"), 0);
	result_release(&r);
	buf_release(&log.seen);
}

TEST(test_shortcode_not_expanded)
{
	struct sc_log log = { 0, BUF_INIT };
	struct result r;
	/* inline, in code spans, in code blocks (indented and fenced), in a
	 * paragraph with other text: left as text, no call */
	render_sc(&r, &log,
		  "Xem {{< card a >}} tại đây.\n\n`{{< card b >}}`\n\n    {{< card c >}}\n\n"
		  "```\n{{< card d >}}\n```\n\n<!-- x -->\n");
	CHECK_INT_EQ(log.calls, 0);
	CHECK_CONTAINS(r.html.ptr, "Xem {{&lt; card a &gt;}} tại đây.");
	CHECK_CONTAINS(r.html.ptr, "<code>{{&lt; card b &gt;}}</code>");
	CHECK_CONTAINS(r.html.ptr, "<pre><code>{{&lt; card c &gt;}}\n</code></pre>");
	CHECK_CONTAINS(r.html.ptr, "<pre><code>{{&lt; card d &gt;}}\n</code></pre>");
	/* only the one inside text is named (Hugo content has many) */
	CHECK_INT_EQ(count_diags(&r, "shortcode"), 1);
	CHECK_INT_EQ(diag_line(&r, "shortcode 'card' inside a paragraph left as text", 0), 11);
	result_release(&r);

	/* Hugo's {{% %}} form, on the second line of a paragraph */
	render_sc(&r, &log, "Một dòng\nrồi {{% notice info %}} nữa\n");
	CHECK_INT_EQ(log.calls, 0);
	CHECK_INT_EQ(count_diags(&r, "Hugo shortcode '{{% notice %}}' left as text"), 1);
	CHECK_INT_EQ(diag_line(&r, "Hugo shortcode", 0), 12);
	CHECK_CONTAINS(r.html.ptr, "{{% notice info %}}");
	result_release(&r);

	/* followed by text on the next line: warned, left */
	render_sc(&r, &log, "{{< card e >}}\ntiếp theo\n");
	CHECK_INT_EQ(log.calls, 0);
	CHECK_INT_EQ(diag_line(&r, "alone in its paragraph", 0), 11);
	CHECK_CONTAINS(r.html.ptr, "{{&lt; card e &gt;}}\ntiếp theo");
	result_release(&r);

	/* without a callback: plain text, silently */
	struct result r2;
	struct markdown_opts o = { .path = "content/s.md" };
	render_opts(&r2, "{{< card x >}}\n", 15, &o);
	CHECK_STR_EQ(r2.html.ptr, "<p>{{&lt; card x &gt;}}</p>\n");
	CHECK_INT_EQ(r2.diags.len, 0);
	result_release(&r2);
	buf_release(&log.seen);
}

TEST(test_shortcode_problems)
{
	struct sc_log log = { 0, BUF_INIT };
	struct result r;
	render_sc(&r, &log,
		  "Một.\n\n{{< khong-co a >}}\n\n{{< fail >}}\n\n{{< bad >}}\n\n"
		  "{{< card \"unterminated >}}\n\n{{< card a\"b >}}\n\n{{< %x >}}\n\n{{< card ok >}}\n");
	CHECK_INT_EQ(log.calls, 4); /* khong-co, fail, bad, card ok */
	/* unknown: a warning naming the line (line_offset 10 + 3) */
	CHECK_INT_EQ(diag_line(&r, "unknown shortcode 'khong-co'", 0), 13);
	CHECK_CONTAINS(r.html.ptr, "<p>{{&lt; khong-co a &gt;}}</p>");
	/* failed: an error naming the line, with the callback's reason */
	CHECK_INT_EQ(diag_line(&r, "shortcode 'fail' failed: plugins/x.lua:3: boom", 0), 15);
	CHECK_CONTAINS(r.html.ptr, "<p>{{&lt; fail &gt;}}</p>");
	/* HTML that is not UTF-8 (it could forge the heading marker): refused */
	CHECK_INT_EQ(diag_line(&r, "shortcode 'bad' failed", 0), 17);
	CHECK_NOT_CONTAINS(r.html.ptr, "\xff");
	/* malformed: warnings, no call */
	CHECK_INT_EQ(diag_line(&r, "malformed shortcode (unterminated quote)", 0), 19);
	CHECK_INT_EQ(diag_line(&r, "malformed shortcode (a quote inside", 0), 21);
	CHECK_INT_EQ(diag_line(&r, "malformed shortcode (a name", 0), 23);
	CHECK_CONTAINS(r.html.ptr, "<div class=\"card\">ok</div>");
	CHECK_INT_EQ(r.diags.errors, 2);
	for (size_t i = 0; i < r.diags.len; i++)
		CHECK_STR_EQ(r.diags.items[i].path, "content/s.md");
	result_release(&r);

	/* many failures: at most 100 reported and called, then one summary */
	struct buf src = BUF_INIT;
	for (int i = 0; i < 300; i++)
		buf_puts(&src, "{{< fail >}}\n\n");
	log.calls = 0;
	render_sc(&r, &log, src.ptr);
	CHECK_INT_EQ(log.calls, 100);
	CHECK_INT_EQ(r.diags.errors, 101);
	CHECK_INT_EQ(count_diags(&r, "200 more"), 1);
	result_release(&r);
	buf_release(&src);
	buf_release(&log.seen);
}

TEST(test_shortcode_with_headings)
{
	/* the heading-id marker still works around expanded shortcodes */
	struct sc_log log = { 0, BUF_INIT };
	struct result r;
	render_sc(&r, &log, "## Một\n\n{{< card x >}}\n\n## Hai\n");
	CHECK_CONTAINS(r.html.ptr, "<h2 id=\"mot\">Một</h2>\n<div class=\"card\">x</div>\n<h2 id=\"hai\">Hai</h2>");
	result_release(&r);
	buf_release(&log.seen);
}

TEST(test_shortcode_summary)
{
	/* a shortcode's text never becomes the page's summary */
	CHECK_STR_EQ(summary("{{< truong dong-thai >}}\n\nBài viết.\n", 100), "Bài viết.");
	CHECK_STR_EQ(summary("Xem {{< a >}} nhé.\n", 100), "Xem {{< a >}} nhé.");
}

TEST(test_image_without_alt_text)
{
	struct result r;
	render(&r, "Một ảnh:\n\n![](anh.jpg)\n\n![Các bé rước đèn](den.jpg)\n");
	CHECK_INT_EQ(count_diags(&r, "image without alt text"), 1);
	CHECK_INT_EQ(diag_line(&r, "image without alt text", 0), 3);
	CHECK_CONTAINS(r.html.ptr, "alt=\"Các bé rước đèn\"");
	result_release(&r);
}

int main(void)
{
	struct diag_list d = DIAG_LIST_INIT;
	markdown_init();
	markdown_init(); /* idempotent */
	if (text_open(&T, "Asia/Ho_Chi_Minh", &d) != 0) {
		fprintf(stderr, "text_open failed\n");
		return 1;
	}
	RUN(test_gfm);
	RUN(test_appends);
	RUN(test_unsafe_links);
	RUN(test_raw_html);
	RUN(test_raw_html_warning_cap);
	RUN(test_allow_html);
	RUN(test_deep_nesting);
	RUN(test_bad_bytes);
	RUN(test_bad_bytes_alone);
	RUN(test_heading_ids);
	RUN(test_many_duplicate_headings);
	RUN(test_link_resolver);
	RUN(test_summary);
	RUN(test_shortcode_expanded);
	RUN(test_shortcode_not_expanded);
	RUN(test_shortcode_problems);
	RUN(test_shortcode_with_headings);
	RUN(test_shortcode_summary);
	RUN(test_image_without_alt_text);
	text_free(T);
	diag_list_release(&d);
	return harness_report();
}
