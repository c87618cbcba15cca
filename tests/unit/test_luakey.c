/* Unit tests for plugin/luakey: the exact bytes a Lua value gives as key
 * fields, the same bytes whatever order a table was filled in, shared and
 * cyclic tables, tables named by refs, and different values giving
 * different bytes. */
#include "base/buf.h"
#include "harness.h"
#include "plugin/luakey.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <string.h>

/* The key bytes of the value the Lua expression code returns. */
static void key_of(lua_State *L, const char *code, int refs, struct buf *out)
{
	buf_reset(out);
	int top = lua_gettop(L);
	CHECK_INT_EQ(luaL_dostring(L, code), LUA_OK);
	luakey_value(L, -1, refs, out);
	lua_settop(L, top);
}

TEST(exact_bytes_of_scalars_and_tables)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	struct buf k = BUF_INIT;
	key_of(L, "return { b = -12, a = 'x' }", 0, &k);
	CHECK_STR_EQ(k.ptr, "T2{4:s1:as1:x4:s1:bi-12;}");
	key_of(L, "return { [10] = true, [9] = false, n = 1234567890123 }", 0, &k);
	/* sorted by the keys' bytes: "i10;" before "i9;" before "s1:n" */
	CHECK_STR_EQ(k.ptr, "T3{4:i10;b1;3:i9;b0;4:s1:ni1234567890123;}");
	key_of(L, "return { math.mininteger, 0, '' }", 0, &k);
	CHECK_STR_EQ(k.ptr, "T3{3:i1;i-9223372036854775808;3:i2;i0;3:i3;s0:}");
	key_of(L, "return { f = print, e = {} }", 0, &k);
	CHECK_STR_EQ(k.ptr, "T2{4:s1:eT0{}4:s1:ffunction;}");
	buf_release(&k);
	lua_close(L);
}

TEST(order_of_filling_does_not_matter)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	struct buf a = BUF_INIT, b = BUF_INIT;
	key_of(L,
	       "local t = {} for i = 1, 300 do t['k' .. i] = { i, tostring(i) } end "
	       "for i = 1, 50 do t[i * 7] = i end return t",
	       0, &a);
	key_of(L,
	       "local t = {} for i = 50, 1, -1 do t[i * 7] = i end "
	       "for i = 300, 1, -1 do t['k' .. i] = { i, tostring(i) } end return t",
	       0, &b);
	CHECK(a.len > 300 * 10);
	CHECK(a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0);
	/* one value changed deep inside: other bytes */
	key_of(L,
	       "local t = {} for i = 1, 300 do t['k' .. i] = { i, tostring(i) } end "
	       "for i = 1, 50 do t[i * 7] = i end t.k150[2] = '151' return t",
	       0, &b);
	CHECK(!(a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0));
	buf_release(&a);
	buf_release(&b);
	lua_close(L);
}

/* more keys than the walk keeps on the Lua stack: a scratch table holds
 * them, with the same bytes whatever the order */
TEST(large_tables_are_keyed_alike)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	struct buf a = BUF_INIT, b = BUF_INIT;
	const char *fwd = "local t = {} for i = 1, 6000 do t['k' .. i] = { v = i, w = { i } } end "
			  "t.big = {} for i = 1, 5000 do t.big[i] = i end return t";
	key_of(L, fwd, 0, &a);
	key_of(L,
	       "local t = { big = {} } for i = 5000, 1, -1 do t.big[i] = i end "
	       "for i = 6000, 1, -1 do t['k' .. i] = { w = { i }, v = i } end return t",
	       0, &b);
	CHECK(a.len > 6000 * 20 && strncmp(a.ptr, "T6001{", 6) == 0);
	CHECK(strstr(a.ptr, "T5000{") != NULL);
	CHECK(a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0);
	/* one deep value changed, and one key renamed: other bytes */
	key_of(L,
	       "local t = {} for i = 1, 6000 do t['k' .. i] = { v = i, w = { i } } end "
	       "t.big = {} for i = 1, 5000 do t.big[i] = i end t.k4000.w[1] = 0 return t",
	       0, &b);
	CHECK(!(a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0));
	key_of(L,
	       "local t = {} for i = 1, 6000 do t['k' .. i] = { v = i, w = { i } } end "
	       "t.big = {} for i = 1, 5000 do t.big[i] = i end t.big[5001] = t.big[5000] "
	       "t.big[5000] = nil return t",
	       0, &b);
	CHECK(!(a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0));
	/* the walk leaves the stack as it found it */
	CHECK_INT_EQ(lua_gettop(L), 0);
	buf_release(&a);
	buf_release(&b);
	lua_close(L);
}

TEST(shared_cyclic_and_named_tables)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	struct buf k = BUF_INIT;
	/* a table met again is a back-reference: the walk ends */
	key_of(L, "local t = { } t.self = t return t", 0, &k);
	CHECK_STR_EQ(k.ptr, "T1{7:s4:selfS1;}");
	/* a table in refs is written as its name, except at the top */
	CHECK_INT_EQ(luaL_dostring(L, "P = { title = 'a' } return { [P] = 'p1' }"), LUA_OK);
	int refs = lua_gettop(L);
	key_of(L, "return { page = P }", refs, &k);
	CHECK_STR_EQ(k.ptr, "T1{7:s4:pageR2:p1}");
	key_of(L, "return P", refs, &k);
	CHECK_STR_EQ(k.ptr, "T1{8:s5:titles1:a}");
	/* and as a table's key, by that name too */
	key_of(L, "return { [P] = 1 }", refs, &k);
	CHECK_STR_EQ(k.ptr, "T1{5:r2:p1i1;}");
	lua_settop(L, 0);
	buf_release(&k);
	lua_close(L);
}

int main(void)
{
	RUN(exact_bytes_of_scalars_and_tables);
	RUN(order_of_filling_does_not_matter);
	RUN(large_tables_are_keyed_alike);
	RUN(shared_cyclic_and_named_tables);
	return harness_report();
}
