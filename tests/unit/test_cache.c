/* Unit tests for build/cache: objects by key, their diagnostics, the last
 * build's record, sweeping, keys that cannot collide by concatenation,
 * and publishing an object into an output folder as a hard link. */
#include "base/buf.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "build/cache.h"
#include "build/publish.h"
#include "harness.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char *make_root(void)
{
	char tmpl[] = "/tmp/loa-cache-XXXXXX";
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

static void key_of(const char *s, char out[CACHE_KEY_LEN + 1])
{
	struct buf k = BUF_INIT;
	key_add_str(&k, s);
	key_finish(&k, out);
	buf_release(&k);
}

static int read_text(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	fclose(f);
	buf_putc(out, '\0');
	return 0;
}

TEST(keys_are_length_prefixed)
{
	struct buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;
	char ka[41], kb[41], kc[41];
	key_add_str(&a, "ab");
	key_add_str(&a, "c");
	key_add_str(&b, "a");
	key_add_str(&b, "bc");
	key_add_str(&c, "ab");
	key_add_str(&c, NULL);
	key_finish(&a, ka);
	key_finish(&b, kb);
	key_finish(&c, kc);
	CHECK(strcmp(ka, kb) != 0);
	CHECK(strcmp(ka, kc) != 0);
	CHECK_INT_EQ(strlen(ka), 40);
	/* the same fields give the same key */
	struct buf d = BUF_INIT;
	char kd[41];
	key_add_str(&d, "ab");
	key_add_str(&d, "c");
	key_finish(&d, kd);
	CHECK_STR_EQ(ka, kd);
	buf_release(&a);
	buf_release(&b);
	buf_release(&c);
	buf_release(&d);
}

TEST(store_lookup_and_diagnostics)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	struct cache *c = cache_open(out);
	CHECK(c != NULL);
	char key[41], other[41], path[4096], stored[4096];
	key_of("page one", key);
	key_of("page two", other);
	CHECK(cache_lookup(c, key, path, sizeof(path)) == NULL);
	struct diag_list d = DIAG_LIST_INIT;
	diag_warning(&d, "content/a.md", 3, 1, "image without alt text");
	struct buf enc = BUF_INIT;
	diag_list_encode(&enc, &d);
	CHECK_INT_EQ(cache_store(c, key, "<p>1</p>", 8, enc.ptr, enc.len, "deps", 4, stored, sizeof(stored)), 0);
	CHECK_INT_EQ(cache_store(c, other, "<p>2</p>", 8, NULL, 0, NULL, 0, path, sizeof(path)), 0);
	const char *found = cache_lookup(c, key, path, sizeof(path));
	CHECK(found != NULL);
	CHECK_STR_EQ(stored, found); /* cache_store names the object it wrote */
	CHECK_CONTAINS(found, "/.loa-cache/render/public/objects/");
	struct buf got = BUF_INIT;
	CHECK_INT_EQ(read_text(path, &got), 0);
	CHECK_STR_EQ(got.ptr, "<p>1</p>");
	struct buf dbytes = BUF_INIT;
	CHECK_INT_EQ(cache_diags(c, key, &dbytes), 0);
	struct diag_list back = DIAG_LIST_INIT;
	diag_list_decode(&back, dbytes.ptr, dbytes.len);
	CHECK_INT_EQ(back.warnings, 1);
	CHECK_INT_EQ(back.len ? back.items[0].line : 0, 3);
	buf_reset(&dbytes);
	CHECK_INT_EQ(cache_diags(c, other, &dbytes), 0);
	CHECK_INT_EQ(dbytes.len, 0);
	CHECK_INT_EQ(cache_deps(c, key, &dbytes), 0);
	CHECK(dbytes.len == 4 && memcmp(dbytes.ptr, "deps", 4) == 0);
	/* storing again without deps removes the old ones */
	CHECK_INT_EQ(cache_store(c, key, "<p>1</p>", 8, NULL, 0, NULL, 0, stored, sizeof(stored)), 0);
	buf_reset(&dbytes);
	CHECK_INT_EQ(cache_deps(c, key, &dbytes), 0);
	CHECK_INT_EQ(dbytes.len, 0);
	buf_reset(&dbytes);
	CHECK_INT_EQ(cache_diags(c, key, &dbytes), 0);
	CHECK_INT_EQ(dbytes.len, 0);
	/* objects are 0644 whatever the umask: they are linked into the site */
	struct stat st;
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
	/* a key that is not 40 hex digits never names a file */
	CHECK(cache_lookup(c, "../../../etc/passwd", path, sizeof(path)) == NULL);
	CHECK(cache_store(c, "../x", "x", 1, NULL, 0, NULL, 0, stored, sizeof(stored)) < 0);
	diag_list_release(&d);
	diag_list_release(&back);
	buf_release(&enc);
	buf_release(&got);
	buf_release(&dbytes);
	cache_close(c);
	free(out);
	rm_rf(root);
	free(root);
}

