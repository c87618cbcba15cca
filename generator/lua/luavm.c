/* luavm — owns one sandboxed lua_State: its capped allocator, the safe
 * globals, the per-call instruction budget and the seeded random generator.
 * Everything the sandbox needs at run time lives in struct luavm, reached
 * from the state through the allocator's userdata (no globals). The
 * functions the sandbox offers and its environments are in luavm_lib.c. */
#include "lua/luavm.h"
#include "lua/luavm_internal.h"

#include "base/buf.h"
#include "base/bug.h"
#include "base/diag.h"
#include "base/xalloc.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The hook fires every HOOK_STEP instructions; small enough to stop a loop
 * quickly, large enough to cost nothing measurable. */
#define HOOK_STEP 10000

/* ---- allocator ---------------------------------------------------------- */

static void *vm_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct luavm *vm = ud;
	size_t old = ptr ? osize : 0;
	if (nsize == 0) {
		free(ptr);
		vm->cur_bytes -= old;
		return NULL;
	}
	/* Growing past the cap fails; Lua then collects and retries, and
	 * raises "not enough memory". Shrinking must never fail. */
	if (nsize > old && nsize - old > vm->max_bytes - vm->cur_bytes)
		return NULL;
	void *p = realloc(ptr, nsize);
	if (!p)
		return NULL;
	vm->cur_bytes = vm->cur_bytes - old + nsize;
	if (vm->cur_bytes > vm->peak_bytes)
		vm->peak_bytes = vm->cur_bytes;
	return p;
}

/* ---- instruction budget ------------------------------------------------- */

static void budget_hook(lua_State *L, lua_Debug *ar)
{
	struct luavm *vm = vm_of(L);
	uint64_t step = (uint64_t)lua_gethookcount(L);
	if (vm->remaining > step) {
		vm->remaining -= step;
		/* a thread stopped once keeps a step of 1; a later call that
		 * resumes it gets the normal step back */
		if (step == 1 && vm->remaining > HOOK_STEP)
			lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_STEP);
		return;
	}
	vm->remaining = 0;
	/* From now on fire at every instruction of this thread, so that a
	 * pcall in Lua cannot swallow the error and carry on looping. */
	if (step != 1)
		lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
	/* lua_error, not luaL_error: the position is the running line, not
	 * the caller's */
	if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
		lua_pushfstring(L, "%s:%d: instruction budget exceeded",
				ar->source[0] == '@' ? ar->source + 1 : ar->short_src,
				ar->currentline);
	else
		lua_pushliteral(L, "instruction budget exceeded");
	lua_error(L);
}

static void budget_arm(struct luavm *vm, lua_State *L)
{
	uint64_t step = vm->max_instructions < HOOK_STEP ? vm->max_instructions : HOOK_STEP;
	if (step == 0)
		step = 1;
	vm->remaining = vm->max_instructions;
	vm->metered = true;
	lua_sethook(L, budget_hook, LUA_MASKCOUNT, (int)step);
}

static void budget_reset(struct luavm *vm)
{
	budget_arm(vm, vm->L);
}

static void budget_disarm(struct luavm *vm, lua_State *L)
{
	vm->metered = false;
	lua_sethook(L, NULL, 0, 0);
}

/* The closure luavm_wrap_metered makes: upvalue 1 is the function. From
 * trusted code it runs under a fresh budget and disarms the hook again on
 * the way out, error or not; from metered code it is a plain call. */
static int metered_tramp(lua_State *L)
{
	struct luavm *vm = vm_of(L);
	int nargs = lua_gettop(L);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	if (vm->metered) {
		lua_call(L, nargs, LUA_MULTRET);
		return lua_gettop(L);
	}
	budget_arm(vm, L);
	int status = lua_pcall(L, nargs, LUA_MULTRET, 0);
	budget_disarm(vm, L);
	if (status != LUA_OK)
		return lua_error(L); /* the message keeps the plugin's file:line */
	return lua_gettop(L);
}

void luavm_wrap_metered(struct luavm *vm)
{
	lua_pushcclosure(vm->L, metered_tramp, 1);
}

int luavm_open(struct luavm **out, const struct luavm_limits *limits, uint64_t seed,
	       struct diag_list *diags)
{
	static const struct luavm_limits defaults = LUAVM_LIMITS_DEFAULT;
	if (!limits)
		limits = &defaults;
	*out = NULL;
	struct luavm *vm = xcalloc(1, sizeof(*vm));
	vm->max_bytes = limits->max_bytes;
	vm->max_instructions = limits->max_instructions;
	vm->seed = seed;
	luavm_lib_seed(vm, seed);
	vm->L = lua_newstate(vm_alloc, vm);
	if (!vm->L) {
		free(vm);
		return diag_error(diags, "", 0, 0, "lua: cannot create a state (memory limit %zu bytes)",
				  limits->max_bytes);
	}
	lua_pushcfunction(vm->L, luavm_lib_setup);
	if (lua_pcall(vm->L, 0, 0, 0) != LUA_OK) {
		const char *msg = lua_tostring(vm->L, -1);
		diag_error(diags, "", 0, 0, "lua: cannot set up the sandbox: %s",
			   msg ? msg : "unknown error");
		luavm_close(vm);
		return -1;
	}
	*out = vm;
	return 0;
}

