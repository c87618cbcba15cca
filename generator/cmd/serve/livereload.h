/* livereload — the live-reload script of `loa serve`, kept in
 * livereload.js beside this header and compiled into the binary by the
 * Makefile (scripts/embed.c). Internal to serve/, whose http.c serves it as
 * /__loa/live.js: it reloads the page when a rebuild ends and shows the
 * errors of a failed one. */
#ifndef LOA_LIVERELOAD_H
#define LOA_LIVERELOAD_H

#include <stddef.h>

/* the bytes of livereload.js, followed by a NUL */
extern const char livereload_js[];
extern const size_t livereload_js_len;

#endif
