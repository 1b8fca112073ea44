"""The SymPy arithmetic of the formulas (see :mod:`costmodel.core.arithmetic`) and the symbols α, ρ and R.

>>> SYMBOLIC.floor(alpha * 32)
floor(32*alpha)
"""

from __future__ import annotations

import sympy


class SymbolicArithmetic:
    """The same operations on SymPy expressions (floor, ceiling, Max and Piecewise kept)."""

    symbol_alpha = sympy.Symbol("alpha", positive=True, real=True)
    symbol_rho = sympy.Symbol("rho", positive=True, real=True)
    symbol_resolution = sympy.Symbol("R", positive=True, integer=True)

    @staticmethod
    def floor(x):
        return sympy.floor(x)

    @staticmethod
    def ceil(x):
        return sympy.ceiling(x)

    @staticmethod
    def max(a, b):
        return sympy.Max(a, b)

    @staticmethod
    def div(a, b):
        return sympy.sympify(a) / b

    @staticmethod
    def add_if_below(value, step, limit):
        return sympy.Piecewise((value + step, sympy.StrictLessThan(value, limit)), (value, True))

    @staticmethod
    def rational(p: int, q: int):
        return sympy.Rational(p, q)


SYMBOLIC = SymbolicArithmetic()
alpha = SymbolicArithmetic.symbol_alpha
rho = SymbolicArithmetic.symbol_rho
resolution_symbol = SymbolicArithmetic.symbol_resolution
