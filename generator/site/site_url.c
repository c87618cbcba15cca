/* site_url — owns a page's URL: the permalink patterns expanded, section
 * URLs, site_url_assign (slug, URL and output path of one page, with the
 * reserved-URL check), tag URLs, output paths of URLs, and the resolution
 * of a relative link written in a page (site_resolve_link). */
#include "site/site.h"
#include "site/site_internal.h"

#include "base/buf.h"
#include "base/diag.h"
#include "base/strmap.h"
#include "base/xalloc.h"
#include "content/text.h"
#include "site/layout.h"
#include "site/urls.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *site_out_path(struct arena *a, const char *url)
{
	while (*url == '/')
		url++;
	if (!*url)
		return arena_strdup(a, "index.html");
	if (str_has_suffix(url, "/"))
		return arena_printf(a, "%sindex.html", url);
	return arena_strdup(a, url);
}

/* readers: a school named by digits only would take an archive's URL */const char *site_tag_url(struct site *s, const char *tag)
{
	size_t known;
	if (strmap_get(&s->tag_url, tag, &known))
		return (const char *)(uintptr_t)known;
	struct buf slug = BUF_INIT, b = BUF_INIT;
	if (!text_slugify(s->text, &slug, tag, strlen(tag)))
		buf_puts(&slug, "khac");
	urls_add_tag(&b, slug.ptr, slug.len);
	buf_release(&slug);
	const char *url = arena_strdup(&s->arena, b.ptr);
	buf_release(&b);
	strmap_put(&s->tag_url, arena_strdup(&s->arena, tag), (size_t)(uintptr_t)url, NULL);
	return url;
}

/* Expands a permalink pattern. Returns NULL (with a diagnostic) when the
 * result is not a clean absolute path. */
static const char *expand_permalink(struct site *s, const struct page *p, const char *pattern,
				    const char *slug, struct diag_list *d)
{
	struct buf b = BUF_INIT;
	const char *q = pattern;
	while (*q) {
		if (*q != ':') {
			buf_putc(&b, *q++);
			continue;
		}
		const char *start = ++q;
		while ((*q >= 'a' && *q <= 'z') || *q == '_')
			q++;
		size_t n = (size_t)(q - start);
		char ybuf[16];
		const char *val = NULL;
		if (n == 4 && strncmp(start, "slug", 4) == 0)
			val = slug;
		else if (n == 6 && strncmp(start, "school", 6) == 0)
			val = p->school ? p->school : "";
		else if (n == 8 && strncmp(start, "filename", 8) == 0)
			val = p->filename;
		else if (n == 7 && strncmp(start, "section", 7) == 0)
			val = p->section;
		else if (n == 4 && strncmp(start, "year", 4) == 0 && p->date.prec) {
			snprintf(ybuf, sizeof(ybuf), "%04d", p->date.year);
			val = ybuf;
		} else if (n == 5 && strncmp(start, "month", 5) == 0 && p->date.prec) {
			snprintf(ybuf, sizeof(ybuf), "%02d", p->date.month);
			val = ybuf;
		}
		if (!val) {
			buf_release(&b);
			diag_error(d, s->config.path, 0, 0, "permalink '%s': unknown or empty token ':%.*s' for %s",
				   pattern, (int)n, start, p->path);
			return NULL;
		}
		buf_puts(&b, val);
	}
	/* collapse "//" left by an empty token */
	struct buf clean = BUF_INIT;
	for (size_t i = 0; i < b.len; i++)
		if (!(b.ptr[i] == '/' && clean.len && clean.ptr[clean.len - 1] == '/'))
			buf_putc(&clean, b.ptr[i]);
	buf_release(&b);
	const char *url = NULL;
	if (clean.len && clean.ptr[0] == '/' && !strstr(clean.ptr, "/../") &&
	    !strstr(clean.ptr, "/./") && !str_has_suffix(clean.ptr, "/..") && !strchr(clean.ptr, '\\') &&
	    !strchr(clean.ptr, '%'))
		url = arena_strdup(&s->arena, clean.ptr);
	else
		diag_error(d, p->path, page_line(p), 0, "permalink gives an invalid URL '%s'", clean.ptr);
	buf_release(&clean);
	return url;
}

/* The section URL of a folder: content/news → /tin-tuc/ (the words are
 * urls.h's URLS_SECTIONS), content/a/b → /a/b/ (folded). */
