"""The one table object: rows of exact values under column definitions, written as text, Markdown, CSV,
LaTeX (booktabs), HTML and JSON.

An :class:`ExportTable` holds raw values (ints, ``Fraction``/``Decimal`` numbers, text, ``None`` for an empty
cell) and how to show each column; the writers only lay them out. CSV and JSON keep exact values (one
header row, no index column, spreadsheet formulas neutralised in CSV); text, LaTeX, Markdown and HTML show
numbers in the column's display unit, right-aligned, with footnote marks and the footnotes under the table.
Every result object of the project (reports, reconcile tables, paper tables, grids, reference tables, model
summaries) builds one of these and writes through it.

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
>>> print(table.to_text())
Model              MACs (M)
-----------------  --------
1.0 MobileNet-224  568.74^a
<BLANKLINE>
Cost.
<BLANKLINE>
^a Paper convention.
>>> print(table.to_json())
{
  "caption": "Cost",
  "rows": [
    {
      "model": "1.0 MobileNet-224",
      "macs": 568740352
    }
  ]
}
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal, get_args

from costmodel.output.spreadsheet import spreadsheet_safe
from costmodel.output.text import latex_escape

ColumnKind = Literal["text", "count", "number", "plain"]
ColumnAlign = Literal["", "left", "right"]
KINDS, ALIGNS = get_args(ColumnKind), get_args(ColumnAlign)


@dataclass(frozen=True)
class Column:
    """One column: ``key`` names it in CSV and JSON (say the unit there), ``header`` in the other views.

    ``kind``: ``text``; ``count`` (exact ints; shown divided by ``scale`` with ``digits`` decimals, or with
    thousands separators when ``scale`` is 1; non-integers with ``digits`` or 2 decimals); ``number`` (a
    decimal as printed or a share, shown with ``digits`` decimals; written to CSV with ``csv_digits`` decimals
    when it is not already a ``Decimal``); ``plain`` (a number shown and written as it is stored, e.g. the
    cells of a reference table; ``whole`` drops the ``.0`` of floats in the shown views).
    ``description`` says what the column holds (README and sidecars). ``align`` overrides the alignment
    (text left, numbers right).
    """

    key: str
    header: str
    kind: ColumnKind = "text"
    scale: int = 1
    digits: int = 0
    csv_digits: int = 6
    description: str = ""
    group: str = ""
    """Shared by neighbouring columns: a spanning header over them in LaTeX, a prefix elsewhere."""
    in_latex: bool = True
    """False for columns the LaTeX table leaves out (e.g. a check column the footnotes repeat)."""
    align: ColumnAlign = ""
    whole: bool = False

    def __post_init__(self) -> None:
        for name, value, allowed in (("kind", self.kind, KINDS), ("align", self.align, ALIGNS)):
            if value not in allowed:
                raise ValueError(
                    f"column {self.key!r}: {name} {value!r} is not one of {', '.join(map(repr, allowed))}"
                )

    @property
    def title(self) -> str:
        """The header with its group, for one-line headers."""
        return f"{self.group} {self.header}" if self.group else self.header

    @property
    def right(self) -> bool:
        """Whether the column is right-aligned in the shown views."""
        return self.align == "right" if self.align else self.kind != "text"


@dataclass(frozen=True)
class ExportTable:
    """Rows of raw values under :class:`Column` definitions, with a caption, a label and footnotes.

    ``marks`` maps ``(row index, column key)`` to footnote marks (a string; several marks joined by commas);
    ``footnotes`` is a sequence of ``(mark, text)``; ``notes`` are sentences printed after the caption
    (convention, sources); ``footer`` rows (totals) follow the body under a rule.
    """

    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, object], ...]
    caption: str = ""
    label: str | None = None
    notes: tuple[str, ...] = ()
    marks: Mapping[tuple[int, str], str] = field(default_factory=dict)
    footnotes: tuple[tuple[str, str], ...] = ()
    footer: tuple[Mapping[str, object], ...] = ()

    def __post_init__(self) -> None:
        if self.label is not None:
            _latex_label(self.label)

    def __repr__(self) -> str:
        return f"<ExportTable {self.caption[:60]!r}: {len(self.rows)} rows × {len(self.columns)} columns>"

    def _repr_markdown_(self) -> str:
        return to_markdown(self)

    def _repr_html_(self) -> str:
        return to_html(self)

    def to_csv(self) -> str:
        return to_csv(self)

    def to_text(self, gap: int = 2, rule: bool = True) -> str:
        return to_text(self, gap=gap, rule=rule)

    def to_latex(self, caption: str | None = None, label: str | None = None) -> str:
        return to_latex(self, caption=caption, label=label)

    def to_markdown(self) -> str:
        return to_markdown(self)

    def to_html(self, max_rows: int | None = None, styled: bool = True) -> str:
        return to_html(self, max_rows=max_rows, styled=styled)

    def to_json(self, meta: Mapping[str, object] | None = None, rows_key: str = "rows") -> str:
        return to_json(self, meta=meta, rows_key=rows_key)


def _rounded(value, digits: int) -> Decimal:
    """``value`` to ``digits`` decimals, half up, computed exactly (no binary floating point on the way).

    >>> str(_rounded(Fraction(29068, 10000), 2)), str(_rounded(Decimal("0.125"), 2))
    ('2.91', '0.13')
    """
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _csv_cell(column: Column, value) -> object:
    if _missing(value):
        return ""
    if column.kind == "text":
        return spreadsheet_safe(str(value))
    if column.kind == "plain":
        return value
    if column.kind == "count":
        if isinstance(value, Fraction) and value.denominator != 1:
            return str(_rounded(value, column.csv_digits).normalize())
        return value if isinstance(value, float) else int(value)
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
    >>> display_value(Column("r", "resolution", kind="plain", whole=True), 224.0)
    '224'
    """
    if _missing(value):
        return ""
    if column.kind == "text":
        return str(value)
    if column.kind == "plain":
        return str(int(value)) if column.whole and isinstance(value, float) else str(value)
    if column.kind == "count" and column.scale == 1:
        if isinstance(value, float):
            return f"{value:,.{column.digits or 2}f}"
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


