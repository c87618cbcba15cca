/* Unit tests for the template compiler and themes: syntax, escaping by
 * context, inheritance, error lines, filters and speed. */
#include "base/buf.h"
#include "base/diag.h"
#include "lua/luavm.h"
#include "template/template.h"
#include "template/theme.h"

#include <lauxlib.h>
#include <lua.h>

#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* ---- fixtures ----------------------------------------------------------- */

static char tmp_root[64];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void mkdirs(const char *path)
{
	char tmp[512];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	mkdir(tmp, 0755);
}

/* Writes dir/layouts/name with content. */
static void write_layout(const char *dir, const char *name, const char *content)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/layouts/%s", dir, name);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	mkdirs(path);
	*slash = '/';
	FILE *f = fopen(path, "w");
	fputs(content, f);
	fclose(f);
}

/* A fresh theme folder under tmp_root: returns its path (static). */
static const char *new_theme_dir(const char *name)
{
	static char dir[256];
	snprintf(dir, sizeof(dir), "%s/%s", tmp_root, name);
	rm_tree(dir);
	mkdirs(dir);
	return dir;
}

struct env {
	struct luavm *vm;
	struct theme *theme;
	struct diag_list diags;
};

static int env_open(struct env *e, const char *const *dirs, size_t n)
{
	struct luavm_limits lim = { 64u << 20, 10000000 };
	memset(e, 0, sizeof(*e));
	if (luavm_open(&e->vm, &lim, 1, &e->diags) < 0)
		return -1;
	return theme_load(&e->theme, e->vm, dirs, n, &e->diags);
}

static void env_close(struct env *e)
{
	theme_free(e->theme);
	luavm_close(e->vm);
	diag_list_release(&e->diags);
}

/* Pushes the value of a Lua expression (a context table, usually). */
static void push_lua(struct env *e, const char *expr)
{
	struct buf code = BUF_INIT;
	buf_addf(&code, "return %s", expr);
	luavm_new_env(e->vm);
	int rc = luavm_load(e->vm, "test/ctx.lua", code.ptr, code.len, &e->diags);
	CHECK_INT_EQ(rc, 0);
	if (rc == 0)
		CHECK_INT_EQ(luavm_call(e->vm, 0, 1, &e->diags), 0);
	buf_release(&code);
}

/* Renders layout with the context given as a Lua expression; returns a
 * heap string (caller frees) or NULL on error. */
static char *render(struct env *e, const char *layout, const char *ctx)
{
	struct buf out = BUF_INIT;
	push_lua(e, ctx);
	if (theme_render(e->theme, layout, &out, &e->diags) < 0) {
		buf_release(&out);
		return NULL;
	}
	return buf_detach(&out, NULL);
}

/* One-template theme: renders src with ctx and returns the output. */
static char *render_one(const char *src, const char *ctx)
{
	const char *dir = new_theme_dir("one");
	write_layout(dir, "t.html", src);
	struct env e;
	char *out = NULL;
	if (env_open(&e, &dir, 1) == 0)
		out = render(&e, "t.html", ctx);
	for (size_t i = 0; i < e.diags.len; i++)
		fprintf(stderr, "  diag: %s:%d: %s\n", e.diags.items[i].path, e.diags.items[i].line,
			e.diags.items[i].msg);
	env_close(&e);
	return out;
}

static void expect_render(const char *src, const char *ctx, const char *want)
{
	char *out = render_one(src, ctx);
	if (!out || strcmp(out, want) != 0)
		fprintf(stderr, "  template: %s\n", src);
	CHECK_STR_EQ(out, want);
	free(out);
}

/* Compiles src; expects one error at line containing needle. */
static void expect_compile_error(const char *src, int line, const char *needle)
{
	struct buf lua = BUF_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	CHECK_INT_EQ(template_compile(&lua, "layouts/x.html", src, strlen(src), &d), -1);
	CHECK_INT_EQ(d.len, 1);
	if (d.len) {
		if (d.items[0].line != line || !strstr(d.items[0].msg, needle))
			fprintf(stderr, "  template: %s\n  got %d: %s\n", src, d.items[0].line,
				d.items[0].msg);
		CHECK_STR_EQ(d.items[0].path, "layouts/x.html");
		CHECK_INT_EQ(d.items[0].line, line);
		CHECK_CONTAINS(d.items[0].msg, needle);
	}
	CHECK_INT_EQ(lua.len, 0);
	buf_release(&lua);
	diag_list_release(&d);
}

/* ---- tests -------------------------------------------------------------- */

TEST(test_compile_keeps_lines)
{
	const char *src = "<p>\n{% if a %}\n  {{ b }}\n{% endif %}\n{{ c.d }}\n";
	struct buf lua = BUF_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	CHECK_INT_EQ(template_compile(&lua, "layouts/x.html", src, strlen(src), &d), 0);
	CHECK_INT_EQ(d.len, 0);
	/* "{{ c.d }}" is on line 5: so is its Lua statement */
	const char *p = strstr(lua.ptr, "VI(ctx,\"c\",\"d\")");
	CHECK(p != NULL);
	int line = 1;
	for (const char *q = lua.ptr; p && q < p; q++)
		line += *q == '\n';
	CHECK_INT_EQ(line, 5);
	/* and the chunk loads as Lua */
	lua_State *L = luaL_newstate();
	CHECK_INT_EQ(luaL_loadbufferx(L, lua.ptr, lua.len, "@x", "t"), LUA_OK);
	lua_close(L);
	buf_release(&lua);
	diag_list_release(&d);
}

TEST(test_output_and_text_escaping)
{
	expect_render("<p>{{ s }}</p>", "{s = '<script>alert(\"x\")</script>&\\''}",
		      "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>");
	expect_render("{{ n }}|{{ missing }}|{{ t }}|{{ f }}", "{n = 42, t = true, f = 1.5}",
		      "42||true|1.5");
	expect_render("<title>{{ s }}</title>", "{s = '</title><b>'}", "<title>&lt;/title&gt;&lt;b&gt;</title>");
	expect_render("<!-- {{ s }} -->", "{s = '-->'}", "<!-- --&gt; -->");
}

TEST(test_attribute_escaping)
{
	expect_render("<img alt=\"{{ s }}\">", "{s = '\" onload=\"x'}",
		      "<img alt=\"&quot; onload=&quot;x\">");
	expect_render("<img alt='{{ s }}'>", "{s = \"' onload='x\"}",
		      "<img alt='&#39; onload=&#39;x'>");
	/* unquoted values cannot be ended by a space */
	expect_render("<div class={{ s }}>", "{s = 'a onclick=x'}", "<div class=a&#32;onclick&#61;x>");
	/* event handlers get JavaScript string escaping */
	expect_render("<a onclick=\"f('{{ s }}')\">", "{s = \"');alert(1);//\"}",
		      "<a onclick=\"f('\\u0027);alert(1);//')\">");
	/* an attribute named like a URL one, but later in the tag */
	expect_render("<a title=\"x\" href=\"{{ u }}\" data-x=\"{{ u }}\">",
		      "{u = 'javascript:alert(1)'}",
		      "<a title=\"x\" href=\"\" data-x=\"javascript:alert(1)\">");
}

