"""Design space page: a chosen metric over the whole α × resolution plane as a heatmap, with iso-budget lines
(MACs, params, latency) and the published checkpoints marked. The logic is in
:mod:`costmodel.dashboard.design_space` (one cached grid from ``evaluate``; no SymPy per request)."""

from __future__ import annotations

import dash
from costmodel.dashboard import design_space, ids
from costmodel.dashboard.layout import field
from dash import Input, Output, callback, dcc, html

dash.register_page(
    __name__,
    path="/design-space",
    name="Design space",
    title="Design space · MobileNet v1 cost model",
    order=1.7,
)


def _budget(component_id: str, label: str, value: str, hint: str) -> html.Div:
    control = dcc.Input(id=component_id, type="text", value=value, debounce=True, className="text-input")
    return field(label, control, hint=hint)


def layout(**_query) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    field(
                        "Colour shows",
                        dcc.Dropdown(
                            id=ids.SPACE_METRIC,
                            options=[
                                {"label": label, "value": key} for key, label in design_space.METRICS.items()
                            ],
                            value="top1_pct_estimate",
                            clearable=False,
                        ),
                    ),
                    _budget(ids.SPACE_MACS_BUDGET, "MACs budget line", "300M", "e.g. 300M, 0.3G"),
                    _budget(ids.SPACE_PARAMS_BUDGET, "Params budget line", "", "e.g. 2M (empty: none)"),
                    _budget(
                        ids.SPACE_LATENCY_BUDGET,
                        "Latency budget line (ms)",
                        "",
                        "e.g. 20 (Pixel 2 CPU model)",
                    ),
                ],
                className="controls-row",
            ),
            html.Div(id=ids.SPACE_ERROR, className="field-error", role="alert"),
            html.Div(id=ids.SPACE_SUMMARY, className="summary"),
            dcc.Graph(id=ids.SPACE_GRAPH, config={"displaylogo": False}, className="graph"),
        ]
    )


@callback(
    Output(ids.SPACE_GRAPH, "figure"),
    Output(ids.SPACE_SUMMARY, "children"),
    Output(ids.SPACE_ERROR, "children"),
    Input(ids.SPACE_METRIC, "value"),
    Input(ids.SPACE_MACS_BUDGET, "value"),
    Input(ids.SPACE_PARAMS_BUDGET, "value"),
    Input(ids.SPACE_LATENCY_BUDGET, "value"),
)
def show(metric, macs, params, latency):
    view = design_space.design_space_view(metric, macs, params, latency)
    figure = design_space.figure_of(view.metric, tuple(sorted(view.budgets.items())))
    alphas, sides = design_space.ALPHAS, design_space.RESOLUTIONS
    summary = (
        f"{len(view.grid):,} configurations (α {alphas[0]:g} to {alphas[-1]:g} in steps of 0.025, "
        f"{sides[0]} to {sides[-1]} px in steps of 4); "
        + (
            f"{design_space.fitting_count(view):,} meet every budget drawn (dashed lines; "
            "mobilenet-cost best --all lists them)."
            if view.budgets
            else "no budget drawn."
        )
    )
    return figure, summary, view.error
