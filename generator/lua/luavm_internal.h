/* luavm_internal — what luavm.c and luavm_lib.c share; not for other
 * modules (they use luavm.h). */
#ifndef LOA_LUAVM_INTERNAL_H
#define LOA_LUAVM_INTERNAL_H

#include <lua.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct luavm {
	lua_State *L;
	size_t max_bytes, cur_bytes, peak_bytes;
	size_t collected_bytes; /* what the state held after its last full collection */
	size_t grown_collections; /* made by luavm_collect_grown */
	uint64_t max_instructions;
	uint64_t remaining; /* budget left in the outermost luavm_call */
	int call_depth;     /* nested luavm_call share the outer budget */
	bool metered;       /* the count hook is armed (false in trusted code) */
	uint64_t seed;
	uint64_t rng[4]; /* xoshiro256** state */
	uint64_t rng_uses; /* draws and reseeds: a kept result must not have used it */
	/* innermost Lua position seen by the message handler */
	char err_src[256];
	int err_line;
};

/* The luavm of a state: the allocator's userdata. */
static inline struct luavm *vm_of(lua_State *L)
{
	void *ud = NULL;
	lua_getallocf(L, &ud);
	return ud;
}

/* Seeds vm's xoshiro256** generator (math.random). */
void luavm_lib_seed(struct luavm *vm, uint64_t seed);
/* Opens the sandbox's libraries in L and trims them (lua_CFunction, run
 * protected by luavm_open). */
int luavm_lib_setup(lua_State *L);
/* Pushes a new environment table for one chunk (lua_CFunction, run
 * protected by luavm_new_env). */
int luavm_lib_make_env(lua_State *L);

#endif
