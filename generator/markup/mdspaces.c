/* mdspaces — see mdspaces.h. */
#include "markup/mdspaces.h"

#include "base/buf.h"
#include "base/str.h"

#include <string.h>

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The length of a destination at p (after "](") that needs brackets: up
 * to the ')' on the same line, with a space inside, ending in ".ext", and
 * none of the characters that make it something else (a title's quotes,
 * nested parentheses, brackets already there, an escape, a scheme). 0
 * when it is not one. */
static size_t spaced_dest(const char *p, const char *end)
{
	size_t n = 0;
	bool space = false;
	while (p + n < end && p[n] != ')') {
		char c = p[n];
		if (c == '\n' || c == '(' || c == '<' || c == '"' || c == '\'' || c == '\\' ||
		    c == ':' || c == '`')
			return 0;
		space |= c == ' ';
		n++;
	}
	if (p + n >= end || !space || p[0] == ' ' || p[n - 1] == ' ')
		return 0;
	size_t ext = 0;
	while (ext < n && is_alnum(p[n - 1 - ext]))
		ext++;
	if (ext < 2 || ext > 5 || ext + 1 >= n || p[n - 1 - ext] != '.')
		return 0;
	return n;
}

/* A fence line: up to three spaces, then ``` or ~~~. Its character. */
static char fence_of(const char *line, const char *end)
{
	size_t i = 0;
	while (i < 3 && line + i < end && line[i] == ' ')
		i++;
	if (line + i + 3 <= end && (line[i] == '`' || line[i] == '~') && line[i + 1] == line[i] &&
	    line[i + 2] == line[i])
		return line[i];
	return 0;
}

bool mdspaces_bracket(const char *src, size_t len, struct buf *out)
{
	const char *end = src + len, *copied = src, *line = src;
	char fence = 0;
	bool changed = false;
	if (!str_find(src, len, "](", 2))
		return false;
	while (line < end) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			eol = end;
		char f = fence_of(line, eol);
		if (fence) {
			if (f == fence)
				fence = 0;
		} else if (f) {
			fence = f;
		} else if (str_find(line, (size_t)(eol - line), "](", 2)) {
			/* only a line with "](" can change (most have none) */
			size_t tick_run = 0; /* inside a code span opened by this many backticks */
			for (const char *p = line; p < eol; p++) {
				if (*p == '`') {
					size_t run = 1;
					while (p + run < eol && p[run] == '`')
						run++;
					tick_run = tick_run == run ? 0 : tick_run ? tick_run : run;
					p += run - 1;
					continue;
				}
				if (tick_run || p + 1 >= eol || p[0] != ']' || p[1] != '(')
					continue;
				size_t n = spaced_dest(p + 2, eol);
				if (!n)
					continue;
				buf_add(out, copied, (size_t)(p + 2 - copied));
				buf_putc(out, '<');
				buf_add(out, p + 2, n);
				buf_putc(out, '>');
				copied = p + 2 + n;
				p = copied - 1;
				changed = true;
			}
		}
		line = eol < end ? eol + 1 : end;
	}
	if (changed)
		buf_add(out, copied, (size_t)(end - copied));
	return changed;
}
