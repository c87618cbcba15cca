/* sysutil — small system helpers shared by the processes loa runs: the
 * builder, its supervisor, the render pool and the preview server. */
#ifndef LOA_SYSUTIL_H
#define LOA_SYSUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds of CLOCK_MONOTONIC, for deadlines. */
int64_t sys_now_ms(void);
/* Writes all n bytes, retrying on EINTR and short writes; 0, or -1 when
 * the other end is gone. */
int sys_write_all(int fd, const void *data, size_t n);

#endif
