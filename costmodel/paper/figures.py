"""The data behind each exportable figure, handed to the dashboard's pure builders in :mod:`costmodel.present.figures`.

``layers``: the per-layer table of a report; ``frontier``: TF-slim's published checkpoints (top-1 against
the model's exact MACs) with the chosen design point; ``reconcile``: the reconciliation table (the paper's
count beside what the counting tools print); ``latency`` and ``latency-residuals``: a latency dataset (stored or
built in) against MACs with its fitted model, and the model's leave-one-out errors. The latency figures take a
dataset instead of a design point (the model is fitted under the paper's convention).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from costmodel.core.report import report
from costmodel.counting.reconcile import reconcile
from costmodel.latency.fit import latency_fit
from costmodel.latency.store import LatencyStore
from costmodel.present import figures
from costmodel.present.figure_files import COLUMN_WIDTH_IN, paper_style
from costmodel.reference.accuracy_model import AccuracyModel
from costmodel.reference.budget import with_costs
from costmodel.reference.pareto import pareto_front
from costmodel.reference.tables import load_table

FIGURES: tuple[str, ...] = ("frontier", "layers", "reconcile", "latency", "latency-residuals")
DATASET_FIGURES: tuple[str, ...] = ("latency", "latency-residuals")
"""The figures drawn from a latency dataset rather than from a design point."""
FIGURE_HEIGHTS_IN: dict[str, float] = {
    "frontier": 2.6,
    "layers": 3.2,
    "reconcile": 2.6,
    "latency": 2.6,
    "latency-residuals": 2.0,
}
"""Default heights in inches at one column's width."""



def layers_figure(alpha: float, resolution: int, **knobs) -> go.Figure:
    """Per-layer MACs and params of the design point."""
    return figures.make_layer_figure(report(alpha=alpha, resolution=resolution, **knobs).table)


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
    "latency": {
        "title": {"text": ""},
        "legend": {
            "orientation": "h",
            "entrywidth": 0.19,
            "entrywidthmode": "fraction",
            "x": 0,
            "y": 1.0,
            "yanchor": "bottom",
            "font": {"size": 7},
            "itemwidth": 30,
            "tracegroupgap": 0,
        },
        "margin": {"t": 34},
    },
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
                 height_in: float | None = None, dataset: str | None = None, db=None,
                 **knobs) -> go.Figure:  # fmt: skip
    """:func:`build_figure` styled for a paper column (see :func:`~costmodel.present.figure_files.paper_style`)."""
    fig = paper_style(
        build_figure(kind, alpha, resolution, dataset=dataset, db=db, **knobs),
        width_in,
        height_in or FIGURE_HEIGHTS_IN[kind],
    )
    return fig.update_layout(**PAPER_TWEAKS.get(kind, {}))


def build_figure(kind: str, alpha: float, resolution: int, dataset: str | None = None, db=None,
                 **knobs) -> go.Figure:  # fmt: skip
    """The figure ``kind`` (one of :data:`FIGURES`) for the design point (``alpha``, ``resolution``), or for
    the latency ``dataset`` (in the store at ``db``) for :data:`DATASET_FIGURES`."""
    if kind in DATASET_FIGURES:
        if dataset is None:
            raise ValueError(
                f"figure {kind!r} is drawn from a latency dataset: give its name (--dataset NAME; "
                "`mobilenet-cost latency list` shows them)"
            )
        return latency_figure(dataset, db, residuals=kind == "latency-residuals")
    if kind == "layers":
        return layers_figure(alpha, resolution, **knobs)
    if kind == "frontier":
        return frontier_figure(alpha, resolution, **knobs)
    if kind == "reconcile":
        return reconcile_figure(alpha, resolution, **knobs)
    raise ValueError(f"figure {kind!r} is unknown; choose from {', '.join(FIGURES)}")


def latency_figure(dataset: str, db=None, residuals: bool = False) -> go.Figure:
    """A latency dataset against MACs with its fitted model, or (``residuals``) the leave-one-out errors."""
    fit = latency_fit(LatencyStore(db).load(dataset))
    if residuals:
        if fit.model is None:
            raise ValueError(f"dataset {dataset!r} has no latency model to show errors of: {fit.summary}")
        return figures.make_residual_figure(fit.points)
    figure = figures.make_latency_figure(fit.points, fit.curves, title=dataset)
    figure.for_each_trace(lambda trace: trace.update(showlegend=not trace.name.startswith("model")))
    return figure.update_layout(legend_title_text="dashed: model  " if fit.model else "")


def frontier_points(**knobs) -> pd.DataFrame:
    """TF-slim's 2018_02_22 float checkpoints with the model's exact MACs and params under ``knobs``."""
    slim = load_table("slim_checkpoints")
    return with_costs(slim[(slim.release == "2018_02_22") & (slim.dtype == "float")], **knobs)


def frontier_figure(alpha: float, resolution: int, **knobs) -> go.Figure:
    """The published points, their Pareto front and the design point at its *estimated* top-1."""
    points = frontier_points(**knobs)
    estimate = AccuracyModel.fit(points).predict([alpha], resolution)["top1_pct_estimate"].iloc[0]
    macs = report(alpha=alpha, resolution=resolution, **knobs).totals["macs"]
    return figures.make_frontier_figure(
        points,
        front=pareto_front(points, cost="macs", accuracy="top1_pct"),
        design_point={"macs": macs, "top1_pct": estimate, "label": f"{alpha:g}-{resolution} (estimate)"},
    )


def reconcile_figure(alpha: float, resolution: int, **knobs) -> go.Figure:
    """What each counting tool adds to the paper's count at the design point."""
    return figures.make_reconcile_figure(reconcile(alpha=alpha, resolution=resolution, **knobs))
