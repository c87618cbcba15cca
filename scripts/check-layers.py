#!/usr/bin/env python3
"""check-layers.py — the folders under generator/ must not include each
other in a cycle.

Reads every `#include "folder/file.h"` line of the .c, .cpp and .h files
under the source root (default: generator/ beside this script), builds the
graph folder -> folder, and exits 1 naming each cycle found, with the
file:line of one include on every edge of it. With --graph, it also prints
the edges (docs/architecture.md shows them).

    scripts/check-layers.py [--graph] [ROOT]
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"/]+)/[^"]+"')


def edges(root):
    """{(from, to): "file:line"} for the first include on each edge."""
    found = {}
    for folder in sorted(os.listdir(root)):
        top = os.path.join(root, folder)
        if not os.path.isdir(top):
            continue
        for dirpath, dirs, files in os.walk(top):
            dirs.sort()
            for name in sorted(files):
                if not name.endswith((".c", ".h", ".cpp")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    for n, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m or m.group(1) == folder:
                            continue
                        if os.path.isdir(os.path.join(root, m.group(1))):
                            found.setdefault((folder, m.group(1)), "%s:%d" % (path, n))
    return found


def cycles(graph):
    """For each strongly connected component (Tarjan), one shortest cycle
    through each of its folders, each cycle once."""
    index, low, stack, on, comps = {}, {}, [], set(), []

    def strong(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    out, seen = [], set()
    for comp in comps:
        inside = set(comp)
        for start in comp:
            prev, queue, found = {start: None}, [start], None
            while queue and not found:
                v = queue.pop(0)
                for w in sorted(graph[v]):
                    if w == start:
                        found = [v]
                        while prev[found[-1]] is not None:
                            found.append(prev[found[-1]])
                        found.reverse()
                        break
                    if w in inside and w not in prev:
                        prev[w] = v
                        queue.append(w)
            if found and frozenset(found) not in seen:
                seen.add(frozenset(found))
                out.append(found)
    return out


def main(argv):
    show = "--graph" in argv
    args = [a for a in argv if a != "--graph"]
    here = os.path.dirname(os.path.abspath(__file__))
    root = args[0] if args else os.path.join(here, "..", "generator")
    if not os.path.isdir(root):
        print("check-layers: no folder %s" % root)
        return 2
    found = edges(root)
    graph = {}
    for a, b in found:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    if show:
        for a in sorted(graph):
            if graph[a]:
                print("%-8s -> %s" % (a, " ".join(sorted(graph[a]))))
    bad = cycles(graph)
    for cyc in bad:
        ring = cyc + [cyc[0]]
        print("include cycle: " + " -> ".join(ring))
        for a, b in zip(ring, ring[1:]):
            print("  %s -> %s: %s" % (a, b, found[(a, b)]))
    if bad:
        return 1
    print("no include cycle between the %d folders" % len(graph))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
