"""Frontier page: published top-1 against exact MACs, params or latency (published, or measured or predicted
on a stored dataset), the Pareto fronts, the
current design point's estimated accuracy, and the best configuration under a budget.

The design point comes from the URL in the Explorer's format (``/frontier?alpha=0.5&resolution=160``); the
page's own settings join it there (:mod:`costmodel.dashboard.frontier_url`), so a link or a reload shows the same chart. One
callback: controls → URL and view; URL (first load, back button) → controls and view.
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import dash
from costmodel.dashboard import frontier, frontier_brush, frontier_url, ids
from costmodel.dashboard.export import FORMATS, figure_bytes
from costmodel.dashboard.layout import field
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

dash.register_page(
    __name__, path="/frontier", name="Frontier", title="Accuracy frontier · MobileNet v1 cost model", order=1
)


def layout(**query) -> html.Div:
    latency_options = frontier.latency_source_options(frontier.default_db())
    controls, _ = frontier_url.controls_from_query(
        "?" + urlencode(query, doseq=True), [o["value"] for o in latency_options]
    )
    return html.Div(
        [
            dcc.Location(id=ids.FRONTIER_URL, refresh=False),
            html.Aside(
                [
                    html.H2("Axes"),
                    field(
                        "Cost on the x axis",
                        dcc.RadioItems(
                            id=ids.FRONTIER_X_METRIC,
                            options=[
                                {"label": label, "value": key} for key, label in frontier.X_METRICS.items()
                            ],
                            value=controls["x"],
                            className="radio-column",
                        ),
                    ),
                    field(
                        "Latency from (latency axis)",
                        dcc.Dropdown(
                            id=ids.FRONTIER_LATENCY_SOURCE,
                            options=latency_options,
                            value=controls["latency"],
                            clearable=False,
                        ),
                    ),
                    field(
                        "Scale",
                        dcc.Checklist(
                            id=ids.FRONTIER_LOG_X,
                            options=[{"label": "logarithmic x axis", "value": "log"}],
                            value=controls["log_x"],
                            className="checklist",
                        ),
                    ),
                    html.H2("Points"),
                    field(
                        "Sources",
                        dcc.Checklist(
                            id=ids.FRONTIER_SOURCES,
                            options=[{"label": s, "value": s} for s in frontier.sources()],
                            value=controls["sources"],
                            className="checklist",
                        ),
                    ),
                    field(
                        "Precision",
                        dcc.Checklist(
                            id=ids.FRONTIER_PRECISION,
                            options=[{"label": d, "value": d} for d in frontier.DTYPES],
                            value=controls["precision"],
                            inline=True,
                            className="checklist-inline",
                        ),
                    ),
                    html.H2("Budget"),
                    field(
                        "Budget on the x axis (each axis keeps its own)",
                        dcc.Input(
                            id=ids.FRONTIER_BUDGET,
                            type="text",
                            inputMode="decimal",
                            value=controls["budget"],
                            debounce=True,
                            className="text-input",
                        ),
                        ids.FRONTIER_BUDGET_ERROR,
                        hint="MACs or parameters: 300M, 0.3G, 500k (a bare number counts millions); latency: 20 "
                        "or 20ms; RAM or flash: 320KiB, 1MB (a bare number counts KiB), or a device key "
                        f"({', '.join(frontier.preset_devices())}) to draw its limit.",
                    ),
                ],
                className="sidebar",
            ),
            html.Section(
                [
                    html.Div(id=ids.FRONTIER_URL_ERROR, className="url-error", role="alert"),
                    html.Div(id=ids.FRONTIER_POINT, className="callout"),
                    html.Div(
                        [
                            html.Span(id=ids.FRONTIER_SELECTION, role="status"),
                            html.Button(
                                "Clear selection",
                                id=ids.FRONTIER_CLEAR_SELECTION,
                                className="button",
                                hidden=True,
                            ),
                        ],
                        className="selection-line",
                    ),
                    dcc.Graph(id=ids.FRONTIER_GRAPH, config={"displaylogo": False}, className="graph"),
                    html.Div(id=ids.FRONTIER_BEST, className="callout"),
                    html.H2("Parallel coordinates: brush to filter the chart"),
                    dcc.Graph(id=ids.FRONTIER_PARCOORDS, config={"displaylogo": False}, className="graph"),
                    html.P(id=ids.FRONTIER_PARCOORDS_NOTE, className="field-hint"),
                    html.Div(
                        [
                            html.Button(
                                "Download figure (PNG)", id=ids.FRONTIER_DOWNLOAD_PNG, className="button"
                            ),
                            html.Button(
                                "Download figure (SVG)", id=ids.FRONTIER_DOWNLOAD_SVG, className="button"
                            ),
                            html.Button(
                                "Download data (CSV)", id=ids.FRONTIER_DOWNLOAD_CSV, className="button"
                            ),
                            html.Span(id=ids.FRONTIER_DOWNLOAD_ERROR, className="field-error"),
                            dcc.Download(id=ids.FRONTIER_DOWNLOAD),
                        ],
                        className="actions",
                    ),
                ],
                className="content",
            ),
        ],
        className="two-column",
    )


CONTROLS = (
    Input(ids.FRONTIER_URL, "search"),
    Input(ids.FRONTIER_X_METRIC, "value"),
    Input(ids.FRONTIER_LOG_X, "value"),
    Input(ids.FRONTIER_SOURCES, "value"),
    Input(ids.FRONTIER_PRECISION, "value"),
    Input(ids.FRONTIER_BUDGET, "value"),
    Input(ids.FRONTIER_LATENCY_SOURCE, "value"),
)


CONTROL_NAMES = ("x", "log_x", "sources", "precision", "budget", "latency")
"""The keys of :data:`costmodel.dashboard.frontier_url.DEFAULT_CONTROLS`, in the order of ``CONTROLS[1:]``."""
SELECTION = (Input(ids.FRONTIER_PARCOORDS, "restyleData"), Input(ids.FRONTIER_CLEAR_SELECTION, "n_clicks"))
"""A brush on the parallel-coordinates view, and the button that clears the selection."""


def next_ranges(search: str | None, restyle_data: object) -> dict:
    """The selection after the trigger: none after "Clear selection", the URL's changed by a brush, else the
    URL's as it is."""
    ranges, _ = frontier_brush.ranges_from_query(search)
    if ctx.triggered_id == ids.FRONTIER_CLEAR_SELECTION:
        return {}
    if ctx.triggered_id == ids.FRONTIER_PARCOORDS:
        return frontier_brush.with_restyle(ranges, restyle_data, list(frontier_brush.DIMENSIONS)) or ranges
    return ranges


