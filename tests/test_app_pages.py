"""Frontier, Conventions and Tables pages: their plain functions and figure builders."""

import numpy as np
import pandas as pd
import pytest
from costmodel.dashboard import conventions, frontier, references

import costmodel
from costmodel.present.figures import make_reconcile_figure, make_sources_frontier_figure
from costmodel.reference.tables import load_table

# --- Frontier ----------------------------------------------------------------------------------------


def test_frontier_points_carry_exact_costs_not_printed_ones():
    points = frontier.frontier_points()
    slim = points[(points.source == "TF-slim 2017_06_14") & (points.model == "MobileNet_v1_0.75_224")].iloc[0]
    # the slim table prints 317 M (an erratum); errata.csv gives 325,401,216 for its 1001 classes. The
    # frontier counts every point under the paper's convention (1000 classes): 768 fewer (768 features).
    assert int(slim.macs) == 325_401_216 - 768
    assert set(points.dtype) == {"float", "quant"}
    assert points.top1_pct.notna().all()


def test_selected_respects_sources_precisions_and_the_x_axis():
    rows = frontier.selected(["TF Lite hosted, Pixel 2"], ["quant"], "latency_ms")
    assert len(rows) == 16 and set(rows.dtype) == {"quant"} and rows.latency_ms.notna().all()
    assert frontier.selected(["paper"], ["float"], "latency_ms").empty  # the paper gives no latency
    assert frontier.selected("garbage", None, "nonsense").empty


def test_front_is_pareto_optimal_per_precision():
    points = frontier.selected(["TF-slim 2018_02_22"], ["float", "quant"], "macs")
    front = frontier.front(points, "macs")
    for dtype, rows in front.groupby("dtype"):
        rows = rows.sort_values("macs")
        assert rows.top1_pct.is_monotonic_increasing  # more MACs on the front means more accuracy
        others = points[points.dtype == dtype]
        for row in rows.itertuples():
            assert not ((others.macs <= row.macs) & (others.top1_pct > row.top1_pct)).any()


def test_design_estimate_of_a_published_point_is_close_to_it():
    estimate = frontier.design_estimate("?alpha=1.0&resolution=224", ["float"])
    assert (estimate.macs, estimate.params) == (568_740_352, 4_210_088)
    assert estimate.estimates["float"] == pytest.approx(70.9, abs=1.0)  # TF-slim 2018_02_22 prints 70.9
    assert not estimate.extrapolated
    assert frontier.design_estimate("?alpha=1.4&resolution=300", ["float"]).extrapolated


@pytest.mark.parametrize(
    ("text", "x", "value", "error"),
    [
        ("300", "macs", 300e6, ""),
        ("2.5", "params", 2.5e6, ""),
        ("12", "latency_ms", 12.0, ""),
        ("2M", "macs", 2e6, ""),
        ("1.5s", "latency_ms", 1500.0, ""),
        (" ", "macs", None, ""),
    ],
)
def test_parse_budget(text, x, value, error):
    assert frontier.parse_budget(text, x) == (value, error)


@pytest.mark.parametrize("text", ["abc", "0", "-5", "nan", "inf"])
def test_bad_budget_is_explained(text):
    value, error = frontier.parse_budget(text, "macs")
    assert value is None and "budget" in error and "positive amount such as 300M" in error


def test_best_under_budget_is_the_most_accurate_that_fits():
    points = frontier.selected(["TF-slim 2018_02_22"], ["float"], "macs")
    best, why = frontier.best_under_budget(points, "macs", 300e6)
    fits = points[points.macs <= 300e6]
    assert why == "" and best["top1_pct"] == fits.top1_pct.max() and best["macs"] <= 300e6
    none, why = frontier.best_under_budget(points, "macs", 1e6)
    assert none is None and "below the smallest configuration" in why
    _, text = frontier.best_texts(points, "macs", 1e6, "float")
    assert text.startswith("Nothing shown fits within 1 M MACs: the smallest shown configuration, ")


def test_best_under_budget_agrees_with_best_reference_which_counts_again():
    """The page takes the points' own exact costs; best_reference counts every row again from α and side."""
    from costmodel.reference.budget import BudgetTooSmall, best_reference

    for sources in (frontier.sources(), ["paper"], ["TF-slim 2018_02_22", "TF Lite hosted, Pixel 3"]):
        for dtypes in (["float"], ["float", "quant"]):
            points = frontier.selected(sources, dtypes, "macs")
            for x, budgets in (
                ("macs", np.geomspace(15e6, 700e6, 40)),
                ("params", np.geomspace(0.5e6, 5e6, 25)),
            ):
                for budget in budgets:
                    best, why = frontier.best_under_budget(points, x, float(budget))
                    try:
                        expected = best_reference(points, **{x: float(budget)}, latency_column="latency_ms")
                    except BudgetTooSmall as error:
                        assert best is None and why == str(error)
                        continue
                    assert best[["model", "source", "dtype", "top1_pct"]].tolist() == (
                        expected[["model", "source", "dtype", "top1_pct"]].tolist()
                    ), (sources, dtypes, x, budget)


