"""The Explorer's logic as plain functions: design point ⇄ query string, checking typed values, the view.

The page's callbacks (``app/pages/explore.py``) only call these. A design point is a dict of control
values (``alpha`` and ``side`` as typed text, ``side_mode`` "rho" or "resolution", and the knobs).

>>> state, errors = parse_query("?alpha=0.5&rho=0.714")
>>> state["alpha"], state["side_mode"], state["side"], errors
('0.5', 'rho', '0.714', {})
>>> to_query(state)
'?alpha=0.5&rho=0.714'
>>> checked({**state, "alpha": "abc"})[1]
{'alpha': "alpha: 'abc' is not a number"}
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode

import sympy
from costmodel.dashboard import ids

from costmodel.core.architecture import BASE_RESOLUTION
from costmodel.core.convention import BATCH_NORMS, DTYPES, PADDINGS, PLANNERS, ROUNDINGS, Convention
from costmodel.core.design_point import DesignPoint, check_alpha, check_alpha_for, design_point
from costmodel.core.numbers import parse_decimal
from costmodel.core.reduction import block_records
from costmodel.core.report import Report, build_report, report, totals_at
from costmodel.core.symbolic import network_expressions

PAPER_ALPHAS = (0.25, 0.5, 0.75, 1.0)
ALPHA_SLIDER_RANGE = (0.1, 1.5)
CARD_METRICS = ("macs", "params", "flops", "activations")
FORMULA_METRICS = ("macs", "params", "activations")

DEFAULTS: dict[str, object] = {
    "alpha": "1.0",
    "side_mode": "resolution",
    "side": "224",
    "rounding": "slim",
    "padding": "same",
    "scale_first_layer": True,
    "classes": "1000",
    "fc_bias": True,
    "bn": "none",
    "dtype": "float32",
    "input_channels": "3",
    "planner": "chain",
    "device": "",
}
"""The paper's MobileNet-1.0-224 under the paper's convention (float32, RGB, chain planner, no device)."""
MEMORY_FIELDS = ("dtype", "input_channels", "planner", "device")
"""The memory controls (issue 14): their messages go next to them, not next to the variant knobs."""

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _number_text(name: str, text: object) -> Decimal:
    if isinstance(text, int | float) and not isinstance(text, bool):
        text = repr(text)
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{name}: enter a number")
    return parse_decimal(name, text)


def _alpha(text: object) -> Fraction:
    """Typed α: read like every typed number (:func:`_number_text`), checked by :func:`check_alpha`."""
    return check_alpha(float(_number_text("alpha", text)))


def _flag(name: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{name}: {value!r} is not allowed; use 1 or 0")


def checked(raw: Mapping[str, object]) -> tuple[dict[str, object], dict[str, str]]:
    """Check typed control values. Returns the normalised state and ``{field: message}`` for bad ones.

    A field with an error keeps its typed text in the returned state; the caller keeps the last valid view.
    """
    state = {key: raw.get(key, default) for key, default in DEFAULTS.items()}
    errors: dict[str, str] = {}
    for name, allowed in (("rounding", ROUNDINGS), ("padding", PADDINGS), ("bn", BATCH_NORMS)):
        if state[name] not in allowed:
            errors[name] = f"{name}: {state[name]!r} is not allowed; choose one of {', '.join(allowed)}"
    for name, allowed in (("dtype", DTYPES), ("planner", PLANNERS)):
        if state[name] not in allowed:
            errors[name] = f"{name}: {state[name]!r} is not allowed; choose one of {', '.join(allowed)}"
    try:
        channels = _number_text("input_channels", state["input_channels"])
        if channels != channels.to_integral_value():
            raise ValueError(f"input_channels: {state['input_channels']!r} is not a whole number")
        Convention(input_channels=int(channels))
    except (ValueError, TypeError) as error:
        errors["input_channels"] = str(error)
    if state["device"] is None:
        state["device"] = ""
    if state["device"] != "" and find_device(state["device"]) is None:
        errors["device"] = (
            f"device: {str(state['device'])[:40]!r} is unknown; choose one of {', '.join(device_choices())}"
        )
    for name in ("scale_first_layer", "fc_bias"):
        try:
            state[name] = _flag(name, state[name])
        except ValueError as error:
            errors[name] = str(error)
    if state["side_mode"] not in ("rho", "resolution"):
        errors["side"] = f"side_mode: {state['side_mode']!r} is not allowed; choose rho or resolution"
    classes = None
    try:
        number = _number_text("classes", state["classes"])
        if number != number.to_integral_value():
            raise ValueError(f"classes: {state['classes']!r} is not a whole number")
        classes = int(number)
        Convention(classes=classes)
    except (ValueError, TypeError) as error:
        errors["classes"] = str(error)
    convention = None if errors else convention_of(state)
    alpha = None
    try:
        alpha = _alpha(state["alpha"])
        if convention is not None:
            check_alpha_for(alpha, convention)
    except (ValueError, TypeError) as error:
        errors["alpha"] = str(error)
    if "side" not in errors:
        try:
            side = _number_text(str(state["side_mode"]), state["side"])
            if state["side_mode"] == "resolution" and side != side.to_integral_value():
                raise ValueError(f"resolution: {state['side']!r} is not a whole number of pixels")
            # The side is checked on its own (with α = 1 when α is bad), so each control gets its message.
            _point(alpha or Fraction(1), str(state["side_mode"]), side, convention or Convention())
        except (ValueError, TypeError) as error:
            errors["side"] = str(error)
    return state, errors


def convention_of(state: Mapping[str, object]) -> Convention:
    """The :class:`Convention` of a checked state."""
    return Convention(
        rounding=state["rounding"],  # type: ignore[arg-type]
        padding=state["padding"],  # type: ignore[arg-type]
        scale_first_layer=bool(state["scale_first_layer"]),
        classes=int(Decimal(str(state["classes"]))),
        fc_bias=bool(state["fc_bias"]),
        bn=state["bn"],  # type: ignore[arg-type]
        dtype=state["dtype"],  # type: ignore[arg-type]
        input_channels=int(Decimal(str(state["input_channels"]))),
        planner=state["planner"],  # type: ignore[arg-type]
    )


@lru_cache(maxsize=1)
def _builtin_devices() -> dict:
    from costmodel.reference.devices import builtin_devices

    return builtin_devices()


def stored_devices(store=None) -> dict:
    """The user's devices from the latency database (``mobilenet-cost devices add`` or the Latency page's form),
    by key, read on every call so that a device added on the Latency page shows on the next page load; a
    database that cannot be read gives none (the Latency page says why). ``store``: an open
    :class:`~costmodel.latency.store.LatencyStore` to read (default: ``$MOBILENET_COST_DB`` or the default one)."""
    from costmodel.latency.store import LatencyStore

    try:
        return {d.device: d for d in (store or LatencyStore()).devices()}
    except (ValueError, sqlite3.Error):
        return {}


def find_device(key: str, store=None):
    """The built-in or stored device ``key`` (the built-in ones are looked at first, without the database;
    ``store`` as in :func:`stored_devices`), or None.

    >>> find_device("stm32f746").ram_bytes, find_device("no-such-board")
    (327680, None)
    """
    return _builtin_devices().get(key) or stored_devices(store).get(key)


def device_choices() -> tuple[str, ...]:
    """The device keys the Explorer and the Frontier offer: the built-in devices of ``tables/devices.csv``,
    then the user's stored ones.

    >>> device_choices()[:3]
    ('a100_40gb', 'apple_a17_pro', 'apple_m2')
    """
    return (*sorted(_builtin_devices()), *sorted(set(stored_devices()) - set(_builtin_devices())))


def device_options() -> list[dict[str, str]]:
    """Dropdown options for :func:`device_choices`, the user's devices marked (read when a page is loaded)."""
    builtin = _builtin_devices()
    return [{"label": key if key in builtin else f"{key} (yours)", "value": key} for key in device_choices()]


