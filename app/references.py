"""The Tables page's logic: reference tables for display, their sources, and which cells are errata.

>>> frame = load_for_display("slim_checkpoints")
>>> cells = errata_cells("slim_checkpoints", frame)
>>> sorted({frame.loc[row, "model"] for row, column, _ in cells if column == "macs_millions"})[:2]
['MobileNet_v1_0.25_192', 'MobileNet_v1_0.25_192_quant']
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from costmodel.reference.tables import PAPER_MODEL_COLUMNS, load_table, table_names, table_text

DESCRIPTIONS: dict[str, str] = {
    "paper_tables": "Every table of the paper (arXiv:1704.04861v1, Tables 1-14), one printed cell per row.",
    "paper_models": "The paper's rows that name a model (Tables 4-14), with α and resolution parsed.",
    "slim_checkpoints": "TF-slim mobilenet_v1.md checkpoint tables (three releases, float and quant).",
    "tflite_hosted_latency": "TF Lite hosted-model tables: accuracy, model size and measured latency.",
    "other_references": "timm, keras.io and OpenVINO Open Model Zoo figures.",
    "errata": "Cells of these tables that disagree with the architecture, with the reason.",
    "devices": "Microcontrollers and processors from vendor datasheets: RAM, flash, clock, peak MAC/s per "
    "dtype and memory bandwidth (for `mobilenet-cost memory` and the roofline).",
}
DEFAULT_TABLE = "paper_models"

_PAPER_KEY = re.compile(r"^Table (\d+) row (\d+)\b")


def check_name(name: object) -> str:
    """The table name, or ``DEFAULT_TABLE`` for anything that is not one."""
    return name if isinstance(name, str) and name in table_names() else DEFAULT_TABLE


@lru_cache(maxsize=16)
def _loaded(name: str) -> pd.DataFrame:
    return load_table(name)


def load_for_display(name: str) -> pd.DataFrame:
    """The table with blanks as empty strings and numbers as they were printed (no float noise)."""
    frame = _loaded(name).copy()
    for column in frame.columns:
        if pd.api.types.is_float_dtype(frame[column]):
            frame[column] = frame[column].map(lambda v: "" if pd.isna(v) else f"{v:g}")
        else:
            frame[column] = frame[column].astype("string").fillna("")
    return frame


def sources(name: str) -> list[str]:
    """The distinct sources the table's rows cite, in order of first appearance; one line per work, its
    tables joined (``…, Tables 4, 5, 6`` instead of one line per table).

    >>> sources("paper_models")[0]  # doctest: +ELLIPSIS
    'arXiv:1704.04861v1 (Howard et al., 2017, MobileNets), Tables 4, 5, 6, ...'
    """
    frame = _loaded(name)
    if "source" not in frame:
        return []
    works: dict[str, list[str]] = {}
    for text in dict.fromkeys(frame["source"].dropna().tolist()):
        work, comma, table = text.rpartition(", Table ")
        key = work if comma else text
        works.setdefault(key, [])
        if comma:
            works[key].append(table)
    return [
        f"{work}, Table{'s' if len(tables) > 1 else ''} {', '.join(tables)}" if tables else work
        for work, tables in works.items()
    ]


def errata_for(name: str) -> pd.DataFrame:
    """The errata recorded against a table (``paper_models`` shares those of ``paper_tables``)."""
    errata = _loaded("errata")
    wanted = "paper_tables" if name == "paper_models" else name
    return errata[errata["table"] == wanted].reset_index(drop=True)


def errata_cells(name: str, frame: pd.DataFrame) -> list[tuple[int, str, str]]:
    """``(row position, column, note)`` for every cell of the display ``frame`` an erratum is about; the
    note says what was printed, what the architecture gives, and why."""
    cells = []
    for erratum in errata_for(name).itertuples(index=False):
        column = erratum.column
        if name in ("paper_tables", "paper_models"):
            match = _PAPER_KEY.match(erratum.row_key)
            if not match:
                continue
            table_no, row_index = match.groups()
            rows = frame[(frame["table_no"] == table_no) & (frame["row_index"] == row_index)]
            if name == "paper_tables" and column != "row_label":
                rows = rows[rows["column"] == column]
                column = "value"
            elif name == "paper_models":
                column = PAPER_MODEL_COLUMNS.get(column, column)
        elif name == "slim_checkpoints":
            release, _, model = erratum.row_key.partition(" ")
            rows = frame[(frame["release"] == release) & (frame["model"] == model)]
        else:
            continue
        note = f"Erratum ({erratum.kind}): printed {erratum.printed}; the architecture gives {erratum.architecture}. {erratum.reason}"
        if column in frame.columns:
            cells += [(int(position), column, note) for position in frame.index.get_indexer(rows.index)]
    return cells


def columns_hint(frame: pd.DataFrame) -> str:
    """How to reach every column: the grid scrolls sideways inside itself and keeps its first column.

    >>> columns_hint(pd.DataFrame(columns=["model", "alpha", "top1_pct"]))
    '3 columns: scroll the table sideways (shift + wheel, or drag its bar) to see them all; model stays in view.'
    """
    return (
        f"{len(frame.columns)} columns: scroll the table sideways (shift + wheel, or drag its bar) to see "
        f"them all; {frame.columns[0]} stays in view."
    )


def download(name: str) -> tuple[str, str]:
    """The table as CSV: the stored file itself, or the derived table written out; and a file name."""
    try:
        return table_text(name), f"{name}.csv"
    except ValueError:
        return _loaded(name).to_csv(index=False), f"{name}.csv"
