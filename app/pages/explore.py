"""Explorer page: α, ρ or resolution and the variant knobs → totals, per-layer chart, formulas, reduction.

The design point lives in the query string (``/explore?alpha=0.5&rho=0.714``). One callback takes a
changed control (checking typed values) or the URL (first load, back button, shared link) to the URL, the
controls and the view, so the URL alone decides what is shown; it computes numbers only, never SymPy. A
second shows the closed forms of the URL's knobs: SymPy derives them once per knob set in a background
thread (:data:`costmodel.dashboard.explorer.CLOSED_FORMS`), and a short poll shows them when ready.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
from costmodel.dashboard import explorer, explorer_export, ids, latency_view, profile_view
from costmodel.dashboard.formatting import markdown_table
from costmodel.dashboard.layout import card, field, profile_panel
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from costmodel.latency import model_files
from costmodel.present.figures import layer_figure_spec

dash.register_page(
    __name__,
    path="/explore",
    name="Explorer",
    title="Explorer · MobileNet v1 cost model",
    order=0,
)

ROUNDING_LABELS = {
    "slim": "slim: max(int(d·α), 8)",
    "keras": "keras: int(d·α)",
    "divisible8": "divisible by 8 (timm)",
    "smooth": "smooth (no rounding)",
}
PADDING_LABELS = {
    "same": "same: ceil(in/2) (slim, timm)",
    "floor": "floor: floor(in/2) (keras_apps)",
    "keras": "keras: stem ceil, dw floor (Keras 3)",
}
BN_LABELS = {"none": "not counted", "trainable": "γ, β", "all": "γ, β, mean, variance"}
DTYPE_LABELS = {
    "float32": "float32 (4 bytes)",
    "float16": "float16 (2 bytes)",
    "int8": "int8 (1 byte, int32 biases)",
}
PLANNER_LABELS = {
    "chain": "chain: input + output (MCUNet)",
    "inplace-depthwise": "in-place depthwise (TinyEngine)",
}
FLAG_LABELS = {"scale_first_layer": "α scales the first conv", "fc_bias": "count classifier bias"}


def layout(**query) -> html.Div:
    state, errors = explorer.parse_query("?" + urlencode(query))
    return html.Div(
        [
            dcc.Location(id=ids.EXPLORE_URL, refresh=False),
            html.Aside(_controls(state, errors), className="sidebar"),
            html.Section(_view_skeleton(errors), className="content"),
        ],
        className="two-column",
    )


def _controls(state: dict, errors: dict) -> list:
    flags = [name for name in FLAG_LABELS if state[name]]
    return [
        html.H2("Design point"),
        field(
            "Width multiplier α",
            html.Div(
                [
                    dcc.Slider(
                        id=ids.EXPLORE_ALPHA_SLIDER,
                        min=explorer.ALPHA_SLIDER_RANGE[0],
                        max=explorer.ALPHA_SLIDER_RANGE[1],
                        step=0.01,
                        value=explorer.slider_value(state["alpha"]),
                        marks={a: f"{a:g}" for a in (*explorer.PAPER_ALPHAS, 1.5)},
                        allow_direct_input=False,
                        updatemode="mouseup",
                    ),
                    dcc.Input(
                        id=ids.EXPLORE_ALPHA_INPUT,
                        type="text",
                        inputMode="decimal",
                        value=state["alpha"],
                        debounce=True,
                        className="text-input",
                    ),
                ],
                className="slider-with-input",
            ),
            ids.EXPLORE_ALPHA_ERROR,
            hint="Paper values 0.25, 0.5, 0.75, 1.0 are marked; type any 0 < α ≤ 4 and press Enter.",
        ),
        field(
            "Input side given as",
            dcc.RadioItems(
                id=ids.EXPLORE_SIDE_MODE,
                options=[
                    {"label": "resolution (px)", "value": "resolution"},
                    {"label": "ρ", "value": "rho"},
                ],
                value=state["side_mode"],
                inline=True,
                className="radio",
            ),
        ),
        field(
            "Input side (pixels or ρ)",
            dcc.Input(
                id=ids.EXPLORE_SIDE_INPUT,
                type="text",
                inputMode="decimal",
                value=state["side"],
                debounce=True,
                className="text-input",
            ),
            ids.EXPLORE_SIDE_ERROR,
            hint="Paper: 224, 192, 160, 128 px (ρ = 1, 0.857, 0.714, 0.571); ρ snaps to round(224·ρ) px.",
        ),
        html.H2("Variant knobs"),
        field("Channel rounding", _dropdown(ids.EXPLORE_ROUNDING, ROUNDING_LABELS, state["rounding"])),
        field("Padding", _dropdown(ids.EXPLORE_PADDING, PADDING_LABELS, state["padding"])),
        field("Batch-norm parameters", _dropdown(ids.EXPLORE_BN, BN_LABELS, state["bn"])),
        field(
            "Classes",
            dcc.Input(
                id=ids.EXPLORE_CLASSES,
                type="text",
                inputMode="numeric",
                value=state["classes"],
                debounce=True,
                className="text-input",
            ),
            ids.EXPLORE_CLASSES_ERROR,
        ),
        field(
            "Counting",
            dcc.Checklist(
                id=ids.EXPLORE_FLAGS,
                options=[{"label": label, "value": name} for name, label in FLAG_LABELS.items()],
                value=flags,
                className="checklist",
            ),
        ),
        html.Details(
            [
                html.Summary("Memory: value type, planner, device"),
                field("Value type", _dropdown(ids.EXPLORE_DTYPE, DTYPE_LABELS, state["dtype"])),
                field("Activation planner", _dropdown(ids.EXPLORE_PLANNER, PLANNER_LABELS, state["planner"])),
                field(
                    "Input channels",
                    dcc.Input(
                        id=ids.EXPLORE_INPUT_CHANNELS,
                        type="text",
                        inputMode="numeric",
                        value=state["input_channels"],
                        debounce=True,
                        className="text-input",
                    ),
                ),
                field(
                    "Device",
                    dcc.Dropdown(
                        id=ids.EXPLORE_DEVICE,
                        options=[{"label": "none", "value": ""}, *explorer.device_options()],
                        value=state["device"],
                        clearable=False,
                    ),
                    hint="RAM, flash and the roofline from tables/devices.csv (vendor datasheets) and your own "
                    "devices (added on the Latency page or with mobilenet-cost devices add).",
                ),
            ],
            open=bool(state["device"])
            or state["dtype"] != "float32"
            or state["planner"] != "chain"
            or state["input_channels"] != "3",
            className="memory-controls",
        ),
        html.Div(id=ids.EXPLORE_MEMORY_ERROR, className="field-error", role="alert"),
        html.A(
            "Reset to the paper's 1.0-224",
            href="/explore?alpha=1.0&resolution=224",
            id=ids.EXPLORE_RESET,
            className="reset-link",
        ),
    ]


def _dropdown(component_id: str, labels: dict[str, str], value: str) -> dcc.Dropdown:
    return dcc.Dropdown(
        id=component_id,
        options=[{"label": label, "value": key} for key, label in labels.items()],
        value=value,
        clearable=False,
        searchable=False,
    )


def _view_skeleton(errors: dict) -> list:
    query_error = "; ".join(explorer.query_problems(errors))
    return [
        html.Div(id=ids.EXPLORE_SUMMARY, className="summary"),
        html.Div(
            query_error and explorer.URL_PROBLEMS + query_error,
            className="url-error" if query_error else "",
            role="alert",
        ),
        html.Div(id=ids.EXPLORE_CARDS, className="cards"),
        html.Div(id=ids.EXPLORE_ESTIMATES, className="estimates"),
        html.Ul(id=ids.EXPLORE_NOTES, className="notes"),
        html.H3("Per-layer cost"),
        dcc.Graph(id=ids.EXPLORE_LAYER_GRAPH, config={"displaylogo": False}, className="graph"),
        html.H3("Memory: activation buffers, RAM and flash"),
        html.Div(id=ids.EXPLORE_MEMORY, className="cards"),
        dcc.Graph(id=ids.EXPLORE_BUFFER_GRAPH, config={"displaylogo": False}, className="graph"),
        html.H3("Roofline"),
        html.P(id=ids.EXPLORE_ROOFLINE_NOTE, className="notes"),
        dcc.Graph(id=ids.EXPLORE_ROOFLINE_GRAPH, config={"displaylogo": False}, className="graph"),
        *profile_panel(
            "Measured per-layer time",
            ids.EXPLORE_PROFILE_NOTE,
            [field("Profile", dcc.Dropdown(id=ids.EXPLORE_PROFILE_DATASET, clearable=False))],
            ids.EXPLORE_PROFILE_CONTROLS,
            ids.EXPLORE_PROFILE_GRAPH,
        ),
        html.Div(
            [
                html.Button("Download table (CSV)", id=ids.EXPLORE_DOWNLOAD_CSV, className="button"),
                html.Button("Download table (LaTeX)", id=ids.EXPLORE_DOWNLOAD_LATEX, className="button"),
                html.A("Link to this view", id=ids.EXPLORE_PERMALINK, className="permalink", href="/explore"),
                html.A(
                    "Compare with the paper's 1.0-224",
                    id=ids.EXPLORE_COMPARE_LINK,
                    className="permalink",
                    href="/compare?p=1,224&p=0.5,160",
                ),
                dcc.Download(id=ids.EXPLORE_DOWNLOAD),
            ],
            className="actions",
        ),
        _export_section(),
        html.Div(
            [
                html.Div(
                    [
                        html.H3("Closed forms"),
                        dcc.Markdown(id=ids.EXPLORE_FORMULAS, mathjax=True, className="formulas"),
                        dcc.Interval(id=ids.EXPLORE_FORMULAS_POLL, interval=500, disabled=True),
                    ],
                    className="panel",
                ),
                html.Div(
                    [
                        html.H3("Depthwise separable vs standard 3×3 conv, per block"),
                        html.P(
                            "Paper §3.1: separable / standard mult-adds = 1/N + 1/D_K² (D_K = 3).",
                            className="muted",
                        ),
                        dcc.Markdown(id=ids.EXPLORE_REDUCTION, className="data-table-md"),
                    ],
                    className="panel",
                ),
            ],
            className="panels",
        ),
    ]


CONTROLS = {
    "slider": ids.EXPLORE_ALPHA_SLIDER,
    "alpha": ids.EXPLORE_ALPHA_INPUT,
    "side_mode": ids.EXPLORE_SIDE_MODE,
    "side": ids.EXPLORE_SIDE_INPUT,
    "rounding": ids.EXPLORE_ROUNDING,
    "padding": ids.EXPLORE_PADDING,
    "bn": ids.EXPLORE_BN,
    "classes": ids.EXPLORE_CLASSES,
    "flags": ids.EXPLORE_FLAGS,
    "dtype": ids.EXPLORE_DTYPE,
    "input_channels": ids.EXPLORE_INPUT_CHANNELS,
    "planner": ids.EXPLORE_PLANNER,
    "device": ids.EXPLORE_DEVICE,
}
ERRORS = {
    "alpha": ids.EXPLORE_ALPHA_ERROR,
    "side": ids.EXPLORE_SIDE_ERROR,
    "knobs": ids.EXPLORE_CLASSES_ERROR,
    "memory": ids.EXPLORE_MEMORY_ERROR,
}
VIEW = (
    Output(ids.EXPLORE_SUMMARY, "children"),
    Output(ids.EXPLORE_CARDS, "children"),
    Output(ids.EXPLORE_NOTES, "children"),
    Output(ids.EXPLORE_LAYER_GRAPH, "figure"),
    Output(ids.EXPLORE_REDUCTION, "children"),
    Output(ids.EXPLORE_PERMALINK, "href"),
    Output(ids.SHELL_DESIGN_POINT, "data"),
    Output(ids.EXPLORE_ESTIMATES, "children"),
    Output(ids.EXPLORE_COMPARE_LINK, "href"),
    Output(ids.EXPLORE_MEMORY, "children"),
    Output(ids.EXPLORE_BUFFER_GRAPH, "figure"),
    Output(ids.EXPLORE_ROOFLINE_GRAPH, "figure"),
    Output(ids.EXPLORE_ROOFLINE_GRAPH, "style"),
    Output(ids.EXPLORE_ROOFLINE_NOTE, "children"),
)


@callback(
    output=[
        Output(ids.EXPLORE_URL, "search"),
        [Output(component, "value") for component in CONTROLS.values()],
        [Output(component, "children") for component in ERRORS.values()],
        list(VIEW),
    ],
    inputs=[Input(ids.EXPLORE_URL, "search"), [Input(component, "value") for component in CONTROLS.values()]],
)
def explore(search, controls):
    """One round trip per change: controls → URL and view; URL (first load, back button) → controls and view."""
    result = explorer.update(ctx.triggered_id, dict(zip(CONTROLS, controls, strict=True)), search)
    device = explorer.parse_query(result.query)[0]["device"]
    return [
        result.search or no_update,
        [result.controls.get(key, no_update) for key in CONTROLS],
        [result.errors[key] for key in ERRORS],
        view(result.report, result.query, device) if result.report else [no_update] * len(VIEW),
    ]


def view(r, query: str, device: str = "") -> list:
    """The view's outputs for a report (cards, notes, chart, reduction table, link): numbers only, no
    SymPy; the closed forms come from :func:`formulas`."""
    smooth = explorer.smooth_values(r)
    return [
        explorer.summary(r),
        [
            card(explorer.CARD_TITLES[c["metric"]], c["value"], c["change"], f"card-{c['metric']}")
            for c in explorer.cards(r)
        ],
        [html.Li(note) for note in (*r.notes, *explorer.smooth_notes(r, smooth))],
        layer_figure_spec(r.table),
        markdown_table(explorer.REDUCTION_COLUMNS, explorer.reduction_rows(r)),
        "/explore" + query,
        query,
        explorer.estimates(r),
        explorer.compare_link(r),
        *_memory_outputs(explorer.memory_view(r, device)),
    ]


def _memory_outputs(memory: dict) -> list:
    badge = memory["badge"]
    cards = [card("Peak RAM (activations)", memory["ram"], memory["detail"], "card-ram"),
             card("Flash (weights)", memory["flash"], "batch norm folded into the biases", "card-flash")]  # fmt: skip
    if badge:
        fits = badge.startswith("fits")
        cards.append(
            html.Div(badge, id="memory-badge", className=f"badge {'badge-fits' if fits else 'badge-no'}")
        )
    roofline = memory["roofline"]
    return [
        cards,
        memory["buffers"],
        roofline if roofline is not None else {"data": [], "layout": {}},
        {} if roofline is not None else {"display": "none"},
        memory["roofline_note"],
    ]


@callback(
    Output(ids.EXPLORE_PROFILE_DATASET, "options"),
    Output(ids.EXPLORE_PROFILE_DATASET, "value"),
    Output(ids.EXPLORE_PROFILE_CONTROLS, "style"),
    Output(ids.EXPLORE_PROFILE_GRAPH, "figure"),
    Output(ids.EXPLORE_PROFILE_GRAPH, "style"),
    Output(ids.EXPLORE_PROFILE_NOTE, "children"),
    Input(ids.EXPLORE_URL, "search"),
    Input(ids.EXPLORE_PROFILE_DATASET, "value"),
)
def profile(search, chosen):
    """The measured per-layer time of a stored profile at exactly the URL's design point (one database read),
    with the roofline bound of the Explorer's device; a one-line note where no dataset has one."""
    state = explorer.parse_query(search)[0]
    panel = profile_view.explorer_panel(
        *explorer.design_point_of(state), chosen, state["device"], explorer.find_device, latency_view.default_db()
    )
    shown = panel["figure"] is not None
    return (
        panel["options"],
        panel["value"],
        {} if len(panel["options"]) > 1 else {"display": "none"},
        panel["figure"] if shown else {"data": [], "layout": {}},
        {} if shown else {"display": "none"},
        panel["note"],
    )


