/* images_module — finds, checks and loads loa-images.so; see
 * images_module.h. */
#include "media/images_module.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/sysutil.h"
#include "base/xalloc.h"
#include "media/images.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <glib.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef LOA_LIBDIR
#define LOA_LIBDIR "/usr/local/lib/loa"
#endif
/* the SHA-1 of the module built with this loa (the Makefile passes it) */
#ifndef LOA_IMAGES_SHA1
#define LOA_IMAGES_SHA1 ""
#endif
#define MODULE_NAME "loa-images.so"

/* Process-wide by nature, like libvips itself: set once under the once. */
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const struct image_module_api *loaded;
static char load_error[PATH_MAX + 640];

/* Opens the first module found; -1 when there is none. */
static int open_module(char *path, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *dir = ".";
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			dir = exe;
		}
	}
	const char *const where[] = { "%s/" MODULE_NAME, "%s/../" MODULE_NAME,
				      "%s/../lib/loa/" MODULE_NAME };
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]) + 1; i++) {
		if (i < sizeof(where) / sizeof(where[0]))
			snprintf(path, size, where[i], dir);
		else
			snprintf(path, size, "%s/%s", LOA_LIBDIR, MODULE_NAME);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			return fd;
	}
	return -1;
}

static void load(void)
{
	char path[PATH_MAX + 64];
	int fd = open_module(path, sizeof(path));
	if (fd < 0) {
		snprintf(load_error, sizeof(load_error), "%s not found", MODULE_NAME);
		return;
	}
	/* exactly the module built with this loa, read and loaded through the
	 * same descriptor, so a file swapped meanwhile is not the one loaded */
	struct buf data = BUF_INIT;
	gchar *sum = NULL; /* plain SHA-1, as sha1sum wrote it at build time */
	if (sys_read_fd(fd, 0, &data) == 0)
		sum = g_compute_checksum_for_data(G_CHECKSUM_SHA1, (const guchar *)data.ptr, data.len);
	buf_release(&data);
	bool same = sum && strcmp(sum, LOA_IMAGES_SHA1) == 0;
	g_free(sum);
	if (!same) {
		snprintf(load_error, sizeof(load_error), "%s is not the module this loa was built with",
			 path);
		close(fd);
		return;
	}
	char byfd[64];
	snprintf(byfd, sizeof(byfd), "/proc/self/fd/%d", fd);
	void *h = dlopen(byfd, RTLD_NOW | RTLD_LOCAL);
	close(fd);
	const struct image_module_api *api = h ? dlsym(h, "image_module_vips") : NULL;
	if (!api) {
		const char *why = dlerror();
		snprintf(load_error, sizeof(load_error), "%s: %.500s", path, why ? why : "no table");
		return;
	}
	if (api->abi != IMAGE_MODULE_ABI || api->facts_size != sizeof(struct image_facts) ||
	    api->diags_size != sizeof(struct diag_list) || api->buf_size != sizeof(struct buf)) {
		snprintf(load_error, sizeof(load_error), "%s: another version", path);
		return; /* left loaded: unloading a library that ran is unsafe */
	}
	loaded = api;
}

const struct image_module_api *image_module_load(struct diag_list *err)
{
	pthread_once(&load_once, load);
	if (!loaded)
		diag_error(err, "", 0, 0, "cannot load the image module (%s)", load_error);
	return loaded;
}

const struct image_module_api *image_module_loaded(void)
{
	return loaded;
}
