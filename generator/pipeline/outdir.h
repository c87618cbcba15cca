/* outdir — the output folder, written safely and swapped in atomically.
 *
 * A build writes into a temporary folder beside the output
 * (`.NAME.loa-tmp-PID`), then swaps it with the old output in one step
 * (renameat2 RENAME_EXCHANGE; a plain rename when there is no old output)
 * and removes the old one. Until the swap the previous site is untouched;
 * a build killed at any moment leaves at most a stray temporary folder,
 * which the next build removes (under a lock, so two builds never remove
 * each other's). Paths are checked (no `..`, no absolute paths, no empty
 * or dot components) and files are created with openat and O_NOFOLLOW below
 * the temporary folder's descriptor, so nothing is written outside it.
 * Every file is written as a file of its own, never a link to a cache
 * object, so editing the live site cannot reach the cache (cache.h).
 *
 * A build with a cache keeps the old site after the swap as the folder
 * OUTDIR_STANDBY of its render cache (outdir_keep_previous), and the next
 * one starts from it (outdir_begin_standby) instead of an empty folder: it checks
 * that tree against the listing it had when it was published
 * (outdir_listing_verdicts), removes what it cannot vouch for or does not
 * need (outdir_standby_clean) and rewrites only what changed
 * (incr_standby.c).
 * outdir_write may be called from forked workers.
 *
 * Every published folder holds a marker file, OUTDIR_MARKER, that says Loa
 * made it: a later build may replace such a folder (see outguard.h).
 *
 * All or nothing: the first failure to write a file (no space, no inodes,
 * quota, I/O error, read-only file system, permissions, descriptors) is
 * recorded in a page shared with the forked workers; later writes return
 * at once, and outdir_failed/outdir_commit report that one failure once
 * and publish nothing. A path written twice is a per-file error instead.
 *
 * The lock is per output: flock on `.NAME.loa-lock` beside the output,
 * so builds of sibling outputs run at the same time and a second build of
 * the same output waits. */
#ifndef LOA_OUTDIR_H
#define LOA_OUTDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct diag_list;
struct outdir;
struct stat;
struct outlock;

#define OUTDIR_MARKER ".loa-output"
#define OUTDIR_STANDBY "standby"

/* Takes the lock of the output final_dir (creating its lock file). When
 * another build holds it, calls waiting(ctx) once (may be NULL) and waits
 * up to wait_seconds (0: fails at once). -1 with a diagnostic on failure. */
int outlock_take(struct outlock **out, const char *final_dir, int wait_seconds,
		 void (*waiting)(void *ctx), void *ctx, struct diag_list *diags);
void outlock_release(struct outlock *l);

/* Starts a build of final_dir under lock (taken with outlock_take for the
 * same final_dir, and still the caller's). */
int outdir_begin_locked(struct outdir **out, const char *final_dir, struct outlock *lock,
			struct diag_list *diags);
/* The same, starting from OUTDIR_STANDBY in the folder standby_dir (-1:
 * none) when it is the folder of inode standby_id (0: none; anything else
 * there is removed, never followed). On -1, errno is ENOSPC or EDQUOT when
 * the disk had no room for the new folder (else 0). */
int outdir_begin_standby(struct outdir **out, const char *final_dir, struct outlock *lock,
			 int standby_dir, uint64_t standby_id, struct diag_list *diags);
/* True when the new tree began as the standby: it holds the old files
 * until outdir_standby_clean. */
bool outdir_adopted(const struct outdir *o);
/* At commit, keep the old site as OUTDIR_STANDBY in the folder dir (on the
 * output's file system; not owned, open until then); -1 (the default):
 * it is removed. */
void outdir_keep_previous(struct outdir *o, int dir);
/* Removes the folders of relpath that are empty, from the deepest up. */
void outdir_prune(struct outdir *o, const char *relpath);
/* (outdir_standby.c) Makes an adopted tree hold only what keep(ctx, path)
 * accepts among the regular files whose listing line holds (ok, one per
 * line, from outdir_listing_verdicts): every other entry, anything below a
 * folder whose line does not hold and every top-level name the listing
 * lacks are removed, and the folders left empty. The marker stays. 0, or
 * -1 with errno (the caller starts from an empty tree instead). */
int outdir_standby_clean(struct outdir *o, const char *listing, size_t len,
			 const unsigned char *ok, size_t nlines,
			 bool (*keep)(void *ctx, const char *path), void *ctx);
/* (outdir_standby.c) Empties the temporary folder but for the marker. */
int outdir_empty(struct outdir *o);
/* The same, taking the lock itself without waiting (released by commit
 * or abort). */
