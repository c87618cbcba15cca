/* Unit tests for build/cache: objects by key, their diagnostics, the last
 * build's record, sweeping, keys that cannot collide by concatenation,
 * damaged and foreign objects, symlinked cache folders, and the fingerprint
 * of a published folder. */
#include "base/buf.h"
#include "base/diag.h"
#include "base/sysutil.h"
#include "base/xalloc.h"
#include "incr/cache.h"
#include "pipeline/outdir.h"
#include "incr/key.h"
#include "source/repo.h"
#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
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

TEST(key_fields_exact_bytes_and_digest)
{
	struct buf k = BUF_INIT;
	key_add_bytes(&k, "abc", 3);
	key_add_str(&k, "");
	key_add_str(&k, NULL);
	key_add_i64(&k, 0);
	key_add_i64(&k, -7);
	key_add_i64(&k, INT64_MIN);
	key_add_i64(&k, INT64_MAX);
	key_add_u64(&k, UINT64_MAX, '{');
	key_add_u64(&k, 10, ':');
	CHECK_STR_EQ(k.ptr, "3:abc0:-;0;-7;-9223372036854775808;9223372036854775807;"
			    "18446744073709551615{10:");
	/* a length of several digits */
	buf_reset(&k);
	char big[1234];
	memset(big, 'x', sizeof(big));
	key_add_bytes(&k, big, sizeof(big));
	CHECK(k.len == 5 + sizeof(big) && memcmp(k.ptr, "1234:x", 6) == 0);
	buf_release(&k);
	/* the digest is SHA-256 cut to 160 bits (FIPS 180-2's "abc" and "") */
	char d[CACHE_KEY_LEN + 1];
	key_digest("abc", 3, d);
	CHECK_STR_EQ(d, "ba7816bf8f01cfea414140de5dae2223b00361a3");
	struct buf empty = BUF_INIT;
	key_finish(&empty, d);
	CHECK_STR_EQ(d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4");
}

/* a key written through a stream, spilled as it grows, is the key of all
 * its bytes at once; a stream never spilled too */
TEST(key_stream_equals_key_finish)
{
	struct key_stream s;
	struct buf all = BUF_INIT;
	key_stream_init(&s);
	char chunk[3000];
	for (int i = 0; i < 1500; i++) { /* about 4.5 MB: several spills */
		memset(chunk, 'a' + i % 26, sizeof(chunk));
		key_add_bytes(&s.buf, chunk, sizeof(chunk) - (size_t)(i % 7));
		key_add_i64(&s.buf, i);
		key_add_bytes(&all, chunk, sizeof(chunk) - (size_t)(i % 7));
		key_add_i64(&all, i);
		key_stream_spill(&s);
	}
	CHECK(s.buf.len < all.len); /* it did spill */
	char ks[CACHE_KEY_LEN + 1], kf[CACHE_KEY_LEN + 1];
	key_stream_finish(&s, ks);
	key_finish(&all, kf);
	CHECK_STR_EQ(ks, kf);
	/* a change in the first megabyte, already spilled, changes the key */
	key_stream_init(&s);
	key_add_str(&s.buf, "x");
	for (int i = 0; i < 1500; i++) {
		memset(chunk, 'a' + i % 26, sizeof(chunk));
		key_add_bytes(&s.buf, chunk, sizeof(chunk) - (size_t)(i % 7));
		key_add_i64(&s.buf, i);
		key_stream_spill(&s);
	}
	key_stream_finish(&s, ks);
	CHECK(strcmp(ks, kf) != 0);
	/* small: nothing spilled */
	key_stream_init(&s);
	key_add_str(&s.buf, "abc");
	key_stream_spill(&s);
	key_stream_finish(&s, ks);
	buf_reset(&all);
	key_add_str(&all, "abc");
	key_finish(&all, kf);
	CHECK_STR_EQ(ks, kf);
	buf_release(&all);
}

/* a cache made ready for writing, as a build does */
static struct cache *open_ready(const char *out)
{
	bool refused = true;
	struct cache *c = cache_open(out, &refused);
	CHECK(c != NULL && !refused);
	CHECK_INT_EQ(cache_prepare(c), 0);
	return c;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

TEST(store_load_and_diagnostics)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	struct cache *c = open_ready(out);
	char key[41], other[41];
	key_of("page one", key);
	key_of("page two", other);
	struct cache_object o;
	CHECK_INT_EQ(cache_load(c, key, &o), 0);
	struct diag_list d = DIAG_LIST_INIT;
	diag_warning(&d, "content/a.md", 3, 1, "image without alt text");
	struct buf enc = BUF_INIT;
	diag_list_encode(&enc, &d);
	CHECK_INT_EQ(cache_store(c, key, "<p>1</p>", 8, enc.ptr, enc.len, "deps", 4), 0);
	CHECK_INT_EQ(cache_store(c, other, "<p>2</p>", 8, NULL, 0, NULL, 0), 0);
	CHECK_INT_EQ(cache_load(c, key, &o), 1);
	CHECK(o.data_len == 8 && memcmp(o.data, "<p>1</p>", 8) == 0);
	CHECK(o.deps_len == 4 && memcmp(o.deps, "deps", 4) == 0);
	struct diag_list back = DIAG_LIST_INIT;
	diag_list_decode(&back, o.diags, o.diags_len);
	CHECK_INT_EQ(back.warnings, 1);
	CHECK_INT_EQ(back.len ? back.items[0].line : 0, 3);
	cache_object_release(&o);
	CHECK_INT_EQ(cache_load(c, other, &o), 1);
	CHECK(o.data_len == 8 && memcmp(o.data, "<p>2</p>", 8) == 0);
	CHECK_INT_EQ(o.diags_len, 0);
	CHECK_INT_EQ(o.deps_len, 0);
	cache_object_release(&o);
	/* storing again replaces the whole object */
	CHECK_INT_EQ(cache_store(c, key, "<p>1</p>", 8, NULL, 0, NULL, 0), 0);
	CHECK_INT_EQ(cache_load(c, key, &o), 1);
	CHECK(o.diags_len == 0 && o.deps_len == 0);
	cache_object_release(&o);
	/* one file per object, below the cache folder */
	char *path = xasprintf("%s/.loa-cache/render/public/objects/%.2s/%s", root, key, key + 2);
	struct stat st;
	CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode));
	free(path);
	/* a key that is not 40 hex digits never names a file */
	CHECK_INT_EQ(cache_load(c, "../../../etc/passwd", &o), 0);
	CHECK(cache_store(c, "../x", "x", 1, NULL, 0, NULL, 0) < 0);
	diag_list_release(&d);
	diag_list_release(&back);
	buf_release(&enc);
	cache_close(c);
	free(out);
	rm_rf(root);
	free(root);
}

