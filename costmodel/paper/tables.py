"""The paper's cost tables (arXiv:1704.04861v1, Tables 2–10) regenerated from the model, beside the printed values.

Every printed cost is compared with the model at the printed precision: a cell *matches* when the model,
rounded half up to the printed decimals, equals it; it matches at *continuous rho* when the network at its
whole-pixel side does not, but ρ taken as the continuous factor the paper prints does (ρ = 0.714 is 159.936 px,
not 160: 290.44 M prints 290 where the 160 px network has 290.68 M; the paper's own rule, see the README's
"What the paper prints"); otherwise it *differs*. Every cell that does not match gets a footnote saying
what the architecture gives and, where one is known, why the paper differs (an erratum is recorded,
never fitted away). Accuracy columns are the paper's, shown for context; the model does not compute them.

>>> tables = {t.number: t for t in paper_tables()}
>>> sorted(tables)
[2, 3, 4, 5, 6, 7, 8, 9, 10]
>>> t2 = tables[2].table
>>> [(r["layer_type"], r["macs_share_printed"], r["macs_share_status"]) for r in t2.rows][2]
('Conv 3x3', Decimal('1.19'), 'differs')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from string import ascii_lowercase

import pandas as pd

from costmodel.core.convention import Convention
from costmodel.core.reduction import conv_mobilenet, shallow_mobilenet, table3_rows
from costmodel.core.report import report
from costmodel.output.table import Column, ExportTable
from costmodel.reference.tables import load_table

PAPER = "Howard et al. 2017, MobileNets, arXiv:1704.04861v1"
MILLION = 10**6


def printed_tables() -> pd.DataFrame:
    """The paper's printed tables in long format (``load_table("paper_tables")``), values as printed text."""
    return _loaded("paper_tables")


@cache
def _loaded(name: str) -> pd.DataFrame:
    return load_table(name)


def printed_value(table_no: int, row_label: str, column: str) -> Decimal:
    """One printed number as an exact ``Decimal`` (a trailing ``%`` dropped).

    >>> printed_value(3, "Depthwise Separable Conv", "million_mult_adds")
    Decimal('52.3')
    """
    return Decimal(_cell(table_no, row_label, column).value.rstrip("%"))


def _cell(table_no: int, row_label: str, column: str) -> pd.Series:
    cells = printed_tables()
    hit = cells[(cells.table_no == table_no) & (cells.row_label == row_label) & (cells.column == column)]
    if len(hit) != 1:
        raise KeyError(f"paper Table {table_no} has no single cell ({row_label!r}, {column!r})")
    return hit.iloc[0]


def erratum(table_no: int, row_label: str, column: str) -> str:
    """The recorded erratum of one printed cell (``load_table("errata")``) as a sentence, or ``""``.

    >>> erratum(2, "Conv 3x3", "mult_adds_pct")[:60]
    'Erratum (typo; architecture 1.91%): Table 1 gives 112*112*3*'
    """
    cell = _cell(table_no, row_label, column)
    errata = _loaded("errata")
    key = f"Table {table_no} row {cell.row_index} ({row_label})"
    hit = errata[(errata.table == "paper_tables") & (errata.row_key == key) & (errata.column == column)]
    if hit.empty:
        return ""
    row = hit.iloc[0]
    return f"Erratum ({row.kind}; architecture {row.architecture}): {row.reason}"


def compare(model: Fraction, printed: Decimal) -> str:
    """``"matches"`` (model rounded half up to the printed decimals) or ``"differs"``.

    >>> compare(Fraction(568740352, 10**6), Decimal("569")), compare(Fraction(29068, 100), Decimal("290"))
    ('matches', 'differs')
    >>> compare(Fraction(191, 100), Decimal("1.19"))
    'differs'
    """
    exact = Decimal(model.numerator) / Decimal(model.denominator)
    step = Decimal(1).scaleb(printed.as_tuple().exponent)
    return "matches" if exact.quantize(step, rounding=ROUND_HALF_UP) == printed else "differs"


