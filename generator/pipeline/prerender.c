/* prerender — see prerender.h.
 *
 * The helper is forked when the build starts, while the builder is still
 * small, and waits. Forked after the load instead, it shared the loaded
 * site's pages with the builder, and each page the builder then wrote
 * (the Lua state's set-up) was copied at its first write: 8,700 faults,
 * 0.23-0.4 s more Lua set-up at 10,000 pages, as much as the helper saved.
 * So after the load the builder writes what the helper needs (each
 * content page's path, URL, first line and body; each bundle file's path
 * and URL, for the links; the options) into a memory file, and sends its
 * size. The helper renders the pages in order: HTML and encoded
 * diagnostics appended to a second memory file, then the page's slot
 * written in a third. Killed when the builder is about to fork its
 * workers, it leaves the slots of the pages it finished; the builder
 * reads them, and the workers read those pages' bytes with pread. None
 * of it is mapped by the builder or the workers: it is not in their
 * resident memory. */
#include "pipeline/prerender.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/str.h"
#include "base/strmap.h"
#include "base/sysutil.h"
#include "base/xalloc.h"
#include "content/page.h"
#include "content/text.h"
#include "markup/markdown.h"
#include "pipeline/pool.h"
#include "site/site.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* fewer content pages than this: not worth the copy of the bodies */
enum { PRERENDER_MIN_PAGES = 64 };
/* The memory files are memory: the bodies given to the helper, and the
 * HTML it keeps, are bounded (at 10,000 pages they are 30 and 40 MB; a
 * site of hundreds of thousands of pages has the rest rendered by the
 * workers as before). The input it has read is given back as it goes. */
#define PRERENDER_BODIES_MAX ((uint64_t)256 << 20)
#define PRERENDER_HTML_MAX ((uint64_t)512 << 20)
enum { PRERENDER_RELEASE_STEP = 4 << 20 };

/* A page's slot in the slots file; done 0: not made. */
struct slot {
	uint32_t done, structure; /* structure: a link was resolved against the site */
	uint64_t offset, html_len, diags_len;
};

struct prerender {
	int in_fd, data_fd, slots_fd;
	int go_fd; /* the builder's end of the socket the helper waits on */
	pid_t pid; /* 0: not running */
	struct slot *slots; /* read back by prerender_stop */
	size_t npages, ncontent, made;
};

static bool is_content(const struct page *p)
{
	return p->kind != PAGE_SECTION && p->kind != PAGE_HOME;
}

/* ---- the helper ------------------------------------------------------- */

/* What the helper's callbacks saw of one page. */
struct page_ctx {
	const struct site *s;
	const struct page *p;
	bool structure; /* a link resolved against the site */
	bool left;      /* a shortcode or an image: left to the workers */
};

/* The render worker's link resolver (render.c), on the helper's site. */
static int link_fn(void *ctx, const char *url, struct buf *out)
{
	struct page_ctx *c = ctx;
	int r = site_resolve_link(c->s, c->p, url, out);
	if (r != 0)
		c->structure = true;
	return r;
}

/* A shortcode runs plugin code, which the helper does not have. */
static int shortcode_fn(void *ctx, const char *name, const char *const *keys,
			const char *const *values, size_t nargs, struct buf *html, struct buf *err)
{
	(void)name, (void)keys, (void)values, (void)nargs, (void)html, (void)err;
	((struct page_ctx *)ctx)->left = true;
	return -1;
}

/* An image's sizes come from the image stage, which runs later. */
static int image_fn(void *ctx, const char *url, struct markdown_image *img)
{
	(void)url, (void)img;
	((struct page_ctx *)ctx)->left = true;
	return 0;
}

/* The input, read in order. */
struct reader {
	const char *p, *end;
	bool bad;
};

static uint64_t get_u64(struct reader *r)
{
	uint64_t v = 0;
	if ((size_t)(r->end - r->p) < sizeof(v)) {
		r->bad = true;
		return 0;
	}
	memcpy(&v, r->p, sizeof(v));
	r->p += sizeof(v);
	return v;
}

/* A string of the input, NUL-terminated there (the builder wrote one). */
static const char *get_str(struct reader *r, size_t *len)
{
	uint64_t n = get_u64(r);
	if (r->bad || n >= (uint64_t)(r->end - r->p) || r->p[n] != '\0') {
		r->bad = true;
		*len = 0;
		return "";
	}
	const char *s = r->p;
	*len = (size_t)n;
	r->p += n + 1;
	return s;
}

