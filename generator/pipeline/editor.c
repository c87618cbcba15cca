/* editor — publishes the browser editor at /quan-tri/ for a site that sets
 * `editor:` in site.yaml: index.html and config.yml made by site/decap.c,
 * and Decap CMS's own files, copied from the data folder's editor/decap/
 * (installed from the pinned npm package by scripts/editor-vendor.sh; its
 * SHA256SUMS lists them). Claimed as the build's own files, before
 * content, so no page can take their names. */
#include "pipeline/build_internal.h"
#include "base/diag.h"
#include "base/sysutil.h"
#include "base/xalloc.h"
#include "pipeline/outdir.h"
#include "site/decap.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { SUMS_MAX = 64 * 1024, FILE_MAX = 64 * 1024 * 1024 };

static char *decap_dir(const struct build *b)
{
	return xasprintf("%s/editor/decap", b->opts->data_dir);
}

/* The file names SHA256SUMS lists ("HASH  NAME" lines) and their hashes,
 * into b's arena. -1 when it cannot be read, a hash is not 64 hex digits
 * or a name is something other than a plain file name. */
static int list_files(struct build *b, const char *dir)
{
	struct buf sums = BUF_INIT;
	char *path = xasprintf("%s/SHA256SUMS", dir);
	int ret = sys_read_file(path, SUMS_MAX, true, &sums);
	free(path);
	size_t cap = 0, cap_sums = 0;
	for (const char *p = sums.ptr, *end = sums.ptr + sums.len; ret == 0 && p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *name = memchr(p, ' ', (size_t)(eol - p));
		while (name && name < eol && (*name == ' ' || *name == '*'))
			name++;
		size_t n = name ? (size_t)(eol - name) : 0;
		if (!n || memchr(name, '/', n) || name[0] == '.' || strspn(p, "0123456789abcdefABCDEF") != 64 ||
		    p[64] != ' ') {
			ret = -1;
			break;
		}
		ALLOC_GROW(b->editor_files, b->neditor_files + 1, cap);
		ALLOC_GROW(b->editor_sums, b->neditor_files + 1, cap_sums);
		b->editor_sums[b->neditor_files] = arena_strndup(&b->arena, p, 64);
		b->editor_files[b->neditor_files++] = arena_strndup(&b->arena, name, n);
		p = eol + 1;
	}
	buf_release(&sums);
	return ret == 0 && b->neditor_files ? 0 : -1;
}

int editor_claim(struct build *b, struct site *s, struct diag_list *d)
{
	const struct editor_config *e = s->config.editor;
	if (!e)
		return 0;
	char *dir = decap_dir(b);
	if (list_files(b, dir) < 0) {
		b->neditor_files = 0;
		/* what publishes must have it; a check (writes nothing) does not
		 * need it, and a preview of the work tree goes on without it */
		if (!b->opts->dry_run && !b->opts->site.worktree) {
			diag_error(d, s->config.path, e->line, 0,
				   "Decap CMS is not installed in %s: run 'make editor' in Loa's "
				   "source folder (scripts/editor-vendor.sh)",
				   dir);
			free(dir);
			return -1;
		}
		if (!b->opts->dry_run)
			diag_warning(d, s->config.path, e->line, 0,
				     "Decap CMS is not installed in %s: /quan-tri/ has no editor "
				     "(run 'make editor' in Loa's source folder)",
				     dir);
	}
	free(dir);
	static const char *const own[] = { "index.html", "config.yml" };
	/* a page or static file that collides is told where the editor comes
	 * from: the editor: key of site.yaml, which a contributor can find */
	char *who = xasprintf("%s:%d editor:", s->config.path, e->line);
	int ret = 0;
	for (size_t i = 0; i < 2 + b->neditor_files; i++) {
		const char *name = i < 2 ? own[i] : b->editor_files[i - 2];
		char *out = xasprintf("%s/%s", DECAP_DIR, name);
		char *url = i == 0 ? xasprintf("/%s/", DECAP_DIR) : xasprintf("/%s", out);
		struct claim_conflict cf;
		if (claims_take(&s->claims, CLAIM_BUILD, out, url, who, &cf) < 0)
			ret = claims_report(d, s->config.path, e->line, url, out, &cf);
		free(out);
		free(url);
	}
	free(who);
	return ret;
}

static void put(struct build *b, const char *name, const struct buf *data)
{
	char *out = xasprintf("%s/%s", DECAP_DIR, name);
	manifest_add_bytes(b, out, data->ptr, data->len);
	if (!b->opts->dry_run && outdir_write(b->out, out, data->ptr, data->len, b->diags) == 0)
		b->files_written++;
	free(out);
}

void editor_write(struct build *b)
{
	if (!b->site.config.editor)
		return;
	struct buf data = BUF_INIT;
	decap_index_html(&b->site, &data);
	put(b, "index.html", &data);
	buf_reset(&data);
	decap_config_yml(&b->site, &data);
	put(b, "config.yml", &data);
	char *dir = decap_dir(b);
	for (size_t i = 0; i < b->neditor_files; i++) {
		char *path = xasprintf("%s/%s", dir, b->editor_files[i]);
		buf_reset(&data);
		/* a link is not followed and a changed file is not published:
		 * what goes out is exactly what the pinned package holds */
		if (sys_read_file(path, FILE_MAX, false, &data) < 0) {
			diag_error(b->diags, path, 0, 0, "cannot read the installed file %s", path);
		} else {
			gchar *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
								 (const guchar *)data.ptr, data.len);
			if (strcasecmp(sum, b->editor_sums[i]) != 0)
				diag_error(b->diags, path, 0, 0,
					   "the installed file %s differs from its SHA256SUMS line: "
					   "not published (run 'make editor' in Loa's source folder)",
					   path);
			else
				put(b, b->editor_files[i], &data);
			g_free(sum);
		}
		free(path);
	}
	free(dir);
	buf_release(&data);
}
