"""Formatting a :class:`~costmodel.core.report.Report` as text, CSV, Markdown, LaTeX, HTML and JSON.

Counting happens elsewhere; this module only lays numbers out. Exports keep exact integers; the text
and HTML views add thousands separators and shares of the total.
"""

from __future__ import annotations

import html
import json
from fractions import Fraction
from typing import TYPE_CHECKING

from costmodel.core.architecture import SOURCES
from costmodel.output.text import format_number, latex_escape, markdown_table

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


def _share(part, whole) -> str:
    return f"{100 * float(part) / float(whole):.2f}" if whole else "0.00"


def _shown_columns(r: Report) -> tuple[str, ...]:
    """The readable columns; under a tool's preset also its per-layer count."""
    return SHOWN_COLUMNS if r.preset == "paper" else (*SHOWN_COLUMNS, "counted_total")


def _display_rows(r: Report) -> list[list[str]]:
    rows = []
    for record in r.table.to_dict("records"):
        cells = [
            format_number(record[c]) if not isinstance(record[c], str) else record[c]
            for c in _shown_columns(r)
        ]
        cells.append(_share(record["macs"], r.totals["macs"]))
        rows.append(cells)
    return rows


def _headers(r: Report) -> list[str]:
    return [*_shown_columns(r), "macs_%"]


def report_text(r: Report) -> str:
    """Fixed-width table with a title, notes, totals and the convention."""
    rows = _display_rows(r)
    headers = _headers(r)
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    align = ["<", "<"] + [">"] * (len(headers) - 2)

    def line(cells):
        return "  ".join(f"{c:{a}{w}}" for c, a, w in zip(cells, align, widths, strict=True)).rstrip()

    out = [_title(r), *(f"note: {n}" for n in r.notes), "", line(headers), line("-" * w for w in widths)]
    out += [line(row) for row in rows]
    out += ["", _totals_line(r), f"Convention: {r.convention.describe()}"]
    return "\n".join(out)


def report_csv(r: Report) -> str:
    """The whole per-layer table, one header row, exact values, no index column."""
    return r.table.to_csv(index=False, lineterminator="\n")


def report_markdown(r: Report) -> str:
    """A pipe table with a title, totals and the convention."""
    notes = [f"> {n}" for n in r.notes]
    return "\n".join(
        [f"**{_title(r)}**", "", *notes, *([""] if notes else []), markdown_table(_headers(r), _display_rows(r), 2),
         "", _totals_line(r), "", f"*Convention:* {r.convention.describe()}"]
    )  # fmt: skip


def _latex_number(value) -> str:
    return format_number(value).replace(",", "\\,")


def report_latex(r: Report, caption: str | None = None, label: str | None = None) -> str:
    """A booktabs ``table`` with right-aligned numbers; the convention and sources in the caption."""
    columns = (
        "layer", "kind", "out_side", "out_channels", "params", "macs", "weight_bytes", "input_bytes", "output_bytes"
    )  # fmt: skip
    head = " & ".join(latex_escape(c.replace("_", " ")) for c in columns) + r" \\"
    body = []
    for record in r.table.to_dict("records"):
        cells = [latex_escape(str(record[c])) if c in ("layer", "kind") else _latex_number(record[c])
                 for c in columns]  # fmt: skip
        body.append(" & ".join(cells) + r" \\")
    total = ["Total", "", "", "", *(_latex_number(r.totals[m]) for m in ("params", "macs", "weight_bytes")),
             "", ""]  # fmt: skip
    text = caption or _title(r)
    full_caption = f"{latex_escape(text)}. {latex_escape(r.convention.describe())}. {latex_escape(SOURCES)}"
    full_caption += (
        f" Bytes at {r.convention.dtype}; peak activation memory "
        f"{_latex_number(r.totals['peak_activation_bytes'])} bytes at {latex_escape(r.peak_layer)} "
        f"({latex_escape(r.convention.planner)} planner)."
    )
    full_caption += "".join(f" {latex_escape(n)}." for n in r.notes)
    lines = [
        r"\begin{table}[ht]",
        r"\centering",
        r"\small",
        rf"\caption{{{full_caption}}}",
        *([rf"\label{{{label}}}"] if label else []),
        r"\begin{tabular}{llrrrrrrr}",
        r"\toprule",
        head,
        r"\midrule",
        *body,
        r"\midrule",
        " & ".join(total) + r" \\",
        r"\bottomrule",
        r"\end{tabular}",
        r"\end{table}",
    ]
    return "\n".join(lines) + "\n"


def report_html(r: Report, max_rows: int = HTML_MAX_ROWS) -> str:
    """A compact HTML table for notebooks, with the convention in a footer."""
    rows = _display_rows(r)
    shown = rows if len(rows) <= max_rows else [*rows[: max_rows // 2], None, *rows[-max_rows // 2 :]]
    headers = _headers(r)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for row in shown:
        if row is None:
            body.append(
                f'<tr><td colspan="{len(headers)}">… {len(rows) - max_rows} rows not shown …</td></tr>'
            )
        else:
            body.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>")
    notes = "".join(f"<p><em>{html.escape(n)}</em></p>" for n in r.notes)
    return (
        f"<div class='mobilenet-report'><strong>{html.escape(_title(r))}</strong>{notes}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        f"<p>{html.escape(_totals_line(r))}</p>"
        f"<p><small>Convention: {html.escape(r.convention.describe())}</small></p></div>"
    )


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


def _jsonable(value):
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    if hasattr(value, "item"):
        return value.item()
    return value


def report_json(r: Report) -> str:
    """Design point, convention, totals and per-layer rows as JSON (exact ints)."""
    from dataclasses import asdict

    payload = {
        "alpha": r.alpha,
        "rho": r.rho,
        "resolution": _jsonable(r.point.resolution),
        "convention": asdict(r.convention),
        "preset": r.preset,
        "peak_layer": r.peak_layer,
        "notes": list(r.notes),
        "totals": {k: _jsonable(v) for k, v in r.totals.items()},
        "layers": [{k: _jsonable(v) for k, v in row.items()} for row in r.table.to_dict("records")],
    }
    return json.dumps(payload, indent=2)