def _plain(column: Column, text: str) -> str:
    return text


def _grid(
    table: ExportTable,
    columns: Sequence[Column],
    cell: Callable[[Column, str], str] = _plain,
    mark: Callable[[str], str] = "^{}".format,
) -> tuple[list[list[str]], list[list[str]]]:
    """The shown cells of the body and the footer, each written by ``cell`` (the format's escaping), with
    its footnote mark written by ``mark``."""
    body = [
        [cell(c, display_value(c, row.get(c.key))) + (mark(m) if (m := _mark(table, i, c.key)) else "")
         for c in columns]
        for i, row in enumerate(table.rows)
    ]  # fmt: skip
    footer = [[cell(c, display_value(c, row.get(c.key))) for c in columns] for row in table.footer]
    return body, footer


def to_text(table: ExportTable, gap: int = 2, rule: bool = True) -> str:
    """Aligned columns ``gap`` spaces apart (text left, numbers right), a dashed rule under the header
    (and over the footer) when ``rule``, then the caption, notes and footnotes."""
    body, footer = _grid(table, table.columns)
    heads = [c.title for c in table.columns]
    widths = [max([len(h), *(len(r[i]) for r in (*body, *footer))]) for i, h in enumerate(heads)]

    def line(cells) -> str:
        parts = [
            v.rjust(w) if c.right else v.ljust(w)
            for v, w, c in zip(cells, widths, table.columns, strict=True)
        ]
        return (" " * gap).join(parts).rstrip()

    dashes = [line("-" * w for w in widths)] if rule else []
    lines = [line(heads), *dashes, *map(line, body), *(dashes if footer else []), *map(line, footer)]
    return "\n".join([*lines, *_after(table, "^{} {}")])


def _after(table: ExportTable, footnote: str) -> list[str]:
    """The lines after a table: a blank line, the caption and notes, and each footnote after a blank line."""
    after = [_sentences(table.caption, *table.notes)] if table.caption or table.notes else []
    after += [footnote.format(m, t) for m, t in table.footnotes]
    return ["", *"\n\n".join(after).split("\n")] if after else []


def _latex_cell(column: Column, text: str) -> str:
    return latex_escape(text) if column.kind == "text" else text.replace(",", r"\,")


def _latex_mark(mark: str) -> str:
    return rf"\textsuperscript{{{latex_escape(mark)}}}"


