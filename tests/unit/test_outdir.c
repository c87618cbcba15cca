/* Unit tests for pipeline/outdir: writing, swapping, aborting, path checks,
 * symlinks, leftovers, the lock, and that a build killed at any moment
 * leaves either the whole old site or the whole new one. */
#include "base/buf.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "pipeline/outdir.h"
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers ---------------------------------------------------------- */

static char *make_root(void)
{
	char tmpl[] = "/tmp/loa-publish-XXXXXX";
	char *p = mkdtemp(tmpl);
	return p ? xstrdup(p) : NULL;
}

static void rm_rf_at(int dir_fd, const char *name)
{
	if (unlinkat(dir_fd, name, 0) == 0)
		return;
	int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (fd < 0)
		return;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			rm_rf_at(dirfd(d), e->d_name);
	closedir(d);
	unlinkat(dir_fd, name, AT_REMOVEDIR);
}

static void remove_root(char *root)
{
	rm_rf_at(AT_FDCWD, root);
	free(root);
}

static char *path_of(const char *root, const char *rel)
{
	return xasprintf("%s/%s", root, rel);
}

/* file contents, or NULL when missing or not a regular file */
static char *slurp(const char *root, const char *rel)
{
	char *p = path_of(root, rel);
	int fd = open(p, O_RDONLY | O_NOFOLLOW);
	free(p);
	if (fd < 0)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[4096];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	return buf_detach(&b, NULL);
}

static void spit(const char *root, const char *rel, const char *data)
{
	char *p = path_of(root, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	free(p);
	if (fd >= 0) {
		if (write(fd, data, strlen(data)) < 0)
			perror("write");
		close(fd);
	}
}

static void mkdir_rel(const char *root, const char *rel)
{
	char *p = path_of(root, rel);
	mkdir(p, 0755);
	free(p);
}

static bool exists(const char *root, const char *rel)
{
	struct stat st;
	char *p = path_of(root, rel);
	bool r = lstat(p, &st) == 0;
	free(p);
	return r;
}

static int mode_of(const char *root, const char *rel)
{
	struct stat st;
	char *p = path_of(root, rel);
	int r = lstat(p, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
	free(p);
	return r;
}

/* entries of root whose name contains needle */
static int count_entries(const char *root, const char *needle)
{
	int n = 0;
	DIR *d = opendir(root);
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strstr(e->d_name, needle))
			n++;
	closedir(d);
	return n;
}

/* regular files below dir, recursively (symlinks not followed) */
static int count_files(const char *dir)
{
	int n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		/* the marker every output has is checked on its own */
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, OUTDIR_MARKER))
			continue;
		char *p = path_of(dir, e->d_name);
		struct stat st;
		if (lstat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				n += count_files(p);
			else
				n++;
		}
		free(p);
	}
	closedir(d);
	return n;
}

static int write_str(struct outdir *o, const char *rel, const char *s, struct diag_list *d)
{
	return outdir_write(o, rel, s, strlen(s), d);
}

static bool has_diag(const struct diag_list *d, const char *needle)
{
	for (size_t i = 0; i < d->len; i++)
		if (strstr(d->items[i].msg, needle))
			return true;
	return false;
}

/* ---- a versioned site: the kill test's manifest ------------------------ */

enum { SITE_FILES = 24 };

static char *site_rel(int i)
{
	if (i == 0)
		return xstrdup("index.html");
	return xasprintf("tin-tuc/trang-%d/bai-%d/index.html", i % 4, i);
}

static char *site_body(int version, int i)
{
	return xasprintf("<p>version %d, file %d</p>\n", version, i);
}

static int write_site(struct outdir *o, int version, struct diag_list *d)
{
	for (int i = 0; i < SITE_FILES; i++) {
		char *rel = site_rel(i), *body = site_body(version, i);
		int rc = write_str(o, rel, body, d);
		free(rel);
		free(body);
		if (rc < 0)
			return -1;
	}
	/* one file that only this version has */
	char *only = xasprintf("only-v%d.html", version);
	int rc = write_str(o, only, "x", d);
	free(only);
	return rc;
}

