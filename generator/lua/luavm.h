/* luavm — a sandboxed Lua 5.4 state, embedded the way lauxlib teaches.
 *
 * One struct luavm per thread or forked worker; nothing is shared. The
 * sandbox is built by construction: only base (trimmed), string (no dump),
 * table, math (with a seeded generator), utf8 and a few os calls
 * (os.time, os.difftime) are offered; no io, package, require, debug,
 * dofile, loadfile, collectgarbage, string.dump or bytecode (`load` takes
 * text only). `pairs` iterates in sorted key order and `tostring` of a
 * table or function never shows an address, so output never depends on
 * hash order or addresses. setmetatable refuses `__gc` (finalisers run with
 * hooks off and could hang lua_close). An allocator with a byte limit and a
 * count hook with an instruction budget per call stop runaway code; since
 * the hook cannot fire inside C functions, callers that run untrusted
 * patterns also keep the worker's wall-clock deadline.
 *
 * Chunks are named "@path" so that errors read `plugins/x.lua:12: msg`.
 *
 * Details a plugin author sees: `print` does nothing; collectgarbage only
 * answers "count"; coroutines are allowed (they inherit the budget);
 * os.time needs a date table and reads it as UTC (no clock, no local time
 * zone); string.format's %s never shows an address and %p is refused;
 * math.randomseed() with no argument restores the vm's seed. Each env has
 * its own copies of the library tables, so `string.x = f` stays local.
 * Once the budget is spent the hook fires at every instruction, so a pcall
 * in Lua cannot swallow the error and keep looping. */
#ifndef LOA_LUAVM_H
#define LOA_LUAVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lua_State lua_State;
struct diag_list;
struct luavm;

struct luavm_limits {
	size_t max_bytes;          /* allocator limit for the whole state */
	uint64_t max_instructions; /* budget for one luavm_call */
};

#define LUAVM_LIMITS_DEFAULT { 256u * 1024 * 1024, 200000000u }

int luavm_open(struct luavm **out, const struct luavm_limits *limits, uint64_t seed,
	       struct diag_list *diags);
void luavm_close(struct luavm *vm);
lua_State *luavm_state(struct luavm *vm);

/* A function that leaves the Lua stack as it found it says so with
 * LUAVM_CHECK_TOP(vm, top): a different height is a programmer's mistake
 * (BUG, with the caller's file:line), never reset silently, since a reset
 * could wipe values a calling Lua function still holds. */
void luavm_check_top_at(struct luavm *vm, int expected, const char *file, int line);
#define LUAVM_CHECK_TOP(vm, expected) luavm_check_top_at((vm), (expected), __FILE__, __LINE__)

/* Pushes a new environment table for one chunk (plugin, template): reads
 * fall through to the safe globals, writes stay in this table. Pushes nil
 * if memory ran out (the chunk then fails when it touches a global). The
 * global table of the state is the safe globals table. [-0,+1] */
void luavm_new_env(struct luavm *vm);

/* Loads src as a text chunk named "@chunkname" with the table on top of
 * the stack as its _ENV (popped). Pushes the function on success.
 * [-1,+1 on success | +0 on error] */
int luavm_load(struct luavm *vm, const char *chunkname, const char *src, size_t len,
	       struct diag_list *diags);

/* lua_pcall with a traceback handler and a fresh instruction budget (a
 * luavm_call made from inside another shares the outer budget). On
 * error adds `chunk:line: message` (the innermost Lua position) with the
 * traceback appended, and returns -1. [-(nargs+1),+nresults | +0] */
int luavm_call(struct luavm *vm, int nargs, int nresults, struct diag_list *diags);

/* The same for trusted code (the centre's theme templates): no count
 * hook and no instruction budget, so templates run at full speed; the
 * caller's wall-clock deadline (the render worker's, pool.h) is what stops
 * a runaway template. Metered code called from inside (luavm_call, or a
 * function wrapped by luavm_wrap_metered) still runs under a budget of its
 * own. Nested inside metered code it is metered like luavm_call. */
int luavm_call_trusted(struct luavm *vm, int nargs, int nresults, struct diag_list *diags);

/* Replaces the function on top of the stack by one that runs it metered
 * when called from trusted code (a plugin's filter or template global
 * called by a theme template). [-1,+1] */
void luavm_wrap_metered(struct luavm *vm);

/* Once the site's tables are built, before the plugins run: switches to
 * the generational collector. The plugin stage's garbage (strings, rows,
 * report lines) is young, while the page tables it keeps (100 MB and more
 * at 10,000 pages) are old: the incremental collector traversed them all
 * at every cycle. The cap still holds: the allocator refuses, and Lua
 * collects fully before it gives up. */
void luavm_prepare_plugins(struct luavm *vm);

/* A full collection now: after the plugin stage, whose garbage (a third of
 * the state at 10,000 pages) would otherwise stay through the job keys,
 * the builder's peak of memory. */
void luavm_collect(struct luavm *vm);
/* A full collection when the state grew by more than a quarter (and 8 MB)
 * since its last one; true when it collected. Called between plugin
 * handlers, where a handler's temporaries are all garbage: under the
 * generational collector, those that lived through two minor collections
 * (a feed's cache of escaped articles, a report's rows) are old and only
 * a major collection frees them, at twice the state's size, so the next
 * handler's data piled up on them (the builder's peak of memory). */
bool luavm_collect_grown(struct luavm *vm);
/* How many collections luavm_collect_grown made (LOA_TIMINGS). */
size_t luavm_grown_collections(const struct luavm *vm);

/* Before the render workers fork: the generational collector's parameters
 * for renders (a render's garbage is young; the site's
 * tables, old, are then rarely traversed, nor their pages copied after fork; a
 * major collection only when the state grows tenfold or reaches the cap) and
 * sets the cap to what the state holds plus headroom, so that the limit
 * stops a runaway render whatever the size of the site's data. */
void luavm_prepare_renders(struct luavm *vm, size_t headroom);
/* In a render worker, between two jobs: a major collection once the state
 * has grown by half its size since the last one (at least 32 MB, at most
 * half the room it had then; true when it ran). Garbage a render kept
 * across two minor collections (a long page's rows, a plugin filter's
 * tables, an outreach report's lines) is old, and the tenfold major never
 * comes. Without this, the old garbage filled the headroom and renders
 * failed with "not enough memory" although a collection then freed
 * 250 MB: on the 50,000-page bench corpus, 3 to 9 pages in each of four
 * builds. Collecting at half the room only, a worker at 10,000 pages kept
 * up to 40 MB of such garbage (its peak 314 MB against 288 MB now, for
 * two major collections a build). test_luavm: test_renders_collector*. */
bool luavm_collect_between_renders(struct luavm *vm);

/* Bytes the state holds now, and the most it ever held. */
size_t luavm_memory(const struct luavm *vm);
size_t luavm_peak_memory(const struct luavm *vm);
/* How often math.random drew or was reseeded: a result kept across builds
 * (loa.memo) must not depend on the commit-seeded generator. */
uint64_t luavm_random_uses(const struct luavm *vm);

#endif
