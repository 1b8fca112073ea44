"""Regressions from a new user's walk through the dashboard (issue 17): texts, URLs, numbers."""

import importlib
from fractions import Fraction

import pytest
from costmodel.dashboard import explorer
from costmodel.dashboard.main import create_app

from costmodel import report


@pytest.fixture(scope="module")
def explore_page():
    create_app()  # pages register themselves with the app being built
    return importlib.import_module("costmodel.dashboard.pages.explore")


def _texts(component) -> list[str]:
    """Every string inside a Dash component tree."""
    if isinstance(component, str):
        return [component]
    children = getattr(component, "children", None)
    if children is None:
        return []
    if not isinstance(children, list | tuple):
        children = [children]
    return [text for child in children for text in _texts(child)]


def test_a_bad_url_value_is_named_once(explore_page):
    page = " ".join(_texts(explore_page.layout(alpha="abc")))
    assert "alpha: 'abc' is not a number" in page and "alpha: alpha:" not in page


def test_a_url_giving_both_rho_and_resolution_says_which_one_counts(explore_page):
    state, errors = explorer.parse_query("?alpha=0.5&rho=0.714&resolution=192")
    assert state["side_mode"] == "resolution" and state["side"] == "192"
    assert "rho=0.714, resolution=192" in errors["query"] and "resolution=192, is used" in errors["query"]
    page = " ".join(_texts(explore_page.layout(alpha="0.5", rho="0.714", resolution="192")))
    assert "the last one, resolution=192, is used" in page


def test_smooth_totals_are_shown_exactly_not_as_a_rounded_float():
    r = report(alpha=0.3, resolution=224, rounding="smooth")
    params = next(card for card in explorer.cards(r) if card["metric"] == "params")
    exact = r.totals["params"]
    assert isinstance(exact, Fraction) and exact.denominator != 1
    whole, _, decimals = params["value"].partition(".")
    assert Fraction(f"{whole.replace(',', '')}.{decimals}") == exact and not params["value"].endswith(".0")


def test_a_refused_upload_can_be_imported_again_after_fixing_the_device(tmp_path, monkeypatch):
    """dcc.Upload does not fire for the same file twice: the page keeps the refused file and its button
    imports it again with the fields as they are now."""
    create_app()
    latency_page = importlib.import_module("costmodel.dashboard.pages.latency")
    from costmodel.dashboard import ids
    from costmodel.dashboard.latency_view import encode

    monkeypatch.setenv("MOBILENET_COST_DB", str(tmp_path / "d.sqlite3"))
    contents = encode("alpha,resolution,latency_ms\n0.5,160,10.5\n0.5,128,8.5\n1.0,224,30.0\n")
    manage = getattr(latency_page.manage, "__wrapped__", latency_page.manage)
    from unittest import mock

    with mock.patch.object(latency_page, "ctx", mock.Mock(triggered_id=ids.LATENCY_UPLOAD)):
        refused = manage(contents, None, None, None, "bench.csv", None, "", None, None, None, None)
    errors, pending, retry_style = refused[1], refused[7], refused[8]
    shown = " ".join(str(item) for item in errors)
    assert shown.count("column device: empty") == 1 and "rows 2-4" in shown  # once, not once per row
    assert pending == {"contents": contents, "filename": "bench.csv"} and retry_style == {}
    with mock.patch.object(latency_page, "ctx", mock.Mock(triggered_id=ids.LATENCY_RETRY)):
        done = manage(None, 1, None, None, None, pending, "Pixel 7", None, None, None, None)
    assert "Imported 3 rows into new dataset 'bench'" in done[0] and done[1] is None
    assert done[7] is None and done[8] == {"display": "none"}


def test_built_in_datasets_offer_no_delete():
    create_app()
    latency_page = importlib.import_module("costmodel.dashboard.pages.latency")
    deletable = getattr(latency_page.deletable, "__wrapped__", latency_page.deletable)
    assert deletable("tflite-pixel2-cpu-float") == (True, "tflite-pixel2-cpu-float is built in and read-only")
    assert deletable("bench")[0] is False


def test_tables_page_names_each_source_once_and_hides_an_empty_errata_grid():
    create_app()
    tables_page = importlib.import_module("costmodel.dashboard.pages.tables")
    show = getattr(tables_page.show_table, "__wrapped__", tables_page.show_table)
    outputs = show("paper_models")
    source_lines = outputs[4][2].children
    assert len(source_lines) == 1 and "Tables 4, 5, 6" in str(source_lines[0].children)
    assert outputs[-2] == {}  # paper_models has errata: the grid shows
    empty = show("other_references")
    assert empty[5] == "No errata are recorded against this table." and empty[-2] == {"display": "none"}