/* the site under dir is exactly version `version` */
static bool site_is(const char *dir, int version)
{
	if (count_files(dir) != SITE_FILES + 1)
		return false;
	char *only = xasprintf("only-v%d.html", version);
	char *got = slurp(dir, only);
	bool ok = got && !strcmp(got, "x");
	free(only);
	free(got);
	for (int i = 0; ok && i < SITE_FILES; i++) {
		char *rel = site_rel(i), *body = site_body(version, i);
		got = slurp(dir, rel);
		ok = got && !strcmp(got, body);
		free(got);
		free(rel);
		free(body);
	}
	return ok;
}

static int publish_version(const char *final, int version)
{
	struct outdir *o = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	int rc = outdir_begin(&o, final, &d);
	if (rc == 0 && write_site(o, version, &d) < 0) {
		outdir_abort(o);
		rc = -1;
	} else if (rc == 0) {
		rc = outdir_commit(o, &d);
	}
	for (size_t i = 0; i < d.len; i++)
		fprintf(stderr, "  diag: %s\n", d.items[i].msg);
	diag_list_release(&d);
	return rc;
}

/* ---- tests ------------------------------------------------------------ */

TEST(commit_publishes_nested_files)
{
	char *root = make_root();
	char *final = path_of(root, "public");
	struct outdir *o = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	mode_t old_umask = umask(077); /* modes must not depend on it */
	CHECK_INT_EQ(outdir_begin(&o, final, &d), 0);
	CHECK_INT_EQ(write_str(o, "index.html", "home", &d), 0);
	CHECK_INT_EQ(write_str(o, "tin-tuc/a/index.html", "a", &d), 0);
	CHECK_INT_EQ(write_str(o, "tin-tuc/b/index.html", "b", &d), 0);
	CHECK_INT_EQ(write_str(o, "css/site.css", "body{}", &d), 0);
	CHECK_INT_EQ(outdir_write(o, "empty.txt", "", 0, &d), 0);
	CHECK(!exists(root, "public")); /* nothing visible before the commit */
	CHECK_INT_EQ(outdir_commit(o, &d), 0);
	umask(old_umask);
	CHECK_INT_EQ(d.len, 0);

	char *got = slurp(root, "public/index.html");
	CHECK_STR_EQ(got, "home");
	free(got);
	got = slurp(root, "public/tin-tuc/b/index.html");
	CHECK_STR_EQ(got, "b");
	free(got);
	got = slurp(root, "public/empty.txt");
	CHECK_STR_EQ(got, "");
	free(got);
	CHECK_INT_EQ(mode_of(root, "public"), 0755);
	CHECK_INT_EQ(mode_of(root, "public/tin-tuc"), 0755);
	CHECK_INT_EQ(mode_of(root, "public/tin-tuc/a"), 0755);
	CHECK_INT_EQ(mode_of(root, "public/tin-tuc/a/index.html"), 0644);
	CHECK_INT_EQ(mode_of(root, "public/css/site.css"), 0644);
	CHECK_INT_EQ(count_files(final), 5);
	CHECK_INT_EQ(count_entries(root, "loa-tmp"), 0);
	CHECK_INT_EQ(count_entries(root, "loa-old"), 0);
	free(final);
	remove_root(root);
	diag_list_release(&d);
}

