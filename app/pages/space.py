"""Design space page: a chosen metric over the whole α × resolution plane as a heatmap, with iso-budget lines
(MACs, params, latency on a chosen dataset, peak RAM and flash at a chosen value type) and the published
checkpoints marked; below it, a sortable table of every configuration within all the budgets at once (the
answer of ``mobilenet-cost best --all --estimate``) with a CSV download. The settings live in the URL
(``/design-space?metric=latency_ms&macs=200M&latency=20``, :mod:`costmodel.dashboard.design_space_url`). The logic
is in :mod:`costmodel.dashboard.design_space` (cached grids from ``evaluate``; no SymPy per request)."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
from costmodel.dashboard import design_space, design_space_url, frontier, ids
from costmodel.dashboard.explorer import URL_PROBLEMS
from costmodel.dashboard.layout import field
from dash import Input, Output, State, callback, dash_table, dcc, html
from dash.dash_table.Format import Format, Group

dash.register_page(
    __name__,
    path="/design-space",
    name="Design space",
    title="Design space · MobileNet v1 cost model",
    order=1.7,
)

PAGE_SIZE = 15
THOUSANDS = ("macs", "params", "peak_activation_bytes", "flash_bytes")
DTYPE_LABELS = {"float32": "float32 (4 bytes)", "float16": "float16 (2 bytes)", "int8": "int8 (1 byte)"}
BUDGETS = (
    (ids.SPACE_MACS_BUDGET, "MACs budget", "macs", "e.g. 300M, 0.3G"),
    (ids.SPACE_PARAMS_BUDGET, "Params budget", "params", "e.g. 2M (empty: none)"),
    (ids.SPACE_LATENCY_BUDGET, "Latency budget (ms)", "latency", "e.g. 20, on the dataset chosen"),
    (ids.SPACE_RAM_BUDGET, "Peak RAM budget", "ram", "e.g. 320KiB, 1MiB"),
    (ids.SPACE_FLASH_BUDGET, "Flash budget", "flash", "e.g. 1MiB, 2MB"),
)
"""Each budget field: its id, label, URL key (:data:`~costmodel.dashboard.design_space_url.BUDGET_KEYS`) and hint."""


def _budget(component_id: str, label: str, value: str, hint: str) -> html.Div:
    control = dcc.Input(id=component_id, type="text", value=value, debounce=True, className="text-input")
    return field(label, control, hint=hint)


def _datasets() -> list[dict]:
    options = frontier.latency_source_options(frontier.default_db())
    names = [o["value"].split(":", 1)[1] for o in options if o["value"].startswith("predicted:")]
    return [{"label": name, "value": name} for name in names]


def layout(**query) -> html.Div:
    datasets = _datasets()
    controls, problems = design_space_url.controls_from_query(
        urlencode(query, doseq=True), [d["value"] for d in datasets]
    )
    return html.Div(
        [
            dcc.Location(id=ids.SPACE_URL, refresh=False),
            html.Div(
                URL_PROBLEMS + "; ".join(problems) if problems else "",
                id=ids.SPACE_URL_ERROR,
                className="url-error",
                role="alert",
            ),
            html.Div(
                [
                    field(
                        "Colour shows",
                        dcc.Dropdown(
                            id=ids.SPACE_METRIC,
                            options=[
                                {"label": label, "value": key} for key, label in design_space.METRICS.items()
                            ],
                            value=controls["metric"],
                            clearable=False,
                        ),
                    ),
                    field(
                        "Value type (RAM, flash)",
                        dcc.Dropdown(
                            id=ids.SPACE_DTYPE,
                            options=[{"label": label, "value": key} for key, label in DTYPE_LABELS.items()],
                            value=controls["dtype"],
                            clearable=False,
                            searchable=False,
                        ),
                    ),
                    field(
                        "Latency predicted on dataset",
                        dcc.Dropdown(
                            id=ids.SPACE_DATASET,
                            options=datasets,
                            value=controls["dataset"],
                            clearable=False,
                        ),
                    ),
                ],
                className="controls-row",
            ),
            html.Div(
                [_budget(i, label, controls[key], hint) for i, label, key, hint in BUDGETS],
                className="controls-row",
            ),
            html.Div(id=ids.SPACE_ERROR, className="field-error", role="alert"),
            html.Div(id=ids.SPACE_SUMMARY, className="summary"),
            dcc.Graph(id=ids.SPACE_GRAPH, config={"displaylogo": False}, className="graph"),
            html.H3("Every configuration within all the budgets"),
            html.P(id=ids.SPACE_TABLE_NOTE, className="muted"),
            html.Div(
                [
                    html.Button("Download CSV", id=ids.SPACE_CSV, className="button"),
                    dcc.Download(id=ids.SPACE_DOWNLOAD),
                ],
                className="actions",
            ),
            dash_table.DataTable(
                id=ids.SPACE_TABLE,
                page_current=0,
                page_size=PAGE_SIZE,
                page_action="custom",
                sort_action="custom",
                sort_mode="multi",
                sort_by=[],
                style_table={"overflowX": "auto"},
                style_cell={"fontFamily": "inherit", "fontSize": 13, "padding": "4px 8px"},
                style_header={"fontWeight": "600"},
            ),
        ]
    )


INPUTS = [
    Input(ids.SPACE_METRIC, "value"),
    *(Input(budget[0], "value") for budget in BUDGETS),
    Input(ids.SPACE_DTYPE, "value"),
    Input(ids.SPACE_DATASET, "value"),
]


def _view(metric, macs, params, latency, ram, flash, dtype, dataset) -> design_space.DesignSpaceView:
    return design_space.design_space_view(metric, macs, params, latency, ram, flash, dtype, dataset)


@callback(
    Output(ids.SPACE_GRAPH, "figure"),
    Output(ids.SPACE_SUMMARY, "children"),
    Output(ids.SPACE_ERROR, "children"),
    Output(ids.SPACE_URL, "search"),
    *INPUTS,
)
def show(*values):
    view = _view(*values)
    metric, *budgets, dtype, dataset = values
    keys = [key for _, _, key, _ in BUDGETS]
    search = design_space_url.to_query(
        {"metric": metric, **dict(zip(keys, budgets, strict=True)), "dtype": dtype, "dataset": dataset}
    )
    figure = design_space.figure_of(view)
    alphas, sides = design_space.ALPHAS, design_space.RESOLUTIONS
    summary = (
        f"{len(view.grid):,} configurations (α {alphas[0]:g} to {alphas[-1]:g} in steps of 0.025, "
        f"{sides[0]} to {sides[-1]} px in steps of 4); "
        + (
            f"{design_space.fitting_count(view):,} meet every budget drawn (dashed lines)."
            if view.budgets
            else "no budget drawn."
        )
    )
    return figure, summary, view.error, search


@callback(
    Output(ids.SPACE_TABLE, "data"),
    Output(ids.SPACE_TABLE, "columns"),
    Output(ids.SPACE_TABLE, "page_count"),
    Output(ids.SPACE_TABLE_NOTE, "children"),
    *INPUTS,
    Input(ids.SPACE_TABLE, "page_current"),
    Input(ids.SPACE_TABLE, "sort_by"),
)
def table(*values):
    """One page of every configuration within the budgets, sorted as asked; only the shown rows travel."""
    *view_values, page, sort_by = values
    view = _view(*view_values)
    found, problem = design_space.fitting_configurations(view)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(int(page or 0), 0), pages - 1)
    note = problem or (
        f"{len(found):,} configurations (α in steps of 0.01, every integer resolution of the trend's range), "
        f"most accurate first; click a column title to sort. The same answer: {design_space.cli_line(view)}"
    )
    rows = design_space.table_page(found, sort_by, page, PAGE_SIZE)
    columns = [
        {**c, "format": Format(group=Group.yes)} if c["id"] in THOUSANDS else c
        for c in design_space.table_columns(found)
    ]
    return rows, columns, pages, note


@callback(
    Output(ids.SPACE_DOWNLOAD, "data"),
    Input(ids.SPACE_CSV, "n_clicks"),
    *(State(i.component_id, i.component_property) for i in INPUTS),
    prevent_initial_call=True,
)
def download(_clicks, *values):
    content, filename = design_space.csv_download(_view(*values))
    return {"content": content, "filename": filename, "type": "text/csv", "base64": False}
