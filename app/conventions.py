"""The Conventions page's logic: the reconciliation table for the URL's design point, ready to show.

>>> view = conventions_view("?alpha=0.5&resolution=160")
>>> view.error, view.table.loc[view.table.convention == "paper", "total"].item()
('', 76524800)
>>> conventions_view("?alpha=0.5&resolution=160&padding=floor").error
"padding='floor' has no reference PyTorch model; the reference model uses Conv2d(padding=k//2), which is padding='same'"
>>> view = conventions_view("?alpha=0.975&resolution=97&rounding=keras&padding=keras")
>>> list(view.table.convention), view.error
(['paper', 'keras'], '')

A framework's row (Keras 3, timm) is added where the design point is that framework's own network: its
fixed knobs are the page's (Keras: ``rounding=keras``, ``padding=keras``), and timm only at α 1 and 1.25.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from costmodel.dashboard.explorer import convention_of, parse_query, report_of

from costmodel.core.presets import FRAMEWORK_PRESET_NAMES, REFERENCE_PRESET_NAMES, expresses, preset
from costmodel.counting.reconcile import reconcile

KNOBS = ("rounding", "scale_first_layer", "classes", "fc_bias", "bn")


@dataclass(frozen=True)
class ConventionsView:
    """``table``: :func:`costmodel.reconcile` plus ``total_macs`` (FLOP counts halved), ``vs_paper``
    (MACs beyond the paper's) and ``vs_paper_pct``; ``title`` names the design point; ``error`` is "" or why there is no table."""

    table: pd.DataFrame | None
    title: str
    error: str
    notes: tuple[str, ...]


def conventions_view(search: str | None) -> ConventionsView:
    """The reconciliation for the design point of a query string (the Explorer's format)."""
    state, errors = parse_query(search)
    r = report_of(state)
    title = f"MobileNet-{r.alpha:g}-{r.resolution}"
    notes = tuple(f"URL parameter {key}: {message}" for key, message in errors.items())
    convention = convention_of(state)
    knobs = {k: getattr(convention, k) for k in KNOBS}
    frameworks = [n for n in FRAMEWORK_PRESET_NAMES if expresses(preset(n), convention, r.point.alpha)]

    def rows(presets):
        return reconcile(
            r.point.alpha, resolution=r.point.resolution, padding=convention.padding, presets=presets, **knobs
        )

    try:
        table = rows([*REFERENCE_PRESET_NAMES, *frameworks])
    except ValueError as error:  # the tools' reference model cannot express this convention
        if not frameworks:
            return ConventionsView(None, title, str(error), notes)
        table = rows(["paper", *frameworks])
        notes = (*notes, f"{error}: the tools' rows are left out")
    table = table.copy()
    per_mac = table["unit"].map({"MAC": 1, "FLOP": 2})
    table["total_macs"] = table["total"] // per_mac
    paper = int(table.loc[table.convention == "paper", "total"].iloc[0])
    table["vs_paper"] = table["total_macs"] - paper
    table["vs_paper_pct"] = table["vs_paper"] / paper * 100
    return ConventionsView(table, title, "", notes)


def _departure(row) -> str:
    if row.convention == "paper":
        return "reference"
    if row.vs_paper == 0:
        return "same count"
    return f"{int(row.vs_paper):+,} ({row.vs_paper_pct:+.3g} %)"


def display_rows(table: pd.DataFrame) -> list[dict[str, str]]:
    """Rows for the page's table: formatted counts and the departure from the paper."""
    return [
        {
            "convention": row.convention,
            "tool": row.tool,
            "unit": row.unit,
            "total": f"{int(row.total):,}",
            "as MACs": f"{int(row.total_macs):,}",
            "vs paper": _departure(row),
            "params": f"{int(row.params):,}",
            "trainable": f"{int(row.trainable):,}",
            "why": row.why,
        }
        for row in table.itertuples(index=False)
    ]
