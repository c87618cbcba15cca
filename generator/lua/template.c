/* template — owns the template compiler (Jinja-like text to Lua source)
 * and struct theme: the compiled layouts of a theme loaded into a luavm,
 * with the runtime (escapers, filters) they call. Output escaping is chosen
 * at compile time from the HTML context of the literal text before each
 * {{ }} (text, attribute, URL attribute, script). */
#include "lua/template.h"

#include "base/buf.h"
#include "base/diag.h"
#include "base/sysutil.h"
#include "base/xalloc.h"
#include "lua/luavm.h"
#include "lua/template_runtime.h"

#include <lauxlib.h>
#include <lua.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SAFE_MT "loa.template.safe"
#define MAX_NEST 200       /* open tags and expression depth */
#define MAX_TEMPLATE_BYTES (8u << 20)
#define MAX_DIR_DEPTH 16

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
static const char *const esc_fn[] = { "E", "EQ", "EU", "EUQ", "EJ" };

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

static void html_append(char *dst, size_t *len, size_t cap, char c)
{
	if (*len + 1 < cap)
		dst[(*len)++] = lower(c);
	dst[*len] = '\0';
}

static void html_tag_end(struct html *h)
{
	h->state = H_DATA;
	if (h->closing)
		return;
	if (strcmp(h->tag, "script") == 0)
		h->state = H_SCRIPT;
	else if (strcmp(h->tag, "style") == 0)
		h->state = H_STYLE;
	else if (strcmp(h->tag, "title") == 0 || strcmp(h->tag, "textarea") == 0)
		h->state = H_RCDATA;
	if (h->state != H_DATA)
		h->raw = h->state;
}

static void html_start_attr(struct html *h, char c)
{
	h->state = H_ATTR_NAME;
	h->attrlen = 0;
	h->attr[0] = '\0';
	html_append(h->attr, &h->attrlen, sizeof(h->attr), c);
}

static void html_value_char(struct html *h, char c)
{
	h->value_empty = false;
	if (strcmp(h->attr, "type") == 0)
		html_append(h->type, &h->typelen, sizeof(h->type), c);
}

/* Does s (at i) close the raw-text element h->tag? */
static bool closes_raw(const struct html *h, const char *s, size_t i, size_t n)
{
	if (i + 2 >= n || s[i] != '<' || s[i + 1] != '/')
		return false;
	size_t k = 0;
	for (; h->tag[k]; k++)
		if (i + 2 + k >= n || lower(s[i + 2 + k]) != h->tag[k])
			return false;
	return i + 2 + k >= n || !is_alpha(s[i + 2 + k]);
}

static void html_feed(struct html *h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		switch (h->state) {
		case H_DATA:
			if (c == '<' && i + 3 < n && memcmp(s + i, "<!--", 4) == 0) {
				h->state = H_COMMENT;
				i += 3;
			} else if (c == '<' && i + 1 < n && (is_alpha(s[i + 1]) || s[i + 1] == '/')) {
				h->closing = s[i + 1] == '/';
				if (h->closing)
					i++;
				h->state = H_TAG_NAME;
				h->taglen = 0;
				h->tag[0] = '\0';
				h->typelen = 0;
				h->type[0] = '\0';
				h->attr[0] = '\0';
				h->attrlen = 0;
			}
			break;
		case H_RCDATA:
		case H_SCRIPT:
		case H_STYLE:
			if (closes_raw(h, s, i, n)) {
				h->closing = true;
				h->state = H_TAG_NAME;
				i++;
			}
			break;
		case H_COMMENT:
			if (c == '-' && i + 2 < n && s[i + 1] == '-' && s[i + 2] == '>') {
				h->state = H_DATA;
				i += 2;
			}
			break;
		case H_TAG_NAME:
			if (is_space(c) || c == '/')
				h->state = H_BEFORE_ATTR;
			else if (c == '>')
				html_tag_end(h);
			else if (!h->closing || h->taglen == 0 || h->raw == H_DATA)
				html_append(h->tag, &h->taglen, sizeof(h->tag), c);
			break;
		case H_BEFORE_ATTR:
			if (c == '>')
				html_tag_end(h);
			else if (!is_space(c) && c != '/')
				html_start_attr(h, c);
			break;
		case H_ATTR_NAME:
			if (is_space(c))
				h->state = H_AFTER_ATTR_NAME;
			else if (c == '=')
				h->state = H_BEFORE_VALUE;
			else if (c == '>')
				html_tag_end(h);
			else if (c == '/')
				h->state = H_BEFORE_ATTR;
			else
				html_append(h->attr, &h->attrlen, sizeof(h->attr), c);
			break;
		case H_AFTER_ATTR_NAME:
			if (c == '=')
				h->state = H_BEFORE_VALUE;
			else if (c == '>')
				html_tag_end(h);
			else if (c == '/')
				h->state = H_BEFORE_ATTR;
			else if (!is_space(c))
				html_start_attr(h, c);
			break;
		case H_BEFORE_VALUE:
			h->value_empty = true;
			if (c == '"') {
				h->state = H_VALUE_DQ;
			} else if (c == '\'') {
				h->state = H_VALUE_SQ;
			} else if (c == '>') {
				html_tag_end(h);
			} else if (!is_space(c)) {
				h->state = H_VALUE_UQ;
				html_value_char(h, c);
			}
			break;
		case H_VALUE_DQ:
		case H_VALUE_SQ:
			if (c == (h->state == H_VALUE_DQ ? '"' : '\''))
				h->state = H_BEFORE_ATTR;
			else
				html_value_char(h, c);
			break;
		case H_VALUE_UQ:
			if (is_space(c))
				h->state = H_BEFORE_ATTR;
			else if (c == '>')
				html_tag_end(h);
			else
				html_value_char(h, c);
			break;
		}
		if (h->state == H_DATA)
			h->raw = H_DATA;
	}
}

