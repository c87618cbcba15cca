/* Tests for content/schema: front matter parsed by frontmatter_parse, then
 * typed for each kind of page; every error names its line. */
#include "base/arena.h"
#include "base/diag.h"
#include "base/suggest.h"
#include "base/value.h"
#include "content/frontmatter.h"
#include "content/schema.h"
#include "content/schema_fields.h"
#include "base/buf.h"
#include "harness.h"
#include "content/page.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct fixture {
	struct arena a;
	struct diag_list d;
	struct page p;
};

/* Parses src as a whole .md file and applies the schema of kind. */
static int apply(struct fixture *f, enum page_kind kind, const char *src)
{
	static const struct yaml_limits limits = YAML_LIMITS_DEFAULT;
	struct frontmatter fm;
	memset(&f->p, 0, sizeof(f->p));
	f->p.kind = kind;
	f->p.path = "content/x.md";
	f->p.section = "";
	if (frontmatter_parse(&fm, &f->a, f->p.path, src, strlen(src), &limits, &f->d) < 0) {
		fprintf(stderr, "  front matter did not parse: %s\n", f->d.items[0].msg);
		return -2;
	}
	return schema_apply(&f->p, fm.root, &f->a, &f->d);
}

static void fixture_reset(struct fixture *f)
{
	diag_list_release(&f->d);
}

static void fixture_release(struct fixture *f)
{
	diag_list_release(&f->d);
	arena_release(&f->a);
}

/* an error containing msg was reported at line */
static void check_error(const struct fixture *f, const char *msg, int line)
{
	for (size_t i = 0; i < f->d.len; i++) {
		if (f->d.items[i].severity == DIAG_ERROR && strstr(f->d.items[i].msg, msg)) {
			CHECK_INT_EQ(f->d.items[i].line, line);
			CHECK_STR_EQ(f->d.items[i].path, "content/x.md");
			return;
		}
	}
	fprintf(stderr, "  no error containing \"%s\"; got:\n", msg);
	for (size_t i = 0; i < f->d.len; i++)
		fprintf(stderr, "    %d: %s\n", f->d.items[i].line, f->d.items[i].msg);
	CHECK(!"expected error");
}

TEST(test_news_valid)
{
	struct fixture f = { ARENA_INIT, DIAG_LIST_INIT, { 0 } };
	const char *src = "---\n"
			  "title: Hội thảo chuyển đổi số\n"
			  "slug: hoi-thao\n"
			  "summary: 'Tóm tắt'\n"
			  "date: 17/2/2023\n"
			  "lastmod: 2023-02-18T08:30:00+07:00\n"
			  "category: policy\n"
			  "author: Cô Lan\n"
			  "tags: [chuyển đổi số, dinh dưỡng]\n"
			  "draft: false\n"
			  "weight: -3\n"
			  "image: anh/hoi-thao.jpg\n"
			  "custom: kept\n"
			  "---\nBody\n";
	CHECK_INT_EQ(apply(&f, PAGE_NEWS, src), 0);
	CHECK_INT_EQ(f.d.len, 0);
	CHECK_STR_EQ(f.p.title, "Hội thảo chuyển đổi số");
	CHECK_STR_EQ(f.p.slug, "hoi-thao");
	CHECK_STR_EQ(f.p.summary, "Tóm tắt");
	CHECK_INT_EQ(f.p.date.prec, DATE_DAY);
	CHECK_INT_EQ(f.p.date.day, 17);
	CHECK_INT_EQ(f.p.lastmod.prec, DATE_TIME);
	CHECK_INT_EQ(f.p.category, CATEGORY_POLICY);
	CHECK_STR_EQ(f.p.author, "Cô Lan");
	CHECK_INT_EQ(f.p.ntags, 2);
	if (f.p.ntags == 2) {
		CHECK_STR_EQ(f.p.tags[0], "chuyển đổi số");
		CHECK_STR_EQ(f.p.tags[1], "dinh dưỡng");
	}
	CHECK(!f.p.draft);
	CHECK_INT_EQ(f.p.weight, -3);
	CHECK_STR_EQ(f.p.image, "anh/hoi-thao.jpg");
	CHECK(f.p.front && value_get(f.p.front, "custom"));
	fixture_release(&f);
}

