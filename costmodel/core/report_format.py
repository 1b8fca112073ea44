"""Formatting a :class:`~costmodel.core.report.Report` as text, CSV, Markdown, LaTeX, HTML and JSON.

Counting happens elsewhere; this module builds the report's :class:`~costmodel.output.table.ExportTable`
and writes through it, adding the title, totals and convention around the table. Exports keep exact
integers; the text and HTML views add thousands separators and shares of the total.
"""

from __future__ import annotations

import html
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

from costmodel.core.architecture import SOURCES
from costmodel.output.table import Column, ExportTable, html_block, json_value
from costmodel.output.text import format_number

if TYPE_CHECKING:
    from costmodel.core.report import Report

SHOWN_COLUMNS = ("layer", "kind", "in_side", "in_channels", "out_side", "out_channels", "params", "macs")
"""Columns of the human-readable views (exports carry every column)."""

HTML_MAX_ROWS = 40
"""Longer tables are truncated in HTML with a note (never in exports)."""


def _title(r: Report) -> str:
    side = r.resolution
    side_text = f"{side:g}" if isinstance(side, float) else str(side)
    return f"MobileNet v1, alpha={r.alpha:g}, resolution={side_text} (rho={r.rho:.4g})"


def _totals_line(r: Report) -> str:
    t = r.totals
    line = (
        f"Total: {format_number(t['macs'])} MACs ({float(t['macs']) / 1e6:.2f} M), "
        f"{format_number(t['params'])} params ({float(t['params']) / 1e6:.3f} M), "
        f"{format_number(t['flops'])} FLOPs, {format_number(t['activations'])} activations. "
        f"{r.convention.dtype}: {format_number(t['weight_bytes'])} weight bytes (flash), "
        f"peak activation {format_number(t['peak_activation_bytes'])} bytes at {r.peak_layer} "
        f"({r.convention.planner} planner)"
    )
    if r.preset == "paper":
        return line
    from costmodel.core.presets import PRESETS

    p = PRESETS[r.preset]
    return (
        f"{line}. Counted as {p.name} ({p.tool}, column counted_total): {format_number(t['counted_total'])} "
        f"{p.unit}s, {format_number(t['counted_params'])} params; {p.why}"
    )


def _share(part, whole) -> Decimal:
    return Decimal(f"{100 * float(part) / float(whole):.2f}" if whole else "0.00")


def _shown_columns(r: Report) -> tuple[str, ...]:
    """The readable columns; under a tool's preset also its per-layer count."""
    return SHOWN_COLUMNS if r.preset == "paper" else (*SHOWN_COLUMNS, "counted_total")


def _column(r: Report, name: str, header: str | None = None) -> Column:
    """A column of the per-layer table: its text columns (layer, kind) as text, every other one a count."""
    kind = "text" if pd.api.types.is_string_dtype(r.table[name]) else "count"
    return Column(name, name if header is None else header, kind)


def shown_table(r: Report) -> ExportTable:
    """The readable per-layer table of the text, Markdown and HTML views, with each layer's share of MACs."""
    columns = (*(_column(r, c) for c in _shown_columns(r)), Column("macs_%", "macs_%", "number", digits=2))
    rows = tuple(
        {**record, "macs_%": _share(record["macs"], r.totals["macs"])}
        for record in r.table.to_dict("records")
    )
    return ExportTable(columns=columns, rows=rows)


def export_table(r: Report) -> ExportTable:
    """Every column of the per-layer table, exact values (CSV and JSON)."""
    return ExportTable(
        columns=tuple(_column(r, c) for c in r.table.columns), rows=tuple(r.table.to_dict("records"))
    )


def report_text(r: Report) -> str:
    """Fixed-width table with a title, notes, totals and the convention."""
    out = [_title(r), *(f"note: {n}" for n in r.notes), "", shown_table(r).to_text()]
    return "\n".join([*out, "", _totals_line(r), f"Convention: {r.convention.describe()}"])


def report_csv(r: Report) -> str:
    """The whole per-layer table, one header row, exact values, no index column."""
    return export_table(r).to_csv()


