/* frontmatter_yaml — owns the only use of libyaml: its event API turned
 * into a value tree under our own limits (depth, node count, size), with
 * anchors, aliases, non-core tags and duplicate keys rejected, and
 * libyaml's marks mapped back to the lines and columns editors show. The
 * loader (yaml_document_t) is never used: it expands aliases and has no
 * nesting limit in 0.2.5. frontmatter.c finds the block and calls
 * frontmatter_yaml_document() for YAML and JSON alike. */
#include "content/frontmatter_internal.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/strmap.h"
#include "base/utf8.h"
#include "base/value.h"
#include "base/xalloc.h"
#include "content/syntaxhint.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---- positions -------------------------------------------------------- */

/* libyaml's marks count characters and treat a lone CR, NEL, LS and PS as
 * line breaks; editors count '\n'. Marks are mapped back to bytes of the
 * text we gave libyaml, and lines are counted the editors' way. Events come
 * in order, so a forward cursor makes this linear overall. */
struct pos_map {
	const char *src;
	size_t len;
	int first_line; /* line of src[0] in the original file */
	size_t idx, off; /* cursor: character index and its byte offset */
	int line, col;
};

static void pos_init(struct pos_map *m, const char *src, size_t len, int first_line)
{
	m->src = src;
	m->len = len;
	m->first_line = first_line;
	m->idx = m->off = 0;
	m->line = first_line;
	m->col = 1;
}

static size_t char_width(const char *s, size_t len)
{
	if ((unsigned char)*s < 0x80)
		return 1;
	size_t n = utf8_valid_prefix(s, len);
	return n ? n : 1;
}

static void pos_step(struct pos_map *m)
{
	if (m->src[m->off] == '\n') {
		m->off++;
		m->line++;
		m->col = 1;
	} else {
		m->off += char_width(m->src + m->off, m->len - m->off);
		m->col++;
	}
}

/* line and column of the character with libyaml index idx */
static void pos_at_index(struct pos_map *m, size_t idx, int *line, int *col)
{
	if (idx < m->idx)
		pos_init(m, m->src, m->len, m->first_line);
	while (m->idx < idx && m->off < m->len) {
		pos_step(m);
		m->idx++;
	}
	*line = m->line;
	*col = m->col;
}

/* line and column of the byte at offset off (reader errors give bytes) */
static void pos_at_offset(struct pos_map *m, size_t off, int *line, int *col)
{
	if (off < m->off)
		pos_init(m, m->src, m->len, m->first_line);
	while (m->off < off && m->off < m->len) {
		pos_step(m);
		m->idx++;
	}
	*line = m->line;
	*col = m->col;
}

/* ---- building the tree ------------------------------------------------ */

struct frame {
	struct value *node;
	struct value **items;
	size_t n, cap;
	size_t map_id;  /* distinguishes the keys of this map in ctx->keys */
	bool want_key; /* a map whose next node is a key */
};

struct ctx {
	struct arena *a;
	const char *path;
	struct diag_list *diags;
	struct yaml_limits lim;
	struct pos_map pos;
	struct frame *stack; /* lim.max_depth + 1 frames */
	int depth;
	size_t nodes;
	size_t next_map_id;
	struct strmap keys; /* "mapid:key" → line of the first occurrence */
	struct value *root;
	int ndocs;
	/* the first anchor: an error at the end unless an alias is found
	 * first, which is the error that explains a YAML bomb */
	bool anchor_seen;
	int anchor_line, anchor_col;
	char *anchor_name;
};

static int ctx_error_at(struct ctx *c, const yaml_mark_t *mark, const char *msg, const char *arg)
{
	int line, col;
	pos_at_index(&c->pos, mark->index, &line, &col);
	if (arg)
		return diag_error(c->diags, c->path, line, col, "%s '%.80s'", msg, arg);
	return diag_error(c->diags, c->path, line, col, "%s", msg);
}

/* Only the core schema's tags: anything else (!!python/object, !foo, !)
 * asks a loader to construct something, which we never do. */