/* The helper's site: what markdown_render and site_resolve_link read. */
static bool read_site(struct reader *r, struct site *s, bool *unsafe, const char **tz,
		      const char **base_path)
{
	size_t len;
	*unsafe = get_u64(r) != 0;
	*tz = xstrdup(get_str(r, &len));
	*base_path = xstrdup(get_str(r, &len));
	size_t npages = (size_t)get_u64(r);
	if (r->bad || npages > (size_t)(r->end - r->p))
		return false;
	s->pages = xcalloc(npages + 1, sizeof(*s->pages));
	for (size_t i = 0; i < npages && !r->bad; i++) {
		struct page *p = xcalloc(1, sizeof(*p));
		p->kind = get_u64(r) ? PAGE_NEWS : PAGE_SECTION; /* content, or only linked to */
		p->body_line = (int)get_u64(r);
		/* copied: the input is given back as the bodies are read */
		p->path = xstrdup(get_str(r, &len));
		p->url = xstrdup(get_str(r, &len));
		p->body = get_str(r, &p->body_len);
		s->pages[s->npages++] = p;
		strmap_put(&s->page_by_path, p->path, i, NULL);
	}
	size_t nfiles = (size_t)get_u64(r);
	if (r->bad || nfiles > (size_t)(r->end - r->p))
		return false;
	s->bundle_urls = xcalloc(nfiles + 1, sizeof(*s->bundle_urls));
	for (size_t i = 0; i < nfiles && !r->bad; i++) {
		const char *path = xstrdup(get_str(r, &len));
		s->bundle_urls[s->nbundle_urls++] = xstrdup(get_str(r, &len));
		strmap_put(&s->file_url, path, i, NULL);
	}
	return !r->bad;
}

/* Renders every content page of the input, in order, until killed. */
static void render_all(int in_fd, int data_fd, int slots_fd, size_t size)
{
	const char *in = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, in_fd, 0) : MAP_FAILED;
	if (in == MAP_FAILED)
		return;
	struct reader r = { in, in + size, false };
	struct site s;
	memset(&s, 0, sizeof(s));
	bool unsafe;
	const char *tz, *base_path;
	if (!read_site(&r, &s, &unsafe, &tz, &base_path))
		return;
	markdown_init();
	/* ICU objects are one process's: the helper opens its own */
	struct diag_list quiet = DIAG_LIST_INIT;
	if (text_open(&s.text, tz, &quiet) < 0)
		return;
	struct buf html = BUF_INIT, enc = BUF_INIT;
	uint64_t at = 0;
	size_t released = 0; /* the input before this offset is given back */
	for (size_t i = 0; i < s.npages; i++) {
		const struct page *p = s.pages[i];
		/* the bodies are in page order: what lies before this one is read */
		size_t here = (size_t)(p->body - in) & ~(size_t)(PRERENDER_RELEASE_STEP - 1);
		if (p->body_len && here > released + PRERENDER_RELEASE_STEP) {
			(void)fallocate(in_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					(off_t)released, (off_t)(here - released));
			released = here;
		}
		if (p->kind == PAGE_SECTION || !p->body_len)
			continue;
		struct page_ctx c = { &s, p, false, false };
		struct markdown_opts mo = { p->path,	  p->body_line - 1, unsafe,	link_fn,
					    &c,		  s.text,	    shortcode_fn, &c,
					    image_fn,	  &c,		    base_path };
		struct diag_list d = DIAG_LIST_INIT;
		buf_reset(&html);
		buf_reset(&enc);
		int rc = markdown_render(&html, p->body, p->body_len, &mo, &d);
		diag_list_encode(&enc, &d);
		diag_list_release(&d);
		if (rc != 0 || c.left)
			continue;
		if (at + html.len + enc.len > PRERENDER_HTML_MAX)
			return; /* the rest is the workers' */
		if (sys_write_all(data_fd, html.ptr, html.len) < 0 ||
		    sys_write_all(data_fd, enc.ptr, enc.len) < 0)
			return; /* no room: the rest is the workers' */
		struct slot sl = { 1, c.structure, at, html.len, enc.len };
		at += html.len + enc.len;
		off_t where = (off_t)i * (off_t)sizeof(sl); /* the builder's page i */
		if (pwrite(slots_fd, &sl, sizeof(sl), where) != (ssize_t)sizeof(sl))
			return;
	}
}

/* The helper: waits for the input's size and its memory limit, or for
 * the socket's end (nothing to do). */
