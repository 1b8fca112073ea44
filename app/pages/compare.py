"""Compare page: two to four design points side by side (``/compare?p=0.35,200&p=0.5,160``).

Totals (with flash and peak RAM at a chosen value type), estimated top-1 with its interval, predicted latency on a chosen dataset, and the per-layer MACs with
their differences from the first point, as tables and a chart; CSV and LaTeX downloads. The logic is in
:mod:`costmodel.dashboard.compare`. One callback: fields → URL and view; URL (first load) → fields and view.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
from costmodel.dashboard import compare, frontier, ids
from costmodel.dashboard.layout import field
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from costmodel.present.figures import compare_figure_spec

dash.register_page(
    __name__,
    path="/compare",
    name="Compare",
    title="Compare design points · MobileNet v1 cost model",
    order=1.5,
)


def layout(**query) -> html.Div:
    points, _ = compare.parse_points("?" + urlencode(query, doseq=True))
    options = [
        o
        for o in frontier.latency_source_options(frontier.default_db())
        if o["value"].startswith("predicted:")
    ]
    datasets = [{"label": o["value"].split(":", 1)[1], "value": o["value"].split(":", 1)[1]} for o in options]
    return html.Div(
        [
            dcc.Location(id=ids.COMPARE_URL, refresh=False),
            html.Div(
                [
                    field(
                        "Design points (alpha,resolution; 2 to 4, separated by ;)",
                        dcc.Input(
                            id=ids.COMPARE_POINTS,
                            type="text",
                            debounce=True,
                            className="text-input",
                            value="; ".join(f"{a:g},{r}" for a, r in points),
                        ),
                        ids.COMPARE_ERROR,
                        hint="e.g. 0.35,200; 0.5,160; 1,224. Pin the Explorer's point with its 'Compare' link.",
                    ),
                    field(
                        "Latency predicted on dataset",
                        dcc.Dropdown(
                            id=ids.COMPARE_DATASET,
                            options=datasets,
                            clearable=False,
                            value=query.get("dataset")
                            if query.get("dataset") in [d["value"] for d in datasets]
                            else compare.DEFAULT_DATASET,
                        ),
                    ),
                    field(
                        "Value type (flash, RAM)",
                        dcc.Dropdown(
                            id=ids.COMPARE_DTYPE,
                            options=[{"label": d, "value": d} for d in compare.DTYPES],
                            clearable=False,
                            searchable=False,
                            value=compare.check_dtype(query.get("dtype"))[0],
                        ),
                    ),
                    html.Button("Download CSV", id=ids.COMPARE_CSV, className="button"),
                    html.Button("Download LaTeX", id=ids.COMPARE_LATEX, className="button"),
                    dcc.Download(id=ids.COMPARE_DOWNLOAD),
                ],
                className="controls-row compare-controls",
            ),
            html.H3("Totals"),
            dcc.Markdown(id=ids.COMPARE_TOTALS, className="panel data-table-md"),
            html.Div(id=ids.COMPARE_NOTE, className="muted"),
            html.H3("Per-layer MACs"),
            dcc.Graph(id=ids.COMPARE_GRAPH, config={"displaylogo": False}, className="graph"),
            html.H3("Per-layer MACs and differences from the first point"),
            dcc.Markdown(id=ids.COMPARE_LAYERS, className="panel data-table-md"),
        ]
    )


def _points_and_problems(text: str | None):
    return compare.points_from([part for part in (text or "").split(";")])


@callback(
    Output(ids.COMPARE_TOTALS, "children"),
    Output(ids.COMPARE_LAYERS, "children"),
    Output(ids.COMPARE_GRAPH, "figure"),
    Output(ids.COMPARE_NOTE, "children"),
    Output(ids.COMPARE_ERROR, "children"),
    Output(ids.COMPARE_URL, "search"),
    Input(ids.COMPARE_POINTS, "value"),
    Input(ids.COMPARE_DATASET, "value"),
    Input(ids.COMPARE_DTYPE, "value"),
)
def show(text, dataset, dtype):
    """The comparison of the typed points; bad points are named next to the field and left out."""
    points, problems = _points_and_problems(text)
    dtype, problem = compare.check_dtype(dtype)
    problems += [problem] if problem else []
    view = compare.compare_view(points, dataset, frontier.default_db(), dtype)
    totals = compare.totals_table(view).to_markdown()
    layers = compare.layers_table(view).to_markdown()
    figure = compare_figure_spec(view.layers, [compare.label(p) for p in points])
    missing = (
        view.latency_note if view.latency_note.startswith("no latency") else ""
    )  # else the table says it
    return totals, layers, figure, missing, "; ".join(problems), compare.to_query(points, dataset, dtype)


@callback(
    Output(ids.COMPARE_DOWNLOAD, "data"),
    Input(ids.COMPARE_CSV, "n_clicks"),
    Input(ids.COMPARE_LATEX, "n_clicks"),
    State(ids.COMPARE_POINTS, "value"),
    State(ids.COMPARE_DATASET, "value"),
    State(ids.COMPARE_DTYPE, "value"),
    prevent_initial_call=True,
)
def download(_csv, _latex, text, dataset, dtype):
    if ctx.triggered_id not in (ids.COMPARE_CSV, ids.COMPARE_LATEX):
        return no_update
    points, _ = _points_and_problems(text)
    view = compare.compare_view(points, dataset, frontier.default_db(), compare.check_dtype(dtype)[0])
    content, filename = compare.downloads(view, latex=ctx.triggered_id == ids.COMPARE_LATEX)
    return {"content": content, "filename": filename, "type": "text/plain", "base64": False}