@dataclass(frozen=True)
class PaperTable:
    """One regenerated table: its paper number, a file stem, and the :class:`ExportTable` to write."""

    number: int
    stem: str
    title: str
    convention: str
    table: ExportTable

    def __repr__(self) -> str:
        return f"<PaperTable {self.number} {self.title!r}: {len(self.table.rows)} rows, {len(self.table.footnotes)} footnotes>"

    def _repr_markdown_(self) -> str:
        return self.table.to_markdown()


@dataclass(frozen=True)
class _Cost:
    """A printed column of a paper table and how the model computes it."""

    printed_column: str
    key: str
    scale: int = MILLION


class _Builder:
    """Collects rows, status columns and footnotes for one paper table."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.rows: list[dict[str, object]] = []
        self.marks: dict[tuple[int, str], str] = {}
        self.footnotes: list[tuple[str, str]] = []

    def footnote(self, row: int, key: str, text: str) -> None:
        mark = ascii_lowercase[len(self.footnotes)]
        self.footnotes.append((mark, text))
        self.marks[(row, key)] = ",".join(filter(None, [self.marks.get((row, key), ""), mark]))

    def compared(
        self, row: int, label: str, cost: _Cost, model_value, unit: str, exact_unit: str, continuous=None
    ) -> None:
        """Compare one printed cell with the model; ``continuous`` is the value at the printed ρ taken as a
        continuous factor (for a side under 224 px), which the paper's mult-adds follow."""
        printed = printed_value(self.number, label, cost.printed_column)
        shown = Fraction(model_value) / cost.scale
        status = compare(shown, printed)
        at_rho = None if continuous is None else Fraction(continuous) / cost.scale
        if status != "matches" and at_rho is not None and compare(at_rho, printed) == "matches":
            status = "continuous rho"
        record = self.rows[row]
        record[f"{cost.key}_printed"] = printed
        record[f"{cost.key}_model"] = model_value
        record[f"{cost.key}_status"] = status
        if status == "matches":
            return
        digits = max(-printed.as_tuple().exponent, 0) + 2
        text = f"Printed {printed}{unit}; the model gives {_decimal(shown, digits)}{unit}"
        if cost.scale == MILLION:
            text += f" ({int(model_value):,} {exact_unit})"
        text += (
            f"; the printed figure is that of ρ = {continuous_rho(label)} taken as a continuous factor "
            f"(224 × {continuous_rho(label)} = {224 * continuous_rho(label)} px: {_decimal(at_rho, digits)}{unit}), "
            "the paper's rule for every side under 224 px."
            if status == "continuous rho"
            else ", which differs beyond rounding."
        )
        reason = erratum(self.number, label, cost.printed_column)
        self.footnote(row, f"{cost.key}_printed", text + (f" {reason}" if reason else ""))


STATUS_DESCRIPTION = (
    "matches (model rounded to the printed decimals), continuous rho (matches only with the printed ρ taken "
    "as a continuous factor, the paper's rule), or differs"
)


def _decimal(value: Fraction, digits: int) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP
    )


def _cost_columns(key: str, header: str, unit: str, exact_unit: str, digits: int) -> tuple[Column, ...]:
    return (
        Column(f"{key}_printed", "printed", "number", group=f"{header} ({unit})",
               description=f"{header} as printed in the paper, in {unit}"),
        Column(f"{key}_model", "model", "count", scale=MILLION if unit == "M" else 1, group=f"{header} ({unit})",
               digits=digits, description=f"{header} from the model, exact {exact_unit} (shown in {unit})"),
        Column(f"{key}_status", "check", "text", group=f"{header} ({unit})", in_latex=False,
               description=STATUS_DESCRIPTION),
    )  # fmt: skip


# --- Builders, one per paper table ---------------------------------------------------------------

LAYER_TYPES: Mapping[str, str] = {
    "Conv 1x1": "pw",
    "Conv DW 3x3": "dw",
    "Conv 3x3": "conv",
    "Fully Connected": "fc",
}


