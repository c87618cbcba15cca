/* review — compares the site built from BASE with the site built from the
 * merge of HEAD into BASE, and checks who changed what; see review.h. */
#include "cmd/review/review.h"
#include "cmd/review/review_articles.h"

#include "base/str.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/messages.h"
#include "base/strmap.h"
#include "base/status.h"
#include "base/xalloc.h"
#include "pipeline/build.h"
#include "site/config.h"
#include "site/layout.h"
#include "site/site.h"
#include "source/repo.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum change_kind { ADDED, CHANGED, REMOVED, NKINDS };

/* Why a commit may not write a path: a stable code (the JSON's "reason")
 * and its message in the reviewer's language. */
enum outside_why {
	WHY_OUTSIDE_SCHOOL, /* a school's author, outside its folders */
	WHY_NOT_AUTHOR,     /* in a school's folder, by no author of that school */
	WHY_INVALID_NAME,
	WHY_SITE_CONFIG,
	WHY_THEME,
	WHY_PLUGIN,
};

static const char *const why_code[] = { "outside_school", "not_school_author", "invalid_name",
					 "site_config",    "theme",             "plugin" };

struct outside {
	const char *path, *commit, *email;
	enum outside_why why;
	const char *school; /* WHY_NOT_AUTHOR: the folder's school */
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
	struct site merge_site; /* the merge's pages, for the article summaries */
	bool have_site;
	struct review_article *articles;
	size_t narticles;
};

/* Appends the report's text fmt in the reviewer's language (the message
 * catalog's entry for fmt); user strings go through put_text first. */
static void say(const struct review *rv, struct buf *out, const char *fmt, ...)
{
	const char *f = fmt;
	if (rv->o->lang == MSG_VI && msg_vi(fmt))
		f = msg_vi(fmt);
	va_list ap;
	va_start(ap, fmt);
	msg_vformat(out, f, ap, rv->o->lang);
	va_end(ap);
}

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
			qsort(rv->urls[k], rv->nurls[k], sizeof(*rv->urls[k]), str_ptr_cmp);
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

/* The folders a school may write: its news folder and its school page. */
static bool school_may_write(struct review *rv, const char *school, const char *path)
{
	return layout_school_may_write(rv->cfg.content_dir, school, path);
}

/* Why a path outside the school's folders matters most. */
static enum outside_why outside_reason(const char *path, bool invalid)
{
	if (invalid)
		return WHY_INVALID_NAME;
	if (strcmp(path, "site.yaml") == 0)
		return WHY_SITE_CONFIG;
	if (str_has_prefix(path, "themes/"))
		return WHY_THEME;
	if (str_has_prefix(path, "plugins/"))
		return WHY_PLUGIN;
	return WHY_OUTSIDE_SCHOOL;
}

/* The school whose folders hold path (content/news/SLUG/...,
 * content/schools/SLUG.md or content/schools/SLUG/...), in a; NULL for
 * the centre's paths. Any SLUG counts, registered or not: a folder for a
 * school site.yaml does not list is no one's to write either. */
