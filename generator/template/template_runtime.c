/* template_runtime — the C side of the template runtime: loads
 * template_runtime.lua into a luavm, and makes the safe values (HTML that
 * prints unescaped) that the runtime recognises by their metatable. */
#include "template/template_runtime.h"
#include "template/template.h"
#include "template/template_internal.h"

#include "lua/luavm.h"

#include <lauxlib.h>
#include <lua.h>

/* Loads the runtime; leaves R on the stack. */
int template_runtime_load(struct luavm *vm, struct diag_list *diags)
{
	lua_State *L = luavm_state(vm);
	luavm_new_env(vm);
	if (luavm_load(vm, "loa/template_runtime.lua", template_runtime_lua,
		       template_runtime_lua_len, diags) < 0)
		return -1;
	luaL_newmetatable(L, SAFE_MT); /* shared with template_push_safe */
	return luavm_call(vm, 1, 1, diags);
}

void template_push_safe(lua_State *L, const char *html, size_t len)
{
	lua_createtable(L, 0, 2);
	lua_pushlstring(L, html, len);
	lua_setfield(L, -2, "s");
	lua_pushliteral(L, "html");
	lua_setfield(L, -2, "k");
	luaL_newmetatable(L, SAFE_MT);
	lua_setmetatable(L, -2);
}
