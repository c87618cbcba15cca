/* decap — Decap CMS's config.yml and index.html, from the site and Loa's
 * schema. Strings are written as YAML's double-quoted scalars (JSON's
 * escapes), so no title or path can change the document's structure. */
#include "site/decap.h"
#include "base/buf.h"
#include "content/schema_fields.h"
#include "site/site.h"

#include <string.h>

/* A double-quoted YAML scalar. */
static void q(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			buf_addf(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			buf_addf(b, "\\x%02x", c);
		else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

static void kv(struct buf *b, int indent, const char *key, const char *val)
{
	buf_addf(b, "%*s%s: ", indent, "", key);
	q(b, val);
	buf_putc(b, '\n');
}

/* The writer's words for each key (the interface is Vietnamese). */
static const struct {
	const char *key, *label, *hint;
} labels[] = {
	{ "title", "Tiêu đề", NULL },
	{ "date", "Ngày đăng", NULL },
	{ "category", "Chuyên mục", NULL },
	{ "tags", "Từ khóa", "Các từ khóa ngăn cách bằng dấu phẩy" },
	{ "summary", "Tóm tắt", "Một hai câu giới thiệu bài, hiện trong danh sách tin" },
	{ "author", "Người viết", NULL },
	{ "image", "Ảnh đại diện", NULL },
	{ "address", "Địa chỉ", NULL },
	{ "district", "Quận, huyện", NULL },
	{ "province", "Tỉnh, thành phố", NULL },
	{ "phone", "Điện thoại", NULL },
	{ "email", "Thư điện tử", NULL },
	{ "website", "Trang web", NULL },
	{ "models", "Mô hình điểm", NULL },
	{ "year", "Năm học", NULL },
	{ "level", "Cấp", NULL },
	{ "number", "Số hiệu văn bản", NULL },
	{ "issued", "Ngày ban hành", NULL },
	{ "issuer", "Cơ quan ban hành", NULL },
	{ "signer", "Người ký", NULL },
	{ "activities", "Các hoạt động", NULL },
	{ "id", "Số thứ tự", NULL },
	{ "name", "Tên hoạt động", NULL },
	{ "lead", "Đơn vị chủ trì", NULL },
	{ "partners", "Đơn vị phối hợp", NULL },
	{ "due", "Thời hạn", "Ngày (2023-07-15), tháng (7/2023) hoặc để trống" },
	{ "product", "Sản phẩm", NULL },
};

static const struct {
	const char *value, *label;
} category_labels[] = {
	{ "activity", "Hoạt động chăm sóc, giáo dục trẻ" },
	{ "policy", "Tuyên truyền chủ trương, chính sách" },
	{ "practice", "Kinh nghiệm, điển hình" },
	{ "parents", "Góc phụ huynh" },
};

static void field_label(struct buf *b, int in, const char *key)
{
	for (size_t i = 0; i < sizeof(labels) / sizeof(*labels); i++)
		if (!strcmp(labels[i].key, key)) {
			kv(b, in, "label", labels[i].label);
			if (labels[i].hint)
				kv(b, in, "hint", labels[i].hint);
			return;
		}
	kv(b, in, "label", key);
}

static void choice_options(struct buf *b, int in, const char *const *choices)
{
	buf_addf(b, "%*soptions:\n", in, "");
	for (size_t i = 0; choices[i]; i++) {
		const char *label = choices[i];
		for (size_t j = 0; j < sizeof(category_labels) / sizeof(*category_labels); j++)
			if (!strcmp(category_labels[j].value, choices[i]))
				label = category_labels[j].label;
		buf_addf(b, "%*s- { label: ", in + 2, "");
		q(b, label);
		buf_puts(b, ", value: ");
		q(b, choices[i]);
		buf_puts(b, " }\n");
	}
}

/* One field as a list item at indent in (the "- " included). */
static void field(struct buf *b, int in, const struct schema_field *f)
{
	buf_addf(b, "%*s- name: ", in, "");
	q(b, f->key);
	buf_putc(b, '\n');
	in += 2;
	field_label(b, in, f->key);
	if (!f->required)
		buf_addf(b, "%*srequired: false\n", in, "");
	switch (f->type) {
	case SCHEMA_TEXT:
	case SCHEMA_URL:
		kv(b, in, "widget", "string");
		break;
	case SCHEMA_LONG_TEXT:
		kv(b, in, "widget", "text");
		break;
	case SCHEMA_DATE:
		/* stored as Loa reads it; shown as Vietnamese write dates */
		kv(b, in, "widget", "datetime");
		kv(b, in, "format", "YYYY-MM-DD");
		kv(b, in, "date_format", "DD/MM/YYYY");
		buf_addf(b, "%*stime_format: false\n", in, "");
		buf_addf(b, "%*spicker_utc: true\n", in, "");
		if (!f->required)
			kv(b, in, "default", "");
		break;
	case SCHEMA_BOOL:
		kv(b, in, "widget", "boolean");
		break;
	case SCHEMA_INT:
		kv(b, in, "widget", "number");
		kv(b, in, "value_type", "int");
		break;
	case SCHEMA_TAGS:
		kv(b, in, "widget", "list");
		break;
	case SCHEMA_CHOICE:
		kv(b, in, "widget", "select");
		if (f->choices[0])
			kv(b, in, "default", f->choices[0]);
		choice_options(b, in, f->choices);
		break;
	case SCHEMA_IMAGE:
		kv(b, in, "widget", "image");
		buf_addf(b, "%*schoose_url: false\n", in, "");
		break;
	case SCHEMA_LIST:
		kv(b, in, "widget", "list");
		for (size_t i = 0; i < f->nitems; i++)
			if (f->items[i].required) {
				buf_addf(b, "%*ssummary: \"{{fields.%s}}\"\n", in, "", f->items[i].key);
				break;
			}
		buf_addf(b, "%*sfields:\n", in, "");
		for (size_t i = 0; i < f->nitems; i++)
			if (f->items[i].editable)
				field(b, in, &f->items[i]);
		break;
	}
}

/* The editable fields of kind, then the body. */
static void fields(struct buf *b, int in, enum page_kind kind)
{
	size_t n = 0;
	const struct schema_field *fs = schema_fields(kind, &n);
	buf_addf(b, "%*sfields:\n", in, "");
	for (size_t i = 0; i < n; i++)
		if (fs[i].editable)
			field(b, in, &fs[i]);
	buf_addf(b, "%*s- { name: \"body\", label: \"Nội dung\", widget: \"markdown\" }\n", in, "");
}

static const struct page *school_page(const struct site *s, const char *slug)
{
	size_t i;
	if (!strmap_get(&s->school_by_slug, slug, &i))
		return NULL;
	return s->pages[i];
}

/* A folder of news articles, each a bundle: SLUG/index.md with its photos
 * beside it (media_folder "" is the entry's own folder in Decap). */
static void news_collection(struct buf *b, const struct site *s, const char *school)
{
	const struct site_config *c = &s->config;
	const struct page *sp = school ? school_page(s, school) : NULL;
	struct buf t = BUF_INIT;
	buf_puts(b, "  - name: ");
	buf_addf(&t, "tin-%s", school ? school : "trung-tam");
	q(b, t.ptr);
	buf_putc(b, '\n');
	buf_reset(&t);
	buf_addf(&t, "Tin bài — %s", sp && sp->title ? sp->title : school ? school : "Trung tâm");
	kv(b, 4, "label", t.ptr);
	kv(b, 4, "label_singular", "tin bài");
	buf_reset(&t);
	buf_addf(&t, "%s/news%s%s", c->content_dir, school ? "/" : "", school ? school : "");
	kv(b, 4, "folder", t.ptr);
	buf_release(&t);
	buf_puts(b, "    create: true\n");
	kv(b, 4, "path", "{{slug}}/index");
	kv(b, 4, "media_folder", "");
	kv(b, 4, "public_folder", "");
	kv(b, 4, "format", "yaml-frontmatter");
	kv(b, 4, "summary", "{{title}}");
	buf_puts(b, "    sortable_fields: [\"date\", \"title\"]\n");
	fields(b, 4, PAGE_NEWS);
}

/* The schools' pages, one file each as the site has them: a school's page
 * is the centre's to create, the school's to keep up to date. */
static void schools_collection(struct buf *b, const struct site *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->npages; i++)
		n += s->pages[i]->kind == PAGE_SCHOOL;
	if (!n)
		return;
	buf_puts(b, "  - name: \"truong\"\n");
	kv(b, 4, "label", "Trang giới thiệu trường");
	buf_puts(b, "    files:\n");
	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];
		if (p->kind != PAGE_SCHOOL)
			continue;
		buf_puts(b, "      - name: ");
		q(b, p->filename);
		buf_putc(b, '\n');
		kv(b, 8, "label", p->title ? p->title : p->filename);
		kv(b, 8, "file", p->path);
		kv(b, 8, "format", "yaml-frontmatter");
		if (p->bundle) {
			kv(b, 8, "media_folder", "");
			kv(b, 8, "public_folder", "");
		}
		fields(b, 8, PAGE_SCHOOL);
	}
}

