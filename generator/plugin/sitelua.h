/* sitelua — the site as Lua sees it: page tables for templates, the `loa`
 * module for plugins, and the calls that render a page in a worker.
 *
 * Built in the parent after the site is loaded and before workers fork, so
 * every worker inherits the same tables copy-on-write. Plugins run here
 * (in load order, each with its own _ENV) and may add pages and files; each
 * claims its output file in the site's claims table (site/claims.h) after
 * the build's own, the theme's and the content's. Everything Lua holds
 * is owned by the luavm; struct sitelua owns its C arrays. */
#ifndef LOA_SITELUA_H
#define LOA_SITELUA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct diag_list;
struct key_stream;
struct luavm;
struct site;
struct sitelua;
struct theme;
struct value;

/* What a plugin added: a page rendered with a layout, or a file. */
struct extra_output {
	const char *url;      /* "/tin-tuc/trang/2/" */
	const char *out_path; /* "tin-tuc/trang/2/index.html" */
	const char *layout;   /* NULL for a plain file */
	const char *plugin;   /* who added it, for diagnostics */
	bool in_sitemap;
	const char *source;   /* page.path of the context (a section's _index.md), or NULL */
	int ref;              /* Lua registry ref of the context (a page) */
	size_t content_id;    /* a plain file's bytes: out of Lua, see sitelua_extra_content */
	size_t content_len;
	/* their digest (key_digest) when the build has a cache, else "" (and
	 * for a content function's file): the file's job is then keyed by
	 * its bytes, and the standby keeps it while they stay the same
	 * (incremental.c) */
	char bytes_key[41];
	/* or its content function (LUA_NOREF: none), called by the file's
	 * render in a worker (sitelua_memo_make): its cache key ("": made at
	 * every build), and how much of what the stages read came before it */
	int content_ref;
	char memo_key[41];
	size_t memo_nambient;
	bool memo_today;
	bool memo_hit; /* the cache holds it: the render takes it from there */
	/* with memo_hit: the key over what its deps name, as they hold now
	 * (the "=" line of its deps); with memo_key, it names the file's
	 * bytes, so the standby keeps the file while both stay (incremental.c) */
	char memo_result[41];
	/* keyed by what it reaches, its page reads recorded (sitelua_memo_decide) */
	bool memo_narrow;
	/* loa.add_page's `data` function (LUA_NOREF: none), called by the
	 * page's render in a worker; data_key is what its result may depend
	 * on beyond the table (sitelua_memo_data_key), data_untracked that
	 * no key covers it (the page is made at every build) */
	int data_ref;
	const char *data_file; /* where it is written ("plugins/x.lua"; NULL: no data function) */
	bool data_untracked;
	bool data_narrow; /* keyed by what it reaches, its page reads recorded */
	/* the stages' reads before it was added, for its wide key */
	size_t data_nambient;
	bool data_today;
	char data_key[41]; /* a key: KEY_LEN (incr/key.h) hex digits */
};

/* loa.add_file content functions and loa.memo values kept in the build
 * cache (sitelua_memo.c): enabled by a build with a cache, with its base
 * key and the key fields of the site's own theme and plugin files
 * (complete once the plugins are loaded; both must outlive sl). The render
 * workers store what the functions make (sitelua_memo_make);
 * sitelua_memo_keep writes into keep the keys this build used
 * (sitelua_memo_count of them), for the sweep: files content functions
 * had a key and values loa.memo calls were made, of which reused and
 * values_reused came from the cache. */
struct cache;
void sitelua_memo_enable(struct sitelua *sl, struct cache *cache, const char *base_key,
			 const struct buf *own_key);
size_t sitelua_memo_keep(const struct sitelua *sl, char **keep);
size_t sitelua_memo_count(const struct sitelua *sl, size_t *files, size_t *reused,
			  size_t *values, size_t *values_reused);
/* In a render worker: when the job's content function was called and its
 * file stored in the cache, the key over that object's deps (as
 * extra_output.memo_result gives it for an object found); else "". */
const char *sitelua_memo_made(const struct sitelua *sl);

/* i18n: the theme's strings for the site's language (a map; may be NULL). */
int sitelua_open(struct sitelua **out, struct site *s, struct luavm *vm, struct theme *theme,
		 const struct value *i18n, struct diag_list *diags);
void sitelua_free(struct sitelua *sl);

/* Loads a plugin (its source, read by the caller from the commit or the
 * installed defaults; display name for errors) and runs its top level. A
 * plugin error names plugins/x.lua:line. */
