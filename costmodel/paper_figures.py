"""The data behind each exportable figure, handed to the dashboard's pure builders in :mod:`app.figures`.

``layers``: the per-layer table of a report; ``frontier``: TF-slim's published checkpoints (top-1 against
the model's exact MACs) with the chosen design point; ``reconcile``: the reconciliation table (the paper's
count beside what the counting tools print).
"""

from __future__ import annotations

import importlib

import pandas as pd
import plotly.graph_objects as go

from costmodel.accuracy_model import AccuracyModel
from costmodel.budget import with_costs
from costmodel.figure_export import COLUMN_WIDTH_IN, paper_style
from costmodel.pareto import pareto_front
from costmodel.reconcile import reconcile
from costmodel.reference_tables import load_table
from costmodel.report import report

FIGURES: tuple[str, ...] = ("frontier", "layers", "reconcile")
FIGURE_HEIGHTS_IN: dict[str, float] = {"frontier": 2.6, "layers": 3.2, "reconcile": 2.6}
"""Default heights in inches at one column's width."""


def _builder(name: str):
    try:
        return getattr(importlib.import_module("app.figures"), name)
    except (ImportError, AttributeError):
        raise ValueError(f"this installation has no figure builder app.figures.{name}") from None


def layers_figure(alpha: float, resolution: int, **knobs) -> go.Figure:
    """Per-layer MACs and params of the design point."""
    return _builder("make_layer_figure")(report(alpha=alpha, resolution=resolution, **knobs).table)


PAPER_TWEAKS: dict[str, dict] = {
    "frontier": {
        "legend": {
            "x": 0.99,
            "y": 0.02,
            "xanchor": "right",
            "yanchor": "bottom",
            "font": {"size": 7},
            "bgcolor": "rgba(255,255,255,0.8)",
            "itemwidth": 30,
        },
    },
    "reconcile": {"legend": {"traceorder": "normal", "font": {"size": 7}, "itemwidth": 30}},
    "layers": {
        "xaxis2": {"tickfont": {"size": 6}, "tickangle": -90},
        "legend": {
            "title": {"text": ""},
            "font": {"size": 7},
            "entrywidth": 0.19,
            "entrywidthmode": "fraction",
            "itemwidth": 30,
            "y": 1.0,
            "yanchor": "bottom",
            "x": -0.14,
        },
        "margin": {"l": 44, "r": 6, "t": 22, "b": 86},
    },
}
"""Layout changes, per figure, that a printed column needs beyond :func:`paper_style` (smaller ticks)."""


def paper_figure(kind: str, alpha: float, resolution: int, width_in: float = COLUMN_WIDTH_IN,
                 height_in: float | None = None, **knobs) -> go.Figure:  # fmt: skip
    """:func:`build_figure` styled for a paper column (see :func:`~costmodel.figure_export.paper_style`)."""
    fig = paper_style(
        build_figure(kind, alpha, resolution, **knobs), width_in, height_in or FIGURE_HEIGHTS_IN[kind]
    )
    return fig.update_layout(**PAPER_TWEAKS.get(kind, {}))


def build_figure(kind: str, alpha: float, resolution: int, **knobs) -> go.Figure:
    """The figure ``kind`` (one of :data:`FIGURES`) for the design point (``alpha``, ``resolution``)."""
    if kind == "layers":
        return layers_figure(alpha, resolution, **knobs)
    if kind == "frontier":
        return frontier_figure(alpha, resolution, **knobs)
    if kind == "reconcile":
        return reconcile_figure(alpha, resolution, **knobs)
    raise ValueError(f"figure {kind!r} is unknown; choose from {', '.join(FIGURES)}")


def frontier_points(**knobs) -> pd.DataFrame:
    """TF-slim's 2018_02_22 float checkpoints with the model's exact MACs and params under ``knobs``."""
    slim = load_table("slim_checkpoints")
    return with_costs(slim[(slim.release == "2018_02_22") & (slim.dtype == "float")], **knobs)


def frontier_figure(alpha: float, resolution: int, **knobs) -> go.Figure:
    """The published points, their Pareto front and the design point at its *estimated* top-1."""
    points = frontier_points(**knobs)
    estimate = AccuracyModel.fit(points).predict([alpha], resolution)["top1_pct_estimate"].iloc[0]
    macs = report(alpha=alpha, resolution=resolution, **knobs).totals["macs"]
    return _builder("make_frontier_figure")(
        points,
        front=pareto_front(points, cost="macs", accuracy="top1_pct"),
        design_point={"macs": macs, "top1_pct": estimate, "label": f"{alpha:g}-{resolution} (estimate)"},
    )


def reconcile_figure(alpha: float, resolution: int, **knobs) -> go.Figure:
    """What each counting tool adds to the paper's count at the design point."""
    return _builder("make_reconcile_figure")(reconcile(alpha=alpha, resolution=resolution, **knobs))
