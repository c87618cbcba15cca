/* luavm_lib — owns what Lua code in the sandbox can call: the trimmed
 * base library (deterministic tostring, pairs in sorted order, load of
 * text only, setmetatable without __gc), the seeded math.random, the
 * clock-free os subset, string.format without addresses, the state's
 * setup (which libraries are opened and kept) and the per-chunk
 * environments. luavm.c owns the state, its limits and the calls. */
#include "lua/luavm.h"
#include "lua/luavm_internal.h"

#include "base/buf.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Registry key (its address) of the metatable shared by every env. */
static const char env_mt_key = 'e';

/* ---- deterministic random numbers (xoshiro256**) ------------------------ */

static uint64_t rotl(uint64_t x, int n)
{
	return (x << n) | (x >> (64 - n));
}

static uint64_t rng_next(struct luavm *vm)
{
	uint64_t *s = vm->rng;
	vm->rng_uses++;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

void luavm_lib_seed(struct luavm *vm, uint64_t seed)
{
	/* splitmix64 spreads one seed over the four state words */
	for (int i = 0; i < 4; i++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15u);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
		vm->rng[i] = z ^ (z >> 31);
	}
}

/* math.random with the semantics of Lua 5.4's lmathlib */
static int l_random(lua_State *L)
{
	struct luavm *vm = vm_of(L);
	uint64_t rv = rng_next(vm);
	lua_Integer low, up;
	switch (lua_gettop(L)) {
	case 0:
		lua_pushnumber(L, (lua_Number)(rv >> 11) * 0x1.0p-53);
		return 1;
	case 1:
		low = 1;
		up = luaL_checkinteger(L, 1);
		if (up == 0) {
			lua_pushinteger(L, (lua_Integer)rv);
			return 1;
		}
		break;
	case 2:
		low = luaL_checkinteger(L, 1);
		up = luaL_checkinteger(L, 2);
		break;
	default:
		return luaL_error(L, "wrong number of arguments");
	}
	luaL_argcheck(L, low <= up, lua_gettop(L), "interval is empty");
	uint64_t n = (uint64_t)up - (uint64_t)low;
	if ((n & (n + 1)) == 0) {
		rv &= n;
	} else {
		uint64_t lim = n;
		lim |= lim >> 1;
		lim |= lim >> 2;
		lim |= lim >> 4;
		lim |= lim >> 8;
		lim |= lim >> 16;
		lim |= lim >> 32;
		while ((rv &= lim) > n)
			rv = rng_next(vm);
	}
	lua_pushinteger(L, (lua_Integer)(rv + (uint64_t)low));
	return 1;
}

static int l_randomseed(lua_State *L)
{
	struct luavm *vm = vm_of(L);
	uint64_t seed = vm->seed;
	vm->rng_uses++;
	if (!lua_isnoneornil(L, 1)) {
		if (lua_isinteger(L, 1)) {
			seed = (uint64_t)lua_tointeger(L, 1);
		} else {
			double d = (double)luaL_checknumber(L, 1);
			memcpy(&seed, &d, sizeof(seed));
		}
	}
	luavm_lib_seed(vm, seed);
	return 0;
}

/* ---- os: a clock-free subset -------------------------------------------- */

static lua_Integer get_field(lua_State *L, const char *key, lua_Integer d)
{
	lua_Integer v = d;
	int t = lua_getfield(L, 1, key);
	if (t != LUA_TNIL) {
		int ok = 0;
		v = lua_tointegerx(L, -1, &ok);
		if (!ok)
			luaL_error(L, "field '%s' is not an integer", key);
	} else if (d < 0) {
		luaL_error(L, "field '%s' missing in date table", key);
	}
	lua_pop(L, 1);
	return v;
}

/* days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant) */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* os.time(t) reads t as UTC, whatever the machine's time zone, so that
 * plugins give the same answer everywhere; os.time() has no clock. */
