"""Exact symbolic cost model of MobileNet v1 in the width multiplier α and resolution multiplier ρ.

>>> import costmodel
>>> r = costmodel.report(alpha=0.5, rho=0.714)
>>> r.resolution, r.totals["macs"]
(160, 76524800)
"""

from __future__ import annotations

import importlib

# Functions named like their modules are bound eagerly: importing the submodule would otherwise shadow them.
from costmodel.core.evaluate import evaluate as evaluate
from costmodel.core.report import report as report
from costmodel.counting.reconcile import reconcile as reconcile

_EXPORTS: dict[str, str] = {
    "AccuracyModel": "costmodel.reference.accuracy_model",
    "alpha": "costmodel.core.arithmetic",
    "best_estimate": "costmodel.reference.budget",
    "best_reference": "costmodel.reference.budget",
    "Convention": "costmodel.core.convention",
    "evaluate": "costmodel.core.evaluate",
    "fitting_estimates": "costmodel.reference.budget",
    "fitting_references": "costmodel.reference.budget",
    "Expressions": "costmodel.core.symbolic",
    "import_latency": "costmodel.latency.importer",
    "iso_cost_curve": "costmodel.reference.budget",
    "LatencyImportError": "costmodel.latency.importer",
    "LatencyModel": "costmodel.latency.model",
    "LayerLatencyModel": "costmodel.latency.layer_model",
    "LatencyStore": "costmodel.latency.store",
    "load_table": "costmodel.reference.tables",
    "max_resolution": "costmodel.reference.budget",
    "network_expressions": "costmodel.core.symbolic",
    "pareto_front": "costmodel.reference.pareto",
    "pareto_mask": "costmodel.reference.pareto",
    "parse_latency": "costmodel.latency.importer",
    "Preset": "costmodel.core.presets",
    "preset_expressions": "costmodel.counting.preset_symbolic",
    "PresetExpressions": "costmodel.counting.preset_symbolic",
    "PRESETS": "costmodel.core.presets",
    "published_trend": "costmodel.reference.accuracy_model",
    "reconcile": "costmodel.counting.reconcile",
    "Report": "costmodel.core.report",
    "report": "costmodel.core.report",
    "rho": "costmodel.core.arithmetic",
    "table_names": "costmodel.reference.tables",
    "to_keras": "costmodel.counting.frameworks",
    "to_torch": "costmodel.counting.frameworks",
    "with_costs": "costmodel.reference.budget",
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
