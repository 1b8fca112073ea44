"""``create_app()``: the Dash app with its pages (Dash Pages, one module per page under ``app/pages``, imported as ``costmodel.dashboard.pages``).

Call it once per process (pages register their callbacks when the app imports them).
"""

from __future__ import annotations

from pathlib import Path

import dash
import flask
from costmodel.dashboard.layout import TITLE, link_design_point, mark_current_page, shell
from werkzeug.exceptions import HTTPException

PACKAGE_DIR = Path(__file__).resolve().parent
REQUEST_MAX_BYTES = 32 * 2**20
"""Largest request body accepted (413 above it): room for the Latency page's largest upload, base64-encoded."""


def create_app() -> dash.Dash:
    """Build the app. Pages register themselves from ``app/pages`` (resolved from this package, so it
    works from a checkout and after ``pip install``); assets (CSS) come from ``app/assets``.
    """
    app = dash.Dash(
        __package__,  # "costmodel.dashboard": pages import as costmodel.dashboard.pages.*
        use_pages=True,
        pages_folder=str(PACKAGE_DIR / "pages"),
        assets_folder=str(PACKAGE_DIR / "assets"),
        title=TITLE,
        suppress_callback_exceptions=True,
        serve_locally=True,
        update_title=None,
    )
    app.server.config["MAX_CONTENT_LENGTH"] = REQUEST_MAX_BYTES
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    app.layout = shell
    link_design_point(app)
    mark_current_page(app)
    add_root_redirect(app.server)
    handle_malformed_callbacks(app.server)
    limit_blas_threads()
    warm_caches()
    register_component_files(app)
    return app


def register_component_files(app: dash.Dash) -> None:
    """Serve a page once so that Dash sets itself up, registering every component file (scripts, async
    chunks) it may serve, before the workers fork.

    Dash does that on a process's first request; a worker's first requests arrive together (a browser loads
    a page's scripts at once), and those that came before the set-up was done got a 404: a blank page. The
    server preloads the app, so this runs once, in the parent, and every worker starts set up.
    """
    with app.server.test_client() as client:
        client.get("/explore")


def limit_blas_threads() -> None:
    """One BLAS thread per request thread, for the rest of this process.

    The server answers requests concurrently on its own threads and workers; OpenBLAS's threads would only
    contend with them for the cores, and they spin after each call, so on a small machine a large product (the
    accuracy trend's interval over a ``best --all`` grid) cost three times its CPU time.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


def add_root_redirect(server: flask.Flask) -> None:
    """``/`` (with its query string) redirects to the Explorer at ``/explore``."""

    @server.before_request
    def _explore_at_root():
        if flask.request.path == "/":
            query = flask.request.query_string.decode("latin-1")
            return flask.redirect("/explore" + (f"?{query}" if query else ""), code=302)
        return None


def handle_malformed_callbacks(server: flask.Flask) -> None:
    """A callback request that cannot be handled gets a 400 with a one-line JSON reason, never a 500; an unknown
    component-suite file a 404."""

    @server.errorhandler(Exception)
    def _bad_callback(error: Exception):
        if isinstance(error, HTTPException):
            return error
        if isinstance(error, dash.exceptions.DependencyException):  # an unknown /_dash-component-suites/ path
            return flask.jsonify(error="no such file"), 404
        if not flask.request.path.endswith("/_dash-update-component"):
            raise error
        server.logger.warning(
            "malformed callback request: %s: %s", type(error).__name__, error, exc_info=error
        )
        return flask.jsonify(error=f"malformed callback request ({type(error).__name__})"), 400


def warm_caches() -> None:
    """Build what the first request would otherwise wait for: the default convention's expressions and their
    LaTeX, the frontier's points with exact costs, and its accuracy trends."""
    from costmodel.dashboard import compare, design_space, explorer, frontier

    explorer.warm()
    # the Design space page's first view
    design_space.figure_of(design_space.design_space_view("top1_pct_estimate", "300M"))
    # the Design space grids and tables, and the Compare page's bytes, at every value type; its totals
    design_space.warm()
    compare.compare_view(list(compare.DEFAULT_POINTS), None)
    frontier.frontier_points()  # compiles the default convention's MACs and params (evaluate)
    for dtype in frontier.DTYPES:
        frontier.accuracy_model(dtype)
