"""The tour notebook runs top to bottom in a fresh kernel, and its rich outputs carry the right numbers."""

import json
import sys
from pathlib import Path

import nbformat
import pytest
from independent_counter import costs
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "tour.ipynb"

# Restated from the architecture (paper Tables 1 and 2), not from costmodel.
PAPER_MACS, PAPER_PARAMS = 568_740_352, 4_210_088
POINTWISE, DEPTHWISE, STEM, CLASSIFIER = 539_492_352, 17_385_984, 112 * 112 * 27 * 32, 1024 * 1000


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook executed by a kernel running this interpreter, with the checkout importable."""
    kernels = tmp_path_factory.mktemp("jupyter") / "kernels" / "python3"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (this interpreter)",
                "language": "python",
                "env": {"PYTHONPATH": str(ROOT)},
            }
        )
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(kernels.parents[1]))
        patch.setenv("MOBILENET_COST_DB", str(tmp_path_factory.mktemp("db") / "latency.sqlite3"))
        notebook = nbformat.read(NOTEBOOK, as_version=4)
        NotebookClient(
            notebook, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(ROOT)}}
        ).execute()  # raises CellExecutionError on the first failing cell
    return notebook


def _cell(notebook, tag: str):
    cells = [c for c in notebook.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"one cell tagged {tag!r} expected"
    return cells[0]


def _data(cell, mime: str) -> str:
    found = [o["data"][mime] for o in cell.outputs if mime in o.get("data", {})]
    assert found, f"no {mime} output in cell {cell.source[:40]!r}"
    return "".join(found[-1]) if isinstance(found[-1], list) else found[-1]


def _text(cell) -> str:
    streams = "".join(o.get("text", "") for o in cell.outputs if o["output_type"] == "stream")
    results = "".join(o["data"].get("text/plain", "") for o in cell.outputs if "data" in o)
    return streams + results


def test_saved_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:40]


def test_no_cell_wrote_an_error(executed):
    for cell in executed.cells:
        if cell.cell_type == "code":
            assert not [o for o in cell.outputs if o["output_type"] == "error"]
            assert "Traceback" not in _text(cell)


def test_report_at_the_paper_design_point_displays_its_totals(executed):
    cell = _cell(executed, "report-paper")
    html = _data(cell, "text/html")
    assert f"{PAPER_MACS:,} MACs" in html and f"{PAPER_PARAMS:,} params" in html
    assert "Convention:" in html and html.count("<tr>") == 1 + 29  # header + one row per layer
    latex = _data(cell, "text/latex")
    assert "568\\,740\\,352" in latex and "4\\,210\\,088" in latex
    assert "alpha" in latex and "rho" in latex  # the closed forms in α and ρ
    assert "macs=568,740,352" in _data(cell, "text/plain")


def test_report_at_half_width_and_rho_0714_displays_its_totals(executed):
    expected = costs(0.5, 160)
    cell = _cell(executed, "report-half")
    html = _data(cell, "text/html")
    assert "resolution=160" in html and "snapped to resolution 160" in html
    assert f"{expected['macs']:,} MACs" in html and f"{expected['params']:,} params" in html
    latex = _data(cell, "text/latex")
    assert f"{expected['macs']:,}".replace(",", "\\,") in latex
    totals = _text(_cell(executed, "totals-half"))
    assert f"'macs': {expected['macs']}" in totals and f"'params': {expected['params']}" in totals


def test_closed_forms_and_derivative(executed):
    shown = [o["data"]["text/latex"] for o in _cell(executed, "closed-forms").outputs if "data" in o]
    assert len(shown) == 2
    assert f"{POINTWISE} \\alpha^{{2}} \\rho^{{2}}" in shown[0] and "mathrm{MACs}" in shown[0]
    assert "mathrm{params}" in shown[1]
    # d/dalpha at (1, 1): the pointwise MACs scale with alpha^2, the stem, depthwise and classifier with alpha
    slope = 2 * POINTWISE + DEPTHWISE + STEM + CLASSIFIER
    assert _data(_cell(executed, "derivative"), "text/plain") == str(slope)


def test_reduction_proof_and_sweep(executed):
    proof = _cell(executed, "proof")
    assert "both ratios equal 1/N + 1/D_K²: True" in _text(proof) and "D_K**" not in _text(proof)
    assert "\\frac" in _data(proof, "text/latex")
    assert "64 design points" in _text(_cell(executed, "sweep"))  # 16 alphas x 4 resolutions
    figure = _cell(executed, "sweep-figure")
    assert any("application/vnd.plotly.v1+json" in o.get("data", {}) for o in figure.outputs)


def test_paper_table_shows_the_table2_erratum(executed):
    markdown = _data(_cell(executed, "paper-table-2"), "text/markdown")
    assert "| Conv 3x3 | 10,838,016 | 1.19<sup>a</sup> | 1.91 | differs |" in markdown


def test_later_sections_show_their_results(executed):
    assert "fvcore" in _data(_cell(executed, "reconcile"), "text/html")
    assert f"{costs(0.5, 160)['macs']:,} MACs, estimated top-1" in _text(_cell(executed, "frontier"))
    assert "best published checkpoint within 100,000,000 MACs" in _text(_cell(executed, "budget"))
    latency = _cell(executed, "latency")
    assert "predicted latency at alpha=0.5, 160 px" in _text(latency)
    assert "16 points; leave-one-out: " in _data(latency, "text/html")  # the 16 hosted configurations


def test_frontier_figure_marks_the_design_point(executed):
    figure = _data(_cell(executed, "frontier-figure"), "application/vnd.plotly.v1+json")
    star = next(t for t in figure["data"] if t["name"] == "0.5-160 (estimate)")
    assert star["x"] == [costs(0.5, 160)["macs"]]
