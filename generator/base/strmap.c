#include "base/strmap.h"
#include "base/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a: keys are short paths and URLs; speed matters more than
 * resistance to crafted collisions, which the load factor bounds. */
#define FNV_OFFSET 1469598103934665603ull
#define FNV_PRIME 1099511628211ull

static uint64_t hash_str(const char *s)
{
	uint64_t h = FNV_OFFSET;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * FNV_PRIME;
	return h;
}

/* the same over len bytes (strmap_getn) */
static uint64_t hash_mem(const char *s, size_t len)
{
	uint64_t h = FNV_OFFSET;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * FNV_PRIME;
	return h;
}

static void grow(struct strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	struct strmap_slot *slots = xcalloc(ncap, sizeof(*slots));
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slots[i].key)
			continue;
		size_t j = m->slots[i].hash & (ncap - 1);
		while (slots[j].key)
			j = (j + 1) & (ncap - 1);
		slots[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = slots;
	m->cap = ncap;
}

bool strmap_put(struct strmap *m, const char *key, size_t value, size_t *existing)
{
	if ((m->len + 1) * 4 > m->cap * 3)
		grow(m);
	uint64_t h = hash_str(key);
	size_t j = h & (m->cap - 1);
	while (m->slots[j].key) {
		if (m->slots[j].hash == h && strcmp(m->slots[j].key, key) == 0) {
			if (existing)
				*existing = m->slots[j].value;
			return false;
		}
		j = (j + 1) & (m->cap - 1);
	}
	m->slots[j] = (struct strmap_slot){ key, value, h };
	m->len++;
	return true;
}

bool strmap_get(const struct strmap *m, const char *key, size_t *value)
{
	if (!m->cap)
		return false;
	uint64_t h = hash_str(key);
	size_t j = h & (m->cap - 1);
	while (m->slots[j].key) {
		if (m->slots[j].hash == h && strcmp(m->slots[j].key, key) == 0) {
			if (value)
				*value = m->slots[j].value;
			return true;
		}
		j = (j + 1) & (m->cap - 1);
	}
	return false;
}

bool strmap_getn(const struct strmap *m, const char *key, size_t len, size_t *value)
{
	if (!m->cap)
		return false;
	uint64_t h = hash_mem(key, len);
	size_t j = h & (m->cap - 1);
	while (m->slots[j].key) {
		const char *k = m->slots[j].key;
		if (m->slots[j].hash == h && strncmp(k, key, len) == 0 && k[len] == '\0') {
			if (value)
				*value = m->slots[j].value;
			return true;
		}
		j = (j + 1) & (m->cap - 1);
	}
	return false;
}

void strmap_release(struct strmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->len = 0;
}
