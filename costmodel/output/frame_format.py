"""Laying out a reference table (any DataFrame) as aligned text, CSV or a booktabs LaTeX table.

Only formatting: the numbers are printed as stored (a float column of whole numbers drops the ``.0``),
missing cells are blank, and the LaTeX caption names the sources of the rows shown.

>>> import pandas as pd
>>> df = pd.DataFrame({"model": ["a_1"], "top1_pct": [70.6], "resolution": pd.array([224], dtype="Int64")})
>>> print(frame_as_text(df))
model  top1_pct  resolution
a_1        70.6         224
>>> print(frame_as_latex(df, caption="Demo"))
\\begin{table}[ht]
\\centering
\\begin{tabular}{lrr}
\\toprule
model & top1\\_pct & resolution \\\\
\\midrule
a\\_1 & 70.6 & 224 \\\\
\\bottomrule
\\end{tabular}
\\caption{Demo}
\\end{table}
"""

from __future__ import annotations

import pandas as pd

from costmodel.output.spreadsheet import spreadsheet_safe_frame
from costmodel.output.text import latex_escape


def _cell(value, whole: bool = False) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if whole and isinstance(value, float):
        return str(int(value))
    return str(value)


def _column_cells(series: pd.Series) -> list[str]:
    """A column's cells; a float column holding only whole numbers prints them without ``.0``."""
    values = series.dropna()
    whole = pd.api.types.is_float_dtype(series) and bool((values == values.round()).all())
    return [_cell(v, whole) for v in series]


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and series.dtype != bool


def frame_as_text(df: pd.DataFrame) -> str:
    """Columns aligned with two spaces; numbers right-aligned, text left-aligned."""
    columns = [str(c) for c in df.columns]
    cells = [_column_cells(df[c]) for c in df.columns]
    numeric = [_is_numeric(df[c]) for c in df.columns]
    widths = [max([len(name), *map(len, column)]) for name, column in zip(columns, cells, strict=True)]

    def line(values: list[str]) -> str:
        parts = [
            v.rjust(w) if right else v.ljust(w) for v, w, right in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    rows = [line(columns)] + [line([column[i] for column in cells]) for i in range(len(df))]
    return "\n".join(rows)


def frame_as_csv(df: pd.DataFrame) -> str:
    """CSV with a header row and ``\\n`` line ends; blank for missing values; formula-like text neutralised."""
    return spreadsheet_safe_frame(df).to_csv(index=False, lineterminator="\n")


def frame_as_latex(df: pd.DataFrame, caption: str | None = None) -> str:
    """A booktabs ``table``: numeric columns right-aligned, every cell escaped."""
    align = "".join("r" if _is_numeric(df[c]) else "l" for c in df.columns)
    header = " & ".join(latex_escape(str(c)) for c in df.columns) + r" \\"
    cells = [_column_cells(df[c]) for c in df.columns]
    body = [" & ".join(latex_escape(column[i]) for column in cells) + r" \\" for i in range(len(df))]
    lines = [r"\begin{table}[ht]", r"\centering", rf"\begin{{tabular}}{{{align}}}", r"\toprule", header]
    lines += [r"\midrule", *body, r"\bottomrule", r"\end{tabular}"]
    if caption:
        lines.append(rf"\caption{{{latex_escape(caption)}}}")
    lines.append(r"\end{table}")
    return "\n".join(lines)
