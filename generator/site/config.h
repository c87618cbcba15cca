/* config — the site's configuration, site.yaml (SPEC "Site configuration").
 *
 * Parsed with the same YAML rules as front matter; every field has SPEC's
 * default, so an empty site.yaml is a valid site. Errors name
 * site.yaml:line and stop the build (exit 2). All strings live in the
 * arena given to config_load. */
#ifndef LOA_CONFIG_H
#define LOA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct diag_list;
struct value;

struct school_access {
	const char *school;  /* slug: content/schools/SLUG and content/news/SLUG/ */
	const char **emails; /* commit author emails allowed to write them */
	size_t nemails;
};

/* editor: in site.yaml — the browser editor (Decap CMS) published at
 * /quan-tri/ (site/decap.c); absent: no editor. */
struct editor_config {
	const char *backend;   /* gitea, forgejo, gitlab, git-gateway, test, proxy */
	const char *repo;      /* "owner/name" (gitea, forgejo, gitlab) */
	const char *branch;    /* "main" */
	const char *base_url;  /* the git host's address (login) */
	const char *api_root;  /* its API, when not base_url's usual one */
	const char *app_id;    /* the OAuth application's id */
	const char *proxy_url; /* proxy: decap-server's API */
	bool workflow;         /* a branch and a merge request per article */
	int line;              /* of `editor:` in site.yaml */
};

struct site_config {
	const char *path;        /* "site.yaml" */
	const struct value *root; /* the whole document, for templates */
	const char *title, *description, *base_url, *language, *timezone, *theme;
	const char *base_path;    /* base_url's path below the host, no trailing
				     slash: "/truyen-thong", or "" at the root */
	const char *content_dir;  /* "content" */
	const char **plugins;     /* names without .lua, in load order; NULL: all shipped */
	size_t nplugins;
	bool plugins_given;
	/* permalink patterns: tokens :school :slug :filename :year :month :section */
	const char *permalink_news, *permalink_centre_news, *permalink_school, *permalink_plan;
	int page_size;
	int outreach_monthly;          /* articles per school per month (4) */
	int outreach_semester_policy;  /* policy articles per school per semester (3) */
	unsigned outreach_months;      /* centre: bit m (1-12) set when month m carries a target */
	bool outreach_public;          /* centre: report pages indexed and linked (false) */
	bool unsafe_html;              /* markdown.unsafe */
	size_t max_file_size;          /* limits.file_size, bytes */
	size_t max_files;              /* limits.max_files: files listed under content/ at most (100,000) */
	unsigned render_timeout_ms;    /* limits.render_seconds */
	size_t render_memory;          /* limits.render_memory_mb */
	unsigned plugin_seconds;       /* limits.plugin_seconds: wall clock of each plugin stage */
	size_t plugin_memory;          /* limits.plugin_memory_mb: Lua cap of the plugin stage, 0 = by size */
	double max_removed;            /* limits.max_removed: share of published pages a build may remove (0.2) */
	size_t sitemap_urls;           /* limits.sitemap_urls: URLs per sitemap file before the split (50,000) */
	struct school_access *schools;
	size_t nschools;
	/* centre.authors: the centre's staff, who may write anywhere (review
	 * says nothing about their commits) */
	const char **centre_emails;
	size_t ncentre_emails;
	const struct editor_config *editor; /* NULL: no browser editor */
};

/* Parses src (site.yaml's bytes; may be NULL/empty when the file is
 * absent) into c, filling defaults. Returns 0 or -1 with diagnostics. */
int config_load(struct site_config *c, struct arena *a, const char *path, const char *src,
		size_t len, struct diag_list *diags);

/* Names each key of site.yaml Loa does not read (see schema_check_keys):
 * warnings, errors when strict. Hugo's `baseURL`, `paginate`,
 * `languageCode` and `timeZone` are read as base_url, page_size, language
 * and timezone when those are absent. Returns the number of unknown keys. */
size_t config_check_keys(const struct site_config *c, bool strict, struct diag_list *diags);

#endif
