"""The one table object: its six writers, escaping in each format, and every result object writing through it."""

import csv
import io
import json
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest
from costmodel.dashboard.formatting import markdown_table

import costmodel
import costmodel.output.table as table_module
from costmodel.counting.reconcile_format import (
    reconcile_csv,
    reconcile_json,
    reconcile_markdown,
    reconcile_text,
)
from costmodel.output.frame_format import frame_as_csv, frame_as_latex, frame_as_text
from costmodel.output.table import Column, ExportTable, html_block
from costmodel.paper.grid import grid_table
from costmodel.paper.tables import paper_tables

COLUMNS = (
    Column("name", "Name"),
    Column("macs", "MACs", kind="count"),
    Column("share", "Share (%)", kind="number", digits=1),
)
TABLE = ExportTable(
    columns=COLUMNS,
    rows=({"name": "conv", "macs": 1234567, "share": Fraction(1, 8) * 100}, {"name": "fc", "macs": 7, "share": None}),
    caption="Demo",
    marks={(1, "macs"): "a"},
    footnotes=(("a", "Counted once."),),
    footer=({"name": "Total", "macs": 1234574},),
)


def test_text_aligns_text_left_numbers_right_with_a_rule_and_footer():
    assert TABLE.to_text() == "\n".join([
        "Name        MACs  Share (%)",
        "-----  ---------  ---------",
        "conv   1,234,567       12.5",
        "fc           7^a",
        "-----  ---------  ---------",
        "Total  1,234,574",
        "",
        "Demo.",
        "",
        "^a Counted once.",
    ])  # fmt: skip
    assert TABLE.to_text(gap=1, rule=False).splitlines()[:2] == ["Name       MACs Share (%)", "conv  1,234,567      12.5"]


def test_html_is_an_escaped_table_with_caption_footer_and_footnotes():
    assert TABLE.to_html(styled=False) == (
        "<table><caption>Demo.</caption>"
        '<thead><tr><th>Name</th><th class="num">MACs</th><th class="num">Share (%)</th></tr></thead>'
        '<tbody><tr><td>conv</td><td class="num">1,234,567</td><td class="num">12.5</td></tr>'
        '<tr><td>fc</td><td class="num">7<sup>a</sup></td><td class="num"></td></tr></tbody>'
        '<tfoot><tr><td>Total</td><td class="num">1,234,574</td><td class="num"></td></tr></tfoot></table>'
        "<p><small><sup>a</sup> Counted once.</small></p>"
    )
    assert TABLE.to_html() == html_block(TABLE.to_html(styled=False))
    assert TABLE._repr_html_() == TABLE.to_html()
    many = ExportTable(columns=COLUMNS[:1], rows=tuple({"name": str(i)} for i in range(9)))
    short = many.to_html(max_rows=4, styled=False)
    assert '<tr><td colspan="1">… 5 rows not shown …</td></tr>' in short
    assert short.count("<tr><td>") == 4 and "<td>0</td>" in short and "<td>8</td>" in short


def test_json_keeps_exact_values():
    rows = ({"name": "x", "macs": 10**20 + 1, "share": Decimal("70.6")}, {"name": "y", "macs": None, "share": 0.5})
    table = ExportTable(columns=COLUMNS, rows=rows, caption="Demo", notes=("Paper convention",))
    assert json.loads(table.to_json()) == {
        "caption": "Demo",
        "notes": ["Paper convention"],
        "rows": [{"name": "x", "macs": 10**20 + 1, "share": 70.6}, {"name": "y", "macs": None, "share": 0.5}],
    }
    meta = json.loads(table.to_json(meta={"alpha": 0.5}, rows_key="layers"))
    assert list(meta) == ["alpha", "layers"] and meta["layers"][0]["macs"] == 100000000000000000001


TRICKY = "a|b <i>&amp; 50% $x_1$ {y} ~^ \\ α×ρ\nnext"


