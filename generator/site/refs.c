/* refs — see refs.h. Plan numbers, activity ids and model titles are
 * compared folded (text_slugify: case, diacritics, NFC/NFD, spacing and
 * punctuation), the same folding plugins use (loa.slugify), so what this
 * file accepts is what plugins/plans.lua and schools.lua match. */
#include "site/refs.h"

#include "base/buf.h"
#include "base/diag.h"
#include "base/value.h"
#include "base/xalloc.h"
#include "content/text.h"
#include "site/site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Titles compared pairwise for near-duplicates: a site has tens of models;
 * past MAX_MODELS distinct titles (hostile or generated content) the rest
 * are matched but not compared, which bounds the quadratic work. */
enum { MAX_KEY = 256, NEAR = 3, MAX_MODELS = 500 };

/* Levenshtein distance of two folded keys, or more than limit as soon as
 * a whole row exceeds it; keys are cut at MAX_KEY bytes */
static size_t distance_within(const char *a, const char *b, size_t limit)
{
	size_t n = strnlen(a, MAX_KEY), m = strnlen(b, MAX_KEY);
	size_t row[MAX_KEY + 1];
	for (size_t j = 0; j <= m; j++)
		row[j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t diag = row[0], low = i;
		row[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
			if (best < low)
				low = best;
		}
		if (low > limit)
			return limit + 1;
	}
	return row[m];
}

static size_t distance(const char *a, const char *b)
{
	return distance_within(a, b, (size_t)-2);
}

static char *fold(struct site *s, const char *str, size_t len)
{
	struct buf b = BUF_INIT;
	text_slugify(s->text, &b, str, len);
	char *k = xstrdup(b.len ? b.ptr : "");
	buf_release(&b);
	return k;
}

/* ---- activities --------------------------------------------------------- */

struct plan_ref {
	const struct page *plan;
	char *key;
};

/* The id an activity is named by: its `id`, else its position from 1 */
static void activity_id(const struct plan_activity *a, size_t i, char *out, size_t n)
{
	if (a->id)
		snprintf(out, n, "%s", a->id);
	else
		snprintf(out, n, "%zu", i + 1);
}

static void check_activity(struct site *s, const struct page *p, const struct value *v,
			   const struct plan_ref *plans, size_t nplans, struct diag_list *d)
{
	const char *hash = memchr(v->str, '#', v->len) ? strrchr(v->str, '#') : NULL;
	if (!hash || hash == v->str || !hash[1]) {
		diag_warning(d, p->path, v->line, v->col,
			     "'activity' must be written PLAN-NUMBER#ACTIVITY-ID, e.g. 175/KH-BGDĐT#3, not '%.80s'",
			     v->str);
		return;
	}
	char *key = fold(s, v->str, (size_t)(hash - v->str));
	const struct plan_ref *plan = NULL, *near = NULL;
	size_t best = (size_t)-1;
	for (size_t i = 0; i < nplans && !plan; i++) {
		if (strcmp(plans[i].key, key) == 0) {
			plan = &plans[i];
			break;
		}
		size_t dist = distance(key, plans[i].key);
		if (dist < best)
			best = dist, near = &plans[i];
	}
	free(key);
	if (!plan) {
		if (near)
			diag_warning(d, p->path, v->line, v->col,
				     "unknown plan '%.*s' in 'activity' (closest: '%s', %s)",
				     (int)(hash - v->str), v->str, near->plan->number, near->plan->path);
		else
			diag_warning(d, p->path, v->line, v->col,
				     "unknown plan '%.*s' in 'activity' (no plan has a 'number')",
				     (int)(hash - v->str), v->str);
		return;
	}
	char *id = fold(s, hash + 1, strlen(hash + 1));
	const struct page *pl = plan->plan;
	size_t near_i = 0;
	best = (size_t)-1;
	for (size_t i = 0; i < pl->nactivities; i++) {
		char name[64];
		activity_id(&pl->activities[i], i, name, sizeof(name));
		char *k = fold(s, name, strlen(name));
		size_t dist = strcmp(k, id) == 0 ? 0 : distance(k, id) + 1;
		free(k);
		if (dist == 0) {
			free(id);
			return;
		}
		if (dist < best)
			best = dist, near_i = i;
	}
	free(id);
	if (!pl->nactivities) {
		diag_warning(d, p->path, v->line, v->col,
			     "unknown activity '%.80s': plan %s (%s) lists no activities", v->str,
			     pl->number, pl->path);
		return;
	}
	char name[64];
	activity_id(&pl->activities[near_i], near_i, name, sizeof(name));
	diag_warning(d, p->path, v->line, v->col,
		     "unknown activity '%.80s' (closest: '%s#%s' \"%s\", %s:%d)", v->str, pl->number,
		     name, pl->activities[near_i].name, pl->path, pl->activities[near_i].line);
}

