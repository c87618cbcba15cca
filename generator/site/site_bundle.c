/* site_bundle — owns the files a page bundle publishes next to its page:
 * which extensions are allowed (never HTML or SVG), a phone's HEIC/HEIF
 * renamed to the JPEG it becomes, the centre's document attachments, and
 * site_bundle_add_files, which gives each such file its URL. */
#include "site/site.h"
#include "site/site_internal.h"

#include "base/buf.h"
#include "base/diag.h"
#include "base/strmap.h"
#include "base/xalloc.h"
#include "content/text.h"
#include "site/layout.h"
#include "site/urls.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>


/* Files a bundle may publish: images, PDF and office documents; never HTML
 * or SVG from contributors (SPEC "Guarantees"). */
static const char *const bundle_extensions[] = {
	"jpg", "jpeg", "png", "gif", "webp", "avif", "pdf", "doc", "docx",
	"xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "txt", "csv", "mp3", "mp4",
	"heic", "heif",
};

/* A phone's HEIC/HEIF photo is published as a JPEG (browsers other than
 * Safari cannot show HEIF; the image stage converts it): "IMG_1.HEIC" →
 * "IMG_1.jpg" in a. Any other name: NULL. */
static const char *heif_as_jpeg(struct arena *a, const char *rel)
{
	const char *dot = strrchr(rel, '.');
	if (!dot || (strcasecmp(dot, ".heic") != 0 && strcasecmp(dot, ".heif") != 0))
		return NULL;
	return arena_printf(a, "%.*s.jpg", (int)(dot - rel), rel);
}

static bool extension_allowed(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot)
		return false;
	char ext[8];
	size_t n = strlen(dot + 1);
	if (n == 0 || n >= sizeof(ext))
		return false;
	for (size_t i = 0; i <= n; i++)
		ext[i] = (char)((dot[1 + i] >= 'A' && dot[1 + i] <= 'Z') ? dot[1 + i] + 32 : dot[1 + i]);
	for (size_t i = 0; i < sizeof(bundle_extensions) / sizeof(*bundle_extensions); i++)
		if (strcmp(ext, bundle_extensions[i]) == 0)
			return true;
	return false;
}

/* centre: a document (văn bản) attaches the signed text only */
static bool document_attachment_allowed(const char *name)
{
	static const char *const exts[] = { ".pdf", ".docx", ".xlsx", ".odt" };
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof(exts) / sizeof(*exts); i++) {
		size_t m = strlen(exts[i]);
		if (n > m && strcasecmp(name + n - m, exts[i]) == 0)
			return true;
	}
	return false;
}
static bool is_name_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '-' || c == '_' || c == '.' || c >= 0x80;
}

static bool front_names(const struct value *v, const char *rel, int *line, int *col)
{
	if (!v)
		return false;
	if (v->kind == VALUE_SCALAR) {
		const char *s = v->str;
		if (strncmp(s, "./", 2) == 0)
			s += 2;
		if (strcmp(s, rel) != 0)
			return false;
		*line = v->line;
		*col = v->col;
		return true;
	}
	for (size_t i = v->kind == VALUE_MAP ? 1 : 0; i < (v->kind == VALUE_MAP ? 2 * v->n : v->n);
	     i += v->kind == VALUE_MAP ? 2 : 1)
		if (front_names(v->items[i], rel, line, col))
			return true;
	return false;
}

/* Where the page's source names a bundle file it cannot publish, so that
 * the error points at what the contributor wrote: a front-matter value
 * equal to the name (or "./name"), else the first whole-name occurrence in
 * the body (a link, an image, plain text). 0 when the name appears nowhere:
 * the caller then names line 1 of the file itself. */
