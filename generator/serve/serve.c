/* serve — local preview: build the work tree, serve it, rebuild on change. */
#include "serve/serve.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/sysutil.h"
#include "base/arena.h"
#include "base/status.h"
#include "base/xalloc.h"
#include "build/publish.h"
#include "build/supervise.h"
#include "build/wire.h"
#include "serve/livereload.h"
#include "source/repo.h"
#include "site/config.h"

#include <microhttpd.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEBOUNCE_MS 100
#define DEBOUNCE_MAX_MS 1000 /* a stream of events still rebuilds once a second */
#define KEEPALIVE_S 15
#define MAX_URL 2048
#define MAX_HTML (64u << 20)
#define MAX_WATCHES 8192
#define MAX_DEPTH 32
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
};

/* ---- URL → path below the site ------------------------------------------ */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes the raw request path into out ("a/b/" for "/a/b/"). Refuses
 * (returns -1) anything that could name a file outside the site or that a
 * build never writes: invalid escapes, NUL, an encoded slash, backslashes,
 * empty, "." or ".." segments and every other dot-leading name. */
static int decode_path(const char *url, struct buf *out)
{
	size_t n = strlen(url);
	if (n == 0 || url[0] != '/' || n > MAX_URL)
		return -1;
	size_t seg_start = 0;
	for (size_t i = 1; i <= n; i++) {
		char c;
		if (i == n || url[i] == '/') {
			size_t seg_len = out->len - seg_start;
			bool last = i == n;
			if (seg_len == 0 && !last)
				return -1; /* "//" */
			if (seg_len > 0 && out->ptr[seg_start] == '.')
				return -1; /* ".", "..", hidden files */
			if (!last) {
				buf_putc(out, '/');
				seg_start = out->len;
			}
			continue;
		}
		c = url[i];
		if (c == '%') {
			/* url[n] is NUL, which is not hex: no read past it */
			int hi = hexval(url[i + 1]);
			int lo = hi >= 0 ? hexval(url[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi * 16 + lo);
			i += 2;
			if (c == '/' || c == '\0')
				return -1;
		}
		if (c == '\\')
			return -1;
		buf_putc(out, c);
	}
	return 0;
}

enum lookup { FOUND, IS_DIR, NOT_FOUND };

/* Opens rel ("a/b/" or "a/b.css") below site_dir, one component at a time
 * with O_NOFOLLOW: a symbolic link anywhere is not followed. A trailing
 * slash means the folder's index.html. */
static enum lookup open_beneath(const char *site_dir, const char *rel, int *fd_out,
				struct stat *st)
{
	int dfd = open(site_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return NOT_FOUND;
	const char *p = rel;
	for (;;) {
		const char *slash = strchr(p, '/');
		if (!slash)
			break;
		char name[NAME_MAX + 1];
		size_t len = (size_t)(slash - p);
		if (len > NAME_MAX) {
			close(dfd);
			return NOT_FOUND;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		int nfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dfd);
		if (nfd < 0)
			return NOT_FOUND;
		dfd = nfd;
		p = slash + 1;
	}
	const char *last = *p ? p : "index.html";
	if (strlen(last) > NAME_MAX) {
		close(dfd);
		return NOT_FOUND;
	}
	/* O_NONBLOCK: a FIFO planted in the output must not hang the thread */
	int fd = openat(dfd, last, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dfd);
	if (fd < 0)
		return NOT_FOUND;
	if (fstat(fd, st) < 0 || !(S_ISREG(st->st_mode) || (S_ISDIR(st->st_mode) && *p))) {
		close(fd);
		return NOT_FOUND;
	}
	if (S_ISDIR(st->st_mode)) {
		close(fd);
		return IS_DIR;
	}
	*fd_out = fd;
	return FOUND;
}

static const char *content_type(const char *name, bool *is_html, bool *is_svg)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ "html", "text/html; charset=utf-8" },
		{ "htm", "text/html; charset=utf-8" },
		{ "css", "text/css; charset=utf-8" },
		{ "js", "text/javascript; charset=utf-8" },
		{ "json", "application/json" },
		{ "xml", "application/xml; charset=utf-8" },
		{ "txt", "text/plain; charset=utf-8" },
		{ "ics", "text/calendar; charset=utf-8" },
		{ "csv", "text/csv; charset=utf-8" },
		{ "png", "image/png" },
		{ "jpg", "image/jpeg" },
		{ "jpeg", "image/jpeg" },
		{ "webp", "image/webp" },
		{ "gif", "image/gif" },
		{ "svg", "image/svg+xml" },
		{ "ico", "image/x-icon" },
		{ "pdf", "application/pdf" },
		{ "woff2", "font/woff2" },
		{ "woff", "font/woff" },
		{ "mp4", "video/mp4" },
		{ "doc", "application/msword" },
		{ "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
		{ "xls", "application/vnd.ms-excel" },
		{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
		{ "ppt", "application/vnd.ms-powerpoint" },
		{ "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
		{ "odt", "application/vnd.oasis.opendocument.text" },
		{ "ods", "application/vnd.oasis.opendocument.spreadsheet" },
	};
	const char *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;
	const char *dot = strrchr(base, '.');
	*is_html = *is_svg = false;
	if (!*base)
		dot = ".html"; /* a folder's index.html */
	if (!dot)
		return "application/octet-stream";
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (!strcasecmp(dot + 1, types[i].ext)) {
			*is_html = !strncmp(types[i].type, "text/html", 9);
			*is_svg = !strcmp(types[i].ext, "svg");
			return types[i].type;
		}
	}
	return "application/octet-stream";
}

/* ---- responses ------------------------------------------------------------ */

static void add_common_headers(struct MHD_Response *r, const char *type)
{
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
}

static enum MHD_Result queue_buffer(struct MHD_Connection *c, unsigned status, const char *type,
				    struct buf *body)
{
	size_t len;
	char *data = buf_detach(body, &len);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(data);
		return MHD_NO;
	}
	add_common_headers(r, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result queue_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, text);
	return queue_buffer(c, status, "text/plain; charset=utf-8", &b);
}

