/* claims — the table of output paths; see claims.h. */
#include "site/claims.h"
#include "base/diag.h"
#include "base/xalloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Looks up the folder prefix path[0..n) without copying it. */
static bool folder_get(const struct strmap *m, char *path, size_t n, size_t *idx)
{
	char saved = path[n];
	path[n] = '\0';
	bool found = strmap_get(m, path, idx);
	path[n] = saved;
	return found;
}

int claims_take(struct claims *c, enum claim_kind kind, const char *path, const char *what,
		const char *who, struct claim_conflict *conflict)
{
	size_t idx;
	enum claim_clash clash = CLAIM_SAME_FILE;
	char *key = arena_strdup(&c->arena, path);
	bool clashed = strmap_get(&c->files, key, &idx);
	if (!clashed && strmap_get(&c->folders, key, &idx)) {
		clashed = true;
		clash = CLAIM_IS_FOLDER;
	}
	for (char *slash = strchr(key, '/'); !clashed && slash; slash = strchr(slash + 1, '/')) {
		if (folder_get(&c->files, key, (size_t)(slash - key), &idx)) {
			clashed = true;
			clash = CLAIM_NEEDS_FOLDER;
		}
	}
	if (clashed) {
		if (conflict) {
			conflict->holder = c->items[idx];
			conflict->clash = clash;
		}
		return -1;
	}
	struct claim *cl = arena_alloc(&c->arena, sizeof(*cl));
	cl->kind = kind;
	cl->path = key;
	cl->what = arena_strdup(&c->arena, what);
	cl->who = arena_strdup(&c->arena, who);
	ALLOC_GROW(c->items, c->n + 1, c->cap);
	c->items[c->n] = cl;
	strmap_put(&c->files, key, c->n, NULL);
	for (char *slash = strchr(key, '/'); slash; slash = strchr(slash + 1, '/')) {
		size_t n = (size_t)(slash - key);
		if (!folder_get(&c->folders, key, n, &idx))
			strmap_put(&c->folders, arena_strndup(&c->arena, key, n), c->n, NULL);
	}
	c->n++;
	return 0;
}

const struct claim *claims_get(const struct claims *c, const char *path)
{
	size_t idx;
	return strmap_get(&c->files, path, &idx) ? c->items[idx] : NULL;
}

int claims_report(struct diag_list *d, const char *file, int line, const char *what,
		  const char *path, const struct claim_conflict *cf)
{
	const struct claim *h = cf->holder;
	switch (cf->clash) {
	case CLAIM_NEEDS_FOLDER:
		return diag_error(d, file, line, 0,
				  "%s: output file %s needs a folder where %s (%s) writes the file %s",
				  what, path, h->who, h->what, h->path);
	case CLAIM_IS_FOLDER:
		return diag_error(d, file, line, 0,
				  "%s: output file %s is a folder where %s (%s) writes %s", what, path,
				  h->who, h->what, h->path);
	case CLAIM_SAME_FILE:
		break;
	}
	return diag_error(d, file, line, 0, "%s: output file %s is already claimed by %s (%s)", what,
			  path, h->who, h->what);
}

void claims_release(struct claims *c)
{
	free(c->items);
	strmap_release(&c->files);
	strmap_release(&c->folders);
	arena_release(&c->arena);
	memset(c, 0, sizeof(*c));
}
