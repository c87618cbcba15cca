/* floor — the benchmark's lower bound (bench/run.py): reads every Markdown
 * file below a content folder, skips its front matter, renders it with
 * cmark-gfm (the extensions Loa attaches) and writes each result as
 * OUT/<path without .md>/index.html, one process, one thread, no templates.
 * With --files N it writes N files in all: after one file per page, more
 * copies of rendered pages below OUT/extra/, so that it creates as many
 * files as the generator it is compared with.
 *
 *   floor CONTENT_DIR OUT_DIR [--files N]
 *
 * Prints "floor: P pages, F files, B bytes" on standard error. */
#define _GNU_SOURCE
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const extension_names[] = {
	"table", "autolink", "strikethrough", "tasklist", "tagfilter",
};

struct state {
	const char *out_dir;
	size_t root_len;
	size_t pages, files, bytes;
	char *last_html; /* kept for the extra copies */
	size_t last_len;
};

static void die(const char *what, const char *path)
{
	fprintf(stderr, "floor: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static void mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			die("cannot create", path);
		*p = '/';
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		die("cannot create", path);
}

static void write_file(struct state *s, const char *dir, const char *html, size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s", dir);
	mkdirs(path);
	snprintf(path, sizeof(path), "%s/index.html", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("cannot write", path);
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, html + off, len - off);
		if (n < 0)
			die("cannot write", path);
		off += (size_t)n;
	}
	close(fd);
	s->files++;
	s->bytes += len;
}

static char *read_all(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("cannot read", path);
	struct stat st;
	if (fstat(fd, &st) < 0)
		die("cannot stat", path);
	char *data = malloc((size_t)st.st_size + 1);
	size_t have = 0;
	ssize_t n;
	while (data && (n = read(fd, data + have, (size_t)st.st_size - have)) > 0)
		have += (size_t)n;
	close(fd);
	if (!data)
		die("out of memory reading", path);
	data[have] = '\0';
	*len = have;
	return data;
}

/* the body after a leading "---" … "---" block */
static const char *skip_front_matter(const char *src, size_t *len)
{
	if (*len < 4 || strncmp(src, "---\n", 4) != 0)
		return src;
	const char *end = strstr(src + 4, "\n---\n");
	if (!end)
		return src;
	end += 5;
	*len -= (size_t)(end - src);
	return end;
}

static char *render(const char *md, size_t len)
{
	cmark_parser *p = cmark_parser_new(CMARK_OPT_VALIDATE_UTF8);
	for (size_t i = 0; i < sizeof(extension_names) / sizeof(extension_names[0]); i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(extension_names[i]);
		if (ext)
			cmark_parser_attach_syntax_extension(p, ext);
	}
	cmark_parser_feed(p, md, len);
	cmark_node *doc = cmark_parser_finish(p);
	char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(p));
	cmark_node_free(doc);
	cmark_parser_free(p);
	return html;
}

static void render_page(struct state *s, const char *path)
{
	size_t n = strlen(path);
	size_t len;
	char *src = read_all(path, &len);
	const char *body = skip_front_matter(src, &len);
	char *html = render(body, len);
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/%.*s", s->out_dir, (int)(n - 3 - s->root_len),
		 path + s->root_len);
	write_file(s, dir, html, strlen(html));
	s->pages++;
	free(s->last_html);
	s->last_html = html;
	s->last_len = strlen(html);
	free(src);
}

static void walk(struct state *s, const char *dir)
{
	DIR *dh = opendir(dir);
	if (!dh)
		die("cannot open", dir);
	struct dirent *e;
	while ((e = readdir(dh))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(path, &st) < 0)
			die("cannot stat", path);
		size_t n = strlen(path);
		if (S_ISDIR(st.st_mode))
			walk(s, path);
		else if (S_ISREG(st.st_mode) && n > 3 && strcmp(path + n - 3, ".md") == 0)
			render_page(s, path);
	}
	closedir(dh);
}

int main(int argc, char **argv)
{
	if (argc != 3 && !(argc == 5 && strcmp(argv[3], "--files") == 0)) {
		fprintf(stderr, "usage: floor CONTENT_DIR OUT_DIR [--files N]\n");
		return 2;
	}
	size_t want = argc == 5 ? strtoul(argv[4], NULL, 10) : 0;
	cmark_gfm_core_extensions_ensure_registered();
	struct state s = { argv[2], strlen(argv[1]), 0, 0, 0, NULL, 0 };
	if (mkdir(argv[2], 0755) < 0 && errno != EEXIST)
		die("cannot create", argv[2]);
	walk(&s, argv[1]);
	for (size_t k = 0; s.last_html && s.files < want; k++) {
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s/extra/%zu", s.out_dir, k);
		write_file(&s, dir, s.last_html, s.last_len);
	}
	free(s.last_html);
	fprintf(stderr, "floor: %zu pages, %zu files, %zu bytes\n", s.pages, s.files, s.bytes);
	return 0;
}
