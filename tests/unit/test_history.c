/* Unit tests for the history cache's parts of source/repo: a commit's
 * history extended from its parent's (repo_history_parent,
 * repo_history_extend) equals the whole walk at every commit of a
 * repository with a branch, a merge, an out-of-order author date, and a
 * file deleted and added again; and the codec (repo_history_encode,
 * repo_history_decode) gives back what it was given and refuses anything
 * else whole. Real repositories made with the git command in a temporary
 * folder, with fixed names and dates. */
#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "harness.h"
#include "source/repo.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char root[64];

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	struct buf cmd = BUF_INIT;
	va_list ap;
	buf_addf(&cmd, "cd '%s/r' && { ", root);
	va_start(ap, fmt);
	buf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	buf_puts(&cmd, "; } >/dev/null 2>&1");
	int st = system(cmd.ptr);
	buf_release(&cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* commits everything as who at when, and tags the commit tag */
static int commit_as(const char *who, long when, const char *tag)
{
	return sh("git add -A && GIT_AUTHOR_NAME='%s' GIT_AUTHOR_EMAIL='%s@example.org' "
		  "GIT_COMMITTER_NAME='%s' GIT_COMMITTER_EMAIL='%s@example.org' "
		  "GIT_AUTHOR_DATE='%ld +0000' GIT_COMMITTER_DATE='%ld +0000' "
		  "git commit -q --allow-empty -m '%s' && git tag %s",
		  who, who, who, who, when, when, tag, tag);
}

enum { T = 1577836800 };
static const char *const tags[] = { "c1", "c2", "c3", "c4", "c5", "c6",
				    "c7", "c8", "c9", "c10", "c11" };
enum { NTAGS = sizeof(tags) / sizeof(tags[0]) };

/*   c1 Alice: a, b, x/y          c2 Bob: a changed, c added
 *   c3 Dave (branch side): e added, a changed
 *   c4 Erin (main): b changed    c5 Mallory: merge of side
 *   c6 Bob: b changed (the parent is the merge)
 *   c7 Carol, author date before c1's: a changed
 *   c8 Alice: c deleted          c9 Zed: c added again
 *   c10 Zed: nothing under content   c11 Ngọc: x/y and a changed */
static bool make_repo(void)
{
	char *cmd = xasprintf("cd '%s' && git init -q -b main r >/dev/null 2>&1", root);
	int bad = system(cmd) != 0;
	free(cmd);
	bad |= sh("mkdir -p content/x && echo a1 > content/a.md && echo b1 > content/b.md && "
		  "echo y1 > content/x/y.md && echo s > site.yaml");
	bad |= commit_as("Alice", T, "c1");
	bad |= sh("echo a2 > content/a.md && echo c1 > content/c.md");
	bad |= commit_as("Bob", T + 100, "c2");
	bad |= sh("git checkout -q -b side && echo e1 > content/e.md && echo a3 > content/a.md");
	bad |= commit_as("Dave", T + 200, "c3");
	bad |= sh("git checkout -q main && echo b2 > content/b.md");
	bad |= commit_as("Erin", T + 300, "c4");
	bad |= sh("GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=m@example.org "
		  "GIT_COMMITTER_NAME=Mallory GIT_COMMITTER_EMAIL=m@example.org "
		  "GIT_AUTHOR_DATE='%d +0000' GIT_COMMITTER_DATE='%d +0000' "
		  "git merge -q --no-ff -m c5 side && git tag c5",
		  T + 400, T + 400);
	bad |= sh("echo b3 > content/b.md");
	bad |= commit_as("Bob", T + 500, "c6");
	bad |= sh("echo a4 > content/a.md");
	bad |= commit_as("Carol", T - 1000, "c7");
	bad |= sh("git rm -q content/c.md");
	bad |= commit_as("Alice", T + 700, "c8");
	bad |= sh("echo c2 > content/c.md");
	bad |= commit_as("Zed", T + 800, "c9");
	bad |= sh("echo s2 > site.yaml");
	bad |= commit_as("Zed", T + 900, "c10");
	bad |= sh("echo y2 > content/x/y.md && echo a5 > content/a.md");
	bad |= commit_as("Ngọc", T + 1000, "c11");
	return !bad;
}

static struct repo *open_at(const char *ref)
{
	char *path = xasprintf("%s/r", root);
	struct repo_opts opts = { .path = path, .ref = ref };
	struct repo *r = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	int rc = repo_open(&r, &opts, &d);
	CHECK_INT_EQ(d.len, 0);
	diag_list_release(&d);
	free(path);
	return rc == 0 ? r : NULL;
}

/* The whole walk's result at ref, encoded (caller frees). */
static char *walked(const char *ref)
{
	struct repo *r = open_at(ref);
	struct arena a = ARENA_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct repo_history h;
	struct buf out = BUF_INIT;
	if (r && repo_history(r, "content", &h, &a, &d) == 0)
		repo_history_encode(&h, &out);
	CHECK_INT_EQ(d.len, 0);
	diag_list_release(&d);
	arena_release(&a);
	repo_free(r);
	return buf_detach(&out, NULL);
}

TEST(test_extend_equals_walk)
{
	size_t extended = 0;
	for (size_t i = 0; i < NTAGS; i++) {
		struct repo *r = open_at(tags[i]);
		if (!r)
			continue;
		struct arena a = ARENA_INIT;
		struct diag_list d = DIAG_LIST_INIT;
		char parent[41];
		int has_parent = repo_history_parent(r, parent);
		/* the root and the merge have no single parent to extend */
		CHECK_INT_EQ(has_parent, strcmp(tags[i], "c1") != 0 && strcmp(tags[i], "c5") != 0);
		if (has_parent) {
			char *from = walked(parent), *want = walked(tags[i]);
			struct repo_history ph, h;
			CHECK_INT_EQ(repo_history_decode(&ph, from, strlen(from), &a), 0);
			int rc = repo_history_extend(r, "content", &ph, &h, &a, &d);
			/* c2, c3 and c9 add files: c9's content/c.md had an
			 * older life that only a walk for it can find */
			CHECK_INT_EQ(rc, 1);
			if (rc != 1)
				fprintf(stderr, "  at %s\n", tags[i]);
			if (rc == 1) {
				struct buf got = BUF_INIT;
				repo_history_encode(&h, &got);
				CHECK_STR_EQ(got.ptr, want);
				buf_release(&got);
				extended++;
			}
			free(from);
			free(want);
		}
		CHECK_INT_EQ(d.len, 0);
		diag_list_release(&d);
		arena_release(&a);
		repo_free(r);
	}
	CHECK_INT_EQ(extended, NTAGS - 2);
	/* the facts themselves, so that a walk and an extension wrong alike
	 * fail too: Carol's older date is the first; Ngọc is the newest author */
	char *c11 = walked("c11");
	CHECK_CONTAINS(c11, "12:content/a.md 1577835800 1577837800 ");
	CHECK_CONTAINS(c11, ":Ngọc\n");
	char *c9 = walked("c9");
	CHECK_CONTAINS(c9, "12:content/c.md 1577836900 1577837600 ");
	free(c9);
	free(c11);
}

TEST(test_codec_round_trip_and_refusals)
{
	char *enc = walked("c11");
	size_t len = strlen(enc);
	struct arena a = ARENA_INIT;
	struct repo_history h;
	CHECK_INT_EQ(repo_history_decode(&h, enc, len, &a), 0);
	CHECK_INT_EQ(h.n, 5);
	const struct repo_history_entry *e = repo_history_find(&h, "content/a.md");
	CHECK(e != NULL);
	if (e) {
		CHECK_INT_EQ(e->first, T - 1000);
		CHECK_INT_EQ(e->last, T + 1000);
		/* the merge took side's a.md: Mallory changed nothing in it */
		CHECK_INT_EQ(e->nauthors, 5);
		if (e->nauthors == 5) {
			CHECK_STR_EQ(e->authors[0], "Alice");
			CHECK_STR_EQ(e->authors[3], "Carol");
			CHECK_STR_EQ(e->authors[4], "Ngọc");
		}
	}
	struct buf again = BUF_INIT;
	repo_history_encode(&h, &again);
	CHECK_STR_EQ(again.ptr, enc);
	buf_release(&again);
	/* every truncation is refused, and so is one byte more */
	size_t accepted = 0;
	for (size_t n = 0; n < len; n++)
		accepted += repo_history_decode(&h, enc, n, &a) == 0;
	CHECK_INT_EQ(accepted, 0);
	char *longer = xasprintf("%s\n", enc);
	CHECK_INT_EQ(repo_history_decode(&h, longer, len + 1, &a), -1);
	free(longer);
	/* entries out of order, an author index out of range, a count too large */
	static const char *const bad[] = {
		"loa-history-1\n1\n1:A\n2\n3:b.m 1 2 1 0\n3:a.m 1 2 1 0\n",
		"loa-history-1\n1\n1:A\n1\n3:a.m 1 2 1 1\n",
		"loa-history-1\n1\n1:A\n1\n3:a.m 1 2 2 0\n",
		"loa-history-1\n9\n1:A\n0\n",
		"loa-history-1\n1\n5:A\n0\n",
		"loa-history-2\n0\n0\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_INT_EQ(repo_history_decode(&h, bad[i], strlen(bad[i]), &a), -1);
	static const char good[] = "loa-history-1\n1\n1:A\n2\n3:a.m -5 2 0\n3:b.m 1 2 1 0\n";
	CHECK_INT_EQ(repo_history_decode(&h, good, strlen(good), &a), 0);
	CHECK_INT_EQ(h.n, 2);
	CHECK_INT_EQ(h.entries[0].first, -5);
	CHECK_INT_EQ(h.entries[0].nauthors, 0);
	CHECK_STR_EQ(h.entries[1].authors[0], "A");
	arena_release(&a);
	free(enc);
}

int main(void)
{
	strcpy(root, "/tmp/loa-test-history-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	char *home = xasprintf("%s/home", root);
	mkdir(home, 0700);
	setenv("HOME", home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	setenv("TZ", "UTC", 1);
	free(home);
	if (!make_repo()) {
		fprintf(stderr, "cannot build the fixture repository in %s\n", root);
		return 1;
	}
	RUN(test_extend_equals_walk);
	RUN(test_codec_round_trip_and_refusals);
	char *rm = xasprintf("rm -rf '%s'", root);
	if (system(rm) != 0)
		fprintf(stderr, "cannot remove %s\n", root);
	free(rm);
	return harness_report();
}
