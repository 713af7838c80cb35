#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Structure checks of the tree (issue 14), printed as TAP lines.

  structure.py layers BUILD   the library's layers include only the layers
                              below them (resolver/src/<layer>/)
  structure.py names BUILD    source file names are unique across the tree
                              (main.c of each program excepted), so a
                              stack trace or a grep says which file
  structure.py all BUILD      all three
  structure.py circles BUILD  no two source files of one program call each
                              other, directly or round a circle (from the
                              symbols each object defines and uses: nm)

BUILD is the build directory (objects under BUILD/rel/...).
"""
import glob
import os
import re
import subprocess
import sys

# Lowest first: a layer may include itself and those before it.
LAYERS = ["codec", "backends", "engine"]
# Each program's sources, as folders of objects under BUILD/rel.
PROGRAMS = {
    "libmimi": ["resolver/src/*"],
    "mimi-lookup": ["cli", "common"],
    "mimi-zonegen": ["zone-tools/zonegen", "common"],
    "mimi-zonecheck": ["zone-tools/zonecheck", "common"],
}

n = 0
failed = 0


def result(good, name, detail=()):
    global n, failed
    n += 1
    if good:
        print(f"ok {n} - {name}")
    else:
        failed += 1
        print(f"not ok {n} - {name}")
        for line in detail:
            print(f"#   {line}")


def layers():
    for i, layer in enumerate(LAYERS):
        allowed = set(LAYERS[: i + 1])
        bad = []
        for path in sorted(glob.glob(f"resolver/src/{layer}/*.[ch]")):
            with open(path, encoding="utf-8") as f:
                for ln, line in enumerate(f, 1):
                    m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                    if not m:
                        continue
                    inc = m.group(1)
                    top = inc.split("/")[0] if "/" in inc else None
                    if top not in allowed:
                        bad.append(f"{path}:{ln}: includes \"{inc}\"")
        result(not bad, f"layer {layer} includes only {', '.join(sorted(allowed))}",
               bad)


def symbols(obj):
    out = subprocess.run(["nm", "--defined-only", obj], capture_output=True,
                         text=True, check=True).stdout
    defined = {l.split()[-1] for l in out.splitlines()
               if len(l.split()) == 3 and l.split()[1] in "TDBRVW"}
    out = subprocess.run(["nm", "--undefined-only", obj], capture_output=True,
                         text=True, check=True).stdout
    used = {l.split()[-1] for l in out.splitlines() if l.split()}
    return defined, used


def sccs(graph):
    """Tarjan's strongly connected components."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
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
            out.append(comp)

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


def circles(build):
    for prog, dirs in PROGRAMS.items():
        objs = []
        for d in dirs:
            objs += glob.glob(f"{build}/rel/{d}/*.o")
        if not objs:
            continue
        owner, uses = {}, {}
        for o in objs:
            defined, used = symbols(o)
            for s in defined:
                owner[s] = o
            uses[o] = used
        graph = {o: sorted({owner[s] for s in uses[o] if s in owner} - {o})
                 for o in objs}
        bad = [" <-> ".join(sorted(os.path.relpath(x, f"{build}/rel")
                                   for x in c))
               for c in sccs(graph) if len(c) > 1]
        result(not bad, f"{prog}: no files calling each other in a circle "
               f"({len(objs)} files)", bad)


SOURCE_KINDS = (".c", ".h", ".sh", ".py", ".in")
SKIP_DIRS = {".git", "corpus", "chroot"}


def names(build):
    seen = {}
    for top, dirs, files in os.walk("."):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and
                         not d.startswith("build") and
                         os.path.join(top, d) != os.path.join(".", build))
        for f in files:
            if f.endswith(SOURCE_KINDS) and f != "main.c":
                seen.setdefault(f, []).append(os.path.join(top, f)[2:])
    bad = [f"{f}: {' '.join(sorted(p))}" for f, p in sorted(seen.items())
           if len(p) > 1]
    result(not bad, f"source file names are unique ({len(seen)} names)", bad)


def main():
    what, build = sys.argv[1], sys.argv[2]
    if what in ("layers", "all"):
        layers()
    if what in ("circles", "all"):
        circles(build)
    if what in ("names", "all"):
        names(build)
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
