"""Rich display of result objects: compact HTML (truncated with a note), readable reprs, exports never truncated."""

import io

import pandas as pd
from independent_counter import costs

import costmodel
from costmodel import render
from costmodel.architecture import LAYER_NAMES
from costmodel.paper_tables import paper_tables


def test_long_report_tables_are_truncated_in_html_with_a_note():
    r = costmodel.report(alpha=0.5, rho=0.714)
    html = render.report_html(r, max_rows=10)
    assert "… 19 rows not shown …" in html
    assert html.count("<tr><td>") == 10 and html.count("<tr><td colspan") == 1  # ten layers, one note
    assert "Conv2d_0" in html and "Logits" in html and "Conv2d_7_pointwise" not in html
    assert f"{costs(0.5, 160)['macs']:,} MACs" in html  # the totals stay whole


def test_exports_are_never_truncated():
    r = costmodel.report(alpha=0.5, rho=0.714)
    table = pd.read_csv(io.StringIO(r.as_csv()))
    assert table.layer.tolist() == list(LAYER_NAMES)
    assert table.macs.sum() == costs(0.5, 160)["macs"]
    for text in (r.as_markdown(), r.as_latex(), r.as_text()):
        assert all(name.replace("_", "\\_") in text or name in text for name in LAYER_NAMES)


def test_reprs_are_one_readable_line():
    r = costmodel.report(alpha=0.5, rho=0.714)
    assert repr(r) == "<Report alpha=0.5 resolution=160 rounding=slim macs=76,524,800 params=1,320,648>"
    table2 = paper_tables()[0]
    assert repr(table2) == "<PaperTable 2 'Resource per layer type': 4 rows, 1 footnotes>"
    assert repr(table2.table).startswith("<ExportTable 'Paper Table 2: Resource per layer type")
    assert table2._repr_markdown_() == table2.table.to_markdown()