static const char *school_folder(struct review *rv, const char *path)
{
	size_t n;
	const char *slug = layout_school_of(rv->cfg.content_dir, path, &n);
	return slug ? arena_strndup(&rv->a, slug, n) : NULL;
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

/* centre.authors of BASE's site.yaml: the centre's staff edit any
 * school's articles (a correction, a photo) without being flagged */
static bool is_centre_staff(const struct review *rv, const char *email)
{
	for (size_t e = 0; e < rv->cfg.ncentre_emails; e++)
		if (strcasecmp(rv->cfg.centre_emails[e], email) == 0)
			return true;
	return false;
}

static void check_permissions(struct review *rv)
{
	const char **mine = xcalloc(rv->cfg.nschools + 1, sizeof(*mine));
	for (size_t i = 0; i < rv->range.n; i++) {
		const struct repo_commit_info *c = &rv->range.commits[i];
		size_t nmine = 0;
		if (*c->author_email && is_centre_staff(rv, c->author_email))
			continue;
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
		bool unchecked = false;
		for (size_t k = 0; k < c->nchanges; k++) {
			const struct repo_change *ch = &c->changes[k];
			bool ok = false;
			enum outside_why why = outside_reason(ch->path, ch->invalid);
			const char *school = NULL;
			if (!nmine) {
				/* no school's author: the centre's, free outside the
				 * schools' folders; inside one, it is flagged, as the
				 * guide promises (an unregistered address writing a
				 * school's articles is whom review exists for) */
				school = ch->invalid ? NULL : school_folder(rv, ch->path);
				if (!school && !ch->invalid) {
					unchecked = true;
					continue;
				}
				if (school)
					why = WHY_NOT_AUTHOR;
			}
			for (size_t s = 0; s < nmine && !ch->invalid && !ok; s++)
				ok = school_may_write(rv, mine[s], ch->path);
			if (ok)
				continue;
			ALLOC_GROW(rv->outside, rv->noutside + 1, rv->outcap);
			rv->outside[rv->noutside++] =
				(struct outside){ ch->path, c->id, c->author_email, why, school };
		}
		if (unchecked)
			note_unchecked(rv, c->author_email);
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

static void put_diag_text(const struct review *rv, struct buf *out, const struct diag *d)
{
	if (*d->path) {
		put_text(out, d->path);
		if (d->line)
			buf_addf(out, ":%d", d->line);
		buf_puts(out, ": ");
	}
	put_text(out, diag_message(d, rv->o->lang));
}

static const char *const kind_key[NKINDS] = { "added", "changed", "removed" };

static bool needs_attention(const struct review *rv)
{
	return rv->merge_status == LOA_EXIT_NOTHING || rv->nerrors || rv->noutside;
}

/* The localised reason of x (the text report, the JSON's "message"). */
static void put_why(const struct review *rv, struct buf *out, const struct outside *x)
{
	switch (x->why) {
	case WHY_OUTSIDE_SCHOOL:
		say(rv, out, "outside the folders of the author's school");
		break;
	case WHY_NOT_AUTHOR:
		say(rv, out, "the author is not registered for school '%s' in site.yaml", x->school);
		break;
	case WHY_INVALID_NAME:
		say(rv, out, "invalid file name (not valid UTF-8, or a reserved name)");
		break;
	case WHY_SITE_CONFIG:
		say(rv, out, "the site's configuration (site.yaml)");
		break;
	case WHY_THEME:
		say(rv, out, "the theme (themes/)");
		break;
	case WHY_PLUGIN:
		say(rv, out, "plugin code (plugins/)");
		break;
	}
}

/* In English the category's own name, as written in front matter. */
static void put_category(const struct review *rv, struct buf *out, const char *c)
{
	if (rv->o->lang == MSG_EN)
		buf_puts(out, c);
	else if (!strcmp(c, "policy"))
		say(rv, out, "category 'policy'");
	else if (!strcmp(c, "practice"))
		say(rv, out, "category 'practice'");
	else if (!strcmp(c, "parents"))
		say(rv, out, "category 'parents'");
	else
		say(rv, out, "category 'activity'");
}

/* "  [thêm] hoa-sen · Bé vui Tết Trung thu · 2023-09-28 · hoạt động ·
 *  1 ảnh · không có lỗi · /tin-tuc/hoa-sen/be-vui/": one line an article. */
static void put_article(const struct review *rv, struct buf *out, const struct review_article *r)
{
	buf_puts(out, "  ");
	/* a page the merge rejects: whether it is new is not known, and
	 * does not matter: it needs fixing */
	say(rv, out, !r->published ? "[not published]" : r->added ? "[added]" : "[changed]");
	buf_putc(out, ' ');
	if (r->school)
		put_text(out, r->school);
	else
		say(rv, out, "(the centre)");
	buf_puts(out, " · ");
	if (!r->published) {
		put_text(out, r->path);
		buf_puts(out, " · ");
		say(rv, out, "%zu errors", r->errors);
		buf_putc(out, '\n');
		return;
	}
	buf_putc(out, '"');
	put_text(out, r->title ? r->title : "");
	buf_putc(out, '"');
	if (*r->date) {
		buf_puts(out, " · ");
		buf_puts(out, r->date);
	}
	if (r->category) {
		buf_puts(out, " · ");
		put_category(rv, out, r->category);
	}
	buf_puts(out, " · ");
	say(rv, out, "%zu photos", r->photos);
	buf_puts(out, " · ");
	if (r->errors || r->warnings)
		say(rv, out, "%zu errors, %zu warnings", r->errors, r->warnings);
	else
		say(rv, out, "no problems");
	buf_puts(out, " · ");
	put_text(out, r->url);
	buf_putc(out, '\n');
}

static void put_list_head(const struct review *rv, struct buf *out, const char *fmt, size_t n)
{
	say(rv, out, fmt, n);
	if (!n)
		say(rv, out, " none");
	buf_putc(out, '\n');
}

static void report_text(const struct review *rv, struct buf *out)
{
	const struct review_options *o = rv->o;
	struct buf head = BUF_INIT, base = BUF_INIT;
	put_text(&head, o->head);
	put_text(&base, o->base);
	say(rv, out, "Review of merging %s (%.12s) into %s (%.12s): %zu commits\n\n", head.ptr,
	    rv->range.head_id, base.ptr, rv->range.base_id, rv->range.n);
	buf_release(&head);
	buf_release(&base);
	if (rv->merge_status == LOA_EXIT_NOTHING) {
		say(rv, out, "The merge does not build: its pages cannot be compared.\n");
		buf_putc(out, '\n');
	} else {
		put_list_head(rv, out, "Articles added or changed (%zu):", rv->narticles);
		for (size_t i = 0; i < rv->narticles; i++)
			put_article(rv, out, &rv->articles[i]);
		buf_putc(out, '\n');
		static const char *const kind_title[NKINDS] = { "Pages added (%zu):",
								"Pages changed (%zu):",
								"Pages removed (%zu):" };
		for (int k = 0; k < NKINDS; k++) {
			put_list_head(rv, out, kind_title[k], rv->nurls[k]);
			for (size_t i = 0; i < rv->nurls[k]; i++) {
				buf_puts(out, "  ");
				put_text(out, rv->urls[k][i]);
				buf_putc(out, '\n');
			}
			buf_putc(out, '\n');
		}
	}
	size_t nwarn = rv->nintroduced - rv->nerrors;
	put_list_head(rv, out, "New errors (%zu):", rv->nerrors);
	for (size_t i = 0; i < rv->nerrors; i++) {
		buf_puts(out, "  ");
		put_diag_text(rv, out, rv->introduced[i]);
		buf_putc(out, '\n');
	}
	if (nwarn) {
		buf_putc(out, '\n');
		put_list_head(rv, out, "New warnings (%zu):", nwarn);
		for (size_t i = rv->nerrors; i < rv->nintroduced; i++) {
			buf_puts(out, "  ");
			put_diag_text(rv, out, rv->introduced[i]);
			buf_putc(out, '\n');
		}
	}
	buf_putc(out, '\n');
	put_list_head(rv, out, "Files outside their author's folders (%zu):", rv->noutside);
	for (size_t i = 0; i < rv->noutside; i++) {
		const struct outside *x = &rv->outside[i];
		buf_puts(out, "  ");
		put_text(out, x->path);
		buf_addf(out, " — %.12s — ", x->commit);
		put_text(out, *x->email ? x->email : "?");
		buf_puts(out, " (");
		put_why(rv, out, x);
		buf_puts(out, ")\n");
	}
	if (rv->nunchecked) {
		buf_putc(out, '\n');
		say(rv, out, "Authors of no school (the centre), outside the schools' folders: not checked\n");
		for (size_t i = 0; i < rv->nunchecked; i++) {
			buf_puts(out, "  ");
			if (*rv->unchecked[i].email)
				put_text(out, rv->unchecked[i].email);
			else
				say(rv, out, "(no email)");
			buf_addf(out, " — %zu commit\n", rv->unchecked[i].commits);
		}
	}
	buf_putc(out, '\n');
	say(rv, out, needs_attention(rv) ? "Conclusion: the reviewer needs to look.\n"
					 : "Conclusion: nothing needs attention.\n");
}

static void put_json_say(const struct review *rv, struct buf *out, const struct outside *x)
{
	struct buf t = BUF_INIT;
	put_why(rv, &t, x);
	put_json(out, t.ptr ? t.ptr : "");
	buf_release(&t);
}

static void report_json(const struct review *rv, struct buf *out)
{
	buf_addf(out, "{\"status\":%d,\"base\":\"%s\",\"head\":\"%s\",\"commits\":%zu,",
		 needs_attention(rv) ? 1 : 0, rv->range.base_id, rv->range.head_id, rv->range.n);
	buf_addf(out, "\"merge_builds\":%s,", rv->merge_status == LOA_EXIT_NOTHING ? "false" : "true");
	buf_puts(out, "\"articles\":[");
	for (size_t i = 0; i < rv->narticles; i++) {
		const struct review_article *r = &rv->articles[i];
		buf_puts(out, i ? ",{\"path\":" : "{\"path\":");
		put_json(out, r->path);
		buf_addf(out, ",\"change\":\"%s\",\"published\":%s,\"school\":",
			 !r->published ? "unknown" : r->added ? "added" : "changed",
			 r->published ? "true" : "false");
		if (r->school)
			put_json(out, r->school);
		else
			buf_puts(out, "null");
		buf_puts(out, ",\"title\":");
		if (r->title)
			put_json(out, r->title);
		else
			buf_puts(out, "null");
		buf_puts(out, ",\"url\":");
		if (r->url)
			put_json(out, r->url);
		else
			buf_puts(out, "null");
		buf_addf(out, ",\"date\":\"%s\",\"category\":", r->date);
		if (r->category)
			buf_addf(out, "\"%s\"", r->category);
		else
			buf_puts(out, "null");
		buf_addf(out, ",\"photos\":%zu,\"errors\":%zu,\"warnings\":%zu}", r->photos, r->errors,
			 r->warnings);
	}
	buf_puts(out, "],");
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
		buf_puts(out, ",\"localized\":");
		put_json(out, diag_message(d, rv->o->lang));
		buf_putc(out, '}');
	}
	buf_puts(out, "],\"outside\":[");
	for (size_t i = 0; i < rv->noutside; i++) {
		const struct outside *x = &rv->outside[i];
		buf_puts(out, i ? ",{\"path\":" : "{\"path\":");
		put_json(out, x->path);
		buf_addf(out, ",\"commit\":\"%s\",\"email\":", x->commit);
		put_json(out, x->email);
		buf_addf(out, ",\"reason\":\"%s\",\"school\":", why_code[x->why]);
		if (x->school)
			put_json(out, x->school);
		else
			buf_puts(out, "null");
		buf_puts(out, ",\"message\":");
		put_json_say(rv, out, x);
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
		     struct build_manifest *m, struct diag_list *d, struct site *keep_site)
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
	bo.keep_site = keep_site;
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

/* What each touched article will look like: the merge's pages, as its dry
 * build loaded them (handed over through build_options.keep_site). */
static void summarize_articles(struct review *rv)
{
	if (!rv->have_site)
		return;
	rv->narticles = review_articles(&rv->merge_site, &rv->range,
					(const char *const *)rv->urls[ADDED], rv->nurls[ADDED],
					rv->introduced, rv->nintroduced, &rv->a, &rv->articles);
}

static void review_release(struct review *rv)
{
	if (rv->have_site)
		site_release(&rv->merge_site);
	free(rv->articles);
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
		say(&rv, &out, "Cannot merge: %zu files conflict (changed on both sides):\n",
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
	if (dry_build(o, rv.range.base_id, base_repo, &rv.base_m, &rv.base_d, NULL) == LOA_EXIT_NOTHING) {
		diag_list_append(diags, &rv.base_d);
		diag_error(diags, "", 0, 0, "cannot review: '%s' itself does not build", o->base);
		goto done;
	}
	char *merge_ref = repo_merge_ref(rv.range.base_id, rv.range.head_id);
	rv.merge_status = dry_build(o, merge_ref, NULL, &rv.merge_m, &rv.merge_d, &rv.merge_site);
	rv.have_site = rv.merge_site.repo != NULL;

	if (rv.merge_status != LOA_EXIT_NOTHING)
		compare_outputs(&rv);
	compare_diags(&rv);
	check_permissions(&rv);
	if (rv.merge_status != LOA_EXIT_NOTHING)
		summarize_articles(&rv);
	free(merge_ref);
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
