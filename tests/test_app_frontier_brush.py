"""Issue 17 item 10: ranges brushed on the Frontier's parallel-coordinates view filter its points; the ranges
travel in the URL (``brush_<column>=low,high``), bad ones are named in the page's URL message."""

import json
from types import SimpleNamespace
from urllib.parse import parse_qsl

import numpy as np
import pandas as pd
import pytest
from app_testing import dependencies, request, running_server
from costmodel.dashboard import frontier, frontier_brush, frontier_url, ids
from costmodel.dashboard.frontier_brush import inside, ranges_from_query, with_restyle

DESIGN = "?alpha=0.5&resolution=160"
COLUMNS = list(frontier_brush.DIMENSIONS)


def restyle(index, value):
    """What Dash receives from plotly when axis ``index`` is brushed (``value`` wrapped once for the trace)."""
    return [{f"dimensions[{index}].constraintrange": value}, [0]]


def expected_inside(points, ranges):
    """The selection, restated point by point: inside one range of every brushed column, bounds included."""
    keep = []
    for _, row in points.iterrows():
        ok = True
        for column, bounds in ranges.items():
            value = row[column]
            if value is None or value is pd.NA or value != value:
                ok = False
            else:
                ok = ok and any(low <= float(value) <= high for low, high in bounds)
        keep.append(ok)
    return keep


def test_points_inside_and_outside_with_inclusive_bounds():
    points = pd.DataFrame({"alpha": [0.25, 0.5, 0.75, 1.0], "macs": [41, 150, 300, 569]})
    assert inside(points, {"macs": ((150.0, 300.0),)}).tolist() == [False, True, True, False]  # both ends in
    assert inside(points, {"macs": ((150.5, 299.5),)}).tolist() == [False, False, False, False]
    both = {"macs": ((0.0, 400.0),), "alpha": ((0.5, 1.0),)}  # every axis must hold the point
    assert inside(points, both).tolist() == [False, True, True, False]
    assert inside(points, {}).tolist() == [True] * 4


def test_several_ranges_on_one_axis_keep_a_point_inside_any_of_them():
    points = pd.DataFrame({"top1_pct": [41.5, 50.0, 59.9, 60.0, 70.9]})
    ranges = {"top1_pct": ((40.0, 50.0), (60.0, 71.0))}
    assert inside(points, ranges).tolist() == [True, True, False, True, True]


def test_a_point_without_a_value_is_outside_a_range_on_that_axis():
    points = pd.DataFrame(
        {"latency_ms": [5.0, np.nan, 30.0], "peak_activation_bytes": pd.array([1, None, 3])}
    )
    assert inside(points, {"latency_ms": ((0.0, 100.0),)}).tolist() == [True, False, True]
    assert inside(points, {"peak_activation_bytes": ((0.0, 9.0),)}).tolist() == [True, False, True]


def test_the_frontier_points_filter_as_restated():
    points = frontier.selected(frontier.sources(), ["float", "quant"], "macs")
    ranges = {"macs": ((1e8, 3.5e8), (5e8, 6e8)), "top1_pct": ((60.0, 80.0),), "alpha": ((0.5, 1.0),)}
    mask = inside(points, ranges)
    assert mask.tolist() == expected_inside(points, ranges)
    assert 0 < mask.sum() < len(points)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([[1e8, 3e8]], ((1e8, 3e8),)),  # one range, as plotly sends it
        ([[3e8, 1e8]], ((1e8, 3e8),)),  # dragged upwards
        ([[[1e8, 2e8], [4e8, 5e8]]], ((1e8, 2e8), (4e8, 5e8))),  # two ranges on one axis
        ([1e8, 3e8], ((1e8, 3e8),)),  # not wrapped for the trace
    ],
)
def test_a_brush_sets_the_ranges_of_its_axis(value, expected):
    before = {"alpha": ((0.5, 1.0),), "macs": ((1.0, 2.0),)}
    assert with_restyle(before, restyle(2, value), COLUMNS) == {"alpha": ((0.5, 1.0),), "macs": expected}


