#!/usr/bin/env python3
"""bench/run.py — Loa against Hugo and the cmark-gfm floor, side by side.

    python3 bench/run.py [--sizes "1000 10000 50000"] [--runs 3] [--seed 42]
                         [--shared ../shared/bench] [--loa build/loa]

`make bench` runs it through bench/run.sh, which installs Hugo and GNU time
when missing and builds loa first. Environment variables SIZES, RUNS, SEED,
BENCH_SHARED and BENCH_TMP set the same things as the options.

For each size it makes (once; cached in build/bench/ by size, seed, commits
and a hash of the generator) a corpus with ../shared/bench/gen_corpus.py as
a git repository, adds the Loa settings the corpus needs (plan permalinks
by year and file name, since plan titles repeat, with repeated plan file
names made unique; 20 items per list page like the Hugo skeleton; stage
and page deadlines a loaded machine cannot pass) in one more commit, copies the Hugo skeleton beside a copy
of content/, and compiles bench/floor.c against the same cmark-gfm.

Then, writing to tmpfs (BENCH_TMP, default /dev/shm) into an empty folder
each time, it runs Loa, Hugo and the floor alternately, RUNS times each,
every run under /usr/bin/time -v, and reports the medians: wall time,
user+system CPU, peak resident memory of the largest process, pages per
second. At 10,000 pages (or the middle size) it also compares Loa with
--jobs 1 (parallel overhead) and times the incremental cases, each a build
of the push before (another article edited), one at a base commit and then
one at a commit made from it with plumbing (the first rebuild after a full
build, without a standby site, is timed too): nothing
changed; one article's body; one article's title; one school page;
site.yaml; a theme file (of a copy of the shipped theme committed in the
corpus); one article added (the newest); one article added whose only tag
no page had; and one article's body saved in a work tree (a checkout of the
corpus) and built with --worktree, as each rebuild of `loa serve` does,
after two builds of that work tree; and a full build with --no-cache. One
Loa run per size with LOA_TIMINGS=1 gives the stage times (the git history
walk among them); one more, sampled every 50 ms, the memory of all of
Loa's processes together; scripts/search-bytes.js (with node) the bytes one
search query downloads. One more body edit and title edit, with
LOA_TIMINGS=1 and LOA_DEBUG=handlers, give their stages and plugins.

Above 100,000 pages (LOA_ALONE_ABOVE) Loa is built once, alone with the
floor: Hugo's peak memory grows with the pages (8 GB at 50,000), more than
the machine has at 500,000, and each run takes minutes. That one run is
timed, sampled for memory and gives the stage times; its output and cache
go to a folder on disk under build/bench/ when BENCH_TMP has not room for
100 KB a page.

The tables go to standard output and to build/bench/results.md, with the
machine it ran on, ending with the goals of issue 14, each met or, when
not, what this run measured that bounds it: the cache's cost, the CPU a
page above the floor and the serial stages for the full build; the stages
and costliest plugins for the rebuilds.
"""
import argparse
import hashlib
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_DIR = os.path.join(ROOT, "build", "bench")
# Plan titles and numbers repeat in the corpus: by file name (and year, as
# 50,000 pages repeat file names across year folders); 20 items per list
# page like the Hugo skeleton's paginate.
LOA_SETTINGS = ('page_size: 20\npermalinks:\n  plan: "/ke-hoach/:year/:filename/"\n'
                # the plugin stage of 50,000 pages on a shared 2-core
                # machine can pass the 60 s default
                # and a page's render can pass the 5 s one
                'limits:\n  plugin_seconds: 1200\n  render_seconds: 60\n')
# Above 90,000 pages: more files under content/ than the default cap
# (100,000, HOSTILE 8) and an outreach dashboard of 10,000 schools and
# more, whose render needs more Lua room than the default 256 MB.
LARGE_SETTINGS = '  max_files: 1000000\n  render_memory_mb: 2048\n'


def loa_settings(n):
    return LOA_SETTINGS + (LARGE_SETTINGS if n > 90000 else '')


# Above this many pages, Loa alone and once (see the module's comment).
LOA_ALONE_ABOVE = 100000
# Output and cache of a full build, a page (80 KB at 50,000 pages), with room.
OUT_BYTES_PER_PAGE = 100 * 1024