TEST(test_news_defaults_and_required)
{
	struct fixture f = { ARENA_INIT, DIAG_LIST_INIT, { 0 } };
	CHECK_INT_EQ(apply(&f, PAGE_NEWS, "---\ntitle: T\ndate: 2023-02-17\n---\n"), 0);
	CHECK_INT_EQ(f.p.category, CATEGORY_ACTIVITY);
	CHECK(!f.p.draft);
	CHECK_INT_EQ(f.p.ntags, 0);
	CHECK(f.p.image == NULL);
	fixture_reset(&f);
	/* news needs a date; other kinds do not */
	CHECK_INT_EQ(apply(&f, PAGE_NEWS, "---\ntitle: T\n---\n"), -1);
	check_error(&f, "missing required field 'date'", 1);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: T\n---\n"), 0);
	CHECK_INT_EQ(f.p.date.prec, DATE_NONE);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_NEWS, "---\ntitle: T\ndate: 2023-02-17\ncategory: gossip\n---\n"),
		     -1);
	check_error(&f, "unknown category 'gossip' (allowed: policy, activity, practice, parents)", 4);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_NEWS, "---\ntitle: T\ndate: 2023-02-17\ncategory: practice\n---\n"), 0);
	CHECK_INT_EQ(f.p.category, CATEGORY_PRACTICE);
	fixture_release(&f);
}

TEST(test_title)
{
	struct fixture f = { ARENA_INIT, DIAG_LIST_INIT, { 0 } };
	/* a title is text even when YAML would read a number */
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: 1e3\n---\n"), 0);
	CHECK_STR_EQ(f.p.title, "1e3");
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: true\n---\n"), 0);
	CHECK_STR_EQ(f.p.title, "true");
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: null\n---\n"), -1);
	check_error(&f, "missing required field 'title'", 1);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: ~\n---\n"), -1);
	check_error(&f, "missing required field 'title'", 1);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle:\n---\n"), -1);
	check_error(&f, "missing required field 'title'", 1);
	fixture_reset(&f);
	/* quoted "null" is the text null */
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: \"null\"\n---\n"), 0);
	CHECK_STR_EQ(f.p.title, "null");
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: \"  \"\n---\n"), -1);
	check_error(&f, "'title' must not be empty", 2);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\nslug: x\ntitle: [[a], b]\n---\n"), -1);
	check_error(&f, "'title' must be text", 3);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: {a: b}\n---\n"), -1);
	check_error(&f, "'title' must be text", 2);
	fixture_reset(&f);
	/* no front matter at all, or an empty one */
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "Just a body\n"), -1);
	check_error(&f, "missing required field 'title'", 1);
	CHECK(f.p.front == NULL);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_SECTION, "---\n---\n"), -1);
	check_error(&f, "missing required field 'title'", 1);
	fixture_release(&f);
}

TEST(test_draft)
{
	struct fixture f = { ARENA_INIT, DIAG_LIST_INIT, { 0 } };
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: T\ndraft: true\n---\n"), 0);
	CHECK(f.p.draft);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: T\ndraft: FALSE\n---\n"), 0);
	CHECK(!f.p.draft);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: T\ndraft: no\n---\n"), -1);
	check_error(&f, "'draft' must be true or false", 3);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: T\ndraft: yes\n---\n"), -1);
	check_error(&f, "'draft' must be true or false", 3);
	fixture_reset(&f);
	/* quoted "true" is text, not a bool */
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: T\ndraft: \"true\"\n---\n"), -1);
	check_error(&f, "'draft' must be true or false", 3);
	fixture_release(&f);
}

TEST(test_weight)
{
	struct fixture f = { ARENA_INIT, DIAG_LIST_INIT, { 0 } };
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: T\nweight: 10\n---\n"), 0);
	CHECK_INT_EQ(f.p.weight, 10);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: T\nweight: 1.5\n---\n"), -1);
	check_error(&f, "'weight' must be a whole number", 3);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: T\nweight: 99999999999999999999\n---\n"), -1);
	check_error(&f, "'weight' must be a whole number", 3);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: T\nweight: ten\n---\n"), -1);
	check_error(&f, "'weight' must be a whole number", 3);
	fixture_release(&f);
}

TEST(test_dates)
{
	struct fixture f = { ARENA_INIT, DIAG_LIST_INIT, { 0 } };
	CHECK_INT_EQ(apply(&f, PAGE_NEWS, "---\ntitle: T\n\ndate: 2023-02-30\n---\n"), -1);
	check_error(&f, "invalid date '2023-02-30' (day out of range)", 4);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_NEWS, "---\ntitle: T\ndate: 2023-13-01\n---\n"), -1);
	check_error(&f, "invalid date '2023-13-01' (month out of range)", 3);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_NEWS, "---\ntitle: T\ndate: 99999-01-01\n---\n"), -1);
	check_error(&f, "invalid date '99999-01-01'", 3);
	fixture_reset(&f);
	/* a month is not a date for `date` */
	CHECK_INT_EQ(apply(&f, PAGE_NEWS, "---\ntitle: T\ndate: 2023-02\n---\n"), -1);
	check_error(&f, "invalid date '2023-02'", 3);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: T\nlastmod: [2023-02-01]\n---\n"), -1);
	check_error(&f, "'lastmod' must be a date", 3);
	fixture_reset(&f);
	/* quoted dates are dates too */
	CHECK_INT_EQ(apply(&f, PAGE_NEWS, "---\ntitle: T\ndate: \"2023-02-17\"\n---\n"), 0);
	CHECK_INT_EQ(f.p.date.prec, DATE_DAY);
	fixture_reset(&f);
	/* a soft issue is a warning, the page stays */
	CHECK_INT_EQ(apply(&f, PAGE_NEWS, "---\ntitle: T\ndate: 2023-02-17\nlastmod: 2023-01-01\n---\n"), 0);
	CHECK_INT_EQ(f.d.warnings, 1);
	CHECK_INT_EQ(f.d.errors, 0);
	fixture_release(&f);
}

