/* repo_list — listing a folder's files, from the commit's tree or from
 * the work tree on disk (two backends, one result).
 *
 * Owns: the depth-limited recursions (git_tree_walk crashes on deep trees),
 * duplicate-name detection, the file-count limit, and, in --worktree mode,
 * hashing each file as git would so callers get an oid in both modes. */
#include "source/repo_internal.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct lister {
	struct repo *r;
	struct arena *a;
	struct diag_list *diags;
	struct buf path; /* of the folder being listed, then of each entry */
	struct buf data; /* --worktree: file content, hashed at list time */
	struct repo_file *files;
	size_t n, cap;
	bool stopped, deep_reported;
};

struct name_idx {
	const char *name;
	size_t idx;
};

static int name_idx_cmp(const void *pa, const void *pb)
{
	const struct name_idx *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);
	return c ? c : (a->idx < b->idx ? -1 : a->idx > b->idx);
}

/* Marks duplicated names: dup[i] is 1 for the first entry of a repeated
 * name, 2 for the others, 0 when the name is unique. */
unsigned char *repo_find_dups(const char *const *names, size_t n)
{
	unsigned char *dup = xcalloc(n ? n : 1, 1);
	struct name_idx *v = xreallocarray(NULL, n ? n : 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = (struct name_idx){ names[i], i };
	qsort(v, n, sizeof(*v), name_idx_cmp);
	for (size_t i = 0; i + 1 < n; i++) {
		if (strcmp(v[i].name, v[i + 1].name) == 0) {
			if (!dup[v[i].idx])
				dup[v[i].idx] = 1;
			dup[v[i + 1].idx] = 2;
		}
	}
	free(v);
	return dup;
}

/* Appends name to the lister's path; returns the old length. */
static size_t push_name(struct lister *l, const char *name)
{
	size_t base = l->path.len;
	if (base)
		buf_putc(&l->path, '/');
	buf_puts(&l->path, name);
	return base;
}

/* Validates the entry at l->path; 0 when usable. */
static int check_entry(struct lister *l, const char *name, unsigned char dup)
{
	const char *why = repo_name_problem(name, strlen(name));
	if (why)
		return diag_error(l->diags, l->path.ptr, 0, 0, "invalid path component (%s)", why);
	if (dup) {
		if (dup == 1)
			diag_error(l->diags, l->path.ptr, 0, 0, "duplicate entry");
		return -1;
	}
	return 0;
}

static bool too_deep(struct lister *l, int depth)
{
	if (depth < l->r->max_depth)
		return false;
	if (!l->deep_reported)
		diag_error(l->diags, l->path.ptr, 0, 0, "nesting deeper than %d; folder skipped",
			   l->r->max_depth);
	l->deep_reported = true;
	return true;
}

static void add_file(struct lister *l, size_t size, const char *oid)
{
	if (l->n >= l->r->max_files) {
		diag_error(l->diags, l->path.ptr, 0, 0,
			   "more than %zu files; listing stopped (limits.max_files in site.yaml "
			   "raises the limit)",
			   l->r->max_files);
		l->stopped = true;
		return;
	}
	ALLOC_GROW(l->files, l->n + 1, l->cap);
	struct repo_file *f = &l->files[l->n++];
	f->path = arena_strndup(l->a, l->path.ptr, l->path.len);
	f->size = size;
	memcpy(f->oid, oid, sizeof(f->oid));
}

static void list_tree(struct lister *l, const git_tree *tree, int depth);

static void list_git_entry(struct lister *l, const git_tree_entry *e, int depth)
{
	struct repo *r = l->r;
	unsigned mode = (unsigned)git_tree_entry_filemode_raw(e);
	const git_oid *id = git_tree_entry_id(e);
	if ((mode & MODE_TYPE) == MODE_TREE) {
		if (too_deep(l, depth))
			return;
		git_tree *sub;
		if (git_tree_lookup(&sub, r->git, id) < 0) {
			diag_error(l->diags, l->path.ptr, 0, 0, "cannot read folder: %s", repo_git_msg());
			return;
		}
		list_tree(l, sub, depth + 1);
		git_tree_free(sub);
		return;
	}
	if ((mode & MODE_TYPE) != MODE_FILE) {
		if ((mode & MODE_TYPE) == MODE_LINK || (mode & MODE_TYPE) == MODE_GITLINK)
			diag_error(l->diags, l->path.ptr, 0, 0, "%s", repo_mode_problem(mode));
		else
			diag_error(l->diags, l->path.ptr, 0, 0, "unsupported file mode %06o", mode);
		return;
	}
	size_t size;
	if (repo_blob_check(r, id, l->path.ptr, &size, l->diags) < 0)
		return;
	char hex[41];
	git_oid_tostr(hex, sizeof(hex), id);
	add_file(l, size, hex);
}

static void list_tree(struct lister *l, const git_tree *tree, int depth)
{
	size_t n = git_tree_entrycount(tree);
	const char **names = xreallocarray(NULL, n ? n : 1, sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = git_tree_entry_name(git_tree_entry_byindex(tree, i));
	unsigned char *dup = repo_find_dups(names, n);
	for (size_t i = 0; i < n && !l->stopped; i++) {
		size_t base = push_name(l, names[i]);
		if (check_entry(l, names[i], dup[i]) == 0)
			list_git_entry(l, git_tree_entry_byindex(tree, i), depth);
		buf_setlen(&l->path, base);
	}
	free(dup);
	free(names);
}

static void list_dir(struct lister *l, int fd, int depth);

static void list_disk_entry(struct lister *l, int dfd, const char *name, int depth)
{
	struct repo *r = l->r;
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		diag_error(l->diags, l->path.ptr, 0, 0, "cannot read: %s", strerror(errno));
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		diag_error(l->diags, l->path.ptr, 0, 0, "symbolic link not followed");
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		if (too_deep(l, depth))
			return;
		int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			diag_error(l->diags, l->path.ptr, 0, 0, "cannot open folder: %s",
				   strerror(errno));
			return;
		}
		list_dir(l, sub, depth + 1);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_error(l->diags, l->path.ptr, 0, 0, "not a regular file");
		return;
	}
	if ((uintmax_t)st.st_size > r->max_file_size) {
		diag_error(l->diags, l->path.ptr, 1, 0, "file too large (%zu bytes, limit %zu)",
			   (size_t)st.st_size, r->max_file_size);
		return;
	}
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		repo_classify_open_failure(dfd, name, errno, l->path.ptr, false, l->diags);
		return;
	}
	size_t size = 0;
	enum repo_rd res = repo_read_fd(fd, r->max_file_size, &l->data, &size);
	int errnum = errno;
	close(fd);
	if (repo_report_rd(res, errnum, size, r->max_file_size, l->path.ptr, l->diags) < 0)
		return;
	git_oid oid;
	char hex[41];
	if (git_odb_hash(&oid, l->data.ptr, l->data.len, GIT_OBJECT_BLOB) < 0) {
		diag_error(l->diags, l->path.ptr, 0, 0, "cannot hash file: %s", repo_git_msg());
		return;
	}
	git_oid_tostr(hex, sizeof(hex), &oid);
	add_file(l, size, hex);
}

