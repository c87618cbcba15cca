/* template_compile — the statement compiler: turns a template (literal
 * text, {{ }}, {% %}, {# #}) into Lua source, keeping each template line
 * on its Lua line; owns the compiler's state (scopes and variables, open
 * tags, blocks, the includes and the names a template uses). */
#include "template/template.h"
#include "template/template_internal.h"

#include "base/buf.h"
#include "base/diag.h"
#include "base/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const esc_fn[] = { "E", "EQ", "EU", "EUQ", "EJ" };

void compiler_add_use(struct compiler *c, const char *name, size_t len, int line, bool filter)
{
	ALLOC_GROW(c->uses, c->nuses + 1, c->uses_cap);
	c->uses[c->nuses].name = xstrndup(name, len);
	c->uses[c->nuses].line = line;
	c->uses[c->nuses].filter = filter;
	c->nuses++;
}

__attribute__((format(printf, 3, 4))) int compiler_fail(struct compiler *c, int line,
						      const char *fmt, ...)
{
	if (c->failed)
		return -1;
	c->failed = true;
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(c->diags, DIAG_ERROR, c->name, line, 0, fmt, ap);
	va_end(ap);
	return -1;
}

/* Emits newlines until the Lua source is at template line `line`. */
static void sync(struct compiler *c, int line)
{
	while (c->lua_line < line) {
		buf_putc(c->out, '\n');
		c->lua_line++;
	}
}

void compiler_lua_quote(struct buf *o, const char *s, size_t n)
{
	buf_putc(o, '"');
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch != 0x7f && ch != '"' && ch != '\\')
			continue;
		buf_add(o, s + start, i - start);
		if (ch == '\n')
			buf_puts(o, "\\n");
		else if (ch == '"' || ch == '\\')
			buf_addf(o, "\\%c", ch);
		else
			buf_addf(o, "\\%03u", ch);
		start = i + 1;
	}
	buf_add(o, s + start, n - start);
	buf_putc(o, '"');
}

static void buf_insert(struct buf *b, size_t at, const char *s, size_t n)
{
	size_t old = b->len;
	buf_add(b, s, n); /* grows; the bytes are moved into place below */
	memmove(b->ptr + at + n, b->ptr + at, old - at);
	memcpy(b->ptr + at, s, n);
}

/* ---- scopes and variables ----------------------------------------------- */

static void scope_open(struct compiler *c)
{
	ALLOC_GROW(c->scopes, c->nscopes + 1, c->scopes_cap);
	c->scopes[c->nscopes].hoist_at = c->out->len;
	c->scopes[c->nscopes].var_base = c->nvars;
	c->nscopes++;
}

/* index of the innermost variable called name at or above from, or -1 */
long compiler_var_find(const struct compiler *c, const char *name, size_t len, size_t from,
		     size_t to)
{
	for (size_t i = to; i > from; i--) {
		const struct var *v = &c->vars[i - 1];
		if (v->len == len && memcmp(v->name, name, len) == 0)
			return (long)(i - 1);
	}
	return -1;
}

void compiler_emit_name(struct buf *o, const struct compiler *c, const char *name, size_t len,
		      size_t visible)
{
	if (compiler_var_find(c, name, len, 0, visible) >= 0)
		buf_addf(o, "l_%.*s", (int)len, name);
	else
		buf_addf(o, "V(ctx,\"%.*s\")", (int)len, name);
}

/* Closes the innermost scope: declares its set variables at its start,
 * each starting from the value the name had outside. */
static void scope_close(struct compiler *c)
{
	struct scope *s = &c->scopes[--c->nscopes];
	struct buf names = BUF_INIT, inits = BUF_INIT;
	for (size_t i = s->var_base; i < c->nvars; i++) {
		const struct var *v = &c->vars[i];
		if (!v->is_set)
			continue;
		if (names.len) {
			buf_putc(&names, ',');
			buf_putc(&inits, ',');
		}
		buf_addf(&names, "l_%.*s", (int)v->len, v->name);
		compiler_emit_name(&inits, c, v->name, v->len, s->var_base);
	}
	if (names.len) {
		struct buf decl = BUF_INIT;
		buf_addf(&decl, "local %s=%s;", names.ptr, inits.ptr);
		buf_insert(c->out, s->hoist_at, decl.ptr, decl.len);
		buf_release(&decl);
	}
	buf_release(&names);
	buf_release(&inits);
	c->nvars = s->var_base;
}

