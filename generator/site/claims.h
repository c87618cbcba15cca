/* claims — the one table of a build's output files and who writes each.
 *
 * Before anything renders, every output path is claimed here, in an order
 * that decides who wins: the build's own files (sitemap.xml, robots.txt),
 * the theme's static files, content pages, bundle files, resized copies of
 * bundle images, then the pages and files plugins add, in the order they
 * added them. A claim fails when an earlier one holds the same path, when
 * it needs a folder where an earlier claim is a file, or when it is a file
 * where an earlier claim needs a folder; the caller reports it naming both
 * (claims_report) and drops the later output, so no file is written twice
 * and no output depends on the order in which workers finish.
 *
 * Paths are output paths as site_out_path makes them ("a/b/index.html";
 * "/a/" and "/a/index.html" are the same file), compared byte for byte.
 * The table copies what it is given into its own arena; a zeroed struct is
 * an empty table, released by claims_release. */
#ifndef LOA_CLAIMS_H
#define LOA_CLAIMS_H

#include <stddef.h>

#include "base/arena.h"
#include "base/strmap.h"

struct diag_list;

enum claim_kind {
	CLAIM_BUILD,  /* a file the build writes itself */
	CLAIM_THEME,  /* a theme's static file */
	CLAIM_PAGE,   /* a content page */
	CLAIM_BUNDLE, /* a bundle's file, as it is */
	CLAIM_IMAGE,  /* a resized copy of a bundle image (who: the image's source path) */
	CLAIM_PLUGIN, /* a page or file a plugin added */
};

struct claim {
	enum claim_kind kind;
	const char *path; /* "tin-tuc/index.html" */
	const char *what; /* what the owner asked for: its URL ("/tin-tuc/") */
	const char *who;  /* the owner: "content/x.md:3", "plugins/x.lua:12", "loa" */
};

enum claim_clash {
	CLAIM_SAME_FILE,   /* the holder writes this very file */
	CLAIM_NEEDS_FOLDER, /* a folder of this path is the holder's file */
	CLAIM_IS_FOLDER,   /* this path is a folder the holder writes into */
};

struct claim_conflict {
	const struct claim *holder;
	enum claim_clash clash;
};

struct claims {
	struct arena arena;
	struct claim **items;
	size_t n, cap;
	struct strmap files;   /* path → index into items */
	struct strmap folders; /* "a/b" → index of the first claim inside it */
};

/* Claims path for who. Returns 0, or -1 (nothing recorded) with the
 * earlier claim in *conflict when given. */
int claims_take(struct claims *c, enum claim_kind kind, const char *path, const char *what,
		const char *who, struct claim_conflict *conflict);

/* The claim on path, or NULL when nobody claimed it. */
const struct claim *claims_get(const struct claims *c, const char *path);

/* Reports a failed claim as an error at file:line of the loser, naming
 * both owners and what each asked for. Returns -1. */
int claims_report(struct diag_list *diags, const char *file, int line, const char *what,
		  const char *path, const struct claim_conflict *conflict);

void claims_release(struct claims *c);

#endif
