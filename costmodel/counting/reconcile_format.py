"""Formatting a :func:`~costmodel.counting.reconcile.reconcile` table as text, CSV, Markdown and JSON.

Counting happens in :mod:`costmodel.reconcile`; this module only lays the numbers out. Exports keep exact
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

import json

import pandas as pd

from costmodel.core.presets import FRAMEWORK_MODELS, FRAMEWORK_PRESET_NAMES, TERMS
from costmodel.output.text import format_number, markdown_table

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


def _cells(table: pd.DataFrame) -> list[list[str]]:
    return [
        [format_number(row[c]) if c in NUMBER_COLUMNS else str(row[c]) for c in SHOWN_COLUMNS]
        for row in table.to_dict("records")
    ]


def _reasons(table: pd.DataFrame) -> list[str]:
    return [
        *(f"{row['convention']}: {row['why']} ({row['tool']})" for row in table.to_dict("records")),
        PARAMS_NOTE,
        *(FRAMEWORK_PARAMS_NOTE[n] for n in table["convention"] if n in FRAMEWORK_PRESET_NAMES),
    ]


def reconcile_text(table: pd.DataFrame) -> str:
    """A fixed-width table with a title, and each preset's reason below it."""
    rows = _cells(table)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(SHOWN_COLUMNS)]
    align = ["<", "<"] + [">"] * (len(SHOWN_COLUMNS) - 2)

    def line(cells) -> str:
        return " ".join(f"{c:{a}{w}}" for c, a, w in zip(cells, align, widths, strict=True)).rstrip()

    out = [_title(table), "", line(SHOWN_COLUMNS), line("-" * w for w in widths), *map(line, rows)]
    return "\n".join([*out, "", *_reasons(table)])


def reconcile_markdown(table: pd.DataFrame) -> str:
    """A pipe table with a title, and each preset's reason as a list below it."""
    body = markdown_table(list(SHOWN_COLUMNS), _cells(table), 2)
    return "\n".join([f"**{_title(table)}**", "", body, "", *(f"- {r}" for r in _reasons(table))])


def reconcile_csv(table: pd.DataFrame) -> str:
    """Every column, exact values, no index."""
    return table.to_csv(index=False, lineterminator="\n")


def reconcile_json(table: pd.DataFrame) -> str:
    """The design point and one object per preset, exact ints."""
    rows = [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in table.to_dict("records")
    ]
    return json.dumps({**table.attrs, "presets": rows}, indent=2, ensure_ascii=False)


FORMATTERS = {
    "text": reconcile_text,
    "csv": reconcile_csv,
    "markdown": reconcile_markdown,
    "json": reconcile_json,
}
"""Output format name → formatter."""
