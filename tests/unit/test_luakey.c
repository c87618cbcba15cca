/* Unit tests for plugin/luakey: the exact bytes a Lua value gives as key
 * fields, the same bytes whatever order a table was filled in, shared and
 * cyclic tables, tables named by refs, nested tables by digest (and kept
 * within a pass only), the plain walk past the budget, and different
 * values giving different bytes. */
#include "base/buf.h"
#include "harness.h"
#include "incr/key.h"
#include "plugin/luakey.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <string.h>

/* The key bytes of the value the Lua expression code returns. */
static void key_of(struct luakey *lk, lua_State *L, const char *code, struct buf *out)
{
	buf_reset(out);
	int top = lua_gettop(L);
	CHECK_INT_EQ(luaL_dostring(L, code), LUA_OK);
	luakey_value(lk, -1, out);
	lua_settop(L, top);
}

static bool same(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
}

TEST(exact_bytes_of_scalars_and_tables)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	struct luakey *lk = luakey_new(L, 0);
	struct buf k = BUF_INIT;
	key_of(lk, L, "return { b = -12, a = 'x' }", &k);
	CHECK_STR_EQ(k.ptr, "MT2{s1:as1:xs1:bi-12;}");
	key_of(lk, L, "return { [10] = true, [9] = false, n = 1234567890123 }", &k);
	/* sorted by the fields' bytes: "i10;" before "i9;" before "s1:n" */
	CHECK_STR_EQ(k.ptr, "MT3{i10;b1;i9;b0;s1:ni1234567890123;}");
	/* a list 1..n: its values in order */
	key_of(lk, L, "return { math.mininteger, 0, '' }", &k);
	CHECK_STR_EQ(k.ptr, "MA3{i-9223372036854775808;i0;s0:}");
	key_of(lk, L, "return { [2] = 'b', [1] = 'a', [4] = 'd' }", &k);
	CHECK_STR_EQ(k.ptr, "MT3{i1;s1:ai2;s1:bi4;s1:d}");
	key_of(lk, L, "return { f = print, e = {} }", &k);
	CHECK_STR_EQ(k.ptr, "MT2{s1:eT0{}s1:ffunction;}");
	key_of(lk, L, "return 'top'", &k);
	CHECK_STR_EQ(k.ptr, "s3:top");
	buf_release(&k);
	luakey_free(lk);
	lua_close(L);
}

TEST(order_of_filling_does_not_matter)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	struct luakey *lk = luakey_new(L, 0);
	struct buf a = BUF_INIT, b = BUF_INIT;
	key_of(lk, L,
	       "local t = {} for i = 1, 300 do t['k' .. i] = { i, tostring(i) } end "
	       "for i = 1, 50 do t[i * 7] = i end return t",
	       &a);
	key_of(lk, L,
	       "local t = {} for i = 50, 1, -1 do t[i * 7] = i end "
	       "for i = 300, 1, -1 do t['k' .. i] = { i, tostring(i) } end return t",
	       &b);
	CHECK(a.len > 300 * 10);
	CHECK(same(&a, &b));
	/* one value changed deep inside: other bytes */
	key_of(lk, L,
	       "local t = {} for i = 1, 300 do t['k' .. i] = { i, tostring(i) } end "
	       "for i = 1, 50 do t[i * 7] = i end t.k150[2] = '151' return t",
	       &b);
	CHECK(!same(&a, &b));
	buf_release(&a);
	buf_release(&b);
	luakey_free(lk);
	lua_close(L);
}

/* tables with thousands of keys and nested tables: the same bytes
 * whatever the order, other bytes for a change anywhere */
TEST(large_tables_are_keyed_alike)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	struct luakey *lk = luakey_new(L, 0);
	struct buf a = BUF_INIT, b = BUF_INIT;
	const char *fwd = "local t = {} for i = 1, 6000 do t['k' .. i] = { v = i, w = { i } } end "
			  "t.big = {} for i = 1, 5000 do t.big[i] = i end return t";
	key_of(lk, L, fwd, &a);
	key_of(lk, L,
	       "local t = { big = {} } for i = 5000, 1, -1 do t.big[i] = i end "
	       "for i = 6000, 1, -1 do t['k' .. i] = { w = { i }, v = i } end return t",
	       &b);
	CHECK(a.len > 6000 * 20 && strncmp(a.ptr, "MT6001{", 7) == 0);
	CHECK(same(&a, &b));
	/* one deep value changed, and one key renamed: other bytes */
	key_of(lk, L,
	       "local t = {} for i = 1, 6000 do t['k' .. i] = { v = i, w = { i } } end "
	       "t.big = {} for i = 1, 5000 do t.big[i] = i end t.k4000.w[1] = 0 return t",
	       &b);
	CHECK(!same(&a, &b));
	key_of(lk, L,
	       "local t = {} for i = 1, 6000 do t['k' .. i] = { v = i, w = { i } } end "
	       "t.big = {} for i = 1, 5000 do t.big[i] = i end t.big[5001] = t.big[5000] "
	       "t.big[5000] = nil return t",
	       &b);
	CHECK(!same(&a, &b));
	/* the walk leaves the stack as it found it */
	CHECK_INT_EQ(lua_gettop(L), 0);
	buf_release(&a);
	buf_release(&b);
	luakey_free(lk);
	lua_close(L);
}

