/* pool — owns the forked render workers: their lifetimes, the job protocol
 * between parent and workers, deadlines, and the in-order delivery of
 * results (see pool.h).
 *
 * Protocol. Each worker has one AF_UNIX stream socketpair with the parent.
 * The parent sends job numbers (uint64) and keeps at most QUEUE_MAX jobs in
 * flight per worker, so a worker never waits for its next job. For each job
 * the worker sends a STARTED message (so the parent starts the deadline when
 * the job really starts, not while it waits in the queue), then a result
 * message: a struct msg header followed by len bytes (a result and the next
 * job's STARTED share one send when that job is already queued). Both sides
 * write with send(MSG_NOSIGNAL), so a dead peer gives EPIPE rather than
 * SIGPIPE and no process-wide signal disposition has to change. The parent
 * reads with MSG_DONTWAIT after poll(), so a slow worker never blocks it.
 *
 * Deaths. A worker that passes its deadline is killed with SIGKILL; a worker
 * whose socket reaches end-of-file has died. Either way the parent reaps it
 * (wait4, to learn the signal and its peak memory), reports the job at the
 * head of its queue as TIMEOUT or CRASHED, puts its other queued jobs back
 * in the pending set, and forks a replacement when work remains. Each death
 * settles one job, so the loop ends after at most njobs deaths. */
#include "pipeline/pool.h"

#include "base/buf.h"
#include "base/bug.h"
#include "base/diag.h"
#include "base/sysutil.h"
#include "base/xalloc.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Jobs in flight per worker: enough to hide the round trip, few enough that
 * a killed worker's queue is cheap to redistribute. */
#define QUEUE_MAX 4
/* A head job whose STARTED message has not arrived (the worker is still in
 * init, or stuck between jobs) gets this much on top of its deadline. */
#define START_GRACE_MS 1000
/* bytes read from a worker at a time */
#define POOL_STAGE (64 * 1024)

enum msg_kind { MSG_STARTED = 1, MSG_OK = 2, MSG_FAILED = 3 };

/* Same machine, same ABI on both ends: sent as raw bytes. */
struct msg {
	uint64_t job;
	uint32_t kind;
	uint32_t pad;
	uint64_t len;
};

struct worker {
	pid_t pid; /* 0: slot empty */
	int fd;    /* parent's end of the socketpair, -1 when empty */
	size_t queue[QUEUE_MAX];
	int qlen;
	bool started;     /* queue[0] has sent STARTED */
	int64_t deadline; /* ms on CLOCK_MONOTONIC for queue[0] */
	/* incoming message */
	unsigned char hdr[sizeof(struct msg)];
	size_t hdr_have;
	bool in_payload;
	struct msg cur;
	struct buf payload;
};

struct result {
	char *data;
	size_t len;
	enum pool_status status;
	bool ready;
};

struct pool {
	const struct pool_opts *opts;
	size_t njobs;
	pool_init_fn init;
	pool_work_fn work;
	void *ctx;
	pid_t parent_pid;
	/* the parent's size when the pool starts, which each worker inherits:
	 * what RLIMIT_AS leaves for a job is mem_limit - base_vm */
	size_t base_vm, base_rss;

	struct worker *workers;
	int nworkers;

	size_t next_new;    /* jobs below this were handed out at least once */
	size_t *retry;      /* requeued jobs */
	size_t nretry;      /* (at most njobs) */
	size_t next_done;   /* next job to hand to done() */
	struct result *res; /* njobs entries */
	unsigned char *stage; /* received bytes, POOL_STAGE of them */
	/* poll's set and each entry's worker: in the pool, not locals, so
	 * that a forked worker keeps them reachable (valgrind, t61) */
	struct pollfd *pfd;
	int *pidx;
};

/* virtual and resident size of this process (0 when unknown) */
static void self_size(size_t *vm, size_t *rss)
{
	unsigned long pages_vm = 0, pages_rss = 0;
	*vm = *rss = 0;
	FILE *f = fopen("/proc/self/statm", "re");
	if (!f)
		return;
	if (fscanf(f, "%lu %lu", &pages_vm, &pages_rss) == 2) {
		size_t page = (size_t)sysconf(_SC_PAGESIZE);
		*vm = pages_vm * page;
		*rss = pages_rss * page;
	}
	fclose(f);
}

