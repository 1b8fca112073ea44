"""A bounded fuzz pass: hostile numbers and strings against the public API, the typed-text parsers, the URL
parsers and the CLI. Only our own exception types (``ValueError``, ``TypeError`` and their subclasses) may come
out, and the CLI answers 0 or 2, never a traceback."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from costmodel.dashboard import explorer, frontier_url
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import costmodel
from costmodel.core.numbers import parse_decimal, parse_quantity
from costmodel.latency.importer import parse_latency

NUMBER_TEXT = st.from_regex(r"\A[ +-]?[0-9]{0,60}(\.[0-9]{0,20})?([eE][+-]?[0-9]{1,15})?[ a-zA-Z]{0,4}\Z")
HOSTILE_TEXT = st.one_of(NUMBER_TEXT, st.text(max_size=80), st.sampled_from(["nan", "inf", "-inf", "1e400", "\x1b[31m"]))
HOSTILE_NUMBERS = st.one_of(
    st.integers(min_value=-(10**500), max_value=10**500),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.fractions(),
    st.booleans(),
    st.none(),
    HOSTILE_TEXT,
    st.complex_numbers(max_magnitude=1e3),
    st.builds(np.float64, st.floats()),
    st.builds(np.array, st.floats()),
    st.lists(st.floats(allow_nan=True), max_size=4),
)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
OURS = (ValueError, TypeError)


@pytest.fixture(scope="module")
def models():
    table = costmodel.load_table("slim_checkpoints")
    slim = table[(table.release == "2018_02_22") & (table.dtype == "float")]
    grid = [(a, r) for a in (0.25, 0.5, 0.75, 1.0) for r in (128, 160, 192, 224)]
    points = pd.DataFrame(grid, columns=["alpha", "resolution"]).assign(latency_ms=[5.0 + i for i in range(16)])
    return slim, costmodel.AccuracyModel.fit(slim), costmodel.LatencyModel.fit(points)


def _calls(value, slim, accuracy, latency):
    return [
        lambda: costmodel.report(alpha=value, resolution=160),
        lambda: costmodel.report(alpha=0.5, resolution=value),
        lambda: costmodel.report(alpha=0.5, rho=value),
        lambda: costmodel.evaluate(value, 224),
        lambda: costmodel.evaluate(0.5, value, grid=True),
        lambda: costmodel.max_resolution(0.5, value),
        lambda: costmodel.best_reference(slim, macs=value),
        lambda: costmodel.best_estimate(accuracy, params=value),
        lambda: costmodel.best_estimate(accuracy, macs=3e8, alpha_step=value),
        lambda: accuracy.predict(value, 224),
        lambda: latency.predict(0.5, value),
        lambda: costmodel.with_costs(pd.DataFrame({"alpha": [value], "resolution": [224]})),
        lambda: costmodel.iso_cost_curve(value, [0.5]),
    ]


@pytest.mark.slow
@FUZZ
@given(value=HOSTILE_NUMBERS)
def test_public_api_raises_only_our_errors(models, value):
    slim, accuracy, latency = models
    for call in _calls(value, slim, accuracy, latency):
        try:
            call()
        except OURS as error:
            assert "\n" not in str(error) and len(str(error)) < 1000
        except BaseException as error:  # anything else is a bug: the point of the test
            pytest.fail(f"{type(error).__name__} from {value!r}: {error}"[:500])


@FUZZ
@given(text=HOSTILE_TEXT, unit=st.sampled_from(["count", "bytes", "ms"]))
def test_typed_text_parsers_raise_only_value_errors(text, unit):
    for call in (lambda: parse_decimal("x", text), lambda: parse_quantity("x", text, unit)):
        try:
            call()
        except ValueError as error:
            assert str(error).startswith("x: ") and len(str(error)) < 300


@FUZZ
@given(key=st.sampled_from(["alpha", "rho", "resolution", "classes", "budget", "x", "source", "zzz"]), text=HOSTILE_TEXT)
def test_url_parsers_never_raise(key, text):
    from urllib.parse import urlencode

    query = "?" + urlencode({key: text})
    state, _ = explorer.parse_query(query)
    assert explorer.checked(state)[1] == {}  # what the page shows is always a valid design point
    frontier_url.controls_from_query(query)


@FUZZ
@given(cell=HOSTILE_TEXT, column=st.sampled_from(["alpha", "resolution", "latency_ms", "threads", "std_ms", "device"]))
def test_latency_import_raises_only_import_errors(cell, column):
    row = {"alpha": "0.5", "resolution": "160", "latency_ms": "26.8", "device": "Pixel", "threads": "1", "std_ms": "1"}
    row[column] = cell.replace(",", " ").replace("\n", " ").replace("\r", " ").replace('"', " ")
    text = ",".join(row) + "\n" + ",".join(row.values()) + "\n"
    try:
        parse_latency(text)
    except ValueError as error:
        assert "\x1b" not in str(error)


CLI_CASES = [
    lambda v: ["report", "--alpha", v],
    lambda v: ["report", "--alpha", "0.5", "--resolution", v],
    lambda v: ["best", "--macs", v],
    lambda v: ["best", "--estimate", "--params", v],
    lambda v: ["sweep", "--alpha", v, "--resolution", "224"],
    lambda v: ["report", "--rho", v, "--classes", v],
]


@pytest.mark.slow
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=HOSTILE_TEXT.filter(lambda v: "\x00" not in v and not v.startswith("-")))
def test_cli_answers_0_or_2_never_a_traceback(value):
    for case in CLI_CASES:
        done = subprocess.run([sys.executable, "-m", "costmodel", *case(value)], capture_output=True, text=True,
                              timeout=120)  # fmt: skip
        assert done.returncode in (0, 2), (case(value), done.stderr[-500:])
        assert "Traceback" not in done.stderr, done.stderr[-1000:]
