/* template — the theme's Jinja-like templates, compiled to Lua once per
 * build (SPEC "Templates").
 *
 *   {{ expr }}               output, HTML-escaped; inside an href/src/action
 *                            attribute value, also URL-checked (only http(s),
 *                            mailto, # and relative URLs pass)
 *   {{ expr | f(a) | g }}    filters
 *   {% if e %}…{% elif e %}…{% else %}…{% endif %}
 *   {% for x in e %}…{% else %}…{% endfor %}   loop.index, loop.index0,
 *                            loop.first, loop.last, loop.length
 *   {% for k, v in e %}      over a map, keys in sorted order
 *   {% set x = e %}
 *   {% include "partials/x.html" %}
 *   {% extends "base.html" %} with {% block name %}…{% endblock %}
 *   {# comment #}, and {%- -%} / {{- -}} trim whitespace
 * Expressions: literals, names, a.b, a[b], calls f(x), not/and/or,
 * == != < <= > >=, in, not in, + - * / // %, ~ (concatenation), ( ),
 * lists [a, b] and maps {'k': v}. Unknown names and missing fields are nil,
 * and nil prints as nothing. Names are loop/set variables, else context
 * fields, else theme globals. Truth is Jinja's: nil, false, "", 0 and empty
 * tables are false. Lists index from 1 (Lua's tables), as in l[1] or l.1.
 * A set inside a for body is local to it; elsewhere it lasts to the end of
 * the template or block. An include sees the includer's variables.
 * super() inside a block prints the parent's version of it.
 *
 * Escaping follows the HTML context of the literal text before {{ }}:
 * text and quoted attributes get HTML escaping; unquoted attributes also
 * lose spaces and =; on* attributes and <script> get JS string escaping
 * (< > & ' as \u00XX), so `"{{ x }}"` is safe in JSON-LD and `x | json`
 * gives a JSON value. Safe values (template_push_safe, `| safe`) print raw.
 *
 * Filters: escape/e, safe, upper, lower (Vietnamese letters too), length,
 * default(v), join(sep), first, last, reverse, sort(key, reverse), limit(n),
 * truncate(n) (characters, at a word, "…"), striptags, urlencode, json,
 * date (17/02/2023; a month 02/2023), date_long (ngày 17 tháng 02 năm
 * 2023), date_iso, abs_url and rel_url (against ctx.site.base_url),
 * replace(a, b), trim, int. Global: range(n) / range(a, b[, step]).
 * Include/extends chains deeper than 32 stop with "template recursion too
 * deep".
 *
 * Generated Lua keeps each template line on the same Lua line, so runtime
 * errors read `layouts/x.html:LINE: message`. */
#ifndef LOA_TEMPLATE_H
#define LOA_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct diag_list;
struct luavm;
struct theme;

/* Pure compiler, for tests and fuzzing: appends Lua source that defines the
 * template to lua_out. name is the path used in errors. */
int template_compile(struct buf *lua_out, const char *name, const char *src, size_t len,
		     struct diag_list *diags);

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

/* Pushes html as a value that templates print without escaping (page
 * content rendered from Markdown by the site). [-0,+1] */
typedef struct lua_State lua_State;
void template_push_safe(lua_State *L, const char *html, size_t len);

#endif
