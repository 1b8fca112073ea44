"""The depthwise-separable reduction: separable / standard cost = 1/N + 1/D_K², proved and shown.

A standard D_K×D_K convolution from M to N channels on a D_F×D_F output costs D_K²·M·N·D_F² mult-adds and
D_K²·M·N weights; the depthwise-separable pair costs D_K²·M·D_F² + M·N·D_F² and D_K²·M + M·N. SymPy
simplifies both ratios to exactly 1/N + 1/D_K² (paper section 3.1).

>>> proof = reduction_proof()
>>> proof.holds, proof.macs_ratio
(True, 1/N + D_K**(-2))
>>> row = layer_comparison(kernel=3, in_channels=32, out_channels=64, side=32, bias=True)
>>> row["standard"]["params"], row["separable"]["params"]
(18496, 2432)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import pandas as pd
import sympy

from costmodel.core.convention import Convention, convention_from
from costmodel.core.design_point import design_point
from costmodel.core.report import Report, build_report

D_K, M, N, D_F = sympy.symbols("D_K M N D_F", positive=True, integer=True)

SHALLOW_REMOVED_BLOCKS = (7, 8, 9, 10, 11)
"""Paper Table 5's "Shallow MobileNet" removes the five separable blocks of side 14 and 512 channels."""


@dataclass(frozen=True, repr=False)
class ReductionProof:
    """The cost expressions of both layer forms and their simplified ratios.

    >>> reduction_proof()
    <ReductionProof: both ratios equal 1/N + 1/D_K²: True (as_text() or as_latex() shows them)>
    """

    standard_macs: sympy.Expr
    separable_macs: sympy.Expr
    standard_params: sympy.Expr
    separable_params: sympy.Expr
    macs_ratio: sympy.Expr
    params_ratio: sympy.Expr
    expected: sympy.Expr

    @property
    def holds(self) -> bool:
        """True when both ratios simplify to exactly ``1/N + 1/D_K**2``."""
        return all(sympy.simplify(r - self.expected) == 0 for r in (self.macs_ratio, self.params_ratio))

    def as_text(self) -> str:
        """The proof in SymPy's pretty (two-dimensional) notation: powers raised, fractions stacked."""
        items = [
            ("standard conv MACs", self.standard_macs),
            ("standard conv params", self.standard_params),
            ("separable conv MACs", self.separable_macs),
            ("separable conv params", self.separable_params),
            ("MACs ratio", self.macs_ratio),
            ("params ratio", self.params_ratio),
        ]
        width = max(len(label) for label, _ in items) + 3
        lines = []
        for label, expression in items:
            block = sympy.pretty(expression, use_unicode=True, wrap_line=False).splitlines()
            bars = [number for number, line in enumerate(block) if "─" in line]
            baseline = bars[0] if bars else len(block) - 1  # a fraction's bar, else the line under the powers
            for number, line in enumerate(block):
                lines.append((f"{label} = " if number == baseline else "").ljust(width) + line)
        lines.append(f"both ratios equal 1/N + 1/D_K²: {self.holds}")
        return "\n".join(lines)

    def as_latex(self) -> str:
        """The two ratios as one LaTeX equation each (for Markdown with math)."""
        return "\n\n".join(
            rf"$\frac{{{sympy.latex(top)}}}{{{sympy.latex(bottom)}}} = {sympy.latex(ratio)}$"
            for top, bottom, ratio in (
                (self.separable_macs, self.standard_macs, self.macs_ratio),
                (self.separable_params, self.standard_params, self.params_ratio),
            )
        )

    def __repr__(self) -> str:
        return f"<ReductionProof: both ratios equal 1/N + 1/D_K²: {self.holds} (as_text() or as_latex() shows them)>"

    def _repr_latex_(self) -> str:
        return (
            rf"$\frac{{{sympy.latex(self.separable_macs)}}}{{{sympy.latex(self.standard_macs)}}} = "
            rf"{sympy.latex(self.macs_ratio)}$"
        )


def reduction_proof() -> ReductionProof:
    """Build the expressions and let SymPy simplify the ratios (exact, no numbers substituted)."""
    standard_macs = D_K**2 * M * N * D_F**2
    separable_macs = D_K**2 * M * D_F**2 + M * N * D_F**2
    standard_params = D_K**2 * M * N
    separable_params = D_K**2 * M + M * N
    return ReductionProof(
        standard_macs,
        separable_macs,
        standard_params,
        separable_params,
        sympy.expand(sympy.simplify(separable_macs / standard_macs)),
        sympy.expand(sympy.simplify(separable_params / standard_params)),
        1 / N + 1 / D_K**2,
    )


def layer_comparison(
    kernel: int, in_channels: int, out_channels: int, side: int, bias: bool = False
) -> dict[str, dict[str, int]]:
    """Params and MACs of one standard conv and of its depthwise + pointwise replacement.

    ``side`` is the output side D_F. With ``bias`` each conv also has one bias per output channel
    (a Keras ``model.summary()`` comparison; bias adds are not mult-adds).
    """
    for name, value in (("kernel", kernel), ("in_channels", in_channels), ("out_channels", out_channels),
                        ("side", side)):  # fmt: skip
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}={value!r} is not allowed; it must be a positive integer")
    area = side * side
    standard = {"params": kernel**2 * in_channels * out_channels + (out_channels if bias else 0),
                "macs": kernel**2 * in_channels * out_channels * area}  # fmt: skip
    depthwise = {"params": kernel**2 * in_channels + (in_channels if bias else 0),
                 "macs": kernel**2 * in_channels * area}  # fmt: skip
    pointwise = {"params": in_channels * out_channels + (out_channels if bias else 0),
                 "macs": in_channels * out_channels * area}  # fmt: skip
    separable = {k: depthwise[k] + pointwise[k] for k in standard}
    return {"standard": standard, "depthwise": depthwise, "pointwise": pointwise, "separable": separable}


