/* bug — a broken invariant is a programmer's mistake, not bad content
 * (STYLE pattern 5): BUG() says where (file:line) and what, then aborts,
 * so the mistake is found where it happens instead of being papered over
 * (a reset Lua stack, a pool message that cannot be). Never for input a
 * user or a plugin can get wrong: that is a diagnostic. */
#ifndef LOA_BUG_H
#define LOA_BUG_H

/* Prints "loa: BUG: FILE:LINE: message" on standard error and aborts. */
_Noreturn void bug_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define BUG(...) bug_at(__FILE__, __LINE__, __VA_ARGS__)

#endif
