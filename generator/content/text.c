/* text — Vietnamese text services on top of ICU: slugs, search folding,
 * NFC, `vi` collation and the site's time zone.
 *
 * The only file that includes ICU headers. A struct text owns its collator
 * and calendar; the normalisers are ICU singletons (never freed). Scratch
 * UTF-16 buffers are allocated per call so that nothing is shared. */
#include "content/text.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucal.h>
#include <unicode/uchar.h>
#include <unicode/ucol.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/xalloc.h"

struct text {
	const UNormalizer2 *nfd, *nfc; /* ICU-owned singletons */
	UCollator *coll;
	UCalendar *cal;
};

static const char default_tz[] = "Asia/Ho_Chi_Minh";

int text_open(struct text **out, const char *tz, struct diag_list *diags)
{
	UErrorCode st = U_ZERO_ERROR;
	UChar zone[128], canon[128];
	int32_t zlen = 0;
	UBool is_system = 0;
	struct text *t = xcalloc(1, sizeof(*t));

	*out = NULL;
	if (!tz || !*tz)
		tz = default_tz;
	t->nfd = unorm2_getNFDInstance(&st);
	t->nfc = unorm2_getNFCInstance(&st);
	if (U_FAILURE(st)) {
		diag_error(diags, "", 0, 0, "ICU normaliser unavailable: %s", u_errorName(st));
		goto fail;
	}
	t->coll = ucol_open("vi", &st);
	/* Without the `vi` tailoring ICU silently falls back to root order,
	 * which would sort Đ among D: refuse rather than mis-sort. */
	if (U_FAILURE(st) || st == U_USING_DEFAULT_WARNING) {
		diag_error(diags, "", 0, 0, "ICU collation for 'vi' unavailable: %s",
			   u_errorName(st));
		goto fail;
	}
	st = U_ZERO_ERROR;
	/* "Mầm non 2" before "Mầm non 10": numbers in names compare by value. */
	ucol_setAttribute(t->coll, UCOL_NUMERIC_COLLATION, UCOL_ON, &st);
	if (U_FAILURE(st)) {
		diag_error(diags, "", 0, 0, "ICU collation attribute: %s", u_errorName(st));
		goto fail;
	}

	if (strlen(tz) >= sizeof(zone) / sizeof(zone[0])) {
		diag_error(diags, "", 0, 0, "unknown time zone '%.40s…'", tz);
		goto fail;
	}
	u_strFromUTF8(zone, (int32_t)(sizeof(zone) / sizeof(zone[0])), &zlen, tz, -1, &st);
	if (U_FAILURE(st)) {
		diag_error(diags, "", 0, 0, "unknown time zone '%s'", tz);
		goto fail;
	}
	/* ucal_open() quietly uses GMT for ids it does not know: ask for the
	 * canonical id first, which fails for unknown ones. */
	ucal_getCanonicalTimeZoneID(zone, zlen, canon, (int32_t)(sizeof(canon) / sizeof(canon[0])),
				    &is_system, &st);
	if (U_FAILURE(st) || !is_system) {
		diag_error(diags, "", 0, 0,
			   "unknown time zone '%s' (expected an IANA id such as %s)", tz,
			   default_tz);
		goto fail;
	}
	t->cal = ucal_open(zone, zlen, "en_US_POSIX", UCAL_GREGORIAN, &st);
	if (U_FAILURE(st)) {
		diag_error(diags, "", 0, 0, "cannot open time zone '%s': %s", tz, u_errorName(st));
		goto fail;
	}
	*out = t;
	return 0;
fail:
	text_free(t);
	return -1;
}

void text_free(struct text *t)
{
	if (!t)
		return;
	if (t->coll)
		ucol_close(t->coll);
	if (t->cal)
		ucal_close(t->cal);
	free(t);
}

/* ---- UTF-8 <-> UTF-16 ---- */

/* ICU lengths are int32_t; content is capped far below this (2 MB per
 * page), so longer input is simply cut. */
static int32_t clamp_len(size_t len)
{
	return len > (size_t)(INT32_MAX / 16) ? INT32_MAX / 16 : (int32_t)len;
}

