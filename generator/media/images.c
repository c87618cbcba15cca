/* images — formats, names and plans of images, and the calls that decode
 * them, made by the libvips module (see images.h, images_module.h).
 *
 * Nothing here links libvips: the formats are told by their first bytes,
 * and image_probe/image_process check them before the module is loaded
 * (images_module.c), so a build without images never loads libvips and
 * the hundred libraries it brings. vips/version.h is macros only. */
#include "media/images.h"

#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include <vips/version.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "media/images_module.h"

static const unsigned variant_widths[IMAGE_MAX_VARIANTS] = { 480, 960, 1440 };

/* ---- formats --------------------------------------------------------- */

enum image_format image_sniff(const void *data, size_t len)
{
	const unsigned char *p = data;
	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return IMAGE_JPEG;
	if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return IMAGE_PNG;
	if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return IMAGE_WEBP;
	if (len >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
		return IMAGE_GIF;
	/* ISO base media: "ftyp" then a HEIF brand (iPhones write "heic") */
	if (len >= 12 && memcmp(p + 4, "ftyp", 4) == 0) {
		static const char brands[][5] = { "heic", "heix", "hevc", "hevx", "heim",
						  "heis", "mif1", "msf1" };
		for (size_t i = 0; i < sizeof(brands) / sizeof(brands[0]); i++)
			if (memcmp(p + 8, brands[i], 4) == 0)
				return IMAGE_HEIF;
	}
	return IMAGE_NONE;
}

/* Big-endian 32-bit value at p. */
static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

/* Whether the HEIF file in data holds HEVC images only: its top-level
 * "meta" box has an "hvcC" codec property and no "av1C". libheif also
 * decodes AV1, so an AVIF branded "mif1" would otherwise pass as a
 * phone photo, though AVIF is refused. A search of the meta box's bytes
 * is enough: a property type is a box type, and meta holds no pixels. */
static bool heif_is_hevc(const unsigned char *p, size_t len)
{
	size_t at = 0;
	while (len - at >= 8) {
		unsigned long size = be32(p + at);
		if (size < 8 || size > len - at)
			return false; /* 0 (to the end) and 64-bit sizes: not before meta */
		if (memcmp(p + at + 4, "meta", 4) == 0) {
			bool hevc = memmem(p + at, size, "hvcC", 4) != NULL;
			return hevc && memmem(p + at, size, "av1C", 4) == NULL;
		}
		at += size;
	}
	return false;
}

/* The extension of name in lower case into ext (at most size-1 bytes);
 * false when it has none or a longer one. */
static bool lower_ext(const char *name, char *ext, size_t size)
{
	const char *slash = strrchr(name, '/');
	const char *dot = strrchr(slash ? slash + 1 : name, '.');
	if (!dot || !dot[1] || strlen(dot + 1) >= size)
		return false;
	size_t i = 0;
	for (const char *q = dot + 1; *q; q++)
		ext[i++] = (char)((*q >= 'A' && *q <= 'Z') ? *q - 'A' + 'a' : *q);
	ext[i] = '\0';
	return true;
}

enum image_format image_format_of_name(const char *name)
{
	static const struct {
		const char *ext;
		enum image_format f;
	} map[] = { { "jpg", IMAGE_JPEG }, { "jpeg", IMAGE_JPEG }, { "png", IMAGE_PNG },
		    { "webp", IMAGE_WEBP }, { "gif", IMAGE_GIF },   { "heic", IMAGE_HEIF },
		    { "heif", IMAGE_HEIF } };
	char ext[8];
	if (!lower_ext(name, ext, sizeof(ext)))
		return IMAGE_NONE;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(ext, map[i].ext) == 0)
			return map[i].f;
	return IMAGE_NONE;
}

bool image_name_is_image(const char *name)
{
	static const char *const other[] = { "avif", "bmp", "tif", "tiff", "jxl", "jp2" };
	char ext[8];
	if (image_format_of_name(name) != IMAGE_NONE)
		return true;
	if (!lower_ext(name, ext, sizeof(ext)))
		return false;
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		if (strcmp(ext, other[i]) == 0)
			return true;
	return false;
}