def _table2() -> PaperTable:
    weights_only = report(fc_bias=False)
    builder = _Builder(2)
    totals = weights_only.totals
    for label, kind in LAYER_TYPES.items():
        rows = weights_only.table[weights_only.table.kind == kind]
        builder.rows.append(
            {"layer_type": label, "macs": int(rows.macs.sum()), "params": int(rows.params.sum())}
        )
        i = len(builder.rows) - 1
        for key, metric, column in (
            ("macs_share", "macs", "mult_adds_pct"),
            ("params_share", "params", "params_pct"),
        ):
            share = Fraction(100 * builder.rows[i][metric], totals[metric])
            cost = _Cost(column, key, scale=1)
            builder.compared(i, label, cost, share, " %", "")
    columns = (
        Column("layer_type", "Type"),
        Column(
            "macs",
            "model",
            "count",
            group="Mult-adds",
            description="model mult-adds of this layer type, exact",
        ),
        *_share_columns("macs_share", "Mult-adds"),
        Column(
            "params",
            "model",
            "count",
            group="Params",
            description="model weights of this layer type, exact (no FC bias)",
        ),
        *_share_columns("params_share", "Params"),
    )
    convention = (
        "1.0 MobileNet-224, paper convention; shares of 568,740,352 mult-adds and of the 4,209,088 weights "
        "(the printed params shares exclude the classifier bias; with it the classifier holds 24.35 %)"
    )
    return _finish(builder, 2, "table2_layer_types", "Resource per layer type", convention, columns)


def _share_columns(key: str, header: str) -> tuple[Column, ...]:
    return (
        Column(f"{key}_printed", "printed %", "number", group=header, description=f"{header} share as printed, %"),
        Column(f"{key}_model", "model %", "number", digits=2, csv_digits=4, group=header,
               description=f"{header} share from the model, % (4 decimals)"),
        Column(f"{key}_status", "check", "text", group=header, in_latex=False,
               description=STATUS_DESCRIPTION),
    )  # fmt: skip


def _table3() -> PaperTable:
    """One 3×3 layer, M = N = 512 on 14×14; cumulative modifications as printed."""
    builder = _Builder(3)
    for record in table3_rows().to_dict("records"):
        builder.rows.append({"modification": record["row"]})
        i = len(builder.rows) - 1
        builder.compared(i, record["row"], _mult_adds, record["macs"], " M", "mult-adds")
        builder.compared(i, record["row"], _params, record["params"], " M", "params")
    columns = (
        Column("modification", "Layer/modification"),
        *_cost_columns("macs", "Mult-adds", "M", "mult-adds", 1),
        *_cost_columns("params", "Params", "M", "params", 3),
    )
    convention = (
        "one 3×3 layer (D_K = 3, M = N = 512, D_F = 14), rows cumulative: separable, then α = 0.75 "
        "(M = N = 384), then ρ = 0.714 (D_F = round(14 × 0.714) = 10); weights only, no BN or bias"
    )
    return _finish(
        builder, 3, "table3_one_layer", "Modifications to one standard convolution", convention, columns
    )


_mult_adds = _Cost("million_mult_adds", "macs")
_params = _Cost("million_params", "params")


def _network_table(number: int, stem: str, title: str, rows: Mapping[str, Callable[[], Mapping[str, int]]],
                   convention: str, accuracy: str = "imagenet_acc", accuracy_header: str = "ImageNet top-1") -> PaperTable:  # fmt: skip
    builder = _Builder(number)
    for label, costs in rows.items():
        values = costs()
        builder.rows.append({"model": label, "accuracy_printed": printed_value(number, label, accuracy)})
        i = len(builder.rows) - 1
        builder.compared(
            i, label, _mult_adds, values["macs"], " M", "mult-adds", values.get("macs_continuous_rho")
        )
        builder.compared(i, label, _params, values["params"], " M", "params")
    columns = (
        Column("model", "Model"),
        Column("accuracy_printed", "printed", "number", group=f"{accuracy_header} (%)",
               description=f"{accuracy_header} accuracy as printed (%); not computed by the model"),
        *_cost_columns("macs", "Mult-adds", "M", "mult-adds", 2),
        *_cost_columns("params", "Params", "M", "params", 3),
    )  # fmt: skip
    return _finish(builder, number, stem, title, convention, columns)


LABEL = re.compile(r"^(?P<alpha>[0-9.]+) MobileNet-(?P<resolution>\d+)$")