@callback(
    Output(ids.FRONTIER_URL, "search"),
    *(Output(c.component_id, c.component_property) for c in CONTROLS[1:]),
    Output(ids.FRONTIER_GRAPH, "figure"),
    Output(ids.FRONTIER_POINT, "children"),
    Output(ids.FRONTIER_BEST, "children"),
    Output(ids.FRONTIER_BUDGET_ERROR, "children"),
    Output(ids.FRONTIER_URL_ERROR, "children"),
    Output(ids.FRONTIER_PARCOORDS, "figure"),
    Output(ids.FRONTIER_PARCOORDS_NOTE, "children"),
    Output(ids.FRONTIER_SELECTION, "children"),
    Output(ids.FRONTIER_CLEAR_SELECTION, "hidden"),
    *CONTROLS,
    *SELECTION,
)
def show_frontier(search, x, log_x, sources, dtypes, budget, latency_source, restyle_data=None, _clear=None):
    values = dict(zip(CONTROL_NAMES, (x, log_x, sources, dtypes, budget, latency_source), strict=True))
    url_error = no_update  # a control's change leaves the URL's message as the link left it
    from_url = ctx.triggered_id in (None, ids.FRONTIER_URL)  # first load, a link or the back button
    if from_url:
        offered = [o["value"] for o in frontier.latency_source_options(frontier.default_db())]
        values, url_problems = frontier_url.controls_from_query(search, offered)
        url_error = frontier_url.problems_text(url_problems)
    else:
        values["budgets"], values["budget"] = frontier_url.next_budgets(search, x, budget)
        values["ranges"] = next_ranges(search, restyle_data)
    if from_url or ctx.triggered_id in (ids.FRONTIER_X_METRIC, ids.FRONTIER_LATENCY_SOURCE):
        # the published latency axis with none of its sources ticked would be an empty chart
        values["sources"] = (
            frontier.with_latency_sources(values["x"], values["sources"], values["latency"])
            or values["sources"]
        )
    shown_search = frontier_url.query_with_controls(search, values)
    new_search = no_update if shown_search == (search or "") or from_url else shown_search
    controls = [
        values[name] if from_url or values[name] is not typed else no_update
        for name, typed in zip(
            CONTROL_NAMES, (x, log_x, sources, dtypes, budget, latency_source), strict=True
        )
    ]
    view = frontier.frontier_view(shown_search, *(values[name] for name in CONTROL_NAMES))
    # a brush leaves the parallel coordinates as the user drew them (redrawing would interrupt the drag)
    parcoords = no_update if ctx.triggered_id == ids.FRONTIER_PARCOORDS else view.parcoords
    return (
        new_search, *controls, view.spec, view.point_text, view.best_text, view.budget_error, url_error,
        parcoords, view.parcoords_note, view.selection_text, not view.selection_text,
    )  # fmt: skip


@callback(
    Output(ids.FRONTIER_DOWNLOAD, "data"),
    Output(ids.FRONTIER_DOWNLOAD_ERROR, "children"),
    Input(ids.FRONTIER_DOWNLOAD_PNG, "n_clicks"),
    Input(ids.FRONTIER_DOWNLOAD_SVG, "n_clicks"),
    Input(ids.FRONTIER_DOWNLOAD_CSV, "n_clicks"),
    *(State(c.component_id, c.component_property) for c in CONTROLS),
    prevent_initial_call=True,
)
def download(_png, _svg, _csv, search, x, log_x, sources, dtypes, budget, latency_source):
    view = frontier.frontier_view(search, x, log_x, sources, dtypes, budget, latency_source)
    if ctx.triggered_id == ids.FRONTIER_DOWNLOAD_CSV:
        return {"content": view.points.to_csv(index=False), "filename": "mobilenet_v1_frontier.csv"}, ""
    fmt = "png" if ctx.triggered_id == ids.FRONTIER_DOWNLOAD_PNG else "svg"
    try:
        content = figure_bytes(view.figure, fmt)
    except Exception as error:  # kaleido needs a Chromium; say so next to the button
        return (
            no_update,
            f"figure export failed ({type(error).__name__}: {error}); set BROWSER_PATH to a Chromium",
        )
    return {
        "content": base64.b64encode(content).decode(),
        "filename": f"mobilenet_v1_frontier.{fmt}",
        "type": FORMATS[fmt],
        "base64": True,
    }, ""