TEST(shared_cyclic_and_named_tables)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	struct buf k = BUF_INIT;
	/* a table met again up the walk: its distance, and the walk ends */
	struct luakey *lk = luakey_new(L, 0);
	key_of(lk, L, "local t = { } t.self = t return t", &k);
	CHECK_STR_EQ(k.ptr, "MT1{s4:selfU0;}");
	key_of(lk, L, "local t = { } t.c = { up = t } return t", &k);
	CHECK_STR_EQ(k.ptr, "MT1{s1:cT1{s2:upU1;}}");
	luakey_free(lk);
	/* a table in refs is written as its name, except at the top */
	CHECK_INT_EQ(luaL_dostring(L, "P = { title = 'a' } return { [P] = 'p1' }"), LUA_OK);
	lk = luakey_new(L, -1);
	lua_settop(L, 0);
	key_of(lk, L, "return { page = P }", &k);
	CHECK_STR_EQ(k.ptr, "MT1{s4:pageR2:p1}");
	key_of(lk, L, "return P", &k);
	CHECK_STR_EQ(k.ptr, "MT1{s5:titles1:a}");
	/* and as a table's key, by that name too */
	key_of(lk, L, "return { [P] = 1 }", &k);
	CHECK_STR_EQ(k.ptr, "MT1{r2:p1i1;}");
	buf_release(&k);
	luakey_free(lk);
	lua_close(L);
}

/* A nested table of more than a few bytes is written as the digest of
 * its own bytes, the same wherever it is met; one that refers to a table
 * above it is written where it is. */
TEST(nested_tables_by_digest)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	struct luakey *lk = luakey_new(L, 0);
	struct buf k = BUF_INIT, own = BUF_INIT, want = BUF_INIT;
	char digest[KEY_LEN + 1];
	key_of(lk, L, "return { big = { s = string.rep('x', 600) } }", &k);
	buf_puts(&own, "T1{s1:ss600:");
	for (int i = 0; i < 600; i++)
		buf_putc(&own, 'x');
	buf_putc(&own, '}');
	key_digest(own.ptr, own.len, digest);
	buf_addf(&want, "MT1{s3:bigH%s}", digest);
	CHECK_STR_EQ(k.ptr, want.ptr);
	/* the same table under another name and deeper: the same digest */
	key_of(lk, L, "return { { other = { s = string.rep('x', 600) } } }", &k);
	CHECK(strstr(k.ptr, digest) != NULL);
	/* one byte changed inside: another digest */
	key_of(lk, L, "return { big = { s = string.rep('x', 599) .. 'y' } }", &k);
	CHECK(strstr(k.ptr, digest) == NULL && strncmp(k.ptr, "MT1{s3:bigH", 11) == 0);
	/* a cycle through the top: written in place, with its distance */
	key_of(lk, L, "local t = {} t.c = { up = t, s = string.rep('y', 600) } return t", &k);
	CHECK(strncmp(k.ptr, "MT1{s1:cT2{s1:ss600:yyy", 23) == 0);
	CHECK(strstr(k.ptr, "s2:upU1;}}") != NULL);
	buf_release(&k);
	buf_release(&own);
	buf_release(&want);
	luakey_free(lk);
	lua_close(L);
}

/* Within a pass a nested table's digest is kept (the state must not
 * change meanwhile); a new pass sees what changed since. */