/* Descriptors open in this process (/proc/self/fd) */
static int open_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* A new object is made in place (no temporary file), one cut short by a
 * killed build is a miss and replaced by the next store, and the folders
 * the cache keeps open close with it. */
TEST(objects_made_in_place_and_replaced)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	int fds_before = open_fds();
	struct cache *c = open_ready(out);
	char key[41];
	key_of("page in place", key);
	CHECK_INT_EQ(cache_store(c, key, "<p>new</p>", 10, NULL, 0, "deps", 4), 0);
	char *dir = xasprintf("%s/.loa-cache/render/public/objects/%.2s", root, key);
	char *path = xasprintf("%s/%s", dir, key + 2);
	DIR *d = opendir(dir);
	int names = 0, tmps = 0;
	for (struct dirent *e; d && (e = readdir(d));) {
		names += e->d_name[0] != '.';
		tmps += strstr(e->d_name, ".tmp-") != NULL;
	}
	if (d)
		closedir(d);
	CHECK_INT_EQ(names, 1);
	CHECK_INT_EQ(tmps, 0);
	struct stat first;
	CHECK(stat(path, &first) == 0);
	/* a build killed while writing it: the file cut short */
	struct buf raw = BUF_INIT;
	CHECK_INT_EQ(read_text(path, &raw), 0);
	CHECK(truncate(path, (off_t)(raw.len - 1) / 2) == 0);
	struct cache_object o;
	CHECK_INT_EQ(cache_load(c, key, &o), 0);
	/* the next store replaces it whole, through a temporary file */
	CHECK_INT_EQ(cache_store(c, key, "<p>again</p>", 12, NULL, 0, NULL, 0), 0);
	CHECK_INT_EQ(cache_load(c, key, &o), 1);
	CHECK(o.data_len == 12 && memcmp(o.data, "<p>again</p>", 12) == 0);
	CHECK_INT_EQ(o.deps_len, 0);
	cache_object_release(&o);
	struct stat second;
	CHECK(stat(path, &second) == 0 && second.st_ino != first.st_ino);
	/* objects in many folders (the key's first two digits), each loaded
	 * back through the folder kept open */
	char keys[300][41];
	for (int i = 0; i < 300; i++) {
		char name[32];
		snprintf(name, sizeof(name), "page %d", i);
		key_of(name, keys[i]);
		CHECK_INT_EQ(cache_store(c, keys[i], name, strlen(name), NULL, 0, NULL, 0), 0);
	}
	int loaded = 0;
	for (int i = 0; i < 300; i++) {
		char name[32];
		snprintf(name, sizeof(name), "page %d", i);
		loaded += cache_load(c, keys[i], &o) == 1 && o.data_len == strlen(name) &&
			  memcmp(o.data, name, o.data_len) == 0;
		cache_object_release(&o);
	}
	CHECK_INT_EQ(loaded, 300);
	CHECK(open_fds() > fds_before);
	cache_close(c);
	CHECK_INT_EQ(open_fds(), fds_before);
	buf_release(&raw);
	free(path);
	free(dir);
	free(out);
	rm_rf(root);
	free(root);
}

