/* mdspaces — photo names with spaces in Markdown links.
 *
 * CommonMark allows no raw space in a link destination: `![Ảnh](ảnh lớp
 * học.jpg)` is not an image but text, and the raw Markdown would reach
 * the page. Teachers name files as they like, so such a destination that
 * ends in a file extension (a title would be quoted, so it cannot be one)
 * is bracketed, `![Ảnh](<ảnh lớp học.jpg>)`, the spelling CommonMark
 * accepts. Code (fenced blocks, backtick spans) is left as written. */
#ifndef LOA_MDSPACES_H
#define LOA_MDSPACES_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* When src has such a destination, writes src with each one bracketed to
 * out and returns true (lines keep their numbers); else false, out
 * untouched. */
bool mdspaces_bracket(const char *src, size_t len, struct buf *out);

#endif