/* Lists the folder open at fd (taken over and closed). */
static void list_dir(struct lister *l, int fd, int depth)
{
	DIR *d = fdopendir(fd);
	if (!d) {
		diag_error(l->diags, l->path.ptr, 0, 0, "cannot read folder: %s", strerror(errno));
		close(fd);
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		ALLOC_GROW(names, n + 1, cap);
		names[n++] = xstrdup(de->d_name);
	}
	if (errno)
		diag_error(l->diags, l->path.ptr, 0, 0, "cannot read folder: %s", strerror(errno));
	if (n)
		qsort(names, n, sizeof(*names), repo_strp_cmp);
	bool at_root = l->path.len == 0;
	for (size_t i = 0; i < n && !l->stopped; i++) {
		/* the repository's own .git is not content */
		if (at_root && strcmp(names[i], ".git") == 0)
			continue;
		size_t base = push_name(l, names[i]);
		if (check_entry(l, names[i], 0) == 0)
			list_disk_entry(l, dirfd(d), names[i], depth);
		buf_setlen(&l->path, base);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
}

static int file_cmp(const void *pa, const void *pb)
{
	const struct repo_file *a = pa, *b = pb;
	return strcmp(a->path, b->path);
}

static int list_impl(struct repo *r, const char *dir, bool optional, struct repo_file **files,
		     size_t *nfiles, struct arena *a, struct diag_list *diags);

int repo_list(struct repo *r, const char *dir, struct repo_file **files, size_t *nfiles,
	      struct arena *a, struct diag_list *diags)
{
	return list_impl(r, dir, false, files, nfiles, a, diags);
}

int repo_list_optional(struct repo *r, const char *dir, struct repo_file **files,
		       size_t *nfiles, struct arena *a, struct diag_list *diags)
{
	return list_impl(r, dir, true, files, nfiles, a, diags);
}

/* optional: a missing folder is no error but 1, with nothing listed */
static int list_impl(struct repo *r, const char *dir, bool optional, struct repo_file **files,
		     size_t *nfiles, struct arena *a, struct diag_list *diags)
{
	struct lister l = { r, a, diags, BUF_INIT, BUF_INIT, NULL, 0, 0, false, false };
	char *d = repo_norm_dir(dir);
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	int rc = -1;
	*files = NULL;
	*nfiles = 0;
	if (*d && repo_check_path(d, "folder", diags) < 0)
		goto done;
	buf_puts(&l.path, d);

	if (r->worktree) {
		int fd;
		int res = repo_wt_open(r, d, true, &fd, diags);
		if (res == 1 && optional)
			rc = 1;
		else if (res == 1)
			diag_error(diags, d, 0, 0, "folder not found in %s", r->path);
		if (res)
			goto done;
		list_dir(&l, fd, 0);
	} else {
		if (!*d) {
			if (git_commit_tree(&tree, r->commit) < 0) {
				diag_error(diags, "", 0, 0, "cannot read the commit's tree: %s",
					   repo_git_msg());
				goto done;
			}
		} else {
			int res = repo_entry_bypath(r, d, &entry, diags);
			if (res == 1 && optional)
				rc = 1;
			else if (res == 1)
				diag_error(diags, d, 0, 0, "folder not found at commit %.12s",
					   r->commit_id);
			if (res)
				goto done;
			if ((git_tree_entry_filemode_raw(entry) & MODE_TYPE) != MODE_TREE) {
				diag_error(diags, d, 0, 0, "not a folder");
				goto done;
			}
			if (git_tree_lookup(&tree, r->git, git_tree_entry_id(entry)) < 0) {
				diag_error(diags, d, 0, 0, "cannot read folder: %s", repo_git_msg());
				goto done;
			}
		}
		list_tree(&l, tree, 0);
	}

	if (l.n)
		qsort(l.files, l.n, sizeof(*l.files), file_cmp);
	*files = arena_alloc(a, (l.n ? l.n : 1) * sizeof(**files));
	if (l.n)
		memcpy(*files, l.files, l.n * sizeof(**files));
	*nfiles = l.n;
	rc = 0;
done:
	git_tree_entry_free(entry);
	git_tree_free(tree);
	free(l.files);
	buf_release(&l.path);
	buf_release(&l.data);
	free(d);
	return rc;
}
