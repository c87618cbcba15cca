/* http — serve's HTTP side (microhttpd): the listening socket, the
 * request handler (GET/HEAD only, the Host check against DNS rebinding,
 * /__loa/ routes), the URL → path decoding that never leaves the built
 * site (no `..`, no encoded slash or NUL, O_NOFOLLOW at each component),
 * MIME types, and the responses' common headers. */
#include "cmd/serve/serve_internal.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/sysutil.h"
#include "base/xalloc.h"
#include "cmd/serve/livereload.h"
#include "site/urls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

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

void http_add_common_headers(struct MHD_Response *r, const char *type)
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
	http_add_common_headers(r, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A short plain-text answer; text is a msgid, answered in the server's
 * language. */
static enum MHD_Result queue_text(const struct serve *s, struct MHD_Connection *c,
				  unsigned status, const char *text)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, msg_text(text, s->lang));
	return queue_buffer(c, status, "text/plain; charset=utf-8", &b);
}

/* live: with the live-reload script (not in the browser editor's page,
 * which a rebuild after a save must not reload under the writer) */
static enum MHD_Result queue_html_fd(struct serve *s, struct MHD_Connection *c, unsigned status,
				     int fd, bool live)
{
	struct buf html = BUF_INIT;
	int rc = sys_read_fd(fd, MAX_HTML, &html);
	close(fd);
	if (rc < 0) {
		buf_release(&html);
		return queue_text(s, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "Cannot read the file.\n");
	}
	if (live)
		livereload_inject(s, &html);
	return queue_buffer(c, status, "text/html; charset=utf-8", &html);
}

static enum MHD_Result queue_not_found(struct serve *s, struct MHD_Connection *c)
{
	int fd = -1;
	struct stat st;
	if (open_beneath(s->site_dir, "404.html", &fd, &st) == FOUND)
		return queue_html_fd(s, c, MHD_HTTP_NOT_FOUND, fd, true);
	struct buf b = BUF_INIT;
	/* the catalog's texts are ours: no escaping needed */
	const char *title = msg_text("Page not found", s->lang);
	buf_addf(&b,
		 "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		 "<title>%s</title></head><body>\n<h1>%s</h1>\n<p>%s</p>\n"
		 "<p><a href=\"/\">%s</a></p>\n</body></html>\n",
		 s->lang == MSG_VI ? "vi" : "en", title, title,
		 msg_text("The page you are looking for is not on this site.", s->lang),
		 msg_text("Back to the home page", s->lang));
	livereload_inject(s, &b);
	return queue_buffer(c, MHD_HTTP_NOT_FOUND, "text/html; charset=utf-8", &b);
}

static enum MHD_Result redirect(struct MHD_Connection *c, const char *location)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	http_add_common_headers(r, "text/plain; charset=utf-8");
	MHD_add_response_header(r, "Location", location);
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_MOVED_PERMANENTLY, r);
	MHD_destroy_response(r);
	return ret;
}

/* rel (decoded, below the base path, no leading '/') is in the folder of
 * the browser editor (the Decap CMS page site.yaml's `editor:` makes) */
static bool in_editor(const char *rel)
{
	const char *dir = urls_path(URL_editor) + 1; /* "quan-tri/" */
	return strncmp(rel, dir, strlen(dir)) == 0;
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
	bool live = !in_editor(rel.ptr);
	buf_release(&rel);
	if (is_html)
		return queue_html_fd(s, c, MHD_HTTP_OK, fd, live);
	struct MHD_Response *r = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
	if (!r) {
		close(fd);
		return MHD_NO;
	}
	http_add_common_headers(r, type);
	if (is_svg) /* an SVG can carry script: never let it run in the site's origin */
		MHD_add_response_header(r, "Content-Security-Policy", "sandbox");
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
		return queue_text(s, c, MHD_HTTP_METHOD_NOT_ALLOWED, "Only GET and HEAD.\n");
	if (!host_allowed(s, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host")))
		return queue_text(s, c, MHD_HTTP_FORBIDDEN, "Bad Host.\n");
	if (!strcmp(url, "/__loa/events"))
		return livereload_serve_events(s, c);
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

int http_listen(const char *host, int port, char *num_host, size_t num_host_size, int *bound_port,
		bool *loopback, struct diag_list *diags)
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
		diag_error(diags, "", 0, 0, "--bind %s: cannot use this address: %s",
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
		diag_error(diags, "", 0, 0, "cannot listen on %s:%d: %s", host, port, strerror(err));
		return -1;
	}
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char serv[16];
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0 ||
	    getnameinfo((struct sockaddr *)&ss, sl, num_host, (socklen_t)num_host_size, serv,
			sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV)) {
		diag_error(diags, "", 0, 0, "cannot listen: %s", strerror(errno));
		close(fd);
		return -1;
	}
	*bound_port = atoi(serv);
	return fd;
}

struct MHD_Daemon *http_start(struct serve *s, int lfd)
{
	/* poll, not select: descriptors past FD_SETSIZE (1024) still work */
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
					MHD_USE_POLL,
				0, NULL, NULL, on_request, s,
				MHD_OPTION_LISTEN_SOCKET, (MHD_socket)lfd,
				MHD_OPTION_UNESCAPE_CALLBACK, keep_escapes, (void *)NULL,
				MHD_OPTION_CONNECTION_LIMIT, MAX_CONNECTIONS,
				MHD_OPTION_CONNECTION_TIMEOUT, CONN_TIMEOUT_S,
				MHD_OPTION_THREAD_STACK_SIZE, (size_t)THREAD_STACK,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->loopback ? 0u : PER_IP_LIMIT,
				MHD_OPTION_END);
}

void http_stop(struct serve *s, struct MHD_Daemon *daemon)
{
	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	MHD_stop_daemon(daemon); /* joins every connection thread; closes lfd */
}
