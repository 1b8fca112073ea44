"""Paper-ready exports: the paper's tables regenerated, any grid, CSV read back, every LaTeX output compiled."""

import contextlib
import io
import json
import os
import shutil
import subprocess
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from independent_counter import costs

import costmodel
from costmodel.cli import main
from costmodel.core.reduction import reduction_proof
from costmodel.output.files import write_files
from costmodel.output.frame_format import frame_as_latex
from costmodel.output.table import Column, ExportTable
from costmodel.paper.export import paper_files
from costmodel.paper.grid import grid_pivots, grid_table

PAPER_FILES = paper_files()


def paper_csv(stem: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(PAPER_FILES[f"{stem}.csv"]))


# --- LaTeX: everything the project can produce compiles with pdflatex ----------------------------------


def _latex_outputs() -> dict[str, str]:
    outputs = {name: text for name, text in PAPER_FILES.items() if name.endswith(".tex")}
    tricky = "Costs & shares: 50% of #MACs, $x_1$ {braces} ~tilde ^caret \\backslash, α×ρ"
    grid = grid_table([Decimal("0.25"), Decimal("1.0")], [128, 200], ["macs", "params", "flops", "top1"])
    outputs["grid.tex"] = grid.to_latex(caption=tricky, label="tab:grid")
    outputs["grid_exact.tex"] = grid_table(
        [Decimal("0.5")], [160], ["macs", "activations"], exact=True, rounding="keras", bn="all"
    ).to_latex()
    outputs["grid_wide.tex"] = "\n".join(p.to_latex() for p in grid_pivots(grid).values())
    outputs["report.tex"] = costmodel.report(alpha=0.5, rho=0.714).as_latex(caption=tricky, label="tab:r")
    outputs["report_bn.tex"] = costmodel.report(alpha=0.75, resolution=128, bn="trainable").as_latex()
    outputs["report_smooth.tex"] = costmodel.report(alpha=0.6, resolution=150, rounding="smooth").as_latex()
    for name in costmodel.table_names():
        outputs[f"reference_{name}.tex"] = frame_as_latex(
            costmodel.load_table(name), caption=f"{name} & 100%"
        )
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["tables", "export", name, "--format", "latex"]) == 0
        outputs[f"tables_export_{name}.tex"] = out.getvalue()
    return outputs


def _math_outputs() -> dict[str, str]:
    """Jupyter's ``_repr_latex_`` math of the result objects (MathJax in notebooks; amsmath in a document)."""
    return {
        "report_math": costmodel.report(alpha=0.5, rho=0.714)._repr_latex_(),
        "report_math_smooth": costmodel.report(alpha=0.5, resolution=150, rounding="smooth")._repr_latex_(),
        "expressions_math": costmodel.network_expressions(costmodel.Convention())._repr_latex_(),
        "reduction_math": reduction_proof()._repr_latex_(),
    }


