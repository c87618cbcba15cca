/* layout — the content layout (see layout.h). */
#include "site/layout.h"
#include "base/str.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

char *layout_news_path(const char *content_dir, const char *school, const char *slug)
{
	return school ? xasprintf("%s/" LAYOUT_NEWS "/%s/%s.md", content_dir, school, slug)
		      : xasprintf("%s/" LAYOUT_NEWS "/%s.md", content_dir, slug);
}

char *layout_school_path(const char *content_dir, const char *school)
{
	return xasprintf("%s/" LAYOUT_SCHOOLS "/%s.md", content_dir, school);
}

char *layout_school_bundle(const char *content_dir, const char *school)
{
	return xasprintf("%s/" LAYOUT_SCHOOLS "/%s/index.md", content_dir, school);
}

char *layout_plan_path(const char *content_dir, const char *slug)
{
	return xasprintf("%s/" LAYOUT_PLANS "/%s.md", content_dir, slug);
}

bool layout_school_may_write(const char *content_dir, const char *school, const char *path)
{
	char *news = xasprintf("%s/" LAYOUT_NEWS "/%s/", content_dir, school);
	char *page = layout_school_path(content_dir, school);
	char *bundle = xasprintf("%s/" LAYOUT_SCHOOLS "/%s/", content_dir, school);
	bool ok = str_has_prefix(path, news) || strcmp(path, page) == 0 || str_has_prefix(path, bundle);
	free(news);
	free(page);
	free(bundle);
	return ok;
}

const char *layout_school_of(const char *content_dir, const char *path, size_t *len)
{
	size_t cl = strlen(content_dir);
	if (strncmp(path, content_dir, cl) != 0 || path[cl] != '/')
		return NULL;
	const char *rest = path + cl + 1, *sub;
	bool news = str_has_prefix(rest, LAYOUT_NEWS "/");
	if (news)
		sub = rest + strlen(LAYOUT_NEWS "/");
	else if (str_has_prefix(rest, LAYOUT_SCHOOLS "/"))
		sub = rest + strlen(LAYOUT_SCHOOLS "/");
	else
		return NULL;
	size_t n = strcspn(sub, "/");
	if (!sub[n]) {
		/* news/x.md is the centre's news; schools/x.md is school x's page */
		if (news || !str_has_suffix(sub, ".md"))
			return NULL;
		n -= 3;
	}
	*len = n;
	return n ? sub : NULL;
}
