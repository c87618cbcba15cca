/* Unit tests for build/wire: the builder's pipe messages round-trip (a
 * result with diagnostics, phase messages), arrive in pieces, and a broken
 * result line is refused. */
#include "base/buf.h"
#include "base/diag.h"
#include "pipeline/wire.h"
#include "harness.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

/* Everything written to the pipe by send(), read back whole. */
static void through_pipe(void (*send)(int fd, void *arg), void *arg, struct buf *out)
{
	int fds[2];
	CHECK(pipe(fds) == 0);
	send(fds[1], arg);
	close(fds[1]);
	char chunk[4096];
	ssize_t n;
	while ((n = read(fds[0], chunk, sizeof(chunk))) > 0)
		buf_add(out, chunk, (size_t)n);
	close(fds[0]);
}

struct sent {
	struct build_result r;
	struct diag_list d;
};

static void send_all(int fd, void *arg)
{
	struct sent *s = arg;
	wire_phase_begin(fd, 7, "loading plugins, after_load and before_render");
	wire_phase_end(fd);
	wire_result_send(fd, &s->r, &s->d);
}

static void make_sent(struct sent *s)
{
	memset(s, 0, sizeof(*s));
	s->r.status = 1;
	s->r.pages = 42;
	s->r.files = 57;
	s->r.seconds = 1.25;
	s->r.cached = 40;
	s->r.up_to_date = true;
	snprintf(s->r.lang, sizeof(s->r.lang), "vi");
	s->r.next_change = 1796061600;
	snprintf(s->r.next_change_iso, sizeof(s->r.next_change_iso), "2026-12-01T00:00:00+07:00");
	snprintf(s->r.next_change_where, sizeof(s->r.next_change_where), "content/news/a b.md");
	snprintf(s->r.next_change_why, sizeof(s->r.next_change_why), "scheduled\npage");
	s->d = (struct diag_list)DIAG_LIST_INIT;
	diag_error(&s->d, "content/news/x.md", 3, 5, "cannot start the build: %s", "No such file");
	diag_warning(&s->d, "plugins/plans.lua", 0, 0, "cannot start the build: %s", "second\nline");
}

TEST(result_and_phases_round_trip)
{
	struct sent s;
	make_sent(&s);
	struct buf in = BUF_INIT;
	through_pipe(send_all, &s, &in);

	struct diag_list d = DIAG_LIST_INIT;
	struct build_result r;
	memset(&r, 0, sizeof(r));
	struct wire_msg m;
	size_t off = 0, used;

	used = wire_decode(in.ptr + off, in.len - off, &m, &d, &r);
	CHECK_INT_EQ(m.kind, WIRE_PHASE_BEGIN);
	CHECK_INT_EQ(m.secs, 7);
	CHECK_STR_EQ(m.label, "loading plugins, after_load and before_render");
	CHECK(used > 0);
	off += used;

	used = wire_decode(in.ptr + off, in.len - off, &m, &d, &r);
	CHECK_INT_EQ(m.kind, WIRE_PHASE_END);
	CHECK_INT_EQ(used, 2);
	off += used;

	used = wire_decode(in.ptr + off, in.len - off, &m, &d, &r);
	CHECK_INT_EQ(m.kind, WIRE_RESULT);
	off += used;
	CHECK_INT_EQ(off, in.len);
	CHECK_INT_EQ(r.status, 1);
	CHECK_INT_EQ(r.pages, 42);
	CHECK_INT_EQ(r.files, 57);
	CHECK(r.seconds > 1.2499 && r.seconds < 1.2501);
	CHECK_INT_EQ(r.cached, 40);
	CHECK(r.up_to_date);
	CHECK_STR_EQ(r.lang, "vi");
	CHECK_INT_EQ(r.next_change, 1796061600);
	CHECK_STR_EQ(r.next_change_iso, "2026-12-01T00:00:00+07:00");
	CHECK_STR_EQ(r.next_change_where, "content/news/a b.md");
	/* control characters become spaces: the header stays one line */
	CHECK_STR_EQ(r.next_change_why, "scheduled page");

	CHECK_INT_EQ(d.len, 2);
	CHECK_INT_EQ(d.errors, 1);
	CHECK_INT_EQ(d.warnings, 1);
	if (d.len == 2) {
		CHECK_STR_EQ(d.items[0].path, "content/news/x.md");
		CHECK_INT_EQ(d.items[0].line, 3);
		CHECK_INT_EQ(d.items[0].col, 5);
		CHECK_STR_EQ(d.items[0].msg, "cannot start the build: No such file");
		CHECK_STR_EQ(d.items[1].msg, "cannot start the build: second\nline");
	}
	diag_list_release(&d);
	diag_list_release(&s.d);
	buf_release(&in);
}