def _label_point(label: str) -> tuple[float, int]:
    match = LABEL.match(label)
    if match is None:
        raise ValueError(f"row label {label!r} is not 'ALPHA MobileNet-RESOLUTION'")
    return float(match["alpha"]), int(match["resolution"])


def continuous_rho(label: str) -> Decimal:
    """The ρ the paper prints for a row's side (side / 224 to three decimals), a continuous factor.

    >>> continuous_rho("1.0 MobileNet-160"), continuous_rho("0.5 MobileNet-192")
    (Decimal('0.714'), Decimal('0.857'))
    """
    return (Decimal(_label_point(label)[1]) / 224).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def _at(label: str, **knobs) -> Callable[[], Mapping[str, object]]:
    """The totals of a labelled row's network, and (under 224 px) its mult-adds at the continuous ρ."""
    alpha, resolution = _label_point(label)

    def totals() -> Mapping[str, object]:
        values: dict[str, object] = dict(report(alpha=alpha, resolution=resolution, **knobs).totals)
        if resolution != 224:
            smooth = report(alpha=alpha, rho=float(continuous_rho(label)), rounding="smooth", **knobs)
            values["macs_continuous_rho"] = smooth.totals["macs"]
        return values

    return totals


PAPER_CONVENTION = Convention().describe()


def _mobilenet_rows(number: int) -> list[str]:
    cells = printed_tables()
    labels = cells[(cells.table_no == number) & cells.row_label.str.contains("MobileNet-")].row_label
    return list(dict.fromkeys(labels))


def _finish(builder: _Builder, number: int, stem: str, title: str, convention: str, columns) -> PaperTable:
    caption = f"Paper Table {number}: {title}, printed values ({PAPER}) beside the model."
    table = ExportTable(
        columns=tuple(columns),
        rows=tuple(builder.rows),
        caption=caption,
        label=f"tab:mobilenet-paper-{number}",
        notes=(f"Convention: {convention}.",),
        marks=dict(builder.marks),
        footnotes=tuple(builder.footnotes),
    )
    return PaperTable(number, stem, title, convention, table)


def paper_tables() -> tuple[PaperTable, ...]:
    """Tables 2–10 of the paper (MobileNet rows only for 8–10), each compared cell by cell with the model."""
    base = report()
    return (
        _table2(),
        _table3(),
        _network_table(4, "table4_separable_vs_full", "Depthwise separable vs full convolution MobileNet",
                       {"Conv MobileNet": conv_mobilenet, "MobileNet": lambda: base.totals},
                       "1.0 MobileNet-224; Conv MobileNet = every separable block replaced by a full 3×3 conv with "
                       "the same stride and channels; " + PAPER_CONVENTION),
        _network_table(5, "table5_narrow_vs_shallow", "Narrow vs shallow MobileNet",
                       {"0.75 MobileNet": _at("0.75 MobileNet-224"),
                        "Shallow MobileNet": shallow_mobilenet},
                       "224 px; Shallow MobileNet = 1.0 MobileNet without the five separable blocks on 14×14×512; "
                       + PAPER_CONVENTION),
        *(
            _network_table(n, stem, title, {label: _at(label, **knobs) for label in _mobilenet_rows(n)},
                           convention + PAPER_CONVENTION.replace("classes=1000", f"classes={classes}"),
                           accuracy, accuracy_header)
            for n, stem, title, knobs, classes, accuracy, accuracy_header, convention in (
                (6, "table6_width", "MobileNet width multiplier", {}, 1000, "imagenet_acc", "ImageNet top-1", ""),
                (7, "table7_resolution", "MobileNet resolution", {}, 1000, "imagenet_acc", "ImageNet top-1", ""),
                (8, "table8_mobilenet_rows", "MobileNet comparison to popular models (MobileNet rows)", {}, 1000,
                 "imagenet_acc", "ImageNet top-1", ""),
                (9, "table9_mobilenet_rows", "Smaller MobileNet comparison (MobileNet rows)", {}, 1000,
                 "imagenet_acc", "ImageNet top-1", ""),
                (10, "table10_stanford_dogs", "MobileNet for Stanford Dogs", {"classes": 120}, 120, "top1_acc",
                 "Stanford Dogs top-1", "120-class classifier; "),
            )
        ),
    )  # fmt: skip
