/* schema_fields — the front matter of each kind of page, as data: its
 * keys, their types, which are required, and which a writer fills in the
 * browser editor (site/decap.c makes Decap CMS's fields from it). Each
 * key is declared here once: schema_check_keys accepts exactly these
 * keys (and suggests among them), schema_apply takes what is required
 * and the choices from here; tests/unit/test_schema.c checks that every
 * key Loa reads from front matter is in the table and that a page with
 * every key of the table is typed without a word. A new key: one row. */
#ifndef LOA_SCHEMA_FIELDS_H
#define LOA_SCHEMA_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "content/page.h"

enum schema_type {
	SCHEMA_TEXT,      /* one line of text */
	SCHEMA_LONG_TEXT, /* a paragraph (summary) */
	SCHEMA_DATE,      /* YYYY-MM-DD */
	SCHEMA_BOOL,
	SCHEMA_INT,
	SCHEMA_TAGS,      /* a list of text */
	SCHEMA_CHOICE,    /* one of choices */
	SCHEMA_IMAGE,     /* a path or URL to a picture (a bundle's file) */
	SCHEMA_URL,       /* an http(s) or mailto URL */
	SCHEMA_LIST,      /* a list of maps of the fields items */
};

struct schema_field {
	const char *key;
	enum schema_type type;
	bool required;
	bool editable; /* offered to writers in the browser editor */
	const char *const *choices; /* SCHEMA_CHOICE, NULL-terminated */
	const struct schema_field *items; /* SCHEMA_LIST */
	size_t nitems;
};

/* The fields of kind's front matter, in the order a writer fills them;
 * NULL (and *n 0) for sections and the home page. */
const struct schema_field *schema_fields(enum page_kind kind, size_t *n);

#endif
