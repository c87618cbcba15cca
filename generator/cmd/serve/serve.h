/* serve — `loa serve`: a local preview server with live reload.
 *
 * Builds the work tree (drafts shown and marked) into a temporary folder
 * outside the site, serves that folder over HTTP on loopback by default,
 * rebuilds when a file of the site changes (inotify) and tells the open
 * pages to reload (Server-Sent Events on /__loa/events). A failed rebuild
 * keeps the previous site up and shows the errors in the browser. Nothing
 * outside the built site is ever served: the URL is decoded here, `..`,
 * encoded slashes and NUL are refused, and every path component is opened
 * with O_NOFOLLOW below the site's folder. SIGINT/SIGTERM stop it cleanly
 * and remove the temporary folder; the folder of a server that was killed
 * is removed at the next start. Live-reload streams have their own budget
 * (serve_internal.h MAX_STREAMS; past it 503), apart from the page
 * connections. The site must be a work tree: a bare repository is refused
 * before starting.
 *
 * The files of serve/ (serve_internal.h lists them) are the only ones that
 * include <microhttpd.h>. Unlike the other modules it prints while it runs (the ready line, each rebuild's
 * diagnostics): it is the command's own long-running loop. Errors that stop
 * it from starting are returned in diags for the caller to print. */
#ifndef LOA_SERVE_H
#define LOA_SERVE_H

#include "base/messages.h"
#include "pipeline/build.h"

struct diag_list;

struct serve_options {
	const char *bind;           /* NULL: "127.0.0.1"; a non-loopback address warns */
	int port;                   /* 0: any free port (printed when ready) */
	struct build_options build; /* repo, jobs, now, data_dir...; out_dir and
				       worktree/drafts are set by serve */
	enum msg_lang lang;         /* of everything it prints and serves */
};

/* Runs until SIGINT or SIGTERM. Returns the exit status: 0 after a clean
 * stop, 2 when the server cannot start (address in use, no temporary
 * folder); the reasons are in diags. */
int serve_run(const struct serve_options *o, struct diag_list *diags);

#endif
