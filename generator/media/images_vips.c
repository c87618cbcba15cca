/* images_vips — decoding, stripping and resizing one image with libvips:
 * the module loa-images.so (images_module.h), the only file that includes
 * vips.h. Built apart from libloa and loaded by loa only when a build has
 * images to process; it calls back into loa (diagnostics, buffers,
 * image_plan), whose symbols the executable exports for it.
 *
 * Every load goes through the loader of the format the magic bytes name,
 * called by name, with every other loader blocked: a file cannot reach
 * ImageMagick, PDF, SVG or TIFF code whatever it holds. The size is read
 * from the header and checked against the caps before any pixel is
 * decoded. The original is decoded once into memory, rotated upright, and
 * each output is encoded from that copy with `strip`. */
#include "media/images.h"
#include "media/images_module.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include <vips/vips.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/messages.h"
#include "base/xalloc.h"

/* Qualities: the original is the full-size copy people may download, the
 * variants are what phones show (image_params names them too). */
enum { Q_ORIGINAL = IMAGE_Q_ORIGINAL, Q_VARIANT = IMAGE_Q_VARIANT, PNG_COMPRESSION = IMAGE_PNG_COMPRESSION };
#define SMALL_PIXELS (4ull * 1000 * 1000)

/* ---- libvips --------------------------------------------------------- */

/* libvips reports libjpeg's and libpng's complaints through g_warning;
 * the errors we need come back as return values, so the warnings would
 * only be noise on the user's terminal. */
static void quiet_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
	(void)domain;
	(void)level;
	(void)msg;
	(void)data;
}

/* libvips is process-global by nature, so its start is too: once per
 * process (a forked worker starts it for itself when it needs it). */
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static int lib_status = -1;

static void lib_start(void)
{
	if (VIPS_INIT("loa") != 0)
		return;
	g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE, quiet_log, NULL);
	/* determinism and memory: no operation cache, one thread */
	vips_cache_set_max(0);
	vips_concurrency_set(1);
	/* only the four loaders we call by name may run */
	vips_block_untrusted_set(TRUE);
	vips_operation_block_set("VipsForeignLoad", TRUE);
	vips_operation_block_set("VipsForeignLoadJpeg", FALSE);
	vips_operation_block_set("VipsForeignLoadPng", FALSE);
	vips_operation_block_set("VipsForeignLoadWebp", FALSE);
	vips_operation_block_set("VipsForeignLoadNsgif", FALSE);
	vips_operation_block_set("VipsForeignLoadHeif", FALSE);
	lib_status = 0;
}

static int vips_start(void)
{
	pthread_once(&lib_once, lib_start);
	return lib_status;
}

static void vips_stop(void)
{
	vips_shutdown();
}

/* Adds what (a catalog msgid) to err, with libvips' last error (its first
 * line) after it in English only: libvips speaks English, and the
 * Vietnamese reader gets the catalog's sentence alone. Clears the error.
 * Returns -1. */
static int vips_fail(struct diag_list *err, const char *what)
{
	const char *msg = vips_error_buffer();
	size_t n = strcspn(msg, "\n");
	/* the reader's "source: bad seek" comes before the loader's reason
	 * (libheif's size limit, for one): show the reason */
	while (strncmp(msg, "source: ", 8) == 0 && msg[n] == '\n' && msg[n + 1] &&
	       strncmp(msg + n + 1, " (", 2) != 0) {
		msg += n + 1;
		n = strcspn(msg, "\n");
	}
	while (n && (msg[n - 1] == ' ' || msg[n - 1] == '.'))
		n--;
	if (n > 200)
		n = 200;
	diag_error(err, "", 0, 0, "%s", what);
	struct diag *d = &err->items[err->len - 1];
	if (n) {
		if (!d->msg_vi) /* keep the English-only sentence for Vietnamese too */
			d->msg_vi = xstrdup(d->msg);
		char *m = xasprintf("%s (%.*s)", d->msg, (int)n, msg);
		free(d->msg);
		d->msg = m;
	}
	vips_error_clear();
	return -1;
}

/* Loads the header of data with the loader of fmt (pixels come later, on
 * demand). pages: 1, or -1 for every frame of a GIF. */
