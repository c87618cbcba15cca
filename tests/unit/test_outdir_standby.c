/* Unit tests for the standby (outdir.c, outdir_standby.c): a build that
 * asks keeps the old site as OUTDIR_STANDBY in a folder it names; the next one starts from it
 * only when it is the folder of the inode it names; cleaning leaves only
 * the files the caller keeps among those whose line holds, removes what
 * the listing lacks, what a failing folder holds and the folders left
 * empty, and never follows a symlink planted in it. */
#include "base/buf.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "pipeline/outdir.h"
#include "harness.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *make_root(void)
{
	char tmpl[] = "/tmp/loa-standby-XXXXXX";
	char *p = mkdtemp(tmpl);
	return p ? xstrdup(p) : NULL;
}

static void rm_rf(const char *root)
{
	char *cmd = xasprintf("rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
	free(cmd);
}

static bool exists(const char *dir, const char *rel)
{
	char *p = xasprintf("%s/%s", dir, rel);
	struct stat st;
	bool yes = lstat(p, &st) == 0;
	free(p);
	return yes;
}

static uint64_t inode(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

static const char *const pages[] = { "index.html", "a/one/index.html", "a/two/index.html",
				     "b/three/index.html", "css/site.css" };
enum { NFILES = sizeof(pages) / sizeof(pages[0]) };

/* Publishes every page (text: its path and tag), keeping the old site
 * as the standby when keep; its listing in l. */
static int keep_dir = -1; /* the folder the standby is kept in */

static void publish(const char *out, const char *tag, bool keep, struct buf *l)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct outdir *od = NULL;
	char made[41];
	buf_reset(l);
	CHECK_INT_EQ(outdir_begin(&od, out, &d), 0);
	for (size_t i = 0; i < NFILES; i++) {
		char *text = xasprintf("%s %s", pages[i], tag);
		CHECK_INT_EQ(outdir_write(od, pages[i], text, strlen(text), &d), 0);
		free(text);
	}
	CHECK_INT_EQ(outdir_fingerprint(od, made, l), 0);
	outdir_keep_previous(od, keep ? keep_dir : -1);
	CHECK_INT_EQ(outdir_commit(od, &d), 0);
	CHECK_INT_EQ(d.errors, 0);
	diag_list_release(&d);
	usleep(20 * 1000); /* file times tick with the kernel's clock */
}

/* keep: the pages under a/ only */
static bool keep_a(void *ctx, const char *path)
{
	int *n = ctx;
	if (strncmp(path, "a/", 2) != 0)
		return false;
	(*n)++;
	return true;
}

static int clean(struct outdir *od, const struct buf *l, int *kept)
{
	size_t max = l->len;
	unsigned char *ok = xmalloc(max);
	size_t n = outdir_listing_verdicts(outdir_tmp_fd(od), l->ptr, l->len, ok, max);
	int rc = n ? outdir_standby_clean(od, l->ptr, l->len, ok, n, keep_a, kept) : -1;
	free(ok);
	return rc;
}

TEST(standby_kept_adopted_and_cleaned)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	char *sb = xasprintf("%s/cache/standby", root);
	char *cache = xasprintf("%s/cache", root);
	CHECK_INT_EQ(mkdir(cache, 0755), 0);
	keep_dir = open(cache, O_RDONLY | O_DIRECTORY);
	char *victim = xasprintf("%s/victim", root);
	struct buf first = BUF_INIT, second = BUF_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	publish(out, "v1", true, &first);
	CHECK(!exists(root, "cache/standby")); /* no site before the first */
	uint64_t first_ino = inode(out);
	publish(out, "v2", true, &second);
	CHECK_INT_EQ(inode(sb), first_ino);
	CHECK(exists(sb, "a/one/index.html"));

	/* planted in the standby: a symlinked folder and a top-level name */
	CHECK_INT_EQ(mkdir(victim, 0755), 0);
	char *vfile = xasprintf("%s/keep.txt", victim);
	FILE *f = fopen(vfile, "w");
	if (f) {
		fputs("keep", f);
		fclose(f);
	}
	char *cmd = xasprintf("rm -rf '%s/b' && ln -s '%s' '%s/b' && echo x > '%s/planted'", sb,
			      victim, sb, sb);
	CHECK_INT_EQ(system(cmd), 0);

	/* another inode named: not adopted, and removed */
	struct outdir *od = NULL;
	CHECK_INT_EQ(outdir_begin_standby(&od, out, NULL, keep_dir, first_ino + 1, &d), 0);
	CHECK(!outdir_adopted(od));
	CHECK(!exists(root, "cache/standby"));
	outdir_abort(od);

	/* the right inode: adopted; cleaning keeps a/ only */
	publish(out, "v3", true, &first); /* the v2 site becomes the standby */
	uint64_t sb_ino = inode(sb);
	CHECK(sb_ino != 0);
	char *cmd2 = xasprintf("rm -rf '%s/b' && ln -s '%s' '%s/b' && echo x > '%s/planted'", sb,
			       victim, sb, sb);
	CHECK_INT_EQ(system(cmd2), 0);
	CHECK_INT_EQ(outdir_begin_standby(&od, out, NULL, keep_dir, sb_ino, &d), 0);
	CHECK(outdir_adopted(od));
	int kept = 0;
	CHECK_INT_EQ(clean(od, &second, &kept), 0);
	CHECK_INT_EQ(kept, 2);
	{
		/* what the new tree holds now: a/ and the marker, no b/, no css/ */
		int fd = outdir_tmp_fd(od);
		struct stat st;
		CHECK_INT_EQ(fstatat(fd, "a/one/index.html", &st, 0), 0);
		CHECK_INT_EQ(fstatat(fd, "a/two/index.html", &st, 0), 0);
		CHECK_INT_EQ(fstatat(fd, ".loa-output", &st, 0), 0);
		CHECK(fstatat(fd, "index.html", &st, 0) < 0);
		CHECK(fstatat(fd, "css", &st, AT_SYMLINK_NOFOLLOW) < 0); /* left empty: removed */
		CHECK(fstatat(fd, "b", &st, AT_SYMLINK_NOFOLLOW) < 0);
		CHECK(fstatat(fd, "planted", &st, AT_SYMLINK_NOFOLLOW) < 0);
	}
	CHECK(exists(victim, "keep.txt")); /* never followed */
	/* the kept file may not be written again; a new one may */
	CHECK_INT_EQ(outdir_write(od, "index.html", "new", 3, &d), 0);
	CHECK_INT_EQ(outdir_write(od, "b/three/index.html", "new", 3, &d), 0);
	outdir_keep_previous(od, false);
	CHECK_INT_EQ(outdir_commit(od, &d), 0);
	CHECK(!exists(root, "cache/standby")); /* not kept: removed */
	CHECK_INT_EQ(inode(out), sb_ino);
	CHECK(exists(out, "a/two/index.html"));
	CHECK(exists(victim, "keep.txt"));
	CHECK_INT_EQ(d.errors, 0);
	free(cmd2);
	free(cmd);
	free(vfile);
	diag_list_release(&d);
	buf_release(&first);
	buf_release(&second);
	free(victim);
	free(sb);
	free(cache);
	close(keep_dir);
	keep_dir = -1;
	free(out);
	rm_rf(root);
	free(root);
}

