/* template_expr — the expression parser: recursive descent over the
 * lexer's tokens, emitting the Lua that computes the value (literals,
 * names, fields, calls, filters, operators, lists and maps). */
#include "template/template_internal.h"

#include "base/buf.h"

#include <string.h>

/* ---- expression parser: recursive descent, emitting Lua ----------------- */

static int parse_expr(struct lexer *lx, struct buf *o);

static int enter(struct lexer *lx)
{
	if (++lx->depth > MAX_NEST)
		return compiler_fail(lx->c, lx->tok.line, "bad expression: nested too deeply");
	return 0;
}

/* ( args ) after the '(' was seen; emits "(a,b)" */
static int parse_args(struct lexer *lx, struct buf *o, bool leading_comma)
{
	bool first = !leading_comma;
	while (!lex_is_op(lx, ")")) {
		if (!first)
			buf_putc(o, ',');
		first = false;
		if (parse_expr(lx, o) < 0)
			return -1;
		if (!lex_is_op(lx, ","))
			break;
		lex_next(lx);
	}
	return lex_expect_op(lx, ")");
}

static const struct open_tag *innermost_block(const struct compiler *c)
{
	for (size_t i = c->nopens; i > 0; i--)
		if (c->opens[i - 1].kind == O_BLOCK)
			return &c->opens[i - 1];
	return NULL;
}

bool lex_is_reserved(const struct tok *t)
{
	static const char *const kw[] = { "and", "or",	 "not",	 "in",	  "is",	   "if",
					  "else", "true", "false", "none", "nil", "True",
					  "False", "None", NULL };
	for (const char *const *k = kw; *k; k++)
		if (lex_tok_is(t, T_NAME, *k))
			return true;
	return false;
}

static int parse_primary(struct lexer *lx, struct buf *o)
{
	struct tok t = lx->tok;
	struct compiler *c = lx->c;
	if (t.kind == T_NUM) {
		buf_add(o, t.s, t.len);
		lex_next(lx);
		return 0;
	}
	if (t.kind == T_STR) {
		struct buf s = BUF_INIT;
		lex_decode_string(&s, &t);
		compiler_lua_quote(o, s.ptr, s.len);
		buf_release(&s);
		lex_next(lx);
		return 0;
	}
	if (t.kind == T_NAME) {
		if (lex_tok_is(&t, T_NAME, "true") || lex_tok_is(&t, T_NAME, "True")) {
			buf_puts(o, "true");
		} else if (lex_tok_is(&t, T_NAME, "false") || lex_tok_is(&t, T_NAME, "False")) {
			buf_puts(o, "false");
		} else if (lex_tok_is(&t, T_NAME, "none") || lex_tok_is(&t, T_NAME, "None") ||
			   lex_tok_is(&t, T_NAME, "nil")) {
			buf_puts(o, "nil");
		} else if (lex_is_reserved(&t)) {
			return lex_unexpected(lx);
		} else if (lex_tok_is(&t, T_NAME, "super")) {
			lex_next(lx);
			const struct open_tag *b = innermost_block(c);
			if (!b)
				return compiler_fail(c, t.line, "super() outside a block");
			if (lex_expect_op(lx, "(") < 0 || lex_expect_op(lx, ")") < 0)
				return -1;
			buf_puts(o, "SUPER(BL,");
			compiler_lua_quote(o, b->name, b->namelen);
			buf_puts(o, ",lvl,ctx,depth)");
			return 0;
		} else {
			compiler_emit_name(o, c, t.s, t.len, c->nvars);
			if (compiler_var_find(c, t.s, t.len, 0, c->nvars) < 0) {
				c->free_name = t.s;
				c->free_len = t.len;
			}
		}
		lex_next(lx);
		return 0;
	}
	if (lex_is_op(lx, "(")) {
		lex_next(lx);
		buf_putc(o, '(');
		if (parse_expr(lx, o) < 0)
			return -1;
		buf_putc(o, ')');
		return lex_expect_op(lx, ")");
	}
	if (lex_is_op(lx, "[")) {
		lex_next(lx);
		buf_putc(o, '{');
		bool first = true;
		while (!lex_is_op(lx, "]")) {
			if (!first)
				buf_putc(o, ',');
			first = false;
			if (parse_expr(lx, o) < 0)
				return -1;
			if (!lex_is_op(lx, ","))
				break;
			lex_next(lx);
		}
		buf_putc(o, '}');
		return lex_expect_op(lx, "]");
	}
	if (lex_is_op(lx, "{")) {
		lex_next(lx);
		buf_putc(o, '{');
		bool first = true;
		while (!lex_is_op(lx, "}")) {
			if (!first)
				buf_putc(o, ',');
			first = false;
			buf_putc(o, '[');
			if (parse_expr(lx, o) < 0)
				return -1;
			buf_puts(o, "]=");
			if (lex_expect_op(lx, ":") < 0 || parse_expr(lx, o) < 0)
				return -1;
			if (!lex_is_op(lx, ","))
				break;
			lex_next(lx);
		}
		buf_putc(o, '}');
		return lex_expect_op(lx, "}");
	}
	return lex_unexpected(lx);
}

