"""Figure export (PNG, SVG) through kaleido, which drives a Chromium (found by
:func:`costmodel.present.figure_files.browser_path`: ``BROWSER_PATH``, else Debian's, else one on ``PATH``).
"""

from __future__ import annotations

import os

import plotly.graph_objects as go

from costmodel.present.figure_files import browser_path

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}


def figure_bytes(figure: go.Figure, fmt: str, width: int = 1100, height: int = 600) -> bytes:
    """The figure as PNG (2× scale) or SVG bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"format={fmt!r} is not allowed; choose one of {', '.join(FORMATS)}")
    os.environ.setdefault("BROWSER_PATH", browser_path())
    return figure.to_image(format=fmt, width=width, height=height, scale=2 if fmt == "png" else 1)