TEST(second_commit_replaces_everything)
{
	char *root = make_root();
	char *final = path_of(root, "public");
	struct outdir *o = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	CHECK_INT_EQ(outdir_begin(&o, final, &d), 0);
	CHECK_INT_EQ(write_str(o, "index.html", "v1", &d), 0);
	CHECK_INT_EQ(write_str(o, "old/only-old.html", "gone soon", &d), 0);
	CHECK_INT_EQ(outdir_commit(o, &d), 0);
	CHECK(exists(root, "public/old/only-old.html"));

	CHECK_INT_EQ(outdir_begin(&o, final, &d), 0);
	CHECK_INT_EQ(write_str(o, "index.html", "v2", &d), 0);
	CHECK_INT_EQ(write_str(o, "new/page.html", "new", &d), 0);
	CHECK_INT_EQ(outdir_commit(o, &d), 0);
	CHECK_INT_EQ(d.len, 0);

	char *got = slurp(root, "public/index.html");
	CHECK_STR_EQ(got, "v2");
	free(got);
	CHECK(!exists(root, "public/old"));
	CHECK(exists(root, "public/new/page.html"));
	CHECK_INT_EQ(count_files(final), 2);
	CHECK_INT_EQ(count_entries(root, "loa-tmp"), 0);
	CHECK_INT_EQ(count_entries(root, "loa-old"), 0);
	free(final);
	remove_root(root);
	diag_list_release(&d);
}

TEST(abort_keeps_previous_site)
{
	char *root = make_root();
	char *final = path_of(root, "public");
	struct outdir *o = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	CHECK_INT_EQ(publish_version(final, 1), 0);
	CHECK_INT_EQ(outdir_begin(&o, final, &d), 0);
	CHECK_INT_EQ(write_site(o, 2, &d), 0);
	outdir_abort(o);
	CHECK(site_is(final, 1));
	CHECK_INT_EQ(count_entries(root, "loa-tmp"), 0);
	/* the lock was released */
	CHECK_INT_EQ(publish_version(final, 3), 0);
	CHECK(site_is(final, 3));
	outdir_abort(NULL);
	free(final);
	remove_root(root);
	diag_list_release(&d);
}

