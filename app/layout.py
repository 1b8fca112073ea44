"""The app shell: navbar, page container and the small pieces every page reuses (cards, messages)."""

from __future__ import annotations

import dash
from costmodel.dashboard import ids
from dash import Input, Output, dcc, html

TITLE = "MobileNet v1 cost model"


def navbar() -> html.Nav:
    """Links to every registered page, in their ``order``; pages added later appear by themselves."""
    links = [
        dcc.Link(page["name"], href=page["relative_path"], className="nav-link", id=nav_id(page["path"]))
        for page in dash.page_registry.values()
        if not page.get("hidden")
    ]
    return html.Nav(
        [html.Span(TITLE, className="brand"), html.Div(links, className="nav-links")],
        className="navbar",
        id=ids.SHELL_NAVBAR,
    )


DESIGN_POINT_PATHS = ("/explore", "/frontier", "/conventions")
"""Pages that read the design point from their URL: their navbar links carry the Explorer's current one."""


def nav_id(path: str) -> str:
    """The navbar link's id for a page path: ``/explore`` → ``nav-explore``."""
    return "nav-" + path.strip("/").replace("/", "-")


def link_design_point(app: dash.Dash) -> None:
    """Keep the navbar links of :data:`DESIGN_POINT_PATHS` pointing at the Explorer's current design point
    (a clientside callback on the session store the Explorer writes; no server round trip)."""
    paths = [p["path"] for p in dash.page_registry.values() if p["path"] in DESIGN_POINT_PATHS]
    if not paths:
        return
    app.clientside_callback(
        "function(query) { const q = (typeof query === 'string' && query.startsWith('?')) ? query : '';"
        f" return {paths!r}.map(p => p + q); }}",
        [Output(nav_id(path), "href") for path in paths],
        Input(ids.SHELL_DESIGN_POINT, "data"),
    )


def shell() -> html.Div:
    """The layout around every page."""
    return html.Div(
        [
            navbar(),
            dcc.Store(id=ids.SHELL_DESIGN_POINT, storage_type="session"),
            html.Main(dash.page_container, className="page"),
            html.Footer(
                "MACs = mult-adds of convolutions and the classifier (the paper's convention); FLOPs = 2 × MACs. "
                "Howard et al. 2017, arXiv:1704.04861.",
                className="footer",
            ),
        ]
    )


def field(label: str, control, error_id: str | None = None, hint: str | None = None) -> html.Div:
    """A labelled control with an optional message line under it (empty until there is an error)."""
    children = [html.Label(label, className="field-label"), control]
    if hint:
        children.append(html.Div(hint, className="field-hint"))
    if error_id:
        children.append(html.Div(id=error_id, className="field-error", role="alert"))
    return html.Div(children, className="field")


def card(title: str, value: str, detail: str = "", card_id: str | None = None) -> html.Div:
    """A totals card: a title, a big value and a small detail line."""
    props = {"id": card_id} if card_id else {}
    return html.Div(
        [
            html.Div(title, className="card-title"),
            html.Div(value, className="card-value"),
            html.Div(detail, className="card-detail"),
        ],
        className="card",
        **props,
    )
