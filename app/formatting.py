"""Markdown tables for the pages (one string instead of many components), through the one table object.

>>> print(markdown_table(["block", "ratio"], [(1, "0.14236")]))
| block | ratio |
|---:|---:|
| 1 | 0.14236 |
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from costmodel.output.table import Column, ExportTable


def markdown_table(columns: Sequence[str], rows: Iterable[Sequence[object]], align: str = "right") -> str:
    """A GitHub-style Markdown table (every column aligned ``right`` or ``left``)."""
    names = [str(c) for c in columns]
    table = ExportTable(
        columns=tuple(Column(f"{i}", name, align=align) for i, name in enumerate(names)),
        rows=tuple({f"{i}": v for i, v in enumerate(row)} for row in rows),
    )
    return table.to_markdown()