TEST(test_tags)
{
	struct fixture f = { ARENA_INIT, DIAG_LIST_INIT, { 0 } };
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: T\ntags: giáo dục\n---\n"), 0);
	CHECK_INT_EQ(f.p.ntags, 1);
	CHECK(f.p.ntags == 1 && strcmp(f.p.tags[0], "giáo dục") == 0);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: T\ntags:\n  - a\n  - [b]\n---\n"), -1);
	check_error(&f, "each tag must be text", 5);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: T\ntags: [a, '', c]\n---\n"), -1);
	check_error(&f, "a tag must not be empty", 3);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: T\ntags: {a: b}\n---\n"), -1);
	check_error(&f, "'tags' must be a list", 3);
	fixture_reset(&f);
	/* numbers are tags as written */
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: T\ntags: [2023, a, a]\n---\n"), 0);
	CHECK_INT_EQ(f.p.ntags, 2);
	CHECK(f.p.ntags == 2 && strcmp(f.p.tags[0], "2023") == 0);
	CHECK_INT_EQ(f.d.warnings, 1);
	fixture_reset(&f);
	char src[1024] = "---\ntitle: T\ntags: [";
	for (int i = 0; i < 51; i++)
		snprintf(src + strlen(src), sizeof(src) - strlen(src), "%st%d", i ? "," : "", i);
	strcat(src, "]\n---\n");
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, src), -1);
	check_error(&f, "too many tags", 3);
	fixture_release(&f);
}

TEST(test_urls)
{
	CHECK(schema_url_is_safe("https://example.org/a.jpg"));
	CHECK(schema_url_is_safe("HTTP://example.org"));
	CHECK(schema_url_is_safe("mailto:a@example.org"));
	CHECK(schema_url_is_safe("/images/a.jpg"));
	CHECK(schema_url_is_safe("anh.jpg"));
	CHECK(schema_url_is_safe("./anh/a b.jpg"));
	CHECK(schema_url_is_safe("/a.jpg?x=1:2"));
	CHECK(!schema_url_is_safe("a.jpg?x=1:2")); /* stricter than needed */
	CHECK(schema_url_is_safe("/a/b:c.jpg"));
	CHECK(!schema_url_is_safe(""));
	CHECK(!schema_url_is_safe(NULL));
	CHECK(!schema_url_is_safe("javascript:alert(1)"));
	CHECK(!schema_url_is_safe("JaVaScRiPt:alert(1)"));
	CHECK(!schema_url_is_safe("&#106;avascript:alert(1)"));
	CHECK(!schema_url_is_safe("jav\tascript:alert(1)"));
	CHECK(!schema_url_is_safe(" javascript:alert(1)"));
	CHECK(!schema_url_is_safe("vbscript:x"));
	CHECK(!schema_url_is_safe("data:text/html,<script>"));
	CHECK(!schema_url_is_safe("file:///etc/passwd"));
	CHECK(!schema_url_is_safe("https://"));
	CHECK(!schema_url_is_safe("../../etc/passwd"));
	CHECK(!schema_url_is_safe("a/../../b.jpg"));
	CHECK(!schema_url_is_safe("a/%2e%2e/b.jpg"));
	CHECK(!schema_url_is_safe("/\\evil.example"));
	CHECK(!schema_url_is_safe("a\nb"));

	struct fixture f = { ARENA_INIT, DIAG_LIST_INIT, { 0 } };
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "---\ntitle: T\nimage: javascript:alert(1)\n---\n"), -1);
	check_error(&f, "'image' is not a safe URL", 3);
	CHECK(f.p.image == NULL);
	fixture_release(&f);
}