static const char *section_url(struct site *s, const char *dir)
{
	struct buf b = BUF_INIT;
	const char *rest = dir + strlen(s->config.content_dir);
	if (*rest == '/')
		rest++;
	buf_putc(&b, '/');
	const char *comp = rest;
	bool first = true;
	while (*comp) {
		const char *end = strchr(comp, '/');
		size_t n = end ? (size_t)(end - comp) : strlen(comp), wn;
		const char *word = first ? urls_section_word(comp, n, &wn) : NULL;
		if (word)
			buf_add(&b, word, wn);
		else if (!text_slugify(s->text, &b, comp, n))
			buf_add(&b, "_", 1);
		buf_putc(&b, '/');
		first = false;
		comp = end ? end + 1 : comp + n;
	}
	const char *url = arena_strdup(&s->arena, b.ptr);
	buf_release(&b);
	return url;
}
/* Slug and URL of a page; NULL URL (with a diagnostic) rejects it. */
int site_url_assign(struct site *s, struct page *p, struct diag_list *d)
{
	struct arena *a = &s->arena;
	const char *slug = p->slug;
	bool slug_written = slug != NULL;
	if (slug && !text_slug_valid(slug)) {
		const struct value *sv = value_get(p->front, "slug");
		return diag_error(d, p->path, sv ? sv->line : page_line(p), sv ? sv->col : 0,
				  "invalid slug '%s' (use a-z, 0-9, '-', '_' and '.')", slug);
	}
	if (p->kind == PAGE_SCHOOL || (p->kind == PAGE_NEWS && p->school && !text_slug_valid(p->school))) {
		const char *name = p->kind == PAGE_SCHOOL ? p->filename : p->school;
		if (!text_slug_valid(name))
			return diag_error(d, p->path, 1, 0,
					  "folder or file name '%s' is not a valid slug (a-z, 0-9, '-')", name);
		if (p->kind == PAGE_SCHOOL)
			slug = name; /* SPEC: a school's slug is its file or bundle name */
	}
	if (!slug && p->kind == PAGE_DOCUMENT) { /* centre: documents keep their file's name */
		struct buf b = BUF_INIT;
		if (text_slugify(s->text, &b, p->filename, strlen(p->filename)))
			slug = arena_strdup(a, b.ptr);
		buf_release(&b);
	}
	if (!slug) {
		struct buf b = BUF_INIT;
		if (!text_slugify(s->text, &b, p->title, strlen(p->title)))
			text_slugify(s->text, &b, p->filename, strlen(p->filename));
		slug = b.len ? arena_strdup(a, b.ptr) : arena_strdup(a, URLS_DEFAULT_SLUG);
		buf_release(&b);
	}
	p->slug = slug;

	const char *url = NULL;
	switch (p->kind) {
	case PAGE_NEWS:
		url = expand_permalink(s, p, p->school ? s->config.permalink_news
						       : s->config.permalink_centre_news, slug, d);
		break;
	case PAGE_SCHOOL:
		url = expand_permalink(s, p, s->config.permalink_school, slug, d);
		break;
	case PAGE_PLAN:
		url = expand_permalink(s, p, s->config.permalink_plan, slug, d);
		break;
	case PAGE_DOCUMENT: /* centre: /van-ban/:slug/ */
		url = arena_printf(a, "%s%s/", urls_path(URL_documents), slug);
		break;
	case PAGE_SECTION:
	case PAGE_HOME:
		url = section_url(s, dir_name(a, p->path));
		break;
	case PAGE_PAGE: {
		/* its path, each folder folded: content/Giới thiệu.md → /gioi-thieu/;
		 * a slug written in front matter replaces the file name */
		const char *base = section_url(s, dir_name(a, p->path));
		struct buf b = BUF_INIT;
		if (slug_written || !text_slugify(s->text, &b, p->filename, strlen(p->filename)))
			buf_puts(&b, slug);
		url = arena_printf(a, "%s%s/", base, b.ptr);
		buf_release(&b);
		break;
	}
	}
	if (!url)
		return -1;
	p->url = url;
	p->out_path = site_out_path(a, url);
	if (p->kind != PAGE_SECTION && p->kind != PAGE_HOME && urls_reserved(url))
		return diag_error(d, p->path, page_line(p), 0,
				  "URL %s is reserved for the site's own pages", url);
	return 0;
}
/* Joins a relative link to the folder of the page, resolving `.` and `..`;
 * false when it leaves the repository. */
static bool join_path(struct buf *out, const char *dir, const char *rel, size_t rel_len)
{
	buf_reset(out);
	buf_puts(out, dir);
	const char *q = rel, *end = rel + rel_len;
	while (q < end) {
		const char *slash = memchr(q, '/', (size_t)(end - q));
		size_t n = slash ? (size_t)(slash - q) : (size_t)(end - q);
		if (n == 0 || (n == 1 && q[0] == '.')) {
			/* nothing */
		} else if (n == 2 && q[0] == '.' && q[1] == '.') {
			char *last = strrchr(out->ptr, '/');
			if (!out->len)
				return false;
			buf_setlen(out, last ? (size_t)(last - out->ptr) : 0);
		} else {
			if (out->len)
				buf_putc(out, '/');
			buf_add(out, q, n);
		}
		q += n + (slash ? 1 : 0);
	}
	return true;
}

int site_resolve_link(const struct site *s, const struct page *p, const char *url, struct buf *out)
{
	/* absolute URLs, schemes, fragments and site-absolute paths stay */
	if (!*url || url[0] == '#' || url[0] == '/' || url[0] == '?')
		return 0;
	for (const char *q = url; *q && *q != '/' && *q != '?' && *q != '#'; q++)
		if (*q == ':')
			return 0;
	size_t path_len = strcspn(url, "?#");
	const char *suffix = url + path_len;
	struct buf path = BUF_INIT;
	const char *slash = strrchr(p->path, '/');
	struct buf dir = BUF_INIT;
	buf_add(&dir, p->path, slash ? (size_t)(slash - p->path) : 0);
	int ret = -1;
	if (!join_path(&path, dir.ptr, url, path_len))
		goto done;
	size_t idx;
	if (str_has_suffix(path.ptr, ".md")) {
		if (strmap_get(&s->page_by_path, path.ptr, &idx)) {
			buf_puts(out, s->pages[idx]->url);
			buf_puts(out, suffix);
			ret = 1;
		}
	} else if (strmap_get(&s->file_url, path.ptr, &idx)) {
		buf_puts(out, s->bundle_urls[idx]);
		buf_puts(out, suffix);
		ret = 1;
	} else {
		/* a folder link to a bundle: "../x/" */
		struct buf with_index = BUF_INIT;
		buf_addf(&with_index, "%s/index.md", path.ptr);
		if (strmap_get(&s->page_by_path, with_index.ptr, &idx)) {
			buf_puts(out, s->pages[idx]->url);
			buf_puts(out, suffix);
			ret = 1;
		}
		buf_release(&with_index);
	}
done:
	buf_release(&path);
	buf_release(&dir);
	return ret;
}