void luavm_close(struct luavm *vm)
{
	if (!vm)
		return;
	if (vm->L)
		lua_close(vm->L);
	free(vm);
}

void luavm_check_top_at(struct luavm *vm, int expected, const char *file, int line)
{
	int top = lua_gettop(vm->L);
	if (top != expected)
		bug_at(file, line, "Lua stack at %d, expected %d", top, expected);
}

lua_State *luavm_state(struct luavm *vm)
{
	return vm->L;
}

void luavm_prepare_plugins(struct luavm *vm)
{
	lua_gc(vm->L, LUA_GCGEN, 0, 0); /* Lua's default parameters */
	vm->collected_bytes = vm->cur_bytes;
}

void luavm_collect(struct luavm *vm)
{
	lua_gc(vm->L, LUA_GCCOLLECT);
	vm->collected_bytes = vm->cur_bytes;
}

/* growth that never calls for a collection, whatever the state's size */
enum { COLLECT_MIN_GROWTH = 8 * 1024 * 1024 };

bool luavm_collect_grown(struct luavm *vm)
{
	size_t base = vm->collected_bytes;
	if (vm->cur_bytes <= base + base / 4 + COLLECT_MIN_GROWTH)
		return false;
	luavm_collect(vm);
	vm->grown_collections++;
	return true;
}

size_t luavm_grown_collections(const struct luavm *vm)
{
	return vm->grown_collections;
}

void luavm_prepare_renders(struct luavm *vm, size_t headroom)
{
	/* The collector is generational since the plugin stage
	 * (luavm_prepare_plugins; a switch made here instead is itself a full
	 * collection), and the builder collected fully after the plugins
	 * (luavm_collect), which leaves the site's tables old: only the
	 * parameters change here.
	 *
	 * Major collections only at tenfold growth, in practice when the cap
	 * is reached: a major traverses all the site's tables, seconds at
	 * 10,000 pages, copying every page it marks in a forked worker (the
	 * default, at twofold, cost 2 s per worker every ~3,500 pages; without
	 * it the render took 17.4 s of CPU instead of 23-24 s). Retiring the
	 * worker and forking a fresh one instead was tried: 24-28 s. */
	lua_gc(vm->L, LUA_GCGEN, 0, 1000);
	/* One step now, in the builder: without it the workers' first
	 * collection waited until their heap had doubled (57 → 116 MB at
	 * 10,000 pages, the first 1,800 renders of each worker), then minor
	 * collections held it at 60-71 MB; with it they do from the first
	 * render. Little is young here: the step is a minor collection. */
	lua_gc(vm->L, LUA_GCSTEP, 0);
	vm->max_bytes = vm->cur_bytes + headroom;
	vm->collected_bytes = vm->cur_bytes;
}

/* old garbage a worker lets grow before a major collection, at least */
enum { RENDERS_MIN_GROWTH = 32 * 1024 * 1024 };

bool luavm_collect_between_renders(struct luavm *vm)
{
	size_t base = vm->collected_bytes;
	size_t room = vm->max_bytes > base ? vm->max_bytes - base : 0;
	/* half the state (at least 32 MB), never more than three quarters of
	 * the room: a major traverses the whole state, so it comes after
	 * growth in proportion to it. (Half the room made a worker at 50,000
	 * pages, 245 MB of state, collect every 64 MB: 3.2 s of the render
	 * stage's 60 s of CPU, against 0.17 s at 10,000. A render that needs
	 * more than the room left gets Lua's emergency collection at the cap
	 * first.) */
	size_t growth = base / 2 > RENDERS_MIN_GROWTH ? base / 2 : RENDERS_MIN_GROWTH;
	if (growth > room / 4 * 3)
		growth = room / 4 * 3;
	if (vm->cur_bytes <= base + growth)
		return false;
	luavm_collect(vm);
	return true;
}

size_t luavm_memory(const struct luavm *vm)
{
	return vm->cur_bytes;
}

uint64_t luavm_random_uses(const struct luavm *vm)
{
	return vm->rng_uses;
}

size_t luavm_peak_memory(const struct luavm *vm)
{
	return vm->peak_bytes;
}

/* ---- environments and chunks -------------------------------------------- */

void luavm_new_env(struct luavm *vm)
{
	lua_State *L = vm->L;
	/* protected, so running out of memory here is an error, not a panic */
	lua_pushcfunction(L, luavm_lib_make_env);
	if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
		lua_pop(L, 1);
		lua_pushnil(L);
	}
}

