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
        [html.H1(TITLE, className="brand"), html.Div(links, className="nav-links")],
        className="navbar",
        id=ids.SHELL_NAVBAR,
    )


DESIGN_POINT_PATHS = ("/explore", "/frontier", "/conventions")
"""Pages that read the design point from their URL: their navbar links carry the Explorer's current one."""


def nav_id(path: str) -> str:
    """The navbar link's id for a page path: ``/explore`` → ``nav-explore``."""
    return "nav-" + path.strip("/").replace("/", "-")


def mark_current_page(app: dash.Dash) -> None:
    """The navbar link of the page shown gets ``class="nav-link current"`` (a clientside callback on the URL's
    path; no server round trip)."""
    paths = [p["path"] for p in dash.page_registry.values() if not p.get("hidden")]
    if not paths:
        return
    app.clientside_callback(
        "function(path) { const here = (path || '/').replace(/\\/+$/, '') || '/explore';"
        f" const paths = {paths!r};"
        " return paths.map(p => p === here ? 'nav-link current' : 'nav-link'); }",
        [Output(nav_id(path), "className") for path in paths],
        Input(ids.SHELL_URL, "pathname"),
    )


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
            dcc.Location(id=ids.SHELL_URL, refresh=False),
            dcc.Store(id=ids.SHELL_DESIGN_POINT, storage_type="session"),
            html.Main(dash.page_container, className="page"),
            html.Footer(
                "MACs = mult-adds of convolutions and the classifier (the paper's convention); FLOPs = 2 × MACs. "
                "Howard et al. 2017, arXiv:1704.04861.",
                className="footer",
            ),
        ]
    )


def _first_input_id(control) -> str | None:
    """The id of the first text field (``dcc.Input``) inside ``control``, for its label's ``htmlFor``."""
    if isinstance(control, dcc.Input):
        return getattr(control, "id", None)
    children = getattr(control, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str):
            found = _first_input_id(child)
            if found:
                return found
    return None


GROUPS = (dcc.Checklist, dcc.RadioItems)


def _is_group(control) -> bool:
    if isinstance(control, GROUPS):
        return True
    children = getattr(control, "children", None)
    return any(_is_group(c) for c in (children if isinstance(children, list | tuple) else [children]) if c is not None and not isinstance(c, str))


def field(label: str, control, error_id: str | None = None, hint: str | None = None) -> html.Div:
    """A labelled control with an optional message line under it (empty until there is an error).

    The label is tied to the control for assistive technology: ``<label for=…>`` on its text field, and a
    ``<fieldset>`` with a ``<legend>`` around a group of checkboxes or radio buttons.
    """
    target = _first_input_id(control)
    grouped = _is_group(control)
    if grouped and target:
        raise ValueError(f"field {label!r}: give a group of options and a text field separate fields")
    if grouped:
        head = html.Legend(label, className="field-label")
    else:
        head = html.Label(label, className="field-label", **({"htmlFor": target} if target else {}))
    children = [head, control]
    if hint:
        children.append(html.Div(hint, className="field-hint"))
    if error_id:
        children.append(html.Div(id=error_id, className="field-error", role="alert"))
    return html.Fieldset(children, className="field") if grouped else html.Div(children, className="field")


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


def profile_panel(title: str, note_id: str, controls: list, controls_id: str, graph_id: str) -> list:
    """A per-layer profile section (the Latency page's and the Explorer's): a title, a status line, then its
    controls and chart, both hidden until a callback has a profile to show."""
    hidden = {"display": "none"}
    return [
        html.H3(title),
        html.P(id=note_id, className="notes", role="status"),
        html.Div(controls, id=controls_id, className="controls-row", style=hidden),
        dcc.Graph(id=graph_id, config={"displaylogo": False}, className="graph", style=hidden),
    ]
