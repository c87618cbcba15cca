/* search_lua — the search index and page summaries as `loa` functions:
 * loa.search_index(docs, opts) and loa.page_summary(path, max_bytes).
 * Registered by lua/sitelua_api.c; the policy (which pages, which fields and
 * weights, where the files go) stays in plugins/search.lua. */
#ifndef LOA_SEARCH_LUA_H
#define LOA_SEARCH_LUA_H

struct lua_State;
struct site;

#include <stdbool.h>
#include <stddef.h>

/* Told each content page (its index) whose body a call indexes. */
typedef void search_lua_body_fn(void *ctx, size_t page);

/* loa.search_index(docs, opts) → { {name =, content =}, ... }
 *   docs: list of { url =, title =, date =, summary =, fields = {
 *           { text = "...", weight = N } or { body = "content/x.md", weight = N }, ... } }
 *   opts: { group =, chunk_bytes =, summary_bytes = } (all optional)
 * A document without summary gets the default summary of its first body
 * field (markdown_summary). Misuse raises an error naming the field. */
int search_lua_index(struct lua_State *L, struct site *s, search_lua_body_fn *read_body,
		     void *ctx);

/* loa.search_index_begin(docs, opts) → a job; job:files() → what
 * loa.search_index(docs, opts) returns, once. The arguments are read (and
 * misuse raised) at once; with may_thread and two threads allowed
 * (site->opts.read_threads), the indexing runs on a thread, which touches
 * no Lua, until :files() or search_lua_finish. read_body is told the
 * bodies by :files(), where what they give enters the Lua state. */
int search_lua_begin(struct lua_State *L, struct site *s, bool may_thread,
		     search_lua_body_fn *read_body, void *ctx);

/* Waits for the job on a thread, if any, and gives the cache its table of
 * indexed bodies: before anything forks, and before the next job. */
void search_lua_finish(struct lua_State *L);

/* loa.page_summary(path [, max_bytes = 300]) → the default summary of the
 * content page at path (its first paragraphs as plain text), or nil when
 * the path is no published page. */
int search_lua_summary(struct lua_State *L, struct site *s);

#endif
