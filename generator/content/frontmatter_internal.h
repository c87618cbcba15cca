/* frontmatter_internal — what frontmatter.c and frontmatter_yaml.c share;
 * not for other modules (they use frontmatter.h). */
#ifndef LOA_FRONTMATTER_INTERNAL_H
#define LOA_FRONTMATTER_INTERNAL_H

#include "content/frontmatter.h"

#include <stddef.h>

struct arena;
struct diag_list;
struct value;

/* Parses src[0..len), whose first byte is on line first_line of the file,
 * into *root (NULL for an empty document or a null root). libyaml is read
 * with the limits given (NULL: YAML_LIMITS_DEFAULT). Errors go to diags;
 * returns 0 or -1. */
int frontmatter_yaml_document(struct value **root, struct arena *a, const char *path,
			      const char *src, size_t len, int first_line,
			      const struct yaml_limits *limits, struct diag_list *diags);

#endif
