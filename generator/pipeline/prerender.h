/* prerender — the content pages' Markdown rendered ahead of the render
 * stage, by a helper process, on the core the builder's serial stages
 * (Lua set-up, the plugins, the job keys) leave idle.
 *
 * A build that renders most pages (a first build, --no-cache) spends a
 * tenth of its workers' CPU turning bodies into HTML, which needs nothing
 * the plugins make. The helper is forked once the site is loaded, renders
 * each content page's body in page order into a shared mapping, and is
 * stopped (killed) before the render pool forks: what it finished, the
 * workers take; the rest they render as before. A page whose body holds
 * a shortcode (plugin code) or an image (the image stage comes later) is
 * left to the workers, and so is one the helper was still on when it was
 * stopped (a pathological page: the worker's deadline applies to it as
 * before). The HTML, the diagnostics and whether a link was resolved
 * against the site are the same bytes the worker would have made: the
 * same markdown_render, options and link resolver (LOA_PRERENDER=0 turns
 * the helper off, LOA_PRERENDER=wait lets it finish before the renders;
 * t180 compares). */
#ifndef LOA_PRERENDER_H
#define LOA_PRERENDER_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct diag_list;
struct prerender;
struct site;

/* Forks the helper, which waits for prerender_feed: at the build's start,
 * while the builder is small and runs no other thread. NULL when it cannot
 * be made (or LOA_PRERENDER=0): the workers then render everything. It
 * waits on a socket; one that died makes prerender_feed fail, never the
 * builder. */
struct prerender *prerender_fork(void);
/* Once the site is loaded: gives the helper the content pages when it is
 * worth it (two jobs or more, most pages to render: a first build, or
 * --no-cache) and returns 0; else -1, and the caller frees pr. mem_limit:
 * the helper's RLIMIT_AS (0: none). */
int prerender_feed(struct prerender *pr, const struct site *s, size_t mem_limit);
/* Stops the helper; what it finished stays for prerender_take. */
void prerender_stop(struct prerender *pr);
/* The helper's process id, 0 when it does not run (tests). */
int prerender_pid(const struct prerender *pr);
/* How many pages it finished, of how many content pages (after stop). */
void prerender_counts(const struct prerender *pr, size_t *made, size_t *pages);
/* Page i's body as the helper rendered it: 1 with the HTML appended to
 * html, its diagnostics appended to d and *structure set when a link was
 * resolved against the site; 0 when it did not make it. Safe in a forked
 * worker (the mapping is shared, read only). */
int prerender_take(const struct prerender *pr, size_t page, struct buf *html,
		   struct diag_list *d, bool *structure);
/* Stops the helper if it runs and unmaps. */
void prerender_free(struct prerender *pr);

#endif
