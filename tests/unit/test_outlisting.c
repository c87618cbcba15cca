/* Unit tests for the output listing's check split into parts that run on
 * threads (outlisting.c): every split sees what the serial check sees — an
 * unchanged tree holds; a file edited in place, a name added deep in a
 * folder or at the top, a folder swapped for a symlink, or lines out of
 * order, wherever they fall among the parts, do not; the verdicts per
 * line name the lines that changed. */
#include "base/buf.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "pipeline/outdir.h"
#include "harness.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static char *make_root(void)
{
	char tmpl[] = "/tmp/loa-outlisting-XXXXXX";
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

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

enum { NPAGES = 16 };

/* Publishes a home page, NPAGES articles in one folder (opened by the
 * check), one page six folders deep in the middle of the listing and a
 * last top-level file; its listing in l. */
static void publish(const char *out, struct buf *l)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct outdir *od = NULL;
	char made[41];
	buf_reset(l);
	CHECK_INT_EQ(outdir_begin(&od, out, &d), 0);
	CHECK_INT_EQ(outdir_write(od, "index.html", "<p>home</p>", 11, &d), 0);
	for (int i = 0; i < NPAGES; i++) {
		char name[64];
		snprintf(name, sizeof(name), "tin-tuc/bai-%02d/index.html", i);
		CHECK_INT_EQ(outdir_write(od, name, "<p>a</p>", 8, &d), 0);
	}
	CHECK_INT_EQ(outdir_write(od, "m/a/b/c/d/e/index.html", "<p>e</p>", 8, &d), 0);
	CHECK_INT_EQ(outdir_write(od, "z.html", "<p>z</p>", 8, &d), 0);
	CHECK_INT_EQ(outdir_fingerprint(od, made, l), 0);
	CHECK_INT_EQ(outdir_commit(od, &d), 0);
	diag_list_release(&d);
	/* file times tick with the kernel's clock: an edit comes later */
	usleep(20 * 1000);
}

/* True for every split, 1 to 4 parts (and a count past the limit). */
static bool holds_all(const char *out, const struct buf *l)
{
	bool all = true;
	for (unsigned parts = 1; parts <= 5; parts++)
		all = all && outdir_listing_holds_parts(out, l->ptr, l->len, parts);
	return all && outdir_listing_holds(out, l->ptr, l->len);
}

/* True when no split holds. */
static bool holds_none(const char *out, const struct buf *l)
{
	bool any = outdir_listing_holds(out, l->ptr, l->len);
	for (unsigned parts = 1; parts <= 5; parts++)
		any = any || outdir_listing_holds_parts(out, l->ptr, l->len, parts);
	return !any;
}

/* The paths of the listing's regular files (mode 100...), in order. */
static size_t listed_files(const struct buf *l, char ***out)
{
	size_t n = 0, cap = 0;
	*out = NULL;
	const char *p = l->ptr, *end = l->ptr + l->len;
	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *nl = nul ? memchr(nul, '\n', (size_t)(end - nul)) : NULL;
		if (!nl)
			break;
		if (!strncmp(nul + 1, "100", 3)) {
			ALLOC_GROW(*out, n + 1, cap);
			(*out)[n++] = xstrdup(p);
		}
		p = nl + 1;
	}
	return n;
}

/* Every published file edited in place (same length), one at a time, is
 * seen by every split: none is left out of its part. */
TEST(every_file_seen_by_every_split)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	struct buf l = BUF_INIT;
	publish(out, &l);
	char **files = NULL;
	size_t n = listed_files(&l, &files);
	CHECK_INT_EQ(n, NPAGES + 4); /* and the marker outdir_begin writes */
	CHECK(holds_all(out, &l));
	CHECK(holds_all(out, &l)); /* checking changes nothing */
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", out, files[i]);
		write_file(path, "<p>x</p>");
		if (!holds_none(out, &l))
			fprintf(stderr, "  an edit of %s was missed\n", files[i]);
		CHECK(holds_none(out, &l));
		publish(out, &l);
		CHECK(holds_all(out, &l));
		free(path);
	}
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	buf_release(&l);
	free(out);
	rm_rf(root);
	free(root);
}

/* Names added deep in a folder or at the top, a folder swapped for a
 * symlink to its copy (same times), lines swapped or cut. */
