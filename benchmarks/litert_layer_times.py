"""Where does LiteRT float32 time go, layer by layer? (issue 16 item 5)

LiteRT's Python API has no per-op profiler, so each layer of the float32 network is timed as its own graph
(:func:`~costmodel.latency.tflite_model.build_layer_tflite`: same operator, weights and padding), back to back
after a warm-up, on the thread-CPU clock, beside the whole network. It prints per layer the median time at
each resolution and the time per million MACs, marks the layers whose float32 working set (input + output
activations + weights) exceeds this CPU's L2 cache (read from ``/sys/devices/system/cpu/cpu0/cache``), and
the load average before and after, so a step in one layer (a kernel change, a cache spill) shows where it is.

Run: ``python benchmarks/litert_layer_times.py [--alpha 0.25] [--resolutions 128,160,192,224] [--runs 100]``
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from costmodel.core.report import report
from costmodel.latency.measure import make_interpreter
from costmodel.latency.tflite_model import build_layer_tflite, build_tflite

CACHE = Path("/sys/devices/system/cpu/cpu0/cache")


def cache_sizes() -> dict[str, int]:
    """Bytes of each data or unified cache level of CPU 0, e.g. ``{"L1": 32768, "L2": 524288, ...}``."""
    units = {"K": 1024, "M": 1024**2}
    sizes = {}
    for index in sorted(CACHE.glob("index*")):
        if (index / "type").read_text().strip() == "Instruction":
            continue
        text = (index / "size").read_text().strip()
        sizes[f"L{(index / 'level').read_text().strip()}"] = int(text[:-1]) * units[text[-1]]
    return sizes


def median_ms(data: bytes, runs: int, warmup: int = 20) -> float:
    """Median thread-CPU time of one ``invoke()`` of the graph, back to back after ``warmup`` runs."""
    run = make_interpreter(data, 1, "float32").invoke
    for _ in range(warmup):
        run()
    times = np.empty(runs)
    for i in range(runs):
        start = time.thread_time_ns()
        run()
        times[i] = time.thread_time_ns() - start
    return float(np.median(times)) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alpha", type=float, default=0.25)
    parser.add_argument("--resolutions", default="128,160,192,224")
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    resolutions = [int(r) for r in args.resolutions.split(",")]
    caches = cache_sizes() if CACHE.exists() else {}
    l2 = caches.get("L2")
    print(f"caches of CPU 0: {', '.join(f'{k} {v // 1024} KiB' for k, v in caches.items()) or 'unknown'}")
    print(f"load average (1 min) before: {os.getloadavg()[0]:.2f}")
    whole = {r: median_ms(build_tflite(args.alpha, r), args.runs) for r in resolutions}
    tables = {r: report(alpha=args.alpha, resolution=r).table for r in resolutions}
    layers = {r: [median_ms(build_layer_tflite(args.alpha, r, i), args.runs) for i in range(len(tables[r]))]
              for r in resolutions}  # fmt: skip
    head = "".join(f"{f'{r} ms':>9}" for r in resolutions) + "".join(f"{f'{r} ms/M':>9}" for r in resolutions)
    print(f"\nLiteRT float32, alpha {args.alpha:g}, {args.runs} runs each, thread-CPU clock, medians")
    print(f"{'layer':<22}{head}  working set over L2 at")
    for i, name in enumerate(tables[resolutions[0]].layer):
        times = "".join(f"{layers[r][i]:9.4f}" for r in resolutions)
        rates = "".join(
            f"{layers[r][i] / tables[r].macs.iloc[i] * 1e6:9.4f}" if tables[r].macs.iloc[i] else f"{'-':>9}"
            for r in resolutions
        )
        spilled = [str(r) for r in resolutions if l2 and _working_set(tables[r].iloc[i]) > l2]
        print(f"{name:<22}{times}{rates}  {','.join(spilled) or '-'}")
    print(f"{'sum of layers':<22}" + "".join(f"{sum(layers[r]):9.4f}" for r in resolutions))
    print(f"{'whole network':<22}" + "".join(f"{whole[r]:9.4f}" for r in resolutions))
    steps = [f"{a}->{b}: x{whole[b] / whole[a]:.3f} time, x{_macs(tables[b]) / _macs(tables[a]):.3f} MACs"
             for a, b in itertools.pairwise(resolutions)]  # fmt: skip
    print("whole-network steps: " + "; ".join(steps))
    print(f"load average (1 min) after: {os.getloadavg()[0]:.2f}")


def _working_set(row) -> int:
    """float32 bytes a layer touches: its input and output activations and its weights."""
    return 4 * (row.in_side**2 * row.in_channels + row.activations + row.params)


def _macs(table) -> int:
    return int(table.macs.sum())


if __name__ == "__main__":
    main()
