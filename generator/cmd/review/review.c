/* review — compares the site built from BASE with the site built from the
 * merge of HEAD into BASE, and checks who changed what; see review.h. */
#include "cmd/review/review.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/strmap.h"
#include "base/status.h"
#include "base/xalloc.h"
#include "pipeline/build.h"
#include "site/config.h"
#include "site/layout.h"
#include "source/repo.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum change_kind { ADDED, CHANGED, REMOVED, NKINDS };

struct outside {
	const char *path, *commit, *email, *why;
};

struct unchecked {
	const char *email;
	size_t commits;
};

struct review {
	const struct review_options *o;
	struct arena a;
	struct site_config cfg; /* BASE's site.yaml: the trusted permissions */
	struct repo_range range;
	struct build_manifest base_m, merge_m;
	struct diag_list base_d, merge_d;
	int merge_status;
	const char **urls[NKINDS];
	size_t nurls[NKINDS], urlcap[NKINDS];
	const struct diag **introduced; /* errors, then warnings */
	size_t nintroduced, intro_cap, nerrors;
	struct outside *outside;
	size_t noutside, outcap;
	struct unchecked *unchecked;
	size_t nunchecked, uncap;
	struct repo *base_repo; /* opened by read_base, handed to BASE's build */
};

/* ---- outputs ------------------------------------------------------------ */

/* "a/b/index.html" → "/a/b/", "index.html" → "/", "x.ics" → "/x.ics" */
static const char *url_of(struct arena *a, const char *out_path)
{
	size_t n = strlen(out_path);
	static const char idx[] = "index.html";
	size_t il = sizeof(idx) - 1;
	if (n >= il && strcmp(out_path + n - il, idx) == 0 && (n == il || out_path[n - il - 1] == '/'))
		return arena_printf(a, "/%.*s", (int)(n - il), out_path);
	return arena_printf(a, "/%s", out_path);
}

