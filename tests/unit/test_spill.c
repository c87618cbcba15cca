/* Unit tests for base/spill: bytes given back exactly as they were kept
 * (empty, binary with NULs, large), by id in any order, from the file
 * (and not from memory) when a temporary file can be made, and from
 * memory when it cannot (a folder that does not exist); a forked child
 * reads them through the descriptor it inherited. */
#include "base/buf.h"
#include "base/spill.h"
#include "harness.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void fill(char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (char)((i * 31u + seed) % 251u);
}

static bool reads_back(const struct spill *sp, size_t id, const char *want, size_t len)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "x"); /* appended after what the buffer held */
	int rc = spill_read(sp, id, &b);
	bool ok = rc == 0 && b.len == len + 1 && b.ptr[0] == 'x' && memcmp(b.ptr + 1, want, len) == 0 &&
		  b.ptr[b.len] == '\0';
	buf_release(&b);
	return ok;
}

static void check_round_trip(struct spill *sp, bool in_file)
{
	enum { BIG = 3 * 1024 * 1024 + 17 };
	char *big = malloc(BIG);
	fill(big, BIG, 7);
	static const char bin[] = { 'a', '\0', 'b', '\0', '\n' };
	size_t a = spill_add(sp, "<feed/>\n", 8);
	size_t e = spill_add(sp, "", 0);
	size_t z = spill_add(sp, bin, sizeof(bin));
	size_t g = spill_add(sp, big, BIG);
	CHECK_INT_EQ(a, 0);
	CHECK_INT_EQ(g, 3);
	CHECK_INT_EQ(spill_len(sp, g), BIG);
	CHECK_INT_EQ(spill_len(sp, e), 0);
	CHECK(spill_in_file(sp, a) == in_file);
	CHECK(spill_in_file(sp, g) == in_file);
	/* any order, more than once */
	CHECK(reads_back(sp, g, big, BIG));
	CHECK(reads_back(sp, z, bin, sizeof(bin)));
	CHECK(reads_back(sp, a, "<feed/>\n", 8));
	CHECK(reads_back(sp, e, "", 0));
	CHECK(reads_back(sp, a, "<feed/>\n", 8));
	free(big);
}

TEST(spill_file)
{
	struct spill *sp = spill_open(NULL);
	check_round_trip(sp, true);
	spill_free(sp);
}

TEST(spill_memory_when_no_file)
{
	struct spill *sp = spill_open("/nonexistent-folder-of-loa-tests");
	check_round_trip(sp, false);
	spill_free(sp);
	spill_free(NULL);
}

TEST(spill_forked_reader)
{
	struct spill *sp = spill_open(NULL);
	char data[5000];
	fill(data, sizeof(data), 3);
	size_t one = spill_add(sp, "one", 3);
	size_t two = spill_add(sp, data, sizeof(data));
	pid_t pid = fork();
	if (pid == 0) /* the worker's side: the descriptor it inherited */
		_exit(reads_back(sp, two, data, sizeof(data)) && reads_back(sp, one, "one", 3) ? 0 : 1);
	int status = 0;
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* and the parent's reads are unaffected by the child's */
	CHECK(reads_back(sp, one, "one", 3));
	spill_free(sp);
}

int main(void)
{
	RUN(spill_file);
	RUN(spill_memory_when_no_file);
	RUN(spill_forked_reader);
	return harness_report();
}