@callback(
    Output(ids.EXPLORE_FORMULAS, "children"),
    Output(ids.EXPLORE_FORMULAS_POLL, "disabled"),
    Input(ids.EXPLORE_URL, "search"),
    Input(ids.EXPLORE_FORMULAS_POLL, "n_intervals"),
)
def formulas(search, _ticks):
    """The closed forms of the URL's knobs; while a new knob set's are being derived, a note and a poll."""
    text, final = explorer.closed_forms(search)
    return text, final


@callback(
    Output(ids.EXPLORE_DOWNLOAD, "data"),
    Input(ids.EXPLORE_DOWNLOAD_CSV, "n_clicks"),
    Input(ids.EXPLORE_DOWNLOAD_LATEX, "n_clicks"),
    State(ids.EXPLORE_URL, "search"),
    prevent_initial_call=True,
)
def download_table(_csv, _latex, search):
    content, filename = explorer.table_download(ctx.triggered_id == ids.EXPLORE_DOWNLOAD_LATEX, search)
    return {"content": content, "filename": filename, "type": "text/plain", "base64": False}


# Export section: model files, the JSON table, copy as Python / CLI (logic in explorer_export).
EXPORT_BUTTONS = {
    ids.EXPLORE_EXPORT_ONNX: "onnx",
    ids.EXPLORE_EXPORT_TORCH: "torch",
    ids.EXPLORE_EXPORT_KERAS: "keras",
}