static VipsImage *load(const void *data, size_t len, enum image_format fmt, int pages)
{
	VipsImage *img = NULL;
	void *p = (void *)data; /* libvips reads the buffer; it never writes it */
	int rc = -1;
	switch (fmt) {
	case IMAGE_JPEG:
		rc = vips_jpegload_buffer(p, len, &img, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
		break;
	case IMAGE_PNG:
		rc = vips_pngload_buffer(p, len, &img, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
		break;
	case IMAGE_WEBP:
		rc = vips_webpload_buffer(p, len, &img, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
		break;
	case IMAGE_GIF:
		rc = vips_gifload_buffer(p, len, &img, "n", pages, "fail_on", VIPS_FAIL_ON_TRUNCATED,
					 NULL);
		break;
	case IMAGE_HEIF:
		/* the primary image only, never its embedded thumbnail */
		rc = vips_heifload_buffer(p, len, &img, "thumbnail", FALSE, "fail_on",
					  VIPS_FAIL_ON_TRUNCATED, NULL);
		break;
	case IMAGE_NONE:
		break;
	}
	return rc == 0 ? img : NULL;
}

/* Checks the header of img against the caps and fills f (size upright). */
static int read_header(VipsImage *img, struct image_facts *f, struct diag_list *err)
{
	unsigned long long w = (unsigned)vips_image_get_width(img);
	unsigned long long h = (unsigned)vips_image_get_height(img); /* every frame */
	unsigned long long page = (unsigned)vips_image_get_page_height(img);
	if (!w || !h || !page || w > IMAGE_MAX_SIDE || page > IMAGE_MAX_SIDE) {
		diag_error(err, "", 0, 0,
			   "image size %llux%llu is out of range (at most %d pixels a side)", w, page,
			   IMAGE_MAX_SIDE);
		return -1;
	}
	if (w * h > IMAGE_MAX_PIXELS) {
		if (h != page)
			diag_error(err, "", 0, 0,
				   "image too large: %llux%llu pixels in each frame (limit %d megapixels)",
				   w, page, IMAGE_MAX_PIXELS / 1000000);
		else
			diag_error(err, "", 0, 0, "image too large: %llux%llu pixels (limit %d megapixels)",
				   w, page, IMAGE_MAX_PIXELS / 1000000);
		return -1;
	}
	f->width = (unsigned)w;
	f->height = (unsigned)page;
	if (f->format != IMAGE_GIF && vips_image_get_orientation_swap(img)) {
		f->width = (unsigned)page;
		f->height = (unsigned)w;
	}
	image_plan(f);
	return 0;
}

/* f->format is known (image_probe checked it): the header, read. */
static int vips_probe(const void *data, size_t len, struct image_facts *f, struct diag_list *err)
{
	VipsImage *img = load(data, len, f->format, f->format == IMAGE_GIF ? -1 : 1);
	if (!img)
		return vips_fail(err, N_("cannot read the image"));
	int ret = read_header(img, f, err);
	g_object_unref(img);
	return ret;
}

/* True for a metadata field that may say where, when, with what or by
 * whom a photo was taken. */
static bool private_field(const char *name)
{
	static const char *const prefixes[] = { "exif-", "xmp-", "iptc-", "icc-", "png-comment-",
						"gif-comment", "jpeg-thumbnail", "heif-",
						"comment" };
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return strcmp(name, VIPS_META_ORIENTATION) == 0;
}

static uint32_t get_le32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

static void put_le32(char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (char)(v >> (8 * i));
}

/* Removes the EXIF, XMP and ICC chunks of a WebP file in place and clears
 * their flags in the VP8X chunk. Returns -1 when the RIFF structure is not
 * sound (the caller refuses to publish such bytes). */
static int webp_strip(struct buf *b)
{
	enum { VP8X_ICC = 0x20, VP8X_EXIF = 0x08, VP8X_XMP = 0x04 };
	size_t in = 12, out = 12;
	if (b->len < 12 || memcmp(b->ptr, "RIFF", 4) != 0 || memcmp(b->ptr + 8, "WEBP", 4) != 0)
		return -1;
	while (in + 8 <= b->len) {
		uint32_t size = get_le32(b->ptr + in + 4);
		size_t total = 8 + (size_t)size + (size & 1);
		if (total > b->len - in)
			return -1;
		const char *id = b->ptr + in;
		if (memcmp(id, "EXIF", 4) != 0 && memcmp(id, "XMP ", 4) != 0 &&
		    memcmp(id, "ICCP", 4) != 0) {
			memmove(b->ptr + out, id, total);
			if (memcmp(b->ptr + out, "VP8X", 4) == 0 && size >= 1)
				b->ptr[out + 8] = (char)(b->ptr[out + 8] & ~(VP8X_ICC | VP8X_EXIF | VP8X_XMP));
			out += total;
		}
		in += total;
	}
	if (in != b->len)
		return -1;
	put_le32(b->ptr + 4, (uint32_t)(out - 8));
	buf_setlen(b, out);
	return 0;
}

/* Encodes img as fmt with every metadata block stripped, into out.
 * `strip` is not enough on its own: libvips 8.14's webpsave writes EXIF and
 * XMP all the same (the unit test shows it). So the fields are removed from
 * a copy of the image first, and a WebP's metadata chunks after. */
static int save(VipsImage *in, enum image_format fmt, int quality, struct buf *out,
		struct diag_list *err)
{
	gboolean small = (unsigned long long)vips_image_get_width(in) * (unsigned)vips_image_get_height(in) <=
			 SMALL_PIXELS;
	VipsImage *img = NULL;
	void *bytes = NULL;
	size_t n = 0;
	int rc = -1;
	if (vips_copy(in, &img, NULL) != 0)
		return vips_fail(err, N_("cannot encode the image"));
	gchar **fields = vips_image_get_fields(img);
	for (int i = 0; fields[i]; i++)
		if (private_field(fields[i]))
			vips_image_remove(img, fields[i]);
	g_strfreev(fields);
	switch (fmt) {
	case IMAGE_JPEG:
		/* progressive, optimised Huffman tables: a few percent smaller,
		 * but libjpeg then holds the whole image's coefficients in
		 * memory: only for images of a few megapixels (the variants) */
		rc = vips_jpegsave_buffer(img, &bytes, &n, "Q", quality, "strip", TRUE,
					  "optimize_coding", small, "interlace", small, NULL);
		break;
	case IMAGE_PNG:
		rc = vips_pngsave_buffer(img, &bytes, &n, "strip", TRUE, "compression",
					 PNG_COMPRESSION, NULL);
		break;
	case IMAGE_WEBP:
		rc = vips_webpsave_buffer(img, &bytes, &n, "Q", quality, "strip", TRUE, NULL);
		break;
	case IMAGE_GIF:
		rc = vips_gifsave_buffer(img, &bytes, &n, "strip", TRUE, NULL);
		break;
	case IMAGE_HEIF: /* read only: published as JPEG */
	case IMAGE_NONE:
		break;
	}
	g_object_unref(img);
	if (rc != 0)
		return vips_fail(err, N_("cannot encode the image"));
	buf_reset(out);
	buf_add(out, bytes, n);
	g_free(bytes);
	if (fmt == IMAGE_WEBP && webp_strip(out) < 0) {
		buf_reset(out);
		diag_error(err, "", 0, 0, "cannot encode the image (libvips wrote a malformed WebP file)");
		return -1;
	}
	return 0;
}

/* f is image_probe's (format, size, plan); out was reset. */
static int vips_process(const void *data, size_t len, struct image_facts *f, struct buf *out,
			struct diag_list *err)
{
	VipsImage *img = NULL, *up = NULL, *mem = NULL, *small = NULL;
	int ret = -1;

	img = load(data, len, f->format, f->format == IMAGE_GIF ? -1 : 1);
	if (!img) {
		vips_fail(err, N_("cannot read the image"));
		goto done;
	}
	if (f->format == IMAGE_GIF) {
		/* every frame, stripped; animations are not resized */
		ret = save(img, IMAGE_GIF, 0, &out[0], err);
		goto done;
	}
	/* upright, then decoded once: the variants all read this copy */
	if (vips_autorot(img, &up, NULL) != 0 || !(mem = vips_image_copy_memory(up))) {
		vips_fail(err, N_("cannot decode the image"));
		goto done;
	}
	if ((unsigned)vips_image_get_width(mem) != f->width ||
	    (unsigned)vips_image_get_height(mem) != f->height) {
		diag_error(err, "", 0, 0, "the decoded size differs from the header's");
		goto done;
	}
	if (save(mem, image_output_format(f->format), Q_ORIGINAL, &out[0], err) < 0)
		goto done;
	for (unsigned i = 0; i < f->nvariants; i++) {
		/* VIPS_SIZE_FORCE: exactly the planned size, which the page's
		 * srcset and a probe-only build (loa check) already announced */
		if (vips_thumbnail_image(mem, &small, (int)f->vwidth[i], "height", (int)f->vheight[i],
					 "size", VIPS_SIZE_FORCE, "no_rotate", TRUE, NULL) != 0) {
			vips_fail(err, N_("cannot resize the image"));
			goto done;
		}
		int rc = save(small, image_output_format(f->format), Q_VARIANT, &out[1 + i], err);
		g_object_unref(small);
		small = NULL;
		if (rc < 0)
			goto done;
	}
	ret = 0;
done:
	if (mem)
		g_object_unref(mem);
	if (up)
		g_object_unref(up);
	if (img)
		g_object_unref(img);
	if (ret < 0)
		for (unsigned i = 0; i <= IMAGE_MAX_VARIANTS; i++)
			buf_reset(&out[i]);
	return ret;
}

const struct image_module_api image_module_vips = {
	IMAGE_MODULE_ABI, sizeof(struct image_facts), sizeof(struct diag_list), sizeof(struct buf),
	vips_start,	  vips_stop,		      vips_probe,		 vips_process,
};