TEST(test_school)
{
	struct fixture f = { ARENA_INIT, DIAG_LIST_INIT, { 0 } };
	const char *src = "---\n"
			  "title: Trường Mầm non Hoa Sen\n"
			  "district: Ba Đình\n"
			  "province: Hà Nội\n"
			  "address: 1 Phố X\n"
			  "phone: 0243123456\n"
			  "email: hoasen@example.edu.vn\n"
			  "website: https://hoasen.example.edu.vn/\n"
			  "models:\n"
			  "  - title: Bữa ăn hợp lý, đảm bảo dinh dưỡng\n"
			  "    year: 2022-2023\n"
			  "    level: huyện\n"
			  "  - title: Xây dựng trường lấy trẻ làm trung tâm\n"
			  "---\n";
	CHECK_INT_EQ(apply(&f, PAGE_SCHOOL, src), 0);
	CHECK_INT_EQ(f.d.len, 0);
	CHECK_STR_EQ(f.p.district, "Ba Đình");
	CHECK_STR_EQ(f.p.province, "Hà Nội");
	CHECK_STR_EQ(f.p.phone, "0243123456"); /* the leading zero stays */
	CHECK_STR_EQ(f.p.email, "hoasen@example.edu.vn");
	CHECK_STR_EQ(f.p.website, "https://hoasen.example.edu.vn/");
	CHECK_INT_EQ(f.p.nmodels, 2);
	if (f.p.nmodels == 2) {
		CHECK_STR_EQ(f.p.models[0].title, "Bữa ăn hợp lý, đảm bảo dinh dưỡng");
		CHECK_STR_EQ(f.p.models[0].year, "2022-2023");
		CHECK_STR_EQ(f.p.models[0].level, "huyện");
		CHECK_INT_EQ(f.p.models[0].line, 10);
		CHECK(f.p.models[1].year == NULL);
		CHECK_INT_EQ(f.p.models[1].line, 13);
	}
	fixture_reset(&f);

	CHECK_INT_EQ(apply(&f, PAGE_SCHOOL, "---\ntitle: T\nmodels:\n  - year: 2022\n---\n"), -1);
	check_error(&f, "model is missing 'title'", 4);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_SCHOOL, "---\ntitle: T\nmodels: one\n---\n"), -1);
	check_error(&f, "'models' must be a list", 3);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_SCHOOL, "---\ntitle: T\nemail: a b@x.vn\n---\n"), -1);
	check_error(&f, "'email' is not an email address", 3);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_SCHOOL, "---\ntitle: T\nemail: <script>@x.vn\n---\n"), -1);
	check_error(&f, "'email' is not an email address", 3);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_SCHOOL, "---\ntitle: T\nemail: a@b@x.vn\n---\n"), -1);
	check_error(&f, "'email' is not an email address", 3);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_SCHOOL, "---\ntitle: T\nwebsite: javascript:alert(1)\n---\n"), -1);
	check_error(&f, "'website' is not a safe URL", 3);
	fixture_release(&f);
}

TEST(test_plan)
{
	struct fixture f = { ARENA_INIT, DIAG_LIST_INIT, { 0 } };
	const char *src = "---\n"
			  "title: Kế hoạch truyền thông\n"
			  "number: 175/KH-BGDĐT\n"
			  "issued: 2021-03-15\n"
			  "issuer: Bộ GD&ĐT\n"
			  "signer: Nguyễn Văn A\n"
			  "activities:\n"
			  "  - id: 1\n"
			  "    name: Tập huấn\n"
			  "    lead: Vụ GDMN\n"
			  "    partners: [Sở GD&ĐT, Phòng GD&ĐT]\n"
			  "    due: 2021-05\n"
			  "    product: Báo cáo\n"
			  "  - id: 2.1\n"
			  "    name: Hội thảo\n"
			  "    partners: Các trường\n"
			  "    due: 5/2021\n"
			  "  - name: Tổng kết\n"
			  "    due: 30/12/2021\n"
			  "---\n";
	CHECK_INT_EQ(apply(&f, PAGE_PLAN, src), 0);
	CHECK_INT_EQ(f.d.len, 0);
	CHECK_STR_EQ(f.p.number, "175/KH-BGDĐT");
	CHECK_INT_EQ(f.p.issued.prec, DATE_DAY);
	CHECK_INT_EQ(f.p.issued.day, 15);
	CHECK_STR_EQ(f.p.issuer, "Bộ GD&ĐT");
	CHECK_STR_EQ(f.p.signer, "Nguyễn Văn A");
	CHECK_INT_EQ(f.p.nactivities, 3);
	if (f.p.nactivities == 3) {
		const struct plan_activity *a = f.p.activities;
		CHECK_STR_EQ(a[0].id, "1");
		CHECK_STR_EQ(a[0].name, "Tập huấn");
		CHECK_STR_EQ(a[0].lead, "Vụ GDMN");
		CHECK_STR_EQ(a[0].partners, "Sở GD&ĐT, Phòng GD&ĐT");
		CHECK_STR_EQ(a[0].product, "Báo cáo");
		CHECK_INT_EQ(a[0].due.prec, DATE_MONTH);
		CHECK_INT_EQ(a[0].due.year, 2021);
		CHECK_INT_EQ(a[0].due.month, 5);
		CHECK_INT_EQ(a[0].line, 8);
		CHECK_STR_EQ(a[1].id, "2.1");
		CHECK_STR_EQ(a[1].partners, "Các trường");
		CHECK_INT_EQ(a[1].due.prec, DATE_MONTH);
		CHECK_INT_EQ(a[1].due.month, 5);
		CHECK_INT_EQ(a[1].line, 14);
		CHECK(a[2].id == NULL);
		CHECK_INT_EQ(a[2].due.prec, DATE_DAY);
		CHECK_INT_EQ(a[2].due.day, 30);
		CHECK_INT_EQ(a[2].line, 18);
	}
	fixture_reset(&f);

	CHECK_INT_EQ(apply(&f, PAGE_PLAN, "---\ntitle: T\nactivities:\n  - id: 1\n    lead: X\n---\n"), -1);
	check_error(&f, "activity is missing 'name'", 4);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PLAN,
			   "---\ntitle: T\nactivities:\n  - name: X\n    due: 2021-02-30\n---\n"),
		     -1);
	check_error(&f, "invalid date '2021-02-30' (day out of range)", 5);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PLAN, "---\ntitle: T\nactivities:\n  - just text\n---\n"), -1);
	check_error(&f, "each activity must be a map", 4);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_PLAN, "---\ntitle: T\nissued: 2021-03\n---\n"), -1);
	check_error(&f, "invalid date '2021-03'", 3);
	fixture_release(&f);
}

