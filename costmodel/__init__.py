"""Exact symbolic cost model of MobileNet v1 in the width multiplier α and resolution multiplier ρ.

>>> import costmodel
>>> r = costmodel.report(alpha=0.5, rho=0.714)
>>> r.resolution, r.totals["macs"]
(160, 76524800)
"""

from __future__ import annotations

import importlib

# Functions named like their modules are bound eagerly: importing the submodule would otherwise shadow them.
from costmodel.evaluate import evaluate as evaluate
from costmodel.reconcile import reconcile as reconcile
from costmodel.report import report as report

_EXPORTS: dict[str, str] = {
    "AccuracyModel": "costmodel.accuracy_model",
    "alpha": "costmodel.arithmetic",
    "best_estimate": "costmodel.budget",
    "best_reference": "costmodel.budget",
    "Convention": "costmodel.convention",
    "evaluate": "costmodel.evaluate",
    "Expressions": "costmodel.symbolic",
    "import_latency": "costmodel.latency_import",
    "iso_cost_curve": "costmodel.budget",
    "LatencyImportError": "costmodel.latency_import",
    "LatencyModel": "costmodel.latency_model",
    "LatencyStore": "costmodel.latency_store",
    "load_table": "costmodel.reference_tables",
    "max_resolution": "costmodel.budget",
    "network_expressions": "costmodel.symbolic",
    "pareto_front": "costmodel.pareto",
    "pareto_mask": "costmodel.pareto",
    "parse_latency": "costmodel.latency_import",
    "Preset": "costmodel.presets",
    "preset_expressions": "costmodel.preset_symbolic",
    "PresetExpressions": "costmodel.preset_symbolic",
    "PRESETS": "costmodel.presets",
    "reconcile": "costmodel.reconcile",
    "Report": "costmodel.report",
    "report": "costmodel.report",
    "rho": "costmodel.arithmetic",
    "table_names": "costmodel.reference_tables",
    "with_costs": "costmodel.budget",
}
"""Public name → module that defines it; imported on first use so that a cold CLI stays fast."""

__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'costmodel' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
