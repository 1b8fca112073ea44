"""Figures for papers: kaleido with one Chromium per batch, sized for one column, atomic files, bad input."""

import struct
from pathlib import Path

import kaleido
import plotly.graph_objects as go
import pytest

from costmodel.cli import main
from costmodel.present.figure_files import FigureFile, export_figures, paper_style, render_figures


def _figure() -> go.Figure:
    return paper_style(go.Figure(go.Bar(x=["conv", "dw", "pw"], y=[10838016, 17385984, 539492352])))


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.slow
def test_one_column_wide_at_300_dpi_and_vector_formats(tmp_path):
    figures = [FigureFile(_figure(), tmp_path / f"bars.{fmt}", fmt) for fmt in ("png", "svg", "pdf")]
    export_figures(figures)
    width, height = _png_size((tmp_path / "bars.png").read_bytes())
    assert (width, height) == (1050, 781)  # 3.5 in x 2.6 in: 336 x 250 CSS px, scaled by 300/96
    svg = (tmp_path / "bars.svg").read_text()
    assert svg.startswith("<svg") and 'width="336"' in svg and 'height="250"' in svg
    assert (tmp_path / "bars.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bars.pdf", "bars.png", "bars.svg"]


@pytest.mark.slow
def test_one_browser_for_a_batch(monkeypatch, tmp_path):
    starts = []
    real_start = kaleido.start_sync_server
    monkeypatch.setattr(kaleido, "start_sync_server", lambda *a, **k: starts.append(1) or real_start(*a, **k))
    rendered = render_figures([FigureFile(_figure(), tmp_path / f"{i}.svg", "svg") for i in range(3)])
    assert len(rendered) == 3 and all(data.startswith(b"<svg") for data in rendered.values())
    assert starts == [1]


def test_paper_style_sets_inches_and_print_fonts():
    fig = paper_style(go.Figure(), width_in=7.0, height_in=3.0)
    assert (fig.layout.width, fig.layout.height, fig.layout.font.size) == (672, 288, 9)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (
            ["figure", "pie", "-o", "x.png"],
            "figure 'pie' is unknown; choose from frontier, layers, reconcile",
        ),
        (["figure", "layers", "--format", "gif", "-o", "x.gif"], "invalid choice: 'gif'"),
        (["figure", "layers", "-o", "x.jpg"], "give --format (png, svg, pdf) or one of those suffixes"),
        (["figure", "layers", "--width-in", "100", "-o", "x.png"], "--width-in=100.0 is out of range"),
        (["figure", "layers", "--alpha", "abc", "-o", "x.png"], "--alpha: 'abc' is not a number"),
        (["figure", "layers", "-o", "/proc/no-such/x.png"], "folder '/proc/no-such' cannot be created"),
        (["figure", "layers", "reconcile", "-o", "x.png"], "figures written to a folder need --format"),
        (["figure", "latency", "-o", "x.png"], "figure 'latency' is drawn from a latency dataset"),
        (
            ["figure", "layers", "--dataset", "tflite-pixel2-cpu-float", "-o", "x.png"],
            "--dataset is used only",
        ),
        (["figure", "latency", "--dataset", "no-such-set", "-o", "x.png"], "'no-such-set' does not exist"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, words, capsys):
    try:
        status = main(argv)
    except SystemExit as exit_:
        status = exit_.code
    assert status == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1
    assert not Path("x.png").exists() and not Path("x.jpg").exists()


@pytest.mark.slow
def test_unwritable_target_leaves_nothing(tmp_path):
    with pytest.raises(ValueError, match="cannot be written"):
        export_figures([FigureFile(_figure(), Path("/proc/mobilenet-figure.png"), "png")])
    assert not Path("/proc/mobilenet-figure.png").exists()


