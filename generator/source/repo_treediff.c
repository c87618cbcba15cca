/* repo_treediff — the one tree differ and the one merge filter, shared by
 * the history walk (repo_history.c) and review's commit ranges
 * (repo_range.c).
 *
 * Owns: comparing two trees entry by entry in git order, and deciding what
 * a merge commit changed (only what differs from every parent). Callers
 * own loading trees, recursion, limits and what a change means to them. */
#include "source/repo_internal.h"

#include <string.h>

void repo_tree_diff(const git_tree *ta, const git_tree *tb, repo_tree_diff_fn *fn, void *ctx)
{
	size_t na = ta ? git_tree_entrycount(ta) : 0, nb = tb ? git_tree_entrycount(tb) : 0;
	size_t i = 0, j = 0;
	while (i < na || j < nb) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(ta, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(tb, j) : NULL;
		/* git order: a folder sorts as if its name ended in '/' */
		int c = !ea ? 1 : !eb ? -1 : git_tree_entry_cmp(ea, eb);
		if (c == 0) {
			i++;
			j++;
			if (git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
			    git_tree_entry_filemode_raw(ea) == git_tree_entry_filemode_raw(eb))
				continue;
			fn(ctx, ea, eb);
		} else if (c < 0) {
			i++;
			fn(ctx, ea, NULL);
		} else {
			j++;
			fn(ctx, NULL, eb);
		}
	}
}

size_t repo_merge_filter(void *items, size_t n, size_t size, const git_oid *merged,
			 const git_oid *parent, repo_entry_at_fn *entry_at,
			 bool (*keep)(const void *item), void *ctx)
{
	unsigned char *base = items;
	size_t kept = 0;
	for (size_t k = 0; k < n; k++) {
		const void *item = base + k * size;
		bool stays = keep && keep(item);
		if (!stays) {
			git_oid ida, idp;
			unsigned ma = 0, mp = 0;
			bool in_a = merged && entry_at(ctx, merged, item, &ida, &ma);
			bool in_p = parent && entry_at(ctx, parent, item, &idp, &mp);
			bool same = in_a == in_p && (!in_a || (git_oid_equal(&ida, &idp) && ma == mp));
			stays = !same;
		}
		if (stays) {
			if (kept != k)
				memmove(base + kept * size, item, size);
			kept++;
		}
	}
	return kept;
}
