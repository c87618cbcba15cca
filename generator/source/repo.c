/* repo — the content source: libgit2 reading a commit's tree (no checkout),
 * or the work tree on disk (--worktree), plus one walk over the history.
 *
 * Owns: the libgit2 handles (repository, object database, built commit),
 * the validation of every path component read from a tree or a folder, the
 * size checks made before any file is loaded, and the history walk. This is
 * the only file that includes <git2.h>.
 *
 * libgit2 1.5 validates nothing it reads (HOSTILE.md §0.3), so nothing from
 * a tree is used before name_problem() has looked at it, and the tree walks
 * are our own, depth-limited recursions (git_tree_walk crashes on deep
 * trees). In --worktree mode a listed file's oid is computed at list time
 * (the raw bytes hashed as git would, without clean filters), so callers
 * can key caches on it in both modes. */
#include "source/repo.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/strmap.h"
#include "base/utf8.h"
#include "base/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	DEFAULT_MAX_DEPTH = 32,
	DEFAULT_MAX_FILE_SIZE = 4 * 1024 * 1024,
	DEFAULT_MAX_FILES = 100000,
	NAME_MAX_BYTES = 255,
};

/* git's object types, as stored in a tree entry's mode */
enum {
	MODE_TYPE = 0170000,
	MODE_TREE = 0040000,
	MODE_FILE = 0100000,
	MODE_LINK = 0120000,
	MODE_GITLINK = 0160000,
};

struct repo {
	git_repository *git; /* NULL for --worktree outside a repository */
	git_odb *odb;
	git_commit *commit; /* built commit; for --worktree the history start (may be NULL) */
	char *path;
	char commit_id[41];
	int64_t commit_time;
	bool worktree, shallow;
	bool mempack; /* an in-memory object store takes every write (merge previews) */
	size_t max_file_size, max_files;
	int max_depth;
};

static const char *git_msg(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "unknown libgit2 error";
}

/* ---- name validation ------------------------------------------------ */

/* Length of an HFS+ ignorable code point at s (git's is_hfs_dotgit list:
 * U+200C-200F, U+202A-202E, U+206A-206F, U+FEFF), else 0. */
static size_t hfs_ignorable_len(const unsigned char *s, size_t n)
{
	if (n < 3)
		return 0;
	if (s[0] == 0xe2 && s[1] == 0x80 &&
	    ((s[2] >= 0x8c && s[2] <= 0x8f) || (s[2] >= 0xaa && s[2] <= 0xae)))
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xaa && s[2] <= 0xaf)
		return 3;
	if (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return 3;
	return 0;
}

/* s equals want (lower-case ASCII), ignoring ASCII case and HFS ignorables */
static bool alias_match(const char *s, size_t len, const char *want)
{
	size_t i = 0, j = 0, wl = strlen(want);
	while (i < len) {
		size_t skip = hfs_ignorable_len((const unsigned char *)s + i, len - i);
		if (skip) {
			i += skip;
			continue;
		}
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (j == wl || c != want[j])
			return false;
		i++;
		j++;
	}
	return j == wl;
}

/* `.git` as NTFS or HFS+ would see it: any case, trailing dots and spaces
 * dropped, an NTFS stream suffix (`:$DATA`) dropped, the 8.3 name GIT~1. */
static bool is_dotgit_alias(const char *name, size_t len)
{
	const char *colon = memchr(name, ':', len);
	if (colon)
		len = (size_t)(colon - name);
	while (len && (name[len - 1] == '.' || name[len - 1] == ' '))
		len--;
	return alias_match(name, len, ".git") || alias_match(name, len, "git~1");
}

/* Why name cannot be a path component, or NULL when it can. */
static const char *name_problem(const char *name, size_t len)
{
	if (len == 0)
		return "empty name";
	if (len > NAME_MAX_BYTES)
		return "longer than 255 bytes";
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return "'.' or '..'";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c == '/')
			return "contains '/'";
		if (c == '\\')
			return "contains a backslash";
		if (c < 0x20 || c == 0x7f)
			return "contains a control character";
	}
	if (!utf8_valid(name, len))
		return "invalid UTF-8";
	if (is_dotgit_alias(name, len))
		return "reserved name .git";
	return NULL;
}

/* Checks a '/'-separated relative path given by the caller (dir, site.yaml)
 * with the same rules as tree entries. */
static int check_path(const char *path, const char *what, struct diag_list *diags)
{
	const char *p = path;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		const char *why = name_problem(p, len);
		if (why)
			return diag_error(diags, path, 0, 0, "invalid %s (%s)", what, why);
		if (!slash)
			return 0;
		p = slash + 1;
	}
}

/* Copies dir without a trailing '/'; "" means the whole repository. */
static char *norm_dir(const char *dir)
{
	if (!dir)
		dir = "";
	size_t len = strlen(dir);
	if (len && dir[len - 1] == '/')
		len--;
	return xstrndup(dir, len);
}

/* ---- open ----------------------------------------------------------- */

#define MERGE_PREFIX "\x1fmerge\x1f"

static int open_merge(struct repo *r, const char *spec, struct diag_list *diags);

/* True when r->path names the repository's git folder, not its work tree. */
static bool is_git_dir(const struct repo *r)
{
	char *given = realpath(r->path, NULL);
	char *gitdir = realpath(git_repository_path(r->git), NULL);
	bool same = given && gitdir && !strcmp(given, gitdir);
	free(given);
	free(gitdir);
	return same;
}

/* Hermetic: no system, XDG, global or ProgramData configuration, so
 * ~/.gitconfig cannot change what is built. */
static int hermetic(void)
{
	static const int levels[] = { GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG,
				      GIT_CONFIG_LEVEL_GLOBAL, GIT_CONFIG_LEVEL_PROGRAMDATA };
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, levels[i], "") < 0)
			return -1;
	return 0;
}

int repo_open(struct repo **out, const struct repo_opts *opts, struct diag_list *diags)
{
	*out = NULL;
	git_libgit2_init(); /* refcounted; repo_free shuts it down */
	struct repo *r = xcalloc(1, sizeof(*r));
	r->path = xstrdup(opts->path ? opts->path : ".");
	r->worktree = opts->worktree;
	r->max_file_size = opts->max_file_size ? opts->max_file_size : DEFAULT_MAX_FILE_SIZE;
	r->max_files = opts->max_files ? opts->max_files : DEFAULT_MAX_FILES;
	r->max_depth = opts->max_depth > 0 ? opts->max_depth : DEFAULT_MAX_DEPTH;
	const char *ref = opts->ref ? opts->ref : "HEAD";
	git_object *obj = NULL, *peeled = NULL;
	int rc = -1;

	if (hermetic() < 0) {
		diag_error(diags, "", 0, 0, "cannot isolate git configuration: %s", git_msg());
		goto done;
	}
	/* libgit2 re-hashes every object it reads; git does not. With trees of
	 * thousands of entries that hashing is most of the history walk (5x on
	 * 10,000 files in one folder), and it guards against disk corruption
	 * only: a hostile repository's objects hash correctly anyway. zlib's
	 * own checksums still catch damaged objects. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);

	if (r->worktree) {
		struct stat st;
		if (stat(r->path, &st) < 0 || !S_ISDIR(st.st_mode)) {
			diag_error(diags, "", 0, 0, "%s: not a folder", r->path);
			goto done;
		}
	}

	int err = git_repository_open_ext(&r->git, r->path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (err < 0) {
		r->git = NULL;
		if (r->worktree && err == GIT_ENOTFOUND) {
			rc = 0; /* files on disk only: no history, no commit */
			goto done;
		}
		diag_error(diags, "", 0, 0, "%s: cannot open git repository: %s", r->path, git_msg());
		goto done;
	}
	/* --worktree (and loa serve) read the files on disk: a bare repository
	 * or a .git folder has none, only git's own files */
	if (r->worktree && git_repository_is_bare(r->git)) {
		diag_error(diags, "", 0, 0,
			   "%s is a bare repository (no work tree): loa serve and --worktree "
			   "need a folder with the site's files, such as a clone (git clone %s)",
			   r->path, r->path);
		goto done;
	}
	if (r->worktree && is_git_dir(r)) {
		diag_error(diags, "", 0, 0,
			   "%s is a repository's .git folder: give its work tree instead (%s)",
			   r->path, git_repository_workdir(r->git));
		goto done;
	}
	if (git_repository_odb(&r->odb, r->git) < 0) {
		diag_error(diags, "", 0, 0, "%s: cannot open object database: %s", r->path, git_msg());
		goto done;
	}
	r->shallow = git_repository_is_shallow(r->git) == 1;

	/* A work tree whose HEAD has no commit yet simply has no history. */
	if (r->worktree && !opts->ref && git_repository_head_unborn(r->git) == 1) {
		rc = 0;
		goto done;
	}
	if (strncmp(ref, MERGE_PREFIX, strlen(MERGE_PREFIX)) == 0) {
		if (open_merge(r, ref + strlen(MERGE_PREFIX), diags) < 0)
			goto done;
		rc = 0;
		goto done;
	}
	if (git_revparse_single(&obj, r->git, ref) < 0) {
		diag_error(diags, "", 0, 0, "ref '%s' not found in %s: %s", ref, r->path, git_msg());
		goto done;
	}
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		diag_error(diags, "", 0, 0, "ref '%s' is not a commit: %s", ref, git_msg());
		goto done;
	}
	r->commit = (git_commit *)peeled;
	peeled = NULL;
	if (!r->worktree) {
		git_oid_tostr(r->commit_id, sizeof(r->commit_id), git_commit_id(r->commit));
		r->commit_time = (int64_t)git_commit_time(r->commit);
	}
	rc = 0;
