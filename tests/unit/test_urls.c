/* Unit tests for site/urls: the reserved URLs are exactly the ones the
 * build and the shipped plugins publish, section words and tag URLs come
 * from the table, and every absolute URL is joined by one rule. */
#include "base/buf.h"
#include "harness.h"
#include "site/urls.h"

#include <stdlib.h>
#include <string.h>

/* CHECK that names the case that failed */
#define CHECK_MSG(cond, what)                                      \
	do {                                                       \
		if (!(cond))                                       \
			fprintf(stderr, "  case: %s\n", (what));   \
		CHECK(cond);                                       \
	} while (0)

TEST(test_reserved)
{
	static const char *const yes[] = {
		"/", "/tin-tuc/", "/truong/", "/ke-hoach/", "/chu-de/", "/chu-de/x/",
		"/bao-cao/truyen-thong/", "/bao-cao/x/", "/bao-cao/truyen-thong.csv", "/tim-kiem/",
		"/tim-kiem/index/1.json", "/sitemap.xml", "/sitemap.xml/", "/robots.txt", "/404.html",
		"/atom.xml", "/tin-tuc/atom.xml", "/ke-hoach/lich.ics", "/tin-tuc/trang/2/",
		"/css/x.css", "/js/x.js", "/.well-known/x",
	};
	static const char *const no[] = {
		"/tin-tuc/a/", "/truong/dong-thai/", "/ke-hoach/a/", "/mo-hinh/", "/gioi-thieu/",
		"/tin-tuc/trang", "/bao-cao", "/chu-de", "/css", "/sitemap.xm", "/a/sitemap.xml",
	};
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		CHECK_MSG(urls_reserved(yes[i]), yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
		CHECK_MSG(!urls_reserved(no[i]), no[i]);
}

TEST(test_table)
{
	CHECK_STR_EQ(urls_path(URL_news), "/tin-tuc/");
	CHECK_STR_EQ(urls_name(URL_news), "news");
	CHECK_STR_EQ(urls_name(URL_plans_calendar), "plans_calendar");
	/* every entry is site-rooted, named, and unique */
	for (int i = 0; i < URL_COUNT; i++) {
		CHECK_MSG(urls_path((enum url_id)i)[0] == '/', urls_name((enum url_id)i));
		for (int j = 0; j < i; j++) {
			CHECK_MSG(strcmp(urls_path((enum url_id)i), urls_path((enum url_id)j)) != 0,
				  urls_path((enum url_id)i));
			CHECK_MSG(strcmp(urls_name((enum url_id)i), urls_name((enum url_id)j)) != 0,
				  urls_name((enum url_id)i));
		}
	}
}

TEST(test_sections_and_tags)
{
	size_t n;
	const char *w = urls_section_word("news/x", 4, &n);
	CHECK(w && n == 7 && strncmp(w, "tin-tuc", n) == 0);
	w = urls_section_word("schools", 7, &n);
	CHECK(w && n == 6 && strncmp(w, "truong", n) == 0);
	w = urls_section_word("plans", 5, &n);
	CHECK(w && n == 8 && strncmp(w, "ke-hoach", n) == 0);
	CHECK(urls_section_word("new", 3, &n) == NULL);
	CHECK(urls_section_word("gioi-thieu", 10, &n) == NULL);

	struct buf b = BUF_INIT;
	urls_add_tag(&b, "dinh-duong", 10);
	CHECK_STR_EQ(b.ptr, "/chu-de/dinh-duong/");
	const char *s = urls_tag_slug(b.ptr, &n);
	CHECK(s && n == 10 && strncmp(s, "dinh-duong", n) == 0);
	CHECK(urls_tag_slug("/tin-tuc/", &n) == NULL && n == 0);
	CHECK(urls_tag_slug("/chu-de/", &n) == NULL);
	buf_release(&b);

	CHECK(urls_is_later_page("/tin-tuc/trang/2/"));
	CHECK(!urls_is_later_page("/tin-tuc/"));
}

static void check_abs(const char *base, const char *path, const char *want)
{
	char *got = urls_absolute(base, path);
	CHECK_STR_EQ(got, want);
	free(got);
}

TEST(test_absolute)
{
	check_abs("https://example.vn/", "/tin-tuc/", "https://example.vn/tin-tuc/");
	check_abs("https://example.vn", "/tin-tuc/", "https://example.vn/tin-tuc/");
	check_abs("https://example.vn//", "/a/", "https://example.vn/a/");
	check_abs("https://example.vn/sub/", "/a/", "https://example.vn/sub/a/");
	check_abs("/", "/a/", "/a/");
	check_abs("/", "/", "/");
	check_abs("https://example.vn/", "a/b.jpg", "https://example.vn/a/b.jpg");
	check_abs("https://example.vn/", "https://other.vn/x", "https://other.vn/x");
	check_abs("https://example.vn/", "//cdn.vn/x", "//cdn.vn/x");
	char *r = urls_rooted("/sub", "/a/");
	CHECK_STR_EQ(r, "/sub/a/");
	free(r);
	r = urls_rooted("", "/a/");
	CHECK_STR_EQ(r, "/a/");
	free(r);
	CHECK_INT_EQ((long)urls_base_len("https://x.vn//"), 12);
}

int main(void)
{
	RUN(test_reserved);
	RUN(test_table);
	RUN(test_sections_and_tags);
	RUN(test_absolute);
	return harness_report();
}
