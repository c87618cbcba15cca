/* sitelua_memo — loa.add_file{url=, content=function() … end}: the file's
 * bytes kept in the build cache with what the function read, so that a
 * rebuild calls it again only when that changed (a feed whose articles were
 * not edited is not made again).
 *
 * Soundness. The key covers what every plugin handler may see: the
 * program, the installed and the site's own themes and plugins, site.yaml,
 * every page's metadata and the time zone, then the plugin and the URL.
 * What a function reads beyond that is recorded while it runs: the bodies
 * it read (loa.page_html, loa.page_summary) and the volatile fields
 * (lastmod, authors) of the pages it read them of, and whether it read
 * "today" (sitelua_deps.c). The same reads made by the stages before the
 * call (ambient) are recorded too, since the Lua state the function sees
 * may hold what they returned. The file is not kept when the function, or
 * a stage before it, read what no key covers (the clock, the commit,
 * loa.read, loa.search_index, math.random), or when the function made an
 * effect (add_page, global, next_change, …) that a cached file would not
 * replay. Its deps are checked before the file is reused. The function
 * must not change Lua tables that other code reads later: that is the one
 * rule the host cannot check (docs/plugins.md). */
#include "plugin/sitelua_internal.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "base/xalloc.h"
#include "incr/cache.h"
#include "incr/key.h"
#include "incr/keys.h"
#include "lua/luavm.h"
#include "site/site.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sitelua_memo_enable(struct sitelua *sl, struct cache *cache, const char *base_key,
			 const struct buf *own_key)
{
	sl->memo.cache = cache;
	sl->memo.base_key = base_key;
	sl->memo.own_key = own_key;
}

void sitelua_memo_release(struct sitelua *sl)
{
	struct sitelua_memo *m = &sl->memo;
	for (size_t i = 0; i < m->npending; i++) {
		free(m->pending[i].url);
		free(m->pending[i].deps);
	}
	free(m->pending);
	free(m->deps);
	free(m->ambient);
	free(m->keys);
}

/* Made at the first use, in a handler: by then every plugin is loaded, so
 * the site's own plugin files are in own_key. */
static const char *memo_prefix(struct sitelua *sl)
{
	struct sitelua_memo *m = &sl->memo;
	if (!m->prefix[0]) {
		struct buf k = BUF_INIT;
		key_add_str(&k, "loa-file-memo-1");
		key_add_str(&k, m->base_key);
		key_add_bytes(&k, m->own_key->ptr, m->own_key->len);
		keys_value(&k, sl->site->config.root);
		keys_site_metadata(&k, sl->site);
		key_add_i64(&k, sl->site->tz_offset);
		key_finish(&k, m->prefix);
		buf_release(&k);
	}
	return m->prefix;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* deps: the paths of the pages read, one a line, "today" if it was read,
 * then "=" and a key over those pages' keys_page and today's date. */
static void deps_encode(struct sitelua *sl, size_t *pages, size_t n, bool today, struct buf *out)
{
	struct buf k = BUF_INIT;
	char key[KEY_LEN + 1];
	if (n > 1)
		qsort(pages, n, sizeof(*pages), cmp_size);
	for (size_t i = 0; i < n; i++) {
		if (i && pages[i] == pages[i - 1])
			continue;
		const struct page *p = sl->site->pages[pages[i]];
		buf_puts(out, p->path);
		buf_putc(out, '\n');
		keys_page(&k, sl->site, p);
	}
	if (today) {
		buf_puts(out, "today\n");
		key_add_str(&k, sl->today_iso);
	}
	key_finish(&k, key);
	buf_putc(out, '=');
	buf_puts(out, key);
	buf_putc(out, '\n');
	buf_release(&k);
}

static bool deps_hold(struct sitelua *sl, const char *deps, size_t len)
{
	struct buf k = BUF_INIT, line = BUF_INIT;
	const char *p = deps, *end = deps + len;
	bool ok = false;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		buf_reset(&line);
		buf_add(&line, p, (size_t)(nl - p));
		p = nl + 1;
		size_t i;
		if (line.ptr[0] == '=') {
			char key[KEY_LEN + 1];
			key_finish(&k, key);
			ok = p == end && strcmp(line.ptr + 1, key) == 0;
			break;
		}
		if (strcmp(line.ptr, "today") == 0)
			key_add_str(&k, sl->today_iso);
		else if (strmap_get(&sl->site->page_by_path, line.ptr, &i))
			keys_page(&k, sl->site, sl->site->pages[i]);
		else
			break;
	}
	buf_release(&k);
	buf_release(&line);
	return ok;
}

/* LOA_DEBUG=memo: what became of each content function */
static void memo_debug(const char *url, const char *what)
{
	const char *debug = getenv("LOA_DEBUG");
	if (debug && strstr(debug, "memo"))
		fprintf(stderr, "loa: debug: memo %s: %s\n", url, what);
}

static void memo_used(struct sitelua_memo *m, const char *key)
{
	ALLOC_GROW(m->keys, m->nkeys + 1, m->keys_cap);
	memcpy(m->keys[m->nkeys++], key, KEY_LEN + 1);
}