static bool is_url_attr(const char *a)
{
	static const char *const names[] = { "href",   "src",  "action",     "formaction",
					     "poster", "cite", "data",       "srcset",
					     "background", "xlink:href", "manifest", "ping",
					     "longdesc", NULL };
	for (const char *const *n = names; *n; n++)
		if (strcmp(a, *n) == 0)
			return true;
	return false;
}

/* The escaper for a {{ }} at the current point; marks the attribute value
 * as started. */
static enum esc html_escaper(struct html *h)
{
	enum esc e;
	bool quoted = false;
	switch (h->state) {
	case H_DATA:
	case H_RCDATA:
	case H_COMMENT:
	case H_STYLE:
		return ESC_TEXT;
	case H_SCRIPT:
		return ESC_JS;
	case H_TAG_NAME:
	case H_BEFORE_ATTR:
	case H_ATTR_NAME:
	case H_AFTER_ATTR_NAME:
		return ESC_UNQUOTED;
	case H_BEFORE_VALUE:
		h->state = H_VALUE_UQ;
		h->value_empty = true;
		break;
	case H_VALUE_UQ:
		break;
	case H_VALUE_DQ:
	case H_VALUE_SQ:
		quoted = true;
		break;
	}
	if (h->attr[0] == 'o' && h->attr[1] == 'n')
		e = ESC_JS; /* event handler: JS string escaping leaves no quote or & */
	else if (is_url_attr(h->attr) && h->value_empty)
		e = quoted ? ESC_URL : ESC_URL_UNQUOTED;
	else
		e = quoted ? ESC_TEXT : ESC_UNQUOTED;
	h->value_empty = false;
	return e;
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

static void add_use(struct compiler *c, const char *name, size_t len, int line, bool filter)
{
	ALLOC_GROW(c->uses, c->nuses + 1, c->uses_cap);
	c->uses[c->nuses].name = xstrndup(name, len);
	c->uses[c->nuses].line = line;
	c->uses[c->nuses].filter = filter;
	c->nuses++;
}

__attribute__((format(printf, 3, 4))) static int fail(struct compiler *c, int line,
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

static void lua_quote(struct buf *o, const char *s, size_t n)
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
static long var_find(const struct compiler *c, const char *name, size_t len, size_t from,
		     size_t to)
{
	for (size_t i = to; i > from; i--) {
		const struct var *v = &c->vars[i - 1];
		if (v->len == len && memcmp(v->name, name, len) == 0)
			return (long)(i - 1);
	}
	return -1;
}

static void emit_name(struct buf *o, const struct compiler *c, const char *name, size_t len,
		      size_t visible)
{
	if (var_find(c, name, len, 0, visible) >= 0)
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
		emit_name(&inits, c, v->name, v->len, s->var_base);
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

static void lex_next(struct lexer *lx)
{
	struct tok *t = &lx->tok;
	while (lx->p < lx->end && is_space(*lx->p)) {
		if (*lx->p == '\n')
			lx->line++;
		lx->p++;
	}
	t->line = lx->line;
	t->s = lx->p;
	t->len = 0;
	if (lx->p >= lx->end) {
		t->kind = T_END;
		return;
	}
	const char *p = lx->p;
	char ch = *p;
	if (is_alpha(ch) || ch == '_') {
		while (p < lx->end && (is_alpha(*p) || is_digit(*p) || *p == '_'))
			p++;
		t->kind = T_NAME;
	} else if (is_digit(ch)) {
		while (p < lx->end && is_digit(*p))
			p++;
		if (p + 1 < lx->end && *p == '.' && is_digit(p[1])) {
			p++;
			while (p < lx->end && is_digit(*p))
				p++;
		}
		if (p < lx->end && (*p == 'e' || *p == 'E')) {
			const char *q = p + 1;
			if (q < lx->end && (*q == '+' || *q == '-'))
				q++;
			if (q < lx->end && is_digit(*q)) {
				while (q < lx->end && is_digit(*q))
					q++;
				p = q;
			}
		}
		t->kind = T_NUM;
	} else if (ch == '"' || ch == '\'') {
		p++;
		while (p < lx->end && *p != ch) {
			if (*p == '\\' && p + 1 < lx->end)
				p++;
			if (*p == '\n')
				lx->line++;
			p++;
		}
		if (p >= lx->end) {
			fail(lx->c, t->line, "unterminated string in expression");
			t->kind = T_END;
			lx->p = lx->end;
			return;
		}
		p++;
		t->kind = T_STR;
	} else {
		static const char *const two[] = { "==", "!=", "<=", ">=", "//", NULL };
		t->kind = T_OP;
		p++;
		for (const char *const *op = two; *op; op++)
			if (lx->p + 1 < lx->end && lx->p[0] == (*op)[0] && lx->p[1] == (*op)[1])
				p = lx->p + 2;
		if (p == lx->p + 1 && !strchr("()[]{}.,:|~+-*/%<>=", ch)) {
			fail(lx->c, t->line, "bad expression: unexpected character '%c'", ch);
			t->kind = T_END;
			lx->p = lx->end;
			return;
		}
	}
	t->len = (size_t)(p - lx->p);
	lx->p = p;
}

static bool tok_is(const struct tok *t, enum tok_kind k, const char *s)
{
	return t->kind == k && t->len == strlen(s) && memcmp(t->s, s, t->len) == 0;
}

static bool is_op(const struct lexer *lx, const char *s)
{
	return tok_is(&lx->tok, T_OP, s);
}

static bool is_kw(const struct lexer *lx, const char *s)
{
	return tok_is(&lx->tok, T_NAME, s);
}

static int unexpected(struct lexer *lx)
{
	if (lx->tok.kind == T_END)
		return fail(lx->c, lx->tok.line, "bad expression: unexpected end");
	return fail(lx->c, lx->tok.line, "bad expression: unexpected '%.*s'",
		    (int)(lx->tok.len > 40 ? 40 : lx->tok.len), lx->tok.s);
}

static int expect_op(struct lexer *lx, const char *op)
{
	if (!is_op(lx, op))
		return fail(lx->c, lx->tok.line, "bad expression: expected '%s'%s%.*s%s", op,
			    lx->tok.kind == T_END ? "" : " before '",
			    (int)(lx->tok.len > 40 ? 40 : lx->tok.len), lx->tok.s,
			    lx->tok.kind == T_END ? "" : "'");
	lex_next(lx);
	return 0;
}

/* Decodes a string token's escapes into o (raw bytes). */
static void decode_string(struct buf *o, const struct tok *t)
{
	const char *s = t->s + 1, *e = t->s + t->len - 1;
	while (s < e) {
		if (*s != '\\' || s + 1 >= e) {
			buf_putc(o, *s++);
			continue;
		}
		char ch = s[1];
		s += 2;
		switch (ch) {
		case 'n': buf_putc(o, '\n'); break;
		case 't': buf_putc(o, '\t'); break;
		case 'r': buf_putc(o, '\r'); break;
		case 'u': {
			unsigned cp = 0;
			int k = 0;
			for (; k < 4 && s < e; k++, s++) {
				char h = lower(*s);
				if (is_digit(h))
					cp = cp * 16 + (unsigned)(h - '0');
				else if (h >= 'a' && h <= 'f')
					cp = cp * 16 + (unsigned)(h - 'a' + 10);
				else
					break;
			}
			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = 0xFFFD;
			if (cp < 0x80) {
				buf_putc(o, (char)cp);
			} else if (cp < 0x800) {
				buf_putc(o, (char)(0xC0 | (cp >> 6)));
				buf_putc(o, (char)(0x80 | (cp & 0x3F)));
			} else {
				buf_putc(o, (char)(0xE0 | (cp >> 12)));
				buf_putc(o, (char)(0x80 | ((cp >> 6) & 0x3F)));
				buf_putc(o, (char)(0x80 | (cp & 0x3F)));
			}
			break;
		}
		default: buf_putc(o, ch); break; /* \\ \' \" and the rest */
		}
	}
}

/* ---- expression parser: recursive descent, emitting Lua ----------------- */

static int parse_expr(struct lexer *lx, struct buf *o);

static int enter(struct lexer *lx)
{
	if (++lx->depth > MAX_NEST)
		return fail(lx->c, lx->tok.line, "bad expression: nested too deeply");
	return 0;
}

/* ( args ) after the '(' was seen; emits "(a,b)" */
static int parse_args(struct lexer *lx, struct buf *o, bool leading_comma)
{
	bool first = !leading_comma;
	while (!is_op(lx, ")")) {
		if (!first)
			buf_putc(o, ',');
		first = false;
		if (parse_expr(lx, o) < 0)
			return -1;
		if (!is_op(lx, ","))
			break;
		lex_next(lx);
	}
	return expect_op(lx, ")");
}

static const struct open_tag *innermost_block(const struct compiler *c)
{
	for (size_t i = c->nopens; i > 0; i--)
		if (c->opens[i - 1].kind == O_BLOCK)
			return &c->opens[i - 1];
	return NULL;
}

static bool is_reserved(const struct tok *t)
{
	static const char *const kw[] = { "and", "or",	 "not",	 "in",	  "is",	   "if",
					  "else", "true", "false", "none", "nil", "True",
					  "False", "None", NULL };
	for (const char *const *k = kw; *k; k++)
		if (tok_is(t, T_NAME, *k))
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
		decode_string(&s, &t);
		lua_quote(o, s.ptr, s.len);
		buf_release(&s);
		lex_next(lx);
		return 0;
	}
	if (t.kind == T_NAME) {
		if (tok_is(&t, T_NAME, "true") || tok_is(&t, T_NAME, "True")) {
			buf_puts(o, "true");
		} else if (tok_is(&t, T_NAME, "false") || tok_is(&t, T_NAME, "False")) {
			buf_puts(o, "false");
		} else if (tok_is(&t, T_NAME, "none") || tok_is(&t, T_NAME, "None") ||
			   tok_is(&t, T_NAME, "nil")) {
			buf_puts(o, "nil");
		} else if (is_reserved(&t)) {
			return unexpected(lx);
		} else if (tok_is(&t, T_NAME, "super")) {
			lex_next(lx);
			const struct open_tag *b = innermost_block(c);
			if (!b)
				return fail(c, t.line, "super() outside a block");
			if (expect_op(lx, "(") < 0 || expect_op(lx, ")") < 0)
				return -1;
			buf_puts(o, "SUPER(BL,");
			lua_quote(o, b->name, b->namelen);
			buf_puts(o, ",lvl,ctx,depth)");
			return 0;
		} else {
			emit_name(o, c, t.s, t.len, c->nvars);
			if (var_find(c, t.s, t.len, 0, c->nvars) < 0) {
				c->free_name = t.s;
				c->free_len = t.len;
			}
		}
		lex_next(lx);
		return 0;
	}
	if (is_op(lx, "(")) {
		lex_next(lx);
		buf_putc(o, '(');
		if (parse_expr(lx, o) < 0)
			return -1;
		buf_putc(o, ')');
		return expect_op(lx, ")");
	}
	if (is_op(lx, "[")) {
		lex_next(lx);
		buf_putc(o, '{');
		bool first = true;
		while (!is_op(lx, "]")) {
			if (!first)
				buf_putc(o, ',');
			first = false;
			if (parse_expr(lx, o) < 0)
				return -1;
			if (!is_op(lx, ","))
				break;
			lex_next(lx);
		}
		buf_putc(o, '}');
		return expect_op(lx, "]");
	}
	if (is_op(lx, "{")) {
		lex_next(lx);
		buf_putc(o, '{');
		bool first = true;
		while (!is_op(lx, "}")) {
			if (!first)
				buf_putc(o, ',');
			first = false;
			buf_putc(o, '[');
			if (parse_expr(lx, o) < 0)
				return -1;
			buf_puts(o, "]=");
			if (expect_op(lx, ":") < 0 || parse_expr(lx, o) < 0)
				return -1;
			if (!is_op(lx, ","))
				break;
			lex_next(lx);
		}
		buf_putc(o, '}');
		return expect_op(lx, "}");
	}
	return unexpected(lx);
}

/* primary ( .name | [expr] | (args) )* */
static int parse_postfix(struct lexer *lx, struct buf *o)
{
	struct buf cur = BUF_INIT;
	lx->c->free_name = NULL;
	int ret = parse_primary(lx, &cur);
	/* `f(...)` with f free: only the first postfix calls the name itself */
	if (ret == 0 && lx->c->free_name && is_op(lx, "("))
		add_use(lx->c, lx->c->free_name, lx->c->free_len, lx->tok.line, false);
	lx->c->free_name = NULL;
	while (ret == 0) {
		if (is_op(lx, ".")) {
			lex_next(lx);
			if (lx->tok.kind != T_NAME && lx->tok.kind != T_NUM) {
				ret = fail(lx->c, lx->tok.line, "bad expression: expected a name after '.'");
				break;
			}
			struct buf n = BUF_INIT;
			buf_puts(&n, "IDX(");
			buf_add(&n, cur.ptr, cur.len);
			buf_putc(&n, ',');
			if (lx->tok.kind == T_NUM)
				buf_add(&n, lx->tok.s, lx->tok.len);
			else
				lua_quote(&n, lx->tok.s, lx->tok.len);
			buf_putc(&n, ')');
			buf_release(&cur);
			cur = n;
			lex_next(lx);
		} else if (is_op(lx, "[")) {
			lex_next(lx);
			struct buf n = BUF_INIT;
			buf_puts(&n, "IDX(");
			buf_add(&n, cur.ptr, cur.len);
			buf_putc(&n, ',');
			buf_release(&cur);
			cur = n;
			if ((ret = parse_expr(lx, &cur)) < 0 || (ret = expect_op(lx, "]")) < 0)
				break;
			buf_putc(&cur, ')');
		} else if (is_op(lx, "(")) {
			/* "(callee)(args)": Lua cannot call a literal directly, and
			 * `{'k': v}(1)` or `"s"(1)` would otherwise compile to Lua
			 * that does not parse (found by tests/fuzz/fuzz_template) */
			lex_next(lx);
			struct buf n = BUF_INIT;
			buf_putc(&n, '(');
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
	while (ret == 0 && is_op(lx, "|")) {
		lex_next(lx);
		if (lx->tok.kind != T_NAME) {
			ret = fail(lx->c, lx->tok.line, "bad expression: expected a filter name after '|'");
			break;
		}
		add_use(lx->c, lx->tok.s, lx->tok.len, lx->tok.line, true);
		struct buf n = BUF_INIT;
		buf_puts(&n, "FL(");
		lua_quote(&n, lx->tok.s, lx->tok.len);
		buf_puts(&n, ")(");
		buf_add(&n, cur.ptr, cur.len);
		buf_release(&cur);
		cur = n;
		lex_next(lx);
		if (is_op(lx, "(")) {
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
	if (is_op(lx, "-")) {
		lex_next(lx);
		buf_puts(o, "(-");
		ret = parse_unary(lx, o);
		buf_putc(o, ')');
	} else if (is_op(lx, "+")) {
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
	while (ret == 0 && (is_op(lx, "*") || is_op(lx, "/") || is_op(lx, "//") || is_op(lx, "%"))) {
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
	while (ret == 0 && is_op(lx, "~")) {
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
	while (ret == 0 && (is_op(lx, "+") || is_op(lx, "-"))) {
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
		if (is_op(lx, "=="))
			lua_op = "==";
		else if (is_op(lx, "!="))
			lua_op = "~=";
		else if (is_op(lx, "<") || is_op(lx, ">") || is_op(lx, "<=") || is_op(lx, ">="))
			lua_op = "";
		else if (is_kw(lx, "in"))
			in = true;
		else if (is_kw(lx, "not") && lx->p < lx->end) {
			/* "not in": peek at the next word */
			struct lexer peek = *lx;
			lex_next(&peek);
			if (!tok_is(&peek.tok, T_NAME, "in"))
				break;
			lex_next(lx);
			not_in = true;
		} else if (is_kw(lx, "is")) {
			ret = fail(lx->c, lx->tok.line, "bad expression: 'is' tests are not supported");
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
	if (is_kw(lx, "not")) {
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
	while (ret == 0 && is_kw(lx, kw)) {
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

static void lexer_init(struct lexer *lx, struct compiler *c, const char *s, const char *e,
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
static int compile_expr(struct lexer *lx, struct buf *o)
{
	if (lx->tok.kind == T_END)
		return fail(lx->c, lx->tok.line, "bad expression: expression expected");
	if (parse_expr(lx, o) < 0)
		return -1;
	if (lx->tok.kind != T_END)
		return unexpected(lx);
	return 0;
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
		fail(c, line, "'%s' without '%s'", word, open_names[k]);
		return NULL;
	}
	struct open_tag *o = &c->opens[c->nopens - 1];
	if (o->kind != k) {
		fail(c, line, "'%s' does not match '%s' opened at line %d", word,
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
		return fail(c, lx->tok.line, "'%s' needs a template name in quotes", word);
	decode_string(s, &lx->tok);
	lex_next(lx);
	if (lx->tok.kind != T_END)
		return unexpected(lx);
	if (s->len == 0 || strstr(s->ptr, "..") || s->ptr[0] == '/' || memchr(s->ptr, 0, s->len))
		return fail(c, lx->tok.line, "'%s': bad template name '%s'", word, s->ptr);
	return 0;
}

static void add_dep(struct compiler *c, const char *target, int line)
{
	ALLOC_GROW(c->deps, c->ndeps + 1, c->deps_cap);
	c->deps[c->ndeps].target = xstrdup(target);
	c->deps[c->ndeps].line = line;
	c->ndeps++;
}

static int stmt_for(struct compiler *c, struct lexer *lx, int line)
{
	struct tok names[2];
	int nnames = 0;
	for (;;) {
		if (lx->tok.kind != T_NAME || is_reserved(&lx->tok))
			return fail(c, lx->tok.line, "'for' needs a variable name");
		names[nnames++] = lx->tok;
		lex_next(lx);
		if (nnames < 2 && is_op(lx, ",")) {
			lex_next(lx);
			continue;
		}
		break;
	}
	if (!is_kw(lx, "in"))
		return fail(c, lx->tok.line, "'for' needs 'in'");
	lex_next(lx);
	struct buf e = BUF_INIT;
	if (compile_expr(lx, &e) < 0) {
		buf_release(&e);
		return -1;
	}
	int n = ++c->ntmp;
	struct buf *o = c->out;
	sync(c, line);
	buf_addf(o, " do local _s%d=%s(%s);local _n%d=#_s%d;if _n%d>0 then for _i%d=1,_n%d do "
		    "local l_loop=LOOP(_i%d,_n%d);",
		 n, nnames == 2 ? "ITEMS" : "LIST", e.ptr, n, n, n, n, n, n, n);
	buf_release(&e);
	if (nnames == 2)
		buf_addf(o, "local _p%d=_s%d[_i%d];local l_%.*s,l_%.*s=_p%d[1],_p%d[2];", n, n, n,
			 (int)names[0].len, names[0].s, (int)names[1].len, names[1].s, n, n);
	else
		buf_addf(o, "local l_%.*s=_s%d[_i%d];", (int)names[0].len, names[0].s, n, n);
	open_push(c, O_FOR, line);
	scope_open(c);
	var_push(c, "loop", 4, false);
	for (int i = 0; i < nnames; i++)
		var_push(c, names[i].s, names[i].len, false);
	return 0;
}

static int stmt_block(struct compiler *c, struct lexer *lx, int line)
{
	if (lx->tok.kind != T_NAME)
		return fail(c, lx->tok.line, "'block' needs a name");
	struct tok name = lx->tok;
	lex_next(lx);
	if (lx->tok.kind != T_END)
		return unexpected(lx);
	for (size_t i = 0; i < c->nblocks; i++)
		if (c->blocks[i].n == name.len && memcmp(c->blocks[i].s, name.s, name.len) == 0)
			return fail(c, line, "block '%.*s' defined twice", (int)name.len, name.s);
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
	lua_quote(c->out, name.s, name.len);
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
		return fail(c, line, "'endblock %.*s' does not match 'block %.*s' opened at line %d",
			    (int)lx->tok.len, lx->tok.s, (int)o->namelen, o->name, o->line);
	if (lx->tok.kind == T_NAME)
		lex_next(lx);
	if (lx->tok.kind != T_END)
		return unexpected(lx);
	scope_close(c);
	sync(c, line);
	buf_puts(c->out, " end);");
	if (o->render) {
		buf_puts(c->out, "BLK(BL,");
		lua_quote(c->out, o->name, o->namelen);
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
	lua_quote(c->out, name.ptr, name.len);
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
	if (lx->tok.kind != T_NAME || is_reserved(&lx->tok))
		return fail(c, lx->tok.line, "'set' needs a variable name");
	struct tok name = lx->tok;
	lex_next(lx);
	if (expect_op(lx, "=") < 0)
		return -1;
	struct buf e = BUF_INIT;
	if (compile_expr(lx, &e) < 0) {
		buf_release(&e);
		return -1;
	}
	struct scope *s = &c->scopes[c->nscopes - 1];
	if (var_find(c, name.s, name.len, s->var_base, c->nvars) < 0)
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
	lexer_init(&lx, c, s, e, line);
	if (c->failed)
		return -1;
	if (lx.tok.kind != T_NAME)
		return fail(c, line, "a tag name is expected after '{%%'");
	struct tok word = lx.tok;
	lex_next(&lx);
	struct buf ex = BUF_INIT;
	int ret = 0;
	bool is_extends = tok_is(&word, T_NAME, "extends");
	if (!is_extends)
		c->seen_content = true;

	if (tok_is(&word, T_NAME, "if") || tok_is(&word, T_NAME, "elif") ||
	    tok_is(&word, T_NAME, "elseif")) {
		bool is_if = tok_is(&word, T_NAME, "if");
		struct open_tag *o = NULL;
		if (!is_if) {
			o = open_top(c, O_IF, "elif", line);
			if (!o)
				return -1;
			if (o->has_else)
				return fail(c, line, "'elif' after 'else'");
		}
		if (compile_expr(&lx, &ex) < 0) {
			ret = -1;
		} else {
			if (is_if)
				open_push(c, O_IF, line);
			sync(c, line);
			buf_addf(c->out, is_if ? " if TV(%s) then" : " elseif TV(%s) then", ex.ptr);
		}
	} else if (tok_is(&word, T_NAME, "else")) {
		if (lx.tok.kind != T_END)
			return unexpected(&lx);
		if (c->nopens == 0)
			return fail(c, line, "'else' without 'if' or 'for'");
		struct open_tag *o = &c->opens[c->nopens - 1];
		if (o->kind == O_BLOCK)
			return fail(c, line, "'else' inside 'block' opened at line %d", o->line);
		if (o->has_else)
			return fail(c, line, "second 'else' for '%s' opened at line %d",
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
	} else if (tok_is(&word, T_NAME, "endif")) {
		if (lx.tok.kind != T_END)
			return unexpected(&lx);
		if (!open_top(c, O_IF, "endif", line))
			return -1;
		c->nopens--;
		sync(c, line);
		buf_puts(c->out, " end");
	} else if (tok_is(&word, T_NAME, "for")) {
		ret = stmt_for(c, &lx, line);
	} else if (tok_is(&word, T_NAME, "endfor")) {
		if (lx.tok.kind != T_END)
			return unexpected(&lx);
		struct open_tag *o = open_top(c, O_FOR, "endfor", line);
		if (!o)
			return -1;
		if (!o->has_else)
			scope_close(c);
		sync(c, line);
		buf_puts(c->out, o->has_else ? " end end" : " end end end");
		c->nopens--;
	} else if (tok_is(&word, T_NAME, "set")) {
		ret = stmt_set(c, &lx, line);
	} else if (tok_is(&word, T_NAME, "include")) {
		ret = stmt_include(c, &lx, line);
	} else if (is_extends) {
		if (c->child)
			return fail(c, line, "'extends' used twice");
		if (c->seen_content)
			return fail(c, line, "'extends' must come first in the template");
		if (string_arg(c, &lx, "extends", &ex) < 0) {
			ret = -1;
		} else {
			c->child = true;
			c->extends = xstrdup(ex.ptr);
			add_dep(c, ex.ptr, line);
		}
	} else if (tok_is(&word, T_NAME, "block")) {
		ret = stmt_block(c, &lx, line);
	} else if (tok_is(&word, T_NAME, "endblock")) {
		ret = stmt_endblock(c, &lx, line);
	} else {
		ret = fail(c, line, "unknown tag '%.*s'", (int)(word.len > 40 ? 40 : word.len),
			   word.s);
	}
	buf_release(&ex);
	if (ret == 0 && c->nopens > MAX_NEST)
		return fail(c, line, "tags nested too deeply");
	return ret;
}

/* One {{ … }}. */
static int output(struct compiler *c, const char *s, const char *e, int line)
{
	struct lexer lx;
	struct buf ex = BUF_INIT;
	c->seen_content = true;
	lexer_init(&lx, c, s, e, line);
	int ret = c->failed ? -1 : compile_expr(&lx, &ex);
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
	lua_quote(c->out, s, n);
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
			 "R.WITH;local TN=");
	lua_quote(c->out, c->name, strlen(c->name));
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
			fail(c, line, "unclosed '%.*s'", 2, src + t);
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
		fail(c, o->line, "'%s' opened here is never closed (missing 'end%s')",
		     open_names[o->kind], open_names[o->kind]);
	}
	if (c->failed)
		return;
	if (c->child) {
		sync(c, line);
		buf_puts(c->out, " EXT(");
		lua_quote(c->out, c->extends, strlen(c->extends));
		buf_puts(c->out, ",ctx,out,BL,depth);");
	}
	scope_close(c);
	buf_puts(c->out, " end\n");
}

static void compiler_release(struct compiler *c)
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

static int compile(struct compiler *c, struct buf *lua_out, const char *name, const char *src,
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
	int ret = compile(&c, lua_out, name, src, len, diags);
	compiler_release(&c);
	return ret;
}

/* ---- themes ------------------------------------------------------------- */

struct layout {
	char *name;  /* relative to layouts/, e.g. "partials/header.html" */
	char *path;  /* file to read; NULL when src is given */
	char *chunk; /* name in errors, e.g. "themes/default/layouts/news.html" */
	const char *src; /* the template itself (theme_load_files), owned by the caller */
	size_t len;
	struct use *uses; /* filters and functions it calls, for theme_check */
	size_t nuses;
};

struct theme {
	struct luavm *vm;
	int rref; /* registry ref of the runtime table */
	struct layout *layouts;
	size_t n, cap;
};

static int layout_cmp(const void *a, const void *b)
{
	return strcmp(((const struct layout *)a)->name, ((const struct layout *)b)->name);
}

static const struct layout *find_layout(const struct theme *t, const char *name)
{
	struct layout key = { .name = (char *)name };
	return t->n ? bsearch(&key, t->layouts, t->n, sizeof(*t->layouts), layout_cmp) : NULL;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* "…/themes/NAME" → "themes/NAME", anything else as given */
static char *theme_label(const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	const char *base = dir + n;
	while (base > dir && base[-1] != '/')
		base--;
	const char *parent_end = base > dir ? base - 1 : dir;
	const char *parent = parent_end;
	while (parent > dir && parent[-1] != '/')
		parent--;
	if (base > dir && (size_t)(parent_end - parent) == 6 && memcmp(parent, "themes", 6) == 0)
		return xstrndup(parent, (size_t)(dir + n - parent));
	return xstrndup(dir, n);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void scan_dir(struct theme *t, const char *dir, const char *rel, const char *label,
		     size_t first_of_dir, int depth, struct diag_list *diags)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	char **names = NULL;
	size_t n = 0, cap = 0;
	const struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		ALLOC_GROW(names, n + 1, cap);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		char *r = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		struct stat st;
		/* lstat: symbolic links are not followed, so no loops */
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && depth < MAX_DIR_DEPTH) {
			scan_dir(t, path, r, label, first_of_dir, depth + 1, diags);
		} else if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && has_suffix(r, ".html")) {
			bool seen = false;
			/* an earlier folder wins; only those are searched */
			for (size_t k = 0; k < first_of_dir; k++)
				if (strcmp(t->layouts[k].name, r) == 0)
					seen = true;
			if (!seen) {
				ALLOC_GROW(t->layouts, t->n + 1, t->cap);
				struct layout *l = &t->layouts[t->n++];
				memset(l, 0, sizeof(*l));
				l->name = r;
				l->path = path;
				l->chunk = xasprintf("%s/layouts/%s", label, r);
				free(names[i]);
				continue;
			}
		}
		free(path);
		free(r);
		free(names[i]);
	}
	free(names);
}

void theme_free(struct theme *t)
{
	if (!t)
		return;
	if (t->rref != LUA_NOREF && t->vm)
		luaL_unref(luavm_state(t->vm), LUA_REGISTRYINDEX, t->rref);
	for (size_t i = 0; i < t->n; i++) {
		free(t->layouts[i].name);
		free(t->layouts[i].path);
		free(t->layouts[i].chunk);
		for (size_t k = 0; k < t->layouts[i].nuses; k++)
			free(t->layouts[i].uses[k].name);
		free(t->layouts[i].uses);
	}
	free(t->layouts);
	free(t);
}

/* Loads the runtime; leaves R on the stack. */
static int load_runtime(struct luavm *vm, struct diag_list *diags)
{
	lua_State *L = luavm_state(vm);
	luavm_new_env(vm);
	if (luavm_load(vm, "loa/template_runtime.lua", template_runtime_lua,
		       template_runtime_lua_len, diags) < 0)
		return -1;
	luaL_newmetatable(L, SAFE_MT); /* shared with template_push_safe */
	return luavm_call(vm, 1, 1, diags);
}

/* Compiles and loads one layout into R.templates. R is on top. */
static int load_layout(struct theme *t, const struct layout *l, int env_idx, struct dep **deps,
		       size_t *ndeps, struct diag_list *diags)
{
	lua_State *L = luavm_state(t->vm);
	struct buf src = BUF_INIT, lua = BUF_INIT;
	struct compiler c;
	int ret = -1;
	memset(&c, 0, sizeof(c));
	if (l->src && l->len > MAX_TEMPLATE_BYTES) {
		diag_error(diags, l->chunk, 0, 0, "cannot read template: %s", "too large");
		goto done;
	}
	if (l->src) {
		buf_add(&src, l->src, l->len);
	} else if (sys_read_file(l->path, MAX_TEMPLATE_BYTES, true, &src) < 0) {
		diag_error(diags, l->chunk, 0, 0, "cannot read template: %s",
			   errno ? strerror(errno) : "too large");
		goto done;
	}
	if (compile(&c, &lua, l->chunk, src.ptr, src.len, diags) < 0)
		goto done;
	lua_pushvalue(L, env_idx);
	if (luavm_load(t->vm, l->chunk, lua.ptr, lua.len, diags) < 0)
		goto done;
	lua_pushvalue(L, -2); /* R fn R */
	if (luavm_call(t->vm, 1, 1, diags) < 0)
		goto done;
	lua_getfield(L, -2, "templates"); /* R main templates */
	lua_insert(L, -2);
	lua_setfield(L, -2, l->name);
	lua_pop(L, 1);
	/* keep the targets to check once every layout is known */
	t->layouts[l - t->layouts].uses = c.uses;
	t->layouts[l - t->layouts].nuses = c.nuses;
	c.uses = NULL;
	c.nuses = 0;
	*deps = c.deps;
	*ndeps = c.ndeps;
	c.deps = NULL;
	c.ndeps = 0;
	ret = 0;
done:
	compiler_release(&c);
	buf_release(&src);
	buf_release(&lua);
	return ret;
}

static int load_layouts(struct theme *t, const char *where, struct diag_list *diags);

int theme_load(struct theme **out, struct luavm *vm, const char *const *dirs, size_t ndirs,
	       struct diag_list *diags)
{
	struct theme *t = xcalloc(1, sizeof(*t));
	t->vm = vm;
	t->rref = LUA_NOREF;
	*out = NULL;
	for (size_t i = 0; i < ndirs; i++) {
		char *label = theme_label(dirs[i]);
		char *layouts = xasprintf("%s/layouts", dirs[i]);
		scan_dir(t, layouts, "", label, t->n, 0, diags);
		free(layouts);
		free(label);
	}
	if (load_layouts(t, ndirs ? dirs[0] : "", diags) < 0)
		return -1;
	*out = t;
	return 0;
}

int theme_load_files(struct theme **out, struct luavm *vm, const struct theme_file *files,
		     size_t n, const char *where, struct diag_list *diags)
{
	struct theme *t = xcalloc(1, sizeof(*t));
	t->vm = vm;
	t->rref = LUA_NOREF;
	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		ALLOC_GROW(t->layouts, t->n + 1, t->cap);
		struct layout *l = &t->layouts[t->n++];
		memset(l, 0, sizeof(*l));
		l->name = xstrdup(files[i].name);
		l->chunk = xstrdup(files[i].label);
		l->src = files[i].src;
		l->len = files[i].len;
	}
	if (load_layouts(t, where, diags) < 0)
		return -1;
	for (size_t i = 0; i < t->n; i++)
		t->layouts[i].src = NULL; /* the caller's, gone after the call */
	*out = t;
	return 0;
}

/* Compiles and loads t's layouts; frees t on failure. */
static int load_layouts(struct theme *t, const char *where, struct diag_list *diags)
{
	lua_State *L = luavm_state(t->vm);
	struct luavm *vm = t->vm;
	int top = lua_gettop(L);
	int ret = -1;
	if (t->n == 0) {
		diag_error(diags, where, 0, 0, "theme: no layouts/*.html found");
		goto done;
	}
	qsort(t->layouts, t->n, sizeof(*t->layouts), layout_cmp);

	if (load_runtime(vm, diags) < 0)
		goto done;
	lua_pushvalue(L, -1);
	t->rref = luaL_ref(L, LUA_REGISTRYINDEX); /* R */
	luavm_new_env(vm);                        /* R env: shared by every layout */
	lua_insert(L, -2);                        /* env R */
	int env_idx = lua_gettop(L) - 1;
	size_t errors = diags->errors;
	for (size_t i = 0; i < t->n; i++) {
		struct dep *deps = NULL;
		size_t ndeps = 0;
		if (load_layout(t, &t->layouts[i], env_idx, &deps, &ndeps, diags) < 0)
			continue;
		for (size_t k = 0; k < ndeps; k++) {
			if (!find_layout(t, deps[k].target))
				diag_error(diags, t->layouts[i].chunk, deps[k].line, 0,
					   "template '%s' not found", deps[k].target);
			free(deps[k].target);
		}
		free(deps);
	}
	if (diags->errors == errors)
		ret = 0;
done:
	lua_settop(L, top);
	if (ret < 0)
		theme_free(t);
	return ret;
}

bool theme_has(const struct theme *t, const char *layout)
{
	return t && layout && find_layout(t, layout) != NULL;
}

void theme_layout_names(const struct theme *t, struct buf *out)
{
	/* layouts are sorted by name: the list reads the same every time */
	for (size_t i = 0; t && i < t->n; i++) {
		const char *name = t->layouts[i].name;
		size_t n = strlen(name);
		if (strchr(name, '/') || !has_suffix(name, ".html"))
			continue;
		if (out->len)
			buf_puts(out, ", ");
		buf_add(out, name, n - 5);
	}
}

struct render_args {
	const struct theme *t;
	const char *layout;
	struct buf *out;
};

/* Runs R.render(layout, ctx) protected; args: ctx, render_args. */
static int render_tramp(lua_State *L)
{
	struct render_args *a = lua_touserdata(L, 2);
	lua_rawgeti(L, LUA_REGISTRYINDEX, a->t->rref);
	lua_getfield(L, -1, "render");
	lua_pushstring(L, a->layout);
	lua_pushvalue(L, 1);
	lua_call(L, 2, 1);
	size_t len = 0;
	const char *s = lua_tolstring(L, -1, &len);
	if (s)
		buf_add(a->out, s, len); /* only now: a failed render appends nothing */
	return 0;
}

int theme_render(struct theme *t, const char *layout, struct buf *out, struct diag_list *diags)
{
	lua_State *L = luavm_state(t->vm);
	if (!theme_has(t, layout)) {
		lua_pop(L, 1);
		return diag_error(diags, "", 0, 0, "layout '%s' not found in the theme",
				  layout ? layout : "(null)");
	}
	struct render_args a = { t, layout, out };
	lua_pushcfunction(L, render_tramp);
	lua_insert(L, -2);
	lua_pushlightuserdata(L, &a);
	return luavm_call(t->vm, 2, 0, diags);
}

static void add_to(struct theme *t, const char *table, const char *name)
{
	lua_State *L = luavm_state(t->vm);
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->rref); /* v R */
	lua_getfield(L, -1, table);                 /* v R tbl */
	lua_rotate(L, -3, -1);                      /* R tbl v */
	lua_setfield(L, -2, name);
	lua_pop(L, 2);
}

void theme_add_filter(struct theme *t, const char *name)
{
	add_to(t, "filters", name);
}

int theme_check(struct theme *t, struct diag_list *diags)
{
	lua_State *L = luavm_state(t->vm);
	int known = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->rref);
	lua_getfield(L, -1, "filters");
	lua_getfield(L, -2, "globals");
	int filters = lua_gettop(L) - 1, globals = lua_gettop(L);
	int err = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct layout *l = &t->layouts[i];
		for (size_t k = 0; k < l->nuses; k++) {
			const struct use *u = &l->uses[k];
			bool found;
			if (u->filter) {
				found = lua_getfield(L, filters, u->name) != LUA_TNIL;
				lua_pop(L, 1);
			} else {
				found = lua_getfield(L, globals, u->name) != LUA_TNIL ||
					lua_getfield(L, known, u->name) != LUA_TNIL;
				lua_settop(L, globals);
			}
			if (!found && u->filter)
				err = diag_error(diags, l->chunk, u->line, 0, "unknown filter '%s'",
						 u->name);
			else if (!found)
				err = diag_error(diags, l->chunk, u->line, 0, "unknown function '%s'",
						 u->name);
		}
	}
	lua_settop(L, known - 1);
	return err;
}

void theme_add_global(struct theme *t, const char *name)
{
	add_to(t, "globals", name);
}

void theme_push_registered(struct theme *t, const char *table)
{
	lua_State *L = luavm_state(t->vm);
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->rref);
	lua_getfield(L, -1, table);
	lua_remove(L, -2);
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
