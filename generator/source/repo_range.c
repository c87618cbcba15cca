/* repo_range — the commits of a merge request (base..head) and what each
 * changed, for loa review.
 *
 * Owns: the list of changed paths per commit (entered with repo_tree_diff,
 * filtered for merges with repo_merge_filter) and the conflict list of the
 * merge preview. */
#include "source/repo_internal.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Paths that differ between trees a and b (either may be NULL), below
 * prefix. Identical subtrees are skipped by id. */
struct changes {
	struct repo *r;
	struct arena *a;
	struct repo_change *items;
	size_t n, cap;
	struct buf path;
};

static void add_change(struct changes *c, bool invalid)
{
	ALLOC_GROW(c->items, c->n + 1, c->cap);
	c->items[c->n++] = (struct repo_change){ arena_strndup(c->a, c->path.ptr, c->path.len),
						 invalid };
}

static void diff_tree_ids(struct changes *c, const git_oid *a_id, const git_oid *b_id, int depth,
			  bool invalid);

static void entry_diff(struct changes *c, const git_tree_entry *ea, const git_tree_entry *eb,
		       int depth, bool invalid)
{
	const git_tree_entry *e = ea ? ea : eb;
	const char *name = git_tree_entry_name(e);
	size_t base = c->path.len;
	if (base)
		buf_putc(&c->path, '/');
	buf_puts(&c->path, name);
	invalid = invalid || repo_name_problem(name, strlen(name)) != NULL;
	bool ta = ea && (git_tree_entry_filemode_raw(ea) & MODE_TYPE) == MODE_TREE;
	bool tb = eb && (git_tree_entry_filemode_raw(eb) & MODE_TYPE) == MODE_TREE;
	if ((ta || tb) && depth < c->r->max_depth) {
		/* a file replaced by a folder (or back): the file changed too */
		if ((ea && !ta) || (eb && !tb))
			add_change(c, invalid);
		diff_tree_ids(c, ta ? git_tree_entry_id(ea) : NULL, tb ? git_tree_entry_id(eb) : NULL,
			      depth + 1, invalid);
	} else {
		add_change(c, invalid);
	}
	buf_setlen(&c->path, base);
}

static void diff_tree_ids(struct changes *c, const git_oid *a_id, const git_oid *b_id, int depth,
			  bool invalid)
{
	git_tree *ta = NULL, *tb = NULL;
	if (a_id && git_tree_lookup(&ta, c->r->git, a_id) < 0)
		ta = NULL;
	if (b_id && git_tree_lookup(&tb, c->r->git, b_id) < 0)
		tb = NULL;
	if ((a_id && !ta) || (b_id && !tb)) {
		add_change(c, true); /* unreadable: count the folder as changed */
		goto done;
	}
	size_t na = ta ? git_tree_entrycount(ta) : 0, nb = tb ? git_tree_entrycount(tb) : 0;
	size_t i = 0, j = 0;
	while (i < na || j < nb) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(ta, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(tb, j) : NULL;
		int cmp = !ea ? 1 : !eb ? -1 : strcmp(git_tree_entry_name(ea), git_tree_entry_name(eb));
		if (cmp == 0) {
			i++;
			j++;
			if (git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
			    git_tree_entry_filemode_raw(ea) == git_tree_entry_filemode_raw(eb))
				continue;
			entry_diff(c, ea, eb, depth, invalid);
		} else if (cmp < 0) {
			i++;
			entry_diff(c, ea, NULL, depth, invalid);
		} else {
			j++;
			entry_diff(c, NULL, eb, depth, invalid);
		}
	}
done:
	git_tree_free(ta);
	git_tree_free(tb);
}

static int change_cmp(const void *pa, const void *pb)
{
	return strcmp(((const struct repo_change *)pa)->path, ((const struct repo_change *)pb)->path);
}

/* The id and mode of path in tree root_id; false when absent. */
static bool path_entry(struct repo *r, const git_oid *root_id, const char *path, git_oid *id,
		       unsigned *mode)
{
	git_tree *t = NULL;
	git_tree_entry *e = NULL;
	if (git_tree_lookup(&t, r->git, root_id) < 0)
		return false;
	bool ok = git_tree_entry_bypath(&e, t, path) == 0;
	if (ok) {
		git_oid_cpy(id, git_tree_entry_id(e));
		*mode = (unsigned)git_tree_entry_filemode_raw(e);
	}
	git_tree_entry_free(e);
	git_tree_free(t);
	return ok;
}