/* s as UTF-16 (invalid UTF-8 becomes U+FFFD); caller frees. */
static UChar *to_utf16(const char *s, size_t len, int32_t *out_len)
{
	int32_t n = clamp_len(len), ulen = 0;
	UErrorCode st = U_ZERO_ERROR;
	/* one UTF-8 byte never yields more than one UTF-16 unit */
	UChar *u = xmalloc(((size_t)n + 1) * sizeof(UChar));

	u_strFromUTF8WithSub(u, n + 1, &ulen, s, n, 0xFFFD, NULL, &st);
	if (U_FAILURE(st))
		ulen = 0;
	*out_len = ulen;
	return u;
}

static void append_utf8(struct buf *out, const UChar *u, int32_t ulen)
{
	int32_t need = 0;
	UErrorCode st = U_ZERO_ERROR;

	if (ulen <= 0)
		return;
	u_strToUTF8WithSub(NULL, 0, &need, u, ulen, 0xFFFD, NULL, &st);
	if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
		return;
	buf_grow(out, (size_t)need + 1);
	st = U_ZERO_ERROR;
	u_strToUTF8WithSub(out->ptr + out->len, need + 1, &need, u, ulen, 0xFFFD, NULL, &st);
	if (U_FAILURE(st))
		return;
	out->len += (size_t)need;
	out->ptr[out->len] = '\0';
}

/* Normalises u with norm into a new buffer; caller frees. */
static UChar *normalize(const UNormalizer2 *norm, const UChar *u, int32_t ulen, int32_t *out_len)
{
	int32_t cap = ulen * 3 + 16, n;
	UErrorCode st = U_ZERO_ERROR;
	UChar *r = xmalloc((size_t)cap * sizeof(UChar));

	n = unorm2_normalize(norm, u, ulen, r, cap, &st);
	if (st == U_BUFFER_OVERFLOW_ERROR) {
		cap = n + 1;
		r = xrealloc(r, (size_t)cap * sizeof(UChar));
		st = U_ZERO_ERROR;
		n = unorm2_normalize(norm, u, ulen, r, cap, &st);
	}
	*out_len = U_FAILURE(st) ? 0 : n;
	return r;
}

/* ---- folding ---- */

/* Latin letters that NFD does not decompose to an ASCII base. */
static const struct {
	UChar32 c;
	const char *ascii;
} latin_extra[] = {
	{ 0x00C6, "ae" }, { 0x00D0, "d" },  { 0x00D8, "o" },  { 0x00DE, "th" },
	{ 0x00DF, "ss" }, { 0x00E6, "ae" }, { 0x00F0, "d" },  { 0x00F8, "o" },
	{ 0x00FE, "th" }, { 0x0110, "d" },  { 0x0111, "d" },  { 0x0131, "i" },
	{ 0x0141, "l" },  { 0x0142, "l" },  { 0x0152, "oe" }, { 0x0153, "oe" },
};

static const char *latin_ascii(UChar32 c)
{
	for (size_t i = 0; i < sizeof(latin_extra) / sizeof(latin_extra[0]); i++)
		if (latin_extra[i].c == c)
			return latin_extra[i].ascii;
	return NULL;
}

static bool is_mark(UChar32 c)
{
	int8_t type = u_charType(c);
	return type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK ||
	       type == U_COMBINING_SPACING_MARK;
}

/* Apostrophes join rather than split: "Children's" → "childrens". */
static bool is_apostrophe(UChar32 c)
{
	return c == '\'' || c == 0x2019 || c == 0x02BC;
}

/* The NFD form of s without combining marks; caller frees. */
static UChar *decompose(struct text *t, const char *s, size_t len, int32_t *out_len)
{
	int32_t ulen, dlen;
	UChar *u = to_utf16(s, len, &ulen);
	UChar *d = normalize(t->nfd, u, ulen, &dlen);
	int32_t i = 0, j = 0;

	free(u);
	while (i < dlen) {
		UChar32 c;
		int32_t start = i;
		U16_NEXT(d, i, dlen, c);
		if (is_mark(c))
			continue;
		while (start < i)
			d[j++] = d[start++];
	}
	*out_len = j;
	return d;
}

