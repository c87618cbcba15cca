/* cache_trust — owns the trusted objects of the cache (see cache.h): the
 * identity of an object's file (device, inode, size, modification and
 * change times), the file "trusted" that records the identities of the
 * objects verified or written, and the loads that skip the digest of an
 * object whose file still has the identity recorded
 * (cache_load_trusting, cache_map_trusting). */
#include "incr/cache.h"
#include "incr/cache_internal.h"
#include "base/buf.h"
#include "base/str.h"
#include "base/sysutil.h"
#include "base/xalloc.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "trusted" holds "loa-trust-1\n", one "KEY IDENT\n" line per object, and
 * the key_digest of everything before it. */
#define TRUST_FORMAT "loa-trust-1\n"

void cache_ident_of(const struct stat *st, char ident[CACHE_IDENT_LEN])
{
	snprintf(ident, CACHE_IDENT_LEN, "%llu:%llu:%lld:%lld.%09ld:%lld.%09ld",
		 (unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
		 (long long)st->st_size, (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
		 (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
}

static void trust_read(struct cache *c)
{
	if (c->trust_read)
		return;
	c->trust_read = true;
	if (c->dir_fd < 0)
		return;
	int fd = openat(c->dir_fd, "trusted", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	struct stat st;
	struct buf data = BUF_INIT;
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < 65536 &&
		  sys_read_fd(fd, 65536, &data) == 0;
	close(fd);
	size_t head = sizeof(TRUST_FORMAT) - 1;
	char sum[CACHE_KEY_LEN + 1];
	if (ok && data.len >= head + CACHE_KEY_LEN &&
	    memcmp(data.ptr, TRUST_FORMAT, head) == 0) {
		size_t body = data.len - CACHE_KEY_LEN;
		key_digest(data.ptr, body, sum);
		ok = memcmp(sum, data.ptr + body, CACHE_KEY_LEN) == 0;
		for (const char *p = data.ptr + head, *end = data.ptr + body; ok && p < end;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t len = nl ? (size_t)(nl - p) : 0;
			if (!nl || len <= CACHE_KEY_LEN + 1 || p[CACHE_KEY_LEN] != ' ' ||
			    len - CACHE_KEY_LEN - 1 >= CACHE_IDENT_LEN) {
				ok = false;
				break;
			}
			struct trust_entry e;
			memcpy(e.key, p, CACHE_KEY_LEN);
			e.key[CACHE_KEY_LEN] = '\0';
			memcpy(e.ident, p + CACHE_KEY_LEN + 1, len - CACHE_KEY_LEN - 1);
			e.ident[len - CACHE_KEY_LEN - 1] = '\0';
			ok = cache_key_valid(e.key);
			if (ok) {
				ALLOC_GROW(c->trust, c->ntrust + 1, c->trust_cap);
				c->trust[c->ntrust++] = e;
			}
			p = nl + 1;
		}
	} else {
		ok = false;
	}
	if (!ok)
		c->ntrust = 0; /* a damaged list trusts nothing */
	buf_release(&data);
}

static struct trust_entry *trust_find(struct cache *c, const char *key)
{
	trust_read(c);
	for (size_t i = 0; i < c->ntrust; i++)
		if (strcmp(c->trust[i].key, key) == 0)
			return &c->trust[i];
	return NULL;
}

static void trust_set(struct cache *c, const char *key, const char *ident)
{
	struct trust_entry *e = trust_find(c, key);
	if (!e) {
		ALLOC_GROW(c->trust, c->ntrust + 1, c->trust_cap);
		e = &c->trust[c->ntrust++];
		snprintf(e->key, sizeof(e->key), "%s", key);
	}
	snprintf(e->ident, sizeof(e->ident), "%s", ident);
}

/* Whether the object file open as fd (st) is the one key's entry names. */
static bool trusted_file(struct cache *c, const char *key, const struct stat *st)
{
	char ident[CACHE_IDENT_LEN];
	const struct trust_entry *e = trust_find(c, key);
	if (!e)
		return false;
	cache_ident_of(st, ident);
	return strcmp(ident, e->ident) == 0;
}

bool cache_trust_holds(struct cache *trust, const char *key, const struct stat *st)
{
	if (!trust)
		return false;
	bool trusted = trusted_file(trust, key, st);
	if (!trusted)
		trust->verified++;
	return trusted;
}

void cache_trust_sound(struct cache *trust, const char *key, const struct stat *st,
		       bool trusted)
{
	if (!trust)
		return;
	if (trusted) {
		trust->trusted++;
	} else {
		char ident[CACHE_IDENT_LEN];
		cache_ident_of(st, ident);
		trust_set(trust, key, ident);
	}
}

int cache_load_trusting(struct cache *c, const char *key, struct cache_object *o)
{
	*o = (struct cache_object)CACHE_OBJECT_INIT;
	int found = cache_read_object(c, c, key, o);
	if (!found)
		cache_object_release(o);
	return found;
}

int cache_map_trusting(struct cache *c, const char *key, struct cache_map *m)
{
	return cache_map_object(c, c, key, m);
}

int cache_store_trusted(struct cache *c, const char *key, const struct iovec *parts, size_t n)
{
	if (cache_store_parts(c, key, parts, n) < 0)
		return -1;
	char ident[CACHE_IDENT_LEN];
	if (cache_ident(c, key, ident) == 1)
		trust_set(c, key, ident);
	return 0;
}

void cache_trust_save(struct cache *c, char *const *keep, size_t n)
{
	if (!c || c->dir_fd < 0 || !c->trust_read)
		return;
	struct buf b = BUF_INIT;
	buf_puts(&b, TRUST_FORMAT);
	for (size_t i = 0; i < c->ntrust; i++) {
		const char *k = c->trust[i].key;
		if (n && bsearch(&k, keep, n, sizeof(*keep), str_ptr_cmp))
			buf_addf(&b, "%s %s\n", k, c->trust[i].ident);
	}
	char sum[CACHE_KEY_LEN + 1];
	key_digest(b.ptr, b.len, sum);
	buf_add(&b, sum, CACHE_KEY_LEN);
	(void)cache_write_atomic(c->dir_fd, "trusted", b.ptr, b.len);
	buf_release(&b);
}

void cache_trust_counts(const struct cache *c, size_t *verified, size_t *trusted)
{
	*verified = c ? c->verified : 0;
	*trusted = c ? c->trusted : 0;
}