/* send all of data; -1 with errno on failure */
static int send_full(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- worker side ------------------------------------------------------ */

void pool_child_reset_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		sigaction(sig, &sa, NULL); /* fails harmlessly for reserved numbers */
	}
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

void pool_child_limit_memory(size_t bytes)
{
	struct rlimit rl;
	/* ASan reserves terabytes of address space up front; RLIMIT_AS would
	 * make every sanitized worker fail at once. */
	if (bytes && !LOA_SANITIZED && getrlimit(RLIMIT_AS, &rl) == 0) {
		rlim_t lim = (rlim_t)bytes;
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < lim)
			lim = rl.rlim_max;
		/* the hard limit too, so the work function cannot lift it */
		rl.rlim_cur = rl.rlim_max = lim;
		setrlimit(RLIMIT_AS, &rl);
	}
}

/* RLIMIT_CPU counts the whole life of the process, so the backstop is moved
 * forward as the worker runs: it stops a runaway job even when the parent
 * is gone and cannot kill it. Each job starts with at least `budget`
 * seconds of CPU left under the limit. Asking the kernel before every job
 * (getrusage, getrlimit, setrlimit) cost three system calls a page: the
 * limit is set to twice the budget past the CPU used, and looked at again
 * only once budget / 2 seconds of wall-clock time have passed, in which a
 * worker (one thread, or libvips' one worker thread beside it) cannot
 * use more than the budget. */
struct backstop {
	int64_t at_ms; /* when the limit was last moved; 0: never */
};

static void worker_cpu_backstop(const struct pool_opts *opts, struct backstop *bs)
{
	if (!opts->job_timeout_ms)
		return;
	rlim_t budget = (rlim_t)(opts->job_timeout_ms / 1000) * 2 + 2;
	int64_t now = sys_now_ms();
	if (bs->at_ms && now - bs->at_ms < (int64_t)budget * 1000 / 2)
		return;
	struct rusage ru;
	struct rlimit rl;
	if (getrusage(RUSAGE_SELF, &ru) != 0 || getrlimit(RLIMIT_CPU, &rl) != 0)
		return;
	rlim_t used = (rlim_t)ru.ru_utime.tv_sec + (rlim_t)ru.ru_stime.tv_sec + 1;
	rlim_t lim = used + 2 * budget;
	if (rl.rlim_max != RLIM_INFINITY && lim > rl.rlim_max)
		lim = rl.rlim_max;
	rl.rlim_cur = lim;
	setrlimit(RLIMIT_CPU, &rl);
	bs->at_ms = now;
}

/* Job numbers received by a worker, whole or in part. The parent keeps at
 * most QUEUE_MAX in flight, so they fit. */
struct inbox {
	unsigned char bytes[(QUEUE_MAX + 1) * sizeof(uint64_t)];
	size_t len;
};

/* Takes the next job number: 1 when taken, 0 when none has arrived yet
 * (wait false; end of file included, seen again by the wait), -2 at end of
 * file between numbers (wait true), -1 on an error. */
static int inbox_take(int fd, struct inbox *in, bool wait, uint64_t *job)
{
	while (in->len < sizeof(*job)) {
		ssize_t n = recv(fd, in->bytes + in->len, sizeof(in->bytes) - in->len,
				 wait ? 0 : MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (!wait && (n == 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))))
			return 0;
		if (n < 0)
			return -1;
		if (n == 0)
			return in->len ? -1 : -2;
		in->len += (size_t)n;
	}
	memcpy(job, in->bytes, sizeof(*job));
	in->len -= sizeof(*job);
	memmove(in->bytes, in->bytes + sizeof(*job), in->len);
	return 1;
}

/* The worker's loop. Its messages go out in as few sends as the protocol
 * allows: a result and, when the next job is already queued, that job's
 * STARTED in one send (one system call a page instead of three); the
 * parent reads them in order either way. */
