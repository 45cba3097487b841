#!/usr/bin/env python3
"""Draws docs/benchmarks_gemm.svg from a lowp_bench JSON file.

    lowp_bench --benchmark_filter='^(gemm|gemv|peer/(openblas|onednn))/' \
               --benchmark_out=gemm.json --benchmark_out_format=json
    tools/bench_plot.py gemm.json [more.json ...] docs/benchmarks_gemm.svg

A benchmark present in several files takes its figure from the last one.

Three panels: float32 GEMM (GFLOP/s) and int8 GEMM (GOP/s) against the side
of square problems, GEMV (GB/s of weight bytes) against N = K; one line per
lowp ISA and per peer. Standard library only: the SVG is written by hand.
"""

import json
import math
import re
import sys

PANELS = [
    # title, y label, counter, [(series label, regex with a size group)]
    ("float32 GEMM, n x n x n", "GFLOP/s", "FLOPS", [
        ("lowp {isa}", r"^gemm/float32xfloat32/(\d+)x\1x\1/fast/(?P<isa>\w+)$"),
        ("OpenBLAS sgemm", r"^peer/openblas/sgemm/(\d+)x\1x\1$"),
        ("oneDNN sgemm", r"^peer/onednn/sgemm/(\d+)x\1x\1$"),
    ]),
    ("uint8 x int8 GEMM, n x n x n", "GOP/s", "OPS", [
        ("lowp {isa}", r"^gemm/uint8xint8/(\d+)x\1x\1/fast/(?P<isa>\w+)$"),
        ("oneDNN gemm_u8s8s32", r"^peer/onednn/gemm_u8s8s32/(\d+)x\1x\1$"),
    ]),
    ("GEMV, n x n weights", "GB/s of weights", "bytes_per_second", [
        ("lowp q4_0 x int8 {isa}", r"^gemv/ggml_q4_0xint8/(\d+)x\1/(?P<isa>\w+)$"),
        ("lowp q4_0_r8 x int8 {isa}", r"^gemv/ggml_q4_0_r8xint8/(\d+)x\1/(?P<isa>\w+)$"),
        ("lowp float32 {isa}", r"^gemv/float32xfloat32/(\d+)x\1/(?P<isa>\w+)$"),
        ("OpenBLAS sgemv", r"^peer/openblas/sgemv/(\d+)x\1$"),
    ]),
]

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]


def load(path, rates):
    with open(path) as f:
        data = json.load(f)
    for b in data["benchmarks"]:
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "max":
            continue
        name = b.get("run_name", b["name"])
        for counter in ("FLOPS", "OPS", "bytes_per_second"):
            if counter in b:
                rates[(name, counter)] = float(b[counter])


def series_of(rates, counter, patterns):
    out = {}
    for label, pattern in patterns:
        rx = re.compile(pattern)
        for (name, c), value in rates.items():
            m = rx.match(name)
            if c != counter or not m or (m.groupdict().get("isa") == "scalar"):
                continue
            key = label.format(isa=m.groupdict().get("isa", ""))
            out.setdefault(key, []).append((int(m.group(1)), value / 1e9))
    return {k: sorted(v) for k, v in sorted(out.items())}


def panel_svg(x0, y0, w, h, title, ylabel, series):
    parts = [f'<text x="{x0 + w / 2}" y="{y0 - 12}" text-anchor="middle" font-weight="bold">{title}</text>']
    points = [p for s in series.values() for p in s]
    if not points:
        parts.append(f'<text x="{x0 + w / 2}" y="{y0 + h / 2}" text-anchor="middle">no data</text>')
        return parts
    xs = sorted({p[0] for p in points})
    lo, hi = math.log2(xs[0]), math.log2(xs[-1])
    hi = hi if hi > lo else lo + 1
    ymax = max(p[1] for p in points) * 1.1
    step = 10 ** math.floor(math.log10(ymax / 5))
    step *= 2 if ymax / step > 12 else 1
    sx = lambda n: x0 + (math.log2(n) - lo) / (hi - lo) * w
    sy = lambda v: y0 + h - v / ymax * h
    parts.append(f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="none" stroke="#888"/>')
    v = 0.0
    while v <= ymax:
        parts.append(f'<line x1="{x0}" y1="{sy(v):.1f}" x2="{x0 + w}" y2="{sy(v):.1f}" stroke="#eee"/>')
        parts.append(f'<text x="{x0 - 6}" y="{sy(v) + 4:.1f}" text-anchor="end" font-size="11">{v:g}</text>')
        v += step
    for n in xs:
        parts.append(f'<text x="{sx(n):.1f}" y="{y0 + h + 16}" text-anchor="middle" font-size="11">{n}</text>')
    parts.append(f'<text x="{x0 - 44}" y="{y0 + h / 2}" text-anchor="middle" font-size="12" '
                 f'transform="rotate(-90 {x0 - 44} {y0 + h / 2})">{ylabel}</text>')
    for i, (label, pts) in enumerate(series.items()):
        color = COLORS[i % len(COLORS)]
        dash = ' stroke-dasharray="6 4"' if not label.startswith("lowp") else ""
        path = " ".join(f"{sx(n):.1f},{sy(v):.1f}" for n, v in pts)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        for n, v in pts:
            parts.append(f'<circle cx="{sx(n):.1f}" cy="{sy(v):.1f}" r="3" fill="{color}"/>')
        ly = y0 + 14 + 16 * i
        parts.append(f'<line x1="{x0 + 10}" y1="{ly - 4}" x2="{x0 + 30}" y2="{ly - 4}" stroke="{color}" '
                     f'stroke-width="2"{dash}/>')
        parts.append(f'<text x="{x0 + 36}" y="{ly}" font-size="11">{label}</text>')
    return parts


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    rates = {}
    for path in argv[1:-1]:
        load(path, rates)
    w, h, gap = 360, 260, 90
    width = len(PANELS) * (w + gap) + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h + 110}" '
             f'font-family="sans-serif" font-size="12">',
             f'<rect width="{width}" height="{h + 110}" fill="white"/>']
    for i, (title, ylabel, counter, patterns) in enumerate(PANELS):
        parts += panel_svg(70 + i * (w + gap), 40, w, h, title, ylabel, series_of(rates, counter, patterns))
    parts.append(f'<text x="{width / 2}" y="{h + 95}" text-anchor="middle" font-size="11">'
                 f'one thread; x: n (log scale); dashed: peers (runs and commands: docs/benchmarks.md)</text>')
    parts.append("</svg>")
    with open(argv[-1], "w") as f:
        f.write("\n".join(parts) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