static void plans_collection(struct buf *b, const struct site *s)
{
	struct buf t = BUF_INIT;
	buf_puts(b, "  - name: \"ke-hoach\"\n");
	kv(b, 4, "label", "Kế hoạch");
	kv(b, 4, "label_singular", "kế hoạch");
	buf_addf(&t, "%s/plans", s->config.content_dir);
	kv(b, 4, "folder", t.ptr);
	buf_release(&t);
	buf_puts(b, "    create: true\n");
	kv(b, 4, "format", "yaml-frontmatter");
	fields(b, 4, PAGE_PLAN);
}

static void backend(struct buf *b, const struct editor_config *e)
{
	buf_puts(b, "backend:\n");
	kv(b, 2, "name", !strcmp(e->backend, "test") ? "test-repo" : e->backend);
	if (e->repo)
		kv(b, 2, "repo", e->repo);
	kv(b, 2, "branch", e->branch);
	if (e->base_url)
		kv(b, 2, "base_url", e->base_url);
	if (e->api_root)
		kv(b, 2, "api_root", e->api_root);
	if (e->app_id) {
		kv(b, 2, "app_id", e->app_id);
		kv(b, 2, "auth_type", "pkce");
	}
	if (!strcmp(e->backend, "proxy"))
		kv(b, 2, "proxy_url",
		   e->proxy_url ? e->proxy_url : "http://localhost:8081/api/v1");
	/* the article's title as the commit's message, in Vietnamese */
	buf_puts(b, "  commit_messages:\n");
	kv(b, 4, "create", "Thêm bài {{collection}}: {{slug}}");
	kv(b, 4, "update", "Sửa bài {{collection}}: {{slug}}");
	kv(b, 4, "delete", "Xóa bài {{collection}}: {{slug}}");
	kv(b, 4, "uploadMedia", "Thêm ảnh {{path}}");
	kv(b, 4, "deleteMedia", "Xóa ảnh {{path}}");
}

