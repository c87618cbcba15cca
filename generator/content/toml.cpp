/* toml — the one C++ translation unit: toml++ turns a TOML front matter
 * block into Loa's value tree (see toml.h). toml++ is used header-only so
 * that exceptions can be off (TOML_EXCEPTIONS=0: parse() returns a result
 * instead of throwing) and its own nesting limit can be set; nothing C++
 * crosses the C interface. */
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#define TOML_ENABLE_FORMATTERS 0
#define TOML_ENABLE_WINDOWS_COMPAT 0
/* toml++ parses arrays and inline tables recursively; a low bound keeps a
 * hostile `a = [[[[...` from using much stack before our own depth check */
#define TOML_MAX_NESTED_VALUES 64
/* toml++ 3.3.0 asserts preconditions its parser also handles: `[[[x]]]`
 * reaches parse_key() with a '[' (fuzz_frontmatter found it), which
 * assert() turns into an abort of the whole build, and NDEBUG into
 * __builtin_assume, i.e. undefined behaviour. Without both, the parser's
 * own check reports "expected bare key starting character". */
#define TOML_ASSERT(expr) static_assert(true)
#include <toml++/toml.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string_view>

extern "C" {
#include "base/arena.h"
#include "base/diag.h"
#include "base/utf8.h"
#include "base/value.h"
}
#include "content/toml.h"