@pytest.mark.slow
def test_figure_command_writes_all_three_with_the_dashboard_builders(tmp_path, capsys):
    argv = ["figure", "frontier", "layers", "reconcile", "--alpha", "0.5", "--resolution", "160"]
    assert main([*argv, "--format", "png", "-o", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["frontier.png", "layers.png", "reconcile.png"]
    for path in tmp_path.iterdir():
        assert _png_size(path.read_bytes())[0] == 1050  # one 3.5 in column at 300 dpi
    assert main(["figure", "layers", "--width-in", "7", "-o", str(tmp_path / "wide.svg")]) == 0
    assert 'width="672"' in (tmp_path / "wide.svg").read_text()


@pytest.mark.slow  # kaleido renders
def test_missing_output_folders_are_created(tmp_path, capsys):
    assert main(["figure", "layers", "-o", str(tmp_path / "figs" / "layers.svg")]) == 0
    assert (tmp_path / "figs" / "layers.svg").read_text().startswith("<svg")
    assert main(["figure", "layers", "--format", "svg", "-o", f"{tmp_path / 'new'}/"]) == 0
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["layers.svg"]


def test_frontier_figure_data_are_exact_costs_and_the_estimated_design_point():
    from independent_counter import costs

    from costmodel.paper.figures import build_figure

    fig = build_figure("frontier", 0.5, 160)
    star = next(t for t in fig.data if t.name == "0.5-160 (estimate)")
    assert list(star.x) == [costs(0.5, 160)["macs"]]
    by_alpha = {t.name: list(t.x) for t in fig.data if t.name.startswith("α = ")}
    assert by_alpha["α = 0.25"] == [costs(0.25, r)["macs"] for r in (128, 160, 192, 224)]
    reconcile = build_figure("reconcile", 1.0, 224)
    assert [t.name for t in reconcile.data] == ["bias", "bn", "activation", "pool"]
    paper_row = [list(t.y).index("paper") for t in reconcile.data]
    assert all(t.x[i] == 0 for t, i in zip(reconcile.data, paper_row, strict=True))
    assert "torch-flops (FLOPs ÷ 2)" in reconcile.data[0].y


def test_latency_figures_draw_the_dataset_and_its_left_out_errors(tmp_path):
    import csv

    from costmodel.paper.figures import build_figure

    table = Path(__file__).resolve().parents[1] / "tables" / "tflite_hosted_latency.csv"
    with table.open(encoding="utf-8") as handle:
        published = {
            (float(r["alpha"]), int(r["resolution"])): float(r["tflite_cpu_ms"])
            for r in csv.DictReader(handle)
            if r["table_version"] == "hosted_pixel2" and r["dtype"] == "float"
        }
    fig = build_figure("latency", 1.0, 224, dataset="tflite-pixel2-cpu-float", db=tmp_path / "db.sqlite3")
    markers = [t for t in fig.data if t.mode == "markers"]
    drawn = {
        (float(t.name.split("= ")[1]), int(r)): y
        for t in markers
        for r, y in zip(t.customdata, t.y, strict=True)
    }
    assert drawn == published
    residuals = build_figure("latency-residuals", 1.0, 224, dataset="tflite-pixel2-cpu-float")
    errors = [e for t in residuals.data for e in t.y]
    assert len(errors) == 16 and all(abs(e) <= 10 for e in errors)  # the Pixel 2 table is met at ±10 %


def test_a_dataset_too_small_to_fit_has_no_residual_figure(tmp_path):
    from costmodel.latency.importer import import_latency
    from costmodel.paper.figures import build_figure

    db = tmp_path / "db.sqlite3"
    import_latency("alpha,resolution,latency_ms\n1,224,5\n", device="d", dataset="one", db=db)
    assert list(build_figure("latency", 1.0, 224, dataset="one", db=db).data[0].y) == [5.0]
    with pytest.raises(ValueError, match="has no latency model to show errors of: No fit: 1 point"):
        build_figure("latency-residuals", 1.0, 224, dataset="one", db=db)


def test_the_shared_template_has_the_defaults_of_every_trace_type_a_figure_draws():
    """The dashboard's figures carry a template cut to the trace types they draw; one drawn without its
    defaults would look different from the go.Figure it stands for."""
    import ast
    from pathlib import Path

    import plotly.io as pio

    from costmodel.present.figures import TRACE_TYPES, plotly_template

    with_defaults = set(pio.templates[pio.templates.default].to_plotly_json()["data"])
    root = Path(__file__).resolve().parents[1]
    drawn = set()
    for path in [*root.joinpath("costmodel", "present").glob("*.py"), *root.joinpath("app").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "type" and isinstance(value, ast.Constant):
                        drawn.add(value.value)
    assert {"bar", "scatter", "heatmap", "contour", "parcoords"} <= drawn  # the scan finds the figures' traces
    assert drawn & with_defaults <= set(TRACE_TYPES) == set(plotly_template()["data"])
