"""Formatting a :func:`~costmodel.counting.reconcile.reconcile` table as text, CSV, Markdown and JSON.

Counting happens in :mod:`costmodel.counting.reconcile`; this module builds the
:class:`~costmodel.output.table.ExportTable` of the numbers and writes through it. Exports keep exact
integers; the text and Markdown views add thousands separators and put each preset's ``why`` below the
table.

>>> from costmodel.counting.reconcile import reconcile
>>> print(reconcile_text(reconcile(0.5, resolution=160, presets=["paper", "torch-flops"])))
MobileNet v1, alpha=0.5, resolution=160 (rho=0.7143), reference PyTorch model, batch 1
<BLANKLINE>
convention  unit       total    params        conv        fc bias bn activation pool
----------- ---- ----------- --------- ----------- --------- ---- -- ---------- ----
paper       MAC   76,524,800 1,320,648  76,012,800   512,000    0  0          0    0
torch-flops FLOP 153,049,600 1,331,592 152,025,600 1,024,000    0  0          0    0
<BLANKLINE>
paper: the reference: mult-adds of convolutions and the classifier only (arXiv:1704.04861)
torch-flops: FLOPs = 2 × the paper's mult-adds; BN, ReLU6, pool and bias are not counted (torch 2.13.0)
params: paper = conv and classifier weights + classifier bias; tools = every nn.Parameter, which adds BN γ and β (2 per channel)
"""

from __future__ import annotations

import pandas as pd

from costmodel.core.presets import FRAMEWORK_MODELS, FRAMEWORK_PRESET_NAMES, TERMS
from costmodel.output.table import Column, ExportTable

PARAMS_NOTE = (
    "params: paper = conv and classifier weights + classifier bias; "
    "tools = every nn.Parameter, which adds BN γ and β (2 per channel)"
)

FRAMEWORK_PARAMS_NOTE = {
    "keras": "keras = count_params(), every variable, which adds BN γ, β, moving mean and variance "
    "(4 per channel; trainable: 2)",
    "timm": "timm = every nn.Parameter of its model, which adds BN γ and β (2 per channel)",
}

NUMBER_COLUMNS: tuple[str, ...] = ("total", "params", *TERMS)
SHOWN_COLUMNS: tuple[str, ...] = ("convention", "unit", *NUMBER_COLUMNS)


def _title(table: pd.DataFrame) -> str:
    a = table.attrs
    frameworks = [n for n in table["convention"] if n in FRAMEWORK_PRESET_NAMES]
    counted = "reference PyTorch model" + "".join(f"; {n} row: {FRAMEWORK_MODELS[n]}" for n in frameworks)
    return (
        f"MobileNet v1, alpha={a['alpha']:g}, resolution={a['resolution']} (rho={a['rho']:.4g}), "
        f"{counted}, batch 1"
    )


def _table(table: pd.DataFrame, names) -> ExportTable:
    columns = tuple(Column(c, c, "text" if pd.api.types.is_string_dtype(table[c]) else "count") for c in names)
    return ExportTable(columns=columns, rows=tuple(table.to_dict("records")))


def shown_table(table: pd.DataFrame) -> ExportTable:
    """The readable columns of the text and Markdown views."""
    return _table(table, SHOWN_COLUMNS)


def export_table(table: pd.DataFrame) -> ExportTable:
    """Every column, exact values (CSV and JSON)."""
    return _table(table, table.columns)


def _reasons(table: pd.DataFrame) -> list[str]:
    return [
        *(f"{row['convention']}: {row['why']} ({row['tool']})" for row in table.to_dict("records")),
        PARAMS_NOTE,
        *(FRAMEWORK_PARAMS_NOTE[n] for n in table["convention"] if n in FRAMEWORK_PRESET_NAMES),
    ]


def reconcile_text(table: pd.DataFrame) -> str:
    """A fixed-width table with a title, and each preset's reason below it."""
    return "\n".join([_title(table), "", shown_table(table).to_text(gap=1), "", *_reasons(table)])


def reconcile_markdown(table: pd.DataFrame) -> str:
    """A pipe table with a title, and each preset's reason as a list below it."""
    body = shown_table(table).to_markdown()
    return "\n".join([f"**{_title(table)}**", "", body, "", *(f"- {r}" for r in _reasons(table))])


def reconcile_csv(table: pd.DataFrame) -> str:
    """Every column, exact values, no index."""
    return export_table(table).to_csv()


def reconcile_json(table: pd.DataFrame) -> str:
    """The design point and one object per preset, exact ints."""
    return export_table(table).to_json(meta=table.attrs, rows_key="presets")


FORMATTERS = {
    "text": reconcile_text,
    "csv": reconcile_csv,
    "markdown": reconcile_markdown,
    "json": reconcile_json,
}
"""Output format name → formatter."""
