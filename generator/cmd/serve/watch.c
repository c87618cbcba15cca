/* watch — serve's view of the site's files: an inotify watch on every
 * folder of the work tree (and of the installed themes and plugins),
 * added as folders appear, skipping dot folders, editors' backup files
 * and serve's own folder. */
#include "cmd/serve/serve_internal.h"
#include "base/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_WATCHES 8192
#define MAX_DEPTH 32

#define WATCH_MASK                                                                       \
	(IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM |      \
	 IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)

/* Editors' swap and backup files and every dot folder (.git) are not
 * content. */
static bool ignored_name(const char *name)
{
	size_t n = strlen(name);
	return name[0] == '.' || (n && name[n - 1] == '~');
}

void watch_tree(struct watcher *w, const char *path, int depth)
{
	struct stat st;
	if (depth > MAX_DEPTH || lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return;
	if (st.st_dev == w->skip_dev && st.st_ino == w->skip_ino)
		return;
	if (w->len >= MAX_WATCHES) {
		w->full = true;
		return;
	}
	int wd = inotify_add_watch(w->fd, path, WATCH_MASK | IN_ONLYDIR | IN_DONT_FOLLOW);
	if (wd < 0) {
		w->full = w->full || errno == ENOSPC;
		return;
	}
	ALLOC_GROW(w->items, w->len + 1, w->cap);
	w->items[w->len].wd = wd;
	w->items[w->len].path = xstrdup(path);
	w->len++;
	DIR *d = opendir(path);
	if (!d)
		return;
	const struct dirent *e;
	while ((e = readdir(d))) {
		if (ignored_name(e->d_name))
			continue;
		if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		char *sub = xasprintf("%s/%s", path, e->d_name);
		watch_tree(w, sub, depth + 1);
		free(sub);
	}
	closedir(d);
}

static const char *watch_path(const struct watcher *w, int wd)
{
	for (size_t i = 0; i < w->len; i++)
		if (w->items[i].wd == wd)
			return w->items[i].path;
	return NULL;
}

bool watch_read_events(struct watcher *w)
{
	bool changed = false;
	char chunk[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(w->fd, chunk, sizeof(chunk));
		if (n <= 0)
			break;
		for (char *p = chunk; p < chunk + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)(void *)p;
			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				changed = true;
				continue;
			}
			if (ev->mask & IN_IGNORED) {
				for (size_t i = 0; i < w->len; i++)
					if (w->items[i].wd == ev->wd)
						w->items[i].wd = -1;
				continue;
			}
			if (ev->len && ignored_name(ev->name))
				continue;
			changed = true;
			const char *dir = watch_path(w, ev->wd);
			if (dir && ev->len && (ev->mask & IN_ISDIR) &&
			    (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
				char *sub = xasprintf("%s/%s", dir, ev->name);
				watch_tree(w, sub, 1);
				free(sub);
			}
		}
	}
	return changed;
}

void watch_release(struct watcher *w)
{
	for (size_t i = 0; i < w->len; i++)
		free(w->items[i].path);
	free(w->items);
	if (w->fd >= 0)
		close(w->fd);
}

int watch_open(struct watcher *w, const char *skip_path)
{
	w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	struct stat st;
	if (w->fd >= 0 && stat(skip_path, &st) == 0) {
		w->skip_dev = st.st_dev;
		w->skip_ino = st.st_ino;
	}
	return w->fd;
}
