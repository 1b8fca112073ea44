"""The Frontier figure: every trace tells itself apart, each label sits by its own marker, and the budget line
stays inside the plot (issue 17, items 3 and 7)."""

import math

from costmodel.dashboard import frontier

from costmodel.present.figures import make_sources_frontier_figure


def view(x="macs", log=True, chosen=None, dtypes=("float", "quant"), budget="300", search=""):
    chosen = frontier.sources() if chosen is None else chosen
    return frontier.frontier_view(search, x, ["log"] if log else [], chosen, list(dtypes), budget)


def point_traces(figure):
    return [t for t in figure.data if t.mode == "markers" and "(" in t.name and not t.name.startswith("design")]


def test_every_source_and_precision_has_its_own_colour_and_marker():
    traces = point_traces(view().figure)
    assert len(traces) >= 10  # the case the issue saw: ten legend entries
    looks = [(t.marker.color, t.marker.symbol) for t in traces]
    assert len(set(looks)) == len(looks)
    by_name = {t.name: (t.marker.color, t.marker.symbol) for t in traces}
    assert by_name["paper (float)"][0] != by_name["TF-slim 2018_02_22 (float)"][0]  # sources differ in colour
    slim_float, slim_quant = by_name["TF-slim 2018_02_22 (float)"], by_name["TF-slim 2018_02_22 (quant)"]
    assert slim_float[0] == slim_quant[0] and slim_float[1] != slim_quant[1]  # precisions differ in shape


def test_a_source_keeps_its_colour_when_others_are_hidden():
    colour = {t.name: t.marker.color for t in point_traces(view().figure)}
    alone = point_traces(view(chosen=["TF Lite hosted, Pixel 3"]).figure)
    assert {t.name: t.marker.color for t in alone} == {
        name: c for name, c in colour.items() if name.startswith("TF Lite hosted, Pixel 3")
    }


def test_each_label_points_at_its_own_marker():
    for log in (True, False):
        figure = view(log=log, chosen=list(frontier.DEFAULT_SOURCES), dtypes=["float"]).figure
        marks = {t.name: t for t in figure.data if t.name in ("design point (estimated)", "best under budget")}
        labels = {a.text: a for a in figure.layout.annotations}
        star, ring = marks["design point (estimated)"], marks["best under budget"]
        assert set(labels) == {"MobileNet-1-224", "MobileNet_v1_1.0_160"}
        for marker, label in ((star, labels["MobileNet-1-224"]), (ring, labels["MobileNet_v1_1.0_160"])):
            x = math.log10(marker.x[0]) if log else marker.x[0]
            assert (label.x, label.y) == (x, marker.y[0]) and label.showarrow
        assert star.text is None  # no second, free-floating label by the star


def test_the_budget_line_stays_inside_the_plot_at_either_end():
    for budget, log in (("2", True), ("2", False), ("900", True), ("900", False)):
        figure = view(log=log, chosen=["paper"], dtypes=["float"], budget=budget).figure
        (line,) = [t for t in figure.data if t.name == "budget"]
        at = math.log10(line.x[0]) if log else line.x[0]
        low, high = figure.layout.xaxis.range
        margin = (high - low) / 50
        assert low + margin < at < high - margin, (budget, log, low, at, high)


def test_the_range_leaves_out_nothing_it_draws():
    points = frontier.selected(["paper"], ["float"], "params")
    figure = make_sources_frontier_figure(points, points.iloc[:0], "params", budget=1e5)
    low, high = figure.layout.xaxis.range
    assert low < 1e5 and high > points.params.max()


def test_a_label_near_either_edge_points_inwards():
    """A design point at the left edge (the smallest network, or a selection that narrows the axis) has its
    label to its right; one at the right edge to its left: never cut off by the plot's edge."""
    for search, inwards in (("?alpha=0.25&resolution=128", 1), ("?alpha=1&resolution=224", -1)):
        for log in (True, False):
            figure = view(log=log, chosen=["paper"], dtypes=["float"], budget="900", search=search).figure
            (star,) = [t for t in figure.data if t.name == "design point (estimated)"]
            (label,) = [a for a in figure.layout.annotations if a.y == star.y[0]]
            low, high = figure.layout.xaxis.range
            at = math.log10(star.x[0]) if log else star.x[0]
            near_left = (at - low) / (high - low) < 0.2
            assert near_left == (inwards == 1), (search, log)
            assert label.ax * inwards > 0, (search, log, label.ax)
