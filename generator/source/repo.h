/* repo — the content source: a git repository read with libgit2 at a ref
 * (branch, tag, commit; bare repositories too) without a checkout, or the
 * files on disk (--worktree).
 *
 * source/ is the only folder that includes <git2.h> (its repo_*.c files share
 * the private repo_internal.h). It is hermetic: the user's and the
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
/* A second handle on r's files for another thread (libgit2's objects are
 * used from one thread at a time): repo_read of the files r listed, with
 * r's size limit, and nothing else. Made and freed by the thread that owns
 * r (libgit2's init count). NULL when there can be none (a merge
 * preview's objects live in r's memory only) or it cannot be opened: the
 * caller reads through r instead. */
struct repo *repo_reader(const struct repo *r);
/* Frees what libgit2 keeps of the objects read so far (its object cache:
 * the trees of the history walk, about 24 MB at 10,000 pages) and unmaps
 * the pack files: called once the site is loaded, so that the plugin
 * stage's peak and the render workers do not carry them. Later reads work
 * as before. */
void repo_drop_caches(struct repo *r);

/* The largest file read from here on (bytes; 0: the default): site.yaml
 * sets it for the content, once the repository is open. */
void repo_set_max_file_size(struct repo *r, size_t bytes);
/* The most files a listing gives before it stops with an error (0: the
 * default, 100,000): site.yaml's limits.max_files, for a large site. */
void repo_set_max_files(struct repo *r, size_t n);

/* The commit built, as 40 hex digits ("" for --worktree). */
const char *repo_commit_id(const struct repo *r);
/* The commit whose history gives the files' dates and contributors: the
 * commit built, or for --worktree the one at HEAD (the files' committed
 * past); "" when there is none (no repository, or no commit yet). */
const char *repo_history_id(const struct repo *r);
/* The commit's time (seconds since the epoch), 0 for --worktree. */
int64_t repo_commit_time(const struct repo *r);
/* True when the repository is a shallow clone: history dates are then
 * incomplete, and the caller should say so. */
bool repo_is_shallow(const struct repo *r);

/* The number of files under specs ("content", "site.yaml", …) that differ
 * between HEAD and the work tree of the repository at path, untracked
 * (and not ignored) ones included; the first such path into first. 0 for a
 * bare repository; -1 when path is no repository or status fails. */
int repo_uncommitted(const char *path, const char *const *specs, size_t nspecs, char *first,
		     size_t first_size);

/* Lists every regular file under dir ("content"), sorted by path (byte
 * order), into *files (allocated in a). Bad entries are reported and left
 * out; the listing itself fails (-1) only when dir is missing or the
 * repository cannot be read. */
int repo_list(struct repo *r, const char *dir, struct repo_file **files, size_t *nfiles,
	      struct arena *a, struct diag_list *diags);

/* The same, but a missing dir is no error: 1, with nothing listed (for
 * folders a site may or may not have, like its own themes/). */
int repo_list_optional(struct repo *r, const char *dir, struct repo_file **files,
		       size_t *nfiles, struct arena *a, struct diag_list *diags);

/* Reads a listed file into out (replacing its content). Refuses files over
 * max_file_size without loading them. */
int repo_read(struct repo *r, const struct repo_file *f, struct buf *out, struct diag_list *diags);

/* True when data is the content of the blob the listing named for f (the
 * id git gives those bytes). In --worktree mode a file read after its
 * listing may have changed since it was hashed. */
bool repo_file_matches(const struct repo_file *f, const void *data, size_t len);

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

/* A rebuild after one new commit need not walk again: its history is the
 * parent's, extended by what the commit changed (the walk would visit the
 * commit, then exactly the parent's walk). repo_history_parent gives the
 * parent's id (hex) and 1 when that holds: the commit of repo_history_id
 * (for --worktree, HEAD) has exactly one parent, and the repository is no
 * shallow clone (whose boundary can move). repo_history_extend computes from parent (the
 * parent's repo_history for the same dir): 1 done, identical to
 * repo_history, diagnostics included; 0 when it cannot (the parent
 * commit is unreadable: walk instead); -1 after reporting. A file the
 * parent's history lacks (added by the commit, perhaps after an older
 * life) is walked for alone, entering only the folders on its path. */
int repo_history_parent(const struct repo *r, char parent[41]);
int repo_history_extend(struct repo *r, const char *dir, const struct repo_history *parent,
			struct repo_history *out, struct arena *a, struct diag_list *diags);
/* A history as bytes (appended to out), for the build cache, and back
 * (allocated in a): -1 when data is not exactly what encode writes. */
void repo_history_encode(const struct repo_history *h, struct buf *out);
int repo_history_decode(struct repo_history *h, const char *data, size_t len, struct arena *a);

/* ---- review: merge previews and the commits of a merge request ----
 *
 * repo_merge_ref(BASE, HEAD) makes a ref string that repo_open reads as
 * "the result of merging HEAD into BASE": the merge is computed in memory
 * (libgit2's merge into an index, its tree and a two-parent commit written
 * to an in-memory object store), so the repository is never written and
 * everything reading the ref (site_load, the history walk) sees a commit
 * like any other. The string holds 0x1f separators, which no git ref name
 * can contain. A conflicting merge fails repo_open with one error per
 * conflicting path. Free the string with free(). */
char *repo_merge_ref(const char *base, const char *head);

/* A path changed by a commit. invalid: some component fails the tree-entry
 * validation above (e.g. contains '/' or is `..`): never inside any folder. */
struct repo_change {
	const char *path;
	bool invalid;
};

struct repo_commit_info {
	char id[41];
	const char *author_name, *author_email; /* as written in the commit */
	const char *summary;                    /* first line of the message */
	struct repo_change *changes;            /* sorted by path */
	size_t nchanges;
	unsigned nparents;
};

struct repo_range {
	char base_id[41], head_id[41];
	struct repo_commit_info *commits; /* base..head, oldest first */
	size_t n;
	const char **conflicts; /* paths the merge of head into base conflicts on, sorted */
	size_t nconflicts;
};

/* The commits reachable from head and not from base, with the paths each
 * changed (against its parent; for a merge commit, only what differs from
 * every parent, so a school merging main into its branch is not blamed for
 * main's changes), and the conflicts of merging head into base. Nothing
 * is written to the repository. */
int repo_range(struct repo *r, const char *base, const char *head, struct repo_range *out,
	       struct arena *a, struct diag_list *diags);

/* The git blob id of bytes, in hex: a collision-resistant fingerprint
 * (SHA-1 with collision detection) for comparing build outputs. */
void repo_hash_bytes(const void *data, size_t len, char hex[41]);

#endif