static void var_push(struct compiler *c, const char *name, size_t len, bool is_set)
{
	ALLOC_GROW(c->vars, c->nvars + 1, c->vars_cap);
	c->vars[c->nvars].name = name;
	c->vars[c->nvars].len = len;
	c->vars[c->nvars].is_set = is_set;
	c->nvars++;
}

/* ---- statements --------------------------------------------------------- */

static struct open_tag *open_push(struct compiler *c, enum open_kind k, int line)
{
	ALLOC_GROW(c->opens, c->nopens + 1, c->opens_cap);
	struct open_tag *o = &c->opens[c->nopens++];
	memset(o, 0, sizeof(*o));
	o->kind = k;
	o->line = line;
	return o;
}

static const char *const open_names[] = { "if", "for", "block" };

/* The open tag `end` (endif, else…) must close, or an error. */
static struct open_tag *open_top(struct compiler *c, enum open_kind k, const char *word, int line)
{
	if (c->nopens == 0) {
		compiler_fail(c, line, "'%s' without '%s'", word, open_names[k]);
		return NULL;
	}
	struct open_tag *o = &c->opens[c->nopens - 1];
	if (o->kind != k) {
		compiler_fail(c, line, "'%s' does not match '%s' opened at line %d", word,
		     open_names[o->kind], o->line);
		return NULL;
	}
	return o;
}

/* true when output at this point is dropped: a child's text outside blocks */
static bool dropping(const struct compiler *c)
{
	return c->child && c->block_depth == 0;
}

static int string_arg(struct compiler *c, struct lexer *lx, const char *word, struct buf *s)
{
	if (lx->tok.kind != T_STR)
		return compiler_fail(c, lx->tok.line, "'%s' needs a template name in quotes", word);
	lex_decode_string(s, &lx->tok);
	lex_next(lx);
	if (lx->tok.kind != T_END)
		return lex_unexpected(lx);
	if (s->len == 0 || strstr(s->ptr, "..") || s->ptr[0] == '/' || memchr(s->ptr, 0, s->len))
		return compiler_fail(c, lx->tok.line, "'%s': bad template name '%s'", word, s->ptr);
	return 0;
}

static void add_dep(struct compiler *c, const char *target, int line)
{
	ALLOC_GROW(c->deps, c->ndeps + 1, c->deps_cap);
	c->deps[c->ndeps].target = xstrdup(target);
	c->deps[c->ndeps].line = line;
	c->ndeps++;
}

/* The loop variable costs a table per iteration: when nothing after its
 * declaration names l_loop (includes pass it by that name too), the
 * declaration becomes spaces, which keeps every Lua line where it was. */
static void drop_unused_loop(struct compiler *c, const struct open_tag *o)
{
	struct buf *b = o->loop_buf;
	if (b != c->out || o->loop_at + o->loop_len > b->len)
		return;
	size_t body = o->loop_at + o->loop_len;
	if (memmem(b->ptr + body, b->len - body, "l_loop", 6))
		return;
	memset(b->ptr + o->loop_at, ' ', o->loop_len);
}

