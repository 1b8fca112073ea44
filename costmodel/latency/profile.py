"""Per-layer time of the ONNX network from onnxruntime's own profiler, beside each layer's MACs.

An ``InferenceSession`` with ``SessionOptions.enable_profiling`` records every kernel's duration (µs) per run.
After graph optimisation a layer's conv and its ReLU6 are one fused kernel named after the layer
(``Conv2d_3_depthwise/relu6_nchwc``); each kernel is given to the layer its name starts with, and kernels of no
layer (layout reorders) go to :data:`OTHER`. A layer's time is the median over the profiled runs of its kernels'
sum; ``whole_ms`` is the median of the profiler's own ``model_run`` events. :func:`profile_problem` says when the
layers do not add up to the whole network within :data:`PROFILE_TOLERANCE`. LiteRT has no profiler in its Python
API: :func:`profile_litert` times each layer as its own graph instead.

>>> profile = profile_onnx(0.25, 64, runs=3, warmup=1)
>>> profile.layers.layer.iloc[0], profile.layers.layer.iloc[-1], len(profile.layers)
('Conv2d_0', 'other', 30)
>>> int(profile.layers.macs.sum()) == report(alpha=0.25, resolution=64).totals["macs"]
True
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from costmodel.core.report import report
from costmodel.latency.onnx_model import build_onnx

OTHER = "other"
"""The pseudo-layer of kernels that belong to no layer (layout reorders inserted by the optimiser)."""
PROFILE_TOLERANCE = 0.20
"""The layers' times should add up to the whole-network time within this share."""


@dataclass(frozen=True)
class Profile:
    """Per-layer times (``layers``: layer, kind, macs, time_ms, in network order, then ``other``) and the
    whole-network median ``whole_ms`` of the same profiled runs."""

    layers: pd.DataFrame
    whole_ms: float
    runs: int

    @property
    def layer_sum_ms(self) -> float:
        """Sum of all kernels' median times, ``other`` included."""
        return float(self.layers.time_ms.sum())


def _layer_of(kernel: str, layers: list[str]) -> str:
    name = kernel.removesuffix("_kernel_time").split("/")[0].removesuffix("_nchwc")
    return name if name in layers else OTHER


def profile_onnx(
    alpha: float, resolution: int, *, runs: int = 20, warmup: int = 5, threads: int = 1, bn: str = "folded"
) -> Profile:
    """Profile ``runs`` runs (after ``warmup``) of the ONNX network at (alpha, resolution) with onnxruntime."""
    import onnxruntime as ort

    from costmodel.latency.measure import random_input

    table = report(alpha=alpha, resolution=resolution).table
    names = table.layer.tolist()
    options = ort.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    feed = random_input(resolution)
    with tempfile.TemporaryDirectory(prefix="mobilenet-profile-") as folder:
        options.enable_profiling = True
        options.profile_file_prefix = os.path.join(folder, "ort")
        model = build_onnx(alpha, resolution, bn=bn).SerializeToString()
        session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        for _ in range(warmup + runs):
            session.run(None, feed)
        events = json.loads(Path(session.end_profiling()).read_text())
    whole = [e["dur"] for e in events if e.get("name") == "model_run"][warmup:]
    per_run = np.zeros((warmup + runs, len(names) + 1))
    column = {name: i for i, name in enumerate([*names, OTHER])}
    run = -1
    for event in events:  # in time order: each run's kernels follow its executor event
        if event.get("name") == "SequentialExecutor::Execute":
            run += 1
        elif (
            event.get("cat") == "Node" and event["name"].endswith("_kernel_time") and 0 <= run < len(per_run)
        ):
            per_run[run, column[_layer_of(event["name"], names)]] += event["dur"]
    medians = np.median(per_run[warmup:], axis=0) / 1000
    layers = pd.DataFrame(
        {
            "layer": [*names, OTHER],
            "kind": [*table.kind.tolist(), OTHER],
            "macs": [*table.macs.astype("int64").tolist(), 0],
            "time_ms": medians,
        }
    )
    return Profile(layers, float(np.median(whole)) / 1000, runs)


