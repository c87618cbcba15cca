/* serve — `loa serve`: the command's orchestration (serve.h). It checks
 * the site, opens the listener and the temporary folder, starts the build
 * helper, the watcher and the HTTP daemon, then rebuilds on change until
 * a stop signal; and it prints as it goes (the ready line, each rebuild's
 * diagnostics). The parts live beside it (serve_internal.h). */
#include "cmd/serve/serve.h"
#include "cmd/serve/serve_internal.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/status.h"
#include "base/sysutil.h"
#include "base/xalloc.h"
#include "pipeline/outdir.h"
#include "site/config.h"
#include "source/repo.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#define DEBOUNCE_MS 100
#define DEBOUNCE_MAX_MS 1000 /* a stream of events still rebuilds once a second */

/* ---- rebuilding ----------------------------------------------------------------- */

/* base_url's path from the work tree's site.yaml ("" when it has none or
 * cannot be read: the build reports that) */
static void read_base_path(const char *repo, char *out, size_t size)
{
	struct buf src = BUF_INIT;
	struct arena a = ARENA_INIT;
	struct diag_list ignored = DIAG_LIST_INIT;
	struct site_config c;
	char *path = xasprintf("%s/site.yaml", repo);
	out[0] = '\0';
	if (sys_read_file(path, 1024 * 1024, false, &src) == 0 &&
	    config_load(&c, &a, "site.yaml", src.ptr, src.len, &ignored) == 0 &&
	    strlen(c.base_path) < size)
		snprintf(out, size, "%s", c.base_path);
	free(path);
	diag_list_release(&ignored);
	arena_release(&a);
	buf_release(&src);
}

static void rebuild(struct serve *s, struct helper *h, const char *repo, bool color)
{
	struct diag_list d = DIAG_LIST_INIT;
	char base[sizeof(s->base_path)];
	read_base_path(repo, base, sizeof(base));
	struct build_result r;
	helper_build(h, &d, &r);
	diag_list_sort(&d);
	struct buf errors = BUF_INIT;
	for (size_t i = 0; i < d.len; i++) {
		diag_print_lang(stderr, &d.items[i], color, s->lang);
		if (d.items[i].severity != DIAG_ERROR)
			continue;
		char *line;
		diag_format_lang(&d.items[i], false, s->lang, &line);
		if (errors.len)
			buf_putc(&errors, '\n');
		buf_puts(&errors, line);
		free(line);
	}
	if (r.status == LOA_EXIT_NOTHING && errors.len == 0)
		buf_puts(&errors, msg_text("error: nothing published", s->lang));
	msg_fprintf(stderr, s->lang, "loa serve: %s%zu pages, %zu files, %zu errors, %zu warnings (%.2f s)\n",
		    r.status == LOA_EXIT_NOTHING
			    ? msg_text("build failed, the previous one is kept: ", s->lang)
			    : "",
		    r.pages, r.files, d.errors, d.warnings, r.seconds);
	pthread_mutex_lock(&s->mu);
	s->gen++;
	memcpy(s->base_path, base, sizeof(base));
	free(s->errors);
	s->errors = errors.len ? buf_detach(&errors, NULL) : NULL;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	buf_release(&errors);
	diag_list_release(&d);
}

/* ---- the command ------------------------------------------------------------------ */

/* A warning printed now: the caller prints diags only once serve_run
 * returns, which for a server is far too late. */
