/* Unit tests for media/images, media/imgcache and the image hook of
 * markup/markdown: formats by magic bytes, the variant plan, metadata
 * stripped from every output (EXIF, GPS, XMP, orientation applied),
 * deterministic bytes, hostile input refused, and the cache's checks.
 * Test images are made here with libvips itself. */
#include "base/buf.h"
#include "base/diag.h"
#include "base/xalloc.h"
#include "markup/markdown.h"
#include "media/images.h"
#include "media/imgcache.h"
#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>
#include <vips/vips.h>

/* ---- helpers ---------------------------------------------------------- */

static const char xmp_packet[] =
	"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
	"xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
	"xmlns:exif=\"http://ns.adobe.com/exif/1.0/\" exif:GPSLatitude=\"21,1.71N\" "
	"exif:GPSLongitude=\"105,51.25E\"/></rdf:RDF></x:xmpmeta>";

/* A w×h RGB gradient (so that resizing has something to do) with EXIF
 * (camera, GPS position, orientation) and an XMP packet with GPS, encoded
 * as fmt with its metadata kept. */
static void make_image(enum image_format fmt, int w, int h, int orientation, struct buf *out)
{
	VipsImage *xy = NULL, *rgb = NULL, *u8 = NULL, *img = NULL;
	void *bytes = NULL;
	size_t n = 0;
	int rc = -1;

	buf_reset(out);
	if (vips_xyz(&xy, w, h, NULL) || vips_bandjoin_const1(xy, &rgb, 128, NULL) || vips_cast_uchar(rgb, &u8, NULL) ||
	    vips_copy(u8, &img, NULL))
		goto done;
	vips_image_set_string(img, "exif-ifd0-Make", "Loa test camera");
	vips_image_set_string(img, "exif-ifd3-GPSLatitudeRef", "N");
	vips_image_set_string(img, "exif-ifd3-GPSLatitude", "21/1 1/1 42/1");
	vips_image_set_string(img, "exif-ifd3-GPSLongitudeRef", "E");
	vips_image_set_string(img, "exif-ifd3-GPSLongitude", "105/1 51/1 15/1");
	vips_image_set_blob_copy(img, "xmp-data", xmp_packet, sizeof(xmp_packet) - 1);
	if (orientation)
		vips_image_set_int(img, "orientation", orientation);
	switch (fmt) {
	case IMAGE_JPEG:
		rc = vips_jpegsave_buffer(img, &bytes, &n, "Q", 90, NULL);
		break;
	case IMAGE_PNG:
		rc = vips_pngsave_buffer(img, &bytes, &n, NULL);
		break;
	case IMAGE_WEBP:
		rc = vips_webpsave_buffer(img, &bytes, &n, NULL);
		break;
	case IMAGE_GIF:
		rc = vips_gifsave_buffer(img, &bytes, &n, NULL);
		break;
	case IMAGE_HEIF: /* as an iPhone writes it: HEVC in HEIF, EXIF inside */
		rc = vips_heifsave_buffer(img, &bytes, &n, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_HEVC,
					  NULL);
		break;
	case IMAGE_NONE:
		break;
	}
	if (rc == 0)
		buf_add(out, bytes, n);
	g_free(bytes);
done:
	if (rc)
		vips_error_clear();
	VIPS_UNREF(xy);
	VIPS_UNREF(rgb);
	VIPS_UNREF(u8);
	VIPS_UNREF(img);
}

/* The metadata fields of an encoded image that identify a place, a device
 * or a person, joined by spaces (empty when there is none). */
static void private_fields(const struct buf *data, struct buf *found, int *w, int *h)
{
	VipsImage *img = vips_image_new_from_buffer(data->ptr, data->len, "", NULL);
	buf_reset(found);
	if (!img) {
		vips_error_clear();
		buf_puts(found, "(unreadable)");
		return;
	}
	*w = vips_image_get_width(img);
	*h = vips_image_get_height(img);
	gchar **fields = vips_image_get_fields(img);
	for (int i = 0; fields[i]; i++) {
		const char *f = fields[i];
		if (strncmp(f, "exif-", 5) == 0 || strcmp(f, "xmp-data") == 0 ||
		    strcmp(f, "iptc-data") == 0 || strcmp(f, "icc-profile-data") == 0 ||
		    (strcmp(f, "orientation") == 0 && vips_image_get_orientation(img) != 1)) {
			buf_puts(found, f);
			buf_putc(found, ' ');
		}
	}
	g_strfreev(fields);
	g_object_unref(img);
}

static bool has_gps(const struct buf *data)
{
	struct buf found = BUF_INIT;
	int w, h;
	private_fields(data, &found, &w, &h);
	bool yes = strstr(found.ptr, "exif-ifd3-GPSLatitude") && strstr(found.ptr, "xmp-data");
	buf_release(&found);
	return yes;
}

