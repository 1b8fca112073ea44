"""The Frontier page's settings in its URL, so that a link or a reload shows the same chart.

The query string holds the Explorer's design point (``alpha``, ``resolution`` or ``rho``, knobs), left as it
is, plus the Frontier's own settings where they differ from the defaults:

=============  =====================================================================================
``x``          the cost axis: ``macs`` (default), ``params`` or ``latency_ms``
``log``        ``0`` for a linear x axis (the default is logarithmic)
``source``     one per shown source (repeated); one empty ``source=`` shows none
``precision``  ``float`` and/or ``quant`` (repeated); one empty ``precision=`` shows none
``budget``     the typed budget (millions of MACs or params, or ms); empty for none
``latency``    where latency comes from: ``published``, ``measured:NAME`` or ``predicted:NAME``
=============  =====================================================================================

Bad values in a URL are replaced by the defaults and listed in the returned problems; a bad budget typed on
the page leaves the URL's budget as it was.

>>> controls, problems = controls_from_query("?alpha=0.5&resolution=160&x=params&source=paper&budget=2")
>>> controls["x"], controls["sources"], controls["budget"], problems
('params', ['paper'], '2', [])
>>> query_with_controls("?alpha=0.5&resolution=160", {**DEFAULT_CONTROLS, "log_x": []})
'?alpha=0.5&resolution=160&log=0'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode

from costmodel.dashboard import frontier
from costmodel.dashboard.explorer import URL_PROBLEMS, parse_query, query_problems

KEYS = ("x", "log", "source", "precision", "budget", "latency")
"""The query parameters the Frontier owns; every other parameter belongs to the design point."""
DEFAULT_CONTROLS: Mapping[str, object] = {
    "x": "macs",
    "log_x": ["log"],
    "sources": list(frontier.DEFAULT_SOURCES),
    "precision": ["float"],
    "budget": "300",
    "latency": frontier.PUBLISHED_LATENCY,
}
"""The controls' values when the URL says nothing of them."""


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
    controls = {key: list(v) if isinstance(v, list) else v for key, v in DEFAULT_CONTROLS.items()}
    problems = query_problems(parse_query(urlencode([(k, v) for k, v in pairs if k not in KEYS]))[1])
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
    if values["budget"]:
        budget = values["budget"][-1]
        _, error = frontier.parse_budget(budget, str(controls["x"]))
        if error:
            problems.append(error)
        else:
            controls["budget"] = budget
    if values["latency"]:
        latency = values["latency"][-1]
        offered = set(latency_values) if latency_values is not None else {frontier.PUBLISHED_LATENCY}
        if latency in offered:
            controls["latency"] = latency
        else:
            problems.append(
                f"latency={latency} is not offered (no such stored dataset); showing the published latencies"
            )
    return controls, problems


def problems_text(problems: list[str]) -> str:
    """The line above the chart naming the URL's unusable values, as the Explorer words it; empty if none.

    >>> problems_text(controls_from_query("?alpha=abc&x=flops")[1])
    "Some URL parameters were not usable and were replaced by defaults: alpha: 'abc' is not a number; x=flops is not an axis; allowed: macs, params, latency_ms, peak_activation_bytes, flash_bytes"
    """
    return URL_PROBLEMS + "; ".join(problems) if problems else ""


def query_with_controls(search: str | None, controls: Mapping[str, object]) -> str:
    """``search`` with the Frontier's settings replaced by ``controls`` (defaults left out).

    A budget the page cannot read keeps the URL's budget, so a typo never loses the last good one.

    >>> query_with_controls("?alpha=0.5&x=params&budget=2", {**DEFAULT_CONTROLS, "budget": "lots"})
    '?alpha=0.5&budget=2'
    """
    pairs = parse_qsl((search or "").lstrip("?"), keep_blank_values=True)
    design = [(k, v) for k, v in pairs if k not in KEYS]
    current, _ = controls_from_query(search, [str(controls.get("latency"))])
    x = frontier.check_x(controls.get("x"))
    budget = str(controls.get("budget") or "")
    if budget.strip() and frontier.parse_budget(budget, x)[1]:
        budget = str(current["budget"])
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
    if budget.strip() != DEFAULT_CONTROLS["budget"]:
        own.append(("budget", budget.strip()))
    latency = controls.get("latency")
    if isinstance(latency, str) and latency != DEFAULT_CONTROLS["latency"]:
        own.append(("latency", latency))
    query = urlencode(design + own)
    return "?" + query if query else ""