def test_every_format_escapes_text():
    table = ExportTable(columns=(Column("t", "t|<h>&"), Column("formula", "f")),
                        rows=({"t": TRICKY, "formula": "=1+2"},), caption="c & <d>")  # fmt: skip
    markdown = table.to_markdown()
    assert r"a\|b <i>&amp; 50% $x_1$ {y} ~^ \ α×ρ next" in markdown and r"| t\|<h>& | f |" in markdown
    html = table.to_html()
    assert "a|b &lt;i&gt;&amp;amp; 50%" in html and "<th>t|&lt;h&gt;&amp;</th>" in html
    assert "<caption>c &amp; &lt;d&gt;.</caption>" in html
    latex = table.to_latex()
    assert (r"a|b <i>\&amp; 50\% \$x\_1\$ \{y\} \textasciitilde{}\textasciicircum{} \textbackslash{} "
            r"$\alpha$$\times$$\rho$") in latex  # fmt: skip
    assert r"\caption{c \& <d>.}" in latex
    (row,) = list(csv.DictReader(io.StringIO(table.to_csv())))
    assert row == {"t": TRICKY, "formula": "'=1+2"}  # quoted multi-line cell, formula neutralised
    assert json.loads(table.to_json())["rows"] == [{"t": TRICKY, "formula": "=1+2"}]
    assert TRICKY.split("\n")[0] in table.to_text()


def _shown_outputs() -> dict[str, str]:
    """Every human-readable view of every result object."""
    r = costmodel.report(alpha=0.5, rho=0.714)
    reconciled = costmodel.reconcile(0.5, resolution=160, presets=["paper", "torch-flops"])
    paper = paper_tables()[0]
    grid = grid_table([Decimal("0.5")], [160], ["macs", "params"])
    reference = costmodel.load_table("slim_checkpoints").head(3)
    points = pd.DataFrame([(a, s) for a in (0.25, 0.5, 0.75, 1.0) for s in (128, 160, 192, 224)],
                          columns=["alpha", "resolution"])  # fmt: skip
    points["latency_ms"] = 1.5
    slim = costmodel.load_table("slim_checkpoints")
    quant = slim[(slim.release == "2018_08_02") & (slim.dtype == "quant")]
    return {
        "report text": r.as_text(), "report markdown": r.as_markdown(), "report latex": r.as_latex(),
        "report html": r._repr_html_(),
        "reconcile text": reconcile_text(reconciled), "reconcile markdown": reconcile_markdown(reconciled),
        "paper markdown": paper._repr_markdown_(), "paper latex": paper.table.to_latex(),
        "grid markdown": grid.to_markdown(), "grid latex": grid.to_latex(),
        "reference text": frame_as_text(reference), "reference latex": frame_as_latex(reference),
        "latency model": costmodel.LatencyModel.fit(points)._repr_html_(),
        "accuracy model": costmodel.AccuracyModel.fit(quant)._repr_html_(),
        "dashboard markdown": markdown_table(["block", "ratio"], [(1, "0.14236")]),
    }  # fmt: skip


def test_every_shown_view_formats_its_cells_through_the_one_table(monkeypatch):
    plain = _shown_outputs()
    shown = table_module.display_value
    monkeypatch.setattr(table_module, "display_value", lambda column, value: "Q" + shown(column, value))
    marked = _shown_outputs()
    for name, text in marked.items():
        assert text != plain[name] and "Q" in text, name


def test_every_export_goes_through_the_one_table(monkeypatch):
    calls = []
    for writer in ("to_csv", "to_json"):
        original = getattr(table_module, writer)
        monkeypatch.setattr(table_module, writer, lambda *a, _w=original, _n=writer, **k: calls.append(_n) or _w(*a, **k))
    r = costmodel.report(alpha=0.5, rho=0.714)
    reconciled = costmodel.reconcile(0.5, resolution=160, presets=["paper"])
    outputs = [r.as_csv(), r.as_json(), reconcile_csv(reconciled), reconcile_json(reconciled),
               paper_tables()[0].table.to_csv(), grid_table([Decimal("0.5")], [160], ["macs"]).to_csv(),
               frame_as_csv(costmodel.load_table("errata"))]  # fmt: skip
    assert calls == ["to_csv", "to_json", "to_csv", "to_json", "to_csv", "to_csv", "to_csv"]
    assert all(outputs)


@pytest.mark.parametrize("label", ["tab:ok", None])
def test_latex_has_booktabs_rules_and_footer_under_a_midrule(label):
    latex = TABLE.to_latex(label=label)
    lines = latex.splitlines()
    assert lines[lines.index(r"fc & 7\textsuperscript{a} &  \\") + 1 :][:2] == [r"\midrule", r"Total & 1\,234\,574 &  \\"]
    assert (r"\label{tab:ok}" in latex) == (label is not None)


def test_a_column_refuses_an_unknown_kind_or_alignment():
    with pytest.raises(ValueError, match=r"column 'x': kind 'counts' is not one of 'text', 'count'"):
        Column("x", "X", kind="counts")
    with pytest.raises(ValueError, match=r"column 'x': align 'centre' is not one of '', 'left', 'right'"):
        Column("x", "X", align="centre")
