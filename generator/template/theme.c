/* theme — owns struct theme: the layouts of a theme found on disk
 * (scan_dir) or given by the caller, compiled and loaded into a luavm with
 * the template runtime; rendering a layout, the filters and globals C and
 * plugins register, and the check that every filter and function the
 * layouts call is known (theme_check). */
#include "template/theme.h"
#include "template/template_internal.h"

#include "base/str.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/sysutil.h"
#include "base/xalloc.h"
#include "lua/luavm.h"

#include <lauxlib.h>
#include <lua.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_TEMPLATE_BYTES (8u << 20)
#define MAX_DIR_DEPTH 16

/* ---- themes ------------------------------------------------------------- */

struct layout {
	char *name;  /* relative to layouts/, e.g. "partials/header.html" */
	char *path;  /* file to read; NULL when src is given */
	char *chunk; /* name in errors, e.g. "themes/default/layouts/news.html" */
	const char *src; /* the template itself (theme_load_files), owned by the caller */
	size_t len;
	struct use *uses; /* filters and functions it calls, for theme_check */
	size_t nuses;
};

struct theme {
	struct luavm *vm;
	int rref; /* registry ref of the runtime table */
	struct layout *layouts;
	size_t n, cap;
};

static int layout_cmp(const void *a, const void *b)
{
	return strcmp(((const struct layout *)a)->name, ((const struct layout *)b)->name);
}

static const struct layout *find_layout(const struct theme *t, const char *name)
{
	struct layout key = { .name = (char *)name };
	return t->n ? bsearch(&key, t->layouts, t->n, sizeof(*t->layouts), layout_cmp) : NULL;
}

/* "…/themes/NAME" → "themes/NAME", anything else as given */
static char *theme_label(const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	const char *base = dir + n;
	while (base > dir && base[-1] != '/')
		base--;
	const char *parent_end = base > dir ? base - 1 : dir;
	const char *parent = parent_end;
	while (parent > dir && parent[-1] != '/')
		parent--;
	if (base > dir && (size_t)(parent_end - parent) == 6 && memcmp(parent, "themes", 6) == 0)
		return xstrndup(parent, (size_t)(dir + n - parent));
	return xstrndup(dir, n);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void scan_dir(struct theme *t, const char *dir, const char *rel, const char *label,
		     size_t first_of_dir, int depth, struct diag_list *diags)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	char **names = NULL;
	size_t n = 0, cap = 0;
	const struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		ALLOC_GROW(names, n + 1, cap);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		char *r = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		struct stat st;
		/* lstat: symbolic links are not followed, so no loops */
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && depth < MAX_DIR_DEPTH) {
			scan_dir(t, path, r, label, first_of_dir, depth + 1, diags);
		} else if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && str_has_suffix(r, ".html")) {
			bool seen = false;
			/* an earlier folder wins; only those are searched */
			for (size_t k = 0; k < first_of_dir; k++)
				if (strcmp(t->layouts[k].name, r) == 0)
					seen = true;
			if (!seen) {
				ALLOC_GROW(t->layouts, t->n + 1, t->cap);
				struct layout *l = &t->layouts[t->n++];
				memset(l, 0, sizeof(*l));
				l->name = r;
				l->path = path;
				l->chunk = xasprintf("%s/layouts/%s", label, r);
				free(names[i]);
				continue;
			}
		}
		free(path);
		free(r);
		free(names[i]);
	}
	free(names);
}

void theme_free(struct theme *t)
{
	if (!t)
		return;
	if (t->rref != LUA_NOREF && t->vm)
		luaL_unref(luavm_state(t->vm), LUA_REGISTRYINDEX, t->rref);
	for (size_t i = 0; i < t->n; i++) {
		free(t->layouts[i].name);
		free(t->layouts[i].path);
		free(t->layouts[i].chunk);
		for (size_t k = 0; k < t->layouts[i].nuses; k++)
			free(t->layouts[i].uses[k].name);
		free(t->layouts[i].uses);
	}
	free(t->layouts);
	free(t);
}

