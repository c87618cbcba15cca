/* value — a YAML-shaped tree of untyped scalars, with source positions.
 *
 * The front-matter parser produces it and the schema types it: scalars stay
 * strings (with whether they were plain or quoted) so that `draft: no` or
 * `title: 1e3` are typed by the schema, never by YAML's guessing.
 * Every node and string lives in the arena the parser was given. */
#ifndef LOA_VALUE_H
#define LOA_VALUE_H

#include <stdbool.h>
#include <stddef.h>

enum value_kind { VALUE_SCALAR, VALUE_LIST, VALUE_MAP };

struct value {
	enum value_kind kind;
	int line, col;       /* 1-based position in the original file */
	bool plain;          /* scalar written without quotes or block style */
	const char *str;     /* VALUE_SCALAR: NUL-terminated, valid UTF-8 */
	size_t len;
	struct value **items; /* LIST: n items; MAP: keys at 2i, values at 2i+1 */
	size_t n;             /* LIST: item count; MAP: number of pairs */
};

/* The value under key in a map, or NULL (also when map is not a map). */
const struct value *value_get(const struct value *map, const char *key);
/* A plain scalar that YAML's core schema reads as null (``, `~`, `null`). */
bool value_is_null(const struct value *v);

#endif
