/* Unit tests for source/repo: real repositories built with the git command
 * in a temporary folder (fixed names and dates, HOME pointed at the folder
 * and GIT_CONFIG_NOSYSTEM set, so the user's configuration plays no part):
 * refs, bare clones, the work tree, hostile trees written byte by byte,
 * size/count/depth limits, history dates and authors, review's commit
 * ranges (the tree differ and merge filter they share with the history),
 * shallow clones, and that libgit2 ignores ~/.gitconfig. */
#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "harness.h"
#include "source/repo.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char root[64]; /* the temporary folder holding every fixture */

/* Runs a shell command in dir; returns its exit status. */
static int sh(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int sh(const char *dir, const char *fmt, ...)
{
	struct buf cmd = BUF_INIT;
	va_list ap;
	buf_addf(&cmd, "cd '%s' && { ", dir);
	va_start(ap, fmt);
	buf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	buf_puts(&cmd, "; } >/dev/null 2>&1");
	int st = system(cmd.ptr);
	buf_release(&cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Runs a command in dir and returns its first output line (caller frees). */
static char *out1(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *out1(const char *dir, const char *fmt, ...)
{
	struct buf cmd = BUF_INIT, res = BUF_INIT;
	va_list ap;
	buf_addf(&cmd, "cd '%s' && ", dir);
	va_start(ap, fmt);
	buf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd.ptr, "r");
	char line[4096] = "";
	if (p) {
		if (!fgets(line, sizeof(line), p))
			line[0] = '\0';
		while (fgetc(p) != EOF)
			;
		pclose(p);
	}
	line[strcspn(line, "\n")] = '\0';
	buf_puts(&res, line);
	buf_release(&cmd);
	return buf_detach(&res, NULL);
}

static char *fixture(const char *name)
{
	return xasprintf("%s/%s", root, name);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (!f)
		return;
	fwrite(data, 1, len, f);
	fclose(f);
}

/* git commit with a fixed author, committer and date */
static int commit_as(const char *dir, const char *who, long when, const char *msg)
{
	return sh(dir,
		  "GIT_AUTHOR_NAME='%s' GIT_AUTHOR_EMAIL='%s@example.org' "
		  "GIT_COMMITTER_NAME='%s' GIT_COMMITTER_EMAIL='%s@example.org' "
		  "GIT_AUTHOR_DATE='%ld +0000' GIT_COMMITTER_DATE='%ld +0000' "
		  "git commit -q -m '%s'",
		  who, who, who, who, when, when, msg);
}

enum {
	T1 = 1577836800, /* 2020-01-01 */
	T2 = 1580515200, /* 2020-02-01 */
	T3 = 1583020800, /* 2020-03-01 */
	T4 = 1585699200, /* 2020-04-01 */
	T5 = 1588291200, /* 2020-05-01 */
	T6 = 1590969600, /* 2020-06-01 */
	T7 = 1593561600, /* 2020-07-01 */
};

/* The main fixture, "main":
 *   c1 (Alice, T1): site.yaml, content/a.md "A1", content/b.md    branch old
 *   c2 (Bob,   T2): a.md "A2", content/news/c.md                  tag v1 (annotated)
 *   c3 (Carol, T3): a.md "A3", content/d.md
 *   c4 (Alice, T4): news/c.md changed
 *   c5 (Dave,  T5) on branch feature: content/e.md
 *   c6 (Erin,  T6) on main: content/f.md
 *   c7 (Mallory, T7): merge of feature into main */
static bool make_main(void)
{
	char *d = fixture("main");
	int bad = 0;
	bad |= sh(root, "git init -q -b main main");
	bad |= sh(d, "mkdir -p content/news && printf 'title: t\\n' > site.yaml && "
		     "printf 'A1\\n' > content/a.md && printf 'B1 b\\n' > content/b.md && "
		     "git add -A");
	bad |= commit_as(d, "Alice", T1, "c1");
	bad |= sh(d, "git branch old");
	bad |= sh(d, "printf 'A2\\n' > content/a.md && printf 'C2\\n' > content/news/c.md && git add -A");
	bad |= commit_as(d, "Bob", T2, "c2");
	bad |= sh(d, "GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@x GIT_COMMITTER_DATE='%d +0000' "
		     "git tag -a -m v1 v1",
		  T2);
	bad |= sh(d, "printf 'A3\\n' > content/a.md && printf 'D3\\n' > content/d.md && git add -A");
	bad |= commit_as(d, "Carol", T3, "c3");
	bad |= sh(d, "printf 'C4\\n' > content/news/c.md && git add -A");
	bad |= commit_as(d, "Alice", T4, "c4");
	bad |= sh(d, "git checkout -q -b feature && printf 'E5\\n' > content/e.md && git add -A");
	bad |= commit_as(d, "Dave", T5, "c5");
	bad |= sh(d, "git checkout -q main && printf 'F6\\n' > content/f.md && git add -A");
	bad |= commit_as(d, "Erin", T6, "c6");
	bad |= sh(d, "GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=m@x GIT_COMMITTER_NAME=Mallory "
		     "GIT_COMMITTER_EMAIL=m@x GIT_AUTHOR_DATE='%d +0000' "
		     "GIT_COMMITTER_DATE='%d +0000' git merge -q --no-ff -m c7 feature",
		  T7, T7);
	free(d);
	return bad == 0;
}

static struct repo *open_repo(const char *name, const char *ref, bool worktree,
			      struct diag_list *diags)
{
	char *path = fixture(name);
	struct repo_opts opts = { .path = path, .ref = ref, .worktree = worktree };
	struct repo *r = NULL;
	int rc = repo_open(&r, &opts, diags);
	free(path);
	return rc == 0 ? r : NULL;
}

/* Lists dir and returns the paths joined by spaces (caller frees). */
static char *list_paths(struct repo *r, const char *dir, struct arena *a, struct diag_list *diags,
			struct repo_file **files, size_t *n)
{
	struct repo_file *fs = NULL;
	size_t nf = 0;
	struct buf b = BUF_INIT;
	if (repo_list(r, dir, &fs, &nf, a, diags) < 0)
		buf_puts(&b, "(failed)");
	for (size_t i = 0; i < nf; i++) {
		if (i)
			buf_putc(&b, ' ');
		buf_puts(&b, fs[i].path);
	}
	if (files)
		*files = fs;
	if (n)
		*n = nf;
	return buf_detach(&b, NULL);
}

static const struct repo_file *find_file(struct repo_file *fs, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fs[i].path, path) == 0)
			return &fs[i];
	return NULL;
}

/* All diagnostics as "path: msg" lines. */
static char *diag_text(const struct diag_list *l)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < l->len; i++)
		buf_addf(&b, "%s: %s\n", l->items[i].path, l->items[i].msg);
	return buf_detach(&b, NULL);
}

