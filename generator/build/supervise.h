/* supervise — runs a build in a child process and watches it.
 *
 * Plugins run in the builder (they make the lists every worker renders),
 * and Lua's instruction hook cannot fire inside a C function: a hostile
 * pattern match in plugin code could run for minutes. So the builder runs
 * in a child; it tells the supervisor when plugin code starts and stops,
 * and the supervisor kills it when a plugin stage passes its wall-clock
 * budget (limits.plugin_seconds). The builder sends its result and
 * diagnostics back at the end; a builder that dies is an error too. In
 * every failure nothing is published: the builder only swaps the new site
 * in at its very end, and a stray temporary folder is removed by the next
 * build. */
#ifndef LOA_SUPERVISE_H
#define LOA_SUPERVISE_H

#include "build/build.h"

void supervise_build(const struct build_options *opts, struct diag_list *diags,
		     struct build_result *res);

/* Sends a build's outcome over a pipe: "R status pages files seconds len
 * lang next iso where\twhy\n"
 * and len bytes of encoded diagnostics (diag_list_encode). The builder
 * child uses it, and so does the preview server's build process. */
void build_result_send(int fd, const struct build_result *r, const struct diag_list *d);
/* Reads the fields after the fifth of that "R" line (language, next
 * change) into r; line is the header without its newline. */
void build_result_parse_extra(const char *line, size_t len, struct build_result *r);

#endif