/* Opens an index of cur: "IDX(cur," or, for the first index of a free
 * name (cur is then its V(ctx,"name")), "VI(ctx,"name"," */
static void open_index(struct buf *n, const struct buf *cur, const char *free_name, size_t len)
{
	if (free_name) {
		buf_addf(n, "VI(ctx,\"%.*s\",", (int)len, free_name);
		return;
	}
	buf_puts(n, "IDX(");
	buf_add(n, cur->ptr, cur->len);
	buf_putc(n, ',');
}

/* primary ( .name | [expr] | (args) )* */
static int parse_postfix(struct lexer *lx, struct buf *o)
{
	struct buf cur = BUF_INIT;
	lx->c->free_name = NULL;
	int ret = parse_primary(lx, &cur);
	/* `f(...)` with f free: only the first postfix calls the name itself */
	if (ret == 0 && lx->c->free_name && lex_is_op(lx, "("))
		compiler_add_use(lx->c, lx->c->free_name, lx->c->free_len, lx->tok.line, false);
	/* `name.k` or `name[k]` with name free: VI(ctx,"name",k), which
	 * records a global's entry read alone (template_runtime.c) */
	const char *free_name = lx->c->free_name;
	size_t free_len = lx->c->free_len;
	lx->c->free_name = NULL;
	while (ret == 0) {
		const char *entry_of = free_name; /* the first postfix only */
		free_name = NULL;
		if (lex_is_op(lx, ".")) {
			lex_next(lx);
			if (lx->tok.kind != T_NAME && lx->tok.kind != T_NUM) {
				ret = compiler_fail(lx->c, lx->tok.line, "bad expression: expected a name after '.'");
				break;
			}
			struct buf n = BUF_INIT;
			open_index(&n, &cur, entry_of, free_len);
			if (lx->tok.kind == T_NUM)
				buf_add(&n, lx->tok.s, lx->tok.len);
			else
				compiler_lua_quote(&n, lx->tok.s, lx->tok.len);
			buf_putc(&n, ')');
			buf_release(&cur);
			cur = n;
			lex_next(lx);
		} else if (lex_is_op(lx, "[")) {
			lex_next(lx);
			struct buf n = BUF_INIT;
			open_index(&n, &cur, entry_of, free_len);
			buf_release(&cur);
			cur = n;
			if ((ret = parse_expr(lx, &cur)) < 0 || (ret = lex_expect_op(lx, "]")) < 0)
				break;
			buf_putc(&cur, ')');
		} else if (lex_is_op(lx, "(")) {
			/* "(callee)(args)": Lua cannot call a literal directly, and
			 * `{'k': v}(1)` or `"s"(1)` would otherwise compile to Lua
			 * that does not parse (found by tests/fuzz/fuzz_template) */
			lex_next(lx);
			struct buf n = BUF_INIT;
			buf_puts(&n, "CALL(");
			buf_add(&n, cur.ptr, cur.len);
			buf_puts(&n, ")(");
			buf_release(&cur);
			cur = n;
			if ((ret = parse_args(lx, &cur, false)) < 0)
				break;
			buf_putc(&cur, ')');
		} else {
			break;
		}
	}
	if (ret == 0)
		buf_add(o, cur.ptr, cur.len);
	buf_release(&cur);
	return ret;
}