static int stmt_for(struct compiler *c, struct lexer *lx, int line)
{
	struct tok names[2];
	int nnames = 0;
	for (;;) {
		if (lx->tok.kind != T_NAME || lex_is_reserved(&lx->tok))
			return compiler_fail(c, lx->tok.line, "'for' needs a variable name");
		names[nnames++] = lx->tok;
		lex_next(lx);
		if (nnames < 2 && lex_is_op(lx, ",")) {
			lex_next(lx);
			continue;
		}
		break;
	}
	if (!lex_is_kw(lx, "in"))
		return compiler_fail(c, lx->tok.line, "'for' needs 'in'");
	lex_next(lx);
	struct buf e = BUF_INIT;
	if (expr_compile(lx, &e) < 0) {
		buf_release(&e);
		return -1;
	}
	int n = ++c->ntmp;
	struct buf *o = c->out;
	sync(c, line);
	buf_addf(o, " do local _s%d=%s(%s);local _n%d=#_s%d;if _n%d>0 then for _i%d=1,_n%d do ",
		 n, nnames == 2 ? "ITEMS" : "LIST", e.ptr, n, n, n, n, n);
	size_t loop_at = o->len;
	buf_addf(o, "local l_loop=LOOP(_i%d,_n%d);", n, n);
	size_t loop_len = o->len - loop_at;
	buf_release(&e);
	if (nnames == 2)
		buf_addf(o, "local _p%d=_s%d[_i%d];local l_%.*s,l_%.*s=_p%d[1],_p%d[2];", n, n, n,
			 (int)names[0].len, names[0].s, (int)names[1].len, names[1].s, n, n);
	else
		buf_addf(o, "local l_%.*s=_s%d[_i%d];", (int)names[0].len, names[0].s, n, n);
	struct open_tag *ot = open_push(c, O_FOR, line);
	ot->loop_buf = o;
	ot->loop_at = loop_at;
	ot->loop_len = loop_len;
	scope_open(c);
	var_push(c, "loop", 4, false);
	for (int i = 0; i < nnames; i++)
		var_push(c, names[i].s, names[i].len, false);
	return 0;
}

static int stmt_block(struct compiler *c, struct lexer *lx, int line)
{
	if (lx->tok.kind != T_NAME)
		return compiler_fail(c, lx->tok.line, "'block' needs a name");
	struct tok name = lx->tok;
	lex_next(lx);
	if (lx->tok.kind != T_END)
		return lex_unexpected(lx);
	for (size_t i = 0; i < c->nblocks; i++)
		if (c->blocks[i].n == name.len && memcmp(c->blocks[i].s, name.s, name.len) == 0)
			return compiler_fail(c, line, "block '%.*s' defined twice", (int)name.len, name.s);
	ALLOC_GROW(c->blocks, c->nblocks + 1, c->blocks_cap);
	c->blocks[c->nblocks].s = name.s;
	c->blocks[c->nblocks].n = name.len;
	c->nblocks++;
	struct open_tag *o = open_push(c, O_BLOCK, line);
	o->name = name.s;
	o->namelen = name.len;
	o->render = !dropping(c);
	if (c->child && c->block_depth == 0)
		memset(&c->html, 0, sizeof(c->html)); /* we cannot know the parent's context */
	c->block_depth++;
	sync(c, line);
	buf_puts(c->out, " DEFB(BL,");
	compiler_lua_quote(c->out, name.s, name.len);
	buf_puts(c->out, ",TN,function(ctx,out,BL,depth,lvl)");
	scope_open(c);
	return 0;
}

static int stmt_endblock(struct compiler *c, struct lexer *lx, int line)
{
	struct open_tag *o = open_top(c, O_BLOCK, "endblock", line);
	if (!o)
		return -1;
	if (lx->tok.kind == T_NAME &&
	    (lx->tok.len != o->namelen || memcmp(lx->tok.s, o->name, o->namelen) != 0))
		return compiler_fail(c, line, "'endblock %.*s' does not match 'block %.*s' opened at line %d",
			    (int)lx->tok.len, lx->tok.s, (int)o->namelen, o->name, o->line);
	if (lx->tok.kind == T_NAME)
		lex_next(lx);
	if (lx->tok.kind != T_END)
		return lex_unexpected(lx);
	scope_close(c);
	sync(c, line);
	buf_puts(c->out, " end);");
	if (o->render) {
		buf_puts(c->out, "BLK(BL,");
		compiler_lua_quote(c->out, o->name, o->namelen);
		buf_puts(c->out, ",ctx,out,depth);");
	}
	c->block_depth--;
	c->nopens--;
	return 0;
}

