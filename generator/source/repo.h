/* repo — the content source: a git repository read with libgit2 at a ref
 * (branch, tag, commit; bare repositories too) without a checkout, or the
 * files on disk (--worktree).
 *
 * The only module that includes <git2.h>. It is hermetic: the user's and the
 * system's git configuration are never read (search paths blanked,
 * GIT_REPOSITORY_OPEN_NO_SEARCH). Every tree entry name is validated before
 * use: `.`, `..`, `.git` (any case, and NTFS/HFS aliases like `GIT~1`,
 * `.git.`), backslashes, control bytes, invalid UTF-8, names over 255 bytes
 * and duplicate names are errors naming the path, and the entry is skipped.
 * Symlinks and submodules (modes 120000/160000) are never followed: each is
 * an error. A blob's size is read from its header before it is loaded.
 * Trees deeper than max_depth are not entered (reported). */
#ifndef LOA_REPO_H
#define LOA_REPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;
struct diag_list;
struct repo;

struct repo_opts {
	const char *path;     /* repository (work tree or bare .git folder) */
	const char *ref;      /* "HEAD" when NULL */
	bool worktree;        /* read the files on disk under path instead */
	size_t max_file_size; /* bytes; larger files are errors ("too large") */
	size_t max_files;     /* the listing stops with an error past this */
	int max_depth;        /* folder nesting below the listed folder (32) */
};

struct repo_file {
	const char *path; /* repository-relative, '/'-separated, validated */
	size_t size;      /* from the object header (or lstat) */
	char oid[41];     /* blob id in hex; for --worktree the id git would give */
};

/* Opens the repository and resolves the ref to a commit. */
int repo_open(struct repo **out, const struct repo_opts *opts, struct diag_list *diags);
void repo_free(struct repo *r);

/* The commit built, as 40 hex digits ("" for --worktree). */
const char *repo_commit_id(const struct repo *r);
/* The commit's time (seconds since the epoch), 0 for --worktree. */
int64_t repo_commit_time(const struct repo *r);
/* True when the repository is a shallow clone: history dates are then
 * incomplete, and the caller should say so. */
bool repo_is_shallow(const struct repo *r);

/* Lists every regular file under dir ("content"), sorted by path (byte
 * order), into *files (allocated in a). Bad entries are reported and left
 * out; the listing itself fails (-1) only when dir is missing or the
 * repository cannot be read. */
int repo_list(struct repo *r, const char *dir, struct repo_file **files, size_t *nfiles,
	      struct arena *a, struct diag_list *diags);

/* Reads a listed file into out (replacing its content). Refuses files over
 * max_file_size without loading them. */
int repo_read(struct repo *r, const struct repo_file *f, struct buf *out, struct diag_list *diags);

/* Reads one file by repository-relative path (site.yaml); returns 1 when
 * absent, 0 when read, -1 on error. Same validation and size limit. */
int repo_read_path(struct repo *r, const char *path, struct buf *out, struct diag_list *diags);

/* History of the files under dir, from one walk over the commits reachable
 * from the ref (never one walk per file; identical subtrees are skipped by
 * id). For each path that exists at the ref: the times of the first and
 * last commits that changed it, and the authors of those commits (names,
 * deduplicated, in order of their first commit). */
struct repo_history_entry {
	const char *path;
	int64_t first, last;
	const char **authors;
	size_t nauthors;
};
struct repo_history {
	struct repo_history_entry *entries; /* sorted by path */
	size_t n;
};
int repo_history(struct repo *r, const char *dir, struct repo_history *out, struct arena *a,
		 struct diag_list *diags);
/* Binary search by path; NULL when absent. */
const struct repo_history_entry *repo_history_find(const struct repo_history *h, const char *path);

/* Commit author emails of the commits in base..head (for `loa review`) and
 * the paths they changed are a later concern; see the review command. */

#endif