TEST(test_url_escaping)
{
	expect_render("<a href=\"{{ u }}\">", "{u = 'javascript:alert(1)'}", "<a href=\"\">");
	expect_render("<a href=\"{{ 'javascript:alert(1)' }}\">", "{}", "<a href=\"\">");
	expect_render("<a href='{{ u }}'>", "{u = ' JaVa\\tScRipt:alert(1)'}", "<a href=''>");
	expect_render("<img src=\"{{ u }}\">", "{u = 'data:text/html;base64,xx'}", "<img src=\"\">");
	expect_render("<form action=\"{{ u }}\">", "{u = 'vbscript:x'}", "<form action=\"\">");
	expect_render("<a href={{ u }}>", "{u = 'javascript:x'}", "<a href=>");
	expect_render("<a href=\"{{ u }}\">", "{u = 'https://example.org/a?b=1&c=\"2\"'}",
		      "<a href=\"https://example.org/a?b=1&amp;c=&quot;2&quot;\">");
	expect_render("<a href=\"{{ u }}\">", "{u = 'mailto:a@b.vn'}", "<a href=\"mailto:a@b.vn\">");
	expect_render("<a href=\"{{ u }}\">", "{u = 'tel:+84123'}", "<a href=\"tel:+84123\">");
	expect_render("<a href=\"{{ u }}\">", "{u = '#top'}", "<a href=\"#top\">");
	expect_render("<a href=\"{{ u }}\">", "{u = '/tin-tuc/a b/'}", "<a href=\"/tin-tuc/a%20b/\">");
	expect_render("<a href=\"{{ u }}\">", "{u = 'anh/x:y.jpg'}", "<a href=\"anh/x:y.jpg\">");
	/* after a fixed prefix the value is a path: only escaped */
	expect_render("<a href=\"/tag/{{ u }}\">", "{u = 'javascript:x'}",
		      "<a href=\"/tag/javascript:x\">");
}

TEST(test_script_json_escaping)
{
	expect_render("<script type=\"application/ld+json\">{\"name\": \"{{ t }}\", \"o\": {{ o | json }}}"
		      "</script><p>{{ t }}</p>",
		      "{t = '</script><script>alert(1)', o = {a = '<b>', n = 1, l = {1, 2}}}",
		      "<script type=\"application/ld+json\">{\"name\": \"\\u003c/script\\u003e\\u003cscript"
		      "\\u003ealert(1)\", \"o\": {\"a\":\"\\u003cb\\u003e\",\"l\":[1,2],\"n\":1}}</script>"
		      "<p>&lt;/script&gt;&lt;script&gt;alert(1)</p>");
	/* a json value outside a script is escaped like any text */
	expect_render("<div data-x='{{ o | json }}'>", "{o = {\"'\"}}", "<div data-x='[&quot;\\u0027&quot;]'>");
}

/* The filters' string work in C (template_runtime.c: img_tag, js_str,
 * date_parts) gives what the Lua patterns it replaced gave: the first
 * "<img" + space with a ">" after it (string.match(s, "<img%s[^>]*>")),
 * every byte JSON must escape, and only the two date forms. */
TEST(test_filters_in_c)
{
	const char *site = "site = {base_url = 'https://t.vn/s/'}";
	char ctx[512];
	snprintf(ctx, sizeof(ctx), "{%s, a = '<p><imgx src=\"x\"><img>"
		 "<img\\tsrc=\"/s/a.jpg\" srcset=\"/s/a-480.jpg 480w, /s/a-960.jpg 960w\">"
		 "<img src=\"b.jpg\">', b = '<img src=\"never-closed.jpg\"', c = '<img\\n>',"
		 " d = 'no image', e = '<img \\0 src=\"z.jpg\">'}", site);
	expect_render("{{ a | first_photo }}|{{ b | first_photo }}|{{ c | first_photo }}|"
		      "{{ d | first_photo }}|{{ e | first_photo }}",
		      ctx, "/a-960.jpg||||z.jpg");
	/* controls, quotes, < > & ', U+2028/2029 (and bytes around them) */
	expect_render("<script>{{ s | json }} {{ u | json }} {{ v | json }}</script>",
		      "{s = 'a\\0b\\1\\31\\t\\n\\r\\\\\\\"<>&\\'z', "
		      "u = '\\226\\128\\168x\\226\\128\\169\\226\\128\\170', "
		      "v = '\\226\\128'}",
		      "<script>\"a\\u0000b\\u0001\\u001f\\t\\n\\r\\\\\\\"\\u003c\\u003e"
		      "\\u0026\\u0027z\" \"\\u2028x\\u2029\342\200\252\" \"\342\200\"</script>");
	expect_render("{{ a | date }}|{{ b | date }}|{{ c | date }}|{{ d | date }}|{{ e | date }}|"
		      "{{ f | date_iso }}|{{ g | date }}|{{ h | date }}",
		      "{a = '2023-02-17x', b = '2023-02', c = '2023-02-', d = '2023-2-17', "
		      "e = '2023-02-1', f = '2023-02-17T08:00:00+07:00', g = '20x3-02-17', h = 2023}",
		      "17/02/2023|02/2023|2023-02-|2023-2-17|2023-02-1|2023-02-17|20x3-02-17|2023");
	/* URL attributes: trimmed, unsafe schemes blanked (spaces and control
	 * bytes inside the scheme do not hide it), the rest %XX */
	expect_render("{% for u in us %}<a href=\"{{ u }}\">{% endfor %}",
		      "{us = {' javascript:alert(1) ', 'JAVA\\tSCRIPT:x', '  /a b\\n ', 'mailto:x@y', "
		      "'Http://x/?q=1&r=2', 'a:b', '1a:b', '/x:y', 'a b:c', '\\1http://x', '   ', "
		      "'tel:+84 1', 'data:text/html,x', '\\127http:'}}",
		      "<a href=\"\"><a href=\"\"><a href=\"/a%20b\"><a href=\"mailto:x@y\">"
		      "<a href=\"Http://x/?q=1&amp;r=2\"><a href=\"\"><a href=\"1a:b\"><a href=\"/x:y\">"
		      "<a href=\"\"><a href=\"%01http://x\"><a href=\"\"><a href=\"tel:+84%201\">"
		      "<a href=\"\"><a href=\"%7Fhttp:\">");
}

/* the helpers every {{ }} calls are C (template_runtime.c): nil-safe
 * indexing, plain text of any value, escaping only when needed */
TEST(test_runtime_helpers)
{
	expect_render("{{ s.x }}|{{ n.x }}|{{ l[2] }}|{{ m.a.b }}|{{ m.z.b }}|{{ b.x }}",
		      "{s = 'str', n = 3, l = {'a', '<b>'}, m = {a = {b = 'c&d'}}, b = true}",
		      "||&lt;b&gt;|c&amp;d||");
	/* a safe value is not a table to index into */
	expect_render("{% set h = raw | safe %}{{ h.s }}|{{ h.k }}|{{ h.x }}|{{ h }}", "{raw = '<i>'}", "|||<i>");
	/* a value with __tostring prints through it, escaped */
	expect_render("{{ o }}", "{o = setmetatable({}, {__tostring = function() return 'a<b' end})}",
		      "a&lt;b");
	expect_render("{{ o }}|{{ n }}|{{ i }}", "{o = 'x', n = 2.0, i = -7}", "x|2.0|-7");
	/* every character that needs it, at the ends and side by side */
	expect_render("{{ s }}", "{s = \"&x<>\\\"''\"}", "&amp;x&lt;&gt;&quot;&#39;&#39;");
}