static int stmt_include(struct compiler *c, struct lexer *lx, int line)
{
	struct buf name = BUF_INIT;
	if (string_arg(c, lx, "include", &name) < 0) {
		buf_release(&name);
		return -1;
	}
	add_dep(c, name.ptr, line);
	sync(c, line);
	buf_puts(c->out, " INC(");
	compiler_lua_quote(c->out, name.ptr, name.len);
	if (c->nvars) {
		/* the includer's variables are visible, over the context */
		buf_puts(c->out, ",WITH(ctx,{");
		for (size_t i = 0; i < c->nvars; i++)
			buf_addf(c->out, "%s[\"%.*s\"]=l_%.*s", i ? "," : "", (int)c->vars[i].len,
				 c->vars[i].name, (int)c->vars[i].len, c->vars[i].name);
		buf_puts(c->out, "}),out,depth);");
	} else {
		buf_puts(c->out, ",ctx,out,depth);");
	}
	buf_release(&name);
	return 0;
}

static int stmt_set(struct compiler *c, struct lexer *lx, int line)
{
	if (lx->tok.kind != T_NAME || lex_is_reserved(&lx->tok))
		return compiler_fail(c, lx->tok.line, "'set' needs a variable name");
	struct tok name = lx->tok;
	lex_next(lx);
	if (lex_expect_op(lx, "=") < 0)
		return -1;
	struct buf e = BUF_INIT;
	if (expr_compile(lx, &e) < 0) {
		buf_release(&e);
		return -1;
	}
	struct scope *s = &c->scopes[c->nscopes - 1];
	if (compiler_var_find(c, name.s, name.len, s->var_base, c->nvars) < 0)
		var_push(c, name.s, name.len, true);
	sync(c, line);
	buf_addf(c->out, " l_%.*s=%s;", (int)name.len, name.s, e.ptr);
	buf_release(&e);
	return 0;
}

/* One {% … %}: [s, e) is its content, without the delimiters. */
static int statement(struct compiler *c, const char *s, const char *e, int line)
{
	struct lexer lx;
	lex_init(&lx, c, s, e, line);
	if (c->failed)
		return -1;
	if (lx.tok.kind != T_NAME)
		return compiler_fail(c, line, "a tag name is expected after '{%%'");
	struct tok word = lx.tok;
	lex_next(&lx);
	struct buf ex = BUF_INIT;
	int ret = 0;
	bool is_extends = lex_tok_is(&word, T_NAME, "extends");
	if (!is_extends)
		c->seen_content = true;

	if (lex_tok_is(&word, T_NAME, "if") || lex_tok_is(&word, T_NAME, "elif") ||
	    lex_tok_is(&word, T_NAME, "elseif")) {
		bool is_if = lex_tok_is(&word, T_NAME, "if");
		struct open_tag *o = NULL;
		if (!is_if) {
			o = open_top(c, O_IF, "elif", line);
			if (!o)
				return -1;
			if (o->has_else)
				return compiler_fail(c, line, "'elif' after 'else'");
		}
		if (expr_compile(&lx, &ex) < 0) {
			ret = -1;
		} else {
			if (is_if)
				open_push(c, O_IF, line);
			sync(c, line);
			buf_addf(c->out, is_if ? " if TV(%s) then" : " elseif TV(%s) then", ex.ptr);
		}
	} else if (lex_tok_is(&word, T_NAME, "else")) {
		if (lx.tok.kind != T_END)
			return lex_unexpected(&lx);
		if (c->nopens == 0)
			return compiler_fail(c, line, "'else' without 'if' or 'for'");
		struct open_tag *o = &c->opens[c->nopens - 1];
		if (o->kind == O_BLOCK)
			return compiler_fail(c, line, "'else' inside 'block' opened at line %d", o->line);
		if (o->has_else)
			return compiler_fail(c, line, "second 'else' for '%s' opened at line %d",
				    open_names[o->kind], o->line);
		o->has_else = true;
		if (o->kind == O_FOR) {
			scope_close(c);
			sync(c, line);
			buf_puts(c->out, " end else");
		} else {
			sync(c, line);
			buf_puts(c->out, " else");
		}
	} else if (lex_tok_is(&word, T_NAME, "endif")) {
		if (lx.tok.kind != T_END)
			return lex_unexpected(&lx);
		if (!open_top(c, O_IF, "endif", line))
			return -1;
		c->nopens--;
		sync(c, line);
		buf_puts(c->out, " end");
	} else if (lex_tok_is(&word, T_NAME, "for")) {
		ret = stmt_for(c, &lx, line);
	} else if (lex_tok_is(&word, T_NAME, "endfor")) {
		if (lx.tok.kind != T_END)
			return lex_unexpected(&lx);
		struct open_tag *o = open_top(c, O_FOR, "endfor", line);
		if (!o)
			return -1;
		if (!o->has_else)
			scope_close(c);
		drop_unused_loop(c, o);
		sync(c, line);
		buf_puts(c->out, o->has_else ? " end end" : " end end end");
		c->nopens--;
	} else if (lex_tok_is(&word, T_NAME, "set")) {
		ret = stmt_set(c, &lx, line);
	} else if (lex_tok_is(&word, T_NAME, "include")) {
		ret = stmt_include(c, &lx, line);
	} else if (is_extends) {
		if (c->child)
			return compiler_fail(c, line, "'extends' used twice");
		if (c->seen_content)
			return compiler_fail(c, line, "'extends' must come first in the template");
		if (string_arg(c, &lx, "extends", &ex) < 0) {
			ret = -1;
		} else {
			c->child = true;
			c->extends = xstrdup(ex.ptr);
			add_dep(c, ex.ptr, line);
		}
	} else if (lex_tok_is(&word, T_NAME, "block")) {
		ret = stmt_block(c, &lx, line);
	} else if (lex_tok_is(&word, T_NAME, "endblock")) {
		ret = stmt_endblock(c, &lx, line);
	} else {
		ret = compiler_fail(c, line, "unknown tag '%.*s'", (int)(word.len > 40 ? 40 : word.len),
			   word.s);
	}
	buf_release(&ex);
	if (ret == 0 && c->nopens > MAX_NEST)
		return compiler_fail(c, line, "tags nested too deeply");
	return ret;
}

