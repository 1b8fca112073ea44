"""Exact totals of many design points by table look-up: one table per total over the α keys and input sides.

Under ``keras`` and ``slim`` rounding every channel count is ``floor(d·α)`` (or its maximum with 8) for a
width d that divides 1024, and ``floor(d·α) = floor(floor(1024·α)·d/1024)`` because ``floor(floor(x)/n) =
floor(x/n)`` for a whole n. So every total depends on α only through the integer *key* ``floor(1024·α)``
(exact in float64: 1024·α only shifts the exponent) and on the input side only through the side itself.
Each total, a sum over layers, splits into terms (a product of channel counts) × (a product of layer sides):
tabulated over the keys and sides present it is one small matrix product, and every point is one look-up.
A peak is the largest of its layers' tables. Other roundings (``divisible8`` compares with 0.9·d·α; the
smooth model has no keys) have no lookup.

>>> from costmodel.core.convention import Convention
>>> lookup = totals_lookup(("macs", "peak_activation_bytes"), Convention(dtype="int8"))
>>> out = np.empty((2, 2), dtype=np.int64)
>>> lookup(np.array([1.0, 0.5]), np.array([224, 128]), out, force=True)
True
>>> out.tolist()
[[568740352, 49160192], [1204224, 196608]]
>>> totals_lookup(("macs",), Convention(rounding="divisible8")) is None
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
import sympy
from threadpoolctl import ThreadpoolController

from costmodel.core.arithmetic import alpha, resolution_symbol
from costmodel.core.convention import Convention
from costmodel.core.formulas import MAXIMA
from costmodel.core.symbolic import layer_expressions_in_resolution, network_expressions

KEY_SCALE = 1024
"""The α key is ``floor(KEY_SCALE·α)``; every base width of the network divides it."""

KEYED_ROUNDINGS = ("keras", "slim")
"""The roundings whose channel counts are ``floor(d·α)``, maybe raised to 8: functions of the α key."""

EXACT_FLOAT = 2**53
"""Whole numbers below this are exact in float64, so a matrix product of them below it is exact too."""

Terms = tuple[tuple[sympy.Expr, sympy.Expr], ...]
"""A sum of (factor in α) × (factor in the side R) products."""


def _separated(expression: sympy.Expr) -> Terms:
    """``expression`` as a sum of products (α factor) × (R factor), one term per distinct R factor.

    >>> _separated(3 * alpha * resolution_symbol**2 + alpha**2 * resolution_symbol**2 + 5)
    ((5, 1), (alpha**2 + 3*alpha, R**2))
    """
    groups: dict[sympy.Expr, list[sympy.Expr]] = defaultdict(list)
    for term in sympy.Add.make_args(sympy.expand(expression)):
        in_alpha, in_side = term.as_independent(resolution_symbol, as_Add=False)
        groups[in_side].append(in_alpha)
    return tuple((sympy.Add(*parts), side) for side, parts in groups.items())


def _keyed(expressions: Sequence[sympy.Expr]) -> bool:
    """True when α enters ``expressions`` only through ``floor(c·α)`` with c dividing :data:`KEY_SCALE` (every
    base width of the network does; a width that did not would send its totals to the compiled expressions)."""
    floors = {f for e in expressions for f in e.atoms(sympy.floor) if f.has(alpha)}
    for f in floors:
        scale, rest = f.args[0].as_coeff_Mul()
        if rest != alpha or not scale.is_Integer or KEY_SCALE % int(scale):
            return False
    stand_ins = {f: sympy.Dummy() for f in floors}
    return not any(e.xreplace(stand_ins).has(alpha) for e in expressions)


class _Tabulated:
    """A sum of terms compiled for tabulation: the α factors and the side factors as NumPy functions."""

    def __init__(self, terms: Terms) -> None:
        self.in_alpha = sympy.lambdify(alpha, [a for a, _ in terms], modules="numpy", cse=True)
        self.by_side = any(s.has(resolution_symbol) for _, s in terms)
        self.in_side = sympy.lambdify(resolution_symbol, [s for _, s in terms], modules="numpy", cse=True)

    def table(self, keys: np.ndarray, sides: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """The sum at every (key, side), shape (keys, sides), or (keys, 1) when no side enters: float64 when
        every partial sum is below :data:`EXACT_FLOAT` (exact), int64 otherwise. ``out`` (float64, the right
        shape) takes the float64 result."""
        in_alpha = _rows(self.in_alpha(keys / KEY_SCALE), keys.size).T
        in_side = _rows(self.in_side(sides.astype(np.float64)), sides.size if self.by_side else 1)
        if float(np.abs(in_alpha).max(axis=0) @ np.abs(in_side).max(axis=1)) < EXACT_FLOAT:
            return np.matmul(in_alpha, in_side, out=out if self.by_side else None)
        return in_alpha.astype(np.int64) @ in_side.astype(np.int64)


def _rows(values: Sequence[object], size: int) -> np.ndarray:
    """Lambdified values (arrays or constants) as one float64 array of shape (len(values), size)."""
    return np.array([np.broadcast_to(np.asarray(v, dtype=np.float64), (size,)) for v in values])


def _peak_parts(parts: Sequence[Terms]) -> list[_Tabulated]:
    """The parts of a peak, compiled; one-term parts with the same side factor share one table (the side
    factor is never negative, so the largest α factor gives the largest product)."""
    single: dict[sympy.Expr, list[sympy.Expr]] = defaultdict(list)
    several = []
    for terms in parts:
        if len(terms) == 1:
            single[terms[0][1]].append(terms[0][0])
        else:
            several.append(terms)
    merged = [((sympy.Max(*factors), side),) for side, factors in single.items()]
    return [_Tabulated(terms) for terms in [*merged, *several]]


def _table(parts: Sequence[_Tabulated], keys: np.ndarray, sides: np.ndarray) -> np.ndarray:
    """A total's int64 table; a peak's is the largest of its parts' tables (one scratch table for them all)."""
    table = parts[0].table(keys, sides)
    scratch = np.empty((keys.size, sides.size)) if len(parts) > 1 else None
    for part in parts[1:]:
        other = part.table(keys, sides, scratch)
        if other.shape[1] > table.shape[1] or other.dtype != table.dtype:
            table = np.maximum(table, other)
        else:
            np.maximum(table, other, out=table)
    return table.astype(np.int64, copy=False)