LATEX_OUTPUTS = _latex_outputs()
MATH_OUTPUTS = _math_outputs()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(LATEX_OUTPUTS) + sorted(MATH_OUTPUTS))
def test_latex_compiles_with_pdflatex(name, tmp_path):
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        pytest.fail("pdflatex is missing: install texlive (see the README's test command)")
    text = LATEX_OUTPUTS.get(name) or MATH_OUTPUTS[name]
    packages = "booktabs" if name in LATEX_OUTPUTS else "amsmath"
    (tmp_path / "table.tex").write_text(text, encoding="utf-8")
    (tmp_path / "doc.tex").write_text(
        f"\\documentclass{{article}}\n\\usepackage{{{packages}}}\n\\begin{{document}}\n\\input{{table.tex}}\n"
        "\\end{document}\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "doc.pdf").stat().st_size > 1000
    log = (tmp_path / "doc.log").read_text(encoding="utf-8", errors="replace")
    if name in LATEX_OUTPUTS:  # every table fits the page (the notebook maths is a display, not a table)
        assert "Overfull \\hbox" not in log, log[log.index("Overfull") :][:600]


@pytest.mark.parametrize("name", sorted(LATEX_OUTPUTS))
def test_every_latex_table_has_a_caption_and_a_label(name):
    text = LATEX_OUTPUTS[name]
    floats = text.count("\\begin{table}")
    assert floats >= 1 and text.count("\\caption{") == floats and text.count("\\label{tab:") == floats, text[:400]


def test_long_text_cells_become_numbered_notes_in_latex():
    """`tables export slim_checkpoints --format latex` was 1062 pt too wide: its URLs are now notes under it."""
    text = LATEX_OUTPUTS["tables_export_slim_checkpoints.tex"]
    assert "\\label{tab:slim_checkpoints}" in text
    rows = [
        line for line in text.splitlines() if line.startswith("2017\\_06\\_14 & MobileNet\\_v1\\_1.0\\_224 &")
    ]
    assert rows and all("https" not in row for row in rows)
    assert "[1] https:/\\allowbreak{}/\\allowbreak{}github." in text
    assert text.count("] https:") == len(set(costmodel.load_table("slim_checkpoints").source))


def test_latex_is_booktabs_with_numbers_right_aligned():
    text = LATEX_OUTPUTS["grid.tex"]
    assert "\\toprule" in text and "\\midrule" in text and "\\bottomrule" in text
    assert "\\begin{tabular}{rrrrrr}" in text  # alpha, resolution and four number columns
    assert "\\label{tab:grid}" in text
    assert "Costs \\& shares: 50\\% of \\#MACs, \\$x\\_1\\$ \\{braces\\}" in text
    assert "\\begin{tabular}{lrr:" not in text
    table6 = PAPER_FILES["table6_width.tex"]
    assert "\\begin{tabular}{lrrrrr}" in table6  # model, top-1, then printed and model for MACs and params
    assert "& \\multicolumn{1}{c}{ImageNet top-1 (\\%)} & \\multicolumn{2}{c}{Mult-adds (M)}" in table6
    assert "\\cmidrule(lr){2-2}\\cmidrule(lr){3-4}\\cmidrule(lr){5-6}" in table6


# --- Paper tables: numbers restated independently -------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "points", "knobs"),
    [
        ("table6_width", [(1.0, 224), (0.75, 224), (0.5, 224), (0.25, 224)], {}),
        ("table7_resolution", [(1.0, 224), (1.0, 192), (1.0, 160), (1.0, 128)], {}),
        ("table8_mobilenet_rows", [(1.0, 224)], {}),
        ("table9_mobilenet_rows", [(0.5, 160)], {}),
        ("table10_stanford_dogs", [(1.0, 224), (0.75, 224), (1.0, 192), (0.75, 192)], {"classes": 120}),
    ],
)
def test_network_tables_read_back_as_exact_model_values(stem, points, knobs):
    table = paper_csv(stem)
    expected = [costs(a, r, **knobs) for a, r in points]
    assert table.macs_model.tolist() == [e["macs"] for e in expected]
    assert table.params_model.tolist() == [e["params"] for e in expected]
    assert str(table.macs_model.dtype) == "int64"


def test_table2_shares_and_the_conv3x3_erratum():
    table = paper_csv("table2_layer_types")
    assert table.layer_type.tolist() == ["Conv 1x1", "Conv DW 3x3", "Conv 3x3", "Fully Connected"]
    assert table.macs.tolist() == [539492352, 17385984, 112 * 112 * 27 * 32, 1024 * 1000]
    assert table.macs.sum() == 568740352
    # the printed params shares are of the 4,209,088 weights (no classifier bias)
    assert table.params.sum() == 4209088
    assert table.macs_share_printed.tolist() == [94.86, 3.06, 1.19, 0.18]
    shares = [round(100 * m / 568740352, 4) for m in (539492352, 17385984, 10838016, 1024000)]
    assert table.macs_share_model.tolist() == shares
    assert table.macs_share_status.tolist() == ["matches", "matches", "differs", "matches"]
    assert (table.params_share_status == "matches").all()
    markdown = PAPER_FILES["table2_layer_types.md"]
    assert "| Conv 3x3 | 10,838,016 | 1.19<sup>a</sup> | 1.91 | differs |" in markdown
    assert "<sup>a</sup> Printed 1.19 %; the model gives 1.9056 %" in markdown
    assert "1.19\\textsuperscript{a}" in PAPER_FILES["table2_layer_types.tex"]