TEST(record_round_trip_and_malformed)
{
	char *root = make_root();
	char *out = xasprintf("%s/site/", root); /* a trailing slash is the same folder */
	struct cache *c = cache_open(out);
	struct cache_record r = { .valid_from = 100, .valid_until = 200, .status = 1, .pages = 7,
				  .files = 3, .out_id = 42, .next_change = 150,
				  .next_iso = "2026-12-01T00:00:00+07:00",
				  .next_where = "content/news/a b.md", .next_why = "two\nlines",
				  .lang = "vi" };
	key_of("build", r.key);
	struct cache_record back;
	struct buf diags = BUF_INIT;
	CHECK(cache_record_read(c, &back, &diags) < 0); /* none yet */
	CHECK_INT_EQ(cache_record_write(c, &r, "DIAGS", 5), 0);
	CHECK_INT_EQ(cache_record_read(c, &back, &diags), 0);
	CHECK_STR_EQ(back.key, r.key);
	CHECK_INT_EQ(back.valid_from, 100);
	CHECK_INT_EQ(back.valid_until, 200);
	CHECK_INT_EQ(back.status, 1);
	CHECK_INT_EQ(back.pages, 7);
	CHECK_INT_EQ(back.files, 3);
	CHECK_INT_EQ(back.out_id, 42);
	CHECK_INT_EQ(back.next_change, 150);
	CHECK_STR_EQ(back.next_iso, "2026-12-01T00:00:00+07:00");
	CHECK_STR_EQ(back.next_where, "content/news/a b.md");
	CHECK_STR_EQ(back.next_why, "two lines"); /* one line per field */
	CHECK_STR_EQ(back.lang, "vi");
	/* empty strings (no next change) keep their lines */
	struct cache_record e = { .valid_from = 1, .status = 0, .lang = "en" };
	key_of("empty", e.key);
	buf_reset(&diags);
	CHECK_INT_EQ(cache_record_write(c, &e, "", 0), 0);
	CHECK_INT_EQ(cache_record_read(c, &back, &diags), 0);
	CHECK_STR_EQ(back.next_iso, "");
	CHECK_STR_EQ(back.next_where, "");
	CHECK_STR_EQ(back.lang, "en");
	CHECK_INT_EQ(diags.len, 0);
	buf_reset(&diags);
	CHECK_INT_EQ(cache_record_write(c, &r, "DIAGS", 5), 0);
	CHECK_INT_EQ(cache_record_read(c, &back, &diags), 0);
	CHECK_INT_EQ(diags.len, 5);
	CHECK(diags.len == 5 && memcmp(diags.ptr, "DIAGS", 5) == 0);
	/* a damaged record is no record */
	char *rec = xasprintf("%s/.loa-cache/render/site/last-build", root);
	FILE *f = fopen(rec, "w");
	if (f) {
		fputs("loa-cache-1 nothex 1 2 0 1 1 0 0\n\n\n\n\n", f);
		fclose(f);
	}
	buf_reset(&diags);
	CHECK(cache_record_read(c, &back, &diags) < 0);
	cache_record_remove(c);
	CHECK(access(rec, F_OK) < 0);
	free(rec);
	buf_release(&diags);
	cache_close(c);
	free(out);
	rm_rf(root);
	free(root);
}

