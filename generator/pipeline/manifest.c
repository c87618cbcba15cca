/* manifest — the review manifest (loa review): every output of a build
 * and a hash of its bytes, sorted by path; filled when opts->manifest is
 * set. */
#include "pipeline/build_internal.h"
#include "base/xalloc.h"
#include "plugin/sitelua.h"
#include "source/repo.h"

#include <stdlib.h>
#include <string.h>

void manifest_add(struct build *b, const char *out_path, const char *hash)
{
	struct build_manifest *m = b->opts->manifest;
	if (!m)
		return;
	ALLOC_GROW(m->items, m->n + 1, m->cap);
	m->items[m->n].out_path = xstrdup(out_path);
	memcpy(m->items[m->n].hash, hash, MANIFEST_HASH_LEN);
	m->items[m->n].hash[MANIFEST_HASH_LEN] = '\0';
	m->n++;
}

void manifest_add_bytes(struct build *b, const char *out_path, const char *data, size_t len)
{
	if (!b->opts->manifest)
		return;
	char hash[41];
	repo_hash_bytes(data, len, hash);
	manifest_add(b, out_path, hash);
}

/* A worker's reply starts with its output's hash ('-' when it made none). */
void manifest_job(struct build *b, size_t job, bool ok, const char **data, size_t *len)
{
	if (!b->opts->manifest || *len < MANIFEST_HASH_LEN)
		return;
	if (ok && (*data)[0] != '-')
		manifest_add(b, job < b->ncontent ? b->site.pages[b->content[job]]->out_path
						  : sitelua_extra(b->sl, job - b->ncontent)->out_path,
			     *data);
	*data += MANIFEST_HASH_LEN;
	*len -= MANIFEST_HASH_LEN;
}

static int output_cmp(const void *pa, const void *pb)
{
	const struct build_output *a = pa, *b = pb;
	int c = strcmp(a->out_path, b->out_path);
	return c ? c : strcmp(a->hash, b->hash);
}

/* Sorted by path; a path written twice (claims make that an error
 * elsewhere) keeps one entry, the same one in every build. */
void manifest_finish(struct build_manifest *m)
{
	if (!m || m->n < 2)
		return;
	qsort(m->items, m->n, sizeof(*m->items), output_cmp);
	size_t k = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (k && strcmp(m->items[k - 1].out_path, m->items[i].out_path) == 0)
			free(m->items[i].out_path);
		else
			m->items[k++] = m->items[i];
	}
	m->n = k;
}

void build_manifest_release(struct build_manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->items[i].out_path);
	free(m->items);
	m->items = NULL;
	m->n = m->cap = 0;
}