static void commit_changes(struct repo *r, const git_commit *c, struct repo_commit_info *info,
			   struct arena *a)
{
	struct changes ch = { r, a, NULL, 0, 0, BUF_INIT };
	unsigned np = git_commit_parentcount(c);
	const git_oid *p0 = np ? git_commit_parent_id(c, 0) : NULL;
	git_commit *parent = NULL;
	git_oid p0_tree;
	bool have_p0 = false;
	if (p0 && git_commit_lookup(&parent, r->git, p0) == 0) {
		git_oid_cpy(&p0_tree, git_commit_tree_id(parent));
		have_p0 = true;
		git_commit_free(parent);
	}
	diff_tree_ids(&ch, have_p0 ? &p0_tree : NULL, git_commit_tree_id(c), 0, false);
	/* a merge changed only what differs from every parent */
	for (unsigned p = 1; p < np && ch.n; p++) {
		git_commit *pc = NULL;
		if (git_commit_lookup(&pc, r->git, git_commit_parent_id(c, p)) < 0)
			continue;
		size_t keep = 0;
		for (size_t k = 0; k < ch.n; k++) {
			git_oid ida, idp;
			unsigned ma = 0, mp = 0;
			bool in_a = path_entry(r, git_commit_tree_id(c), ch.items[k].path, &ida, &ma);
			bool in_p = path_entry(r, git_commit_tree_id(pc), ch.items[k].path, &idp, &mp);
			bool same = in_a == in_p && (!in_a || (git_oid_equal(&ida, &idp) && ma == mp));
			if (ch.items[k].invalid || !same)
				ch.items[keep++] = ch.items[k];
		}
		ch.n = keep;
		git_commit_free(pc);
	}
	if (ch.n > 1)
		qsort(ch.items, ch.n, sizeof(*ch.items), change_cmp);
	info->changes = arena_alloc(a, (ch.n ? ch.n : 1) * sizeof(*info->changes));
	if (ch.n)
		memcpy(info->changes, ch.items, ch.n * sizeof(*ch.items));
	info->nchanges = ch.n;
	info->nparents = np;
	free(ch.items);
	buf_release(&ch.path);
}

enum { MAX_RANGE_COMMITS = 100000 };

int repo_range(struct repo *r, const char *base, const char *head, struct repo_range *out,
	       struct arena *a, struct diag_list *diags)
{
	memset(out, 0, sizeof(*out));
	if (!r->git)
		return diag_error(diags, "", 0, 0, "%s: not a git repository", r->path);
	git_commit *bc = NULL, *hc = NULL;
	git_revwalk *walk = NULL;
	struct repo_commit_info *items = NULL;
	size_t n = 0, cap = 0;
	char **conflicts = NULL;
	size_t nconflicts = 0;
	int rc = -1;
	if (repo_lookup_commit(r, base, &bc, diags) < 0 || repo_lookup_commit(r, head, &hc, diags) < 0)
		goto done;
	git_oid_tostr(out->base_id, sizeof(out->base_id), git_commit_id(bc));
	git_oid_tostr(out->head_id, sizeof(out->head_id), git_commit_id(hc));

	git_oid tree;
	if (repo_merge_in_memory(r, bc, hc, &tree, &conflicts, &nconflicts, diags) < 0)
		goto done;
	out->conflicts = arena_alloc(a, (nconflicts ? nconflicts : 1) * sizeof(*out->conflicts));
	for (size_t i = 0; i < nconflicts; i++)
		out->conflicts[i] = arena_strdup(a, conflicts[i]);
	out->nconflicts = nconflicts;

	if (git_revwalk_new(&walk, r->git) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) < 0 ||
	    git_revwalk_push(walk, git_commit_id(hc)) < 0 ||
	    git_revwalk_hide(walk, git_commit_id(bc)) < 0) {
		diag_error(diags, "", 0, 0, "cannot list the commits of %s..%s: %s", base, head,
			   repo_git_msg());
		goto done;
	}
	git_oid id;
	int err;
	while ((err = git_revwalk_next(&id, walk)) == 0) {
		if (n >= MAX_RANGE_COMMITS) {
			diag_error(diags, "", 0, 0, "more than %d commits in %s..%s", MAX_RANGE_COMMITS,
				   base, head);
			goto done;
		}
		git_commit *c = NULL;
		if (git_commit_lookup(&c, r->git, &id) < 0) {
			diag_error(diags, "", 0, 0, "cannot read a commit: %s", repo_git_msg());
			goto done;
		}
		ALLOC_GROW(items, n + 1, cap);
		struct repo_commit_info *info = &items[n++];
		memset(info, 0, sizeof(*info));
		git_oid_tostr(info->id, sizeof(info->id), &id);
		const git_signature *sig = git_commit_author(c);
		info->author_name = arena_strdup(a, sig && sig->name ? sig->name : "");
		info->author_email = arena_strdup(a, sig && sig->email ? sig->email : "");
		const char *summary = git_commit_summary(c);
		info->summary = arena_strdup(a, summary ? summary : "");
		commit_changes(r, c, info, a);
		git_commit_free(c);
	}
	if (err != GIT_ITEROVER) {
		diag_error(diags, "", 0, 0, "cannot list the commits of %s..%s: %s", base, head,
			   repo_git_msg());
		goto done;
	}
	out->commits = arena_alloc(a, (n ? n : 1) * sizeof(*out->commits));
	if (n)
		memcpy(out->commits, items, n * sizeof(*items));
	out->n = n;
	rc = 0;
done:
	for (size_t i = 0; i < nconflicts; i++)
		free(conflicts[i]);
	free(conflicts);
	free(items);
	git_revwalk_free(walk);
	git_commit_free(bc);
	git_commit_free(hc);
	return rc;
}