static void __attribute__((noreturn)) worker_main(struct pool *p, int self, int fd)
{
	/* Die with the parent rather than linger as an orphan; the check after
	 * prctl covers a parent that died before it took effect. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != p->parent_pid)
		_exit(1);
	pool_child_reset_signals();
	/* The sockets of the other workers must not stay open here, or those
	 * workers would never see end-of-file when the parent closes them. */
	for (int i = 0; i < p->nworkers; i++)
		if (i != self && p->workers[i].fd >= 0)
			close(p->workers[i].fd);
	pool_child_limit_memory(p->opts->mem_limit);
	if (p->init)
		p->init(p->ctx);

	struct buf out = BUF_INIT, wire = BUF_INIT;
	struct inbox in = { .len = 0 };
	struct backstop bs = { 0 };
	uint64_t job;
	int r = inbox_take(fd, &in, true, &job);
	for (;;) {
		if (r == -2)
			_exit(0); /* the parent closed the socket: no more work */
		if (r < 0)
			_exit(1);
		worker_cpu_backstop(p->opts, &bs);
		struct msg m = { job, MSG_STARTED, 0, 0 };
		buf_add(&wire, &m, sizeof(m));
		if (send_full(fd, wire.ptr, wire.len) < 0)
			_exit(1);
		buf_reset(&wire);
		buf_reset(&out);
		int rc = p->work(p->ctx, (size_t)job, &out);
		m.kind = rc == 0 ? MSG_OK : MSG_FAILED;
		m.len = out.len;
		buf_add(&wire, &m, sizeof(m));
		buf_add(&wire, out.ptr, out.len);
		r = inbox_take(fd, &in, false, &job);
		if (r == 0) {
			/* no job queued: the result goes now, alone */
			if (send_full(fd, wire.ptr, wire.len) < 0)
				_exit(1);
			buf_reset(&wire);
			r = inbox_take(fd, &in, true, &job);
		}
	}
}

/* ---- parent side ------------------------------------------------------ */

static void worker_clear(struct worker *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	w->pid = 0;
	w->qlen = 0;
	w->started = false;
	w->hdr_have = 0;
	w->in_payload = false;
	buf_release(&w->payload);
}

static int spawn(struct pool *p, int i, struct diag_list *diags)
{
	struct worker *w = &p->workers[i];
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return diag_error(diags, "", 0, 0, "cannot create a worker socket: %s",
				  strerror(errno));
	/* stdio buffers would otherwise be flushed twice, once by the child */
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		return diag_error(diags, "", 0, 0, "cannot start a worker: %s", strerror(e));
	}
	if (pid == 0) {
		close(sv[0]);
		worker_main(p, i, sv[1]);
	}
	close(sv[1]);
	w->pid = pid;
	w->fd = sv[0];
	w->qlen = 0;
	w->started = false;
	w->hdr_have = 0;
	w->in_payload = false;
	return 0;
}

static bool have_pending(const struct pool *p)
{
	return p->nretry > 0 || p->next_new < p->njobs;
}

/* the smallest pending job: requeued ones first, as delivery waits on them */
static size_t take_pending(struct pool *p)
{
	if (p->nretry) {
		size_t best = 0;
		for (size_t i = 1; i < p->nretry; i++)
			if (p->retry[i] < p->retry[best])
				best = i;
		size_t job = p->retry[best];
		p->retry[best] = p->retry[--p->nretry];
		return job;
	}
	if (p->next_new >= p->njobs)
		BUG("pool: job %zu taken, but there are %zu", p->next_new, p->njobs);
	return p->next_new++;
}

static void settle(struct pool *p, size_t job, enum pool_status st, char *data, size_t len)
{
	struct result *r = &p->res[job];
	/* each job is in one place at a time (a queue or the retry list), so
	 * it is settled once */
	if (job >= p->njobs || r->ready)
		BUG("pool: job %zu settled twice (or of %zu)", job, p->njobs);
	r->data = data;
	r->len = len;
	r->status = st;
	r->ready = true;
}