static int reference_line(const struct page *p, const char *rel, int *col)
{
	int line = 0;
	*col = 0;
	if (front_names(p->front, rel, &line, col))
		return line;
	size_t m = strlen(rel);
	if (!p->body || m == 0)
		return 0;
	const char *b = p->body, *end = p->body + p->body_len;
	for (const char *q = b; (size_t)(end - q) >= m; q++) {
		if (memcmp(q, rel, m) != 0)
			continue;
		if ((q > b && is_name_char((unsigned char)q[-1]) && q[-1] != '.') ||
		    (q + m < end && is_name_char((unsigned char)q[m]) && q[m] != '.'))
			continue;
		line = p->body_line;
		const char *bol = b;
		for (const char *r = b; r < q; r++)
			if (*r == '\n') {
				line++;
				bol = r + 1;
			}
		*col = 1; /* in characters, as an editor shows them */
		for (const char *r = bol; r < q; r++)
			*col += ((unsigned char)*r & 0xC0) != 0x80;
		return line;
	}
	return 0;
}

void site_bundle_add_files(struct site *s, struct page **pages, size_t n, bool *is_page_file,
			   struct diag_list *d)
{
	struct strmap bundle_dir = STRMAP_INIT;
	for (size_t i = 0; i < n; i++)
		if (pages[i]->bundle)
			strmap_put(&bundle_dir, dir_name(&s->arena, pages[i]->path), i, NULL);
	for (size_t i = 0; i < s->nfiles; i++) {
		if (is_page_file[i])
			continue;
		const char *path = s->files[i].path;
		/* the closest enclosing bundle owns the file */
		char *dir = dir_name(&s->arena, path);
		size_t owner;
		bool found = false;
		while (*dir) {
			if (strmap_get(&bundle_dir, dir, &owner)) {
				found = true;
				break;
			}
			char *slash = strrchr(dir, '/');
			if (!slash)
				break;
			*slash = '\0';
		}
		if (!found) {
			if (!str_has_suffix(path, ".md"))
				diag_warning(d, path, 1, 0,
					     "not part of a page bundle (a folder with index.md): not published");
			continue;
		}
		struct page *p = pages[owner];
		int line, col; /* where the page names a refused file (0: nowhere) */
		const char *rel = path + strlen(dir_name(&s->arena, p->path)) + 1;
		if (!extension_allowed(rel)) {
			if ((line = reference_line(p, rel, &col)) > 0)
				diag_error(d, p->path, line, col,
					   "'%s' is not published: file type not allowed (allowed: images, PDF, office documents)",
					   rel);
			else
				diag_error(d, path, 1, 0,
					   "file type not published (allowed: images, PDF, office documents)");
			continue;
		}
		if (p->kind == PAGE_DOCUMENT && !document_attachment_allowed(rel)) { /* centre */
			if ((line = reference_line(p, rel, &col)) > 0)
				diag_error(d, p->path, line, col,
					   "'%s' is not published: a document's attachment must be PDF, DOCX, XLSX or ODT",
					   rel);
			else
				diag_error(d, path, 1, 0,
					   "a document's attachment must be PDF, DOCX, XLSX or ODT: not published");
			continue;
		}
		if (!p->files)
			p->files = arena_zalloc(&s->arena, sizeof(*p->files) * 64);
		if (p->nfiles >= 64) {
			diag_error(d, path, 1, 0, "more than 64 files in one bundle");
			continue;
		}
		const char *dirout = dir_name(&s->arena, p->out_path);
		const char *jpeg = heif_as_jpeg(&s->arena, rel);
		const char *pub = jpeg ? jpeg : rel;
		const char *out_path = *dirout ? arena_printf(&s->arena, "%s/%s", dirout, pub)
					       : arena_strdup(&s->arena, pub);
		const char *url = arena_printf(&s->arena, "/%s", out_path);
		struct claim_conflict cf;
		if (claims_take(&s->claims, CLAIM_BUNDLE, out_path, url, path, &cf) < 0) {
			claims_report(d, path, 1, url, out_path, &cf);
			continue;
		}
		struct bundle_file *bf = &p->files[p->nfiles++];
		bf->src_path = path;
		bf->name = arena_strdup(&s->arena, rel);
		bf->file_index = i;
		bf->out_path = out_path;
		ALLOC_GROW(s->bundle_urls, s->nbundle_urls + 1, s->bundle_urls_cap);
		s->bundle_urls[s->nbundle_urls] = url;
		strmap_put(&s->file_url, path, s->nbundle_urls, NULL);
		s->nbundle_urls++;
	}
	strmap_release(&bundle_dir);
}
