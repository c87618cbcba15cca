/* sitelua_internal — what the files of the plugin host share: struct
 * sitelua and the functions one file gives the others. Private to
 * generator/lua/sitelua*.c; the public API is lua/sitelua.h.
 *
 *   sitelua.c          open/free, plugin loading, stages
 *   sitelua_pages.c    C→Lua marshalling: page tables, the site table, their
 *                      volatile fields read through metatables
 *   sitelua_api.c      the loa.* functions written in C
 *   sitelua_collect.c  what plugins added (extras) and their claims
 *   sitelua_query.c    the scan behind loa.pages (filters, order check)
 *   sitelua_render.c   rendering pages and extras, layouts, shortcodes
 *   sitelua_deps.c     incremental builds: key fields and what a render
 *                      read beyond its key
 *   sitelua_memo.c     loa.add_file's content functions kept in the build
 *                      cache, with what they read; their keys
 *   sitelua_hollow.c   the page tables a content or data function reads,
 *                      recorded through hollow tables while it runs */
#ifndef LOA_SITELUA_INTERNAL_H
#define LOA_SITELUA_INTERNAL_H

#include "plugin/sitelua.h"
#include "base/strmap.h"
#include "incr/key.h"

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct page;
struct value;
struct luakey;
struct spill;

/* the prelude's chunk (prelude.lua, loaded by sitelua.c) as lua_Debug's
 * source names it */
#define SITELUA_PRELUDE_SOURCE "@loa/prelude.lua"

/* A handler's content function left to the file's render: its key ("":
 * not kept) and how much of what the stages read came before it. */
/* A key to be made when it is needed: a content or data function's key
 * over every page's metadata (memo_prefix, 30 ms at 10,000 pages) is
 * needed only when its narrow key cannot be made (sitelua_memo_decide).
 * Not hex digits: never a key. */
#define MEMO_KEY_LATER "later"

struct memo_deferral {
	char key[KEY_LEN + 1]; /* MEMO_KEY_LATER, or "" when no key covers it */
	size_t nambient;
	bool today;
	bool hit; /* the cache holds the file, its deps holding */
};

/* What the plugin stages read, for loa.add_file content functions kept
 * across builds (sitelua_memo.c). "Ambient" is what the stages read
 * outside such a function: the Lua state a function sees may hold it. */
struct sitelua_memo {
	struct cache *cache; /* NULL: nothing is kept (--no-cache) */
	const char *base_key;
	const struct buf *own_key;
	char prefix[KEY_LEN + 1]; /* "" until the first use */
	int depth;                /* > 0 while a content function runs */
	bool untracked, today;    /* what the function under way read */
	size_t *deps, ndeps, deps_cap;
	/* in a worker, with a narrow key: the pages whose tables it read,
	 * or all of them (loa.pages) */
	size_t *tables, ntables, tables_cap;
	bool all;
	/* with a narrow key: the indexes it listed ("school:SLUG",
	 * "kind:KIND"; owned), and whether a body it read resolved a link
	 * against the site (loa.page_html) */
	char **indexes;
	size_t nindexes, indexes_cap;
	bool structure;
	bool ambient_untracked, ambient_today;
	size_t *ambient, nambient, ambient_cap;
	char (*keys)[KEY_LEN + 1]; /* used by this build: kept by the sweep */
	size_t nkeys, keys_cap;
	size_t reused; /* for LOA_TIMINGS: files from the cache */
	size_t nvalues, values_reused; /* loa.memo's calls; taken from the cache */
	size_t nfiles;                 /* content functions with a key */
	char **names; /* loa.memo's "PLUGIN\nNAME" this build */
	size_t nnames, names_cap;
	/* in a worker: the key over the deps of the object the last render's
	 * content function stored ("": none; sitelua_memo_made) */
	char made[KEY_LEN + 1];
};

struct stage_handler {
	char *stage;
	char *plugin;
	int ref;
};