TEST(test_errors_accumulate)
{
	/* every bad field is reported, not only the first */
	struct fixture f = { ARENA_INIT, DIAG_LIST_INIT, { 0 } };
	const char *src = "---\ndraft: no\nweight: x\ndate: 2023-02-30\n---\n";
	CHECK_INT_EQ(apply(&f, PAGE_NEWS, src), -1);
	CHECK_INT_EQ(f.d.errors, 4);
	check_error(&f, "missing required field 'title'", 1);
	check_error(&f, "'draft' must be true or false", 2);
	check_error(&f, "'weight' must be a whole number", 3);
	check_error(&f, "invalid date", 4);
	fixture_release(&f);
}

/* ---- TOML and JSON through the schema; unknown keys ------------------ */

TEST(test_toml_and_json_typed)
{
	struct fixture f = { ARENA_INIT, DIAG_LIST_INIT, { 0 } };
	/* Hugo's example-site style: dates as quoted strings, Hugo's keys */
	CHECK_INT_EQ(apply(&f, PAGE_NEWS,
			   "+++\n"
			   "author = \"Hugo Authors\"\n"
			   "title = \"Markdown Syntax Guide\"\n"
			   "date = \"2019-03-11\"\n"
			   "description = \"Sample article\"\n"
			   "tags = [\"markdown\", \"css\"]\n"
			   "categories = [\"themes\", \"policy\"]\n"
			   "series = [\"Themes Guide\"]\n"
			   "aliases = [\"migrate-from-jekyl\"]\n"
			   "draft = false\n"
			   "+++\nBody\n"),
		     0);
	CHECK_STR_EQ(f.p.title, "Markdown Syntax Guide");
	CHECK_INT_EQ(f.p.date.year, 2019);
	CHECK_INT_EQ(f.p.date.day, 11);
	CHECK_STR_EQ(f.p.summary, "Sample article");
	CHECK_STR_EQ(f.p.author, "Hugo Authors");
	CHECK_INT_EQ(f.p.ntags, 2);
	CHECK_INT_EQ(f.p.category, CATEGORY_POLICY); /* from Hugo's categories */
	fixture_reset(&f);
	/* native TOML datetime with an offset, and a type error at its line */
	CHECK_INT_EQ(apply(&f, PAGE_NEWS,
			   "+++\ntitle = \"A\"\ndate = 2023-12-31T23:30:00-10:00\nweight = \"x\"\n+++\n"),
		     -1);
	CHECK_INT_EQ(f.p.date.year, 2023);
	CHECK(f.p.date.has_offset && f.p.date.offset_min == -600);
	check_error(&f, "'weight' must be a whole number", 4);
	fixture_reset(&f);
	/* TOML booleans are booleans, a TOML string "true" is not */
	CHECK_INT_EQ(apply(&f, PAGE_PAGE, "+++\ntitle = \"A\"\ndraft = \"true\"\n+++\n"), -1);
	check_error(&f, "'draft' must be true or false", 3);
	fixture_reset(&f);
	/* JSON */
	CHECK_INT_EQ(apply(&f, PAGE_NEWS,
			   "{\n  \"title\": \"J\",\n  \"date\": \"2024-03-05\",\n"
			   "  \"draft\": true,\n  \"weight\": 7\n}\nBody\n"),
		     0);
	CHECK_STR_EQ(f.p.title, "J");
	CHECK(f.p.draft);
	CHECK_INT_EQ(f.p.weight, 7);
	fixture_reset(&f);
	CHECK_INT_EQ(apply(&f, PAGE_NEWS, "{\n  \"title\": \"J\",\n  \"date\": \"2024-02-30\"\n}\n"), -1);
	check_error(&f, "invalid date", 3);
	fixture_release(&f);
}

