/* template_runtime — the Lua source of the template runtime (internal to
 * template.c): a chunk called with the safe-value metatable that returns
 * the runtime table (escapers, helpers, filters). */
#ifndef LOA_TEMPLATE_RUNTIME_H
#define LOA_TEMPLATE_RUNTIME_H

#include <stddef.h>

extern const char template_runtime_lua[];
extern const size_t template_runtime_lua_len;

#endif