def _export_section() -> html.Section:
    missing = {fw: model_files.missing_library(fw) for fw in EXPORT_BUTTONS.values()}
    buttons = [
        html.Button(
            f"Download {explorer_export.FRAMEWORK_LABELS[fw]}",
            id=button_id,
            className="button",
            disabled=bool(missing[fw]),
        )
        for button_id, fw in EXPORT_BUTTONS.items()
    ]
    notes = [f"{explorer_export.FRAMEWORK_LABELS[fw]}: {text}" for fw, text in missing.items() if text]
    return html.Section(
        [
            html.H3("Export"),
            html.Div(
                [
                    *buttons,
                    html.Button("Download layers (JSON)", id=ids.EXPLORE_EXPORT_JSON, className="button"),
                ],
                className="actions",
            ),
            html.Ul([html.Li(note) for note in notes], className="notes") if notes else None,
            dcc.Loading(html.Div(id=ids.EXPLORE_EXPORT_STATUS, role="status", className="muted"), type="dot"),
            dcc.Download(id=ids.EXPLORE_EXPORT_DOWNLOAD),
            html.P(
                f"Model files have random weights (the architecture, not a trained model). The dashboard builds up "
                f"to {explorer_export.MODEL_PARAMS_LIMIT / 1e6:g} M parameters and "
                f"{explorer_export.MODEL_MACS_LIMIT / 1e9:g} G MACs; mobilenet-cost export builds any point.",
                className="muted",
            ),
            _copyable("Python", ids.EXPLORE_PYTHON_CODE, ids.EXPLORE_PYTHON_COPY),
            _copyable("command line", ids.EXPLORE_CLI_CODE, ids.EXPLORE_CLI_COPY),
        ],
        className="export-section",
        **{"aria-label": "Export"},
    )


