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

from collections.abc import Sequence
from dataclasses import asdict
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