def test_table3_one_layer():
    table = paper_csv("table3_one_layer")
    macs = [3 * 3 * 512 * 512 * 14 * 14, (9 * 512 + 512 * 512) * 196, (9 * 384 + 384 * 384) * 196,
            (9 * 384 + 384 * 384) * 100]  # fmt: skip
    params = [9 * 512 * 512, 9 * 512 + 512 * 512, 9 * 384 + 384 * 384, 9 * 384 + 384 * 384]
    assert table.macs_model.tolist() == macs
    assert table.params_model.tolist() == params
    assert table.macs_printed.tolist() == [462, 52.3, 29.6, 15.1]
    assert (table.macs_status == "matches").all() and (table.params_status == "matches").all()


def test_tables_4_and_5_variants_and_footnotes():
    t4 = paper_csv("table4_separable_vs_full")
    assert t4.macs_model.tolist()[1] == 568740352
    assert t4.macs_status.tolist() == ["differs", "matches"]  # 4866 printed; 4867.29 with the classifier
    assert (
        "Erratum (inconsistent; architecture 4867 (4,867,293,184))"
        in PAPER_FILES["table4_separable_vs_full.md"]
    )
    t5 = paper_csv("table5_narrow_vs_shallow")
    assert t5.macs_model.tolist()[0] == costs(0.75, 224)["macs"]
    # five 14x14x512 blocks removed: each 9*512*196 + 512*512*196 mult-adds, 9*512 + 512*512 weights
    assert t5.macs_model.tolist()[1] == 568740352 - 5 * (9 * 512 + 512 * 512) * 196
    assert t5.params_model.tolist()[1] == 4210088 - 5 * (9 * 512 + 512 * 512)


def test_every_cell_that_does_not_match_has_a_footnote():
    for name, text in PAPER_FILES.items():
        if not name.endswith(".csv"):
            continue
        table = pd.read_csv(io.StringIO(text))
        stem = name.removesuffix(".csv")
        markdown = PAPER_FILES[f"{stem}.md"]
        for column in [c for c in table.columns if c.endswith("_status")]:
            wrong = int((table[column] != "matches").sum())
            assert markdown.count("</sup> Printed") >= wrong, (stem, column)
    t7 = paper_csv("table7_resolution")
    assert t7.macs_status.tolist() == ["matches", "matches", "continuous rho", "matches"]
    assert (
        "Printed 290 M; the model gives 290.68 M (290,675,200 mult-adds); the printed figure is that of "
        "ρ = 0.714 taken as a continuous factor (224 × 0.714 = 159.936 px: 290.44 M)"
        in (PAPER_FILES["table7_resolution.md"])
    )
    assert paper_csv("table9_mobilenet_rows").macs_status.tolist() == ["continuous rho"]


def test_one_explanation_of_290_everywhere():
    """The README, the docs, the paper exports and the errata explain 290 M one way: continuous ρ."""
    root = Path(__file__).resolve().parent.parent
    texts = {
        path: path.read_text(encoding="utf-8")
        for path in [root / "README.md", *(root / "docs").glob("*.md"), *(root / "costmodel").rglob("*.py"),
                     *(root / "tables").glob("*")]
    }  # fmt: skip
    texts.update({Path(name): text for name, text in PAPER_FILES.items()})
    claims = [str(p) for p, text in texts.items() if "paper truncated" in text or "`truncated`" in text]
    assert claims == []
    assert "159.936 px" in texts[root / "README.md"] and "159.936 px" in PAPER_FILES["README.md"]


def test_readme_names_every_file_and_its_convention():
    readme = PAPER_FILES["README.md"]
    for name in PAPER_FILES:
        if name != "README.md":
            assert f"`{name}`" in readme
    assert readme.count("Convention: ") == 9
    assert "classes=120" in readme


