"""The Frontier page's settings in its URL, so that a link or a reload shows the same chart.

The query string holds the Explorer's design point (``alpha``, ``resolution`` or ``rho``, knobs), left as it
is, plus the Frontier's own settings where they differ from the defaults:

=============  =====================================================================================
``x``          the cost axis: ``macs`` (default), ``params``, ``latency_ms``, ``peak_activation_bytes`` or
               ``flash_bytes``
``log``        ``0`` for a linear x axis (the default is logarithmic)
``source``     one per shown source (repeated); one empty ``source=`` shows none
``precision``  ``float`` and/or ``quant`` (repeated); one empty ``precision=`` shows none
``budget_X``   the budget of axis ``X`` (``budget_macs=300M``, ``budget_latency_ms=20``): each axis keeps its
               own; empty for none. An older link's ``budget`` is the budget of its ``x`` axis
``latency``    where latency comes from: ``published``, ``measured:NAME`` or ``predicted:NAME``
``brush_X``    a range brushed on the parallel-coordinates axis ``X`` (``brush_macs=1e08,3e08``), repeated
               for several ranges: only the points inside every brushed axis are drawn
               (:mod:`costmodel.dashboard.frontier_brush`)
=============  =====================================================================================

Bad values in a URL are replaced by the defaults and listed in the returned problems; a bad budget typed on
the page leaves the URL's budget as it was.

>>> controls, problems = controls_from_query("?alpha=0.5&resolution=160&x=params&source=paper&budget_params=2M")
>>> controls["x"], controls["sources"], controls["budget"], controls["budgets"]["macs"], problems
('params', ['paper'], '2M', '300M', [])
>>> query_with_controls("?alpha=0.5&resolution=160", {**DEFAULT_CONTROLS, "log_x": []})
'?alpha=0.5&resolution=160&log=0'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode

from costmodel.dashboard import frontier, frontier_brush
from costmodel.dashboard.explorer import URL_PROBLEMS, parse_query, query_problems

BUDGET_KEYS = {f"budget_{axis}": axis for axis in frontier.X_METRICS}
"""The URL key of each axis' budget."""
KEYS = ("x", "log", "source", "precision", "budget", *BUDGET_KEYS, "latency")
"""The query parameters the Frontier owns, with every ``brush_*`` (:func:`owns`); every other parameter
belongs to the design point."""
DEFAULT_CONTROLS: Mapping[str, object] = {
    "x": "macs",
    "log_x": ["log"],
    "sources": list(frontier.DEFAULT_SOURCES),
    "precision": ["float"],
    "budget": frontier.DEFAULT_BUDGETS["macs"],
    "budgets": dict(frontier.DEFAULT_BUDGETS),
    "latency": frontier.PUBLISHED_LATENCY,
    "ranges": {},
}
"""The controls' values when the URL says nothing of them."""


BUDGET_KEYS_OF = {axis: key for key, axis in BUDGET_KEYS.items()}


def owns(key: str) -> bool:
    """Whether a query parameter is the Frontier's (:data:`KEYS` or a selection's ``brush_*``), not the
    design point's.

    >>> owns("budget_macs"), owns("brush_flops"), owns("alpha")
    (True, True, False)
    """
    return key in KEYS or key.startswith(frontier_brush.PREFIX)


def next_budgets(search: str | None, x: object, typed: object) -> tuple[dict[str, str], str]:
    """Every axis' budget after a change, and the text the budget box shows: a budget typed on the URL's axis
    becomes that axis' budget (unless it cannot be read: the last good one stays); on a newly chosen axis the
    box shows that axis' own budget.

    >>> next_budgets("?x=params&budget_params=2M", "params", "3M")[0]["params"]
    '3M'
    >>> next_budgets("?x=params&budget_params=2M", "macs", "3M")  # the box still held the params budget: not MACs'
    ({'macs': '300M', 'params': '2M', 'latency_ms': '', 'peak_activation_bytes': '', 'flash_bytes': ''}, '300M')
    """
    current, _ = controls_from_query(search)
    budgets = dict(current["budgets"])  # type: ignore[call-overload]
    x = frontier.check_x(x)
    if x != current["x"]:
        return budgets, budgets[x]
    text = typed.strip() if isinstance(typed, str) else ""
    if not text or not frontier.parse_budget(text, x)[1]:
        budgets[x] = text
    return budgets, typed if isinstance(typed, str) else ""


def _list_controls() -> tuple[tuple[str, str, list[str]], ...]:
    """``(URL key, control, allowed values in the page's order)`` of the controls holding lists."""
    return ("source", "sources", frontier.sources()), ("precision", "precision", list(frontier.DTYPES))


