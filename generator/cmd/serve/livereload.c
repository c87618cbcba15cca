/* livereload — how open pages follow the rebuilds: the script tag and the
 * error banner injected into every HTML page served (but the browser
 * editor's: http.c), and the Server-Sent Events stream (/__loa/events)
 * that tells a page to reload or shows a failed build's errors, within
 * its own budget of streams. The script
 * itself is livereload.js, compiled in (livereload.h). */
#include "cmd/serve/serve_internal.h"
#include "base/buf.h"
#include "base/sysutil.h"
#include "base/xalloc.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- the banner and the script tag ----------------------------------------- */

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
			      "solid #c00;font:14px/1.4 system-ui,sans-serif\"><strong>");
		buf_puts(out, msg_text("The site could not be built:", s->lang));
		buf_puts(out, "</strong><pre style=\"white-space:pre-wrap;margin:"
			      ".5rem 0 0;font:13px/1.4 monospace\">");
		buf_add_html(out, errors, strlen(errors));
		buf_puts(out, "</pre></div>\n");
		free(errors);
	}
	/* the heading of a banner the script shows later, in the same words */
	buf_addf(out, "<script src=\"/__loa/live.js\" data-gen=\"%llu\" data-title=\"", gen);
	const char *title = msg_text("The site could not be built:", s->lang);
	buf_add_html(out, title, strlen(title));
	buf_puts(out, "\"></script>\n");
}

void livereload_inject(struct serve *s, struct buf *html)
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
static enum MHD_Result refuse_stream(const struct serve *s, struct MHD_Connection *c)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, msg_text("Too many open pages are waiting to reload.\n", s->lang));
	size_t len;
	char *data = buf_detach(&b, &len);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(data);
		return MHD_NO;
	}
	http_add_common_headers(r, "text/plain; charset=utf-8");
	MHD_add_response_header(r, "Retry-After", "5");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_SERVICE_UNAVAILABLE, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result livereload_serve_events(struct serve *s, struct MHD_Connection *c)
{
	pthread_mutex_lock(&s->mu);
	bool room = s->streams < MAX_STREAMS;
	if (room)
		s->streams++; /* given back by events_free */
	pthread_mutex_unlock(&s->mu);
	if (!room)
		return refuse_stream(s, c);
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
	http_add_common_headers(r, "text/event-stream; charset=utf-8");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