/* a for loop whose body never names loop makes no loop table per
 * iteration; one that does, or that includes a template (which may), does */
static void expect_loop_table(const char *src, bool want)
{
	struct buf lua = BUF_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	CHECK_INT_EQ(template_compile(&lua, "layouts/x.html", src, strlen(src), &d), 0);
	if ((strstr(lua.ptr, "LOOP(") != NULL) != want)
		fprintf(stderr, "  template: %s\n  lua: %s\n", src, lua.ptr);
	CHECK_INT_EQ(strstr(lua.ptr, "LOOP(") != NULL, want);
	buf_release(&lua);
	diag_list_release(&d);
}

TEST(test_loop_table_only_when_used)
{
	expect_loop_table("{% for x in xs %}{{ x }}{% endfor %}", false);
	expect_loop_table("{% for k, v in m %}{{ k }}{% else %}-{% endfor %}", false);
	expect_loop_table("{% for x in xs %}{{ loop.index }}{% endfor %}", true);
	expect_loop_table("{% for x in xs %}{% include \"p.html\" %}{% endfor %}", true);
	expect_loop_table("{% for x in xs %}{% for y in x %}{{ y }}{% endfor %}{% endfor %}", false);
	/* the outer loop's variable, named after an inner loop without one */
	expect_render("{% for x in xs %}{% for y in x %}{{ y }}{% endfor %}{{ loop.index }}{% if loop.last %}.{% endif %}"
		      "{% endfor %}",
		      "{xs = {{'a', 'b'}, {'c'}}}", "ab1c2.");
	expect_render("{% for x in xs %}{% for y in x %}{{ loop.index }}{{ y }}{% endfor %};{% endfor %}",
		      "{xs = {{'a', 'b'}, {'c'}}}", "1a2b;1c;");
	expect_render("{% for x in xs %}{{ x }}{% else %}none{% endfor %}|{% for x in e %}{{ x }}{% else %}none{% endfor %}",
		      "{xs = {1, 2}, e = {}}", "12|none");
}

TEST(test_safe_values)
{
	const char *dir = new_theme_dir("safe");
	write_layout(dir, "t.html", "<div>{{ content }}</div>{{ raw | safe }}{{ raw | e }}{{ raw | e | e }}");
	struct env e;
	CHECK_INT_EQ(env_open(&e, &dir, 1), 0);
	lua_State *L = luavm_state(e.vm);
	lua_createtable(L, 0, 2);
	template_push_safe(L, "<p>Xin <b>chào</b></p>", strlen("<p>Xin <b>chào</b></p>"));
	lua_setfield(L, -2, "content");
	lua_pushstring(L, "<i>");
	lua_setfield(L, -2, "raw");
	struct buf out = BUF_INIT;
	CHECK_INT_EQ(theme_render(e.theme, "t.html", &out, &e.diags), 0);
	CHECK_STR_EQ(out.ptr, "<div><p>Xin <b>chào</b></p></div><i>&lt;i&gt;&lt;i&gt;");
	CHECK_INT_EQ(lua_gettop(L), 0);
	buf_release(&out);
	env_close(&e);
}

TEST(test_if_and_truth)
{
	const char *t = "{% if a %}A{% elif b %}B{% else %}C{% endif %}";
	expect_render(t, "{a = 1}", "A");
	expect_render(t, "{a = '', b = 'x'}", "B");
	expect_render(t, "{a = 0, b = {}}", "C");
	expect_render(t, "{a = false, b = {1}}", "B");
	expect_render("{% if not a %}no{% endif %}{% if a and b %}ab{% endif %}{% if a or b %}or{% endif %}",
		      "{a = '', b = 'x'}", "noor");
	expect_render("{{ a or 'def' }}|{{ b and 'yes' }}|{{ not a }}", "{a = '', b = 'x'}",
		      "def|yes|true");
	expect_render("{% if page.x.y %}deep{% else %}nil-safe{% endif %}", "{page = 'str'}",
		      "nil-safe");
	/* the truth test is C (template_runtime.c): every kind of value */
	const char *u = "{% if a %}T{% else %}F{% endif %}";
	expect_render(u, "{a = 0.0}", "F");
	expect_render(u, "{a = -0.0}", "F");
	expect_render(u, "{a = '0'}", "T");
	expect_render(u, "{a = 0.5}", "T");
	expect_render(u, "{a = true}", "T");
	expect_render(u, "{a = {x = 1}}", "T");
	expect_render(u, "{a = setmetatable({}, {})}", "T");
	expect_render(u, "{a = function() end}", "T");
	expect_render("{% set h = e | safe %}{% if h %}T{% else %}F{% endif %}"
		      "{% set g = s | safe %}{% if g %}T{% else %}F{% endif %}",
		      "{e = '', s = 'x'}", "FT");
	/* names: the context first, then the globals, through metatables */
	expect_render("{{ x }}|{{ range(2) | join(',') }}",
		      "setmetatable({}, {__index = function(_, k) if k == 'x' then return 'via' end end})",
		      "via|1,2");
}

TEST(test_for_loops)
{
	expect_render("{% for x in xs %}{{ loop.index }}:{{ x }}{% if loop.first %}F{% endif %}"
		      "{% if loop.last %}L{% endif %}/{{ loop.length }}/{{ loop.index0 }} {% endfor %}",
		      "{xs = {'a', 'b', 'c'}}", "1:aF/3/0 2:b/3/1 3:cL/3/2 ");
	expect_render("{% for x in xs %}{{ x }}{% else %}empty{% endfor %}", "{xs = {}}", "empty");
	expect_render("{% for x in xs %}{{ x }}{% else %}empty{% endfor %}", "{}", "empty");
	expect_render("{% for k, v in m %}{{ k }}={{ v }};{% endfor %}", "{m = {b = 2, a = 1, c = 3}}",
		      "a=1;b=2;c=3;");
	expect_render("{% for i, v in l %}{{ i }}{{ v }}{% endfor %}", "{l = {'x', 'y'}}", "1x2y");
	/* nested loops: the inner loop variable shadows, the outer comes back */
	expect_render("{% for a in xs %}{% for b in ys %}{{ a }}{{ b }}{{ loop.index }} {% endfor %}"
		      "{{ loop.index }}|{% endfor %}",
		      "{xs = {1, 2}, ys = {'p', 'q'}}", "1p1 1q2 1|2p1 2q2 2|");
	expect_render("{% for x in [1, 2, 3] %}{{ x * 2 }}{% endfor %}", "{}", "246");
}