LATEX_TEXT_WIDTH_PT = 345
"""The width every LaTeX table is laid out to fit: the text of a default ``article`` (10 pt, letter or A4)."""
LATEX_NOTE_CHARS = 30
"""Text cells longer than this (URLs, sources, reasons) are numbered notes under the table, not cells."""
LATEX_HEADER_CHARS = 12
"""Headers longer than this are stacked on several lines, broken at spaces and underscores."""
_LATEX_SIZES = ((r"\small", 4.7, 4), (r"\small", 4.7, 2), (r"\footnotesize", 4.2, 2))
"""Font size, a generous width of one character in it (pt), and the column gap (\\tabcolsep, pt)."""


def latex_breakable(text: str) -> str:
    r"""Escaped text; in words longer than 20 characters (URLs, file names, long keys) a line may break after
    every ``/``, ``_`` and ``.``.

    >>> latex_breakable("see github.com/tensorflow/b_c, et al. 2017")
    'see github.\\allowbreak{}com/\\allowbreak{}tensorflow/\\allowbreak{}b\\_\\allowbreak{}c, et al. 2017'
    """
    words = []
    for word in text.split(" "):
        out = latex_escape(word)
        if len(word) > 20:
            for token in ("/", r"\_", "."):
                out = out.replace(token, token + r"\allowbreak{}")
        words.append(out)
    return " ".join(words)


def _header_lines(header: str) -> list[str]:
    """A long header split into lines of at most :data:`LATEX_HEADER_CHARS` (after spaces and underscores).

    >>> _header_lines("peak_macs_per_s_float32"), _header_lines("weight bytes (M)"), _header_lines("Type")
    (['peak_macs_', 'per_s_', 'float32'], ['weight bytes', '(M)'], ['Type'])
    """
    lines: list[str] = []
    for piece in re.split(r"(?<=[ _])", header):
        if lines and len((lines[-1] + piece).rstrip()) <= LATEX_HEADER_CHARS:
            lines[-1] += piece
        else:
            lines.append(piece)
    return [line.rstrip() for line in lines]


def _latex_header(column: Column) -> str:
    lines = _header_lines(column.header)
    if len(lines) == 1:
        return latex_escape(column.header)
    align = "r" if column.right else "l"
    return (
        rf"\begin{{tabular}}[b]{{@{{}}{align}@{{}}}}"
        + r"\\".join(map(latex_escape, lines))
        + r"\end{tabular}"
    )


def _latex_chunks(widths: Sequence[int], char_pt: float, gap_pt: int) -> list[list[int]]:
    """Column indices per stacked ``tabular``: all in one when they fit :data:`LATEX_TEXT_WIDTH_PT`, otherwise
    packed greedily, each part repeating the first column (the row's name).

    >>> _latex_chunks([10, 10, 10], 5.0, 4), _latex_chunks([20, 30, 30, 30], 5.0, 4)
    ([[0, 1, 2]], [[0, 1], [0, 2], [0, 3]])
    """

    def width(indices) -> float:
        return sum(widths[i] * char_pt + 2 * gap_pt for i in indices)

    if width(range(len(widths))) <= LATEX_TEXT_WIDTH_PT:
        return [list(range(len(widths)))]
    chunks = [[0]]
    for i in range(1, len(widths)):
        if len(chunks[-1]) > 1 and width([*chunks[-1], i]) > LATEX_TEXT_WIDTH_PT:
            chunks.append([0])
        chunks[-1].append(i)
    return chunks


