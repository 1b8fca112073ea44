"""Latency page: upload measurements (row-level errors shown), manage datasets, latency vs MACs with the fit,
and a dataset's per-layer profiles.

Callbacks: ``manage`` (upload, rename, delete, first load → messages and the dataset list), ``show`` (chosen
dataset → fitted model, figures and residuals), ``profile`` (chosen dataset, profiled point and device → the
per-layer chart, or how to measure one) and ``link`` (chosen dataset → the URL: ``/latency?dataset=phone``). Their logic is in :mod:`costmodel.dashboard.latency_view` and
:mod:`costmodel.dashboard.profile_view`.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
from costmodel.dashboard import explorer, ids, latency_view, profile_view
from costmodel.dashboard.layout import field, profile_panel
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from costmodel.latency.store import BUILTIN_DATASETS, builtin_listing
from costmodel.present.figures import make_latency_figure, make_residual_figure

dash.register_page(
    __name__,
    path="/latency",
    name="Latency",
    title="Latency · MobileNet v1 cost model",
    order=2,
)

DEFAULT_DATASET = "tflite-pixel2-cpu-float"
UPLOAD_MAX_BYTES = 4 * latency_view.MAX_BYTES
"""The browser refuses files above this before sending them (its red border shows it)."""
TABLE_COLUMNS = ("name", "rows", "devices", "runtimes", "builtin", "created")


def layout(dataset: str | None = None, **_other) -> html.Div:
    """The page, showing ``dataset`` (``/latency?dataset=phone``; the built-in Pixel 2 dataset by default)."""
    return html.Div(
        [
            dcc.Location(id=ids.LATENCY_URL, refresh=False),
            html.Aside(_controls(dataset if isinstance(dataset, str) else None), className="sidebar"),
            html.Section(_view(), className="content"),
        ],
        className="two-column",
    )


def _text_input(component_id: str, placeholder: str) -> dcc.Input:
    return dcc.Input(
        id=component_id, type="text", placeholder=placeholder, className="text-input", debounce=False
    )


def _controls(dataset: str | None) -> list:
    return [
        html.H2("Import measurements"),
        field(
            "Device (needed unless the file has a device column)",
            _text_input(ids.LATENCY_DEVICE, "e.g. Pixel 7"),
        ),
        field("Runtime (optional)", _text_input(ids.LATENCY_RUNTIME, "e.g. tflite 2.16 XNNPACK")),
        field("Dataset name", _text_input(ids.LATENCY_NEW_NAME, "default: the file name")),
        field(
            "File",
            dcc.Upload(
                id=ids.LATENCY_UPLOAD,
                children=html.Div(["Drop a CSV or benchmark_model log here, or ", html.A("choose a file")]),
                className="upload",
                className_reject="upload upload-reject",
                # larger than the limit, so a file somewhat over it reaches the server and gets a clear message
                max_size=UPLOAD_MAX_BYTES,
                multiple=False,
            ),
            hint=latency_view.LIMITS_TEXT,
        ),
        html.Div(id=ids.LATENCY_UPLOAD_MESSAGE, className="field-hint", role="status"),
        html.Div(id=ids.LATENCY_UPLOAD_ERROR, className="field-error", role="alert"),
        dcc.Store(id=ids.LATENCY_PENDING),
        html.Button(
            "Import the same file again", id=ids.LATENCY_RETRY, className="button", style={"display": "none"}
        ),
        html.H2("Datasets"),
        field("Dataset", dcc.Dropdown(id=ids.LATENCY_DATASET, value=dataset, clearable=False)),
        field(
            "Rename to",
            html.Div(
                [
                    _text_input(ids.LATENCY_RENAME_TO, "new name"),
                    html.Button("Rename", id=ids.LATENCY_RENAME, className="button"),
                ],
                className="slider-with-input",
            ),
        ),
        dcc.ConfirmDialogProvider(
            html.Button("Delete dataset", id=ids.LATENCY_DELETE, className="button"),
            id=ids.LATENCY_DELETE_CONFIRM,
            message="Delete this dataset and all its rows? This cannot be undone.",
        ),
        html.Div(id=ids.LATENCY_MANAGE_MESSAGE, className="field-hint", role="status"),
        html.Div(id=ids.LATENCY_MANAGE_ERROR, className="field-error", role="alert"),
        html.H2("Devices"),
        field("Device key", _text_input(ids.DEVICE_KEY, "e.g. myboard")),
        field("RAM", _text_input(ids.DEVICE_RAM, "e.g. 256KiB")),
        field("Flash (optional)", _text_input(ids.DEVICE_FLASH, "e.g. 1MiB")),
        field("Source", _text_input(ids.DEVICE_SOURCE, "datasheet or URL (required)")),
        field("Peak MAC/s, float32 (optional)", _text_input(ids.DEVICE_PEAK_FLOAT32, "e.g. 100G")),
        field("Peak MAC/s, int8 (optional)", _text_input(ids.DEVICE_PEAK_INT8, "e.g. 400G")),
        field(
            "Memory bandwidth, bytes/s (optional)",
            _text_input(ids.DEVICE_BANDWIDTH, "e.g. 25G"),
            hint="A peak at the profile's value type and the bandwidth draw the roofline bound.",
        ),
        html.Button("Add device", id=ids.DEVICE_ADD, className="button"),
        html.Div(id=ids.DEVICE_MESSAGE, className="field-hint", role="status"),
        html.Div(id=ids.DEVICE_ERROR, className="field-error", role="alert"),
        html.Ul(id=ids.DEVICE_LIST, className="notes"),
    ]


@callback(
    Output(ids.DEVICE_MESSAGE, "children"),
    Output(ids.DEVICE_ERROR, "children"),
    Output(ids.DEVICE_LIST, "children"),
    Input(ids.DEVICE_ADD, "n_clicks"),
    State(ids.DEVICE_KEY, "value"),
    State(ids.DEVICE_RAM, "value"),
    State(ids.DEVICE_FLASH, "value"),
    State(ids.DEVICE_SOURCE, "value"),
    State(ids.DEVICE_PEAK_FLOAT32, "value"),
    State(ids.DEVICE_PEAK_INT8, "value"),
    State(ids.DEVICE_BANDWIDTH, "value"),
)
def add_device(clicks, key, ram, flash, source, peak_float32, peak_int8, bandwidth):
    """The device form: stored in the SQLite database beside the datasets (CLI: `mobilenet-cost devices`)."""
    db = latency_view.default_db()
    message, problem = "", ""
    if clicks:
        rates = dict(zip(latency_view.DEVICE_RATES, (peak_float32, peak_int8, bandwidth), strict=True))
        result = latency_view.add_device(key, ram, flash, source, db, rates)
        message, problem = result.message, "; ".join(result.problems)
    try:
        listing = [html.Li(line) for line in latency_view.stored_devices(db)]
    except ValueError as error:
        listing, problem = [], problem or str(error)
    return message, problem, listing


def _view() -> list:
    return [
        html.Div(id=ids.LATENCY_SUMMARY, className="summary"),
        html.H3("Latency against mult-adds, with the fitted model"),
        dcc.Graph(id=ids.LATENCY_GRAPH, config={"displaylogo": False}, className="graph"),
        html.H3("Leave-one-out error of each point"),
        dcc.Graph(id=ids.LATENCY_RESIDUALS, config={"displaylogo": False}, className="graph"),
        html.Pre(id=ids.LATENCY_MODEL, className="panel"),
        *profile_panel(
            "Per-layer profile: measured time against MACs",
            ids.LATENCY_PROFILE_NOTE,
            [
                field("Profiled design point", dcc.Dropdown(id=ids.LATENCY_PROFILE_POINT, clearable=False)),
                field(
                    "Device for the roofline bound",
                    dcc.Dropdown(
                        id=ids.LATENCY_PROFILE_DEVICE,
                        options=[{"label": "none", "value": ""}, *explorer.device_options()],
                        value="",
                        clearable=False,
                    ),
                ),
            ],
            ids.LATENCY_PROFILE_CONTROLS,
            ids.LATENCY_PROFILE_GRAPH,
        ),
        html.H3("Datasets"),
        html.Div(id=ids.LATENCY_DATASETS_TABLE, className="panel"),
    ]


def _problems(problems: list[str]):
    if not problems:
        return None
    shown = problems[:50]
    items = [html.Li(problem) for problem in shown]
    if len(problems) > len(shown):
        items.append(html.Li(f"... and {len(problems) - len(shown)} more"))
    return [html.Div("Nothing was imported or changed:"), html.Ul(items)]


def _table(listing) -> html.Table:
    header = html.Tr([html.Th(column) for column in TABLE_COLUMNS])
    rows = [
        html.Tr(
            [
                html.Td(str(row.name)),
                html.Td(str(row.rows)),
                html.Td(str(row.devices)),
                html.Td(str(row.runtimes)),
                html.Td("built-in, read-only" if row.builtin else ""),
                html.Td(row.created if isinstance(row.created, str) else ""),
            ]
        )
        for row in listing.itertuples()
    ]
    return html.Table([html.Thead(header), html.Tbody(rows)], className="data-table")


@callback(
    Output(ids.LATENCY_UPLOAD_MESSAGE, "children"),
    Output(ids.LATENCY_UPLOAD_ERROR, "children"),
    Output(ids.LATENCY_MANAGE_MESSAGE, "children"),
    Output(ids.LATENCY_MANAGE_ERROR, "children"),
    Output(ids.LATENCY_DATASET, "options"),
    Output(ids.LATENCY_DATASET, "value"),
    Output(ids.LATENCY_DATASETS_TABLE, "children"),
    Output(ids.LATENCY_PENDING, "data"),
    Output(ids.LATENCY_RETRY, "style"),
    Input(ids.LATENCY_UPLOAD, "contents"),
    Input(ids.LATENCY_RETRY, "n_clicks"),
    Input(ids.LATENCY_RENAME, "n_clicks"),
    Input(ids.LATENCY_DELETE_CONFIRM, "submit_n_clicks"),
    State(ids.LATENCY_UPLOAD, "filename"),
    State(ids.LATENCY_PENDING, "data"),
    State(ids.LATENCY_DEVICE, "value"),
    State(ids.LATENCY_RUNTIME, "value"),
    State(ids.LATENCY_NEW_NAME, "value"),
    State(ids.LATENCY_DATASET, "value"),
    State(ids.LATENCY_RENAME_TO, "value"),
)
def manage(contents, _retry, _rename, _delete, filename, pending, device, runtime, new_name, chosen, rename_to):
    """Upload (or import the last refused file again), rename or delete (whichever fired), then list the
    datasets again. A refused file is kept in the page so that it can be imported again after fixing the
    fields: the browser does not report choosing the same file a second time."""
    db = latency_view.default_db()
    upload_result = manage_result = latency_view.ActionResult()
    trigger = ctx.triggered_id
    keep = no_update
    if trigger == ids.LATENCY_RETRY and pending:
        contents, filename, trigger = pending["contents"], pending["filename"], ids.LATENCY_UPLOAD
    if trigger == ids.LATENCY_UPLOAD and contents:
        upload_result = latency_view.upload(contents, filename, device, runtime, new_name, db)
        keep = {"contents": contents, "filename": filename} if upload_result.problems else None
    elif trigger == ids.LATENCY_RENAME:
        manage_result = latency_view.rename(chosen, rename_to, db)
    elif trigger == ids.LATENCY_DELETE_CONFIRM:
        manage_result = latency_view.delete(chosen, db)
    try:
        listing = latency_view.datasets(db)
    except ValueError as error:  # a database that cannot be read: said next to the list, built-ins still shown
        listing = builtin_listing()
        manage_result = latency_view.ActionResult(problems=[*manage_result.problems, f"stored datasets: {error}"])
    names = list(listing.name)
    link_problem = None
    if trigger is None and chosen and chosen not in names:  # the page's first answer: a link's dataset
        link_problem = f"dataset={chosen[:40]} from the link is not stored here; showing {DEFAULT_DATASET}."
    value = upload_result.dataset or manage_result.dataset or (chosen if chosen in names else DEFAULT_DATASET)
    return (
        upload_result.message,
        _problems(upload_result.problems),
        manage_result.message,
        _problems(manage_result.problems) or link_problem,
        latency_view.options(listing),
        value,
        _table(listing),
        keep,
        no_update if keep is no_update else ({"display": "none"} if keep is None else {}),
    )


@callback(Output(ids.LATENCY_URL, "search"), Input(ids.LATENCY_DATASET, "value"), prevent_initial_call=True)
def link(name):
    """The URL names the dataset shown (none for the default), so the view can be shared or reloaded."""
    return "" if not name or name == DEFAULT_DATASET else "?" + urlencode({"dataset": name})


@callback(
    Output(ids.LATENCY_DELETE, "disabled"),
    Output(ids.LATENCY_DELETE, "title"),
    Input(ids.LATENCY_DATASET, "value"),
)
def deletable(name):
    """Built-in datasets are read-only: their Delete button is disabled and says why."""
    if name in BUILTIN_DATASETS:
        return True, f"{name} is built in and read-only"
    return False, "delete this dataset and its rows"


@callback(
    Output(ids.LATENCY_SUMMARY, "children"),
    Output(ids.LATENCY_GRAPH, "figure"),
    Output(ids.LATENCY_RESIDUALS, "figure"),
    Output(ids.LATENCY_MODEL, "children"),
    Input(ids.LATENCY_DATASET, "value"),
)
def show(name):
    """The chosen dataset with its fitted model and leave-one-out residuals."""
    if not name:
        return no_update, no_update, no_update, no_update
    try:
        view = latency_view.fit_view(name, latency_view.default_db())
    except ValueError as error:
        return f"Cannot show {name!r}: {error}", {}, {}, ""
    return (
        f"Dataset {name!r}: {view.summary}",
        make_latency_figure(view.points, view.curves, title=name),
        make_residual_figure(view.points) if view.model else {},
        view.model.describe() if view.model else "",
    )


@callback(
    Output(ids.LATENCY_PROFILE_POINT, "options"),
    Output(ids.LATENCY_PROFILE_POINT, "value"),
    Output(ids.LATENCY_PROFILE_CONTROLS, "style"),
    Output(ids.LATENCY_PROFILE_GRAPH, "figure"),
    Output(ids.LATENCY_PROFILE_GRAPH, "style"),
    Output(ids.LATENCY_PROFILE_NOTE, "children"),
    Input(ids.LATENCY_DATASET, "value"),
    Input(ids.LATENCY_PROFILE_POINT, "value"),
    Input(ids.LATENCY_PROFILE_DEVICE, "value"),
)
def profile(name, point, device_key):
    """The chosen dataset's per-layer profile at the chosen point (its first when the dataset changed), with
    the roofline bound of the chosen device; one line on how to measure profiles where it has none."""
    if ctx.triggered_id == ids.LATENCY_DATASET:
        point = None
    device = explorer.find_device(device_key) if isinstance(device_key, str) and device_key else None
    view = profile_view.latency_page(name, point, device, latency_view.default_db())
    shown = view["figure"] is not None
    return (
        view["options"],
        view["value"],
        {} if shown else {"display": "none"},
        view["figure"] if shown else {"data": [], "layout": {}},
        {} if shown else {"display": "none"},
        view["note"],
    )