TEST(structure_changes_seen_by_every_split)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	struct buf l = BUF_INIT, other = BUF_INIT;
	publish(out, &l);
	char *deep = xasprintf("%s/m/a/b/c/d/e/stray.html", out);
	write_file(deep, "x");
	CHECK(holds_none(out, &l));
	publish(out, &l);
	char *mid = xasprintf("%s/tin-tuc/bai-08/stray.html", out);
	write_file(mid, "x");
	CHECK(holds_none(out, &l));
	publish(out, &l);
	char *top = xasprintf("%s/stray.html", out);
	write_file(top, "x");
	CHECK(holds_none(out, &l));
	publish(out, &l);
	char *dir = xasprintf("%s/tin-tuc", out);
	char *copy = xasprintf("%s/copy", root);
	char *cmd = xasprintf("cp -a '%s' '%s' && rm -rf '%s' && ln -s '%s' '%s'", dir, copy, dir,
			      copy, dir);
	CHECK_INT_EQ(system(cmd), 0);
	CHECK(holds_none(out, &l));
	publish(out, &l);
	CHECK(holds_all(out, &l));
	/* the first and the middle lines swapped: same bytes, other order */
	const char *first_end = memchr(l.ptr, '\n', l.len);
	const char *mid_line = l.ptr + l.len / 2;
	while (mid_line[-1] != '\n')
		mid_line++;
	const char *mid_end = memchr(mid_line, '\n', (size_t)(l.ptr + l.len - mid_line));
	CHECK(first_end && mid_end);
	if (first_end && mid_end) {
		buf_add(&other, mid_line, (size_t)(mid_end + 1 - mid_line));
		buf_add(&other, first_end + 1, (size_t)(mid_line - (first_end + 1)));
		buf_add(&other, l.ptr, (size_t)(first_end + 1 - l.ptr));
		buf_add(&other, mid_end + 1, (size_t)(l.ptr + l.len - (mid_end + 1)));
		CHECK_INT_EQ(other.len, l.len);
		CHECK(holds_none(out, &other));
	}
	/* a line cut short in the middle, and the last line cut */
	buf_reset(&other);
	buf_add(&other, l.ptr, (size_t)(mid_line - l.ptr) - 1);
	buf_add(&other, mid_line, (size_t)(l.ptr + l.len - mid_line));
	CHECK(holds_none(out, &other));
	CHECK(!outdir_listing_holds_parts(out, l.ptr, l.len - 1, 3));
	CHECK(holds_all(out, &l));
	free(cmd);
	free(copy);
	free(dir);
	free(top);
	free(mid);
	free(deep);
	buf_release(&other);
	buf_release(&l);
	free(out);
	rm_rf(root);
	free(root);
}

/* The line of path in the listing l, or -1. */
static long line_of(const struct buf *l, const char *path)
{
	long i = 0;
	const char *p = l->ptr, *end = l->ptr + l->len;
	while (p < end) {
		const char *nl = memchr(p + strlen(p), '\n', (size_t)(end - p - strlen(p)));
		if (!strcmp(p, path))
			return i;
		if (!nl)
			break;
		p = nl + 1;
		i++;
	}
	return -1;
}

/* Per-line verdicts (outdir_listing_verdicts): all hold on an unchanged
 * tree; an edited file fails its own line only; a name added in a folder
 * fails that folder's line; a malformed listing gives no verdict. */
