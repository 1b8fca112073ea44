"""Rich display of result objects: compact HTML (truncated with a note), readable reprs, exports never truncated."""

import io

import pandas as pd
import pytest
from independent_counter import costs

import costmodel
from costmodel.core import report_format as render
from costmodel.core.architecture import LAYER_NAMES
from costmodel.paper.tables import paper_tables


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


def test_fitted_models_display_as_compact_html():
    grid = pd.DataFrame([(a, r) for a in (0.25, 0.5, 0.75, 1.0) for r in (128, 160, 192, 224)],
                        columns=["alpha", "resolution"])  # fmt: skip
    grid["latency_ms"] = 1.5  # a device whose latency does not depend on the network: only the constant
    html = costmodel.LatencyModel.fit(grid)._repr_html_()
    assert "<td>constant</td><td>1.5</td><td>ms</td>" in html
    assert "<td>macs_pw</td><td>0</td>" in html
    assert "16 points; leave-one-out: 100.0% within ±10%" in html
    slim = costmodel.load_table("slim_checkpoints")
    quant = slim[(slim.release == "2018_08_02") & (slim.dtype == "quant")]
    html = costmodel.AccuracyModel.fit(quant)._repr_html_()
    assert "<th>term</th><th>coefficient</th>" in html and html.count("<tr><td>") == 6
    assert "outliers (&gt; 2 points): 0.75-128 (gap -4.33)" in html
    assert "Estimates, not measurements." in html


def test_notebook_html_carries_its_own_scoped_style():
    """Outside Jupyter (a browser, an HTML viewer, an email) the HTML still reads as a table: the style travels
    with it, and every rule is scoped to the block, so it styles nothing else on the page."""
    slim = costmodel.load_table("slim_checkpoints")
    quant = slim[(slim.release == "2018_08_02") & (slim.dtype == "quant")]
    views = {
        "report": costmodel.report(alpha=0.5, rho=0.714)._repr_html_(),
        "accuracy model": costmodel.AccuracyModel.fit(quant)._repr_html_(),
        "paper table": paper_tables()[0].table._repr_html_(),
    }
    for name, html in views.items():
        assert html.startswith('<div class="mc-table') and html.count("<style>") == 1, name
        style = html[html.index("<style>") + 7 : html.index("</style>")]
        rules = [rule.split("{")[0] for rule in style.split("}") if rule]
        assert rules and all(s.strip().startswith(".mc-table") for r in rules for s in r.split(",")), rules
    assert '<td class="num">2,764,800</td>' in views["report"] and "<td>Conv2d_0</td>" in views["report"]


@pytest.mark.slow
def test_notebook_html_reads_well_in_a_plain_browser(tmp_path):
    """The report's HTML opened as a bare file in Chromium: numbers right-aligned, rules under the header,
    collapsed borders; a paragraph outside the block keeps the browser's defaults."""
    from app_testing import chromium
    from selenium.webdriver.common.by import By

    page = tmp_path / "report.html"
    html = costmodel.report(alpha=0.5, rho=0.714)._repr_html_()
    page.write_text(f"<!doctype html><html lang='en'><body><p id='outside'>outside</p>{html}</body></html>")
    with chromium("800,900") as driver:
        driver.get(page.as_uri())
        style = driver.execute_script
        number = driver.find_element(By.CSS_SELECTOR, "td.num")
        assert style("return getComputedStyle(arguments[0]).textAlign", number) == "right"
        table = driver.find_element(By.CSS_SELECTOR, ".mc-table table")
        assert style("return getComputedStyle(arguments[0]).borderCollapse", table) == "collapse"
        header = driver.find_element(By.CSS_SELECTOR, ".mc-table thead th")
        assert style("return getComputedStyle(arguments[0]).borderBottomWidth", header) == "2px"
        outside = driver.find_element(By.ID, "outside")
        assert "system-ui" not in style("return getComputedStyle(arguments[0]).fontFamily", outside)
        driver.save_screenshot(str(tmp_path / "report_html.png"))