/* The diagnostic for path (exact), or NULL. */
static const char *diag_for(const struct diag_list *l, const char *path)
{
	for (size_t i = 0; i < l->len; i++)
		if (strcmp(l->items[i].path, path) == 0)
			return l->items[i].msg;
	return NULL;
}

static char *read_listed(struct repo *r, struct repo_file *fs, size_t n, const char *path,
			 struct diag_list *diags)
{
	const struct repo_file *f = find_file(fs, n, path);
	struct buf b = BUF_INIT;
	if (!f || repo_read(r, f, &b, diags) < 0) {
		buf_release(&b);
		return xstrdup("(unreadable)");
	}
	return buf_detach(&b, NULL);
}

TEST(test_list_and_read_head)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct arena a = ARENA_INIT;
	struct repo *r = open_repo("main", NULL, false, &diags);
	CHECK(r != NULL);
	if (!r)
		return;
	char *dir = fixture("main");
	char *head = out1(dir, "git rev-parse HEAD");
	CHECK_STR_EQ(repo_commit_id(r), head);
	CHECK_INT_EQ(repo_commit_time(r), T7);
	CHECK(!repo_is_shallow(r));

	struct repo_file *fs;
	size_t n;
	char *paths = list_paths(r, "content", &a, &diags, &fs, &n);
	CHECK_STR_EQ(paths, "content/a.md content/b.md content/d.md content/e.md content/f.md "
			    "content/news/c.md");
	const struct repo_file *f = find_file(fs, n, "content/b.md");
	CHECK(f != NULL);
	if (f) {
		char *blob = out1(dir, "git rev-parse HEAD:content/b.md");
		CHECK_STR_EQ(f->oid, blob);
		CHECK_INT_EQ(f->size, 5);
		free(blob);
	}
	char *text = read_listed(r, fs, n, "content/a.md", &diags);
	CHECK_STR_EQ(text, "A3\n");
	free(text);
	/* with the caches and the pack files let go (after the site's load),
	 * reads open the object database again: the same bytes, twice */
	repo_drop_caches(r);
	text = read_listed(r, fs, n, "content/a.md", &diags);
	CHECK_STR_EQ(text, "A3\n");
	free(text);
	repo_drop_caches(r);
	text = read_listed(r, fs, n, "content/b.md", &diags);
	CHECK_STR_EQ(text, "B1 b\n");
	free(text);
	/* a trailing slash and the whole repository work too */
	char *p2 = list_paths(r, "content/news/", &a, &diags, NULL, NULL);
	CHECK_STR_EQ(p2, "content/news/c.md");
	char *p3 = list_paths(r, "", &a, &diags, NULL, &n);
	CHECK_INT_EQ(n, 7);
	CHECK_CONTAINS(p3, "site.yaml");

	struct buf b = BUF_INIT;
	CHECK_INT_EQ(repo_read_path(r, "site.yaml", &b, &diags), 0);
	CHECK_STR_EQ(b.ptr, "title: t\n");
	CHECK_INT_EQ(repo_read_path(r, "missing.yaml", &b, &diags), 1);
	CHECK_INT_EQ(repo_read_path(r, "content/a.md/x", &b, &diags), 1);
	CHECK_INT_EQ(diags.len, 0);
	/* the path is validated before libgit2 sees it */
	CHECK_INT_EQ(repo_read_path(r, "../main/site.yaml", &b, &diags), -1);
	CHECK_INT_EQ(repo_read_path(r, "content/../site.yaml", &b, &diags), -1);
	CHECK_INT_EQ(repo_read_path(r, "/site.yaml", &b, &diags), -1);
	CHECK_INT_EQ(repo_read_path(r, ".git/config", &b, &diags), -1);
	CHECK_INT_EQ(repo_read_path(r, "content", &b, &diags), -1);
	CHECK_INT_EQ(diags.errors, 5);
	diag_list_release(&diags);

	/* a missing folder fails the listing */
	struct repo_file *none;
	size_t nn;
	CHECK_INT_EQ(repo_list(r, "nope", &none, &nn, &a, &diags), -1);
	CHECK_INT_EQ(nn, 0);
	char *t = diag_text(&diags);
	CHECK_CONTAINS(t, "nope: folder not found at commit");
	free(t);
	CHECK_INT_EQ(repo_list(r, "site.yaml", &none, &nn, &a, &diags), -1);

	buf_release(&b);
	free(paths);
	free(p2);
	free(p3);
	free(head);
	free(dir);
	repo_free(r);
	arena_release(&a);
	diag_list_release(&diags);
}

/* Reads content/a.md at ref; "(none)" when the ref does not open. */
static char *a_at(const char *repo, const char *ref, struct diag_list *diags)
{
	struct repo *r = open_repo(repo, ref, false, diags);
	if (!r)
		return xstrdup("(none)");
	struct buf b = BUF_INIT;
	int rc = repo_read_path(r, "content/a.md", &b, diags);
	repo_free(r);
	if (rc) {
		buf_release(&b);
		return xstrdup("(absent)");
	}
	return buf_detach(&b, NULL);
}

/* repo_reader: a second handle, used from another thread while the first
 * one walks the history, reads the very bytes of every listed file; in a
 * work tree, the bytes on disk; and the size limit set on the first. */
struct reader_job {
	struct repo *reader;
	struct repo_file *fs;
	size_t n;
	struct buf joined;
	int errors;
};

static void *read_all(void *arg)
{
	struct reader_job *j = arg;
	struct diag_list d = DIAG_LIST_INIT;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < j->n; i++) {
		if (repo_read(j->reader, &j->fs[i], &b, &d) < 0)
			j->errors++;
		buf_add(&j->joined, b.ptr, b.len);
		buf_putc(&j->joined, '|');
	}
	j->errors += (int)d.len;
	buf_release(&b);
	diag_list_release(&d);
	return NULL;
}

static void check_reader(struct repo *r, struct repo_file *fs, size_t n, const char *dir)
{
	struct reader_job j = { repo_reader(r), fs, n, BUF_INIT, 0 };
	CHECK(j.reader != NULL);
	if (!j.reader)
		return;
	pthread_t tid;
	int started = pthread_create(&tid, NULL, read_all, &j);
	CHECK_INT_EQ(started, 0);
	/* the first handle is busy meanwhile */
	struct arena a = ARENA_INIT;
	struct repo_history h;
	struct diag_list d = DIAG_LIST_INIT;
	if (repo_history_id(r)[0])
		CHECK_INT_EQ(repo_history(r, dir, &h, &a, &d), 0);
	if (started == 0)
		pthread_join(tid, NULL);
	/* the same files through the first handle, on this thread */
	struct reader_job direct = { r, fs, n, BUF_INIT, 0 };
	read_all(&direct);
	CHECK_INT_EQ(j.errors + direct.errors, 0);
	CHECK_STR_EQ(j.joined.ptr ? j.joined.ptr : "", direct.joined.ptr ? direct.joined.ptr : "");
	repo_free(j.reader);
	buf_release(&j.joined);
	buf_release(&direct.joined);
	diag_list_release(&d);
	arena_release(&a);
}