static void release_outs(struct buf *outs)
{
	for (int i = 0; i <= IMAGE_MAX_VARIANTS; i++)
		buf_release(&outs[i]);
}

#define OUTS_INIT { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT }

/* ---- pure helpers ----------------------------------------------------- */

/* The first reason in l (English), or "". */
static const char *first(const struct diag_list *l)
{
	return l->len ? l->items[0].msg : "";
}

/* The first reason in l in Vietnamese, or "". */
static const char *first_vi(const struct diag_list *l)
{
	return l->len ? diag_message(&l->items[0], MSG_VI) : "";
}

TEST(formats_by_magic_bytes)
{
	CHECK_INT_EQ(image_sniff("\xff\xd8\xff\xe0", 4), IMAGE_JPEG);
	CHECK_INT_EQ(image_sniff("\x89PNG\r\n\x1a\n....", 12), IMAGE_PNG);
	CHECK_INT_EQ(image_sniff("RIFF\0\0\0\0WEBPVP8 ", 16), IMAGE_WEBP);
	CHECK_INT_EQ(image_sniff("GIF89a..", 8), IMAGE_GIF);
	CHECK_INT_EQ(image_sniff("GIF87a..", 8), IMAGE_GIF);
	CHECK_INT_EQ(image_sniff("RIFF\0\0\0\0WAVE", 12), IMAGE_NONE);
	CHECK_INT_EQ(image_sniff("<svg onload=alert(1)>", 21), IMAGE_NONE);
	CHECK_INT_EQ(image_sniff("<html>", 6), IMAGE_NONE);
	CHECK_INT_EQ(image_sniff("\xff\xd8", 2), IMAGE_NONE); /* too short */
	CHECK_INT_EQ(image_sniff("", 0), IMAGE_NONE);
	CHECK_INT_EQ(image_sniff("\0\0\0\x18" "ftypheic\0\0\0\0", 16), IMAGE_HEIF);
	CHECK_INT_EQ(image_sniff("\0\0\0\x18" "ftypmif1\0\0\0\0", 16), IMAGE_HEIF);
	CHECK_INT_EQ(image_sniff("\0\0\0\x18" "ftypisom\0\0\0\0", 16), IMAGE_NONE); /* a video */
}

/* libheif also decodes AV1: a HEIF whose meta box has an av1C property,
 * or no hvcC, is refused before libvips sees it (an AVIF branded mif1) */
TEST(heif_without_hevc_is_refused)
{
	static const unsigned char avif[] = "\0\0\0\x10" "ftypmif1\0\0\0\0"
					    "\0\0\0\x14" "meta\0\0\0\0\0\0\0\x08" "av1C";
	static const unsigned char both[] = "\0\0\0\x10" "ftypheic\0\0\0\0"
					    "\0\0\0\x1c" "meta\0\0\0\0\0\0\0\x08" "hvcC"
					    "\0\0\0\x08" "av1C";
	static const unsigned char none[] = "\0\0\0\x10" "ftypheic\0\0\0\0"
					    "\0\0\0\x0c" "meta\0\0\0\0";
	const unsigned char *cases[] = { avif, both, none };
	const size_t lens[] = { sizeof(avif) - 1, sizeof(both) - 1, sizeof(none) - 1 };
	for (size_t i = 0; i < 3; i++) {
		struct image_facts f;
		struct diag_list err = DIAG_LIST_INIT;
		CHECK_INT_EQ(image_probe(cases[i], lens[i], IMAGE_HEIF, &f, &err), -1);
		CHECK_CONTAINS(first(&err), "without a HEVC photo");
		diag_list_release(&err);
	}
}

TEST(formats_by_name)
{
	CHECK_INT_EQ(image_format_of_name("a/b/anh.JPG"), IMAGE_JPEG);
	CHECK_INT_EQ(image_format_of_name("anh.jpeg"), IMAGE_JPEG);
	CHECK_INT_EQ(image_format_of_name("x.png"), IMAGE_PNG);
	CHECK_INT_EQ(image_format_of_name("x.webp"), IMAGE_WEBP);
	CHECK_INT_EQ(image_format_of_name("x.gif"), IMAGE_GIF);
	CHECK_INT_EQ(image_format_of_name("x.avif"), IMAGE_NONE);
	CHECK_INT_EQ(image_format_of_name("IMG_0001.HEIC"), IMAGE_HEIF);
	CHECK_INT_EQ(image_format_of_name("x.heif"), IMAGE_HEIF);
	CHECK_INT_EQ(image_output_format(IMAGE_HEIF), IMAGE_JPEG);
	CHECK_INT_EQ(image_output_format(IMAGE_PNG), IMAGE_PNG);
	CHECK_INT_EQ(image_format_of_name("a.png/x"), IMAGE_NONE);
	CHECK(image_name_is_image("x.avif"));
	CHECK(image_name_is_image("x.HEIC"));
	CHECK(image_name_is_image("x.jpg"));
	CHECK(!image_name_is_image("x.pdf"));
	CHECK(!image_name_is_image("jpg"));
}

