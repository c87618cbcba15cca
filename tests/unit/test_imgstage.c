/* Unit tests for pipeline/imgstage's image_stage_failure: an image whose
 * worker did not answer is reported in plain words with a fix (Vietnamese
 * from the catalog), the worker pool's own words kept to the English text;
 * and diag_add_detail, which keeps them there. */
#include "base/diag.h"
#include "harness.h"
#include "pipeline/imgstage.h"
#include "pipeline/pool.h"

#include <stdio.h>

static const char *vi(const struct diag *d)
{
	return diag_message(d, MSG_VI);
}

TEST(crash_in_plain_words_detail_in_english_only)
{
	struct diag_list d = DIAG_LIST_INIT;
	const char raw[] = "killed by signal 11 (SIGSEGV)";
	image_stage_failure(&d, "content/a/b.jpg", POOL_CRASHED, raw, sizeof(raw) - 1, 10000,
			    512u << 20);
	CHECK_INT_EQ(d.errors, 1);
	if (d.len == 1) {
		CHECK_STR_EQ(d.items[0].path, "content/a/b.jpg");
		CHECK_INT_EQ(d.items[0].line, 1); /* file:line: line 1 of the image */
		CHECK_CONTAINS(d.items[0].msg, "the image processor stopped on this file");
		CHECK_CONTAINS(d.items[0].msg, "save it again as JPEG");
		CHECK_CONTAINS(d.items[0].msg, "(killed by signal 11 (SIGSEGV))");
		CHECK_CONTAINS(vi(&d.items[0]), "chương trình xử lý ảnh bị dừng ở tệp này");
		CHECK_NOT_CONTAINS(vi(&d.items[0]), "SIGSEGV");
		CHECK_NOT_CONTAINS(vi(&d.items[0]), "killed");
	}
	diag_list_release(&d);
}

TEST(memory_limit_named_with_its_setting)
{
	struct diag_list d = DIAG_LIST_INIT;
	const char raw[] = "exceeded the memory limit of 512 MB";
	image_stage_failure(&d, "content/a/b.jpg", POOL_OUT_OF_MEMORY, raw, sizeof(raw) - 1, 10000,
			    512u << 20);
	CHECK_INT_EQ(d.errors, 1);
	if (d.len == 1) {
		CHECK_CONTAINS(d.items[0].msg, "needed more than the 512 MB of memory allowed "
					       "(limits.render_memory_mb)");
		CHECK_CONTAINS(vi(&d.items[0]), "cần hơn 512 MB bộ nhớ được phép");
		CHECK_CONTAINS(vi(&d.items[0]), "kích thước nhỏ hơn");
		CHECK_NOT_CONTAINS(d.items[0].msg, "exceeded the memory limit");
	}
	diag_list_release(&d);
}

TEST(timeout_in_seconds)
{
	struct diag_list d = DIAG_LIST_INIT;
	const char raw[] = "exceeded the time limit of 20000 ms";
	image_stage_failure(&d, "content/a/b.jpg", POOL_TIMEOUT, raw, sizeof(raw) - 1, 20000, 0);
	if (d.len == 1) {
		CHECK_STR_EQ(d.items[0].msg, "image not published: processing it took more than 20 s");
		CHECK_NOT_CONTAINS(vi(&d.items[0]), "20000 ms");
	}
	CHECK_INT_EQ(d.errors, 1);
	diag_list_release(&d);
}

TEST(short_answer_shows_no_bytes)
{
	struct diag_list d = DIAG_LIST_INIT;
	image_stage_failure(&d, "content/a/b.jpg", POOL_OK, "\x01\x02", 2, 20000, 0);
	if (d.len == 1) {
		CHECK_CONTAINS(d.items[0].msg, "the image processor stopped on this file");
		CHECK_NOT_CONTAINS(d.items[0].msg, "\x01");
	}
	CHECK_INT_EQ(d.errors, 1);
	diag_list_release(&d);
}

TEST(detail_without_a_translation_keeps_the_vietnamese_plain)
{
	struct diag_list d = DIAG_LIST_INIT;
	/* no catalog entry: the Vietnamese text was the English one */
	diag_error(&d, "x", 1, 0, "%s", "zz no entry");
	diag_add_detail(&d.items[0], "raw", 3);
	CHECK_STR_EQ(d.items[0].msg, "zz no entry (raw)");
	CHECK_STR_EQ(vi(&d.items[0]), "zz no entry");
	diag_add_detail(&d.items[0], "", 0); /* nothing to add: unchanged */
	CHECK_STR_EQ(d.items[0].msg, "zz no entry (raw)");
	diag_list_release(&d);
}

int main(void)
{
	RUN(crash_in_plain_words_detail_in_english_only);
	RUN(memory_limit_named_with_its_setting);
	RUN(timeout_in_seconds);
	RUN(short_answer_shows_no_bytes);
	RUN(detail_without_a_translation_keeps_the_vietnamese_plain);
	return harness_report();
}
