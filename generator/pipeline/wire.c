/* wire — encodes and decodes the builder's pipe messages (see wire.h). */
#include "pipeline/wire.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/sysutil.h"
#include "base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void wire_phase_begin(int fd, unsigned secs, const char *label)
{
	char msg[160];
	int n = snprintf(msg, sizeof(msg), "P %u %s\n", secs, label);
	if (n > 0 && write(fd, msg, (size_t)n) < 0)
		return; /* the supervisor is gone; nothing to tell */
}

void wire_phase_end(int fd)
{
	if (write(fd, "p\n", 2) < 0)
		return;
}

void wire_result_send(int fd, const struct build_result *r, const struct diag_list *d)
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

/* Reads the fields after the fifth of an "R" line (language, next change,
 * cache) into r; line is the header without its newline. */
static void parse_result_extra(const char *line, size_t len, struct build_result *r)
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

size_t wire_decode(const char *data, size_t len, struct wire_msg *m, struct diag_list *diags,
		   struct build_result *res)
{
	m->kind = WIRE_NEED_MORE;
	const char *nl = memchr(data, '\n', len);
	if (!nl)
		return 0;
	size_t line_len = (size_t)(nl - data), next = line_len + 1;
	/* sscanf needs a terminated string: the line, copied */
	char *line = xstrndup(data, line_len);
	if (line[0] == 'P') {
		unsigned secs = 0;
		int used = 0;
		m->kind = WIRE_OTHER;
		if (sscanf(line, "P %u %n", &secs, &used) >= 1 && used > 0) {
			size_t n = line_len - (size_t)used;
			if (n >= sizeof(m->label))
				n = sizeof(m->label) - 1;
			memcpy(m->label, line + used, n);
			m->label[n] = '\0';
			m->secs = secs;
			m->kind = WIRE_PHASE_BEGIN;
		}
	} else if (line[0] == 'p') {
		m->kind = WIRE_PHASE_END;
	} else if (line[0] == 'R') {
		size_t body = 0;
		struct build_result r;
		memset(&r, 0, sizeof(r));
		if (sscanf(line, "R %d %zu %zu %lf %zu", &r.status, &r.pages, &r.files, &r.seconds,
			   &body) != 5) {
			m->kind = WIRE_BAD;
			next = 0;
		} else if (len - next < body) {
			next = 0; /* the diagnostics are still coming */
		} else {
			parse_result_extra(line, line_len, &r);
			*res = r;
			diag_list_decode(diags, data + next, body);
			next += body;
			m->kind = WIRE_RESULT;
		}
	} else {
		m->kind = WIRE_OTHER;
	}
	free(line);
	return next;
}