TEST(test_set_scoping)
{
	expect_render("{% set x = 1 %}{{ x }}{% if true %}{% set y = 2 %}{% endif %}{{ y }}", "{}", "12");
	/* a set inside a loop does not leak out of it (Jinja scoping) */
	expect_render("{% set n = 0 %}{% for i in [1, 2, 3] %}{% set n = n + i %}{{ n }}{% endfor %}{{ n }}",
		      "{}", "1230");
	/* a set starts from the context's value */
	expect_render("{% set title = title ~ '!' %}{{ title }}", "{title = 'Hi'}", "Hi!");
	expect_render("{{ title }}{% set title = 'b' %}{{ title }}", "{title = 'a'}", "ab");
}

TEST(test_expressions)
{
	expect_render("{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 7 % 3 }} {{ 7 // 2 }} {{ -a + 1 }} {{ 10 - -1 }}",
		      "{a = 4}", "7 9 1 3 -3 11");
	expect_render("{{ 'a' ~ nothing ~ 1 ~ \"b\" }}", "{}", "a1b");
	expect_render("{{ a == 1 }} {{ a != 1 }} {{ a < 2 }} {{ a >= 2 }} {{ 'x' == \"x\" }}", "{a = 1}",
		      "true false true false true");
	expect_render("{{ 'ab' in s }} {{ 2 in l }} {{ 5 not in l }} {{ 'k' in m }}",
		      "{s = 'xaby', l = {1, 2}, m = {k = 1}}", "true true true true");
	expect_render("{{ 'it\\'s' }} {{ \"a\\\"b\" }} {{ 'tab\\there' }} {{ '\\u0111' }}", "{}",
		      "it&#39;s a&quot;b tab\there đ");
	expect_render("{{ true }} {{ false }} {{ none }} {{ None }}|", "{}", "true false  |");
	expect_render("{{ m['k'] }} {{ m[key] }} {{ l[2] }} {{ l.1 }} {{ {'a': 5}.a }}",
		      "{m = {k = 'K', z = 'Z'}, key = 'z', l = {'one', 'two'}}", "K Z two one 5");
	expect_render("{{ f(2, 3) }} {{ obj.get('x') }}",
		      "{f = function(a, b) return a * b end, obj = {get = function(k) return k .. '!' end}}",
		      "6 x!");
	expect_render("{{ [1, 2, 3] | join('-') }}", "{}", "1-2-3");
	expect_render("{{ t['category_' ~ c] }}", "{t = {category_policy = 'Chính sách'}, c = 'policy'}",
		      "Chính sách");
}

TEST(test_filters)
{
	expect_render("{{ s | lower | upper }}|{{ s | lower }}", "{s = 'Đường ƯỚC Mơ'}",
		      "ĐƯỜNG ƯỚC MƠ|đường ước mơ");
	expect_render("{{ l | length }} {{ s | length }} {{ m | length }} {{ nothing | length }}",
		      "{l = {1, 2, 3}, s = 'việt', m = {a = 1, b = 2}}", "3 4 2 0");
	expect_render("{{ a | default('x') }} {{ b | default('y') }} {{ c | default('z') }}",
		      "{b = '', c = 'c'}", "x y c");
	expect_render("{{ l | first }} {{ l | last }} {{ l | reverse | join(',') }} {{ 'abc' | reverse }}",
		      "{l = {1, 2, 3}}", "1 3 3,2,1 cba");
	expect_render("{% for p in pages | sort('date', true) | limit(2) %}{{ p.t }}{% endfor %}",
		      "{pages = {{t = 'a', date = '2023-01-02'}, {t = 'b', date = '2023-03-01'}, "
		      "{t = 'c', date = '2022-12-31'}, {t = 'd', date = '2023-03-01'}}}",
		      "bd");
	expect_render("{{ l | sort | join }}", "{l = {'b', 3, 'a', 1}}", "13ab");
	expect_render("{{ s | truncate(12) }}|{{ s | truncate(100) }}|{{ 'abcdefghij' | truncate(4) }}",
		      "{s = 'Hội thảo chuyển đổi số'}",
		      "Hội thảo…|Hội thảo chuyển đổi số|abcd…");
	expect_render("{{ s | striptags }}", "{s = '<p>Xin <b>chào</b> &amp; <!-- x --> hẹn gặp</p>'}",
		      "Xin chào &amp; hẹn gặp");
	expect_render("{{ s | striptags }}", "{s = string.rep('<', 100000)}", "");
	expect_render("{{ s | urlencode }}", "{s = 'a b&c/đ'}", "a%20b%26c%2F%C4%91");
	expect_render("{{ d | date }} {{ m | date }} {{ d | date_long }} {{ d2 | date_iso }} {{ x | date }}",
		      "{d = '2023-02-17', m = '2023-02', d2 = '2023-02-17T08:00:00+07:00', x = 'soon'}",
		      "17/02/2023 02/2023 ngày 17 tháng 02 năm 2023 2023-02-17 soon");
	expect_render("{{ '/a/' | abs_url }} {{ 'b' | abs_url }} {{ '/c/' | rel_url }} "
		      "{{ 'https://x.vn/' | rel_url }}",
		      "{site = {base_url = 'https://truong.vn/loa/'}}",
		      "https://truong.vn/loa/a/ https://truong.vn/loa/b /loa/c/ https://x.vn/");
	expect_render("{{ '/c/' | rel_url }} {{ '/c/' | abs_url }}", "{site = {base_url = 'https://t.vn'}}",
		      "/c/ https://t.vn/c/");
	expect_render("{{ s | replace('a', 'o') | trim }}|{{ '3.7' | int }}", "{s = '  banana  '}",
		      "bonono|3");
}

TEST(test_custom_filters_and_globals)
{
	const char *dir = new_theme_dir("custom");
	write_layout(dir, "t.html", "{{ s | shout(3) }} {{ now() }} {{ site_name }}");
	struct env e;
	CHECK_INT_EQ(env_open(&e, &dir, 1), 0);
	push_lua(&e, "function(s, n) return s .. string.rep('!', n) end");
	theme_add_filter(e.theme, "shout");
	push_lua(&e, "function() return '2023-04-01' end");
	theme_add_global(e.theme, "now");
	push_lua(&e, "'Loa'");
	theme_add_global(e.theme, "site_name");
	CHECK_INT_EQ(lua_gettop(luavm_state(e.vm)), 0);
	char *out = render(&e, "t.html", "{s = 'hi'}");
	CHECK_STR_EQ(out, "hi!!! 2023-04-01 Loa");
	free(out);
	/* the context wins over a global of the same name */
	out = render(&e, "t.html", "{s = 'x', site_name = 'Mine'}");
	CHECK_STR_EQ(out, "x!!! 2023-04-01 Mine");
	free(out);
	env_close(&e);
}

/* ---- dependency recording (incremental builds) -------------------------- */

/* what the renders below recorded: the names of the "page" tables read,
 * and how often plugin code ran */
static char rec_reads[256];
static int rec_all_n;

static void rec_read(void *ctx, lua_State *L, int idx)
{
	(void)ctx;
	lua_getfield(L, idx, "name");
	size_t n = strlen(rec_reads);
	snprintf(rec_reads + n, sizeof(rec_reads) - n, "%s;", lua_tostring(L, -1));
	lua_pop(L, 1);
}

static void rec_all(void *ctx)
{
	(void)ctx;
	rec_all_n++;
}