TEST(sweep_keeps_only_used_objects)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	struct cache *c = cache_open(out);
	char k1[41], k2[41], k3[41], path[4096];
	key_of("1", k1);
	key_of("2", k2);
	key_of("3", k3);
	cache_store(c, k1, "a", 1, "D", 1, "V", 1, path, sizeof(path));
	cache_store(c, k2, "b", 1, "D", 1, NULL, 0, path, sizeof(path));
	cache_store(c, k3, "c", 1, NULL, 0, NULL, 0, path, sizeof(path));
	char *keep[2] = { k1, k3 };
	if (strcmp(keep[0], keep[1]) > 0) {
		keep[0] = k3;
		keep[1] = k1;
	}
	char *stray = xasprintf("%s/.loa-cache/render/public/last-build.tmp-123", root);
	FILE *f = fopen(stray, "w");
	if (f)
		fclose(f);
	cache_sweep(c, keep, 2);
	CHECK(access(stray, F_OK) < 0); /* a killed build's half record goes too */
	free(stray);
	CHECK(cache_lookup(c, k1, path, sizeof(path)) != NULL);
	CHECK(cache_lookup(c, k2, path, sizeof(path)) == NULL);
	CHECK(cache_lookup(c, k3, path, sizeof(path)) != NULL);
	struct buf d = BUF_INIT;
	CHECK_INT_EQ(cache_diags(c, k1, &d), 0);
	CHECK_INT_EQ(d.len, 1); /* kept with its object */
	buf_reset(&d);
	CHECK_INT_EQ(cache_deps(c, k1, &d), 0);
	CHECK_INT_EQ(d.len, 1);
	buf_release(&d);
	cache_sweep(c, NULL, 0);
	CHECK(cache_lookup(c, k1, path, sizeof(path)) == NULL);
	cache_close(c);
	free(out);
	rm_rf(root);
	free(root);
}

TEST(objects_are_published_as_hard_links)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	struct cache *c = cache_open(out);
	char key[41], path[4096];
	key_of("x", key);
	cache_store(c, key, "<html>x</html>", 14, NULL, 0, NULL, 0, path, sizeof(path));
	CHECK(cache_lookup(c, key, path, sizeof(path)) != NULL);
	struct diag_list d = DIAG_LIST_INIT;
	struct outdir *o = NULL;
	CHECK_INT_EQ(outdir_begin(&o, out, &d), 0);
	CHECK_INT_EQ(outdir_link(o, "tin-tuc/a/index.html", path, &d), 0);
	/* a second claim of the same path is an error, as for a write */
	CHECK_INT_EQ(outdir_link(o, "tin-tuc/a/index.html", path, &d), -1);
	CHECK_INT_EQ(d.errors, 1);
	CHECK(outdir_link(o, "../escape.html", path, &d) < 0);
	CHECK_INT_EQ(outdir_commit(o, &d), 0);
	char *pub = xasprintf("%s/tin-tuc/a/index.html", out);
	struct stat a, b;
	CHECK(stat(pub, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino);
	struct buf got = BUF_INIT;
	CHECK_INT_EQ(read_text(pub, &got), 0);
	CHECK_STR_EQ(got.ptr, "<html>x</html>");
	char *escaped = xasprintf("%s/escape.html", root);
	CHECK(access(escaped, F_OK) < 0);
	free(escaped);
	/* sweeping the object leaves the published page whole */
	cache_sweep(c, NULL, 0);
	buf_reset(&got);
	CHECK_INT_EQ(read_text(pub, &got), 0);
	CHECK_STR_EQ(got.ptr, "<html>x</html>");
	buf_release(&got);
	free(pub);
	diag_list_release(&d);
	cache_close(c);
	free(out);
	rm_rf(root);
	free(root);
}

TEST(unusable_folder_gives_no_cache)
{
	CHECK(cache_open("/proc/loa-no-such/public") == NULL);
	/* opening makes nothing; the first write does */
	char *r0 = make_root();
	char *o0 = xasprintf("%s/public", r0);
	struct cache *c0 = cache_open(o0);
	char *cdir = xasprintf("%s/.loa-cache", r0);
	CHECK(c0 != NULL && access(cdir, F_OK) < 0);
	cache_close(c0);
	free(cdir);
	free(o0);
	rm_rf(r0);
	free(r0);
	CHECK(cache_open("..") == NULL);
	/* the output's parent is the user's to make */
	char *root = make_root();
	char *out = xasprintf("%s/missing/public", root);
	CHECK(cache_open(out) == NULL);
	char *parent = xasprintf("%s/missing", root);
	CHECK(access(parent, F_OK) < 0);
	free(parent);
	free(out);
	rm_rf(root);
	free(root);
}

int main(void)
{
	RUN(keys_are_length_prefixed);
	RUN(store_lookup_and_diagnostics);
	RUN(record_round_trip_and_malformed);
	RUN(sweep_keeps_only_used_objects);
	RUN(objects_are_published_as_hard_links);
	RUN(unusable_folder_gives_no_cache);
	return harness_report();
}