TEST(variant_plan_never_upscales)
{
	struct image_facts f = { IMAGE_JPEG, 2000, 1500, 0, { 0 }, { 0 } };
	image_plan(&f);
	CHECK_INT_EQ(f.nvariants, 3);
	CHECK_INT_EQ(f.vwidth[0], 480);
	CHECK_INT_EQ(f.vheight[0], 360);
	CHECK_INT_EQ(f.vwidth[1], 960);
	CHECK_INT_EQ(f.vheight[1], 720);
	CHECK_INT_EQ(f.vwidth[2], 1440);
	CHECK_INT_EQ(f.vheight[2], 1080);

	f.width = 960; /* a variant as wide as the original is no variant */
	f.height = 641;
	image_plan(&f);
	CHECK_INT_EQ(f.nvariants, 1);
	CHECK_INT_EQ(f.vheight[0], 321); /* 320.5 rounds up */

	f.width = 480;
	image_plan(&f);
	CHECK_INT_EQ(f.nvariants, 0);

	f.width = 5000; /* a sliver keeps a height of 1 */
	f.height = 1;
	image_plan(&f);
	CHECK_INT_EQ(f.nvariants, 3);
	CHECK_INT_EQ(f.vheight[0], 1);

	f.format = IMAGE_GIF; /* animations are not resized */
	image_plan(&f);
	CHECK_INT_EQ(f.nvariants, 0);
}

TEST(variant_names)
{
	struct buf b = BUF_INIT;
	image_variant_name(&b, "tin-tuc/a/anh.jpg", 480);
	CHECK_STR_EQ(b.ptr, "tin-tuc/a/anh-480w.jpg");
	buf_reset(&b);
	image_variant_name(&b, "a.b/anh", 960);
	CHECK_STR_EQ(b.ptr, "a.b/anh-960w");
	buf_reset(&b);
	image_variant_name(&b, "x.tar.PNG", 1440);
	CHECK_STR_EQ(b.ptr, "x.tar-1440w.PNG");
	buf_release(&b);
}

/* ---- processing ----------------------------------------------------------- */

TEST(jpeg_loses_exif_gps_xmp_and_is_rotated_upright)
{
	struct buf src = BUF_INIT, found = BUF_INIT, outs[] = OUTS_INIT;
	struct diag_list err = DIAG_LIST_INIT;
	struct image_facts f;
	/* orientation 6: stored 1000×600, shown 600×1000 */
	make_image(IMAGE_JPEG, 1000, 600, 6, &src);
	CHECK(src.len > 0);
	CHECK(has_gps(&src)); /* the test image really carries a position */
	CHECK_INT_EQ(image_process(src.ptr, src.len, IMAGE_JPEG, &f, outs, &err), 0);
	CHECK_INT_EQ(err.len, 0);
	CHECK_INT_EQ(f.format, IMAGE_JPEG);
	CHECK_INT_EQ(f.width, 600);
	CHECK_INT_EQ(f.height, 1000);
	CHECK_INT_EQ(f.nvariants, 1);
	CHECK_INT_EQ(f.vwidth[0], 480);
	CHECK_INT_EQ(f.vheight[0], 800);
	for (unsigned i = 0; i <= f.nvariants; i++) {
		int w = 0, h = 0;
		CHECK_INT_EQ(image_sniff(outs[i].ptr, outs[i].len), IMAGE_JPEG);
		private_fields(&outs[i], &found, &w, &h);
		CHECK_STR_EQ(found.ptr, "");
		CHECK_INT_EQ(w, i ? (int)f.vwidth[i - 1] : 600);
		CHECK_INT_EQ(h, i ? (int)f.vheight[i - 1] : 1000);
		/* not even the camera's name survives as bytes */
		CHECK(!memmem(outs[i].ptr, outs[i].len, "Loa test camera", 15));
		CHECK(!memmem(outs[i].ptr, outs[i].len, "GPSLatitude", 11));
	}
	CHECK(outs[1].len < outs[0].len);
	buf_release(&src);
	diag_list_release(&err);
	buf_release(&found);
	release_outs(outs);
}

