/* luavalue — plain Lua data as bytes and back, for values a plugin keeps
 * in the build cache (loa.memo, sitelua_memo.c): nil, booleans, integers,
 * floats, strings and tables of them, keyed by integers or strings.
 * Functions, userdata, metatables, keys of other types and a table that
 * holds itself are refused: their bytes would not give back the value. A
 * table met twice is written twice, and read back as two copies.
 *
 * The bytes are this program's own, read back by the same binary (the
 * cache's base key covers the program): native byte order, no version. */
#ifndef LOA_LUAVALUE_H
#define LOA_LUAVALUE_H

#include <stdbool.h>
#include <stddef.h>

#include <lua.h>

struct buf;

/* Appends the value at idx. 0, or -1 with why (a static string) when it
 * is not plain data. */
int luavalue_encode(lua_State *L, int idx, struct buf *out, const char **why);
/* Pushes the value len bytes at p hold: 0, or -1 (nothing pushed) when
 * they are not one whole value or nest deeper than the stack allows. */
int luavalue_decode(lua_State *L, const char *p, size_t len);

#endif
