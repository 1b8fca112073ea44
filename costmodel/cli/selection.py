"""Row and column selection shared by ``tables``, ``frontier`` and ``best``: ``--where``, ``--source``, ``--columns``."""

from __future__ import annotations

import argparse

import pandas as pd


def add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    """``--where COLUMN=VALUE`` (repeatable), ``--source TEXT`` and ``--columns A,B``."""
    parser.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="COLUMN=VALUE",
        help="keep rows whose COLUMN equals VALUE (repeatable; compared as text)",
    )
    parser.add_argument("--source", help="keep rows whose source contains this text")
    parser.add_argument("--columns", help="comma-separated columns to keep, in this order")


def select(table: pd.DataFrame, args: argparse.Namespace) -> pd.DataFrame:
    """Apply ``--where``, ``--source`` and ``--columns`` to a table; unknown columns are a ValueError."""
    for condition in args.where:
        column, equals, value = condition.partition("=")
        column = column.strip()
        if not equals or not column:
            raise ValueError(f"--where {condition!r} must look like COLUMN=VALUE")
        if column not in table.columns:
            raise ValueError(f"--where: no column {column!r}; the columns are {', '.join(table.columns)}")
        as_text = table[column].map(_text)
        table = table[as_text == value.strip()]
    if args.source is not None:
        if "source" not in table.columns:
            raise ValueError("--source: this table has no source column")
        table = table[table["source"].str.contains(args.source, regex=False, na=False)]
    if args.columns:
        wanted = [c.strip() for c in args.columns.split(",") if c.strip()]
        unknown = [c for c in wanted if c not in table.columns]
        if unknown:
            raise ValueError(
                f"--columns: no column {unknown[0]!r}; the columns are {', '.join(table.columns)}"
            )
        table = table[wanted]
    return table


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    return str(value)