TEST(digests_are_kept_within_a_pass_only)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	struct luakey *lk = luakey_new(L, 0);
	struct buf a = BUF_INIT, b = BUF_INIT;
	CHECK_INT_EQ(luaL_dostring(L, "S = { s = string.rep('z', 600) } A = { x = S } B = { y = S }"),
		     LUA_OK);
	luakey_pass(lk, true);
	key_of(lk, L, "return A", &a);
	key_of(lk, L, "S.s = 'changed' return A", &b);
	/* kept: the change inside the pass (which breaks its rule) is not seen */
	CHECK(same(&a, &b));
	luakey_pass(lk, false);
	key_of(lk, L, "return A", &b);
	CHECK(!same(&a, &b));
	/* outside a pass every value is walked afresh */
	key_of(lk, L, "S.s = string.rep('z', 600) return A", &b);
	CHECK(same(&a, &b));
	/* one value's walk keeps the digest for the next value's */
	luakey_pass(lk, true);
	key_of(lk, L, "return B", &b);
	key_of(lk, L, "S.s = 'again' return A", &b);
	CHECK(same(&a, &b));
	luakey_pass(lk, false);
	buf_release(&a);
	buf_release(&b);
	luakey_free(lk);
	lua_close(L);
}

/* Past the budget of tables (shared tables in a cycle are walked again
 * wherever they are met: exponential), one plain walk instead: it ends,
 * gives the same bytes for the same value and others for a change. */
TEST(plain_walk_past_the_budget)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	struct luakey *lk = luakey_new(L, 0);
	struct buf a = BUF_INIT, b = BUF_INIT;
	const char *chain = "local top = {} local d = { up = top } "
			    "for i = 1, 60 do d = { a = d, b = d, up = top, n = i } end "
			    "top.d = d return top";
	key_of(lk, L, chain, &a);
	CHECK(a.len > 0 && a.ptr[0] == 'P');
	CHECK(strstr(a.ptr, "S") != NULL);
	key_of(lk, L, chain, &b);
	CHECK(same(&a, &b));
	key_of(lk, L,
	       "local top = {} local d = { up = top } "
	       "for i = 1, 60 do d = { a = d, b = d, up = top, n = i } end "
	       "d.a.a.n = 0 top.d = d return top",
	       &b);
	CHECK(!same(&a, &b));
	/* many tables, no cycle */
	key_of(lk, L, "local t = {} for i = 1, 250000 do t[i] = { i } end return t", &a);
	CHECK(a.len > 0 && a.ptr[0] == 'P');
	key_of(lk, L, "local t = {} for i = 1, 250000 do t[i] = { i } end t[7][1] = 0 return t",
	       &b);
	CHECK(!same(&a, &b));
	CHECK_INT_EQ(lua_gettop(L), 0);
	buf_release(&a);
	buf_release(&b);
	luakey_free(lk);
	lua_close(L);
}

/* The key of what the function the Lua code returns can reach; false
 * when it cannot be keyed. */
static bool closure_of(struct luakey *lk, lua_State *L, const char *code, struct buf *out)
{
	buf_reset(out);
	int top = lua_gettop(L);
	CHECK_INT_EQ(luaL_dostring(L, code), LUA_OK);
	bool ok = luakey_closure(lk, -1, out);
	lua_settop(L, top);
	return ok;
}

