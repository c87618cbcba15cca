/* utf8 — UTF-8 checks; see utf8.h. */
#include "base/utf8.h"

/* The bytes of the well-formed character at s, or 0; inlined in the scan
 * of whole texts, which calls it for every character past ASCII (a
 * Vietnamese text has one in four or five). The well-formed sequences of
 * Unicode's table 3-7: a lead byte, then continuation bytes, of which
 * only the first has a narrower range after E0, ED, F0 and F4 (no
 * overlong form, no surrogate, nothing past U+10FFFF); no code point is
 * computed. */
static inline size_t valid_prefix(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	if (len == 0)
		return 0;
	unsigned c = p[0];
	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	size_t n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (len < n)
		return 0;
	unsigned lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
	unsigned hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

size_t utf8_valid_prefix(const char *s, size_t len)
{
	return valid_prefix(s, len);
}

size_t utf8_first_invalid(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = valid_prefix(s + i, len - i);
		if (!n)
			return i;
		i += n;
	}
	return len;
}

bool utf8_valid(const char *s, size_t len)
{
	return utf8_first_invalid(s, len) == len;
}