done:
	git_object_free(obj);
	git_object_free(peeled);
	if (rc < 0) {
		repo_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

int repo_uncommitted(const char *path, const char *const *specs, size_t nspecs, char *first,
		     size_t first_size)
{
	git_repository *git = NULL;
	git_status_list *list = NULL;
	int n = -1;
	if (first_size)
		first[0] = '\0';
	git_libgit2_init();
	if (hermetic() < 0 ||
	    git_repository_open_ext(&git, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0 ||
	    git_repository_is_bare(git)) {
		n = git ? 0 : -1;
		goto done;
	}
	git_status_options so;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		   GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	so.pathspec.strings = (char **)specs;
	so.pathspec.count = nspecs;
	if (git_status_list_new(&list, git, &so) < 0)
		goto done;
	size_t count = git_status_list_entrycount(list);
	for (size_t i = 0; i < count && first_size && !first[0]; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
		if (d && d->new_file.path)
			snprintf(first, first_size, "%s", d->new_file.path);
	}
	n = count > INT32_MAX ? INT32_MAX : (int)count;
done:
	git_status_list_free(list);
	git_repository_free(git);
	git_libgit2_shutdown();
	return n;
}

void repo_free(struct repo *r)
{
	if (!r)
		return;
	git_commit_free(r->commit);
	git_odb_free(r->odb);
	git_repository_free(r->git);
	free(r->path);
	free(r);
	git_libgit2_shutdown();
}

const char *repo_commit_id(const struct repo *r)
{
	return r->commit_id;
}

int64_t repo_commit_time(const struct repo *r)
{
	return r->commit_time;
}

bool repo_is_shallow(const struct repo *r)
{
	return r->shallow;
}

/* ---- reading objects ------------------------------------------------ */

static const char *mode_problem(unsigned mode)
{
	switch (mode & MODE_TYPE) {
	case MODE_LINK:
		return "symbolic link not followed";
	case MODE_GITLINK:
		return "submodule not followed";
	case MODE_TREE:
		return "is a folder, not a file";
	default:
		return "unsupported file mode";
	}
}

/* Reads blob id into out after checking its type and size from the object
 * header, so an oversized blob is never inflated. */
static int read_blob(struct repo *r, const git_oid *id, const char *path, struct buf *out,
		     struct diag_list *diags)
{
	size_t size;
	git_object_t type;
	if (git_odb_read_header(&size, &type, r->odb, id) < 0)
		return diag_error(diags, path, 0, 0, "cannot read file: %s", git_msg());
	if (type != GIT_OBJECT_BLOB)
		return diag_error(diags, path, 0, 0, "not a file (the object is a %s)",
				  git_object_type2string(type));
	if (size > r->max_file_size)
		return diag_error(diags, path, 0, 0, "file too large (%zu bytes, limit %zu)", size,
				  r->max_file_size);
	git_odb_object *obj = NULL;
	if (git_odb_read(&obj, r->odb, id) < 0)
		return diag_error(diags, path, 0, 0, "cannot read file: %s", git_msg());
	buf_reset(out);
	buf_add(out, git_odb_object_data(obj), git_odb_object_size(obj));
	git_odb_object_free(obj);
	return 0;
}

/* The entries of tree named name: how many there are (a hostile tree may
 * hold duplicates) and the first one. Linear on purpose: libgit2's lookup
 * assumes sorted entries, which a crafted tree need not have. */
static size_t find_entry(const git_tree *tree, const char *name, const git_tree_entry **out)
{
	size_t n = git_tree_entrycount(tree), found = 0;
	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		if (strcmp(git_tree_entry_name(e), name) == 0) {
			if (!found++)
				*out = e;
		}
	}
	return found;
}

/* Finds the validated path in the built commit's tree. Returns 0 with *out
 * (free with git_tree_entry_free), 1 when absent, -1 after reporting. A
 * symlink or submodule on the way is an error, never followed. */
static int entry_bypath(struct repo *r, const char *path, git_tree_entry **out,
			struct diag_list *diags)
{
	git_tree *tree = NULL;
	char *copy = xstrdup(path);
	int rc = -1;
	*out = NULL;
	if (git_commit_tree(&tree, r->commit) < 0) {
		diag_error(diags, path, 0, 0, "cannot read the commit's tree: %s", git_msg());
		goto done;
	}
	for (char *p = copy;;) {
		char *slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		const git_tree_entry *e;
		size_t n = find_entry(tree, p, &e);
		if (n == 0) {
			rc = 1;
			goto done;
		}
		if (n > 1) {
			diag_error(diags, copy, 0, 0, "duplicate entry");
			goto done;
		}
		if (!slash) {
			if (git_tree_entry_dup(out, e) < 0) {
				diag_error(diags, path, 0, 0, "%s", git_msg());
				goto done;
			}
			rc = 0;
			goto done;
		}
		unsigned mode = (unsigned)git_tree_entry_filemode_raw(e);
		if ((mode & MODE_TYPE) != MODE_TREE) {
			if ((mode & MODE_TYPE) == MODE_LINK || (mode & MODE_TYPE) == MODE_GITLINK) {
				diag_error(diags, copy, 0, 0, "%s", mode_problem(mode));
				goto done;
			}
			rc = 1; /* a file where a folder would be: the path is absent */
			goto done;
		}
		git_tree *sub;
		if (git_tree_lookup(&sub, r->git, git_tree_entry_id(e)) < 0) {
			diag_error(diags, copy, 0, 0, "cannot read folder: %s", git_msg());
			goto done;
		}
		git_tree_free(tree);
		tree = sub;
		*slash = '/';
		p = slash + 1;
	}
done:
	git_tree_free(tree);
	free(copy);
	return rc;
}

/* ---- reading the work tree ------------------------------------------ */

enum rd { RD_OK, RD_ERRNO, RD_TOO_LARGE, RD_NOT_FILE };

/* Reads the regular file open at fd into out, never more than max bytes
 * (the size is checked first, and again while reading in case it grew). */
static enum rd read_fd(int fd, size_t max, struct buf *out, size_t *size)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return RD_ERRNO;
	if (!S_ISREG(st.st_mode))
		return RD_NOT_FILE;
	*size = (size_t)st.st_size;
	if ((uintmax_t)st.st_size > max)
		return RD_TOO_LARGE;
	buf_reset(out);
	for (;;) {
		size_t want = max - out->len + 1;
		if (want > 65536)
			want = 65536;
		buf_grow(out, want);
		ssize_t got = read(fd, out->ptr + out->len, want);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return RD_ERRNO;
		}
		if (got == 0)
			break;
		out->len += (size_t)got;
		out->ptr[out->len] = '\0';
		if (out->len > max) {
			*size = out->len;
			return RD_TOO_LARGE;
		}
	}
	*size = out->len;
	return RD_OK;
}