/* postfix ( | name [(args)] )* */
static int parse_filtered(struct lexer *lx, struct buf *o)
{
	struct buf cur = BUF_INIT;
	int ret = parse_postfix(lx, &cur);
	while (ret == 0 && lex_is_op(lx, "|")) {
		lex_next(lx);
		if (lx->tok.kind != T_NAME) {
			ret = compiler_fail(lx->c, lx->tok.line, "bad expression: expected a filter name after '|'");
			break;
		}
		compiler_add_use(lx->c, lx->tok.s, lx->tok.len, lx->tok.line, true);
		struct buf n = BUF_INIT;
		buf_puts(&n, "FL(");
		compiler_lua_quote(&n, lx->tok.s, lx->tok.len);
		buf_puts(&n, ")(");
		buf_add(&n, cur.ptr, cur.len);
		buf_release(&cur);
		cur = n;
		lex_next(lx);
		if (lex_is_op(lx, "(")) {
			lex_next(lx);
			if ((ret = parse_args(lx, &cur, true)) < 0)
				break;
		}
		buf_putc(&cur, ')');
	}
	if (ret == 0)
		buf_add(o, cur.ptr, cur.len);
	buf_release(&cur);
	return ret;
}

static int parse_unary(struct lexer *lx, struct buf *o)
{
	if (enter(lx) < 0)
		return -1;
	int ret;
	if (lex_is_op(lx, "-")) {
		lex_next(lx);
		buf_puts(o, "(-");
		ret = parse_unary(lx, o);
		buf_putc(o, ')');
	} else if (lex_is_op(lx, "+")) {
		lex_next(lx);
		ret = parse_unary(lx, o);
	} else {
		ret = parse_filtered(lx, o);
	}
	lx->depth--;
	return ret;
}

/* Left-associative binary levels, each wrapping its operands. */
static int parse_mul(struct lexer *lx, struct buf *o)
{
	struct buf cur = BUF_INIT;
	int ret = parse_unary(lx, &cur);
	while (ret == 0 && (lex_is_op(lx, "*") || lex_is_op(lx, "/") || lex_is_op(lx, "//") || lex_is_op(lx, "%"))) {
		struct buf n = BUF_INIT;
		buf_putc(&n, '(');
		buf_add(&n, cur.ptr, cur.len);
		buf_add(&n, lx->tok.s, lx->tok.len);
		lex_next(lx);
		ret = parse_unary(lx, &n);
		buf_putc(&n, ')');
		buf_release(&cur);
		cur = n;
	}
	if (ret == 0)
		buf_add(o, cur.ptr, cur.len);
	buf_release(&cur);
	return ret;
}

static int parse_concat(struct lexer *lx, struct buf *o)
{
	struct buf cur = BUF_INIT;
	int ret = parse_mul(lx, &cur);
	while (ret == 0 && lex_is_op(lx, "~")) {
		lex_next(lx);
		struct buf n = BUF_INIT;
		buf_puts(&n, "CAT(");
		buf_add(&n, cur.ptr, cur.len);
		buf_putc(&n, ',');
		ret = parse_mul(lx, &n);
		buf_putc(&n, ')');
		buf_release(&cur);
		cur = n;
	}
	if (ret == 0)
		buf_add(o, cur.ptr, cur.len);
	buf_release(&cur);
	return ret;
}

static int parse_add(struct lexer *lx, struct buf *o)
{
	struct buf cur = BUF_INIT;
	int ret = parse_concat(lx, &cur);
	while (ret == 0 && (lex_is_op(lx, "+") || lex_is_op(lx, "-"))) {
		struct buf n = BUF_INIT;
		buf_putc(&n, '(');
		buf_add(&n, cur.ptr, cur.len);
		/* a space keeps "a- -b" from reading as a Lua comment "--" */
		buf_putc(&n, ' ');
		buf_add(&n, lx->tok.s, lx->tok.len);
		buf_putc(&n, ' ');
		lex_next(lx);
		ret = parse_concat(lx, &n);
		buf_putc(&n, ')');
		buf_release(&cur);
		cur = n;
	}
	if (ret == 0)
		buf_add(o, cur.ptr, cur.len);
	buf_release(&cur);
	return ret;
}

