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
