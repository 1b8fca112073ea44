"""The Explorer's plain functions: query string ⇄ state, checking typed values, the view's pieces."""

import io
from fractions import Fraction

import pandas as pd
import pytest
from costmodel.dashboard import explorer, ids

from costmodel import report
from costmodel.present.figures import KIND_COLOURS, layer_figure_spec, make_layer_figure

PAPER_MACS = 568_740_352  # paper 1.0-224, mult-adds
PAPER_PARAMS = 4_210_088
HALF_160_MACS = 76_524_800  # README: report(alpha=0.5, rho=0.714)

BASE = {"side_mode": "resolution", "side": "224", "alpha": "1.0"}


@pytest.mark.parametrize(
    "search",
    [
        "?alpha=0.5&rho=0.714",
        "?alpha=0.75&resolution=192",
        "?alpha=1.3&resolution=300&rounding=keras&classes=1001&fc_bias=0&bn=all",
        "?alpha=0.25&resolution=128&rounding=divisible8&padding=floor&scale_first_layer=0",
        "?alpha=0.975&resolution=97&rounding=keras&padding=keras&bn=all",
    ],
)
def test_query_round_trip(search):
    state, errors = explorer.parse_query(search)
    assert errors == {}
    assert explorer.to_query(state) == search
    assert explorer.parse_query(explorer.to_query(state))[0] == state


def test_query_defaults_are_the_paper_network():
    state, errors = explorer.parse_query("")
    r = explorer.report_of(state)
    assert errors == {}
    assert (r.totals["macs"], r.totals["params"], r.resolution) == (PAPER_MACS, PAPER_PARAMS, 224)


@pytest.mark.parametrize(
    ("search", "field", "words"),
    [
        ("?alpha=abc", "alpha", "not a number"),
        ("?alpha=0", "alpha", "out of range"),
        ("?alpha=0.5&rho=-1", "side", "rho"),
        ("?resolution=12.5", "side", "whole number"),
        ("?rounding=round", "rounding", "choose one of"),
        ("?classes=0", "classes", "out of range"),
        ("?fc_bias=maybe", "fc_bias", "use 1 or 0"),
        ("?colour=red", "query", "unknown URL parameter"),
    ],
)
def test_bad_query_parameters_are_reported_and_replaced(search, field, words):
    state, errors = explorer.parse_query(search)
    assert words in errors[field]
    explorer.report_of(state)  # the replacement state is usable
    assert explorer.checked(state)[1] == {}


def test_slider_moves_alpha_and_url():
    u = explorer.update(
        ids.EXPLORE_ALPHA_SLIDER, {**BASE, "slider": 0.5, "side": "160"}, "?alpha=1.0&resolution=224"
    )
    assert u.search == "?alpha=0.5&resolution=160"
    assert u.controls == {"alpha": "0.5"}
    assert u.report.totals["macs"] == HALF_160_MACS
    assert u.errors == {"alpha": "", "side": "", "knobs": "", "memory": ""}


def test_typed_alpha_moves_the_slider_and_keeps_its_text():
    u = explorer.update(ids.EXPLORE_ALPHA_INPUT, {**BASE, "alpha": "2.0"}, "")
    assert u.controls == {"slider": 1.5}  # clamped to the slider's range; the text stays 2.0
    assert u.search == "?alpha=2.0&resolution=224"


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"alpha": "abc"}, "alpha", "not a number"),
        ({"alpha": ""}, "alpha", "enter a number"),
        ({"alpha": "-0.5"}, "alpha", "out of range"),
        ({"alpha": "nan"}, "alpha", "not a finite number"),
        ({"side": "0"}, "side", "out of range"),
        ({"side": "224.5"}, "side", "whole number"),
        ({"side_mode": "rho", "side": "x"}, "side", "not a number"),
        ({"classes": "1.5"}, "knobs", "whole number"),
        ({"rounding": "keras", "alpha": "0.01"}, "alpha", "0 channels"),
        ({"rounding": 7}, "knobs", "rounding"),
    ],
)
def test_bad_typed_value_shows_a_message_and_keeps_the_view(values, field, words):
    u = explorer.update(ids.EXPLORE_ALPHA_INPUT, {**BASE, **values}, "?alpha=0.5&resolution=160")
    assert words in u.errors[field]
    assert u.search is None and u.report is None
    assert u.query == "?alpha=0.5&resolution=160"  # the last valid view


def test_switching_to_rho_and_back_keeps_the_pixels():
    to_rho = explorer.update(
        ids.EXPLORE_SIDE_MODE, {**BASE, "side_mode": "rho", "side": "160"}, "?alpha=0.5&resolution=160"
    )
    assert to_rho.controls == {"side": "0.714286"}
    assert to_rho.report.resolution == 160
    back = explorer.update(
        ids.EXPLORE_SIDE_MODE, {**BASE, "side_mode": "resolution", "side": "0.714286"}, to_rho.search
    )
    assert back.controls == {"side": "160"}
    assert back.search == "?alpha=1.0&resolution=160"