/* The live-reload script tag and, after a build with errors, the banner
 * listing them, escaped. */
static void add_injection(struct serve *s, struct buf *out)
{
	pthread_mutex_lock(&s->mu);
	unsigned long long gen = s->gen;
	char *errors = s->errors ? xstrdup(s->errors) : NULL;
	pthread_mutex_unlock(&s->mu);
	if (errors) {
		buf_puts(out, "<div id=\"loa-serve-errors\" role=\"alert\" style=\"position:fixed;top:0;"
			      "left:0;right:0;z-index:2147483647;max-height:50vh;overflow:auto;"
			      "padding:.75rem 1rem;background:#fff0f0;color:#8b0000;border-bottom:3px "
			      "solid #c00;font:14px/1.4 system-ui,sans-serif\"><strong>Lỗi khi dựng "
			      "trang (build errors):</strong><pre style=\"white-space:pre-wrap;margin:"
			      ".5rem 0 0;font:13px/1.4 monospace\">");
		buf_add_html(out, errors, strlen(errors));
		buf_puts(out, "</pre></div>\n");
		free(errors);
	}
	buf_addf(out, "<script src=\"/__loa/live.js\" data-gen=\"%llu\"></script>\n", gen);
}

/* Inserts the injection before the last </body>, or at the end. */
static void inject(struct serve *s, struct buf *html)
{
	size_t at = html->len;
	for (size_t i = html->len; i >= 7; i--) {
		if (!strncasecmp(html->ptr + i - 7, "</body>", 7)) {
			at = i - 7;
			break;
		}
	}
	struct buf out = BUF_INIT;
	buf_add(&out, html->ptr, at);
	add_injection(s, &out);
	buf_add(&out, html->ptr + at, html->len - at);
	buf_release(html);
	*html = out;
}

static enum MHD_Result queue_html_fd(struct serve *s, struct MHD_Connection *c, unsigned status,
				     int fd)
{
	struct buf html = BUF_INIT;
	int rc = sys_read_fd(fd, MAX_HTML, &html);
	close(fd);
	if (rc < 0) {
		buf_release(&html);
		return queue_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
				  "Không đọc được tệp (cannot read the file).\n");
	}
	inject(s, &html);
	return queue_buffer(c, status, "text/html; charset=utf-8", &html);
}

static enum MHD_Result queue_not_found(struct serve *s, struct MHD_Connection *c)
{
	int fd = -1;
	struct stat st;
	if (open_beneath(s->site_dir, "404.html", &fd, &st) == FOUND)
		return queue_html_fd(s, c, MHD_HTTP_NOT_FOUND, fd);
	struct buf b = BUF_INIT;
	buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
		     "<title>Không tìm thấy trang</title></head><body>\n"
		     "<h1>Không tìm thấy trang</h1>\n<p>Trang bạn tìm không có trên trang web "
		     "này.</p>\n<p><a href=\"/\">Về trang chủ</a></p>\n</body></html>\n");
	inject(s, &b);
	return queue_buffer(c, MHD_HTTP_NOT_FOUND, "text/html; charset=utf-8", &b);
}