TEST(load_into_reuses_one_object)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	struct cache *c = open_ready(out);
	char k1[41], k2[41], k3[41];
	key_of("long", k1);
	key_of("short", k2);
	key_of("absent", k3);
	char long_page[5000];
	memset(long_page, 'L', sizeof(long_page));
	CHECK_INT_EQ(cache_store(c, k1, long_page, sizeof(long_page), "D", 1, NULL, 0), 0);
	CHECK_INT_EQ(cache_store(c, k2, "<p>s</p>", 8, NULL, 0, "deps", 4), 0);
	struct cache_object o = CACHE_OBJECT_INIT;
	CHECK_INT_EQ(cache_load_into(c, k1, &o), 1);
	CHECK(o.data_len == sizeof(long_page) && memcmp(o.data, long_page, o.data_len) == 0);
	CHECK(o.diags_len == 1 && o.diags[0] == 'D' && o.deps_len == 0);
	/* a shorter object after a longer one: only its own parts */
	CHECK_INT_EQ(cache_load_into(c, k2, &o), 1);
	CHECK(o.data_len == 8 && memcmp(o.data, "<p>s</p>", 8) == 0);
	CHECK(o.diags_len == 0 && o.deps_len == 4 && memcmp(o.deps, "deps", 4) == 0);
	/* a miss leaves no parts of the last object */
	CHECK_INT_EQ(cache_load_into(c, k3, &o), 0);
	CHECK(o.data == NULL && o.data_len == 0 && o.diags_len == 0 && o.deps_len == 0);
	/* a damaged object after a sound one is still a miss */
	char *path = xasprintf("%s/.loa-cache/render/public/objects/%.2s/%s", root, k1, k1 + 2);
	CHECK_INT_EQ(cache_load_into(c, k2, &o), 1);
	FILE *f = fopen(path, "r+");
	CHECK(f != NULL);
	if (f) {
		fseek(f, 200, SEEK_SET);
		fputc('M', f);
		fclose(f);
	}
	CHECK_INT_EQ(cache_load_into(c, k1, &o), 0);
	CHECK(o.data == NULL && o.data_len == 0);
	cache_object_release(&o);
	free(path);
	cache_close(c);
	free(out);
	rm_rf(root);
	free(root);
}

TEST(damaged_or_foreign_objects_are_misses)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	struct cache *c = open_ready(out);
	char key[41], other[41];
	key_of("page", key);
	key_of("other page", other);
	CHECK_INT_EQ(cache_store(c, key, "<p>good</p>", 11, NULL, 0, NULL, 0), 0);
	CHECK_INT_EQ(cache_store(c, other, "<p>else</p>", 11, NULL, 0, NULL, 0), 0);
	char *path = xasprintf("%s/.loa-cache/render/public/objects/%.2s/%s", root, key, key + 2);
	char *opath =
		xasprintf("%s/.loa-cache/render/public/objects/%.2s/%s", root, other, other + 2);
	struct buf raw = BUF_INIT;
	CHECK_INT_EQ(read_text(path, &raw), 0);
	struct cache_object o;
	/* other HTML in its place */
	write_file(path, "<html>defaced</html>");
	CHECK_INT_EQ(cache_load(c, key, &o), 0);
	/* the same length, one byte changed */
	char *bad = xstrdup(raw.ptr);
	char *g = strstr(bad, "good");
	if (g)
		g[0] = 'G';
	write_file(path, bad);
	CHECK_INT_EQ(cache_load(c, key, &o), 0);
	/* cut short */
	bad[strlen(bad) - 3] = '\0';
	write_file(path, bad);
	CHECK_INT_EQ(cache_load(c, key, &o), 0);
	free(bad);
	/* another key's sound object under this key's name */
	struct buf foreign = BUF_INIT;
	CHECK_INT_EQ(read_text(opath, &foreign), 0);
	write_file(path, foreign.ptr);
	CHECK_INT_EQ(cache_load(c, key, &o), 0);
	/* a symlink to a sound object is not followed */
	unlink(path);
	CHECK_INT_EQ(symlink(opath, path), 0);
	CHECK_INT_EQ(cache_load(c, key, &o), 0);
	/* a sound object of the previous format (its SHA-1 checksum) */
	{
		struct buf o2 = BUF_INIT;
		char sum[41];
		buf_addf(&o2, "loa-object-2 %s 11 0 0\n<p>good</p>", key);
		repo_hash_bytes(o2.ptr, o2.len, sum);
		buf_add(&o2, sum, 40);
		unlink(path); /* the symlink above */
		write_file(path, o2.ptr);
		CHECK_INT_EQ(cache_load(c, key, &o), 0);
		/* the same bytes in the current format, summed as the cache
		 * sums, are sound: only the format made it a miss */
		buf_reset(&o2);
		buf_addf(&o2, "loa-object-3 %s 11 0 0\n<p>good</p>", key);
		key_digest(o2.ptr, o2.len, sum);
		buf_add(&o2, sum, 40);
		write_file(path, o2.ptr);
		CHECK_INT_EQ(cache_load(c, key, &o), 1);
		cache_object_release(&o);
		buf_release(&o2);
	}
	/* the original bytes are sound again */
	unlink(path);
	write_file(path, raw.ptr);
	CHECK_INT_EQ(cache_load(c, key, &o), 1);
	cache_object_release(&o);
	buf_release(&raw);
	buf_release(&foreign);
	free(path);
	free(opath);
	cache_close(c);
	free(out);
	rm_rf(root);
	free(root);
}