TEST(closures_by_code_and_what_they_reach)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	/* a named table: written by name, whatever it holds */
	CHECK_INT_EQ(luaL_dostring(L, "page = { title = 'a' } return { [page] = 'p1' }"), LUA_OK);
	struct luakey *lk = luakey_new(L, -1);
	lua_pop(L, 1);
	struct luakey *plain = luakey_new(L, 0);
	luakey_follow_closures(lk);
	struct buf a = BUF_INIT, b = BUF_INIT;
	/* only a writer that follows closures keys them */
	CHECK(!closure_of(plain, L, "local t = {} return function() return t end", &a));
	/* equal upvalues, one code: the same bytes; another value: others */
	CHECK(closure_of(lk, L, "local t = { n = 1 } return function() return t.n end", &a));
	CHECK(closure_of(lk, L, "local t = { n = 1 } return function() return t.n end", &b));
	CHECK(same(&a, &b));
	CHECK(closure_of(lk, L, "local t = { n = 2 } return function() return t.n end", &b));
	CHECK(!same(&a, &b));
	/* two functions on one line, with the same upvalues: their code differs */
	CHECK(closure_of(lk, L, "local x = 1 return (function() return x + 1 end)", &a));
	CHECK(closure_of(lk, L, "local x = 1 return (function() return x + 2 end)", &b));
	CHECK(!same(&a, &b));
	/* through another function's upvalues, a metatable, and a cycle */
	CHECK(closure_of(lk, L,
			 "local _ENV = { setmetatable = setmetatable } "
			 "local c = { v = 1 } local function g() return c.v end "
			 "local m = setmetatable({}, { __index = { w = 3 } }) "
			 "local function f() return g() + m.w + f2() end function f2() return f end "
			 "return f",
			 &a));
	CHECK(closure_of(lk, L,
			 "local _ENV = { setmetatable = setmetatable } "
			 "local c = { v = 1 } local function g() return c.v end "
			 "local m = setmetatable({}, { __index = { w = 4 } }) "
			 "local function f() return g() + m.w + f2() end function f2() return f end "
			 "return f",
			 &b));
	CHECK(!same(&a, &b));
	CHECK(closure_of(lk, L,
			 "local _ENV = { setmetatable = setmetatable } "
			 "local c = { v = 2 } local function g() return c.v end "
			 "local m = setmetatable({}, { __index = { w = 3 } }) "
			 "local function f() return g() + m.w + f2() end function f2() return f end "
			 "return f",
			 &b));
	CHECK(!same(&a, &b));
	/* a named table by its name: its fields may change; the global
	 * table (with io's userdata) cannot be keyed */
	const char *by_name = "local _ENV = { page = page } return function() return page.title end";
	CHECK(closure_of(lk, L, by_name, &a));
	CHECK(luaL_dostring(L, "page.title = 'b'") == LUA_OK);
	CHECK(closure_of(lk, L, by_name, &b));
	CHECK(same(&a, &b));
	/* a coroutine or a userdata: no key */
	CHECK(!closure_of(lk, L, "local co = coroutine.create(print) return function() return co end",
			  &a));
	CHECK(a.len == 0);
	CHECK(!closure_of(lk, L, "local f = io.stdout return function() return f end", &a));
	CHECK(!closure_of(lk, L, "return function() return page end", &a));
	/* a C function is not a closure to key */
	CHECK(!closure_of(lk, L, "return print", &a));
	CHECK_INT_EQ(lua_gettop(L), 0);
	buf_release(&a);
	buf_release(&b);
	luakey_free(lk);
	luakey_free(plain);
	lua_close(L);
}

/* A chunk made opaque (the prelude's, for sitelua) gives its functions'
 * code and not their upvalues: changing what they hold leaves the key,
 * changing their code does not; other chunks' upvalues still count. */
TEST(opaque_chunk_by_code_alone)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	struct luakey *lk = luakey_new(L, 0);
	luakey_follow_closures(lk);
	luakey_opaque_chunk(lk, "@host/lib.lua");
	struct buf a = BUF_INIT, b = BUF_INIT;
	/* host(n): a function of the opaque chunk holding a table of n */
	const char *host = "return function(n) local data = { n = n } "
			   "return function() return data.n end end";
	CHECK_INT_EQ(luaL_loadbuffer(L, host, strlen(host), "@host/lib.lua"), LUA_OK);
	CHECK_INT_EQ(lua_pcall(L, 0, 1, 0), LUA_OK);
	lua_setglobal(L, "host");
	/* a plugin's function reaching host functions holding 1 and 2 */
	CHECK(closure_of(lk, L, "local h = host(1) return function() return h() end", &a));
	CHECK(closure_of(lk, L, "local h = host(2) return function() return h() end", &b));
	CHECK(same(&a, &b));
	/* the plugin's own upvalues still count */
	CHECK(closure_of(lk, L, "local h, x = host(1), 1 return function() return h() + x end", &a));
	CHECK(closure_of(lk, L, "local h, x = host(1), 2 return function() return h() + x end", &b));
	CHECK(!same(&a, &b));
	/* without the opaque chunk, the host function's data counts */
	struct luakey *all = luakey_new(L, 0);
	luakey_follow_closures(all);
	CHECK(closure_of(all, L, "local h = host(1) return function() return h() end", &a));
	CHECK(closure_of(all, L, "local h = host(2) return function() return h() end", &b));
	CHECK(!same(&a, &b));
	CHECK_INT_EQ(lua_gettop(L), 0);
	buf_release(&a);
	buf_release(&b);
	luakey_free(lk);
	luakey_free(all);
	lua_close(L);
}

int main(void)
{
	RUN(exact_bytes_of_scalars_and_tables);
	RUN(order_of_filling_does_not_matter);
	RUN(large_tables_are_keyed_alike);
	RUN(shared_cyclic_and_named_tables);
	RUN(nested_tables_by_digest);
	RUN(digests_are_kept_within_a_pass_only);
	RUN(plain_walk_past_the_budget);
	RUN(closures_by_code_and_what_they_reach);
	RUN(opaque_chunk_by_code_alone);
	return harness_report();
}