def memory_view(r: Report, device_key: str) -> dict[str, object]:
    """The memory panel of a report: totals text, the fits badge for the device (or None), the buffer chart
    and the roofline chart (or a note why there is none).

    >>> v = memory_view(report(alpha=0.25, resolution=96, dtype="int8"), "stm32f746")
    >>> v["badge"], v["ram"], v["flash"]
    ('fits STM32F746NG', '55,296 B (54 KiB)', '478,544 B (467 KiB)')
    """
    from costmodel.output.text import format_bytes
    from costmodel.present.figures import buffer_figure_spec, roofline_figure_spec
    from costmodel.reference.devices import memory_fit
    from costmodel.reference.roofline import roofline, roofline_bound_ms

    device = find_device(device_key) if device_key else None
    view: dict[str, object] = {
        "ram": format_bytes(r.totals["peak_activation_bytes"]),
        "flash": format_bytes(r.totals["flash_bytes"]),
        "badge": None,
        "detail": f"at {r.peak_layer}; {r.convention.dtype}, {r.convention.planner} planner",
        "buffers": buffer_figure_spec(r.table, r.peak_layer, device.ram_bytes if device else None),
        "roofline": None,
        "roofline_note": "choose a device with a peak MAC/s and a bandwidth for the roofline",
    }
    if device is None:
        return view
    fit = memory_fit(r, device)
    view["badge"] = f"{'fits' if fit.fits else 'does not fit'} {device.name}"
    flash = "no flash limit" if fit.flash_margin is None else f"flash margin {fit.flash_margin:+,} B"
    view["detail"] += f"; RAM margin {fit.ram_margin:+,} B, {flash}"
    try:
        layers = roofline(r, device)
    except ValueError as error:
        view["roofline_note"] = str(error)
        return view
    bound = roofline_bound_ms(r, device)
    view["roofline"] = roofline_figure_spec(
        layers, f"{device.name}, {r.convention.dtype}: bound {bound:.3g} ms"
    )
    view["roofline_note"] = (
        f"roofline latency bound {bound:.3g} ms (sum over layers of max(MACs / peak, traffic / bandwidth)); "
        f"ridge point {layers.attrs['ridge']:.3g} MACs per byte"
    )
    return view


