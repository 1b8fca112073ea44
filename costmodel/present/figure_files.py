"""Plotly figures as PNG, SVG or PDF for a paper: one column wide, print-sized fonts, one browser for all.

Kaleido drives a Chromium; Debian's ``/usr/bin/chromium`` is used when ``BROWSER_PATH`` is not set.
:func:`export_figures` starts one browser for a whole batch of figures and stops it afterwards.

>>> fig = paper_style(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])), width_in=3.5, height_in=2.5)
>>> fig.layout.width, fig.layout.height, fig.layout.font.size
(336, 240, 9)
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go

from costmodel.output.files import check_targets, write_files

FIGURE_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
CSS_PX_PER_INCH = 96
"""Plotly lays figures out in CSS pixels, 96 to the inch; SVG and PDF keep that size in points × 4/3."""
PNG_DPI = 300
COLUMN_WIDTH_IN = 3.5
"""One column of a two-column paper (IEEE, ACM, CVPR are 3.3–3.5 in)."""
DEBIAN_CHROMIUM = "/usr/bin/chromium"


@dataclass(frozen=True)
class FigureFile:
    """One figure to write: the figure, where, and in which format."""

    figure: go.Figure
    path: Path
    format: str


def paper_style(fig: go.Figure, width_in: float = COLUMN_WIDTH_IN, height_in: float = 2.6) -> go.Figure:
    """A copy of ``fig`` sized in inches, with 9 px (≈ 7 pt) text, tight margins and a white background."""
    styled = go.Figure(fig)
    styled.update_layout(
        width=round(width_in * CSS_PX_PER_INCH),
        height=round(height_in * CSS_PX_PER_INCH),
        font={"family": "Helvetica, Arial, sans-serif", "size": 9, "color": "black"},
        margin={"l": 44, "r": 6, "t": 18, "b": 42},
        paper_bgcolor="white",
        plot_bgcolor="white",
        legend={"font": {"size": 8}},
    )
    styled.update_xaxes(showline=True, linecolor="black", ticks="outside", title_standoff=4)
    styled.update_yaxes(showline=True, linecolor="black", ticks="outside", title_standoff=4)
    return styled


def check_format(fmt: str) -> str:
    if fmt not in FIGURE_FORMATS:
        raise ValueError(f"format {fmt!r} is unknown; choose from {', '.join(FIGURE_FORMATS)}")
    return fmt


def browser_path() -> str:
    """The Chromium kaleido will drive: ``BROWSER_PATH`` if set, else Debian's, else one on ``PATH``."""
    chosen = os.environ.get("BROWSER_PATH") or (
        DEBIAN_CHROMIUM if Path(DEBIAN_CHROMIUM).exists() else shutil.which("chromium")
    )
    if not chosen or not Path(chosen).exists():
        raise ValueError(
            "no Chromium found for kaleido: install Debian's chromium or set BROWSER_PATH to a Chromium binary"
        )
    return chosen


def render_figures(figures: Sequence[FigureFile]) -> dict[Path, bytes]:
    """Render every figure with one Chromium; returns path → file bytes (nothing written yet)."""
    import kaleido

    for item in figures:
        check_format(item.format)
    os.environ.setdefault("BROWSER_PATH", browser_path())
    kaleido.start_sync_server(silence_warnings=True)
    try:
        return {item.path: _render(kaleido, item) for item in figures}
    finally:
        kaleido.stop_sync_server(silence_warnings=True)


def _render(kaleido, item: FigureFile) -> bytes:
    """One figure's bytes. kaleido 1.x can run its first script before its page's ``kaleido_scopes.js`` has
    loaded on a busy machine ("kaleido_scopes is not defined"); then its browser is restarted and the figure
    drawn once more. Any other error, or the same one twice, is raised."""
    options = {
        "format": item.format,
        "width": item.figure.layout.width,
        "height": item.figure.layout.height,
        "scale": PNG_DPI / CSS_PX_PER_INCH if item.format == "png" else 1,
    }
    try:
        return kaleido.calc_fig_sync(item.figure, opts=options)
    except Exception as error:
        if "kaleido_scopes is not defined" not in str(error):
            raise
    kaleido.stop_sync_server(silence_warnings=True)
    kaleido.start_sync_server(silence_warnings=True)
    return kaleido.calc_fig_sync(item.figure, opts=options)


def export_figures(figures: Sequence[FigureFile], force: bool = False) -> None:
    """Render all figures, then write the files as a set (nothing half-written on failure). The targets are
    checked before rendering (an existing file needs ``force``, see :func:`~costmodel.output.files.write_files`)."""
    for item in figures:
        check_format(item.format)
    check_targets([item.path for item in figures], force=force)
    write_files(render_figures(figures), force=force)