TEST(test_reader)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct arena a = ARENA_INIT;
	struct repo *r = open_repo("main", NULL, false, &diags);
	CHECK(r != NULL);
	if (!r)
		return;
	struct repo_file *fs;
	size_t n;
	free(list_paths(r, "content", &a, &diags, &fs, &n));
	CHECK_INT_EQ(n, 6);
	check_reader(r, fs, n, "content");
	/* the limit set on the first handle binds the reader too */
	repo_set_max_file_size(r, 2);
	struct repo *rd = repo_reader(r);
	struct buf b = BUF_INIT;
	const struct repo_file *f = find_file(fs, n, "content/b.md");
	CHECK(rd && f && repo_read(rd, f, &b, &diags) < 0);
	const char *m = diag_for(&diags, "content/b.md");
	CHECK(m && strstr(m, "too large"));
	repo_free(rd);
	repo_free(r);

	/* a work tree's reader reads the files on disk */
	CHECK_INT_EQ(sh(root, "git clone -q main wt-reader"), 0);
	char *dir = fixture("wt-reader");
	CHECK_INT_EQ(sh(dir, "printf 'edited on disk\\n' > content/a.md"), 0);
	r = open_repo("wt-reader", NULL, true, &diags);
	CHECK(r != NULL);
	if (r) {
		free(list_paths(r, "content", &a, &diags, &fs, &n));
		check_reader(r, fs, n, "content");
		rd = repo_reader(r);
		f = find_file(fs, n, "content/a.md");
		CHECK(rd && f && repo_read(rd, f, &b, &diags) == 0);
		CHECK_STR_EQ(b.ptr, "edited on disk\n");
		repo_free(rd);
		repo_free(r);
	}
	free(dir);
	buf_release(&b);
	diag_list_release(&diags);
	arena_release(&a);
}

TEST(test_refs)
{
	struct diag_list diags = DIAG_LIST_INIT;
	char *dir = fixture("main");
	char *c1 = out1(dir, "git rev-parse old");
	char *c2 = out1(dir, "git rev-parse v1^{commit}");
	char *s;

	CHECK_STR_EQ(s = a_at("main", "old", &diags), "A1\n");
	free(s);
	CHECK_STR_EQ(s = a_at("main", "refs/heads/old", &diags), "A1\n");
	free(s);
	CHECK_STR_EQ(s = a_at("main", "v1", &diags), "A2\n"); /* annotated tag */
	free(s);
	CHECK_STR_EQ(s = a_at("main", c1, &diags), "A1\n");
	free(s);
	char shortid[8];
	snprintf(shortid, sizeof(shortid), "%.7s", c1);
	CHECK_STR_EQ(s = a_at("main", shortid, &diags), "A1\n");
	free(s);
	CHECK_STR_EQ(s = a_at("main", "HEAD", &diags), "A3\n");
	free(s);
	CHECK_INT_EQ(diags.len, 0);

	/* the listing follows the ref */
	struct repo *r = open_repo("main", "v1", false, &diags);
	CHECK(r != NULL);
	if (r) {
		struct arena a = ARENA_INIT;
		char *p = list_paths(r, "content", &a, &diags, NULL, NULL);
		CHECK_STR_EQ(p, "content/a.md content/b.md content/news/c.md");
		CHECK_STR_EQ(repo_commit_id(r), c2);
		CHECK_INT_EQ(repo_commit_time(r), T2);
		free(p);
		arena_release(&a);
		repo_free(r);
	}

	CHECK_STR_EQ(s = a_at("main", "no-such-branch", &diags), "(none)");
	free(s);
	CHECK_INT_EQ(diags.errors, 1);
	char *t = diag_text(&diags);
	CHECK_CONTAINS(t, "no-such-branch");
	free(t);
	diag_list_release(&diags);

	/* a ref naming a blob is not a commit */
	CHECK_STR_EQ(s = a_at("main", "HEAD:site.yaml", &diags), "(none)");
	free(s);
	CHECK_INT_EQ(diags.errors, 1);
	diag_list_release(&diags);

	/* not a repository at all */
	CHECK_STR_EQ(s = a_at("nowhere", NULL, &diags), "(none)");
	free(s);
	CHECK_INT_EQ(diags.errors, 1);
	diag_list_release(&diags);
	free(c1);
	free(c2);
	free(dir);
}

TEST(test_bare_clone)
{
	struct diag_list diags = DIAG_LIST_INIT;
	CHECK_INT_EQ(sh(root, "git clone -q --bare main bare.git"), 0);
	char *s;
	CHECK_STR_EQ(s = a_at("bare.git", NULL, &diags), "A3\n");
	free(s);
	CHECK_STR_EQ(s = a_at("bare.git", "old", &diags), "A1\n");
	free(s);
	struct repo *r = open_repo("bare.git", "main", false, &diags);
	CHECK(r != NULL);
	if (r) {
		struct arena a = ARENA_INIT;
		struct repo_history h;
		CHECK_INT_EQ(repo_history(r, "content", &h, &a, &diags), 0);
		const struct repo_history_entry *e = repo_history_find(&h, "content/a.md");
		CHECK(e != NULL);
		if (e) {
			CHECK_INT_EQ(e->first, T1);
			CHECK_INT_EQ(e->last, T3);
		}
		arena_release(&a);
		repo_free(r);
	}
	CHECK_INT_EQ(diags.len, 0);
	diag_list_release(&diags);
	/* the files on disk of a bare repository or of a .git folder are
	 * git's own: --worktree (and loa serve) refuse them by name */
	r = open_repo("bare.git", NULL, true, &diags);
	CHECK(r == NULL);
	repo_free(r);
	CHECK(diags.len == 1 && strstr(diags.items[0].msg, "is a bare repository (no work tree)"));
	diag_list_release(&diags);
	r = open_repo("main/.git", NULL, true, &diags);
	CHECK(r == NULL);
	repo_free(r);
	CHECK(diags.len == 1 && strstr(diags.items[0].msg, "is a repository's .git folder"));
	diag_list_release(&diags);
}