def table3_rows(
    kernel: int = 3, channels: int = 512, side: int = 14, alpha: float = 0.75, rho: float = 0.714
) -> pd.DataFrame:
    """Paper Table 3 for any layer: full conv, separable, then × α on channels, then × ρ on the side.

    Channels scale as ``int(channels·α)``; the side as ``round(side·ρ)`` (14 × 0.714 → 10).

    >>> table3_rows()[["row", "macs", "params"]].to_numpy().tolist()
    [['Convolution', 462422016, 2359296], ['Depthwise Separable Conv', 52283392, 266752], ['alpha = 0.75', 29578752, 150912], ['rho = 0.714', 15091200, 150912]]
    """
    width = int(Fraction(str(alpha)) * channels)
    scaled_side = int(Fraction(str(rho)) * side + Fraction(1, 2))
    full = layer_comparison(kernel, channels, channels, side)
    rows = [
        ("Convolution", full["standard"]),
        ("Depthwise Separable Conv", full["separable"]),
        (f"alpha = {alpha:g}", layer_comparison(kernel, width, width, side)["separable"]),
        (f"rho = {rho:g}", layer_comparison(kernel, width, width, scaled_side)["separable"]),
    ]
    return pd.DataFrame([{"row": name, **costs} for name, costs in rows])


def block_comparison(r: Report) -> pd.DataFrame:
    """For each separable block of a report: standard vs separable MACs and params, and their ratio.

    The standard conv keeps the block's stride, input and output channels. The ratio is an exact
    ``Fraction`` equal to ``1/N + 1/9`` (``matches`` says so per row). One row per :func:`block_records`.
    """
    return pd.DataFrame(block_records(r))


BLOCK_INPUTS = ("block", "kind", "kernel", "in_channels", "out_channels", "out_side", "macs", "weights")
"""The report table's columns :func:`block_records` reads."""


def block_records(r: Report) -> list[dict]:
    """:func:`block_comparison`'s rows as plain dicts, one per separable block (what the Explorer shows for
    every update, without building a DataFrame).

    >>> from costmodel.core.report import report
    >>> first = block_records(report(alpha=0.5, resolution=160))[0]
    >>> first["block"], first["standard_macs"], first["separable_macs"], first["matches"]
    (1, 29491200, 4198400, True)
    """
    columns = {c: r.table[c].tolist() for c in BLOCK_INPUTS}  # plain Python values (cheaper than to_dict)
    rows_of = (dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True))
    layers = {(row["block"], row["kind"]): row for row in rows_of}
    rows = []
    for block in sorted(b for b, kind in layers if kind == "dw"):
        dw, pw = layers[block, "dw"], layers[block, "pw"]
        kernel, m, n, side = int(dw["kernel"]), dw["in_channels"], pw["out_channels"], dw["out_side"]
        standard_macs = kernel**2 * m * n * side**2
        separable_macs = dw["macs"] + pw["macs"]
        ratio = Fraction(separable_macs) / Fraction(standard_macs)
        expected = Fraction(1) / Fraction(n) + Fraction(1, kernel**2)
        rows.append(
            {
                "block": int(block), "D_K": kernel, "M": m, "N": n, "D_F": side,
                "standard_macs": standard_macs, "separable_macs": separable_macs,
                "standard_params": kernel**2 * m * n, "separable_params": dw["weights"] + pw["weights"],
                "ratio": ratio, "one_over_n_plus_one_over_dk2": expected, "matches": ratio == expected,
            }
        )  # fmt: skip
    return rows


def _variant_totals(r: Report, drop_blocks: tuple[int, ...] = (), full_conv: bool = False) -> dict[str, int]:
    t = r.table
    kept = t[~t.block.isin(drop_blocks)]
    macs, params = int(kept.macs.sum()), int(kept.params.sum())
    if full_conv:
        blocks = block_comparison(r)
        blocks = blocks[~blocks.block.isin(drop_blocks)]
        macs += int(blocks.standard_macs.sum() - blocks.separable_macs.sum())
        params += int(blocks.standard_params.sum() - blocks.separable_params.sum())
    return {"macs": macs, "params": params}


def conv_mobilenet(
    alpha: object = 1.0, rho: object = None, *, resolution: object = None, **knobs
) -> dict[str, int]:
    """Totals of paper Table 4's "Conv MobileNet": every separable block replaced by a full 3×3 conv.

    >>> conv_mobilenet()
    {'macs': 4867293184, 'params': 29282120}
    """
    return _variant_totals(_report(alpha, rho, resolution, knobs), full_conv=True)


def shallow_mobilenet(
    alpha: object = 1.0, rho: object = None, *, resolution: object = None, **knobs
) -> dict[str, int]:
    """Totals of paper Table 5's "Shallow MobileNet": the five 14×14×512 separable blocks removed.

    >>> shallow_mobilenet()
    {'macs': 307323392, 'params': 2876328}
    """
    return _variant_totals(_report(alpha, rho, resolution, knobs), drop_blocks=SHALLOW_REMOVED_BLOCKS)


def _report(alpha, rho, resolution, knobs) -> Report:
    convention: Convention = convention_from(knobs)
    if convention.smooth:
        raise ValueError("rounding='smooth' is not allowed here; the variants are counted on whole channels")
    return build_report(
        design_point(alpha, rho=rho, resolution=resolution, convention=convention), convention
    )
