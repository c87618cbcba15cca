/* schema — owns the typing of front matter: which keys each kind of page
 * reads, what type each has, and the errors for values of the wrong type.
 * The value tree keeps every scalar as text, so YAML's guessing (`no` as
 * false, `1e3` as a number) never reaches a page: only this file decides
 * what a value means, from the key it is under. */
#include "content/schema.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/bug.h"
#include "base/diag.h"
#include "base/suggest.h"
#include "base/value.h"
#include "content/dates.h"
#include "content/page.h"
#include "content/schema_fields.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_TAGS = 50 };

struct sctx {
	struct page *p;
	const struct value *root;
	struct arena *a;
	struct diag_list *diags;
	int errors;
};

static void err(struct sctx *s, const struct value *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void err(struct sctx *s, const struct value *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(s->diags, DIAG_ERROR, s->p->path, at ? at->line : 1, at ? at->col : 0, fmt, ap);
	va_end(ap);
	s->errors++;
}

/* A value that was written but means "nothing": absent, `~`, `null` or an
 * empty plain value. Quoted "" is text (and may be an error for a title). */
static bool absent(const struct value *v)
{
	return !v || value_is_null(v);
}

/* ---- the table of keys (schema_fields.h) ------------------------------ */

/* The table (schema_fields.h) of kind's front matter: sections and the
 * home page read the keys of a plain page. */
static const struct schema_field *fields_of(enum page_kind kind, size_t *n)
{
	if (kind == PAGE_SECTION || kind == PAGE_HOME)
		kind = PAGE_PAGE;
	return schema_fields(kind, n);
}

/* The row of kind's key; NULL when kind has no such key. */
static const struct schema_field *field_of(enum page_kind kind, const char *key)
{
	size_t n;
	const struct schema_field *fs = fields_of(kind, &n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(fs[i].key, key))
			return &fs[i];
	return NULL;
}

static bool required(enum page_kind kind, const char *key)
{
	const struct schema_field *f = field_of(kind, key);
	return f && f->required;
}

/* The choices of kind's key (NULL when none). */
static const char *const *choices_of(enum page_kind kind, const char *key)
{
	const struct schema_field *f = field_of(kind, key);
	return f ? f->choices : NULL;
}

/* ---- scalars ---------------------------------------------------------- */

static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/* The text of v (a scalar of any style), copied into the arena; NULL with
 * an error when v is a list or a map. */
static const char *as_text(struct sctx *s, const struct value *v, const char *key)
{
	if (v->kind != VALUE_SCALAR) {
		err(s, v, "'%s' must be text, not a %s", key, v->kind == VALUE_LIST ? "list" : "map");
		return NULL;
	}
	return arena_strndup(s->a, v->str, v->len);
}

/* An optional text field of map m: NULL when absent or in error. */
static const char *text_field(struct sctx *s, const struct value *m, const char *key)
{
	const struct value *v = value_get(m, key);
	if (absent(v))
		return NULL;
	return as_text(s, v, key);
}

/* A required non-empty text field; `what` names the map for the error
 * ("missing required field 'title'" / "model is missing 'title'"). */
static const char *required_text(struct sctx *s, const struct value *m, const char *key,
				 const struct value *where, const char *what)
{
	const struct value *v = value_get(m, key);
	if (absent(v)) {
		if (what)
			err(s, where, "%s is missing '%s'", what, key);
		else
			err(s, where, "missing required field '%s'", key);
		return NULL;
	}
	const char *t = as_text(s, v, key);
	if (t && blank(t)) {
		err(s, v, "'%s' must not be empty", key);
		return NULL;
	}
	return t;
}

/* A top-level text field, required when the table says so. */
static const char *key_text(struct sctx *s, const char *key)
{
	if (required(s->p->kind, key))
		return required_text(s, s->root, key, NULL, NULL);
	return text_field(s, s->root, key);
}

static void bool_field(struct sctx *s, const char *key, bool *out)
{
	const struct value *v = value_get(s->root, key);
	if (absent(v))
		return;
	/* YAML 1.2 core booleans only: `no`, `off`, `y` are not false */
	if (v->kind == VALUE_SCALAR && v->plain) {
		static const char *const yes[] = { "true", "True", "TRUE" };
		static const char *const no[] = { "false", "False", "FALSE" };
		for (size_t i = 0; i < 3; i++) {
			if (!strcmp(v->str, yes[i])) {
				*out = true;
				return;
			}
			if (!strcmp(v->str, no[i])) {
				*out = false;
				return;
			}
		}
	}
	err(s, v, "'%s' must be true or false", key);
}

static void int_field(struct sctx *s, const char *key, long *out)
{
	const struct value *v = value_get(s->root, key);
	if (absent(v))
		return;
	if (v->kind == VALUE_SCALAR && v->len > 0) {
		const char *t = v->str;
		size_t i = (t[0] == '-' || t[0] == '+') ? 1 : 0;
		bool digits = i < v->len;
		for (size_t j = i; j < v->len; j++)
			if (t[j] < '0' || t[j] > '9')
				digits = false;
		if (digits) {
			errno = 0;
			long n = strtol(t, NULL, 10);
			if (errno == 0 && n >= INT_MIN && n <= INT_MAX) {
				*out = n;
				return;
			}
		}
	}
	err(s, v, "'%s' must be a whole number", key);
}

/* Parses the date under v into *out; allow_month admits `2021-05`. */
static void parse_date_value(struct sctx *s, const struct value *v, const char *key,
			     bool allow_month, struct date *out)
{
	if (v->kind != VALUE_SCALAR) {
		err(s, v, "'%s' must be a date, not a %s", key,
		    v->kind == VALUE_LIST ? "list" : "map");
		return;
	}
	const char *why = "invalid";
	struct date d;
	if (date_parse(&d, v->str, v->len, allow_month, &why) < 0) {
		err(s, v, "invalid date '%.40s' (%s)", v->str, why);
		return;
	}
	*out = d;
}

static void date_field(struct sctx *s, const char *key, bool required, struct date *out)
{
	const struct value *v = value_get(s->root, key);
	if (absent(v)) {
		if (required)
			err(s, NULL, "missing required field '%s'", key);
		return;
	}
	parse_date_value(s, v, key, false, out);
}

/* ---- URLs and addresses ----------------------------------------------- */

static bool has_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

int schema_url_is_safe(const char *url)
{
	if (!url || !*url)
		return 0;
	/* Browsers drop tabs and newlines inside a URL (`java\tscript:`) and
	 * read `\` as `/` (`/\evil`); neither belongs in a written URL. */
	for (const unsigned char *u = (const unsigned char *)url; *u; u++)
		if (*u < 0x20 || *u == 0x7f || *u == '\\')
			return 0;
	if (url[0] == ' ' || url[strlen(url) - 1] == ' ')
		return 0;
	size_t path_end = strcspn(url, "?#");
	size_t colon = strcspn(url, ":");
	size_t slash = strcspn(url, "/");
	/* A colon before the first slash is read as a scheme even behind `?`
	 * or `#`: stricter than browsers, which keeps `&#106;avascript:`
	 * out however a later step might decode it. */
	if (colon < slash) {
		/* has a scheme: only the three that cannot run anything */
		if (has_prefix_ci(url, "http://") || has_prefix_ci(url, "https://"))
			return url[strcspn(url, ":") + 3] != '\0';
		if (has_prefix_ci(url, "mailto:"))
			return url[7] != '\0';
		return 0;
	}
	/* a path (or //host/path): no `..` segment, also not percent-encoded */
	for (size_t i = 0; i < path_end;) {
		size_t n = strcspn(url + i, "/");
		if (n > path_end - i)
			n = path_end - i;
		const char *seg = url + i;
		if ((n == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
		for (size_t j = 0; j + 2 < n; j++)
			if (seg[j] == '%' && seg[j + 1] == '2' && (seg[j + 2] == 'e' || seg[j + 2] == 'E'))
				return 0;
		i += n + 1;
	}
	return 1;
}

static void url_field(struct sctx *s, const struct value *m, const char *key, const char **out)
{
	const struct value *v = value_get(m, key);
	const char *t = text_field(s, m, key);
	if (!t)
		return;
	if (!schema_url_is_safe(t)) {
		err(s, v, "'%s' is not a safe URL: '%.80s' (use https://, http:// or a path)", key, t);
		return;
	}
	*out = t;
}

static bool looks_like_email(const char *t)
{
	const char *at = strchr(t, '@');
	if (!at || at == t || strchr(at + 1, '@') || !at[1])
		return false;
	for (const unsigned char *u = (const unsigned char *)t; *u; u++)
		if (*u <= 0x20 || *u == 0x7f || *u == '<' || *u == '>' || *u == '"' ||
		    *u == '\\' || *u == ',' || *u == ';')
			return false;
	const char *dot = strchr(at + 1, '.');
	return dot && dot != at + 1 && dot[1];
}

static void email_field(struct sctx *s, const char **out)
{
	const struct value *v = value_get(s->root, "email");
	const char *t = text_field(s, s->root, "email");
	if (!t)
		return;
	if (has_prefix_ci(t, "mailto:"))
		t += 7;
	if (!looks_like_email(t)) {
		err(s, v, "'email' is not an email address: '%.80s'", t);
		return;
	}
	*out = t;
}

/* ---- lists ------------------------------------------------------------ */

static void tags_field(struct sctx *s)
{
	const struct value *v = value_get(s->root, "tags");
	if (absent(v))
		return;
	if (v->kind == VALUE_MAP) {
		err(s, v, "'tags' must be a list of text, not a map");
		return;
	}
	/* `tags: giáo dục` is one tag, as Hugo reads it */
	size_t n = v->kind == VALUE_LIST ? v->n : 1;
	if (n > MAX_TAGS) {
		err(s, v, "too many tags (%zu; at most %d)", n, MAX_TAGS);
		return;
	}
	const char **tags = arena_zalloc(s->a, (n ? n : 1) * sizeof(*tags));
	size_t count = 0;
	bool bad = false;
	for (size_t i = 0; i < n; i++) {
		const struct value *t = v->kind == VALUE_LIST ? v->items[i] : v;
		if (t->kind != VALUE_SCALAR) {
			err(s, t, "each tag must be text, not a %s",
			    t->kind == VALUE_LIST ? "list" : "map");
			bad = true;
			continue;
		}
		if (value_is_null(t) || blank(t->str)) {
			err(s, t, "a tag must not be empty");
			bad = true;
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < count; j++)
			if (!strcmp(tags[j], t->str))
				dup = true;
		if (dup) {
			diag_warning(s->diags, s->p->path, t->line, t->col,
				     "tag '%.80s' is listed twice", t->str);
			continue;
		}
		tags[count++] = arena_strndup(s->a, t->str, t->len);
	}
	if (bad)
		return;
	s->p->tags = tags;
	s->p->ntags = count;
}

/* The category named c (a scalar), as its place among the table's
 * choices, which enum news_category follows; -1 when none. */
static int category_of(const struct value *c)
{
	const char *const *cats = choices_of(PAGE_NEWS, "category");
	for (int i = 0; c->kind == VALUE_SCALAR && cats && cats[i]; i++)
		if (!strcmp(c->str, cats[i]))
			return i;
	return -1;
}

static void category_field(struct sctx *s)
{
	const struct value *v = value_get(s->root, "category");
	if (absent(v)) {
		/* Hugo's `categories` taxonomy: a Loa category among them counts */
		const struct value *cs = value_get(s->root, "categories");
		size_t n = cs && cs->kind == VALUE_LIST ? cs->n : cs && cs->kind == VALUE_SCALAR;
		for (size_t j = 0; j < n; j++) {
			int c = category_of(cs->kind == VALUE_LIST ? cs->items[j] : cs);
			if (c >= 0) {
				s->p->category = (enum news_category)c;
				return;
			}
		}
		return;
	}
	int c = category_of(v);
	if (c >= 0) {
		s->p->category = (enum news_category)c;
		return;
	}
	err(s, v, "unknown category '%.40s' (allowed: policy, activity, practice, parents)",
	    v->kind == VALUE_SCALAR ? v->str : "(not text)");
}

static void models_field(struct sctx *s)
{
	const struct value *v = value_get(s->root, "models");
	if (absent(v))
		return;
	if (v->kind != VALUE_LIST) {
		err(s, v, "'models' must be a list of {title, year, level}");
		return;
	}
	struct school_model *models = arena_zalloc(s->a, (v->n ? v->n : 1) * sizeof(*models));
	size_t n = 0;
	int before = s->errors;
	for (size_t i = 0; i < v->n; i++) {
		const struct value *it = v->items[i];
		struct school_model *m = &models[n];
		m->line = it->line;
		if (it->kind == VALUE_SCALAR && !value_is_null(it) && !blank(it->str)) {
			/* a bare title: the short form of {title: ...} */
			m->title = arena_strndup(s->a, it->str, it->len);
			n++;
			continue;
		}
		if (it->kind != VALUE_MAP) {
			err(s, it, "each model must be a map with 'title', 'year' and 'level'");
			continue;
		}
		m->title = required_text(s, it, "title", it, "model");
		m->year = text_field(s, it, "year");
		m->level = text_field(s, it, "level");
		n++;
	}
	if (s->errors > before)
		return;
	s->p->models = models;
	s->p->nmodels = n;
}

/* partners: text, or a list of text joined with ", " */
static const char *partners_text(struct sctx *s, const struct value *m)
{
	const struct value *v = value_get(m, "partners");
	if (absent(v))
		return NULL;
	if (v->kind != VALUE_LIST)
		return as_text(s, v, "partners");
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < v->n; i++) {
		const struct value *it = v->items[i];
		if (it->kind != VALUE_SCALAR) {
			err(s, it, "each partner must be text");
			buf_release(&b);
			return NULL;
		}
		if (value_is_null(it))
			continue;
		if (b.len)
			buf_puts(&b, ", ");
		buf_add(&b, it->str, it->len);
	}
	const char *t = b.len ? arena_strndup(s->a, b.ptr, b.len) : NULL;
	buf_release(&b);
	return t;
}

static void activities_field(struct sctx *s)
{
	const struct value *v = value_get(s->root, "activities");
	if (absent(v))
		return;
	if (v->kind != VALUE_LIST) {
		err(s, v, "'activities' must be a list of {id, name, lead, partners, due, product}");
		return;
	}
	struct plan_activity *acts = arena_zalloc(s->a, (v->n ? v->n : 1) * sizeof(*acts));
	int before = s->errors;
	for (size_t i = 0; i < v->n; i++) {
		const struct value *it = v->items[i];
		struct plan_activity *act = &acts[i];
		act->line = it->line;
		if (it->kind != VALUE_MAP) {
			err(s, it, "each activity must be a map with at least 'name'");
			continue;
		}
		act->id = text_field(s, it, "id");
		act->name = required_text(s, it, "name", it, "activity");
		act->lead = text_field(s, it, "lead");
		act->partners = partners_text(s, it);
		act->product = text_field(s, it, "product");
		const struct value *due = value_get(it, "due");
		if (!absent(due))
			parse_date_value(s, due, "due", true, &act->due);
	}
	if (s->errors > before)
		return;
	s->p->activities = acts;
	s->p->nactivities = v->n;
}

/* ---- centre: documents and what an article reports --------------------- */

/* `activity` / `models` of an article: text or a list of text (the site
 * checks what they name once every page is loaded: site/refs.c) */
static void text_list_check(struct sctx *s, const char *key)
{
	const struct value *v = value_get(s->root, key);
	if (absent(v))
		return;
	if (v->kind == VALUE_SCALAR)
		return;
	if (v->kind == VALUE_LIST) {
		for (size_t i = 0; i < v->n; i++)
			if (v->items[i]->kind != VALUE_SCALAR) {
				err(s, v->items[i], "each item of '%s' must be text", key);
				return;
			}
		return;
	}
	err(s, v, "'%s' must be text or a list of text", key);
}

static void doc_type_field(struct sctx *s)
{
	const char *const *types = choices_of(PAGE_DOCUMENT, "type");
	const struct value *v = value_get(s->root, "type");
	s->p->doc_type = "khac";
	if (absent(v))
		return;
	for (size_t i = 0; v->kind == VALUE_SCALAR && types && types[i]; i++)
		if (!strcmp(v->str, types[i])) {
			s->p->doc_type = types[i];
			return;
		}
	err(s, v,
	    "unknown document type '%.40s' (allowed: ke-hoach, cong-van, quyet-dinh, thong-tu, huong-dan, bao-cao, khac)",
	    v->kind == VALUE_SCALAR ? v->str : "(not text)");
}

/* ---- the page --------------------------------------------------------- */

static void reset_fields(struct page *p)
{
	static const struct date none;
	p->title = p->slug = p->summary = p->image = NULL;
	p->tags = NULL;
	p->ntags = 0;
	p->draft = false;
	p->date = p->lastmod = p->issued = none;
	p->weight = 0;
	p->category = CATEGORY_ACTIVITY;
	p->author = NULL;
	p->pinned = false;
	p->until = none;
	p->district = p->province = p->address = p->phone = p->email = p->website = NULL;
	p->models = NULL;
	p->nmodels = 0;
	p->number = p->issuer = p->signer = NULL;
	p->activities = NULL;
	p->nactivities = 0;
	p->doc_type = NULL; /* centre */
}

int schema_apply(struct page *p, const struct value *root, struct arena *a,
		 struct diag_list *diags)
{
	struct sctx s = { p, root, a, diags, 0 };
	reset_fields(p);
	p->front = root;
	if (root && root->kind != VALUE_MAP) {
		err(&s, root, "front matter must be a map of 'key: value' lines");
		return -1;
	}

	p->title = key_text(&s, "title");
	p->slug = text_field(&s, root, "slug");
	p->summary = text_field(&s, root, "summary");
	if (!p->summary) /* Hugo's name for the same thing */
		p->summary = text_field(&s, root, "description");
	url_field(&s, root, "image", &p->image);
	tags_field(&s);
	bool_field(&s, "draft", &p->draft);
	date_field(&s, "date", required(p->kind, "date"), &p->date);
	date_field(&s, "lastmod", false, &p->lastmod);
	int_field(&s, "weight", &p->weight);

	switch (p->kind) {
	case PAGE_NEWS:
		category_field(&s);
		p->author = text_field(&s, root, "author");
		text_list_check(&s, "activity"); /* centre */
		text_list_check(&s, "models");
		bool_field(&s, "pinned", &p->pinned);
		date_field(&s, "until", false, &p->until);
		break;
	case PAGE_SCHOOL:
		p->district = text_field(&s, root, "district");
		p->province = text_field(&s, root, "province");
		p->address = text_field(&s, root, "address");
		p->phone = text_field(&s, root, "phone");
		email_field(&s, &p->email);
		url_field(&s, root, "website", &p->website);
		models_field(&s);
		break;
	case PAGE_PLAN:
		p->number = key_text(&s, "number");
		date_field(&s, "issued", required(p->kind, "issued"), &p->issued);
		p->issuer = text_field(&s, root, "issuer");
		p->signer = text_field(&s, root, "signer");
		activities_field(&s);
		break;
	case PAGE_DOCUMENT: /* centre */
		p->number = key_text(&s, "number");
		date_field(&s, "issued", required(p->kind, "issued"), &p->issued);
		p->issuer = text_field(&s, root, "issuer");
		p->signer = text_field(&s, root, "signer");
		doc_type_field(&s);
		break;
	default:
		break;
	}

	if (p->date.prec != DATE_NONE && p->lastmod.prec != DATE_NONE &&
	    date_cmp(&p->lastmod, &p->date, 0) < 0)
		diag_warning(diags, p->path, value_get(root, "lastmod")->line, 0,
			     "'lastmod' is before 'date'");
	return s.errors ? -1 : 0;
}

/* ---- unknown keys ------------------------------------------------------ */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void key_note(struct key_check *kc, const struct value *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void key_note(struct key_check *kc, const struct value *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(kc->diags, kc->strict ? DIAG_ERROR : DIAG_WARNING, kc->path, at->line, at->col,
		  fmt, ap);
	va_end(ap);
	kc->unknown++;
}

/* Words no edit distance finds: what people coming from elsewhere write. */
static const struct {
	const char *wrong, *right;
} synonyms[] = {
	{ "link", "url" },	   { "href", "url" },	       { "label", "name" },
	{ "title", "name" },	   { "modified", "lastmod" },  { "updated", "lastmod" },
	{ "published", "date" },   { "pubdate", "date" },      { "publishdate", "date" },
	{ "categories", "category" }, { "writer", "author" },
};

static bool in_list(const char *k, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(k, list[i]))
			return true;
	return false;
}

static bool in_list_ci(const char *k, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(k, list[i]))
			return true;
	return false;
}

static const char *closest(const char *k, const char *const *known, size_t n)
{
	for (size_t i = 0; i < COUNT(synonyms); i++)
		if (!strcasecmp(k, synonyms[i].wrong) && in_list(synonyms[i].right, known, n))
			return synonyms[i].right;
	return suggest_closest(k, known, n);
}

void schema_check_map_keys(struct key_check *kc, const struct value *map, const char *where,
			   const char *const *known, size_t nknown, const char *const *quiet,
			   size_t nquiet)
{
	if (!map || map->kind != VALUE_MAP)
		return;
	for (size_t i = 0; i < map->n; i++) {
		const struct value *k = map->items[2 * i];
		if (k->kind != VALUE_SCALAR || in_list(k->str, known, nknown) ||
		    in_list_ci(k->str, quiet, nquiet))
			continue;
		const char *s = closest(k->str, known, nknown);
		if (where && s)
			key_note(kc, k, "unknown key '%.80s' in %s (did you mean '%s'?)", k->str, where,
				 s);
		else if (where)
			key_note(kc, k, "unknown key '%.80s' in %s", k->str, where);
		else if (s)
			key_note(kc, k, "unknown key '%.80s' (did you mean '%s'?)", k->str, s);
		else
			key_note(kc, k, "unknown key '%.80s'", k->str);
	}
}

/* Hugo's front matter keys that do something in Hugo Loa does not do:
 * named with what Loa does instead, never silently dropped. */
static bool hugo_hint(struct key_check *kc, const struct value *k)
{
	const char *n = k->str;
	if (!strcmp(n, "aliases")) {
		key_note(kc, k, "'aliases' (Hugo's redirects) is not supported: Loa writes no redirect pages");
	} else if (!strcmp(n, "url")) {
		key_note(kc, k, "'url' is not used: Loa makes the URL from 'slug' and site.yaml's permalinks");
	} else if (!strcasecmp(n, "publishDate") || !strcasecmp(n, "expiryDate") ||
		   !strcasecmp(n, "type") || !strcasecmp(n, "outputs") || !strcasecmp(n, "menu") ||
		   !strcasecmp(n, "cascade") || !strcasecmp(n, "build") || !strcasecmp(n, "headless") ||
		   !strcasecmp(n, "resources") || !strcasecmp(n, "markup") ||
		   !strcasecmp(n, "translationKey") || !strcasecmp(n, "sitemap") ||
		   !strcasecmp(n, "isCJKLanguage") || !strcasecmp(n, "linkTitle")) {
		if (!strcasecmp(n, "publishDate"))
			key_note(kc, k, "'%s' is Hugo's; Loa schedules a page by 'date'", n);
		else
			key_note(kc, k, "'%s' is a Hugo setting Loa does not use", n);
	} else {
		return false;
	}
	return true;
}

/* Adds the keys of fields not in known yet, in the table's order. */
static size_t add_keys(const struct schema_field *fs, size_t n, const char **known, size_t nknown,
		       size_t cap)
{
	for (size_t i = 0; i < n; i++) {
		if (in_list(fs[i].key, known, nknown))
			continue;
		if (nknown == cap)
			BUG("more than %zu front matter keys", cap);
		known[nknown++] = fs[i].key;
	}
	return nknown;
}

enum { MAX_KEYS = 64 };

/* Unknown keys of each item of the list f (`models[2]`). */
static void check_items(struct key_check *kc, const struct value *root,
			const struct schema_field *f)
{
	const struct value *list = value_get(root, f->key);
	if (!list || list->kind != VALUE_LIST)
		return;
	const char *known[MAX_KEYS];
	size_t nknown = add_keys(f->items, f->nitems, known, 0, MAX_KEYS);
	char where[64];
	for (size_t i = 0; i < list->n; i++) {
		snprintf(where, sizeof(where), "%s[%zu]", f->key, i + 1);
		schema_check_map_keys(kc, list->items[i], where, known, nknown, NULL, 0);
	}
}

size_t schema_check_keys(const struct page *p, const struct value *root, bool strict,
			 struct diag_list *diags)
{
	/* Hugo's names kept for templates (page.params) without a word:
	 * information, not behaviour */
	static const char *const quiet[] = { "description", "categories", "series", "keywords",
					     "authors", "author", "images", "toc", "params" };
	struct key_check kc = { p->path, strict, diags, 0 };
	if (!root || root->kind != VALUE_MAP)
		return 0;
	size_t nfields;
	const struct schema_field *fs = fields_of(p->kind, &nfields);
	/* the keys every kind has first, then the kind's own: the order
	 * "did you mean" breaks ties in */
	size_t ncommon;
	const struct schema_field *common = fields_of(PAGE_PAGE, &ncommon);
	const char *known[MAX_KEYS];
	size_t n = add_keys(common, ncommon, known, 0, MAX_KEYS);
	n = add_keys(fs, nfields, known, n, MAX_KEYS);
	/* Hugo's keys first, so that `aliases` is not "did you mean …" */
	for (size_t i = 0; i < root->n; i++) {
		const struct value *k = root->items[2 * i];
		if (k->kind == VALUE_SCALAR && !in_list(k->str, known, n))
			(void)hugo_hint(&kc, k);
	}
	/* named by hugo_hint already (Hugo's keys are case-insensitive) */
	static const char *const hugo_named[] = { "aliases", "url", "publishDate", "expiryDate",
						  "type", "outputs", "menu", "cascade", "build",
						  "headless", "resources", "markup", "translationKey",
						  "sitemap", "isCJKLanguage", "linkTitle" };
	const char *q[COUNT(quiet) + COUNT(hugo_named)];
	size_t nq = 0;
	for (size_t i = 0; i < COUNT(quiet); i++)
		q[nq++] = quiet[i];
	for (size_t i = 0; i < COUNT(hugo_named); i++)
		q[nq++] = hugo_named[i];
	schema_check_map_keys(&kc, root, NULL, known, n, q, nq);
	/* every list of maps the kind has: a school's models, a plan's
	 * activities */
	for (size_t i = 0; i < nfields; i++)
		if (fs[i].type == SCHEMA_LIST)
			check_items(&kc, root, &fs[i]);
	return kc.unknown;
}
