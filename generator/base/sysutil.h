/* sysutil — small system helpers shared by the processes loa runs: the
 * builder, its supervisor, the render pool and the preview server. */
#ifndef LOA_SYSUTIL_H
#define LOA_SYSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct iovec;

/* 1 in builds with AddressSanitizer: no address-space limit (its shadow
 * memory needs terabytes of it), and every allocation freed before exit
 * so that leak checking proves ownership. */
#if defined(__SANITIZE_ADDRESS__)
#define LOA_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LOA_SANITIZED 1
#endif
#endif
#ifndef LOA_SANITIZED
#define LOA_SANITIZED 0
#endif

/* Milliseconds of CLOCK_MONOTONIC, for deadlines. */
int64_t sys_now_ms(void);
/* Writes all n bytes, retrying on EINTR and short writes; 0, or -1 when
 * the other end is gone. */
int sys_write_all(int fd, const void *data, size_t n);
/* The same for parts[0..n) in order, with writev; parts is used up (the
 * part a short write ended in is moved on in place). */
int sys_writev_all(int fd, struct iovec *parts, size_t n);
/* Appends all that fd holds to out, retrying on EINTR; -1 on a read error
 * or when more than max bytes (0: no limit) would be appended. */
int sys_read_fd(int fd, size_t max, struct buf *out);
/* The same for the file at path, opened without following a final
 * symlink unless follow; -1 with errno set when it cannot be opened. */
int sys_read_file(const char *path, size_t max, bool follow, struct buf *out);
/* Makes the folder dir and its missing parents (0755); 0 or -1. */
int sys_mkdir_p(const char *dir);

#endif