def controls_from_query(
    search: str | None, latency_values: Iterable[str] | None = None
) -> tuple[dict[str, object], list[str]]:
    """The Frontier's controls a query string asks for, and a message for each value that was replaced: the
    design point's (in the Explorer's words) and the Frontier's own.

    ``latency_values`` are the latency choices on offer (by default only the published tables'); a URL
    naming a dataset that is not stored falls back to the published latencies.

    >>> for problem in controls_from_query("?alpha=2x&x=flops&precision=double")[1]:
    ...     print(problem)
    alpha: '2x' is not a number
    x=flops is not an axis; allowed: macs, params, latency_ms, peak_activation_bytes, flash_bytes
    precision=double is not a precision; allowed: float, quant
    """
    pairs = parse_qsl((search or "").lstrip("?"), keep_blank_values=True)
    values = {key: [v for k, v in pairs if k == key] for key in KEYS}
    controls = {key: type(v)(v) if isinstance(v, list | dict) else v for key, v in DEFAULT_CONTROLS.items()}
    problems = query_problems(parse_query(urlencode([(k, v) for k, v in pairs if not owns(k)]))[1])
    if values["x"]:
        x = values["x"][-1]
        if x in frontier.X_METRICS:
            controls["x"] = x
        else:
            problems.append(f"x={x} is not an axis; allowed: {', '.join(frontier.X_METRICS)}")
    if values["log"]:
        log = values["log"][-1]
        if log in ("0", "1"):
            controls["log_x"] = ["log"] if log == "1" else []
        else:
            problems.append(f"log={log} is not allowed; use 0 (linear) or 1 (logarithmic)")
    for key, control, allowed in _list_controls():
        if values[key]:
            chosen = [v for v in values[key] if v]
            unknown = [v for v in chosen if v not in allowed]
            problems += [f"{key}={v} is not a {key}; allowed: {', '.join(allowed)}" for v in unknown]
            valid = [v for v in allowed if v in chosen]
            if valid or not chosen:  # nothing valid asked for: keep the default
                controls[control] = valid
    budgets = controls["budgets"]
    asked = [(str(controls["x"]), v[-1]) for v in [values["budget"]] if v]  # an older link's one budget
    asked += [(axis, values[key][-1]) for key, axis in BUDGET_KEYS.items() if values[key]]
    for axis, budget in asked:
        _, error = frontier.parse_budget(budget, axis)
        if error:
            problems.append(f"{BUDGET_KEYS_OF[axis]}: {error.removeprefix('budget: ')}")
        else:
            budgets[axis] = budget.strip()
    controls["budget"] = budgets[str(controls["x"])]
    if values["latency"]:
        latency = values["latency"][-1]
        offered = set(latency_values) if latency_values is not None else {frontier.PUBLISHED_LATENCY}
        if latency in offered:
            controls["latency"] = latency
        else:
            problems.append(
                f"latency={latency} is not offered (no such stored dataset); showing the published latencies"
            )
    controls["ranges"], brush_problems = frontier_brush.ranges_from_query(search)
    return controls, problems + brush_problems


def problems_text(problems: list[str]) -> str:
    """The line above the chart naming the URL's unusable values, as the Explorer words it; empty if none.

    >>> problems_text(controls_from_query("?alpha=abc&x=flops")[1])
    "Some URL parameters were not usable and were ignored (their defaults apply): alpha: 'abc' is not a number; x=flops is not an axis; allowed: macs, params, latency_ms, peak_activation_bytes, flash_bytes"
    """
    return URL_PROBLEMS + "; ".join(problems) if problems else ""


def query_with_controls(search: str | None, controls: Mapping[str, object]) -> str:
    """``search`` with the Frontier's settings replaced by ``controls`` (defaults left out). The budgets are
    ``controls["budgets"]`` (see :func:`next_budgets`); one that cannot be read keeps the URL's. The selection
    is ``controls["ranges"]`` where given, else the URL's.

    >>> query_with_controls("?alpha=0.5&budget_params=2", {**DEFAULT_CONTROLS, "budgets": {"params": "lots"}})
    '?alpha=0.5&budget_params=2'
    """
    pairs = parse_qsl((search or "").lstrip("?"), keep_blank_values=True)
    design = [(k, v) for k, v in pairs if not owns(k)]
    current, _ = controls_from_query(search, [str(controls.get("latency"))])
    x = frontier.check_x(controls.get("x"))
    budgets = dict(current["budgets"])  # type: ignore[call-overload]
    asked = controls.get("budgets")
    for axis, text in asked.items() if isinstance(asked, Mapping) else ():
        text = text.strip() if isinstance(text, str) else None
        if axis in budgets and text is not None and not (text and frontier.parse_budget(text, axis)[1]):
            budgets[axis] = text
    own: list[tuple[str, str]] = []
    if x != DEFAULT_CONTROLS["x"]:
        own.append(("x", x))
    log_x = controls.get("log_x")
    if not (isinstance(log_x, list) and "log" in log_x):
        own.append(("log", "0"))
    for key, control, allowed in _list_controls():
        ticked = controls.get(control)
        chosen = [v for v in allowed if isinstance(ticked, list) and v in ticked]  # in the page's order
        if chosen != list(DEFAULT_CONTROLS[control]):  # type: ignore[call-overload]
            own += [(key, v) for v in chosen] or [(key, "")]
    own += [
        (key, budgets[axis])
        for key, axis in BUDGET_KEYS.items()
        if budgets[axis] != frontier.DEFAULT_BUDGETS[axis]
    ]
    latency = controls.get("latency")
    if isinstance(latency, str) and latency != DEFAULT_CONTROLS["latency"]:
        own.append(("latency", latency))
    ranges = controls.get("ranges")
    own += frontier_brush.query_pairs(ranges if isinstance(ranges, Mapping) else current["ranges"])  # type: ignore[arg-type]
    query = urlencode(design + own)
    return "?" + query if query else ""