def test_a_cleared_brush_drops_its_axis_and_other_restyles_change_nothing():
    before = {"alpha": ((0.5, 1.0),), "macs": ((1.0, 2.0),)}
    assert with_restyle(before, restyle(2, None), COLUMNS) == {"alpha": ((0.5, 1.0),)}
    assert with_restyle(before, [{"line.color": "red"}, [0]], COLUMNS) is None
    assert with_restyle(before, restyle(99, [[1, 2]]), COLUMNS) is None  # no such axis
    assert with_restyle(before, "garbage", COLUMNS) is None
    assert with_restyle(before, restyle(2, [["a", 2]]), COLUMNS) == {"alpha": ((0.5, 1.0),)}  # unreadable


def test_a_brush_is_rounded_as_the_url_writes_it():
    ranges = with_restyle({}, restyle(2, [[123456789.123, 300000000.9]]), COLUMNS)
    assert ranges == {"macs": ((123457000.0, 300000000.0),)}
    assert with_restyle({}, restyle(2, [[1e40, 2e40]]), COLUMNS) == {}  # beyond the bounded parser: dropped


def test_the_axes_are_the_dimensions_in_order_latency_last():
    """Plotly names a brushed axis by its index, which the callback reads as DIMENSIONS' index."""
    published = frontier.selected(["paper"], ["float"], "macs")
    assert frontier.parcoords_columns(published) == COLUMNS[:-1]  # the paper publishes no latency
    hosted = frontier.selected(["TF Lite hosted, Pixel 2"], ["float"], "macs")
    assert frontier.parcoords_columns(hosted) == COLUMNS
    view = frontier.frontier_view(
        DESIGN, "macs", ["log"], ["TF Lite hosted, Pixel 2"], ["float"], "", "published"
    )
    labels = [d["label"] for d in view.parcoords["data"][0]["dimensions"]]
    assert labels == [frontier_brush.DIMENSIONS[c] for c in COLUMNS]


def test_the_url_round_trip_keeps_every_range():
    ranges = {"alpha": ((0.5, 0.75),), "macs": ((1e8, 2e8), (4e8, 5.5e8)), "latency_ms": ((2.5, 20.0),)}
    search = frontier_url.query_with_controls(DESIGN, {**frontier_url.DEFAULT_CONTROLS, "ranges": ranges})
    assert search == DESIGN + (
        "&brush_alpha=0.5%2C0.75&brush_macs=1e08%2C2e08&brush_macs=4e08%2C5.5e08&brush_latency_ms=2.5%2C20"
    )
    controls, problems = frontier_url.controls_from_query(search)
    assert controls["ranges"] == ranges and problems == []
    # another control's change keeps the URL's selection; the default adds nothing
    assert frontier_url.query_with_controls(search, {**controls, "x": "params"}).count("brush_") == 4
    assert frontier_url.query_with_controls(DESIGN, frontier_url.DEFAULT_CONTROLS) == DESIGN


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("brush_macs=abc,3", "brush_macs: 'abc' is not a number"),
        ("brush_macs=1e99,2", "brush_macs: '1e99' is too large; allowed: numbers below 1e31 in magnitude"),
        ("brush_macs=inf,2", "brush_macs: 'inf' is not a finite number"),
        ("brush_macs=5", "brush_macs: '5' is not a range; write low,high such as 0.5,0.75"),
        ("brush_top1_pct=70,60", "brush_top1_pct: '70,60' has its low bound above its high bound"),
        ("brush_flops=1,2", "'brush_flops' is not an axis of the selection; allowed: brush_alpha"),
    ],
)
def test_bad_ranges_are_named_in_the_url_message_and_left_out(query, named):
    controls, problems = frontier_url.controls_from_query(f"{DESIGN}&{query}&brush_alpha=0.5,1")
    assert controls["ranges"] == {"alpha": ((0.5, 1.0),)}  # the good range stays
    assert len(problems) == 1 and named in problems[0]
    assert named in frontier_url.problems_text(problems)
    assert "brush_flops" not in frontier_url.query_with_controls(f"{DESIGN}&{query}", controls)