/* the theme globals read by name */
static char rec_globals[256];

static void rec_global(void *ctx, lua_State *L, int idx)
{
	(void)ctx;
	size_t n = strlen(rec_globals);
	snprintf(rec_globals + n, sizeof(rec_globals) - n, "%s;", lua_tostring(L, idx));
}

/* the entries of theme globals read alone: "name[key];" */
static char rec_entries[256];

static void rec_entry(void *ctx, lua_State *L, int name_idx, int key_idx)
{
	(void)ctx;
	size_t n = strlen(rec_entries);
	snprintf(rec_entries + n, sizeof(rec_entries) - n, "%s[%s];", lua_tostring(L, name_idx),
		 lua_tostring(L, key_idx));
}

/* a table {name = name, title = "T " .. name} with the metatable at mt */
static void push_page(lua_State *L, int mt, const char *name)
{
	lua_createtable(L, 0, 2);
	lua_pushstring(L, name);
	lua_setfield(L, -2, "name");
	lua_pushfstring(L, "T %s", name);
	lua_setfield(L, -2, "title");
	lua_pushvalue(L, mt);
	lua_setmetatable(L, -2);
}

/* Renders layout with a context of "pages" (p, q, a list xs of a and b, a
 * list ys of c and d), a plain table and a table whose metatable holds a
 * Lua function (magic); returns the output. */
static char *render_recorded(struct env *e, const char *layout)
{
	lua_State *L = luavm_state(e->vm);
	rec_reads[0] = '\0';
	rec_globals[0] = '\0';
	rec_entries[0] = '\0';
	rec_all_n = 0;
	push_lua(e, "function(t, k) return 'm' end");
	int index = lua_gettop(L);
	lua_newtable(L); /* ctx */
	int ctx = lua_gettop(L);
	lua_newtable(L); /* the "page" metatable */
	int mt = lua_gettop(L);
	struct template_reads hooks = { lua_topointer(L, mt), rec_read, rec_all, NULL, rec_global,
					rec_entry };
	template_set_reads(L, &hooks);
	push_page(L, mt, "p");
	lua_setfield(L, ctx, "p");
	push_page(L, mt, "q");
	lua_setfield(L, ctx, "q");
	const char *lists[2][2] = { { "a", "b" }, { "d", "c" } };
	for (int l = 0; l < 2; l++) {
		lua_newtable(L);
		for (int i = 0; i < 2; i++) {
			push_page(L, mt, lists[l][i]);
			lua_rawseti(L, -2, i + 1);
		}
		lua_setfield(L, ctx, l ? "ys" : "xs");
	}
	lua_newtable(L);
	lua_pushliteral(L, "x");
	lua_setfield(L, -2, "title");
	lua_setfield(L, ctx, "plain");
	lua_newtable(L);
	lua_newtable(L);
	lua_pushvalue(L, index);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	lua_setfield(L, ctx, "magic");
	lua_settop(L, ctx);
	lua_remove(L, index);
	struct buf out = BUF_INIT;
	if (theme_render(e->theme, layout, &out, &e->diags) < 0) {
		buf_release(&out);
		return NULL;
	}
	return buf_detach(&out, NULL);
}

TEST(test_read_recording)
{
	const char *dir = new_theme_dir("reads");
	write_layout(dir, "field.html", "{{ p.title }}");
	write_layout(dir, "loop.html", "{% for x in xs %}.{% endfor %}{{ q | length }}");
	write_layout(dir, "sort.html", "{% for y in ys | sort('title') %}{{ loop.index }}{% endfor %}");
	write_layout(dir, "json.html", "{{ xs | json }}");
	write_layout(dir, "builtin.html", "{{ plain.title | upper }}{{ range(2) | length }}");
	write_layout(dir, "filter.html", "{{ 'a' | mine }}");
	write_layout(dir, "call.html", "{{ fn() }}");
	write_layout(dir, "meta.html", "{{ magic.x }}");
	write_layout(dir, "globals.html",
		     "{{ p.title }}{{ so }}{{ so }}{% include \"partials/g.html\" %}{% set p = 1 %}{{ p }}");
	write_layout(dir, "partials/g.html", "{{ vang }}{% for x in xs %}{{ x.name }}{% endfor %}");
	struct env e;
	CHECK_INT_EQ(env_open(&e, &dir, 1), 0);
	push_lua(&e, "function(s) return s .. '!' end");
	theme_add_filter(e.theme, "mine");
	push_lua(&e, "function() return 'f' end");
	theme_add_global(e.theme, "fn");

	char *out = render_recorded(&e, "field.html");
	CHECK_STR_EQ(out, "T p");
	CHECK_STR_EQ(rec_reads, "p;"); /* a field read: its table */
	CHECK_INT_EQ(rec_all_n, 0);
	free(out);
	out = render_recorded(&e, "loop.html");
	CHECK_STR_EQ(out, "..2");
	CHECK_STR_EQ(rec_reads, "q;"); /* looping over a list reads no page */
	CHECK_INT_EQ(rec_all_n, 0);
	free(out);
	out = render_recorded(&e, "sort.html");
	CHECK_STR_EQ(out, "12");
	CHECK_CONTAINS(rec_reads, "c;"); /* sorting by a field reads each */
	CHECK_CONTAINS(rec_reads, "d;");
	CHECK_INT_EQ(rec_all_n, 0);
	free(out);
	out = render_recorded(&e, "json.html");
	CHECK_CONTAINS(rec_reads, "a;");
	CHECK_CONTAINS(rec_reads, "b;");
	free(out);
	out = render_recorded(&e, "builtin.html");
	CHECK_STR_EQ(out, "X2");
	CHECK_STR_EQ(rec_reads, ""); /* the runtime's own filters and range */
	CHECK_INT_EQ(rec_all_n, 0);
	free(out);
	/* plugin code may read any page: everything */
	out = render_recorded(&e, "filter.html");
	CHECK_STR_EQ(out, "a!");
	CHECK(rec_all_n > 0);
	free(out);
	out = render_recorded(&e, "call.html");
	CHECK_STR_EQ(out, "f");
	CHECK(rec_all_n > 0);
	free(out);
	out = render_recorded(&e, "meta.html");
	CHECK_STR_EQ(out, "m");
	CHECK(rec_all_n > 0);
	free(out);
	/* a name the context lacks is a global's, even one no global has
	 * (vang: a later build may define it); each read reported, the
	 * context's names (p, xs) and set variables never */
	lua_pushinteger(luavm_state(e.vm), 7);
	theme_add_global(e.theme, "so");
	out = render_recorded(&e, "globals.html");
	CHECK_STR_EQ(out, "T p77ab1");
	CHECK_STR_EQ(rec_globals, "so;so;vang;");
	CHECK_STR_EQ(rec_reads, "p;a;b;");
	CHECK_INT_EQ(rec_all_n, 0);
	free(out);
	/* the calls of the other layouts: fn is a global too */
	out = render_recorded(&e, "call.html");
	CHECK_STR_EQ(rec_globals, "fn;");
	free(out);
	out = render_recorded(&e, "field.html");
	CHECK_STR_EQ(rec_globals, "");
	free(out);
	env_close(&e);
}