static int l_os_time(lua_State *L)
{
	if (!lua_istable(L, 1))
		return luaL_error(L, "os.time needs a date table (the clock is not available)");
	lua_Integer year = get_field(L, "year", -1);
	lua_Integer month = get_field(L, "month", -1);
	lua_Integer day = get_field(L, "day", -1);
	lua_Integer hour = get_field(L, "hour", 12);
	lua_Integer min = get_field(L, "min", 0);
	lua_Integer sec = get_field(L, "sec", 0);
	if (year < -100000 || year > 100000 || month < -1200 || month > 1200 || day < -100000 ||
	    day > 100000 || hour < -1000000 || hour > 1000000 || min < -100000000 ||
	    min > 100000000 || sec < -1000000000 || sec > 1000000000)
		return luaL_error(L, "date field out of range");
	/* normalise the month first, like mktime */
	int64_t m0 = month - 1;
	int64_t y = year + (m0 >= 0 ? m0 / 12 : (m0 - 11) / 12);
	m0 -= (y - year) * 12;
	int64_t days = days_from_civil(y, m0 + 1, 1) + day - 1;
	lua_pushinteger(L, (lua_Integer)(days * 86400 + hour * 3600 + min * 60 + sec));
	return 1;
}

static int l_os_difftime(lua_State *L)
{
	lua_Number a = luaL_checknumber(L, 1);
	lua_Number b = luaL_optnumber(L, 2, 0);
	lua_pushnumber(L, a - b);
	return 1;
}

/* ---- base functions made deterministic and safe ------------------------- */

/* Like luaL_tolstring, but a table, function, thread or userdata without
 * __tostring shows its type, never an address. */
static const char *safe_tolstring(lua_State *L, int idx, size_t *len)
{
	idx = lua_absindex(L, idx);
	int t = lua_type(L, idx);
	if ((t == LUA_TTABLE || t == LUA_TFUNCTION || t == LUA_TTHREAD || t == LUA_TUSERDATA ||
	     t == LUA_TLIGHTUSERDATA) &&
	    luaL_getmetafield(L, idx, "__tostring") == LUA_TNIL) {
		lua_pushstring(L, lua_typename(L, t));
		return lua_tolstring(L, -1, len);
	}
	if (t == LUA_TTABLE || t == LUA_TUSERDATA)
		lua_pop(L, 1); /* the __tostring found above */
	return luaL_tolstring(L, idx, len);
}

static int l_tostring(lua_State *L)
{
	luaL_checkany(L, 1);
	safe_tolstring(L, 1, NULL);
	return 1;
}

static int l_print(lua_State *L)
{
	(void)L;
	return 0;
}

static int l_collectgarbage(lua_State *L)
{
	const char *opt = luaL_optstring(L, 1, "count");
	if (strcmp(opt, "count") != 0)
		return luaL_error(L, "collectgarbage: only \"count\" is allowed");
	lua_pushnumber(L, (lua_Number)vm_of(L)->cur_bytes / 1024.0);
	return 1;
}

static int l_setmetatable(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "__gc is not allowed");
		lua_pop(L, 1);
	}
	lua_settop(L, 2);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, 2, 1);
	return 1;
}

/* Pushes the _ENV of the Lua function that called us, or a new env. */
static void push_caller_env(lua_State *L)
{
	lua_Debug ar;
	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "f", &ar)) {
		for (int i = 1;; i++) {
			const char *name = lua_getupvalue(L, -1, i);
			if (!name)
				break;
			if (strcmp(name, "_ENV") == 0 && lua_istable(L, -1)) {
				lua_remove(L, -2);
				return;
			}
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	luavm_new_env(vm_of(L));
}

/* load(chunk, name, mode, env): text only; env defaults to the caller's */
static int l_load(lua_State *L)
{
	int has_env = lua_gettop(L) >= 4;
	lua_settop(L, 4);
	if (!has_env) {
		push_caller_env(L);
		lua_replace(L, 4);
	}
	lua_pushliteral(L, "t");
	lua_replace(L, 3);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, 4, LUA_MULTRET);
	return lua_gettop(L);
}

struct key {
	int kind; /* 0 integer, 1 float, 2 string */
	lua_Integer i;
	lua_Number f;
	const char *s;
	size_t len;
};

static int key_cmp(const void *pa, const void *pb)
{
	const struct key *a = pa, *b = pb;
	if ((a->kind == 2) != (b->kind == 2))
		return a->kind == 2 ? 1 : -1; /* numbers first */
	if (a->kind == 2) {
		size_t n = a->len < b->len ? a->len : b->len;
		int c = memcmp(a->s, b->s, n);
		if (c)
			return c;
		return (a->len > b->len) - (a->len < b->len);
	}
	if (a->kind == 0 && b->kind == 0)
		return (a->i > b->i) - (a->i < b->i);
	lua_Number x = a->kind == 0 ? (lua_Number)a->i : a->f;
	lua_Number y = b->kind == 0 ? (lua_Number)b->i : b->f;
	return (x > y) - (x < y);
}

