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