def _point(alpha, side_mode: str, side: Decimal, convention: Convention):
    if side_mode == "rho":
        return design_point(alpha, rho=float(side), convention=convention)
    return design_point(alpha, resolution=int(side), convention=convention)


def design_point_of(state: Mapping[str, object]) -> tuple[DesignPoint, Convention]:
    """The design point and convention of a checked state (raises ValueError/TypeError for a bad one)."""
    convention = convention_of(state)
    side = _number_text(str(state["side_mode"]), state["side"])
    return _point(_alpha(state["alpha"]), str(state["side_mode"]), side, convention), convention


def report_of(state: Mapping[str, object]) -> Report:
    """The cost report of a checked state (raises ValueError/TypeError for an unchecked bad one)."""
    return build_report(*design_point_of(state))


def parse_query(search: str | None) -> tuple[dict[str, object], dict[str, str]]:
    """The state a query string asks for. Bad or unknown parameters are reported and replaced by defaults.

    >>> parse_query("?alpha=0.75&resolution=192&rounding=keras")[0]["rounding"]
    'keras'
    >>> parse_query("?alpha=9")[1]["alpha"]
    'alpha=9.0 is out of range; allowed 0 < alpha <= 4'
    """
    raw: dict[str, object] = {}
    unknown, sides = [], []
    for key, value in parse_qsl((search or "").lstrip("?"), keep_blank_values=True):
        if key in ("rho", "resolution"):
            raw["side_mode"], raw["side"] = key, value
            sides.append(f"{key}={value}")
        elif key in DEFAULTS and key not in ("side", "side_mode"):
            raw[key] = value
        else:
            unknown.append(key)
    state, errors = checked(raw)
    if errors:
        state = {**state, **{field: DEFAULTS[field] for field in errors}}
        if "side" in errors:
            state["side_mode"] = DEFAULTS["side_mode"]
        state, still = checked(state)
        if still:  # a combination of individually fine values (e.g. keras rounding and a tiny alpha)
            state = dict(DEFAULTS)
    notes = []
    if len(sides) > 1:
        notes.append(
            f"the URL gives the side {len(sides)} times ({', '.join(sides)}); the last one, {sides[-1]}, is used"
        )
    if unknown:
        notes.append(
            f"unknown URL parameter(s) {', '.join(map(repr, unknown))} ignored; known: "
            + ", ".join(
                [
                    "alpha",
                    "rho",
                    "resolution",
                    *(k for k in DEFAULTS if k not in ("alpha", "side", "side_mode")),
                ]
            )
        )
    if notes:
        errors["query"] = "; ".join(notes)
    return state, errors


