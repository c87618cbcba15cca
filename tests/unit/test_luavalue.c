/* Unit tests for plugin/luavalue: plain Lua data written as bytes and read
 * back equal (nested tables, every scalar kind, integer and string keys,
 * empty strings and tables), the values refused (functions, metatables,
 * a table holding itself, keys of other types) with the buffer left as it
 * was, and bytes that are not one whole value refused on reading. */
#include "base/buf.h"
#include "harness.h"
#include "plugin/luavalue.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <string.h>

/* A Lua function that compares two plain values deeply. */
static const char *const DEEP_EQ =
	"local function eq(a, b)\n"
	"  if type(a) ~= type(b) then return false end\n"
	"  if type(a) ~= 'table' then return a == b and math.type(a) == math.type(b) end\n"
	"  for k, v in pairs(a) do if not eq(v, b[k]) then return false end end\n"
	"  for k in pairs(b) do if a[k] == nil then return false end end\n"
	"  return true\n"
	"end\n"
	"return eq";

/* The value code returns, written and read back: equal to it. */
static bool round_trip(lua_State *L, const char *code)
{
	int top = lua_gettop(L);
	CHECK_INT_EQ(luaL_dostring(L, DEEP_EQ), LUA_OK);
	CHECK_INT_EQ(luaL_dostring(L, code), LUA_OK);
	struct buf b = BUF_INIT;
	const char *why = NULL;
	bool ok = luavalue_encode(L, -1, &b, &why) == 0 && luavalue_decode(L, b.ptr, b.len) == 0;
	if (ok) {
		lua_call(L, 2, 1); /* eq(original, read back) */
		ok = lua_toboolean(L, -1);
	}
	buf_release(&b);
	lua_settop(L, top);
	return ok;
}

/* The value code returns is refused, why naming the reason. */
static bool refused(lua_State *L, const char *code, const char *reason)
{
	int top = lua_gettop(L);
	CHECK_INT_EQ(luaL_dostring(L, code), LUA_OK);
	struct buf b = BUF_INIT;
	buf_puts(&b, "kept");
	const char *why = NULL;
	bool ok = luavalue_encode(L, -1, &b, &why) == -1 && why && strstr(why, reason) &&
		  strcmp(b.ptr, "kept") == 0 && lua_gettop(L) == top + 1;
	buf_release(&b);
	lua_settop(L, top);
	return ok;
}

TEST(plain_values_come_back_equal)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	CHECK(round_trip(L, "return 42"));
	CHECK(round_trip(L, "return math.mininteger"));
	CHECK(round_trip(L, "return -0.25"));
	CHECK(round_trip(L, "return 3.0")); /* a float stays a float */
	CHECK(round_trip(L, "return 'chuyển đổi số'"));
	CHECK(round_trip(L, "return ''"));
	CHECK(round_trip(L, "return 'a\\0b'"));
	CHECK(round_trip(L, "return true"));
	CHECK(round_trip(L, "return false"));
	CHECK(round_trip(L, "return nil"));
	CHECK(round_trip(L, "return {}"));
	CHECK(round_trip(L, "return { 1, 2, 3, 'x', n = 4, [-7] = { deep = { deeper = {} } } }"));
	CHECK(round_trip(L, "local t = {} for i = 1, 5000 do t[i] = i * 2 end return { list = t }"));
	/* a shared table comes back as two equal copies */
	CHECK(round_trip(L, "local s = { 1 } return { a = s, b = s }"));
	lua_close(L);
}

TEST(what_is_not_plain_data_is_refused)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	CHECK(refused(L, "return print", "function"));
	CHECK(refused(L, "return { 1, { f = function() end } }", "function"));
	CHECK(refused(L, "return setmetatable({}, {})", "metatable"));
	CHECK(refused(L, "local t = {} t.self = t return t", "holds itself"));
	CHECK(refused(L, "local t = { x = {} } t.x.up = t return t", "holds itself"));
	CHECK(refused(L, "return { [true] = 1 }", "neither an integer nor a string"));
	CHECK(refused(L, "return { [1.5] = 1 }", "neither an integer nor a string"));
	CHECK(refused(L, "return { [{}] = 1 }", "neither an integer nor a string"));
	CHECK(refused(L, "local t = {} local c = t for i = 1, 200 do c.n = {} c = c.n end return t",
		      "too deep"));
	lua_close(L);
}

TEST(bytes_that_are_not_one_value_are_refused)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	CHECK_INT_EQ(luaL_dostring(L, "return { a = 'xyz', 1, 2 }"), LUA_OK);
	struct buf b = BUF_INIT;
	const char *why = NULL;
	CHECK_INT_EQ(luavalue_encode(L, -1, &b, &why), 0);
	lua_pop(L, 1);
	int top = lua_gettop(L);
	/* every cut short is refused, and leaves the stack as it was */
	for (size_t n = 0; n < b.len; n++) {
		CHECK_INT_EQ(luavalue_decode(L, b.ptr, n), -1);
		CHECK_INT_EQ(lua_gettop(L), top);
	}
	/* a byte too many */
	buf_putc(&b, 'n');
	CHECK_INT_EQ(luavalue_decode(L, b.ptr, b.len), -1);
	/* an unknown tag, a nil key, a count past the end */
	CHECK_INT_EQ(luavalue_decode(L, "?", 1), -1);
	static const char nil_key[] = { 'T', 1, 0, 0, 0, 0, 0, 0, 0, 'n', 't' };
	CHECK_INT_EQ(luavalue_decode(L, nil_key, sizeof(nil_key)), -1);
	static const char too_many[] = { 'T', 9, 0, 0, 0, 0, 0, 0, 0 };
	CHECK_INT_EQ(luavalue_decode(L, too_many, sizeof(too_many)), -1);
	CHECK_INT_EQ(lua_gettop(L), top);
	buf_release(&b);
	lua_close(L);
}

int main(void)
{
	RUN(plain_values_come_back_equal);
	RUN(what_is_not_plain_data_is_refused);
	RUN(bytes_that_are_not_one_value_are_refused);
	return harness_report();
}