int sitelua_load_plugin(struct sitelua *sl, const char *src, size_t len, const char *display,
			struct diag_list *diags);
/* Runs every handler of a stage ("after_load", "before_render",
 * "after_build") in registration order. */
int sitelua_run_stage(struct sitelua *sl, const char *stage, struct diag_list *diags);
/* Collects the pages and files plugins added (after before_render) and
 * claims their files: one taken is an error at plugins/x.lua:LINE (the
 * add_page/add_file call) naming its owner, and -1. */
int sitelua_collect(struct sitelua *sl, struct diag_list *diags);
/* After sitelua_collect: every filter and function the theme's layouts
 * call is known (theme_check). Errors name the layout file:line. */
/* The layout a content page renders with ("news.html"), in name[size]
 * or a constant. */
const char *sitelua_page_layout(const struct sitelua *sl, size_t page_index, char *name,
				size_t size);
int sitelua_check_theme(struct sitelua *sl, struct diag_list *diags);
size_t sitelua_extra_count(const struct sitelua *sl);
/* The earliest instant after now declared with loa.next_change (seconds
 * since the epoch; 0 when none), the plugin that declared it and its
 * reason (borrowed, valid until sitelua_free). */
int64_t sitelua_next_change(const struct sitelua *sl, const char **who, const char **why);
const struct extra_output *sitelua_extra(const struct sitelua *sl, size_t i);
/* Appends the bytes of plain file i (an extra without a layout) to out:
 * 0, or -1 when they could not be read back. loa.add_file hands them out
 * of the Lua state at once, into a temporary file (base/spill.h): they
 * weigh neither on the plugin stage's peak nor on the workers. */
int sitelua_extra_content(const struct sitelua *sl, size_t i, struct buf *out);
/* Whether e is a file a content function makes at render: its failure is
 * a plugin error. */
bool sitelua_extra_from_function(const struct extra_output *e);

/* Expands shortcode `name` with the function a plugin registered with
 * loa.shortcode: fn(args, page) where args holds the positional arguments
 * at 1..n and the named ones by key, and page is the table of page
 * page_index (SITELUA_NO_PAGE: nil). Runs under luavm_call's budget.
 * Returns 0 with the HTML appended to out, 1 when no shortcode has that
 * name, -1 when it failed: a Lua error or a result that is not a string is
 * a plugin bug, added to diags naming plugins/x.lua:line; `return nil,
 * "message"` is the contributor's mistake (a bad argument), whose message
 * goes to err (or, when err is NULL, to diags). */
#define SITELUA_NO_PAGE ((size_t)-1)
int sitelua_shortcode(struct sitelua *sl, size_t page_index, const char *name,
		      const char *const *keys, const char *const *values, size_t nargs,
		      struct buf *out, struct buf *err, struct diag_list *diags);

/* The markdown module's shortcode callback (markdown_shortcode_fn) over
 * sitelua_shortcode, with ctx a struct sitelua_shortcode_ctx: a plugin
 * error goes to ctx->diags with its traceback, and err gets its first line
 * (`plugins/x.lua:12: message`) for the article's own error; a `nil,
 * "message"` result gives err the message alone. */
struct sitelua_shortcode_ctx {
	struct sitelua *sl;
	size_t page_index;
	struct diag_list *diags;
};
int sitelua_shortcode_cb(void *ctx, const char *name, const char *const *keys,
			 const char *const *values, size_t nargs, struct buf *html,
			 struct buf *err);

/* In a worker: renders content page i of the site, whose body HTML is
 * given, with its layout; appends the HTML to out. */
int sitelua_render_page(struct sitelua *sl, size_t page_index, const char *body_html,
			size_t body_len, struct buf *out, struct diag_list *diags);
/* Renders extra output i (a layout page, or a file's bytes) into out.
 * body_html (may be NULL) becomes page.content: the rendered body of the
 * section page the extra shows. */
int sitelua_render_extra(struct sitelua *sl, size_t i, const char *body_html, size_t body_len,
			 struct buf *out, struct diag_list *diags);

/* ---- incremental builds (build/cache.h) ----
 * After sitelua_collect: what every render can read from the Lua state
 * unrecorded — the site table (without its clock, `now`), the i18n
 * strings, the registered filters and shortcodes (page tables in them by
 * name) — as key fields. The page tables and the theme globals are not in
 * it: a render records those it reads (sitelua_deps); sitelua_key_page
 * keys each page, sitelua_key_globals each global. */