TEST(heic_becomes_a_stripped_jpeg)
{
	struct buf src = BUF_INIT, found = BUF_INIT, outs[] = OUTS_INIT;
	struct diag_list err = DIAG_LIST_INIT;
	struct image_facts f;
	make_image(IMAGE_HEIF, 1000, 600, 0, &src);
	CHECK(src.len > 0);
	CHECK_INT_EQ(image_sniff(src.ptr, src.len), IMAGE_HEIF);
	CHECK_INT_EQ(image_process(src.ptr, src.len, IMAGE_HEIF, &f, outs, &err), 0);
	CHECK_INT_EQ(err.len, 0);
	CHECK_INT_EQ(f.format, IMAGE_HEIF);
	CHECK_INT_EQ(f.width, 1000);
	CHECK_INT_EQ(f.height, 600);
	CHECK_INT_EQ(f.nvariants, 2);
	for (unsigned i = 0; i <= f.nvariants; i++) {
		int w = 0, h = 0;
		CHECK_INT_EQ(image_sniff(outs[i].ptr, outs[i].len), IMAGE_JPEG);
		private_fields(&outs[i], &found, &w, &h);
		CHECK_STR_EQ(found.ptr, "");
		CHECK_INT_EQ(w, i ? (int)f.vwidth[i - 1] : 1000);
		CHECK(!memmem(outs[i].ptr, outs[i].len, "Loa test camera", 15));
	}
	/* a HEIC named .jpg is refused like any mismatch */
	diag_list_release(&err);
	CHECK_INT_EQ(image_probe(src.ptr, src.len, IMAGE_JPEG, &f, &err), -1);
	CHECK_CONTAINS(first(&err), "HEIF");
	buf_release(&src);
	diag_list_release(&err);
	buf_release(&found);
	release_outs(outs);
}

TEST(png_webp_gif_are_stripped_too)
{
	static const enum image_format fmts[] = { IMAGE_PNG, IMAGE_WEBP, IMAGE_GIF };
	struct buf src = BUF_INIT, found = BUF_INIT, outs[] = OUTS_INIT;
	struct diag_list err = DIAG_LIST_INIT;
	for (size_t k = 0; k < sizeof(fmts) / sizeof(fmts[0]); k++) {
		struct image_facts f;
		make_image(fmts[k], 700, 350, 0, &src);
		CHECK(src.len > 0);
		diag_list_release(&err);
		CHECK_INT_EQ(image_process(src.ptr, src.len, fmts[k], &f, outs, &err), 0);
		CHECK_INT_EQ(err.len, 0);
		CHECK_INT_EQ(f.width, 700);
		CHECK_INT_EQ(f.height, 350);
		CHECK_INT_EQ(f.nvariants, fmts[k] == IMAGE_GIF ? 0 : 1);
		for (unsigned i = 0; i <= f.nvariants; i++) {
			int w = 0, h = 0;
			CHECK_INT_EQ(image_sniff(outs[i].ptr, outs[i].len), fmts[k]);
			private_fields(&outs[i], &found, &w, &h);
			if (strcmp(found.ptr, "") != 0)
				fprintf(stderr, "  %s output %u keeps: %s\n", image_format_name(fmts[k]), i,
					found.ptr);
			CHECK_STR_EQ(found.ptr, "");
			CHECK(!memmem(outs[i].ptr, outs[i].len, "GPSLatitude", 11));
			CHECK(!memmem(outs[i].ptr, outs[i].len, "Loa test camera", 15));
		}
	}
	buf_release(&src);
	diag_list_release(&err);
	buf_release(&found);
	release_outs(outs);
}

TEST(same_input_same_bytes)
{
	static const enum image_format fmts[] = { IMAGE_JPEG, IMAGE_PNG, IMAGE_WEBP, IMAGE_GIF };
	struct buf src = BUF_INIT, a[] = OUTS_INIT, b[] = OUTS_INIT;
	struct diag_list err = DIAG_LIST_INIT;
	for (size_t k = 0; k < sizeof(fmts) / sizeof(fmts[0]); k++) {
		struct image_facts fa, fb;
		make_image(fmts[k], 1000, 700, 3, &src);
		CHECK_INT_EQ(image_process(src.ptr, src.len, fmts[k], &fa, a, &err), 0);
		CHECK_INT_EQ(image_process(src.ptr, src.len, fmts[k], &fb, b, &err), 0);
		CHECK_INT_EQ(fa.nvariants, fb.nvariants);
		for (unsigned i = 0; i <= fa.nvariants; i++) {
			CHECK(a[i].len > 0);
			CHECK(a[i].len == b[i].len && memcmp(a[i].ptr, b[i].ptr, a[i].len) == 0);
		}
	}
	buf_release(&src);
	diag_list_release(&err);
	release_outs(a);
	release_outs(b);
}