/* queue[0] is gone (settled); the next job becomes the head */
static void pop_head(struct worker *w, int64_t now, unsigned timeout_ms)
{
	if (w->qlen < 1)
		BUG("pool: a result for an empty queue");
	memmove(w->queue, w->queue + 1, (size_t)(w->qlen - 1) * sizeof(w->queue[0]));
	w->qlen--;
	w->started = false;
	w->deadline = now + timeout_ms + START_GRACE_MS;
}

/* Why a worker died, in a developer's words; *oom set when its memory limit
 * is the likely cause (callers word that one for contributors). */
static char *death_reason(const struct pool *p, int status, const struct rusage *ru, bool reaped,
			  bool *oom)
{
	if (!reaped)
		return xstrdup("the worker died");
	if (WIFEXITED(status))
		return xasprintf("the worker exited with status %d", WEXITSTATUS(status));
	if (!WIFSIGNALED(status))
		return xstrdup("the worker died");
	int sig = WTERMSIG(status);
	if (sig == SIGXCPU)
		return xstrdup("exceeded the CPU time limit");
	/* Under RLIMIT_AS an allocation fails (abort, or a crash on NULL) and
	 * the kernel's OOM killer sends SIGKILL. A worker whose peak resident
	 * memory grew by at least half of what the limit left it is the best
	 * available sign that memory was the cause. */
	size_t peak = (size_t)ru->ru_maxrss * 1024;
	size_t budget = p->opts->mem_limit > p->base_vm ? p->opts->mem_limit - p->base_vm
							: p->opts->mem_limit;
	if (p->opts->mem_limit && peak >= p->base_rss + budget / 2 &&
	    (sig == SIGABRT || sig == SIGSEGV || sig == SIGBUS || sig == SIGKILL)) {
		*oom = true;
		return xasprintf("exceeded the memory limit of %zu MB",
				 p->opts->mem_limit / (1024 * 1024));
	}
	const char *name = sigabbrev_np(sig);
	if (name)
		return xasprintf("killed by signal %d (SIG%s)", sig, name);
	return xasprintf("killed by signal %d", sig);
}

/* Kills (if still alive) and reaps worker i; settles its head job with st
 * (reason computed from the exit status when reason is NULL) and requeues
 * the rest. */
static void worker_lost(struct pool *p, int i, enum pool_status st, char *reason)
{
	struct worker *w = &p->workers[i];
	int status = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof(ru));
	/* After end-of-file the child is already exiting and its exit status is
	 * fixed, so SIGKILL only matters for one that closed its socket and
	 * lives on; it guarantees wait4 returns. */
	kill(w->pid, SIGKILL);
	pid_t r;
	do
		r = wait4(w->pid, &status, 0, &ru);
	while (r < 0 && errno == EINTR);
	if (!reason) {
		bool oom = false;
		reason = death_reason(p, status, &ru, r == w->pid, &oom);
		if (oom && st == POOL_CRASHED)
			st = POOL_OUT_OF_MEMORY;
	}
	if (w->qlen > 0) {
		settle(p, w->queue[0], st, reason, strlen(reason));
		reason = NULL;
		for (int k = 1; k < w->qlen; k++) {
			if (p->nretry >= p->njobs)
				BUG("pool: more than %zu jobs to retry", p->njobs);
			p->retry[p->nretry++] = w->queue[k];
		}
	}
	free(reason);
	worker_clear(w);
}

/* Feeds received bytes to worker i's message parser. Returns -1 on a
 * protocol violation (the worker is then treated as crashed). */
