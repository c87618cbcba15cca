/* sitefiles — a site's own theme, plugins and static files over the
 * installed defaults (see sitefiles.h). */
#include "source/sitefiles.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/sysutil.h"
#include "base/xalloc.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { MAX_INSTALLED_DEPTH = 16 };

struct listing {
	struct sitefile *v;
	size_t n, cap;
};

static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sitefile *)a)->rel, ((const struct sitefile *)b)->rel);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Regular files below root/rel on disk, without following symlinks;
 * hidden names (".git", editors' backups) are left out. */
static void list_installed(struct listing *l, const char *root, const char *rel,
			   const char *label_root, int depth, struct arena *a)
{
	char *dir = *rel ? xasprintf("%s/%s", root, rel) : xstrdup(root);
	DIR *dh = opendir(dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	const struct dirent *e;
	while (dh && (e = readdir(dh))) {
		if (e->d_name[0] == '.')
			continue;
		ALLOC_GROW(names, n + 1, cap);
		names[n++] = xstrdup(e->d_name);
	}
	if (dh)
		closedir(dh);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		char *child = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		char *full = xasprintf("%s/%s", root, child);
		struct stat st;
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode) && depth < MAX_INSTALLED_DEPTH) {
			list_installed(l, root, child, label_root, depth + 1, a);
		} else if (lstat(full, &st) == 0 && S_ISREG(st.st_mode)) {
			ALLOC_GROW(l->v, l->n + 1, l->cap);
			struct sitefile *f = &l->v[l->n++];
			memset(f, 0, sizeof(*f));
			f->rel = arena_strdup(a, child);
			f->label = arena_printf(a, "%s/%s", label_root, child);
			f->disk = arena_strdup(a, full);
			f->file.size = (size_t)st.st_size;
		}
		free(full);
		free(child);
		free(names[i]);
	}
	free(names);
	free(dir);
}

int sitefiles_list(const struct sitefiles *sf, const char *dir, struct sitefile **files,
		   size_t *n, const char **where, struct arena *a, struct diag_list *diags)
{
	struct listing l = { NULL, 0, 0 };
	struct repo_file *own = NULL;
	size_t nown = 0;
	*files = NULL;
	*n = 0;
	int rc = repo_list_optional(sf->repo, dir, &own, &nown, a, diags);
	if (rc < 0)
		return -1;
	const char *commit = repo_commit_id(sf->repo);
	char *installed_root = sf->data_dir ? xasprintf("%s/%s", sf->data_dir, dir) : NULL;
	if (where) {
		struct buf w = BUF_INIT;
		if (*commit)
			buf_addf(&w, "%s (commit %.12s)", dir, commit);
		else
			buf_addf(&w, "%s/", dir); /* the folder on disk: no word to translate */
		if (installed_root)
			buf_addf(&w, ", %s", installed_root);
		*where = arena_strndup(a, w.ptr, w.len);
		buf_release(&w);
	}
	size_t dlen = strlen(dir);
	for (size_t i = 0; rc == 0 && i < nown; i++) {
		ALLOC_GROW(l.v, l.n + 1, l.cap);
		struct sitefile *f = &l.v[l.n++];
		memset(f, 0, sizeof(*f));
		f->file = own[i];
		f->own = true;
		f->label = own[i].path;
		/* repo paths are "DIR/rel" */
		f->rel = own[i].path + dlen + (own[i].path[dlen] == '/');
	}
	size_t first_installed = l.n;
	if (installed_root) {
		list_installed(&l, installed_root, "", dir, 0, a);
		free(installed_root);
	}
	/* an own file hides the installed one of the same rel: both lists
	 * are sorted, so a merge keeps it linear */
	size_t k = 0, i = 0, j = first_installed;
	struct sitefile *out = arena_alloc(a, (l.n ? l.n : 1) * sizeof(*out));
	while (i < first_installed || j < l.n) {
		int c = i == first_installed ? 1 : j == l.n ? -1 : strcmp(l.v[i].rel, l.v[j].rel);
		if (c <= 0)
			out[k++] = l.v[i++];
		else
			out[k++] = l.v[j++];
		if (c == 0)
			j++;
	}
	free(l.v);
	*files = out;
	*n = k;
	return 0;
}

int sitefiles_read(const struct sitefiles *sf, const struct sitefile *f, size_t max,
		   struct buf *out, struct diag_list *diags)
{
	if (f->own) {
		if (max && f->file.size > max)
			return diag_error(diags, f->label, 1, 0, "file too large (%zu bytes, limit %zu)",
					  f->file.size, max);
		return repo_read(sf->repo, &f->file, out, diags);
	}
	buf_reset(out);
	if (sys_read_file(f->disk, max, false, out) < 0)
		return diag_error(diags, f->label, 0, 0, "cannot read the installed file %s", f->disk);
	return 0;
}

const struct sitefile *sitefiles_find(const struct sitefile *files, size_t n, const char *rel)
{
	struct sitefile key;
	memset(&key, 0, sizeof(key));
	key.rel = rel;
	return n ? bsearch(&key, files, n, sizeof(*files), file_cmp) : NULL;
}