static void print_warning(bool color, enum msg_lang lang, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void print_warning(bool color, enum msg_lang lang, const char *fmt, ...)
{
	struct diag_list l = DIAG_LIST_INIT;
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(&l, DIAG_WARNING, "", 0, 0, fmt, ap);
	va_end(ap);
	diag_print_lang(stderr, &l.items[0], color, lang);
	diag_list_release(&l);
}

/* The site must be a work tree (not a bare repository): said now, not
 * as a failed build in the browser. */
static int check_work_tree(const char *repo, struct diag_list *diags)
{
	struct repo *rp = NULL;
	struct repo_opts ro = { repo, NULL, true, 0, 0, 0 };
	if (repo_open(&rp, &ro, diags) < 0)
		return -1;
	repo_free(rp);
	return 0;
}

/* Every connection is a descriptor: the common soft limit of 1,024 would
 * refuse pages before MAX_CONNECTIONS; raise it as far as the hard limit
 * allows (no more than needed). */
static void raise_fd_limit(void)
{
	struct rlimit nofile;
	rlim_t want = MAX_CONNECTIONS + 256;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY &&
	    nofile.rlim_cur < want) {
		nofile.rlim_cur = nofile.rlim_max == RLIM_INFINITY || nofile.rlim_max > want
					  ? want
					  : nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
}

static void state_init(struct serve *s)
{
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
}

static void state_release(struct serve *s)
{
	free(s->errors);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
}

/* The build options of a preview: the work tree with drafts, into
 * site_dir. */
static struct build_options preview_options(const struct serve_options *o, const char *site_dir)
{
	struct build_options bo = o->build;
	bo.out_dir = site_dir;
	bo.site.worktree = true;
	bo.site.drafts = true;
	bo.dry_run = false;
	bo.watched = false;
	bo.allow_removal = true; /* a private preview: deleting pages is editing */
	return bo;
}

/* Blocked before any thread or helper exists: every thread inherits the
 * mask and only the signalfd sees them; the helper and its builds finish
 * their work and stop when we close their pipe. */
static void block_stop_signals(sigset_t *stop_set, sigset_t *old_set)
{
	sigemptyset(stop_set);
	sigaddset(stop_set, SIGINT);
	sigaddset(stop_set, SIGTERM);
	sigaddset(stop_set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, stop_set, old_set);
}

static void close_signalfd(int sfd)
{
	if (sfd < 0)
		return;
	/* a second Ctrl-C must not kill us once the mask is restored */
	struct signalfd_siginfo si;
	while (read(sfd, &si, sizeof(si)) > 0)
		;
	close(sfd);
}

/* The work tree, and the installed theme and plugins when someone edits
 * those. */
static void watch_site(struct watcher *w, const char *repo, const char *data_dir, bool color,
		       enum msg_lang lang)
{
	watch_tree(w, repo, 0);
	if (data_dir) {
		char *t = xasprintf("%s/themes", data_dir);
		char *p = xasprintf("%s/plugins", data_dir);
		watch_tree(w, t, 1);
		watch_tree(w, p, 1);
		free(t);
		free(p);
	}
	if (w->full)
		print_warning(color, lang, "too many folders to watch: some changes will be missed");
}

static void print_ready(const char *num_host, int port, const struct serve *s, const char *site_dir)
{
	msg_fprintf(stderr, s->lang, "loa serve: temporary folder: %s\n", site_dir);
	bool v6 = strchr(num_host, ':') != NULL;
	char *url = xasprintf("http://%s%s%s:%d%s/", v6 ? "[" : "", num_host, v6 ? "]" : "", port,
			      s->base_path);
	msg_fprintf(stderr, s->lang, "Serving at %s (Ctrl-C to stop)\n", url);
	free(url);
}

/* Rebuilds once the site has been quiet for DEBOUNCE_MS (at most
 * DEBOUNCE_MAX_MS after the first change), until a stop signal. */
static void watch_loop(struct serve *s, struct helper *h, struct watcher *w, int sfd,
		       const char *repo, bool color)
{
	bool pending = false;
	int64_t first = 0, deadline = 0;
	for (;;) {
		int timeout = -1;
		if (pending) {
			int64_t left = deadline - sys_now_ms();
			timeout = left > 0 ? (int)left : 0;
		}
		struct pollfd pfd[2] = { { sfd, POLLIN, 0 }, { w->fd, POLLIN, 0 } };
		int n = poll(pfd, 2, timeout);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (pfd[0].revents & POLLIN)) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				break;
		}
		if (n > 0 && (pfd[1].revents & POLLIN) && watch_read_events(w)) {
			int64_t t = sys_now_ms();
			if (!pending) {
				pending = true;
				first = t;
			}
			deadline = t + DEBOUNCE_MS < first + DEBOUNCE_MAX_MS ? t + DEBOUNCE_MS
									     : first + DEBOUNCE_MAX_MS;
		}
		if (pending && sys_now_ms() >= deadline) {
			pending = false;
			msg_fprintf(stderr, s->lang, "loa serve: changed, rebuilding\n");
			rebuild(s, h, repo, color);
		}
	}
}