URL_PROBLEMS = "Some URL parameters were not usable and were ignored (their defaults apply): "
"""How a page opens its list of the URL's unusable values (the Explorer's and the Frontier's)."""


def query_problems(errors: Mapping[str, str]) -> list[str]:
    """Each problem :func:`parse_query` found, as one text that names its parameter.

    >>> query_problems(parse_query("?alpha=abc&bogus=1")[1])[0]
    "alpha: 'abc' is not a number"
    """
    return [v if k == "query" or v.startswith(k) else f"{k}: {v}" for k, v in errors.items()]


def to_query(state: Mapping[str, object]) -> str:
    """The query string of a checked state: alpha and rho/resolution always, knobs only when not default."""
    pairs: list[tuple[str, str]] = [
        ("alpha", _canonical(state["alpha"])),
        (str(state["side_mode"]), _canonical(state["side"])),
    ]
    for key in ("rounding", "padding", "scale_first_layer", "classes", "fc_bias", "bn", *MEMORY_FIELDS):
        value = state[key]
        default = DEFAULTS[key]
        if key in ("classes", "input_channels"):
            value, default = _canonical(value), _canonical(default)
        if value != default:
            pairs.append((key, ("1" if value else "0") if isinstance(value, bool) else str(value)))
    return "?" + urlencode(pairs)


def _canonical(text: object) -> str:
    """``'0.50'`` → ``'0.5'``, ``'1'`` → ``'1'``: the shortest decimal text of a typed number."""
    value = _number_text("value", text)
    normal = value.normalize()
    if normal == normal.to_integral_value() and "." in str(text) and "E" not in str(normal):
        return f"{int(normal)}.0"
    return format(normal, "f")


def slider_value(alpha_text: object) -> float:
    """Where the α slider sits for a typed α (clamped to the slider's range)."""
    low, high = ALPHA_SLIDER_RANGE
    return min(max(float(_number_text("alpha", alpha_text)), low), high)


def alpha_text(slider: float) -> str:
    """The typed text for a slider position (two decimals, as the slider's step)."""
    return _canonical(f"{slider:.2f}")


def converted_side(state: Mapping[str, object], new_mode: str) -> str:
    """The side of a checked state written in ``new_mode``: ρ 0.714 → '160'; 160 px → ρ '0.714286'."""
    side = _number_text(str(state["side_mode"]), state["side"])
    if state["side_mode"] == new_mode:
        return str(state["side"])
    if new_mode == "resolution":
        return str(math.floor(BASE_RESOLUTION * Fraction(str(side)) + Fraction(1, 2)))
    return format(float(side) / BASE_RESOLUTION, ".6g")


# --- the view --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def paper_totals() -> dict[str, int]:
    """Totals of the paper's MobileNet-1.0-224 under the paper's convention (568,740,352 MACs)."""
    return dict(report().totals)