/* Compiles and loads one layout into R.templates. R is on top. */
static int load_layout(struct theme *t, const struct layout *l, int env_idx, struct dep **deps,
		       size_t *ndeps, struct diag_list *diags)
{
	lua_State *L = luavm_state(t->vm);
	struct buf src = BUF_INIT, lua = BUF_INIT;
	struct compiler c;
	int ret = -1;
	memset(&c, 0, sizeof(c));
	if (l->src && l->len > MAX_TEMPLATE_BYTES) {
		diag_error(diags, l->chunk, 0, 0, "cannot read template: %s", "too large");
		goto done;
	}
	if (l->src) {
		buf_add(&src, l->src, l->len);
	} else if (sys_read_file(l->path, MAX_TEMPLATE_BYTES, true, &src) < 0) {
		diag_error(diags, l->chunk, 0, 0, "cannot read template: %s",
			   errno ? strerror(errno) : "too large");
		goto done;
	}
	if (compiler_run(&c, &lua, l->chunk, src.ptr, src.len, diags) < 0)
		goto done;
	lua_pushvalue(L, env_idx);
	if (luavm_load(t->vm, l->chunk, lua.ptr, lua.len, diags) < 0)
		goto done;
	lua_pushvalue(L, -2); /* R fn R */
	if (luavm_call(t->vm, 1, 1, diags) < 0)
		goto done;
	lua_getfield(L, -2, "templates"); /* R main templates */
	lua_insert(L, -2);
	lua_setfield(L, -2, l->name);
	lua_pop(L, 1);
	/* keep the targets to check once every layout is known */
	t->layouts[l - t->layouts].uses = c.uses;
	t->layouts[l - t->layouts].nuses = c.nuses;
	c.uses = NULL;
	c.nuses = 0;
	*deps = c.deps;
	*ndeps = c.ndeps;
	c.deps = NULL;
	c.ndeps = 0;
	ret = 0;
done:
	compiler_release(&c);
	buf_release(&src);
	buf_release(&lua);
	return ret;
}

static int load_layouts(struct theme *t, const char *where, struct diag_list *diags);

int theme_load(struct theme **out, struct luavm *vm, const char *const *dirs, size_t ndirs,
	       struct diag_list *diags)
{
	struct theme *t = xcalloc(1, sizeof(*t));
	t->vm = vm;
	t->rref = LUA_NOREF;
	*out = NULL;
	for (size_t i = 0; i < ndirs; i++) {
		char *label = theme_label(dirs[i]);
		char *layouts = xasprintf("%s/layouts", dirs[i]);
		scan_dir(t, layouts, "", label, t->n, 0, diags);
		free(layouts);
		free(label);
	}
	if (load_layouts(t, ndirs ? dirs[0] : "", diags) < 0)
		return -1;
	*out = t;
	return 0;
}

int theme_load_files(struct theme **out, struct luavm *vm, const struct theme_file *files,
		     size_t n, const char *where, struct diag_list *diags)
{
	struct theme *t = xcalloc(1, sizeof(*t));
	t->vm = vm;
	t->rref = LUA_NOREF;
	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		ALLOC_GROW(t->layouts, t->n + 1, t->cap);
		struct layout *l = &t->layouts[t->n++];
		memset(l, 0, sizeof(*l));
		l->name = xstrdup(files[i].name);
		l->chunk = xstrdup(files[i].label);
		l->src = files[i].src;
		l->len = files[i].len;
	}
	if (load_layouts(t, where, diags) < 0)
		return -1;
	for (size_t i = 0; i < t->n; i++)
		t->layouts[i].src = NULL; /* the caller's, gone after the call */
	*out = t;
	return 0;
}

/* Compiles and loads t's layouts; frees t on failure. */
static int load_layouts(struct theme *t, const char *where, struct diag_list *diags)
{
	lua_State *L = luavm_state(t->vm);
	struct luavm *vm = t->vm;
	int top = lua_gettop(L);
	int ret = -1;
	if (t->n == 0) {
		diag_error(diags, where, 0, 0, "theme: no layouts/*.html found");
		goto done;
	}
	qsort(t->layouts, t->n, sizeof(*t->layouts), layout_cmp);

	if (template_runtime_load(vm, diags) < 0)
		goto done;
	lua_pushvalue(L, -1);
	t->rref = luaL_ref(L, LUA_REGISTRYINDEX); /* R */
	luavm_new_env(vm);                        /* R env: shared by every layout */
	lua_insert(L, -2);                        /* env R */
	int env_idx = lua_gettop(L) - 1;
	size_t errors = diags->errors;
	for (size_t i = 0; i < t->n; i++) {
		struct dep *deps = NULL;
		size_t ndeps = 0;
		if (load_layout(t, &t->layouts[i], env_idx, &deps, &ndeps, diags) < 0)
			continue;
		for (size_t k = 0; k < ndeps; k++) {
			if (!find_layout(t, deps[k].target))
				diag_error(diags, t->layouts[i].chunk, deps[k].line, 0,
					   "template '%s' not found", deps[k].target);
			free(deps[k].target);
		}
		free(deps);
	}
	if (diags->errors == errors)
		ret = 0;
done:
	lua_settop(L, top);
	if (ret < 0)
		theme_free(t);
	return ret;
}