TEST(record_round_trip_and_malformed)
{
	char *root = make_root();
	char *out = xasprintf("%s/site/", root); /* a trailing slash is the same folder */
	struct cache *c = open_ready(out);
	struct cache_record r = { .valid_from = 100, .valid_until = 200, .status = 1, .pages = 7,
				  .files = 3, .out_id = 42, .next_change = 150,
				  .next_iso = "2026-12-01T00:00:00+07:00",
				  .next_where = "content/news/a b.md", .next_why = "two\nlines",
				  .lang = "vi" };
	key_of("build", r.key);
	key_of("published", r.published);
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
	CHECK_STR_EQ(back.published, r.published);
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
	CHECK_STR_EQ(back.published, ""); /* none recorded */
	CHECK_INT_EQ(diags.len, 0);
	/* a --worktree build's record has no key, and keeps its fingerprint
	 * and standby for the next build */
	struct cache_record w = { .valid_from = 1, .out_id = 9, .standby_id = 8, .lang = "vi" };
	key_of("published", w.published);
	key_of("standby", w.standby);
	CHECK_INT_EQ(cache_record_write(c, &w, "", 0), 0);
	CHECK_INT_EQ(cache_record_read(c, &back, &diags), 0);
	CHECK_STR_EQ(back.key, "");
	CHECK_STR_EQ(back.published, w.published);
	CHECK_STR_EQ(back.standby, w.standby);
	CHECK_INT_EQ(back.standby_id, 8);
	/* a key that is neither a key nor empty is refused */
	snprintf(w.key, sizeof(w.key), "not-a-key");
	CHECK(cache_record_write(c, &w, "", 0) < 0);
	buf_reset(&diags);
	CHECK_INT_EQ(cache_record_write(c, &r, "DIAGS", 5), 0);
	CHECK_INT_EQ(cache_record_read(c, &back, &diags), 0);
	CHECK_INT_EQ(diags.len, 5);
	CHECK(diags.len == 5 && memcmp(diags.ptr, "DIAGS", 5) == 0);
	/* a damaged record is no record */
	char *rec = xasprintf("%s/.loa-cache/render/site/last-build", root);
	FILE *f = fopen(rec, "w");
	if (f) {
		fputs("loa-cache-2 nothex 1 2 0 1 1 0 0 -\n\n\n\n\n", f);
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
	struct cache *c = open_ready(out);
	char k1[41], k2[41], k3[41];
	key_of("1", k1);
	key_of("2", k2);
	key_of("3", k3);
	cache_store(c, k1, "a", 1, "D", 1, "V", 1);
	cache_store(c, k2, "b", 1, "D", 1, NULL, 0);
	cache_store(c, k3, "c", 1, NULL, 0, NULL, 0);
	char *keep[2] = { k1, k3 };
	if (strcmp(keep[0], keep[1]) > 0) {
		keep[0] = k3;
		keep[1] = k1;
	}
	char *stray = xasprintf("%s/.loa-cache/render/public/last-build.tmp-123", root);
	write_file(stray, "");
	/* a name the cache never makes stays, even among its objects */
	char *foreign = xasprintf("%s/.loa-cache/render/public/objects/%.2s/notes.txt", root, k2);
	write_file(foreign, "mine");
	cache_sweep(c, keep, 2);
	CHECK(access(stray, F_OK) < 0); /* a killed build's half record goes too */
	CHECK(access(foreign, F_OK) == 0);
	free(stray);
	free(foreign);
	struct cache_object o;
	CHECK_INT_EQ(cache_load(c, k1, &o), 1);
	CHECK_INT_EQ(o.diags_len, 1); /* kept whole */
	CHECK_INT_EQ(o.deps_len, 1);
	cache_object_release(&o);
	CHECK_INT_EQ(cache_load(c, k2, &o), 0);
	CHECK_INT_EQ(cache_load(c, k3, &o), 1);
	cache_object_release(&o);
	cache_sweep(c, NULL, 0);
	CHECK_INT_EQ(cache_load(c, k1, &o), 0);
	cache_close(c);
	free(out);
	rm_rf(root);
	free(root);
}

/* A cache folder that is a symlink is refused; the sweep of a cache whose
 * objects folder was replaced by a symlink deletes nothing at its target. */
TEST(symlinked_folders_are_never_followed)
{
	char *root = make_root();
	char *elsewhere = xasprintf("%s/elsewhere", root);
	CHECK_INT_EQ(mkdir(elsewhere, 0755), 0);
	char key[41];
	key_of("k", key);
	/* a file named like an object, in the folder the symlinks point to */
	char *sub = xasprintf("%s/%.2s", elsewhere, key);
	CHECK_INT_EQ(mkdir(sub, 0755), 0);
	char *victim = xasprintf("%s/%s", sub, key + 2);
	write_file(victim, "precious");
	char *out = xasprintf("%s/public", root);
	char *cdir = xasprintf("%s/.loa-cache", root);
	CHECK_INT_EQ(symlink(elsewhere, cdir), 0);
	bool refused = false;
	CHECK(cache_open(out, &refused) == NULL);
	CHECK(refused);
	unlink(cdir);
	/* render/NAME itself a symlink */
	char *render = xasprintf("%s/.loa-cache/render", root);
	CHECK_INT_EQ(mkdir(cdir, 0755), 0);
	CHECK_INT_EQ(mkdir(render, 0755), 0);
	char *named = xasprintf("%s/public", render);
	CHECK_INT_EQ(symlink(elsewhere, named), 0);
	refused = false;
	CHECK(cache_open(out, &refused) == NULL);
	CHECK(refused);
	unlink(named);
	/* objects/ a symlink: nothing is read or swept through it, whether
	 * it replaced the folder after the cache was opened (the cache keeps
	 * objects/ open) or was there before */
	struct cache *c = open_ready(out);
	char *objects = xasprintf("%s/objects", named);
	CHECK_INT_EQ(rmdir(objects), 0);
	CHECK_INT_EQ(symlink(elsewhere, objects), 0);
	for (int round = 0; round < 2; round++) {
		if (round == 1) {
			cache_close(c);
			c = open_ready(out);
		}
		struct cache_object o;
		CHECK_INT_EQ(cache_load(c, key, &o), 0);
		cache_sweep(c, NULL, 0);
		CHECK(access(victim, F_OK) == 0);
		CHECK(cache_store(c, key, "x", 1, NULL, 0, NULL, 0) < 0);
		struct buf got = BUF_INIT;
		CHECK_INT_EQ(read_text(victim, &got), 0);
		CHECK_STR_EQ(got.ptr, "precious");
		buf_release(&got);
	}
	cache_close(c);
	free(objects);
	free(named);
	free(render);
	free(cdir);
	free(out);
	free(victim);
	free(sub);
	free(elsewhere);
	rm_rf(root);
	free(root);
}

/* The fingerprint of a published folder changes with any added, removed,
 * edited or touched file, and only then. */
TEST(fingerprint_sees_every_change)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	struct diag_list d = DIAG_LIST_INIT;
	struct outdir *od = NULL;
	CHECK_INT_EQ(outdir_begin(&od, out, &d), 0);
	CHECK_INT_EQ(outdir_write(od, "index.html", "<p>home</p>", 11, &d), 0);
	CHECK_INT_EQ(outdir_write(od, "tin-tuc/a/index.html", "<p>a</p>", 8, &d), 0);
	char made[41], live[41], again[41];
	CHECK_INT_EQ(outdir_fingerprint(od, made, NULL), 0);
	CHECK_INT_EQ(outdir_commit(od, &d), 0);
	CHECK_INT_EQ(outdir_fingerprint_path(out, live), 0);
	CHECK_STR_EQ(made, live); /* the swap changes nothing inside */
	CHECK_INT_EQ(outdir_fingerprint_path(out, again), 0);
	CHECK_STR_EQ(live, again);
	char *page = xasprintf("%s/tin-tuc/a/index.html", out);
	/* file times tick with the kernel's clock (a few ms): an edit a
	 * person makes comes later than that */
	usleep(50 * 1000);
	write_file(page, "<p>b</p>"); /* same length */
	CHECK_INT_EQ(outdir_fingerprint_path(out, again), 0);
	CHECK(strcmp(live, again) != 0);
	char *stray = xasprintf("%s/stray.html", out);
	CHECK_INT_EQ(outdir_fingerprint_path(out, live), 0);
	write_file(stray, "x");
	CHECK_INT_EQ(outdir_fingerprint_path(out, again), 0);
	CHECK(strcmp(live, again) != 0);
	unlink(stray);
	unlink(page);
	CHECK_INT_EQ(outdir_fingerprint_path(out, live), 0);
	CHECK(strcmp(live, again) != 0);
	/* a symlink in place of the folder is no folder to fingerprint */
	char *moved = xasprintf("%s/moved", root);
	CHECK_INT_EQ(rename(out, moved), 0);
	CHECK_INT_EQ(symlink(moved, out), 0);
	CHECK(outdir_fingerprint_path(out, again) < 0);
	free(moved);
	free(stray);
	free(page);
	diag_list_release(&d);
	free(out);
	rm_rf(root);
	free(root);
}