# --- CSV rules -------------------------------------------------------------------------------------------


def test_csv_neutralises_formulas_and_reads_back():
    table = ExportTable(
        columns=(
            Column("label", "Label"),
            Column("macs", "MACs", "count"),
            Column("share", "Share", "number"),
        ),
        rows=(
            {"label": "=1+2", "macs": 10**12 + 7, "share": Fraction(1, 3)},
            {"label": "+cmd", "macs": 0, "share": Decimal("1.19")},
            {"label": "-2", "macs": 5, "share": None},
            {"label": "@SUM(A1)", "macs": 1, "share": Fraction(1, 2)},
            {"label": "\tx", "macs": 2, "share": Fraction(3)},
            {"label": "plain, with comma", "macs": 3, "share": Fraction(1, 8)},
        ),
    )
    text = table.to_csv()
    assert text.splitlines()[0] == "label,macs,share"
    back = pd.read_csv(io.StringIO(text))
    assert back.label.tolist() == ["'=1+2", "'+cmd", "'-2", "'@SUM(A1)", "'\tx", "plain, with comma"]
    assert back.macs.tolist() == [10**12 + 7, 0, 5, 1, 2, 3]
    assert back.share.isna().tolist() == [False, False, True, False, False, False]
    assert back.share.dropna().tolist() == [0.333333, 1.19, 0.5, 3, 0.125]


# --- grid command ----------------------------------------------------------------------------------------


def test_grid_csv_with_sidecar(tmp_path):
    out = tmp_path / "grid.csv"
    assert main(["grid", "--alpha", "0.25,0.5,0.75,1.0", "--resolution", "128,160,192,224", "--metrics",
                 "macs,params,top1", "--format", "csv", "-o", str(out)]) == 0  # fmt: skip
    table = pd.read_csv(out)
    assert table.columns.tolist() == ["alpha", "resolution", "macs", "params", "top1_pct"]
    assert len(table) == 16
    for row in table.itertuples():
        expected = costs(row.alpha, row.resolution)
        assert (row.macs, row.params) == (expected["macs"], expected["params"])
    assert table.loc[(table.alpha == 0.5) & (table.resolution == 160), "top1_pct"].item() == 59.1
    meta = json.loads((tmp_path / "grid.meta.json").read_text())
    assert meta["convention"]["rounding"] == "slim"
    assert "2018_02_22" in meta["columns"]["top1_pct"]


def test_grid_markdown_millions_and_empty_top1(capsys):
    assert main(["grid", "--alpha", "0.5", "--resolution", "160,200", "--format", "markdown"]) == 0
    text = capsys.readouterr().out
    assert "| 0.5 | 160 | 76.52 | 1.321 | 59.1 |" in text
    assert "| 0.5 | 200 | " in text and "<sup>a</sup> No TF-slim 2018_02_22 float checkpoint" in text
    assert "Convention: MACs = mult-adds" in text


def _wide(capsys, *argv) -> str:
    grid = ["grid", "--alpha", "0.25,0.5,1.0", "--resolution", "128,160,200", "--wide", *argv]
    assert main(grid) == 0
    return capsys.readouterr().out


