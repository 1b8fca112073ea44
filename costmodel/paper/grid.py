"""A paper table over any grid of α and resolution: exact costs from the model, top-1 from TF-slim.

Counts are exact in CSV; LaTeX and Markdown show millions (or exact integers with ``exact=True``).
``top1`` is the TF-slim 2018_02_22 float checkpoint's ImageNet top-1 where one exists, else an empty cell
with a footnote.

>>> t = grid_table([Decimal("0.5"), Decimal("1.0")], [160, 224], ["macs", "top1"])
>>> [(str(r["alpha"]), r["resolution"], r["macs"], r["top1_pct"]) for r in t.rows]
[('0.5', 160, 76524800, Decimal('59.1')), ('0.5', 224, 149497088, Decimal('63.3')), ('1.0', 160, 290675200, Decimal('68.0')), ('1.0', 224, 568740352, Decimal('70.9'))]
>>> grid_table([Decimal("0.5")], [224], ["latency"])
Traceback (most recent call last):
ValueError: metric 'latency' is unknown; choose from macs, flops, params, weights, bias, bn_params, activations, top1
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace
from decimal import Decimal
from fractions import Fraction
from functools import cache

from costmodel.core.convention import convention_from
from costmodel.core.design_point import check_grid_size
from costmodel.core.evaluate import evaluate
from costmodel.output.table import Column, ExportTable
from costmodel.reference.tables import load_table

TOP1_RELEASE = "2018_02_22"
TABLE_LIMIT = 100_000
"""Most rows of one grid table (a table to read or typeset; ``sweep`` writes larger grids as CSV)."""
TOP1_SOURCE = (
    "top-1: TF-slim mobilenet_v1.md, 2018_02_22 float checkpoints "
    "(github.com/tensorflow/models, research/slim/nets/mobilenet_v1.md)"
)

COST_COLUMNS: dict[str, tuple[str, int]] = {
    "macs": ("MACs", 2),
    "flops": ("FLOPs", 2),
    "params": ("Params", 3),
    "weights": ("Weights", 3),
    "bias": ("Bias", 3),
    "bn_params": ("BN params", 3),
    "activations": ("Activations", 2),
}
"""Cost metric → (header, decimals when shown in millions)."""

GRID_METRICS: tuple[str, ...] = (*COST_COLUMNS, "top1")


@cache
def slim_top1() -> dict[tuple[Decimal, int], Decimal]:
    """(α, resolution) → top-1 % of the TF-slim 2018_02_22 float checkpoints (``load_table("slim_checkpoints")``)."""
    table = load_table("slim_checkpoints")
    chosen = table[(table.release == TOP1_RELEASE) & (table.dtype == "float")]
    return {
        (Decimal(repr(float(a))).normalize(), int(r)): Decimal(repr(float(t)))
        for a, r, t in zip(chosen.alpha, chosen.resolution, chosen.top1_pct, strict=True)
    }


def check_metrics(metrics: Sequence[str]) -> list[str]:
    chosen = list(metrics)
    for metric in chosen:
        if metric not in GRID_METRICS:
            raise ValueError(f"metric {metric!r} is unknown; choose from {', '.join(GRID_METRICS)}")
    if not chosen:
        raise ValueError(f"metrics: give at least one of {', '.join(GRID_METRICS)}")
    return chosen


def grid_table(
    alphas: Sequence[Decimal],
    resolutions: Sequence[int],
    metrics: Sequence[str],
    *,
    exact: bool = False,
    caption: str | None = None,
    label: str | None = None,
    **knobs,
) -> ExportTable:
    """One row per (α, resolution), α outermost; columns ``alpha``, ``resolution`` and the metrics."""
    metrics = check_metrics(metrics)
    convention = convention_from(knobs)
    check_grid_size("grid", len(alphas), len(resolutions), limit=TABLE_LIMIT)
    costs = [m for m in metrics if m != "top1"]
    values = evaluate(
        [float(a) for a in alphas], list(resolutions), metrics=costs, grid=True, **knobs
    ).to_dict("records")
    columns = [Column("alpha", "alpha", "number"), Column("resolution", "Resolution", "count")]
    for metric in metrics:
        if metric == "top1":
            columns.append(Column("top1_pct", "Top-1 (%)", "number", description=TOP1_SOURCE))
            continue
        header, digits = COST_COLUMNS[metric]
        unit = "" if exact else " (M)"
        columns.append(
            Column(metric, header + unit, "count", scale=1 if exact else 10**6, digits=digits,
                   description=f"{header}, exact count, {convention.describe()}")
        )  # fmt: skip
    # Counts are whole numbers; the smooth model's costs are real numbers, kept to the digits evaluate() gives.
    exact = (lambda v: Fraction(repr(float(v)))) if convention.smooth else int
    rows, marks, missing = [], {}, False
    for i, (point, (a, r)) in enumerate(
        zip(values, ((a, r) for a in alphas for r in resolutions), strict=True)
    ):
        row: dict[str, object] = {"alpha": a, "resolution": int(r), **{m: exact(point[m]) for m in costs}}
        if "top1" in metrics:
            row["top1_pct"] = slim_top1().get((Decimal(a).normalize(), int(r)))
            if row["top1_pct"] is None:
                marks[(i, "top1_pct")] = "a"
                missing = True
        rows.append(row)
    footnotes = (
        (("a", f"No TF-slim {TOP1_RELEASE} float checkpoint at this point; left empty."),) if missing else ()
    )
    notes = [f"Convention: {convention.describe()}."]
    if "top1" in metrics:
        notes.append(TOP1_SOURCE + ".")
    return ExportTable(
        columns=tuple(columns),
        rows=tuple(rows),
        caption=caption or "MobileNet v1 costs over width multiplier alpha and input resolution",
        label=label,
        notes=tuple(notes),
        marks=marks,
        footnotes=footnotes,
    )


def grid_pivots(table: ExportTable) -> dict[str, ExportTable]:
    """The α × resolution layout papers print: for each metric column of a :func:`grid_table` (by key), one
    table with a row per α and a column per resolution (keys ``res_128``, … under a spanning header naming
    the metric), with the grid's notes and footnote marks.

    >>> long = grid_table([Decimal("0.5"), Decimal("1.0")], [160, 224], ["macs", "top1"])
    >>> pivots = grid_pivots(long)
    >>> list(pivots)
    ['macs', 'top1_pct']
    >>> print(pivots["macs"].to_csv(), end="")
    alpha,res_160,res_224
    0.5,76524800,149497088
    1.0,290675200,568740352
    >>> print(pivots["top1_pct"].to_markdown().splitlines()[2])
    | 0.5 | 59.1 | 63.3 |
    """
    alphas = list(dict.fromkeys(row["alpha"] for row in table.rows))
    sides = list(dict.fromkeys(int(row["resolution"]) for row in table.rows))
    index = {(row["alpha"], int(row["resolution"])): i for i, row in enumerate(table.rows)}
    pivots = {}
    for metric in table.columns[2:]:
        group = f"{metric.header} at resolution (px)"
        columns = (
            Column("alpha", "alpha", "number"),
            *(replace(metric, key=f"res_{side}", header=str(side), group=group) for side in sides),
        )
        rows = tuple(
            {"alpha": a, **{f"res_{side}": table.rows[index[(a, side)]].get(metric.key) for side in sides}}
            for a in alphas
        )
        marks = {
            (alphas.index(table.rows[i]["alpha"]), f"res_{int(table.rows[i]['resolution'])}"): mark
            for (i, key), mark in table.marks.items()
            if key == metric.key
        }
        pivots[metric.key] = ExportTable(
            columns=columns,
            rows=rows,
            caption=f"{table.caption}: {metric.header}",
            label=f"{table.label}-{metric.key.replace('_', '-')}" if table.label else None,
            notes=table.notes,
            marks=marks,
            footnotes=table.footnotes if marks else (),
        )
    return pivots


def stacked_csv(pivots: Mapping[str, ExportTable]) -> str:
    """Several :func:`grid_pivots` tables as one CSV, a ``metric`` column first; each metric's cells written
    exactly as its own CSV writes them.

    >>> long = grid_table([Decimal("0.5")], [160, 224], ["macs", "top1"])
    >>> print(stacked_csv(grid_pivots(long)), end="")
    metric,alpha,res_160,res_224
    macs,0.5,76524800,149497088
    top1_pct,0.5,59.1,63.3
    """
    lines: list[str] = []
    for key, pivot in pivots.items():
        head, *body = pivot.to_csv().splitlines()
        lines += [] if lines else [f"metric,{head}"]
        lines += [f"{key},{line}" for line in body]
    return "\n".join(lines) + "\n"


def grid_metadata(table: ExportTable, **knobs) -> dict[str, object]:
    """The sidecar of a grid CSV: caption, convention, sources, what each column holds, footnotes."""
    return {
        "caption": table.caption,
        "convention": asdict(convention_from(knobs)),
        "convention_text": convention_from(knobs).describe(),
        "columns": {c.key: c.description or c.header for c in table.columns},
        "notes": list(table.notes),
        "footnotes": dict(table.footnotes),
        "cells_with_a_footnote": len(table.marks),
    }