static int check_tag(struct ctx *c, const yaml_mark_t *mark, const yaml_char_t *tag,
		     enum value_kind kind, bool *is_str)
{
	static const char prefix[] = "tag:yaml.org,2002:";
	*is_str = false;
	if (!tag)
		return 0;
	const char *t = (const char *)tag;
	bool ok = false;
	if (strncmp(t, prefix, sizeof(prefix) - 1) == 0) {
		const char *s = t + sizeof(prefix) - 1;
		if (kind == VALUE_SCALAR) {
			ok = !strcmp(s, "str") || !strcmp(s, "int") || !strcmp(s, "float") ||
			     !strcmp(s, "bool") || !strcmp(s, "null");
			*is_str = !strcmp(s, "str");
		} else if (kind == VALUE_LIST) {
			ok = !strcmp(s, "seq");
		} else {
			ok = !strcmp(s, "map");
		}
	}
	if (ok)
		return 0;
	if (strncmp(t, prefix, sizeof(prefix) - 1) == 0) {
		char *shown = arena_printf(c->a, "!!%s", t + sizeof(prefix) - 1);
		return ctx_error_at(c, mark, "unsupported tag", shown);
	}
	return ctx_error_at(c, mark, "unsupported tag", t);
}

static void note_anchor(struct ctx *c, const yaml_mark_t *mark, const yaml_char_t *anchor)
{
	if (!anchor || c->anchor_seen)
		return;
	c->anchor_seen = true;
	pos_at_index(&c->pos, mark->index, &c->anchor_line, &c->anchor_col);
	c->anchor_name = arena_strdup(c->a, (const char *)anchor);
}

static int count_node(struct ctx *c, const yaml_mark_t *mark)
{
	if (++c->nodes > c->lim.max_nodes) {
		int line, col;
		pos_at_index(&c->pos, mark->index, &line, &col);
		return diag_error(c->diags, c->path, line, col, "too many values (more than %zu)",
				  c->lim.max_nodes);
	}
	return 0;
}

static struct value *new_node(struct ctx *c, enum value_kind kind, const yaml_mark_t *mark)
{
	struct value *v = arena_zalloc(c->a, sizeof(*v));
	v->kind = kind;
	pos_at_index(&c->pos, mark->index, &v->line, &v->col);
	return v;
}

static void frame_push_item(struct frame *f, struct value *v)
{
	ALLOC_GROW(f->items, f->n + 1, f->cap);
	f->items[f->n++] = v;
}

/* Attaches a finished node to the open container (or makes it the root). */
static int attach(struct ctx *c, struct value *v)
{
	if (c->depth == 0) {
		c->root = v;
		return 0;
	}
	struct frame *f = &c->stack[c->depth - 1];
	if (f->node->kind == VALUE_MAP && f->want_key) {
		/* containers as keys are refused when they start */
		char *key = arena_printf(c->a, "%zu:%s", f->map_id, v->str);
		size_t first = 0;
		if (!strmap_put(&c->keys, key, (size_t)v->line, &first))
			return diag_error(c->diags, c->path, v->line, v->col,
					  "duplicate key '%.80s' (first on line %zu)", v->str, first);
		f->want_key = false;
	} else if (f->node->kind == VALUE_MAP) {
		f->want_key = true;
	}
	frame_push_item(f, v);
	return 0;
}

/* `title: Lớp vui #1` is "Lớp vui" to YAML, and `title: #Bé vui` is empty:
 * " #" starts a comment. Valid YAML, so a warning, given when the '#' is
 * glued to a word (a comment is usually "# words") or leaves the value
 * empty, with the quoted line to write if the '#' belongs to the text. */