def test_too_many_ranges_on_one_axis_are_cut_and_said():
    query = "&".join(f"brush_alpha={i / 100},{i / 100 + 0.001}" for i in range(10, 20))
    ranges, problems = ranges_from_query(query)
    assert len(ranges["alpha"]) == frontier_brush.MAX_RANGES
    assert problems == [f"brush_alpha: more than {frontier_brush.MAX_RANGES} ranges; the first 8 are kept"]


def test_the_view_draws_only_the_selected_points_and_says_how_many():
    sources = list(frontier.DEFAULT_SOURCES)
    every = frontier.selected(sources, ["float"], "macs")
    search = DESIGN + "&brush_macs=1e08,3e08&brush_top1_pct=60,70"
    view = frontier.frontier_view(search, "macs", ["log"], sources, ["float"], "300M", "published")
    keep = expected_inside(every, {"macs": ((1e8, 3e8),), "top1_pct": ((60.0, 70.0),)})
    assert 0 < sum(keep) < len(every)
    assert len(view.points) == sum(keep)
    drawn = sum(len(t.x) for t in view.figure.data if t.mode == "markers" and t.name.endswith("(float)"))
    assert drawn == sum(keep)
    assert view.selection_text == (
        f"Selection: {sum(keep)} of {len(every)} points inside MACs 100 M–300 M; top-1 (%) 60–70."
    )
    assert len(view.parcoords["data"][0]["dimensions"][0]["values"]) == len(
        every
    )  # the view shows every point
    assert view.parcoords["data"][0]["dimensions"][2]["constraintrange"] == [1e8, 3e8]
    empty = frontier.frontier_view(
        DESIGN + "&brush_alpha=2,3", "macs", ["log"], sources, ["float"], "300M", ""
    )
    assert (
        empty.points.empty
        and empty.best_text == "No shown point lies inside the selection: widen or clear it."
    )
    plain = frontier.frontier_view(DESIGN, "macs", ["log"], sources, ["float"], "300M", "published")
    assert plain.selection_text == "" and len(plain.points) == len(every)


def restated_front(points, x):
    """Each precision's Pareto front, restated: the points no other point of its precision beats (no dearer and at
    least as accurate, better in one), as (cost, top-1) pairs by cost."""
    fronts = {}
    for dtype, rows in points.groupby("dtype"):
        pairs = list(zip(rows[x].astype(float), rows.top1_pct, strict=True))
        fronts[dtype] = sorted(
            (c, a)
            for c, a in pairs
            if not any(c2 <= c and a2 >= a and (c2, a2) != (c, a) for c2, a2 in pairs)
        )
    return fronts


def test_brushes_that_keep_the_same_points_draw_their_front_and_others_their_own():
    """The fronts are cached by which points the brush keeps: two ranges keeping the same points share them, a
    range keeping others never gets theirs."""
    sources = list(frontier.DEFAULT_SOURCES)
    kept_sets = []
    for low, high in ((1e8, 3e8), (1.0001e8, 2.9999e8), (1e8, 3e8), (4e7, 2e8), (4e7, 6e8), (1e8, 3e8)):
        search = f"{DESIGN}&brush_macs={low:.0f},{high:.0f}"
        view = frontier.frontier_view(
            search, "macs", ["log"], sources, ["float", "quant"], "300M", "published"
        )
        drawn = {
            trace["name"].removeprefix("Pareto front (").removesuffix(")"): list(
                zip(trace["x"], trace["y"], strict=True)
            )
            for trace in view.spec["data"]
            if trace["name"].startswith("Pareto front")
        }
        assert drawn == restated_front(view.points, "macs"), (low, high)
        kept_sets.append(frozenset(view.points.model + view.points.source + view.points.dtype))
    assert kept_sets[0] == kept_sets[1] and len(set(kept_sets)) >= 3  # the same points twice, and others


@pytest.fixture(scope="module")
def page():
    from costmodel.dashboard.main import create_app

    create_app()
    from costmodel.dashboard.pages import frontier as page

    return page