TEST(probe_agrees_with_processing)
{
	struct buf src = BUF_INIT, outs[] = OUTS_INIT;
	struct diag_list err = DIAG_LIST_INIT;
	struct image_facts probed, made;
	make_image(IMAGE_JPEG, 1500, 1000, 8, &src);
	CHECK_INT_EQ(image_probe(src.ptr, src.len, IMAGE_NONE, &probed, &err), 0);
	CHECK_INT_EQ(image_process(src.ptr, src.len, IMAGE_JPEG, &made, outs, &err), 0);
	CHECK(memcmp(&probed, &made, sizeof(probed)) == 0);
	CHECK_INT_EQ(probed.width, 1000);
	CHECK_INT_EQ(probed.height, 1500);
	CHECK_INT_EQ(probed.nvariants, 2);
	buf_release(&src);
	diag_list_release(&err);
	release_outs(outs);
}

TEST(hostile_images_are_refused)
{
	struct buf src = BUF_INIT, outs[] = OUTS_INIT;
	struct diag_list err = DIAG_LIST_INIT;
	struct image_facts f;

	/* JPEG magic, then garbage */
	buf_add(&src, "\xff\xd8\xff\xe0", 4);
	for (int i = 0; i < 4000; i++)
		buf_putc(&src, (char)(i * 7919 % 251));
	CHECK_INT_EQ(image_process(src.ptr, src.len, IMAGE_JPEG, &f, outs, &err), -1);
	CHECK_CONTAINS(first(&err), "cannot read the image");
	/* in Vietnamese too, without libvips' English detail */
	CHECK_STR_EQ(first_vi(&err), "không đọc được ảnh (tệp hỏng hoặc chưa chép hết?)");
	CHECK_INT_EQ(outs[0].len, 0);

	/* HTML or SVG named .png */
	diag_list_release(&err);
	CHECK_INT_EQ(image_probe("<svg onload=\"alert(1)\"/>", 24, IMAGE_PNG, &f, &err), -1);
	CHECK_CONTAINS(first(&err), "not a JPEG, PNG, WebP, GIF or HEIC image");

	/* a PNG named .jpg */
	make_image(IMAGE_PNG, 20, 10, 0, &src);
	diag_list_release(&err);
	CHECK_INT_EQ(image_process(src.ptr, src.len, IMAGE_JPEG, &f, outs, &err), -1);
	CHECK_CONTAINS(first(&err), "is a PNG image but its name says JPEG");
	CHECK_STR_EQ(first_vi(&err), "tệp là ảnh PNG nhưng tên tệp lại ghi JPEG: hãy đổi tên tệp");

	/* a decompression bomb: 7000×6000 = 42 Mpx of one colour, a small
	 * file, refused from its header */
	VipsImage *big = NULL;
	void *bytes = NULL;
	size_t n = 0;
	CHECK_INT_EQ(vips_black(&big, 7000, 6000, NULL), 0);
	CHECK_INT_EQ(vips_pngsave_buffer(big, &bytes, &n, "compression", 9, NULL), 0);
	VIPS_UNREF(big);
	CHECK(n < 200000);
	diag_list_release(&err);
	CHECK_INT_EQ(image_process(bytes, n, IMAGE_PNG, &f, outs, &err), -1);
	CHECK_CONTAINS(first(&err), "image too large: 7000x6000 pixels (limit 40 megapixels)");
	CHECK_STR_EQ(first_vi(&err), "ảnh quá lớn: 7000x6000 điểm ảnh (tối đa 40 triệu điểm ảnh)");
	g_free(bytes);

	/* truncated: the first half of a real JPEG */
	make_image(IMAGE_JPEG, 800, 600, 0, &src);
	buf_setlen(&src, src.len / 2);
	diag_list_release(&err);
	CHECK_INT_EQ(image_process(src.ptr, src.len, IMAGE_JPEG, &f, outs, &err), -1);
	CHECK(err.len > 0);
	CHECK_INT_EQ(outs[0].len, 0);

	buf_release(&src);
	diag_list_release(&err);
	release_outs(outs);
}

/* ---- cache ---------------------------------------------------------------- */

static char *make_root(void)
{
	char tmpl[] = "/tmp/loa-images-XXXXXX";
	char *p = mkdtemp(tmpl);
	return p ? xstrdup(p) : NULL;
}

