/* sitefiles — the files of a site besides its content: its own theme,
 * plugins and static files, layered over the defaults installed with loa.
 *
 * The site's own layer is read through repo (the tree of the built commit,
 * bare repositories included, or the work tree with --worktree), never
 * from the folder on disk behind a commit's back: what is published is
 * what was committed. The installed layer (`PREFIX/share/loa`, or the
 * project tree) is read from disk. A file of the own layer hides the
 * installed file of the same relative path: themes override file by
 * file. */
#ifndef LOA_SITEFILES_H
#define LOA_SITEFILES_H

#include <stdbool.h>
#include <stddef.h>

#include "source/repo.h"

struct arena;
struct buf;
struct diag_list;

struct sitefile {
	const char *rel;   /* below the listed folder: "layouts/base.html" */
	const char *label; /* for messages: "themes/default/layouts/base.html" */
	bool own;          /* from the site's repository */
	struct repo_file file; /* own: the repository's file (path, size, blob id) */
	const char *disk;  /* installed: the path on disk */
};

struct sitefiles {
	struct repo *repo;    /* the site's repository at the built ref */
	const char *data_dir; /* installed themes/ and plugins/ (may be NULL) */
};

/* Every regular file under dir ("themes/default", "plugins"), own files
 * first hiding installed ones, sorted by rel (byte order), allocated in a.
 * *where tells, for messages, the places looked in ("themes/x at commit
 * 1a2b3c4d5e6f and /usr/share/loa/themes/x"), allocated in a. Returns 0
 * (possibly with nothing listed) or -1 when the repository cannot be
 * read. Symlinks, devices and hostile names are skipped, as repo does;
 * installed folders deeper than 16 levels are not entered. */
int sitefiles_list(const struct sitefiles *sf, const char *dir, struct sitefile **files,
		   size_t *n, const char **where, struct arena *a, struct diag_list *diags);

/* Reads a listed file into out (replacing its content); max bytes (0: the
 * repository's limit for own files, none for installed ones). */
int sitefiles_read(const struct sitefiles *sf, const struct sitefile *f, size_t max,
		   struct buf *out, struct diag_list *diags);

/* True when some listed file has exactly this rel. */
const struct sitefile *sitefiles_find(const struct sitefile *files, size_t n, const char *rel);

#endif