/* Publishes a home page and one article into out; its listing in l. */
static void publish_listed(const char *out, struct buf *l)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct outdir *od = NULL;
	char made[41], hashed[41];
	buf_reset(l);
	CHECK_INT_EQ(outdir_begin(&od, out, &d), 0);
	CHECK_INT_EQ(outdir_write(od, "index.html", "<p>home</p>", 11, &d), 0);
	CHECK_INT_EQ(outdir_write(od, "tin-tuc/a/index.html", "<p>a</p>", 8, &d), 0);
	CHECK_INT_EQ(outdir_fingerprint(od, made, l), 0);
	repo_hash_bytes(l->ptr, l->len, hashed);
	CHECK_STR_EQ(made, hashed); /* the listing is what the fingerprint hashes */
	CHECK_INT_EQ(outdir_commit(od, &d), 0);
	diag_list_release(&d);
	/* file times tick with the kernel's clock: a person's edit comes later */
	usleep(50 * 1000);
}

/* The listing behind a fingerprint, checked without a walk, sees what the
 * fingerprint sees: a stray name deep in the tree or at the top, a file
 * edited or its mode changed. */
TEST(listing_holds_until_anything_changes)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	char *page = xasprintf("%s/tin-tuc/a/index.html", out);
	char *deep = xasprintf("%s/tin-tuc/a/stray.html", out);
	char *top = xasprintf("%s/stray.html", out);
	char *none = xasprintf("%s/none", root);
	struct buf l = BUF_INIT;
	publish_listed(out, &l);
	CHECK(outdir_listing_holds(out, l.ptr, l.len));
	CHECK(outdir_listing_holds(out, l.ptr, l.len)); /* checking changes nothing */
	CHECK(!outdir_listing_holds(out, l.ptr, l.len - 1)); /* a cut line */
	CHECK(!outdir_listing_holds(none, l.ptr, l.len));
	write_file(deep, "x");
	CHECK(!outdir_listing_holds(out, l.ptr, l.len));
	unlink(deep);
	CHECK(!outdir_listing_holds(out, l.ptr, l.len)); /* the folder's times moved on */
	publish_listed(out, &l);
	write_file(top, "x");
	CHECK(!outdir_listing_holds(out, l.ptr, l.len));
	publish_listed(out, &l);
	write_file(page, "<p>b</p>"); /* same length */
	CHECK(!outdir_listing_holds(out, l.ptr, l.len));
	publish_listed(out, &l);
	CHECK_INT_EQ(chmod(page, 0600), 0);
	CHECK(!outdir_listing_holds(out, l.ptr, l.len));
	free(none);
	free(top);
	free(deep);
	free(page);
	buf_release(&l);
	free(out);
	rm_rf(root);
	free(root);
}