def call(page, monkeypatch, trigger, search, restyle_data=None):
    monkeypatch.setattr(page, "ctx", SimpleNamespace(triggered_id=trigger))
    sources = list(frontier.DEFAULT_SOURCES)
    answer = page.show_frontier(
        search, "macs", ["log"], sources, ["float"], "300M", "published", restyle_data, 1
    )
    names = ("search", "x", "log_x", "sources", "precision", "budget", "latency", "figure", "point", "best",
             "budget_error", "url_error", "parcoords", "note", "selection", "clear_hidden")  # fmt: skip
    return dict(zip(names, answer, strict=True))


def test_the_callback_puts_a_brush_in_the_url_and_clear_takes_it_out(page, monkeypatch):
    from dash import no_update

    brushed = call(page, monkeypatch, ids.FRONTIER_PARCOORDS, DESIGN, restyle(2, [[1e8, 3e8]]))
    assert brushed["search"] == DESIGN + "&brush_macs=1e08%2C3e08"
    assert brushed["parcoords"] is no_update  # the user's drawing stays as drawn
    assert brushed["selection"].startswith("Selection: ") and brushed["clear_hidden"] is False
    every = frontier.selected(list(frontier.DEFAULT_SOURCES), ["float"], "macs")
    inside_count = sum(1e8 <= m <= 3e8 for m in every.macs)
    drawn = sum(
        len(t["x"])
        for t in brushed["figure"]["data"]
        if t["mode"] == "markers" and t["name"].endswith("(float)")
    )
    assert drawn == inside_count

    cleared = call(page, monkeypatch, ids.FRONTIER_CLEAR_SELECTION, brushed["search"])
    assert cleared["search"] == DESIGN and cleared["selection"] == "" and cleared["clear_hidden"] is True
    assert "constraintrange" not in cleared["parcoords"]["data"][0]["dimensions"][2]

    loaded = call(page, monkeypatch, None, brushed["search"] + "&brush_alpha=x,1")  # a link
    assert loaded["search"] is no_update and loaded["selection"] == brushed["selection"]
    assert loaded["parcoords"]["data"][0]["dimensions"][2]["constraintrange"] == [1e8, 3e8]
    assert "brush_alpha: 'x' is not a number" in loaded["url_error"]
    pairs = parse_qsl(brushed["search"].lstrip("?"))
    assert ("brush_macs", "1e08,3e08") in pairs


@pytest.fixture(scope="module")
def port():
    with running_server() as server_port:
        yield server_port


def test_a_brush_request_to_the_real_server(port):
    """The request plotly's brush sends, through gunicorn; the answer carries the URL and the selection."""
    spec = next(d for d in dependencies(port) if f"{ids.FRONTIER_SELECTION}.children" in d["output"])
    values = {
        ids.FRONTIER_URL: DESIGN,
        ids.FRONTIER_X_METRIC: "macs",
        ids.FRONTIER_LOG_X: ["log"],
        ids.FRONTIER_SOURCES: ["paper"],
        ids.FRONTIER_PRECISION: ["float"],
        ids.FRONTIER_BUDGET: "300",
        ids.FRONTIER_LATENCY_SOURCE: "published",
        ids.FRONTIER_PARCOORDS: restyle(2, [[[1e8, 2e8], [4e8, 6e8]]]),  # two ranges on MACs
    }
    body = {
        "output": spec["output"],
        "outputs": [
            dict(zip(("id", "property"), o.rsplit(".", 1), strict=True))
            for o in spec["output"].strip(".").split("...")
        ],
        "inputs": [{**i, "value": values.get(i["id"])} for i in spec["inputs"]],
        "changedPropIds": [f"{ids.FRONTIER_PARCOORDS}.restyleData"],
    }
    status, answer = request("POST", port, "/_dash-update-component", json.dumps(body).encode())
    assert status == 200
    response = json.loads(answer)["response"]
    assert response[ids.FRONTIER_URL]["search"] == (
        DESIGN + "&source=paper&budget_macs=300&brush_macs=1e08%2C2e08&brush_macs=4e08%2C6e08"
    )
    assert response[ids.FRONTIER_SELECTION]["children"].endswith("inside MACs 100 M–200 M or 400 M–600 M.")
    assert response[ids.FRONTIER_CLEAR_SELECTION]["hidden"] is False
    assert ids.FRONTIER_PARCOORDS not in response  # the drawn brush is left as drawn
