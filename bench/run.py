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
by file name, since plan titles repeat; 20 items per list page like the
Hugo skeleton) in one more commit, copies the Hugo skeleton beside a copy
of content/, and compiles bench/floor.c against the same cmark-gfm.

Then, writing to tmpfs (BENCH_TMP, default /dev/shm) into an empty folder
each time, it runs Loa, Hugo and the floor alternately, RUNS times each,
every run under /usr/bin/time -v, and reports the medians: wall time,
user+system CPU, peak resident memory of the largest process, pages per
second. At 10,000 pages (or the middle size) it also compares Loa with
--jobs 1 (parallel overhead) and times a rebuild with no change (the same
command into the same output folder). One Loa run per size with
LOA_TIMINGS=1 gives the stage times (the git history walk among them).

The table goes to standard output and to build/bench/results.md, with the
machine it ran on.
"""
import argparse
import hashlib
import os
import platform
import re
import shutil
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
LOA_SETTINGS = 'page_size: 20\npermalinks:\n  plan: "/ke-hoach/:year/:filename/"\n'
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
    settings = hashlib.sha1(LOA_SETTINGS.encode()).hexdigest()[:6]
    key = f"{n}-s{seed}-c{commits}-g{file_hash(gen)}-l{settings}"
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
                f.write(LOA_SETTINGS)
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
    v = parse_time_v(tpath)
    os.unlink(tpath)
    if p.returncode not in ok:
        log(p.stderr[-4000:])
        sys.exit(f"bench: failed (exit {p.returncode}): {' '.join(cmd)}")
    v["stderr"] = p.stderr
    v["errors"] = len(re.findall(r"^\S+: (?:error|lỗi): ", p.stderr, re.M))
    return v


def count_files(d):
    return sum(len(fs) for _, _, fs in os.walk(d))


class Series:
    """Runs of one configuration; medians of each measure."""

    def __init__(self, label):
        self.label = label
        self.runs = []
        self.files = 0

    def add(self, v):
        self.runs.append(v)
        log(f"  {self.label:<24} wall {v['wall']:6.2f} s  cpu {v['cpu']:6.2f} s  rss {v['rss_mb']:6.0f} MB")

    def med(self, k):
        return statistics.median(r[k] for r in self.runs)


def rm_out(path):
    """An empty output folder, and no incremental cache beside it: a full build."""
    shutil.rmtree(path, ignore_errors=True)
    shutil.rmtree(os.path.join(os.path.dirname(path), ".loa-cache"), ignore_errors=True)


def edit_branch(repo):
    """Branch bench-edit: HEAD plus one sentence added to one article, made
    with plumbing (the checkout is untouched; same commit id every time)."""
    out = run_quiet(["git", "-C", repo, "ls-tree", "-r", "--name-only", "HEAD", "content/news"])
    path = sorted(p for p in out.split() if p.endswith(".md") and not p.endswith("_index.md"))[0]
    text = run_quiet(["git", "-C", repo, "show", f"HEAD:{path}"])
    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False) as f:
        f.write(text + "\nCập nhật: bài viết được bổ sung một câu.\n")
        tmp = f.name
    blob = run_quiet(["git", "-C", repo, "hash-object", "-w", tmp]).strip()
    os.unlink(tmp)
    index = os.path.join(BENCH_DIR, "edit.index")
    env = dict(os.environ, GIT_INDEX_FILE=index, GIT_AUTHOR_DATE=FIXED_DATE, GIT_COMMITTER_DATE=FIXED_DATE,
               GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@loa.invalid",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@loa.invalid")
    run_quiet(["git", "-C", repo, "read-tree", "HEAD"], env=env)
    run_quiet(["git", "-C", repo, "update-index", "--cacheinfo", f"100644,{blob},{path}"], env=env)
    tree = run_quiet(["git", "-C", repo, "write-tree"], env=env).strip()
    os.unlink(index)
    commit = run_quiet(["git", "-C", repo, "commit-tree", tree, "-p", "HEAD", "-m", "bench: one article changed"],
                       env=env).strip()
    run_quiet(["git", "-C", repo, "update-ref", "refs/heads/bench-edit", commit])
    return path


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


def main():
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
    detail = a.detail_size or (10000 if 10000 in sizes else sorted(sizes)[len(sizes) // 2])
    os.makedirs(BENCH_DIR, exist_ok=True)
    floor = build_floor()
    scratch = tempfile.mkdtemp(prefix="loa-bench-", dir=a.tmp)
    env = dict(os.environ)
    env.setdefault("LOA_DATADIR", ROOT)  # the themes and plugins of this tree
    env.pop("LOA_TIMINGS", None)
    rows, extra, stages, errors = [], {}, {}, {}
    try:
        for n in sizes:
            repo, hugo_dir, commits = make_corpus(gen, n, a.seed)
            out = os.path.join(scratch, "out")
            loa_cmd = [a.loa, "build", "--repo", repo, "--out", out, "--quiet"]
            hugo_cmd = ["hugo", "--quiet", "-s", hugo_dir, "-d", out]
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
            if n == detail:
                log(f"bench: {n} pages — Loa --jobs 1 against the default, and a rebuild with no change")
                S["loa-j1"] = Series(f"loa --jobs 1 {n}")
                S["loa-rebuild"] = Series(f"loa rebuild {n}")
                S["loa-again"] = Series(f"loa default {n}")
                S["loa-edit"] = Series(f"loa one changed {n}")
                edited = edit_branch(repo)
                for i in range(a.runs):
                    rm_out(out)
                    S["loa-j1"].add(timed(loa_cmd + ["--jobs", "1"], env=env, ok=(0, 1)))
                    rm_out(out)
                    S["loa-again"].add(timed(loa_cmd, env=env, ok=(0, 1)))
                    S["loa-rebuild"].add(timed(loa_cmd, env=env, ok=(0, 1)))  # same output folder again
                    S["loa-edit"].add(timed(loa_cmd + ["--ref", "bench-edit"], env=env, ok=(0, 1)))
                for k in ("loa-j1", "loa-rebuild", "loa-again", "loa-edit"):
                    S[k].files = loa_files
                extra = {"n": n, "S": S, "edited": edited}
            rm_out(out)
            rows.append((n, S))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report(rows, extra, stages, errors, a, machine())


def fmt_ratio(x):
    return f"{x:.2f}×" if x == x else "—"


def report(rows, extra, stages, errors, a, m):
    L = []
    L.append(f"Machine: {m['cpu']}, {m['ram']} RAM, Linux {m['kernel']}; output on tmpfs "
             f"({a.tmp}). {m['hugo']}; cmark-gfm {m['cmark']}; loa {m['loa']}. "
             f"Median of {a.runs} runs, tools alternating.")
    L.append("")
    L.append("| pages | tool | files written | wall s | CPU s | peak RSS MB | pages/s | Loa/Hugo wall | Loa/Hugo CPU | Loa/floor wall | Loa/floor CPU |")
    L.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, S in rows:
        lw, hw, fw = S["loa"].med("wall"), S["hugo"].med("wall"), S["floor"].med("wall")
        lc, hc, fc = S["loa"].med("cpu"), S["hugo"].med("cpu"), S["floor"].med("cpu")
        for k, name in (("loa", "Loa"), ("hugo", "Hugo"), ("floor", "floor (cmark-gfm, 1 process)")):
            s = S[k]
            w = s.med("wall")
            ratios = [fmt_ratio(x) if k == "loa" else "" for x in (lw / hw, lc / hc, lw / fw, lc / fc)]
            L.append(f"| {n:,} | {name} | {s.files:,} | {w:.2f} | {s.med('cpu'):.2f} | "
                     f"{s.med('rss_mb'):.0f} | {n / w:,.0f} | " + " | ".join(ratios) + " |")
    for n, e in errors.items():
        if e:
            L.append(f"At {n:,} pages Loa reported {e} errors (pages rejected, the rest published, exit 1): "
                     "plans whose file name and year repeat claim one URL.")
    L.append("")
    if extra:
        n, S = extra["n"], extra["S"]
        j1, dflt, rb, fl = S["loa-j1"], S["loa-again"], S["loa-rebuild"], S["floor"]
        ed = S["loa-edit"]
        over = (j1.med("cpu") - fl.med("cpu")) / n * 1000
        par = (dflt.med("cpu") - j1.med("cpu")) / n * 1000
        L.append(f"At {n:,} pages (default --jobs = {os.cpu_count()}):")
        L.append("")
        L.append("| Loa run | wall s | CPU s | peak RSS MB |")
        L.append("| --- | ---: | ---: | ---: |")
        for s, name in ((dflt, "full build, default jobs"), (j1, "full build, --jobs 1"),
                        (rb, "rebuild with no change (same output folder)"),
                        (ed, f"rebuild after one article changed ({extra['edited']})")):
            L.append(f"| {name} | {s.med('wall'):.2f} | {s.med('cpu'):.2f} | {s.med('rss_mb'):.0f} |")
        L.append("")
        L.append(f"- speedup of the default jobs over --jobs 1: {j1.med('wall') / dflt.med('wall'):.2f}×")
        L.append(f"- CPU per page above the floor with --jobs 1: {over:.3f} ms "
                 f"((Loa --jobs 1 CPU − floor CPU) / pages)")
        L.append(f"- parallel overhead: {par:.3f} ms of CPU per page (default jobs CPU − --jobs 1 CPU) / pages")
        hugo = dict(rows)[n]["hugo"]
        goals = [
            ("full build ≥ 3× faster than Hugo", hugo.med("wall") / dflt.med("wall") >= 3,
             f"{hugo.med('wall') / dflt.med('wall'):.2f}× faster"),
            ("within 1.5× of the floor", dflt.med("wall") <= 1.5 * fl.med("wall"),
             f"{dflt.med('wall') / fl.med('wall'):.2f}× the floor's wall time"),
            ("peak memory ≤ half of Hugo's", dflt.med("rss_mb") <= hugo.med("rss_mb") / 2,
             f"{dflt.med('rss_mb') / hugo.med('rss_mb'):.2f} of Hugo's"),
            ("rebuild with no change < 0.3 s", rb.med("wall") < 0.3, f"{rb.med('wall'):.2f} s"),
            ("rebuild after one article changed < 5% of a full build", ed.med("wall") < 0.05 * dflt.med("wall"),
             f"{100 * ed.med('wall') / dflt.med('wall'):.0f}%"),
        ]
        L.append("")
        L.append(f"Goals at {n:,} pages: " + "; ".join(
            f"{g}: {'met' if ok else 'NOT met'} ({what})" for g, ok, what in goals) + ".")
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
