"""Keeping CSV exports safe to open in a spreadsheet: text that would run as a formula gets an apostrophe.

>>> spreadsheet_safe("=cmd|' /C calc'!A0"), spreadsheet_safe("Pixel 2"), spreadsheet_safe(-1)
("'=cmd|' /C calc'!A0", 'Pixel 2', -1)
"""

from __future__ import annotations

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is run as a formula by spreadsheets."""


def spreadsheet_safe(value: object) -> object:
    """``value`` with an apostrophe in front when it is text starting like a formula; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def spreadsheet_safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells are :func:`spreadsheet_safe`; numbers stay numbers.

    >>> spreadsheet_safe_frame(pd.DataFrame({"note": ["+1 run", "ok"], "ms": [1.5, -2.0]})).to_dict("list")
    {'note': ["'+1 run", 'ok'], 'ms': [1.5, -2.0]}
    """
    safe = df.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(spreadsheet_safe)
    return safe
