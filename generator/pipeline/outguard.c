/* outguard — the checks on --out before a build starts (see outguard.h). */
#include "pipeline/outguard.h"

#include "base/diag.h"
#include "base/xalloc.h"
#include "pipeline/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* a is b, or a folder that contains b (both real, absolute paths) */
static bool is_or_contains(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (!strcmp(a, "/"))
		return true;
	return !strncmp(a, b, n) && (b[n] == '\0' || b[n] == '/');
}

/* The real path of final_dir, which need not exist yet (its parent must):
 * NULL with a diagnostic otherwise. */
static char *real_out(const char *final_dir, struct diag_list *diags)
{
	char *copy = xstrdup(final_dir);
	size_t len = strlen(copy);
	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	char *real = realpath(copy, NULL);
	if (real || errno != ENOENT) {
		if (!real)
			diag_error(diags, "", 0, 0, "cannot publish to %s: %s", final_dir,
				   strerror(errno));
		free(copy);
		return real;
	}
	/* missing: resolve its folder, then add its name */
	char *slash = strrchr(copy, '/');
	const char *name = slash ? slash + 1 : copy;
	char *parent = slash ? (slash == copy ? xstrdup("/") : xstrndup(copy, (size_t)(slash - copy)))
			     : xstrdup(".");
	char *rparent = realpath(parent, NULL);
	if (!rparent || !strcmp(name, ".") || !strcmp(name, "..") || !*name) {
		diag_error(diags, "", 0, 0, "cannot publish to %s: folder %s: %s", final_dir, parent,
			   strerror(rparent ? EINVAL : errno));
	} else {
		real = strcmp(rparent, "/") ? xasprintf("%s/%s", rparent, name)
					    : xasprintf("/%s", name);
	}
	free(rparent);
	free(parent);
	free(copy);
	return real;
}

/* The git folder of the repository at real path repo: repo itself when it
 * is bare, repo/.git, or where a .git file ("gitdir: PATH") points (a
 * linked work tree). NULL when none. */
static char *git_dir_of(const char *repo)
{
	char *dotgit = xasprintf("%s/.git", repo);
	struct stat st;
	char *res = NULL;
	if (lstat(dotgit, &st) == 0 && S_ISREG(st.st_mode)) {
		FILE *f = fopen(dotgit, "r");
		char line[PATH_MAX + 16];
		if (f && fgets(line, sizeof(line), f) && !strncmp(line, "gitdir: ", 8)) {
			line[strcspn(line, "\r\n")] = '\0';
			const char *p = line + 8;
			char *abs = p[0] == '/' ? xstrdup(p) : xasprintf("%s/%s", repo, p);
			res = realpath(abs, NULL);
			free(abs);
		}
		if (f)
			fclose(f);
	} else if (lstat(dotgit, &st) == 0) {
		res = realpath(dotgit, NULL);
	} else {
		char *head = xasprintf("%s/HEAD", repo), *objects = xasprintf("%s/objects", repo);
		if (stat(head, &st) == 0 && stat(objects, &st) == 0 && S_ISDIR(st.st_mode))
			res = xstrdup(repo); /* bare */
		free(head);
		free(objects);
	}
	free(dotgit);
	return res;
}

static bool has_component(const char *path, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = path; (p = strstr(p, name)); p += n)
		if (p > path && p[-1] == '/' && (p[n] == '\0' || p[n] == '/'))
			return true;
	return false;
}

/* true when the folder has an entry; errno set and false when unreadable */
static bool non_empty(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return true; /* unreadable: treat as foreign */
	struct dirent *e;
	bool any = false;
	while (!any && (e = readdir(d)))
		any = strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return any;
}

/* Loa made it: the marker is in it, or the render cache of an output of
 * this name is beside it (published by a Loa older than the marker) */
static bool made_by_loa(const char *real)
{
	struct stat st;
	char *marker = xasprintf("%s/%s", real, OUTDIR_MARKER);
	bool yes = lstat(marker, &st) == 0 && S_ISREG(st.st_mode);
	free(marker);
	if (!yes) {
		const char *slash = strrchr(real, '/');
		char *parent = xstrndup(real, (size_t)(slash - real));
		char *cache = xasprintf("%s/.loa-cache/render/%s", parent, slash + 1);
		yes = lstat(cache, &st) == 0 && S_ISDIR(st.st_mode);
		free(cache);
		free(parent);
	}
	return yes;
}

int outguard_check(const char *final_dir, const struct outguard_opts *g, struct diag_list *diags)
{
	char *out = real_out(final_dir, diags);
	if (!out)
		return -1;
	char *repo = g->repo_path ? realpath(g->repo_path, NULL) : NULL;
	char *git = repo ? git_dir_of(repo) : NULL;
	char *home = g->home && *g->home ? realpath(g->home, NULL) : NULL;
	int rc = -1;
	struct stat st;
	char *given = xstrdup(final_dir);
	for (size_t len = strlen(given); len > 1 && given[len - 1] == '/';)
		given[--len] = '\0';
	bool is_link = lstat(given, &st) == 0 && S_ISLNK(st.st_mode);
	free(given);

	if (!strcmp(out, "/")) {
		diag_error(diags, "", 0, 0,
			   "cannot publish to %s: it is the root folder /. Choose a new folder "
			   "for the site, such as --out public",
			   final_dir);
	} else if (git && is_or_contains(git, out)) {
		diag_error(diags, "", 0, 0,
			   "cannot publish to %s: it is or is inside git's folder %s, which "
			   "holds the history. Choose a new folder for the site, such as --out public",
			   final_dir, git);
	} else if (has_component(out, ".git") || has_component(out, ".loa-cache")) {
		diag_error(diags, "", 0, 0,
			   "cannot publish to %s: it is or is inside a .git or .loa-cache folder, "
			   "which git and Loa own. Choose a new folder for the site, such as --out "
			   "public",
			   final_dir);
	} else if (repo && !strcmp(out, repo)) {
		diag_error(diags, "", 0, 0,
			   "cannot publish to %s: it is the repository %s itself, and a build "
			   "replaces its output folder as a whole. Choose a new folder for the site, "
			   "such as --out public",
			   final_dir, repo);
	} else if ((repo && is_or_contains(out, repo)) || (git && is_or_contains(out, git))) {
		diag_error(diags, "", 0, 0,
			   "cannot publish to %s: the repository %s is inside it, and a build "
			   "replaces its output folder as a whole. Choose a new folder for the site, "
			   "such as --out public",
			   final_dir, repo ? repo : git);
	} else if (home && is_or_contains(out, home)) {
		diag_error(diags, "", 0, 0,
			   "cannot publish to %s: it is or contains the home folder %s, and a build "
			   "replaces its output folder as a whole. Choose a new folder for the site, "
			   "such as --out public",
			   final_dir, home);
	} else if (is_link || (lstat(out, &st) == 0 && !S_ISDIR(st.st_mode))) {
		diag_error(diags, "", 0, 0, "cannot publish %s: it exists and is not a folder",
			   final_dir);
	} else if (lstat(out, &st) == 0 && !g->force && non_empty(out) && !made_by_loa(out)) {
		diag_error(diags, "", 0, 0,
			   "cannot publish to %s: the folder is not empty and Loa did not make it "
			   "(it has no %s file), and a build replaces everything in it. Choose an "
			   "empty or new folder, or give --force to replace it",
			   final_dir, OUTDIR_MARKER);
	} else {
		rc = 0;
	}
	free(out);
	free(repo);
	free(git);
	free(home);
	return rc;
}
