/* supervise — the builder in a child process, held to plugin deadlines. */
#include "build/supervise.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/sysutil.h"
#include "base/status.h"
#include "base/xalloc.h"

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
	/* then, on the same line (older readers stop at the fifth field): the
	 * site's language, the next change's epoch and ISO time, and where and
	 * why, tab-separated to the end of the line */
	buf_addf(&msg, "R %d %zu %zu %.6f %zu %s %lld %s ", r->status, r->pages, r->files, r->seconds,
		 body.len, r->lang[0] ? r->lang : "-", (long long)r->next_change,
		 r->next_change_iso[0] ? r->next_change_iso : "-");
	for (const char *p = r->next_change_where; *p; p++)
		buf_putc(&msg, (unsigned char)*p < 0x20 ? ' ' : *p);
	buf_putc(&msg, '\t');
	for (const char *p = r->next_change_why; *p; p++)
		buf_putc(&msg, (unsigned char)*p < 0x20 ? ' ' : *p);
	/* and what the cache spared */
	buf_addf(&msg, "\t%zu %d\n", r->cached, r->up_to_date);
	buf_add(&msg, body.ptr, body.len);
	(void)sys_write_all(fd, msg.ptr, msg.len);
	buf_release(&body);
	buf_release(&msg);
}

void build_result_parse_extra(const char *line, size_t len, struct build_result *r)
{
	char lang[8], iso[64];
	long long next = 0;
	int used = 0;
	char *copy = xstrndup(line, len);
	/* %n right after the ISO time: a " %n" would also skip the tab that
	 * follows an empty "where" */
	if (sscanf(copy, "R %*d %*u %*u %*f %*u %7s %lld %63s%n", lang, &next, iso, &used) >= 3 &&
	    used > 0 && copy[used] == ' ') {
		used++;
		snprintf(r->lang, sizeof(r->lang), "%s", strcmp(lang, "-") ? lang : "");
		r->next_change = next;
		snprintf(r->next_change_iso, sizeof(r->next_change_iso), "%s", strcmp(iso, "-") ? iso : "");
		const char *rest = copy + used, *tab = strchr(rest, '\t');
		size_t wn = tab ? (size_t)(tab - rest) : strlen(rest);
		snprintf(r->next_change_where, sizeof(r->next_change_where), "%.*s", (int)wn, rest);
		const char *why = tab ? tab + 1 : "", *tab2 = strchr(why, '\t');
		snprintf(r->next_change_why, sizeof(r->next_change_why), "%.*s",
			 (int)(tab2 ? (size_t)(tab2 - why) : strlen(why)), why);
		int up = 0;
		if (tab2 && sscanf(tab2 + 1, "%zu %d", &r->cached, &up) == 2)
			r->up_to_date = up != 0;
	}
	free(copy);
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
			build_result_parse_extra(p, (size_t)(nl - p), res);
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
	res->status = LOA_EXIT_NOTHING;
	int fds[2];
	if (pipe(fds) < 0) {
		diag_error(diags, "", 0, 0, "cannot start the build: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		diag_error(diags, "", 0, 0, "cannot start the build: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
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
		res->status = LOA_EXIT_NOTHING;
		if (!killed)
			diag_error(diags, "", 0, 0, "the build stopped unexpectedly (%s %d): nothing published",
				   WIFSIGNALED(status) ? "signal" : "exit status",
				   WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	}
	buf_release(&in);
}
