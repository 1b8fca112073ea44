"""The bounded number parser: limits checked on the text, one-line messages naming the field and the value."""

from decimal import Decimal

import pytest

from costmodel.cli import main
from costmodel.core.numbers import MAX_NUMBER_LENGTH, parse_decimal, parse_quantity, shorten

HOSTILE = [
    "1e10000000", "1e999999", "-1e999999", "9" * 100_000, "1" + "0" * 40, "1e-10000000", "0." + "0" * 35 + "1",
    "inf", "-Infinity", "nan", "sNaN", "1_000", "0x10", "", "  ", "1e", ".", "+", "1..2", "١٢", "1e5\x00",
]  # fmt: skip


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_number_text_is_refused_with_a_short_message(text):
    with pytest.raises(ValueError) as caught:
        parse_decimal("resolution", text)
    message = str(caught.value)
    assert message.startswith("resolution: ") and "\n" not in message and len(message) < 200


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.5", Decimal("0.5")), (" 224 ", Decimal(224)), ("1e30", Decimal("1e30")), ("-3", Decimal(-3)),
     ("0e999999999", Decimal(0)), (".5", Decimal("0.5")), ("5.", Decimal(5)), ("1E-30", Decimal("1e-30")),
     ("0." + "0" * 29 + "1", Decimal("1e-30")), ("9" * 31, Decimal("9" * 31))],
)  # fmt: skip
def test_ordinary_numbers_read_exactly(text, value):
    assert parse_decimal("x", text) == value


@pytest.mark.parametrize(
    ("text", "needle"),
    [("1e31", "below 1e31"), ("1e-31", "from 1e-30"), ("1" * 41, f"at most {MAX_NUMBER_LENGTH} characters")],
)
def test_limits_are_named_in_the_message(text, needle):
    with pytest.raises(ValueError, match=needle):
        parse_decimal("x", text)
    with pytest.raises(TypeError, match="must be text"):
        parse_decimal("x", 5)


def test_shorten_keeps_messages_short():
    assert len(shorten("x" * 10**6)) < 70 and "1,000,000 characters" in shorten("x" * 10**6)
    assert len(shorten(list(range(1000)))) < 70


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [("2M", "count", 2_000_000), ("300k", "count", 300_000), ("1.5G", "count", 1_500_000_000),
     ("2B", "count", 2_000_000_000), ("3e8", "count", 300_000_000), ("300000000", "count", 300_000_000),
     ("320KiB", "bytes", 320 * 1024), ("1MiB", "bytes", 2**20), ("256KB", "bytes", 256_000),
     ("1MB", "bytes", 10**6), ("1 GiB", "bytes", 2**30), ("512", "bytes", 512), ("512B", "bytes", 512),
     ("10ms", "ms", Decimal(10)), ("10", "ms", Decimal(10)), ("1.5 s", "ms", Decimal(1500))],
)  # fmt: skip
def test_quantities(text, unit, value):
    assert parse_quantity("--x", text, unit) == value


@pytest.mark.parametrize(
    ("text", "unit", "needle"),
    [("320 kilo", "bytes", "unknown unit 'kilo'"), ("320k", "bytes", "unknown unit 'k'"),
     ("5 ms", "count", "unknown unit 'ms'"), ("1.5", "bytes", "not a whole number"), ("-5M", "count", "positive"),
     ("0", "ms", "positive"), ("1e400M", "count", "too large"), ("1e-300", "ms", "too small"),
     ("M", "count", "positive"), ("9" * 100, "count", "too long"), ("nanM", "count", "positive")],
)  # fmt: skip
def test_bad_quantities(text, unit, needle):
    with pytest.raises(ValueError, match=needle) as caught:
        parse_quantity("--x", text, unit)
    assert str(caught.value).startswith("--x: ")


@pytest.mark.parametrize(
    "argv",
    [["best", "--macs", "1e400"], ["best", "--macs", "1e10000000"], ["best", "--latency", "1e-300"],
     ["best", "--params", "9" * 5000], ["report", "--resolution", "1e10000000"], ["report", "--alpha", "1e999999"],
     ["report", "--classes", "1e10000000"], ["report", "--rho", "nan"], ["report", "--resolution", "224.7"],
     ["sweep", "--alpha", "1e-999999:1:1"], ["serve", "--port", "1e100000"]],
)  # fmt: skip
def test_cli_numbers_are_bounded(argv, capsys):
    with pytest.raises(SystemExit) as exited:
        status = main(argv)
        raise SystemExit(status)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and len(err) < 300
