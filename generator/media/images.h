/* images — one content image checked, stripped and resized with libvips.
 *
 * The decoding is in the module loa-images.so (images_vips.c, the only
 * file that includes vips.h), loaded on the first image_probe or
 * image_process (images_module.h); the rest runs without it. It knows image formats
 * by their first bytes (JPEG, PNG, WebP, GIF, and HEIC/HEIF read through
 * libheif and published as JPEG: every other loader stays unused and
 * libvips' untrusted loaders are blocked), reads an
 * image's size without decoding it, and re-encodes an image into the bytes
 * Loa publishes: the original (orientation applied, every EXIF, GPS, XMP,
 * IPTC and ICC block stripped) and its responsive variants, narrower
 * copies at fixed widths that are never wider than the original.
 *
 * Same input, same bytes: libvips' operation cache is off and it runs one
 * thread (the render pool gives the parallelism), so a cached result and a
 * fresh one agree. Nothing here touches files; the caller owns the bytes.
 *
 * libvips is process-global: image_lib_init() starts it in the process that
 * calls it (a render worker, never the builder, so a site without images
 * never loads it) and is cheap to call again. */
#ifndef LOA_IMAGES_H
#define LOA_IMAGES_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct diag_list;

/* IMAGE_HEIF (HEIC/HEIF, phone cameras) is read, never written: it is
 * published as JPEG (image_output_format). */
enum image_format { IMAGE_NONE = 0, IMAGE_JPEG, IMAGE_PNG, IMAGE_WEBP, IMAGE_GIF, IMAGE_HEIF };

enum {
	IMAGE_MAX_VARIANTS = 3,          /* widths 480, 960, 1440 */
	IMAGE_MAX_PIXELS = 40000000,     /* 40 Mpx, all frames together: decompression bombs */
	IMAGE_MAX_SIDE = 30000,          /* a side beyond this is not a photo */
};

/* What a page needs to know about a published image. Variants are in
 * increasing width; each is strictly narrower than the original and has
 * the original's aspect ratio (height rounded, at least 1). */
struct image_facts {
	enum image_format format;
	unsigned width, height; /* of the original, after its EXIF orientation */
	unsigned nvariants;
	unsigned vwidth[IMAGE_MAX_VARIANTS], vheight[IMAGE_MAX_VARIANTS];
};

/* The format of data by its magic bytes; IMAGE_NONE for anything else. */
enum image_format image_sniff(const void *data, size_t len);
/* The format a file name promises by its extension (case-insensitive);
 * IMAGE_NONE for a name that is no image Loa publishes. */
enum image_format image_format_of_name(const char *name);
/* True for a name whose extension is any image type (AVIF, HEIC, BMP,
 * TIFF... too): those are this module's to accept or refuse. */
bool image_name_is_image(const char *name);
/* "JPEG", "PNG", "WebP", "GIF", "HEIF" ("unknown" for IMAGE_NONE). */
const char *image_format_name(enum image_format f);
/* The format an image of format f is published in: JPEG for HEIF, else f. */
enum image_format image_output_format(enum image_format f);

/* Fills f's variants from f->format, width and height: none for GIF
 * (animations are published as they are, stripped). */
void image_plan(struct image_facts *f);

/* Width i (0 ≤ i < IMAGE_MAX_VARIANTS) of the variants image_plan may
 * make, in increasing order: the names an image may publish, claimed
 * before its size is known. */
unsigned image_variant_width(unsigned i);

/* The file name of the variant of width w: "anh.jpg" → "anh-480w.jpg"
 * (appended to out; a name without extension gets "-480w"). */
void image_variant_name(struct buf *out, const char *name, unsigned w);

/* The parameters that decide the output bytes (widths, qualities, this
 * module's version, libvips' version), appended to out: part of a cache
 * key, so that changing any of them never serves stale images. */
void image_params(struct buf *out);

/* Loads the module and starts libvips in this process, once (later calls
 * return its result):
 * operation cache off, one thread, every loader blocked but the four above.
 * Returns 0, or -1 with a reason in err. Reasons are diagnostics without
 * a path, in English and Vietnamese, for the caller to place. */
int image_lib_init(struct diag_list *err);
/* Stops libvips; for tests and tools that must end leak-free. No image
 * call may follow in this process. */
void image_lib_shutdown(void);

/* Reads the format and size of data without decoding pixels; f gets its
 * plan too. Refuses (returns -1, a one-line reason in err) anything not
 * JPEG, PNG, WebP, GIF or HEIF by its bytes, a format that differs from
 * `expect` (unless IMAGE_NONE), and images over the pixel cap. */
int image_probe(const void *data, size_t len, enum image_format expect, struct image_facts *f,
		struct diag_list *err);

/* Probes, then decodes and re-encodes: out[0] gets the original (rotated
 * upright, metadata stripped, same format), out[1..f->nvariants] the
 * variants in f's order. out must hold 1 + IMAGE_MAX_VARIANTS buffers; they
 * are reset first. Returns 0, or -1 with a one-line reason in err. */
int image_process(const void *data, size_t len, enum image_format expect, struct image_facts *f,
		  struct buf *out, struct diag_list *err);

#endif