def test_url_change_sets_the_controls():
    u = explorer.update(ids.EXPLORE_URL, {}, "?alpha=0.25&resolution=128&bn=trainable")
    assert u.search is None  # the URL is already right
    assert u.controls["alpha"] == "0.25" and u.controls["side"] == "128" and u.controls["bn"] == "trainable"
    assert u.controls["slider"] == 0.25
    assert u.controls["flags"] == ["scale_first_layer", "fc_bias"]


def test_flags_and_knobs_reach_the_report():
    values = {**BASE, "flags": ["scale_first_layer"], "bn": "all", "rounding": "keras"}
    u = explorer.update(ids.EXPLORE_FLAGS, values, "")
    # Keras' MobileNet 1.0: 4,253,864 params with all BN statistics; without the classifier bias 1000 fewer.
    assert u.report.totals["params"] == 4_253_864 - 1000
    assert "fc_bias=0" in u.search and "bn=all" in u.search and "rounding=keras" in u.search


def test_cards_compare_with_the_paper_network():
    cards = {c["metric"]: c for c in explorer.cards(report(alpha=0.5, resolution=160))}
    assert cards["macs"]["value"] == "76,524,800"
    assert (
        cards["macs"]["change"]
        == f"{HALF_160_MACS / PAPER_MACS:.3g}× of 1.0-224 ({(HALF_160_MACS / PAPER_MACS - 1) * 100:+.1f} %)"
    )
    assert cards["flops"]["value"] == f"{2 * HALF_160_MACS:,}"
    assert explorer.cards(report())[0]["change"] == "= paper 1.0-224"


def test_reduction_rows_match_one_over_n_plus_one_ninth():
    rows = explorer.reduction_rows(report(alpha=0.5, resolution=160))
    assert [row[0] for row in rows] == list(range(1, 14))
    for _block, side, m, n, standard, separable, ratio, expected, exact in rows:
        assert standard == f"{9 * m * n * side * side:,}"
        assert separable == f"{9 * m * side * side + m * n * side * side:,}"
        assert expected == f"{float(Fraction(1, n) + Fraction(1, 9)):.5f}" == ratio
        assert exact == "= (exact)"


def test_formulas_are_the_smooth_closed_forms():
    text = explorer.formulas_markdown(report().convention)
    # README: smooth MACs = 539492352 α² ρ² + 28224000 α ρ² + 1024000 α
    assert r"539492352 \alpha^{2} \rho^{2}" in text
    assert r"28224000 \alpha \rho^{2}" in text
    assert text.count("$$") == 2 * len(explorer.FORMULA_METRICS)


def test_smooth_values_at_the_paper_point():
    values = explorer.smooth_values(report())
    assert values["macs"] == pytest.approx(539492352 + 28224000 + 1024000)


def test_table_downloads():
    csv, name = explorer.table_download(False, "?alpha=0.5&rho=0.714")
    assert name == "mobilenet_v1_0.5_160.csv"
    table = pd.read_csv(io.StringIO(csv))
    assert len(table) == 29 and table.macs.sum() == HALF_160_MACS
    latex, name = explorer.table_download(True, "?alpha=0.5&rho=0.714")
    assert name.endswith(".tex") and "\\begin{tabular}" in latex


def test_layer_figure_bars_add_up_to_the_totals():
    table = report(alpha=0.75, resolution=192).table
    spec = layer_figure_spec(table)
    macs = sum(sum(trace["y"]) for trace in spec["data"] if trace["yaxis"] == "y")
    params = sum(sum(trace["y"]) for trace in spec["data"] if trace["yaxis"] == "y2")
    assert (macs, params) == (table.macs.sum(), table.params.sum())
    assert {trace["name"] for trace in spec["data"]} == set(KIND_COLOURS)
    assert spec["layout"]["xaxis2"]["categoryarray"] == table.layer.tolist()
    figure = make_layer_figure(table)
    assert [bar.marker.color for bar in figure.data if bar.name == "dw"] == [KIND_COLOURS["dw"]] * 2


def test_smooth_model_view():
    u = explorer.update(
        ids.EXPLORE_ROUNDING,
        {**BASE, "alpha": "0.33", "side_mode": "rho", "side": "0.8", "rounding": "smooth"},
        "",
    )
    r = u.report
    assert r.resolution == pytest.approx(179.2)
    macs = explorer.cards(r)[0]
    # smooth MACs = 539492352 α²ρ² + 28224000 αρ² + 1024000 α (README), at α = 0.33, ρ = 0.8
    a, p = Fraction("0.33"), Fraction("0.8")
    expected = 539492352 * a**2 * p**2 + 28224000 * a * p**2 + 1024000 * a
    assert Fraction(macs["value"].replace(",", "")) == expected  # exact, every decimal shown
    assert {row[-1] for row in explorer.reduction_rows(r)} == {"= (to float precision)"}
    assert explorer.smooth_notes(r, explorer.smooth_values(r)) == ()