/* `name[k]` and `name.k` of a global that is a plain table: that entry
 * alone is read; anything else reads the global (or the context's name) */
TEST(test_global_entry_reads)
{
	const char *dir = new_theme_dir("entries");
	write_layout(dir, "entry.html", "{% if urls[p.name] %}{{ urls[p.name] }}{% endif %}|{{ urls.b }}");
	write_layout(dir, "whole.html", "{% if urls and urls.b %}{{ urls | length }}{% endif %}");
	write_layout(dir, "ctx.html", "{{ plain.title }}{{ plain['title'] }}");
	write_layout(dir, "number.html", "{{ urls[1] }}");
	write_layout(dir, "nested.html", "{{ deep.x.y }}{{ deep['x'].y }}");
	write_layout(dir, "missing.html", "[{{ vang.x }}{{ vang['y'] }}]");
	write_layout(dir, "local.html", "{% set urls = {'p': 'L'} %}{{ urls.p }}");
	write_layout(dir, "meta.html", "{{ magicg.x }}");
	struct env e;
	CHECK_INT_EQ(env_open(&e, &dir, 1), 0);
	push_lua(&e, "{ p = '/feed/p/', b = '/feed/b/', 'one' }");
	theme_add_global(e.theme, "urls");
	push_lua(&e, "{ x = { y = 'Y' } }");
	theme_add_global(e.theme, "deep");
	push_lua(&e, "setmetatable({}, { __index = function() return 'M' end })");
	theme_add_global(e.theme, "magicg");

	char *out = render_recorded(&e, "entry.html");
	CHECK_STR_EQ(out, "/feed/p/|/feed/b/");
	CHECK_STR_EQ(rec_entries, "urls[p];urls[p];urls[b];");
	CHECK_STR_EQ(rec_globals, ""); /* not the whole global */
	CHECK_STR_EQ(rec_reads, "p;p;");
	free(out);
	/* the global itself tested or filtered: all of it */
	out = render_recorded(&e, "whole.html");
	CHECK_STR_EQ(out, "1");
	CHECK_STR_EQ(rec_globals, "urls;urls;");
	CHECK_STR_EQ(rec_entries, "urls[b];");
	free(out);
	/* a name the context has: no global read */
	out = render_recorded(&e, "ctx.html");
	CHECK_STR_EQ(out, "xx");
	CHECK_STR_EQ(rec_globals, "");
	CHECK_STR_EQ(rec_entries, "");
	free(out);
	/* a key a deps line does not hold by entry (a number): the global */
	out = render_recorded(&e, "number.html");
	CHECK_STR_EQ(out, "one");
	CHECK_STR_EQ(rec_globals, "urls;");
	CHECK_STR_EQ(rec_entries, "");
	free(out);
	/* the first index is the entry; deeper ones read its value */
	out = render_recorded(&e, "nested.html");
	CHECK_STR_EQ(out, "YY");
	CHECK_STR_EQ(rec_entries, "deep[x];deep[x];");
	free(out);
	/* a global no plugin set: nil, read whole (a later build may set it) */
	out = render_recorded(&e, "missing.html");
	CHECK_STR_EQ(out, "[]");
	CHECK_STR_EQ(rec_globals, "vang;vang;");
	CHECK_STR_EQ(rec_entries, "");
	free(out);
	/* a set variable is not a global (its scope starts from the value
	 * the name had outside: the global, read whole) */
	out = render_recorded(&e, "local.html");
	CHECK_STR_EQ(out, "L");
	CHECK_STR_EQ(rec_globals, "urls;");
	CHECK_STR_EQ(rec_entries, "");
	free(out);
	/* a global with a metatable computes its entries: all of it */
	out = render_recorded(&e, "meta.html");
	CHECK_STR_EQ(out, "M");
	CHECK_STR_EQ(rec_globals, "magicg;");
	CHECK_STR_EQ(rec_entries, "");
	free(out);
	env_close(&e);
}

TEST(test_extends_blocks_include)
{
	const char *dir = new_theme_dir("inherit");
	write_layout(dir, "base.html",
		     "<title>{% block title %}Site{% endblock %}</title>\n"
		     "{% include \"partials/nav.html\" %}\n"
		     "<main>{% block main %}base main{% endblock %}</main>\n"
		     "<footer>{% block footer %}(c) {{ year }}{% endblock %}</footer>");
	write_layout(dir, "partials/nav.html", "<nav>{{ page.title }}</nav>");
	write_layout(dir, "page.html",
		     "{% extends \"base.html\" %}\n"
		     "ignored text\n"
		     "{% block title %}{{ page.title }} — {{ super() }}{% endblock %}\n"
		     "{% block main %}{% set heading = 3 %}{% for item in items %}"
		     "{% include \"partials/item.html\" %}{% endfor %}{% endblock %}");
	write_layout(dir, "partials/item.html", "<h{{ heading }}>{{ loop.index }}.{{ item }}</h{{ heading }}>");
	write_layout(dir, "news.html",
		     "{% extends \"page.html\" %}{% block footer %}news {{ super() }}{% endblock %}");
	struct env e;
	CHECK_INT_EQ(env_open(&e, &dir, 1), 0);
	CHECK(theme_has(e.theme, "partials/nav.html"));
	CHECK(!theme_has(e.theme, "nope.html"));
	char *out = render(&e, "page.html", "{page = {title = 'A&B'}, items = {'x', 'y'}, year = 2023}");
	CHECK_STR_EQ(out, "<title>A&amp;B — Site</title>\n<nav>A&amp;B</nav>\n"
			  "<main><h3>1.x</h3><h3>2.y</h3></main>\n<footer>(c) 2023</footer>");
	free(out);
	out = render(&e, "news.html", "{page = {title = 'N'}, items = {}, year = 2024}");
	CHECK_STR_EQ(out, "<title>N — Site</title>\n<nav>N</nav>\n<main></main>\n"
			  "<footer>news (c) 2024</footer>");
	free(out);
	out = render(&e, "base.html", "{page = {title = 'B'}, year = 1}");
	CHECK_STR_EQ(out, "<title>Site</title>\n<nav>B</nav>\n<main>base main</main>\n<footer>(c) 1</footer>");
	free(out);
	env_close(&e);
}

TEST(test_whitespace_control_and_comments)
{
	expect_render("<ul>\n  {%- for x in xs %}\n  <li>{{ x }}</li>\n  {%- endfor %}\n</ul>",
		      "{xs = {1, 2}}", "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>");
	expect_render("a  {{- 'b' -}}  c {#- note -#} d", "{}", "abcd");
	expect_render("x{# a {{ comment }} with {% tags %} #}y", "{}", "xy");
	expect_render("{{ '}}' }}{{ \"%}\" }}", "{}", "}}%}");
}

