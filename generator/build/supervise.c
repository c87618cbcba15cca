/* supervise — the builder in a child process, held to plugin deadlines. */
#include "build/supervise.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/sysutil.h"
#include "base/xalloc.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* In the child: build, then send "R status pages files seconds len\n" and
 * the encoded diagnostics. */
static void run_builder(const struct build_options *opts, int fd)
{
	struct build_options o = *opts;
	o.watched = true;
	o.watch_fd = fd;
	struct diag_list d = DIAG_LIST_INIT;
	struct build_result r;
	build_run(&o, &d, &r);
	build_result_send(fd, &r, &d);
	diag_list_release(&d);
}

void build_result_send(int fd, const struct build_result *r, const struct diag_list *d)
{
	struct buf body = BUF_INIT, msg = BUF_INIT;
	diag_list_encode(&body, d);
	buf_addf(&msg, "R %d %zu %zu %.6f %zu\n", r->status, r->pages, r->files, r->seconds,
		 body.len);
	buf_add(&msg, body.ptr, body.len);
	(void)sys_write_all(fd, msg.ptr, msg.len);
	buf_release(&body);
	buf_release(&msg);
}

/* Parses complete messages at the front of in; returns true once the
 * result has arrived. */
static bool parse_messages(struct buf *in, int64_t *deadline, char *label, size_t label_size,
			   unsigned *budget, struct diag_list *diags, struct build_result *res)
{
	size_t off = 0;
	bool got_result = false;
	while (off < in->len) {
		const char *p = in->ptr + off;
		const char *nl = memchr(p, '\n', in->len - off);
		if (!nl)
			break;
		if (p[0] == 'P') {
			unsigned secs = 0;
			int used = 0;
			if (sscanf(p, "P %u %n", &secs, &used) >= 1 && used > 0) {
				size_t n = (size_t)(nl - (p + used));
				if (n >= label_size)
					n = label_size - 1;
				memcpy(label, p + used, n);
				label[n] = '\0';
				*budget = secs;
				*deadline = sys_now_ms() + (int64_t)secs * 1000;
			}
			off = (size_t)(nl + 1 - in->ptr);
		} else if (p[0] == 'p') {
			*deadline = -1;
			off = (size_t)(nl + 1 - in->ptr);
		} else if (p[0] == 'R') {
			size_t len = 0;
			if (sscanf(p, "R %d %zu %zu %lf %zu", &res->status, &res->pages, &res->files,
				   &res->seconds, &len) != 5)
				break;
			size_t start = (size_t)(nl + 1 - in->ptr);
			if (in->len - start < len)
				break;
			diag_list_decode(diags, in->ptr + start, len);
			off = start + len;
			got_result = true;
		} else {
			off = (size_t)(nl + 1 - in->ptr);
		}
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
	res->status = 2;
	int fds[2];
	if (pipe(fds) < 0) {
		diag_error(diags, "", 0, 0, "cannot start the build: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		diag_error(diags, "", 0, 0, "cannot start the build: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		run_builder(opts, fds[1]);
		close(fds[1]);
		_exit(0);
	}
	close(fds[1]);

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
		res->status = 2;
		if (!killed)
			diag_error(diags, "", 0, 0, "the build stopped unexpectedly (%s %d): nothing published",
				   WIFSIGNALED(status) ? "signal" : "exit status",
				   WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	}
	buf_release(&in);
}
