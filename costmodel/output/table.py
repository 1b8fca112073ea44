"""Laying out a table of exact numbers as CSV, LaTeX (booktabs) and Markdown for papers.

An :class:`ExportTable` holds raw values (ints, ``Fraction``/``Decimal`` numbers, text, ``None`` for an empty
cell) and how to show each column; the three writers only lay them out. CSV keeps exact values (one
header row, no index column, spreadsheet formulas neutralised); LaTeX and Markdown show numbers in the
column's display unit, right-aligned, with footnote marks and the footnotes under the table.

>>> table = ExportTable(
...     columns=(Column("model", "Model"), Column("macs", "MACs (M)", kind="count", scale=10**6, digits=2)),
...     rows=({"model": "1.0 MobileNet-224", "macs": 568740352},),
...     caption="Cost",
...     marks={(0, "macs"): "a"},
...     footnotes=(("a", "Paper convention."),),
... )
>>> print(table.to_csv(), end="")
model,macs
1.0 MobileNet-224,568740352
>>> print(table.to_markdown())
| Model | MACs (M) |
|:---|---:|
| 1.0 MobileNet-224 | 568.74<sup>a</sup> |
<BLANKLINE>
Cost.
<BLANKLINE>
<sup>a</sup> Paper convention.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

from costmodel.output.spreadsheet import spreadsheet_safe
from costmodel.output.text import latex_escape

ColumnKind = Literal["text", "count", "number"]


@dataclass(frozen=True)
class Column:
    """One column: ``key`` names it in CSV (say the unit there), ``header`` in LaTeX and Markdown.

    ``kind``: ``text``; ``count`` (exact ints; shown divided by ``scale`` with ``digits`` decimals, or with
    thousands separators when ``scale`` is 1); ``number`` (a decimal as printed or a share, shown with
    ``digits`` decimals; written to CSV with ``csv_digits`` decimals when it is not already a ``Decimal``).
    ``description`` says what the column holds (README and sidecars).
    """

    key: str
    header: str
    kind: ColumnKind = "text"
    scale: int = 1
    digits: int = 0
    csv_digits: int = 6
    description: str = ""
    group: str = ""
    """Shared by neighbouring columns: a spanning header over them in LaTeX, a prefix in Markdown."""
    in_latex: bool = True
    """False for columns that only the CSV and Markdown carry (e.g. a check column the footnotes repeat)."""

    @property
    def title(self) -> str:
        """The header with its group, for one-line headers."""
        return f"{self.group} {self.header}" if self.group else self.header


@dataclass(frozen=True)
class ExportTable:
    """Rows of raw values under :class:`Column` definitions, with a caption, a label and footnotes.

    ``marks`` maps ``(row index, column key)`` to footnote marks (a string; several marks joined by commas);
    ``footnotes`` is a sequence of ``(mark, text)``; ``notes`` are sentences printed after the caption
    (convention, sources).
    """

    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, object], ...]
    caption: str = ""
    label: str | None = None
    notes: tuple[str, ...] = ()
    marks: Mapping[tuple[int, str], str] = field(default_factory=dict)
    footnotes: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.label is not None:
            _latex_label(self.label)

    def to_csv(self) -> str:
        return to_csv(self)

    def __repr__(self) -> str:
        return f"<ExportTable {self.caption[:60]!r}: {len(self.rows)} rows × {len(self.columns)} columns>"

    def _repr_markdown_(self) -> str:
        return to_markdown(self)

    def to_latex(self, caption: str | None = None, label: str | None = None) -> str:
        return to_latex(self, caption=caption, label=label)

    def to_markdown(self) -> str:
        return to_markdown(self)


def _rounded(value, digits: int) -> Decimal:
    """``value`` to ``digits`` decimals, half up, computed exactly (no binary floating point on the way).

    >>> str(_rounded(Fraction(29068, 10000), 2)), str(_rounded(Decimal("0.125"), 2))
    ('2.91', '0.13')
    """
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _csv_cell(column: Column, value) -> object:
    if value is None:
        return ""
    if column.kind == "text":
        return spreadsheet_safe(str(value))
    if column.kind == "count":
        if isinstance(value, Fraction) and value.denominator != 1:
            return str(_rounded(value, column.csv_digits).normalize())
        return int(value)
    if isinstance(value, Decimal):
        return str(value)
    return str(_rounded(value, column.csv_digits).normalize())


def to_csv(table: ExportTable) -> str:
    """Plain CSV: the column keys as the one header row, exact values, no index column."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(c, row.get(c.key)) for c in table.columns])
    return out.getvalue()


def display_value(column: Column, value) -> str:
    """The cell as people read it: counts in the column's unit, numbers with the column's decimals.

    >>> display_value(Column("m", "M", kind="count", scale=10**6, digits=1), 52283392)
    '52.3'
    >>> display_value(Column("m", "MACs", kind="count"), 52283392)
    '52,283,392'
    """
    if value is None:
        return ""
    if column.kind == "text":
        return str(value)
    if column.kind == "count" and column.scale == 1:
        if isinstance(value, Fraction) and value.denominator != 1:
            return f"{_rounded(value, column.digits or 2):,}"
        return f"{int(value):,}"
    if column.kind == "count":
        return f"{_rounded(Fraction(value) / column.scale, column.digits):,}"
    if isinstance(value, Decimal):
        return str(value)
    return f"{_rounded(value, column.digits):,}"


