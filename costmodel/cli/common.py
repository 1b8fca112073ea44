"""Argument helpers shared by the subcommands: the variant knobs, number lists and ranges, output files."""

from __future__ import annotations

import argparse
import importlib.util
from decimal import Decimal

from costmodel.core.convention import (
    BATCH_NORMS,
    DTYPES,
    KNOB_HELP,
    KNOBS,
    PADDINGS,
    PLANNERS,
    ROUNDINGS,
    Convention,
)
from costmodel.core.numbers import parse_decimal
from costmodel.latency import DB_ENV
from costmodel.output.files import check_targets, write_files

RANGE_LIMIT = 1_000_000

DB_HELP = f"SQLite database file (default: ${DB_ENV}, else latency.sqlite3 in the user data directory)"


class DefaultsHelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """``--help`` shows an option's default once: not when it is None, for on/off flags, or when the help
    text already names one.

    >>> parser = argparse.ArgumentParser(formatter_class=DefaultsHelpFormatter)
    >>> _ = parser.add_argument("--side", help="input side (default 224)")
    >>> _ = parser.add_argument("--runs", type=int, default=50, help="timed runs")
    >>> text = " ".join(parser.format_help().split())
    >>> "(default 224)" in text and "(default: None)" not in text, "timed runs (default: 50)" in text
    (True, True)
    """

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.default is None or action.nargs == 0 or "default" in text:
            return text
        return super()._get_help_string(action) or text


def require_modules(purpose: str, extra: str, modules: tuple[str, ...]) -> None:
    """Raise ``UsageError`` naming the pip extra when any of ``modules`` is not installed.

    >>> require_modules("counting", "core", ("sympy",))
    >>> require_modules("flying", "wings", ("no_such_module_x",))
    Traceback (most recent call last):
    ...
    costmodel.cli.UsageError: flying needs no_such_module_x; install it with pip install 'mobilenet-costmodel[wings]'
    """
    from costmodel.cli import UsageError

    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise UsageError(
            f"{purpose} needs {', '.join(missing)}; install it with pip install 'mobilenet-costmodel[{extra}]'"
        )


def number_argument(name: str):
    """An argparse ``type``: the option's text through the bounded :func:`parse_decimal`, as a float.

    >>> number_argument("--alpha")("0.5")
    0.5
    >>> number_argument("--alpha")("1e400")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: '1e400' is too large; allowed: numbers below 1e31 in magnitude
    """

    def parse(text: str) -> float:
        try:
            return float(parse_decimal(name, text))
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error).removeprefix(f"{name}: ")) from None

    parse.__name__ = name
    return parse


def integer_argument(name: str):
    """An argparse ``type``: a whole number through the bounded :func:`parse_decimal` (``"3e2"`` is 300).

    >>> integer_argument("--resolution")("224")
    224
    >>> integer_argument("--resolution")("224.7")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: '224.7' is not a whole number
    """

    def parse(text: str) -> int:
        try:
            value = parse_decimal(name, text)
            if value != value.to_integral_value():
                raise ValueError(f"{name}: {text!r} is not a whole number")
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error).removeprefix(f"{name}: ")) from None
        return int(value)

    parse.__name__ = name
    return parse


def add_design_point_arguments(parser: argparse.ArgumentParser) -> None:
    """``--alpha`` and one of ``--rho`` (snapped to whole pixels) or ``--resolution``."""
    parser.add_argument("--alpha", type=number_argument("--alpha"), default=1.0, help="width multiplier")
    side = parser.add_mutually_exclusive_group()
    side.add_argument(
        "--rho", type=number_argument("--rho"), help="resolution multiplier, snapped to round(224*rho) pixels"
    )
    side.add_argument("--resolution", type=integer_argument("--resolution"), help="input side in pixels (default 224)")


def add_grid_arguments(parser: argparse.ArgumentParser) -> None:
    """``--alpha`` and ``--resolution`` as lists or ``start:stop:step`` ranges (the paper's 4 × 4 grid by default);
    parse them with :func:`number_list` and :func:`integer_list`."""
    parser.add_argument("--alpha", default="0.25,0.5,0.75,1.0", help="alpha values or start:stop:step ranges")
    parser.add_argument("--resolution", default="128,160,192,224", help="input sides in pixels, or ranges")