static int sorted_next(lua_State *L)
{
	/* upvalues: sorted keys table, position, count */
	lua_Integer pos = lua_tointeger(L, lua_upvalueindex(2));
	lua_Integer n = lua_tointeger(L, lua_upvalueindex(3));
	while (pos < n) {
		pos++;
		lua_rawgeti(L, lua_upvalueindex(1), pos); /* key */
		lua_pushvalue(L, -1);
		if (lua_rawget(L, 1) != LUA_TNIL) { /* skip keys removed meanwhile */
			lua_pushinteger(L, pos);
			lua_replace(L, lua_upvalueindex(2));
			return 2;
		}
		lua_pop(L, 2);
	}
	lua_pushinteger(L, pos);
	lua_replace(L, lua_upvalueindex(2));
	lua_pushnil(L);
	return 1;
}

/* pairs(t): keys in sorted order (numbers, then strings), so output never
 * depends on hash order. __pairs is honoured. */
static int l_pairs(lua_State *L)
{
	luaL_checkany(L, 1);
	if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {
		lua_pushvalue(L, 1);
		lua_call(L, 1, 3);
		return 3;
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	size_t n = 0;
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		int t = lua_type(L, -2);
		if (t != LUA_TNUMBER && t != LUA_TSTRING)
			return luaL_error(L, "pairs: cannot sort keys of type %s",
					  lua_typename(L, t));
		lua_pop(L, 1);
		n++;
	}
	if (n > (size_t)INT32_MAX)
		return luaL_error(L, "pairs: table too large");
	/* scratch memory owned by Lua, so an error cannot leak it */
	struct key *keys = lua_newuserdatauv(L, (n ? n : 1) * sizeof(*keys), 0);
	size_t i = 0;
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		struct key *k = &keys[i++];
		memset(k, 0, sizeof(*k));
		if (lua_type(L, -2) == LUA_TSTRING) {
			k->kind = 2;
			k->s = lua_tolstring(L, -2, &k->len); /* anchored by t */
		} else if (lua_isinteger(L, -2)) {
			k->i = lua_tointeger(L, -2);
		} else {
			k->kind = 1;
			k->f = lua_tonumber(L, -2);
		}
		lua_pop(L, 1);
	}
	qsort(keys, n, sizeof(*keys), key_cmp);
	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		if (keys[i].kind == 2)
			lua_pushlstring(L, keys[i].s, keys[i].len);
		else if (keys[i].kind == 0)
			lua_pushinteger(L, keys[i].i);
		else
			lua_pushnumber(L, keys[i].f);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_pushinteger(L, 0);
	lua_pushinteger(L, (lua_Integer)n);
	lua_pushcclosure(L, sorted_next, 3);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* string.format without addresses: %s of a table shows its type, and %p
 * is refused. */
static int l_format(lua_State *L)
{
	size_t flen;
	const char *fmt = luaL_checklstring(L, 1, &flen);
	int arg = 1;
	for (size_t i = 0; i < flen; i++) {
		if (fmt[i] != '%')
			continue;
		if (++i < flen && fmt[i] == '%')
			continue;
		while (i < flen && strchr("-+ #0123456789.", fmt[i]))
			i++;
		if (i >= flen)
			break;
		arg++;
		if (fmt[i] == 'p')
			return luaL_error(L, "string.format: '%%p' is not allowed");
		if (fmt[i] == 's' && arg <= lua_gettop(L)) {
			int t = lua_type(L, arg);
			if (t != LUA_TSTRING && t != LUA_TNUMBER) {
				safe_tolstring(L, arg, NULL);
				lua_replace(L, arg);
			}
		}
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* ---- state setup -------------------------------------------------------- */

static const char *const base_keep[] = {
	"assert", "error",  "ipairs",   "next",   "pcall",	      "xpcall", "select",
	"tonumber", "type", "rawequal", "rawget", "rawlen", "rawset", "getmetatable",
	"_VERSION", NULL,
};

/* Copies the fields of the table at idx into a new table. [-0,+1] */
static void copy_table(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	lua_newtable(L);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -4);
	}
}

