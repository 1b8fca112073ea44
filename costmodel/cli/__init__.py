"""The ``mobilenet-cost`` command line (also ``python -m costmodel``).

Each subcommand lives in its own module with a ``register(subparsers)`` function; :data:`COMMANDS`
lists them in the order ``--help`` shows them. Bad input prints one line and exits with status 2: a
:class:`UsageError`, or a ``ValueError``/``TypeError`` from one of the package's checks (see
:func:`is_input_error`). Any other exception is a bug and ends with its traceback (status 1).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from pathlib import Path

COMMANDS: tuple[str, ...] = (
    "report",
    "sweep",
    "check_reduction",
    "reconcile",
    "export",
    "latency",
    "measure",
    "tables",
    "frontier",
    "best",
    "memory",
    "devices",
    "serve",
    "paper",
    "grid",
    "figure",
)
"""Modules of ``costmodel.cli`` that each add one subcommand."""

USAGE_ERROR = 2


class UsageError(Exception):
    """Raised by a command for bad input; printed as one line, exit status 2."""


PACKAGE_DIR = Path(__file__).resolve().parents[1]
"""The installed ``costmodel`` package (the dashboard installs inside it as ``costmodel.dashboard``)."""


def is_input_error(error: BaseException) -> bool:
    """True when ``error`` reports bad input: a :class:`UsageError`, or a ``ValueError``/``TypeError``
    raised by a ``raise`` statement of this package's own checks (every check of an argument raises one
    with a message naming it). The same types raised inside Python, NumPy, pandas or any other library, or
    by an operation of ours rather than a ``raise``, are bugs, and the command line shows them as such.

    >>> from costmodel.core.design_point import design_point
    >>> try:
    ...     design_point(-1)
    ... except ValueError as error:
    ...     is_input_error(error)
    True
    >>> try:
    ...     int("twelve")
    ... except ValueError as error:
    ...     is_input_error(error)
    False
    """
    if isinstance(error, UsageError):
        return True
    if not isinstance(error, ValueError | TypeError) or error.__traceback__ is None:
        return False
    raised_at = traceback.extract_tb(error.__traceback__)[-1]
    return _is_our_source(raised_at.filename) and (raised_at.line or "").lstrip().startswith("raise ")


def _is_our_source(filename: str) -> bool:
    """True for a file of this package, or of the dashboard where it runs from a checkout's ``app/``."""
    dashboard = sys.modules.get("costmodel.dashboard")
    roots = [PACKAGE_DIR, *(Path(folder).resolve() for folder in getattr(dashboard, "__path__", ()))]
    path = Path(filename).resolve()
    return any(path.is_relative_to(root) for root in roots)


class OneLineParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are a single line on stderr and exit status 2."""

    def error(self, message: str):
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see --help)\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser with every subcommand, or with just the command ``only`` (so that running one command
    imports only its own module and libraries)."""
    parser = OneLineParser(
        prog="mobilenet-cost",
        description="Exact cost model of MobileNet v1: params, mult-adds, FLOPs and activations in alpha and rho.",
        epilog="Example: mobilenet-cost report --alpha 0.5 --rho 0.714",
    )
    subparsers = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser
    )
    for name in [only] if only else COMMANDS:
        importlib.import_module(f"costmodel.cli.{name}").register(subparsers)
    return parser


def _requested_command(argv: list[str]) -> str | None:
    """The module of the command named first in ``argv``, if it names one."""
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    module = first.replace("-", "_") if first else None
    return module if module in COMMANDS and argv and not argv[0].startswith("-") else None


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_requested_command(argv)).parse_args(argv)
    try:
        return args.run(args) or 0
    except (UsageError, ValueError, TypeError) as error:
        if not is_input_error(error):
            raise  # a bug: its traceback, exit status 1
        print(f"mobilenet-cost {args.command}: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