def profile_litert(
    alpha: float,
    resolution: int,
    *,
    dtype: str = "float32",
    runs: int = 20,
    warmup: int = 5,
    threads: int = 1,
    clock: str = "auto",
) -> Profile:
    """Per-layer times of the LiteRT network (float32 or int8): each layer timed as its own graph.

    LiteRT's Python API has no per-op profiler, so every layer is built alone
    (:func:`~costmodel.latency.tflite_model.build_layer_tflite`) and timed like the whole network: ``warmup``
    untimed ``invoke()`` calls, then the median of ``runs`` back-to-back ones with ``threads`` threads on the
    ``clock`` (``"auto"``: thread-CPU time with one thread, else wall; see
    :func:`~costmodel.latency.measure.resolve_clock`). ``whole_ms`` is the whole network's median measured the same
    way; the layers sum to it only approximately (no ``other`` time: each layer graph pays its own ``invoke()``
    dispatch, and a layer timed alone, back to back, finds its own weights and input in the caches).

    >>> profile = profile_litert(0.25, 64, dtype="int8", runs=3, warmup=1)
    >>> len(profile.layers), profile.layers.layer.iloc[-1], bool(profile.whole_ms > 0)
    (29, 'Logits', True)
    """
    from costmodel.latency.measure import make_interpreter, resolve_clock, time_runs
    from costmodel.latency.tflite_model import build_layer_tflite, build_tflite, check_dtype

    dtype, clock = check_dtype(dtype), resolve_clock(clock, threads)

    def median_ms(data: bytes) -> float:
        run = make_interpreter(data, threads, dtype).invoke
        time_runs(run, warmup, clock)
        return float(np.median(time_runs(run, runs, clock))) / 1e6

    table = report(alpha=alpha, resolution=resolution).table
    times = [median_ms(build_layer_tflite(alpha, resolution, i, dtype=dtype)) for i in range(len(table))]
    layers = pd.DataFrame(
        {"layer": table.layer, "kind": table.kind, "macs": table.macs.astype("int64"), "time_ms": times}
    ).reset_index(drop=True)
    return Profile(layers, median_ms(build_tflite(alpha, resolution, dtype=dtype)), runs)


def time_vs_macs(layers: pd.DataFrame) -> pd.DataFrame:
    """``layers`` (one design point's profile: layer, kind, macs, time_ms) with the time its MACs predict.

    Among the layers with MACs, ``time_share`` and ``mac_share`` are each layer's share of their measured time and
    of their MACs; ``mac_time_ms`` is the time the layer would take if every MAC cost the same (its MAC share of
    those layers' time), and ``ratio`` = time_share / mac_share: above 1, a layer is slower than its MACs predict.
    Layers without MACs (the pool, ``other``) get no share and no ratio (NaN).

    >>> layers = pd.DataFrame({"layer": ["dw", "pw", "other"], "kind": ["dw", "pw", "other"],
    ...                        "macs": [100, 900, 0], "time_ms": [0.5, 1.5, 0.1]})
    >>> time_vs_macs(layers)[["mac_time_ms", "ratio"]].round(3).to_numpy().tolist()
    [[0.2, 2.5], [1.8, 0.833], [nan, nan]]
    """
    frame = layers.copy()
    counted = frame["macs"] > 0
    macs = frame["macs"].where(counted).astype("float64")
    time = frame["time_ms"].where(counted).astype("float64")
    total_time = float(time.sum())
    frame["time_share"] = time / total_time if total_time > 0 else np.nan
    frame["mac_share"] = macs / float(macs.sum()) if counted.any() else np.nan
    frame["mac_time_ms"] = frame["mac_share"] * total_time
    frame["ratio"] = frame["time_share"] / frame["mac_share"]
    return frame


def profile_problem(profile: Profile, tolerance: float = PROFILE_TOLERANCE) -> str | None:
    """A sentence for the dataset notes when the layers do not add up to the whole network; else None.

    >>> layers = pd.DataFrame({"layer": ["a"], "kind": ["pw"], "macs": [1], "time_ms": [0.7]})
    >>> profile_problem(Profile(layers, 1.0, 5))
    'per-layer profile sums to 70 % of the whole-network time (outside ±20 %)'
    >>> profile_problem(Profile(layers, 0.75, 5)) is None
    True
    """
    share = profile.layer_sum_ms / profile.whole_ms if profile.whole_ms > 0 else float("inf")
    if abs(share - 1) <= tolerance:
        return None
    return f"per-layer profile sums to {share * 100:.0f} % of the whole-network time (outside ±{tolerance * 100:.0f} %)"