TEST(verdicts_name_the_lines_that_changed)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	struct buf l = BUF_INIT;
	publish(out, &l);
	size_t max = l.len; /* more than the lines */
	unsigned char *ok = xmalloc(max);
	int fd = open(out, O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	size_t n = outdir_listing_verdicts(fd, l.ptr, l.len, ok, max);
	CHECK(n > NPAGES);
	size_t holds = 0;
	for (size_t i = 0; i < n; i++)
		holds += ok[i];
	CHECK_INT_EQ(holds, n);

	char *page = xasprintf("%s/tin-tuc/bai-03/index.html", out);
	write_file(page, "<p>x</p>");
	n = outdir_listing_verdicts(fd, l.ptr, l.len, ok, max);
	long edited = line_of(&l, "tin-tuc/bai-03/index.html");
	CHECK(edited >= 0);
	holds = 0;
	for (size_t i = 0; i < n; i++)
		holds += ok[i];
	CHECK_INT_EQ(holds, n - 1);
	CHECK(edited >= 0 && !ok[edited]);

	publish(out, &l);
	close(fd);
	fd = open(out, O_RDONLY | O_DIRECTORY);
	char *stray = xasprintf("%s/tin-tuc/bai-05/stray.html", out);
	write_file(stray, "x");
	n = outdir_listing_verdicts(fd, l.ptr, l.len, ok, max);
	long folder = line_of(&l, "tin-tuc/bai-05");
	long inside = line_of(&l, "tin-tuc/bai-05/index.html");
	CHECK(folder >= 0 && inside >= 0);
	CHECK(folder >= 0 && !ok[folder]);
	CHECK(inside >= 0 && ok[inside]); /* its own line holds: the caller looks at the folder's */

	CHECK_INT_EQ(outdir_listing_verdicts(fd, l.ptr, l.len - 1, ok, max), 0);
	CHECK_INT_EQ(outdir_listing_verdicts(fd, l.ptr, l.len, ok, 3), 0);
	close(fd);
	free(stray);
	free(page);
	free(ok);
	buf_release(&l);
	free(out);
	rm_rf(root);
	free(root);
}

/* The listing of the tree below dir, depth first and sorted by name, one
 * outdir_listing_line an entry: what the fingerprint hashes, made here
 * without threads. */
static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void reference_listing(const char *dir, const char *prefix, struct buf *out)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		ALLOC_GROW(names, n + 1, cap);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 1) /* an empty folder has no list at all */
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		struct stat st;
		if (lstat(path, &st) == 0) {
			outdir_listing_line(out, prefix, names[i], &st);
			if (S_ISDIR(st.st_mode)) {
				char *sub = xasprintf("%s%s/", prefix, names[i]);
				reference_listing(path, sub, out);
				free(sub);
			}
		}
		free(path);
		free(names[i]);
	}
	free(names);
}

/* Publishes *out (ROOT/site, in a new *root) with 150 articles in 50
 * schools' folders, 150 topics, a page six folders deep and files beside
 * the folders at every level: enough folders two levels down for the
 * fingerprint's threads. Its fingerprint in made, its listing in l. False
 * when no folder could be made. */
static bool publish_schools(char **root, char **out, char made[41], struct buf *l)
{
	*root = make_root();
	CHECK(*root != NULL);
	if (!*root)
		return false;
	*out = xasprintf("%s/site", *root);
	struct diag_list d = DIAG_LIST_INIT;
	struct outdir *od = NULL;
	CHECK_INT_EQ(outdir_begin(&od, *out, &d), 0);
	CHECK_INT_EQ(outdir_write(od, "index.html", "<p>home</p>", 11, &d), 0);
	for (int i = 0; i < 150; i++) {
		char name[96];
		snprintf(name, sizeof(name), "tin-tuc/truong-%03d/bai-%d/index.html", i / 3, i % 3);
		CHECK_INT_EQ(outdir_write(od, name, "<p>a</p>", 8, &d), 0);
		snprintf(name, sizeof(name), "chu-de/the-%03d/index.html", i);
		CHECK_INT_EQ(outdir_write(od, name, "<p>t</p>", 8, &d), 0);
	}
	CHECK_INT_EQ(outdir_write(od, "tin-tuc/index.html", "<p>n</p>", 8, &d), 0);
	CHECK_INT_EQ(outdir_write(od, "m/a/b/c/d/e/index.html", "<p>e</p>", 8, &d), 0);
	CHECK_INT_EQ(outdir_write(od, "z.html", "<p>z</p>", 8, &d), 0);
	CHECK_INT_EQ(outdir_fingerprint(od, made, l), 0);
	CHECK_INT_EQ(outdir_commit(od, &d), 0);
	diag_list_release(&d);
	return true;
}

/* The fingerprint of out on 1 to 4 threads, given earlier's listing (NULL:
 * none): want's listing and the fingerprint hex. */
static void same_on_threads(const char *out, const struct buf *earlier, const struct buf *want,
			    const char *hex_want)
{
	for (unsigned threads = 1; threads <= 4; threads++) {
		char hex[41];
		struct buf got = BUF_INIT;
		CHECK_INT_EQ(outdir_fingerprint_path_since(out, threads, earlier ? earlier->ptr : NULL,
							   earlier ? earlier->len : 0, false, hex,
							   &got),
			     0);
		CHECK(got.len == want->len && memcmp(got.ptr, want->ptr, got.len) == 0);
		CHECK_STR_EQ(hex, hex_want);
		buf_release(&got);
	}
}