static void rm_rf(const char *path)
{
	char *cmd = xasprintf("rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "  cannot remove %s\n", path);
	free(cmd);
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.' || strncmp(e->d_name, ".tmp", 4) == 0;
	if (d)
		closedir(d);
	return n;
}

/* A processed JPEG: facts and outputs. */
static void processed(struct image_facts *f, struct buf *outs)
{
	struct buf src = BUF_INIT;
	struct diag_list err = DIAG_LIST_INIT;
	make_image(IMAGE_JPEG, 1000, 500, 0, &src);
	CHECK_INT_EQ(image_process(src.ptr, src.len, IMAGE_JPEG, f, outs, &err), 0);
	buf_release(&src);
	diag_list_release(&err);
}

TEST(cache_round_trip_and_keys)
{
	char *root = make_root();
	char *out_dir = xasprintf("%s/public", root), *dir = xasprintf("%s/.loa-cache/images", root);
	struct image_cache *c = NULL, *ro = NULL;
	struct image_facts f, g;
	struct buf outs[] = OUTS_INIT, back[] = OUTS_INIT;
	char key[41], key2[41];

	/* read-only open of a missing cache: no cache, nothing made */
	image_cache_open(&ro, out_dir, false);
	CHECK(ro == NULL);
	CHECK(access(dir, F_OK) != 0);

	image_cache_open(&c, out_dir, true);
	CHECK(c != NULL);
	CHECK_STR_EQ(image_cache_path(c), dir);
	image_cache_key("0123456789012345678901234567890123456789", key);
	image_cache_key("0123456789012345678901234567890123456788", key2);
	CHECK(strcmp(key, key2) != 0);
	CHECK_INT_EQ(strlen(key), 40);
	CHECK_INT_EQ(image_cache_get(c, key, &g, back), 0);

	processed(&f, outs);
	CHECK_INT_EQ(image_cache_put(c, key, &f, outs), 0);
	CHECK_INT_EQ(count_entries(dir), 1); /* no temporary file left */
	CHECK_INT_EQ(image_cache_get(c, key, &g, back), 1);
	CHECK(memcmp(&f, &g, sizeof(f)) == 0);
	for (unsigned i = 0; i <= f.nvariants; i++)
		CHECK(back[i].len == outs[i].len && memcmp(back[i].ptr, outs[i].ptr, outs[i].len) == 0);
	CHECK_INT_EQ(image_cache_get(c, key2, &g, back), 0);
	/* names that are not keys are never opened */
	CHECK_INT_EQ(image_cache_get(c, "../../etc/passwd", &g, back), 0);
	CHECK_INT_EQ(image_cache_put(c, "../x", &f, outs), -1);

	image_cache_open(&ro, out_dir, false); /* now it exists */
	CHECK(ro != NULL);
	CHECK_INT_EQ(image_cache_get(ro, key, &g, back), 1);

	image_cache_free(ro);
	image_cache_free(c);
	release_outs(outs);
	release_outs(back);
	rm_rf(root);
	free(root);
	free(out_dir);
	free(dir);
}

/* Rewrites the entry at path with byte off changed (or cut at off). */
static void damage(const char *path, long off, bool cut)
{
	struct stat st;
	int fd = open(path, O_RDWR);
	CHECK(fd >= 0 && fstat(fd, &st) == 0);
	if (cut) {
		CHECK(ftruncate(fd, off) == 0);
	} else {
		unsigned char b;
		long at = off < 0 ? (long)st.st_size + off : off;
		CHECK(pread(fd, &b, 1, at) == 1);
		b ^= 0x01;
		CHECK(pwrite(fd, &b, 1, at) == 1);
	}
	close(fd);
}

TEST(stale_temporary_files_are_removed)
{
	char *root = make_root();
	char *out_dir = xasprintf("%s/public", root), *dir = xasprintf("%s/.loa-cache/images", root);
	char *old_tmp = xasprintf("%s/.tmp-aaaa-1", dir), *new_tmp = xasprintf("%s/.tmp-bbbb-2", dir);
	struct image_cache *c = NULL;
	image_cache_open(&c, out_dir, true);
	image_cache_free(c);
	FILE *f = fopen(old_tmp, "w");
	fclose(f);
	f = fopen(new_tmp, "w");
	fclose(f);
	struct timespec two_hours_ago[2] = { { time(NULL) - 7200, 0 }, { time(NULL) - 7200, 0 } };
	CHECK(utimensat(AT_FDCWD, old_tmp, two_hours_ago, 0) == 0);
	image_cache_open(&c, out_dir, false); /* read-only: removes nothing */
	CHECK(access(old_tmp, F_OK) == 0);
	image_cache_free(c);
	image_cache_open(&c, out_dir, true);
	CHECK(access(old_tmp, F_OK) != 0);
	CHECK(access(new_tmp, F_OK) == 0); /* may belong to a build running now */
	image_cache_free(c);
	rm_rf(root);
	free(root);
	free(out_dir);
	free(dir);
	free(old_tmp);
	free(new_tmp);
}

TEST(cache_never_trusts_a_damaged_entry)
{
	char *root = make_root();
	char *out_dir = xasprintf("%s/public", root);
	struct image_cache *c = NULL;
	struct image_facts f, g;
	struct buf outs[] = OUTS_INIT, back[] = OUTS_INIT;
	char key[41];
	image_cache_open(&c, out_dir, true);
	image_cache_key("1111111111111111111111111111111111111111", key);
	processed(&f, outs);
	char *path = xasprintf("%s/%s", image_cache_path(c), key);

	/* a flipped bit in the payload, in the header's numbers, a cut file,
	 * an empty one: each a miss, and a new put makes it whole again */
	const struct {
		long off;
		bool cut;
	} cases[] = { { -10, false }, { 10, false }, { 12, false }, { 300, true }, { 0, true } };
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		CHECK_INT_EQ(image_cache_put(c, key, &f, outs), 0);
		CHECK_INT_EQ(image_cache_get(c, key, &g, back), 1);
		damage(path, cases[k].off, cases[k].cut);
		CHECK_INT_EQ(image_cache_get(c, key, &g, back), 0);
	}
	/* a plan that the parameters would not give: 3 variants claimed for an
	 * image 1000 wide */
	FILE *fp = fopen(path, "w");
	fprintf(fp, "LOAIMG1 1 1000 500 3 480 240 960 480 1440 720 1 1 1 1 "
		    "0000000000000000000000000000000000000000\nabcd");
	fclose(fp);
	CHECK_INT_EQ(image_cache_get(c, key, &g, back), 0);

	/* an entry that is a symbolic link is not followed */
	CHECK_INT_EQ(image_cache_put(c, key, &f, outs), 0);
	char *real = xasprintf("%s/elsewhere", root);
	CHECK(rename(path, real) == 0);
	CHECK(symlink(real, path) == 0);
	CHECK_INT_EQ(image_cache_get(c, key, &g, back), 0);
	/* and putting over it replaces the link, never writes through it */
	struct stat before, after;
	CHECK(stat(real, &before) == 0);
	CHECK_INT_EQ(image_cache_put(c, key, &f, outs), 0);
	CHECK(lstat(path, &after) == 0 && S_ISREG(after.st_mode));
	CHECK(stat(real, &after) == 0 && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec &&
	      after.st_size == before.st_size);

	image_cache_free(c);
	release_outs(outs);
	release_outs(back);
	rm_rf(root);
	free(real);
	free(path);
	free(root);
	free(out_dir);
}

