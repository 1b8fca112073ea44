"""Published reference data: the tables with their sources and errata, Pareto fronts, the accuracy model fitted
to published top-1, and budget queries over them.

May import :mod:`costmodel.counting`, :mod:`costmodel.core` and :mod:`costmodel.output`.
"""