TEST(test_suggest)
{
	static const char *const keys[] = { "title", "category", "draft", "authors", "base_url",
					    "page_size", "url" };
	CHECK_INT_EQ(suggest_distance("titel", "title"), 1);
	CHECK_INT_EQ(suggest_distance("catgory", "category"), 1);
	CHECK_INT_EQ(suggest_distance("abc", "abc"), 0);
	CHECK_INT_EQ(suggest_distance("", "abc"), 3);
	CHECK_INT_EQ(suggest_distance("ca", "abc"), 3); /* OSA, not unrestricted */
	CHECK_STR_EQ(suggest_closest("titel", keys, 7), "title");
	CHECK_STR_EQ(suggest_closest("catgory", keys, 7), "category");
	CHECK_STR_EQ(suggest_closest("drafts", keys, 7), "draft");
	CHECK_STR_EQ(suggest_closest("author", keys, 7), "authors");
	CHECK_STR_EQ(suggest_closest("baseurl", keys, 7), "base_url");
	CHECK_STR_EQ(suggest_closest("Title", keys, 7), "title");
	CHECK(suggest_closest("title", keys, 7) == NULL); /* known */
	CHECK(suggest_closest("zzz", keys, 7) == NULL);
	CHECK(suggest_closest("link", keys, 7) == NULL);  /* too far: synonyms do it */
	CHECK(suggest_closest("ttl", keys, 7) == NULL);   /* 2 edits: too many for 3 letters */
	char long_word[200];
	memset(long_word, 'a', sizeof(long_word) - 1);
	long_word[sizeof(long_word) - 1] = '\0';
	CHECK(suggest_closest(long_word, keys, 7) == NULL);
}

static const struct diag *find_diag(const struct fixture *f, const char *msg)
{
	for (size_t i = 0; i < f->d.len; i++)
		if (strstr(f->d.items[i].msg, msg))
			return &f->d.items[i];
	return NULL;
}

TEST(test_unknown_keys)
{
	struct fixture f = { ARENA_INIT, DIAG_LIST_INIT, { 0 } };
	static const struct yaml_limits limits = YAML_LIMITS_DEFAULT;
	const char *src = "---\n"
			  "titel: A\n"
			  "title: A\n"
			  "date: 2024-01-01\n"
			  "catgory: policy\n"
			  "drafts: true\n"
			  "aliases: [/x/]\n"
			  "description: d\n"
			  "zzqx: 1\n"
			  "---\n";
	struct frontmatter fm;
	memset(&f.p, 0, sizeof(f.p));
	f.p.kind = PAGE_NEWS;
	f.p.path = "content/x.md";
	CHECK_INT_EQ(frontmatter_parse(&fm, &f.a, f.p.path, src, strlen(src), &limits, &f.d), 0);
	CHECK_INT_EQ(schema_check_keys(&f.p, fm.root, false, &f.d), 5);
	CHECK_INT_EQ(f.d.errors, 0);
	const struct diag *d = find_diag(&f, "unknown key 'titel' (did you mean 'title'?)");
	CHECK(d && d->line == 2 && d->col == 1 && d->severity == DIAG_WARNING);
	d = find_diag(&f, "unknown key 'catgory' (did you mean 'category'?)");
	CHECK(d && d->line == 5);
	d = find_diag(&f, "unknown key 'drafts' (did you mean 'draft'?)");
	CHECK(d && d->line == 6);
	d = find_diag(&f, "'aliases' (Hugo's redirects) is not supported");
	CHECK(d && d->line == 7);
	d = find_diag(&f, "unknown key 'zzqx'");
	CHECK(d && d->line == 9 && !strstr(d->msg, "did you mean"));
	CHECK(find_diag(&f, "description") == NULL); /* Hugo's, read as the summary */
	fixture_reset(&f);
	/* strict: the same are errors */
	CHECK_INT_EQ(schema_check_keys(&f.p, fm.root, true, &f.d), 5);
	CHECK_INT_EQ(f.d.errors, 5);
	fixture_reset(&f);
	/* 'category' is a news key: on a school page it is unknown; models */
	const char *school = "---\ntitle: S\ncategory: policy\nmodels:\n  - titel: M\n---\n";
	f.p.kind = PAGE_SCHOOL;
	CHECK_INT_EQ(frontmatter_parse(&fm, &f.a, f.p.path, school, strlen(school), &limits, &f.d), 0);
	CHECK_INT_EQ(schema_check_keys(&f.p, fm.root, false, &f.d), 2);
	d = find_diag(&f, "unknown key 'titel' in models[1] (did you mean 'title'?)");
	CHECK(d && d->line == 5 && d->col == 5);
	fixture_release(&f);
}