def cards(r: Report) -> list[dict[str, str]]:
    """One entry per totals card: metric, value text, and the change against the paper's 1.0-224."""
    paper = paper_totals()
    entries = []
    for metric in CARD_METRICS:
        value = r.totals[metric]
        ratio = float(value) / paper[metric]
        change = (ratio - 1) * 100
        entries.append(
            {
                "metric": metric,
                "value": _integer_text(value),
                "short": _short(float(value)),
                "change": f"{ratio:.3g}× of 1.0-224 ({change:+.1f} %)" if change else "= paper 1.0-224",
            }
        )
    return entries


def _integer_text(value) -> str:
    """A count with thousands separators; a smooth model's rational total exactly, as a decimal when it has
    one (denominator 2^a·5^b), else as ``p/q ≈ decimal``: never a float that looks like a rounded count.

    >>> _integer_text(4210088), _integer_text(Fraction(15110344, 25)), _integer_text(Fraction(1, 3))
    ('4,210,088', '604,413.76', '1/3 ≈ 0.333333')
    """
    if not (isinstance(value, Fraction) and value.denominator != 1):
        return f"{int(value):,}"
    rest, places = value.denominator, 0
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    if rest != 1:
        return f"{value.numerator}/{value.denominator} ≈ {float(value):,.6g}"
    while (value * 10**places).denominator != 1:
        places += 1
    scaled = int(value * 10**places)
    whole, fraction = divmod(abs(scaled), 10**places)
    return f"{'-' if scaled < 0 else ''}{whole:,}.{fraction:0{places}d}"


def _short(value: float) -> str:
    for unit, size in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(value) >= size:
            return f"{value / size:.3g} {unit}"
    return f"{value:.3g}"


METRIC_SYMBOLS = {
    "macs": r"\mathrm{MACs}",
    "params": r"\mathrm{params}",
    "activations": r"\mathrm{activations}",
}


def formulas_markdown(convention: Convention) -> str:
    """The smooth closed forms (no rounding) of the convention as Markdown with MathJax ($$ … $$).

    This runs SymPy (a fraction of a second for a new convention): the dashboard asks
    :data:`CLOSED_FORMS` for it, which builds it once per knob set away from the request.
    """
    smooth = network_expressions(replace(convention, rounding="smooth")).smooth
    lines = [
        "Closed forms of the smooth model (no rounding of channels or sides), in α and ρ:",
        "",
    ]
    for metric in FORMULA_METRICS:
        expression = sympy.expand(smooth[metric])
        lines += [f"$${METRIC_SYMBOLS[metric]}(\\alpha, \\rho) = {sympy.latex(expression)}$$", ""]
    return "\n".join(lines)


FORMULAS_PENDING = (
    "Deriving the closed forms for these knobs (SymPy, once per knob set, off the request path); "
    "they appear here in a moment."
)


class ClosedForms:
    """The closed-form Markdown per knob set, built by one background thread, at most ``size`` kept.

    :meth:`get` never runs SymPy in the caller: it returns the text when it is ready, else None and has
    it derived in the background (the least recently asked knob sets are dropped past ``size``). The
    channel rounding does not change the smooth model, so knob sets that differ only in it share one.
    """

    def __init__(self, size: int = 64):
        self.size = size
        self._lock = threading.Lock()
        self._texts: OrderedDict[Convention, Future] = OrderedDict()
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid: int | None = None

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None or self._pool_pid != os.getpid():  # threads do not survive a fork
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="closed-forms")
            self._pool_pid = os.getpid()
        return self._pool

    def _entry(self, convention: Convention) -> Future:
        key = replace(convention, rounding="smooth")
        with self._lock:
            future = self._texts.get(key)
            if future is None or (future.done() and future.exception() is not None):
                future = self._executor().submit(formulas_markdown, key)
                self._texts[key] = future
            self._texts.move_to_end(key)
            while len(self._texts) > self.size:
                self._texts.popitem(last=False)
        return future

    def __len__(self) -> int:
        return len(self._texts)

    def get(self, convention: Convention) -> str | None:
        """The closed forms of ``convention`` if derived, else None (and they are being derived)."""
        future = self._entry(convention)
        return future.result() if future.done() and future.exception() is None else None

    def wait(self, convention: Convention, timeout: float | None = None) -> str:
        """The closed forms of ``convention``, waiting for them (for warming up and for tests)."""
        return self._entry(convention).result(timeout)