def _multiple(plans: Sequence[Sequence[Terms]], row: int) -> tuple[int, int] | None:
    """``(earlier row, whole factor)`` when total ``row`` is a whole multiple of an earlier sum, else None.

    >>> m = (((alpha, resolution_symbol),),)
    >>> _multiple([m, (((2 * alpha, resolution_symbol),),)], 1), _multiple([m, m], 0)
    ((0, 2), None)
    """
    if len(plans[row]) > 1:
        return None
    terms = dict((side, a) for a, side in plans[row][0])
    for earlier in range(row):
        if len(plans[earlier]) > 1 or len(plans[earlier][0]) != len(terms):
            continue
        ratios = {sympy.cancel(terms[side] / a) if side in terms else None for a, side in plans[earlier][0]}
        if len(ratios) == 1 and (factor := ratios.pop()) is not None and factor.is_Integer and factor > 0:
            return earlier, int(factor)
    return None


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def _one_blas_thread():
    """A context in which NumPy's BLAS runs on one thread. The tables' products are thin (a handful of terms)
    and memory-bound: OpenBLAS's threads only contend with other work for the cores and spin after each
    call; unlimited, a million-point ``evaluate`` took three times as long on a 2-core machine."""
    return _blas().limit(limits=1, user_api="blas")


MIN_POINTS = 8192
"""Fewer points than this are faster through the compiled expressions than through tables."""


@lru_cache(maxsize=64)
def totals_lookup(
    metrics: tuple[str, ...], convention: Convention
) -> Callable[[np.ndarray, np.ndarray, np.ndarray], bool] | None:
    """A function ``f(alpha, resolution, out)`` filling ``out[i]`` with the total ``metrics[i]`` (no ratios)
    for 1-D point arrays by table look-up, or None where the convention's channel counts have no α key.
    ``f`` returns False, and fills nothing, when the tables would have more cells than there are points or
    the points are fewer than :data:`MIN_POINTS` (then the compiled expressions are faster); ``force=True``
    looks up regardless. Cached per metric tuple and convention.
    """
    if convention.rounding not in KEYED_ROUNDINGS:
        return None
    totals = network_expressions(convention).in_resolution
    by_layer = layer_expressions_in_resolution(convention)
    plans: list[list[Terms]] = []
    for metric in metrics:
        if metric in MAXIMA:
            parts = sorted({layer[MAXIMA[metric]] for layer in by_layer.values()}, key=sympy.default_sort_key)
            plans.append([_separated(part) for part in parts])
        else:
            plans.append([_separated(totals[metric])])
    if not _keyed([a for plan in plans for terms in plan for a, _ in terms]):
        return None
    multiples = {row: _multiple(plans, row) for row in range(len(plans))}
    compiled = [_peak_parts(plan) if len(plan) > 1 else [_Tabulated(plan[0])] for plan in plans]

    def look_up(a: np.ndarray, r: np.ndarray, out: np.ndarray, *, force: bool = False) -> bool:
        if a.size == 0:
            return True
        # In-place passes into two index arrays: allocating fresh arrays costs as much as computing them.
        key = np.multiply(a, KEY_SCALE, out=np.empty(a.size, dtype=np.intp), casting="unsafe")  # floor: α > 0
        side = r if r.dtype == np.intp else r.astype(np.intp)
        low_key, low_side = int(key.min()), int(side.min())
        keys = np.arange(low_key, int(key.max()) + 1)
        sides = np.arange(low_side, int(side.max()) + 1)
        if not force and (a.size < MIN_POINTS or keys.size * sides.size > a.size):
            return False
        key -= low_key
        cell = np.multiply(key, sides.size, out=np.empty_like(key))
        cell += side
        cell -= low_side
        for row, parts in enumerate(compiled):
            if multiples[row] is not None:  # flops = 2 × macs, flash_bytes = weight_bytes: one pass, no table
                source, factor = multiples[row]
                np.multiply(out[source], factor, out=out[row])
                continue
            with _one_blas_thread():
                table = _table(parts, keys, sides)
            index = key if table.shape[1] == 1 else cell
            np.take(table.ravel(), index, out=out[row], mode="clip")
        return True

    return look_up