TEST(path_validation)
{
	static const char *const bad[] = {
		"../x", "/etc/x", "a//b", "a/./b", "a\\b", "a/../b", "", ".", "..", "a/",
		"a/..", "./a", "a\nb", "a\x7f", "a\tb",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (outdir_path_valid(bad[i])) {
			fprintf(stderr, "  accepted \"%s\"\n", bad[i]);
			CHECK(!outdir_path_valid(bad[i]));
		}
	CHECK(!outdir_path_valid(NULL));
	CHECK(outdir_path_valid("a/b/index.html"));
	CHECK(outdir_path_valid("index.html"));
	CHECK(outdir_path_valid(".well-known/x"));
	CHECK(outdir_path_valid("tin-tuc/chuy\xe1\xbb\x83n-\xc4\x91\xe1\xbb\x95i/index.html"));
	CHECK(outdir_path_valid("a..b/..c"));

	/* length limits: a component of 255 bytes, a path of 4096 */
	char comp[300];
	memset(comp, 'x', sizeof(comp));
	comp[255] = 0;
	CHECK(outdir_path_valid(comp));
	comp[255] = 'x';
	comp[256] = 0;
	CHECK(!outdir_path_valid(comp));
	struct buf p = BUF_INIT;
	while (p.len < 4096)
		buf_puts(&p, "abcdefg/");
	buf_setlen(&p, 4096);
	p.ptr[4095] = 'z';
	CHECK(outdir_path_valid(p.ptr));
	buf_puts(&p, "z");
	CHECK(!outdir_path_valid(p.ptr));
	buf_release(&p);

	/* and outdir_write refuses them */
	char *root = make_root();
	char *final = path_of(root, "public");
	struct outdir *o = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	CHECK_INT_EQ(outdir_begin(&o, final, &d), 0);
	CHECK_INT_EQ(write_str(o, "../escape.html", "x", &d), -1);
	CHECK_INT_EQ(write_str(o, "/tmp/escape.html", "x", &d), -1);
	CHECK(has_diag(&d, "invalid output path"));
	outdir_abort(o);
	CHECK(!exists(root, "escape.html"));
	free(final);
	remove_root(root);
	diag_list_release(&d);
}

TEST(symlinks_are_never_followed)
{
	char *root = make_root();
	char *final = path_of(root, "public");
	char *outside = path_of(root, "outside");
	struct outdir *o = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	mkdir_rel(root, "outside");
	spit(root, "outside/keep.txt", "keep");
	CHECK_INT_EQ(outdir_begin(&o, final, &d), 0);

	/* plant symlinks inside the temporary folder, as a hostile process
	 * could: a folder position and a file position */
	char *tmp = xasprintf("%s/.public.loa-tmp-%ld", root, (long)getpid());
	char *link_dir = path_of(tmp, "a");
	char *link_file = path_of(tmp, "f.html");
	char *target = path_of(outside, "target.html");
	CHECK_INT_EQ(symlink(outside, link_dir), 0);
	CHECK_INT_EQ(symlink(target, link_file), 0);

	CHECK_INT_EQ(write_str(o, "a/x.html", "evil", &d), -1);
	CHECK_INT_EQ(write_str(o, "a/b/x.html", "evil", &d), -1);
	CHECK_INT_EQ(write_str(o, "f.html", "evil", &d), -1);
	CHECK(!exists(root, "outside/x.html"));
	CHECK(!exists(root, "outside/b"));
	CHECK(!exists(root, "outside/target.html"));
	CHECK(has_diag(&d, "not a folder"));

	/* removing the temporary folder removes the links, not their targets */
	outdir_abort(o);
	CHECK(!exists(root, ".public.loa-tmp"));
	CHECK_INT_EQ(count_entries(root, "loa-tmp"), 0);
	char *got = slurp(root, "outside/keep.txt");
	CHECK_STR_EQ(got, "keep");
	free(got);
	free(tmp);
	free(link_dir);
	free(link_file);
	free(target);
	free(outside);
	free(final);
	remove_root(root);
	diag_list_release(&d);
}

TEST(leftovers_of_killed_builds_are_removed)
{
	char *root = make_root();
	char *final = path_of(root, "public");
	struct outdir *o = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	mkdir_rel(root, "outside");
	spit(root, "outside/keep.txt", "keep");
	mkdir_rel(root, ".public.loa-tmp-99999");
	mkdir_rel(root, ".public.loa-tmp-99999/a");
	mkdir_rel(root, ".public.loa-tmp-99999/a/b");
	spit(root, ".public.loa-tmp-99999/a/b/index.html", "stale");
	char *outside = path_of(root, "outside");
	char *link = path_of(root, ".public.loa-tmp-99999/a/link");
	CHECK_INT_EQ(symlink(outside, link), 0);
	mkdir_rel(root, ".public.loa-old-4242");
	spit(root, ".public.loa-old-4242/x.html", "old");
	/* a deep tree: removal must not need one descriptor per level */
	char *deep = path_of(root, ".public.loa-old-77");
	mkdir(deep, 0755);
	int fd = open(deep, O_RDONLY | O_DIRECTORY);
	for (int i = 0; i < 300 && fd >= 0; i++) {
		mkdirat(fd, "d", 0755);
		int next = openat(fd, "d", O_RDONLY | O_DIRECTORY);
		close(fd);
		fd = next;
	}
	if (fd >= 0)
		close(fd);
	/* not ours: another output's folders, and a name that merely looks alike */
	mkdir_rel(root, ".other.loa-tmp-1");
	mkdir_rel(root, ".public.loa-tmp-x1");

	CHECK_INT_EQ(outdir_begin(&o, final, &d), 0);
	CHECK(!exists(root, ".public.loa-tmp-99999"));
	CHECK(!exists(root, ".public.loa-old-4242"));
	CHECK(!exists(root, ".public.loa-old-77"));
	CHECK(exists(root, ".other.loa-tmp-1"));
	CHECK(exists(root, ".public.loa-tmp-x1"));
	char *got = slurp(root, "outside/keep.txt");
	CHECK_STR_EQ(got, "keep");
	free(got);
	outdir_abort(o);
	free(deep);
	free(link);
	free(outside);
	free(final);
	remove_root(root);
	diag_list_release(&d);
}

TEST(lock_excludes_a_second_build)
{
	char *root = make_root();
	char *final = path_of(root, "public");
	struct outdir *a = NULL, *b = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	CHECK_INT_EQ(outdir_begin(&a, final, &d), 0);
	CHECK_INT_EQ(write_str(a, "index.html", "a", &d), 0);
	CHECK_INT_EQ(outdir_begin(&b, final, &d), -1);
	CHECK(b == NULL);
	CHECK(has_diag(&d, "another build is writing"));
	/* the first build's folder survived the second's attempt */
	CHECK_INT_EQ(outdir_commit(a, &d), 0);
	char *got = slurp(root, "public/index.html");
	CHECK_STR_EQ(got, "a");
	free(got);
	CHECK_INT_EQ(outdir_begin(&b, final, &d), 0);
	outdir_abort(b);
	free(final);
	remove_root(root);
	diag_list_release(&d);
}

TEST(conflicting_writes_fail)
{
	char *root = make_root();
	char *final = path_of(root, "public");
	struct outdir *o = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	CHECK_INT_EQ(outdir_begin(&o, final, &d), 0);
	CHECK_INT_EQ(write_str(o, "a/b.html", "one", &d), 0);
	CHECK_INT_EQ(write_str(o, "a/b.html", "two", &d), -1);
	CHECK(has_diag(&d, "written twice"));
	/* longer, or a prefix of the same: still two different writes */
	CHECK_INT_EQ(write_str(o, "a/b.html", "one and more", &d), -1);
	CHECK_INT_EQ(write_str(o, "a/b.html", "on", &d), -1);
	/* the same bytes again: a job run again after its worker was stopped
	 * past a deadline it had in fact met */
	size_t before = d.len;
	CHECK_INT_EQ(write_str(o, "a/b.html", "one", &d), 0);
	CHECK_INT_EQ(d.len, before);
	CHECK_INT_EQ(write_str(o, "a", "file over folder", &d), -1);
	CHECK(has_diag(&d, "is a folder"));
	CHECK_INT_EQ(write_str(o, "a/b.html/c.html", "folder under file", &d), -1);
	CHECK(has_diag(&d, "not a folder"));
	CHECK_INT_EQ(outdir_commit(o, &d), 0);
	char *got = slurp(root, "public/a/b.html");
	CHECK_STR_EQ(got, "one");
	free(got);
	free(final);
	remove_root(root);
	diag_list_release(&d);
}

TEST(bad_destinations)
{
	char *root = make_root();
	struct outdir *o = NULL;
	struct diag_list d = DIAG_LIST_INIT;

	/* a missing parent is an error, and nothing is created */
	char *missing = path_of(root, "nope/public");
	CHECK_INT_EQ(outdir_begin(&o, missing, &d), -1);
	CHECK(!exists(root, "nope"));
	free(missing);
	CHECK_INT_EQ(outdir_begin(&o, "/", &d), -1);
	CHECK_INT_EQ(outdir_begin(&o, "", &d), -1);
	char *dots = path_of(root, "..");
	CHECK_INT_EQ(outdir_begin(&o, dots, &d), -1);
	free(dots);

	/* the output exists but is a file: error, left as it was */
	spit(root, "public", "not a folder");
	char *final = path_of(root, "public");
	CHECK_INT_EQ(outdir_begin(&o, final, &d), 0);
	CHECK_INT_EQ(write_str(o, "index.html", "x", &d), 0);
	CHECK_INT_EQ(outdir_commit(o, &d), -1);
	char *got = slurp(root, "public");
	CHECK_STR_EQ(got, "not a folder");
	free(got);
	CHECK_INT_EQ(count_entries(root, "loa-tmp"), 0);

	/* a symlink to a folder is not a folder either: never swapped */
	unlink(final);
	mkdir_rel(root, "real");
	spit(root, "real/keep.txt", "keep");
	char *real = path_of(root, "real");
	CHECK_INT_EQ(symlink(real, final), 0);
	CHECK_INT_EQ(outdir_begin(&o, final, &d), 0);
	CHECK_INT_EQ(write_str(o, "index.html", "x", &d), 0);
	CHECK_INT_EQ(outdir_commit(o, &d), -1);
	got = slurp(root, "public/keep.txt");
	CHECK_STR_EQ(got, "keep");
	free(got);
	free(real);
	free(final);
	remove_root(root);
	diag_list_release(&d);
}

TEST(relative_output_folder)
{
	char *root = make_root();
	char cwd[4096];
	struct outdir *o = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK_INT_EQ(chdir(root), 0);
	CHECK_INT_EQ(outdir_begin(&o, "public/", &d), 0);
	CHECK_INT_EQ(write_str(o, "index.html", "rel", &d), 0);
	CHECK_INT_EQ(outdir_commit(o, &d), 0);
	CHECK_INT_EQ(chdir(cwd), 0);
	char *got = slurp(root, "public/index.html");
	CHECK_STR_EQ(got, "rel");
	free(got);
	CHECK(!exists(root, ".public.loa-lock")); /* nothing but the output beside it */
	CHECK(exists(root, "public/" OUTDIR_MARKER));
	remove_root(root);
	diag_list_release(&d);
}

TEST(forked_workers_write_concurrently)
{
	char *root = make_root();
	char *final = path_of(root, "public");
	struct outdir *o = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	CHECK_INT_EQ(outdir_begin(&o, final, &d), 0);
	enum { WORKERS = 4, FILES = 60 };
	pid_t pids[WORKERS];
	fflush(NULL);
	for (int w = 0; w < WORKERS; w++) {
		pids[w] = fork();
		if (pids[w] == 0) {
			struct diag_list cd = DIAG_LIST_INIT;
			for (int i = 0; i < FILES; i++) {
				/* every worker creates the same folders at once */
				char *rel = xasprintf("s/%d/t/%d/w%d.html", i % 5, i, w);
				if (write_str(o, rel, rel, &cd) < 0)
					_exit(1);
				free(rel);
			}
			_exit(0);
		}
	}
	for (int w = 0; w < WORKERS; w++) {
		int st = -1;
		CHECK(pids[w] > 0 && waitpid(pids[w], &st, 0) == pids[w]);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	CHECK_INT_EQ(outdir_commit(o, &d), 0);
	CHECK_INT_EQ(count_files(final), WORKERS * FILES);
	char *got = slurp(root, "public/s/2/t/7/w3.html");
	CHECK_STR_EQ(got, "s/2/t/7/w3.html");
	free(got);
	free(final);
	remove_root(root);
	diag_list_release(&d);
}

TEST(killed_build_leaves_old_or_new_site)
{
	char *root = make_root();
	char *final = path_of(root, "public");
	int current = 1;
	CHECK_INT_EQ(publish_version(final, current), 0);
	/* time one whole build in a child, so the kills spread over all of it */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fflush(NULL);
	pid_t timed = fork();
	if (timed == 0)
		_exit(publish_version(final, ++current) == 0 ? 0 : 1);
	int st = -1;
	CHECK(timed > 0 && waitpid(timed, &st, 0) == timed && WIFEXITED(st) &&
	      WEXITSTATUS(st) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	current++;
	CHECK(site_is(final, current));
	long span_us = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
	span_us = span_us + span_us / 4 + 1;
	srand(20240607);
	int saw_old = 0, saw_new = 0;
	for (int iter = 0; iter < 30; iter++) {
		int next = current + 1;
		fflush(NULL);
		pid_t pid = fork();
		if (pid == 0)
			_exit(publish_version(final, next) == 0 ? 0 : 1);
		CHECK(pid > 0);
		if (pid < 0)
			break;
		/* kill it anywhere: while starting, writing, swapping, cleaning */
		long us = rand() % span_us;
		struct timespec delay = { us / 1000000L, (us % 1000000L) * 1000L };
		nanosleep(&delay, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);

		bool is_old = site_is(final, current), is_new = site_is(final, next);
		CHECK(is_old || is_new);
		saw_old += is_old;
		saw_new += is_new;

		/* the next build cleans up and succeeds */
		current = next + 1;
		CHECK_INT_EQ(publish_version(final, current), 0);
		CHECK(site_is(final, current));
		CHECK_INT_EQ(count_entries(root, "loa-tmp"), 0);
		CHECK_INT_EQ(count_entries(root, "loa-old"), 0);
	}
	printf("  killed builds: %d left the old site, %d the new\n", saw_old, saw_new);
	free(final);
	remove_root(root);
}


TEST(every_output_is_marked)
{
	char *root = make_root();
	char *final = path_of(root, "public");
	CHECK_INT_EQ(publish_version(final, 1), 0);
	struct stat st;
	char *marker = path_of(final, OUTDIR_MARKER);
	CHECK(lstat(marker, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0);
	free(marker);
	free(final);
	remove_root(root);
}

/* A write that fails in a forked worker (here: over RLIMIT_FSIZE, a real
 * EFBIG) is seen by the parent, reported once, and nothing is published. */
TEST(write_failure_in_a_worker_publishes_nothing)
{
	char *root = make_root();
	char *final = path_of(root, "public");
	CHECK_INT_EQ(publish_version(final, 1), 0);
	struct outdir *o = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	CHECK_INT_EQ(outdir_begin(&o, final, &d), 0);
	CHECK_INT_EQ(write_str(o, "index.html", "new", &d), 0);
	CHECK(!outdir_has_failed(o));
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit rl = { 16, 16 };
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		struct diag_list cd = DIAG_LIST_INIT;
		int first = write_str(o, "big/a.html", "more than sixteen bytes of html", &cd);
		/* later writes stop at once, small or not, without a message each */
		int later = write_str(o, "small.html", "x", &cd);
		_exit(first == -1 && later == -1 && cd.len == 0 ? 0 : 1);
	}
	int st = -1;
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(outdir_has_failed(o));
	CHECK_INT_EQ(write_str(o, "after.html", "x", &d), -1);
	CHECK_INT_EQ(d.len, 0);
	CHECK_INT_EQ(outdir_commit(o, &d), -1);
	CHECK_INT_EQ(d.len, 1);
	CHECK(has_diag(&d, "big/a.html"));
	CHECK(has_diag(&d, strerror(EFBIG)));
	CHECK(has_diag(&d, "previous site is left as it was"));
	CHECK(site_is(final, 1));
	CHECK_INT_EQ(count_entries(root, "loa-tmp"), 0);
	free(final);
	remove_root(root);
	diag_list_release(&d);
}

static int waited;
static void note_wait(void *ctx)
{
	(void)ctx;
	waited++;
}

TEST(locks_are_per_output_and_wait)
{
	char *root = make_root();
	char *a = path_of(root, "a"), *b = path_of(root, "b");
	struct outdir *oa = NULL, *ob = NULL;
	struct outlock *l = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	/* siblings at the same time */
	CHECK_INT_EQ(outdir_begin(&oa, a, &d), 0);
	CHECK_INT_EQ(outdir_begin(&ob, b, &d), 0);
	CHECK_INT_EQ(outdir_commit(ob, &d), 0);
	CHECK_INT_EQ(d.len, 0);
	/* the same output: no wait asked, refused at once */
	CHECK_INT_EQ(outlock_take(&l, a, 0, note_wait, NULL, &d), -1);
	CHECK(has_diag(&d, "another build is writing"));
	/* a bounded wait, said once, then a clear refusal */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	waited = 0;
	CHECK_INT_EQ(outlock_take(&l, a, 1, note_wait, NULL, &d), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(l == NULL);
	CHECK_INT_EQ(waited, 1);
	CHECK((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 1000);
	CHECK(has_diag(&d, "still runs after 1 s"));
	CHECK_INT_EQ(outdir_commit(oa, &d), 0);

	/* a holder that finishes while we wait: then we get the lock */
	int ready[2];
	CHECK_INT_EQ(pipe(ready), 0);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		struct outlock *held = NULL;
		struct diag_list cd = DIAG_LIST_INIT;
		if (outlock_take(&held, a, 0, NULL, NULL, &cd) < 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		struct timespec nap = { 0, 300 * 1000000L };
		nanosleep(&nap, NULL);
		_exit(0); /* the lock goes with the process */
	}
	close(ready[1]);
	char c;
	CHECK(read(ready[0], &c, 1) == 1);
	close(ready[0]);
	waited = 0;
	CHECK_INT_EQ(outlock_take(&l, a, 30, note_wait, NULL, &d), 0);
	CHECK(waited <= 1); /* 1 unless this process was late to try */
	outlock_release(l);
	int st = -1;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	free(a);
	free(b);
	remove_root(root);
	diag_list_release(&d);
}

/* The holder removes the lock file when done; a build that was waiting on
 * the removed file must not think it holds the lock while a third build
 * holds the new file. */
TEST(lock_file_removed_under_a_waiter)
{
	char *root = make_root();
	char *a = path_of(root, "a");
	struct outlock *first = NULL, *third = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	CHECK_INT_EQ(outlock_take(&first, a, 0, NULL, NULL, &d), 0);
	CHECK(exists(root, ".a.loa-lock"));
	int got[2];
	CHECK_INT_EQ(pipe(got), 0);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(got[0]);
		struct outlock *second = NULL;
		struct diag_list cd = DIAG_LIST_INIT;
		if (outlock_take(&second, a, 30, NULL, NULL, &cd) < 0)
			_exit(1);
		if (write(got[1], "x", 1) != 1)
			_exit(1);
		outlock_release(second);
		_exit(0);
	}
	close(got[1]);
	/* let the second open the file and start waiting on it */
	struct timespec nap = { 0, 300 * 1000000L };
	nanosleep(&nap, NULL);
	outlock_release(first);
	CHECK_INT_EQ(outlock_take(&third, a, 30, NULL, NULL, &d), 0);
	nanosleep(&nap, NULL);
	CHECK_INT_EQ(fcntl(got[0], F_SETFL, O_NONBLOCK), 0);
	char c;
	CHECK(read(got[0], &c, 1) < 0 && errno == EAGAIN); /* not while the third holds it */
	outlock_release(third);
	CHECK_INT_EQ(fcntl(got[0], F_SETFL, 0), 0);
	CHECK(read(got[0], &c, 1) == 1);
	int st = -1;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(got[0]);
	CHECK(!exists(root, ".a.loa-lock")); /* nothing left beside the output */
	free(a);
	remove_root(root);
	diag_list_release(&d);
}

int main(void)
{
	RUN(commit_publishes_nested_files);
	RUN(second_commit_replaces_everything);
	RUN(abort_keeps_previous_site);
	RUN(path_validation);
	RUN(symlinks_are_never_followed);
	RUN(leftovers_of_killed_builds_are_removed);
	RUN(lock_excludes_a_second_build);
	RUN(conflicting_writes_fail);
	RUN(bad_destinations);
	RUN(relative_output_folder);
	RUN(forked_workers_write_concurrently);
	RUN(killed_build_leaves_old_or_new_site);
	RUN(every_output_is_marked);
	RUN(write_failure_in_a_worker_publishes_nothing);
	RUN(locks_are_per_output_and_wait);
	RUN(lock_file_removed_under_a_waiter);
	return harness_report();
}
