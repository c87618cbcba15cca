/* decap — the browser editor of a site that sets `editor:` in site.yaml:
 * the configuration of Decap CMS (config.yml) and the page that loads it
 * (index.html), both published at /quan-tri/ with Decap's own files.
 *
 * The collections follow Loa's schema (content/schema_fields.h): one per
 * school's news folder (content/news/SLUG/, each article a bundle
 * SLUG/index.md with its photos beside it), the schools' pages (one file
 * each, as the site has them) and the plans (activities as a list). The
 * interface is in Vietnamese; slugs are ASCII without accents, as Loa's
 * own. Pure functions of the loaded site. */
#ifndef LOA_DECAP_H
#define LOA_DECAP_H

struct buf;
struct site;

/* The folder the editor is published in, below the site's root. */
#define DECAP_DIR "quan-tri" /* URL_editor of site/urls.h, as a folder name */

/* Appends config.yml for s (whose config.editor is set) to out. */
void decap_config_yml(const struct site *s, struct buf *out);

/* Appends index.html: noindex, loads decap-cms.js and config.yml from its
 * own folder. */
void decap_index_html(const struct site *s, struct buf *out);

#endif
