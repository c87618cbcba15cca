/* template_runtime — the template runtime, Lua source kept in
 * template_runtime.lua beside this header (escapers, the helpers compiled
 * templates call, the built-in filters) and compiled into the binary by
 * the Makefile (scripts/embed.c). Internal to template_runtime.c, which
 * loads it as the chunk "loa/template_runtime.lua": called with the
 * safe-value metatable, it returns the runtime table R. */
#ifndef LOA_TEMPLATE_RUNTIME_H
#define LOA_TEMPLATE_RUNTIME_H

#include <stddef.h>

/* the bytes of template_runtime.lua, followed by a NUL */
extern const char template_runtime_lua[];
extern const size_t template_runtime_lua_len;

#endif
