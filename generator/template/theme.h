/* theme — a theme's layouts (the templates of lua/template.h) compiled
 * and loaded into a luavm with the template runtime, rendered by name;
 * the filters and globals C and plugins register for them, and the check
 * that every filter and function the layouts call is known. */
#ifndef LOA_THEME_H
#define LOA_THEME_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct diag_list;
struct luavm;
struct theme;

/* Loads every *.html under layouts/ of each theme folder in dirs (the first
 * folder that has a file wins, file by file: a site's own theme overrides
 * the installed one), compiles and loads them into vm. Also installs the
 * runtime (escaping, filters) in vm. Errors name `layouts/x.html:line`. */
int theme_load(struct theme **out, struct luavm *vm, const char *const *dirs, size_t ndirs,
	       struct diag_list *diags);
/* The same from layouts already read (a site's theme comes from its
 * commit, see source/sitefiles.h): name relative to layouts/, label for
 * errors; files[i].src is only read during the call. where names the
 * places looked in when there is no layout. */
struct theme_file {
	const char *name;  /* "partials/header.html" */
	const char *label; /* "themes/default/layouts/partials/header.html" */
	const char *src;
	size_t len;
};
int theme_load_files(struct theme **out, struct luavm *vm, const struct theme_file *files,
		     size_t n, const char *where, struct diag_list *diags);
/* Before luavm_close of the vm it was loaded into. NULL is fine. */
void theme_free(struct theme *t);
bool theme_has(const struct theme *t, const char *layout);
/* The names a page's `layout:` may take (top-level layouts without
 * `.html`, partials left out), comma-separated, appended to out. */
void theme_layout_names(const struct theme *t, struct buf *out);

/* Renders layout ("news.html") with the context table on top of the Lua
 * stack (popped) and appends the HTML to out. */
int theme_render(struct theme *t, const char *layout, struct buf *out, struct diag_list *diags);

/* Registers the Lua function on top of the stack (popped) as filter name,
 * so `{{ x | name(a) }}` calls it as name(x, a). C and plugins use it. */
void theme_add_filter(struct theme *t, const char *name);
/* Checks that every filter and free function the layouts call is known:
 * a runtime or plugin filter, a global, or a key of the table on top of
 * the stack (popped: the names a render context may hold). Errors name
 * `layouts/x.html:line`. Call once plugins have registered theirs. */
int theme_check(struct theme *t, struct diag_list *diags);
/* Registers the Lua value on top of the stack (popped) as a global name
 * visible to every template (functions such as `now()`). */
void theme_add_global(struct theme *t, const char *name);
/* Pushes the table of what plugins registered for templates ("globals" or
 * "filters"), for the incremental build's keys. */
void theme_push_registered(struct theme *t, const char *table);

#endif