struct sitelua {
	struct site *site;
	struct luavm *vm;
	struct theme *theme;
	int site_ref, t_ref, pages_ref, extras_ref, loa_ref;
	int shortcodes_ref; /* name → function */
	const char *current_plugin; /* while a plugin or its handler runs */
	bool in_handler;            /* a stage handler runs (every plugin is loaded) */
	/* set by sitelua_collect: from then on pages render (in workers, each
	 * with its own copy of the state), so what a plugin registers or adds
	 * would be lost or seen by some pages only */
	bool collected;
	struct stage_handler *handlers;
	size_t nhandlers, handlers_cap;
	struct extra_output *extras;
	size_t nextras;
	struct spill *files; /* loa.add_file's bytes (NULL until the first) */
	char today_iso[64];
	/* loa.next_change: the earliest instant after now at which a plugin's
	 * output changes by itself, who said so and why */
	int64_t next_change;
	char next_who[64], next_why[160];
	/* incremental builds: tables written as names in keys (pages, site,
	 * t), and whether the current render read something no key covers */
	struct luakey *key_writer; /* sitelua_deps.c */
	struct luakey *closure_writer; /* the same, following functions (sitelua_memo.c) */
	/* per page: the key of what reading its table saw, "" until made;
	 * over all of them (sitelua_page_key) */
	char (*page_keys)[KEY_LEN + 1];
	char all_pages_key[KEY_LEN + 1];
	bool untracked;
	/* a page's volatile fields (lastmod, authors: they change with every
	 * edit of the page) are read through a metatable, so that the render
	 * of another page records that it read them (deps) */
	int page_index_ref; /* page table → index */
	int by_kind_ref, by_school_ref; /* the prelude's indexes (query.indexes) */
	char structure_key[KEY_LEN + 1]; /* keys_site_structure's, made at the first use */
	size_t render_self;  /* the page being rendered, SITELUA_NO_PAGE for a list */
	/* the fields a page's render gives its own table (content,
	 * auto_summary), served by the page tables' __index while it renders
	 * (served_page; SITELUA_NO_PAGE: none), from registry slots, so that
	 * the table, shared with the builder, is not written */
	size_t served_page;
	int served_content_ref, served_summary_ref;
	size_t *deps;
	size_t ndeps, deps_cap;
	/* page table → index, the last ones looked up (sitelua_page_index):
	 * a render reads a few pages' fields many times each, and the lookup
	 * in the registry's table took three API calls and a hash. Only page
	 * tables go in: they live as long as the state (the registry's index
	 * holds them), so an entry never names another table. */
	struct page_index_memo {
		const void *table;
		size_t index;
	} index_memo[256];
	/* read_gen[i] == gen: page i is in deps already (one render = one
	 * gen); deps_all: the render ran plugin code, it read any page */
	uint32_t *read_gen;
	uint32_t gen;
	bool deps_all;
	size_t *vdeps; /* the pages whose volatile fields it read */
	size_t nvdeps, vdeps_cap;
	/* the theme globals it read by name (owned copies, unique) */
	char **gdeps;
	size_t ngdeps, gdeps_cap;
	/* entries of theme globals the render read alone: "NAME\tKEY" */
	char **edeps;
	size_t nedeps, edeps_cap;
	/* the prelude's indexes a data function listed, and whether one
	 * resolved a link against the site (sitelua_memo_index,
	 * sitelua_memo_structure outside a content function) */
	char **idxdeps;
	size_t nidxdeps, idxdeps_cap;
	bool structure_read;
	/* each theme global's key (sitelua_key_globals): names sorted, owned;
	 * keys in the same order; one key over all of them; made once a
	 * process, after sitelua_collect */
	char **global_names;
	char (*global_keys)[KEY_LEN + 1];
	size_t nglobals;
	struct strmap global_index; /* name → index (names borrowed) */
	char all_globals_key[KEY_LEN + 1];
	struct sitelua_memo memo;
	/* sitelua_hollow.c: the page tables hollowed while a content function
	 * runs (page indices), their shadows (registry: table → shadow), the
	 * hollow metatable, the page tables' own, and the tables walked */
	size_t *hollowed, nhollowed, hollowed_cap;
	int shadows_ref, hollow_mt_ref, page_mt_ref, hollow_seen_ref;
	const void *hollow_mt, *page_mt;
	bool hollowing, hollow_over; /* over: past HOLLOW_MAX, every page counts as read */
};

