"""The Compare page's logic: two to four pinned design points side by side.

A point is ``alpha,resolution`` (``/compare?p=0.35,200&p=0.5,160``). Totals come from
:func:`costmodel.evaluate` (precompiled, never SymPy per request), the estimated top-1 from the published
float trend (:func:`costmodel.reference.accuracy_model.published_trend`, with its interval) and the latency
from a latency dataset's fitted model. Per layer, each point's MACs and params and their difference from
the first point.

>>> points, problems = parse_points("?p=0.35,200&p=0.5,160")
>>> points, problems
([(0.35, 200), (0.5, 160)], [])
>>> view = compare_view(points)
>>> view.totals[["label", "macs", "params"]].to_numpy().tolist()
[['0.35-200', 64549769, 758241], ['0.5-160', 76524800, 1320648]]
>>> int(view.layers.loc[view.layers.layer == "Conv2d_13_pointwise", "macs Δ 0.5-160"].iloc[0])
273564
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode

import numpy as np
import pandas as pd

from costmodel.core.convention import Convention
from costmodel.core.design_point import check_alpha, check_resolution
from costmodel.core.evaluate import evaluate
from costmodel.core.formulas import MAXIMA
from costmodel.core.numbers import parse_decimal, shorten
from costmodel.core.report import layer_values
from costmodel.output.frame_format import plain_records
from costmodel.output.table import Column, ExportTable
from costmodel.reference.accuracy_model import published_trend

MIN_POINTS, MAX_POINTS = 2, 4
DEFAULT_POINTS = ((1.0, 224), (0.5, 160))
METRICS = ("macs", "params", "flops", "activations")
DEFAULT_DATASET = "tflite-pixel2-cpu-float"
DTYPES = ("float32", "float16", "int8")
BYTE_METRICS = ("peak_activation_bytes", "flash_bytes")


def parse_point(text: str) -> tuple[float, int]:
    """``"0.35,200"`` → ``(0.35, 200)``, checked like every design point; ``ValueError`` naming the text.

    >>> parse_point("0.5, 160")
    (0.5, 160)
    >>> parse_point("0.5")
    Traceback (most recent call last):
    ValueError: point '0.5': give alpha,resolution, e.g. 0.5,160
    """
    parts = [part.strip() for part in str(text).split(",")]
    if len(parts) != 2:
        raise ValueError(f"point {shorten(text)}: give alpha,resolution, e.g. 0.5,160")
    alpha = float(check_alpha(float(parse_decimal("alpha", parts[0]))))
    side = parse_decimal("resolution", parts[1])
    if side != side.to_integral_value():
        raise ValueError(f"point {shorten(text)}: resolution {parts[1]!r} is not a whole number of pixels")
    return alpha, int(check_resolution(int(side), Convention()))


def parse_points(search: str | None) -> tuple[list[tuple[float, int]], list[str]]:
    """The points of a query string (``p=alpha,resolution``, repeated), and the problems met. Bad points are
    named and left out; fewer than two usable points fall back to :data:`DEFAULT_POINTS`."""
    texts = [
        value for key, value in parse_qsl((search or "").lstrip("?"), keep_blank_values=True) if key == "p"
    ]
    return points_from(texts)


def points_from(texts: list[str]) -> tuple[list[tuple[float, int]], list[str]]:
    """Like :func:`parse_points` for a list of ``alpha,resolution`` texts (the page's fields)."""
    points, problems = [], []
    for text in texts:
        if not str(text).strip():
            continue
        try:
            point = parse_point(text)
        except ValueError as error:
            problems.append(str(error))
            continue
        if point in points:
            problems.append(f"point {point[0]:g},{point[1]} is given twice; shown once")
        else:
            points.append(point)
    if len(points) > MAX_POINTS:
        problems.append(f"{len(points)} points given; the first {MAX_POINTS} are compared")
        points = points[:MAX_POINTS]
    if len(points) < MIN_POINTS:
        if texts:
            problems.append(f"give {MIN_POINTS} to {MAX_POINTS} points; showing the default comparison")
        points = list(DEFAULT_POINTS)
    return points, problems


def to_query(points: list[tuple[float, int]], dataset: str | None = None, dtype: str = "float32") -> str:
    """The query string of a comparison: ``?p=0.35,200&p=0.5,160`` (and the dataset and value type when not
    the defaults)."""
    pairs = [("p", f"{a:g},{r}") for a, r in points]
    if dataset and dataset != DEFAULT_DATASET:
        pairs.append(("dataset", dataset))
    if dtype != "float32":
        pairs.append(("dtype", dtype))
    return "?" + urlencode(pairs, safe=",")


def check_dtype(dtype: object) -> tuple[str, str]:
    """The value type for the byte counts (float32 for anything unknown) and a message naming a bad one.

    >>> check_dtype("int8"), check_dtype("int4")
    (('int8', ''), ('float32', "value type 'int4' is not allowed; choose one of float32, float16, int8"))
    """
    if dtype in DTYPES or dtype is None:
        return dtype or "float32", ""
    return "float32", f"value type {str(dtype)[:20]!r} is not allowed; choose one of {', '.join(DTYPES)}"


def label(point: tuple[float, int]) -> str:
    return f"{point[0]:g}-{point[1]}"


@dataclass(frozen=True)
class CompareView:
    """Totals per point (one row each) and per-layer MACs and params with differences from the first."""

    totals: pd.DataFrame
    layers: pd.DataFrame
    latency_note: str
    dtype: str = "float32"


def compare_view(
    points: list[tuple[float, int]], dataset: str | None = DEFAULT_DATASET, db=None, dtype: str = "float32"
) -> CompareView:
    """Everything the Compare page shows for ``points`` (checked), a latency ``dataset`` (None: none) and the
    value type ``dtype`` of the flash (weight bytes, BN folded) and peak RAM (activations, chain planner)."""
    alphas = np.array([a for a, _ in points], dtype=float)
    sides = np.array([r for _, r in points], dtype=np.int64)
    costs = evaluate(alphas, sides, metrics=list(METRICS))
    # the byte totals in the Design space grid's function, compiled per value type when the server starts
    memory = evaluate(alphas, sides, metrics=["macs", "params", *BYTE_METRICS], dtype=dtype)
    columns = {
        "label": [label(p) for p in points],
        **{column: costs[column].to_numpy() for column in costs.columns},
        **{metric: memory[metric].to_numpy() for metric in BYTE_METRICS},
        "peak_layer": [peak_layer(a, r, dtype) for a, r in points],
    }
    estimate = published_trend("float").predicted(alphas, sides)
    for column in ("top1_pct_estimate", "top1_pct_low", "top1_pct_high"):
        columns[column] = estimate[column]
    note = ""
    if dataset:
        from costmodel.latency.axis import dataset_model

        try:
            columns["latency_ms"] = dataset_model(dataset, db).predict(alphas, sides)
            note = f"latency predicted by the model fitted to dataset {dataset!r}"
        except ValueError as error:
            note = f"no latency: {error}"
    totals = pd.DataFrame(columns)
    return CompareView(totals, layer_differences(points), note, dtype)


@lru_cache(maxsize=256)
def point_layers(alpha: float, resolution: int) -> tuple[dict[str, object], ...]:
    """Each layer's name, kind, MACs and params at a compared point, paper convention (cached: a comparison
    usually keeps some of its points, and the paper's 1.0-224 is in most; callers only read it)."""
    return tuple(layer_values(alpha, resolution, Convention(), ("macs", "params")))


@lru_cache(maxsize=256)
def peak_layer(alpha: float, resolution: int, dtype: str = "float32") -> str:
    """The layer whose input plus output buffer is the peak RAM at a point (the first of equal ones)."""
    metric = MAXIMA["peak_activation_bytes"]
    rows = layer_values(alpha, resolution, Convention(dtype=dtype), (metric,))
    return max(rows, key=lambda row: row[metric])["layer"]


def layer_differences(points: list[tuple[float, int]]) -> pd.DataFrame:
    """Per layer: each point's MACs and params, and each later point's difference from the first."""
    tables = [point_layers(a, r) for a, r in points]
    first = tables[0]
    columns: dict[str, list] = {"layer": [row["layer"] for row in first], "kind": [row["kind"] for row in first]}
    for point, rows in zip(points, tables, strict=True):
        for metric in ("macs", "params"):
            columns[f"{metric} {label(point)}"] = [row[metric] for row in rows]
    for point, rows in zip(points[1:], tables[1:], strict=True):
        for metric in ("macs", "params"):
            columns[f"{metric} Δ {label(point)}"] = [
                row[metric] - base[metric] for row, base in zip(rows, first, strict=True)
            ]
    return pd.DataFrame(columns)


def totals_table(view: CompareView) -> ExportTable:
    """The totals as the project's one table object (CSV and LaTeX downloads)."""
    columns = [
        Column("label", "Design point"),
        Column("alpha", "α", kind="plain"),
        Column("resolution", "Resolution", kind="count"),
        Column("macs", "MACs (M)", kind="count", scale=10**6, digits=2),
        Column("params", "Params (M)", kind="count", scale=10**6, digits=3),
        Column("activations", "Activations (M)", kind="count", scale=10**6, digits=2),
        Column("flash_bytes", "Flash (KiB)", kind="count", scale=1024, digits=1),
        Column("peak_activation_bytes", "Peak RAM (KiB)", kind="count", scale=1024, digits=1),
        Column("peak_layer", "Peak at"),
    ]
    if "top1_pct_estimate" in view.totals:
        columns.append(Column("top1_pct_estimate", "Top-1 est. (%)", kind="number", digits=1))
        if "top1_pct_low" in view.totals:
            columns.append(Column("top1_pct_low", "from", kind="number", digits=1))
            columns.append(Column("top1_pct_high", "to", kind="number", digits=1))
    if "latency_ms" in view.totals:
        columns.append(Column("latency_ms", "Latency (ms)", kind="number", digits=1))
    keys = [c.key for c in columns]
    rows = tuple(plain_records(view.totals[keys]))
    notes = [
        "Exact counts under the paper's convention; top-1 estimated by the TF-slim 2018_02_22 float trend",
        f"Flash: weight bytes at {view.dtype} (batch norm folded into the biases); peak RAM: the largest input plus "
        "output activation buffer (chain planner), at the layer named",
    ]
    if view.latency_note:
        notes.append(view.latency_note.capitalize())
    return ExportTable(tuple(columns), rows, caption="MobileNet v1 design points compared",
                       label="tab:mobilenet-compare", notes=tuple(notes))  # fmt: skip


def layers_table(view: CompareView) -> ExportTable:
    """The per-layer MACs and differences as an :class:`ExportTable`."""
    columns = [Column("layer", "Layer"), Column("kind", "Kind")]
    columns += [
        Column(c, c.replace("macs", "MACs"), kind="count")
        for c in view.layers.columns[2:]
        if c.startswith("macs")
    ]
    keys = [c.key for c in columns]
    rows = tuple(plain_records(view.layers[keys]))
    return ExportTable(tuple(columns), rows, caption="Per-layer MACs of the compared design points",
                       label="tab:mobilenet-compare-layers")  # fmt: skip


def downloads(view: CompareView, latex: bool) -> tuple[str, str]:
    """The comparison as CSV (totals, a blank line, per-layer) or LaTeX (two tables), with a file name."""
    totals, layers = totals_table(view), layers_table(view)
    if latex:
        return totals.to_latex() + "\n" + layers.to_latex(), "mobilenet_compare.tex"
    return totals.to_csv() + "\n" + layers.to_csv(), "mobilenet_compare.csv"
