/* tmpdir — serve's temporary folder (the built site lives there, outside
 * the work tree) and the sweep of the folders that killed servers left. */
#include "cmd/serve/serve_internal.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/sysutil.h"
#include "base/xalloc.h"
#include "pipeline/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A serve's temporary folder is TMPDIR/loa-serve.PID-START.XXXXXX: the
 * process id and its start time (clock ticks after boot, from
 * /proc/PID/stat), so that the folder of a server that was killed can be
 * told from a running one's, even after its process id is reused. */
#define TMP_PREFIX "loa-serve."

/* The start time of process pid, 0 when unknown. */
static unsigned long long proc_start(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	struct buf b = BUF_INIT;
	unsigned long long start = 0;
	if (sys_read_file(path, 4096, false, &b) == 0) {
		/* the name in parentheses may hold spaces: fields count from the
		 * last ')'; the start time is field 22, the 20th after it */
		const char *p = b.len ? strrchr(b.ptr, ')') : NULL;
		for (int field = 2; p && field < 22; field++)
			p = strchr(p + 1, ' ');
		if (p)
			start = strtoull(p + 1, NULL, 10);
	}
	buf_release(&b);
	return start;
}

/* Parses NAME as TMP_PREFIX PID '-' START '.' and six characters of
 * mkdtemp's alphabet, nothing else. */
static bool parse_tmp_name(const char *name, pid_t *pid, unsigned long long *start)
{
	size_t plen = strlen(TMP_PREFIX);
	if (strncmp(name, TMP_PREFIX, plen))
		return false;
	const char *p = name + plen;
	char *end;
	if (*p < '1' || *p > '9')
		return false;
	errno = 0;
	long v = strtol(p, &end, 10);
	if (errno || v <= 0 || v > INT_MAX || *end != '-' || end[1] < '0' || end[1] > '9')
		return false;
	*pid = (pid_t)v;
	p = end + 1;
	*start = strtoull(p, &end, 10);
	if (errno || *end != '.')
		return false;
	p = end + 1;
	for (int i = 0; i < 6; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
		      (p[i] >= '0' && p[i] <= '9')))
			return false;
	return p[6] == '\0';
}

/* True unless process pid is gone, or is another process that got its id
 * (its start time differs). When in doubt, alive: the folder is kept. */
static bool owner_alive(pid_t pid, unsigned long long start)
{
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return false;
	unsigned long long now = proc_start(pid);
	return !(start && now && now != start);
}

/* Removes the temporary folders that killed servers of this user left in
 * tmpdir (SIGKILL, a crash, a power cut): only folders named as serve
 * names them, owned by us, not symlinks, whose process is dead; removed
 * without following any symlink inside. */
static void sweep_stale(const char *tmpdir, enum msg_lang lang)
{
	int dfd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	int lfd = dup(dfd);
	DIR *d = lfd >= 0 ? fdopendir(lfd) : NULL;
	if (!d) {
		if (lfd >= 0)
			close(lfd);
		close(dfd);
		return;
	}
	const struct dirent *e;
	while ((e = readdir(d))) {
		pid_t pid;
		unsigned long long start;
		struct stat st;
		if (!parse_tmp_name(e->d_name, &pid, &start) || pid == getpid())
			continue;
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != geteuid() || owner_alive(pid, start))
			continue;
		if (publish_remove_tree(dfd, e->d_name) == 0)
			msg_fprintf(stderr, lang,
				    "loa serve: removed the temporary folder of a server that was "
				    "stopped: %s/%s\n",
				    tmpdir, e->d_name);
	}
	closedir(d);
	close(dfd);
}

char *tmpdir_create(enum msg_lang lang, struct diag_list *diags)
{
	const char *tmpdir = getenv("TMPDIR");
	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	sweep_stale(tmpdir, lang);
	char *tmp_root = xasprintf("%s/" TMP_PREFIX "%d-%llu.XXXXXX", tmpdir, (int)getpid(),
				   proc_start(getpid()));
	if (!mkdtemp(tmp_root)) {
		diag_error(diags, "", 0, 0,
			   "cannot make a temporary folder %s: %s",
			   tmp_root, strerror(errno));
		free(tmp_root);
		return NULL;
	}
	return tmp_root;
}
