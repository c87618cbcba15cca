/* outguard — may a build publish to this folder? Asked before any work.
 *
 * A build replaces its output folder as a whole, so a wrong --out would
 * delete whatever it names. Refused, comparing real paths (symlinks and
 * `..` resolved): the repository itself, its git folder or anything inside
 * it, any folder named .git or .loa-cache or inside one, the home folder,
 * `/`, and any folder that contains one of these. An existing non-empty
 * folder is replaced only when Loa made it (its OUTDIR_MARKER file, or its
 * render cache beside it from a build before the marker existed), or with
 * force. A folder inside the repository's work tree (public/) is fine. */
#ifndef LOA_OUTGUARD_H
#define LOA_OUTGUARD_H

#include <stdbool.h>

struct diag_list;

struct outguard_opts {
	const char *repo_path; /* the repository: a work tree or a bare git folder */
	const char *home;      /* $HOME; NULL or "" when unknown */
	bool force;            /* replace a non-empty folder Loa did not make */
};

/* 0 when final_dir may be published to; -1 with one diagnostic saying why
 * not and what to do. Changes nothing on disk. */
int outguard_check(const char *final_dir, const struct outguard_opts *g, struct diag_list *diags);

#endif