/* An edited page of the standby is not offered to keep: its line fails. */
TEST(standby_edited_file_not_kept)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	char *sb = xasprintf("%s/cache/standby", root);
	char *cache = xasprintf("%s/cache", root);
	CHECK_INT_EQ(mkdir(cache, 0755), 0);
	keep_dir = open(cache, O_RDONLY | O_DIRECTORY);
	struct buf l1 = BUF_INIT, l2 = BUF_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	publish(out, "v1", true, &l1);
	publish(out, "v2", true, &l2);
	char *page = xasprintf("%s/a/one/index.html", sb);
	FILE *f = fopen(page, "w");
	if (f) {
		fputs("edited", f);
		fclose(f);
	}
	struct outdir *od = NULL;
	CHECK_INT_EQ(outdir_begin_standby(&od, out, NULL, keep_dir, inode(sb), &d), 0);
	CHECK(outdir_adopted(od));
	int kept = 0;
	CHECK_INT_EQ(clean(od, &l1, &kept), 0);
	CHECK_INT_EQ(kept, 1); /* a/two only */
	struct stat st;
	CHECK(fstatat(outdir_tmp_fd(od), "a/one/index.html", &st, 0) < 0);
	outdir_abort(od);
	free(page);
	diag_list_release(&d);
	buf_release(&l1);
	buf_release(&l2);
	free(sb);
	free(cache);
	close(keep_dir);
	keep_dir = -1;
	free(out);
	rm_rf(root);
	free(root);
}

/* A standby nothing vouches for (its listing lost): emptied but for the
 * marker, as a new folder. */
TEST(standby_emptied)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	char *sb = xasprintf("%s/cache/standby", root);
	char *cache = xasprintf("%s/cache", root);
	CHECK_INT_EQ(mkdir(cache, 0755), 0);
	keep_dir = open(cache, O_RDONLY | O_DIRECTORY);
	struct buf l = BUF_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	publish(out, "v1", true, &l);
	publish(out, "v2", true, &l);
	struct outdir *od = NULL;
	CHECK_INT_EQ(outdir_begin_standby(&od, out, NULL, keep_dir, inode(sb), &d), 0);
	CHECK(outdir_adopted(od));
	CHECK_INT_EQ(outdir_empty(od), 0);
	struct stat st;
	int fd = outdir_tmp_fd(od);
	CHECK_INT_EQ(fstatat(fd, ".loa-output", &st, 0), 0);
	for (size_t i = 0; i < NFILES; i++)
		CHECK(fstatat(fd, pages[i], &st, AT_SYMLINK_NOFOLLOW) < 0);
	CHECK(fstatat(fd, "a", &st, AT_SYMLINK_NOFOLLOW) < 0);
	outdir_abort(od);
	diag_list_release(&d);
	buf_release(&l);
	free(sb);
	free(cache);
	close(keep_dir);
	keep_dir = -1;
	free(out);
	rm_rf(root);
	free(root);
}

int main(void)
{
	RUN(standby_emptied);
	RUN(standby_kept_adopted_and_cleaned);
	RUN(standby_edited_file_not_kept);
	return harness_report();
}
