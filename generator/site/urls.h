/* urls — every URL word the site publishes, in one table: the C code, the
 * plugins (loa.urls, loa.absolute_url, loa.rel_url) and the theme (its
 * abs_url / rel_url filters follow urls_absolute's rule) all read it here.
 *
 * To add a URL, add one line to URLS_TABLE:
 *
 *	X(name, "/path/", flags)
 *
 *   name   the C name (URL_name, urls_path(URL_name)) and the key of
 *          loa.urls in plugins (loa.urls.name);
 *   path   site-rooted; a folder ends in '/';
 *   flags  URL_EXACT: a content page may not claim this URL (nor the same
 *          without its trailing '/', where the site's own file goes);
 *          URL_TREE: nor any URL below it; 0: published by a plugin, not
 *          reserved (a clash is still caught as two claims of one output).
 *
 * Nothing else needs changing: the reserved-URL check, loa.urls and the
 * documentation of loa.urls (docs/plugins.md) follow the table. A content
 * folder whose pages publish under a word of their own (news → tin-tuc)
 * is one line of URLS_SECTIONS, naming its URL's entry. */
#ifndef LOA_URLS_H
#define LOA_URLS_H

#include <stdbool.h>
#include <stddef.h>

#include "site/layout.h"

struct buf;

enum { URL_EXACT = 1, URL_TREE = 2 };

#define URLS_TABLE(X)                                             \
	X(home, "/", URL_EXACT)                                   \
	X(news, "/tin-tuc/", URL_EXACT)                           \
	X(news_pages, "/tin-tuc/trang/", URL_TREE)                \
	X(news_feed, "/tin-tuc/atom.xml", URL_EXACT)              \
	X(feed, "/atom.xml", URL_EXACT)                           \
	X(schools, "/truong/", URL_EXACT)                         \
	X(models, "/mo-hinh/", 0)                                 \
	X(plans, "/ke-hoach/", URL_EXACT)                         \
	X(plans_calendar, "/ke-hoach/lich.ics", URL_EXACT)        \
	X(tags, "/chu-de/", URL_EXACT | URL_TREE)                 \
	X(documents, "/van-ban/", URL_EXACT)                      \
	X(documents_pages, "/van-ban/trang/", URL_TREE)          \
	X(documents_types, "/van-ban/loai/", URL_TREE)           \
	X(categories, "/chuyen-muc/", URL_EXACT | URL_TREE)      \
	X(category_parents, "/chuyen-muc/phu-huynh/", 0)        \
	X(reports, "/bao-cao/", URL_TREE)                         \
	X(outreach, "/bao-cao/truyen-thong/", URL_EXACT)          \
	X(outreach_csv, "/bao-cao/truyen-thong.csv", URL_EXACT)   \
	X(outreach_articles_csv, "/bao-cao/truyen-thong-bai-viet.csv", URL_EXACT) \
	X(search, "/tim-kiem/", URL_EXACT | URL_TREE)             \
	X(search_index, "/tim-kiem/index/", 0)                    \
	X(sitemap, "/sitemap.xml", URL_EXACT)                     \
	X(robots, "/robots.txt", URL_EXACT)                       \
	X(not_found, "/404.html", URL_EXACT)                      \
	X(css, "/css/", URL_TREE)                                 \
	X(js, "/js/", URL_TREE)                                   \
	X(editor, "/quan-tri/", 0)                                \
	X(well_known, "/.well-known/", URL_TREE)

/* Content folders (below content.dir) whose URL word is not the folder's
 * own name: X("folder", entry of URLS_TABLE). Other folders publish
 * under their slugified names. */
#define URLS_SECTIONS(X)              \
	X(LAYOUT_NEWS, news)          \
	X(LAYOUT_SCHOOLS, schools)    \
	X(LAYOUT_PLANS, plans)

enum url_id {
#define URLS_ENUM_(name, path, flags) URL_##name,
	URLS_TABLE(URLS_ENUM_)
#undef URLS_ENUM_
	URL_COUNT
};

/* Page N (2 and up) of a list at L is L + "trang/N/"; loa.paginate and
 * the renderer (which reports a list body's warnings on page 1 only)
 * both use this word. A news school may not be named after it. */
#define URLS_PAGE_WORD "trang"

/* The slug of a page whose title and file name give none. */
#define URLS_DEFAULT_SLUG "trang"

/* The default permalinks (site.yaml `permalinks:` overrides them). */
#define URLS_PERMALINK_NEWS "/tin-tuc/:school/:slug/"
#define URLS_PERMALINK_CENTRE_NEWS "/tin-tuc/:slug/"
#define URLS_PERMALINK_SCHOOL "/truong/:slug/"
#define URLS_PERMALINK_PLAN "/ke-hoach/:slug/"

/* The site-rooted path of an entry ("/tin-tuc/"). */
const char *urls_path(enum url_id id);
/* The name of an entry ("news"), the key of loa.urls. */
const char *urls_name(enum url_id id);

/* True when a content page may not claim url (URL_EXACT, URL_TREE). */
bool urls_reserved(const char *url);

/* The URL word of the first content folder name (n bytes): "news" →
 * "tin-tuc" with *len 7; NULL when the folder publishes under its name. */
const char *urls_section_word(const char *folder, size_t n, size_t *len);

/* A tag's URL from its slug: "/chu-de/SLUG/"; and back: the slug inside
 * such a URL (NULL with *len 0 when url is not a tag's). */
void urls_add_tag(struct buf *out, const char *slug, size_t len);
const char *urls_tag_slug(const char *url, size_t *len);

/* True when url is page 2 or later of a paginated list (".../trang/N/"). */
bool urls_is_later_page(const char *url);

/* Joining base_url and a path, the one rule for every absolute URL:
 * base_url loses its trailing '/'s; a site-rooted path ("/x") follows it,
 * a URL with a scheme ("https:", "//host") is kept, any other path gets a
 * '/' between. urls_base_len is the length of base_url without its
 * trailing '/'s. urls_add_absolute appends to out; urls_absolute returns
 * a malloc'ed string. */
size_t urls_base_len(const char *base_url);
void urls_add_absolute(struct buf *out, const char *base_url, const char *path);
char *urls_absolute(const char *base_url, const char *path);

/* A site-rooted path below base_path (site_config.base_path, "/sub" or
 * ""): what the theme's rel_url does and loa.rel_url exports. Returns a
 * malloc'ed string. */
char *urls_rooted(const char *base_path, const char *path);

#endif
