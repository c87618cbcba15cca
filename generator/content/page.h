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
};

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

struct page {
	/* where it comes from */
	const char *path;     /* repository-relative source, "content/news/a/b.md" */
	size_t file_index;    /* index into the site's source file list */
	enum page_kind kind;
	const char *section;  /* first folder under content/ ("news"), "" at the top */
	const char *school;   /* news: the school folder's slug; NULL for the centre */
	const char *filename; /* file name without .md, or the bundle folder's name */
	bool bundle;          /* an index.md with its files beside it */

	/* front matter, typed by the schema (all kinds) */
	const struct value *front; /* the whole front matter (template `params`) */
	const char *title;
	const char *slug;          /* as written in front matter, or NULL */
	const char *summary;
	const char *image;
	const char **tags;
	size_t ntags;
	bool draft;
	struct date date;    /* front matter, else the first commit (DATE_NONE if neither);
				a time with an offset is converted to the site's zone */
	bool date_written;   /* date comes from front matter: only then can it
				schedule the page (a commit's date never hides it) */
	struct date lastmod; /* front matter, else the last commit */
	long weight;

	/* news */
	enum news_category category;
	const char *author;
	bool pinned;       /* readers: shown first on the home page and its category */
	struct date until; /* readers: ... through this day (prec 0: no end) */

	/* school */
	const char *district, *province, *address, *phone, *email, *website;
	struct school_model *models;
	size_t nmodels;

	/* plan */
	const char *number;
	struct date issued;
	const char *issuer, *signer;
	struct plan_activity *activities;
	size_t nactivities;

	/* body: Markdown after the front matter, inside the site's copy of the
	 * source; body_line is the line of the source file it starts on */
	const char *body;
	size_t body_len;
	int body_line;

	/* from git history (0 / empty when unknown, e.g. --worktree edits) */
	int64_t git_first, git_last; /* commit times, seconds since the epoch */
	const char **authors;        /* commit authors' names, first commit first */
	size_t nauthors;

	/* derived by the site */
	const char *url;      /* "/tin-tuc/truong-a/bai-viet/" */
	const char *out_path; /* "tin-tuc/truong-a/bai-viet/index.html" */
	struct bundle_file *files;
	size_t nfiles;
	int64_t sort_epoch;   /* date as seconds since the epoch, for sorting */
	bool listed;          /* published and shown in lists (not draft/future) */
};

const char *page_kind_name(enum page_kind k);        /* "news", "school", ... */
const char *news_category_name(enum news_category c); /* "policy", ... */

#endif
