/* outdir_internal — what outdir.c, outlock.c and outdir_fingerprint.c
 * share; not for other modules (they use outdir.h). */
#ifndef LOA_OUTDIR_INTERNAL_H
#define LOA_OUTDIR_INTERNAL_H

#include <stddef.h>

struct outdir_names {
	char **v;
	size_t len, cap;
	unsigned char *type; /* per name: d_type (DT_DIR, DT_REG, DT_UNKNOWN...) */
	size_t type_cap;
};

void outdir_names_release(struct outdir_names *n);
/* Lists dir (without . and ..), from its start, with each entry's type
 * (DT_UNKNOWN when the file system does not say). */
int outdir_list_dir(int dir_fd, struct outdir_names *out);
/* Splits final_dir into its parent folder and last component. */
int outdir_split_final(const char *final_dir, char **parent, char **name);

#endif