TEST(test_compile_errors)
{
	expect_compile_error("a\nb\n{% if x %}\nc\n", 3, "'if' opened here is never closed");
	expect_compile_error("1\n2\n3\n4\n5\n6\n{{ a + }}\n", 7, "bad expression");
	expect_compile_error("1\n2\n3\n4\n5\n6\n{% if a b %}{% endif %}\n", 7, "bad expression");
	expect_compile_error("x\n{% frobnicate %}", 2, "unknown tag 'frobnicate'");
	expect_compile_error("{% for x in y %}{% endfor %}\n{% endfor %}", 2, "'endfor' without 'for'");
	expect_compile_error("{% if a %}\n{% endfor %}", 2, "does not match 'if' opened at line 1");
	expect_compile_error("a\n\n{% block main %}\nx", 3, "'block' opened here is never closed");
	expect_compile_error("a\n{{ x ", 2, "unclosed '{{'");
	expect_compile_error("a\n{% if x ", 2, "unclosed '{%'");
	expect_compile_error("a\n{# x ", 2, "unclosed '{#'");
	expect_compile_error("hello\n{% extends \"base.html\" %}", 2, "must come first");
	expect_compile_error("{% block a %}{% endblock b %}", 1, "does not match");
	expect_compile_error("{% block a %}{% endblock %}\n{% block a %}{% endblock %}", 2, "defined twice");
	expect_compile_error("{% include x %}", 1, "needs a template name in quotes");
	expect_compile_error("{% include \"../secret\" %}", 1, "bad template name");
	expect_compile_error("{{ super() }}", 1, "super() outside a block");
	expect_compile_error("\n{{ 'abc }}", 2, "unclosed");
	expect_compile_error("{{ a is defined }}", 1, "not supported");
	expect_compile_error("{% for in x %}{% endfor %}", 1, "variable name");
	expect_compile_error("{% else %}", 1, "'else' without");
	expect_compile_error("{{ }}", 1, "expression expected");
	expect_compile_error("{{ a ! b }}", 1, "unexpected character");
	/* a multi-line tag reports the line of the bad token */
	expect_compile_error("{{ a +\n\n b c }}", 3, "unexpected 'c'");
	/* expressions nested beyond reason */
	char deep[700];
	memcpy(deep, "{{ ", 3);
	memset(deep + 3, '(', 600);
	strcpy(deep + 603, "1 }}");
	expect_compile_error(deep, 1, "nested too deeply");
}

TEST(test_theme_load_errors_and_names)
{
	const char *dir = new_theme_dir("themes/broken");
	write_layout(dir, "ok.html", "fine");
	write_layout(dir, "bad.html", "a\nb\n{% include \"partials/missing.html\" %}");
	write_layout(dir, "syntax.html", "a\n{% if %}");
	struct env e;
	CHECK_INT_EQ(env_open(&e, &dir, 1), -1);
	CHECK(e.theme == NULL);
	CHECK_INT_EQ(e.diags.len, 2);
	int seen = 0;
	for (size_t i = 0; i < e.diags.len; i++) {
		const struct diag *d = &e.diags.items[i];
		if (strcmp(d->path, "themes/broken/layouts/bad.html") == 0 && d->line == 3 &&
		    strstr(d->msg, "'partials/missing.html' not found"))
			seen |= 1;
		if (strcmp(d->path, "themes/broken/layouts/syntax.html") == 0 && d->line == 2)
			seen |= 2;
	}
	CHECK_INT_EQ(seen, 3);
	env_close(&e);

	/* no layouts at all */
	const char *empty = new_theme_dir("empty");
	CHECK_INT_EQ(env_open(&e, &empty, 1), -1);
	CHECK_INT_EQ(e.diags.len, 1);
	env_close(&e);
}

/* theme_check: every filter and free function a layout calls is known
 * (runtime, registered, global, or a context name); the rest name
 * layout:line, once plugins could have registered theirs. */
static int any_fn(lua_State *L)
{
	(void)L;
	return 0;
}

TEST(test_theme_check_names)
{
	const char *dir = new_theme_dir("themes/check");
	write_layout(dir, "page.html",
		     "{{ page.title | upper }}\n{{ page.date | nofilter }}\n{{ nofunc(1) }}\n"
		     "{{ range(3) | length }}{{ mine(1) }}{{ x | myfilter }}\n"
		     "{% set f = page %}{{ f(1) }}{% for g in [1] %}{{ g(2) }}{% endfor %}\n"
		     "{{ page.title(1) }}{{ helper(2) }}");
	struct env e;
	CHECK_INT_EQ(env_open(&e, &dir, 1), 0);
	lua_State *L = luavm_state(e.vm);
	lua_pushcfunction(L, any_fn);
	theme_add_global(e.theme, "mine");
	lua_pushcfunction(L, any_fn);
	theme_add_filter(e.theme, "myfilter");
	lua_newtable(L); /* a context may hold "helper" */
	lua_pushboolean(L, 1);
	lua_setfield(L, -2, "helper");
	int top = lua_gettop(L);
	CHECK_INT_EQ(theme_check(e.theme, &e.diags), -1);
	CHECK_INT_EQ(lua_gettop(L), top - 1);
	CHECK_INT_EQ(e.diags.len, 2);
	if (e.diags.len == 2) {
		CHECK_STR_EQ(e.diags.items[0].path, "themes/check/layouts/page.html");
		CHECK_INT_EQ(e.diags.items[0].line, 2);
		CHECK_STR_EQ(e.diags.items[0].msg, "unknown filter 'nofilter'");
		CHECK_INT_EQ(e.diags.items[1].line, 3);
		CHECK_STR_EQ(e.diags.items[1].msg, "unknown function 'nofunc'");
	}
	env_close(&e);
}

TEST(test_first_dir_wins)
{
	char site[256], inst[256];
	snprintf(site, sizeof(site), "%s", new_theme_dir("site/themes/default"));
	write_layout(site, "page.html", "site page {% include \"partials/x.html\" %}");
	snprintf(inst, sizeof(inst), "%s", new_theme_dir("inst/themes/default"));
	write_layout(inst, "page.html", "installed page");
	write_layout(inst, "partials/x.html", "installed partial");
	write_layout(inst, "home.html", "{{ 1 + nil_value }}");
	const char *dirs[] = { site, inst };
	struct env e;
	CHECK_INT_EQ(env_open(&e, dirs, 2), 0);
	char *out = render(&e, "page.html", "{}");
	CHECK_STR_EQ(out, "site page installed partial");
	free(out);
	/* runtime errors name the file the layout came from, and its line */
	out = render(&e, "home.html", "{}");
	CHECK(out == NULL);
	CHECK_INT_EQ(e.diags.len, 1);
	if (e.diags.len) {
		CHECK_STR_EQ(e.diags.items[0].path, "themes/default/layouts/home.html");
		CHECK_INT_EQ(e.diags.items[0].line, 1);
		CHECK_CONTAINS(e.diags.items[0].msg, "arithmetic");
	}
	CHECK_INT_EQ(lua_gettop(luavm_state(e.vm)), 0);
	env_close(&e);
}