def to_latex(table: ExportTable, caption: str | None = None, label: str | None = None) -> str:
    """A ``table`` float with a booktabs ``tabular``: text left, numbers right, grouped headers under
    ``\\cmidrule``, footer rows under a ``\\midrule``, footnotes in a ragged-right paragraph under the rule
    (only booktabs is needed). Every table gets a caption and a ``\\label`` (from the caption when none is
    given) and fits :data:`LATEX_TEXT_WIDTH_PT`: long headers are stacked, text cells longer than
    :data:`LATEX_NOTE_CHARS` become numbered notes under the table, a table still too wide is set smaller
    and, failing that, split into stacked parts that each repeat the first column."""
    shown = [c for c in table.columns if c.in_latex]
    cells, footer = _grid(table, shown, mark=lambda mark: "")
    notes_of: dict[str, int] = {}
    for row in cells:
        for j, (column, text) in enumerate(zip(shown, row, strict=True)):
            if column.kind == "text" and len(text) > LATEX_NOTE_CHARS:
                row[j] = f"[{notes_of.setdefault(text, len(notes_of) + 1)}]"
    marked = [
        [
            (latex_escape(text) if c.kind == "text" else text.replace(",", r"\,"))
            + (_latex_mark(m) if (m := _mark(table, i, c.key)) else "")
            for c, text in zip(shown, row, strict=True)
        ]
        for i, row in enumerate(cells)
    ]
    totals = [[_latex_cell(c, text) for c, text in zip(shown, row, strict=True)] for row in footer]
    widths = [
        max([*(len(line) for line in _header_lines(c.header)), *(len(r[j]) + 2 * bool(_mark_of(table, c))
             for r in (*cells, *footer))])
        for j, c in enumerate(shown)
    ]  # fmt: skip
    size, char_pt, gap_pt = next(
        (layout for layout in _LATEX_SIZES if len(_latex_chunks(widths, *layout[1:])) == 1), _LATEX_SIZES[-1]
    )
    chunks = _latex_chunks(widths, char_pt, gap_pt)
    text = _sentences(caption or table.caption, *table.notes) or "Table"
    chosen_label = label if label is not None else table.label
    notes = [rf"{_latex_mark(m)} {latex_escape(t)}\par" for m, t in table.footnotes]
    notes += [rf"[{n}] {latex_breakable(t)}\par" for t, n in notes_of.items()]
    parts: list[str] = []
    for chunk in chunks:
        columns = [shown[j] for j in chunk]
        parts += [
            *([r"\medskip"] if parts else []),
            rf"\begin{{tabular}}{{{''.join('r' if c.right else 'l' for c in columns)}}}",
            r"\toprule",
            *_latex_group_rows(columns),
            " & ".join(map(_latex_header, columns)) + r" \\",
            r"\midrule",
            *(" & ".join(row[j] for j in chunk) + r" \\" for row in marked),
            *(
                [r"\midrule", *(" & ".join(row[j] for j in chunk) + r" \\" for row in totals)]
                if totals
                else []
            ),
            r"\bottomrule",
            r"\end{tabular}",
        ]
    lines = [
        r"\begin{table}[ht]",
        r"\centering",
        size,
        rf"\caption{{{latex_breakable(text)}}}",
        rf"\label{{{_latex_label(chosen_label or _label_from(text))}}}",
        rf"\setlength{{\tabcolsep}}{{{gap_pt}pt}}",
        *parts,
        *([r"\par\smallskip{\footnotesize\raggedright", *notes, "}"] if notes else []),
        r"\end{table}",
    ]
    return "\n".join(lines) + "\n"


def _mark_of(table: ExportTable, column: Column) -> bool:
    """Whether any body cell of the column carries a footnote mark."""
    return any(key == column.key for _, key in table.marks)


def _label_from(caption: str) -> str:
    """A ``\\label`` made from the caption's first words, for tables given none.

    >>> _label_from("MobileNet v1, alpha=0.5: per-layer costs.")
    'tab:mobilenet-v1-alpha-0.5'
    """
    words = "".join(ch if ch.isalnum() or ch == "." else " " for ch in caption.lower()).split()
    return "tab:" + "-".join(w.strip(".") for w in words[:4] if w.strip(".")) if words else "tab:table"


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


def _markdown_cell(column: Column, text: str) -> str:
    return _markdown_text(text)


def to_markdown(table: ExportTable) -> str:
    """A pipe table (text left, numbers right; footer rows last), then the caption, notes and footnotes."""
    body, footer = _grid(table, table.columns, _markdown_cell, "<sup>{}</sup>".format)
    head = "| " + " | ".join(_markdown_text(c.title) for c in table.columns) + " |"
    rule = "|" + "|".join("---:" if c.right else ":---" for c in table.columns) + "|"
    rows = ["| " + " | ".join(row) + " |" for row in (*body, *footer)]
    return "\n".join([head, rule, *rows, *_after(table, "<sup>{}</sup> {}")])


def _html_cell(column: Column, text: str) -> str:
    return html.escape(text)


def _html_mark(mark: str) -> str:
    return f"<sup>{html.escape(mark)}</sup>"