void sitelua_key_state(struct sitelua *sl, struct key_stream *k);
/* Keys every theme global (loa.global) by name, once a process (called
 * again, does nothing). sitelua_global_key gives one ("absent" for a name
 * no global has), sitelua_all_globals_key one over all of them (what a
 * render that ran plugin code may have read). */
void sitelua_key_globals(struct sitelua *sl);
/* (name: len bytes, no NUL among them) */
const char *sitelua_global_key(struct sitelua *sl, const char *name, size_t len);
const char *sitelua_all_globals_key(struct sitelua *sl);
/* The key of where every page is (keys_site_structure): what a Markdown
 * link or image resolves against; made once a process. */
const char *sitelua_structure_key(struct sitelua *sl);
/* Between sitelua_key_pass(sl, true) and (sl, false) the Lua state does
 * not change: the keys below share the digests of nested tables
 * (plugin/luakey.h). */
void sitelua_key_pass(struct sitelua *sl, bool on);
/* Frees what the keys kept (sitelua_free does). */
void sitelua_key_release(struct sitelua *sl);
/* Page i's table, with what plugins added to it (other pages by name). */
void sitelua_key_page(struct sitelua *sl, size_t i, struct buf *k);
/* The key of what reading page i's table saw: its metadata
 * (keys_page_metadata) and its table with what plugins set on it. Made
 * once a process, after sitelua_collect (the Lua state no longer changes
 * once renders start): the builder's are inherited by forked workers.
 * Its volatile fields are apart (keys_page_volatile): only a render that
 * read them depends on them, so a body edit changes no other page's key.
 * sitelua_all_pages_key: one key over every page's. */
const char *sitelua_page_key(struct sitelua *sl, size_t i);
const char *sitelua_all_pages_key(struct sitelua *sl);
/* What extra output i adds to that: its URL, layout and context. */
void sitelua_key_extra(struct sitelua *sl, size_t i, struct buf *k);
/* Starts watching one render (page_index: the page rendered, or
 * SITELUA_NO_PAGE for a plugin's page) for what it reads beyond its key:
 * sitelua_untracked is true when it read what no key covers (loa.read,
 * loa.page_summary, loa.search_index; such a render is not cached), and
 * sitelua_deps lists (sorted, unique) the pages whose tables it read
 * (through the template runtime: template_runtime.c, IDX), which the build
 * checks before reusing it, and sitelua_deps_volatile_list those whose
 * volatile fields (lastmod, authors) it read; *all is
 * true when it ran plugin code (a filter, a shortcode, a function), which
 * may have read any page: it depends on every page. */
void sitelua_render_begin(struct sitelua *sl, size_t page_index);
bool sitelua_untracked(const struct sitelua *sl);
const size_t *sitelua_deps(struct sitelua *sl, size_t *n, bool *all);
/* The pages (sorted, unique, the page rendered left out) whose volatile
 * fields the render read. */
const size_t *sitelua_deps_volatile_list(struct sitelua *sl, size_t *n);
/* The theme globals the render read by name, sorted, unique. */
const char *const *sitelua_deps_globals(struct sitelua *sl, size_t *n);
/* The entries of theme globals it read alone ("NAME\tKEY": `NAME[KEY]`
 * in a template, the global a table with no metatable), sorted, unique. */
const char *const *sitelua_deps_global_entries(struct sitelua *sl, size_t *n);
/* Adds to k what such an entry holds now ("NAME\tKEY", len bytes): its
 * value's key, or a key no entry gives when the global is no longer a
 * table with no metatable. False, with nothing added, when entry has no
 * NAME. */
bool sitelua_key_global_entry(struct sitelua *sl, const char *entry, size_t len, struct buf *k);
/* The prelude's indexes the render's data function listed (loa.pages by
 * kind or school: "kind:KIND", "school:SLUG"), sorted, unique; and
 * whether it resolved a link against the site (loa.page_html). A data
 * function's key leaves out where every page is (the site's structure):
 * these say what of it the render saw. */
const char *const *sitelua_deps_indexes(struct sitelua *sl, size_t *n);
bool sitelua_deps_structure(const struct sitelua *sl);
/* The members of index name, in order, by path, added to k: what a deps
 * line "#NAME" stands for. */
void sitelua_index_key(struct sitelua *sl, const char *name, struct buf *k);

#endif
