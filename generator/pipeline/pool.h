/* pool — render jobs in a pool of forked workers.
 *
 * Why processes and not threads: cmark-gfm keeps process-global state, and a
 * pathological page must be stoppable without stopping the build. Each
 * worker is forked from the parent after the site is loaded, so it shares
 * the site copy-on-write. Each job has a wall-clock deadline (the parent
 * kills the worker); each worker has RLIMIT_AS and RLIMIT_CPU as a
 * backstop. A worker that crashes, is killed or runs out of memory is
 * replaced, its job is reported as failed, and the other jobs go on.
 * Results are handed to the parent's callback in job order, so output and
 * diagnostics never depend on scheduling. */
#ifndef LOA_POOL_H
#define LOA_POOL_H

#include <stddef.h>

struct buf;
struct diag_list;

enum pool_status {
	POOL_OK,      /* the work function returned 0 */
	POOL_FAILED,  /* it returned -1 */
	POOL_TIMEOUT, /* the job passed its deadline; the worker was killed */
	POOL_CRASHED, /* the worker died (signal, exit) */
	POOL_OUT_OF_MEMORY, /* it died, most likely at its memory limit (mem_limit) */
};

struct pool_opts {
	int jobs;                /* workers (>= 1) */
	unsigned job_timeout_ms; /* deadline of one job, from when it starts (0: none) */
	size_t mem_limit;        /* RLIMIT_AS of a worker, bytes (0: none) */
};

/* In a worker: do job number `job`, append a result (any bytes) to out and
 * return 0, or -1 for a failure (out then says why). */
typedef int (*pool_work_fn)(void *ctx, size_t job, struct buf *out);
/* In the parent, for each job in order 0..njobs-1. data is borrowed for the
 * call and NUL-terminated: the work function's output for POOL_OK and
 * POOL_FAILED, a short reason ("exceeded the time limit of 2000 ms",
 * "killed by signal 11 (SIGSEGV)") for POOL_TIMEOUT, POOL_CRASHED and
 * POOL_OUT_OF_MEMORY: a developer's words, which callers map to plain ones
 * for contributors (imgstage.c, render.c). */
typedef void (*pool_done_fn)(void *ctx, size_t job, enum pool_status status, const char *data,
			     size_t len);
/* In each worker once, right after fork (open per-worker state). */
typedef void (*pool_init_fn)(void *ctx);

/* Runs jobs 0..njobs-1. Returns 0 when every job was handed to done
 * (whatever its status), -1 when the pool itself failed (fork, pipe). */
int pool_run(const struct pool_opts *opts, size_t njobs, pool_init_fn init, pool_work_fn work,
	     pool_done_fn done, void *ctx, struct diag_list *diags);

/* For another process the builder forks (prerender.c), as for a worker:
 * the signals back to their defaults, none blocked; RLIMIT_AS at bytes,
 * the hard limit too (0: none). */
void pool_child_reset_signals(void);
void pool_child_limit_memory(size_t bytes);

#endif
