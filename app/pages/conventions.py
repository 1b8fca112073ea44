"""Conventions page: why ptflops, fvcore, thop, torchinfo and torch disagree with the paper, for the
current design point (``/conventions?alpha=0.5&resolution=160``, the Explorer's URL parameters)."""

from __future__ import annotations

import dash
from costmodel.dashboard import conventions, ids
from dash import Input, Output, callback, dash_table, dcc, html

from costmodel.present.figures import make_reconcile_figure

dash.register_page(
    __name__,
    path="/conventions",
    name="Conventions",
    title="Counting conventions · MobileNet v1 cost model",
    order=30,
)

FONT = "Inter, 'Segoe UI', Helvetica, Arial, sans-serif"
COLUMNS = ("convention", "tool", "unit", "total", "as MACs", "vs paper", "params", "trainable", "why")


def layout(**_query) -> html.Div:
    return html.Div(
        [
            dcc.Location(id=ids.CONVENTIONS_URL, refresh=False),
            html.H2(id=ids.CONVENTIONS_POINT),
            html.P(
                [
                    "Each counter is run on one fixed reference PyTorch model (conv → BN → ReLU6, average pool, "
                    "1×1 conv classifier with bias). Its total is split into terms; the chart shows what it counts "
                    "beyond the paper's mult-adds. Change the design point in the ",
                    dcc.Link("Explorer", href="/explore", id=ids.CONVENTIONS_EXPLORER_LINK),
                    " or in this page's URL.",
                ],
                className="muted",
            ),
            html.Div(id=ids.CONVENTIONS_ERROR, className="url-error", role="alert"),
            html.H3("What each counter adds to the paper's mult-adds"),
            dcc.Graph(id=ids.CONVENTIONS_GRAPH, config={"displaylogo": False}, className="graph"),
            html.H3("Reconciliation table"),
            html.P(
                "The params column is the same for every counter: they all count the parameters of the one "
                "reference PyTorch model, which carries batch norm (γ and β of every channel) beyond the "
                "paper's count; the paper row gives the paper's convention.",
                className="muted",
            ),
            dash_table.DataTable(
                id=ids.CONVENTIONS_TABLE,
                columns=[{"name": c, "id": c} for c in COLUMNS],
                style_table={"overflowX": "auto"},
                style_cell={
                    "fontFamily": FONT,
                    "fontSize": 12.5,
                    "padding": "5px 8px",
                    "textAlign": "right",
                    "whiteSpace": "normal",
                    "height": "auto",
                },
                style_cell_conditional=[
                    *(
                        {"if": {"column_id": c}, "textAlign": "left"}
                        for c in ("convention", "tool", "unit", "why")
                    ),
                    *(
                        {"if": {"column_id": c}, "whiteSpace": "nowrap"}
                        for c in ("total", "as MACs", "vs paper", "params", "trainable")
                    ),
                ],
                style_data_conditional=[
                    {
                        "if": {"filter_query": '{convention} = "paper"'},
                        "backgroundColor": "#eef4fb",
                        "fontWeight": 600,
                    }
                ],
                style_header={"fontWeight": 600, "backgroundColor": "#f0f3f7"},
            ),
        ]
    )


@callback(
    Output(ids.CONVENTIONS_POINT, "children"),
    Output(ids.CONVENTIONS_ERROR, "children"),
    Output(ids.CONVENTIONS_GRAPH, "figure"),
    Output(ids.CONVENTIONS_TABLE, "data"),
    Output(ids.CONVENTIONS_EXPLORER_LINK, "href"),
    Input(ids.CONVENTIONS_URL, "search"),
)
def show_reconciliation(search):
    view = conventions.conventions_view(search)
    message = "; ".join(part for part in (*view.notes, view.error) if part)
    if view.table is None:
        return f"Counting conventions for {view.title}", message, {}, [], "/explore" + (search or "")
    figure = make_reconcile_figure(view.table)
    return (
        f"Counting conventions for {view.title}",
        message,
        figure,
        conventions.display_rows(view.table),
        "/explore" + (search or ""),
    )