TEST(test_runtime_errors)
{
	const char *dir = new_theme_dir("rt");
	write_layout(dir, "x.html", "a\nb\nc\nd\n{{ page.n + 1 }}\n");
	write_layout(dir, "f.html", "\n\n{{ x | nosuchfilter }}");
	write_layout(dir, "loop.html", "{% include \"loop.html\" %}");
	write_layout(dir, "a.html", "{% extends \"b.html\" %}");
	write_layout(dir, "b.html", "{% extends \"a.html\" %}");
	write_layout(dir, "str.html", "\n{% for c in s %}{{ c }}{% endfor %}");
	struct env e;
	CHECK_INT_EQ(env_open(&e, &dir, 1), 0);
	struct buf out = BUF_INIT;
	push_lua(&e, "{page = {}}");
	CHECK_INT_EQ(theme_render(e.theme, "x.html", &out, &e.diags), -1);
	CHECK_INT_EQ(out.len, 0);
	CHECK_INT_EQ(e.diags.len, 1);
	if (e.diags.len) {
		CHECK(strstr(e.diags.items[0].path, "layouts/x.html") != NULL);
		CHECK_INT_EQ(e.diags.items[0].line, 5);
		CHECK_CONTAINS(e.diags.items[0].msg, "attempt to perform arithmetic");
		CHECK_CONTAINS(e.diags.items[0].msg, "stack traceback");
	}
	diag_list_release(&e.diags);

	push_lua(&e, "{}");
	CHECK_INT_EQ(theme_render(e.theme, "f.html", &out, &e.diags), -1);
	if (e.diags.len) {
		CHECK_INT_EQ(e.diags.items[0].line, 3);
		CHECK_CONTAINS(e.diags.items[0].msg, "unknown filter 'nosuchfilter'");
	}
	diag_list_release(&e.diags);

	push_lua(&e, "{}");
	CHECK_INT_EQ(theme_render(e.theme, "loop.html", &out, &e.diags), -1);
	if (e.diags.len) {
		CHECK_CONTAINS(e.diags.items[0].path, "layouts/loop.html");
		CHECK_CONTAINS(e.diags.items[0].msg, "template recursion too deep");
	}
	diag_list_release(&e.diags);

	push_lua(&e, "{}");
	CHECK_INT_EQ(theme_render(e.theme, "a.html", &out, &e.diags), -1);
	if (e.diags.len)
		CHECK_CONTAINS(e.diags.items[0].msg, "template recursion too deep");
	diag_list_release(&e.diags);

	push_lua(&e, "{s = 'abc'}");
	CHECK_INT_EQ(theme_render(e.theme, "str.html", &out, &e.diags), -1);
	if (e.diags.len) {
		CHECK_INT_EQ(e.diags.items[0].line, 2);
		CHECK_CONTAINS(e.diags.items[0].msg, "cannot loop over a string");
	}
	diag_list_release(&e.diags);

	push_lua(&e, "{}");
	CHECK_INT_EQ(theme_render(e.theme, "nope.html", &out, &e.diags), -1);
	CHECK_INT_EQ(e.diags.len, 1);
	CHECK_INT_EQ(lua_gettop(luavm_state(e.vm)), 0);
	/* the theme still renders after errors */
	push_lua(&e, "{page = {n = 1}}");
	CHECK_INT_EQ(theme_render(e.theme, "x.html", &out, &e.diags), 0);
	CHECK_STR_EQ(out.ptr, "a\nb\nc\nd\n2\n");
	buf_release(&out);
	env_close(&e);
}

/* A render's pieces (theme.c copies them from the runtime's table into
 * the page's buffer): appended after what the buffer holds, all of them,
 * in order, numbers printed as Lua prints them. */
TEST(test_render_pieces_appended)
{
	const char *dir = new_theme_dir("pieces");
	write_layout(dir, "many.html", "[{% for i in items %}{{ i }},{% endfor %}]");
	struct env e;
	CHECK_INT_EQ(env_open(&e, &dir, 1), 0);
	struct buf out = BUF_INIT;
	buf_puts(&out, "before:");
	push_lua(&e, "{items = (function() local t = {} for i = 1, 5000 do t[i] = i end "
		     "t[5001] = 2.5 return t end)()}");
	CHECK_INT_EQ(theme_render(e.theme, "many.html", &out, &e.diags), 0);
	struct buf want = BUF_INIT;
	buf_puts(&want, "before:[");
	for (int i = 1; i <= 5000; i++)
		buf_addf(&want, "%d,", i);
	buf_puts(&want, "2.5,]");
	CHECK_INT_EQ(out.len, want.len);
	CHECK_STR_EQ(out.ptr, want.ptr);
	CHECK_INT_EQ(lua_gettop(luavm_state(e.vm)), 0);
	buf_release(&want);
	buf_release(&out);
	env_close(&e);
}

TEST(test_render_speed)
{
	const char *dir = new_theme_dir("speed");
	write_layout(dir, "t.html",
		     "<h1>{{ page.title }}</h1>{% for t in page.tags %}<a href=\"{{ t.url }}\">"
		     "{{ t.name | upper }}</a>{% endfor %}<p>{{ page.date | date }}</p>");
	struct env e;
	CHECK_INT_EQ(env_open(&e, &dir, 1), 0);
	lua_State *L = luavm_state(e.vm);
	push_lua(&e, "{page = {title = 'Tin <mới>', date = '2023-02-17', tags = {{name = 'a', "
		     "url = '/chu-de/a/'}, {name = 'b', url = '/chu-de/b/'}}}}");
	int ref = luaL_ref(L, LUA_REGISTRYINDEX);
	struct buf out = BUF_INIT;
	clock_t start = clock();
	int failures = 0;
	for (int i = 0; i < 10000; i++) {
		buf_reset(&out);
		lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
		failures += theme_render(e.theme, "t.html", &out, &e.diags) < 0;
	}
	double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
	CHECK_INT_EQ(failures, 0);
	CHECK_STR_EQ(out.ptr, "<h1>Tin &lt;mới&gt;</h1><a href=\"/chu-de/a/\">A</a><a href=\"/chu-de/b/\">B"
			      "</a><p>17/02/2023</p>");
	if (secs >= 1.0)
		fprintf(stderr, "  10000 renders took %.2f s\n", secs);
	CHECK(secs < 1.0);
	luaL_unref(L, LUA_REGISTRYINDEX, ref);
	buf_release(&out);
	env_close(&e);
}

int main(void)
{
	snprintf(tmp_root, sizeof(tmp_root), "/tmp/loa-test-template-XXXXXX");
	if (!mkdtemp(tmp_root)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_compile_keeps_lines);
	RUN(test_output_and_text_escaping);
	RUN(test_attribute_escaping);
	RUN(test_url_escaping);
	RUN(test_script_json_escaping);
	RUN(test_filters_in_c);
	RUN(test_runtime_helpers);
	RUN(test_loop_table_only_when_used);
	RUN(test_safe_values);
	RUN(test_if_and_truth);
	RUN(test_for_loops);
	RUN(test_set_scoping);
	RUN(test_expressions);
	RUN(test_filters);
	RUN(test_custom_filters_and_globals);
	RUN(test_read_recording);
	RUN(test_global_entry_reads);
	RUN(test_extends_blocks_include);
	RUN(test_whitespace_control_and_comments);
	RUN(test_compile_errors);
	RUN(test_theme_load_errors_and_names);
	RUN(test_theme_check_names);
	RUN(test_first_dir_wins);
	RUN(test_runtime_errors);
	RUN(test_render_pieces_appended);
	RUN(test_render_speed);
	rm_tree(tmp_root);
	return harness_report();
}
