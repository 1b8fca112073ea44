"""Figure export (PNG, SVG) through kaleido, which drives a Chromium; Debian's is used when present.

Set ``BROWSER_PATH`` to use another Chromium; otherwise ``/usr/bin/chromium`` is used if it exists.
"""

from __future__ import annotations

import os
from pathlib import Path

import plotly.graph_objects as go

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")


def figure_bytes(figure: go.Figure, fmt: str, width: int = 1100, height: int = 600) -> bytes:
    """The figure as PNG (2× scale) or SVG bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"format={fmt!r} is not allowed; choose one of {', '.join(FORMATS)}")
    if "BROWSER_PATH" not in os.environ and DEBIAN_CHROMIUM.exists():
        os.environ["BROWSER_PATH"] = str(DEBIAN_CHROMIUM)
    return figure.to_image(format=fmt, width=width, height=height, scale=2 if fmt == "png" else 1)