int serve_run(const struct serve_options *o, struct diag_list *diags)
{
	const char *host = o->bind && *o->bind ? o->bind : "127.0.0.1";
	if (o->port < 0 || o->port > 65535)
		return diag_error(diags, "", 0, 0, "--port: from 0 to 65535"),
		       LOA_EXIT_NOTHING;
	const char *repo = o->build.site.repo_path ? o->build.site.repo_path : ".";
	if (check_work_tree(repo, diags) < 0)
		return LOA_EXIT_NOTHING;
	raise_fd_limit();

	struct serve s;
	memset(&s, 0, sizeof(s));
	char num_host[NI_MAXHOST];
	int port = 0;
	int lfd = http_listen(host, o->port, num_host, sizeof(num_host), &port, &s.loopback, diags);
	if (lfd < 0)
		return LOA_EXIT_NOTHING;
	s.bind_host = num_host;
	s.lang = o->lang;

	char *tmp_root = tmpdir_create(s.lang, diags);
	if (!tmp_root) {
		close(lfd);
		return LOA_EXIT_NOTHING;
	}
	char *site_dir = xasprintf("%s/site", tmp_root);
	s.site_dir = site_dir;
	state_init(&s);

	bool color = isatty(2) && !getenv("NO_COLOR");
	if (!s.loopback)
		print_warning(color, s.lang,
			      "--bind %s: not a loopback address: drafts are visible from the network",
			      host);
	struct build_options bo = preview_options(o, site_dir);
	sigset_t stop_set, old_set;
	block_stop_signals(&stop_set, &old_set);

	int status = LOA_EXIT_NOTHING;
	int sfd = -1;
	struct watcher w = { -1, NULL, 0, 0, 0, 0, false };
	struct MHD_Daemon *daemon = NULL;
	struct helper h = { 0, -1, -1 };
	if (helper_start(&h, &bo, lfd, diags) < 0) {
		close(lfd);
		goto out;
	}
	sfd = signalfd(-1, &stop_set, SFD_CLOEXEC | SFD_NONBLOCK);
	watch_open(&w, tmp_root);
	if (sfd < 0 || w.fd < 0) {
		diag_error(diags, "", 0, 0, "%s: %s", sfd < 0 ? "signalfd" : "inotify", strerror(errno));
		close(lfd);
		goto out;
	}
	watch_site(&w, repo, o->build.data_dir, color, s.lang);
	daemon = http_start(&s, lfd);
	if (!daemon) {
		diag_error(diags, "", 0, 0, "cannot start the HTTP server");
		close(lfd);
		goto out;
	}

	msg_fprintf(stderr, s.lang, "loa serve: building %s\n", repo);
	rebuild(&s, &h, repo, color);
	print_ready(num_host, port, &s, site_dir);
	watch_loop(&s, &h, &w, sfd, repo, color);
	msg_fprintf(stderr, s.lang, "loa serve: stopped\n");
	status = LOA_EXIT_OK;

out:
	if (daemon)
		http_stop(&s, daemon);
	helper_stop(&h);
	close_signalfd(sfd);
	pthread_sigmask(SIG_SETMASK, &old_set, NULL);
	watch_release(&w);
	publish_remove_tree(AT_FDCWD, tmp_root);
	state_release(&s);
	free(site_dir);
	free(tmp_root);
	return status;
}