static inline struct sitelua *upvalue_sl(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

/* ---- sitelua_pages.c ---- */
/* Pushes a YAML value tree (scalars typed: booleans, integers, strings). */
void sitelua_pages_push_value(lua_State *L, const struct value *v);
/* Pushes the table of page p (without its metatable). */
void sitelua_pages_push(lua_State *L, struct sitelua *sl, struct page *p);
/* The index of the page table at idx, or SITELUA_NO_PAGE when it is not one. */
size_t sitelua_page_index(lua_State *L, struct sitelua *sl, int idx);
/* Pushes the page tables' metatable (lastmod and authors, as deps). */
void sitelua_pages_push_metatable(lua_State *L, struct sitelua *sl);
/* Pushes the site table (its clock and commit through a metatable). */
void sitelua_pages_push_site(lua_State *L, struct sitelua *sl, const struct value *i18n);
/* Gives the render context at the top of the stack its `now`. */
void sitelua_pages_set_now(lua_State *L, struct sitelua *sl);

/* ---- sitelua_render.c ---- */
/* Where the Lua function on top of the stack was defined: its file into
 * where ("" when it is not a plugin file's) and its first line (0). */
int sitelua_defined_at(lua_State *L, char *where, size_t size);

/* ---- sitelua_query.c ---- */
/* Pushes the table of C helpers prelude.lua gets: scan, loa.pages' loop. */
void sitelua_query_push(lua_State *L, struct sitelua *sl);

/* ---- sitelua_api.c ---- */
/* Sets the loa.* functions written in C, and loa.urls, in the table at the top. */
void sitelua_api_register(lua_State *L, struct sitelua *sl);
/* Pushes urls.h's table as a plain table (name → URL, page_word): the
 * theme's site.urls; plugins read the same through loa.urls. */
void sitelua_api_push_urls(lua_State *L);

/* ---- sitelua_html.c (readers) ---- */
/* loa.page_html(path): the page's body HTML with absolute URLs (feeds). */
int sitelua_l_page_html(lua_State *L);

/* ---- sitelua_deps.c ---- */
/* The render under way read what no key covers (the clock, loa.read, …):
 * it is not cached. Before sitelua_collect nothing renders, and nothing is
 * recorded. */
void sitelua_deps_untracked(struct sitelua *sl);
/* The render under way read page i's table. */
void sitelua_deps_page(struct sitelua *sl, size_t i);
/* The render under way read page i's volatile fields. */
void sitelua_deps_volatile(struct sitelua *sl, size_t i);
/* The render under way ran plugin code: it depends on every page. */
void sitelua_deps_all(struct sitelua *sl);
/* Has the template runtime report the renders' reads of tables with the
 * metatable at mt (the page tables') and of plugin code. */
void sitelua_deps_watch(lua_State *L, struct sitelua *sl, int mt);
/* Page i's body was read (loa.page_html, loa.page_summary): a render is
 * then not cached; a content function records it. */
void sitelua_deps_body(struct sitelua *sl, size_t i);
/* The site's "today" was read. */
void sitelua_deps_today(struct sitelua *sl);

/* The page's table was read by a content function with a narrow key (in
 * a worker), or, outside one, by the render (sitelua_deps_page). */
void sitelua_deps_table(struct sitelua *sl, size_t i);
/* loa.pages ran: a content function under way read every page. */
void sitelua_deps_scan(struct sitelua *sl);
/* luakey_value with the writer of sitelua_key_state. */
void sitelua_key_value(struct sitelua *sl, int idx, struct buf *k);
/* What the Lua function at idx can reach (luakey_closure), with the page,
 * site and i18n tables by name: false when it cannot be keyed. Between
 * sitelua_closure_pass(sl, true) and (sl, false) the state must not
 * change. */
bool sitelua_closure_key(struct sitelua *sl, int idx, struct buf *k);
void sitelua_closure_pass(struct sitelua *sl, bool on);

/* ---- sitelua_hollow.c ---- */
/* Sets up the hollow metatable and the raw functions that see through it
 * (next, rawget, rawlen, rawset): once, when the state is made. */
void sitelua_hollow_setup(lua_State *L, struct sitelua *sl);
/* Before and after a content function (at fn) runs in a worker: the page
 * tables it can reach are hollowed, and each it reads is recorded
 * (sitelua_deps_table); after, every field is back. -1, with an error at
 * where:line naming url in d, when the memory ran out putting them back:
 * the pages may be wrong from then on, so the caller fails the function
 * (a plugin error: nothing is published). */
void sitelua_hollow_begin(struct sitelua *sl, int fn);
int sitelua_hollow_end(struct sitelua *sl, struct diag_list *d, const char *where, int line,
		       const char *url);
/* While a content function runs (sl->hollowing): hollows the page tables
 * the value at idx reaches, as the function's own were (a list loa.pages
 * scans); past HOLLOW_MAX, every page counts as read. */
void sitelua_hollow_reach(lua_State *L, struct sitelua *sl, int idx);

/* ---- sitelua_deps.c: lists of names (owned copies) ---- */
/* Adds name unless the list has it; false (nothing added) for a name that
 * cannot be a line of deps (a newline, over 512 bytes). */
bool sitelua_names_add(char ***names, size_t *n, size_t *cap, const char *name);
/* Sorts the names (bytewise): deps list them in that order. */
void sitelua_names_sort(char **names, size_t n);
/* Frees the names, the list empty (its array kept). */
void sitelua_names_clear(char **names, size_t *n);

/* ---- sitelua_memo.c ---- */
/* A content function or a data function under way listed the index so
 * named (loa.pages by school or kind): it depends on the index's members
 * (its deps, or the render's, name it). */
void sitelua_memo_index(struct sitelua *sl, const char *name);
/* ... or resolved a link against the site (loa.page_html): on where
 * every page is. */
void sitelua_memo_structure(struct sitelua *sl);
/* After the handlers: the keys of the content functions, narrow where the
 * function can be keyed by what it reaches, and whether the cache holds
 * each (e->memo_hit). */
void sitelua_memo_decide(struct sitelua *sl);
/* loa.add_file's content when it is a function (at index idx). Returns 1
 * with the string pushed: from a call now, outside a handler (or inside
 * another content function). Returns 0 with later filled: the file's
 * render takes it from the cache (later->hit: what the function read last
 * time is unchanged) or calls it (sitelua_memo_make). */
int sitelua_memo_content(lua_State *L, struct sitelua *sl, int idx, const char *url,
			 struct memo_deferral *later);
/* In a render worker: calls e's content function into out, with what it
 * reads recorded, and keeps the result in the cache under its key. An
 * error, or a result that is not a string, is a diagnostic at the
 * plugin's line; -1. */
int sitelua_memo_make(struct sitelua *sl, const struct extra_output *e, struct buf *out,
		      struct diag_list *d);
/* In a render worker: e's bytes from the cache (e->memo_hit), checked
 * now; when they fail the check or are gone, a call as sitelua_memo_make. */
int sitelua_memo_take(struct sitelua *sl, const struct extra_output *e, struct buf *out,
		      struct diag_list *d);
/* The key of what loa.add_page's data function (for the page at url) may
 * hold in its upvalues: what every handler may see (as a content
 * function's key) and what the stages read before the call (bodies,
 * today). MEMO_KEY_LATER into key, with how many reads the stages had
 * made and whether they read today, for sitelua_memo_decide to make it
 * from when the narrow key cannot be made. Left "" when a stage read what
 * no key covers, or the build keeps no cache: the page is then made at
 * every build. */
void sitelua_memo_data_key(struct sitelua *sl, char key[KEY_LEN + 1], size_t *nambient,
			   bool *today);
/* loa.memo(name, fn): pushes fn's value, a call's or the cache's. In a
 * handler, the value is kept under a key like a content function's (what
 * every handler may see, what the stages read so far, the plugin and
 * name) with what the call read, and taken back while that holds; its
 * reads count as the stage's. Raises a Lua error when the value is not
 * plain data (plugin/luavalue.h) or the name was used already. */
int sitelua_memo_value(lua_State *L, struct sitelua *sl, const char *name, int fn);
void sitelua_memo_release(struct sitelua *sl);

#endif