/* One {{ … }}. */
static int output(struct compiler *c, const char *s, const char *e, int line)
{
	struct lexer lx;
	struct buf ex = BUF_INIT;
	c->seen_content = true;
	lex_init(&lx, c, s, e, line);
	int ret = c->failed ? -1 : expr_compile(&lx, &ex);
	if (ret == 0 && !dropping(c)) {
		enum esc k = html_escaper(&c->html);
		sync(c, line);
		buf_addf(c->out, " out[#out+1]=%s(%s);", esc_fn[k], ex.ptr);
	}
	buf_release(&ex);
	return ret;
}

static void text(struct compiler *c, const char *s, size_t n, bool ltrim, bool rtrim, int line)
{
	if (ltrim)
		while (n && is_space(*s)) {
			if (*s == '\n')
				line++;
			s++;
			n--;
		}
	if (rtrim)
		while (n && is_space(s[n - 1]))
			n--;
	if (!n)
		return;
	for (size_t i = 0; i < n; i++)
		if (!is_space(s[i])) {
			c->seen_content = true;
			break;
		}
	if (dropping(c))
		return;
	html_feed(&c->html, s, n);
	sync(c, line);
	buf_puts(c->out, " out[#out+1]=");
	compiler_lua_quote(c->out, s, n);
	buf_putc(c->out, ';');
}

static int count_lines(const char *s, size_t n)
{
	int k = 0;
	for (const char *p = s; (p = memchr(p, '\n', n - (size_t)(p - s))); p++)
		k++;
	return k;
}

/* End of a {{ or {% tag starting at i (after the opener), skipping quoted
 * strings; returns the offset of the closer or len. */
static size_t tag_end(const char *src, size_t len, size_t i, char closer)
{
	while (i + 1 < len) {
		char ch = src[i];
		if (ch == '"' || ch == '\'') {
			size_t j = i + 1;
			while (j < len && src[j] != ch) {
				if (src[j] == '\\')
					j++;
				j++;
			}
			if (j >= len)
				return len;
			i = j + 1;
			continue;
		}
		if (ch == closer && src[i + 1] == '}')
			return i;
		i++;
	}
	return len;
}