static enum MHD_Result redirect(struct MHD_Connection *c, const char *location)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	add_common_headers(r, "text/plain; charset=utf-8");
	MHD_add_response_header(r, "Location", location);
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_MOVED_PERMANENTLY, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result serve_file(struct serve *s, struct MHD_Connection *c, const char *url)
{
	char base[sizeof(s->base_path)];
	pthread_mutex_lock(&s->mu);
	memcpy(base, s->base_path, sizeof(base));
	pthread_mutex_unlock(&s->mu);
	/* a site below a sub-path: "/sub/x" is the file x; "/" leads there */
	const char *path = url;
	size_t bl = strlen(base);
	if (bl && (strcmp(url, "/") == 0 || strcmp(url, base) == 0)) {
		struct buf loc = BUF_INIT;
		buf_addf(&loc, "%s/", base);
		enum MHD_Result ret = redirect(c, loc.ptr);
		buf_release(&loc);
		return ret;
	}
	if (bl && strncmp(url, base, bl) == 0 && url[bl] == '/')
		path = url + bl;
	struct buf rel = BUF_INIT;
	if (decode_path(path, &rel) < 0) {
		buf_release(&rel);
		return queue_not_found(s, c);
	}
	int fd = -1;
	struct stat st;
	enum lookup l = open_beneath(s->site_dir, rel.ptr, &fd, &st);
	if (l == NOT_FOUND) {
		buf_release(&rel);
		return queue_not_found(s, c);
	}
	if (l == IS_DIR) {
		/* "/truong" → "/truong/": relative links in the page need the slash.
		 * url passed decode_path, so it holds no CR, LF or NUL. */
		buf_release(&rel);
		struct buf loc = BUF_INIT;
		buf_addf(&loc, "%s/", url);
		enum MHD_Result ret = redirect(c, loc.ptr);
		buf_release(&loc);
		return ret;
	}
	bool is_html, is_svg;
	const char *type = content_type(rel.ptr, &is_html, &is_svg);
	buf_release(&rel);
	if (is_html)
		return queue_html_fd(s, c, MHD_HTTP_OK, fd);
	struct MHD_Response *r = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
	if (!r) {
		close(fd);
		return MHD_NO;
	}
	add_common_headers(r, type);
	if (is_svg) /* an SVG can carry script: never let it run in the site's origin */
		MHD_add_response_header(r, "Content-Security-Policy", "sandbox");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- Server-Sent Events ---------------------------------------------------- */

struct events {
	struct serve *s;
	int fd; /* the connection's socket, to notice a page that closed; -1 */
	unsigned long long seen; /* the build the page shows */
	struct buf pending;
	size_t off;
};

/* Queues the event for the current state when it differs from ev->seen. */
static void event_for_state(struct events *ev)
{
	struct serve *s = ev->s;
	if (s->gen == ev->seen)
		return;
	ev->seen = s->gen;
	if (!s->errors) {
		buf_addf(&ev->pending, "event: reload\ndata: %llu\n\n", s->gen);
		return;
	}
	buf_puts(&ev->pending, "event: error\n");
	const char *p = s->errors;
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		buf_puts(&ev->pending, "data: ");
		buf_add(&ev->pending, p, len);
		buf_putc(&ev->pending, '\n');
		if (!nl)
			break;
		p = nl + 1;
	}
	buf_putc(&ev->pending, '\n');
}

/* True when the client has closed its end (a page closed or reloaded):
 * the stream's slot is then freed at once rather than at the next ping. */
static bool peer_closed(int fd)
{
	if (fd < 0)
		return false;
	struct pollfd p = { fd, POLLRDHUP, 0 };
	return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/* Runs in the connection's own thread (thread per connection), so it may
 * wait for the next build. */
static ssize_t events_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct events *ev = cls;
	struct serve *s = ev->s;
	if (ev->off == ev->pending.len) {
		buf_reset(&ev->pending);
		ev->off = 0;
		int64_t ping_at = sys_now_ms() + KEEPALIVE_S * 1000;
		bool closed = false;
		pthread_mutex_lock(&s->mu);
		while (!s->stopping && s->gen == ev->seen) {
			int64_t now = sys_now_ms();
			if (now >= ping_at)
				break;
			int64_t wait_ms = ping_at - now < STREAM_CHECK_MS ? ping_at - now : STREAM_CHECK_MS;
			struct timespec until;
			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_sec += wait_ms / 1000;
			until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			if (pthread_cond_timedwait(&s->cv, &s->mu, &until) == ETIMEDOUT &&
			    peer_closed(ev->fd)) {
				closed = true;
				break;
			}
		}
		bool stopping = s->stopping;
		if (!stopping && !closed)
			event_for_state(ev);
		pthread_mutex_unlock(&s->mu);
		if (closed)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (stopping)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (ev->pending.len == 0)
			buf_puts(&ev->pending, ": ping\n\n"); /* finds closed connections */
	}
	size_t n = ev->pending.len - ev->off;
	if (n > max)
		n = max;
	memcpy(out, ev->pending.ptr + ev->off, n);
	ev->off += n;
	return (ssize_t)n;
}