CLOSED_FORMS = ClosedForms()


def closed_forms(search: str | None) -> tuple[str, bool]:
    """The closed forms for the URL's knobs, and whether they are final (else a note, and ask again).

    >>> _ = CLOSED_FORMS.wait(Convention())  # what the server does before its first request
    >>> text, final = closed_forms("?alpha=0.5&rounding=keras")  # same smooth model as the default
    >>> final, text.startswith("Closed forms of the smooth model")
    (True, True)
    """
    text = CLOSED_FORMS.get(convention_of(parse_query(search)[0]))
    return (text, True) if text is not None else (FORMULAS_PENDING, False)


def smooth_values(r: Report) -> dict[str, float]:
    """The smooth model's totals at the report's α and 224·ρ (one numeric pass in floats, no SymPy)."""
    smooth = replace(r.convention, rounding="smooth")
    side = float(r.point.rho) * BASE_RESOLUTION
    return {m: float(v) for m, v in totals_at(float(r.point.alpha), side, smooth, FORMULA_METRICS).items()}


REDUCTION_COLUMNS = (
    "block",
    "D_F",
    "M",
    "N",
    "standard MACs",
    "separable MACs",
    "ratio",
    "1/N + 1/9",
    "exact",
)


def reduction_rows(r: Report) -> list[tuple]:
    """The 1/N + 1/D_K² check per separable block (:func:`costmodel.core.reduction.block_records`), as
    display rows in the order of :data:`REDUCTION_COLUMNS`."""
    return [
        (
            b["block"], b["D_F"], b["M"], b["N"],
            _integer_text(b["standard_macs"]), _integer_text(b["separable_macs"]),
            f"{float(b['ratio']):.5f}", f"{float(b['one_over_n_plus_one_over_dk2']):.5f}",
            _agreement(b),
        )
        for b in block_records(r)
    ]  # fmt: skip


def _agreement(block: Mapping[str, object]) -> str:
    """ "= (exact)" for whole-number layers; the smooth model's table holds floats, so there the ratio can
    only agree to float precision."""
    if block["matches"]:
        return "= (exact)"
    ratio, expected = float(block["ratio"]), float(block["one_over_n_plus_one_over_dk2"])  # type: ignore[arg-type]
    return "= (to float precision)" if math.isclose(ratio, expected, rel_tol=1e-12) else "≠"


ESTIMATE_LATENCY_DATASET = "tflite-pixel2-cpu-float"
"""The built-in dataset whose fitted latency model the Explorer quotes (the Compare page offers every one)."""


@lru_cache(maxsize=1)
def _explorer_latency_model():
    from costmodel.latency.model import LatencyModel
    from costmodel.latency.store import builtin_frame

    return LatencyModel.fit(builtin_frame(ESTIMATE_LATENCY_DATASET))


