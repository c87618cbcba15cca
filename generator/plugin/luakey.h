/* luakey — Lua values written as cache key fields (build/cache.h), for the
 * incremental build: what the plugins left in the Lua state is what the
 * renders read, so its bytes decide whether a cached render still holds.
 *
 * Deterministic: table keys are sorted (type, then value); a table met a
 * second time is written as a back-reference (so shared and cyclic tables
 * terminate); a table found in the `refs` table (page tables, the site
 * table) is written as the name it maps to, so a page's fields are written
 * once. Functions and userdata are written as their kind only: their code
 * is in the plugin files the key also covers. Metatables are not followed. */
#ifndef LOA_LUAKEY_H
#define LOA_LUAKEY_H

#include <lua.h>

struct buf;

/* Writes the value at idx. refs is the stack index of a table mapping
 * tables to names (strings or integers), or 0. A top-level table that is
 * itself in refs is written in full. */
void luakey_value(lua_State *L, int idx, int refs, struct buf *k);

#endif
