/* imgstage — the build's image stage: every image of every page bundle,
 * checked, stripped of its metadata and resized, before pages render.
 *
 * Each image is one job of the render pool (forked workers, each job under
 * the page deadline and the worker under the memory limit), so a hostile
 * file that hangs or crashes a decoder costs that image and nothing else.
 * A worker takes the image's entry from the cache (imgcache.h) or reads the
 * blob, processes it (images.h) and stores the entry; then it writes the
 * original (stripped) and its variants beside the page. In a dry run (loa
 * check, loa review) nothing is written: a worker reads only the image's
 * header, unless the cache already has it.
 *
 * An image that fails is an error naming its file; it is not published at
 * all (its bytes could not be cleaned), the page still builds, and every
 * Markdown image that points at it gets a warning naming its line. An
 * image a page references then renders with width, height, srcset, sizes
 * and lazy loading (image_stage_markdown, the markdown image callback).
 *
 * A site without images costs nothing: no job, no fork, no libvips. */
#ifndef LOA_IMGSTAGE_H
#define LOA_IMGSTAGE_H

#include <stdbool.h>
#include <stddef.h>

struct diag_list;
struct markdown_image;
struct outdir;
struct pool_opts;
struct site;
struct image_stage;

/* Called in the parent for each file the stage wrote (or, in a dry run,
 * would write), in a stable order, with the git blob id of its bytes (in a
 * dry run, of a description that changes with the source image). */
typedef void (*image_output_fn)(void *ctx, const char *out_path, const char *hash);

struct image_stage_opts {
	const char *out_dir;       /* the cache lives in its parent; NULL: no cache */
	struct outdir *out;        /* NULL: dry run */
	const struct pool_opts *pool;
	image_output_fn output;    /* may be NULL */
	void *output_ctx;
};

/* Claims, in site->claims, the names of the resized copies every image of
 * a bundle may publish (before any plugin claims; claims.h). A name some
 * earlier owner holds (a bundle file "anh-480w.jpg") is left to it: that
 * copy is not made. */
void image_stage_claim(struct site *site);

/* Runs the stage. Always makes *s (NULL-safe to free); returns 0, or -1
 * when the pool itself failed (fork, pipe). Image errors are in diags. */
int image_stage_run(struct image_stage **s, const struct site *site,
		    const struct image_stage_opts *opts, struct diag_list *diags);

/* True when site file file_index is an image this stage publishes (or
 * refused): the build must not copy it as it is. */
bool image_stage_owns(const struct image_stage *s, size_t file_index);

/* Files written by the stage; images taken from the cache, and processed. */
size_t image_stage_files(const struct image_stage *s);
size_t image_stage_cached(const struct image_stage *s);
size_t image_stage_processed(const struct image_stage *s);

/* Reports, at who, an image whose worker did not answer (st is
 * POOL_TIMEOUT, POOL_CRASHED or POOL_OUT_OF_MEMORY; detail is the pool's
 * reason): plain words and a fix for contributors, the pool's own words
 * only in the English text. timeout_ms is the job's deadline, mem_limit
 * the setting limits.render_memory_mb in bytes, named in the message. */
enum pool_status;
void image_stage_failure(struct diag_list *d, const char *who, enum pool_status st,
			 const char *detail, size_t len, unsigned timeout_ms, size_t mem_limit);

/* The markdown_image_fn: ctx is the stage (NULL: no images). */
int image_stage_markdown(void *ctx, const char *url, struct markdown_image *img);

void image_stage_free(struct image_stage *s);

#endif