HTML_CLASS = "mc-table"
HTML_STYLE = (
    "<style>"
    ".mc-table{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:13px;"
    "line-height:1.4;color:#1f2328;max-width:100%;overflow-x:auto}"
    ".mc-table table{border-collapse:collapse;margin:0.5em 0}"
    ".mc-table caption{caption-side:top;text-align:left;padding:0 0 0.5em;color:#3d444d;max-width:60em}"
    ".mc-table th,.mc-table td{padding:0.25em 0.7em;border-bottom:1px solid #d1d9e0;text-align:left;"
    "vertical-align:top}"
    ".mc-table thead th{border-bottom:2px solid #1f2328;background:#f6f8fa;font-weight:600}"
    ".mc-table tbody tr:nth-child(even){background:#fafbfc}"
    ".mc-table tfoot td{border-top:2px solid #1f2328;font-weight:600}"
    ".mc-table .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    ".mc-table p{margin:0.4em 0;max-width:60em}"
    "</style>"
)
"""The look of every HTML table, scoped to :data:`HTML_CLASS`: it travels with the table, so the HTML reads
the same in Jupyter, a browser or any HTML viewer, and styles nothing outside it."""


def html_block(body: str, name: str = "") -> str:
    """HTML wrapped in the scoped block that carries :data:`HTML_STYLE` (``name``: one more class).

    >>> html_block("<p>x</p>", "mobilenet-report").startswith('<div class="mc-table mobilenet-report"><style>')
    True
    """
    return f'<div class="{" ".join(filter(None, (HTML_CLASS, name)))}">{HTML_STYLE}{body}</div>'


NUMBER_CELL = ' class="num"'


def to_html(table: ExportTable, max_rows: int | None = None, styled: bool = True) -> str:
    """An HTML table of escaped cells (caption, footer rows in ``<tfoot>``, footnotes after it; numbers in
    ``class="num"`` cells); past ``max_rows`` rows only the first and last halves are shown, with a note
    between them. ``styled`` wraps it in :func:`html_block`, so it needs no stylesheet to read well."""
    columns = table.columns
    body, footer = _grid(table, columns, _html_cell, _html_mark)

    def row_html(cells: list[str], tag: str = "td") -> str:
        return "<tr>" + "".join(
            f"<{tag}{NUMBER_CELL if c.right else ''}>{v}</{tag}>" for v, c in zip(cells, columns, strict=True)
        ) + "</tr>"  # fmt: skip

    shown = [row_html(r) for r in body]
    if max_rows is not None and len(body) > max_rows:
        note = f'<tr><td colspan="{len(columns)}">… {len(body) - max_rows} rows not shown …</td></tr>'
        shown = [*shown[: max_rows // 2], note, *shown[-max_rows // 2 :]]
    text = _sentences(table.caption, *table.notes)
    parts = "".join([
        "<table>",
        *([f"<caption>{html.escape(text)}</caption>"] if text else []),
        f"<thead>{row_html([html.escape(c.title) for c in columns], 'th')}</thead>",
        f"<tbody>{''.join(shown)}</tbody>",
        *([f"<tfoot>{''.join(row_html(r) for r in footer)}</tfoot>"] if footer else []),
        "</table>",
        *(f"<p><small>{_html_mark(m)} {html.escape(t)}</small></p>" for m, t in table.footnotes),
    ])  # fmt: skip
    return html_block(parts) if styled else parts


def json_value(value):
    """A cell as JSON: exact ints stay ints, other fractions become floats, NumPy scalars plain numbers.

    >>> json_value(Fraction(6, 3)), json_value(Fraction(1, 4)), json_value(Decimal("70.6")), json_value(None)
    (2, 0.25, 70.6, None)
    """
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    if hasattr(value, "item"):
        value = value.item()
    return None if _missing(value) else value


def to_json(table: ExportTable, meta: Mapping[str, object] | None = None, rows_key: str = "rows") -> str:
    """``meta`` (default: the caption and notes) and one object per row under ``rows_key``, exact values."""
    head = dict(meta) if meta is not None else {
        k: v for k, v in (("caption", table.caption), ("notes", list(table.notes))) if v
    }  # fmt: skip
    rows = [{c.key: json_value(row.get(c.key)) for c in table.columns} for row in table.rows]
    return json.dumps({**head, rows_key: rows}, indent=2, ensure_ascii=False)


def columns_description(columns: Sequence[Column]) -> dict[str, str]:
    """Column key → what it holds (for the CSV sidecars)."""
    return {c.key: c.description or c.title for c in columns}