/* A reader gets the bytes in any pieces: nothing is decoded before the
 * whole message is there. */
TEST(result_in_pieces)
{
	struct sent s;
	make_sent(&s);
	struct buf in = BUF_INIT;
	through_pipe(send_all, &s, &in);
	const char *res = memchr(in.ptr, 'R', in.len);
	CHECK(res != NULL);
	size_t start = (size_t)(res - in.ptr), whole = in.len - start;
	for (size_t n = 0; res && n < whole; n++) {
		struct diag_list d = DIAG_LIST_INIT;
		struct build_result r;
		memset(&r, 0, sizeof(r));
		struct wire_msg m;
		CHECK_INT_EQ(wire_decode(res, n, &m, &d, &r), 0);
		CHECK_INT_EQ(m.kind, WIRE_NEED_MORE);
		CHECK_INT_EQ(d.len, 0);
		CHECK_INT_EQ(r.pages, 0);
		diag_list_release(&d);
	}
	diag_list_release(&s.d);
	buf_release(&in);
}

TEST(malformed_input)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct build_result r;
	memset(&r, 0, sizeof(r));
	struct wire_msg m;
	/* a result line missing its fields: the stream is broken */
	const char *bad = "R 0 12 oops\nmore";
	CHECK_INT_EQ(wire_decode(bad, strlen(bad), &m, &d, &r), 0);
	CHECK_INT_EQ(m.kind, WIRE_BAD);
	CHECK_INT_EQ(r.pages, 0);
	/* an unknown line and a phase line without its budget are skipped */
	const char *other = "hello\n";
	CHECK_INT_EQ(wire_decode(other, strlen(other), &m, &d, &r), strlen(other));
	CHECK_INT_EQ(m.kind, WIRE_OTHER);
	const char *phase = "P x\n";
	CHECK_INT_EQ(wire_decode(phase, strlen(phase), &m, &d, &r), strlen(phase));
	CHECK_INT_EQ(m.kind, WIRE_OTHER);
	/* a result header alone: only the first five fields are needed */
	const char *old = "R 2 0 0 0.5 0\n";
	CHECK_INT_EQ(wire_decode(old, strlen(old), &m, &d, &r), strlen(old));
	CHECK_INT_EQ(m.kind, WIRE_RESULT);
	CHECK_INT_EQ(r.status, 2);
	CHECK_STR_EQ(r.lang, "");
	/* a long label is cut, not overflowed */
	char longp[400];
	memset(longp, 'x', sizeof(longp));
	memcpy(longp, "P 3 ", 4);
	longp[sizeof(longp) - 1] = '\n';
	CHECK_INT_EQ(wire_decode(longp, sizeof(longp), &m, &d, &r), sizeof(longp));
	CHECK_INT_EQ(m.kind, WIRE_PHASE_BEGIN);
	CHECK_INT_EQ(strlen(m.label), sizeof(m.label) - 1);
	CHECK_INT_EQ(d.len, 0);
	diag_list_release(&d);
}

int main(void)
{
	RUN(result_and_phases_round_trip);
	RUN(result_in_pieces);
	RUN(malformed_input);
	return harness_report();
}
