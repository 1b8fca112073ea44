"""The app shell: navbar, page container and the small pieces every page reuses (cards, messages)."""

from __future__ import annotations

import dash
from dash import dcc, html

from app import ids

TITLE = "MobileNet v1 cost model"


def navbar() -> html.Nav:
    """Links to every registered page, in their ``order``; pages added later appear by themselves."""
    links = [
        dcc.Link(
            page["name"], href=page["relative_path"], className="nav-link", id=f"nav-{page['name'].lower()}"
        )
        for page in dash.page_registry.values()
        if not page.get("hidden")
    ]
    return html.Nav(
        [html.Span(TITLE, className="brand"), html.Div(links, className="nav-links")],
        className="navbar",
        id=ids.SHELL_NAVBAR,
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