int sitelua_memo_content(lua_State *L, struct sitelua *sl, int idx, const char *url)
{
	struct sitelua_memo *m = &sl->memo;
	bool usable = m->cache && sl->in_handler && !m->depth && !m->ambient_untracked &&
		      luavm_random_uses(sl->vm) == 0;
	if (!usable) {
		/* a plain call: what it reads is the stage's own (or, nested,
		 * the enclosing function's) */
		lua_pushvalue(L, idx);
		lua_call(L, 0, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			return luaL_error(L, "loa.add_file: the content function must return a string");
		memo_debug(url, !m->cache		? "made (no cache)"
				: !sl->in_handler ? "made (not kept: outside a stage handler)"
				: m->depth	  ? "made (not kept: inside another content function)"
						  : "made (not kept: a stage read what no key covers)");
		return 1;
	}
	char key[KEY_LEN + 1];
	struct buf kb = BUF_INIT;
	key_add_str(&kb, memo_prefix(sl));
	key_add_str(&kb, sl->current_plugin ? sl->current_plugin : "?");
	key_add_str(&kb, url);
	key_finish(&kb, key);
	buf_release(&kb);
	memo_used(m, key);

	struct cache_object o;
	if (cache_load(m->cache, key, &o) == 1) {
		bool hold = deps_hold(sl, o.deps, o.deps_len);
		if (hold)
			lua_pushlstring(L, o.data, o.data_len);
		cache_object_release(&o);
		if (hold) {
			m->reused++;
			memo_debug(url, "from the cache");
			return 1;
		}
	}

	m->depth = 1;
	m->untracked = m->today = false;
	m->ndeps = 0;
	lua_pushvalue(L, idx);
	int rc = lua_pcall(L, 0, 1, 0);
	m->depth = 0;
	if (rc != LUA_OK)
		return lua_error(L); /* its message names plugins/x.lua:LINE */
	if (lua_type(L, -1) != LUA_TSTRING)
		return luaL_error(L, "loa.add_file: the content function must return a string");
	if (m->untracked || luavm_random_uses(sl->vm) != 0) {
		memo_debug(url, "made (not kept: it read what no key covers, or had an effect)");
		return 1;
	}
	memo_debug(url, "made and kept");
	/* what it read, and what the stages read before it */
	ALLOC_GROW(m->deps, m->ndeps + m->nambient + 1, m->deps_cap);
	if (m->nambient)
		memcpy(m->deps + m->ndeps, m->ambient, m->nambient * sizeof(*m->ambient));
	struct buf deps = BUF_INIT;
	deps_encode(sl, m->deps, m->ndeps + m->nambient, m->today || m->ambient_today, &deps);
	ALLOC_GROW(m->pending, m->npending + 1, m->pending_cap);
	struct memo_pending *pd = &m->pending[m->npending++];
	memcpy(pd->key, key, sizeof(key));
	pd->url = xstrdup(url);
	pd->deps = buf_detach(&deps, &pd->deps_len);
	m->kept++;
	return 1;
}

void sitelua_memo_data_key(struct sitelua *sl, const char *url, char key[KEY_LEN + 1])
{
	struct sitelua_memo *m = &sl->memo;
	key[0] = '\0';
	if (!m->cache || !sl->in_handler || m->depth || m->ambient_untracked ||
	    luavm_random_uses(sl->vm) != 0)
		return;
	struct buf k = BUF_INIT, deps = BUF_INIT;
	key_add_str(&k, "loa-page-data-1");
	key_add_str(&k, memo_prefix(sl));
	key_add_str(&k, sl->current_plugin ? sl->current_plugin : "?");
	key_add_str(&k, url);
	/* the ambient reads, as a content function's deps would list them:
	 * their keys are this build's, so the key needs no check later */
	ALLOC_GROW(m->deps, m->nambient + 1, m->deps_cap);
	if (m->nambient)
		memcpy(m->deps, m->ambient, m->nambient * sizeof(*m->ambient));
	deps_encode(sl, m->deps, m->nambient, m->ambient_today, &deps);
	key_add_bytes(&k, deps.ptr, deps.len);
	key_finish(&k, key);
	buf_release(&k);
	buf_release(&deps);
}

void sitelua_memo_flush(struct sitelua *sl)
{
	struct sitelua_memo *m = &sl->memo;
	/* the collected files by URL: a file that lost its claim is not kept */
	struct strmap by_url = STRMAP_INIT;
	struct buf bytes = BUF_INIT;
	for (size_t i = 0; i < sl->nextras; i++)
		if (!sl->extras[i].layout)
			strmap_put(&by_url, sl->extras[i].url, i, NULL);
	for (size_t i = 0; i < m->npending; i++) {
		struct memo_pending *pd = &m->pending[i];
		size_t e;
		/* a failed store only costs the next build a call */
		buf_reset(&bytes);
		if (m->cache && strmap_get(&by_url, pd->url, &e) &&
		    sitelua_extra_content(sl, e, &bytes) == 0)
			cache_store(m->cache, pd->key, bytes.ptr, bytes.len, "", 0, pd->deps,
				    pd->deps_len);
		free(pd->url);
		free(pd->deps);
	}
	m->npending = 0;
	buf_release(&bytes);
	strmap_release(&by_url);
}

size_t sitelua_memo_keep(const struct sitelua *sl, char **keep)
{
	for (size_t i = 0; i < sl->memo.nkeys; i++)
		keep[i] = sl->memo.keys[i];
	return sl->memo.nkeys;
}

size_t sitelua_memo_count(const struct sitelua *sl, size_t *reused)
{
	*reused = sl->memo.reused;
	return sl->memo.nkeys;
}