static int str_cmp(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

static void add_url(struct review *rv, enum change_kind k, const char *out_path)
{
	ALLOC_GROW(rv->urls[k], rv->nurls[k] + 1, rv->urlcap[k]);
	rv->urls[k][rv->nurls[k]++] = url_of(&rv->a, out_path);
}

static void compare_outputs(struct review *rv)
{
	const struct build_manifest *b = &rv->base_m, *m = &rv->merge_m;
	size_t i = 0, j = 0;
	while (i < b->n || j < m->n) {
		int c = i == b->n ? 1 : j == m->n ? -1 : strcmp(b->items[i].out_path, m->items[j].out_path);
		if (c < 0) {
			add_url(rv, REMOVED, b->items[i++].out_path);
		} else if (c > 0) {
			add_url(rv, ADDED, m->items[j++].out_path);
		} else {
			if (strcmp(b->items[i].hash, m->items[j].hash))
				add_url(rv, CHANGED, m->items[j].out_path);
			i++;
			j++;
		}
	}
	/* outputs come in file order ("bao-cao/x" before "index.html"); the
	 * reviewer reads URLs */
	for (int k = 0; k < NKINDS; k++)
		if (rv->nurls[k] > 1)
			qsort(rv->urls[k], rv->nurls[k], sizeof(*rv->urls[k]), str_cmp);
}

/* ---- diagnostics --------------------------------------------------------- */

static const char *diag_key(struct arena *a, const struct diag *d)
{
	return arena_printf(a, "%d\x1f%s\x1f%s", (int)d->severity, d->path, d->msg);
}

/* Diagnostics of the merge build that the base build does not have (same
 * severity, file and message: line numbers move when a file is edited). */
static void compare_diags(struct review *rv)
{
	struct strmap known = STRMAP_INIT;
	for (size_t i = 0; i < rv->base_d.len; i++)
		strmap_put(&known, diag_key(&rv->a, &rv->base_d.items[i]), 0, NULL);
	for (int pass = 0; pass < 2; pass++) {
		enum diag_severity want = pass == 0 ? DIAG_ERROR : DIAG_WARNING;
		for (size_t i = 0; i < rv->merge_d.len; i++) {
			const struct diag *d = &rv->merge_d.items[i];
			size_t dummy;
			if (d->severity != want || strmap_get(&known, diag_key(&rv->a, d), &dummy))
				continue;
			ALLOC_GROW(rv->introduced, rv->nintroduced + 1, rv->intro_cap);
			rv->introduced[rv->nintroduced++] = d;
			rv->nerrors += want == DIAG_ERROR;
		}
	}
	strmap_release(&known);
}

/* ---- permissions ----------------------------------------------------------- */

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The folders a school may write: its news folder and its school page. */
static bool school_may_write(struct review *rv, const char *school, const char *path)
{
	return layout_school_may_write(rv->cfg.content_dir, school, path);
}

/* Why a path outside the school's folders matters most. */
static const char *outside_reason(const char *path, bool invalid)
{
	if (invalid)
		return "tên tệp không hợp lệ";
	if (strcmp(path, "site.yaml") == 0)
		return "cấu hình của trang";
	if (has_prefix(path, "themes/"))
		return "giao diện";
	if (has_prefix(path, "plugins/"))
		return "mã plugin";
	return "";
}

static void note_unchecked(struct review *rv, const char *email)
{
	for (size_t i = 0; i < rv->nunchecked; i++) {
		if (strcmp(rv->unchecked[i].email, email) == 0) {
			rv->unchecked[i].commits++;
			return;
		}
	}
	ALLOC_GROW(rv->unchecked, rv->nunchecked + 1, rv->uncap);
	rv->unchecked[rv->nunchecked++] = (struct unchecked){ email, 1 };
}

static void check_permissions(struct review *rv)
{
	const char **mine = xcalloc(rv->cfg.nschools + 1, sizeof(*mine));
	for (size_t i = 0; i < rv->range.n; i++) {
		const struct repo_commit_info *c = &rv->range.commits[i];
		size_t nmine = 0;
		/* emails compare without case: mail systems ignore it, and a
		 * differently cased address must not escape the check */
		for (size_t s = 0; s < rv->cfg.nschools; s++) {
			const struct school_access *sa = &rv->cfg.schools[s];
			for (size_t e = 0; e < sa->nemails; e++) {
				if (strcasecmp(sa->emails[e], c->author_email) == 0) {
					mine[nmine++] = sa->school;
					break;
				}
			}
		}
		if (!nmine) {
			note_unchecked(rv, c->author_email);
			continue;
		}
		for (size_t k = 0; k < c->nchanges; k++) {
			const struct repo_change *ch = &c->changes[k];
			bool ok = false;
			for (size_t s = 0; s < nmine && !ch->invalid && !ok; s++)
				ok = school_may_write(rv, mine[s], ch->path);
			if (ok)
				continue;
			ALLOC_GROW(rv->outside, rv->noutside + 1, rv->outcap);
			rv->outside[rv->noutside++] = (struct outside){
				ch->path, c->id, c->author_email, outside_reason(ch->path, ch->invalid)
			};
		}
	}
	free(mine);
}

/* ---- the report -------------------------------------------------------------- */

/* Hostile names cannot drive the reviewer's terminal. */
static void put_text(struct buf *out, const char *s)
{
	diag_escape(out, s, strlen(s));
}

static void put_json(struct buf *out, const char *s)
{
	struct buf clean = BUF_INIT;
	diag_escape(&clean, s, strlen(s));
	buf_putc(out, '"');
	for (size_t i = 0; i < clean.len; i++) {
		char c = clean.ptr[i];
		if (c == '"' || c == '\\')
			buf_putc(out, '\\');
		buf_putc(out, c);
	}
	buf_putc(out, '"');
	buf_release(&clean);
}

static void put_diag_text(struct buf *out, const struct diag *d)
{
	if (*d->path) {
		put_text(out, d->path);
		if (d->line)
			buf_addf(out, ":%d", d->line);
		buf_puts(out, ": ");
	}
	put_text(out, d->msg);
}

static const char *const kind_title[NKINDS] = { "Trang thêm", "Trang sửa", "Trang xoá" };
static const char *const kind_key[NKINDS] = { "added", "changed", "removed" };

static bool needs_attention(const struct review *rv)
{
	return rv->merge_status == LOA_EXIT_NOTHING || rv->nerrors || rv->noutside;
}

static void report_text(const struct review *rv, struct buf *out)
{
	const struct review_options *o = rv->o;
	buf_puts(out, "Xem xét hợp nhất ");
	put_text(out, o->head);
	buf_addf(out, " (%.12s) vào ", rv->range.head_id);
	put_text(out, o->base);
	buf_addf(out, " (%.12s): %zu commit\n\n", rv->range.base_id, rv->range.n);
	if (rv->merge_status == LOA_EXIT_NOTHING) {
		buf_puts(out, "Bản hợp nhất không dựng được: không so sánh được các trang.\n\n");
	} else {
		for (int k = 0; k < NKINDS; k++) {
			buf_addf(out, "%s (%zu):%s\n", kind_title[k], rv->nurls[k],
				 rv->nurls[k] ? "" : " không có");
			for (size_t i = 0; i < rv->nurls[k]; i++) {
				buf_puts(out, "  ");
				put_text(out, rv->urls[k][i]);
				buf_putc(out, '\n');
			}
			buf_putc(out, '\n');
		}
	}
	size_t nwarn = rv->nintroduced - rv->nerrors;
	buf_addf(out, "Lỗi mới (%zu):%s\n", rv->nerrors, rv->nerrors ? "" : " không có");
	for (size_t i = 0; i < rv->nerrors; i++) {
		buf_puts(out, "  ");
		put_diag_text(out, rv->introduced[i]);
		buf_putc(out, '\n');
	}
	if (nwarn) {
		buf_addf(out, "\nCảnh báo mới (%zu):\n", nwarn);
		for (size_t i = rv->nerrors; i < rv->nintroduced; i++) {
			buf_puts(out, "  ");
			put_diag_text(out, rv->introduced[i]);
			buf_putc(out, '\n');
		}
	}
	buf_addf(out, "\nTệp ngoài phạm vi (%zu):%s\n", rv->noutside, rv->noutside ? "" : " không có");
	for (size_t i = 0; i < rv->noutside; i++) {
		const struct outside *x = &rv->outside[i];
		buf_puts(out, "  ");
		put_text(out, x->path);
		buf_addf(out, " — %.12s — ", x->commit);
		put_text(out, x->email);
		if (*x->why)
			buf_addf(out, " (%s)", x->why);
		buf_putc(out, '\n');
	}
	if (rv->nunchecked) {
		buf_puts(out, "\nKhông phải tác giả của trường nào: không kiểm tra\n");
		for (size_t i = 0; i < rv->nunchecked; i++) {
			buf_puts(out, "  ");
			put_text(out, *rv->unchecked[i].email ? rv->unchecked[i].email : "(không có email)");
			buf_addf(out, " — %zu commit\n", rv->unchecked[i].commits);
		}
	}
	buf_puts(out, needs_attention(rv) ? "\nKết luận: cần người duyệt xem xét.\n"
					  : "\nKết luận: không có gì cần chú ý.\n");
}

static void report_json(const struct review *rv, struct buf *out)
{
	buf_addf(out, "{\"status\":%d,\"base\":\"%s\",\"head\":\"%s\",\"commits\":%zu,",
		 needs_attention(rv) ? 1 : 0, rv->range.base_id, rv->range.head_id, rv->range.n);
	buf_addf(out, "\"merge_builds\":%s,", rv->merge_status == LOA_EXIT_NOTHING ? "false" : "true");
	for (int k = 0; k < NKINDS; k++) {
		buf_addf(out, "\"%s\":[", kind_key[k]);
		for (size_t i = 0; i < rv->nurls[k]; i++) {
			if (i)
				buf_putc(out, ',');
			put_json(out, rv->urls[k][i]);
		}
		buf_puts(out, "],");
	}
	buf_puts(out, "\"introduced\":[");
	for (size_t i = 0; i < rv->nintroduced; i++) {
		const struct diag *d = rv->introduced[i];
		buf_addf(out, "%s{\"severity\":\"%s\",\"file\":", i ? "," : "",
			 d->severity == DIAG_ERROR ? "error" : "warning");
		put_json(out, d->path);
		buf_addf(out, ",\"line\":%d,\"column\":%d,\"message\":", d->line, d->col);
		put_json(out, d->msg);
		buf_putc(out, '}');
	}
	buf_puts(out, "],\"outside\":[");
	for (size_t i = 0; i < rv->noutside; i++) {
		const struct outside *x = &rv->outside[i];
		buf_puts(out, i ? ",{\"path\":" : "{\"path\":");
		put_json(out, x->path);
		buf_addf(out, ",\"commit\":\"%s\",\"email\":", x->commit);
		put_json(out, x->email);
		buf_puts(out, ",\"reason\":");
		put_json(out, x->why);
		buf_putc(out, '}');
	}
	buf_puts(out, "],\"unchecked\":[");
	for (size_t i = 0; i < rv->nunchecked; i++) {
		buf_puts(out, i ? ",{\"email\":" : "{\"email\":");
		put_json(out, rv->unchecked[i].email);
		buf_addf(out, ",\"commits\":%zu}", rv->unchecked[i].commits);
	}
	buf_puts(out, "]}\n");
}

/* ---- running ----------------------------------------------------------------- */

/* repo: NULL, or the repository open at ref, which the build takes over */
static int dry_build(const struct review_options *o, const char *ref, struct repo *repo,
		     struct build_manifest *m, struct diag_list *d)
{
	struct build_options bo;
	memset(&bo, 0, sizeof(bo));
	bo.site.repo = repo;
	bo.site.repo_path = o->repo_path;
	bo.site.ref = ref;
	bo.site.drafts = o->drafts;
	bo.site.future = o->future;
	bo.site.now = o->now;
	bo.out_dir = "public"; /* never written: dry run */
	bo.data_dir = o->data_dir;
	bo.jobs = o->jobs > 0 ? o->jobs : 1;
	bo.dry_run = true;
	bo.quiet = true;
	bo.manifest = m;
	struct build_result res;
	build_run(&bo, d, &res);
	diag_list_sort(d);
	return res.status;
}

/* BASE's site.yaml and the commits of BASE..HEAD. */
static int read_base(struct review *rv, struct diag_list *diags)
{
	const struct review_options *o = rv->o;
	struct repo *r = NULL;
	struct repo_opts ro = { o->repo_path, o->base, false, 0, 0, 32 };
	struct buf yaml = BUF_INIT;
	int rc = -1;
	if (repo_open(&r, &ro, diags) < 0)
		goto done;
	int got = repo_read_path(r, "site.yaml", &yaml, diags);
	if (got < 0)
		goto done;
	size_t len = got == 0 ? yaml.len : 0;
	char *src = arena_strndup(&rv->a, yaml.ptr, len);
	if (config_load(&rv->cfg, &rv->a, "site.yaml", src, len, diags) < 0)
		goto done;
	if (repo_range(r, o->base, o->head, &rv->range, &rv->a, diags) < 0)
		goto done;
	/* the repository is opened once for BASE: its build reads this one
	 * (unless BASE moved meanwhile: then it opens the range's commit) */
	if (strcmp(repo_commit_id(r), rv->range.base_id) == 0) {
		rv->base_repo = r;
		r = NULL;
	}
	rc = 0;
done:
	buf_release(&yaml);
	repo_free(r);
	return rc;
}

static void review_release(struct review *rv)
{
	build_manifest_release(&rv->base_m);
	build_manifest_release(&rv->merge_m);
	diag_list_release(&rv->base_d);
	diag_list_release(&rv->merge_d);
	for (int k = 0; k < NKINDS; k++)
		free(rv->urls[k]);
	free(rv->introduced);
	free(rv->outside);
	free(rv->unchecked);
	repo_free(rv->base_repo);
	arena_release(&rv->a);
}

int review_run(const struct review_options *o, struct diag_list *diags, FILE *report)
{
	struct review rv;
	memset(&rv, 0, sizeof(rv));
	rv.o = o;
	rv.a = (struct arena)ARENA_INIT;
	rv.base_d = (struct diag_list)DIAG_LIST_INIT;
	rv.merge_d = (struct diag_list)DIAG_LIST_INIT;
	struct buf out = BUF_INIT;
	int status = LOA_EXIT_NOTHING;

	if (read_base(&rv, diags) < 0)
		goto done;
	if (rv.range.nconflicts) {
		buf_addf(&out, "Không hợp nhất được: %zu tệp bị xung đột (sửa ở cả hai nhánh):\n",
			 rv.range.nconflicts);
		for (size_t i = 0; i < rv.range.nconflicts; i++) {
			buf_puts(&out, "  ");
			put_text(&out, rv.range.conflicts[i]);
			buf_putc(&out, '\n');
			diag_error(diags, rv.range.conflicts[i], 0, 0,
				   "merge conflict: changed on both sides");
		}
		diag_error(diags, "", 0, 0, "cannot review: merging '%s' into '%s' conflicts", o->head,
			   o->base);
		goto done;
	}
	/* by commit id, so that a ref moving meanwhile cannot mix two states */
	struct repo *base_repo = rv.base_repo;
	rv.base_repo = NULL; /* the build's now */
	if (dry_build(o, rv.range.base_id, base_repo, &rv.base_m, &rv.base_d) == LOA_EXIT_NOTHING) {
		diag_list_append(diags, &rv.base_d);
		diag_error(diags, "", 0, 0, "cannot review: '%s' itself does not build", o->base);
		goto done;
	}
	char *merge_ref = repo_merge_ref(rv.range.base_id, rv.range.head_id);
	rv.merge_status = dry_build(o, merge_ref, NULL, &rv.merge_m, &rv.merge_d);
	free(merge_ref);

	if (rv.merge_status != LOA_EXIT_NOTHING)
		compare_outputs(&rv);
	compare_diags(&rv);
	check_permissions(&rv);
	if (o->json)
		report_json(&rv, &out);
	else
		report_text(&rv, &out);
	status = needs_attention(&rv) ? LOA_EXIT_REJECTED : LOA_EXIT_OK;
done:
	if (out.len)
		fwrite(out.ptr, 1, out.len, report);
	buf_release(&out);
	review_release(&rv);
	return status;
}
