/* repo_internal.h — what the repo_*.c files share: struct repo, the limits,
 * git's mode bits, and the helpers one file defines and others call. Not
 * for use outside generator/source/ (it includes <git2.h>).
 *
 *   repo.c          open (hermetic), close, refs, reading blobs and paths
 *   repo_names.c    tree-entry name and path validation
 *   repo_worktree.c reading files on disk without following symlinks
 *   repo_list.c     listing a folder (git tree or disk)
 *   repo_history.c  the commit walk (heap, oid set, tree cache)
 *   repo_merge.c    in-memory merge previews (odb shield + mempack)
 *   repo_range.c    a merge request's commits and what each changed
 *   repo_treediff.c the one tree differ and the one merge filter */
#ifndef LOA_REPO_INTERNAL_H
#define LOA_REPO_INTERNAL_H

#include "source/repo.h"

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct diag_list;

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
	char history_id[41]; /* the commit the history starts from; "" without one */
	int64_t commit_time;
	bool worktree, shallow;
	bool mempack; /* an in-memory object store takes every write (merge previews) */
	size_t max_file_size, max_files;
	int max_depth;
};

/* A merge preview travels as a ref: MERGE_PREFIX "BASE\x1fHEAD". */
#define MERGE_PREFIX "\x1fmerge\x1f"

/* repo.c */
const char *repo_git_msg(void); /* libgit2's last error message, never NULL */
char *repo_norm_dir(const char *dir); /* malloc'd, without a trailing '/' */
int repo_strp_cmp(const void *pa, const void *pb); /* qsort on char * */
const char *repo_mode_problem(unsigned mode);
/* Checks from its header that id is a blob within max_file_size: 0 with
 * *size set, or -1 after reporting at path. */
int repo_blob_check(struct repo *r, const git_oid *id, const char *path, size_t *size,
		    struct diag_list *diags);
/* Loads blob id after repo_blob_check. */
int repo_read_blob(struct repo *r, const git_oid *id, const char *path, struct buf *out,
		   struct diag_list *diags);
/* The entry at the validated path of the built commit: 0 (free *out), 1
 * when absent, -1 after reporting. */
int repo_entry_bypath(struct repo *r, const char *path, git_tree_entry **out,
		      struct diag_list *diags);
/* ref peeled to a commit (free it), or -1 after reporting. */
int repo_lookup_commit(struct repo *r, const char *ref, git_commit **out,
		       struct diag_list *diags);

/* repo_names.c: why one path component is refused, or NULL when valid */
const char *repo_name_problem(const char *name, size_t len);
/* Validates every component of path; what names it in the error. */
int repo_check_path(const char *path, const char *what, struct diag_list *diags);

/* repo_worktree.c */
enum repo_rd { RD_OK, RD_ERRNO, RD_TOO_LARGE, RD_NOT_FILE };
enum repo_rd repo_read_fd(int fd, size_t max, struct buf *out, size_t *size);
int repo_report_rd(enum repo_rd res, int errnum, size_t size, size_t max, const char *path,
		   struct diag_list *diags);
/* 0 with *fd set, 1 when absent, -1 after reporting; never follows a symlink */
int repo_wt_open(struct repo *r, const char *path, bool want_dir, int *fd,
		 struct diag_list *diags);
int repo_wt_read(struct repo *r, const char *path, struct buf *out, bool absent_ok,
		 struct diag_list *diags);

int repo_classify_open_failure(int dfd, const char *name, int errnum, const char *path,
			       bool want_dir, struct diag_list *diags);

/* repo_list.c: dup[i] is 1 for the first entry of a repeated name, 2 for
 * the others, 0 when unique (malloc'd) */
unsigned char *repo_find_dups(const char *const *names, size_t n);

/* repo_merge.c */
int repo_merge_open(struct repo *r, const char *spec, struct diag_list *diags);
/* The merged tree in *tree, or the conflicting paths (sorted, unique,
 * malloc'd strings in a malloc'd array; *tree is then unset). */
int repo_merge_in_memory(struct repo *r, git_commit *base, git_commit *head, git_oid *tree,
			 char ***conflicts, size_t *nconflicts, struct diag_list *diags);

/* repo_treediff.c */

/* Called for each name whose entry differs between the two trees; one side
 * is NULL when the name exists only on the other. Entries with equal ids
 * and modes are never reported. */
typedef void repo_tree_diff_fn(void *ctx, const git_tree_entry *ea, const git_tree_entry *eb);

/* The one tree differ: a single merge pass over two trees in git order
 * (either may be NULL, read as empty). It does not recurse: the callback
 * decides whether a folder is entered, and how. */
void repo_tree_diff(const git_tree *ta, const git_tree *tb, repo_tree_diff_fn *fn, void *ctx);

/* Where a change lives in one tree: its id and mode in the tree root (NULL
 * when the tree is absent); false when the path does not exist there. */
typedef bool repo_entry_at_fn(void *ctx, const git_oid *root, const void *item, git_oid *id,
			      unsigned *mode);

/* The one merge filter: a merge changed only what differs from every
 * parent. Keeps, in order, the n items (of size bytes each) whose entry in
 * tree merged differs from the one in tree parent, or for which keep (may
 * be NULL) says true. Returns the new count. */
size_t repo_merge_filter(void *items, size_t n, size_t size, const git_oid *merged,
			 const git_oid *parent, repo_entry_at_fn *entry_at,
			 bool (*keep)(const void *item), void *ctx);

#endif
