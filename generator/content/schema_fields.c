/* schema_fields — SPEC's front matter of each kind, as a table. */
#include "content/schema_fields.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define TEXT(k) { k, SCHEMA_TEXT, false, true, NULL, NULL, 0 }
#define HIDDEN(k, t) { k, t, false, false, NULL, NULL, 0 }

static const char *const categories[] = { "activity", "policy", "practice", "parents", NULL };

static const struct schema_field model_fields[] = {
	{ "title", SCHEMA_TEXT, true, true, NULL, NULL, 0 },
	TEXT("year"),
	TEXT("level"),
};

/* due: a date, or a month ("6/2023"): text in the editor */
static const struct schema_field activity_fields[] = {
	TEXT("id"),
	{ "name", SCHEMA_TEXT, true, true, NULL, NULL, 0 },
	TEXT("lead"),
	TEXT("partners"),
	TEXT("due"),
	TEXT("product"),
	/* ticked by the centre when the activity is done: the plan's status */
	HIDDEN("done", SCHEMA_BOOL),
};

/* the fields every kind has, after its own (hidden from writers: what the
 * centre sets, or what Loa works out by itself) */
#define COMMON_TAIL                                                                      \
	HIDDEN("slug", SCHEMA_TEXT), HIDDEN("draft", SCHEMA_BOOL),                         \
		HIDDEN("lastmod", SCHEMA_DATE), HIDDEN("weight", SCHEMA_INT),              \
		HIDDEN("layout", SCHEMA_TEXT)

static const struct schema_field news_fields[] = {
	{ "title", SCHEMA_TEXT, true, true, NULL, NULL, 0 },
	{ "date", SCHEMA_DATE, true, true, NULL, NULL, 0 },
	{ "category", SCHEMA_CHOICE, false, true, categories, NULL, 0 },
	{ "tags", SCHEMA_TAGS, false, true, NULL, NULL, 0 },
	{ "summary", SCHEMA_LONG_TEXT, false, true, NULL, NULL, 0 },
	TEXT("author"),
	{ "image", SCHEMA_IMAGE, false, true, NULL, NULL, 0 },
	/* what the article reports: plan activities ("175/KH-BGDĐT#3") and
	 * model practices; the centre sets them when it merges */
	HIDDEN("activity", SCHEMA_TAGS),
	HIDDEN("models", SCHEMA_TAGS),
	/* an announcement, first on the home page and its category until 'until' */
	HIDDEN("pinned", SCHEMA_BOOL),
	HIDDEN("until", SCHEMA_DATE),
	COMMON_TAIL,
};

static const struct schema_field school_fields[] = {
	{ "title", SCHEMA_TEXT, true, true, NULL, NULL, 0 },
	{ "summary", SCHEMA_LONG_TEXT, false, true, NULL, NULL, 0 },
	TEXT("address"),
	TEXT("district"),
	TEXT("province"),
	TEXT("phone"),
	TEXT("email"),
	{ "website", SCHEMA_URL, false, true, NULL, NULL, 0 },
	{ "models", SCHEMA_LIST, false, true, NULL, model_fields, COUNT(model_fields) },
	{ "image", SCHEMA_IMAGE, false, true, NULL, NULL, 0 },
	{ "tags", SCHEMA_TAGS, false, true, NULL, NULL, 0 },
	HIDDEN("date", SCHEMA_DATE),
	COMMON_TAIL,
};

static const struct schema_field plan_fields[] = {
	{ "title", SCHEMA_TEXT, true, true, NULL, NULL, 0 },
	TEXT("number"),
	{ "issued", SCHEMA_DATE, false, true, NULL, NULL, 0 },
	TEXT("issuer"),
	TEXT("signer"),
	{ "tags", SCHEMA_TAGS, false, true, NULL, NULL, 0 },
	{ "summary", SCHEMA_LONG_TEXT, false, true, NULL, NULL, 0 },
	{ "activities", SCHEMA_LIST, false, true, NULL, activity_fields, COUNT(activity_fields) },
	HIDDEN("date", SCHEMA_DATE),
	HIDDEN("image", SCHEMA_IMAGE),
	COMMON_TAIL,
};

static const char *const document_types[] = { "ke-hoach", "cong-van", "quyet-dinh", "thong-tu",
					       "huong-dan", "bao-cao", "khac", NULL };

static const struct schema_field document_fields[] = {
	{ "title", SCHEMA_TEXT, true, true, NULL, NULL, 0 },
	{ "number", SCHEMA_TEXT, true, true, NULL, NULL, 0 },
	{ "issued", SCHEMA_DATE, true, true, NULL, NULL, 0 },
	TEXT("issuer"),
	TEXT("signer"),
	{ "type", SCHEMA_CHOICE, false, true, document_types, NULL, 0 },
	{ "summary", SCHEMA_LONG_TEXT, false, true, NULL, NULL, 0 },
	{ "tags", SCHEMA_TAGS, false, true, NULL, NULL, 0 },
	HIDDEN("date", SCHEMA_DATE),
	HIDDEN("image", SCHEMA_IMAGE),
	COMMON_TAIL,
};

/* Every kind has these keys. Their order here (hidden ones between the
 * editable ones, which the editor never shows) is the order "did you
 * mean" tries them in, before a kind's own keys: schema.c. */
static const struct schema_field page_fields[] = {
	{ "title", SCHEMA_TEXT, true, true, NULL, NULL, 0 },
	HIDDEN("slug", SCHEMA_TEXT),
	{ "summary", SCHEMA_LONG_TEXT, false, true, NULL, NULL, 0 },
	{ "tags", SCHEMA_TAGS, false, true, NULL, NULL, 0 },
	HIDDEN("draft", SCHEMA_BOOL),
	HIDDEN("date", SCHEMA_DATE),
	HIDDEN("lastmod", SCHEMA_DATE),
	HIDDEN("image", SCHEMA_IMAGE),
	HIDDEN("weight", SCHEMA_INT),
	HIDDEN("layout", SCHEMA_TEXT),
};

const struct schema_field *schema_fields(enum page_kind kind, size_t *n)
{
	switch (kind) {
	case PAGE_NEWS:
		*n = COUNT(news_fields);
		return news_fields;
	case PAGE_SCHOOL:
		*n = COUNT(school_fields);
		return school_fields;
	case PAGE_PLAN:
		*n = COUNT(plan_fields);
		return plan_fields;
	case PAGE_DOCUMENT:
		*n = COUNT(document_fields);
		return document_fields;
	case PAGE_PAGE:
		*n = COUNT(page_fields);
		return page_fields;
	case PAGE_SECTION:
	case PAGE_HOME:
		break;
	}
	*n = 0;
	return NULL;
}
