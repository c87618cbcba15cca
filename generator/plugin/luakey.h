/* luakey — Lua values written as cache key fields (incr/cache.h), for the
 * incremental build: what the plugins left in the Lua state is what the
 * renders read, so its bytes decide whether a cached render still holds.
 *
 * Deterministic: table keys are sorted (type, then value; a list 1..n is
 * written in order); a table found in the `refs` table (page tables, the
 * site table) is written as the name it maps to, so a page's fields are
 * written once. Functions and userdata are written as their kind only:
 * their code is in the plugin files the key also covers. Metatables are
 * not followed. A writer told to follow closures (luakey_closure, for
 * content functions) writes a Lua function as its code and upvalues and
 * follows metatables.
 *
 * Tables nested in the value are written by digest, Merkle fashion: a
 * table whose fields refer to no table above it (the usual case) gives
 * the same bytes wherever it is met, so within a key pass (luakey_pass:
 * the Lua state does not change meanwhile) its digest is computed once
 * and reused — a report listed by an index page and shown by its own page
 * is walked once, not twice. A table that refers to one above it (a
 * cycle) is written where it is met, the reference as its distance up the
 * walk. Like the keys of separate values (a page table's and a plugin
 * page's), the bytes do not say whether two equal tables are one table or
 * two copies. A walk that meets too many tables (shared tables in cycles
 * can make the digests exponential) is written instead as one plain walk
 * with back-references, linear in the tables; the two forms never give
 * the same bytes. */
#ifndef LOA_LUAKEY_H
#define LOA_LUAKEY_H

#include <stdbool.h>

#include <lua.h>

struct buf;
struct luakey;

/* A writer of key fields for the state L. refs is the stack index of a
 * table mapping tables to names (strings or integers), or 0; it is read
 * now, and its tables must stay alive (the registry holds them) and named
 * alike for as long as the writer is used. */
struct luakey *luakey_new(lua_State *L, int refs);
void luakey_free(struct luakey *lk);
/* Its SHA-256 context, for other keys made beside it (key_hasher_finish). */
struct key_hasher *luakey_hasher(struct luakey *lk);
/* Between luakey_pass(lk, true) and luakey_pass(lk, false) the state must
 * not change: digests of nested tables are kept by table. Outside a pass
 * nothing is kept from one value to the next. */
void luakey_pass(struct luakey *lk, bool on);
/* Writes the value at idx. A top-level table that is itself in refs is
 * written in full. */
void luakey_value(struct luakey *lk, int idx, struct buf *k);

/* From now on the writer follows what a function can reach: a Lua
 * function is written as its bytecode (stripped: two functions on one
 * line differ) and its upvalues, a table with its metatable; C functions
 * by kind (the program is in the key). Meant for a writer of its own: its
 * bytes differ from luakey_value's. */
void luakey_follow_closures(struct luakey *lk);
/* Writes what the Lua function at idx can reach, page tables and other
 * refs by name. False, with nothing written, when that holds a userdata
 * or a coroutine (state no key can hold) or is too large to walk. */
bool luakey_closure(struct luakey *lk, int idx, struct buf *k);
/* Functions of the chunk whose source (lua_Debug's) is source, a string
 * that outlives the writer, are written by their code alone, not their
 * upvalues: the host's own Lua, whose data the caller covers otherwise. */
void luakey_opaque_chunk(struct luakey *lk, const char *source);

#endif