const char *image_format_name(enum image_format f)
{
	static const char *const names[] = { "unknown", "JPEG", "PNG", "WebP", "GIF", "HEIF" };
	return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] : names[0];
}

enum image_format image_output_format(enum image_format f)
{
	return f == IMAGE_HEIF ? IMAGE_JPEG : f;
}

void image_plan(struct image_facts *f)
{
	f->nvariants = 0;
	if (f->format == IMAGE_GIF || !f->width || !f->height)
		return;
	for (unsigned i = 0; i < IMAGE_MAX_VARIANTS; i++) {
		unsigned w = variant_widths[i];
		if (w >= f->width) /* never upscale, never a copy as wide as the original */
			break;
		unsigned long long h = ((unsigned long long)f->height * w + f->width / 2) / f->width;
		f->vwidth[f->nvariants] = w;
		f->vheight[f->nvariants] = h ? (unsigned)h : 1;
		f->nvariants++;
	}
}

unsigned image_variant_width(unsigned i)
{
	return i < IMAGE_MAX_VARIANTS ? variant_widths[i] : 0;
}

void image_variant_name(struct buf *out, const char *name, unsigned w)
{
	const char *slash = strrchr(name, '/');
	const char *dot = strrchr(slash ? slash + 1 : name, '.');
	size_t stem = dot ? (size_t)(dot - name) : strlen(name);
	buf_add(out, name, stem);
	buf_addf(out, "-%uw", w);
	if (dot)
		buf_puts(out, dot);
}

void image_params(struct buf *out)
{
	buf_addf(out, "loa-images %d vips %s widths", IMAGES_VERSION, VIPS_VERSION);
	for (unsigned i = 0; i < IMAGE_MAX_VARIANTS; i++)
		buf_addf(out, " %u", variant_widths[i]);
	buf_addf(out, " q %d %d png %d max %d\n", IMAGE_Q_ORIGINAL, IMAGE_Q_VARIANT,
		 IMAGE_PNG_COMPRESSION, IMAGE_MAX_PIXELS);
}

/* ---- the module ------------------------------------------------------ */

int image_lib_init(struct diag_list *err)
{
	const struct image_module_api *api = image_module_load(err);
	if (!api)
		return -1;
	if (api->start() != 0) {
		diag_error(err, "", 0, 0, "cannot start libvips");
		return -1;
	}
	return 0;
}

void image_lib_shutdown(void)
{
	const struct image_module_api *api = image_module_loaded();
	if (api)
		api->stop();
}

int image_probe(const void *data, size_t len, enum image_format expect, struct image_facts *f,
		struct diag_list *err)
{
	memset(f, 0, sizeof(*f));
	f->format = image_sniff(data, len);
	if (f->format == IMAGE_NONE) {
		diag_error(err, "", 0, 0, "not a JPEG, PNG, WebP, GIF or HEIC image (by its first bytes)");
		return -1;
	}
	if (f->format == IMAGE_HEIF && !heif_is_hevc(data, len)) {
		diag_error(err, "", 0, 0,
			   "a HEIF file without a HEVC photo (an AVIF image?): only JPEG, PNG, "
			   "WebP, GIF and HEIC photos are published");
		return -1;
	}
	if (expect != IMAGE_NONE && expect != f->format) {
		diag_error(err, "", 0, 0, "the file is a %s image but its name says %s: rename it",
			   image_format_name(f->format), image_format_name(expect));
		return -1;
	}
	if (image_lib_init(err) < 0)
		return -1;
	return image_module_loaded()->probe(data, len, f, err);
}

int image_process(const void *data, size_t len, enum image_format expect, struct image_facts *f,
		  struct buf *out, struct diag_list *err)
{
	for (unsigned i = 0; i <= IMAGE_MAX_VARIANTS; i++)
		buf_reset(&out[i]);
	if (image_probe(data, len, expect, f, err) < 0)
		return -1;
	return image_module_loaded()->process(data, len, f, out, err);
}