static void check_activities(struct site *s, struct diag_list *d)
{
	struct plan_ref *plans = xcalloc(s->npages + 1, sizeof(*plans));
	size_t nplans = 0;
	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		if (p->kind == PAGE_PLAN && p->number) {
			plans[nplans].plan = p;
			plans[nplans++].key = fold(s, p->number, strlen(p->number));
		}
	}
	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		const struct value *v = p->kind == PAGE_NEWS ? value_get(p->front, "activity") : NULL;
		if (!v || value_is_null(v))
			continue;
		size_t n = v->kind == VALUE_LIST ? v->n : 1;
		for (size_t j = 0; j < n; j++) {
			const struct value *it = v->kind == VALUE_LIST ? v->items[j] : v;
			if (it->kind == VALUE_SCALAR && !value_is_null(it))
				check_activity(s, p, it, plans, nplans, d);
		}
	}
	for (size_t i = 0; i < nplans; i++)
		free(plans[i].key);
	free(plans);
}

/* ---- models ------------------------------------------------------------- */

struct model_ref {
	const char *title, *path;
	int line;
	char *key;
};

static void add_model(struct site *s, struct model_ref **list, size_t *n, size_t *cap,
		      const char *title, size_t len, const char *path, int line)
{
	char *key = fold(s, title, len);
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*list)[i].key, key) == 0) {
			free(key);
			return;
		}
	ALLOC_GROW(*list, *n + 1, *cap);
	(*list)[(*n)++] = (struct model_ref){ title, path, line, key };
}

static void check_models(struct site *s, struct diag_list *d)
{
	struct model_ref *models = NULL;
	size_t n = 0, cap = 0;
	/* the schools' titles first: a near-duplicate names the school's */
	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		for (size_t j = 0; p->kind == PAGE_SCHOOL && j < p->nmodels; j++)
			add_model(s, &models, &n, &cap, p->models[j].title,
				  strlen(p->models[j].title), p->path, p->models[j].line);
	}
	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		const struct value *v = p->kind == PAGE_NEWS ? value_get(p->front, "models") : NULL;
		size_t k = !v || value_is_null(v) ? 0 : v->kind == VALUE_LIST ? v->n : 1;
		for (size_t j = 0; j < k; j++) {
			const struct value *it = v->kind == VALUE_LIST ? v->items[j] : v;
			if (it->kind == VALUE_SCALAR && !value_is_null(it))
				add_model(s, &models, &n, &cap, it->str, it->len, p->path, it->line);
		}
	}
	for (size_t i = 0; i < n && i < MAX_MODELS; i++)
		for (size_t j = 0; j < i; j++) {
			size_t li = strlen(models[i].key), lj = strlen(models[j].key);
			size_t longer = li > lj ? li : lj, diff = li > lj ? li - lj : lj - li;
			if (diff > NEAR || !li || !lj)
				continue;
			size_t dist = distance_within(models[i].key, models[j].key, NEAR);
			/* a few letters, and little of the title: "trung tâm" and
			 * "trung tam" are one model already (folded); "lấy trẻ làm
			 * trung tâm" and "lấy trẻ làm trung tâmm" are a typo */
			if (dist > NEAR || dist * 10 > longer)
				continue;
			diag_warning(d, models[i].path, models[i].line, 0,
				     "model \"%.200s\" is close to \"%.200s\" (%s:%d) but not the same: they make two model pages; write one title the same way in both",
				     models[i].title, models[j].title, models[j].path, models[j].line);
		}
	for (size_t i = 0; i < n; i++)
		free(models[i].key);
	free(models);
}

void refs_check(struct site *s, struct diag_list *d)
{
	check_activities(s, d);
	check_models(s, d);
}
