/* utf8 — validation of UTF-8 byte sequences (no allocation, no ICU). */
#ifndef LOA_UTF8_H
#define LOA_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length (1-4) of the valid UTF-8 character at s, or 0 if invalid
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
size_t utf8_valid_prefix(const char *s, size_t len);
/* Offset of the first invalid byte, or len when all of s is valid. */
size_t utf8_first_invalid(const char *s, size_t len);
bool utf8_valid(const char *s, size_t len);

#endif
