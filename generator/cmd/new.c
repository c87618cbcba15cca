/* new — page skeletons for contributors (see new.h). */
#include "cmd/new.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/sysutil.h"
#include "base/xalloc.h"
#include "content/dates.h"
#include "content/text.h"
#include "site/config.h"
#include "site/layout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* A YAML double-quoted scalar: the title is the contributor's text. */
static void add_quoted(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		if ((unsigned char)*s < 0x20)
			continue;
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

/* The folders above the file at path. */
static int make_dirs(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int rc = 0;
	if (slash && slash != dir) {
		*slash = '\0';
		rc = sys_mkdir_p(dir);
	}
	free(dir);
	return rc;
}

/* The site's content.dir and time zone: site.yaml in the site folder,
 * the defaults without one. */
static int read_config(struct site_config *c, struct arena *a, const char *root,
		       struct diag_list *d)
{
	char *path = xasprintf("%s/site.yaml", root);
	struct buf data = BUF_INIT;
	int rc = 0;
	if (sys_read_file(path, 1u << 20, false, &data) < 0 && errno != ENOENT) {
		diag_error(d, "site.yaml", 0, 0, "cannot read file: %s", strerror(errno));
		rc = -1;
	}
	free(path);
	if (rc == 0)
		rc = config_load(c, a, "site.yaml", data.ptr, data.len, d);
	buf_release(&data);
	return rc;
}

int new_page(const struct new_options *o, char **path_out, struct diag_list *d)
{
	struct arena a = ARENA_INIT;
	struct site_config cfg;
	char *content = NULL;
	struct text *t = NULL;
	struct buf slug = BUF_INIT, doc = BUF_INIT;
	char *path = NULL, *school_page = NULL, *school_bundle = NULL;
	char *stem = NULL, *flat = NULL, *folder = NULL;
	int ret = -1;
	*path_out = NULL;
	if (strcmp(o->kind, "news") && strcmp(o->kind, "school") && strcmp(o->kind, "plan")) {
		diag_error(d, "", 0, 0, "invalid page kind '%s' (news, school or plan)", o->kind);
		goto done;
	}
	/* outside a repository (or in one of its folders) a page would be
	 * written where no build reads it, and the command would say it worked */
	char *git = xasprintf("%s/.git", o->root);
	bool in_repo = exists(git);
	free(git);
	if (!in_repo) {
		diag_error(d, "", 0, 0,
			   "'%s' is not the top of a site's repository (no .git there): run "
			   "loa new there, or give --repo PATH",
			   o->root);
		goto done;
	}
	if (read_config(&cfg, &a, o->root, d) < 0 || text_open(&t, cfg.timezone, d) < 0)
		goto done;
	content = xasprintf("%s/%s", o->root, cfg.content_dir);
	if (!text_slugify(t, &slug, o->title, strlen(o->title))) {
		diag_error(d, "", 0, 0, "the title '%s' gives no file name", o->title);
		goto done;
	}
	if (o->school) {
		school_page = layout_school_path(content, o->school);
		school_bundle = layout_school_bundle(content, o->school);
		if (!text_slug_valid(o->school) || (!exists(school_page) && !exists(school_bundle))) {
			char *needed = layout_school_path(cfg.content_dir, o->school);
			diag_error(d, "", 0, 0, "no school '%s' (%s is needed)", o->school, needed);
			free(needed);
			goto done;
		}
	}
	if (!strcmp(o->kind, "news"))
		flat = layout_news_path(content, o->school, slug.ptr);
	else if (!strcmp(o->kind, "school"))
		flat = layout_school_path(content, slug.ptr);
	else
		flat = layout_plan_path(content, slug.ptr);
	/* "x.md" and "x/index.md" would publish one URL twice, and both be
	 * rejected: the page exists already, in its other shape */
	stem = xstrndup(flat, strlen(flat) - strlen(".md"));
	folder = xasprintf("%s/index.md", stem);
	path = xstrdup(o->bundle ? folder : flat);
	const char *other = o->bundle ? flat : folder;
	if (exists(other)) {
		diag_error(d, other, 0, 0, "the page exists already: edit this file instead");
		goto done;
	}

	struct date today;
	char day[64];
	date_from_epoch(&today, o->now, text_tz_offset(t, o->now));
	today.prec = DATE_DAY;
	date_format_iso(day, &today);

	buf_puts(&doc, "---\ntitle: ");
	add_quoted(&doc, o->title);
	buf_putc(&doc, '\n');
	if (!strcmp(o->kind, "news")) {
		buf_addf(&doc, "date: %s\n", day);
		if (!o->bundle)
			buf_puts(&doc, "# bài có ảnh: tạo bằng loa new news \"Tiêu đề\" --bundle "
				       "(một thư mục bài, ảnh đặt cạnh index.md)\n");
		buf_puts(&doc, "# policy: tuyên truyền chủ trương, chính sách; activity: hoạt động "
			       "chăm sóc, giáo dục trẻ; practice: kinh nghiệm, điển hình\n"
			       "category: activity\n"
			       "tags: []\n"
			       "summary: \"\"\n"
			       "draft: false\n"
			       "---\n"
			       "Viết nội dung bài ở đây. Ảnh đặt trong thư mục của bài và cần có lời "
			       "mô tả, ví dụ `![Các bé rước đèn](anh.jpg)`.\n");

	} else if (!strcmp(o->kind, "school")) {
		buf_puts(&doc, "district: \"\"\n"
			       "province: \"\"\n"
			       "address: \"\"\n"
			       "# mô hình điểm: - { title: \"...\", year: \"2023-2024\", level: \"huyện\" }\n"
			       "models: []\n"
			       "---\n"
			       "Giới thiệu về trường và các mô hình điểm.\n");
	} else {
		buf_addf(&doc, "number: \"\"\nissued: %s\nissuer: \"\"\n", day);
		buf_puts(&doc, "# hoạt động: - { id: \"1\", name: \"...\", lead: \"...\", partners: \"...\", "
			       "due: 2024-05, product: \"...\" }\n"
			       "activities: []\n"
			       "---\n"
			       "Tóm tắt mục đích và nội dung kế hoạch.\n");
	}

	if (make_dirs(path) < 0) {
		diag_error(d, path, 0, 0, "cannot create the folder: %s", strerror(errno));
		goto done;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			diag_error(d, path, 0, 0, "the file exists: not overwritten");
		else
			diag_error(d, path, 0, 0, "cannot write the file");
		goto done;
	}
	ssize_t w = write(fd, doc.ptr, doc.len);
	close(fd);
	if (w != (ssize_t)doc.len) {
		diag_error(d, path, 0, 0, "the file was written incompletely");
		unlink(path);
		goto done;
	}
	*path_out = path;
	path = NULL;
	ret = 0;
done:
	text_free(t);
	free(content);
	arena_release(&a);
	buf_release(&slug);
	buf_release(&doc);
	free(path);
	free(school_page);
	free(school_bundle);
	free(stem);
	free(flat);
	free(folder);
	return ret;
}