def _sentences(*parts: str) -> str:
    """Join caption and notes, ending each with a full stop.

    >>> _sentences("Costs & more", "Convention: paper.")
    'Costs & more. Convention: paper.'
    """
    return " ".join(p if p.endswith((".", "!", "?")) else p + "." for p in parts if p)


def _mark(table: ExportTable, index: int, key: str) -> str:
    return table.marks.get((index, key), "")


def _latex_cell(column: Column, value, mark: str) -> str:
    text = display_value(column, value)
    cell = latex_escape(text) if column.kind == "text" else text.replace(",", r"\,")
    return cell + (rf"\textsuperscript{{{latex_escape(mark)}}}" if mark else "")


def to_latex(table: ExportTable, caption: str | None = None, label: str | None = None) -> str:
    """A ``table`` float with a booktabs ``tabular``: text left, numbers right, grouped headers under
    ``\\cmidrule``, footnotes in a ragged-right paragraph under the rule (only booktabs is needed)."""
    shown = [c for c in table.columns if c.in_latex]
    spec = "".join("l" if c.kind == "text" else "r" for c in shown)
    heads = _latex_group_rows(shown)
    heads.append(" & ".join(latex_escape(c.header) for c in shown) + r" \\")
    body = [
        " & ".join(_latex_cell(c, row.get(c.key), _mark(table, i, c.key)) for c in shown) + r" \\"
        for i, row in enumerate(table.rows)
    ]
    text = _sentences(caption or table.caption, *table.notes)
    chosen_label = label if label is not None else table.label
    notes = [rf"\textsuperscript{{{latex_escape(m)}}} {latex_escape(t)}\par" for m, t in table.footnotes]
    lines = [
        r"\begin{table}[ht]",
        r"\centering",
        r"\small",
        rf"\caption{{{latex_escape(text)}}}",
        *([rf"\label{{{_latex_label(chosen_label)}}}"] if chosen_label else []),
        r"\setlength{\tabcolsep}{4pt}",
        rf"\begin{{tabular}}{{{spec}}}",
        r"\toprule",
        *heads,
        r"\midrule",
        *body,
        r"\bottomrule",
        r"\end{tabular}",
        *([r"\par\smallskip{\footnotesize\raggedright", *notes, "}"] if notes else []),
        r"\end{table}",
    ]
    return "\n".join(lines) + "\n"


def _latex_group_rows(columns: Sequence[Column]) -> list[str]:
    r"""The spanning header row and its ``\cmidrule``\ s, if any column has a group.

    >>> cols = [Column("m", "Model"), Column("p", "printed", "number", group="MACs"),
    ...         Column("q", "model", "count", group="MACs")]
    >>> _latex_group_rows(cols)
    [' & \\multicolumn{2}{c}{MACs} \\\\', '\\cmidrule(lr){2-3}']
    """
    if not any(c.group for c in columns):
        return []
    cells, rules, start = [], [], 0
    while start < len(columns):
        group = columns[start].group
        end = start
        while end + 1 < len(columns) and group and columns[end + 1].group == group:
            end += 1
        width = end - start + 1
        cells.append(rf"\multicolumn{{{width}}}{{c}}{{{latex_escape(group)}}}" if group else "")
        if group:
            rules.append(rf"\cmidrule(lr){{{start + 1}-{end + 1}}}")
        start = end + 1
    return [" & ".join(cells) + r" \\", "".join(rules)]


def _latex_label(label: str) -> str:
    """Labels may hold letters, digits and ``:-_.``; anything else would break ``\\label``.

    >>> _latex_label("tab:grid")
    'tab:grid'
    >>> _latex_label("tab{x}")
    Traceback (most recent call last):
    ValueError: label 'tab{x}' is not allowed; use letters, digits and : - _ . only
    """
    if not label or not all(ch.isalnum() or ch in ":-_." for ch in label):
        raise ValueError(f"label {label!r} is not allowed; use letters, digits and : - _ . only")
    return label


def _markdown_text(text: str) -> str:
    return text.replace("|", r"\|").replace("\n", " ")


def to_markdown(table: ExportTable) -> str:
    """A pipe table (text left, numbers right), then the caption, notes and footnotes."""
    head = "| " + " | ".join(_markdown_text(c.title) for c in table.columns) + " |"
    rule = "|" + "|".join(":---" if c.kind == "text" else "---:" for c in table.columns) + "|"
    body = []
    for i, row in enumerate(table.rows):
        cells = []
        for c in table.columns:
            mark = _mark(table, i, c.key)
            cells.append(
                _markdown_text(display_value(c, row.get(c.key))) + (f"<sup>{mark}</sup>" if mark else "")
            )
        body.append("| " + " | ".join(cells) + " |")
    after = [_sentences(table.caption, *table.notes)]
    after += [f"<sup>{m}</sup> {_markdown_text(t)}" for m, t in table.footnotes]
    return "\n".join([head, rule, *body, "", *("\n\n".join(after).split("\n"))])


def columns_description(columns: Sequence[Column]) -> dict[str, str]:
    """Column key → what it holds (for the CSV sidecars)."""
    return {c.key: c.description or c.title for c in columns}