/* Publishes eight articles in one folder (enough for the check to open
 * it) and one page five folders deep; its listing in l. */
static void publish_many(const char *out, struct buf *l)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct outdir *od = NULL;
	char made[41];
	buf_reset(l);
	CHECK_INT_EQ(outdir_begin(&od, out, &d), 0);
	CHECK_INT_EQ(outdir_write(od, "index.html", "<p>home</p>", 11, &d), 0);
	for (int i = 0; i < 8; i++) {
		char name[64];
		snprintf(name, sizeof(name), "tin-tuc/bai-%d/index.html", i);
		CHECK_INT_EQ(outdir_write(od, name, "<p>a</p>", 8, &d), 0);
	}
	CHECK_INT_EQ(outdir_write(od, "a/b/c/d/e/index.html", "<p>e</p>", 8, &d), 0);
	CHECK_INT_EQ(outdir_write(od, "z.html", "<p>z</p>", 8, &d), 0);
	CHECK_INT_EQ(outdir_fingerprint(od, made, l), 0);
	CHECK_INT_EQ(outdir_commit(od, &d), 0);
	diag_list_release(&d);
	usleep(50 * 1000);
}

/* The listing's lines in another order (the first and last swapped). */
static void swapped_lines(const struct buf *l, struct buf *out)
{
	const char *first_end = memchr(l->ptr, '\n', l->len);
	const char *last = l->ptr + l->len - 1;
	while (last > l->ptr && last[-1] != '\n')
		last--;
	buf_reset(out);
	if (!first_end)
		return;
	buf_add(out, last, (size_t)(l->ptr + l->len - last));
	buf_add(out, first_end + 1, (size_t)(last - (first_end + 1)));
	buf_add(out, l->ptr, (size_t)(first_end + 1 - l->ptr));
}

/* Entries are stat'ed relative to folders the check opens as it goes:
 * an edit in place through an opened folder, deep below folders it never
 * opened, a folder swapped for a symlink to its copy, and a listing out
 * of order are all seen. */
TEST(listing_checked_through_open_folders)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	struct buf l = BUF_INIT, other = BUF_INIT;
	publish_many(out, &l);
	CHECK(outdir_listing_holds(out, l.ptr, l.len));
	char *last = xasprintf("%s/tin-tuc/bai-7/index.html", out);
	write_file(last, "<p>b</p>"); /* same length, in place */
	CHECK(!outdir_listing_holds(out, l.ptr, l.len));
	publish_many(out, &l);
	CHECK(outdir_listing_holds(out, l.ptr, l.len));
	char *deep = xasprintf("%s/a/b/c/d/e/index.html", out);
	write_file(deep, "<p>f</p>");
	CHECK(!outdir_listing_holds(out, l.ptr, l.len));
	publish_many(out, &l);
	/* tin-tuc replaced by a symlink to a copy with the same times */
	char *dir = xasprintf("%s/tin-tuc", out);
	char *copy = xasprintf("%s/copy", root);
	char *cmd = xasprintf("cp -a '%s' '%s' && rm -rf '%s' && ln -s '%s' '%s'", dir, copy, dir,
			      copy, dir);
	CHECK_INT_EQ(system(cmd), 0);
	CHECK(!outdir_listing_holds(out, l.ptr, l.len));
	publish_many(out, &l);
	swapped_lines(&l, &other);
	CHECK_INT_EQ(other.len, l.len);
	CHECK(!outdir_listing_holds(out, other.ptr, other.len));
	CHECK(outdir_listing_holds(out, l.ptr, l.len));
	free(cmd);
	free(copy);
	free(dir);
	free(deep);
	free(last);
	buf_release(&other);
	buf_release(&l);
	free(out);
	rm_rf(root);
	free(root);
}

TEST(unusable_folder_gives_no_cache)
{
	bool refused = true;
	CHECK(cache_open("/proc/loa-no-such/public", &refused) == NULL);
	CHECK(!refused);
	/* opening makes nothing; cache_prepare does */
	char *r0 = make_root();
	char *o0 = xasprintf("%s/public", r0);
	struct cache *c0 = cache_open(o0, &refused);
	char *cdir = xasprintf("%s/.loa-cache", r0);
	CHECK(c0 != NULL && access(cdir, F_OK) < 0);
	cache_close(c0);
	free(cdir);
	free(o0);
	rm_rf(r0);
	free(r0);
	CHECK(cache_open("..", &refused) == NULL);
	/* the output's parent is the user's to make */
	char *root = make_root();
	char *out = xasprintf("%s/missing/public", root);
	CHECK(cache_open(out, &refused) == NULL);
	char *parent = xasprintf("%s/missing", root);
	CHECK(access(parent, F_OK) < 0);
	free(parent);
	free(out);
	rm_rf(root);
	free(root);
}