TEST(test_worktree)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct arena a = ARENA_INIT;
	CHECK_INT_EQ(sh(root, "git clone -q main wt"), 0);
	char *dir = fixture("wt");
	CHECK_INT_EQ(sh(dir, "printf 'edited\\n' > content/a.md && printf 'new\\n' > content/new.md && "
			     "ln -s ../site.yaml content/link.md && ln -s /etc content/etc && "
			     "mkfifo content/pipe.md"),
		     0);
	struct repo *r = open_repo("wt", NULL, true, &diags);
	CHECK(r != NULL);
	if (!r)
		goto out;
	CHECK_STR_EQ(repo_commit_id(r), "");
	CHECK_INT_EQ(repo_commit_time(r), 0);
	struct repo_file *fs;
	size_t n;
	char *p = list_paths(r, "content", &a, &diags, &fs, &n);
	CHECK_STR_EQ(p, "content/a.md content/b.md content/d.md content/e.md content/f.md "
			"content/new.md content/news/c.md");
	free(p);
	const char *m = diag_for(&diags, "content/link.md");
	CHECK(m && strstr(m, "symbolic link not followed"));
	m = diag_for(&diags, "content/etc");
	CHECK(m && strstr(m, "symbolic link not followed"));
	m = diag_for(&diags, "content/pipe.md");
	CHECK(m && strstr(m, "not a regular file"));
	CHECK_INT_EQ(diags.errors, 3);

	char *text = read_listed(r, fs, n, "content/a.md", &diags);
	CHECK_STR_EQ(text, "edited\n");
	free(text);
	const struct repo_file *f = find_file(fs, n, "content/a.md");
	if (f) {
		/* the id git would give the edited file */
		char *want = out1(dir, "git hash-object content/a.md");
		CHECK_STR_EQ(f->oid, want);
		CHECK_INT_EQ(f->size, 7);
		free(want);
		/* the bytes listed match; saved again after the listing, not */
		CHECK(repo_file_matches(f, "edited\n", 7));
		CHECK(!repo_file_matches(f, "edited!\n", 8));
		CHECK(!repo_file_matches(f, "", 0));
	}
	struct buf b = BUF_INIT;
	CHECK_INT_EQ(repo_read_path(r, "site.yaml", &b, &diags), 0);
	CHECK_STR_EQ(b.ptr, "title: t\n");
	CHECK_INT_EQ(repo_read_path(r, "content/nothing.md", &b, &diags), 1);
	diag_list_release(&diags);
	CHECK_INT_EQ(repo_read_path(r, "content/link.md", &b, &diags), -1);
	CHECK_INT_EQ(repo_read_path(r, "content/etc/passwd", &b, &diags), -1);
	CHECK_INT_EQ(repo_read_path(r, "content/pipe.md", &b, &diags), -1);
	CHECK_INT_EQ(repo_read_path(r, "content/news", &b, &diags), -1);
	CHECK_INT_EQ(diags.errors, 4);
	char *t = diag_text(&diags);
	CHECK_CONTAINS(t, "content/etc: symbolic link not followed");
	CHECK_CONTAINS(t, "content/pipe.md: not a regular file");
	CHECK_CONTAINS(t, "content/news: is a folder");
	free(t);
	diag_list_release(&diags);

	/* a forged listing entry cannot leave the work tree; a file removed
	 * after listing is an error */
	struct repo_file forged = { "content/../../main/site.yaml", 0, "" };
	CHECK_INT_EQ(repo_read(r, &forged, &b, &diags), -1);
	CHECK_INT_EQ(sh(dir, "rm content/new.md"), 0);
	f = find_file(fs, n, "content/new.md");
	CHECK(f && repo_read(r, f, &b, &diags) == -1);
	CHECK_INT_EQ(diags.errors, 2);
	t = diag_text(&diags);
	CHECK_CONTAINS(t, "content/new.md: file disappeared");
	free(t);
	diag_list_release(&diags);

	/* history still comes from HEAD; the new file has none */
	struct repo_history h;
	CHECK_INT_EQ(repo_history(r, "content", &h, &a, &diags), 0);
	CHECK(repo_history_find(&h, "content/a.md") != NULL);
	CHECK(repo_history_find(&h, "content/new.md") == NULL);
	buf_release(&b);
	repo_free(r);

	/* a folder that is not a repository: files, but no history */
	CHECK_INT_EQ(sh(root, "mkdir -p plain/content/sub && printf 'x' > plain/content/sub/x.md && "
			      "printf 'y' > plain/y.md"),
		     0);
	r = open_repo("plain", NULL, true, &diags);
	CHECK(r != NULL);
	if (r) {
		p = list_paths(r, "", &a, &diags, NULL, NULL);
		CHECK_STR_EQ(p, "content/sub/x.md y.md");
		free(p);
		CHECK_STR_EQ(repo_commit_id(r), "");
		CHECK_INT_EQ(repo_history(r, "content", &h, &a, &diags), 0);
		CHECK_INT_EQ(h.n, 0);
		repo_free(r);
	}
	CHECK_INT_EQ(diags.len, 0);
	/* --worktree of the whole repository does not list .git */
	r = open_repo("wt", NULL, true, &diags);
	if (r) {
		p = list_paths(r, "", &a, &diags, NULL, NULL);
		CHECK_NOT_CONTAINS(p, ".git");
		CHECK_CONTAINS(p, "site.yaml");
		free(p);
		repo_free(r);
	}
out:
	free(dir);
	arena_release(&a);
	diag_list_release(&diags);
}

/* ---- hostile trees, written byte by byte ---- */

struct tree_bytes {
	struct buf b;
};

static void hex_to_raw(const char *hex, unsigned char raw[20])
{
	for (int i = 0; i < 20; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		raw[i] = (unsigned char)v;
	}
}

static void tree_add(struct buf *t, const char *mode, const char *name, const char *hex)
{
	unsigned char raw[20];
	hex_to_raw(hex, raw);
	buf_addf(t, "%s %s", mode, name);
	buf_putc(t, '\0');
	buf_add(t, raw, 20);
}

/* Writes the tree object and returns its id (caller frees). */
static char *write_tree(const char *dir, const struct buf *t)
{
	char *file = xasprintf("%s/tree.bin", root);
	write_file(file, t->ptr, t->len);
	char *id = out1(dir, "git hash-object -t tree --literally -w --stdin < '%s'", file);
	free(file);
	return id;
}

static char *write_blob(const char *dir, const char *text)
{
	return out1(dir, "printf '%s' | git hash-object -w --stdin", text);
}

static char *make_commit(const char *dir, const char *tree)
{
	return out1(dir,
		    "GIT_AUTHOR_NAME=H GIT_AUTHOR_EMAIL=h@x GIT_COMMITTER_NAME=H "
		    "GIT_COMMITTER_EMAIL=h@x GIT_AUTHOR_DATE='%d +0000' GIT_COMMITTER_DATE='%d +0000' "
		    "git commit-tree -m hostile %s",
		    T1, T1, tree);
}

