"""Pure figure builders: ``make_*_figure(df, ...) -> go.Figure``, no Dash imports.

The dashboard, the paper exports and notebooks share these. Each builder takes a DataFrame with the
documented columns and returns a Plotly figure; nothing is computed here beyond layout.

>>> import costmodel
>>> fig = make_layer_figure(costmodel.report(alpha=0.5, resolution=160).table)
>>> sorted({trace.name for trace in fig.data})
['conv', 'dw', 'fc', 'pool', 'pw']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.colors
import plotly.graph_objects as go
import plotly.io as pio

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


TRACE_TYPES = ("bar", "scatter", "heatmap", "contour", "parcoords")
"""The trace types the figures draw: the only ones whose defaults :func:`plotly_template` carries."""


@lru_cache(maxsize=4)
def _template(name: str) -> dict:
    template = pio.templates[name].to_plotly_json()
    return {**template, "data": {kind: template["data"][kind] for kind in TRACE_TYPES if kind in template["data"]}}


def plotly_template() -> dict:
    """Plotly's default template (``plotly.io.templates.default``) as the plain dict a ``go.Figure`` carries, so
    that a ``*_figure_spec`` dict draws as the figure built from it, with the defaults of the trace types the
    figures draw (:data:`TRACE_TYPES`) and no others: half the size (3.9 of 7.1 kB per figure sent). Built once
    per template and shared: read it, never change it.

    >>> full = go.Figure().to_dict()["layout"]["template"]
    >>> plotly_template()["layout"] == full["layout"], all(plotly_template()["data"][k] == full["data"][k] for k in TRACE_TYPES)
    (True, True)
    """
    return _template(pio.templates.default)


def layer_figure_spec(table: pd.DataFrame, metrics: tuple[str, str] = ("macs", "params")) -> dict:
    """The per-layer chart as a plain Plotly dict (what :func:`make_layer_figure` wraps).

    Callbacks return this dict directly: it skips the graph-object copy and validation.
    """
    top, bottom = metrics
    columns = {column: table[column].tolist() for column in ("layer", "kind", "out_channels", top, bottom)}
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


SOURCE_COLOURS = ("#2c5fa8", "#d1495b", "#2a9d8f", "#8a5a00", "#7b3294", "#e07b00", "#4d4d4d", "#66a61e")
"""One colour per source on the Frontier (the first four are the Compare page's colours)."""
DTYPE_SYMBOLS = {"float": "circle", "quant": "diamond"}
"""One marker shape per precision on the Frontier."""
DTYPE_DASHES = {"float": "solid", "quant": "dash"}
"""The Pareto front's line style per precision."""


def _padded_range(values: Sequence[float], log: bool, pad: float = 0.05) -> list[float] | None:
    """An axis range over ``values`` with ``pad`` of its width spare at each end (in log10 units on a log
    axis), so a line at the smallest or largest value stays inside the plot, clear of the tick labels.

    >>> _padded_range([10, 20], log=False), [round(v, 3) for v in _padded_range([10, 1000], log=True)]
    ([9.5, 20.5], [0.9, 3.1])
    """
    finite = [float(v) for v in values if v == v and np.isfinite(v) and (v > 0 or not log)]
    if not finite:
        return None
    low, high = (math.log10(min(finite)), math.log10(max(finite))) if log else (min(finite), max(finite))
    spare = (high - low) * pad or (0.1 if log else abs(high) * pad or 1.0)
    return [low - spare, high + spare]


def _interval_bars(rows: pd.DataFrame, x: str) -> dict | None:
    """Plotly ``error_x`` over each point's interval, when the rows carry one for ``x``; else None."""
    stem = x.removesuffix("_ms")
    low, high = f"{stem}_low_ms", f"{stem}_high_ms"
    if low not in rows.columns or high not in rows.columns:
        return None
    value = rows[x].to_numpy(float)
    plus = np.nan_to_num(rows[high].to_numpy(float) - value, nan=0.0, posinf=0.0)
    minus = np.nan_to_num(value - rows[low].to_numpy(float), nan=0.0, posinf=0.0)
    return {
        "type": "data",
        "symmetric": False,
        "array": plus,
        "arrayminus": minus,
        "thickness": 1.2,
        "width": 3,
    }


def _groups(*keys: Sequence) -> dict[tuple, list[int]]:
    """The row positions of each key (a tuple of the ``keys`` columns' values), keys in the order they first
    appear and rows in order, rows with a missing key left out: ``groupby(sort=False)`` on plain lists.

    >>> _groups(["a", "b", "a", None], [1, 1, 1, 1])
    {('a', 1): [0, 2], ('b', 1): [1]}
    """
    groups: dict[tuple, list[int]] = {}
    for position, key in enumerate(zip(*keys, strict=True)):
        if not any(pd.isna(part) for part in key):
            groups.setdefault(key, []).append(position)
    return groups


def _label_side(offset: float, position: float) -> float:
    """An annotation's horizontal arrow offset: ``offset`` unless its point lies in the outer fifth of the x
    range (``position`` 0 at the left edge, 1 at the right), where the label goes to the inner side instead.

    >>> _label_side(-60, 0.5), _label_side(-60, 0.1), _label_side(60, 0.9), _label_side(60, 0.1)
    (-60, 60, -60, 60)
    """
    if position < 0.2:
        return abs(offset)
    if position > 0.8:
        return -abs(offset)
    return offset


def sources_frontier_figure_spec(
    points: pd.DataFrame,
    front: pd.DataFrame,
    x: str = "macs",
    *,
    log_x: bool = False,
    design: dict | None = None,
    budget: float | None = None,
    best: dict | None = None,
    sources: Sequence[str] | None = None,
) -> dict:
    """Top-1 against a cost for published points by source (colour) and precision (marker shape), with each
    precision's Pareto front: the dashboard's Frontier page. (:func:`make_frontier_figure` is the paper
    export's figure: one series per α.)

    ``points`` and ``front`` have columns ``source``, ``model``, ``alpha``, ``resolution``, ``dtype``,
    ``top1_pct`` and the cost ``x`` (``macs``, ``params`` or ``latency_ms``). ``design`` (keys ``label``,
    ``x``, ``top1``) marks an estimated design point, ``budget`` draws a vertical budget line (a trace
    named "budget"), and
    ``best`` (keys ``label``, ``x``, ``top1``) rings the best configuration under it; each of the two is
    labelled by an arrow pointing at its own marker. ``sources`` fixes each source's colour (by its place in
    that list), so a source keeps its colour when others are hidden. Where ``points`` has
    ``<x stem>_low_ms`` and ``<x stem>_high_ms`` columns (a predicted latency's interval), each point gets a
    horizontal error bar over it.

    A plain Plotly dict (what :func:`make_sources_frontier_figure` wraps; it carries Plotly's default template,
    as a ``go.Figure`` does): the dashboard returns it without the graph-object validation.

    >>> points = pd.DataFrame({"source": ["paper", "paper"], "model": ["a", "b"], "alpha": [0.5, 1.0],
    ...                        "resolution": [160, 224], "dtype": ["float", "float"], "top1_pct": [60.2, 70.6],
    ...                        "macs": [76e6, 569e6]})
    >>> spec = sources_frontier_figure_spec(points, points, budget=300e6)
    >>> [trace["name"] for trace in spec["data"]]
    ['paper (float)', 'Pareto front (float)', 'budget']
    """
    label = _label(x)
    data = []
    order = list(dict.fromkeys([*(sources or []), *points["source"]]))
    colours = {source: SOURCE_COLOURS[i % len(SOURCE_COLOURS)] for i, source in enumerate(order)}
    # each column read once as a list (plain Python numbers), each trace takes its rows' positions
    xs, top1 = points[x].tolist(), points["top1_pct"].tolist()
    customdata = np.column_stack(
        [points["model"], points["alpha"], points["resolution"], points["source"], points["dtype"]]
    ).tolist()
    every_bar = _interval_bars(points, x)
    for (source, dtype), rows in _groups(points["source"].tolist(), points["dtype"].tolist()).items():
        trace = {
            "type": "scatter",
            "x": [xs[i] for i in rows],
            "y": [top1[i] for i in rows],
            "mode": "markers",
            "name": f"{source} ({dtype})",
            "marker": {
                "symbol": DTYPE_SYMBOLS.get(dtype, "square"),
                "size": 9,
                "color": colours[source],
                "line": {"width": 1, "color": "white"},
                "opacity": 0.85,
            },
            "customdata": [customdata[i] for i in rows],
            "hovertemplate": (
                "<b>%{customdata[0]}</b><br>α = %{customdata[1]}, resolution %{customdata[2]} px, %{customdata[4]}"
                f"<br>{label}: %{{x:,}}<br>top-1: %{{y:.1f}} %<br>source: %{{customdata[3]}}<extra></extra>"
            ),
        }
        if every_bar is not None:
            trace["error_x"] = {**every_bar, "array": every_bar["array"][rows],
                                "arrayminus": every_bar["arrayminus"][rows]}  # fmt: skip
        data.append(trace)
    front_x, front_top1 = front[x].tolist(), front["top1_pct"].tolist()
    for (dtype,), rows in _groups(front["dtype"].tolist()).items():
        rows = sorted(rows, key=front_x.__getitem__)  # by cost (the front's equal costs are equal points)
        data.append({
            "type": "scatter", "x": [front_x[i] for i in rows], "y": [front_top1[i] for i in rows],
            "mode": "lines", "name": f"Pareto front ({dtype})", "hoverinfo": "skip",
            "line": {"color": "#333", "width": 1.5, "shape": "hv", "dash": DTYPE_DASHES.get(dtype, "dot")},
        })  # fmt: skip
    if design:
        data.append({
            "type": "scatter", "x": [design["x"]], "y": [design["top1"]], "mode": "markers",
            "name": "design point (estimated)",
            "marker": {"symbol": "star", "size": 16, "color": "#f2b134", "line": {"width": 1, "color": "#7a5200"}},
            "hovertemplate": f"<b>{design['label']}</b> (estimate)<br>{label}: %{{x:,}}<br>top-1 ≈ %{{y:.1f}} %<extra></extra>",
        })  # fmt: skip
    if budget:
        # A line trace, not a layout shape: it stays right on a log axis and shows in the legend.
        accuracies = [v for v in (*top1, *([design["top1"]] if design else [])) if v == v]
        low, high = (min(accuracies) - 1, max(accuracies) + 1) if accuracies else (0, 100)
        data.append({
            "type": "scatter", "x": [budget, budget], "y": [low, high], "mode": "lines", "name": "budget",
            "line": {"color": "#444", "dash": "dash", "width": 1.5},
            "hovertemplate": f"budget: %{{x:,}} ({label})<extra></extra>",
        })  # fmt: skip
    if best:
        data.append({
            "type": "scatter", "x": [best["x"]], "y": [best["top1"]], "mode": "markers", "name": "best under budget",
            "marker": {"symbol": "circle-open", "size": 22, "color": "#222", "line": {"width": 2.5}},
            "hovertemplate": f"<b>best under budget: {best['label']}</b><br>{label}: %{{x:,}}<br>top-1: %{{y:.1f}} %<extra></extra>",
        })  # fmt: skip
    shown = [*xs, *(m["x"] for m in (design, best) if m), *([budget] if budget else [])]
    x_range = _padded_range(shown, log_x)

    def where(value: float) -> float:  # 0 at the left edge of the x range, 1 at the right
        if x_range is None:
            return 0.5
        at = math.log10(value) if log_x and value > 0 else value
        return (at - x_range[0]) / ((x_range[1] - x_range[0]) or 1)

    # Each label on an arrow to its own marker (the star's above, the ring's below), so two markers close
    # together never swap labels; a label goes to the side of its marker with room for it (never off the plot).
    annotations = [
        {"x": math.log10(marker["x"]) if log_x and marker["x"] > 0 else marker["x"], "y": marker["top1"],
         "text": marker["label"], "ax": _label_side(ax, where(marker["x"])), "ay": ay, "showarrow": True, "arrowhead": 2, "arrowwidth": 1,
         "arrowcolor": "#555", "font": {"size": 11}, "bgcolor": "rgba(255,255,255,0.85)"}
        for marker, (ax, ay) in ((design, (-60, -40)), (best, (60, 40)))
        if marker
    ]  # fmt: skip
    layout = _base_layout(
        height=560,
        xaxis={
            "title": {"text": label},
            "type": "log" if log_x else "linear",
            "gridcolor": GRID,
            "range": x_range,
        },
        yaxis={"title": {"text": _label("top1")}, "gridcolor": GRID},
        legend={"font": {"size": 11}},
        margin={"l": 70, "r": 20, "t": 30, "b": 60},
        annotations=annotations,
        template=plotly_template(),
    )
    return {"data": data, "layout": layout}


def make_sources_frontier_figure(
    points: pd.DataFrame,
    front: pd.DataFrame,
    x: str = "macs",
    *,
    log_x: bool = False,
    design: dict | None = None,
    budget: float | None = None,
    best: dict | None = None,
    sources: Sequence[str] | None = None,
) -> go.Figure:
    """:func:`sources_frontier_figure_spec` as a Plotly figure: the dashboard's Frontier page.
    (:func:`make_frontier_figure` is the paper export's figure: one series per α.)"""
    return go.Figure(
        sources_frontier_figure_spec(
            points, front, x, log_x=log_x, design=design, budget=budget, best=best, sources=sources
        )
    )


PARCOORDS_TICKS = {"macs": ".3~s", "params": ".3~s", "peak_activation_bytes": ".3~s", "flash_bytes": ".3~s"}
"""Tick formats of the parallel-coordinates axes: SI prefixes and three digits on the counts (300M, 4.21M, 393k)."""


def parcoords_figure_spec(
    points: pd.DataFrame, dimensions: dict[str, str], ranges: dict | None = None
) -> dict:
    """Parallel coordinates of ``points`` as a plain Plotly dict (what :func:`make_parcoords_figure` wraps; it
    carries Plotly's default template, as a ``go.Figure`` does): callbacks return it, skipping the validation."""
    axes = []
    for column, label in dimensions.items():
        bounds = [list(b) for b in (ranges or {}).get(column, ())]
        axis = {"label": label, "values": points[column].to_numpy(dtype=float, na_value=np.nan)}
        if column in PARCOORDS_TICKS:
            axis["tickformat"] = PARCOORDS_TICKS[column]
        if bounds:
            axis["constraintrange"] = bounds[0] if len(bounds) == 1 else bounds
        axes.append(axis)
    trace = {
        "type": "parcoords",
        "dimensions": axes,
        "line": {
            "color": points["top1_pct"].to_numpy(float),
            "colorscale": "Viridis",
            "showscale": True,  # the colour's key: which lines are the accurate ones
            "colorbar": {"title": {"text": "top-1 (%)", "side": "right"}, "thickness": 12, "len": 0.85},
        },
        "labelfont": {"size": 12},
        "tickfont": {"size": 11},
        "rangefont": {"size": 10},
        "unselected": {"line": {"color": "#c9ced6", "opacity": 0.35}},
    }
    layout = _base_layout(
        height=360, margin={"l": 60, "r": 110, "t": 70, "b": 30}, template=plotly_template()
    )
    return {"data": [trace], "layout": layout}


def make_parcoords_figure(
    points: pd.DataFrame, dimensions: dict[str, str], ranges: dict | None = None
) -> go.Figure:
    """Parallel coordinates of ``points``: one axis per entry of ``dimensions`` (column → label, in order),
    one line per point coloured by top-1, with ``ranges`` (column → its ``(low, high)`` ranges) drawn as the
    brushed constraint ranges: the Frontier page's selection view.

    >>> pts = pd.DataFrame({"alpha": [0.5, 1.0], "macs": [76524800, 568740352], "top1_pct": [59.1, 70.9]})
    >>> fig = make_parcoords_figure(pts, {"alpha": "α", "macs": "MACs"}, {"macs": [(1e8, 6e8)]})
    >>> [d.label for d in fig.data[0].dimensions], fig.data[0].dimensions[1].constraintrange
    (['α', 'MACs'], (100000000.0, 600000000.0))
    """
    return go.Figure(parcoords_figure_spec(points, dimensions, ranges))


METRIC_LABELS: dict[str, str] = {
    "macs": "MACs (mult-adds)",
    "flops": "FLOPs (2 × MACs)",
    "params": "parameters",
    "weights": "weights",
    "bias": "bias",
    "bn_params": "BN parameters",
    "activations": "activations (output elements)",
    "latency_ms": "latency (ms)",
    "peak_activation_bytes": "peak activation RAM (bytes)",
    "flash_bytes": "flash: weight bytes",
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


ALPHA_COLOURS: tuple[str, ...] = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3")
"""Colours of the latency page's α groups, in increasing α."""


def make_latency_figure(points: pd.DataFrame, curves: pd.DataFrame, title: str = "") -> go.Figure:
    """Measured latency against MACs (markers, one colour per α) with the fitted model along resolution (lines).

    ``points`` has ``alpha``, ``resolution``, ``macs``, ``latency_ms`` (and ``fitted_ms`` if fitted);
    ``curves`` has ``alpha``, ``resolution``, ``macs``, ``predicted_ms`` (empty when there is no fit).

    >>> points = pd.DataFrame({"alpha": [0.5, 1.0], "resolution": [160, 224], "macs": [76524800, 568740352],
    ...                        "latency_ms": [26.8, 160.1]})
    >>> curves = points.assign(predicted_ms=[27.0, 159.0])
    >>> [trace.name for trace in make_latency_figure(points, curves).data]
    ['α = 0.5', 'model α = 0.5', 'α = 1', 'model α = 1']
    """
    figure = go.Figure()
    for index, alpha in enumerate(sorted(points.alpha.unique())):
        colour = ALPHA_COLOURS[index % len(ALPHA_COLOURS)]
        rows = points[points.alpha == alpha]
        figure.add_scatter(
            x=rows.macs / 1e6,
            y=rows.latency_ms,
            mode="markers",
            name=f"α = {alpha:g}",
            legendgroup=f"{alpha:g}",
            marker={"color": colour, "size": 9},
            customdata=rows.resolution,
            hovertemplate=f"α = {alpha:g}, %{{customdata}} px<br>%{{x:.1f}} M MACs<br>%{{y:.3g}} ms<extra></extra>",
        )
        if not curves.empty:
            line = curves[curves.alpha == alpha]
            figure.add_scatter(
                x=line.macs / 1e6,
                y=line.predicted_ms,
                mode="lines",
                name=f"model α = {alpha:g}",
                legendgroup=f"{alpha:g}",
                line={"color": colour, "width": 1.5, "dash": "dot"},
                customdata=line.resolution,
                hovertemplate=f"model, α = {alpha:g}, %{{customdata}} px<br>%{{y:.3g}} ms<extra></extra>",
            )
    figure.update_layout(
        **_base_layout(height=440, title={"text": title}),
        xaxis={"title": {"text": "MACs (millions)"}, "gridcolor": GRID, "rangemode": "tozero"},
        yaxis={"title": {"text": _label("latency_ms")}, "gridcolor": GRID, "rangemode": "tozero"},
    )
    return figure


def make_residual_figure(points: pd.DataFrame, tolerance_pct: float = 10.0) -> go.Figure:
    """Leave-one-out error (%) of each point against MACs, with the ±``tolerance_pct`` band.

    ``points`` has ``alpha``, ``resolution``, ``macs``, ``loo_error_pct``.

    >>> points = pd.DataFrame({"alpha": [0.5], "resolution": [160], "macs": [76524800], "loo_error_pct": [-3.0]})
    >>> make_residual_figure(points).layout.shapes[0].y1
    10.0
    """
    figure = go.Figure()
    for index, alpha in enumerate(sorted(points.alpha.unique())):
        rows = points[points.alpha == alpha]
        figure.add_scatter(
            x=rows.macs / 1e6,
            y=rows.loo_error_pct,
            mode="markers",
            name=f"α = {alpha:g}",
            marker={"color": ALPHA_COLOURS[index % len(ALPHA_COLOURS)], "size": 9},
            customdata=rows.resolution,
            hovertemplate=f"α = {alpha:g}, %{{customdata}} px<br>left-out error %{{y:+.1f}} %<extra></extra>",
        )
    figure.add_hrect(y0=-tolerance_pct, y1=tolerance_pct, fillcolor="#55a868", opacity=0.08, line_width=0)
    figure.add_hline(y=0, line={"color": "#8c8c8c", "width": 1})
    figure.update_layout(
        **_base_layout(height=300),
        xaxis={"title": {"text": "MACs (millions)"}, "gridcolor": GRID},
        yaxis={"title": {"text": "leave-one-out error (%)"}, "gridcolor": GRID, "zeroline": False},
        showlegend=False,
    )
    return figure


RAM_LINE_MAX = 10
"""The buffer chart draws the device's RAM as a line only up to this many times its tallest bar; above, a note."""


def buffer_figure_spec(table: pd.DataFrame, peak_layer: str, ram_bytes: int | None = None) -> dict:
    """Per-layer activation buffers as a plain Plotly dict (what :func:`make_buffer_figure` wraps): input and
    output bytes stacked, the planner's ``buffer_bytes`` as a marker, the peak layer marked and, given
    ``ram_bytes``, the device's RAM as a dashed line.

    ``table`` has the columns of :attr:`costmodel.Report.table` (``layer``, ``input_bytes``,
    ``output_bytes``, ``buffer_bytes``). Callbacks return the dict directly: it skips the graph-object
    validation and draws the same (it carries Plotly's default template, as a ``go.Figure`` does).

    >>> import costmodel
    >>> r = costmodel.report(alpha=0.25, resolution=96, dtype="int8")
    >>> spec = buffer_figure_spec(r.table, r.peak_layer, 327680)
    >>> [trace["name"] for trace in spec["data"]], spec["layout"]["annotations"][0]["text"]
    (['input bytes', 'output bytes', 'buffer (planner)'], 'peak 55,296 B')
    >>> desktop = buffer_figure_spec(r.table, r.peak_layer, 8 * 2**30)["layout"]  # 8 GiB: no line, a note
    >>> desktop["shapes"], desktop["annotations"][1]["text"]
    ([], 'device RAM 8,589,934,592 B (155,345× the peak, off the scale)')
    """
    columns = {
        column: table[column].tolist() for column in ("layer", "input_bytes", "output_bytes", "buffer_bytes")
    }
    layers = columns["layer"]
    data = [
        {"type": "bar", "x": layers, "y": columns["input_bytes"], "name": "input bytes",
         "marker": {"color": "#4c72b0"}, "hovertemplate": "<b>%{x}</b><br>input: %{y:,} B<extra></extra>"},
        {"type": "bar", "x": layers, "y": columns["output_bytes"], "name": "output bytes",
         "marker": {"color": "#55a868"}, "hovertemplate": "<b>%{x}</b><br>output: %{y:,} B<extra></extra>"},
        {"type": "scatter", "x": layers, "y": columns["buffer_bytes"], "name": "buffer (planner)", "mode": "markers",
         "marker": {"color": "#1f2933", "symbol": "line-ew-open", "size": 14, "line": {"width": 2}},
         "hovertemplate": "<b>%{x}</b><br>buffer: %{y:,} B<extra></extra>"},
    ]  # fmt: skip
    peak = int(columns["buffer_bytes"][layers.index(peak_layer)])
    annotations = [{"x": peak_layer, "y": peak, "text": f"peak {peak:,} B", "showarrow": True, "arrowhead": 2,
                    "ay": -30}]  # fmt: skip
    shapes = []
    stacked = [i + o for i, o in zip(columns["input_bytes"], columns["output_bytes"], strict=True)]
    # a line far above the tallest bar would flatten every bar
    off_scale = ram_bytes is not None and ram_bytes > RAM_LINE_MAX * max(*stacked, peak)
    if off_scale:
        annotations.append({"text": f"device RAM {ram_bytes:,} B ({ram_bytes / peak:,.0f}× the peak, off the scale)",
                            "showarrow": False, "xref": "x domain", "x": 1, "xanchor": "right", "yref": "y domain",
                            "y": 1, "yanchor": "bottom"})  # fmt: skip
    elif ram_bytes is not None:  # what go.Figure.add_hline draws
        shapes.append({"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": ram_bytes,
                       "y1": ram_bytes, "line": {"dash": "dash", "color": "#c44e52"}})  # fmt: skip
        annotations.append({"text": f"device RAM {ram_bytes:,} B", "showarrow": False, "xref": "x domain", "x": 1,
                            "xanchor": "right", "yref": "y", "y": ram_bytes, "yanchor": "bottom"})  # fmt: skip
    layout = _base_layout(
        barmode="stack", height=420, legend={"orientation": "h", "y": 1.1, "x": 0},
        margin={"l": 80, "r": 20, "t": 50, "b": 130},
        xaxis={"tickangle": -60, "tickfont": {"size": 10}, "categoryorder": "array", "categoryarray": layers},
        yaxis={"title": {"text": "bytes"}, "gridcolor": GRID, "rangemode": "tozero"},
        annotations=annotations, shapes=shapes, template=plotly_template(),
    )  # fmt: skip
    return {"data": data, "layout": layout}


def make_buffer_figure(table: pd.DataFrame, peak_layer: str, ram_bytes: int | None = None) -> go.Figure:
    """:func:`buffer_figure_spec` as a Plotly figure.

    >>> import costmodel
    >>> r = costmodel.report(alpha=0.25, resolution=96, dtype="int8")
    >>> [trace.name for trace in make_buffer_figure(r.table, r.peak_layer, 327680).data]
    ['input bytes', 'output bytes', 'buffer (planner)']
    """
    return go.Figure(buffer_figure_spec(table, peak_layer, ram_bytes))


def roofline_figure_spec(layers: pd.DataFrame, title: str = "") -> dict:
    """A log-log roofline as a plain Plotly dict (what :func:`make_roofline_figure` wraps): each layer at
    (intensity, attainable MAC/s), coloured by kind, under the memory roof (bandwidth × intensity) and the
    compute roof (peak), the ridge point marked.

    ``layers`` is :func:`costmodel.reference.roofline.roofline`'s frame (its ``attrs`` give peak, bandwidth
    and ridge). Layers without MACs (the pool) have no place on a log axis and are left out.

    >>> import costmodel
    >>> from costmodel.reference.devices import builtin_device
    >>> from costmodel.reference.roofline import roofline
    >>> layers = roofline(costmodel.report(dtype="float16"), builtin_device("jetson_nano"))
    >>> sorted(trace["name"] for trace in roofline_figure_spec(layers)["data"])
    ['classifier', 'depthwise 3×3', 'pointwise 1×1', 'roof', 'standard conv']
    """
    peak, bandwidth, ridge = (layers.attrs[k] for k in ("peak", "bandwidth", "ridge"))
    shown = layers[layers["macs"] > 0]
    low = min(float(shown["intensity"].min()), ridge) / 3
    high = max(float(shown["intensity"].max()), ridge) * 3
    data = [{"type": "scatter", "x": [low, ridge, high], "y": [low * bandwidth, peak, peak], "mode": "lines",
             "name": "roof", "line": {"color": "#1f2933", "width": 2}, "hoverinfo": "skip"}]  # fmt: skip
    for kind, colour in KIND_COLOURS.items():
        rows = shown[shown["kind"] == kind]
        if rows.empty:
            continue
        data.append({
            "type": "scatter", "x": rows["intensity"].tolist(), "y": rows["attainable_macs_per_s"].tolist(),
            "mode": "markers", "name": KIND_LABELS[kind], "marker": {"color": colour, "size": 10},
            "text": rows["layer"].tolist(), "customdata": rows["bound"].tolist(),
            "hovertemplate": "<b>%{text}</b><br>%{x:.3g} MACs/byte<br>%{y:.3g} MAC/s (%{customdata} bound)<extra></extra>",
        })  # fmt: skip
    annotation = {"x": float(np.log10(ridge)), "y": float(np.log10(peak)), "text": f"ridge {ridge:.3g} MACs/B",
                  "showarrow": True, "arrowhead": 2, "ay": 40}  # fmt: skip
    layout = _base_layout(
        height=440, title={"text": title}, legend={"orientation": "h", "y": -0.2, "x": 0},
        xaxis={"type": "log", "title": {"text": "intensity (MACs per byte moved)"}, "gridcolor": GRID},
        yaxis={"type": "log", "title": {"text": "attainable MAC/s"}, "gridcolor": GRID},
        annotations=[annotation], template=plotly_template(),
    )  # fmt: skip
    return {"data": data, "layout": layout}


def make_roofline_figure(layers: pd.DataFrame, title: str = "") -> go.Figure:
    """:func:`roofline_figure_spec` as a Plotly figure.

    >>> import costmodel
    >>> from costmodel.reference.devices import builtin_device
    >>> from costmodel.reference.roofline import roofline
    >>> layers = roofline(costmodel.report(dtype="float16"), builtin_device("jetson_nano"))
    >>> sorted(trace.name for trace in make_roofline_figure(layers).data)
    ['classifier', 'depthwise 3×3', 'pointwise 1×1', 'roof', 'standard conv']
    """
    return go.Figure(roofline_figure_spec(layers, title))


def _listed(values) -> list:
    """Plain floats for a figure spec, NaN as None (a gap, and valid JSON)."""
    return [None if v is None or v != v else float(v) for v in values]


def profile_figure_spec(layers: pd.DataFrame, bound: pd.DataFrame | None = None, title: str = "") -> dict:
    """The per-layer profile chart as a plain Plotly dict (what :func:`make_profile_figure` wraps); callbacks
    return it directly, skipping the graph objects' validation (about 90 ms a chart on the project's machine)."""
    from costmodel.latency.profile import time_vs_macs

    frame = time_vs_macs(layers)
    names = frame["layer"].tolist()
    data = []
    for kind in [*KIND_COLOURS, *sorted(set(frame["kind"]) - set(KIND_COLOURS))]:
        rows = frame[frame["kind"] == kind]
        if rows.empty:
            continue
        label = KIND_LABELS.get(kind, "not a layer (layout kernels)" if kind == "other" else kind)
        common = {"type": "bar", "name": kind, "legendgroup": kind, "x": rows["layer"].tolist(),
                  "marker": {"color": KIND_COLOURS.get(kind, "#c7c7c7")}}  # fmt: skip
        time_pct, mac_pct = _listed(rows["time_share"] * 100), _listed(rows["mac_share"] * 100)
        shares = zip(rows["macs"], time_pct, mac_pct, strict=True)
        data.append(common | {
            "y": _listed(rows["time_ms"]), "customdata": [[int(m), t, c] for m, t, c in shares],
            "hovertemplate": f"<b>%{{x}}</b> ({label})<br>measured %{{y:.4g}} ms<br>MACs %{{customdata[0]:,}}"
            "<br>time share %{customdata[1]:.1f} %, MAC share %{customdata[2]:.1f} %<extra></extra>",
        })  # fmt: skip
        data.append(common | {
            "y": _listed(rows["ratio"]), "showlegend": False, "xaxis": "x2", "yaxis": "y2",
            "hovertemplate": f"<b>%{{x}}</b> ({label})<br>time share / MAC share %{{y:.2f}}<extra></extra>",
        })  # fmt: skip
    data.append({
        "type": "scatter", "mode": "markers", "name": "time its MACs predict", "x": names,
        "y": _listed(frame["mac_time_ms"]),
        "marker": {"color": "#1f2933", "symbol": "line-ew-open", "size": 16, "line": {"width": 2}},
        "hovertemplate": "<b>%{x}</b><br>at its MAC share: %{y:.4g} ms<extra></extra>",
    })  # fmt: skip
    if bound is not None:
        data.append({
            "type": "scatter", "mode": "markers", "name": f"roofline bound ({bound.attrs.get('device', 'device')})",
            "x": names, "y": _listed(frame["layer"].map(bound.set_index("layer")["attainable_s"] * 1e3)),
            "marker": {"color": "#c44e52", "symbol": "diamond", "size": 9},
            "hovertemplate": "<b>%{x}</b><br>roofline bound %{y:.3g} ms<extra></extra>",
        })  # fmt: skip
    axis = {"categoryorder": "array", "categoryarray": names, "gridcolor": GRID}
    layout = _base_layout(
        title={"text": title, "x": 0, "xref": "paper", "y": 0.99, "yref": "container", "yanchor": "top"},
        barmode="overlay", height=600,
        legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
        margin={"l": 80, "r": 20, "t": 100, "b": 130},
        xaxis={**axis, "anchor": "y", "showticklabels": False, "matches": "x2"},
        xaxis2={**axis, "anchor": "y2", "tickangle": -60, "tickfont": {"size": 10}},
        yaxis={"domain": [0.42, 1.0], "title": {"text": "time (ms)"}, "gridcolor": GRID, "rangemode": "tozero"},
        yaxis2={"domain": [0.0, 0.34], "title": {"text": "time / MAC share"}, "gridcolor": GRID,
                "rangemode": "tozero"},
        shapes=[{"type": "line", "xref": "x2 domain", "x0": 0, "x1": 1, "yref": "y2", "y0": 1, "y1": 1,
                 "line": {"dash": "dash", "color": "#1f2933", "width": 1}}],
    )  # fmt: skip
    return {"data": data, "layout": layout}


def make_profile_figure(
    layers: pd.DataFrame, bound: pd.DataFrame | None = None, title: str = ""
) -> go.Figure:
    """One profiled design point, per layer: measured time beside the time its MACs predict, and below, the
    ratio of the two (time share / MAC share, 1 = as the MACs predict), bars coloured by kind.

    ``layers`` is one point's profile (``layer``, ``kind``, ``macs``, ``time_ms``; see
    :func:`costmodel.latency.profile.time_vs_macs` for the shares). ``bound``, a
    :func:`costmodel.reference.roofline.roofline` frame of the same network, adds each layer's roofline bound
    (``attainable_s`` in ms) as a marker; layers are matched by name.

    >>> import costmodel
    >>> table = costmodel.report(alpha=0.25, resolution=128).table
    >>> layers = table[["layer", "kind", "macs"]].assign(time_ms=table["macs"] / 1e7)
    >>> [trace.name for trace in make_profile_figure(layers).data if trace.showlegend is not False]
    ['conv', 'dw', 'pw', 'pool', 'fc', 'time its MACs predict']
    """
    return go.Figure(profile_figure_spec(layers, bound, title))


COMPARE_COLOURS = ("#2c5fa8", "#d1495b", "#2a9d8f", "#8a5a00")
"""One colour per compared design point (at most four), distinct in colour and in lightness."""


def compare_figure_spec(layers: pd.DataFrame, labels: list[str], metric: str = "macs") -> dict:
    """Per-layer ``metric`` of two to four design points as grouped bars (one trace per point), as a plain
    Plotly dict (what :func:`make_compare_figure` wraps; it carries Plotly's default template, as a
    ``go.Figure`` does).

    ``layers`` has ``layer`` and one ``"{metric} {label}"`` column per point, as
    :func:`costmodel.dashboard.compare.layer_differences` gives.

    >>> layers = pd.DataFrame({"layer": ["Conv2d_0", "Logits"], "macs 1-224": [10, 20], "macs 0.5-160": [3, 4]})
    >>> [trace["name"] for trace in compare_figure_spec(layers, ["1-224", "0.5-160"])["data"]]
    ['MobileNet-1-224', 'MobileNet-0.5-160']
    """
    names = layers["layer"].tolist()
    data = [
        {"type": "bar", "x": names, "y": layers[f"{metric} {name}"].tolist(), "name": f"MobileNet-{name}",
         "marker": {"color": colour}, "hovertemplate": "%{x}<br>%{y:,} " + _label(metric) + f"<extra>{name}</extra>"}
        for colour, name in zip(COMPARE_COLOURS, labels, strict=False)
    ]  # fmt: skip
    layout = _base_layout(
        barmode="group", height=380, legend={"orientation": "h", "y": 1.12},
        yaxis={"title": {"text": _label(metric)}, "gridcolor": "#eef1f4"}, xaxis={"tickangle": -55},
        template=plotly_template(),
    )  # fmt: skip
    return {"data": data, "layout": layout}


def make_compare_figure(layers: pd.DataFrame, labels: list[str], metric: str = "macs") -> go.Figure:
    """:func:`compare_figure_spec` as a Plotly figure."""
    return go.Figure(compare_figure_spec(layers, labels, metric))


def _budget_text(metric: str, limit: float) -> str:
    if metric.endswith("_bytes"):
        from costmodel.output.text import format_bytes

        return format_bytes(int(limit))
    return f"{limit:g} ms" if metric == "latency_ms" else f"{limit / 1e6:g} M"


VIRIDIS = tuple(
    (i / (len(plotly.colors.sequential.Viridis) - 1), colour)
    for i, colour in enumerate(plotly.colors.sequential.Viridis)
)
"""Plotly's Viridis colour scale as a ``go.Heatmap`` spells it out (the design space heatmap's colours)."""

LEGEND_GREY = "#6c757d"
"""The design space legend's background: white (the MACs line), black (params) and the other lines all show on it."""

BUDGET_LINE_COLOURS = {"macs": "#ffffff", "params": "#111111", "latency_ms": "#ff8c00",
                       "peak_activation_bytes": "#e64980", "flash_bytes": "#4dabf7"}  # fmt: skip


def design_space_figure_spec(
    grid: pd.DataFrame, metric: str, title: str, budgets: dict | None = None, checkpoints: pd.DataFrame | None = None
) -> dict:  # fmt: skip
    """A heatmap of ``metric`` over α (x) × resolution (y) from a long ``grid`` (columns ``alpha``,
    ``resolution`` and the metrics), an iso-budget contour line per entry of ``budgets`` (metric → limit) and
    the published checkpoints as markers, as a plain Plotly dict (what :func:`make_design_space_figure`
    wraps; it carries Plotly's default template, as a ``go.Figure`` does).

    >>> import costmodel
    >>> grid = costmodel.evaluate([0.5, 1.0], [128, 224], metrics=["macs", "params"], grid=True)
    >>> spec = design_space_figure_spec(grid, "macs", "MACs", {"params": 2e6})
    >>> spec["data"][0]["z"], spec["data"][1]["name"]
    ([[49160192, 186400768], [149497088, 568740352]], 'parameters budget 2 M')
    """
    budgets = budgets or {}
    alphas, columns = np.unique(grid["alpha"].to_numpy(), return_inverse=True)
    sides, rows = np.unique(grid["resolution"].to_numpy(), return_inverse=True)

    shape = (len(sides), len(alphas))
    complete = np.unique(rows * shape[1] + columns).size == shape[0] * shape[1] == len(grid)

    def matrix(name: str) -> list[list]:
        """``name`` as rows of resolution × columns of α (NaN where the grid has no point); integers stay
        integers on a complete grid (exact, and shorter to send)."""
        values = grid[name].to_numpy()
        exact = complete and values.dtype.kind in "iu"
        z = np.zeros(shape, dtype=values.dtype) if exact else np.full(shape, np.nan)
        z[rows, columns] = values
        return z.tolist()

    alphas, sides = alphas.tolist(), sides.tolist()
    data = [{
        "type": "heatmap", "x": alphas, "y": sides, "z": matrix(metric),
        "colorscale": VIRIDIS, "colorbar": {"title": {"text": title, "side": "right"}},
        "hovertemplate": "α %{x}<br>%{y} px<br>%{z:,.4~g}<extra></extra>",
    }]  # fmt: skip
    for name, limit in budgets.items():
        data.append({
            "type": "contour", "x": alphas, "y": sides, "z": matrix(name),
            "showscale": False, "hoverinfo": "skip",
            "contours": {"start": float(limit), "end": float(limit), "size": 1, "coloring": "none", "showlabels": False},
            "line": {"color": BUDGET_LINE_COLOURS.get(name, "#ffffff"), "width": 3, "dash": "dash"},
            "name": f"{_label(name)} budget {_budget_text(name, float(limit))}", "showlegend": True,
        })  # fmt: skip
    if checkpoints is not None and len(checkpoints):
        data.append({
            "type": "scatter", "x": checkpoints["alpha"].tolist(), "y": checkpoints["resolution"].tolist(),
            "mode": "markers", "name": "published checkpoints",
            "marker": {"symbol": "star", "size": 12, "color": "#ffd43b", "line": {"color": "#111111", "width": 1}},
            "text": checkpoints["label"].tolist(), "hovertemplate": "%{text}<extra></extra>",
        })  # fmt: skip
    layout = _base_layout(
        height=520, xaxis={"title": {"text": "width multiplier α"}}, yaxis={"title": {"text": "input resolution (px)"}},
        # a grey legend: the MACs line is white (it shows on every colour of the heatmap), and so is its sample
        legend={"orientation": "h", "y": -0.18, "bgcolor": LEGEND_GREY, "font": {"color": "#ffffff"}},
        template=plotly_template(),
    )  # fmt: skip
    return {"data": data, "layout": layout}


def make_design_space_figure(
    grid: pd.DataFrame, metric: str, title: str, budgets: dict | None = None, checkpoints: pd.DataFrame | None = None
) -> go.Figure:  # fmt: skip
    """:func:`design_space_figure_spec` as a Plotly figure."""
    return go.Figure(design_space_figure_spec(grid, metric, title, budgets, checkpoints))