/* A memo serves its hash only to the identity it was written with, and
 * only when its file is exactly what cache_memo_write made. */
TEST(memo_only_for_its_identity)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	bool refused = true;
	struct cache *none = cache_open(out, &refused);
	char hash[CACHE_KEY_LEN + 1], k1[CACHE_KEY_LEN + 1];
	key_of("program", k1);
	/* no cache folder yet: a memo never makes one */
	CHECK(cache_memo_write(none, "program", "1-2-3", k1) < 0);
	cache_close(none);
	char *cdir = xasprintf("%s/.loa-cache", root);
	CHECK(access(cdir, F_OK) < 0);
	struct cache *c = open_ready(out);
	CHECK_INT_EQ(cache_memo_read(c, "program", "1-2-3", hash), 0);
	CHECK_INT_EQ(cache_memo_write(c, "program", "1-2-3", k1), 0);
	CHECK_INT_EQ(cache_memo_read(c, "program", "1-2-3", hash), 1);
	CHECK_STR_EQ(hash, k1);
	/* another identity, even one that starts the same, is a miss */
	CHECK_INT_EQ(cache_memo_read(c, "program", "1-2-4", hash), 0);
	CHECK_INT_EQ(cache_memo_read(c, "program", "1-2-3x", hash), 0);
	CHECK_INT_EQ(cache_memo_read(c, "other", "1-2-3", hash), 0);
	/* names and ids that could escape the folder or the line are refused */
	CHECK(cache_memo_write(c, "../x", "1", k1) < 0);
	CHECK(cache_memo_write(c, "program", "a b", k1) < 0);
	CHECK(cache_memo_write(c, "program", "a\nb", k1) < 0);
	CHECK(cache_memo_write(c, "program", "1", "not a key") < 0);
	/* a memo edited by hand (another hash, same identity) is a miss */
	char *memo = xasprintf("%s/.loa-cache/render/public/memo-program", root);
	struct buf raw = BUF_INIT;
	CHECK_INT_EQ(sys_read_file(memo, 0, false, &raw), 0);
	char *edited = xstrdup(raw.ptr ? raw.ptr : "");
	char *sp = strrchr(edited, ' ');
	if (sp)
		sp[1] = sp[1] == '0' ? '1' : '0';
	write_file(memo, edited);
	CHECK_INT_EQ(cache_memo_read(c, "program", "1-2-3", hash), 0);
	/* truncated */
	edited[20] = '\0';
	write_file(memo, edited);
	CHECK_INT_EQ(cache_memo_read(c, "program", "1-2-3", hash), 0);
	/* a symlink to a sound memo is not followed */
	char *elsewhere = xasprintf("%s/sound", root);
	write_file(elsewhere, raw.ptr ? raw.ptr : "");
	unlink(memo);
	CHECK_INT_EQ(symlink(elsewhere, memo), 0);
	CHECK_INT_EQ(cache_memo_read(c, "program", "1-2-3", hash), 0);
	/* a half-written memo of a killed build is swept, the memo stays */
	unlink(memo);
	CHECK_INT_EQ(cache_memo_write(c, "program", "1-2-3", k1), 0);
	char *tmp = xasprintf("%s.tmp-123", memo);
	write_file(tmp, "half");
	cache_sweep(c, NULL, 0);
	CHECK(access(tmp, F_OK) < 0);
	CHECK_INT_EQ(cache_memo_read(c, "program", "1-2-3", hash), 1);
	free(tmp);
	free(elsewhere);
	free(edited);
	buf_release(&raw);
	free(memo);
	free(cdir);
	cache_close(c);
	free(out);
	rm_rf(root);
	free(root);
}

/* An object's identity (cache_ident) is the file's: the same as the
 * load saw until the object is stored again or touched; none for a
 * missing object or a key that names no file. */
TEST(ident_is_the_object_file)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	struct cache *c = open_ready(out);
	char key[41], other[41], id[CACHE_IDENT_LEN], again[CACHE_IDENT_LEN];
	key_of("ident one", key);
	key_of("ident two", other);
	CHECK_INT_EQ(cache_ident(c, key, id), 0);
	CHECK_INT_EQ(cache_ident(c, "../../../etc/passwd", id), 0);
	CHECK_INT_EQ(cache_store(c, key, "<p>1</p>", 8, NULL, 0, NULL, 0), 0);
	struct cache_object o;
	CHECK_INT_EQ(cache_load(c, key, &o), 1);
	CHECK(o.ident[0] != '\0');
	CHECK_INT_EQ(cache_ident(c, key, id), 1);
	CHECK_STR_EQ(id, o.ident);
	cache_object_release(&o);
	/* the same bytes stored again: another file */
	CHECK_INT_EQ(cache_store(c, key, "<p>1</p>", 8, NULL, 0, NULL, 0), 0);
	CHECK_INT_EQ(cache_ident(c, key, again), 1);
	CHECK(strcmp(id, again) != 0);
	/* touched: its times differ */
	char *path = xasprintf("%s/.loa-cache/render/public/objects/%.2s/%s", root, key, key + 2);
	CHECK_INT_EQ(cache_ident(c, key, id), 1);
	usleep(20000);
	CHECK_INT_EQ(utimensat(AT_FDCWD, path, NULL, 0), 0);
	CHECK_INT_EQ(cache_ident(c, key, again), 1);
	CHECK(strcmp(id, again) != 0);
	/* a failed load leaves no identity */
	CHECK_INT_EQ(cache_load(c, other, &o), 0);
	CHECK(o.ident[0] == '\0');
	free(path);
	cache_close(c);
	free(out);
	rm_rf(root);
	free(root);
}