TEST(cache_folder_behind_a_link_is_not_used)
{
	char *root = make_root();
	char *elsewhere = xasprintf("%s/elsewhere", root);
	char *site = xasprintf("%s/site", root);
	char *link = xasprintf("%s/site/.loa-cache", root);
	char *out_dir = xasprintf("%s/site/public", root);
	struct image_cache *c = NULL;
	CHECK(mkdir(elsewhere, 0755) == 0 && mkdir(site, 0755) == 0);
	CHECK(symlink(elsewhere, link) == 0);
	image_cache_open(&c, out_dir, true);
	CHECK(c == NULL); /* processed every time rather than written there */
	CHECK_INT_EQ(count_entries(elsewhere), 0);
	rm_rf(root);
	free(root);
	free(elsewhere);
	free(site);
	free(link);
	free(out_dir);
}

/* ---- the markdown hook ------------------------------------------------------ */

static int fake_image(void *ctx, const char *url, struct markdown_image *img)
{
	(void)ctx;
	if (strcmp(url, "/a/anh.jpg") == 0) {
		img->width = 600;
		img->height = 1000;
		img->srcset = "/a/anh-480w.jpg 480w, /a/anh.jpg 600w";
		img->sizes = "100vw";
		return 1;
	}
	if (strcmp(url, "/a/nho.png") == 0) {
		img->width = 40;
		img->height = 30;
		return 1;
	}
	return strcmp(url, "/a/hong.jpg") == 0 ? -1 : 0;
}

static int rewrite(void *ctx, const char *url, struct buf *out)
{
	(void)ctx;
	if (strchr(url, ':'))
		return 0;
	buf_addf(out, "/a/%s", url);
	return 1;
}

