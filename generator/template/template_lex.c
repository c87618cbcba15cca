/* template_lex — the lexer of template expressions (inside {{ }} and
 * {% %}): names, numbers, quoted strings and operators. */
#include "template/template_internal.h"

#include "base/buf.h"

#include <string.h>

void lex_next(struct lexer *lx)
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
			compiler_fail(lx->c, t->line, "unterminated string in expression");
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
			compiler_fail(lx->c, t->line, "bad expression: unexpected character '%c'", ch);
			t->kind = T_END;
			lx->p = lx->end;
			return;
		}
	}
	t->len = (size_t)(p - lx->p);
	lx->p = p;
}

bool lex_tok_is(const struct tok *t, enum tok_kind k, const char *s)
{
	return t->kind == k && t->len == strlen(s) && memcmp(t->s, s, t->len) == 0;
}

bool lex_is_op(const struct lexer *lx, const char *s)
{
	return lex_tok_is(&lx->tok, T_OP, s);
}

bool lex_is_kw(const struct lexer *lx, const char *s)
{
	return lex_tok_is(&lx->tok, T_NAME, s);
}

int lex_unexpected(struct lexer *lx)
{
	if (lx->tok.kind == T_END)
		return compiler_fail(lx->c, lx->tok.line, "bad expression: unexpected end");
	return compiler_fail(lx->c, lx->tok.line, "bad expression: unexpected '%.*s'",
		    (int)(lx->tok.len > 40 ? 40 : lx->tok.len), lx->tok.s);
}

int lex_expect_op(struct lexer *lx, const char *op)
{
	if (!lex_is_op(lx, op))
		return compiler_fail(lx->c, lx->tok.line, "bad expression: expected '%s'%s%.*s%s", op,
			    lx->tok.kind == T_END ? "" : " before '",
			    (int)(lx->tok.len > 40 ? 40 : lx->tok.len), lx->tok.s,
			    lx->tok.kind == T_END ? "" : "'");
	lex_next(lx);
	return 0;
}

/* Decodes a string token's escapes into o (raw bytes). */
void lex_decode_string(struct buf *o, const struct tok *t)
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
