#include "base/value.h"

#include <string.h>

const struct value *value_get(const struct value *map, const char *key)
{
	if (!map || map->kind != VALUE_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++) {
		const struct value *k = map->items[2 * i];
		if (k->kind == VALUE_SCALAR && strcmp(k->str, key) == 0)
			return map->items[2 * i + 1];
	}
	return NULL;
}

bool value_is_null(const struct value *v)
{
	if (!v)
		return true;
	if (v->kind != VALUE_SCALAR || !v->plain)
		return false;
	return v->len == 0 || strcmp(v->str, "~") == 0 || strcmp(v->str, "null") == 0 ||
	       strcmp(v->str, "Null") == 0 || strcmp(v->str, "NULL") == 0;
}