static void compile_all(struct compiler *c)
{
	const char *src = c->src;
	size_t len = c->len, pos = 0;
	int line = 1;
	bool trim_next = false;

	buf_puts(c->out, "local R=...;local E,EQ,EU,EUQ,EJ,IDX,V,TV,CAT,IN,LIST,ITEMS,LOOP,FL,INC,"
			 "EXT,DEFB,BLK,SUPER,WITH=R.E,R.EQ,R.EU,R.EUQ,R.EJ,R.IDX,R.V,R.TV,R.CAT,"
			 "R.IN,R.LIST,R.ITEMS,R.LOOP,R.FL,R.INC,R.EXT,R.DEFB,R.BLK,R.SUPER,"
			 "R.WITH;local CALL,VI=R.CALL,R.VI;local TN=");
	compiler_lua_quote(c->out, c->name, strlen(c->name));
	buf_puts(c->out, ";return function(ctx,out,BL,depth)");
	c->lua_line = 1;
	scope_open(c);

	while (pos < len && !c->failed) {
		size_t t = pos;
		while (t + 1 < len && !(src[t] == '{' && src[t + 1] && strchr("{%#", src[t + 1])))
			t++;
		if (t + 1 >= len)
			t = len;
		bool has_tag = t < len;
		bool ltrim_tag = has_tag && t + 2 < len && src[t + 2] == '-';
		text(c, src + pos, t - pos, trim_next, ltrim_tag, line);
		line += count_lines(src + pos, t - pos);
		if (!has_tag)
			break;

		char kind = src[t + 1];
		size_t cs = t + 2 + (ltrim_tag ? 1 : 0), end;
		if (kind == '#') {
			const char *close = NULL;
			for (size_t i = cs; i + 1 < len; i++)
				if (src[i] == '#' && src[i + 1] == '}') {
					close = src + i;
					break;
				}
			end = close ? (size_t)(close - src) : len;
		} else {
			end = tag_end(src, len, cs, kind == '{' ? '}' : '%');
		}
		if (end >= len) {
			compiler_fail(c, line, "unclosed '%.*s'", 2, src + t);
			break;
		}
		bool rtrim = end > cs && src[end - 1] == '-';
		size_t ce = rtrim ? end - 1 : end;
		if (kind == '{')
			output(c, src + cs, src + ce, line);
		else if (kind == '%')
			statement(c, src + cs, src + ce, line);
		line += count_lines(src + t, end + 2 - t);
		pos = end + 2;
		trim_next = rtrim;
	}
	if (!c->failed && c->nopens) {
		const struct open_tag *o = &c->opens[c->nopens - 1];
		compiler_fail(c, o->line, "'%s' opened here is never closed (missing 'end%s')",
		     open_names[o->kind], open_names[o->kind]);
	}
	if (c->failed)
		return;
	if (c->child) {
		sync(c, line);
		buf_puts(c->out, " EXT(");
		compiler_lua_quote(c->out, c->extends, strlen(c->extends));
		buf_puts(c->out, ",ctx,out,BL,depth);");
	}
	scope_close(c);
	buf_puts(c->out, " end\n");
}

void compiler_release(struct compiler *c)
{
	free(c->vars);
	free(c->scopes);
	free(c->opens);
	free(c->blocks);
	for (size_t i = 0; i < c->ndeps; i++)
		free(c->deps[i].target);
	free(c->deps);
	for (size_t i = 0; i < c->nuses; i++)
		free(c->uses[i].name);
	free(c->uses);
	free(c->extends);
}

int compiler_run(struct compiler *c, struct buf *lua_out, const char *name, const char *src,
		   size_t len, struct diag_list *diags)
{
	memset(c, 0, sizeof(*c));
	c->out = lua_out;
	c->name = name;
	c->src = src;
	c->len = len;
	c->diags = diags;
	size_t start = lua_out->len;
	compile_all(c);
	if (c->failed) {
		buf_setlen(lua_out, start);
		return -1;
	}
	return 0;
}

int template_compile(struct buf *lua_out, const char *name, const char *src, size_t len,
		     struct diag_list *diags)
{
	struct compiler c;
	int ret = compiler_run(&c, lua_out, name, src, len, diags);
	compiler_release(&c);
	return ret;
}
