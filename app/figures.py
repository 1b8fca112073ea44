"""Pure figure builders: ``make_*_figure(df, ...) -> go.Figure``, no Dash imports.

The dashboard, the paper exports and notebooks share these. Each builder takes a DataFrame with the
documented columns and returns a Plotly figure; nothing is computed here beyond layout.

>>> import costmodel
>>> fig = make_layer_figure(costmodel.report(alpha=0.5, resolution=160).table)
>>> sorted({trace.name for trace in fig.data})
['conv', 'dw', 'fc', 'pool', 'pw']
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

KIND_COLOURS: dict[str, str] = {
    "conv": "#4c72b0",
    "dw": "#dd8452",
    "pw": "#55a868",
    "pool": "#8c8c8c",
    "fc": "#c44e52",
}
"""One colour per layer kind, used by every per-layer chart."""

KIND_LABELS: dict[str, str] = {
    "conv": "standard conv",
    "dw": "depthwise 3×3",
    "pw": "pointwise 1×1",
    "pool": "average pool",
    "fc": "classifier",
}

FONT = {"family": "Inter, 'Segoe UI', Helvetica, Arial, sans-serif", "size": 13, "color": "#1f2933"}
GRID = "#e5e9ef"


def _base_layout(**extra) -> dict:
    layout = {
        "font": FONT,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 70, "r": 20, "t": 40, "b": 60},
        "hoverlabel": {"font": {"size": 12}},
    }
    layout.update(extra)
    return layout


def layer_figure_spec(table: pd.DataFrame, metrics: tuple[str, str] = ("macs", "params")) -> dict:
    """The per-layer chart as a plain Plotly dict (what :func:`make_layer_figure` wraps).

    Callbacks return this dict directly: it skips the graph-object copy and validation.
    """
    top, bottom = metrics
    columns = table[["layer", "kind", "out_channels", top, bottom]].to_dict("list")
    layers = columns["layer"]
    data = []
    for kind, colour in KIND_COLOURS.items():
        picked = [i for i, k in enumerate(columns["kind"]) if k == kind]
        if not picked:
            continue
        names = [layers[i] for i in picked]
        for metric, axis in ((top, "y"), (bottom, "y2")):
            data.append(
                {
                    "type": "bar",
                    "name": kind,
                    "legendgroup": kind,
                    "showlegend": axis == "y",
                    "x": names,
                    "y": [columns[metric][i] for i in picked],
                    "xaxis": "x" if axis == "y" else "x2",
                    "yaxis": axis,
                    "marker": {"color": colour},
                    "customdata": [columns["out_channels"][i] for i in picked],
                    "hovertemplate": (
                        f"<b>%{{x}}</b> ({KIND_LABELS[kind]})<br>"
                        f"{_label(metric)}: %{{y:,}}<br>output channels: %{{customdata}}<extra></extra>"
                    ),
                }
            )
    axis_common = {"categoryorder": "array", "categoryarray": layers, "gridcolor": GRID}
    layout = _base_layout(
        barmode="overlay",
        height=520,
        legend={"orientation": "h", "y": 1.08, "x": 0, "title": {"text": "layer kind "}},
        xaxis={**axis_common, "anchor": "y", "showticklabels": False, "matches": "x2"},
        xaxis2={**axis_common, "anchor": "y2", "tickangle": -60, "tickfont": {"size": 10}},
        yaxis={
            "domain": [0.55, 1.0],
            "title": {"text": _label(top)},
            "gridcolor": GRID,
            "rangemode": "tozero",
        },
        yaxis2={
            "domain": [0.0, 0.45],
            "title": {"text": _label(bottom)},
            "gridcolor": GRID,
            "rangemode": "tozero",
        },
        margin={"l": 80, "r": 20, "t": 50, "b": 130},
    )
    return {"data": data, "layout": layout}


def make_layer_figure(table: pd.DataFrame, metrics: tuple[str, str] = ("macs", "params")) -> go.Figure:
    """Per-layer bars of two metrics (MACs above, params below), one trace per layer kind.

    ``table`` has the columns of :attr:`costmodel.Report.table` (``layer``, ``kind``, ``out_channels`` and
    the metrics).
    """
    return go.Figure(layer_figure_spec(table, metrics))


METRIC_LABELS: dict[str, str] = {
    "macs": "MACs (mult-adds)",
    "flops": "FLOPs (2 × MACs)",
    "params": "parameters",
    "weights": "weights",
    "bias": "bias",
    "bn_params": "BN parameters",
    "activations": "activations (output elements)",
    "latency_ms": "latency (ms)",
    "top1": "top-1 accuracy (%)",
}


def _label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric)
