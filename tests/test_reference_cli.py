"""The ``tables``, ``frontier`` and ``best`` commands: output, files, help examples, bad input."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from costmodel.cli import main


def run(capsys, *argv) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize(
    "argv",
    [["tables"], ["tables", "list"], ["tables", "show"], ["tables", "export"], ["frontier"], ["best"]],
)
def test_help_has_an_example(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--help"])
    assert exit_info.value.code == 0
    assert "Example: mobilenet-cost" in capsys.readouterr().out


def test_tables_list_and_show(capsys):
    status, out, _ = run(capsys, "tables", "list")
    assert status == 0 and "slim_checkpoints" in out and "errata" in out
    status, out, _ = run(
        capsys,
        "tables",
        "show",
        "slim_checkpoints",
        "--where",
        "release=2018_08_02",
        "--where",
        "dtype=quant",
        "--columns",
        "model,top1_pct",
    )
    lines = out.splitlines()
    assert status == 0 and len(lines) == 17 and lines[0].split() == ["model", "top1_pct"]
    assert re.search(r"^MobileNet_v1_0\.75_128_quant +55\.8$", out, re.MULTILINE)


def test_tables_export_csv_and_latex(capsys, tmp_path):
    target = tmp_path / "errata.csv"
    assert run(capsys, "tables", "export", "errata", "-o", str(target))[0] == 0
    exported = pd.read_csv(target)
    assert len(exported) == 40 and "reason" in exported.columns
    status, out, _ = run(
        capsys,
        "tables",
        "export",
        "paper_models",
        "--format",
        "latex",
        "--where",
        "table_no=7",
        "--columns",
        "row_label,macs_millions",
    )
    assert status == 0 and r"1.0 MobileNet-160 & 290 \\" in out
    assert sum(line.endswith(r"\\") for line in out.splitlines()) == 5  # the header and four rows
    assert "arXiv:1704.04861v1" in out  # the caption names the sources


def test_frontier_by_latency_and_by_exact_macs(capsys):
    status, out, _ = run(
        capsys,
        "frontier",
        "--table",
        "tflite_hosted_latency",
        "--cost",
        "tflite_cpu_ms",
        "--where",
        "table_version=hosted_pixel2",
        "--format",
        "csv",
    )
    front = pd.read_csv(io.StringIO(out))
    assert (
        status == 0
        and front["tflite_cpu_ms"].is_monotonic_increasing
        and front["top1_pct"].is_monotonic_increasing
    )
    status, out, _ = run(capsys, "frontier", "--where", "release=2017_06_14", "--format", "csv")
    front = pd.read_csv(io.StringIO(out))
    assert front.loc[front["model"] == "MobileNet_v1_1.0_224", "macs"].item() == 568_740_352


@pytest.mark.parametrize("amount", ["300M", "0.3G", "300000000", "3e8"])
def test_best_accepts_units(capsys, amount):
    status, out, _ = run(
        capsys, "best", "--macs", amount, "--where", "release=2018_02_22", "--where", "dtype=float"
    )
    assert status == 0 and "MobileNet_v1_1.0_160" in out and "290,675,200" in out


def test_best_estimate_is_labelled(capsys):
    status, out, _ = run(
        capsys,
        "best",
        "--macs",
        "300M",
        "--estimate",
        "--where",
        "release=2018_02_22",
        "--where",
        "dtype=float",
    )
    assert status == 0 and "top1_pct_estimate" in out and "(estimate:" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["best", "--macs", "1M"], "below the smallest configuration"),
        (["best", "--macs", "nan"], "--macs: 'nan' must be a positive amount"),
        (["best", "--macs=-300M"], "must be a positive amount"),
        (["best"], "give a budget"),
        (["best", "--latency", "5ms"], "no latency column 'tflite_cpu_ms'; give --dataset NAME"),
        (["best", "--macs", "300M", "--estimate", "--where", "release=2018_02_22"], "mix float and quant"),
        (["best", "--latency", "5", "--estimate"], "--latency with --estimate needs --dataset"),
        (["tables", "show", "nope"], "table 'nope' is unknown; the tables are devices, errata"),
        (["tables", "show", "errata", "--where", "colour=red"], "no column 'colour'"),
        (["frontier", "--cost", "speed"], "needs the column(s) 'speed'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_best_estimate_agrees_with_the_dashboard(capsys):
    from costmodel.dashboard.frontier import best_estimated_design

    status, out, _ = run(capsys, "best", "--macs", "300M", "--estimate")
    shown = dict(line.split(None, 1) for line in out.splitlines() if not line.startswith("("))
    dashboard, _ = best_estimated_design("float", "macs", 300e6)
    assert status == 0 and "TF-slim 2018_02_22 float" in out
    assert float(shown["alpha"]) == dashboard["alpha"] and int(shown["resolution"]) == dashboard["resolution"]
    assert shown["top1_pct_estimate"] == f"{dashboard['top1_pct_estimate']:.1f}" == "68.3"


def test_every_offered_table_answers(capsys):
    from costmodel.cli.best import best_tables

    assert "errata" not in best_tables() and "paper_tables" not in best_tables()
    with pytest.raises(SystemExit) as exit_info:
        main(["best", "--macs", "300M", "--table", "errata"])
    assert exit_info.value.code == 2 and "invalid choice: 'errata'" in capsys.readouterr().err
    for table in best_tables():
        status, _, err = run(capsys, "best", "--macs", "300M", "--table", table)
        assert status == 0, (table, err)


def test_best_latency_from_a_stored_dataset_never_names_internals(capsys, tmp_path):
    status, out, err = run(capsys, "best", "--latency", "10", "--dataset", "tflite-pixel2-cpu-float",
                           "--db", str(tmp_path / "d.sqlite3"), "--where", "dtype=float")  # fmt: skip
    assert status == 0 and "latency_ms predicted by the model of dataset 'tflite-pixel2-cpu-float'" in out
    assert "best_reference" not in out + err


def test_best_all_lists_every_row_within_all_budgets(capsys, tmp_path):
    from independent_counter import costs

    argv = [
        "best",
        "--all",
        "--macs",
        "300M",
        "--params",
        "2M",
        "--where",
        "release=2018_02_22",
        "--format",
        "csv",
    ]
    status, out, _ = run(capsys, *argv)
    listed = pd.read_csv(io.StringIO(out))
    from costmodel.reference.tables import load_table

    slim = load_table("slim_checkpoints").query("release == '2018_02_22'")
    expected = [
        row.model for row in slim.itertuples()
        if costs(row.alpha, row.resolution)["macs"] <= 300_000_000 and costs(row.alpha, row.resolution)["params"] <= 2_000_000
    ]  # fmt: skip
    assert status == 0 and sorted(listed.model) == sorted(expected) and len(expected) > 5
    assert listed.top1_pct.is_monotonic_decreasing
    assert all(
        listed.macs == [costs(a, r)["macs"] for a, r in zip(listed.alpha, listed.resolution, strict=True)]
    )
    status, out, _ = run(
        capsys, "best", "--all", "--estimate", "--macs", "100M", "--params", "1M", "--format", "csv"
    )
    grid = pd.read_csv(io.StringIO(out))
    assert status == 0 and len(grid) > 100 and grid.top1_pct_estimate.is_monotonic_decreasing
    assert (grid.macs <= 100_000_000).all() and (grid.params <= 1_000_000).all()
