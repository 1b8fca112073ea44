"""Text formatting for the pages: numbers and Markdown tables (one string instead of many components).

>>> import pandas as pd
>>> print(markdown_table(pd.DataFrame({"block": [1], "ratio": ["0.14236"]})))
| block | ratio |
|---:|---:|
| 1 | 0.14236 |
"""

from __future__ import annotations

import pandas as pd


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(frame: pd.DataFrame, align: str = "right") -> str:
    """A GitHub-style Markdown table of ``frame`` (every column aligned ``right`` or ``left``)."""
    rule = "---:" if align == "right" else ":---"
    lines = [
        "| " + " | ".join(_cell(c) for c in frame.columns) + " |",
        "|" + "|".join(rule for _ in frame.columns) + "|",
    ]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)