/* The fingerprint's folders two levels down are listed on threads, and
 * put back in order: the same bytes as one walk, with any number of
 * threads, for a tree with enough of them to use threads. */
TEST(fingerprint_same_on_threads)
{
	char *root, *out, made[41];
	struct buf l = BUF_INIT;
	if (!publish_schools(&root, &out, made, &l))
		return;
	struct buf want = BUF_INIT;
	reference_listing(out, "", &want);
	CHECK(want.len > 0);
	CHECK(l.len == want.len && memcmp(l.ptr, want.ptr, l.len) == 0);
	same_on_threads(out, NULL, &want, made);
	buf_release(&want);
	buf_release(&l);
	rm_rf(root);
	free(out);
	free(root);
}

/* Changes made to a published tree OUT, by path below it: text appended
 * to a file in place, a file removed, a page's folder added (with its
 * index.html). */
static void append_in_place(const char *out, const char *rel, const char *text)
{
	char *p = xasprintf("%s/%s", out, rel);
	FILE *f = fopen(p, "a");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	free(p);
}

static void remove_file(const char *out, const char *rel)
{
	char *p = xasprintf("%s/%s", out, rel);
	CHECK_INT_EQ(unlink(p), 0);
	free(p);
}

static void add_page_folder(const char *out, const char *folder)
{
	char *p = xasprintf("%s/%s", out, folder);
	CHECK_INT_EQ(mkdir(p, 0755), 0);
	free(p);
	p = xasprintf("%s/%s/index.html", out, folder);
	write_file(p, "<p>9</p>");
	free(p);
}

/* Given the listing of an earlier state of the tree, the fingerprint reads
 * again only the folders whose line changed, and its listing is a walk's
 * whatever changed: a file added deep in a folder, one removed, one edited
 * in place, a new folder, a folder removed, a folder swapped for a
 * symlink. A folder whose line holds takes its names from the earlier
 * listing: a name that listing lacks is not seen (the names are not read). */
TEST(fingerprint_since_an_earlier_listing)
{
	char *root, *out, made[41];
	struct buf earlier = BUF_INIT;
	if (!publish_schools(&root, &out, made, &earlier))
		return;
	usleep(20 * 1000); /* file times tick with the kernel's clock */

	char *p = xasprintf("%s/tin-tuc/truong-005/bai-1/moi.html", out);
	write_file(p, "<p>new</p>");
	free(p);
	remove_file(out, "chu-de/the-010/index.html");
	append_in_place(out, "tin-tuc/truong-007/bai-2/index.html", "<p>more</p>");
	add_page_folder(out, "tin-tuc/truong-008/bai-9");
	p = xasprintf("rm -rf '%s/chu-de/the-011' && rm -rf '%s/m/a/b/c' && ln -s /tmp '%s/m/a/b/c'",
		      out, out, out);
	CHECK_INT_EQ(system(p), 0);
	free(p);

	struct buf want = BUF_INIT;
	reference_listing(out, "", &want);
	char walked[41];
	CHECK_INT_EQ(outdir_fingerprint_path_threads(out, 1, walked, NULL), 0);
	same_on_threads(out, &earlier, &want, walked);

	/* an unchanged folder's names come from the earlier listing: one it
	 * does not name is not seen */
	const char *line = "tin-tuc/truong-020/bai-0/index.html";
	char *at = NULL;
	for (char *q = earlier.ptr; q && q < earlier.ptr + earlier.len;) {
		if (strcmp(q, line) == 0) {
			at = q;
			break;
		}
		q = strchr(q + strlen(q) + 1, '\n');
		q = q ? q + 1 : NULL;
	}
	CHECK(at != NULL);
	if (at) {
		char *nl = strchr(at + strlen(at) + 1, '\n');
		size_t cut = (size_t)(nl + 1 - at);
		memmove(at, nl + 1, earlier.len - (size_t)(nl + 1 - earlier.ptr));
		earlier.len -= cut;
		char hex[41];
		struct buf got = BUF_INIT;
		CHECK_INT_EQ(outdir_fingerprint_path_since(out, 2, earlier.ptr, earlier.len, false, hex,
							   &got),
			     0);
		CHECK(got.len + cut == want.len);
		CHECK(strstr(hex, walked) == NULL);
		buf_release(&got);
	}
	buf_release(&want);
	buf_release(&earlier);
	rm_rf(root);
	free(out);
	free(root);
}