def add_knob_arguments(parser: argparse.ArgumentParser, *, given_only: bool = False) -> None:
    """``--rounding``, ``--padding``, ``--no-scale-first-layer``, ``--classes``, ``--no-fc-bias``, ``--bn``,
    ``--dtype``, ``--input-channels``, ``--planner``.

    ``given_only``: a knob not on the command line is left out of :func:`knobs_from` (so that a framework
    preset such as ``keras`` fills in the knobs its model fixes) instead of taking the paper's default.
    """
    group = parser.add_argument_group("variant knobs (defaults reproduce the paper)")

    def default(value):
        return argparse.SUPPRESS if given_only else value

    group.add_argument("--rounding", choices=ROUNDINGS, default=default("slim"), help=KNOB_HELP["rounding"])
    group.add_argument("--padding", choices=PADDINGS, default=default("same"), help=KNOB_HELP["padding"])
    group.add_argument(
        "--no-scale-first-layer",
        dest="scale_first_layer",
        action="store_false",
        default=default(True),
        help="do not " + KNOB_HELP["scale_first_layer"],
    )
    group.add_argument(
        "--classes", type=integer_argument("--classes"), default=default(1000), help=KNOB_HELP["classes"]
    )
    group.add_argument(
        "--no-fc-bias", dest="fc_bias", action="store_false", default=default(True), help="do not " + KNOB_HELP["fc_bias"]
    )
    group.add_argument("--bn", choices=BATCH_NORMS, default=default("none"), help=KNOB_HELP["bn"])
    group.add_argument("--dtype", choices=DTYPES, default=default("float32"), help=KNOB_HELP["dtype"])
    group.add_argument(
        "--input-channels",
        type=integer_argument("--input-channels"),
        default=default(3),
        help=KNOB_HELP["input_channels"],
    )
    group.add_argument("--planner", choices=PLANNERS, default=default("chain"), help=KNOB_HELP["planner"])


def knobs_from(args: argparse.Namespace) -> dict[str, object]:
    """The knob keywords parsed by :func:`add_knob_arguments` (only those given, under ``given_only``)."""
    names = KNOBS
    return {name: getattr(args, name) for name in names if hasattr(args, name)}


def convention_of(args: argparse.Namespace) -> Convention:
    return Convention(**knobs_from(args))  # type: ignore[arg-type]


def number_list(name: str, text: str) -> list[Decimal]:
    """Parse ``"0.25,0.5,1"`` or a range ``"start:stop:step"`` (stop included) into decimals.

    >>> [str(x) for x in number_list("alpha", "0.25,0.5")]
    ['0.25', '0.5']
    >>> [str(x) for x in number_list("alpha", "0.1:0.3:0.1")]
    ['0.1', '0.2', '0.3']
    """
    values: list[Decimal] = []
    for part in text.split(","):
        if not part.strip():
            raise ValueError(f"{name}: empty item in {text!r}")
        if ":" not in part:
            values.append(parse_decimal(name, part))
            continue
        pieces = part.split(":")
        if len(pieces) != 3:
            raise ValueError(f"{name}: range {part!r} must be start:stop:step")
        start, stop, step = (parse_decimal(name, p) for p in pieces)
        if step <= 0 or stop < start:
            raise ValueError(f"{name}: range {part!r} needs step > 0 and stop >= start")
        count = int((stop - start) / step) + 1
        if len(values) + count > RANGE_LIMIT:
            raise ValueError(f"{name}: {text!r} has more than {RANGE_LIMIT:,} values")
        values.extend(start + i * step for i in range(count))
    return values


def integer_list(name: str, text: str) -> list[int]:
    """Like :func:`number_list` but every value must be a whole number.

    >>> integer_list("resolution", "128:224:32")
    [128, 160, 192, 224]
    """
    values = number_list(name, text)
    for value in values:
        if value != value.to_integral_value():
            raise ValueError(f"{name}: {value} is not a whole number of pixels")
    return [int(v) for v in values]


def add_force_argument(parser: argparse.ArgumentParser) -> None:
    """``--force``: allow replacing an existing output file (never the database in use)."""
    parser.add_argument("--force", action="store_true", help="replace existing output files")


def database_files(path: object) -> tuple[tuple[str, str], ...]:
    """The SQLite database ``path`` and its journal files, as ``protect`` pairs for :func:`write_output`."""
    return tuple((f"{path}{end}", "the database in use") for end in ("", "-wal", "-shm", "-journal"))


def write_output(
    text: str, path: str | None, *, force: bool = False, protect: tuple[tuple[str, str], ...] = ()
) -> None:
    """Print ``text``, or write it to ``path`` with :func:`costmodel.output.files.write_files` (atomic; an
    existing file only with ``force``; a device or pipe written in place; ``protect`` never written)."""
    if path is None or path == "-":
        print(text, end="" if text.endswith("\n") else "\n")
        return
    write_files({path: text}, force=force, protect=protect)


def check_output(path: str | None, *, force: bool = False, protect: tuple[tuple[str, str], ...] = ()) -> None:
    """Refuse an output :func:`write_output` would refuse, before long work is done."""
    if path is not None and path != "-":
        check_targets([path], force=force, protect=protect)
