/* new — `loa new news|school|plan "Title" [--school SLUG]`: writes a page
 * skeleton with valid front matter, in the right folder, under a
 * Vietnamese-slugged file name, dated today. With --bundle the page is a
 * folder (SLUG/index.md) where its photos go beside it. */
#ifndef LOA_NEW_H
#define LOA_NEW_H

#include <stdbool.h>
#include <stdint.h>

struct diag_list;

struct new_options {
	const char *root;   /* the site folder ("."): content/ is below it */
	const char *kind;   /* "news", "school" or "plan" */
	const char *title;
	const char *school; /* news: the school's slug; NULL for the centre's news */
	int64_t now;        /* "today" */
	bool bundle;        /* a folder NAME/index.md, room for the page's photos */
};

/* Writes the file and sets *path_out (caller frees). 0, or -1 with a
 * diagnostic (unknown kind or school, empty slug, file already there). */
int new_page(const struct new_options *o, char **path_out, struct diag_list *diags);

#endif