static void events_free(void *cls)
{
	struct events *ev = cls;
	pthread_mutex_lock(&ev->s->mu);
	ev->s->streams--;
	pthread_mutex_unlock(&ev->s->mu);
	buf_release(&ev->pending);
	free(ev);
}

/* Over the stream budget: 503, and the connection is closed so that it
 * does not hold a slot. The page still works; it just will not reload. */
static enum MHD_Result refuse_stream(struct MHD_Connection *c)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "Quá nhiều trang đang mở chờ tải lại (too many live-reload streams).\n");
	size_t len;
	char *data = buf_detach(&b, &len);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(data);
		return MHD_NO;
	}
	add_common_headers(r, "text/plain; charset=utf-8");
	MHD_add_response_header(r, "Retry-After", "5");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_SERVICE_UNAVAILABLE, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result serve_events(struct serve *s, struct MHD_Connection *c)
{
	pthread_mutex_lock(&s->mu);
	bool room = s->streams < MAX_STREAMS;
	if (room)
		s->streams++; /* given back by events_free */
	pthread_mutex_unlock(&s->mu);
	if (!room)
		return refuse_stream(c);
	struct events *ev = xcalloc(1, sizeof(*ev));
	ev->s = s;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	ev->fd = ci ? (int)ci->connect_fd : -1;
	buf_init(&ev->pending);
	const char *since = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
	char *end = NULL;
	unsigned long long v = since && *since ? strtoull(since, &end, 10) : 0;
	pthread_mutex_lock(&s->mu);
	/* without a valid ?since= the page is taken to show the current build */
	ev->seen = end && !*end ? v : s->gen;
	buf_puts(&ev->pending, "retry: 1000\n\n");
	event_for_state(ev);
	pthread_mutex_unlock(&s->mu);
	struct MHD_Response *r =
		MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, events_read, ev, events_free);
	if (!r) {
		events_free(ev);
		return MHD_NO;
	}
	add_common_headers(r, "text/event-stream; charset=utf-8");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- requests ---------------------------------------------------------------- */

/* On loopback, a Host other than a loopback name means a page on another
 * site reached us through DNS rebinding: refuse it, drafts are private. */
static bool host_allowed(const struct serve *s, const char *host)
{
	if (!s->loopback || !host)
		return true;
	char name[256];
	size_t len = strlen(host);
	if (host[0] == '[') {
		const char *close_br = strchr(host, ']');
		if (!close_br)
			return false;
		len = (size_t)(close_br - host) + 1;
	} else {
		const char *colon = strchr(host, ':');
		if (colon)
			len = (size_t)(colon - host);
	}
	if (len >= sizeof(name))
		return false;
	memcpy(name, host, len);
	name[len] = '\0';
	if (!strcasecmp(name, "localhost") || !strcmp(name, "[::1]") || !strcmp(name, s->bind_host))
		return true;
	struct in_addr a;
	return inet_pton(AF_INET, name, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct serve *s = cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return queue_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
				  "Chỉ nhận GET và HEAD (only GET and HEAD).\n");
	if (!host_allowed(s, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host")))
		return queue_text(c, MHD_HTTP_FORBIDDEN, "Tên máy không hợp lệ (bad Host).\n");
	if (!strcmp(url, "/__loa/events"))
		return serve_events(s, c);
	if (!strcmp(url, "/__loa/live.js")) {
		struct buf b = BUF_INIT;
		buf_add(&b, livereload_js, livereload_js_len);
		return queue_buffer(c, MHD_HTTP_OK, "text/javascript; charset=utf-8", &b);
	}
	return serve_file(s, c, url);
}

/* MHD would decode %XX before we see the path (and a %00 would cut it
 * short): keep the raw bytes, decode_path checks and decodes them. */
static size_t keep_escapes(void *cls, struct MHD_Connection *c, char *s)
{
	return strlen(s);
}

/* ---- listening ---------------------------------------------------------------- */

static bool addr_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return true;
		return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127;
	}
	return false;
}

