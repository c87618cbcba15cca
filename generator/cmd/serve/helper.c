/* helper — serve's build helper process and its client.
 *
 * Builds run in a helper process forked before the HTTP threads exist:
 * supervise_build forks, and a fork from a threaded process may copy a
 * lock another thread holds (the sanitizers' allocator does deadlock). The
 * helper waits for a byte on its request pipe, builds, and answers with
 * wire_result_send (wire.h, the supervisor's own format); it stops at the
 * pipe's end of file. */
#include "cmd/serve/serve_internal.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/status.h"
#include "pipeline/supervise.h"
#include "pipeline/wire.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void helper_loop(const struct build_options *bo, int req, int res)
{
	char c;
	while (read(req, &c, 1) == 1) {
		struct diag_list d = DIAG_LIST_INIT;
		struct build_result r;
		supervise_build(bo, &d, &r);
		wire_result_send(res, &r, &d);
		diag_list_release(&d);
	}
}

int helper_start(struct helper *h, const struct build_options *bo, int close_in_child,
		 struct diag_list *diags)
{
	int req[2], res[2];
	if (pipe2(req, O_CLOEXEC) < 0)
		return diag_error(diags, "", 0, 0, "cannot start the builder: %s", strerror(errno));
	if (pipe2(res, O_CLOEXEC) < 0) {
		close(req[0]);
		close(req[1]);
		return diag_error(diags, "", 0, 0, "cannot start the builder: %s", strerror(errno));
	}
	fflush(NULL);
	h->pid = fork();
	if (h->pid < 0) {
		close(req[0]);
		close(req[1]);
		close(res[0]);
		close(res[1]);
		return diag_error(diags, "", 0, 0, "cannot start the builder: %s", strerror(errno));
	}
	if (h->pid == 0) {
		close(close_in_child); /* the listening socket belongs to the server */
		close(req[1]);
		close(res[0]);
		helper_loop(bo, req[0], res[1]);
		_exit(0);
	}
	close(req[0]);
	close(res[1]);
	h->req = req[1];
	h->res = res[0];
	return 0;
}

void helper_stop(struct helper *h)
{
	if (h->pid <= 0)
		return;
	close(h->req);
	close(h->res);
	while (waitpid(h->pid, NULL, 0) < 0 && errno == EINTR)
		;
	h->pid = 0;
}

void helper_build(struct helper *h, struct diag_list *d, struct build_result *r)
{
	memset(r, 0, sizeof(*r));
	r->status = LOA_EXIT_NOTHING;
	struct buf in = BUF_INIT;
	struct wire_msg m = { WIRE_NEED_MORE, 0, "" };
	bool ok = write(h->req, "B", 1) == 1;
	while (ok) {
		char chunk[65536];
		ssize_t n = read(h->res, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ok = false;
			break;
		}
		buf_add(&in, chunk, (size_t)n);
		/* the helper sends one result and nothing else */
		(void)wire_decode(in.ptr, in.len, &m, d, r);
		if (m.kind == WIRE_RESULT)
			break;
		if (m.kind != WIRE_NEED_MORE)
			ok = false;
	}
	if (!ok) {
		r->status = LOA_EXIT_NOTHING;
		diag_error(d, "", 0, 0, "the build helper stopped: restart loa serve");
	}
	buf_release(&in);
}