bool theme_has(const struct theme *t, const char *layout)
{
	return t && layout && find_layout(t, layout) != NULL;
}

void theme_layout_names(const struct theme *t, struct buf *out)
{
	/* layouts are sorted by name: the list reads the same every time */
	for (size_t i = 0; t && i < t->n; i++) {
		const char *name = t->layouts[i].name;
		size_t n = strlen(name);
		if (strchr(name, '/') || !str_has_suffix(name, ".html"))
			continue;
		if (out->len)
			buf_puts(out, ", ");
		buf_add(out, name, n - 5);
	}
}

struct render_args {
	const struct theme *t;
	const char *layout;
	struct buf *out;
};

/* Runs R.render(layout, ctx) protected; args: ctx, render_args. */
static int render_tramp(lua_State *L)
{
	struct render_args *a = lua_touserdata(L, 2);
	lua_rawgeti(L, LUA_REGISTRYINDEX, a->t->rref);
	lua_getfield(L, -1, "render");
	lua_pushstring(L, a->layout);
	lua_pushvalue(L, 1);
	lua_call(L, 2, 1);
	/* the pieces, as table.concat joins them (strings and numbers); only
	 * now: a failed render appends nothing */
	int out = lua_gettop(L);
	size_t start = a->out->len;
	for (lua_Integer i = 1;; i++) {
		int type = lua_rawgeti(L, out, i);
		if (type == LUA_TNIL)
			break;
		size_t len;
		const char *s = type == LUA_TSTRING || type == LUA_TNUMBER ? lua_tolstring(L, -1, &len)
									 : NULL;
		if (!s) {
			buf_setlen(a->out, start);
			return luaL_error(L, "invalid value (at index %d) in table for 'concat'", (int)i);
		}
		buf_add(a->out, s, len);
		lua_pop(L, 1);
	}
	return 0;
}

int theme_render(struct theme *t, const char *layout, struct buf *out, struct diag_list *diags)
{
	lua_State *L = luavm_state(t->vm);
	if (!theme_has(t, layout)) {
		lua_pop(L, 1);
		return diag_error(diags, "", 0, 0, "layout '%s' not found in the theme",
				  layout ? layout : "(null)");
	}
	struct render_args a = { t, layout, out };
	lua_pushcfunction(L, render_tramp);
	lua_insert(L, -2);
	lua_pushlightuserdata(L, &a);
	/* the theme is the centre's code: no count hook (the render worker's
	 * deadline stops a runaway template); plugin filters and globals stay
	 * metered (theme_add_filter) */
	return luavm_call_trusted(t->vm, 2, 0, diags);
}

static void add_to(struct theme *t, const char *table, const char *name)
{
	lua_State *L = luavm_state(t->vm);
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->rref); /* v R */
	lua_getfield(L, -1, table);                 /* v R tbl */
	lua_rotate(L, -3, -1);                      /* R tbl v */
	lua_setfield(L, -2, name);
	lua_pop(L, 2);
}

void theme_add_filter(struct theme *t, const char *name)
{
	if (lua_isfunction(luavm_state(t->vm), -1))
		luavm_wrap_metered(t->vm);
	add_to(t, "filters", name);
}

int theme_check(struct theme *t, struct diag_list *diags)
{
	lua_State *L = luavm_state(t->vm);
	int known = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->rref);
	lua_getfield(L, -1, "filters");
	lua_getfield(L, -2, "globals");
	int filters = lua_gettop(L) - 1, globals = lua_gettop(L);
	int err = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct layout *l = &t->layouts[i];
		for (size_t k = 0; k < l->nuses; k++) {
			const struct use *u = &l->uses[k];
			bool found;
			if (u->filter) {
				found = lua_getfield(L, filters, u->name) != LUA_TNIL;
				lua_pop(L, 1);
			} else {
				found = lua_getfield(L, globals, u->name) != LUA_TNIL ||
					lua_getfield(L, known, u->name) != LUA_TNIL;
				lua_settop(L, globals);
			}
			if (!found && u->filter)
				err = diag_error(diags, l->chunk, u->line, 0, "unknown filter '%s'",
						 u->name);
			else if (!found)
				err = diag_error(diags, l->chunk, u->line, 0, "unknown function '%s'",
						 u->name);
		}
	}
	lua_settop(L, known - 1);
	return err;
}

void theme_add_global(struct theme *t, const char *name)
{
	if (lua_isfunction(luavm_state(t->vm), -1))
		luavm_wrap_metered(t->vm);
	add_to(t, "globals", name);
}

void theme_push_registered(struct theme *t, const char *table)
{
	lua_State *L = luavm_state(t->vm);
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->rref);
	lua_getfield(L, -1, table);
	lua_remove(L, -2);
}