TEST(test_hostile_tree)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct arena a = ARENA_INIT;
	CHECK_INT_EQ(sh(root, "git init -q -b main hostile"), 0);
	char *dir = fixture("hostile");
	char *good = write_blob(dir, "good\\n");
	char *passwd = write_blob(dir, "/etc/passwd");
	char *c1 = NULL;
	struct buf t = BUF_INIT;

	/* a subtree with a file, used under bad names */
	tree_add(&t, "100644", "x.md", good);
	char *sub = write_tree(dir, &t);
	buf_reset(&t);
	/* a commit id for the gitlink */
	char *subcommit = make_commit(dir, sub);

	static const char *const bad_files[] = {
		"..",     ".",     "GIT~1",         "git~1",     ".git.",      ".GIT",
		".git ",  "a\\b.md", "new\nline.md", "esc\x1b[2J.md", "bad\xff\xfe.md", "del\x7f.md",
		"a/b.md", ".g\xe2\x80\x8cit", ".git::$INDEX_ALLOCATION",
	};
	tree_add(&t, "100644", "good.md", good);
	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++)
		tree_add(&t, "100644", bad_files[i], good);
	char longname[301];
	memset(longname, 'x', 300);
	longname[300] = '\0';
	tree_add(&t, "100644", longname, good);
	tree_add(&t, "40000", ".git", sub);
	tree_add(&t, "40000", "..", sub);
	tree_add(&t, "120000", "link.md", passwd);
	tree_add(&t, "160000", "sub", subcommit);
	tree_add(&t, "100644", "dup.md", good);
	tree_add(&t, "100644", "dup.md", good);
	tree_add(&t, "100644", "dup.md", good);
	tree_add(&t, "40000", "folder", sub);
	tree_add(&t, "100644", "tree-as-file.md", sub); /* mode says file, object is a tree */
	char *content = write_tree(dir, &t);
	buf_reset(&t);
	tree_add(&t, "40000", "content", content);
	tree_add(&t, "100644", "site.yaml", good);
	char *top = write_tree(dir, &t);
	c1 = make_commit(dir, top);
	CHECK_INT_EQ(sh(dir, "git update-ref refs/heads/main %s", c1), 0);

	struct repo *r = open_repo("hostile", NULL, false, &diags);
	CHECK(r != NULL);
	if (!r)
		goto out;
	struct repo_file *fs;
	size_t n;
	char *p = list_paths(r, "content", &a, &diags, &fs, &n);
	CHECK_STR_EQ(p, "content/folder/x.md content/good.md");
	free(p);
	/* one error per bad entry: the names, long name, .git and .. trees,
	 * link, submodule, one for the duplicates, the tree posing as a file */
	size_t nbad = sizeof(bad_files) / sizeof(bad_files[0]);
	CHECK_INT_EQ(diags.errors, nbad + 7);
	char *text = diag_text(&diags);
	CHECK_CONTAINS(text, "content/..: invalid path component");
	CHECK_CONTAINS(text, "content/GIT~1: invalid path component (reserved name .git)");
	CHECK_CONTAINS(text, "content/.git.: invalid path component (reserved name .git)");
	CHECK_CONTAINS(text, "content/.git: invalid path component (reserved name .git)");
	CHECK_CONTAINS(text, "content/a\\b.md: invalid path component (contains a backslash)");
	CHECK_CONTAINS(text, "content/new\nline.md: invalid path component (contains a control");
	CHECK_CONTAINS(text, "(invalid UTF-8)");
	CHECK_CONTAINS(text, "(longer than 255 bytes)");
	CHECK_CONTAINS(text, "content/link.md: symbolic link not followed");
	CHECK_CONTAINS(text, "content/sub: submodule not followed");
	CHECK_CONTAINS(text, "content/dup.md: duplicate entry");
	CHECK_CONTAINS(text, "content/tree-as-file.md: not a file");
	CHECK_NOT_CONTAINS(text, "x.md: ");
	free(text);
	/* the printer escapes what the names carry */
	for (size_t i = 0; i < diags.len; i++) {
		char *line = NULL;
		diag_format(&diags.items[i], false, &line);
		CHECK(line && !strchr(line, '\x1b') && !strchr(line, '\n'));
		free(line);
	}
	diag_list_release(&diags);

	char *g = read_listed(r, fs, n, "content/good.md", &diags);
	CHECK_STR_EQ(g, "good\n");
	free(g);
	struct buf b = BUF_INIT;
	CHECK_INT_EQ(repo_read_path(r, "content/link.md", &b, &diags), -1);
	CHECK_INT_EQ(repo_read_path(r, "content/sub/x.md", &b, &diags), -1);
	CHECK_INT_EQ(repo_read_path(r, "content/dup.md", &b, &diags), -1);
	CHECK_INT_EQ(repo_read_path(r, "content/.git/x.md", &b, &diags), -1);
	CHECK_INT_EQ(repo_read_path(r, "content/GIT~1", &b, &diags), -1);
	CHECK_INT_EQ(repo_read_path(r, "content/a\\b.md", &b, &diags), -1);
	CHECK_INT_EQ(diags.errors, 6);
	text = diag_text(&diags);
	CHECK_CONTAINS(text, "content/link.md: symbolic link not followed");
	CHECK_CONTAINS(text, "content/sub: submodule not followed");
	CHECK_CONTAINS(text, "content/dup.md: duplicate entry");
	CHECK_NOT_CONTAINS(b.ptr, "passwd");
	free(text);
	diag_list_release(&diags);

	/* history over a hostile tree: only the good files, no crash */
	struct repo_history h;
	CHECK_INT_EQ(repo_history(r, "content", &h, &a, &diags), 0);
	CHECK(repo_history_find(&h, "content/good.md") != NULL);
	CHECK(repo_history_find(&h, "content/folder/x.md") != NULL);
	CHECK(repo_history_find(&h, "content/dup.md") == NULL);
	CHECK(repo_history_find(&h, "content/link.md") == NULL);
	CHECK_INT_EQ(diags.len, 0);
	buf_release(&b);
	repo_free(r);
out:
	buf_release(&t);
	free(good);
	free(passwd);
	free(sub);
	free(subcommit);
	free(content);
	free(top);
	free(c1);
	free(dir);
	arena_release(&a);
	diag_list_release(&diags);
}

