/* repo_names — tree-entry name and path validation.
 *
 * Owns: what a path component may be. `.`, `..`, `.git` (any case, and the
 * NTFS/HFS aliases git refuses: `GIT~1`, `.git.`, `.git:$DATA`,
 * HFS+ ignorable code points), backslashes, control bytes, invalid UTF-8
 * and names over NAME_MAX_BYTES are refused, because libgit2 checks none
 * of it when reading a tree. */
#include "source/repo_internal.h"

#include "base/diag.h"
#include "base/utf8.h"

#include <string.h>

/* Length of an HFS+ ignorable code point at s (git's is_hfs_dotgit list:
 * U+200C-200F, U+202A-202E, U+206A-206F, U+FEFF), else 0. */
static size_t hfs_ignorable_len(const unsigned char *s, size_t n)
{
	if (n < 3)
		return 0;
	if (s[0] == 0xe2 && s[1] == 0x80 &&
	    ((s[2] >= 0x8c && s[2] <= 0x8f) || (s[2] >= 0xaa && s[2] <= 0xae)))
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xaa && s[2] <= 0xaf)
		return 3;
	if (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return 3;
	return 0;
}

/* s equals want (lower-case ASCII), ignoring ASCII case and HFS ignorables */
static bool alias_match(const char *s, size_t len, const char *want)
{
	size_t i = 0, j = 0, wl = strlen(want);
	while (i < len) {
		size_t skip = hfs_ignorable_len((const unsigned char *)s + i, len - i);
		if (skip) {
			i += skip;
			continue;
		}
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (j == wl || c != want[j])
			return false;
		i++;
		j++;
	}
	return j == wl;
}

/* `.git` as NTFS or HFS+ would see it: any case, trailing dots and spaces
 * dropped, an NTFS stream suffix (`:$DATA`) dropped, the 8.3 name GIT~1. */
static bool is_dotgit_alias(const char *name, size_t len)
{
	const char *colon = memchr(name, ':', len);
	if (colon)
		len = (size_t)(colon - name);
	while (len && (name[len - 1] == '.' || name[len - 1] == ' '))
		len--;
	return alias_match(name, len, ".git") || alias_match(name, len, "git~1");
}

/* Why name cannot be a path component, or NULL when it can. */
const char *repo_name_problem(const char *name, size_t len)
{
	if (len == 0)
		return "empty name";
	if (len > NAME_MAX_BYTES)
		return "longer than 255 bytes";
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return "'.' or '..'";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c == '/')
			return "contains '/'";
		if (c == '\\')
			return "contains a backslash";
		if (c < 0x20 || c == 0x7f)
			return "contains a control character";
	}
	if (!utf8_valid(name, len))
		return "invalid UTF-8";
	if (is_dotgit_alias(name, len))
		return "reserved name .git";
	return NULL;
}

/* Checks a '/'-separated relative path given by the caller (dir, site.yaml)
 * with the same rules as tree entries. */
int repo_check_path(const char *path, const char *what, struct diag_list *diags)
{
	const char *p = path;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		const char *why = repo_name_problem(p, len);
		if (why)
			return diag_error(diags, path, 0, 0, "invalid %s (%s)", what, why);
		if (!slash)
			return 0;
		p = slash + 1;
	}
}