/* Binds host:port. Fills the numeric host and the port actually bound. */
static int open_listener(const char *host, int port, char *num_host, size_t num_host_size,
			 int *bound_port, bool *loopback, struct diag_list *diags)
{
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	char port_s[16];
	snprintf(port_s, sizeof(port_s), "%d", port);
	int gai = getaddrinfo(host, port_s, &hints, &res);
	if (gai) {
		diag_error(diags, "", 0, 0, "--bind %s: không dùng được địa chỉ này (bad address): %s",
			   host, gai_strerror(gai));
		return -1;
	}
	int fd = -1, err = 0;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ai->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, LISTEN_BACKLOG) == 0) {
			*loopback = addr_is_loopback(ai->ai_addr);
			break;
		}
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		diag_error(diags, "", 0, 0, "không mở được cổng %s:%d (cannot listen on %s:%d): %s",
			   host, port, host, port, strerror(err));
		return -1;
	}
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char serv[16];
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0 ||
	    getnameinfo((struct sockaddr *)&ss, sl, num_host, (socklen_t)num_host_size, serv,
			sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV)) {
		diag_error(diags, "", 0, 0, "không mở được cổng (cannot listen): %s", strerror(errno));
		close(fd);
		return -1;
	}
	*bound_port = atoi(serv);
	return fd;
}

/* ---- watching the site --------------------------------------------------------- */

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

#define WATCH_MASK                                                                       \
	(IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM |      \
	 IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)

/* Editors' swap and backup files and every dot folder (.git) are not
 * content. */
static bool ignored_name(const char *name)
{
	size_t n = strlen(name);
	return name[0] == '.' || (n && name[n - 1] == '~');
}

static void watch_tree(struct watcher *w, const char *path, int depth)
{
	struct stat st;
	if (depth > MAX_DEPTH || lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return;
	if (st.st_dev == w->skip_dev && st.st_ino == w->skip_ino)
		return;
	if (w->len >= MAX_WATCHES) {
		w->full = true;
		return;
	}
	int wd = inotify_add_watch(w->fd, path, WATCH_MASK | IN_ONLYDIR | IN_DONT_FOLLOW);
	if (wd < 0) {
		w->full = w->full || errno == ENOSPC;
		return;
	}
	ALLOC_GROW(w->items, w->len + 1, w->cap);
	w->items[w->len].wd = wd;
	w->items[w->len].path = xstrdup(path);
	w->len++;
	DIR *d = opendir(path);
	if (!d)
		return;
	const struct dirent *e;
	while ((e = readdir(d))) {
		if (ignored_name(e->d_name))
			continue;
		if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		char *sub = xasprintf("%s/%s", path, e->d_name);
		watch_tree(w, sub, depth + 1);
		free(sub);
	}
	closedir(d);
}

static const char *watch_path(const struct watcher *w, int wd)
{
	for (size_t i = 0; i < w->len; i++)
		if (w->items[i].wd == wd)
			return w->items[i].path;
	return NULL;
}

/* Reads the pending events; returns true when one is about the site. */
static bool read_events(struct watcher *w)
{
	bool changed = false;
	char chunk[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(w->fd, chunk, sizeof(chunk));
		if (n <= 0)
			break;
		for (char *p = chunk; p < chunk + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)(void *)p;
			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				changed = true;
				continue;
			}
			if (ev->mask & IN_IGNORED) {
				for (size_t i = 0; i < w->len; i++)
					if (w->items[i].wd == ev->wd)
						w->items[i].wd = -1;
				continue;
			}
			if (ev->len && ignored_name(ev->name))
				continue;
			changed = true;
			const char *dir = watch_path(w, ev->wd);
			if (dir && ev->len && (ev->mask & IN_ISDIR) &&
			    (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
				char *sub = xasprintf("%s/%s", dir, ev->name);
				watch_tree(w, sub, 1);
				free(sub);
			}
		}
	}
	return changed;
}

static void watcher_release(struct watcher *w)
{
	for (size_t i = 0; i < w->len; i++)
		free(w->items[i].path);
	free(w->items);
	if (w->fd >= 0)
		close(w->fd);
}

/* ---- building ------------------------------------------------------------------ */

/* Builds run in a helper process forked before the HTTP threads exist:
 * supervise_build forks, and a fork from a threaded process may copy a
 * lock another thread holds (the sanitizers' allocator does deadlock). The
 * helper waits for a byte on its request pipe, builds, and answers
 * with wire_result_send (wire.h); it stops
 * at the pipe's end of file. */
struct builder {
	pid_t pid;
	int req, res; /* our ends */
};

static void builder_loop(const struct build_options *bo, int req, int res)
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

static int builder_start(struct builder *b, const struct build_options *bo, int close_in_child,
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
	b->pid = fork();
	if (b->pid < 0) {
		close(req[0]);
		close(req[1]);
		close(res[0]);
		close(res[1]);
		return diag_error(diags, "", 0, 0, "cannot start the builder: %s", strerror(errno));
	}
	if (b->pid == 0) {
		close(close_in_child); /* the listening socket belongs to the server */
		close(req[1]);
		close(res[0]);
		builder_loop(bo, req[0], res[1]);
		_exit(0);
	}
	close(req[0]);
	close(res[1]);
	b->req = req[1];
	b->res = res[0];
	return 0;
}

