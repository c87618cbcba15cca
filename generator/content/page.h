/* page — the content model: one page of the site, typed from its front
 * matter by the schema of its kind (SPEC "Content").
 *
 * A page and every string it points to live in the site's arena; nothing
 * here is freed one by one. Optional strings are NULL when absent. */
#ifndef LOA_PAGE_H
#define LOA_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/dates.h"

struct value;

enum page_kind {
	PAGE_NEWS,    /* under content/news/, in a school's folder or not */
	PAGE_SCHOOL,  /* content/schools/SLUG.md or SLUG/index.md */
	PAGE_PLAN,    /* under content/plans/ */
	PAGE_PAGE,    /* anything else */
	PAGE_SECTION, /* a folder's _index.md, or a listing made by the build */
	PAGE_HOME,    /* content/_index.md, or the home page made by the build */
	PAGE_DOCUMENT, /* centre: under content/van-ban/ (văn bản: number, issued, type) */
};

/* in the order of the category choices in content/schema_fields.c */
enum news_category { CATEGORY_ACTIVITY = 0, CATEGORY_POLICY, CATEGORY_PRACTICE,
		     CATEGORY_PARENTS /* readers: the parents' corner */ };

struct school_model {
	const char *title;
	const char *year;  /* e.g. "2022-2023"; may be NULL */
	const char *level; /* e.g. "huyện"; may be NULL */
	int line;
};

struct plan_activity {
	const char *id;
	const char *name;
	const char *lead;
	const char *partners;
	const char *product;
	struct date due; /* DATE_DAY or DATE_MONTH; DATE_NONE when not given */
	int line;
};

struct bundle_file {
	const char *src_path; /* repository-relative path of the blob or file */
	const char *name;     /* file name inside the bundle folder (validated) */
	const char *out_path; /* output-relative path, e.g. "tin-tuc/a/b/anh.jpg" */
	size_t file_index;    /* index into the site's source file list */
};

/* How a render's cache key covers a field of struct page (incr/keys.c):
 * every field says which, in PAGE_FIELDS below, so that none can be added
 * without a decision; tests/unit/test_keys.c changes each keyed field and
 * checks that the key named here changes with it. */
enum page_key_cover {
	PAGE_KEY_META,     /* keys_site_metadata writes it: any render may read it */
	PAGE_KEY_OWN,      /* keys_page writes it: the page's own render reads it */
	PAGE_KEY_VOLATILE, /* keys_page_volatile writes it (changes at every edit) */
	PAGE_KEY_SOURCE,   /* follows from keyed inputs: the path (OWN), the front
			      matter (META) or the source blob (OWN), and site.yaml */
};

/* The C type of each type word of PAGE_FIELDS. */
#define PAGE_T_STR const char *
#define PAGE_T_STRS const char **
#define PAGE_T_SIZE size_t
#define PAGE_T_I64 int64_t
#define PAGE_T_LONG long
#define PAGE_T_INT int
#define PAGE_T_BOOL bool
#define PAGE_T_KIND enum page_kind
#define PAGE_T_CATEGORY enum news_category
#define PAGE_T_DATE struct date
#define PAGE_T_VALUE const struct value *
#define PAGE_T_MODELS struct school_model *
#define PAGE_T_ACTIVITIES struct plan_activity *
#define PAGE_T_FILES struct bundle_file *

/* Every field of a page: X(type word, name, cover). To add a field, add a
 * line here with its cover; a keyed one (META, OWN, VOLATILE) must also be
 * written by that function of incr/keys.c, or test_keys fails. */