static void note_cut_by_comment(struct ctx *c, const yaml_event_t *e, const struct value *v)
{
	if (c->depth == 0)
		return;
	const struct frame *f = &c->stack[c->depth - 1];
	if (f->node->kind != VALUE_MAP || f->want_key || f->n == 0)
		return;
	int line, col;
	pos_at_index(&c->pos, e->end_mark.index, &line, &col);
	const char *src = c->pos.src, *end = src + c->pos.len, *p = src + c->pos.off;
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	if (!eol)
		eol = end;
	const char *hash = p;
	while (hash < eol && (*hash == ' ' || *hash == '\t'))
		hash++;
	if (hash == eol || *hash != '#' || (hash == p && v->len))
		return;
	bool glued = hash + 1 < eol && hash[1] != ' ' && hash[1] != '\t' && hash[1] != '\r';
	if (v->len && !glued)
		return;
	const char *ls = p;
	while (ls > src && ls[-1] != '\n')
		ls--;
	size_t indent = 0;
	while (ls + indent < p && ls[indent] == ' ')
		indent++;
	const char *te = eol;
	while (te > hash && (te[-1] == ' ' || te[-1] == '\r' || te[-1] == '\t'))
		te--;
	/* the value as meant: what YAML kept, the blanks, then the comment */
	struct buf meant = BUF_INIT;
	buf_add(&meant, v->str, v->len);
	if (v->len)
		buf_add(&meant, p, (size_t)(hash - p));
	buf_add(&meant, hash, (size_t)(te - hash));
	const struct value *key = f->items[f->n - 1];
	char *fix = syntaxhint_yaml_pair(ls, indent, key->str, strlen(key->str), meant.ptr, meant.len);
	int hline, hcol;
	pos_at_offset(&c->pos, (size_t)(hash - src), &hline, &hcol);
	if (v->len)
		diag_warning(c->diags, c->path, hline, hcol,
			     "'#' starts a comment, so '%.80s' ends before it; if the '#' is part "
			     "of the text, write %s",
			     key->str, fix);
	else
		diag_warning(c->diags, c->path, hline, hcol,
			     "'#' starts a comment, so '%.80s' is empty; if the '#' is part of the "
			     "text, write %s",
			     key->str, fix);
	free(fix);
	buf_release(&meant);
}

