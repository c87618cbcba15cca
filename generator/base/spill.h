/* spill — byte strings kept out of the process's memory: appended to an
 * unlinked temporary file (in $TMPDIR, else /tmp) and read back by id.
 *
 * The plugin stage's files (feeds, CSV, the search index: 70 MB at
 * 10,000 pages) are made in the builder and written by the render
 * workers, which are forked from it: held in memory, they counted in the
 * builder's peak and in every worker's resident set. A worker reads its
 * file back with pread on the descriptor it inherited (no shared offset).
 *
 * When no temporary file can be made, or a write fails (a full disk), the
 * bytes stay in memory instead: a spill never loses what it was given. One
 * owner (the struct spill); ids are dense, from 0. */
#ifndef LOA_SPILL_H
#define LOA_SPILL_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct spill;

/* dir: where the file goes (NULL: $TMPDIR, else /tmp). Never fails. */
struct spill *spill_open(const char *dir);
void spill_free(struct spill *sp);
/* Keeps len bytes; returns their id. */
size_t spill_add(struct spill *sp, const char *bytes, size_t len);
size_t spill_len(const struct spill *sp, size_t id);
/* Appends the bytes of id to out: 0, or -1 when the file could not be
 * read back (out then holds what was read). */
int spill_read(const struct spill *sp, size_t id, struct buf *out);
/* Whether the bytes of id are in the file (false: in memory). */
bool spill_in_file(const struct spill *sp, size_t id);

#endif
