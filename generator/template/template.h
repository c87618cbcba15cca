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

#include <stddef.h>

struct buf;
struct diag_list;

/* Pure compiler, for tests and fuzzing: appends Lua source that defines the
 * template to lua_out. name is the path used in errors. */
int template_compile(struct buf *lua_out, const char *name, const char *src, size_t len,
		     struct diag_list *diags);

/* Pushes html as a value that templates print without escaping (page
 * content rendered from Markdown by the site). [-0,+1] */
typedef struct lua_State lua_State;
void template_push_safe(lua_State *L, const char *html, size_t len);

/* Dependency recording (incremental builds): what the runtime tells the
 * plugin host a render reads. read(ctx, L, idx) for each table whose
 * metatable is page_mt that a render reads (a field through IDX, or its
 * keys in a loop or a filter); all(ctx) when it runs plugin code (a
 * filter or function the runtime does not define, a metamethod written
 * in Lua), which may read anything. */
struct template_reads {
	const void *page_mt;
	void (*read)(void *ctx, lua_State *L, int idx);
	void (*all)(void *ctx);
	void *ctx;
	/* a name the context lacks, read from the theme's globals (the name
	 * at idx: any value) */
	void (*global)(void *ctx, lua_State *L, int idx);
	/* `name[key]` or `name.key` where name is a global that is a table
	 * with no metatable and key a string of at most
	 * TEMPLATE_ENTRY_KEY_MAX bytes with no newline or NUL: the name at
	 * name_idx, the key at key_idx (strings); the render read that
	 * entry only */
	void (*global_entry)(void *ctx, lua_State *L, int name_idx, int key_idx);
};
#define TEMPLATE_ENTRY_KEY_MAX 400
/* Sets the hooks of the runtime loaded in L (theme_load); copied. */
void template_set_reads(lua_State *L, const struct template_reads *r);

#endif