static int consume(struct pool *p, int i, const unsigned char *data, size_t n, int64_t now)
{
	struct worker *w = &p->workers[i];
	while (n) {
		if (!w->in_payload) {
			size_t take = sizeof(w->hdr) - w->hdr_have;
			if (take > n)
				take = n;
			memcpy(w->hdr + w->hdr_have, data, take);
			w->hdr_have += take;
			data += take;
			n -= take;
			if (w->hdr_have < sizeof(w->hdr))
				return 0;
			w->hdr_have = 0;
			memcpy(&w->cur, w->hdr, sizeof(w->cur));
			if (w->qlen == 0 || w->cur.job != w->queue[0])
				return -1;
			if (w->cur.kind == MSG_STARTED) {
				if (w->cur.len != 0)
					return -1;
				w->started = true;
				w->deadline = now + p->opts->job_timeout_ms;
				continue;
			}
			if (w->cur.kind != MSG_OK && w->cur.kind != MSG_FAILED)
				return -1;
			/* the worker's own memory limit bounds a genuine result */
			if (p->opts->mem_limit && w->cur.len > p->opts->mem_limit)
				return -1;
			if (w->cur.len > SIZE_MAX / 2)
				return -1;
			buf_reset(&w->payload);
			w->in_payload = true;
			/* falls through: a result of no bytes completes here */
		}
		size_t want = (size_t)w->cur.len - w->payload.len;
		size_t take = want < n ? want : n;
		buf_add(&w->payload, data, take);
		data += take;
		n -= take;
		if (w->payload.len == w->cur.len) {
			size_t len;
			char *bytes = buf_detach(&w->payload, &len);
			settle(p, w->queue[0], w->cur.kind == MSG_OK ? POOL_OK : POOL_FAILED, bytes,
			       len);
			w->in_payload = false;
			pop_head(w, now, p->opts->job_timeout_ms);
		}
	}
	return 0;
}

/* Reads whatever worker i has sent. */
static void drain(struct pool *p, int i)
{
	unsigned char *stage = p->stage;
	size_t stage_size = POOL_STAGE;
	struct worker *w = &p->workers[i];
	for (;;) {
		ssize_t n = recv(w->fd, stage, stage_size, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			/* end of file, or ECONNRESET when the worker died with
			 * jobs unread: it is gone */
			worker_lost(p, i, POOL_CRASHED, NULL);
			return;
		}
		if (consume(p, i, stage, (size_t)n, sys_now_ms()) < 0) {
			worker_lost(p, i, POOL_CRASHED, xstrdup("the worker broke the protocol"));
			return;
		}
	}
}

/* Tops up every worker's queue, forking replacements where needed.
 * Returns -1 only when no worker can run at all. */
static int assign(struct pool *p, struct diag_list *diags)
{
	int alive = 0;
	/* a worker that cannot be forked is retried later; it is an error
	 * only when no worker is left to do the work */
	struct diag_list spawn_errors = DIAG_LIST_INIT;
	for (int i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];
		if (!w->pid && have_pending(p) && spawn(p, i, &spawn_errors) < 0)
			continue;
		if (!w->pid)
			continue;
		alive++;
		while (w->qlen < QUEUE_MAX && have_pending(p)) {
			size_t job = take_pending(p);
			uint64_t j = job;
			if (w->qlen == 0) {
				w->started = false;
				w->deadline = sys_now_ms() + p->opts->job_timeout_ms + START_GRACE_MS;
			}
			w->queue[w->qlen++] = job;
			/* EPIPE: the worker is dead; its end-of-file is handled by
			 * drain(), which settles the head and requeues the rest */
			if (send_full(w->fd, &j, sizeof(j)) < 0)
				break;
		}
	}
	if (alive == 0 && p->next_done < p->njobs) {
		diag_list_append(diags, &spawn_errors);
		return -1;
	}
	diag_list_release(&spawn_errors);
	return 0;
}

static void deliver(struct pool *p, pool_done_fn done)
{
	while (p->next_done < p->njobs && p->res[p->next_done].ready) {
		struct result *r = &p->res[p->next_done];
		done(p->ctx, p->next_done, r->status, r->data ? r->data : "", r->len);
		free(r->data);
		r->data = NULL;
		p->next_done++;
	}
}

static void shutdown_workers(struct pool *p, bool force)
{
	/* Closing the socket tells an idle worker to _exit(0); one still busy
	 * (only after a failure) is killed. */
	for (int i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];
		if (!w->pid)
			continue;
		if (force || w->qlen > 0)
			kill(w->pid, SIGKILL);
		close(w->fd);
		w->fd = -1;
	}
	for (int i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];
		if (!w->pid)
			continue;
		while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
			;
		w->qlen = 0;
		worker_clear(w);
	}
}