def estimates(r: Report) -> str:
    """The design point's estimated top-1 (with its interval) and predicted latency, labelled as estimates.

    >>> estimates(report(alpha=0.5, resolution=160))  # doctest: +ELLIPSIS
    'Estimated top-1 59.5 % (59.1–60.1 %, TF-slim 2018_02_22 float trend) · predicted latency ... ms on tflite-pixel2-cpu-float (its fitted model)'
    """
    from costmodel.reference.accuracy_model import TREND_RELEASES, published_trend

    if not isinstance(r.resolution, int):
        return "Estimates need a whole-pixel resolution (not the smooth model)."
    row = {
        key: values[0]
        for key, values in published_trend("float").predicted(float(r.alpha), r.resolution).items()
    }
    interval = (
        f" ({row['top1_pct_low']:.1f}–{row['top1_pct_high']:.1f} %, TF-slim {TREND_RELEASES['float']} float trend"
        if "top1_pct_low" in row
        else f" (TF-slim {TREND_RELEASES['float']} float trend"
    )
    extrapolated = ", extrapolated" if bool(row.get("extrapolated", False)) else ""
    latency = float(_explorer_latency_model().predict(float(r.alpha), r.resolution))
    return (
        f"Estimated top-1 {row['top1_pct_estimate']:.1f} %{interval}{extrapolated}) · predicted latency "
        f"{latency:.1f} ms on {ESTIMATE_LATENCY_DATASET} (its fitted model)"
    )


def compare_link(r: Report) -> str:
    """The Compare page pinning this design point beside the paper's 1.0-224 (or beside 0.5-160 when it is it).

    >>> compare_link(report(alpha=0.35, resolution=200))
    '/compare?p=0.35,200&p=1,224'
    """
    if not isinstance(r.resolution, int):
        return "/compare"
    other = "0.5,160" if (r.alpha, r.resolution) == (1, 224) else "1,224"
    return f"/compare?p={float(r.alpha):g},{r.resolution}&p={other}"


def summary(r: Report) -> str:
    """One line naming the design point and convention."""
    side = r.resolution
    side_text = f"{side} px" if isinstance(side, int) else f"{side:g} px (smooth)"
    return f"MobileNet-{r.alpha:g}-{side_text}, ρ = {r.rho:.4g}; {r.convention.describe()}"


def warm() -> None:
    """Build the default convention's closed forms (SymPy) and first view before the first request."""
    r = report()
    CLOSED_FORMS.wait(r.convention)
    smooth_values(r)
    reduction_rows(r)


CARD_TITLES = {"macs": "MACs", "params": "Parameters", "flops": "FLOPs", "activations": "Activations"}


def smooth_notes(r: Report, smooth: Mapping[str, float]) -> tuple[str, ...]:
    """How far the rounded network is from the smooth closed form at this point (none under the smooth
    model itself, where they are the same thing).

    >>> smooth_notes(report(0.3, resolution=224), smooth_values(report(0.3, resolution=224)))
    ('Smooth closed form at α = 0.3, 224·ρ = 224: 57,328,712 MACs (-1.72 % for the rounded network).',)
    """
    if r.convention.smooth:
        return ()
    exact, approx = float(r.totals["macs"]), smooth["macs"]
    return (
        f"Smooth closed form at α = {r.alpha:g}, 224·ρ = {224 * r.rho:.4g}: {approx:,.0f} MACs "
        f"({(exact / approx - 1) * 100:+.2f} % for the rounded network).",
    )


CONTROL_KEYS = ("alpha", "side_mode", "side", "rounding", "padding", "bn", "classes", "flags", *MEMORY_FIELDS)
"""The Explorer's control values, as :func:`update` receives them (``flags`` lists the true flags)."""

FLAGS = ("scale_first_layer", "fc_bias")
KNOB_ERROR_FIELDS = ("classes", "rounding", "padding", "bn", "scale_first_layer", "fc_bias")


@dataclass(frozen=True)
class Update:
    """What one Explorer round trip returns.

    ``search``: the new query string, or None to leave the URL; ``controls``: control values to set
    (only those that must change); ``errors``: message per control group (alpha, side, knobs), "" when
    fine; ``report``: the report to show, or None to keep the last valid view.
    """

    search: str | None
    controls: Mapping[str, object]
    errors: Mapping[str, str]
    report: Report | None
    query: str


