/* Unit tests for pipeline/prerender: on a site made here, the helper's
 * HTML, warnings and structure flag are what markdown_render gives in a
 * worker; pages with a shortcode or an image are left; a site not worth
 * it is not fed; and a helper that died makes the feed fail without
 * killing the builder (no SIGPIPE). */
#include "base/buf.h"
#include "base/diag.h"
#include "base/strmap.h"
#include "base/xalloc.h"
#include "content/page.h"
#include "content/text.h"
#include "markup/markdown.h"
#include "pipeline/prerender.h"
#include "site/site.h"
#include "harness.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

enum { NPAGES = 70 };

/* NPAGES news pages: headings, a resolved link, a broken one, raw HTML;
 * page 5 has an image, page 6 a shortcode */
static void make_site(struct site *s, struct page *pages, struct page **list)
{
	memset(s, 0, sizeof(*s));
	s->opts.read_threads = 2;
	s->blobs_files = NPAGES;
	s->config.base_path = "";
	s->pages = list;
	for (size_t i = 0; i < NPAGES; i++) {
		struct page *p = &pages[i];
		memset(p, 0, sizeof(*p));
		p->kind = PAGE_NEWS;
		p->path = xasprintf("content/news/bai-%zu.md", i);
		p->url = xasprintf("/tin-tuc/bai-%zu/", i);
		p->body_line = 5;
		if (i == 5)
			p->body = xstrdup("![Ảnh](a.png)\n");
		else if (i == 6)
			p->body = xstrdup("{{< truong dong-thai >}}\n");
		else
			p->body = xasprintf("## Hoạt động số %zu\n\nXem [bài %zu](bai-%zu.md), "
					    "[không có](khong-co.md) và <b>đậm</b>.\n",
					    i, (i + 1) % NPAGES, (i + 1) % NPAGES);
		p->body_len = strlen(p->body);
		list[i] = p;
		strmap_put(&s->page_by_path, p->path, i, NULL);
		s->npages++;
	}
}

static void free_site(struct site *s, struct page *pages)
{
	strmap_release(&s->page_by_path);
	for (size_t i = 0; i < NPAGES; i++) {
		free((char *)pages[i].path);
		free((char *)pages[i].url);
		free((char *)pages[i].body);
	}
}

struct link_ctx {
	const struct site *s;
	const struct page *p;
	bool structure;
};

static int link_cb(void *ctx, const char *url, struct buf *out)
{
	struct link_ctx *c = ctx;
	int r = site_resolve_link(c->s, c->p, url, out);
	if (r != 0)
		c->structure = true;
	return r;
}

TEST(test_same_as_a_worker)
{
	static struct page pages[NPAGES];
	static struct page *list[NPAGES];
	struct site s;
	make_site(&s, pages, list);
	struct diag_list d = DIAG_LIST_INIT;
	CHECK_INT_EQ(text_open(&s.text, NULL, &d), 0);
	markdown_init();
	setenv("LOA_PRERENDER", "wait", 1);
	struct prerender *pr = prerender_fork();
	CHECK(pr != NULL);
	CHECK(prerender_pid(pr) > 0);
	CHECK_INT_EQ(prerender_feed(pr, &s, 0), 0);
	prerender_stop(pr);
	CHECK_INT_EQ(prerender_pid(pr), 0);
	size_t made, all;
	prerender_counts(pr, &made, &all);
	CHECK_INT_EQ(all, NPAGES);
	CHECK_INT_EQ(made, NPAGES - 2);
	for (size_t i = 0; i < NPAGES; i++) {
		struct buf got = BUF_INIT, want = BUF_INIT, got_d = BUF_INIT, want_d = BUF_INIT;
		struct diag_list gd = DIAG_LIST_INIT, wd = DIAG_LIST_INIT;
		bool structure = false;
		int took = prerender_take(pr, i, &got, &gd, &structure);
		if (i == 5 || i == 6) {
			CHECK_INT_EQ(took, 0); /* the workers' */
			continue;
		}
		CHECK_INT_EQ(took, 1);
		struct link_ctx c = { &s, &pages[i], false };
		struct markdown_opts mo = { pages[i].path, pages[i].body_line - 1, false, link_cb, &c,
					    s.text, NULL, NULL, NULL, NULL, "" };
		CHECK_INT_EQ(markdown_render(&want, pages[i].body, pages[i].body_len, &mo, &wd), 0);
		CHECK_INT_EQ(got.len, want.len);
		CHECK(got.len == want.len && memcmp(got.ptr, want.ptr, want.len) == 0);
		diag_list_encode(&got_d, &gd);
		diag_list_encode(&want_d, &wd);
		CHECK(got_d.len == want_d.len && memcmp(got_d.ptr, want_d.ptr, want_d.len) == 0);
		CHECK(wd.warnings >= 2); /* the broken link and the raw HTML */
		CHECK(structure == c.structure && structure);
		buf_release(&got);
		buf_release(&want);
		buf_release(&got_d);
		buf_release(&want_d);
		diag_list_release(&gd);
		diag_list_release(&wd);
	}
	CHECK(strstr(pages[0].body, "bai-1.md") != NULL);
	prerender_free(pr);
	unsetenv("LOA_PRERENDER");
	text_free(s.text);
	diag_list_release(&d);
	free_site(&s, pages);
}

TEST(test_not_worth_it)
{
	static struct page pages[NPAGES];
	static struct page *list[NPAGES];
	struct site s;
	make_site(&s, pages, list);
	/* a rebuild: the parsed files' table gave most files */
	s.blobs_cached = NPAGES;
	struct prerender *pr = prerender_fork();
	CHECK(pr != NULL);
	CHECK_INT_EQ(prerender_feed(pr, &s, 0), -1);
	prerender_free(pr);
	/* one job */
	s.blobs_cached = 0;
	s.opts.read_threads = 1;
	pr = prerender_fork();
	CHECK_INT_EQ(prerender_feed(pr, &s, 0), -1);
	prerender_free(pr);
	/* turned off */
	setenv("LOA_PRERENDER", "0", 1);
	CHECK(prerender_fork() == NULL);
	unsetenv("LOA_PRERENDER");
	free_site(&s, pages);
}

TEST(test_dead_helper)
{
	static struct page pages[NPAGES];
	static struct page *list[NPAGES];
	struct site s;
	make_site(&s, pages, list);
	/* SIGPIPE left at its default: a write to a dead helper's pipe
	 * would end this test's process */
	signal(SIGPIPE, SIG_DFL);
	struct prerender *pr = prerender_fork();
	CHECK(pr != NULL);
	int pid = prerender_pid(pr);
	CHECK(pid > 0);
	kill(pid, SIGKILL);
	CHECK_INT_EQ(waitpid(pid, NULL, 0), pid);
	CHECK_INT_EQ(prerender_feed(pr, &s, 0), -1);
	struct buf html = BUF_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	bool structure = false;
	prerender_stop(pr);
	CHECK_INT_EQ(prerender_take(pr, 0, &html, &d, &structure), 0);
	prerender_free(pr);
	buf_release(&html);
	diag_list_release(&d);
	free_site(&s, pages);
}

int main(void)
{
	RUN(test_same_as_a_worker);
	RUN(test_not_worth_it);
	RUN(test_dead_helper);
	return harness_report();
}
