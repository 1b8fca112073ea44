"""Exact symbolic cost model of MobileNet v1 in the width multiplier α and resolution multiplier ρ.

>>> import costmodel
>>> r = costmodel.report(alpha=0.5, rho=0.714)
>>> r.resolution, r.totals["macs"]
(160, 76524800)
"""

from costmodel.arithmetic import alpha, rho
from costmodel.convention import Convention
from costmodel.evaluate import evaluate
from costmodel.presets import PRESETS, Preset
from costmodel.reconcile import PresetExpressions, preset_expressions, reconcile
from costmodel.report import Report, report
from costmodel.symbolic import Expressions, network_expressions

__all__ = [
    "PRESETS",
    "Convention",
    "Expressions",
    "Preset",
    "PresetExpressions",
    "Report",
    "alpha",
    "evaluate",
    "network_expressions",
    "preset_expressions",
    "reconcile",
    "report",
    "rho",
]
__version__ = "0.1.0"
