"""Tables page: the reference tables with their sources, errata highlighted (hover for the reason),
sortable and filterable, downloadable as CSV. ``/tables?table=slim_checkpoints`` opens one table."""

from __future__ import annotations

import dash
from costmodel.dashboard import ids, references
from costmodel.dashboard.layout import field
from dash import Input, Output, callback, dash_table, dcc, html

from costmodel.reference.tables import table_names

dash.register_page(
    __name__, path="/tables", name="Tables", title="Reference tables · MobileNet v1 cost model", order=40
)

FONT = "Inter, 'Segoe UI', Helvetica, Arial, sans-serif"
ERRATA_COLUMNS = ("row_key", "column", "printed", "architecture", "kind", "reason")
ERRATUM_STYLE = {"backgroundColor": "#fff1d6", "fontWeight": 600, "color": "#8a4b00"}
PAGE_ROWS = 25
GRID_STYLE = {"overflowX": "auto", "overflowY": "auto", "maxHeight": "50vh"}
"""The grid scrolls inside itself both ways, so its sideways scroll bar is always on screen."""
STICKY_FIRST_COLUMN = [
    # While the grid scrolls, its header rows stay at the top and its first column (the row's name) at the left.
    {"selector": "td:first-child, th:first-child",
     "rule": "position: sticky; left: 0; z-index: 2; box-shadow: inset -1px 0 0 #b9c3cf;"},
    {"selector": "td:first-child", "rule": "background-color: #ffffff;"},
    {"selector": "tr:first-child th", "rule": "position: sticky; top: 0; z-index: 3;"},
    {"selector": "th.dash-filter", "rule": "position: sticky; top: 30px; z-index: 3; background-color: #ffffff;"},
    {"selector": "tr:first-child th:first-child, th.dash-filter:first-child", "rule": "z-index: 4;"},
    {"selector": ".dash-table-tooltip", "rule": "max-width: 480px; white-space: normal;"},
]  # fmt: skip


def layout(table: str | None = None, **_other) -> html.Div:
    name = references.check_name(table)
    return html.Div(
        [
            dcc.Location(id=ids.TABLES_URL, refresh=False),
            html.Div(
                [
                    field(
                        "Table",
                        dcc.Dropdown(
                            id=ids.TABLES_CHOICE,
                            options=[{"label": n, "value": n} for n in table_names()],
                            value=name,
                            clearable=False,
                        ),
                    ),
                    html.Button("Download CSV", id=ids.TABLES_DOWNLOAD_BUTTON, className="button"),
                    dcc.Download(id=ids.TABLES_DOWNLOAD),
                ],
                className="controls-row",
            ),
            html.Div(id=ids.TABLES_SOURCE, className="callout"),
            html.Div(id=ids.TABLES_ERRATA, className="muted"),
            html.Div(id=ids.TABLES_COLUMNS_HINT, className="muted"),
            dash_table.DataTable(
                id=ids.TABLES_TABLE,
                page_size=PAGE_ROWS,
                sort_action="native",
                filter_action="native",
                style_table=GRID_STYLE,
                style_cell={
                    "fontFamily": FONT,
                    "fontSize": 12.5,
                    "padding": "4px 8px",
                    "textAlign": "left",
                    "maxWidth": 380,
                    "overflow": "hidden",
                    "textOverflow": "ellipsis",
                },
                style_header={"fontWeight": 600, "backgroundColor": "#f0f3f7"},
                tooltip_delay=200,
                tooltip_duration=None,
                css=STICKY_FIRST_COLUMN,
            ),
            html.Div(
                [
                    html.H3("Errata recorded against this table"),
                    dash_table.DataTable(
                        id=ids.TABLES_ERRATA_TABLE,
                        columns=[{"name": c, "id": c} for c in ERRATA_COLUMNS],
                        page_size=10,
                        style_cell={
                            "fontFamily": FONT,
                            "fontSize": 12.5,
                            "padding": "4px 8px",
                            "textAlign": "left",
                            "whiteSpace": "normal",
                            "height": "auto",
                            "maxWidth": 520,
                        },
                        style_header={"fontWeight": 600, "backgroundColor": "#f0f3f7"},
                    ),
                ],
                id=ids.TABLES_ERRATA_SECTION,
            ),
        ]
    )


@callback(
    Output(ids.TABLES_TABLE, "data"),
    Output(ids.TABLES_TABLE, "columns"),
    Output(ids.TABLES_TABLE, "style_data_conditional"),
    Output(ids.TABLES_TABLE, "tooltip_data"),
    Output(ids.TABLES_SOURCE, "children"),
    Output(ids.TABLES_ERRATA, "children"),
    Output(ids.TABLES_URL, "search"),
    Output(ids.TABLES_ERRATA_TABLE, "data"),
    Output(ids.TABLES_ERRATA_SECTION, "style"),
    Output(ids.TABLES_COLUMNS_HINT, "children"),
    Input(ids.TABLES_CHOICE, "value"),
)
def show_table(name):
    name = references.check_name(name)
    frame = references.load_for_display(name)
    cells = references.errata_cells(name, frame)
    tooltips = [{} for _ in range(len(frame))]
    for row, column, note in cells:
        tooltips[row][column] = {"value": note, "type": "text"}
    sources = references.sources(name)
    errata = references.errata_for(name)[list(ERRATA_COLUMNS)].astype(str)
    return (
        frame.to_dict("records"),
        [{"name": c, "id": c} for c in frame.columns],
        [{"if": {"row_index": row, "column_id": column}, **ERRATUM_STYLE} for row, column, _ in cells],
        tooltips,
        [
            html.Strong(references.DESCRIPTIONS.get(name, name)),
            html.Div(f"{len(frame)} rows. Sources:", className="muted"),
            html.Ul([html.Li(_source(s)) for s in sources[:12]], className="sources"),
        ],
        f"{len(cells)} cell(s) highlighted as errata: hover one for what was printed, what the architecture "
        "gives, and why. Nothing is silently corrected."
        if cells
        else "No errata are recorded against this table.",
        f"?table={name}",
        errata.to_dict("records"),
        {} if len(errata) else {"display": "none"},  # no empty grid under "No errata are recorded"
        references.columns_hint(frame),
    )


def _source(text: str):
    return html.A(text, href=text, target="_blank", rel="noopener") if text.startswith("http") else text


@callback(
    Output(ids.TABLES_DOWNLOAD, "data"),
    Input(ids.TABLES_DOWNLOAD_BUTTON, "n_clicks"),
    dash.State(ids.TABLES_CHOICE, "value"),
    prevent_initial_call=True,
)
def download_table(_clicks, name):
    content, filename = references.download(references.check_name(name))
    return {"content": content, "filename": filename, "type": "text/csv", "base64": False}
