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


RECONCILE_TERM_COLOURS: dict[str, str] = {
    "bias": "#8172b3",
    "bn": "#dd8452",
    "activation": "#55a868",
    "pool": "#8c8c8c",
}
"""Colours of the terms a counting tool adds on top of the paper's convolution and classifier MACs."""


def make_frontier_figure(
    points: pd.DataFrame,
    front: pd.DataFrame | None = None,
    design_point: dict | None = None,
    cost: str = "macs",
    accuracy: str = "top1_pct",
) -> go.Figure:
    """Accuracy against cost: published points coloured by α, the Pareto front, and a design point.

    ``points`` has ``alpha``, ``resolution``, ``cost`` and ``accuracy`` columns (and ``model`` for hover);
    ``front`` is the subset on the Pareto front; ``design_point`` is ``{cost: x, accuracy: y, "label": text}``.

    >>> import pandas as pd
    >>> pts = pd.DataFrame({"alpha": [0.5, 1.0], "resolution": [160, 224], "macs": [76524800, 568740352],
    ...                     "top1_pct": [59.1, 70.9]})
    >>> fig = make_frontier_figure(pts, front=pts, design_point={"macs": 2e8, "top1_pct": 65, "label": "x"})
    >>> [trace.name for trace in fig.data]
    ['α = 0.5', 'α = 1', 'Pareto front', 'x']
    """
    data = []
    for alpha_value, rows in points.sort_values(["alpha", "resolution"]).groupby("alpha", sort=True):
        data.append(
            go.Scatter(
                x=rows[cost], y=rows[accuracy], mode="lines+markers", name=f"α = {alpha_value:g}",
                text=rows.get("model", rows["resolution"].astype(str) + " px"),
                hovertemplate="%{text}<br>%{x:,} " + _label(cost) + "<br>%{y:.1f} %<extra></extra>",
            )
        )  # fmt: skip
    if front is not None and not front.empty:
        ordered = front.sort_values(cost)
        data.append(
            go.Scatter(x=ordered[cost], y=ordered[accuracy], mode="lines", name="Pareto front",
                       line={"color": "black", "dash": "dot", "width": 1}, hoverinfo="skip")
        )  # fmt: skip
    if design_point is not None:
        data.append(
            go.Scatter(x=[design_point[cost]], y=[design_point[accuracy]], mode="markers",
                       name=design_point.get("label", "design point"),
                       marker={"symbol": "star", "size": 12, "color": "crimson", "line": {"width": 0}})
        )  # fmt: skip
    fig = go.Figure(data)
    fig.update_layout(
        **_base_layout(legend={"font": {"size": 11}}),
        xaxis={"title": {"text": _label(cost) + " (log scale)"}, "type": "log", "gridcolor": GRID},
        yaxis={"title": {"text": _label("top1")}, "gridcolor": GRID},
    )
    return fig


def make_reconcile_figure(df: pd.DataFrame) -> go.Figure:
    """What each counting tool adds to the paper's count: one bar per tool, stacked by term.

    ``df`` is :func:`costmodel.reconcile`'s table (``convention``, ``unit``, ``total`` and the term columns).
    FLOP-counting tools are halved to MACs so every bar is in the same unit; conv and classifier MACs, equal
    in every tool, are left out so the differences show.

    >>> import costmodel
    >>> fig = make_reconcile_figure(costmodel.reconcile(alpha=1.0, resolution=224))
    >>> [trace.name for trace in fig.data]
    ['bias', 'bn', 'activation', 'pool']
    """
    rows = df.iloc[::-1]
    halve = [2 if unit == "FLOP" else 1 for unit in rows["unit"]]
    labels = [
        f"{name} (FLOPs ÷ 2)" if h == 2 else name for name, h in zip(rows["convention"], halve, strict=True)
    ]
    data = [
        go.Bar(
            y=labels, x=[v / h / 1e6 for v, h in zip(rows[term], halve, strict=True)], name=term,
            orientation="h", marker={"color": colour},
            hovertemplate="%{y}: %{x:.3f} M " + term + " MACs<extra></extra>",
        )
        for term, colour in RECONCILE_TERM_COLOURS.items()
    ]  # fmt: skip
    fig = go.Figure(data)
    fig.update_layout(
        **_base_layout(barmode="stack", legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0}),
        xaxis={
            "title": {"text": "M MACs beyond the paper's count"},
            "gridcolor": GRID,
            "rangemode": "tozero",
        },
        yaxis={"gridcolor": GRID},
    )
    return fig