static int on_scalar(struct ctx *c, const yaml_event_t *e)
{
	const yaml_mark_t *mark = &e->start_mark;
	bool is_str;
	note_anchor(c, mark, e->data.scalar.anchor);
	if (check_tag(c, mark, e->data.scalar.tag, VALUE_SCALAR, &is_str) < 0 ||
	    count_node(c, mark) < 0)
		return -1;
	const char *s = (const char *)e->data.scalar.value;
	size_t len = e->data.scalar.length;
	/* escapes such as "\0" can put bytes into a scalar that the input did
	 * not have; every consumer relies on NUL-terminated valid UTF-8 */
	if (memchr(s, '\0', len))
		return ctx_error_at(c, mark, "text contains a NUL character", NULL);
	if (!utf8_valid(s, len))
		return ctx_error_at(c, mark, "text is not valid UTF-8", NULL);
	struct value *v = new_node(c, VALUE_SCALAR, mark);
	v->str = arena_strndup(c->a, s, len);
	v->len = len;
	/* an explicit !!str is a string however it looks, like a quoted one */
	v->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !is_str;
	if (e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		note_cut_by_comment(c, e, v);
	return attach(c, v);
}

static int on_start(struct ctx *c, const yaml_event_t *e, enum value_kind kind)
{
	const yaml_mark_t *mark = &e->start_mark;
	bool is_str;
	const yaml_char_t *anchor = kind == VALUE_LIST ? e->data.sequence_start.anchor
						       : e->data.mapping_start.anchor;
	const yaml_char_t *tag = kind == VALUE_LIST ? e->data.sequence_start.tag
						    : e->data.mapping_start.tag;
	if (c->depth >= c->lim.max_depth) {
		int line, col;
		pos_at_index(&c->pos, mark->index, &line, &col);
		return diag_error(c->diags, c->path, line, col,
				  "nesting too deep (more than %d levels)", c->lim.max_depth);
	}
	if (c->depth > 0) {
		const struct frame *p = &c->stack[c->depth - 1];
		if (p->node->kind == VALUE_MAP && p->want_key)
			return ctx_error_at(c, mark,
					    kind == VALUE_LIST ? "a key must be text, not a list"
							       : "a key must be text, not a map",
					    NULL);
	}
	note_anchor(c, mark, anchor);
	if (check_tag(c, mark, tag, kind, &is_str) < 0 || count_node(c, mark) < 0)
		return -1;
	struct frame *f = &c->stack[c->depth++];
	memset(f, 0, sizeof(*f));
	f->node = new_node(c, kind, mark);
	if (kind == VALUE_MAP) {
		f->map_id = c->next_map_id++;
		f->want_key = true;
	}
	return 0;
}

static int on_end(struct ctx *c)
{
	struct frame *f = &c->stack[--c->depth];
	struct value *v = f->node;
	if (f->n) {
		v->items = arena_alloc(c->a, f->n * sizeof(*v->items));
		memcpy(v->items, f->items, f->n * sizeof(*v->items));
	}
	v->n = v->kind == VALUE_MAP ? f->n / 2 : f->n;
	free(f->items);
	f->items = NULL;
	return attach(c, v);
}

/* The line holding the character at libyaml index idx, and where. */
static struct syntaxhint_line line_at(struct ctx *c, size_t idx, int *line, int *col)
{
	pos_at_index(&c->pos, idx, line, col);
	const char *src = c->pos.src, *at = src + c->pos.off, *end = src + c->pos.len;
	const char *start = at;
	while (start > src && start[-1] != '\n')
		start--;
	const char *nl = memchr(at, '\n', (size_t)(end - at));
	struct syntaxhint_line l = { start, (size_t)((nl ? nl : end) - start), at < end ? *at : 0 };
	return l;
}

/* The common mistakes in plain words, with the line as it should be
 * written: 0 when said, 1 when the error is not one of them. */
static int plain_failure(struct ctx *c, const yaml_parser_t *p)
{
	int pline, pcol, cline, ccol;
	/* the context first: the position map only moves forward cheaply */
	struct syntaxhint_line ctx_line = line_at(c, p->context_mark.index, &cline, &ccol);
	struct syntaxhint_line prob_line = line_at(c, p->problem_mark.index, &pline, &pcol);
	if (!p->context) {
		ctx_line = prob_line;
		cline = pline;
		ccol = pcol;
	}
	char *fix = NULL;
	switch (syntaxhint_yaml(p->problem, p->context, &prob_line, &ctx_line, &fix)) {
	case SYNTAXHINT_COLON:
		if (fix)
			diag_error(c->diags, c->path, pline, pcol,
				   "a colon (': ') inside a value needs quotes around the whole "
				   "value: write %s",
				   fix);
		else
			diag_error(c->diags, c->path, pline, pcol,
				   "a colon (': ') inside a value needs quotes around the whole value");
		break;
	case SYNTAXHINT_TAB:
		diag_error(c->diags, c->path, pline, pcol,
			   "a Tab is used to indent here: YAML indents with spaces only (replace "
			   "the Tab with spaces)");
		break;
	case SYNTAXHINT_QUOTE:
		if (fix)
			diag_error(c->diags, c->path, cline, ccol,
				   "the quote opened here is never closed: write %s", fix);
		else
			diag_error(c->diags, c->path, cline, ccol,
				   "the quote opened here is never closed");
		break;
	default:
		return 1;
	}
	free(fix);
	return 0;
}

static int yaml_failure(struct ctx *c, const yaml_parser_t *p)
{
	int line, col;
	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return diag_error(c->diags, c->path, c->pos.first_line, 0,
				  "out of memory while reading YAML");
	case YAML_READER_ERROR:
		/* libyaml puts these on line 1; the byte offset is right */
		pos_at_offset(&c->pos, p->problem_offset, &line, &col);
		return diag_error(c->diags, c->path, line, col, "invalid text: %s",
				  p->problem ? p->problem : "unreadable");
	default:
		if (plain_failure(c, p) == 0)
			return -1;
		if (p->context) {
			/* "while scanning a quoted scalar" helps most with where
			 * that scalar started, often lines before the problem */
			int cline, ccol;
			pos_at_index(&c->pos, p->context_mark.index, &cline, &ccol);
			pos_at_index(&c->pos, p->problem_mark.index, &line, &col);
			if (cline != line)
				return diag_error(c->diags, c->path, line, col,
						  "invalid YAML: %s (%s started on line %d)",
						  p->problem ? p->problem : "syntax error",
						  p->context, cline);
			return diag_error(c->diags, c->path, line, col, "invalid YAML: %s (%s)",
					  p->problem ? p->problem : "syntax error", p->context);
		}
		pos_at_index(&c->pos, p->problem_mark.index, &line, &col);
		return diag_error(c->diags, c->path, line, col, "invalid YAML: %s",
				  p->problem ? p->problem : "syntax error");
	}
}