def test_grid_wide_is_the_alpha_by_resolution_pivot_papers_print(capsys):
    """`grid --wide`: rows alpha, columns resolution, one metric per table, in every format."""
    sides, alphas = (128, 160, 200), (0.25, 0.5, 1.0)
    table = pd.read_csv(io.StringIO(_wide(capsys, "--metrics", "macs")))
    assert table.columns.tolist() == ["alpha", "res_128", "res_160", "res_200"]
    assert table.alpha.tolist() == list(alphas)
    assert table[["res_128", "res_160", "res_200"]].values.tolist() == [
        [costs(a, r)["macs"] for r in sides] for a in alphas
    ]
    both = pd.read_csv(io.StringIO(_wide(capsys, "--metrics", "params,top1")))
    assert both.metric.tolist() == ["params"] * 3 + ["top1_pct"] * 3
    assert both[both.metric == "params"].res_200.tolist() == [costs(a, 200)["params"] for a in alphas]
    assert both[both.metric == "top1_pct"].res_160.tolist() == [45.5, 59.1, 68.0]  # TF-slim 2018_02_22 float
    assert both[both.metric == "top1_pct"].res_200.isna().all()  # no checkpoint at 200 px
    markdown = _wide(capsys, "--metrics", "macs,top1", "--format", "markdown")
    assert "| alpha | MACs (M) at resolution (px) 128 | MACs (M) at resolution (px) 160 |" in markdown
    assert "| 0.5 | 49.16 | 76.52 | 128.02 |" in markdown
    assert "| 0.5 | 56.3 | 59.1 | <sup>a</sup> |" in markdown and markdown.count("\n| alpha |") == 1
    latex = _wide(capsys, "--metrics", "macs,params", "--format", "latex", "--label", "tab:g")
    assert (
        latex.count("\\begin{table}") == 2
        and "\\label{tab:g-macs}" in latex
        and "\\label{tab:g-params}" in latex
    )
    assert "alpha & 128 & 160 & 200 \\\\" in latex and "0.5 & 49.16 & 76.52 & 128.02 \\\\" in latex


def test_grid_exact_integers(capsys):
    assert main(["grid", "--alpha", "1", "--resolution", "224", "--metrics", "macs", "--format", "markdown",
                 "--exact"]) == 0  # fmt: skip
    assert "| 1 | 224 | 568,740,352 |" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--metrics", "macs,latency"], "metric 'latency' is unknown"),
        (["--format", "xlsx"], "invalid choice: 'xlsx'"),
        (["--alpha", "0"], "alpha[0]=0.0 is out of range"),
        (["--label", "bad label{"], "label 'bad label{' is not allowed"),
    ],
)
def test_grid_bad_input_is_one_line_and_exit_2(argv, words, capsys):
    assert _status(["grid", *argv]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1


def _status(argv: list[str]) -> int:
    """Exit status of the command line, whether argparse exits or a command returns."""
    try:
        return main(argv)
    except SystemExit as exit_:
        return exit_.code


def test_unwritable_outputs_leave_nothing_behind(tmp_path, capsys):
    assert main(["grid", "-o", str(tmp_path / "no" / "grid.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    # /proc takes no new files, whoever runs the tests (a read-only folder would not stop root)
    assert main(["grid", "--format", "latex", "-o", "/proc/mobilenet-grid.tex"]) == 2
    assert main(["paper", "--out", "/proc/mobilenet-tables"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and err.count("cannot be") == 2
    assert not Path("/proc/mobilenet-grid.tex").exists()
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_removes_its_staged_files(tmp_path, monkeypatch):
    def refuse(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ValueError, match="No space left on device"):
        write_files({tmp_path / "a.csv": "x", tmp_path / "b.tex": "y"})
    assert list(tmp_path.iterdir()) == []


def test_paper_command_writes_every_file(tmp_path):
    assert main(["paper", "--out", str(tmp_path / "out")]) == 0
    written = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "out").iterdir()}
    assert written == PAPER_FILES
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]


def test_file_path_of_paper_out_is_refused(tmp_path, capsys):
    target = tmp_path / "a_file"
    target.write_text("keep me")
    assert main(["paper", "--out", str(target)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert Path(target).read_text() == "keep me"


def test_grid_under_the_smooth_model_keeps_the_fractions(capsys):
    assert (
        main(["grid", "--alpha", "0.3", "--resolution", "150", "--metrics", "params", "--rounding", "smooth"])
        == 0
    )
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    # no rounding: pointwise weights scale with alpha^2; depthwise, stem and classifier weights with alpha
    pointwise, linear = 3_139_584, 44_640 + 864 + 1_024_000
    assert table.params.tolist() == [pytest.approx(pointwise * 0.09 + linear * 0.3 + 1000, abs=1e-9)]
    assert table.params.tolist() == [604413.76]