namespace {

struct conv {
	struct arena *a;
	const char *path;
	struct diag_list *diags;
	int line0; /* line of the file where the TOML text starts, minus one */
	int max_depth;
	size_t max_nodes, nodes;
};

/* A source position of toml++ (1-based, 0 when unknown) as a file position;
 * fallback when toml++ made the node implicitly (`a.b = 1` makes `a`). */
void place(const conv &c, ::value *v, const toml::source_region &r, const ::value *fallback)
{
	if (r.begin.line) {
		v->line = c.line0 + static_cast<int>(r.begin.line);
		v->col = static_cast<int>(r.begin.column);
	} else if (fallback) {
		v->line = fallback->line;
		v->col = fallback->col;
	} else {
		v->line = c.line0 + 1;
		v->col = 1;
	}
}

int fail(const conv &c, const ::value *at, const char *what)
{
	return diag_error(c.diags, c.path, at->line, at->col, "TOML front matter: %s", what);
}

::value *new_node(conv &c, enum value_kind kind)
{
	auto *v = static_cast<::value *>(arena_zalloc(c.a, sizeof(::value)));
	v->kind = kind;
	return v;
}

/* A scalar holding text; strings are quoted (the schema never guesses
 * their type), numbers, booleans and dates plain. */
int set_text(conv &c, ::value *v, std::string_view s, bool plain)
{
	if (std::memchr(s.data(), '\0', s.size()))
		return fail(c, v, "text contains a NUL character");
	if (!utf8_valid(s.data(), s.size()))
		return fail(c, v, "text is not valid UTF-8");
	v->str = arena_strndup(c.a, s.data(), s.size());
	v->len = s.size();
	v->plain = plain;
	return 0;
}

/* TOML dates and times in the forms dates.h reads; fractions of a second
 * are dropped (dates.h has none). */
void fmt_date(char *out, size_t n, const toml::date &d)
{
	std::snprintf(out, n, "%04d-%02d-%02d", static_cast<int>(d.year), static_cast<int>(d.month),
		      static_cast<int>(d.day));
}

void fmt_time(char *out, size_t n, const toml::time &t)
{
	std::snprintf(out, n, "%02d:%02d:%02d", static_cast<int>(t.hour),
		      static_cast<int>(t.minute), static_cast<int>(t.second));
}

int convert(conv &c, const toml::node &n, ::value *v, int depth);

int count(conv &c, const ::value *v)
{
	if (++c.nodes > c.max_nodes)
		return diag_error(c.diags, c.path, v->line, v->col,
				  "TOML front matter: too many values (more than %zu)", c.max_nodes);
	return 0;
}

int container(conv &c, const ::value *v, int depth)
{
	if (depth > c.max_depth)
		return diag_error(c.diags, c.path, v->line, v->col,
				  "TOML front matter: nesting too deep (more than %d levels)",
				  c.max_depth);
	return 0;
}

int convert_table(conv &c, const toml::table &t, ::value *v, int depth)
{
	v->kind = VALUE_MAP;
	if (container(c, v, depth) < 0)
		return -1;
	v->n = t.size();
	if (!v->n)
		return 0;
	v->items = static_cast<::value **>(arena_alloc(c.a, 2 * v->n * sizeof(::value *)));
	size_t i = 0;
	for (auto &&kv : t) {
		::value *k = new_node(c, VALUE_SCALAR);
		place(c, k, kv.first.source(), v);
		if (count(c, k) < 0 || set_text(c, k, kv.first.str(), false) < 0)
			return -1;
		::value *val = new_node(c, VALUE_SCALAR);
		place(c, val, kv.second.source(), k);
		if (convert(c, kv.second, val, depth + 1) < 0)
			return -1;
		v->items[2 * i] = k;
		v->items[2 * i + 1] = val;
		i++;
	}
	return 0;
}

int convert(conv &c, const toml::node &n, ::value *v, int depth)
{
	char buf[64];
	if (count(c, v) < 0)
		return -1;
	switch (n.type()) {
	case toml::node_type::table:
		return convert_table(c, *n.as_table(), v, depth);
	case toml::node_type::array: {
		const toml::array &arr = *n.as_array();
		v->kind = VALUE_LIST;
		if (container(c, v, depth) < 0)
			return -1;
		v->n = arr.size();
		if (!v->n)
			return 0;
		v->items = static_cast<::value **>(arena_alloc(c.a, v->n * sizeof(::value *)));
		for (size_t i = 0; i < arr.size(); i++) {
			::value *it = new_node(c, VALUE_SCALAR);
			place(c, it, arr[i].source(), v);
			if (convert(c, arr[i], it, depth + 1) < 0)
				return -1;
			v->items[i] = it;
		}
		return 0;
	}
	case toml::node_type::string:
		return set_text(c, v, n.as_string()->get(), false);
	case toml::node_type::integer:
		std::snprintf(buf, sizeof(buf), "%" PRId64, n.as_integer()->get());
		return set_text(c, v, buf, true);
	case toml::node_type::floating_point: {
		double d = n.as_floating_point()->get();
		/* the shortest text that reads back as the same number */
		std::snprintf(buf, sizeof(buf), "%.15g", d);
		if (std::strtod(buf, nullptr) != d)
			std::snprintf(buf, sizeof(buf), "%.17g", d);
		return set_text(c, v, buf, true);
	}
	case toml::node_type::boolean:
		return set_text(c, v, n.as_boolean()->get() ? "true" : "false", true);
	case toml::node_type::date:
		fmt_date(buf, sizeof(buf), n.as_date()->get());
		return set_text(c, v, buf, true);
	case toml::node_type::time:
		fmt_time(buf, sizeof(buf), n.as_time()->get());
		return set_text(c, v, buf, true);
	case toml::node_type::date_time: {
		const toml::date_time &dt = n.as_date_time()->get();
		char d[24], t[24];
		fmt_date(d, sizeof(d), dt.date);
		fmt_time(t, sizeof(t), dt.time);
		if (dt.offset) {
			int m = dt.offset->minutes;
			char sign = m < 0 ? '-' : '+';
			m = m < 0 ? -m : m;
			std::snprintf(buf, sizeof(buf), "%sT%s%c%02d:%02d", d, t, sign, m / 60, m % 60);
		} else {
			std::snprintf(buf, sizeof(buf), "%sT%s", d, t);
		}
		return set_text(c, v, buf, true);
	}
	default:
		return fail(c, v, "unsupported value");
	}
}

} // namespace

extern "C" int toml_parse_front(struct value **root, struct arena *a, const char *path,
				const char *src, size_t len, int first_line, int max_depth,
				size_t max_nodes, struct diag_list *diags)
{
	*root = nullptr;
	conv c{ a, path, diags, first_line - 1, max_depth < 1 ? 1 : max_depth, max_nodes, 0 };
	toml::parse_result res = toml::parse(std::string_view(src, len));
	if (!res) {
		const toml::parse_error &e = res.error();
		const toml::source_position &b = e.source().begin;
		int line = b.line ? c.line0 + static_cast<int>(b.line) : first_line;
		std::string_view d = e.description();
		return diag_error(diags, path, line, static_cast<int>(b.column),
				  "TOML front matter: %.*s", static_cast<int>(d.size()), d.data());
	}
	::value *r = new_node(c, VALUE_MAP);
	r->line = first_line > 1 ? first_line - 1 : 1; /* the opening `+++` */
	r->col = 1;
	if (convert(c, res.table(), r, 1) < 0)
		return -1;
	*root = r;
	return 0;
}
