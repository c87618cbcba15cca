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

/* Paths that differ between two trees, each with whether its name (or a
 * folder above it) is invalid or could not be read. */
struct changes {
	struct repo *r;
	struct arena *a;
	struct repo_change *items;
	size_t n, cap;
	struct buf path; /* of the entry being compared */
	int depth;       /* of the folders being compared */
	bool invalid;    /* a folder above has an invalid name */
};

static void add_change(struct changes *c, bool invalid)
{
	ALLOC_GROW(c->items, c->n + 1, c->cap);
	c->items[c->n++] = (struct repo_change){ arena_strndup(c->a, c->path.ptr, c->path.len),
						 invalid };
}

static void diff_tree_ids(struct changes *c, const git_oid *a_id, const git_oid *b_id);

static void entry_diff(void *ctx, const git_tree_entry *ea, const git_tree_entry *eb)
{
	struct changes *c = ctx;
	const git_tree_entry *e = ea ? ea : eb;
	const char *name = git_tree_entry_name(e);
	size_t base = c->path.len;
	if (base)
		buf_putc(&c->path, '/');
	buf_puts(&c->path, name);
	bool invalid = c->invalid || repo_name_problem(name, strlen(name)) != NULL;
	bool ta = ea && (git_tree_entry_filemode_raw(ea) & MODE_TYPE) == MODE_TREE;
	bool tb = eb && (git_tree_entry_filemode_raw(eb) & MODE_TYPE) == MODE_TREE;
	if ((ta || tb) && c->depth < c->r->max_depth) {
		/* a file replaced by a folder (or back): the file changed too */
		if ((ea && !ta) || (eb && !tb))
			add_change(c, invalid);
		int depth = c->depth;
		bool was_invalid = c->invalid;
		c->depth = depth + 1;
		c->invalid = invalid;
		diff_tree_ids(c, ta ? git_tree_entry_id(ea) : NULL, tb ? git_tree_entry_id(eb) : NULL);
		c->depth = depth;
		c->invalid = was_invalid;
	} else {
		add_change(c, invalid);
	}
	buf_setlen(&c->path, base);
}

/* Identical subtrees are skipped by id; an unreadable folder counts as one
 * invalid change. */
static void diff_tree_ids(struct changes *c, const git_oid *a_id, const git_oid *b_id)
{
	git_tree *ta = NULL, *tb = NULL;
	if (a_id && git_tree_lookup(&ta, c->r->git, a_id) < 0)
		ta = NULL;
	if (b_id && git_tree_lookup(&tb, c->r->git, b_id) < 0)
		tb = NULL;
	if ((a_id && !ta) || (b_id && !tb))
		add_change(c, true);
	else
		repo_tree_diff(ta, tb, entry_diff, c);
	git_tree_free(ta);
	git_tree_free(tb);
}

static int change_cmp(const void *pa, const void *pb)
{
	const struct repo_change *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);
	return c ? c : (int)a->invalid - (int)b->invalid;
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

/* repo_merge_filter's view of a change */
static bool change_entry(void *ctx, const git_oid *root, const void *item, git_oid *id,
			 unsigned *mode)
{
	return path_entry(ctx, root, ((const struct repo_change *)item)->path, id, mode);
}

/* an invalid path is always shown, merge or not */
static bool change_invalid(const void *item)
{
	return ((const struct repo_change *)item)->invalid;
}

static void commit_changes(struct repo *r, const git_commit *c, struct repo_commit_info *info,
			   struct arena *a)
{
	struct changes ch = { r, a, NULL, 0, 0, BUF_INIT, 0, false };
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
	diff_tree_ids(&ch, have_p0 ? &p0_tree : NULL, git_commit_tree_id(c));
	for (unsigned p = 1; p < np && ch.n; p++) {
		git_commit *pc = NULL;
		if (git_commit_lookup(&pc, r->git, git_commit_parent_id(c, p)) < 0)
			continue;
		ch.n = repo_merge_filter(ch.items, ch.n, sizeof(*ch.items), git_commit_tree_id(c),
					 git_commit_tree_id(pc), change_entry, change_invalid, r);
		git_commit_free(pc);
	}
	if (ch.n > 1)
		qsort(ch.items, ch.n, sizeof(*ch.items), change_cmp);
	/* a file swapped with a folder at the depth limit is met twice in git
	 * order (as "name" and as "name/"); report it once */
	size_t uniq = 0;
	for (size_t k = 0; k < ch.n; k++) {
		if (uniq && ch.items[uniq - 1].invalid == ch.items[k].invalid &&
		    !strcmp(ch.items[uniq - 1].path, ch.items[k].path))
			continue;
		ch.items[uniq++] = ch.items[k];
	}
	ch.n = uniq;
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
