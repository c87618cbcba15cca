/* review — what merging HEAD into BASE would change on the site (`loa
 * review BASE..HEAD`, run by the centre on a school's merge request).
 *
 * Builds BASE and the merge result (computed in memory, never checked
 * out) as dry runs, and compares their outputs by URL: pages added,
 * changed and removed; errors present after the merge and not before
 * (same file and message) are "introduced". Then checks permissions: every
 * path changed by a commit in BASE..HEAD whose author email is a school's
 * (site.yaml's `schools.SLUG.authors`, read from BASE, the reviewer's
 * trusted version) must lie in that school's folders: content/news/SLUG/,
 * content/schools/SLUG.md or content/schools/SLUG/. Authors that are no
 * school's (the centre, or an address site.yaml does not list) may not
 * write in a school's folders either: such changes are flagged; elsewhere
 * they are not restricted, and the report says so. Every page a commit
 * touched gets a one-line summary (review_articles.h).
 * Nothing is written: not the output folder, not the repository. */
#ifndef LOA_REVIEW_H
#define LOA_REVIEW_H

#include "base/messages.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct diag_list;

struct review_options {
	const char *repo_path; /* "." */
	const char *base;      /* the branch merged into ("main") */
	const char *head;      /* the merge request's branch */
	const char *data_dir;  /* installed themes/ and plugins/ */
	int jobs;
	int64_t now;           /* "today", the same for both builds */
	bool drafts, future;
	bool json;             /* report as JSON instead of text */
	enum msg_lang lang;    /* of the text, and of the JSON's messages */
};

/* Writes the report to `report` and returns the exit status: 0 nothing
 * needs attention; 1 errors introduced or files outside their author's
 * folders; 2 the review cannot run (bad refs, BASE does not build, a
 * conflicting merge — its paths are named). diags gets what stopped it. */
int review_run(const struct review_options *o, struct diag_list *diags, FILE *report);

#endif