TEST(test_size_limit_from_header)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct arena a = ARENA_INIT;
	char *dir = fixture("big");
	CHECK_INT_EQ(sh(root, "git init -q -b main big"), 0);
	/* a 1 MiB blob whose loose object is then cut short: its header still
	 * reads, loading it would fail, so "too large" proves the size came
	 * from the header alone */
	CHECK_INT_EQ(sh(dir, "head -c 1048576 /dev/zero > huge.md && printf 'ok' > small.md && "
			     "git add -A"),
		     0);
	CHECK_INT_EQ(commit_as(dir, "Alice", T1, "big"), 0);
	char *huge = out1(dir, "git rev-parse HEAD:huge.md");
	CHECK_INT_EQ(sh(dir, "f=.git/objects/$(echo %s | cut -c1-2)/$(echo %s | cut -c3-) && "
			     "chmod u+w $f && truncate -s 200 $f",
			huge, huge),
		     0);
	char *path = fixture("big");
	struct repo_opts opts = { .path = path, .max_file_size = 1000 };
	struct repo *r = NULL;
	CHECK_INT_EQ(repo_open(&r, &opts, &diags), 0);
	if (r) {
		struct repo_file *fs;
		size_t n;
		char *p = list_paths(r, "", &a, &diags, &fs, &n);
		CHECK_STR_EQ(p, "small.md");
		free(p);
		CHECK_INT_EQ(diags.errors, 1);
		char *t = diag_text(&diags);
		CHECK_STR_EQ(t, "huge.md: file too large (1048576 bytes, limit 1000)\n");
		/* every diagnostic names file:line; line 1 of the file itself */
		CHECK_INT_EQ(diags.len ? diags.items[0].line : 0, 1);
		free(t);
		diag_list_release(&diags);
		struct buf b = BUF_INIT;
		CHECK_INT_EQ(repo_read_path(r, "huge.md", &b, &diags), -1);
		t = diag_text(&diags);
		CHECK_CONTAINS(t, "file too large (1048576 bytes, limit 1000)");
		free(t);
		struct repo_file fake = { "huge.md", 0, "" };
		memcpy(fake.oid, huge, 41);
		CHECK_INT_EQ(repo_read(r, &fake, &b, &diags), -1);
		CHECK_INT_EQ(diags.errors, 2);
		CHECK_INT_EQ(b.len, 0);
		buf_release(&b);
		repo_free(r);
	}
	diag_list_release(&diags);

	/* --worktree checks the size with lstat */
	CHECK_INT_EQ(sh(dir, "git checkout -q -- . 2>/dev/null; head -c 5000 /dev/zero > huge.md"), 0);
	opts.worktree = true;
	r = NULL;
	CHECK_INT_EQ(repo_open(&r, &opts, &diags), 0);
	if (r) {
		char *p = list_paths(r, "", &a, &diags, NULL, NULL);
		CHECK_STR_EQ(p, "small.md");
		free(p);
		char *t = diag_text(&diags);
		CHECK_STR_EQ(t, "huge.md: file too large (5000 bytes, limit 1000)\n");
		/* every diagnostic names file:line; line 1 of the file itself */
		CHECK_INT_EQ(diags.len ? diags.items[0].line : 0, 1);
		free(t);
		repo_free(r);
	}
	free(path);
	free(huge);
	free(dir);
	arena_release(&a);
	diag_list_release(&diags);
}

TEST(test_file_count_limit)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct arena a = ARENA_INIT;
	char *path = fixture("main");
	struct repo_opts opts = { .path = path, .max_files = 3 };
	for (int wt = 0; wt < 2; wt++) {
		struct repo *r = NULL;
		opts.worktree = wt;
		CHECK_INT_EQ(repo_open(&r, &opts, &diags), 0);
		if (!r)
			continue;
		size_t n;
		char *p = list_paths(r, "content", &a, &diags, NULL, &n);
		CHECK_INT_EQ(n, 3);
		CHECK_INT_EQ(diags.errors, 1);
		char *t = diag_text(&diags);
		CHECK_CONTAINS(t, "more than 3 files");
		free(t);
		free(p);
		diag_list_release(&diags);
		repo_free(r);
	}
	free(path);
	arena_release(&a);
}

TEST(test_nesting_limit)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct arena a = ARENA_INIT;
	char *dir = fixture("deep");
	struct buf deep = BUF_INIT;
	buf_puts(&deep, "content");
	for (int i = 1; i <= 40; i++)
		buf_addf(&deep, "/d%d", i);
	CHECK_INT_EQ(sh(root, "git init -q -b main deep"), 0);
	/* files at nesting 1, 32 (allowed) and 33, 40 (too deep) */
	CHECK_INT_EQ(sh(dir, "mkdir -p %s && cd content && printf 1 > d1/one.md && "
			     "printf 32 > $(seq -f 'd%%g' 1 32 | paste -sd/)/f32.md && "
			     "printf 33 > $(seq -f 'd%%g' 1 33 | paste -sd/)/f33.md && "
			     "printf 40 > $(seq -f 'd%%g' 1 40 | paste -sd/)/f40.md && cd .. && "
			     "git add -A",
			deep.ptr),
		     0);
	CHECK_INT_EQ(commit_as(dir, "Alice", T1, "deep"), 0);
	for (int wt = 0; wt < 2; wt++) {
		struct repo *r = open_repo("deep", NULL, wt, &diags);
		CHECK(r != NULL);
		if (!r)
			continue;
		size_t n;
		char *p = list_paths(r, "content", &a, &diags, NULL, &n);
		CHECK_INT_EQ(n, 2);
		CHECK_CONTAINS(p, "content/d1/one.md");
		CHECK_CONTAINS(p, "/d32/f32.md");
		CHECK_NOT_CONTAINS(p, "f33");
		CHECK_INT_EQ(diags.errors, 1);
		char *t = diag_text(&diags);
		CHECK_CONTAINS(t, "/d32/d33: nesting deeper than 32");
		free(t);
		free(p);
		diag_list_release(&diags);
		if (!wt) {
			struct repo_history h;
			CHECK_INT_EQ(repo_history(r, "content", &h, &a, &diags), 0);
			CHECK_INT_EQ(h.n, 2);
		}
		repo_free(r);
	}
	buf_release(&deep);
	free(dir);
	arena_release(&a);
	diag_list_release(&diags);
}

static void check_entry(const struct repo_history *h, const char *path, int64_t first,
			int64_t last, const char *authors)
{
	const struct repo_history_entry *e = repo_history_find(h, path);
	CHECK(e != NULL);
	if (!e) {
		fprintf(stderr, "  no history for %s\n", path);
		return;
	}
	CHECK_INT_EQ(e->first, first);
	CHECK_INT_EQ(e->last, last);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < e->nauthors; i++) {
		if (i)
			buf_puts(&b, ", ");
		buf_puts(&b, e->authors[i]);
	}
	CHECK_STR_EQ(b.ptr, authors);
	buf_release(&b);
}