int luavm_lib_setup(lua_State *L)
{
	static const luaL_Reg libs[] = {
		{ LUA_GNAME, luaopen_base },	  { LUA_STRLIBNAME, luaopen_string },
		{ LUA_TABLIBNAME, luaopen_table }, { LUA_MATHLIBNAME, luaopen_math },
		{ LUA_UTF8LIBNAME, luaopen_utf8 }, { LUA_COLIBNAME, luaopen_coroutine },
	};
	for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
		luaL_requiref(L, libs[i].name, libs[i].func, 1);
		lua_pop(L, 1);
	}
	lua_pushglobaltable(L); /* G */
	int g = lua_gettop(L);
	/* the safe globals: a new table holding only what we keep */
	lua_newtable(L); /* G safe */
	int safe = lua_gettop(L);
	for (const char *const *k = base_keep; *k; k++) {
		lua_getfield(L, g, *k);
		lua_setfield(L, safe, *k);
	}
	lua_pushcfunction(L, l_pairs);
	lua_setfield(L, safe, "pairs");
	lua_pushcfunction(L, l_tostring);
	lua_setfield(L, safe, "tostring");
	lua_pushcfunction(L, l_print);
	lua_setfield(L, safe, "print");
	lua_pushcfunction(L, l_collectgarbage);
	lua_setfield(L, safe, "collectgarbage");
	lua_getfield(L, g, "setmetatable");
	lua_pushcclosure(L, l_setmetatable, 1);
	lua_setfield(L, safe, "setmetatable");
	lua_getfield(L, g, "load");
	lua_pushcclosure(L, l_load, 1);
	lua_setfield(L, safe, "load");

	/* string: no dump; the strings' own metatable indexes this table */
	lua_getfield(L, g, LUA_STRLIBNAME);
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_getfield(L, -1, "format");
	lua_pushcclosure(L, l_format, 1);
	lua_setfield(L, -2, "format");
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1); /* G safe string "" mt */
	lua_pushvalue(L, -3);
	lua_setfield(L, -2, "__index");
	lua_pushboolean(L, 0); /* getmetatable("") cannot reach it */
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);
	lua_setfield(L, safe, LUA_STRLIBNAME);

	lua_getfield(L, g, LUA_MATHLIBNAME);
	lua_pushcfunction(L, l_random);
	lua_setfield(L, -2, "random");
	lua_pushcfunction(L, l_randomseed);
	lua_setfield(L, -2, "randomseed");
	lua_setfield(L, safe, LUA_MATHLIBNAME);

	lua_getfield(L, g, LUA_TABLIBNAME);
	lua_setfield(L, safe, LUA_TABLIBNAME);
	lua_getfield(L, g, LUA_UTF8LIBNAME);
	lua_setfield(L, safe, LUA_UTF8LIBNAME);
	lua_getfield(L, g, LUA_COLIBNAME);
	lua_setfield(L, safe, LUA_COLIBNAME);

	lua_createtable(L, 0, 2);
	lua_pushcfunction(L, l_os_time);
	lua_setfield(L, -2, "time");
	lua_pushcfunction(L, l_os_difftime);
	lua_setfield(L, -2, "difftime");
	lua_setfield(L, safe, "os");

	/* The safe table becomes the global table, so C code that reads
	 * globals sees the sandbox too. */
	lua_pushvalue(L, safe);
	lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);

	/* one metatable for every env; __metatable hides the shared globals */
	lua_createtable(L, 0, 2);
	lua_pushvalue(L, safe);
	lua_setfield(L, -2, "__index");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_rawsetp(L, LUA_REGISTRYINDEX, &env_mt_key);

	/* the originals (io-free already) are no longer reachable */
	lua_pushnil(L);
	lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	return 0;
}


/* ---- environments ------------------------------------------------------- */

/* ---- environments and chunks -------------------------------------------- */

int luavm_lib_make_env(lua_State *L)
{
	static const char *const libs[] = { LUA_STRLIBNAME, LUA_TABLIBNAME, LUA_MATHLIBNAME,
					    LUA_UTF8LIBNAME, LUA_COLIBNAME, "os", NULL };
	lua_newtable(L);
	lua_pushglobaltable(L);
	/* private copies of the library tables: `string.x = f` in one chunk
	 * must not change another's */
	for (const char *const *k = libs; *k; k++) {
		lua_getfield(L, -1, *k);
		copy_table(L, -1);
		lua_setfield(L, -4, *k);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	lua_pushvalue(L, -1);
	lua_setfield(L, -2, "_G");
	lua_rawgetp(L, LUA_REGISTRYINDEX, &env_mt_key);
	lua_setmetatable(L, -2);
	return 1;
}

