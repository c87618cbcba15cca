/* supervise — the builder in a child process, held to plugin deadlines. */
#include "pipeline/supervise.h"
#include "pipeline/build_internal.h"
#include "pipeline/wire.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/sysutil.h"
#include "base/status.h"
#include "base/xalloc.h"
#include "source/repo.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* In the child: build, then send the result (wire.h). Returns what the
 * build kept (build_run_kept), for the caller to hold until _exit. */
static struct build *run_builder(const struct build_options *opts, int fd)
{
	struct build_options o = *opts;
	o.watched = true;
	o.watch_fd = fd;
	struct diag_list d = DIAG_LIST_INIT;
	struct build_result r;
	struct build *kept = build_run_kept(&o, &d, &r);
	wire_result_send(fd, &r, &d);
	diag_list_release(&d);
	return kept;
}

/* Parses complete messages at the front of in; returns true once the
 * result has arrived. */
static bool parse_messages(struct buf *in, int64_t *deadline, char *label, size_t label_size,
			   unsigned *budget, struct diag_list *diags, struct build_result *res)
{
	size_t off = 0;
	bool got_result = false;
	while (off < in->len) {
		struct wire_msg m;
		size_t used = wire_decode(in->ptr + off, in->len - off, &m, diags, res);
		if (m.kind == WIRE_NEED_MORE || m.kind == WIRE_BAD)
			break;
		if (m.kind == WIRE_PHASE_BEGIN) {
			snprintf(label, label_size, "%s", m.label);
			*budget = m.secs;
			*deadline = sys_now_ms() + (int64_t)m.secs * 1000;
		} else if (m.kind == WIRE_PHASE_END) {
			*deadline = -1;
		} else if (m.kind == WIRE_RESULT) {
			got_result = true;
		}
		off += used;
	}
	/* keep the unparsed tail */
	memmove(in->ptr, in->ptr + off, in->len - off);
	buf_setlen(in, in->len - off);
	return got_result;
}

void supervise_build(const struct build_options *opts, struct diag_list *diags,
		     struct build_result *res)
{
	memset(res, 0, sizeof(*res));
	res->status = LOA_EXIT_NOTHING;
	/* A site already up to date needs no builder: checked here, the fork
	 * and the builder's copy-on-write faults (a third of such a rebuild's
	 * time) are saved; found stale, the builder does not check again. */
	struct build_options checked = *opts;
	struct repo *repo = NULL;
	int current = build_up_to_date(opts, diags, res, &repo);
	if (current == 1)
		return;
	checked.known_stale = current == 0;
	checked.site.repo = repo; /* the builder's copy; ours freed once it is forked */
	opts = &checked;
	int fds[2];
	if (pipe(fds) < 0) {
		diag_error(diags, "", 0, 0, "cannot start the build: %s", strerror(errno));
		repo_free(repo);
		return;
	}
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		diag_error(diags, "", 0, 0, "cannot start the build: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		repo_free(repo);
		return;
	}
	if (pid == 0) {
		/* A killed `loa build` takes its builder with it: an orphan would
		 * go on publishing and hold the output's lock against the next
		 * build. The getppid check covers a parent killed before prctl. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		close(fds[0]);
		/* held (volatile: in memory, not dropped as dead) until the
		 * exit frees it all: never lost, to a leak checker (t61) */
		struct build *volatile kept = run_builder(opts, fds[1]);
		close(fds[1]);
		(void)kept;
		_exit(0);
	}
	repo_free(repo);
	close(fds[1]);
	if (opts->builder_started)
		opts->builder_started(opts->builder_started_ctx);

	struct buf in = BUF_INIT;
	int64_t deadline = -1;
	char label[128] = "";
	unsigned budget = 0;
	bool got_result = false, killed = false;
	for (;;) {
		int timeout = -1;
		if (deadline >= 0) {
			int64_t left = deadline - sys_now_ms();
			timeout = left > 0 ? (int)left : 0;
		}
		struct pollfd pfd = { fds[0], POLLIN, 0 };
		int n = poll(&pfd, 1, timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			kill(pid, SIGKILL);
			killed = true;
			diag_error(diags, "plugins", 0, 0,
				   "plugin code ran over %u s (wall clock) during %s: stopped, "
				   "nothing published",
				   budget, label);
			break;
		}
		char chunk[65536];
		ssize_t r = read(fds[0], chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		buf_add(&in, chunk, (size_t)r);
		if (parse_messages(&in, &deadline, label, sizeof(label), &budget, diags, res))
			got_result = true;
	}
	close(fds[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!got_result) {
		res->status = LOA_EXIT_NOTHING;
		if (!killed)
			diag_error(diags, "", 0, 0, "the build stopped unexpectedly (%s %d): nothing published",
				   WIFSIGNALED(status) ? "signal" : "exit status",
				   WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	}
	buf_release(&in);
}