static int parse_compare(struct lexer *lx, struct buf *o)
{
	struct buf cur = BUF_INIT;
	int ret = parse_add(lx, &cur);
	for (;;) {
		if (ret < 0)
			break;
		const char *lua_op = NULL;
		bool in = false, not_in = false;
		if (lex_is_op(lx, "=="))
			lua_op = "==";
		else if (lex_is_op(lx, "!="))
			lua_op = "~=";
		else if (lex_is_op(lx, "<") || lex_is_op(lx, ">") || lex_is_op(lx, "<=") || lex_is_op(lx, ">="))
			lua_op = "";
		else if (lex_is_kw(lx, "in"))
			in = true;
		else if (lex_is_kw(lx, "not") && lx->p < lx->end) {
			/* "not in": peek at the next word */
			struct lexer peek = *lx;
			lex_next(&peek);
			if (!lex_tok_is(&peek.tok, T_NAME, "in"))
				break;
			lex_next(lx);
			not_in = true;
		} else if (lex_is_kw(lx, "is")) {
			ret = compiler_fail(lx->c, lx->tok.line, "bad expression: 'is' tests are not supported");
			break;
		} else {
			break;
		}
		struct buf n = BUF_INIT;
		if (in || not_in) {
			buf_puts(&n, not_in ? "(not IN(" : "IN(");
			buf_add(&n, cur.ptr, cur.len);
			buf_putc(&n, ',');
			lex_next(lx);
			ret = parse_add(lx, &n);
			buf_puts(&n, not_in ? "))" : ")");
		} else {
			buf_putc(&n, '(');
			buf_add(&n, cur.ptr, cur.len);
			if (*lua_op)
				buf_puts(&n, lua_op);
			else
				buf_add(&n, lx->tok.s, lx->tok.len);
			lex_next(lx);
			ret = parse_add(lx, &n);
			buf_putc(&n, ')');
		}
		buf_release(&cur);
		cur = n;
	}
	if (ret == 0)
		buf_add(o, cur.ptr, cur.len);
	buf_release(&cur);
	return ret;
}

static int parse_not(struct lexer *lx, struct buf *o)
{
	if (enter(lx) < 0)
		return -1;
	int ret;
	if (lex_is_kw(lx, "not")) {
		lex_next(lx);
		buf_puts(o, "(not TV(");
		ret = parse_not(lx, o);
		buf_puts(o, "))");
	} else {
		ret = parse_compare(lx, o);
	}
	lx->depth--;
	return ret;
}

/* a and b → (TV(a) and b): Jinja truth ("" and 0 are false), Lua values */
static int parse_bool(struct lexer *lx, struct buf *o, bool is_or)
{
	struct buf cur = BUF_INIT;
	int ret = is_or ? parse_bool(lx, &cur, false) : parse_not(lx, &cur);
	const char *kw = is_or ? "or" : "and";
	while (ret == 0 && lex_is_kw(lx, kw)) {
		lex_next(lx);
		struct buf n = BUF_INIT;
		buf_puts(&n, "(TV(");
		buf_add(&n, cur.ptr, cur.len);
		buf_addf(&n, ") %s ", kw);
		ret = is_or ? parse_bool(lx, &n, false) : parse_not(lx, &n);
		buf_putc(&n, ')');
		buf_release(&cur);
		cur = n;
	}
	if (ret == 0)
		buf_add(o, cur.ptr, cur.len);
	buf_release(&cur);
	return ret;
}

static int parse_expr(struct lexer *lx, struct buf *o)
{
	if (enter(lx) < 0)
		return -1;
	int ret = parse_bool(lx, o, true);
	lx->depth--;
	return ret;
}

void lex_init(struct lexer *lx, struct compiler *c, const char *s, const char *e,
		       int line)
{
	memset(lx, 0, sizeof(*lx));
	lx->c = c;
	lx->p = s;
	lx->end = e;
	lx->line = line;
	lex_next(lx);
}

/* A whole expression that must end the tag. */
int expr_compile(struct lexer *lx, struct buf *o)
{
	if (lx->tok.kind == T_END)
		return compiler_fail(lx->c, lx->tok.line, "bad expression: expression expected");
	if (parse_expr(lx, o) < 0)
		return -1;
	if (lx->tok.kind != T_END)
		return lex_unexpected(lx);
	return 0;
}