void decap_config_yml(const struct site *s, struct buf *b)
{
	const struct site_config *c = &s->config;
	const struct editor_config *e = c->editor;
	buf_puts(b, "# Made by Loa from site.yaml (editor:) and Loa's schema of each kind of\n"
		    "# page, at every build: edit site.yaml, not this file.\n");
	kv(b, 0, "locale", "vi");
	backend(b, e);
	if (e->workflow)
		kv(b, 0, "publish_mode", "editorial_workflow");
	if (strcmp(c->base_url, "/") != 0) {
		kv(b, 0, "site_url", c->base_url);
		kv(b, 0, "display_url", c->base_url);
	}
	/* collections keep photos in each article's folder; this is only
	 * for pages that are single files */
	kv(b, 0, "media_folder", "static/anh");
	kv(b, 0, "public_folder", "/anh");
	buf_puts(b, "slug:\n");
	kv(b, 2, "encoding", "ascii");
	buf_puts(b, "  clean_accents: true\n");
	kv(b, 2, "sanitize_replacement", "-");
	buf_puts(b, "collections:\n");
	if (c->nschools == 0)
		news_collection(b, s, NULL);
	for (size_t i = 0; i < c->nschools; i++)
		news_collection(b, s, c->schools[i].school);
	schools_collection(b, s);
	plans_collection(b, s);
}

void decap_index_html(const struct site *s, struct buf *b)
{
	buf_puts(b, "<!doctype html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<meta name=\"robots\" content=\"noindex, nofollow\">\n<title>Viết bài — ");
	buf_add_html(b, s->config.title, strlen(s->config.title));
	buf_puts(b, "</title>\n<link href=\"config.yml\" type=\"text/yaml\" rel=\"cms-config-url\">\n"
		    "</head>\n<body>\n<script src=\"decap-cms.js\"></script>\n</body>\n</html>\n");
}