#define PAGE_FIELDS(X)                                                                      \
	/* where it comes from */                                                           \
	X(STR, path, PAGE_KEY_OWN)          /* repository-relative, "content/news/a/b.md" */ \
	X(SIZE, file_index, PAGE_KEY_OWN)   /* into the site's source files: its blob id */  \
	X(KIND, kind, PAGE_KEY_META)                                                         \
	X(STR, section, PAGE_KEY_SOURCE)    /* first folder under content/ ("news"), "" */    \
	X(STR, school, PAGE_KEY_META)       /* news: the school folder's slug; NULL: centre */ \
	X(STR, filename, PAGE_KEY_SOURCE)   /* without .md, or the bundle folder's name */    \
	X(BOOL, bundle, PAGE_KEY_SOURCE)    /* an index.md with its files beside it */        \
	/* front matter, typed by the schema (all kinds) */                                 \
	X(VALUE, front, PAGE_KEY_META)      /* the whole front matter (template `params`) */  \
	X(STR, title, PAGE_KEY_META)                                                         \
	X(STR, slug, PAGE_KEY_SOURCE)       /* front matter, else from title or filename */   \
	X(STR, summary, PAGE_KEY_META)                                                       \
	X(STR, image, PAGE_KEY_SOURCE)                                                       \
	X(STRS, tags, PAGE_KEY_SOURCE)                                                       \
	X(SIZE, ntags, PAGE_KEY_SOURCE)                                                      \
	X(BOOL, draft, PAGE_KEY_META)                                                        \
	/* front matter, else the first commit (DATE_NONE if neither); a time with an       \
	 * offset is converted to the site's zone */                                        \
	X(DATE, date, PAGE_KEY_META)                                                         \
	/* date comes from front matter: only then can it schedule the page (a commit's    \
	 * date never hides it) */                                                          \
	X(BOOL, date_written, PAGE_KEY_SOURCE)                                               \
	X(DATE, lastmod, PAGE_KEY_VOLATILE) /* front matter, else the last commit */         \
	X(LONG, weight, PAGE_KEY_SOURCE)                                                     \
	/* news */                                                                          \
	X(CATEGORY, category, PAGE_KEY_SOURCE)                                               \
	X(STR, author, PAGE_KEY_SOURCE)                                                      \
	X(BOOL, pinned, PAGE_KEY_SOURCE)    /* shown first on the home page and its category */ \
	X(DATE, until, PAGE_KEY_SOURCE)     /* ... through this day (prec 0: no end) */        \
	/* school */                                                                        \
	X(STR, district, PAGE_KEY_SOURCE)                                                    \
	X(STR, province, PAGE_KEY_SOURCE)                                                    \
	X(STR, address, PAGE_KEY_SOURCE)                                                     \
	X(STR, phone, PAGE_KEY_SOURCE)                                                       \
	X(STR, email, PAGE_KEY_SOURCE)                                                       \
	X(STR, website, PAGE_KEY_SOURCE)                                                     \
	X(MODELS, models, PAGE_KEY_SOURCE)                                                   \
	X(SIZE, nmodels, PAGE_KEY_SOURCE)                                                    \
	/* plan */                                                                          \
	X(STR, number, PAGE_KEY_SOURCE)                                                      \
	X(DATE, issued, PAGE_KEY_SOURCE)                                                     \
	X(STR, issuer, PAGE_KEY_SOURCE)                                                      \
	X(STR, signer, PAGE_KEY_SOURCE)                                                      \
	X(ACTIVITIES, activities, PAGE_KEY_SOURCE)                                           \
	X(SIZE, nactivities, PAGE_KEY_SOURCE)                                                \
	/* document: number, issued, issuer, signer as for a plan */                        \
	X(STR, doc_type, PAGE_KEY_SOURCE)   /* ke-hoach, cong-van, ...; "khac" if not given */ \
	/* body: Markdown after the front matter, inside the site's copy of the source     \
	 * (another page's body is read through loa.page_summary, recorded as a            \
	 * dependency); body_line is the line of the source file it starts on */            \
	X(STR, body, PAGE_KEY_SOURCE)                                                        \
	X(SIZE, body_len, PAGE_KEY_SOURCE)                                                   \
	X(INT, body_line, PAGE_KEY_META)                                                     \
	/* from git history (0 / empty when unknown, e.g. --worktree edits) */              \
	X(I64, git_first, PAGE_KEY_META)    /* commit times, seconds since the epoch */       \
	X(I64, git_last, PAGE_KEY_VOLATILE)                                                  \
	X(STRS, authors, PAGE_KEY_VOLATILE) /* commit authors' names, first commit first */  \
	X(SIZE, nauthors, PAGE_KEY_VOLATILE)                                                 \
	/* derived by the site */                                                           \
	X(STR, url, PAGE_KEY_META)          /* "/tin-tuc/truong-a/bai-viet/" */               \
	X(STR, out_path, PAGE_KEY_META)     /* "tin-tuc/truong-a/bai-viet/index.html" */      \
	X(FILES, files, PAGE_KEY_OWN)                                                        \
	X(SIZE, nfiles, PAGE_KEY_OWN)                                                        \
	X(I64, sort_epoch, PAGE_KEY_META)   /* date as seconds since the epoch, for sorting */ \
	X(BOOL, listed, PAGE_KEY_META)      /* published and shown in lists (not draft/future) */

struct page {
#define PAGE_FIELD_(type, name, cover) PAGE_T_##type name;
	PAGE_FIELDS(PAGE_FIELD_)
#undef PAGE_FIELD_
};

const char *page_kind_name(enum page_kind k);        /* "news", "school", ... */
const char *news_category_name(enum news_category c); /* "policy", ... */

#endif
