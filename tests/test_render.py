"""Report rendering: CSV round trip, Markdown, LaTeX (booktabs), HTML and the notebook hooks."""

import io
import math
from fractions import Fraction

import pandas as pd

import costmodel


def test_csv_reads_back_to_the_same_integers():
    r = costmodel.report(alpha=0.75, resolution=192, bn="all")
    frame = pd.read_csv(io.StringIO(r.as_csv()))
    assert list(frame.columns) == list(r.table.columns)
    assert frame.macs.tolist() == r.table.macs.tolist()
    assert int(frame.params.sum()) == r.totals["params"]


def test_latex_is_booktabs_with_convention_and_sources():
    text = costmodel.report(alpha=0.5, rho=0.714).as_latex(caption="Costs & more", label="tab:costs")
    for piece in (r"\toprule", r"\midrule", r"\bottomrule", r"\label{tab:costs}", r"Costs \& more",
                  r"Conv2d\_0", "arXiv:1704.04861", "rounding=slim", "snapped to resolution 160"):  # fmt: skip
        assert piece in text, piece
    assert r"76\,524\,800" in text


def test_markdown_and_text_carry_totals():
    r = costmodel.report()
    assert "| Conv2d_0 | conv |" in r.as_markdown()
    assert "568,740,352 MACs" in str(r)
    assert repr(r) == "<Report alpha=1 resolution=224 rounding=slim macs=568,740,352 params=4,210,088>"


def test_notebook_displays():
    r = costmodel.report(alpha=0.5, rho=0.714)
    html = r._repr_html_()
    assert "76,524,800" in html and "Convention:" in html and "<table>" in html
    latex = r._repr_latex_()
    assert latex.startswith("$") and r"76\,524\,800" in latex and r"\alpha^{2}" in latex


def test_html_truncates_long_tables_but_exports_do_not():
    from costmodel.core.report_format import report_html

    r = costmodel.report()
    short = report_html(r, max_rows=10)
    assert "19 rows not shown" in short
    assert short.count("<tr>") == 1 + 10 + 1
    assert r.as_csv().count("\n") == 1 + 29


def test_smooth_report_is_exact_rational():
    r = costmodel.report(alpha=0.5, rho=0.714, rounding="smooth")
    assert r.point.resolution == Fraction(159936, 1000)
    assert repr(r).endswith("macs=76,464,001.92 params=1,320,648>")
    expected = (539492352 / 4 + 28224000 / 2) * 0.714**2 + 512000
    assert math.isclose(float(r.totals["macs"]), expected, rel_tol=1e-12)
    assert "smooth model" in r.notes[0]
    by_side = costmodel.report(alpha=0.5, resolution=161, rounding="smooth").totals
    assert all(isinstance(v, int | Fraction) for v in by_side.values())
    assert by_side["activations"] == Fraction(5042688 * 161**2, 2 * 224**2) + 512 + 1000