def test_best_estimated_design_is_best_estimates_answer_at_every_budget():
    """The page reads the grid ranked once; best_estimate searches it again per budget, and brute force over
    the grid's own rows (most accurate estimate within the budget, then the cheaper) agrees with both."""
    from costmodel.reference.budget import best_estimate

    for dtype in ("float", "quant"):
        for x in ("macs", "params", "peak_activation_bytes", "flash_bytes"):
            grid, _ = frontier._ranked_estimates(dtype, x)
            costs = np.sort(grid[x].to_numpy(dtype=float))
            budgets = [
                *costs[:: len(costs) // 15],
                costs[0] - 1,
                costs[-1],
                costs[-1] * 2,
                *(costs[1:40:7] - 0.5),
            ]
            for budget in map(float, budgets):
                found, why = frontier.best_estimated_design(dtype, x, budget)
                try:
                    expected = best_estimate(
                        frontier.accuracy_model(dtype), **frontier._estimate_options(dtype, x, budget)
                    )
                except ValueError as error:
                    assert found is None and why == str(error) and budget < costs[0], (dtype, x, budget)
                    continue
                assert why == "" and found.equals(expected) and found.name == expected.name, (
                    dtype,
                    x,
                    budget,
                )
                fits = grid[grid[x].astype(float) <= budget]
                top = fits[fits.top1_pct_estimate == fits.top1_pct_estimate.max()]
                assert found[x] == top[x].min() and found.top1_pct_estimate == top.top1_pct_estimate.iloc[0]


def test_frontier_view_with_a_bad_budget_keeps_the_figure():
    view = frontier.frontier_view("?alpha=0.5&resolution=160", "macs", ["log"], ["paper"], ["float"], "lots")
    assert "budget" in view.budget_error
    assert view.figure.layout.xaxis.type == "log"
    names = [trace.name for trace in view.figure.data]
    assert (
        "paper (float)" in names and "Pareto front (float)" in names and "design point (estimated)" in names
    )


def test_frontier_figure_marks_budget_and_best():
    points = frontier.selected(["paper"], ["float"], "params")
    figure = make_sources_frontier_figure(
        points,
        frontier.front(points, "params"),
        "params",
        budget=3e6,
        best={"label": "b", "x": 2.6e6, "top1": 68.4},
        design={"label": "d", "x": 1.3e6, "top1": 59.0},
    )
    budget = next(t for t in figure.data if t.name == "budget")
    assert list(budget.x) == [3e6, 3e6]  # a vertical line at the budget
    assert figure.layout.xaxis.type == "linear"
    assert [t.name for t in figure.data][-3:] == ["design point (estimated)", "budget", "best under budget"]
    scatter = figure.data[0]
    assert list(scatter.y) == points.top1_pct.tolist()


# --- Conventions -------------------------------------------------------------------------------------


def test_conventions_view_of_the_paper_network():
    view = conventions.conventions_view("")
    table = view.table.set_index("convention")
    assert view.error == "" and view.title == "MobileNet-1-224"
    assert table.loc["paper", "total"] == 568_740_352
    assert table.loc["torch-flops", "total"] == 2 * 568_740_352
    assert table.loc["torch-flops", "total_macs"] == 568_740_352 and table.loc["torch-flops", "vs_paper"] == 0
    assert table.loc["ptflops-aten", "vs_paper"] == 1000  # the classifier's 1000 bias adds


def test_conventions_figure_shows_what_each_counter_adds():
    view = conventions.conventions_view("?alpha=0.75&resolution=192")
    table = view.table.set_index("convention")
    assert table.loc["thop", "total_macs"] - table.loc["paper", "total_macs"] == table.loc["thop", "vs_paper"]
    figure = make_reconcile_figure(view.table)  # the figure the page shows (shared with the paper export)
    bn = next(trace for trace in figure.data if trace.name == "bn")
    # the chart is in millions of MACs, FLOP counters halved; thop counts BN at 4 per element
    assert dict(zip(bn.y, bn.x, strict=True))["thop"] == pytest.approx(table.loc["thop", "bn"] / 1e6)


def test_conventions_rows_are_formatted():
    rows = conventions.display_rows(conventions.conventions_view("?alpha=0.5&resolution=160").table)
    paper = next(r for r in rows if r["convention"] == "paper")
    assert paper["total"] == "76,524,800" and paper["vs paper"] == "reference"


def test_conventions_without_a_reference_model_explain_why():
    view = conventions.conventions_view("?alpha=0.5&resolution=160&rounding=smooth")
    assert view.table is None and "smooth" in view.error


def test_conventions_show_the_framework_whose_network_this_is():
    view = conventions.conventions_view("?alpha=0.975&resolution=97&rounding=keras&padding=keras")
    table = view.table.set_index("convention")
    assert list(table.index) == ["paper", "keras"] and "no reference PyTorch model" in view.notes[-1]
    channels = sum(costmodel.report(alpha=0.975, resolution=97, rounding="keras").table.query(
        "kind in ('conv', 'dw', 'pw')")["out_channels"])  # fmt: skip
    assert table.loc["keras", "params"] == table.loc["paper", "params"] + 4 * channels  # + BN's 4 per channel
    assert table.loc["keras", "trainable"] == table.loc["paper", "params"] + 2 * channels
    assert table.loc["keras", "vs_paper"] == 0  # the same network: only the params differ
    timm = conventions.conventions_view("?alpha=1.25&resolution=225&rounding=divisible8").table
    assert list(timm.convention)[-1] == "timm" and "timm" not in list(
        conventions.conventions_view("?alpha=0.5&rounding=divisible8").table.convention
    )


# --- Tables ------------------------------------------------------------------------------------------


def test_every_table_loads_for_display_with_its_sources():
    for name in [
        "paper_tables",
        "slim_checkpoints",
        "paper_models",
        "tflite_hosted_latency",
        "other_references",
    ]:
        frame = references.load_for_display(name)
        assert len(frame) == len(load_table(name))
        assert references.sources(name)


def test_errata_cells_point_at_the_printed_values():
    frame = references.load_for_display("paper_tables")
    cells = references.errata_cells("paper_tables", frame)
    errata = load_table("errata")
    printed = {(row, column): frame.loc[row, column] for row, column, _ in cells}
    # each highlighted cell shows exactly what the erratum says was printed
    assert set(printed.values()) <= set(errata.printed)
    table2 = frame[(frame.table_no == "2") & (frame.row_index == "3") & (frame.column == "mult_adds_pct")]
    assert (int(table2.index[0]), "value") in printed


@pytest.mark.parametrize(("column", "shown"), [("million_params", "params_millions"),
                                               ("million_mult_adds", "macs_millions")])  # fmt: skip
def test_a_paper_models_erratum_highlights_its_cost_cell(monkeypatch, column, shown):
    """A params erratum is highlighted on the paper_models table like a mult-adds one (Table 4 row 2 here)."""
    frame = references.load_for_display("paper_models")
    erratum = (
        load_table("errata")
        .iloc[:1]
        .assign(table="paper_tables", row_key="Table 4 row 2 (MobileNet)", column=column, printed="4.2")
    )
    monkeypatch.setattr(references, "errata_for", lambda name: erratum)
    cells = references.errata_cells("paper_models", frame)
    row = frame.index[(frame.table_no == "4") & (frame.row_index == "2")][0]
    assert [(r, c) for r, c, _ in cells] == [(int(row), shown)]


def test_slim_errata_cells():
    frame = references.load_for_display("slim_checkpoints")
    cells = {(r, c) for r, c, _ in references.errata_cells("slim_checkpoints", frame)}
    assert len(cells) == (load_table("errata").table == "slim_checkpoints").sum()
    flagged = frame.loc[[r for r, _ in cells]]
    assert set(flagged.macs_millions) == {"317", "233", "162", "104", "34", "150"}


def test_table_download_is_the_stored_file():
    content, name = references.download("slim_checkpoints")
    assert name == "slim_checkpoints.csv"
    assert pd.read_csv(pd.io.common.StringIO(content)).shape[0] == len(load_table("slim_checkpoints"))
    derived, _ = references.download("paper_models")
    assert "macs_millions" in derived.splitlines()[0]


def test_unknown_table_name_falls_back():
    assert references.check_name("nope") == references.DEFAULT_TABLE
    assert references.check_name(["x"]) == references.DEFAULT_TABLE


def test_design_point_latency_is_modelled_from_the_chosen_source():
    estimate = frontier.design_estimate("?alpha=1.0&resolution=224", ["float"])
    latencies = frontier.modelled_latencies(estimate, ["TF Lite hosted, Pixel 2", "paper"], ["float"])
    assert list(latencies) == [("TF Lite hosted, Pixel 2", "float")]  # the paper measured no latency
    hosted = load_table("tflite_hosted_latency")
    measured = hosted[(hosted.table_version == "hosted_pixel2") & (hosted.model == "Mobilenet_V1_1.0_224")]
    measured_ms = float(measured.tflite_cpu_ms.iloc[0])
    assert latencies["TF Lite hosted, Pixel 2", "float"] == pytest.approx(measured_ms, rel=0.10)
    view = frontier.frontier_view(
        "?alpha=1.0&resolution=224", "latency_ms", [], ["TF Lite hosted, Pixel 2"], ["float"], ""
    )
    star = next(t for t in view.figure.data if t.name == "design point (estimated)")
    assert star.x[0] == pytest.approx(latencies["TF Lite hosted, Pixel 2", "float"])
