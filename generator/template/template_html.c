/* template_html — tracks the HTML context of a template's literal text
 * (data, tag, attribute name and value, script, style, comment) so that
 * each {{ }} gets the escaper of its place: text, unquoted attribute, URL
 * attribute or script. */
#include "template/template_internal.h"

#include <string.h>

static void html_append(char *dst, size_t *len, size_t cap, char c)
{
	if (*len + 1 < cap)
		dst[(*len)++] = lower(c);
	dst[*len] = '\0';
}

static void html_tag_end(struct html *h)
{
	h->state = H_DATA;
	if (h->closing)
		return;
	if (strcmp(h->tag, "script") == 0)
		h->state = H_SCRIPT;
	else if (strcmp(h->tag, "style") == 0)
		h->state = H_STYLE;
	else if (strcmp(h->tag, "title") == 0 || strcmp(h->tag, "textarea") == 0)
		h->state = H_RCDATA;
	if (h->state != H_DATA)
		h->raw = h->state;
}

static void html_start_attr(struct html *h, char c)
{
	h->state = H_ATTR_NAME;
	h->attrlen = 0;
	h->attr[0] = '\0';
	html_append(h->attr, &h->attrlen, sizeof(h->attr), c);
}

static void html_value_char(struct html *h, char c)
{
	h->value_empty = false;
	if (strcmp(h->attr, "type") == 0)
		html_append(h->type, &h->typelen, sizeof(h->type), c);
}

/* Does s (at i) close the raw-text element h->tag? */
static bool closes_raw(const struct html *h, const char *s, size_t i, size_t n)
{
	if (i + 2 >= n || s[i] != '<' || s[i + 1] != '/')
		return false;
	size_t k = 0;
	for (; h->tag[k]; k++)
		if (i + 2 + k >= n || lower(s[i + 2 + k]) != h->tag[k])
			return false;
	return i + 2 + k >= n || !is_alpha(s[i + 2 + k]);
}

void html_feed(struct html *h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		switch (h->state) {
		case H_DATA:
			if (c == '<' && i + 3 < n && memcmp(s + i, "<!--", 4) == 0) {
				h->state = H_COMMENT;
				i += 3;
			} else if (c == '<' && i + 1 < n && (is_alpha(s[i + 1]) || s[i + 1] == '/')) {
				h->closing = s[i + 1] == '/';
				if (h->closing)
					i++;
				h->state = H_TAG_NAME;
				h->taglen = 0;
				h->tag[0] = '\0';
				h->typelen = 0;
				h->type[0] = '\0';
				h->attr[0] = '\0';
				h->attrlen = 0;
			}
			break;
		case H_RCDATA:
		case H_SCRIPT:
		case H_STYLE:
			if (closes_raw(h, s, i, n)) {
				h->closing = true;
				h->state = H_TAG_NAME;
				i++;
			}
			break;
		case H_COMMENT:
			if (c == '-' && i + 2 < n && s[i + 1] == '-' && s[i + 2] == '>') {
				h->state = H_DATA;
				i += 2;
			}
			break;
		case H_TAG_NAME:
			if (is_space(c) || c == '/')
				h->state = H_BEFORE_ATTR;
			else if (c == '>')
				html_tag_end(h);
			else if (!h->closing || h->taglen == 0 || h->raw == H_DATA)
				html_append(h->tag, &h->taglen, sizeof(h->tag), c);
			break;
		case H_BEFORE_ATTR:
			if (c == '>')
				html_tag_end(h);
			else if (!is_space(c) && c != '/')
				html_start_attr(h, c);
			break;
		case H_ATTR_NAME:
			if (is_space(c))
				h->state = H_AFTER_ATTR_NAME;
			else if (c == '=')
				h->state = H_BEFORE_VALUE;
			else if (c == '>')
				html_tag_end(h);
			else if (c == '/')
				h->state = H_BEFORE_ATTR;
			else
				html_append(h->attr, &h->attrlen, sizeof(h->attr), c);
			break;
		case H_AFTER_ATTR_NAME:
			if (c == '=')
				h->state = H_BEFORE_VALUE;
			else if (c == '>')
				html_tag_end(h);
			else if (c == '/')
				h->state = H_BEFORE_ATTR;
			else if (!is_space(c))
				html_start_attr(h, c);
			break;
		case H_BEFORE_VALUE:
			h->value_empty = true;
			if (c == '"') {
				h->state = H_VALUE_DQ;
			} else if (c == '\'') {
				h->state = H_VALUE_SQ;
			} else if (c == '>') {
				html_tag_end(h);
			} else if (!is_space(c)) {
				h->state = H_VALUE_UQ;
				html_value_char(h, c);
			}
			break;
		case H_VALUE_DQ:
		case H_VALUE_SQ:
			if (c == (h->state == H_VALUE_DQ ? '"' : '\''))
				h->state = H_BEFORE_ATTR;
			else
				html_value_char(h, c);
			break;
		case H_VALUE_UQ:
			if (is_space(c))
				h->state = H_BEFORE_ATTR;
			else if (c == '>')
				html_tag_end(h);
			else
				html_value_char(h, c);
			break;
		}
		if (h->state == H_DATA)
			h->raw = H_DATA;
	}
}

static bool is_url_attr(const char *a)
{
	static const char *const names[] = { "href",   "src",  "action",     "formaction",
					     "poster", "cite", "data",       "srcset",
					     "background", "xlink:href", "manifest", "ping",
					     "longdesc", NULL };
	for (const char *const *n = names; *n; n++)
		if (strcmp(a, *n) == 0)
			return true;
	return false;
}

/* The escaper for a {{ }} at the current point; marks the attribute value
 * as started. */
enum esc html_escaper(struct html *h)
{
	enum esc e;
	bool quoted = false;
	switch (h->state) {
	case H_DATA:
	case H_RCDATA:
	case H_COMMENT:
	case H_STYLE:
		return ESC_TEXT;
	case H_SCRIPT:
		return ESC_JS;
	case H_TAG_NAME:
	case H_BEFORE_ATTR:
	case H_ATTR_NAME:
	case H_AFTER_ATTR_NAME:
		return ESC_UNQUOTED;
	case H_BEFORE_VALUE:
		h->state = H_VALUE_UQ;
		h->value_empty = true;
		break;
	case H_VALUE_UQ:
		break;
	case H_VALUE_DQ:
	case H_VALUE_SQ:
		quoted = true;
		break;
	}
	if (h->attr[0] == 'o' && h->attr[1] == 'n')
		e = ESC_JS; /* event handler: JS string escaping leaves no quote or & */
	else if (is_url_attr(h->attr) && h->value_empty)
		e = quoted ? ESC_URL : ESC_URL_UNQUOTED;
	else
		e = quoted ? ESC_TEXT : ESC_UNQUOTED;
	h->value_empty = false;
	return e;
}
