#!/usr/bin/env python3
"""Checks the public headers of include/lowp (docs/architecture.md):

1. the include graph has no cycle and keeps the layer rules: core/ includes
   nothing above core/, format/ never includes reference/, simd/ never
   includes kernels/ or dispatch's run-time half, and no kernel lives in
   simd/ (every kernel file sits in kernels/<family>/);
2. every header compiles on its own (a translation unit that includes just
   it), so none leans on what another happened to include first.

usage: check_headers.py [--compiler CXX] [--jobs N] [--no-compile] INCLUDE_DIR
Exits 1 on any problem, printing each."""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"](lowp/[^">]+)[">]', re.M)

# Which top-level folders of lowp/ a folder may include (besides itself and
# the base headers error.hpp, config.hpp, version.hpp). The order of
# docs/architecture.md's layer drawing; "lowp" is the umbrella's own folder.
BASE = {"error.hpp", "config.hpp", "version.hpp"}
FORBIDDEN = {
    "core": lambda m: m not in ("core",),
    "format": lambda m: m in ("reference", "kernels", "simd", "dispatch", "container", "block", "io", "quant"),
    "simd": lambda m: m in ("kernels", "reference", "block", "container", "io", "quant"),
    "dispatch": lambda m: m in ("kernels", "reference", "block", "container", "io", "quant"),
}
KERNEL_NAME = re.compile(r"(gemm|gemv|block|igemm|dequant|quantize)")


def layer(path):
    parts = path.split("/")
    return parts[1] if len(parts) >= 3 else "lowp"


def graph(root):
    g = {}
    for d, _, files in os.walk(os.path.join(root, "lowp")):
        for f in files:
            if f.endswith(".hpp"):
                p = os.path.relpath(os.path.join(d, f), root)
                with open(os.path.join(d, f), errors="replace") as fh:
                    g[p] = INCLUDE.findall(fh.read())
    return g


def cycles(g):
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, []):
            if w not in g:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            c = []
            while True:
                w = stack.pop()
                on.discard(w)
                c.append(w)
                if w == v:
                    break
            if len(c) > 1:
                out.append(sorted(c))

    for v in g:
        if v not in index:
            visit(v)
    return out


def graph_problems(g):
    bad = ["cycle: " + " <-> ".join(c) for c in cycles(g)]
    for p, deps in sorted(g.items()):
        for q in deps:
            if q not in g:
                bad.append(f"missing header: {p} includes {q}")
                continue
            if os.path.basename(q) in BASE and q.count("/") == 1:
                continue
            rule = FORBIDDEN.get(layer(p))
            if rule and layer(q) != layer(p) and rule(layer(q)):
                bad.append(f"layer: {p} ({layer(p)}/) includes {q} ({layer(q)}/)")
            if layer(p) == "simd" and q == "lowp/dispatch/dispatch.hpp":
                bad.append(f"layer: {p} (simd/) includes the run-time dispatch {q}")
        if p.startswith("lowp/simd/") and KERNEL_NAME.search(os.path.basename(p)):
            bad.append(f"kernel file under simd/: {p} (kernels live in kernels/<family>/)")
    return bad


# Per-ISA headers are compiled with their ISA's flags, as their only includers
# (the per-ISA translation units) are.
ISA_FLAGS = [
    (re.compile(r"avx512bw"), ["-mavx512f", "-mavx512cd", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mavx2", "-mfma",
                               "-mf16c"]),
    (re.compile(r"avx2"), ["-mavx2", "-mfma", "-mf16c"]),
]


def isa_flags(header):
    name = os.path.basename(header)
    if header.startswith("lowp/simd/"):
        return []
    for pattern, flags in ISA_FLAGS:
        if pattern.search(name):
            return flags
    return []


def compile_alone(compiler, root, header, flags):
    flags = flags + isa_flags(header)
    with tempfile.NamedTemporaryFile("w", suffix=".cpp", delete=False) as tu:
        tu.write(f"#include <{header}>\n#include <{header}>\n")
        name = tu.name
    try:
        r = subprocess.run([compiler, "-std=c++20", "-fsyntax-only", "-Wall", "-Wextra", "-Werror", *flags,
                            "-I", root, name], capture_output=True, text=True)
        return header, r.returncode, r.stderr
    finally:
        os.unlink(name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--compiler", default=os.environ.get("CXX", "c++"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-compile", action="store_true")
    ap.add_argument("--flag", action="append", default=[], help="extra compiler flag (repeatable)")
    ap.add_argument("root")
    args = ap.parse_args()
    g = graph(args.root)
    bad = graph_problems(g)
    for b in bad:
        print(b)
    failed = 0
    if not args.no_compile:
        headers = sorted(g)
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            for header, rc, err in pool.map(lambda h: compile_alone(args.compiler, args.root, h, args.flag), headers):
                if rc != 0:
                    failed += 1
                    print(f"does not compile alone: {header}\n{err}")
        print(f"{len(headers)} headers compiled alone with {args.compiler}, {failed} failed")
    print(f"{len(g)} headers, {len(bad)} include-graph problems")
    return 1 if bad or failed else 0


if __name__ == "__main__":
    sys.exit(main())
