/* repo_merge — in-memory merge previews for loa review.
 *
 * Owns: the odb "shield" backend and the in-memory object store that take
 * every object write (the repository's files are never modified), merging
 * two commits in memory, and opening a merge ref (repo_merge_ref) as a
 * commit with a fixed signature, so the same merge always gets the same id. */
#include "source/repo_internal.h"

#include "base/diag.h"
#include "base/xalloc.h"

#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <stdlib.h>
#include <string.h>

char *repo_merge_ref(const char *base, const char *head)
{
	return xasprintf("%s%s\x1f%s", MERGE_PREFIX, base, head);
}

/* Writing an object that already exists makes libgit2 "freshen" it: touch
 * the loose file or the pack on disk. This backend sits first and answers
 * "exists" from a separate, read-only view of the object folder, so such
 * writes stop there; new objects fall through to the in-memory store. The
 * repository's files are never modified. */
struct shield {
	git_odb_backend parent;
	git_odb *view;
};

static int shield_exists(git_odb_backend *b, const git_oid *id)
{
	return git_odb_exists(((struct shield *)b)->view, id);
}

static void shield_free(git_odb_backend *b)
{
	git_odb_free(((struct shield *)b)->view);
	free(b);
}

/* Makes every object write of this repository go to memory. */
static int use_mempack(struct repo *r, struct diag_list *diags)
{
	if (r->mempack)
		return 0;
	git_odb_backend *mp = NULL;
	struct shield *sh = xcalloc(1, sizeof(*sh));
	char *objects = xasprintf("%sobjects", git_repository_commondir(r->git));
	int rc = -1;
	if (git_odb_init_backend(&sh->parent, GIT_ODB_BACKEND_VERSION) < 0 ||
	    git_odb_open(&sh->view, objects) < 0) {
		diag_error(diags, "", 0, 0, "cannot read the object database: %s", repo_git_msg());
		goto done;
	}
	sh->parent.exists = shield_exists;
	sh->parent.free = shield_free;
	if (git_mempack_new(&mp) < 0 || git_odb_add_backend(r->odb, mp, 1000) < 0) {
		diag_error(diags, "", 0, 0, "cannot set up an in-memory object store: %s", repo_git_msg());
		if (mp)
			mp->free(mp);
		goto done;
	}
	if (git_odb_add_backend(r->odb, &sh->parent, 1001) < 0) {
		diag_error(diags, "", 0, 0, "cannot set up an in-memory object store: %s", repo_git_msg());
		goto done;
	}
	sh = NULL; /* the odb owns it */
	r->mempack = true;
	rc = 0;
done:
	if (sh) {
		git_odb_free(sh->view);
		free(sh);
	}
	free(objects);
	return rc;
}

/* Merges head into base in memory: the result's tree in *tree, or the
 * conflicting paths (sorted, deduplicated, malloc'd strings). */
int repo_merge_in_memory(struct repo *r, git_commit *base, git_commit *head, git_oid *tree,
			   char ***conflicts, size_t *nconflicts, struct diag_list *diags)
{
	git_index *idx = NULL;
	git_index_conflict_iterator *it = NULL;
	char **paths = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;
	*conflicts = NULL;
	*nconflicts = 0;
	if (use_mempack(r, diags) < 0)
		return -1;
	if (git_merge_commits(&idx, r->git, base, head, NULL) < 0) {
		diag_error(diags, "", 0, 0, "cannot merge: %s", repo_git_msg());
		goto done;
	}
	if (git_index_has_conflicts(idx)) {
		if (git_index_conflict_iterator_new(&it, idx) < 0) {
			diag_error(diags, "", 0, 0, "cannot list conflicts: %s", repo_git_msg());
			goto done;
		}
		const git_index_entry *anc, *ours, *theirs;
		while (git_index_conflict_next(&anc, &ours, &theirs, it) == 0) {
			const git_index_entry *e = ours ? ours : theirs ? theirs : anc;
			if (!e)
				continue;
			ALLOC_GROW(paths, n + 1, cap);
			paths[n++] = xstrdup(e->path);
		}
		if (n)
			qsort(paths, n, sizeof(*paths), repo_strp_cmp);
		size_t k = 0;
		for (size_t i = 0; i < n; i++) {
			if (k && strcmp(paths[k - 1], paths[i]) == 0)
				free(paths[i]);
			else
				paths[k++] = paths[i];
		}
		*conflicts = paths;
		*nconflicts = k;
		paths = NULL;
		rc = 0;
		goto done;
	}
	if (git_index_write_tree_to(tree, idx, r->git) < 0) {
		diag_error(diags, "", 0, 0, "cannot write the merged tree: %s", repo_git_msg());
		goto done;
	}
	rc = 0;
done:
	free(paths);
	git_index_conflict_iterator_free(it);
	git_index_free(idx);
	return rc;
}

/* repo_open for a merge ref: "BASE\x1fHEAD" after the prefix. The commit
 * is made in memory with a fixed signature dated at the later of the two
 * commits, so the same merge always gets the same id (the plugins' seed). */
int repo_merge_open(struct repo *r, const char *spec, struct diag_list *diags)
{
	const char *sep = strchr(spec, '\x1f');
	if (!sep)
		return diag_error(diags, "", 0, 0, "invalid merge reference");
	char *base_ref = xstrndup(spec, (size_t)(sep - spec));
	git_commit *base = NULL, *head = NULL, *merged = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	char **conflicts = NULL;
	size_t nconflicts = 0;
	int rc = -1;
	if (repo_lookup_commit(r, base_ref, &base, diags) < 0 || repo_lookup_commit(r, sep + 1, &head, diags) < 0)
		goto done;
	git_oid tree_id, commit_id;
	if (repo_merge_in_memory(r, base, head, &tree_id, &conflicts, &nconflicts, diags) < 0)
		goto done;
	if (nconflicts) {
		for (size_t i = 0; i < nconflicts; i++)
			diag_error(diags, conflicts[i], 0, 0, "merge conflict: changed on both sides");
		diag_error(diags, "", 0, 0, "merging '%s' into '%s' conflicts on %zu file(s)", sep + 1,
			   base_ref, nconflicts);
		goto done;
	}
	git_time_t when = git_commit_time(base) > git_commit_time(head) ? git_commit_time(base)
									  : git_commit_time(head);
	const git_commit *parents[2] = { base, head };
	if (git_tree_lookup(&tree, r->git, &tree_id) < 0 ||
	    git_signature_new(&sig, "loa review", "loa@localhost", when, 0) < 0 ||
	    git_commit_create(&commit_id, r->git, NULL, sig, sig, NULL, "merge preview\n", tree, 2,
			      parents) < 0 ||
	    git_commit_lookup(&merged, r->git, &commit_id) < 0) {
		diag_error(diags, "", 0, 0, "cannot make the merge preview: %s", repo_git_msg());
		goto done;
	}
	r->commit = merged;
	merged = NULL;
	git_oid_tostr(r->commit_id, sizeof(r->commit_id), &commit_id);
	memcpy(r->history_id, r->commit_id, sizeof(r->history_id));
	r->commit_time = (int64_t)when;
	rc = 0;
done:
	for (size_t i = 0; i < nconflicts; i++)
		free(conflicts[i]);
	free(conflicts);
	git_signature_free(sig);
	git_tree_free(tree);
	git_commit_free(merged);
	git_commit_free(base);
	git_commit_free(head);
	free(base_ref);
	return rc;
}