/* A value of f's type that schema_apply accepts. */
static void sample_value(struct buf *b, const struct schema_field *f)
{
	switch (f->type) {
	case SCHEMA_TEXT:
		/* `due` is text that reads as a month or date; email an address */
		buf_puts(b, !strcmp(f->key, "email") ? "a@b.vn" : "2024-05-06");
		break;
	case SCHEMA_LONG_TEXT:
		buf_puts(b, "x");
		break;
	case SCHEMA_DATE:
		buf_puts(b, "2024-05-06");
		break;
	case SCHEMA_BOOL:
		buf_puts(b, "true");
		break;
	case SCHEMA_INT:
		buf_puts(b, "3");
		break;
	case SCHEMA_TAGS:
		buf_puts(b, "[a, b]");
		break;
	case SCHEMA_CHOICE:
		buf_puts(b, f->choices[0]);
		break;
	case SCHEMA_IMAGE:
		buf_puts(b, "a.jpg");
		break;
	case SCHEMA_URL:
		buf_puts(b, "https://a.vn/");
		break;
	case SCHEMA_LIST:
		break;
	}
}

/* schema_fields (the browser editor's fields, and the keys schema.c
 * accepts) and the typing agree: a page with every key of its kind's
 * table, and every key of its list items, each with a value of the
 * table's type, is typed without an error or a warning and has no
 * unknown key, also under --strict; news needs title and date, as
 * schema_apply does. Sections and the home page have a plain page's. */
static void test_fields_table(void)
{
	static const struct yaml_limits limits = YAML_LIMITS_DEFAULT;
	static const enum page_kind kinds[] = { PAGE_NEWS, PAGE_SCHOOL, PAGE_PLAN, PAGE_DOCUMENT,
						PAGE_PAGE, PAGE_SECTION, PAGE_HOME };
	struct fixture f = { ARENA_INIT, DIAG_LIST_INIT, { 0 } };
	for (size_t k = 0; k < sizeof(kinds) / sizeof(*kinds); k++) {
		size_t n = 0;
		bool plain = kinds[k] == PAGE_SECTION || kinds[k] == PAGE_HOME;
		const struct schema_field *fs = schema_fields(plain ? PAGE_PAGE : kinds[k], &n);
		CHECK(fs && n > 3);
		struct buf src = BUF_INIT;
		buf_puts(&src, "---\n");
		for (size_t i = 0; i < n; i++) {
			buf_addf(&src, "%s: ", fs[i].key);
			sample_value(&src, &fs[i]);
			buf_putc(&src, '\n');
			for (size_t j = 0; j < fs[i].nitems; j++) {
				buf_addf(&src, "  %s %s: ", j ? " " : "-", fs[i].items[j].key);
				sample_value(&src, &fs[i].items[j]);
				buf_putc(&src, '\n');
			}
		}
		buf_puts(&src, "---\n");
		CHECK_INT_EQ(apply(&f, kinds[k], src.ptr), 0);
		struct frontmatter fm;
		CHECK_INT_EQ(frontmatter_parse(&fm, &f.a, f.p.path, src.ptr, src.len, &limits, &f.d), 0);
		CHECK_INT_EQ(schema_check_keys(&f.p, fm.root, true, &f.d), 0);
		CHECK_INT_EQ(f.d.len, 0);
		for (size_t i = 0; i < f.d.len; i++)
			fprintf(stderr, "  %s: %s\n", page_kind_name(kinds[k]), f.d.items[i].msg);
		buf_release(&src);
		fixture_reset(&f);
		CHECK_STR_EQ(fs[0].key, "title");
		CHECK(fs[0].required && fs[0].editable);
	}
	size_t n = 0;
	const struct schema_field *news = schema_fields(PAGE_NEWS, &n);
	CHECK_STR_EQ(news[1].key, "date");
	CHECK(news[1].required);
	CHECK(schema_fields(PAGE_SECTION, &n) == NULL && n == 0);
	/* enum news_category follows the table's choices */
	CHECK_STR_EQ(news[2].key, "category");
	for (int i = 0; news[2].choices[i]; i++)
		CHECK_STR_EQ(news_category_name((enum news_category)i), news[2].choices[i]);
	/* a plan's activities have `done`, which the plan's status reads */
	const struct schema_field *plan = schema_fields(PAGE_PLAN, &n);
	bool done = false;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < plan[i].nitems; j++)
			done |= !strcmp(plan[i].items[j].key, "done");
	CHECK(done);
	fixture_release(&f);
}