/* cache_load_deps: the diagnostics, deps and identity of an object
 * just stored, as cache_load gives them, without its data; a file that is
 * not an object of that key (a wrong header, lengths that do not add up,
 * another key's object) is a miss. */
TEST(load_written_reads_header_diags_deps)
{
	char *root = make_root();
	char *out = xasprintf("%s/public", root);
	struct cache *c = open_ready(out);
	char key[41], other[41], empty[41];
	key_of("written one", key);
	key_of("written two", other);
	key_of("written three", empty);
	struct diag_list d = DIAG_LIST_INIT;
	diag_warning(&d, "content/b.md", 7, 1, "image without alt text");
	struct buf enc = BUF_INIT;
	diag_list_encode(&enc, &d);
	struct buf big = BUF_INIT;
	for (int i = 0; i < 5000; i++)
		buf_puts(&big, "<p>một đoạn văn</p>\n");
	CHECK_INT_EQ(cache_store(c, key, big.ptr, big.len, enc.ptr, enc.len, "content/a.md\n=x\n", 16), 0);
	CHECK_INT_EQ(cache_store(c, empty, "<p>2</p>", 8, NULL, 0, NULL, 0), 0);
	struct cache_object full = CACHE_OBJECT_INIT, o = CACHE_OBJECT_INIT;
	CHECK_INT_EQ(cache_load_into(c, key, &full), 1);
	CHECK_INT_EQ(cache_load_deps(c, key, &o), 1);
	CHECK(o.data == NULL && o.data_len == 0);
	CHECK(o.diags_len == full.diags_len && memcmp(o.diags, full.diags, o.diags_len) == 0);
	CHECK(o.deps_len == 16 && memcmp(o.deps, "content/a.md\n=x\n", 16) == 0);
	CHECK_STR_EQ(o.ident, full.ident);
	char id[CACHE_IDENT_LEN];
	CHECK_INT_EQ(cache_ident(c, key, id), 1);
	CHECK_STR_EQ(o.ident, id);
	/* no diagnostics, no deps; then the same object reused for another */
	CHECK_INT_EQ(cache_load_deps(c, empty, &o), 1);
	CHECK(o.diags_len == 0 && o.deps_len == 0 && o.ident[0] != '\0');
	/* none stored under that key */
	CHECK_INT_EQ(cache_load_deps(c, other, &o), 0);
	CHECK(o.ident[0] == '\0' && o.deps_len == 0);
	/* another key's object copied to its name: the header names the other key */
	char *from = xasprintf("%s/.loa-cache/render/public/objects/%.2s/%s", root, key, key + 2);
	char *dir = xasprintf("%s/.loa-cache/render/public/objects/%.2s", root, other);
	char *to = xasprintf("%s/%s", dir, other + 2);
	mkdir(dir, 0755);
	struct buf bytes = BUF_INIT;
	CHECK_INT_EQ(read_text(from, &bytes), 0);
	FILE *f = fopen(to, "w");
	if (f) {
		fwrite(bytes.ptr, 1, bytes.len, f);
		fclose(f);
	}
	CHECK_INT_EQ(cache_load_deps(c, other, &o), 0);
	/* a truncated object: its lengths no longer add up */
	CHECK_INT_EQ(truncate(from, (off_t)(bytes.len - 100)), 0);
	CHECK_INT_EQ(cache_load_deps(c, key, &o), 0);
	CHECK(o.ident[0] == '\0');
	cache_object_release(&o);
	cache_object_release(&full);
	buf_release(&bytes);
	buf_release(&big);
	buf_release(&enc);
	diag_list_release(&d);
	free(from);
	free(dir);
	free(to);
	cache_close(c);
	free(out);
	rm_rf(root);
	free(root);
}

int main(void)
{
	RUN(keys_are_length_prefixed);
	RUN(key_fields_exact_bytes_and_digest);
	RUN(key_stream_equals_key_finish);
	RUN(store_load_and_diagnostics);
	RUN(objects_made_in_place_and_replaced);
	RUN(load_into_reuses_one_object);
	RUN(damaged_or_foreign_objects_are_misses);
	RUN(record_round_trip_and_malformed);
	RUN(sweep_keeps_only_used_objects);
	RUN(symlinked_folders_are_never_followed);
	RUN(fingerprint_sees_every_change);
	RUN(listing_holds_until_anything_changes);
	RUN(listing_checked_through_open_folders);
	RUN(unusable_folder_gives_no_cache);
	RUN(memo_only_for_its_identity);
	RUN(ident_is_the_object_file);
	RUN(load_written_reads_header_diags_deps);
	return harness_report();
}