int outdir_begin(struct outdir **out, const char *final_dir, struct diag_list *diags);
/* Writes relpath ("tin-tuc/a/index.html") with data; creates folders.
 * Writing the same path twice is an error. */
int outdir_write(struct outdir *o, const char *relpath, const void *data, size_t len,
		 struct diag_list *diags);
/* A fingerprint of the tree written so far (every name, type, size,
 * modification and change time, inode; 40 hex digits): taken just before
 * outdir_commit, it describes the site as published, and
 * outdir_fingerprint_path of the live folder gives the same value until
 * anything in it is added, removed, edited or touched. 0, or -1 (hex
 * empty) when the tree cannot be read. */
int outdir_fingerprint(const struct outdir *o, char hex[41], struct buf *listing);
/* The same, given the listing of an earlier state of the tree (len bytes;
 * a rebuild's standby's): a folder whose line it holds the same now has
 * the names it gave, which are not read again; verified (that listing was
 * checked against the tree in this build, and the tree changed since only
 * by files created and entries removed): the files of such a folder have
 * the lines it gives, and are not stat'ed (outdir_fingerprint.c). */
int outdir_fingerprint_since(const struct outdir *o, const char *earlier, size_t len,
			     bool verified, char hex[41], struct buf *listing);
int outdir_fingerprint_path(const char *dir, char hex[41]);
/* The same with threads threads (both above use one a processor), and
 * the listing: the same bytes whatever the number (tests). */
int outdir_fingerprint_path_threads(const char *dir, unsigned threads, char hex[41],
				    struct buf *listing);
int outdir_fingerprint_path_since(const char *dir, unsigned threads, const char *earlier,
				  size_t len, bool verified, char hex[41], struct buf *listing);
/* (outlisting.c) listing, when not NULL, receives the bytes the
 * fingerprint hashes: one outdir_listing_line per entry. True when the
 * live folder dir still matches that listing: each entry stat'ed relative
 * to its folder or one above it, never walking its whole path from the
 * top (a folder's times change with its names) and the top folder's
 * names read — the same answer as comparing outdir_fingerprint_path,
 * without walking the tree. */
bool outdir_listing_holds(const char *dir, const char *listing, size_t len);
/* The same check split into at most parts (1 to 4) runs of whole lines,
 * side by side on threads, fewer when the listing is short (the one that
 * outdir_listing_holds uses, with a part per processor): true only when
 * every part holds. */
bool outdir_listing_holds_parts(const char *dir, const char *listing, size_t len,
				unsigned parts);
/* Every line of the listing checked against the tree below dir_fd, on
 * threads as above: ok[i] is 1 when line i holds (an entry below a folder
 * whose line fails may hold through another name: the caller trusts a
 * line only when its folders' lines hold too). The number of lines, or 0
 * when the listing is malformed or longer than max_lines. */
size_t outdir_listing_verdicts(int dir_fd, const char *listing, size_t len, unsigned char *ok,
			       size_t max_lines);
void outdir_listing_line(struct buf *acc, const char *prefix, const char *name,
			 const struct stat *st);
/* True when relpath is a safe output path (see above). */
bool outdir_path_valid(const char *relpath);
/* The temporary folder's descriptor, to look at what the new site holds
 * before it is swapped in (build's removal guard). */
int outdir_tmp_fd(const struct outdir *o);
/* Swaps the new site in and removes the old one; frees o. */
/* True when some write failed (in any process), without a diagnostic. */
bool outdir_has_failed(const struct outdir *o);
/* The errno of the first failed write, 0 when none failed. */
int outdir_failure_errno(const struct outdir *o);
/* -1, with one diagnostic naming the folder, the first file and the
 * cause, when some write failed (in any process); 0 otherwise. */
int outdir_failed(const struct outdir *o, struct diag_list *diags);
/* Swaps the new site in (unless a write failed: then as outdir_abort,
 * with outdir_failed's diagnostic, and -1) and removes the old one or keeps
 * it as the standby (outdir_keep_previous); frees o. */
int outdir_commit(struct outdir *o, struct diag_list *diags);
/* Removes relpath from the new tree; 0 or -1. */
int outdir_unlink(struct outdir *o, const char *relpath);
/* Removes the temporary folder; the previous site stays; frees o. */
void outdir_abort(struct outdir *o);

/* Removes dir_fd/name and all below it without following any symlink
 * (used by serve for its own temporary folders); 0 or -1 with errno. */
int publish_remove_tree(int dir_fd, const char *name);

#endif
