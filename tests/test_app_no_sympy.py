"""No SymPy on a dashboard request: after the server's warm-up, the callbacks of a knob set never seen before
compute numbers only; the closed forms are derived once, in the background, and then shown."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
import sympy
from costmodel.dashboard import explorer, ids

from costmodel.core import symbolic

NEW_KNOBS = "?alpha=0.37&resolution=150&padding=floor&classes=997&fc_bias=0&bn=trainable"
"""A knob set no other test uses, so no cache holds it (the guards below also catch a cached one)."""


@pytest.fixture(scope="module")
def pages():
    from costmodel.dashboard.main import create_app

    create_app()  # registers the pages and their callbacks, and warms the caches as the server does
    from costmodel.dashboard.pages import conventions, explore, frontier

    return SimpleNamespace(explore=explore, conventions=conventions, frontier=frontier)


@pytest.fixture
def no_sympy_on_this_thread(monkeypatch):
    """SymPy's lambdify, simplify, expand and latex, and the expression builder, raise when the test's
    own thread (the request's) calls them; the background thread that derives closed forms may."""
    request = threading.current_thread()
    calls: list[str] = []

    def guarded(name, real):
        def call(*args, **kwargs):
            if threading.current_thread() is request:
                calls.append(name)
                raise AssertionError(f"{name} was called on the request path")
            return real(*args, **kwargs)

        return call

    for module, name in [(sympy, "lambdify"), (sympy, "simplify"), (sympy, "expand"), (sympy, "latex"),
                         (symbolic, "network_expressions"), (explorer, "network_expressions")]:  # fmt: skip
        monkeypatch.setattr(module, name, guarded(name, getattr(module, name)))
    return calls


def test_a_new_knob_set_is_served_without_sympy(pages, no_sympy_on_this_thread, monkeypatch):
    keys = list(pages.explore.CONTROLS)
    monkeypatch.setattr(pages.explore, "ctx", SimpleNamespace(triggered_id=None))  # a first load
    _search, controls, errors, view = pages.explore.explore(NEW_KNOBS, [None] * len(keys))
    assert not any(errors) and controls[keys.index("classes")] == "997"
    r = explorer.report_of(explorer.parse_query(NEW_KNOBS)[0])
    assert "/explore" + explorer.to_query(explorer.parse_query(NEW_KNOBS)[0]) in view  # the view's link
    assert r.convention.classes == 997 and r.resolution == 150

    text, poll_off = pages.explore.formulas(NEW_KNOBS, None)
    assert (text, poll_off) == (explorer.FORMULAS_PENDING, False)  # a note, and the page asks again

    monkeypatch.setattr(pages.explore, "ctx", SimpleNamespace(triggered_id=ids.EXPLORE_CLASSES))
    values = dict(zip(keys, controls, strict=True)) | {"classes": "613"}
    result = pages.explore.explore(NEW_KNOBS, [values[key] for key in keys])
    assert "classes=613" in result[0]

    _point, error, _figure, rows, _link = pages.conventions.show_reconciliation(NEW_KNOBS)
    assert rows or error
    monkeypatch.setattr(pages.frontier, "ctx", SimpleNamespace(triggered_id=None))
    shown = pages.frontier.show_frontier(NEW_KNOBS, "macs", [], None, None, "300", None)
    assert "0.37" in shown[-8]  # the design point's text (then the best, the budget and the URL messages,
    # the parallel coordinates, their note, the selection and the clear button's hidden)
    monkeypatch.setattr(pages.frontier, "ctx", SimpleNamespace(triggered_id=ids.FRONTIER_PARCOORDS))
    brush = [{"dimensions[2].constraintrange": [[1e8, 3e8]]}, [0]]  # a brush on the MACs axis
    shown = pages.frontier.show_frontier(
        NEW_KNOBS, "macs", [], ["paper"], ["float"], "300", None, brush, None
    )
    assert "brush_macs=1e08%2C3e08" in shown[0] and shown[-2].startswith("Selection: ")
    assert no_sympy_on_this_thread == []

    convention = explorer.convention_of(explorer.parse_query(NEW_KNOBS)[0])
    derived = explorer.CLOSED_FORMS.wait(convention, timeout=120)  # the background thread's work
    assert pages.explore.formulas(NEW_KNOBS, 1) == (derived, True)
    assert derived.startswith("Closed forms of the smooth model") and r"\alpha" in derived


def test_the_closed_forms_cache_is_bounded():
    from costmodel.core.convention import Convention

    forms = explorer.ClosedForms(size=2)
    for classes in (11, 12, 13):
        forms.wait(Convention(classes=classes), timeout=120)
    assert len(forms) == 2 and forms.get(Convention(classes=13)) is not None
    assert forms.get(Convention(classes=13, rounding="keras")) is not None  # rounding: same smooth model


def test_the_new_views_serve_every_value_type_without_sympy(pages, no_sympy_on_this_thread):
    from costmodel.dashboard import compare, design_space

    view = design_space.design_space_view("peak_activation_bytes", "", "", "", "300KiB", "1MiB", "float16")
    found, problem = design_space.fitting_configurations(view)
    assert problem == "" and len(found) and design_space.figure_of(view)
    assert len(compare.compare_view([(0.3, 131), (0.6, 171)], None, dtype="float16").totals) == 2
    assert no_sympy_on_this_thread == []


def test_the_profile_charts_are_served_without_sympy(pages, no_sympy_on_this_thread, tmp_path, monkeypatch):
    """Both profile panels at a knob set never seen before: the report, the roofline and the figure are numbers."""
    from costmodel.dashboard.pages import latency
    from test_app_profiles import store_profiled

    db = tmp_path / "profiles.sqlite3"
    store_profiled(db, "laptop", [(0.37, 150)], padding="floor", classes=997)
    monkeypatch.setenv("MOBILENET_COST_DB", str(db))
    *_, figure, style, note = pages.explore.profile(NEW_KNOBS + "&device=apple_m2", None)
    assert style == {} and "roofline bound on Apple M2" in note and len(figure["data"]) > 5
    monkeypatch.setattr(latency, "ctx", SimpleNamespace(triggered_id=ids.LATENCY_DATASET))
    *_, figure, style, note = latency.profile("laptop", None, "a100_40gb")  # the paper's knobs: other MACs
    assert style == {} and figure["data"] and "no roofline bound: the profiled layers' MACs are not" in note
    assert no_sympy_on_this_thread == []
