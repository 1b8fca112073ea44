"""Measuring latency on this machine: the ONNX network of :mod:`costmodel.latency.onnx_model` timed with onnxruntime.

Method: one ``InferenceSession`` per design point (CPU execution provider, all graph optimisations,
``intra_op_num_threads`` = ``threads``, one inter-op thread, sequential execution), fed one random float32
image of batch 1. Each model first gets ``warmup`` untimed runs; then the timed runs go round the grid, one
run of each model in turn, ``runs`` rounds, so a burst of load from other processes spreads over all points
instead of distorting one. Each run is timed alone on one of :data:`CLOCKS`: by default the calling thread's
CPU time with one thread (the latency of an unshared core) and the wall clock with more. The record keeps the
median (as ``latency_ms``), p10, p90, min and standard deviation in milliseconds, the run count, the thread
count, the CPU model (``/proc/cpuinfo``) as the device, the onnxruntime version as the runtime, and the clock
in the notes. The result is a table in the import schema.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from costmodel.latency.onnx_model import INPUT_NAME, build_onnx, onnx_filename
from costmodel.latency.schema import dataset_frame

CLOCKS = {"wall": time.perf_counter_ns, "cpu": time.thread_time_ns}
"""``wall``: elapsed time (the latency a user sees). ``cpu``: CPU time of the calling thread, which with one
intra-op thread is the thread that runs the whole graph; it leaves out the time the OS gives to other
processes, so it is the latency of an unshared core, for measuring on a busy machine."""
DECIMALS = 6
"""Times are kept to the nanosecond (6 decimals of a millisecond), the clock's resolution."""
MAX_THREADS = 256
MAX_RUNS = 100_000
MAX_POINTS = 100
"""Most (alpha, resolution) pairs one measurement takes (all their sessions are open at once)."""


@dataclass(frozen=True)
class Timing:
    """Summary of the timed runs of one session, in milliseconds."""

    median_ms: float
    p10_ms: float
    p90_ms: float
    min_ms: float
    std_ms: float
    runs: int

    @classmethod
    def of(cls, times_ms: np.ndarray) -> Timing:
        """Summary of per-run times.

        >>> Timing.of(np.array([3.0, 1.0, 2.0, 4.0, 5.0])).median_ms
        3.0
        """
        p10, median, p90 = np.percentile(times_ms, [10, 50, 90])
        values = (median, p10, p90, times_ms.min(), times_ms.std())
        return cls(*(round(float(v), DECIMALS) for v in values), runs=times_ms.size)


def cpu_model() -> str:
    """The CPU's model name from ``/proc/cpuinfo``, else ``platform.processor()``, else the machine type."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def runtime_name() -> str:
    """``onnxruntime <version>``."""
    import onnxruntime

    return f"onnxruntime {onnxruntime.__version__}"


def make_session(model, threads: int):
    """An onnxruntime CPU session for ``model`` with ``threads`` intra-op threads."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def random_input(resolution: int, seed: int = 0) -> dict[str, np.ndarray]:
    """The feed: one random float32 NCHW image."""
    image = np.random.default_rng(seed).random((1, 3, resolution, resolution), dtype=np.float32)
    return {INPUT_NAME: image}


def time_runs(session, feed: dict[str, np.ndarray], count: int, clock: str = "wall") -> np.ndarray:
    """Times in nanoseconds of ``count`` consecutive calls, each timed alone on the :data:`CLOCKS` clock."""
    times = np.empty(count, dtype=np.int64)
    clock, run = CLOCKS[clock], session.run
    for i in range(count):
        start = clock()
        run(None, feed)
        times[i] = clock() - start
    return times


def _check_count(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer; got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name}={value} is out of range; allowed {low} to {high:,}")
    return int(value)


def measure(
    alphas: Sequence[float],
    resolutions: Sequence[int],
    *,
    threads: int = 1,
    runs: int = 50,
    warmup: int = 10,
    bn: str = "folded",
    export_onnx: str | os.PathLike | None = None,
    progress: bool = True,
    clock: str = "auto",
) -> pd.DataFrame:
    """Time every (alpha, resolution) pair of the grid; a table in the import schema, one row per pair.

    ``export_onnx`` names a folder to keep each model in, as ``mobilenet_v1_<alpha>_<resolution>.onnx``.
    ``clock``: ``"wall"``, ``"cpu"`` (one thread only) or ``"auto"``, which is ``"cpu"`` with one thread and
    ``"wall"`` with more (see :data:`CLOCKS`); the notes column says which was used.
    """
    threads = _check_count("threads", threads, 1, MAX_THREADS)
    runs = _check_count("runs", runs, 1, MAX_RUNS)
    warmup = _check_count("warmup", warmup, 0, MAX_RUNS)
    if clock == "auto":
        clock = "cpu" if threads == 1 else "wall"
    if clock not in CLOCKS:
        raise ValueError(f"clock={clock!r} is not allowed; choose from auto, {', '.join(CLOCKS)}")
    if clock == "cpu" and threads != 1:
        raise ValueError(f"clock='cpu' needs threads=1 (got {threads}): other threads' time would be missed")
    pairs = [(float(a), int(r)) for a in alphas for r in resolutions]
    if not pairs:
        raise ValueError("give at least one alpha and one resolution")
    if len(pairs) > MAX_POINTS:
        raise ValueError(f"{len(pairs)} (alpha, resolution) pairs; the limit is {MAX_POINTS}")
    folder = Path(export_onnx) if export_onnx is not None else None
    if folder is not None and not folder.is_dir():
        raise ValueError(f"--export-onnx {str(folder)!r} is not an existing folder")
    models = [build_onnx(a, r, bn=bn) for a, r in pairs]  # checks every point before timing any
    device, runtime = cpu_model(), runtime_name()
    sessions = []
    for (alpha, resolution), model in zip(pairs, models, strict=True):
        if folder is not None:
            (folder / onnx_filename(alpha, resolution)).write_bytes(model.SerializeToString())
        sessions.append((make_session(model, threads), random_input(resolution)))
    del models
    times = np.empty((len(pairs), runs), dtype=np.int64)
    total = len(pairs) * (warmup + runs)
    with tqdm(total=total, desc="measure", unit="run", disable=not progress, file=sys.stderr) as bar:
        for session, feed in sessions:
            time_runs(session, feed, warmup)
            bar.update(warmup)
        for k in range(runs):  # one run of each model in turn, so a burst of load spreads over all points
            for j, (session, feed) in enumerate(sessions):
                times[j, k] = time_runs(session, feed, 1, clock)[0]
            bar.update(len(pairs))
    records = []
    for (alpha, resolution), row in zip(pairs, times, strict=True):
        timing = Timing.of(row / 1e6)
        records.append(
            {
                "alpha": alpha,
                "resolution": resolution,
                "latency_ms": timing.median_ms,
                "device": device,
                "runtime": runtime,
                "threads": threads,
                "batch": 1,
                "dtype": "float32",
                "source": f"mobilenet-cost measure on {platform.node() or 'this machine'}",
                "std_ms": timing.std_ms,
                "notes": f"median of {runs} interleaved runs after {warmup} warm-up; {clock} clock; BN {bn}; "
                f"{platform.platform()}",
                "p10_ms": timing.p10_ms,
                "p90_ms": timing.p90_ms,
                "min_ms": timing.min_ms,
                "runs": runs,
            }
        )
    return dataset_frame(records)