def controls_of(state: Mapping[str, object]) -> dict[str, object]:
    """Control values showing a checked state."""
    return {
        "slider": slider_value(state["alpha"]),
        "alpha": state["alpha"],
        "side_mode": state["side_mode"],
        "side": state["side"],
        "rounding": state["rounding"],
        "padding": state["padding"],
        "bn": state["bn"],
        "classes": state["classes"],
        "flags": [name for name in FLAGS if state[name]],
        **{name: state[name] for name in MEMORY_FIELDS},
    }


def update(trigger: object, values: Mapping[str, object], search: str | None) -> Update:
    """The Explorer's one callback as a plain function.

    ``trigger`` is the id of the control that changed (``ids.EXPLORE_URL`` or None for the URL or the
    first load); ``values`` maps :data:`CONTROL_KEYS` and ``slider`` to the controls' values; ``search``
    is the URL's query string. A bad value shows a message and leaves the URL and the view as they were.

    >>> u = update(ids.EXPLORE_ALPHA_SLIDER, {"slider": 0.5, "side_mode": "resolution", "side": "160"}, "")
    >>> u.search, u.controls["alpha"], u.report.totals["macs"]
    ('?alpha=0.5&resolution=160', '0.5', 76524800)
    >>> u = update(ids.EXPLORE_ALPHA_INPUT, {"alpha": "-1", "side_mode": "resolution", "side": "224"}, "?alpha=0.5")
    >>> u.search, u.report, u.errors["alpha"]
    (None, None, 'alpha=-1.0 is out of range; allowed 0 < alpha <= 4')
    """
    current, url_errors = parse_query(search)
    if trigger is None or trigger == ids.EXPLORE_URL:
        messages = {"alpha": url_errors.get("alpha", ""), "side": url_errors.get("side", "")}
        messages["knobs"] = "; ".join(url_errors[k] for k in (*KNOB_ERROR_FIELDS, "query") if k in url_errors)
        messages["memory"] = "; ".join(url_errors[k] for k in MEMORY_FIELDS if k in url_errors)
        return Update(None, controls_of(current), messages, report_of(current), to_query(current))
    flags = values.get("flags")
    flags = flags if isinstance(flags, list) else []
    raw = {
        key: values.get(key, current[key])
        for key in ("alpha", "side_mode", "side", "rounding", "padding", "bn", "classes", *MEMORY_FIELDS)
    }
    raw.update({name: name in flags if "flags" in values else current[name] for name in FLAGS})
    controls: dict[str, object] = {}
    if trigger == ids.EXPLORE_ALPHA_SLIDER:
        try:
            raw["alpha"] = controls["alpha"] = alpha_text(float(values.get("slider")))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raw["alpha"] = values.get("slider")
    if trigger == ids.EXPLORE_SIDE_MODE and raw["side_mode"] in ("rho", "resolution"):
        raw["side"] = controls["side"] = converted_side(current, str(raw["side_mode"]))
    state, errors = checked(raw)
    if trigger == ids.EXPLORE_ALPHA_INPUT and "alpha" not in errors:
        controls["slider"] = slider_value(state["alpha"])
    messages = {
        "alpha": errors.get("alpha", ""),
        "side": errors.get("side", ""),
        "knobs": "; ".join(errors[k] for k in KNOB_ERROR_FIELDS if k in errors),
        "memory": "; ".join(errors[k] for k in MEMORY_FIELDS if k in errors),
    }
    if errors:
        return Update(None, controls, messages, None, to_query(current))
    query = to_query(state)
    return Update(query, controls, messages, report_of(state), query)


def table_download(latex: bool, search: str | None) -> tuple[str, str]:
    """The per-layer table of the URL's design point as CSV or LaTeX, and a file name for it."""
    state, _ = parse_query(search)
    r = report_of(state)
    stem = f"mobilenet_v1_{r.alpha:g}_{r.resolution}"
    if latex:
        return r.as_latex(caption=f"MobileNet-{r.alpha:g}-{r.resolution}: per-layer costs"), stem + ".tex"
    return r.as_csv(), stem + ".csv"
