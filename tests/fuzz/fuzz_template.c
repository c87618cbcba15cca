/* Fuzz target: lua/template — the theme compiler (Jinja-like source to Lua
 * source). Invariants: no crash or leak; a failure comes with an error
 * naming the template and a line inside it; what compiles is Lua that the
 * sandboxed Lua parser accepts (a compiler bug otherwise), unless Lua
 * itself hits one of its own size limits, which theme_load reports. */
#include "base/buf.h"
#include "base/diag.h"
#include "fuzz.h"
#include "lua/luavm.h"
#include "template/template.h"
#include "template/theme.h"

#include <lua.h>
#include <string.h>

static int count_lines(const char *s, size_t n)
{
	int lines = 1;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			lines++;
	return lines;
}

/* errors of Lua's parser that come from its own limits, not from bad code */
static int lua_limit(const char *msg)
{
	static const char *const limits[] = { "too many", "overflow", "too long",
					       "not enough memory", "too complex" };
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		if (strstr(msg, limits[i]))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *src = (const char *)data;
	const char *name = "layouts/x.html";
	struct buf lua = BUF_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	int rc = template_compile(&lua, name, src, size, &d);
	int max_line = count_lines(src, size);
	if (rc < 0)
		FUZZ_CHECK(d.errors > 0, "failed without an error");
	for (size_t i = 0; i < d.len; i++) {
		FUZZ_CHECK(!strcmp(d.items[i].path, name), "path %s", d.items[i].path);
		FUZZ_CHECK(d.items[i].line >= 0 && d.items[i].line <= max_line,
			   "line %d outside 0..%d: %s", d.items[i].line, max_line, d.items[i].msg);
	}
	if (rc == 0) {
		FUZZ_CHECK(d.errors == 0, "compiled with %zu errors", d.errors);
		struct luavm *vm = NULL;
		struct luavm_limits lim = { 64u << 20, 10000000u };
		struct diag_list ld = DIAG_LIST_INIT;
		if (luavm_open(&vm, &lim, 1, &ld) == 0) {
			luavm_new_env(vm);
			if (luavm_load(vm, name, lua.ptr, lua.len, &ld) == 0)
				lua_pop(luavm_state(vm), 1);
			else
				FUZZ_CHECK(ld.len > 0 && lua_limit(ld.items[0].msg),
					   "compiled Lua does not parse: %s\n--- Lua:\n%s",
					   ld.len ? ld.items[0].msg : "?", lua.ptr);
			luavm_close(vm);
		}
		diag_list_release(&ld);
	}
	buf_release(&lua);
	diag_list_release(&d);
	return 0;
}