# Corpus post-processing version (part of the cache key): plan file names
# made unique (see unique_plans).
CORPUS_FIX = "u1"
FIXED_DATE = "2025-01-11T08:00:00+07:00"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def commits_for(n):
    """History length of a corpus: 200 commits for 1,000 pages, 1,000 for
    10,000, 5,000 for 50,000 (a commit per ten pages, within 200..5,000)."""
    return max(200, min(5000, n // 10))


def file_hash(path):
    with open(path, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()[:10]


def run_quiet(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if p.returncode != 0:
        log(p.stdout)
        sys.exit(f"bench: failed: {' '.join(cmd)}")
    return p.stdout


# ---- corpora -----------------------------------------------------------------


def make_corpus(gen, n, seed):
    """The git corpus for n pages (cached), and the Hugo site beside it."""
    commits = commits_for(n)
    settings = hashlib.sha1(loa_settings(n).encode()).hexdigest()[:6]
    key = f"{n}-s{seed}-c{commits}-g{file_hash(gen)}-l{settings}{CORPUS_FIX}"
    repo = os.path.join(BENCH_DIR, f"corpus-{key}")
    hugo = os.path.join(BENCH_DIR, f"hugo-{key}")
    stamp = repo + ".ok"
    if not os.path.exists(stamp):
        log(f"bench: generating {n} pages, {commits} commits (seed {seed}) ...")
        for d in (repo, hugo):
            shutil.rmtree(d, ignore_errors=True)
        tmp = repo + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        t0 = time.monotonic()
        run_quiet([sys.executable, gen, tmp, str(n), "--seed", str(seed), "--git", str(commits)])
        with open(os.path.join(tmp, "site.yaml")) as f:
            cfg = f.read()
        if "permalinks:" not in cfg:
            with open(os.path.join(tmp, "site.yaml"), "a") as f:
                f.write(loa_settings(n))
            unique_plans(tmp)
            env = dict(os.environ, GIT_AUTHOR_DATE=FIXED_DATE, GIT_COMMITTER_DATE=FIXED_DATE)
            run_quiet(["git", "-C", tmp, "-c", "user.name=bench", "-c", "user.email=bench@loa.invalid",
                       "commit", "-q", "-a", "-m", "bench: Loa settings"], env=env)
        os.rename(tmp, repo)
        open(stamp, "w").close()
        log(f"bench: corpus ready in {time.monotonic() - t0:.0f} s: {repo}")
    if not os.path.exists(hugo + ".ok"):
        shutil.rmtree(hugo, ignore_errors=True)
        os.makedirs(hugo)
        shutil.copytree(os.path.join(repo, "content"), os.path.join(hugo, "content"))
        skel = os.path.join(os.path.dirname(gen), "hugo-site")
        for name in os.listdir(skel):
            src = os.path.join(skel, name)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(hugo, name))
            else:
                shutil.copy(src, os.path.join(hugo, name))
        open(hugo + ".ok", "w").close()
    return repo, hugo, commits


def unique_plans(repo):
    """gen_corpus.py repeats plan file names (within a year's folder at
    50,000 pages, and across years), so that /ke-hoach/:year/:filename/
    collides: rename each repeat NAME.md to NAME-2.md, NAME-3.md, … in
    path order (git mv, committed with the settings). Hugo gets the same
    files (its content/ is copied from this checkout)."""
    root = os.path.join(repo, "content", "plans")
    walk = [(d, sorted(f for f in files if f.endswith(".md") and f != "_index.md"))
            for d, _, files in sorted(os.walk(root))]
    # a new name is taken by no file (at 100,000 pages the corpus has
    # NAME.md and NAME-2.md of its own) and by no earlier rename
    taken = {name[:-3] for _, names in walk for name in names}
    seen = {}
    moves = []
    for d, names in walk:
        for name in names:
            stem = name[:-3]
            seen[stem] = seen.get(stem, 0) + 1
            if seen[stem] > 1:
                k = seen[stem]
                while f"{stem}-{k}" in taken:
                    k += 1
                taken.add(f"{stem}-{k}")
                moves.append((os.path.join(d, name), os.path.join(d, f"{stem}-{k}.md")))
    # renamed on disk, then staged at once: a `git mv` each rewrote the
    # whole index (half a million entries at 500,000 pages) per file
    for src, dst in moves:
        os.rename(src, dst)
    if moves:
        run_quiet(["git", "-C", repo, "add", "-A", "content/plans"])
        log(f"bench: {len(moves)} repeated plan file names made unique")


def build_floor():
    out = os.path.join(BENCH_DIR, "floor")
    src = os.path.join(ROOT, "bench", "floor.c")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        flags = run_quiet(["pkg-config", "--cflags", "--libs", "libcmark-gfm"]).split()
        run_quiet(["cc", "-std=c17", "-O2", "-Wall", "-Wextra", "-Werror", "-o", out, src] + flags)
    return out


# ---- measuring ---------------------------------------------------------------


def parse_time_v(path):
    vals = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("User time (seconds):"):
                vals["user"] = float(line.rsplit(":", 1)[1])
            elif line.startswith("System time (seconds):"):
                vals["sys"] = float(line.rsplit(":", 1)[1])
            elif line.startswith("Maximum resident set size (kbytes):"):
                vals["rss_mb"] = int(line.rsplit(":", 1)[1]) / 1024
            elif line.startswith("Elapsed (wall clock) time"):
                t = line.split("):", 1)[1].strip()
                s = 0.0
                for part in t.split(":"):
                    s = s * 60 + float(part)
                vals["wall"] = s
            elif line.startswith("Exit status:"):
                vals["status"] = int(line.rsplit(":", 1)[1])
    vals["cpu"] = vals.get("user", 0) + vals.get("sys", 0)
    return vals


def timed(cmd, env=None, cwd=None, ok=(0,)):
    """One run of cmd under /usr/bin/time -v: wall, cpu, rss_mb, stderr.
    Exit statuses in ok are accepted (Loa: 1 = published, some pages
    rejected; their error lines are counted in "errors")."""
    with tempfile.NamedTemporaryFile(suffix=".time", delete=False) as tf:
        tpath = tf.name
    p = subprocess.run(["/usr/bin/time", "-v", "-o", tpath] + cmd, env=env, cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return time_result(tpath, p.returncode, p.stderr, cmd, ok)


def time_result(tpath, status, stderr, cmd, ok):
    """A run's measures from its /usr/bin/time -v file (removed), its
    standard error and its count of error lines; the bench stops on an
    exit status not in ok."""
    v = parse_time_v(tpath)
    os.unlink(tpath)
    if status not in ok:
        log(stderr[-4000:])
        sys.exit(f"bench: failed (exit {status}): {' '.join(cmd)}")
    v["stderr"] = stderr
    v["errors"] = len(re.findall(r"^\S+: (?:error|lỗi): ", stderr, re.M))
    return v


def count_files(d):
    return sum(len(fs) for _, _, fs in os.walk(d))


class Series:
    """Runs of one configuration; medians of each measure."""

    def __init__(self, label):
        self.label = label
        self.runs = []
        self.files = 0
        self.where = None  # the output's folder, when not BENCH_TMP
        self.builder = {}  # big sizes: {stage: (rss MB, lua MB)}, from LOA_DEBUG=memory

    def add(self, v):
        self.runs.append(v)
        log(f"  {self.label:<24} wall {v['wall']:6.2f} s  cpu {v['cpu']:6.2f} s  rss {v['rss_mb']:6.0f} MB")

    def med(self, k):
        return statistics.median(r[k] for r in self.runs)


def rm_out(path):
    """An empty output folder, and no incremental cache beside it: a full build."""
    shutil.rmtree(path, ignore_errors=True)
    shutil.rmtree(os.path.join(os.path.dirname(path), ".loa-cache"), ignore_errors=True)


def branch_with(repo, name, parent, changes, message):
    """Branch NAME: PARENT plus CHANGES ({path: text}), made with plumbing
    (the checkout is untouched; the same commit id every time)."""
    index = os.path.join(BENCH_DIR, "edit.index")
    env = dict(os.environ, GIT_INDEX_FILE=index, GIT_AUTHOR_DATE=FIXED_DATE, GIT_COMMITTER_DATE=FIXED_DATE,
               GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@loa.invalid",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@loa.invalid")
    run_quiet(["git", "-C", repo, "read-tree", parent], env=env)
    for path, text in sorted(changes.items()):
        with tempfile.NamedTemporaryFile("wb", delete=False) as f:
            f.write(text if isinstance(text, bytes) else text.encode())
            tmp = f.name
        blob = run_quiet(["git", "-C", repo, "hash-object", "-w", tmp]).strip()
        os.unlink(tmp)
        run_quiet(["git", "-C", repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}"], env=env)
    tree = run_quiet(["git", "-C", repo, "write-tree"], env=env).strip()
    os.unlink(index)
    commit = run_quiet(["git", "-C", repo, "commit-tree", tree, "-p", parent, "-m", message], env=env).strip()
    run_quiet(["git", "-C", repo, "update-ref", f"refs/heads/{name}", commit])
    return name


def show(repo, rev, path):
    return run_quiet(["git", "-C", repo, "show", f"{rev}:{path}"])


def previous_push(repo):
    """A commit other than HEAD (another article's body edited): built
    before each case's base, so that the timed build finds what a server
    that publishes every push has — the site before the live one, kept as
    the standby — and not only the first rebuild after a full build."""
    out = run_quiet(["git", "-C", repo, "ls-tree", "-r", "--name-only", "HEAD", "content/news"])
    other = sorted(p for p in out.split() if p.endswith(".md") and not p.endswith("_index.md"))[-1]
    return branch_with(repo, "bench-prev", "HEAD",
                       {other: show(repo, "HEAD", other) + "\nBài viết được sửa ở lần đăng trước.\n"},
                       "bench: the push before")


def md_first(repo, folder):
    """The first page file of folder at HEAD, in path order."""
    out = run_quiet(["git", "-C", repo, "ls-tree", "-r", "--name-only", "HEAD", folder])
    return sorted(p for p in out.split() if p.endswith(".md") and not p.endswith("_index.md"))[0]


def body_edit_branch(repo):
    """Branch bench-edit: the first article's body, one sentence longer."""
    article = md_first(repo, "content/news")
    return branch_with(repo, "bench-edit", "HEAD",
                       {article: show(repo, "HEAD", article) + "\nCập nhật: bài viết được bổ sung một câu.\n"},
                       "bench: one article's body")


def edit_branches(repo):
    """The incremental cases, each (label, base ref, edited ref): the build
    at base warms the cache, the build at the edited ref is timed."""
    article, school = md_first(repo, "content/news"), md_first(repo, "content/schools")
    text = show(repo, "HEAD", article)
    cases = [("rebuild, nothing changed", "HEAD", "HEAD")]
    cases.append((f"one article's body (+1 sentence)", "HEAD", body_edit_branch(repo)))
    titled = re.sub(r'^title: *"?(.*?)"?$', lambda m: f'title: "{m.group(1)} (cập nhật)"', text, count=1,
                    flags=re.M)
    cases.append(("one article's title", "HEAD", branch_with(
        repo, "bench-title", "HEAD", {article: titled}, "bench: one article's title")))
    cases.append(("one school page (+1 sentence)", "HEAD", branch_with(
        repo, "bench-school", "HEAD", {school: show(repo, "HEAD", school) + "\nTrường cập nhật giới thiệu.\n"},
        "bench: one school page")))
    cfg = show(repo, "HEAD", "site.yaml")
    cfg2 = re.sub(r'^title: *"?(.*?)"?$', lambda m: f'title: "{m.group(1)} — cập nhật"', cfg, count=1, flags=re.M)
    cases.append(("site.yaml (the site's title)", "HEAD", branch_with(
        repo, "bench-config", "HEAD", {"site.yaml": cfg2}, "bench: site.yaml")))
    # a theme in the repository (a copy of the shipped one), then one
    # layout of it changed: every page's template
    theme = os.path.join(ROOT, "themes", "default")
    files = {}
    for d, _, fs in os.walk(theme):
        for f in fs:
            full = os.path.join(d, f)
            with open(full, "rb") as fh:
                files["themes/bench/" + os.path.relpath(full, theme)] = fh.read()
    files["site.yaml"] = cfg + "theme: bench\n"
    base = branch_with(repo, "bench-theme-base", "HEAD", files, "bench: the site's own theme")
    layout = "themes/bench/layouts/base.html"
    cases.append(("a theme file (layouts/base.html)", base, branch_with(
        repo, "bench-theme", base, {layout: files[layout] + b"{# changed #}\n"}, "bench: a theme file")))
    # what schools push most: a new article, the newest of the site, in
    # the first article's school (the news lists, archives, feeds and
    # reports that show it change; the other articles do not)
    added = re.sub(r'^title: .*$', 'title: "Bài viết mới của trường"', text, count=1, flags=re.M)
    added = re.sub(r'^slug: .*$', 'slug: bai-viet-moi-cua-truong', added, count=1, flags=re.M)
    added = re.sub(r'^date: .*$', 'date: 2026-11-20T07:00:00+07:00', added, count=1, flags=re.M)
    cases.append(("one article added (the newest)", "HEAD", branch_with(
        repo, "bench-add", "HEAD", {article.rsplit("/", 1)[0] + "/bai-viet-moi-cua-truong.md": added},
        "bench: one article added")))
    # a school's own word for a topic: an article whose only tag no page
    # had (its tag page and feed are new; each page reads only its own
    # entry of the feeds' table, so the other pages stay in the cache)
    tagged = re.sub(r'^title: .*$', 'title: "Bài viết có chủ đề mới"', text, count=1, flags=re.M)
    tagged = re.sub(r'^slug: .*$', 'slug: bai-viet-chu-de-moi', tagged, count=1, flags=re.M)
    tagged, n = re.subn(r'^tags:\n(  - .*\n)+', 'tags:\n  - Chủ đề chưa từng có\n', tagged, count=1,
                        flags=re.M)
    if n == 1:
        cases.append(("one article added with a new tag", "HEAD", branch_with(
            repo, "bench-newtag", "HEAD", {article.rsplit("/", 1)[0] + "/bai-viet-chu-de-moi.md": tagged},
            "bench: an article with a new tag")))
    else:
        log(f"bench: {article} has no block list of tags: no new-tag case")
    return cases


def process_tree(pid):
    """pid and every process below it (from /proc), parents first."""
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def stop_on_signal(signum, frame):
    """SIGTERM or SIGHUP (a `kill`, a closed terminal): the build or Hugo
    running now is stopped, then SystemExit runs the `finally` blocks that
    remove the scratch folders (gigabytes of tmpfs at 50,000 pages), as
    Ctrl-C's KeyboardInterrupt does."""
    for pid in process_tree(os.getpid())[1:]:
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
    sys.exit(128 + signum)


class MemSampler:
    """Samples the memory of a process tree every 50 ms: the largest
    process's resident set and the sum over all processes of their
    proportional set size (Pss: shared pages split between the processes
    sharing them, so forked workers are not counted twice)."""

    def __init__(self, pid):
        import threading
        self.pid, self.largest, self.total = pid, 0, 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def tree(self):
        return process_tree(self.pid)

    def run(self):
        while not self.stop.wait(0.05):
            total = 0
            for p in self.tree():
                try:
                    with open(f"/proc/{p}/smaps_rollup") as f:
                        for line in f:
                            if line.startswith("Rss:"):
                                self.largest = max(self.largest, int(line.split()[1]))
                            elif line.startswith("Pss:"):
                                total += int(line.split()[1])
                except OSError:
                    pass
            self.total = max(self.total, total)

    def done(self):
        self.stop.set()
        self.thread.join()
        return self.largest / 1024, self.total / 1024


def timed_sampled(cmd, env=None, ok=(0,)):
    """timed(), with the process tree's memory sampled as timed_mem does:
    the run's measures, and (largest process RSS MB, total Pss MB)."""
    with tempfile.NamedTemporaryFile(suffix=".time", delete=False) as tf:
        tpath = tf.name
    with tempfile.TemporaryFile(mode="w+") as err:
        p = subprocess.Popen(["/usr/bin/time", "-v", "-o", tpath] + cmd, env=env,
                             stdout=subprocess.DEVNULL, stderr=err, text=True)
        m = MemSampler(p.pid)
        p.wait()
        mem = m.done()
        err.seek(0)
        stderr = err.read()
    return time_result(tpath, p.returncode, stderr, cmd, ok), mem


def timed_mem(cmd, env=None):
    """cmd run once with its process tree's memory sampled: (largest process
    RSS MB, total Pss MB)."""
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    m = MemSampler(p.pid)
    p.wait()
    return m.done()


def search_bytes(out):
    """Bytes one query downloads (scripts/search-bytes.js: 20 typical
    queries): (median KB, max KB), or None without node."""
    if not shutil.which("node") or not os.path.exists(os.path.join(out, "tim-kiem", "index", "manifest.json")):
        log(f"bench: no search measure (node: {shutil.which('node')}; index in {out}: "
            f"{os.path.exists(os.path.join(out, 'tim-kiem', 'index', 'manifest.json'))})")
        return None
    r = subprocess.run(["node", os.path.join(ROOT, "scripts", "search-bytes.js"), out],
                       capture_output=True, text=True)
    m = re.search(r"median\s+([0-9.]+) KB raw.*max\s+([0-9.]+) KB raw", r.stdout)
    if not m:
        log(f"bench: scripts/search-bytes.js failed: {r.stderr[-2000:]}")
    return (float(m.group(1)), float(m.group(2))) if m else None


# ---- the benchmark -----------------------------------------------------------


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    hugo = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.strip()
    hugo = hugo.split(" BuildDate")[0]
    cmark = subprocess.run(["pkg-config", "--modversion", "libcmark-gfm"], capture_output=True,
                           text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "?"
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return {
        "cpu": f"{os.cpu_count()} × {model}",
        "ram": mem,
        "kernel": platform.release(),
        "hugo": hugo,
        "cmark": cmark,
        "loa": commit + (" (with uncommitted changes)" if dirty else ""),
    }


def loa_stage_times(text):
    """{stage: (wall, cpu or None)} from LOA_TIMINGS=1 lines."""
    stages = {}
    for line in text.splitlines():
        m = re.match(r"loa: timing: (\S+)\s+([0-9.]+) s wall(?:\s+([0-9.]+) s cpu)?", line)
        if m:
            stages[m.group(1)] = (float(m.group(2)), float(m.group(3)) if m.group(3) else None)
    return stages


def builder_memory(text):
    """{stage: (resident MB, Lua MB)} of the builder after each stage, from
    LOA_DEBUG=memory lines."""
    out = {}
    for m in re.finditer(r"^loa: debug: memory after (\S+): rss (\d+) MB, peak \d+ MB, lua (\d+) MB", text, re.M):
        out[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return out


def loa_handler_times(text):
    """{plugin: seconds} summed over its handlers, from LOA_DEBUG=handlers lines."""
    times = {}
    for line in text.splitlines():
        m = re.match(r"loa: debug: handler \S+ plugins/(\S+)\.lua: ([0-9.]+) s", line)
        if m:
            times[m.group(1)] = times.get(m.group(1), 0.0) + float(m.group(2))
    return times


def main():
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGHUP, stop_on_signal)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=os.environ.get("SIZES", "1000 10000 50000"))
    ap.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "3")))
    ap.add_argument("--seed", type=int, default=int(os.environ.get("SEED", "42")))
    ap.add_argument("--shared", default=os.environ.get("BENCH_SHARED", os.path.join(ROOT, "..", "shared", "bench")))
    ap.add_argument("--tmp", default=os.environ.get("BENCH_TMP", "/dev/shm"))
    ap.add_argument("--loa", default=os.path.join(ROOT, "build", "loa"))
    ap.add_argument("--detail-size", type=int, default=0,
                    help="size for --jobs 1 and the rebuild (default: 10000 or the middle size)")
    a = ap.parse_args()
    a.loa = os.path.abspath(a.loa)
    sizes = [int(s) for s in a.sizes.replace(",", " ").split()]
    gen = os.path.join(os.path.abspath(a.shared), "gen_corpus.py")
    if not os.path.exists(gen) or not os.path.isdir(os.path.join(os.path.dirname(gen), "hugo-site")):
        sys.exit(f"bench: {gen} (and hugo-site/ beside it) not found: the corpus generator lives in "
                 "the shared folder beside the repository; set BENCH_SHARED=/path/to/shared/bench")
    if not os.access(a.loa, os.X_OK):
        sys.exit(f"bench: {a.loa} not found: run `make bench` (it builds loa first)")
    for tool in ("hugo", "/usr/bin/time", "git", "cc", "pkg-config"):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} not found: run `make bench` (bench/run.sh installs what is missing)")
    usual = [n for n in sizes if n <= LOA_ALONE_ABOVE]
    detail = a.detail_size or (10000 if 10000 in usual else
                               sorted(usual)[len(usual) // 2] if usual else None)
    os.makedirs(BENCH_DIR, exist_ok=True)
    floor = build_floor()
    scratch = tempfile.mkdtemp(prefix="loa-bench-", dir=a.tmp)
    env = dict(os.environ)
    env.setdefault("LOA_DATADIR", ROOT)  # the themes and plugins of this tree
    env.pop("LOA_TIMINGS", None)
    rows, extra, stages, errors, memory, searched = [], {}, {}, {}, {}, {}
    scale_body = {}  # pages -> (Series, why): one article's body above the detail size
    repos = []
    try:
        for n in sizes:
            repo, hugo_dir, commits = make_corpus(gen, n, a.seed)
            repos.append(repo)
            out = os.path.join(scratch, "out")
            loa_cmd = [a.loa, "build", "--repo", repo, "--out", out, "--quiet"]
            hugo_cmd = ["hugo", "--quiet", "-s", hugo_dir, "-d", out]
            if n > LOA_ALONE_ABOVE:
                rows.append((n, big_size(a, n, repo, floor, env, stages, errors, memory,
                                         searched, commits)))
                continue
            log(f"bench: {n} pages — Loa, Hugo and the floor alternately, {a.runs} runs each")
            S = {k: Series(f"{k} {n}") for k in ("loa", "hugo", "floor")}
            loa_files = 0
            for i in range(a.runs):
                order = ["loa", "hugo", "floor"]
                order = order[i % 3:] + order[:i % 3]  # rotate: no tool always runs first
                for tool in order:
                    rm_out(out)
                    if tool == "loa":
                        v = timed(loa_cmd, env=env, ok=(0, 1))
                        loa_files = count_files(out)
                    elif tool == "hugo":
                        v = timed(hugo_cmd)
                        S[tool].files = count_files(out)
                    else:
                        v = timed([floor, os.path.join(repo, "content"), out, "--files",
                                   str(loa_files or n)])
                        S[tool].files = count_files(out)
                    S[tool].add(v)
            S["loa"].files = loa_files
            # stage times (one more run): the history walk among them
            rm_out(out)
            v = timed(loa_cmd, env=dict(env, LOA_TIMINGS="1"), ok=(0, 1))
            if v["errors"]:
                log(f"bench: Loa rejected pages with {v['errors']} errors at {n} pages (exit 1)")
            errors[n] = v["errors"]
            stages[n] = (loa_stage_times(v["stderr"]), commits)
            rm_out(out)
            memory[n] = timed_mem(loa_cmd, env=env)  # one more full build, sampled
            log(f"  loa memory {n}: largest process {memory[n][0]:.0f} MB, all processes {memory[n][1]:.0f} MB (Pss)")
            searched[n] = search_bytes(out)
            if detail and n > detail:
                # what national scale asks of a rebuild: one article's
                # body at this size too, as the server that publishes
                # every push builds it (the push before, the base, then
                # the edit, into the output and cache of the full build)
                log(f"bench: {n} pages — one article's body edited, {a.runs} runs")
                edited, prev = body_edit_branch(repo), previous_push(repo)
                body = Series(f"loa body {n}")
                for i in range(a.runs):
                    timed(loa_cmd + ["--ref", prev], env=env, ok=(0, 1))
                    timed(loa_cmd + ["--ref", "HEAD"], env=env, ok=(0, 1))
                    body.add(timed(loa_cmd + ["--ref", edited], env=env, ok=(0, 1)))
                timed(loa_cmd + ["--ref", "HEAD"], env=env, ok=(0, 1))
                v = timed(loa_cmd + ["--ref", edited],
                          env=dict(env, LOA_TIMINGS="1", LOA_DEBUG="handlers"), ok=(0, 1))
                scale_body[n] = (body, (loa_stage_times(v["stderr"]), loa_handler_times(v["stderr"])))
            if n == detail:
                log(f"bench: {n} pages — Loa --jobs 1 against the default, and the incremental cases")
                S["loa-j1"] = Series(f"loa --jobs 1 {n}")
                S["loa-again"] = Series(f"loa default {n}")
                cases = edit_branches(repo)
                prev = previous_push(repo)
                for k, (label, _, _) in enumerate(cases):
                    S[f"case{k}"] = Series(f"loa {label[:40]}")
                S["cold-body"] = Series("loa body, first rebuild")
                # the same full build without the cache: what keeping one costs
                S["loa-nocache"] = Series(f"loa --no-cache {n}")
                # loa serve's rebuild: the work tree of a checkout, one
                # article's body edited on disk (uncommitted)
                S["worktree-body"] = Series("loa body on disk, --worktree")
                wt = os.path.join(scratch, "worktree")
                run_quiet(["git", "-C", repo, "worktree", "add", "-q", "--detach", wt, "HEAD"])
                wt_cmd = [a.loa, "build", "--repo", wt, "--worktree", "--out", out, "--quiet"]
                wt_file = os.path.join(wt, md_first(repo, "content/news"))
                wt_text = open(wt_file, encoding="utf-8").read()
                for i in range(a.runs):
                    rm_out(out)
                    S["loa-j1"].add(timed(loa_cmd + ["--jobs", "1"], env=env, ok=(0, 1)))
                    rm_out(out)
                    S["loa-nocache"].add(timed(loa_cmd + ["--no-cache"], env=env, ok=(0, 1)))
                    rm_out(out)
                    S["loa-again"].add(timed(loa_cmd, env=env, ok=(0, 1)))
                    # the first rebuild after a full build: no standby yet
                    S["cold-body"].add(timed(loa_cmd + ["--ref", cases[1][2]], env=env, ok=(0, 1)))
                    for k, (label, base, edited) in enumerate(cases):
                        # the same output folder and cache: the push
                        # before and the base (untimed), then the edited ref
                        if base != edited:
                            timed(loa_cmd + ["--ref", prev], env=env, ok=(0, 1))
                        timed(loa_cmd + ["--ref", base], env=env, ok=(0, 1))
                        S[f"case{k}"].add(timed(loa_cmd + ["--ref", edited], env=env, ok=(0, 1)))
                    # the server's first build and one more (its standby),
                    # untimed; then the save
                    rm_out(out)
                    timed(wt_cmd, env=env, ok=(0, 1))
                    timed(wt_cmd, env=env, ok=(0, 1))
                    with open(wt_file, "w", encoding="utf-8") as f:
                        f.write(wt_text + "\nCập nhật: bài viết được bổ sung một câu.\n")
                    S["worktree-body"].add(timed(wt_cmd, env=env, ok=(0, 1)))
                    with open(wt_file, "w", encoding="utf-8") as f:
                        f.write(wt_text)
                run_quiet(["git", "-C", repo, "worktree", "remove", "--force", wt])
                # where a rebuild's time goes (one more run of the body and
                # title cases, untimed as a series): stages and handlers
                why = {}
                for k in (1, 2):
                    label, base, edited = cases[k]
                    rm_out(out)
                    timed(loa_cmd + ["--ref", prev], env=env, ok=(0, 1))
                    timed(loa_cmd + ["--ref", base], env=env, ok=(0, 1))
                    v = timed(loa_cmd + ["--ref", edited],
                              env=dict(env, LOA_TIMINGS="1", LOA_DEBUG="handlers"), ok=(0, 1))
                    why[k] = (loa_stage_times(v["stderr"]), loa_handler_times(v["stderr"]))
                extra = {"n": n, "S": S, "cases": cases, "why": why}
            rm_out(out)
            rows.append((n, S))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        # a run stopped while the work tree case ran leaves it registered
        for repo in repos:
            subprocess.run(["git", "-C", repo, "worktree", "prune"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
    report(rows, extra, stages, errors, memory, searched, a, machine(), scale_body)


def big_size(a, n, repo, floor, env, stages, errors, memory, searched, commits):
    """One Loa build of n pages, alone (timed, memory sampled, its stages),
    then one floor run: the Series of each, by tool."""
    if shutil.disk_usage(a.tmp).free >= n * OUT_BYTES_PER_PAGE:
        where = a.tmp
    else:
        where = BENCH_DIR
        log(f"bench: {a.tmp} has less than {n * OUT_BYTES_PER_PAGE >> 30} GB free: "
            f"output and cache of {n} pages on disk, in {where}")
    scratch = tempfile.mkdtemp(prefix="loa-bench-big-", dir=where)
    out = os.path.join(scratch, "out")
    loa_cmd = [a.loa, "build", "--repo", repo, "--out", out, "--quiet"]
    S = {"loa": Series(f"loa {n}"), "floor": Series(f"floor {n}")}
    S["loa"].where = where if where != a.tmp else None
    try:
        log(f"bench: {n} pages — Loa alone, once (then the floor), output in {where}")
        v, memory[n] = timed_sampled(loa_cmd, env=dict(env, LOA_TIMINGS="1", LOA_DEBUG="memory"), ok=(0, 1))
        S["loa"].add(v)
        S["loa"].builder = builder_memory(v["stderr"])
        S["loa"].files = count_files(out)
        errors[n] = v["errors"]
        stages[n] = (loa_stage_times(v["stderr"]), commits)
        log(f"  loa memory {n}: largest process {memory[n][0]:.0f} MB, all processes {memory[n][1]:.0f} MB (Pss)")
        searched[n] = search_bytes(out)
        rm_out(out)
        S["floor"].add(timed([floor, os.path.join(repo, "content"), out, "--files", str(S["loa"].files)]))
        S["floor"].files = count_files(out)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return S


def rebuild_bound(why):
    """A rebuild's time by stage (LOA_TIMINGS) and its costliest plugins
    (LOA_DEBUG=handlers), from one run: what bounds it."""
    if not why:
        return ""
    st, handlers = why
    plugins = st.get("plugins", (0.0, None))[0]
    top = sorted(handlers.items(), key=lambda kv: -kv[1])[:3]
    parts = [f"plugins {plugins:.2f} s, serial, every handler run again ("
             + ", ".join(f"{k} {v:.2f}" for k, v in top) + ")"]
    rest = sorted(((k, v[0]) for k, v in st.items() if k != "plugins"), key=lambda kv: -kv[1])
    parts += [f"{k} {v:.2f}" for k, v in rest[:5] if v >= 0.01]
    return "; ".join(parts) + " s"


def fmt_ratio(x):
    return f"{x:.2f}×" if x == x else "—"


def report(rows, extra, stages, errors, memory, searched, a, m, scale_body=None):
    L = []
    L.append(f"Machine: {m['cpu']}, {m['ram']} RAM, Linux {m['kernel']}; output on tmpfs "
             f"({a.tmp}). {m['hugo']}; cmark-gfm {m['cmark']}; loa {m['loa']}. "
             f"Median of {a.runs} runs, tools alternating.")
    L.append("")
    L.append("| pages | tool | files written | wall s | CPU s | peak RSS MB (largest process) | all processes MB | pages/s | Hugo÷Loa wall | Hugo÷Loa CPU | Loa÷floor wall | Loa÷floor CPU |")
    L.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    nan = float("nan")
    for n, S in rows:
        lw, hw, fw = (S[k].med("wall") if k in S else nan for k in ("loa", "hugo", "floor"))
        lc, hc, fc = (S[k].med("cpu") if k in S else nan for k in ("loa", "hugo", "floor"))
        for k, name in (("loa", "Loa"), ("hugo", "Hugo"), ("floor", "floor (cmark-gfm, 1 process)")):
            if k not in S:
                continue
            s = S[k]
            w = s.med("wall")
            ratios = [fmt_ratio(x) if k == "loa" else "" for x in (hw / lw, hc / lc, lw / fw, lc / fc)]
            total = f"{memory[n][1]:.0f}" if k == "loa" and n in memory else \
                ("" if k == "loa" else f"{s.med('rss_mb'):.0f}")
            L.append(f"| {n:,} | {name} | {s.files:,} | {w:.2f} | {s.med('cpu'):.2f} | "
                     f"{s.med('rss_mb'):.0f} | {total} | {n / w:,.0f} | " + " | ".join(ratios) + " |")
    L.append("")
    L.append("\"All processes\" is Loa's builder, supervisor and render workers together, sampled "
             "every 50 ms (sum of Pss: pages shared after fork counted once); Hugo and the floor are one "
             "process each.")
    for n, S in rows:
        if "hugo" not in S:
            L.append(f"At {n:,} pages Loa ran once, alone, then the floor once; Hugo did not run (its peak "
                     "memory grows with the pages: 8 GB at 50,000)"
                     + (f"; output and cache on disk ({S['loa'].where}), not tmpfs" if S["loa"].where else "")
                     + ".")
    for n, e in errors.items():
        if e:
            L.append(f"At {n:,} pages Loa reported {e} errors (pages rejected, the rest published, exit 1).")
    L.append("")
    goals = []
    if extra:
        n, S = extra["n"], extra["S"]
        j1, dflt, fl = S["loa-j1"], S["loa-again"], S["floor"]
        over = (j1.med("cpu") - fl.med("cpu")) / n * 1000
        par = (dflt.med("cpu") - j1.med("cpu")) / n * 1000
        L.append(f"At {n:,} pages (default --jobs = {os.cpu_count()}); each incremental case is a build of "
                 "another commit (the push before) and one at its base commit (untimed), then one at the "
                 "changed commit, into the same output folder with its cache, as on a server that "
                 "publishes every push; the first rebuild after a full build (no standby site yet) is "
                 "on its own row:")
        L.append("")
        L.append("| Loa run | wall s | CPU s | peak RSS MB | % of a full build, wall | % of a full build, CPU |")
        L.append("| --- | ---: | ---: | ---: | ---: | ---: |")
        full = dflt.med("wall")
        for s, name in ((dflt, "full build, default jobs"), (j1, "full build, --jobs 1"),
                        (S["loa-nocache"], "full build, `--no-cache` (nothing kept for the next build)")):
            L.append(f"| {name} | {s.med('wall'):.2f} | {s.med('cpu'):.2f} | {s.med('rss_mb'):.0f} | | |")
        case = {}
        for k, (label, _, _) in enumerate(extra["cases"]):
            s = S[f"case{k}"]
            case[k] = s.med("wall")
            L.append(f"| {label} | {s.med('wall'):.2f} | {s.med('cpu'):.2f} | {s.med('rss_mb'):.0f} | "
                     f"{100 * s.med('wall') / full:.1f}% | {100 * s.med('cpu') / dflt.med('cpu'):.1f}% |")
        cold = S["cold-body"]
        L.append(f"| one article's body, the first rebuild after a full build | {cold.med('wall'):.2f} | "
                 f"{cold.med('cpu'):.2f} | {cold.med('rss_mb'):.0f} | {100 * cold.med('wall') / full:.1f}% | "
                 f"{100 * cold.med('cpu') / dflt.med('cpu'):.1f}% |")
        wtb = S["worktree-body"]
        L.append(f"| one article's body saved in a work tree, `--worktree` (a `loa serve` rebuild) | "
                 f"{wtb.med('wall'):.2f} | {wtb.med('cpu'):.2f} | {wtb.med('rss_mb'):.0f} | "
                 f"{100 * wtb.med('wall') / full:.1f}% | {100 * wtb.med('cpu') / dflt.med('cpu'):.1f}% |")
        for bn, (body, why) in sorted((scale_body or {}).items()):
            bfull = dict(rows)[bn]["loa"].med("wall")
            L.append(f"| one article's body (+1 sentence), at {bn:,} pages | {body.med('wall'):.2f} | "
                     f"{body.med('cpu'):.2f} | {body.med('rss_mb'):.0f} | "
                     f"{100 * body.med('wall') / bfull:.1f}% (of {bfull:.2f} s) | |")
        L.append("")
        for bn, (body, why) in sorted((scale_body or {}).items()):
            L.append(f"- one article's body at {bn:,} pages, where its time goes: {rebuild_bound(why)}")
        L.append(f"- speedup of the default jobs over --jobs 1: {j1.med('wall') / full:.2f}×")
        L.append(f"- CPU per page above the floor with --jobs 1: {over:.3f} ms "
                 f"((Loa --jobs 1 CPU − floor CPU) / pages)")
        L.append(f"- parallel overhead: {par:.3f} ms of CPU per page (default jobs CPU − --jobs 1 CPU) / pages")
        L.append("")
        hugo = dict(rows)[n]["hugo"]
        big = max((r for r in rows if "hugo" in r[1]), key=lambda r: r[0])
        hb, lb = big[1]["hugo"].med("wall"), big[1]["loa"].med("wall")
        r = hugo.med("wall") / full
        also = f"; {hb / lb:.2f}× at {big[0]:,}" if big[0] != n else ""
        nc = S["loa-nocache"]
        st_full = stages.get(n, ({}, 0))[0]
        render = st_full.get("render", (float("nan"), float("nan")))
        serial = sum(st_full.get(k, (0.0, None))[0] for k in st_full if k != "render")
        bound_full = (f"with `--no-cache` {nc.med('wall'):.2f} s ({hugo.med('wall') / nc.med('wall'):.2f}×): "
                      f"the cache costs {full - nc.med('wall'):.2f} s; render stage {render[0]:.2f} s wall "
                      f"on {os.cpu_count()} cores ({1000 * (render[1] or 0) / n:.2f} ms of CPU a page, "
                      f"floor {1000 * fl.med('cpu') / n:.2f}), the serial stages {serial:.2f} s")
        goals.append(("full build, Hugo ÷ Loa", "≥ 3× (also at 50,000 pages)", f"{r:.2f}×{also}",
                      r >= 3 and hb / lb >= 3, bound_full))
        r = full / fl.med("wall")
        goals.append(("full build ÷ cmark-gfm floor", "≤ 2×", f"{r:.2f}×", r <= 2,
                      f"{over:.3f} ms of CPU a page above the floor (--jobs 1); "
                      f"the serial stages {serial:.2f} s of {full:.2f} s"))
        mem = memory.get(n, (float("nan"), float("nan")))
        goals.append(("peak memory of the largest process", "≤ 300 MB; total of all processes reported too",
                      f"{dflt.med('rss_mb'):.0f} MB (all processes {mem[1]:.0f} MB)", dflt.med("rss_mb") <= 300, ""))
        goals.append(("rebuild, nothing changed", "< 0.1 s", f"{case[0]:.2f} s", case[0] < 0.1, ""))
        goals.append(("rebuild, one article's body changed", "< 5% of full",
                      f"{100 * case[1] / full:.1f}% ({case[1]:.2f} s)", case[1] < 0.05 * full,
                      rebuild_bound(extra["why"].get(1))))
        goals.append(("rebuild, one article's title changed", "< 15% of full",
                      f"{100 * case[2] / full:.1f}% ({case[2]:.2f} s)", case[2] < 0.15 * full,
                      rebuild_bound(extra["why"].get(2))))
    big = [r for r in rows if r[0] >= 500000]
    if big:
        n, S = big[0]
        w, tot = S["loa"].med("wall"), memory.get(n, (0, float("nan")))[1]
        st = stages.get(n, ({}, 0))[0]
        slow = sorted(st.items(), key=lambda kv: -kv[1][0])[:3]
        bm = S["loa"].builder
        load, plug = bm.get("load", (0, 0)), bm.get("plugins", (0, 0))
        bound = (f"the builder holds every page: {load[0]:,} MB resident after the load "
                 f"({1024 * load[0] / n:.1f} KB a page: sources and front matter), {plug[0]:,} MB after "
                 f"the plugins ({plug[1]:,} MB of them Lua's); the largest stages "
                 + ", ".join(f"{k} {v[0]:.0f} s" for k, v in slow)) if bm else ""
        goals.append(("500,000 pages", "< 5 minutes, < 4 GB in total", f"{w / 60:.1f} min, {tot / 1024:.2f} GB",
                      w < 300 and tot < 4096, bound))
    else:
        goals.append(("500,000 pages", "< 5 minutes, < 4 GB in total", "not measured (SIZES)", None,
                      "`make bench SIZES=500000` measures it"))
    q = [(n, v) for n, v in searched.items() if v]
    if q:
        n, (med, mx) = max(q)
        at = "" if n == 50000 else f" at {n:,} pages (not 50,000)"
        goals.append(("one search query at 50,000 pages", "< 300 KB",
                      f"median {med:.0f} KB, max {mx:.0f} KB{at}", mx < 300 if n >= 50000 else None, ""))
    else:
        goals.append(("one search query at 50,000 pages", "< 300 KB", "not measured (node missing)", None, ""))
    L.append("Goals of issue 14:")
    L.append("")
    L.append("| measure | goal | measured | | what bounds it (measured in this run) |")
    L.append("| --- | --- | --- | --- | --- |")
    for name, goal, what, ok, bound in goals:
        verdict = "met" if ok else ("**not met**" if ok is not None else "—")
        L.append(f"| {name} | {goal} | {what} | {verdict} | {'' if ok else bound} |")
    L.append("")
    if stages:
        L.append("Loa's stages (LOA_TIMINGS=1, one full build, seconds of wall time / CPU time; "
                 "render CPU includes the workers'):")
        L.append("")
        names = []
        for st, _ in stages.values():
            for k in st:
                if k not in names:
                    names.append(k)
        L.append("| pages | commits | " + " | ".join(names) + " |")
        L.append("| ---: | ---: | " + " | ".join("---:" for _ in names) + " |")
        for n, (st, commits) in stages.items():
            cells = []
            for k in names:
                w, c = st.get(k, (0.0, None))
                cells.append(f"{w:.2f}" + (f" / {c:.2f}" if c is not None else ""))
            L.append(f"| {n:,} | {commits:,} | " + " | ".join(cells) + " |")
        L.append("")
    text = "\n".join(L)
    print(text)
    with open(os.path.join(BENCH_DIR, "results.md"), "w") as f:
        f.write(f"# make bench — {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC\n\n" + text)
    log(f"bench: table saved to {os.path.relpath(os.path.join(BENCH_DIR, 'results.md'), ROOT)}")


if __name__ == "__main__":
    main()