size_t text_slugify(struct text *t, struct buf *out, const char *s, size_t len)
{
	int32_t dlen, i = 0;
	UChar *d = decompose(t, s, len, &dlen);
	size_t start = out->len;
	bool sep = false;

	while (i < dlen) {
		UChar32 c;
		const char *extra;
		U16_NEXT(d, i, dlen, c);
		if (is_apostrophe(c))
			continue;
		if (c < 0x80 && (u_isalnum(c))) {
			extra = NULL;
		} else if ((extra = latin_ascii(c)) == NULL) {
			/* everything else — punctuation, spaces, and letters
			 * of other scripts, which have no ASCII form — splits
			 * words */
			sep = true;
			continue;
		}
		if (sep && out->len > start)
			buf_putc(out, '-');
		sep = false;
		if (extra)
			buf_puts(out, extra);
		else
			buf_putc(out, (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
	}
	free(d);

	if (out->len - start > SLUG_MAX) {
		/* cut at the last word boundary that fits, so the same title
		 * always gives the same slug */
		size_t cut = SLUG_MAX;
		while (cut > 0 && out->ptr[start + cut] != '-')
			cut--;
		if (cut == 0)
			cut = SLUG_MAX;
		buf_setlen(out, start + cut);
		while (out->len > start && out->ptr[out->len - 1] == '-')
			buf_setlen(out, out->len - 1);
	}
	return out->len - start;
}

bool text_slug_valid(const char *s)
{
	size_t n = 0;

	if (!s || !*s || *s == '.')
		return false;
	for (; s[n]; n++) {
		char c = s[n];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.'))
			return false;
		if (n >= SLUG_MAX)
			return false;
	}
	return true;
}

size_t text_fold(struct text *t, struct buf *out, const char *s, size_t len)
{
	int32_t dlen, i = 0, j = 0, flen;
	UChar *d = decompose(t, s, len, &dlen);
	UChar *r, *f;
	size_t start = out->len;
	bool sep = false;

	/* worst case "ß" → "ss", "Æ" → "ae": twice as long, plus spaces */
	r = xmalloc(((size_t)dlen * 2 + 1) * sizeof(UChar));
	while (i < dlen) {
		UChar32 c;
		const char *extra;
		U16_NEXT(d, i, dlen, c);
		if (is_apostrophe(c))
			continue;
		extra = latin_ascii(c);
		if (!extra && !u_isalnum(c)) {
			sep = true;
			continue;
		}
		if (sep && j > 0)
			r[j++] = ' ';
		sep = false;
		if (extra) {
			while (*extra)
				r[j++] = (UChar)*extra++;
		} else {
			UBool err = 0;
			U16_APPEND(r, j, dlen * 2 + 1, u_tolower(c), err);
			(void)err;
		}
	}
	free(d);
	/* recompose what other scripts decomposed (e.g. Hangul) so that the
	 * folded text stays readable */
	f = normalize(t->nfc, r, j, &flen);
	append_utf8(out, f, flen);
	free(r);
	free(f);
	return out->len - start;
}

void text_nfc(struct text *t, struct buf *out, const char *s, size_t len)
{
	int32_t ulen, nlen;
	UChar *u = to_utf16(s, len, &ulen);
	UChar *n = normalize(t->nfc, u, ulen, &nlen);

	append_utf8(out, n, nlen);
	free(u);
	free(n);
}

/* ---- collation ---- */

int text_collate(struct text *t, const char *a, const char *b)
{
	UErrorCode st = U_ZERO_ERROR;
	UCollationResult r = ucol_strcollUTF8(t->coll, a, -1, b, -1, &st);

	if (U_FAILURE(st)) /* cannot happen for valid collators; stay total */
		return strcmp(a, b) < 0 ? -1 : strcmp(a, b) > 0;
	return r == UCOL_LESS ? -1 : r == UCOL_GREATER ? 1 : 0;
}

void text_sort_key(struct text *t, struct buf *out, const char *s)
{
	int32_t ulen, need;
	UChar *u = to_utf16(s, strlen(s), &ulen);
	uint8_t small[256];

	need = ucol_getSortKey(t->coll, u, ulen, small, (int32_t)sizeof(small));
	if (need > 0 && need <= (int32_t)sizeof(small)) {
		buf_add(out, small, (size_t)need - 1); /* without ICU's NUL */
	} else if (need > 0) {
		uint8_t *big = xmalloc((size_t)need);
		need = ucol_getSortKey(t->coll, u, ulen, big, need);
		if (need > 0)
			buf_add(out, big, (size_t)need - 1);
		free(big);
	}
	free(u);
}

/* ---- time zone ---- */

int text_tz_offset(struct text *t, int64_t epoch)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t zone, dst;

	ucal_setMillis(t->cal, (UDate)epoch * 1000.0, &st);
	zone = ucal_get(t->cal, UCAL_ZONE_OFFSET, &st);
	dst = ucal_get(t->cal, UCAL_DST_OFFSET, &st);
	if (U_FAILURE(st))
		return 0;
	return (zone + dst) / 60000;
}