static bool in_table(const struct schema_field *fs, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(fs[i].key, key) || in_table(fs[i].items, fs[i].nitems, key))
			return true;
	return false;
}

/* The keys file passes as a literal first "..." to one of readers (on
 * the call's line) that no table declares: each a failed check. Returns
 * how many reads it found. */
static size_t check_reads(const char *file, const char *const *readers, size_t nreaders)
{
	static const enum page_kind kinds[] = { PAGE_NEWS, PAGE_SCHOOL, PAGE_PLAN, PAGE_DOCUMENT,
						PAGE_PAGE };
	/* Hugo's names, read where Loa's key is absent */
	static const char *const hugo[] = { "description", "categories" };
	FILE *fp = fopen(file, "r");
	CHECK(fp != NULL);
	if (!fp)
		return 0;
	struct buf src = BUF_INIT;
	char chunk[4096];
	size_t got, reads = 0;
	while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&src, chunk, got);
	fclose(fp);
	for (size_t r = 0; r < nreaders; r++) {
		for (const char *at = strstr(src.ptr, readers[r]); at; at = strstr(at + 1, readers[r])) {
			const char *end = strchr(at, '\n');
			const char *q = strchr(at, '"');
			/* text_field( inside required_text( is another reader */
			bool inside = at > src.ptr && (at[-1] == '_' || (at[-1] >= 'a' && at[-1] <= 'z'));
			if (!q || (end && q > end) || inside)
				continue;
			const char *close = strchr(q + 1, '"');
			if (!close || close - q - 1 >= 40)
				continue;
			char key[40];
			memcpy(key, q + 1, (size_t)(close - q - 1));
			key[close - q - 1] = '\0';
			reads++;
			bool known = false;
			for (size_t i = 0; i < sizeof(hugo) / sizeof(*hugo); i++)
				known |= !strcmp(key, hugo[i]);
			for (size_t k = 0; k < sizeof(kinds) / sizeof(*kinds); k++) {
				size_t n;
				const struct schema_field *fs = schema_fields(kinds[k], &n);
				known |= in_table(fs, n, key);
			}
			if (!known)
				fprintf(stderr, "  %s reads '%s', which schema_fields.c does not declare\n",
					file, key);
			CHECK(known);
		}
	}
	buf_release(&src);
	return reads;
}

/* Every key schema.c reads (a literal "key" passed to value_get or to one
 * of its field readers), and every key the rest reads from a page's front
 * matter (`value_get(p->front, "layout")`), is declared in the table of
 * some kind, so that schema_check_keys never calls a key Loa reads
 * unknown. Reads the sources: run from the top of the tree, as
 * `make unit` and tests/run.sh do. */
static void test_reads_declared(void)
{
	static const char *const readers[] = { "value_get(", "text_field(", "key_text(",
					       "required_text(", "date_field(", "bool_field(",
					       "int_field(", "url_field(", "text_list_check(",
					       "parse_date_value(", "as_text(", "field_of(",
					       "choices_of(", "required(" };
	static const char *const front[] = { "value_get(p->front, " };
	static const char *const others[] = { "generator/plugin/sitelua_render.c",
					      "generator/plugin/sitelua_pages.c",
					      "generator/site/site.c", "generator/site/refs.c" };
	/* the scan finds the reads (title, tags, the models' year ...) */
	CHECK(check_reads("generator/content/schema.c", readers, sizeof(readers) / sizeof(*readers)) >
	      30);
	size_t n = 0;
	for (size_t i = 0; i < sizeof(others) / sizeof(*others); i++)
		n += check_reads(others[i], front, 1);
	CHECK(n >= 4);
}

int main(void)
{
	RUN(test_news_valid);
	RUN(test_news_defaults_and_required);
	RUN(test_title);
	RUN(test_draft);
	RUN(test_weight);
	RUN(test_dates);
	RUN(test_tags);
	RUN(test_urls);
	RUN(test_school);
	RUN(test_plan);
	RUN(test_errors_accumulate);
	RUN(test_toml_and_json_typed);
	RUN(test_suggest);
	RUN(test_unknown_keys);
	RUN(test_fields_table);
	RUN(test_reads_declared);
	return harness_report();
}