static int run_events(struct ctx *c, yaml_parser_t *p)
{
	for (;;) {
		yaml_event_t e;
		if (!yaml_parser_parse(p, &e))
			return yaml_failure(c, p);
		int rc = 0;
		bool done = false;
		switch (e.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++c->ndocs > 1)
				rc = ctx_error_at(c, &e.start_mark,
						  "only one YAML document is allowed", NULL);
			break;
		case YAML_ALIAS_EVENT:
			rc = ctx_error_at(c, &e.start_mark, "aliases are not allowed", NULL);
			break;
		case YAML_SCALAR_EVENT:
			rc = on_scalar(c, &e);
			break;
		case YAML_SEQUENCE_START_EVENT:
			rc = on_start(c, &e, VALUE_LIST);
			break;
		case YAML_MAPPING_START_EVENT:
			rc = on_start(c, &e, VALUE_MAP);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			rc = on_end(c);
			break;
		default: /* stream start, document end, no event */
			break;
		}
		yaml_event_delete(&e);
		if (rc < 0)
			return -1;
		if (done)
			break;
	}
	if (c->anchor_seen)
		return diag_error(c->diags, c->path, c->anchor_line, c->anchor_col,
				  "anchors are not allowed ('&%.80s')", c->anchor_name);
	return 0;
}

int frontmatter_yaml_document(struct value **root, struct arena *a, const char *path,
			      const char *src, size_t len, int first_line,
			      const struct yaml_limits *limits, struct diag_list *diags)
{
	struct yaml_limits defaults = YAML_LIMITS_DEFAULT;
	struct ctx c;
	memset(&c, 0, sizeof(c));
	c.a = a;
	c.path = path;
	c.diags = diags;
	c.lim = limits ? *limits : defaults;
	if (c.lim.max_depth < 0)
		c.lim.max_depth = 0;
	pos_init(&c.pos, src, len, first_line);
	*root = NULL;

	/* libyaml would name line 1 for a bad byte; find it ourselves */
	size_t bad = utf8_first_invalid(src, len);
	if (bad < len) {
		int line, col;
		pos_at_offset(&c.pos, bad, &line, &col);
		return diag_error(diags, path, line, col, "invalid UTF-8 (byte 0x%02X)",
				  (unsigned)(unsigned char)src[bad]);
	}

	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		return diag_error(diags, path, first_line, 0, "out of memory while reading YAML");
	yaml_parser_set_input_string(&parser, (const unsigned char *)src, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	c.stack = xcalloc((size_t)c.lim.max_depth + 1, sizeof(*c.stack));

	int rc = run_events(&c, &parser);

	for (int i = 0; i < c.depth; i++)
		free(c.stack[i].items);
	free(c.stack);
	strmap_release(&c.keys);
	yaml_parser_delete(&parser);
	if (rc < 0)
		return -1;

	struct value *r = c.root;
	if (r && value_is_null(r))
		r = NULL;
	if (r && r->kind != VALUE_MAP)
		return diag_error(diags, path, r->line, r->col,
				  "YAML must be a map of 'key: value' lines, not %s",
				  r->kind == VALUE_LIST ? "a list" : "a single value");
	*root = r;
	return 0;
}
