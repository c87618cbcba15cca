/* wire — the pipe protocol between a builder and whoever waits on it.
 *
 * One module encodes and decodes every message that crosses those pipes:
 * the supervisor (supervise.c) reads its builder child's, and serve's
 * build helper (serve/helper.c) sends the supervised result on to the
 * server. Messages, each a line:
 *   "P secs label\n"  plugin code starts; it may run secs seconds (wall
 *                     clock) while doing label
 *   "p\n"             plugin code stopped
 *   "R status pages files seconds len lang next iso where\twhy\tcached up\n"
 *                     the build's outcome, followed by len bytes of
 *                     diagnostics (diag_list_encode). Readers need only the
 *                     first five fields; the rest is filled when present.
 * Any other line is skipped. */
#ifndef LOA_WIRE_H
#define LOA_WIRE_H

#include "pipeline/build.h"

#include <stddef.h>

struct diag_list;

enum wire_kind {
	WIRE_NEED_MORE, /* no complete message at the front yet */
	WIRE_BAD,       /* an "R" line that does not parse: the stream is broken */
	WIRE_OTHER,     /* an unknown line, skipped */
	WIRE_PHASE_BEGIN,
	WIRE_PHASE_END,
	WIRE_RESULT,
};

struct wire_msg {
	enum wire_kind kind;
	unsigned secs;    /* WIRE_PHASE_BEGIN: the stage's budget */
	char label[128];  /* WIRE_PHASE_BEGIN: what the plugins are doing */
};

/* Sends "P secs label" / "p". A failed write is ignored: the reader is
 * gone and there is no one to tell. */
void wire_phase_begin(int fd, unsigned secs, const char *label);
void wire_phase_end(int fd);

/* Sends a build's outcome and its diagnostics. */
void wire_result_send(int fd, const struct build_result *r, const struct diag_list *d);

/* Decodes the message at the front of data[0..len). Returns the bytes it
 * used (0 with WIRE_NEED_MORE or WIRE_BAD). On WIRE_RESULT, res is filled
 * and the diagnostics are appended to diags. */
size_t wire_decode(const char *data, size_t len, struct wire_msg *m, struct diag_list *diags,
		   struct build_result *res);

#endif
