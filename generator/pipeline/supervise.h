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
 * build. The messages on the pipe are wire.h's. */
#ifndef LOA_SUPERVISE_H
#define LOA_SUPERVISE_H

#include "pipeline/build.h"

void supervise_build(const struct build_options *opts, struct diag_list *diags,
		     struct build_result *res);

#endif
