/* urls — the URL table and the rules around it (see urls.h). */
#include "site/urls.h"
#include "base/buf.h"

#include <string.h>

static const struct {
	const char *name, *path;
	int flags;
} table[URL_COUNT] = {
#define URLS_ROW_(name, path, flags) { #name, path, flags },
	URLS_TABLE(URLS_ROW_)
#undef URLS_ROW_
};

static const struct {
	const char *folder;
	enum url_id id;
} sections[] = {
#define URLS_SECTION_(folder, name) { folder, URL_##name },
	URLS_SECTIONS(URLS_SECTION_)
#undef URLS_SECTION_
};

const char *urls_path(enum url_id id)
{
	return table[id].path;
}

const char *urls_name(enum url_id id)
{
	return table[id].name;
}

bool urls_reserved(const char *url)
{
	/* "/sitemap.xml/" would publish the folder sitemap.xml/ where the
	 * site's own file must go: a page URL also matches without its '/' */
	size_t n = strlen(url);
	for (size_t i = 0; i < URL_COUNT; i++) {
		const char *r = table[i].path;
		size_t m = strlen(r);
		if ((table[i].flags & URL_EXACT) &&
		    (strcmp(url, r) == 0 ||
		     (n > 1 && url[n - 1] == '/' && m == n - 1 && strncmp(url, r, n - 1) == 0)))
			return true;
		if ((table[i].flags & URL_TREE) && strncmp(url, r, m) == 0)
			return true;
	}
	/* the parts of a split sitemap: /sitemap-N.xml (pipeline/sitemap.c) */
	if (strncmp(url, "/sitemap-", 9) == 0) {
		const char *q = url + 9;
		while (*q >= '0' && *q <= '9')
			q++;
		if (q > url + 9 && (strcmp(q, ".xml") == 0 || strcmp(q, ".xml/") == 0))
			return true;
	}
	return false;
}

const char *urls_section_word(const char *folder, size_t n, size_t *len)
{
	for (size_t i = 0; i < sizeof(sections) / sizeof(*sections); i++) {
		if (strlen(sections[i].folder) == n && strncmp(folder, sections[i].folder, n) == 0) {
			const char *p = table[sections[i].id].path; /* "/tin-tuc/" */
			*len = strlen(p) - 2;
			return p + 1;
		}
	}
	*len = 0;
	return NULL;
}

void urls_add_tag(struct buf *out, const char *slug, size_t len)
{
	buf_puts(out, table[URL_tags].path);
	buf_add(out, slug, len);
	buf_putc(out, '/');
}

const char *urls_tag_slug(const char *url, size_t *len)
{
	const char *prefix = table[URL_tags].path;
	size_t m = strlen(prefix), n = strlen(url);
	if (n <= m + 1 || strncmp(url, prefix, m) != 0 || url[n - 1] != '/') {
		*len = 0;
		return NULL;
	}
	*len = n - m - 1;
	return url + m;
}

bool urls_is_later_page(const char *url)
{
	return strstr(url, "/" URLS_PAGE_WORD "/") != NULL;
}

size_t urls_base_len(const char *base_url)
{
	size_t n = strlen(base_url);
	while (n && base_url[n - 1] == '/')
		n--;
	return n;
}

static bool has_scheme(const char *s)
{
	if (s[0] == '/' && s[1] == '/')
		return true;
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (s++; *s; s++) {
		if (*s == ':')
			return true;
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '+' || *s == '-' || *s == '.'))
			return false;
	}
	return false;
}

/* base (n bytes) joined to path by the rule of urls.h */
static void add_joined(struct buf *out, const char *base, size_t n, const char *path)
{
	if (path[0] == '/' && path[1] != '/') {
		buf_add(out, base, n);
		buf_puts(out, path);
		return;
	}
	if (has_scheme(path)) {
		buf_puts(out, path);
		return;
	}
	while (*path == '/')
		path++;
	buf_add(out, base, n);
	buf_putc(out, '/');
	buf_puts(out, path);
}

void urls_add_absolute(struct buf *out, const char *base_url, const char *path)
{
	add_joined(out, base_url, urls_base_len(base_url), path);
}

char *urls_absolute(const char *base_url, const char *path)
{
	struct buf b = BUF_INIT;
	urls_add_absolute(&b, base_url, path);
	return buf_detach(&b, NULL);
}

char *urls_rooted(const char *base_path, const char *path)
{
	struct buf b = BUF_INIT;
	add_joined(&b, base_path, urls_base_len(base_path), path);
	return buf_detach(&b, NULL);
}