/* Splits "path:LINE: rest" into its parts; 0 when msg has no position. */
static int split_position(const char *msg, size_t *path_len, int *line, const char **rest)
{
	for (const char *p = msg; *p && *p != '\n'; p++) {
		if (*p != ':' || p[1] < '0' || p[1] > '9')
			continue;
		const char *q = p + 1;
		long n = 0;
		while (*q >= '0' && *q <= '9' && n < 100000000)
			n = n * 10 + (*q++ - '0');
		if (*q != ':')
			continue;
		q++;
		if (*q == ' ')
			q++;
		*path_len = (size_t)(p - msg);
		*line = (int)n;
		*rest = q;
		return 1;
	}
	return 0;
}

static int add_lua_diag(struct diag_list *diags, const char *msg, const char *fallback_path,
			int fallback_line)
{
	size_t plen;
	int line;
	const char *rest;
	if (split_position(msg, &plen, &line, &rest)) {
		char *path = xstrndup(msg, plen);
		diag_error(diags, path, line, 0, "%s", rest);
		free(path);
		return -1;
	}
	return diag_error(diags, fallback_path, fallback_line, 0, "%s", msg);
}

int luavm_load(struct luavm *vm, const char *chunkname, const char *src, size_t len,
	       struct diag_list *diags)
{
	lua_State *L = vm->L;
	char *name = xasprintf("@%s", chunkname);
	int status = luaL_loadbufferx(L, src, len, name, "t");
	free(name);
	if (status != LUA_OK) {
		const char *msg = lua_tostring(L, -1);
		add_lua_diag(diags, msg ? msg : "cannot load chunk", chunkname, 0);
		lua_pop(L, 2); /* message, env */
		return -1;
	}
	lua_insert(L, -2);                    /* fn env */
	if (!lua_setupvalue(L, -2, 1))        /* fn */
		lua_pop(L, 1);
	return 0;
}

/* Message handler: remembers the innermost Lua position and appends a
 * traceback; non-string errors are described by type. */
static int msgh(lua_State *L)
{
	struct luavm *vm = vm_of(L);
	lua_Debug ar;
	for (int level = 1; lua_getstack(L, level, &ar); level++) {
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
			const char *src = ar.source[0] == '@' ? ar.source + 1 : ar.short_src;
			snprintf(vm->err_src, sizeof(vm->err_src), "%s", src);
			vm->err_line = ar.currentline;
			break;
		}
	}
	const char *msg = lua_tostring(L, 1);
	if (!msg) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			msg = lua_tostring(L, -1);
		else
			msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

static int call(struct luavm *vm, int nargs, int nresults, bool trusted,
		struct diag_list *diags);

int luavm_call(struct luavm *vm, int nargs, int nresults, struct diag_list *diags)
{
	return call(vm, nargs, nresults, false, diags);
}

int luavm_call_trusted(struct luavm *vm, int nargs, int nresults, struct diag_list *diags)
{
	return call(vm, nargs, nresults, true, diags);
}

static int call(struct luavm *vm, int nargs, int nresults, bool trusted,
		struct diag_list *diags)
{
	lua_State *L = vm->L;
	int base = lua_gettop(L) - nargs;
	char fn_src[256] = "";
	lua_Debug ar;
	if (lua_isfunction(L, base)) {
		lua_pushvalue(L, base);
		if (lua_getinfo(L, ">S", &ar) && ar.source[0] == '@')
			snprintf(fn_src, sizeof(fn_src), "%s", ar.source + 1);
	}
	vm->err_src[0] = '\0';
	vm->err_line = 0;
	/* Outermost: a fresh budget, or no hook for trusted code. Nested:
	 * metered code inside trusted code gets a budget of its own, disarmed
	 * again on return; trusted code inside metered code stays metered. */
	bool disarm_after = false;
	if (vm->call_depth == 0) {
		if (trusted)
			budget_disarm(vm, L);
		else
			budget_reset(vm);
	} else if (!trusted && !vm->metered) {
		budget_reset(vm);
		disarm_after = true;
	}
	vm->call_depth++;
	lua_pushcfunction(L, msgh);
	lua_insert(L, base);
	int status = lua_pcall(L, nargs, nresults, base);
	lua_remove(L, base);
	vm->call_depth--;
	if (disarm_after)
		budget_disarm(vm, L);
	/* [-(nargs+1), +nresults | +1 message] */
	if (nresults != LUA_MULTRET &&
	    lua_gettop(L) != base - 1 + (status == LUA_OK ? nresults : 1))
		BUG("luavm_call: Lua stack at %d, expected %d", lua_gettop(L),
		    base - 1 + (status == LUA_OK ? nresults : 1));
	if (status == LUA_OK)
		return 0;
	const char *msg = lua_tostring(L, -1);
	char *copy = xstrdup(msg ? msg : "(error object is not a string)");
	lua_pop(L, 1);
	if (vm->err_src[0])
		add_lua_diag(diags, copy, vm->err_src, vm->err_line);
	else
		add_lua_diag(diags, copy, fn_src, 0);
	free(copy);
	return -1;
}
