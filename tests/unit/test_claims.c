/* Unit tests for site/claims: one owner per output file, the first claim
 * wins, folders and files cannot overlap, and the report names both. */
#include "base/diag.h"
#include "harness.h"
#include "site/claims.h"

#include <stdio.h>

TEST(test_first_claim_wins)
{
	struct claims c = { 0 };
	struct claim_conflict cf;
	CHECK_INT_EQ(claims_take(&c, CLAIM_BUILD, "sitemap.xml", "/sitemap.xml", "loa", NULL), 0);
	CHECK_INT_EQ(claims_take(&c, CLAIM_PLUGIN, "sitemap.xml", "/sitemap.xml", "plugins/x.lua:3",
				 &cf),
		     -1);
	CHECK_INT_EQ(cf.clash, CLAIM_SAME_FILE);
	CHECK_STR_EQ(cf.holder->who, "loa");
	const struct claim *h = claims_get(&c, "sitemap.xml");
	CHECK(h && h->kind == CLAIM_BUILD);
	CHECK(claims_get(&c, "robots.txt") == NULL);
	claims_release(&c);
	CHECK(claims_get(&c, "sitemap.xml") == NULL); /* released: an empty table again */
}

TEST(test_folders_and_files)
{
	struct claims c = { 0 };
	struct claim_conflict cf;
	CHECK_INT_EQ(claims_take(&c, CLAIM_PAGE, "tin-tuc/a/index.html", "/tin-tuc/a/", "content/a.md:2",
				 NULL),
		     0);
	/* a file where a folder is needed */
	CHECK_INT_EQ(claims_take(&c, CLAIM_PLUGIN, "tin-tuc", "/tin-tuc", "plugins/x.lua:1", &cf), -1);
	CHECK_INT_EQ(cf.clash, CLAIM_IS_FOLDER);
	CHECK_STR_EQ(cf.holder->path, "tin-tuc/a/index.html");
	CHECK_INT_EQ(claims_take(&c, CLAIM_PLUGIN, "tin-tuc/a", "/tin-tuc/a", "plugins/x.lua:1", &cf), -1);
	CHECK_INT_EQ(cf.clash, CLAIM_IS_FOLDER);
	/* a folder under a file */
	CHECK_INT_EQ(claims_take(&c, CLAIM_PLUGIN, "tin-tuc/a/index.html/x", "/tin-tuc/a/index.html/x",
				 "plugins/x.lua:2", &cf),
		     -1);
	CHECK_INT_EQ(cf.clash, CLAIM_NEEDS_FOLDER);
	CHECK_STR_EQ(cf.holder->who, "content/a.md:2");
	/* beside it, and a name that only starts the same, are free */
	CHECK_INT_EQ(claims_take(&c, CLAIM_PLUGIN, "tin-tuc/b.txt", "/tin-tuc/b.txt", "plugins/x.lua:3",
				 NULL),
		     0);
	CHECK_INT_EQ(claims_take(&c, CLAIM_PLUGIN, "tin-tuc-cu", "/tin-tuc-cu", "plugins/x.lua:4", NULL),
		     0);
	CHECK_INT_EQ(claims_take(&c, CLAIM_PLUGIN, "tin-tuc/a/anh.png", "/tin-tuc/a/anh.png",
				 "plugins/x.lua:5", NULL),
		     0);
	/* a failed claim records nothing */
	CHECK(claims_get(&c, "tin-tuc") == NULL);
	CHECK_INT_EQ(c.n, 4);
	claims_release(&c);
}

TEST(test_report_names_both)
{
	struct claims c = { 0 };
	struct claim_conflict cf;
	struct diag_list d = DIAG_LIST_INIT;
	claims_take(&c, CLAIM_PLUGIN, "index.html", "/", "plugins/lists.lua:130", NULL);
	CHECK_INT_EQ(claims_take(&c, CLAIM_PLUGIN, "index.html", "/index.html", "plugins/zz.lua:2", &cf),
		     -1);
	CHECK_INT_EQ(claims_report(&d, "plugins/zz.lua", 2, "/index.html", "index.html", &cf), -1);
	CHECK_INT_EQ(d.errors, 1);
	if (d.len) {
		CHECK_STR_EQ(d.items[0].path, "plugins/zz.lua");
		CHECK_INT_EQ(d.items[0].line, 2);
		CHECK_STR_EQ(d.items[0].msg, "/index.html: output file index.html is already claimed by "
					     "plugins/lists.lua:130 (/)");
		CHECK(d.items[0].msg_vi != NULL); /* in the catalog */
	}
	claims_release(&c);
	diag_list_release(&d);
}

TEST(test_many)
{
	/* enough claims to grow every table several times */
	struct claims c = { 0 };
	char path[64];
	int ok = 0;
	for (int i = 0; i < 5000; i++) {
		snprintf(path, sizeof(path), "d%d/p%d/index.html", i % 37, i);
		ok += claims_take(&c, CLAIM_PAGE, path, path, "content/x.md:1", NULL) == 0;
	}
	CHECK_INT_EQ(ok, 5000);
	CHECK_INT_EQ(claims_take(&c, CLAIM_PLUGIN, "d5", "/d5", "plugins/x.lua:1", NULL), -1);
	CHECK(claims_get(&c, "d3/p3/index.html") != NULL);
	claims_release(&c);
}

int main(void)
{
	RUN(test_first_claim_wins);
	RUN(test_folders_and_files);
	RUN(test_report_names_both);
	RUN(test_many);
	return harness_report();
}