TEST(test_history)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct arena a = ARENA_INIT;
	struct repo *r = open_repo("main", NULL, false, &diags);
	CHECK(r != NULL);
	if (!r)
		return;
	struct repo_history h;
	CHECK_INT_EQ(repo_history(r, "content", &h, &a, &diags), 0);
	CHECK_INT_EQ(diags.len, 0);
	CHECK_INT_EQ(h.n, 6);
	for (size_t i = 1; i < h.n; i++)
		CHECK(strcmp(h.entries[i - 1].path, h.entries[i].path) < 0);
	check_entry(&h, "content/a.md", T1, T3, "Alice, Bob, Carol");
	check_entry(&h, "content/b.md", T1, T1, "Alice"); /* untouched since c1 */
	check_entry(&h, "content/news/c.md", T2, T4, "Bob, Alice");
	check_entry(&h, "content/d.md", T3, T3, "Carol");
	/* the merge changed neither: each matches one of its parents */
	check_entry(&h, "content/e.md", T5, T5, "Dave");
	check_entry(&h, "content/f.md", T6, T6, "Erin");
	CHECK(repo_history_find(&h, "site.yaml") == NULL);
	CHECK(repo_history_find(&h, "content/zzz.md") == NULL);
	CHECK(repo_history_find(&h, "content/") == NULL);

	/* the whole repository */
	CHECK_INT_EQ(repo_history(r, NULL, &h, &a, &diags), 0);
	CHECK_INT_EQ(h.n, 7);
	check_entry(&h, "site.yaml", T1, T1, "Alice");
	check_entry(&h, "content/a.md", T1, T3, "Alice, Bob, Carol");
	repo_free(r);

	/* at an older ref, only that ref's history */
	r = open_repo("main", "v1", false, &diags);
	if (r) {
		CHECK_INT_EQ(repo_history(r, "content", &h, &a, &diags), 0);
		CHECK_INT_EQ(h.n, 3);
		check_entry(&h, "content/a.md", T1, T2, "Alice, Bob");
		repo_free(r);
	}
	CHECK_INT_EQ(diags.len, 0);
	arena_release(&a);
	diag_list_release(&diags);
}

TEST(test_history_merge_change)
{
	/* a merge that resolves a conflict changed the file against both
	 * parents: it counts */
	struct diag_list diags = DIAG_LIST_INIT;
	struct arena a = ARENA_INIT;
	char *dir = fixture("merge");
	int bad = sh(root, "git init -q -b main merge");
	bad |= sh(dir, "mkdir content && printf 'base\\n' > content/m.md && git add -A");
	bad |= commit_as(dir, "Alice", T1, "base");
	bad |= sh(dir, "git checkout -q -b side && printf 'side\\n' > content/m.md && git add -A");
	bad |= commit_as(dir, "Bob", T2, "side");
	bad |= sh(dir, "git checkout -q main && printf 'main\\n' > content/m.md && git add -A");
	bad |= commit_as(dir, "Carol", T3, "main");
	sh(dir, "git merge -q side");
	bad |= sh(dir, "printf 'merged\\n' > content/m.md && git add -A");
	bad |= commit_as(dir, "Dave", T4, "merge");
	CHECK_INT_EQ(bad, 0);
	char *words = out1(dir, "git rev-list --parents -n1 HEAD | wc -w");
	CHECK_STR_EQ(words, "3"); /* really a merge */
	free(words);
	struct repo *r = open_repo("merge", NULL, false, &diags);
	if (r) {
		struct repo_history h;
		CHECK_INT_EQ(repo_history(r, "content", &h, &a, &diags), 0);
		check_entry(&h, "content/m.md", T1, T4, "Alice, Bob, Carol, Dave");
		repo_free(r);
	}
	CHECK_INT_EQ(diags.len, 0);
	free(dir);
	arena_release(&a);
	diag_list_release(&diags);
}

/* The paths one commit of a range changed, "a b c" ("-" when none), with a
 * "!" after an invalid one. */
static void check_changes(const struct repo_commit_info *c, const char *want)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < c->nchanges; i++) {
		if (i)
			buf_putc(&b, ' ');
		buf_puts(&b, c->changes[i].path);
		if (c->changes[i].invalid)
			buf_putc(&b, '!');
	}
	CHECK_STR_EQ(c->nchanges ? b.ptr : "-", want);
	buf_release(&b);
}

TEST(test_merge_filter_both_callers)
{
	/* one merge filter serves the history walk and review's ranges: a
	 * merge brings main's x.md unchanged (blamed on neither side's merge)
	 * and resolves s.md by hand (changed against both parents) */
	struct diag_list diags = DIAG_LIST_INIT;
	struct arena a = ARENA_INIT;
	char *dir = fixture("mfilter");
	int bad = sh(root, "git init -q -b main mfilter");
	bad |= sh(dir, "mkdir content && printf 'k\\n' > content/keep.md && git add -A");
	bad |= commit_as(dir, "Alice", T1, "base");
	bad |= sh(dir, "git checkout -q -b school && printf 's\\n' > content/s.md && git add -A");
	bad |= commit_as(dir, "Bob", T2, "school");
	bad |= sh(dir, "git checkout -q main && printf 'x\\n' > content/x.md && git add -A");
	bad |= commit_as(dir, "Carol", T3, "main");
	bad |= sh(dir, "git checkout -q school && git merge -q --no-ff --no-commit main");
	bad |= sh(dir, "printf 'merged\\n' > content/s.md && git add -A");
	bad |= commit_as(dir, "Dave", T4, "merge main");
	CHECK_INT_EQ(bad, 0);
	struct repo *r = open_repo("mfilter", "school", false, &diags);
	CHECK(r != NULL);
	if (r) {
		struct repo_history h;
		CHECK_INT_EQ(repo_history(r, "content", &h, &a, &diags), 0);
		check_entry(&h, "content/x.md", T3, T3, "Carol");
		check_entry(&h, "content/s.md", T2, T4, "Bob, Dave");
		check_entry(&h, "content/keep.md", T1, T1, "Alice");
		struct repo_range rg;
		CHECK_INT_EQ(repo_range(r, "main", "school", &rg, &a, &diags), 0);
		CHECK_INT_EQ(rg.n, 2);
		if (rg.n == 2) {
			check_changes(&rg.commits[0], "content/s.md");
			CHECK_INT_EQ(rg.commits[1].nparents, 2);
			check_changes(&rg.commits[1], "content/s.md");
		}
		CHECK_INT_EQ(rg.nconflicts, 0);
		repo_free(r);
	}
	CHECK_INT_EQ(diags.len, 0);
	free(dir);
	arena_release(&a);
	diag_list_release(&diags);
}