TEST(markdown_images_get_the_facts)
{
	static const char md[] = "Ảnh ![Bé \"vẽ\" & <chơi>](anh.jpg \"Tiêu đề\")\n\n"
				 "![nhỏ](nho.png)\n\n"
				 "![](hong.jpg)\n\n"
				 "![xa](https://example.vn/x.jpg)\n\n"
				 "[![![trong](anh.jpg)](nho.png)](https://example.vn/)\n";
	struct markdown_opts o = { .path = "content/a/index.md", .line_offset = 4, .link = rewrite,
				   .image = fake_image };
	struct buf html = BUF_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	markdown_init();
	CHECK_INT_EQ(markdown_render(&html, md, sizeof(md) - 1, &o, &d), 0);
	CHECK_CONTAINS(html.ptr, "<img src=\"/a/anh.jpg\" alt=\"Bé &quot;vẽ&quot; &amp; &lt;chơi&gt;\" "
				 "title=\"Tiêu đề\" width=\"600\" height=\"1000\" "
				 "srcset=\"/a/anh-480w.jpg 480w, /a/anh.jpg 600w\" sizes=\"100vw\" "
				 "loading=\"lazy\" decoding=\"async\" />");
	CHECK_CONTAINS(html.ptr, "<img src=\"/a/nho.png\" alt=\"nhỏ\" width=\"40\" height=\"30\" "
				 "loading=\"lazy\" decoding=\"async\" />");
	/* unknown to the site: as cmark writes it */
	CHECK_CONTAINS(html.ptr, "<img src=\"https://example.vn/x.jpg\" alt=\"xa\" />");
	CHECK_CONTAINS(html.ptr, "<img src=\"/a/hong.jpg\" alt=\"\" />");
	CHECK_NOT_CONTAINS(html.ptr, "<chơi>");
	/* the image that failed: a warning naming its line; the one without
	 * alt text is still reported */
	bool not_published = false, no_alt = false;
	for (size_t i = 0; i < d.len; i++) {
		if (strstr(d.items[i].msg, "image '/a/hong.jpg' is not published") &&
		    d.items[i].line == 9)
			not_published = true;
		if (strstr(d.items[i].msg, "image without alt text") && d.items[i].line == 9)
			no_alt = true;
	}
	CHECK(not_published);
	CHECK(no_alt);
	CHECK_INT_EQ(d.errors, 0);
	buf_release(&html);
	diag_list_release(&d);
}

/* Below a sub-path: src, srcset and links get the base path; the image
 * callback still sees the URL the site knows; rooted links already below
 * it and other hosts are left alone. */
static int rewrite_relative(void *ctx, const char *url, struct buf *out)
{
	if (url[0] == '/' || url[0] == '#')
		return 0;
	return rewrite(ctx, url, out);
}

TEST(markdown_base_path_prefixes_site_rooted_urls)
{
	static const char md[] = "![ảnh](anh.jpg) [bài](/tin-tuc/) [đã có](/sub/x/) "
				 "[ngoài](https://example.vn/y) [mục](#a) [gần giống](/subx/)\n";
	struct markdown_opts o = { .path = "content/a/index.md", .link = rewrite_relative,
				   .image = fake_image, .base_path = "/sub" };
	struct buf html = BUF_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	markdown_init();
	CHECK_INT_EQ(markdown_render(&html, md, sizeof(md) - 1, &o, &d), 0);
	CHECK_CONTAINS(html.ptr, "<img src=\"/sub/a/anh.jpg\" alt=\"ảnh\" width=\"600\"");
	CHECK_CONTAINS(html.ptr, "srcset=\"/sub/a/anh-480w.jpg 480w, /sub/a/anh.jpg 600w\"");
	CHECK_CONTAINS(html.ptr, "href=\"/sub/tin-tuc/\"");
	CHECK_CONTAINS(html.ptr, "href=\"/sub/x/\"");
	CHECK_NOT_CONTAINS(html.ptr, "/sub/sub/");
	CHECK_CONTAINS(html.ptr, "href=\"https://example.vn/y\"");
	CHECK_CONTAINS(html.ptr, "href=\"#a\"");
	CHECK_CONTAINS(html.ptr, "href=\"/sub/subx/\"");
	buf_release(&html);
	diag_list_release(&d);
}

int main(void)
{
	struct diag_list err = DIAG_LIST_INIT;
	git_libgit2_init(); /* the cache's checksums are git blob ids */
	if (image_lib_init(&err) < 0) {
		fprintf(stderr, "%s\n", first(&err));
		return 1;
	}
	RUN(formats_by_magic_bytes);
	RUN(formats_by_name);
	RUN(variant_plan_never_upscales);
	RUN(variant_names);
	RUN(jpeg_loses_exif_gps_xmp_and_is_rotated_upright);
	RUN(heic_becomes_a_stripped_jpeg);
	RUN(png_webp_gif_are_stripped_too);
	RUN(same_input_same_bytes);
	RUN(probe_agrees_with_processing);
	RUN(hostile_images_are_refused);
	RUN(heif_without_hevc_is_refused);
	RUN(cache_round_trip_and_keys);
	RUN(stale_temporary_files_are_removed);
	RUN(cache_never_trusts_a_damaged_entry);
	RUN(cache_folder_behind_a_link_is_not_used);
	RUN(markdown_images_get_the_facts);
	RUN(markdown_base_path_prefixes_site_rooted_urls);
	image_lib_shutdown();
	git_libgit2_shutdown();
	diag_list_release(&err);
	return harness_report();
}