static void __attribute__((noreturn)) helper_main(struct prerender *pr, int go, pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	pool_child_reset_signals();
	uint64_t msg[2];
	size_t got = 0;
	while (got < sizeof(msg)) {
		ssize_t n = read(go, (char *)msg + got, sizeof(msg) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);
		got += (size_t)n;
	}
	pool_child_limit_memory((size_t)msg[1]);
	/* only the CPU the builder leaves: its plugin stage runs threads too
	 * (the search's bodies), which must not wait for this */
	(void)setpriority(PRIO_PROCESS, 0, 19); /* refused: it runs as it is */
	render_all(pr->in_fd, pr->data_fd, pr->slots_fd, (size_t)msg[0]);
	_exit(0);
}

/* ---- the builder's side ----------------------------------------------- */

struct prerender *prerender_fork(void)
{
	const char *off = getenv("LOA_PRERENDER");
	if (off && strcmp(off, "0") == 0)
		return NULL;
	struct prerender *pr = xcalloc(1, sizeof(*pr));
	int go[2] = { -1, -1 };
	pr->in_fd = memfd_create("loa-prerender-in", MFD_CLOEXEC);
	pr->data_fd = memfd_create("loa-prerender-html", MFD_CLOEXEC);
	pr->slots_fd = memfd_create("loa-prerender-slots", MFD_CLOEXEC);
	pr->go_fd = -1;
	/* a socket, not a pipe: a helper that died makes send fail with
	 * EPIPE (MSG_NOSIGNAL), where a pipe's write would kill the builder */
	if (pr->in_fd < 0 || pr->data_fd < 0 || pr->slots_fd < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, go) < 0) {
		prerender_free(pr);
		return NULL;
	}
	pid_t parent = getpid();
	/* stdio buffers would otherwise be flushed twice, once by the helper */
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(go[1]);
		helper_main(pr, go[0], parent);
	}
	close(go[0]);
	pr->go_fd = go[1];
	if (pid < 0) {
		prerender_free(pr);
		return NULL;
	}
	pr->pid = pid;
	return pr;
}

/* Appends a length and the string with its NUL. */
static void put_str(struct buf *b, const char *s, size_t len)
{
	uint64_t n = len;
	buf_add(b, &n, sizeof(n));
	buf_add(b, s ? s : "", len);
	buf_putc(b, '\0');
}

static void put_u64(struct buf *b, uint64_t v)
{
	buf_add(b, &v, sizeof(v));
}

/* Writes what b holds to fd once it is large, or always when flush. */
static bool drain(int fd, struct buf *b, bool flush)
{
	if (!flush && b->len < (1u << 20))
		return true;
	bool ok = sys_write_all(fd, b->ptr, b->len) == 0;
	buf_reset(b);
	return ok;
}

int prerender_feed(struct prerender *pr, const struct site *s, size_t mem_limit)
{
	if (!pr)
		return -1;
	/* a spare core, and most pages to render: the parsed files' table
	 * gave less than half of them (a first build, or without the cache) */
	size_t ncontent = 0;
	for (size_t i = 0; i < s->npages; i++)
		ncontent += is_content(s->pages[i]);
	if (s->opts.read_threads < 2 || s->blobs_cached * 2 >= s->blobs_files + 1 ||
	    ncontent < PRERENDER_MIN_PAGES)
		return -1;
	pr->npages = s->npages;
	pr->ncontent = ncontent;
	struct buf b = BUF_INIT;
	put_u64(&b, s->config.unsafe_html);
	const char *tz = s->config.timezone ? s->config.timezone : "";
	const char *base = s->config.base_path ? s->config.base_path : "";
	put_str(&b, tz, strlen(tz));
	put_str(&b, base, strlen(base));
	/* every page, for the links; the content pages' bodies */
	put_u64(&b, s->npages);
	bool ok = true;
	uint64_t bodies = 0;
	for (size_t i = 0; i < s->npages && ok; i++) {
		const struct page *p = s->pages[i];
		/* past the budget a page is sent without its body: the links
		 * to it still resolve, the workers render it */
		bool content = is_content(p) && bodies + p->body_len <= PRERENDER_BODIES_MAX;
		bodies += content ? p->body_len : 0;
		put_u64(&b, content);
		put_u64(&b, (uint64_t)p->body_line);
		put_str(&b, p->path, strlen(p->path));
		put_str(&b, p->url, p->url ? strlen(p->url) : 0);
		/* the body from where it lies, not copied into b first */
		uint64_t n = content ? p->body_len : 0;
		put_u64(&b, n);
		struct iovec parts[3] = { { b.ptr, b.len },
					  { (void *)(content && p->body ? p->body : ""), n },
					  { (void *)"", 1 } };
		ok = sys_writev_all(pr->in_fd, parts, 3) == 0;
		buf_reset(&b);
	}
	/* the bundles' files, for links to them: each as the site maps it */
	size_t nfiles = 0;
	for (size_t i = 0; i < s->npages; i++)
		nfiles += s->pages[i]->nfiles;
	put_u64(&b, nfiles);
	for (size_t i = 0; i < s->npages && ok; i++) {
		const struct page *p = s->pages[i];
		for (size_t k = 0; k < p->nfiles; k++) {
			size_t at;
			const char *path = p->files[k].src_path;
			const char *url = strmap_get(&s->file_url, path, &at) ? s->bundle_urls[at] : "";
			put_str(&b, path, strlen(path));
			put_str(&b, url, strlen(url));
		}
		ok = drain(pr->in_fd, &b, false);
	}
	ok = ok && drain(pr->in_fd, &b, true);
	buf_release(&b);
	struct stat st;
	uint64_t msg[2] = { 0, mem_limit };
	if (!ok || fstat(pr->in_fd, &st) < 0)
		return -1;
	msg[0] = (uint64_t)st.st_size;
	/* the helper waits for these 16 bytes: the socket takes them at once */
	ssize_t sent;
	do
		sent = send(pr->go_fd, msg, sizeof(msg), MSG_NOSIGNAL);
	while (sent < 0 && errno == EINTR);
	if (sent != (ssize_t)sizeof(msg))
		return -1;
	close(pr->go_fd);
	pr->go_fd = -1;
	return 0;
}

