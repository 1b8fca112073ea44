"""The data behind each exportable figure, handed to the dashboard's pure builders in :mod:`app.figures`.

``layers``: the per-layer table of a report; ``frontier``: TF-slim's published checkpoints (top-1 against
the model's exact MACs) with the chosen design point; ``reconcile``: the reconciliation table (the paper's
count beside what the counting tools print).
"""

from __future__ import annotations

import importlib

import plotly.graph_objects as go

from costmodel.figure_export import COLUMN_WIDTH_IN, paper_style

FIGURES: tuple[str, ...] = ("frontier", "layers", "reconcile")
FIGURE_HEIGHTS_IN: dict[str, float] = {"frontier": 2.6, "layers": 3.2, "reconcile": 2.6}
"""Default heights in inches at one column's width."""


def _builder(name: str):
    try:
        return getattr(importlib.import_module("app.figures"), name)
    except (ImportError, AttributeError):
        raise ValueError(f"this installation has no figure builder app.figures.{name}") from None


def layers_figure(alpha: float, resolution: int, **knobs) -> go.Figure:
    from costmodel.report import report

    return _builder("make_layer_figure")(report(alpha=alpha, resolution=resolution, **knobs).table)


PAPER_TWEAKS: dict[str, dict] = {
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


def frontier_figure(alpha: float, resolution: int, **knobs) -> go.Figure:
    raise ValueError("frontier figure: not available yet")


def reconcile_figure(alpha: float, resolution: int, **knobs) -> go.Figure:
    raise ValueError("reconcile figure: not available yet")
