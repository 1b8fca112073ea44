"""The Design space page's logic: one metric over the α × resolution plane, iso-budget lines, the checkpoints.

Everything comes from :func:`costmodel.evaluate` (precompiled NumPy, never SymPy per request) on one cached
grid, the published float accuracy trend and the Pixel 2 CPU latency model.

>>> grid = design_grid()
>>> grid.shape[0] == len(ALPHAS) * len(RESOLUTIONS)
True
>>> view = design_space_view("macs", "300M")
>>> view.budgets, view.error
({'macs': 300000000}, '')
>>> design_space_view("macs", "lots").error
"MACs: 'lots' must be a positive amount such as 300M, 0.3G, 1.5k or 300000000"
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from costmodel.core.evaluate import evaluate
from costmodel.core.numbers import parse_quantity

ALPHAS = np.round(np.arange(0.25, 1.0001, 0.025), 3)
RESOLUTIONS = np.arange(96, 257, 4)
METRICS = {
    "macs": "MACs (mult-adds)",
    "params": "parameters",
    "top1_pct_estimate": "estimated top-1 (%)",
    "latency_ms": "predicted latency on Pixel 2 CPU (ms)",
}
BUDGET_METRICS = {"macs": "count", "params": "count", "latency_ms": "ms"}
"""Metrics an iso-budget line can be drawn for, and how its budget text is read."""
CHECKPOINT_ALPHAS = (0.25, 0.5, 0.75, 1.0)
CHECKPOINT_RESOLUTIONS = (128, 160, 192, 224)


@lru_cache(maxsize=1)
def design_grid() -> pd.DataFrame:
    """Every metric of :data:`METRICS` on the :data:`ALPHAS` × :data:`RESOLUTIONS` grid (computed once)."""
    from costmodel.dashboard.explorer import _explorer_latency_model

    from costmodel.reference.accuracy_model import published_trend

    grid = evaluate(ALPHAS, RESOLUTIONS, metrics=["macs", "params"], grid=True)
    grid["top1_pct_estimate"] = (
        published_trend("float").predict(grid["alpha"], grid["resolution"])["top1_pct_estimate"].to_numpy()
    )
    grid["latency_ms"] = _explorer_latency_model().predict(
        grid["alpha"].to_numpy(float), grid["resolution"].to_numpy()
    )
    return grid


@lru_cache(maxsize=1)
def checkpoints() -> pd.DataFrame:
    """The 16 published TF-slim checkpoints (α × resolution) with their exact MACs."""
    frame = evaluate(
        np.array(CHECKPOINT_ALPHAS), np.array(CHECKPOINT_RESOLUTIONS), metrics=["macs"], grid=True
    )
    frame["label"] = [f"MobileNet_v1_{a:g}_{r}" for a, r in zip(frame.alpha, frame.resolution, strict=True)]
    return frame


@dataclass(frozen=True)
class DesignSpaceView:
    metric: str
    grid: pd.DataFrame
    budgets: dict[str, float]
    error: str


def parse_budgets(texts: dict[str, str | None]) -> tuple[dict[str, float], list[str]]:
    """Budget texts per metric (``{"macs": "300M", "latency_ms": "20"}``) as numbers; problems named by field."""
    budgets, problems = {}, []
    for metric, text in texts.items():
        if text is None or not str(text).strip():
            continue
        try:
            budgets[metric] = parse_quantity(
                METRICS[metric].split(" (")[0], str(text), BUDGET_METRICS[metric]
            )
        except ValueError as error:
            problems.append(str(error))
    return budgets, problems


def design_space_view(metric: str, macs_budget: str | None = None, params_budget: str | None = None,
                      latency_budget: str | None = None) -> DesignSpaceView:  # fmt: skip
    """The chosen metric (``macs`` for anything unknown) and the iso-budget lines asked for."""
    metric = metric if metric in METRICS else "macs"
    budgets, problems = parse_budgets(
        {"macs": macs_budget, "params": params_budget, "latency_ms": latency_budget}
    )
    return DesignSpaceView(metric, design_grid(), budgets, "; ".join(problems))


@lru_cache(maxsize=64)
def figure_of(metric: str, budgets: tuple[tuple[str, float], ...]) -> dict:
    """The page's figure as a plain dict, cached per metric and budget lines (a typed budget repeats often)."""
    from costmodel.present.figures import make_design_space_figure

    return make_design_space_figure(design_grid(), metric, METRICS[metric], dict(budgets), checkpoints()).to_dict()


def fitting_count(view: DesignSpaceView) -> int:
    """How many grid points meet every budget at once."""
    fits = np.ones(len(view.grid), dtype=bool)
    for metric, limit in view.budgets.items():
        fits &= (view.grid[metric] <= float(limit)).to_numpy()
    return int(fits.sum())
