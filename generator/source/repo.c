/* repo — the content source: libgit2 reading a commit's tree (no checkout),
 * or the work tree on disk (--worktree).
 *
 * Owns: the libgit2 handles (repository, object database, built commit),
 * the hermetic open, refs, and reading one file (a blob or a work-tree
 * file) after its size is checked. The other concerns live beside it, each
 * in its own repo_*.c (listed in repo_internal.h); generator/source/ is the
 * only folder that includes <git2.h>.
 *
 * libgit2 1.5 validates nothing it reads, so nothing from a tree is used
 * before repo_name_problem() has looked at it. In --worktree mode a listed
 * file's oid is computed at list time (the raw bytes hashed as git would,
 * without clean filters), so callers can key caches on it in both modes. */
#include "source/repo_internal.h"

#include <git2/sys/repository.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *repo_git_msg(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "unknown libgit2 error";
}

int repo_strp_cmp(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* Copies dir without a trailing '/'; "" means the whole repository. */
char *repo_norm_dir(const char *dir)
{
	if (!dir)
		dir = "";
	size_t len = strlen(dir);
	if (len && dir[len - 1] == '/')
		len--;
	return xstrndup(dir, len);
}

/* ---- open ----------------------------------------------------------- */

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
	int rc = -1;
	/* LOA_DEBUG=repo: one line per open, which t93-repo-once counts (a
	 * build opens the repository once; the review once per tree) */
	const char *debug = getenv("LOA_DEBUG");
	if (debug && strstr(debug, "repo"))
		fprintf(stderr, "loa: debug: repo_open %s\n",
			strncmp(ref, MERGE_PREFIX, strlen(MERGE_PREFIX)) == 0 ? "(merge preview)" : ref);

	if (hermetic() < 0) {
		diag_error(diags, "", 0, 0, "cannot isolate git configuration: %s", repo_git_msg());
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
		diag_error(diags, "", 0, 0, "%s: cannot open git repository: %s", r->path, repo_git_msg());
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
		diag_error(diags, "", 0, 0, "%s: cannot open object database: %s", r->path, repo_git_msg());
		goto done;
	}
	r->shallow = git_repository_is_shallow(r->git) == 1;

	/* A work tree whose HEAD has no commit yet simply has no history. */
	if (r->worktree && !opts->ref && git_repository_head_unborn(r->git) == 1) {
		rc = 0;
		goto done;
	}
	if (strncmp(ref, MERGE_PREFIX, strlen(MERGE_PREFIX)) == 0) {
		if (repo_merge_open(r, ref + strlen(MERGE_PREFIX), diags) < 0)
			goto done;
		rc = 0;
		goto done;
	}
	if (repo_lookup_commit(r, ref, &r->commit, diags) < 0)
		goto done;
	git_oid_tostr(r->history_id, sizeof(r->history_id), git_commit_id(r->commit));
	if (!r->worktree) {
		git_oid_tostr(r->commit_id, sizeof(r->commit_id), git_commit_id(r->commit));
		r->commit_time = (int64_t)git_commit_time(r->commit);
	}
	rc = 0;
done:
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

void repo_drop_caches(struct repo *r)
{
	if (!r || !r->git)
		return;
	(void)git_repository__cleanup(r->git);
	/* The object database maps the pack files whole (18 MB of the
	 * builder's resident memory at 10,000 pages); freed, it is opened
	 * again by the next read, which maps only what it reads. A merge
	 * preview's in-memory objects live in it: that one stays. */
	if (!r->mempack) {
		git_odb_free(r->odb);
		r->odb = NULL;
	}
}

/* The object database, opened again after repo_drop_caches; NULL after
 * reporting at path */
static git_odb *repo_odb(struct repo *r, const char *path, struct diag_list *diags)
{
	if (!r->odb && (!r->git || git_repository_odb(&r->odb, r->git) < 0)) {
		r->odb = NULL;
		diag_error(diags, path, 0, 0, "cannot read the object database: %s", repo_git_msg());
	}
	return r->odb;
}

void repo_set_max_file_size(struct repo *r, size_t bytes)
{
	r->max_file_size = bytes ? bytes : DEFAULT_MAX_FILE_SIZE;
}

struct repo *repo_reader(const struct repo *r)
{
	if (r->mempack || (!r->worktree && !r->git))
		return NULL;
	git_libgit2_init(); /* repo_free's shutdown balances it */
	struct repo *c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(r->path);
	c->worktree = r->worktree;
	c->shallow = r->shallow;
	c->max_file_size = r->max_file_size;
	c->max_files = r->max_files;
	c->max_depth = r->max_depth;
	memcpy(c->commit_id, r->commit_id, sizeof(c->commit_id));
	memcpy(c->history_id, r->history_id, sizeof(c->history_id));
	c->commit_time = r->commit_time;
	/* a work tree's files are read from disk by path; a commit's by the
	 * blob ids of the listing, through an object database of its own */
	if (!r->worktree &&
	    (git_repository_open_ext(&c->git, c->path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0 ||
	     git_repository_odb(&c->odb, c->git) < 0)) {
		repo_free(c);
		return NULL;
	}
	return c;
}

void repo_set_max_files(struct repo *r, size_t n)
{
	r->max_files = n ? n : DEFAULT_MAX_FILES;
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

const char *repo_history_id(const struct repo *r)
{
	return r->history_id;
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

const char *repo_mode_problem(unsigned mode)
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
int repo_blob_check(struct repo *r, const git_oid *id, const char *path, size_t *size,
		    struct diag_list *diags)
{
	git_object_t type;
	git_odb *odb = repo_odb(r, path, diags);
	if (!odb)
		return -1;
	if (git_odb_read_header(size, &type, odb, id) < 0)
		return diag_error(diags, path, 0, 0, "cannot read file: %s", repo_git_msg());
	if (type != GIT_OBJECT_BLOB)
		return diag_error(diags, path, 0, 0, "not a file (the object is a %s)",
				  git_object_type2string(type));
	if (*size > r->max_file_size)
		return diag_error(diags, path, 1, 0, "file too large (%zu bytes, limit %zu)", *size,
				  r->max_file_size);
	return 0;
}

int repo_read_blob(struct repo *r, const git_oid *id, const char *path, struct buf *out,
		   struct diag_list *diags)
{
	size_t size;
	if (repo_blob_check(r, id, path, &size, diags) < 0)
		return -1;
	git_odb_object *obj = NULL;
	if (git_odb_read(&obj, r->odb, id) < 0) /* opened by repo_blob_check */
		return diag_error(diags, path, 0, 0, "cannot read file: %s", repo_git_msg());
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
int repo_entry_bypath(struct repo *r, const char *path, git_tree_entry **out,
			struct diag_list *diags)
{
	git_tree *tree = NULL;
	char *copy = xstrdup(path);
	int rc = -1;
	*out = NULL;
	if (git_commit_tree(&tree, r->commit) < 0) {
		diag_error(diags, path, 0, 0, "cannot read the commit's tree: %s", repo_git_msg());
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
				diag_error(diags, path, 0, 0, "%s", repo_git_msg());
				goto done;
			}
			rc = 0;
			goto done;
		}
		unsigned mode = (unsigned)git_tree_entry_filemode_raw(e);
		if ((mode & MODE_TYPE) != MODE_TREE) {
			if ((mode & MODE_TYPE) == MODE_LINK || (mode & MODE_TYPE) == MODE_GITLINK) {
				diag_error(diags, copy, 0, 0, "%s", repo_mode_problem(mode));
				goto done;
			}
			rc = 1; /* a file where a folder would be: the path is absent */
			goto done;
		}
		git_tree *sub;
		if (git_tree_lookup(&sub, r->git, git_tree_entry_id(e)) < 0) {
			diag_error(diags, copy, 0, 0, "cannot read folder: %s", repo_git_msg());
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

int repo_lookup_commit(struct repo *r, const char *ref, git_commit **out, struct diag_list *diags)
{
	git_object *obj = NULL, *peeled = NULL;
	*out = NULL;
	if (git_revparse_single(&obj, r->git, ref) < 0)
		return diag_error(diags, "", 0, 0, "ref '%s' not found in %s: %s", ref, r->path,
				  repo_git_msg());
	int rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (rc < 0)
		return diag_error(diags, "", 0, 0, "ref '%s' is not a commit: %s", ref, repo_git_msg());
	*out = (git_commit *)peeled;
	return 0;
}

int repo_read(struct repo *r, const struct repo_file *f, struct buf *out, struct diag_list *diags)
{
	if (r->worktree) {
		if (repo_check_path(f->path, "path", diags) < 0)
			return -1;
		return repo_wt_read(r, f->path, out, false, diags);
	}
	git_oid id;
	if (git_oid_fromstrn(&id, f->oid, strnlen(f->oid, sizeof(f->oid))) < 0)
		return diag_error(diags, f->path, 0, 0, "invalid object id '%s'", f->oid);
	return repo_read_blob(r, &id, f->path, out, diags);
}

bool repo_file_matches(const struct repo_file *f, const void *data, size_t len)
{
	git_oid id;
	char hex[41];
	if (git_odb_hash(&id, data, len, GIT_OBJECT_BLOB) < 0)
		return false;
	git_oid_tostr(hex, sizeof(hex), &id);
	return strcmp(hex, f->oid) == 0;
}

int repo_read_path(struct repo *r, const char *path, struct buf *out, struct diag_list *diags)
{
	if (repo_check_path(path, "path", diags) < 0)
		return -1;
	if (r->worktree)
		return repo_wt_read(r, path, out, true, diags);
	git_tree_entry *e = NULL;
	int rc = repo_entry_bypath(r, path, &e, diags);
	if (rc)
		return rc;
	unsigned mode = (unsigned)git_tree_entry_filemode_raw(e);
	if ((mode & MODE_TYPE) == MODE_FILE)
		rc = repo_read_blob(r, git_tree_entry_id(e), path, out, diags);
	else
		rc = diag_error(diags, path, 0, 0, "%s", repo_mode_problem(mode));
	git_tree_entry_free(e);
	return rc;
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