def report_markdown(r: Report) -> str:
    """A pipe table with a title, totals and the convention."""
    notes = [f"> {n}" for n in r.notes]
    return "\n".join(
        [f"**{_title(r)}**", "", *notes, *([""] if notes else []), shown_table(r).to_markdown(),
         "", _totals_line(r), "", f"*Convention:* {r.convention.describe()}"]
    )  # fmt: skip


LATEX_COLUMNS = (
    "layer", "kind", "out_side", "out_channels", "params", "macs", "weight_bytes", "input_bytes", "output_bytes"
)  # fmt: skip
"""Columns of the LaTeX table (a page is narrow)."""


def _peak_note(r: Report) -> str:
    return (
        f"Bytes at {r.convention.dtype}; peak activation memory {format_number(r.totals['peak_activation_bytes'])} "
        f"bytes at {r.peak_layer} ({r.convention.planner} planner)"
    )


def report_latex(r: Report, caption: str | None = None, label: str | None = None) -> str:
    """A booktabs ``table`` with right-aligned numbers and a total row; the convention and sources in the
    caption."""
    table = ExportTable(
        columns=tuple(_column(r, c, c.replace("_", " ")) for c in LATEX_COLUMNS),
        rows=tuple(r.table.to_dict("records")),
        caption=caption or _title(r),
        label=label,
        notes=(r.convention.describe(), SOURCES, _peak_note(r), *r.notes),
        footer=({"layer": "Total", **{m: r.totals[m] for m in ("params", "macs", "weight_bytes")}},),
    )
    return table.to_latex()


def report_html(r: Report, max_rows: int = HTML_MAX_ROWS) -> str:
    """A compact HTML table for notebooks, with the convention in a footer."""
    notes = "".join(f"<p><em>{html.escape(n)}</em></p>" for n in r.notes)
    return html_block(
        f"<strong>{html.escape(_title(r))}</strong>{notes}"
        f"{shown_table(r).to_html(max_rows=max_rows, styled=False)}"
        f"<p>{html.escape(_totals_line(r))}</p>"
        f"<p><small>Convention: {html.escape(r.convention.describe())}</small></p>",
        "mobilenet-report",
    )


def _latex_number(value) -> str:
    return format_number(value).replace(",", "\\,")


def report_math(r: Report) -> str:
    """The totals and the smooth closed forms as LaTeX math (Jupyter's ``_repr_latex_``)."""
    import sympy

    smooth = r.expressions.smooth
    return (
        r"$\begin{aligned}"
        rf"\text{{MACs}} &= {_latex_number(r.totals['macs'])} "
        rf"&\quad \text{{smooth: }} & {sympy.latex(smooth['macs'])} \\"
        rf"\text{{params}} &= {_latex_number(r.totals['params'])} "
        rf"&\quad \text{{smooth: }} & {sympy.latex(smooth['params'])}"
        r"\end{aligned}$"
    )


def report_json(r: Report, totals_row: bool = False) -> str:
    """Design point, convention, totals and per-layer rows as JSON (exact ints); ``totals_row`` adds a last
    row, layer ``"Total"``, holding each column's total (None where a column has none, e.g. ``out_side``).

    >>> import json, costmodel
    >>> json.loads(report_json(costmodel.report(), totals_row=True))["layers"][-1]["macs"]
    568740352
    """
    from dataclasses import asdict

    meta = {
        "alpha": r.alpha,
        "rho": r.rho,
        "resolution": json_value(r.point.resolution),
        "convention": asdict(r.convention),
        "preset": r.preset,
        "peak_layer": r.peak_layer,
        "notes": list(r.notes),
        "totals": {k: json_value(v) for k, v in r.totals.items()},
    }
    table = export_table(r)
    if totals_row:
        total = {c.key: r.totals.get(c.key) for c in table.columns} | {"layer": "Total", "kind": "total"}
        table = replace(table, rows=(*table.rows, total))
    return table.to_json(meta=meta, rows_key="layers")
