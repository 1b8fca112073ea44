"""A reference table (any DataFrame) as the one :class:`~costmodel.output.table.ExportTable`: aligned text,
CSV or a booktabs LaTeX table.

Only formatting: the numbers are printed as stored (a float column of whole numbers drops the ``.0``),
missing cells are blank, and the LaTeX caption names the sources of the rows shown.

>>> import pandas as pd
>>> df = pd.DataFrame({"model": ["a_1"], "top1_pct": [70.6], "resolution": pd.array([224], dtype="Int64")})
>>> print(frame_as_text(df))
model  top1_pct  resolution
a_1        70.6         224
>>> print(frame_as_latex(df, caption="Demo"), end="")
\\begin{table}[ht]
\\centering
\\small
\\caption{Demo.}
\\label{tab:demo}
\\setlength{\\tabcolsep}{4pt}
\\begin{tabular}{lrr}
\\toprule
model & top1\\_pct & resolution \\\\
\\midrule
a\\_1 & 70.6 & 224 \\\\
\\bottomrule
\\end{tabular}
\\end{table}
"""

from __future__ import annotations

import pandas as pd

from costmodel.output.table import Column, ExportTable


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and series.dtype != bool


def _column(name: str, series: pd.Series) -> Column:
    """Numbers as stored, right-aligned; a float column holding only whole numbers shows them without ``.0``."""
    if not _is_numeric(series):
        return Column(name, name)
    values = series.dropna()
    whole = pd.api.types.is_float_dtype(series) and bool((values == values.round()).all())
    return Column(name, name, "plain", whole=whole)


def _value(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def plain_records(df: pd.DataFrame) -> list[dict]:
    """``df.to_dict("records")`` with plain Python values (no NumPy scalars), without its per-row overhead.

    >>> plain_records(pd.DataFrame({"a": [1, 2], "b": [0.5, 1.5]}))
    [{'a': 1, 'b': 0.5}, {'a': 2, 'b': 1.5}]
    """
    columns = df.to_dict("list")
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def frame_table(df: pd.DataFrame, caption: str = "") -> ExportTable:
    """The rows of ``df`` under one column per frame column (text left, numbers right)."""
    names = [str(c) for c in df.columns]
    columns = tuple(_column(name, df[c]) for name, c in zip(names, df.columns, strict=True))
    rows = tuple(
        {name: _value(v) for name, v in zip(names, values, strict=True)}
        for values in df.itertuples(index=False, name=None)
    )
    return ExportTable(columns=columns, rows=rows, caption=caption)


def frame_as_text(df: pd.DataFrame) -> str:
    """Columns aligned with two spaces; numbers right-aligned, text left-aligned."""
    return frame_table(df).to_text(rule=False)


def frame_as_csv(df: pd.DataFrame) -> str:
    """CSV with a header row and ``\\n`` line ends; blank for missing values; formula-like text neutralised."""
    return frame_table(df).to_csv()


def frame_as_latex(df: pd.DataFrame, caption: str | None = None, label: str | None = None) -> str:
    """A booktabs ``table`` that fits a page: numeric columns right-aligned, every cell escaped, long text
    (URLs, sources) as numbered notes under it (see :func:`~costmodel.output.table.to_latex`)."""
    return frame_table(df, caption=caption or "").to_latex(label=label)
