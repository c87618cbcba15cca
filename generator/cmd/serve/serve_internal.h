/* serve_internal — what the files of `loa serve` share (serve.c runs the
 * command; http.c answers requests; livereload.c streams rebuilds to the
 * pages and shows a failed one's errors; watch.c follows the site with
 * inotify; helper.c is the build helper process; tmpdir.c owns the
 * temporary folder). Private to generator/serve/. */
#ifndef LOA_SERVE_INTERNAL_H
#define LOA_SERVE_INTERNAL_H

#include "base/messages.h"

#include <microhttpd.h>

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct buf;
struct diag_list;
struct build_options;
struct build_result;

#define KEEPALIVE_S 15
#define MAX_URL 2048
#define MAX_HTML (64u << 20)
/* Load limits (issue 7: 1,000 concurrent connections on loopback without a
 * refused one). One thread per connection, so each thread gets a small
 * stack (handlers keep at most a 64 KiB buffer on it); an idle connection
 * is dropped after CONN_TIMEOUT_S, twice the event stream's keep-alive, so
 * that half-open connections cannot hold threads for long; from another
 * host (a non-loopback --bind) one address gets at most PER_IP_LIMIT. */
/* Live-reload streams hold their connection (and its thread) for as long
 * as the page is open, so they get their own budget (issue 11): at most
 * MAX_STREAMS at once, more are answered 503 and closed, and the
 * connection limit is the page budget plus that, so streams can never use
 * up the connections pages need. A browser opens at most 6 connections to
 * one host, so 64 streams are many tabs in several browsers. */
#define MAX_PAGE_CONNECTIONS 1024u
#define MAX_STREAMS 64u
#define MAX_CONNECTIONS (MAX_PAGE_CONNECTIONS + MAX_STREAMS)
#define STREAM_CHECK_MS 1000 /* how soon a stream notices its page closed */
#define LISTEN_BACKLOG 1024
#define THREAD_STACK (512u * 1024)
#define CONN_TIMEOUT_S (2u * KEEPALIVE_S)
#define PER_IP_LIMIT 64u

/* What the request threads share with the main loop; owned by serve_run. */
struct serve {
	pthread_mutex_t mu;
	pthread_cond_t cv; /* signalled on a new build and on stop */
	unsigned long long gen; /* builds finished, failed ones included */
	char *errors;           /* the last build's errors as text; NULL when clean */
	bool stopping;
	unsigned streams; /* live-reload streams open */
	/* base_url's path ("/truyen-thong"; "" at the root), read from
	 * site.yaml at each rebuild: the site is served below it, as the
	 * links it writes expect */
	char base_path[256];
	/* set before the daemon starts, read-only afterwards */
	const char *site_dir;
	bool loopback;
	const char *bind_host; /* numeric, as bound */
	enum msg_lang lang;    /* of the terminal, the banner and the error pages */
};

/* ---- http.c ---- */

void http_add_common_headers(struct MHD_Response *r, const char *type);
/* Binds host:port. Fills the numeric host and the port actually bound. */
int http_listen(const char *host, int port, char *num_host, size_t num_host_size, int *bound_port,
		bool *loopback, struct diag_list *diags);
/* Serves s->site_dir on the listening socket lfd (which it then owns);
 * NULL when the daemon cannot start. */
struct MHD_Daemon *http_start(struct serve *s, int lfd);
/* Wakes the live-reload streams, then joins every connection thread. */
void http_stop(struct serve *s, struct MHD_Daemon *daemon);

/* ---- livereload.c ---- */

/* Inserts the live-reload script (and the last build's errors) before
 * the last </body> of html, or at its end. */
void livereload_inject(struct serve *s, struct buf *html);
/* Answers /__loa/events: a stream of reload and error events. */
enum MHD_Result livereload_serve_events(struct serve *s, struct MHD_Connection *c);

/* ---- watch.c ---- */

struct watch {
	int wd;
	char *path;
};

struct watcher {
	int fd;
	struct watch *items;
	size_t len, cap;
	dev_t skip_dev; /* the serve session's own folder, if it is in the tree */
	ino_t skip_ino;
	bool full;
};

/* Opens the inotify descriptor; the tree at skip_path (serve's own
 * folder) is never watched. Returns the descriptor, -1 with errno. */
int watch_open(struct watcher *w, const char *skip_path);
/* Watches path and its folders below, depth levels down already. */
void watch_tree(struct watcher *w, const char *path, int depth);
/* Reads the pending events; returns true when one is about the site. */
bool watch_read_events(struct watcher *w);
void watch_release(struct watcher *w);

/* ---- helper.c ---- */

struct helper {
	pid_t pid;
	int req, res; /* our ends */
};

/* Forks the build helper; close_in_child is closed in it (the listening
 * socket belongs to the server). */
int helper_start(struct helper *h, const struct build_options *bo, int close_in_child,
		 struct diag_list *diags);
/* One build through the helper; a helper that died is a failed build. */
void helper_build(struct helper *h, struct diag_list *d, struct build_result *r);
void helper_stop(struct helper *h);

/* ---- tmpdir.c ---- */

/* Removes the folders that killed servers left in TMPDIR, then makes
 * this server's (the sweep said in lang); returns its path (the caller frees it), NULL with the
 * reason in diags. */
char *tmpdir_create(enum msg_lang lang, struct diag_list *diags);

#endif