static int report_rd(enum rd res, int errnum, size_t size, size_t max, const char *path,
		     struct diag_list *diags)
{
	switch (res) {
	case RD_OK:
		return 0;
	case RD_TOO_LARGE:
		return diag_error(diags, path, 0, 0, "file too large (%zu bytes, limit %zu)", size, max);
	case RD_NOT_FILE:
		return diag_error(diags, path, 0, 0, "not a regular file");
	case RD_ERRNO:
		break;
	}
	return diag_error(diags, path, 0, 0, "cannot read file: %s", strerror(errnum));
}

/* Why openat(dfd, name) failed, as a diagnostic or 1 for "absent". */
static int classify_open_failure(int dfd, const char *name, int errnum, const char *path,
				 bool want_dir, struct diag_list *diags)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		return diag_error(diags, path, 0, 0, "cannot open: %s", strerror(errno));
	}
	if (S_ISLNK(st.st_mode))
		return diag_error(diags, path, 0, 0, "symbolic link not followed");
	if (want_dir && !S_ISDIR(st.st_mode))
		return 1; /* a file where a folder would be */
	return diag_error(diags, path, 0, 0, "cannot open: %s", strerror(errnum));
}

/* Opens the validated path below the work tree root without following any
 * symlink on the way. Returns 0 with *fd set, 1 when absent, -1 after
 * reporting. path "" opens the root itself. */
static int wt_open(struct repo *r, const char *path, bool want_dir, int *fd,
		   struct diag_list *diags)
{
	*fd = -1;
	int dfd = open(r->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return diag_error(diags, "", 0, 0, "%s: %s", r->path, strerror(errno));
	if (!*path) {
		*fd = dfd;
		return 0;
	}
	char *copy = xstrdup(path);
	int rc = -1;
	for (char *p = copy;;) {
		char *slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		bool last = !slash;
		bool dir = !last || want_dir;
		if (!dir) {
			/* look before opening: opening a device or FIFO can
			 * have effects of its own */
			struct stat st;
			if (fstatat(dfd, p, &st, AT_SYMLINK_NOFOLLOW) < 0) {
				rc = errno == ENOENT ? 1
						     : diag_error(diags, copy, 0, 0, "cannot open: %s",
								  strerror(errno));
				break;
			}
			if (S_ISLNK(st.st_mode)) {
				rc = diag_error(diags, copy, 0, 0, "symbolic link not followed");
				break;
			}
			if (!S_ISREG(st.st_mode)) {
				rc = diag_error(diags, copy, 0, 0, "%s",
						S_ISDIR(st.st_mode) ? "is a folder, not a file"
								    : "not a regular file");
				break;
			}
		}
		int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
			    (dir ? O_DIRECTORY : O_NONBLOCK); /* a FIFO must not block */
		int nfd = openat(dfd, p, flags);
		if (nfd < 0) {
			rc = classify_open_failure(dfd, p, errno, copy, dir, diags);
			break;
		}
		close(dfd);
		dfd = nfd;
		if (last) {
			*fd = dfd;
			dfd = -1;
			rc = 0;
			break;
		}
		*slash = '/';
		p = slash + 1;
	}
	if (dfd >= 0)
		close(dfd);
	free(copy);
	return rc;
}

static int wt_read(struct repo *r, const char *path, struct buf *out, bool absent_ok,
		   struct diag_list *diags)
{
	int fd;
	int rc = wt_open(r, path, false, &fd, diags);
	if (rc == 1 && !absent_ok)
		return diag_error(diags, path, 0, 0, "file disappeared");
	if (rc)
		return rc;
	size_t size = 0;
	enum rd res = read_fd(fd, r->max_file_size, out, &size);
	int errnum = errno;
	close(fd);
	return report_rd(res, errnum, size, r->max_file_size, path, diags);
}

/* ---- listing -------------------------------------------------------- */

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
static unsigned char *find_dups(const char *const *names, size_t n)
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
	const char *why = name_problem(name, strlen(name));
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
		diag_error(l->diags, l->path.ptr, 0, 0, "more than %zu files; listing stopped",
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
			diag_error(l->diags, l->path.ptr, 0, 0, "cannot read folder: %s", git_msg());
			return;
		}
		list_tree(l, sub, depth + 1);
		git_tree_free(sub);
		return;
	}
	if ((mode & MODE_TYPE) != MODE_FILE) {
		if ((mode & MODE_TYPE) == MODE_LINK || (mode & MODE_TYPE) == MODE_GITLINK)
			diag_error(l->diags, l->path.ptr, 0, 0, "%s", mode_problem(mode));
		else
			diag_error(l->diags, l->path.ptr, 0, 0, "unsupported file mode %06o", mode);
		return;
	}
	size_t size;
	git_object_t type;
	if (git_odb_read_header(&size, &type, r->odb, id) < 0) {
		diag_error(l->diags, l->path.ptr, 0, 0, "cannot read file: %s", git_msg());
		return;
	}
	if (type != GIT_OBJECT_BLOB) {
		diag_error(l->diags, l->path.ptr, 0, 0, "not a file (the object is a %s)",
			   git_object_type2string(type));
		return;
	}
	if (size > r->max_file_size) {
		diag_error(l->diags, l->path.ptr, 0, 0, "file too large (%zu bytes, limit %zu)", size,
			   r->max_file_size);
		return;
	}
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
	unsigned char *dup = find_dups(names, n);
	for (size_t i = 0; i < n && !l->stopped; i++) {
		size_t base = push_name(l, names[i]);
		if (check_entry(l, names[i], dup[i]) == 0)
			list_git_entry(l, git_tree_entry_byindex(tree, i), depth);
		buf_setlen(&l->path, base);
	}
	free(dup);
	free(names);
}

