"""The cost model itself: the layer table, rounding, shapes, per-layer formulas, conventions and the counting
presets of other tools, design points, numeric and symbolic arithmetic, ``report``, ``evaluate`` and the
depthwise-separable reduction.

May import :mod:`costmodel.output` only.
"""