/* The line of path in a listing: where it starts, and its length (0:
 * none). */
static size_t line_bytes(const struct buf *listing, const char *path, const char **at)
{
	for (const char *q = listing->ptr; q && q < listing->ptr + listing->len;) {
		const char *nl = strchr(q + strlen(q) + 1, '\n');
		if (!nl)
			break;
		if (strcmp(q, path) == 0) {
			*at = q;
			return (size_t)(nl + 1 - q);
		}
		q = nl + 1;
	}
	*at = NULL;
	return 0;
}

/* A listing verified in this build (a rebuild's standby, checked and
 * cleaned): the files of a folder whose line holds are not stat'ed again,
 * their lines are the listing's; everything else is a walk's. A build
 * writes only by creating files (its folder's line then changes), so its
 * own writes are all seen: here a page written again (removed, then
 * created), a new page folder and a file removed. A file edited in place
 * in a folder that did not change, which no build does, keeps its earlier
 * line: the next check of the published folder sees it differ. */
TEST(fingerprint_since_a_verified_listing)
{
	char *root, *out, made[41];
	struct buf earlier = BUF_INIT;
	if (!publish_schools(&root, &out, made, &earlier))
		return;
	usleep(20 * 1000); /* file times tick with the kernel's clock */

	char *p = xasprintf("%s/tin-tuc/truong-003/bai-1/index.html", out);
	CHECK_INT_EQ(unlink(p), 0);
	write_file(p, "<p>written again, longer</p>");
	free(p);
	add_page_folder(out, "tin-tuc/truong-008/bai-9");
	remove_file(out, "chu-de/the-010/index.html");
	const char *edited = "tin-tuc/truong-007/bai-2/index.html";
	append_in_place(out, edited, "<p>more</p>");

	struct buf walk = BUF_INIT;
	reference_listing(out, "", &walk);
	/* what the verified fingerprint gives: the walk, with the edited
	 * file's line as the earlier listing has it */
	const char *was, *now;
	size_t was_len = line_bytes(&earlier, edited, &was), now_len = line_bytes(&walk, edited, &now);
	CHECK(was_len > 0 && now_len > 0);
	CHECK(was_len != now_len || memcmp(was, now, was_len) != 0); /* the edit shows in a walk */
	struct buf want = BUF_INIT;
	if (was && now) {
		buf_add(&want, walk.ptr, (size_t)(now - walk.ptr));
		buf_add(&want, was, was_len);
		buf_add(&want, now + now_len, walk.len - (size_t)(now + now_len - walk.ptr));
	}
	const char *written;
	CHECK(line_bytes(&want, "tin-tuc/truong-008/bai-9/index.html", &written) > 0);
	CHECK(line_bytes(&want, "chu-de/the-010/index.html", &written) == 0);
	for (unsigned threads = 1; threads <= 4; threads++) {
		char hex[41];
		struct buf got = BUF_INIT;
		CHECK_INT_EQ(outdir_fingerprint_path_since(out, threads, earlier.ptr, earlier.len, true,
							   hex, &got),
			     0);
		CHECK(got.len == want.len && memcmp(got.ptr, want.ptr, got.len) == 0);
		buf_release(&got);
	}
	/* not verified: a walk's listing, the edit included */
	char hex[41];
	struct buf got = BUF_INIT;
	CHECK_INT_EQ(outdir_fingerprint_path_since(out, 2, earlier.ptr, earlier.len, false, hex,
						   &got),
		     0);
	CHECK(got.len == walk.len && memcmp(got.ptr, walk.ptr, got.len) == 0);
	buf_release(&got);
	buf_release(&want);
	buf_release(&walk);
	buf_release(&earlier);
	rm_rf(root);
	free(out);
	free(root);
}

int main(void)
{
	RUN(verdicts_name_the_lines_that_changed);
	RUN(every_file_seen_by_every_split);
	RUN(structure_changes_seen_by_every_split);
	RUN(fingerprint_same_on_threads);
	RUN(fingerprint_since_an_earlier_listing);
	RUN(fingerprint_since_a_verified_listing);
	return harness_report();
}
