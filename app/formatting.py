"""Text formatting for the pages: numbers and Markdown tables (one string instead of many components).

>>> print(markdown_table(["block", "ratio"], [(1, "0.14236")]))
| block | ratio |
|---:|---:|
| 1 | 0.14236 |
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(columns: Sequence[str], rows: Iterable[Sequence[object]], align: str = "right") -> str:
    """A GitHub-style Markdown table (every column aligned ``right`` or ``left``)."""
    rule = "---:" if align == "right" else ":---"
    lines = ["| " + " | ".join(_cell(c) for c in columns) + " |", "|" + "|".join(rule for _ in columns) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def frame_markdown(frame: pd.DataFrame, align: str = "right") -> str:
    """:func:`markdown_table` of a DataFrame."""
    return markdown_table(list(frame.columns), frame.itertuples(index=False), align)