void prerender_stop(struct prerender *pr)
{
	if (!pr)
		return;
	if (pr->go_fd >= 0) {
		close(pr->go_fd); /* never fed: it sees the end and exits */
		pr->go_fd = -1;
	}
	if (!pr->pid)
		return;
	/* LOA_PRERENDER=wait: let it finish (tests: what it makes is then
	 * the same whatever the machine's speed) */
	const char *mode = getenv("LOA_PRERENDER");
	if (!mode || strcmp(mode, "wait") != 0)
		kill(pr->pid, SIGKILL);
	pid_t r;
	do
		r = waitpid(pr->pid, NULL, 0);
	while (r < 0 && errno == EINTR);
	pr->pid = 0;
	if (!pr->npages)
		return;
	/* the slots it wrote; a page it had not reached reads as zeros */
	pr->slots = xcalloc(pr->npages, sizeof(*pr->slots));
	ssize_t n = pread(pr->slots_fd, pr->slots, pr->npages * sizeof(*pr->slots), 0);
	size_t whole = n > 0 ? (size_t)n / sizeof(*pr->slots) : 0;
	pr->made = 0;
	for (size_t i = 0; i < pr->npages; i++) {
		if (i >= whole)
			pr->slots[i].done = 0;
		pr->made += pr->slots[i].done == 1;
	}
	close(pr->in_fd); /* the input is not needed again */
	pr->in_fd = -1;
}

int prerender_pid(const struct prerender *pr)
{
	return pr ? (int)pr->pid : 0;
}

void prerender_counts(const struct prerender *pr, size_t *made, size_t *pages)
{
	*made = pr ? pr->made : 0;
	*pages = pr ? pr->ncontent : 0;
}

int prerender_take(const struct prerender *pr, size_t page, struct buf *html,
		   struct diag_list *d, bool *structure)
{
	if (!pr || !pr->slots || page >= pr->npages || pr->slots[page].done != 1)
		return 0;
	const struct slot *sl = &pr->slots[page];
	/* read where the HTML goes, straight into html; the diagnostics
	 * after it are decoded there, then left past its end */
	size_t len = (size_t)(sl->html_len + sl->diags_len);
	buf_grow(html, len);
	char *at = html->ptr + html->len;
	ssize_t n = len ? pread(pr->data_fd, at, len, (off_t)sl->offset) : 0;
	if (n != (ssize_t)len) {
		*at = '\0';
		return 0;
	}
	diag_list_decode(d, at + sl->html_len, (size_t)sl->diags_len);
	html->len += (size_t)sl->html_len;
	html->ptr[html->len] = '\0';
	*structure = sl->structure != 0;
	return 1;
}

void prerender_free(struct prerender *pr)
{
	if (!pr)
		return;
	prerender_stop(pr);
	if (pr->in_fd >= 0)
		close(pr->in_fd);
	if (pr->data_fd >= 0)
		close(pr->data_fd);
	if (pr->slots_fd >= 0)
		close(pr->slots_fd);
	free(pr->slots);
	free(pr);
}
