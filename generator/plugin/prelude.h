/* prelude — the part of the `loa` plugin module written in Lua (loa.pages,
 * loa.paginate, loa.sort), kept in prelude.lua beside this header and
 * compiled into the binary by the Makefile (scripts/embed.c). Internal to
 * sitelua.c, which runs it in the sandbox as the chunk "loa/prelude.lua"
 * with the arguments (loa, content pages, the C helpers of
 * sitelua_query.c). */
#ifndef LOA_PRELUDE_H
#define LOA_PRELUDE_H

#include <stddef.h>

/* the bytes of prelude.lua, followed by a NUL */
extern const char prelude_lua[];
extern const size_t prelude_lua_len;

#endif
