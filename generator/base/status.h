/* status — the exit status of every command, as SPEC defines it; a build's
 * outcome (build_result.status), serve_run's and review_run's return
 * values are all one of these. */
#ifndef LOA_STATUS_H
#define LOA_STATUS_H

enum loa_exit {
	LOA_EXIT_OK = 0,       /* clean */
	LOA_EXIT_REJECTED = 1, /* published, but some pages were rejected (review: needs attention) */
	LOA_EXIT_NOTHING = 2,  /* nothing published: usage, configuration, theme or plugin error */
};

#endif
