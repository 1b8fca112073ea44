"""The Design space page's URL: its settings as a query string and back, so a view can be shared or reloaded.

Keys: ``metric`` (what the colour shows), the budgets ``macs``, ``params``, ``latency`` (ms), ``ram`` and ``flash``
(as typed: ``300M``, ``20``, ``320KiB``), ``dtype`` and ``dataset``. Defaults are left out of the URL; a budget the
page's default has but the user cleared is kept as an empty value (``macs=``).

>>> controls, problems = controls_from_query("?metric=latency_ms&macs=200M&latency=20&dtype=int8")
>>> controls["metric"], controls["macs"], controls["latency"], controls["dtype"], problems
('latency_ms', '200M', '20', 'int8', [])
>>> to_query(controls)
'?metric=latency_ms&macs=200M&latency=20&dtype=int8'
>>> controls_from_query("?metric=flops&ram=lots")[1][0]
'metric=flops is not a metric; allowed: macs, params, top1_pct_estimate, latency_ms, peak_activation_bytes, flash_bytes'
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode

from costmodel.dashboard.design_space import DEFAULT_DATASET, DTYPES, METRICS, parse_budgets

DEFAULTS: dict[str, str] = {
    "metric": "top1_pct_estimate",
    "macs": "300M",
    "params": "",
    "latency": "",
    "ram": "",
    "flash": "",
    "dtype": "float32",
    "dataset": DEFAULT_DATASET,
}
"""Every setting of the page by its URL key, at its default (what an empty query shows)."""

BUDGET_KEYS: dict[str, str] = {
    "macs": "macs",
    "params": "params",
    "latency": "latency_ms",
    "ram": "peak_activation_bytes",
    "flash": "flash_bytes",
}
"""Each budget's URL key → the metric it limits (a key of :data:`~costmodel.dashboard.design_space.METRICS`)."""


def controls_from_query(
    search: str | None, datasets: list[str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """The page's settings from a query string (the last value of a repeated key), and the problems met:
    an unknown key, metric or value type, a budget that does not parse, or a dataset not among ``datasets``
    (when given) is named, and its default applies."""
    controls = dict(DEFAULTS)
    problems = []
    values = dict(parse_qsl((search or "").lstrip("?"), keep_blank_values=True))
    unknown = [key for key in values if key not in DEFAULTS]
    if unknown:
        shown = ", ".join(repr(key[:30]) for key in unknown[:5])
        problems.append(f"unknown URL parameter(s) {shown} ignored; known: {', '.join(DEFAULTS)}")
    for key, allowed, what in (("metric", tuple(METRICS), "a metric"), ("dtype", DTYPES, "a value type")):
        value = values.get(key)
        if value is None:
            continue
        if value in allowed:
            controls[key] = value
        else:
            problems.append(f"{key}={value[:30]} is not {what}; allowed: {', '.join(allowed)}")
    for key, budget_metric in BUDGET_KEYS.items():
        text = values.get(key)
        if text is None:
            continue
        _, errors = parse_budgets({budget_metric: text})
        if errors:
            problems.append(f"{key}: {errors[0]}")
        else:
            controls[key] = text.strip()
    dataset = values.get("dataset")
    if dataset is not None:
        if datasets is None or dataset in datasets:
            controls["dataset"] = dataset
        else:
            problems.append(
                f"dataset={dataset[:40]} is not a latency dataset here; showing {DEFAULT_DATASET}"
            )
    return controls, problems


def to_query(controls: Mapping[str, object]) -> str:
    """The query string of the page's settings, defaults left out; a budget that does not parse is left out too
    (the field names it; the link keeps what can be read). ``""`` when everything is at its default.

    >>> to_query({**DEFAULTS, "macs": "", "ram": "lots"})
    '?macs='
    """
    pairs = []
    for key, default in DEFAULTS.items():
        value = controls.get(key)
        text = "" if value is None else str(value).strip()
        if text == default:
            continue
        if key in BUDGET_KEYS and text and parse_budgets({BUDGET_KEYS[key]: text})[1]:
            continue
        if key not in BUDGET_KEYS and not text:
            continue
        pairs.append((key, text))
    return "?" + urlencode(pairs) if pairs else ""
