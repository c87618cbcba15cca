/* publish — the output folder, written safely and swapped in atomically.
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
 * outdir_write may be called from forked workers. */
#ifndef LOA_PUBLISH_H
#define LOA_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>

struct diag_list;
struct outdir;

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
int outdir_fingerprint(const struct outdir *o, char hex[41]);
int outdir_fingerprint_path(const char *dir, char hex[41]);
/* True when relpath is a safe output path (see above). */
bool outdir_path_valid(const char *relpath);
/* The temporary folder's descriptor, to look at what the new site holds
 * before it is swapped in (build's removal guard). */
int outdir_tmp_fd(const struct outdir *o);
/* Swaps the new site in and removes the old one; frees o. */
int outdir_commit(struct outdir *o, struct diag_list *diags);
/* Removes the temporary folder; the previous site stays; frees o. */
void outdir_abort(struct outdir *o);

/* Removes dir_fd/name and all below it without following any symlink
 * (used by serve for its own temporary folders); 0 or -1 with errno. */
int publish_remove_tree(int dir_fd, const char *name);

#endif
