/* images_module — libvips as a module loaded on first use.
 *
 * libvips brings about a hundred shared libraries, and loading them cost
 * every run of loa 50 ms or more, even `loa --version` and a rebuild with
 * nothing changed. So the code that calls libvips (images_vips.c) is built
 * apart as loa-images.so, and loa loads it only when an image is probed or
 * processed: a site without images never loads it.
 *
 * It is found beside the executable (build/loa, ./loa), one folder up
 * (the unit tests in build/tests/), in ../lib/loa beside an installed
 * bin/loa, or in the compiled-in LOA_LIBDIR. It is used only when its
 * bytes are exactly the module this loa was built with (its SHA-1 is
 * compiled into loa): a stale or foreign module is never loaded, and the
 * module is thereby part of the program's identity in cache keys. */
#ifndef LOA_IMAGES_MODULE_H
#define LOA_IMAGES_MODULE_H

#include <stddef.h>

struct buf;
struct diag_list;
struct image_facts;

/* Bump when the output of images_vips.c changes for the same input:
 * cached results made by an older version are then never used. */
#define IMAGES_VERSION 3

/* Qualities: the original is the full-size copy people may download, the
 * variants are what phones show. */
enum { IMAGE_Q_ORIGINAL = 90, IMAGE_Q_VARIANT = 82, IMAGE_PNG_COMPRESSION = 6 };

enum { IMAGE_MODULE_ABI = 1 };

/* What the module gives: its table, the symbol image_module_vips. */
struct image_module_api {
	int abi;		   /* IMAGE_MODULE_ABI */
	size_t facts_size, diags_size, buf_size; /* the structures it was built with */
	int (*start)(void);	   /* once per process; 0 or -1 */
	void (*stop)(void);
	/* f->format already checked: reads the header into f */
	int (*probe)(const void *data, size_t len, struct image_facts *f, struct diag_list *err);
	/* f probed, out (1 + IMAGE_MAX_VARIANTS buffers) reset */
	int (*process)(const void *data, size_t len, struct image_facts *f, struct buf *out,
		       struct diag_list *err);
};

/* The module's table, loaded once per process; NULL (a reason in err)
 * when it cannot be found or is not this loa's. */
const struct image_module_api *image_module_load(struct diag_list *err);
/* The table when already loaded, else NULL. */
const struct image_module_api *image_module_loaded(void);

#endif