int pool_run(const struct pool_opts *opts, size_t njobs, pool_init_fn init, pool_work_fn work,
	     pool_done_fn done, void *ctx, struct diag_list *diags)
{
	if (njobs == 0)
		return 0;

	struct pool p;
	memset(&p, 0, sizeof(p));
	p.opts = opts;
	p.njobs = njobs;
	p.init = init;
	p.work = work;
	p.ctx = ctx;
	p.parent_pid = getpid();
	if (opts->mem_limit)
		self_size(&p.base_vm, &p.base_rss);
	p.nworkers = opts->jobs < 1 ? 1 : opts->jobs;
	if ((size_t)p.nworkers > njobs)
		p.nworkers = (int)njobs;
	p.workers = xcalloc((size_t)p.nworkers, sizeof(*p.workers));
	for (int i = 0; i < p.nworkers; i++) {
		p.workers[i].fd = -1;
		buf_init(&p.workers[i].payload);
	}
	p.retry = xcalloc(njobs, sizeof(*p.retry));
	p.res = xcalloc(njobs, sizeof(*p.res));
	p.pfd = xcalloc((size_t)p.nworkers, sizeof(*p.pfd));
	p.pidx = xcalloc((size_t)p.nworkers, sizeof(*p.pidx));
	struct pollfd *pfd = p.pfd;
	int *pidx = p.pidx;
	/* in the pool, not a local: a forked worker keeps it reachable */
	p.stage = xmalloc(POOL_STAGE);
	int rc = 0;

	while (p.next_done < njobs) {
		if (assign(&p, diags) < 0) {
			rc = -1;
			break;
		}
		/* wait for data, or until the earliest deadline */
		int n = 0;
		int64_t now = sys_now_ms(), first = INT64_MAX;
		for (int i = 0; i < p.nworkers; i++) {
			struct worker *w = &p.workers[i];
			if (!w->pid)
				continue;
			pfd[n].fd = w->fd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			pidx[n++] = i;
			if (w->qlen > 0 && opts->job_timeout_ms && w->deadline < first)
				first = w->deadline;
		}
		int wait_ms = -1;
		if (first != INT64_MAX)
			wait_ms = first <= now ? 0 : (first - now > INT32_MAX ? INT32_MAX
									: (int)(first - now));
		int pr = poll(pfd, (nfds_t)n, wait_ms);
		if (pr < 0 && errno != EINTR) {
			diag_error(diags, "", 0, 0, "poll failed: %s", strerror(errno));
			rc = -1;
			break;
		}
		for (int k = 0; pr > 0 && k < n; k++)
			if (pfd[k].revents)
				drain(&p, pidx[k]);
		/* deadlines, checked after reading so a result that came in time
		 * is never thrown away */
		if (opts->job_timeout_ms) {
			now = sys_now_ms();
			for (int i = 0; i < p.nworkers; i++) {
				struct worker *w = &p.workers[i];
				if (!(w->pid && w->qlen > 0 && now >= w->deadline))
					continue;
				/* The builder may have slept past the deadline while
				 * the worker finished its job and went on with the
				 * next ones, writing their files: read what it sent
				 * first, or those jobs would run again and find their
				 * files written ("written twice"). */
				drain(&p, i);
				if (w->pid && w->qlen > 0 && now >= w->deadline)
					worker_lost(&p, i, POOL_TIMEOUT,
						    xasprintf("exceeded the time limit of %u ms",
							      opts->job_timeout_ms));
			}
		}
		deliver(&p, done);
	}

	shutdown_workers(&p, rc < 0);
	for (size_t j = 0; j < njobs; j++)
		free(p.res[j].data);
	free(p.res);
	free(p.retry);
	free(p.workers);
	free(p.pfd);
	free(p.pidx);
	free(p.stage);
	return rc;
}