static int name_ptr_cmp(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
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
		diag_error(l->diags, l->path.ptr, 0, 0, "file too large (%zu bytes, limit %zu)",
			   (size_t)st.st_size, r->max_file_size);
		return;
	}
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		classify_open_failure(dfd, name, errno, l->path.ptr, false, l->diags);
		return;
	}
	size_t size = 0;
	enum rd res = read_fd(fd, r->max_file_size, &l->data, &size);
	int errnum = errno;
	close(fd);
	if (report_rd(res, errnum, size, r->max_file_size, l->path.ptr, l->diags) < 0)
		return;
	git_oid oid;
	char hex[41];
	if (git_odb_hash(&oid, l->data.ptr, l->data.len, GIT_OBJECT_BLOB) < 0) {
		diag_error(l->diags, l->path.ptr, 0, 0, "cannot hash file: %s", git_msg());
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
		qsort(names, n, sizeof(*names), name_ptr_cmp);
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
	char *d = norm_dir(dir);
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	int rc = -1;
	*files = NULL;
	*nfiles = 0;
	if (*d && check_path(d, "folder", diags) < 0)
		goto done;
	buf_puts(&l.path, d);

	if (r->worktree) {
		int fd;
		int res = wt_open(r, d, true, &fd, diags);
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
					   git_msg());
				goto done;
			}
		} else {
			int res = entry_bypath(r, d, &entry, diags);
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
				diag_error(diags, d, 0, 0, "cannot read folder: %s", git_msg());
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

/* ---- reading -------------------------------------------------------- */

int repo_read(struct repo *r, const struct repo_file *f, struct buf *out, struct diag_list *diags)
{
	if (r->worktree) {
		if (check_path(f->path, "path", diags) < 0)
			return -1;
		return wt_read(r, f->path, out, false, diags);
	}
	git_oid id;
	if (git_oid_fromstrn(&id, f->oid, strnlen(f->oid, sizeof(f->oid))) < 0)
		return diag_error(diags, f->path, 0, 0, "invalid object id '%s'", f->oid);
	return read_blob(r, &id, f->path, out, diags);
}

int repo_read_path(struct repo *r, const char *path, struct buf *out, struct diag_list *diags)
{
	if (check_path(path, "path", diags) < 0)
		return -1;
	if (r->worktree)
		return wt_read(r, path, out, true, diags);
	git_tree_entry *e = NULL;
	int rc = entry_bypath(r, path, &e, diags);
	if (rc)
		return rc;
	unsigned mode = (unsigned)git_tree_entry_filemode_raw(e);
	if ((mode & MODE_TYPE) == MODE_FILE)
		rc = read_blob(r, git_tree_entry_id(e), path, out, diags);
	else
		rc = diag_error(diags, path, 0, 0, "%s", mode_problem(mode));
	git_tree_entry_free(e);
	return rc;
}

/* ---- history -------------------------------------------------------- */

/* The files that exist at the built commit, as a tree of names: the walk
 * compares only what this tree names, so its cost follows the changes, not
 * the size of the repository. */
struct hnode {
	const char *name;
	struct hnode *kids; /* sorted by name; NULL for a file */
	size_t nkids;
	size_t file; /* index into hist.files, for a file */
	bool dir;
};

struct hauthor {
	size_t id;  /* into hist.names */
	size_t seq; /* walk position of this author's oldest commit so far */
};

struct hfile {
	const char *path;
	int64_t first, last;
	size_t stamp; /* seq + 1 of the commit that last marked it */
	struct hauthor *authors;
	size_t nauthors, cap;
	bool seen;
};

enum { TREE_CACHE = 1024 };

struct qitem {
	git_commit *commit;
	int64_t time;
	size_t order; /* ties go first in, first out */
};

struct tcache_slot {
	git_oid id;
	git_tree *tree;
};

struct hist {
	struct repo *r;
	struct diag_list *diags;
	struct arena tmp;
	char **dirparts; /* components of dir */
	size_t ndirparts;
	size_t rel; /* where a stored path goes below dir */
	struct hnode root;
	struct hfile *files;
	size_t nfiles, fcap;
	struct tcache_slot *cache; /* direct-mapped by oid: trees are parsed once */
	size_t *cand;              /* files changed by the current commit */
	size_t ncand, ccap;
	struct strmap author_ids;
	const char **names;
	size_t nnames, ncap;
	struct buf scratch;
	size_t seq;
	struct qitem *queue; /* commits to visit, newest first (a heap) */
	size_t nqueue, qcap, pushed;
	git_oid *seen; /* open addressing; an all-zero slot is empty */
	size_t nseen, seencap;
};

/* A new reference to the tree id (free it), from the cache when possible. */
static git_tree *tree_get(struct hist *h, const git_oid *id)
{
	size_t slot = (((size_t)id->id[0] << 8) | id->id[1]) & (TREE_CACHE - 1);
	struct tcache_slot *s = &h->cache[slot];
	if (!s->tree || !git_oid_equal(&s->id, id)) {
		git_tree *t;
		if (git_tree_lookup(&t, h->r->git, id) < 0)
			return NULL;
		git_tree_free(s->tree);
		s->tree = t;
		git_oid_cpy(&s->id, id);
	}
	git_object *dup = NULL;
	if (git_object_dup(&dup, (git_object *)s->tree) < 0)
		return NULL;
	return (git_tree *)dup;
}

static int hnode_cmp(const void *pa, const void *pb)
{
	return strcmp(((const struct hnode *)pa)->name, ((const struct hnode *)pb)->name);
}

static const struct hnode *find_kid(const struct hnode *node, const char *name)
{
	size_t lo = 0, hi = node->nkids;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, node->kids[mid].name);
		if (c == 0)
			return &node->kids[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Fills node from tree with the entries repo_list would list: valid,
 * unique names; regular files; folders within the depth limit. Problems
 * are left to repo_list to report. */
static void build_nodes(struct hist *h, struct hnode *node, const git_tree *tree, int depth)
{
	size_t n = git_tree_entrycount(tree);
	const char **names = xreallocarray(NULL, n ? n : 1, sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = git_tree_entry_name(git_tree_entry_byindex(tree, i));
	unsigned char *dup = find_dups(names, n);
	node->kids = arena_zalloc(&h->tmp, (n ? n : 1) * sizeof(*node->kids));
	node->nkids = 0;
	for (size_t i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		unsigned type = (unsigned)git_tree_entry_filemode_raw(e) & MODE_TYPE;
		if (dup[i] || name_problem(names[i], strlen(names[i])))
			continue;
		if (type != MODE_FILE && (type != MODE_TREE || depth >= h->r->max_depth))
			continue;
		struct hnode *kid = &node->kids[node->nkids++];
		kid->name = arena_strdup(&h->tmp, names[i]);
		size_t base = h->scratch.len;
		if (base)
			buf_putc(&h->scratch, '/');
		buf_puts(&h->scratch, names[i]);
		if (type == MODE_TREE) {
			kid->dir = true;
			git_tree *sub;
			if (git_tree_lookup(&sub, h->r->git, git_tree_entry_id(e)) == 0) {
				build_nodes(h, kid, sub, depth + 1);
				git_tree_free(sub);
			}
		} else {
			ALLOC_GROW(h->files, h->nfiles + 1, h->fcap);
			kid->file = h->nfiles;
			h->files[h->nfiles++] = (struct hfile){
				.path = arena_strndup(&h->tmp, h->scratch.ptr, h->scratch.len)
			};
		}
		buf_setlen(&h->scratch, base);
	}
	if (node->nkids)
		qsort(node->kids, node->nkids, sizeof(*node->kids), hnode_cmp);
	free(dup);
	free(names);
}

/* The tree at dir inside the root tree root_id; false when there is none. */
static bool dir_tree(struct hist *h, const git_oid *root_id, git_oid *out)
{
	git_oid_cpy(out, root_id);
	for (size_t i = 0; i < h->ndirparts; i++) {
		git_tree *t = tree_get(h, out);
		if (!t)
			return false;
		const git_tree_entry *e = git_tree_entry_byname(t, h->dirparts[i]);
		bool ok = e && (git_tree_entry_filemode_raw(e) & MODE_TYPE) == MODE_TREE;
		if (ok)
			git_oid_cpy(out, git_tree_entry_id(e));
		git_tree_free(t);
		if (!ok)
			return false;
	}
	return true;
}

static void mark(struct hist *h, size_t file)
{
	if (h->files[file].stamp == h->seq + 1)
		return;
	h->files[file].stamp = h->seq + 1;
	ALLOC_GROW(h->cand, h->ncand + 1, h->ccap);
	h->cand[h->ncand++] = file;
}

static void diff_trees(struct hist *h, const git_oid *a_id, const git_oid *b_id,
		       const struct hnode *node);

/* One side's entry differs from the other's (which may be NULL). */
static void entry_changed(struct hist *h, const struct hnode *node, const git_tree_entry *ea,
			  const git_tree_entry *eb)
{
	const git_tree_entry *e = ea ? ea : eb;
	const struct hnode *kid = find_kid(node, git_tree_entry_name(e));
	if (!kid)
		return;
	bool is_tree = (git_tree_entry_filemode_raw(e) & MODE_TYPE) == MODE_TREE;
	if (kid->dir != is_tree)
		return; /* a file and a folder of the same name are different paths */
	if (kid->dir)
		diff_trees(h, ea ? git_tree_entry_id(ea) : NULL, eb ? git_tree_entry_id(eb) : NULL,
			   kid);
	else
		mark(h, kid->file);
}

/* Marks the files under node that differ between trees a and b (either may
 * be absent). Both trees are in git order, so one merge pass suffices, and
 * entries with equal ids are skipped without reading them. */
static void diff_trees(struct hist *h, const git_oid *a_id, const git_oid *b_id,
		       const struct hnode *node)
{
	git_tree *ta = a_id ? tree_get(h, a_id) : NULL;
	git_tree *tb = b_id ? tree_get(h, b_id) : NULL;
	size_t na = ta ? git_tree_entrycount(ta) : 0, nb = tb ? git_tree_entrycount(tb) : 0;
	size_t i = 0, j = 0;
	while (i < na || j < nb) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(ta, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(tb, j) : NULL;
		int c = !ea ? 1 : !eb ? -1 : git_tree_entry_cmp(ea, eb);
		if (c == 0) {
			i++;
			j++;
			if (git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
			    git_tree_entry_filemode_raw(ea) == git_tree_entry_filemode_raw(eb))
				continue;
			entry_changed(h, node, ea, eb);
		} else if (c < 0) {
			i++;
			entry_changed(h, node, ea, NULL);
		} else {
			j++;
			entry_changed(h, node, NULL, eb);
		}
	}
	git_tree_free(ta);
	git_tree_free(tb);
}

/* The id and mode of a file in the tree dir_id (the tree at dir); false
 * when absent. */
static bool file_entry(struct hist *h, const git_oid *dir_id, size_t file, git_oid *id,
		       unsigned *mode)
{
	const char *p = h->files[file].path + h->rel;
	git_oid cur;
	git_oid_cpy(&cur, dir_id);
	for (;;) {
		const char *slash = strchr(p, '/');
		buf_reset(&h->scratch);
		buf_add(&h->scratch, p, slash ? (size_t)(slash - p) : strlen(p));
		git_tree *t = tree_get(h, &cur);
		if (!t)
			return false;
		const git_tree_entry *e = git_tree_entry_byname(t, h->scratch.ptr);
		unsigned m = e ? (unsigned)git_tree_entry_filemode_raw(e) : 0;
		bool ok = e && ((m & MODE_TYPE) == MODE_TREE) == (slash != NULL);
		if (ok)
			git_oid_cpy(&cur, git_tree_entry_id(e));
		git_tree_free(t);
		if (!ok)
			return false;
		if (!slash) {
			git_oid_cpy(id, &cur);
			*mode = m;
			return true;
		}
		p = slash + 1;
	}
}

/* The author's name made safe to show: invalid UTF-8 becomes U+FFFD and
 * control characters become spaces. Interned; returns its index. */
static size_t intern_author(struct hist *h, const char *name)
{
	struct buf *s = &h->scratch;
	buf_reset(s);
	size_t len = strlen(name);
	for (size_t i = 0; i < len;) {
		size_t n = utf8_valid_prefix(name + i, len - i);
		if (!n) {
			buf_puts(s, "\xef\xbf\xbd");
			i++;
		} else if (n == 1 && ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)) {
			buf_putc(s, ' ');
			i++;
		} else {
			buf_add(s, name + i, n);
			i += n;
		}
	}
	size_t id;
	if (strmap_get(&h->author_ids, s->ptr, &id))
		return id;
	const char *copy = arena_strndup(&h->tmp, s->ptr, s->len);
	ALLOC_GROW(h->names, h->nnames + 1, h->ncap);
	h->names[h->nnames] = copy;
	strmap_put(&h->author_ids, copy, h->nnames, NULL);
	return h->nnames++;
}

/* Credits commit c with the marked files: first and last are the earliest
 * and latest author times among a file's commits (robust to rebased or
 * cherry-picked commits whose author times are out of order). */
static void record(struct hist *h, const git_commit *c)
{
	const git_signature *sig = git_commit_author(c);
	int64_t when = sig ? (int64_t)sig->when.time : (int64_t)git_commit_time(c);
	size_t author = intern_author(h, sig && sig->name ? sig->name : "");
	for (size_t k = 0; k < h->ncand; k++) {
		struct hfile *f = &h->files[h->cand[k]];
		if (!f->seen) {
			f->first = f->last = when;
			f->seen = true;
		} else {
			if (when < f->first)
				f->first = when;
			if (when > f->last)
				f->last = when;
		}
		size_t a;
		for (a = 0; a < f->nauthors && f->authors[a].id != author; a++)
			;
		if (a == f->nauthors) {
			ALLOC_GROW(f->authors, f->nauthors + 1, f->cap);
			f->nauthors++;
			f->authors[a].id = author;
		}
		f->authors[a].seq = h->seq; /* the walk goes back in time */
	}
}

/* ---- the commit walk ----
 * Our own walk by commit time rather than git_revwalk: libgit2 1.5's
 * revwalk fails at the boundary of a shallow clone (the parents are
 * missing), where git log simply stops. */

static bool qitem_before(const struct qitem *a, const struct qitem *b)
{
	return a->time != b->time ? a->time > b->time : a->order < b->order;
}

static void queue_push(struct hist *h, git_commit *c)
{
	ALLOC_GROW(h->queue, h->nqueue + 1, h->qcap);
	size_t i = h->nqueue++;
	struct qitem it = { c, (int64_t)git_commit_time(c), h->pushed++ };
	while (i > 0 && qitem_before(&it, &h->queue[(i - 1) / 2])) {
		h->queue[i] = h->queue[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->queue[i] = it;
}

static git_commit *queue_pop(struct hist *h)
{
	if (!h->nqueue)
		return NULL;
	git_commit *top = h->queue[0].commit;
	struct qitem last = h->queue[--h->nqueue];
	size_t i = 0;
	for (;;) {
		size_t k = 2 * i + 1;
		if (k >= h->nqueue)
			break;
		if (k + 1 < h->nqueue && qitem_before(&h->queue[k + 1], &h->queue[k]))
			k++;
		if (!qitem_before(&h->queue[k], &last))
			break;
		h->queue[i] = h->queue[k];
		i = k;
	}
	if (h->nqueue)
		h->queue[i] = last;
	return top;
}

static size_t oid_slot(const git_oid *id, size_t cap)
{
	size_t v = 0;
	memcpy(&v, id->id, sizeof(v) < GIT_OID_RAWSZ ? sizeof(v) : GIT_OID_RAWSZ);
	return v & (cap - 1);
}

/* Adds id to the set of commits already queued; false when it was there. */
static bool seen_add(struct hist *h, const git_oid *id)
{
	if (2 * (h->nseen + 1) > h->seencap) {
		size_t ncap = h->seencap ? 2 * h->seencap : 1024;
		git_oid *slots = xcalloc(ncap, sizeof(*slots));
		for (size_t i = 0; i < h->seencap; i++) {
			if (git_oid_is_zero(&h->seen[i]))
				continue;
			size_t j = oid_slot(&h->seen[i], ncap);
			while (!git_oid_is_zero(&slots[j]))
				j = (j + 1) & (ncap - 1);
			slots[j] = h->seen[i];
		}
		free(h->seen);
		h->seen = slots;
		h->seencap = ncap;
	}
	size_t j = oid_slot(id, h->seencap);
	while (!git_oid_is_zero(&h->seen[j])) {
		if (git_oid_equal(&h->seen[j], id))
			return false;
		j = (j + 1) & (h->seencap - 1);
	}
	git_oid_cpy(&h->seen[j], id);
	h->nseen++;
	return true;
}

/* Marks what commit c changed under dir: against its first parent, and for
 * a merge only what differs from every parent. */
static int visit_commit(struct hist *h, const git_commit *c)
{
	git_oid a_dir, b_dir;
	bool has_a = dir_tree(h, git_commit_tree_id(c), &a_dir);
	unsigned nparents = git_commit_parentcount(c);
	git_commit **parents = xcalloc(nparents ? nparents : 1, sizeof(*parents));
	unsigned got = 0;
	for (; got < nparents; got++) {
		if (git_commit_parent(&parents[got], c, got) < 0)
			break;
	}
	if (got < nparents && !h->r->shallow) {
		/* a missing parent outside a shallow clone: the repository is
		 * damaged; treat the commit as a root and say so */
		char hex[41];
		git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
		diag_error(h->diags, "", 0, 0, "history incomplete at commit %.12s: %s", hex,
			   git_msg());
	}
	/* a shallow clone's boundary commit reads as a root, as in git log */
	if (got == 0) {
		if (has_a)
			diff_trees(h, &a_dir, NULL, &h->root);
	} else {
		bool has_b = dir_tree(h, git_commit_tree_id(parents[0]), &b_dir);
		if (has_a != has_b || (has_a && !git_oid_equal(&a_dir, &b_dir)))
			diff_trees(h, has_a ? &a_dir : NULL, has_b ? &b_dir : NULL, &h->root);
	}
	for (unsigned p = 1; p < got && h->ncand; p++) {
		git_oid p_dir;
		bool has_p = dir_tree(h, git_commit_tree_id(parents[p]), &p_dir);
		size_t keep = 0;
		for (size_t k = 0; k < h->ncand; k++) {
			git_oid ida, idp;
			unsigned ma = 0, mp = 0;
			bool in_a = has_a && file_entry(h, &a_dir, h->cand[k], &ida, &ma);
			bool in_p = has_p && file_entry(h, &p_dir, h->cand[k], &idp, &mp);
			bool same = in_a == in_p && (!in_a || (git_oid_equal(&ida, &idp) && ma == mp));
			if (!same)
				h->cand[keep++] = h->cand[k];
		}
		h->ncand = keep;
	}
	if (h->ncand)
		record(h, c);
	h->ncand = 0;
	for (unsigned p = 0; p < got; p++) {
		if (seen_add(h, git_commit_id(parents[p])))
			queue_push(h, parents[p]); /* the queue owns it now */
		else
			git_commit_free(parents[p]);
	}
	free(parents);
	return 0;
}

static int hauthor_cmp(const void *pa, const void *pb)
{
	const struct hauthor *a = pa, *b = pb;
	/* larger seq = older commit: oldest first */
	return a->seq < b->seq ? 1 : a->seq > b->seq ? -1 : 0;
}

static int hentry_cmp(const void *pa, const void *pb)
{
	return strcmp(((const struct repo_history_entry *)pa)->path,
		      ((const struct repo_history_entry *)pb)->path);
}

int repo_history(struct repo *r, const char *dir, struct repo_history *out, struct arena *a,
		 struct diag_list *diags)
{
	struct hist h = { .r = r, .diags = diags, .tmp = ARENA_INIT, .author_ids = STRMAP_INIT,
			  .scratch = BUF_INIT };
	char *d = norm_dir(dir);
	git_tree *root_tree = NULL;
	const char **out_names = NULL;
	int rc = -1;
	out->entries = NULL;
	out->n = 0;
	h.root.dir = true;
	if (*d && check_path(d, "folder", diags) < 0)
		goto done;
	if (!r->git || !r->commit) {
		rc = 0; /* no repository or no commit yet: no history */
		goto done;
	}
	h.cache = xcalloc(TREE_CACHE, sizeof(*h.cache));
	if (*d) {
		size_t n = 1;
		for (const char *p = d; *p; p++)
			n += *p == '/';
		h.dirparts = arena_alloc(&h.tmp, n * sizeof(*h.dirparts));
		h.rel = strlen(d) + 1;
		char *copy = arena_strdup(&h.tmp, d);
		for (char *p = copy; p;) {
			char *slash = strchr(p, '/');
			if (slash)
				*slash = '\0';
			h.dirparts[h.ndirparts++] = p;
			p = slash ? slash + 1 : NULL;
		}
	}

	/* the files that exist at the commit */
	git_oid dir_id;
	if (!dir_tree(&h, git_commit_tree_id(r->commit), &dir_id)) {
		rc = 0; /* repo_list reports a missing folder */
		goto done;
	}
	root_tree = tree_get(&h, &dir_id);
	if (!root_tree) {
		diag_error(diags, d, 0, 0, "cannot read folder: %s", git_msg());
		goto done;
	}
	buf_puts(&h.scratch, d);
	build_nodes(&h, &h.root, root_tree, 0);
	buf_reset(&h.scratch);

	git_object *start = NULL;
	if (git_object_dup(&start, (git_object *)r->commit) < 0) {
		diag_error(diags, "", 0, 0, "cannot walk history: %s", git_msg());
		goto done;
	}
	seen_add(&h, git_commit_id(r->commit));
	queue_push(&h, (git_commit *)start);
	git_commit *c;
	for (h.seq = 0; (c = queue_pop(&h)); h.seq++) {
		visit_commit(&h, c);
		git_commit_free(c);
	}

	/* results, in the caller's arena */
	size_t n = 0;
	for (size_t i = 0; i < h.nfiles; i++)
		n += h.files[i].seen;
	out_names = xcalloc(h.nnames ? h.nnames : 1, sizeof(*out_names));
	out->entries = arena_zalloc(a, (n ? n : 1) * sizeof(*out->entries));
	for (size_t i = 0; i < h.nfiles; i++) {
		struct hfile *f = &h.files[i];
		if (!f->seen)
			continue;
		struct repo_history_entry *e = &out->entries[out->n++];
		e->path = arena_strdup(a, f->path);
		e->first = f->first;
		e->last = f->last;
		qsort(f->authors, f->nauthors, sizeof(*f->authors), hauthor_cmp);
		e->authors = arena_alloc(a, (f->nauthors ? f->nauthors : 1) * sizeof(*e->authors));
		for (size_t k = 0; k < f->nauthors; k++) {
			size_t id_ = f->authors[k].id;
			if (!out_names[id_])
				out_names[id_] = arena_strdup(a, h.names[id_]);
			e->authors[k] = out_names[id_];
		}
		e->nauthors = f->nauthors;
	}
	if (out->n > 1)
		qsort(out->entries, out->n, sizeof(*out->entries), hentry_cmp);
	rc = 0;
done:
	if (rc < 0) {
		out->entries = NULL;
		out->n = 0;
	}
	for (size_t i = 0; i < h.nqueue; i++)
		git_commit_free(h.queue[i].commit);
	free(h.queue);
	free(h.seen);
	git_tree_free(root_tree);
	if (h.cache) {
		for (size_t i = 0; i < TREE_CACHE; i++)
			git_tree_free(h.cache[i].tree);
		free(h.cache);
	}
	for (size_t i = 0; i < h.nfiles; i++)
		free(h.files[i].authors);
	free(h.files);
	free(h.cand);
	free(h.names);
	free(out_names);
	strmap_release(&h.author_ids);
	buf_release(&h.scratch);
	arena_release(&h.tmp);
	free(d);
	return rc;
}

const struct repo_history_entry *repo_history_find(const struct repo_history *h, const char *path)
{
	size_t lo = 0, hi = h->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(path, h->entries[mid].path);
		if (c == 0)
			return &h->entries[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* ---- review: merge previews and the commits of a merge request ------ */

char *repo_merge_ref(const char *base, const char *head)
{
	return xasprintf("%s%s\x1f%s", MERGE_PREFIX, base, head);
}

void repo_hash_bytes(const void *data, size_t len, char hex[41])
{
	git_oid id;
	if (git_odb_hash(&id, data, len, GIT_OBJECT_BLOB) < 0) {
		/* cannot happen short of memory exhaustion; the length still
		 * tells most outputs apart */
		snprintf(hex, 41, "%040zx", len);
		return;
	}
	git_oid_tostr(hex, 41, &id);
}

/* Writing an object that already exists makes libgit2 "freshen" it: touch
 * the loose file or the pack on disk. This backend sits first and answers
 * "exists" from a separate, read-only view of the object folder, so such
 * writes stop there; new objects fall through to the in-memory store. The
 * repository's files are never modified. */
struct shield {
	git_odb_backend parent;
	git_odb *view;
};

static int shield_exists(git_odb_backend *b, const git_oid *id)
{
	return git_odb_exists(((struct shield *)b)->view, id);
}

static void shield_free(git_odb_backend *b)
{
	git_odb_free(((struct shield *)b)->view);
	free(b);
}

/* Makes every object write of this repository go to memory. */
static int use_mempack(struct repo *r, struct diag_list *diags)
{
	if (r->mempack)
		return 0;
	git_odb_backend *mp = NULL;
	struct shield *sh = xcalloc(1, sizeof(*sh));
	char *objects = xasprintf("%sobjects", git_repository_commondir(r->git));
	int rc = -1;
	if (git_odb_init_backend(&sh->parent, GIT_ODB_BACKEND_VERSION) < 0 ||
	    git_odb_open(&sh->view, objects) < 0) {
		diag_error(diags, "", 0, 0, "cannot read the object database: %s", git_msg());
		goto done;
	}
	sh->parent.exists = shield_exists;
	sh->parent.free = shield_free;
	if (git_mempack_new(&mp) < 0 || git_odb_add_backend(r->odb, mp, 1000) < 0) {
		diag_error(diags, "", 0, 0, "cannot set up an in-memory object store: %s", git_msg());
		if (mp)
			mp->free(mp);
		goto done;
	}
	if (git_odb_add_backend(r->odb, &sh->parent, 1001) < 0) {
		diag_error(diags, "", 0, 0, "cannot set up an in-memory object store: %s", git_msg());
		goto done;
	}
	sh = NULL; /* the odb owns it */
	r->mempack = true;
	rc = 0;
done:
	if (sh) {
		git_odb_free(sh->view);
		free(sh);
	}
	free(objects);
	return rc;
}

static int lookup_commit(struct repo *r, const char *ref, git_commit **out, struct diag_list *diags)
{
	git_object *obj = NULL, *peeled = NULL;
	*out = NULL;
	if (git_revparse_single(&obj, r->git, ref) < 0)
		return diag_error(diags, "", 0, 0, "ref '%s' not found in %s: %s", ref, r->path,
				  git_msg());
	int rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (rc < 0)
		return diag_error(diags, "", 0, 0, "ref '%s' is not a commit: %s", ref, git_msg());
	*out = (git_commit *)peeled;
	return 0;
}

static int str_ptr_cmp(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* Merges head into base in memory: the result's tree in *tree, or the
 * conflicting paths (sorted, deduplicated, malloc'd strings). */
static int merge_in_memory(struct repo *r, git_commit *base, git_commit *head, git_oid *tree,
			   char ***conflicts, size_t *nconflicts, struct diag_list *diags)
{
	git_index *idx = NULL;
	git_index_conflict_iterator *it = NULL;
	char **paths = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;
	*conflicts = NULL;
	*nconflicts = 0;
	if (use_mempack(r, diags) < 0)
		return -1;
	if (git_merge_commits(&idx, r->git, base, head, NULL) < 0) {
		diag_error(diags, "", 0, 0, "cannot merge: %s", git_msg());
		goto done;
	}
	if (git_index_has_conflicts(idx)) {
		if (git_index_conflict_iterator_new(&it, idx) < 0) {
			diag_error(diags, "", 0, 0, "cannot list conflicts: %s", git_msg());
			goto done;
		}
		const git_index_entry *anc, *ours, *theirs;
		while (git_index_conflict_next(&anc, &ours, &theirs, it) == 0) {
			const git_index_entry *e = ours ? ours : theirs ? theirs : anc;
			if (!e)
				continue;
			ALLOC_GROW(paths, n + 1, cap);
			paths[n++] = xstrdup(e->path);
		}
		if (n)
			qsort(paths, n, sizeof(*paths), str_ptr_cmp);
		size_t k = 0;
		for (size_t i = 0; i < n; i++) {
			if (k && strcmp(paths[k - 1], paths[i]) == 0)
				free(paths[i]);
			else
				paths[k++] = paths[i];
		}
		*conflicts = paths;
		*nconflicts = k;
		paths = NULL;
		rc = 0;
		goto done;
	}
	if (git_index_write_tree_to(tree, idx, r->git) < 0) {
		diag_error(diags, "", 0, 0, "cannot write the merged tree: %s", git_msg());
		goto done;
	}
	rc = 0;
done:
	free(paths);
	git_index_conflict_iterator_free(it);
	git_index_free(idx);
	return rc;
}

/* repo_open for a merge ref: "BASE\x1fHEAD" after the prefix. The commit
 * is made in memory with a fixed signature dated at the later of the two
 * commits, so the same merge always gets the same id (the plugins' seed). */
static int open_merge(struct repo *r, const char *spec, struct diag_list *diags)
{
	const char *sep = strchr(spec, '\x1f');
	if (!sep)
		return diag_error(diags, "", 0, 0, "invalid merge reference");
	char *base_ref = xstrndup(spec, (size_t)(sep - spec));
	git_commit *base = NULL, *head = NULL, *merged = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	char **conflicts = NULL;
	size_t nconflicts = 0;
	int rc = -1;
	if (lookup_commit(r, base_ref, &base, diags) < 0 || lookup_commit(r, sep + 1, &head, diags) < 0)
		goto done;
	git_oid tree_id, commit_id;
	if (merge_in_memory(r, base, head, &tree_id, &conflicts, &nconflicts, diags) < 0)
		goto done;
	if (nconflicts) {
		for (size_t i = 0; i < nconflicts; i++)
			diag_error(diags, conflicts[i], 0, 0, "merge conflict: changed on both sides");
		diag_error(diags, "", 0, 0, "merging '%s' into '%s' conflicts on %zu file(s)", sep + 1,
			   base_ref, nconflicts);
		goto done;
	}
	git_time_t when = git_commit_time(base) > git_commit_time(head) ? git_commit_time(base)
									  : git_commit_time(head);
	const git_commit *parents[2] = { base, head };
	if (git_tree_lookup(&tree, r->git, &tree_id) < 0 ||
	    git_signature_new(&sig, "loa review", "loa@localhost", when, 0) < 0 ||
	    git_commit_create(&commit_id, r->git, NULL, sig, sig, NULL, "merge preview\n", tree, 2,
			      parents) < 0 ||
	    git_commit_lookup(&merged, r->git, &commit_id) < 0) {
		diag_error(diags, "", 0, 0, "cannot make the merge preview: %s", git_msg());
		goto done;
	}
	r->commit = merged;
	merged = NULL;
	git_oid_tostr(r->commit_id, sizeof(r->commit_id), &commit_id);
	r->commit_time = (int64_t)when;
	rc = 0;
done:
	for (size_t i = 0; i < nconflicts; i++)
		free(conflicts[i]);
	free(conflicts);
	git_signature_free(sig);
	git_tree_free(tree);
	git_commit_free(merged);
	git_commit_free(base);
	git_commit_free(head);
	free(base_ref);
	return rc;
}

/* Paths that differ between trees a and b (either may be NULL), below
 * prefix. Identical subtrees are skipped by id. */
struct changes {
	struct repo *r;
	struct arena *a;
	struct repo_change *items;
	size_t n, cap;
	struct buf path;
};

static void add_change(struct changes *c, bool invalid)
{
	ALLOC_GROW(c->items, c->n + 1, c->cap);
	c->items[c->n++] = (struct repo_change){ arena_strndup(c->a, c->path.ptr, c->path.len),
						 invalid };
}

static void diff_tree_ids(struct changes *c, const git_oid *a_id, const git_oid *b_id, int depth,
			  bool invalid);

static void entry_diff(struct changes *c, const git_tree_entry *ea, const git_tree_entry *eb,
		       int depth, bool invalid)
{
	const git_tree_entry *e = ea ? ea : eb;
	const char *name = git_tree_entry_name(e);
	size_t base = c->path.len;
	if (base)
		buf_putc(&c->path, '/');
	buf_puts(&c->path, name);
	invalid = invalid || name_problem(name, strlen(name)) != NULL;
	bool ta = ea && (git_tree_entry_filemode_raw(ea) & MODE_TYPE) == MODE_TREE;
	bool tb = eb && (git_tree_entry_filemode_raw(eb) & MODE_TYPE) == MODE_TREE;
	if ((ta || tb) && depth < c->r->max_depth) {
		/* a file replaced by a folder (or back): the file changed too */
		if ((ea && !ta) || (eb && !tb))
			add_change(c, invalid);
		diff_tree_ids(c, ta ? git_tree_entry_id(ea) : NULL, tb ? git_tree_entry_id(eb) : NULL,
			      depth + 1, invalid);
	} else {
		add_change(c, invalid);
	}
	buf_setlen(&c->path, base);
}

static void diff_tree_ids(struct changes *c, const git_oid *a_id, const git_oid *b_id, int depth,
			  bool invalid)
{
	git_tree *ta = NULL, *tb = NULL;
	if (a_id && git_tree_lookup(&ta, c->r->git, a_id) < 0)
		ta = NULL;
	if (b_id && git_tree_lookup(&tb, c->r->git, b_id) < 0)
		tb = NULL;
	if ((a_id && !ta) || (b_id && !tb)) {
		add_change(c, true); /* unreadable: count the folder as changed */
		goto done;
	}
	size_t na = ta ? git_tree_entrycount(ta) : 0, nb = tb ? git_tree_entrycount(tb) : 0;
	size_t i = 0, j = 0;
	while (i < na || j < nb) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(ta, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(tb, j) : NULL;
		int cmp = !ea ? 1 : !eb ? -1 : strcmp(git_tree_entry_name(ea), git_tree_entry_name(eb));
		if (cmp == 0) {
			i++;
			j++;
			if (git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
			    git_tree_entry_filemode_raw(ea) == git_tree_entry_filemode_raw(eb))
				continue;
			entry_diff(c, ea, eb, depth, invalid);
		} else if (cmp < 0) {
			i++;
			entry_diff(c, ea, NULL, depth, invalid);
		} else {
			j++;
			entry_diff(c, NULL, eb, depth, invalid);
		}
	}
done:
	git_tree_free(ta);
	git_tree_free(tb);
}

static int change_cmp(const void *pa, const void *pb)
{
	return strcmp(((const struct repo_change *)pa)->path, ((const struct repo_change *)pb)->path);
}

/* The id and mode of path in tree root_id; false when absent. */
static bool path_entry(struct repo *r, const git_oid *root_id, const char *path, git_oid *id,
		       unsigned *mode)
{
	git_tree *t = NULL;
	git_tree_entry *e = NULL;
	if (git_tree_lookup(&t, r->git, root_id) < 0)
		return false;
	bool ok = git_tree_entry_bypath(&e, t, path) == 0;
	if (ok) {
		git_oid_cpy(id, git_tree_entry_id(e));
		*mode = (unsigned)git_tree_entry_filemode_raw(e);
	}
	git_tree_entry_free(e);
	git_tree_free(t);
	return ok;
}

static void commit_changes(struct repo *r, const git_commit *c, struct repo_commit_info *info,
			   struct arena *a)
{
	struct changes ch = { r, a, NULL, 0, 0, BUF_INIT };
	unsigned np = git_commit_parentcount(c);
	const git_oid *p0 = np ? git_commit_parent_id(c, 0) : NULL;
	git_commit *parent = NULL;
	git_oid p0_tree;
	bool have_p0 = false;
	if (p0 && git_commit_lookup(&parent, r->git, p0) == 0) {
		git_oid_cpy(&p0_tree, git_commit_tree_id(parent));
		have_p0 = true;
		git_commit_free(parent);
	}
	diff_tree_ids(&ch, have_p0 ? &p0_tree : NULL, git_commit_tree_id(c), 0, false);
	/* a merge changed only what differs from every parent */
	for (unsigned p = 1; p < np && ch.n; p++) {
		git_commit *pc = NULL;
		if (git_commit_lookup(&pc, r->git, git_commit_parent_id(c, p)) < 0)
			continue;
		size_t keep = 0;
		for (size_t k = 0; k < ch.n; k++) {
			git_oid ida, idp;
			unsigned ma = 0, mp = 0;
			bool in_a = path_entry(r, git_commit_tree_id(c), ch.items[k].path, &ida, &ma);
			bool in_p = path_entry(r, git_commit_tree_id(pc), ch.items[k].path, &idp, &mp);
			bool same = in_a == in_p && (!in_a || (git_oid_equal(&ida, &idp) && ma == mp));
			if (ch.items[k].invalid || !same)
				ch.items[keep++] = ch.items[k];
		}
		ch.n = keep;
		git_commit_free(pc);
	}
	if (ch.n > 1)
		qsort(ch.items, ch.n, sizeof(*ch.items), change_cmp);
	info->changes = arena_alloc(a, (ch.n ? ch.n : 1) * sizeof(*info->changes));
	if (ch.n)
		memcpy(info->changes, ch.items, ch.n * sizeof(*ch.items));
	info->nchanges = ch.n;
	info->nparents = np;
	free(ch.items);
	buf_release(&ch.path);
}

enum { MAX_RANGE_COMMITS = 100000 };

int repo_range(struct repo *r, const char *base, const char *head, struct repo_range *out,
	       struct arena *a, struct diag_list *diags)
{
	memset(out, 0, sizeof(*out));
	if (!r->git)
		return diag_error(diags, "", 0, 0, "%s: not a git repository", r->path);
	git_commit *bc = NULL, *hc = NULL;
	git_revwalk *walk = NULL;
	struct repo_commit_info *items = NULL;
	size_t n = 0, cap = 0;
	char **conflicts = NULL;
	size_t nconflicts = 0;
	int rc = -1;
	if (lookup_commit(r, base, &bc, diags) < 0 || lookup_commit(r, head, &hc, diags) < 0)
		goto done;
	git_oid_tostr(out->base_id, sizeof(out->base_id), git_commit_id(bc));
	git_oid_tostr(out->head_id, sizeof(out->head_id), git_commit_id(hc));

	git_oid tree;
	if (merge_in_memory(r, bc, hc, &tree, &conflicts, &nconflicts, diags) < 0)
		goto done;
	out->conflicts = arena_alloc(a, (nconflicts ? nconflicts : 1) * sizeof(*out->conflicts));
	for (size_t i = 0; i < nconflicts; i++)
		out->conflicts[i] = arena_strdup(a, conflicts[i]);
	out->nconflicts = nconflicts;

	if (git_revwalk_new(&walk, r->git) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) < 0 ||
	    git_revwalk_push(walk, git_commit_id(hc)) < 0 ||
	    git_revwalk_hide(walk, git_commit_id(bc)) < 0) {
		diag_error(diags, "", 0, 0, "cannot list the commits of %s..%s: %s", base, head,
			   git_msg());
		goto done;
	}
	git_oid id;
	int err;
	while ((err = git_revwalk_next(&id, walk)) == 0) {
		if (n >= MAX_RANGE_COMMITS) {
			diag_error(diags, "", 0, 0, "more than %d commits in %s..%s", MAX_RANGE_COMMITS,
				   base, head);
			goto done;
		}
		git_commit *c = NULL;
		if (git_commit_lookup(&c, r->git, &id) < 0) {
			diag_error(diags, "", 0, 0, "cannot read a commit: %s", git_msg());
			goto done;
		}
		ALLOC_GROW(items, n + 1, cap);
		struct repo_commit_info *info = &items[n++];
		memset(info, 0, sizeof(*info));
		git_oid_tostr(info->id, sizeof(info->id), &id);
		const git_signature *sig = git_commit_author(c);
		info->author_name = arena_strdup(a, sig && sig->name ? sig->name : "");
		info->author_email = arena_strdup(a, sig && sig->email ? sig->email : "");
		const char *summary = git_commit_summary(c);
		info->summary = arena_strdup(a, summary ? summary : "");
		commit_changes(r, c, info, a);
		git_commit_free(c);
	}
	if (err != GIT_ITEROVER) {
		diag_error(diags, "", 0, 0, "cannot list the commits of %s..%s: %s", base, head,
			   git_msg());
		goto done;
	}
	out->commits = arena_alloc(a, (n ? n : 1) * sizeof(*out->commits));
	if (n)
		memcpy(out->commits, items, n * sizeof(*items));
	out->n = n;
	rc = 0;
done:
	for (size_t i = 0; i < nconflicts; i++)
		free(conflicts[i]);
	free(conflicts);
	free(items);
	git_revwalk_free(walk);
	git_commit_free(bc);
	git_commit_free(hc);
	return rc;
}
