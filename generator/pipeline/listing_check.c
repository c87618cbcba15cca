/* listing_check — owns the checks a build starts on a thread once its
 * site is loaded and takes later: a folder compared with the listing the
 * cache keeps of it (the standby's, incr_standby.c; the live site's,
 * guard.c), each a stat of thousands of entries, made on the core the
 * serial Lua stages leave idle. The folder is opened without following a
 * symlink and used only when it is the inode the record names. Every such
 * thread ends before a pool forks (build.c): a thread holding a lock at a
 * fork would leave it held in the child. */
#include "pipeline/build_internal.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

static void *listing_check_thread(void *arg)
{
	struct listing_check *c = arg;
	c->run(c, c->ctx);
	return NULL;
}

bool listing_check_start(struct listing_check *c, struct cache *cache, int at, const char *name,
			 uint64_t id, const char *key,
			 void (*run)(struct listing_check *c, void *ctx), void *ctx)
{
	struct stat st;
	*c = (struct listing_check){ .fd = -1, .listing = CACHE_OBJECT_INIT, .run = run, .ctx = ctx };
	c->fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->fd < 0 || fstat(c->fd, &st) < 0 || (uint64_t)st.st_ino != id ||
	    cache_load_trusting(cache, key, &c->listing) != 1 ||
	    pthread_create(&c->thread, NULL, listing_check_thread, c) != 0) {
		listing_check_release(c);
		return false;
	}
	c->started = true;
	return true;
}

void listing_check_wait(struct listing_check *c)
{
	if (c->started)
		pthread_join(c->thread, NULL);
	c->started = false;
}

void listing_check_release(struct listing_check *c)
{
	listing_check_wait(c);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	cache_object_release(&c->listing);
}
