"""Notebook views (``_repr_html_``) of the fitted models: a compact table and a footer saying what it is.

Formatting only; the models compute everything shown.

>>> import pandas as pd
>>> from costmodel.latency_model import LatencyModel, features
>>> df = pd.DataFrame([(a, r) for a in (0.25, 0.5, 0.75, 1.0) for r in (128, 160, 192, 224)],
...                   columns=["alpha", "resolution"])
>>> df["latency_ms"] = 1.5 + features(df.alpha, df.resolution)["macs_pw"] * 2e-7
>>> html = latency_model_html(LatencyModel.fit(df))
>>> "<td>constant</td><td>1.5</td><td>ms</td>" in html, "16 points" in html
(True, True)
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from costmodel.accuracy_model import AccuracyModel
    from costmodel.latency_model import LatencyModel


def _table(head: list[str], rows: list[list[str]]) -> str:
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def latency_model_html(model: LatencyModel) -> str:
    """Coefficients in readable units, then the leave-one-out error (nn-Meter's ±10 % share)."""
    from costmodel.latency_model import FEATURE_UNITS, FEATURES, TOLERANCE

    rows = []
    for name in FEATURES:
        scale, unit = FEATURE_UNITS[name]
        rows.append([name, f"{model.coefficients[name] * scale:.6g}", unit])
    footer = (
        f"{len(model.loo_errors)} points; leave-one-out: {model.loo_within():.1%} within ±{TOLERANCE:.0%}, "
        f"RMSPE {model.loo_rmspe:.2f} %; in-sample RMSPE {model.fit_rmspe:.2f} %. "
        "Latency = sum of non-negative terms of cost-model features (paper convention)."
    )
    return (
        "<div class='mobilenet-latency-model'><strong>Latency model</strong>"
        f"{_table(['feature', 'coefficient', 'unit'], rows)}<p><small>{html.escape(footer)}</small></p></div>"
    )


def accuracy_model_html(model: AccuracyModel) -> str:
    """The fitted terms, the range it was fitted on and the points it set aside as outliers."""
    rows = [[term, f"{value:.4g}"] for term, value in model.terms.items()]
    outliers = model.outliers
    flagged = ", ".join(
        f"{a:g}-{int(r)} (gap {g:+.2f})"
        for a, r, g in zip(outliers.alpha, outliers.resolution, outliers.gap, strict=True)
    )
    footer = (
        f"top-1 estimate, {'quadratic' if model.degree == 2 else 'linear'} in log α and log(resolution/224), "
        "fitted on "
        f"α {model.alpha_range[0]:g}–{model.alpha_range[1]:g}, resolution "
        f"{model.resolution_range[0]:g}–{model.resolution_range[1]:g}; "
        f"outliers (> {model.threshold:g} points): {flagged or 'none'}. Estimates, not measurements."
    )
    return (
        "<div class='mobilenet-accuracy-model'><strong>Accuracy model</strong>"
        f"{_table(['term', 'coefficient'], rows)}<p><small>{html.escape(footer)}</small></p></div>"
    )