static void builder_stop(struct builder *b)
{
	if (b->pid <= 0)
		return;
	close(b->req);
	close(b->res);
	while (waitpid(b->pid, NULL, 0) < 0 && errno == EINTR)
		;
	b->pid = 0;
}

/* One build through the helper; a helper that died is a failed build. */
static void builder_run(struct builder *b, struct diag_list *d, struct build_result *r)
{
	memset(r, 0, sizeof(*r));
	r->status = LOA_EXIT_NOTHING;
	struct buf in = BUF_INIT;
	struct wire_msg m = { WIRE_NEED_MORE, 0, "" };
	bool ok = write(b->req, "B", 1) == 1;
	while (ok) {
		char chunk[65536];
		ssize_t n = read(b->res, chunk, sizeof(chunk));
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

static void rebuild(struct serve *s, struct builder *b, const char *repo, bool color)
{
	struct diag_list d = DIAG_LIST_INIT;
	char base[sizeof(s->base_path)];
	read_base_path(repo, base, sizeof(base));
	struct build_result r;
	builder_run(b, &d, &r);
	diag_list_sort(&d);
	struct buf errors = BUF_INIT;
	for (size_t i = 0; i < d.len; i++) {
		diag_print(stderr, &d.items[i], color);
		if (d.items[i].severity != DIAG_ERROR)
			continue;
		char *line;
		diag_format(&d.items[i], false, &line);
		if (errors.len)
			buf_putc(&errors, '\n');
		buf_puts(&errors, line);
		free(line);
	}
	if (r.status == LOA_EXIT_NOTHING && errors.len == 0)
		buf_puts(&errors, "error: nothing published");
	fprintf(stderr, "loa serve: %s%zu trang, %zu tệp, %zu lỗi, %zu cảnh báo (%.2f s)\n",
		r.status == LOA_EXIT_NOTHING ? "không dựng được, giữ bản trước (build failed, previous kept): " : "",
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

/* ---- temporary folders ------------------------------------------------------------ */

/* A serve's temporary folder is TMPDIR/loa-serve.PID-START.XXXXXX: the
 * process id and its start time (clock ticks after boot, from
 * /proc/PID/stat), so that the folder of a server that was killed can be
 * told from a running one's, even after its process id is reused. */
#define TMP_PREFIX "loa-serve."

/* The start time of process pid, 0 when unknown. */
static unsigned long long proc_start(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	struct buf b = BUF_INIT;
	unsigned long long start = 0;
	if (sys_read_file(path, 4096, false, &b) == 0) {
		/* the name in parentheses may hold spaces: fields count from the
		 * last ')'; the start time is field 22, the 20th after it */
		const char *p = b.len ? strrchr(b.ptr, ')') : NULL;
		for (int field = 2; p && field < 22; field++)
			p = strchr(p + 1, ' ');
		if (p)
			start = strtoull(p + 1, NULL, 10);
	}
	buf_release(&b);
	return start;
}

/* Parses NAME as TMP_PREFIX PID '-' START '.' and six characters of
 * mkdtemp's alphabet, nothing else. */
static bool parse_tmp_name(const char *name, pid_t *pid, unsigned long long *start)
{
	size_t plen = strlen(TMP_PREFIX);
	if (strncmp(name, TMP_PREFIX, plen))
		return false;
	const char *p = name + plen;
	char *end;
	if (*p < '1' || *p > '9')
		return false;
	errno = 0;
	long v = strtol(p, &end, 10);
	if (errno || v <= 0 || v > INT_MAX || *end != '-' || end[1] < '0' || end[1] > '9')
		return false;
	*pid = (pid_t)v;
	p = end + 1;
	*start = strtoull(p, &end, 10);
	if (errno || *end != '.')
		return false;
	p = end + 1;
	for (int i = 0; i < 6; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
		      (p[i] >= '0' && p[i] <= '9')))
			return false;
	return p[6] == '\0';
}

/* True unless process pid is gone, or is another process that got its id
 * (its start time differs). When in doubt, alive: the folder is kept. */
static bool owner_alive(pid_t pid, unsigned long long start)
{
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return false;
	unsigned long long now = proc_start(pid);
	return !(start && now && now != start);
}

/* Removes the temporary folders that killed servers of this user left in
 * tmpdir (SIGKILL, a crash, a power cut): only folders named as serve
 * names them, owned by us, not symlinks, whose process is dead; removed
 * without following any symlink inside. */
static void sweep_stale(const char *tmpdir)
{
	int dfd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	int lfd = dup(dfd);
	DIR *d = lfd >= 0 ? fdopendir(lfd) : NULL;
	if (!d) {
		if (lfd >= 0)
			close(lfd);
		close(dfd);
		return;
	}
	const struct dirent *e;
	while ((e = readdir(d))) {
		pid_t pid;
		unsigned long long start;
		struct stat st;
		if (!parse_tmp_name(e->d_name, &pid, &start) || pid == getpid())
			continue;
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != geteuid() || owner_alive(pid, start))
			continue;
		if (publish_remove_tree(dfd, e->d_name) == 0)
			fprintf(stderr,
				"loa serve: đã xoá thư mục tạm của một lần chạy bị dừng (removed the "
				"temporary folder of a server that was stopped): %s/%s\n",
				tmpdir, e->d_name);
	}
	closedir(d);
	close(dfd);
}

/* ---- the command ------------------------------------------------------------------ */

/* A warning printed now: the caller prints diags only once serve_run
 * returns, which for a server is far too late. */
static void print_warning(bool color, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void print_warning(bool color, const char *fmt, ...)
{
	struct diag_list l = DIAG_LIST_INIT;
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(&l, DIAG_WARNING, "", 0, 0, fmt, ap);
	va_end(ap);
	diag_print(stderr, &l.items[0], color);
	diag_list_release(&l);
}

int serve_run(const struct serve_options *o, struct diag_list *diags)
{
	const char *host = o->bind && *o->bind ? o->bind : "127.0.0.1";
	if (o->port < 0 || o->port > 65535)
		return diag_error(diags, "", 0, 0, "--port: từ 0 đến 65535 (from 0 to 65535)"),
		       LOA_EXIT_NOTHING;

	/* the site must be a work tree (not a bare repository): said now, not
	 * as a failed build in the browser */
	const char *repo = o->build.site.repo_path ? o->build.site.repo_path : ".";
	struct repo *rp = NULL;
	struct repo_opts ro = { repo, NULL, true, 0, 0, 0 };
	if (repo_open(&rp, &ro, diags) < 0)
		return LOA_EXIT_NOTHING;
	repo_free(rp);

	/* every connection is a descriptor: the common soft limit of 1,024
	 * would refuse pages before MAX_CONNECTIONS; raise it as far as the
	 * hard limit allows (no more than needed) */
	struct rlimit nofile;
	rlim_t want = MAX_CONNECTIONS + 256;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY &&
	    nofile.rlim_cur < want) {
		nofile.rlim_cur = nofile.rlim_max == RLIM_INFINITY || nofile.rlim_max > want
					  ? want
					  : nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}

	struct serve s;
	memset(&s, 0, sizeof(s));
	char num_host[NI_MAXHOST];
	int port = 0;
	int lfd = open_listener(host, o->port, num_host, sizeof(num_host), &port, &s.loopback, diags);
	if (lfd < 0)
		return LOA_EXIT_NOTHING;
	s.bind_host = num_host;

	const char *tmpdir = getenv("TMPDIR");
	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	sweep_stale(tmpdir);
	char *tmp_root = xasprintf("%s/" TMP_PREFIX "%d-%llu.XXXXXX", tmpdir, (int)getpid(),
				   proc_start(getpid()));
	if (!mkdtemp(tmp_root)) {
		diag_error(diags, "", 0, 0,
			   "không tạo được thư mục tạm (cannot make a temporary folder) %s: %s",
			   tmp_root, strerror(errno));
		free(tmp_root);
		close(lfd);
		return LOA_EXIT_NOTHING;
	}
	char *site_dir = xasprintf("%s/site", tmp_root);
	s.site_dir = site_dir;
	pthread_mutex_init(&s.mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s.cv, &ca);
	pthread_condattr_destroy(&ca);

	bool color = isatty(2) && !getenv("NO_COLOR");
	if (!s.loopback)
		print_warning(color, "--bind %s: địa chỉ không phải loopback, bản nháp xem được từ "
				     "mạng khác (not a loopback address: drafts are visible from "
				     "the network)", host);

	struct build_options bo = o->build;
	bo.out_dir = site_dir;
	bo.site.worktree = true;
	bo.site.drafts = true;
	bo.dry_run = false;
	bo.watched = false;
	bo.allow_removal = true; /* a private preview: deleting pages is editing */

	/* Blocked before any thread or helper exists: every thread inherits
	 * the mask and only the signalfd sees them; the helper and its
	 * builds finish their work and stop when we close their pipe. */
	sigset_t stop_set, old_set;
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGINT);
	sigaddset(&stop_set, SIGTERM);
	sigaddset(&stop_set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop_set, &old_set);

	int status = LOA_EXIT_NOTHING;
	int sfd = -1;
	struct watcher w = { -1, NULL, 0, 0, 0, 0, false };
	struct MHD_Daemon *daemon = NULL;
	struct builder b = { 0, -1, -1 };
	if (builder_start(&b, &bo, lfd, diags) < 0) {
		close(lfd);
		goto out;
	}
	sfd = signalfd(-1, &stop_set, SFD_CLOEXEC | SFD_NONBLOCK);
	w.fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (sfd < 0 || w.fd < 0) {
		diag_error(diags, "", 0, 0, "%s: %s", sfd < 0 ? "signalfd" : "inotify", strerror(errno));
		close(lfd);
		goto out;
	}
	struct stat tst;
	if (stat(tmp_root, &tst) == 0) {
		w.skip_dev = tst.st_dev;
		w.skip_ino = tst.st_ino;
	}
	watch_tree(&w, repo, 0);
	if (o->build.data_dir) {
		/* the installed theme and plugins, when someone edits those */
		char *t = xasprintf("%s/themes", o->build.data_dir);
		char *p = xasprintf("%s/plugins", o->build.data_dir);
		watch_tree(&w, t, 1);
		watch_tree(&w, p, 1);
		free(t);
		free(p);
	}
	if (w.full)
		print_warning(color, "quá nhiều thư mục để theo dõi, một số thay đổi sẽ không được "
				     "thấy (too many folders to watch: some changes will be missed)");

	/* poll, not select: descriptors past FD_SETSIZE (1024) still work */
	daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
					  MHD_USE_POLL,
				  0, NULL, NULL, on_request, &s,
				  MHD_OPTION_LISTEN_SOCKET, (MHD_socket)lfd,
				  MHD_OPTION_UNESCAPE_CALLBACK, keep_escapes, (void *)NULL,
				  MHD_OPTION_CONNECTION_LIMIT, MAX_CONNECTIONS,
				  MHD_OPTION_CONNECTION_TIMEOUT, CONN_TIMEOUT_S,
				  MHD_OPTION_THREAD_STACK_SIZE, (size_t)THREAD_STACK,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT, s.loopback ? 0u : PER_IP_LIMIT,
				  MHD_OPTION_END);
	if (!daemon) {
		diag_error(diags, "", 0, 0,
			   "không khởi động được máy chủ HTTP (cannot start the HTTP server)");
		close(lfd);
		goto out;
	}

	fprintf(stderr, "loa serve: đang dựng trang (building) %s\n", repo);
	rebuild(&s, &b, repo, color);
	fprintf(stderr, "loa serve: thư mục tạm (temporary folder): %s\n", site_dir);
	bool v6 = strchr(num_host, ':') != NULL;
	fprintf(stderr, "Đang phục vụ tại http://%s%s%s:%d%s/ (Ctrl-C để dừng — to stop)\n",
		v6 ? "[" : "", num_host, v6 ? "]" : "", port, s.base_path);

	bool pending = false;
	int64_t first = 0, deadline = 0;
	for (;;) {
		int timeout = -1;
		if (pending) {
			int64_t left = deadline - sys_now_ms();
			timeout = left > 0 ? (int)left : 0;
		}
		struct pollfd pfd[2] = { { sfd, POLLIN, 0 }, { w.fd, POLLIN, 0 } };
		int n = poll(pfd, 2, timeout);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (pfd[0].revents & POLLIN)) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				break;
		}
		if (n > 0 && (pfd[1].revents & POLLIN) && read_events(&w)) {
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
			fprintf(stderr, "loa serve: có thay đổi, dựng lại (changed, rebuilding)\n");
			rebuild(&s, &b, repo, color);
		}
	}
	fprintf(stderr, "loa serve: dừng (stopped)\n");
	status = LOA_EXIT_OK;

out:
	if (daemon) {
		pthread_mutex_lock(&s.mu);
		s.stopping = true;
		pthread_cond_broadcast(&s.cv);
		pthread_mutex_unlock(&s.mu);
		MHD_stop_daemon(daemon); /* joins every connection thread; closes lfd */
	}
	builder_stop(&b);
	if (sfd >= 0) {
		/* a second Ctrl-C must not kill us once the mask is restored */
		struct signalfd_siginfo si;
		while (read(sfd, &si, sizeof(si)) > 0)
			;
		close(sfd);
	}
	pthread_sigmask(SIG_SETMASK, &old_set, NULL);
	watcher_release(&w);
	publish_remove_tree(AT_FDCWD, tmp_root);
	free(s.errors);
	pthread_cond_destroy(&s.cv);
	pthread_mutex_destroy(&s.mu);
	free(site_dir);
	free(tmp_root);
	return status;
}