TEST(test_tree_diff_git_order)
{
	/* one tree differ walks both callers' trees in git order, where the
	 * folder "a" sorts as "a/", after the file "a-b": deleting a-b leaves
	 * a/x.md unchanged for the history and for review alike; a file
	 * replaced by a folder is a change of both (of the name alone at the
	 * depth limit) */
	struct diag_list diags = DIAG_LIST_INIT;
	struct arena a = ARENA_INIT;
	char *dir = fixture("gitorder");
	int bad = sh(root, "git init -q -b main gitorder");
	bad |= sh(dir, "mkdir -p content/a && printf 'x\\n' > content/a/x.md && "
		       "printf 'ab\\n' > content/a-b.md && printf 'f\\n' > content/f && git add -A");
	bad |= commit_as(dir, "Alice", T1, "base");
	bad |= sh(dir, "git checkout -q -b change && git rm -q content/a-b.md");
	bad |= commit_as(dir, "Bob", T2, "drop a-b");
	bad |= sh(dir, "git rm -q content/f && mkdir content/f && printf 'y\\n' > content/f/y.md && "
		       "git add -A");
	bad |= commit_as(dir, "Carol", T3, "f becomes a folder");
	CHECK_INT_EQ(bad, 0);
	struct repo *r = open_repo("gitorder", "change", false, &diags);
	CHECK(r != NULL);
	if (r) {
		struct repo_history h;
		CHECK_INT_EQ(repo_history(r, "content", &h, &a, &diags), 0);
		check_entry(&h, "content/a/x.md", T1, T1, "Alice");
		check_entry(&h, "content/f/y.md", T3, T3, "Carol");
		CHECK(repo_history_find(&h, "content/a-b.md") == NULL);
		struct repo_range rg;
		CHECK_INT_EQ(repo_range(r, "main", "change", &rg, &a, &diags), 0);
		CHECK_INT_EQ(rg.n, 2);
		if (rg.n == 2) {
			check_changes(&rg.commits[0], "content/a-b.md");
			check_changes(&rg.commits[1], "content/f content/f/y.md");
		}
		repo_free(r);
	}
	/* at the depth limit the folder is not entered: the swapped path is
	 * one change, reported once */
	struct repo_opts opts = { .path = dir, .ref = "change", .max_depth = 1 };
	r = NULL;
	CHECK_INT_EQ(repo_open(&r, &opts, &diags), 0);
	if (r) {
		struct repo_range rg;
		CHECK_INT_EQ(repo_range(r, "main", "change", &rg, &a, &diags), 0);
		CHECK_INT_EQ(rg.n, 2);
		if (rg.n == 2) {
			check_changes(&rg.commits[0], "content/a-b.md");
			check_changes(&rg.commits[1], "content/f");
		}
		repo_free(r);
	}
	CHECK_INT_EQ(diags.len, 0);
	free(dir);
	arena_release(&a);
	diag_list_release(&diags);
}

TEST(test_shallow)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct arena a = ARENA_INIT;
	CHECK_INT_EQ(sh(root, "git clone -q --depth 1 'file://%s/main' shallow", root), 0);
	struct repo *r = open_repo("shallow", NULL, false, &diags);
	CHECK(r != NULL);
	if (r) {
		CHECK(repo_is_shallow(r));
		struct repo_history h;
		CHECK_INT_EQ(repo_history(r, "content", &h, &a, &diags), 0);
		/* the boundary commit reads as a root: every file dates from it */
		CHECK_INT_EQ(h.n, 6);
		check_entry(&h, "content/b.md", T7, T7, "Mallory");
		repo_free(r);
	}
	/* depth 3: history back to c5/c6, no error at the boundary */
	CHECK_INT_EQ(sh(root, "git clone -q --depth 3 'file://%s/main' shallow3", root), 0);
	r = open_repo("shallow3", NULL, false, &diags);
	if (r) {
		CHECK(repo_is_shallow(r));
		struct repo_history h;
		CHECK_INT_EQ(repo_history(r, "content", &h, &a, &diags), 0);
		check_entry(&h, "content/f.md", T6, T6, "Erin");
		repo_free(r);
	}
	CHECK_INT_EQ(diags.len, 0);
	arena_release(&a);
	diag_list_release(&diags);
}

TEST(test_global_config_ignored)
{
	/* ~/.gitconfig with a value libgit2 cannot parse: reading it would
	 * fail the open of a repository whose own config leaves core.bare
	 * unset */
	struct diag_list diags = DIAG_LIST_INIT;
	char *dir = fixture("hermetic");
	CHECK_INT_EQ(sh(root, "git clone -q main hermetic && cd hermetic && "
			      "git config --unset core.bare && mkdir -p home/.config/git && "
			      "printf '[core]\\n\\tbare = maybe\\n' > home/.gitconfig && "
			      "cp home/.gitconfig home/.config/git/config"),
		     0);
	char *home = xasprintf("%s/home", dir);
	char *old_home = xstrdup(getenv("HOME"));
	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", home, 1);
	struct repo *r = open_repo("hermetic", NULL, false, &diags);
	CHECK(r != NULL);
	if (r) {
		struct buf b = BUF_INIT;
		CHECK_INT_EQ(repo_read_path(r, "content/a.md", &b, &diags), 0);
		CHECK_STR_EQ(b.ptr, "A3\n");
		buf_release(&b);
		repo_free(r);
	}
	CHECK_INT_EQ(diags.len, 0);
	setenv("HOME", old_home, 1);
	unsetenv("XDG_CONFIG_HOME");
	free(old_home);
	free(home);
	free(dir);
	diag_list_release(&diags);
}

int main(void)
{
	strcpy(root, "/tmp/loa-test-repo-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	/* the git commands see neither the user's nor the system's config */
	char *home = xasprintf("%s/home", root);
	mkdir(home, 0700);
	setenv("HOME", home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	setenv("GIT_AUTHOR_NAME", "Test", 1);
	setenv("GIT_AUTHOR_EMAIL", "test@example.org", 1);
	setenv("GIT_COMMITTER_NAME", "Test", 1);
	setenv("GIT_COMMITTER_EMAIL", "test@example.org", 1);
	setenv("TZ", "UTC", 1);
	free(home);
	if (!make_main()) {
		fprintf(stderr, "cannot build the fixture repository in %s\n", root);
		sh("/tmp", "rm -rf '%s'", root);
		return 1;
	}
	RUN(test_list_and_read_head);
	RUN(test_reader);
	RUN(test_refs);
	RUN(test_bare_clone);
	RUN(test_worktree);
	RUN(test_hostile_tree);
	RUN(test_size_limit_from_header);
	RUN(test_file_count_limit);
	RUN(test_nesting_limit);
	RUN(test_history);
	RUN(test_history_merge_change);
	RUN(test_merge_filter_both_callers);
	RUN(test_tree_diff_git_order);
	RUN(test_shallow);
	RUN(test_global_config_ignored);
	sh("/tmp", "rm -rf '%s'", root);
	return harness_report();
}
