/* toml — TOML front matter (Hugo's `+++` blocks) into a value tree.
 *
 * The C interface of the one C++ translation unit (toml.cpp), which uses
 * toml++ from Debian (libtomlplusplus-dev) in header-only mode without
 * exceptions. The tree has the shape frontmatter.c gives YAML, so the
 * schema types TOML exactly like YAML:
 *  - strings are quoted scalars; integers, floats and booleans are plain
 *    scalars holding their TOML text (`true`, `42`, `1.5`);
 *  - dates and times are plain scalars in the form dates.h reads
 *    (`2024-01-15`, `2024-01-15T08:30:00+07:00`);
 *  - arrays are lists, tables (inline, standard and arrays of tables) maps.
 * Keys of a table come in sorted order (toml++ keeps them in a std::map).
 * Limits are those of the YAML parser: nesting depth and node count;
 * the caller checks the size. Errors name path:line:col of the original
 * file and start with "TOML front matter: ". */
#ifndef LOA_TOML_H
#define LOA_TOML_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct arena;
struct diag_list;
struct value;

/* Parses src[0..len), whose first byte is at line first_line, column 1 of
 * path, into *root (always a VALUE_MAP on success). Strings and nodes live
 * in a. Returns 0, or -1 after adding one error to diags. */
int toml_parse_front(struct value **root, struct arena *a, const char *path, const char *src,
		     size_t len, int first_line, int max_depth, size_t max_nodes,
		     struct diag_list *diags);

#ifdef __cplusplus
}
#endif

#endif
