"""Other counters: the reference PyTorch model that ptflops, fvcore, thop, torchinfo and torch count, the
symbolic form of their presets, and ``reconcile`` with its writers.

May import :mod:`costmodel.core` and :mod:`costmodel.output`.
"""