def _copyable(title: str, code_id: str, copy_id: str) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    html.Span(f"Copy as {title}", className="field-label"),
                    dcc.Clipboard(
                        target_id=code_id, id=copy_id, title=f"copy the {title} code", className="copy"
                    ),
                ],
                className="copy-head",
            ),
            html.Pre(html.Code(id=code_id), className="code"),
        ],
        className="copyable",
    )


@callback(
    Output(ids.EXPLORE_PYTHON_CODE, "children"),
    Output(ids.EXPLORE_CLI_CODE, "children"),
    Input(ids.EXPLORE_URL, "search"),
)
def copyable_code(search):
    """The ``costmodel.report(...)`` call and the ``mobilenet-cost report`` line of the URL's view."""
    return explorer_export.python_call(search), explorer_export.cli_line(search)


@callback(
    Output(ids.EXPLORE_EXPORT_DOWNLOAD, "data"),
    Output(ids.EXPLORE_EXPORT_STATUS, "children"),
    *(Input(button_id, "n_clicks") for button_id in (*EXPORT_BUTTONS, ids.EXPLORE_EXPORT_JSON)),
    State(ids.EXPLORE_URL, "search"),
    prevent_initial_call=True,
)
def export(*clicks_and_search):
    """A model file (bounded; a message instead when it is too big or its library is missing) or the JSON table."""
    search = clicks_and_search[-1]
    if ctx.triggered_id == ids.EXPLORE_EXPORT_JSON:
        content, filename = explorer_export.json_download(search)
        return {"content": content, "filename": filename, "type": "application/json", "base64": False}, ""
    if ctx.triggered_id not in EXPORT_BUTTONS:
        return no_update, no_update
    payload, message = explorer_export.model_download(EXPORT_BUTTONS[ctx.triggered_id], search)
    return payload or no_update, message
