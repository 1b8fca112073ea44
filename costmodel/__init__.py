"""Exact symbolic cost model of MobileNet v1 in the width multiplier α and resolution multiplier ρ.

>>> import costmodel
>>> r = costmodel.report(alpha=0.5, rho=0.714)
>>> r.resolution, r.totals["macs"]
(160, 76524800)
"""

from costmodel.accuracy_model import AccuracyModel
from costmodel.arithmetic import alpha, rho
from costmodel.budget import best_estimate, best_reference, iso_cost_curve, max_resolution, with_costs
from costmodel.convention import Convention
from costmodel.evaluate import evaluate
from costmodel.latency_import import LatencyImportError, import_latency, parse_latency
from costmodel.latency_model import LatencyModel
from costmodel.latency_store import LatencyStore
from costmodel.pareto import pareto_front, pareto_mask
from costmodel.presets import PRESETS, Preset
from costmodel.reconcile import PresetExpressions, preset_expressions, reconcile
from costmodel.reference_tables import load_table, table_names
from costmodel.report import Report, report
from costmodel.symbolic import Expressions, network_expressions

__all__ = [
    "PRESETS",
    "AccuracyModel",
    "Convention",
    "Expressions",
    "LatencyImportError",
    "LatencyModel",
    "LatencyStore",
    "Preset",
    "PresetExpressions",
    "Report",
    "alpha",
    "best_estimate",
    "best_reference",
    "evaluate",
    "import_latency",
    "iso_cost_curve",
    "load_table",
    "max_resolution",
    "network_expressions",
    "pareto_front",
    "pareto_mask",
    "parse_latency",
    "preset_expressions",
    "reconcile",
    "report",
    "rho",
    "table_names",
    "with_costs",
]
__version__ = "0.1.0"
