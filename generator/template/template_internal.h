/* template_internal — private to the template compiler (template_html.c,
 * template_lex.c, template_expr.c, template_compile.c) and the theme
 * loader (theme.c, template_runtime.c): the compiler's state, the lexer's
 * token, and the functions one of these files calls in another. Each such
 * function is named after its file: html_ (template_html.c), lex_
 * (template_lex.c), expr_ (template_expr.c), compiler_ (template_compile.c),
 * template_runtime_ (template_runtime.c). */
#ifndef LOA_TEMPLATE_INTERNAL_H
#define LOA_TEMPLATE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct diag_list;
struct luavm;

#define SAFE_MT "loa.template.safe"
#define MAX_NEST 200 /* open tags and expression depth */

/* ---- HTML context of the literal text ----------------------------------- */

enum html_state {
	H_DATA,
	H_RCDATA, /* title, textarea: text, escaped like data */
	H_COMMENT,
	H_TAG_NAME,
	H_BEFORE_ATTR,
	H_ATTR_NAME,
	H_AFTER_ATTR_NAME,
	H_BEFORE_VALUE,
	H_VALUE_DQ,
	H_VALUE_SQ,
	H_VALUE_UQ,
	H_SCRIPT,
	H_STYLE,
};

struct html {
	enum html_state state;
	enum html_state raw; /* H_SCRIPT, H_STYLE or H_RCDATA while inside one */
	char tag[16];
	size_t taglen;
	bool closing;
	char attr[24];
	size_t attrlen;
	bool value_empty;
	char type[40]; /* value of the current tag's type attribute */
	size_t typelen;
};

/* the escaper a {{ }} gets */
enum esc { ESC_TEXT, ESC_UNQUOTED, ESC_URL, ESC_URL_UNQUOTED, ESC_JS };

static inline bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static inline bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* ---- compiler state ----------------------------------------------------- */

struct var {
	const char *name; /* into the template source */
	size_t len;
	bool is_set; /* hoisted by its scope, else declared by a for */
};

struct scope {
	size_t hoist_at; /* offset in out where the scope's locals go */
	size_t var_base;
};

enum open_kind { O_IF, O_FOR, O_BLOCK };

struct open_tag {
	enum open_kind kind;
	int line;
	bool has_else;
	bool render; /* block: render in place (not a child's top level) */
	const char *name;
	size_t namelen;
	/* for: where its "local l_loop=LOOP(…);" is in out, blanked at endfor
	 * when the body never names loop (a table per iteration saved) */
	struct buf *loop_buf;
	size_t loop_at, loop_len;
};

struct dep {
	char *target;
	int line;
};

/* A filter or a free function a template calls: checked by theme_check
 * once plugins have registered theirs. */
struct use {
	char *name;
	int line;
	bool filter;
};

struct compiler {
	struct buf *out;
	const char *name; /* for errors */
	const char *src;
	size_t len;
	struct diag_list *diags;
	bool failed;
	int lua_line;
	int ntmp;

	bool child; /* has {% extends %} */
	char *extends;
	bool seen_content;
	int block_depth;

	struct var *vars;
	size_t nvars, vars_cap;
	struct scope *scopes;
	size_t nscopes, scopes_cap;
	struct open_tag *opens;
	size_t nopens, opens_cap;
	struct { const char *s; size_t n; } *blocks;
	size_t nblocks, blocks_cap;
	struct dep *deps;
	size_t ndeps, deps_cap;
	struct use *uses;
	size_t nuses, uses_cap;
	/* the last primary was a free name (not a variable): a call of it is
	 * a use of a function */
	const char *free_name;
	size_t free_len;

	struct html html;
};

/* ---- expression lexer --------------------------------------------------- */

enum tok_kind { T_END, T_NAME, T_NUM, T_STR, T_OP };

struct tok {
	enum tok_kind kind;
	const char *s;
	size_t len;
	int line;
};

struct lexer {
	struct compiler *c;
	const char *p, *end;
	int line;
	struct tok tok;
	int depth;
};

/* ---- template_html.c: the HTML context of the literal text ------------- */

/* Follows the literal text s[0..n) of a template. */
void html_feed(struct html *h, const char *s, size_t n);
/* The escaper for a {{ }} at the current point; marks the attribute value
 * as started. */
enum esc html_escaper(struct html *h);

/* ---- template_lex.c: the expression lexer ------------------------------ */

void lex_init(struct lexer *lx, struct compiler *c, const char *s, const char *e, int line);
void lex_next(struct lexer *lx);
bool lex_tok_is(const struct tok *t, enum tok_kind k, const char *s);
bool lex_is_op(const struct lexer *lx, const char *s);
bool lex_is_kw(const struct lexer *lx, const char *s);
/* Reports the current token as unexpected; returns -1. */
int lex_unexpected(struct lexer *lx);
int lex_expect_op(struct lexer *lx, const char *op);
/* Appends the value of the string literal t to o. */
void lex_decode_string(struct buf *o, const struct tok *t);
bool lex_is_reserved(const struct tok *t);

/* ---- template_expr.c: the expression parser, emitting Lua -------------- */

/* A whole expression that must end the tag, as Lua appended to o. */
int expr_compile(struct lexer *lx, struct buf *o);

/* ---- template_compile.c: the compiler's state and statements ----------- */

/* Records the first error (later ones follow from it); returns -1. */
__attribute__((format(printf, 3, 4))) int compiler_fail(struct compiler *c, int line,
							const char *fmt, ...);
void compiler_add_use(struct compiler *c, const char *name, size_t len, int line, bool filter);
/* Appends s[0..n) as a Lua string literal. */
void compiler_lua_quote(struct buf *o, const char *s, size_t n);
/* index of the innermost variable called name at or above from, or -1 */
long compiler_var_find(const struct compiler *c, const char *name, size_t len, size_t from,
		       size_t to);
void compiler_emit_name(struct buf *o, const struct compiler *c, const char *name, size_t len,
			size_t visible);
/* Compiles src into lua_out (left as it was on error); c is then released
 * by compiler_release, whatever the result. */
int compiler_run(struct compiler *c, struct buf *lua_out, const char *name, const char *src,
		 size_t len, struct diag_list *diags);
void compiler_release(struct compiler *c);

/* ---- template_runtime.c ------------------------------------------------ */

/* Loads the runtime; leaves R on the stack. */
int template_runtime_load(struct luavm *vm, struct diag_list *diags);

#endif
