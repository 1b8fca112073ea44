"""``mobilenet-cost serve``: start the dashboard with gunicorn (needs the ``dashboard`` extra)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from costmodel.cli.common import DefaultsHelpFormatter, integer_argument, require_modules
from costmodel.dashboard.server import DEFAULT_HOST, DEFAULT_PORT, DEFAULT_WORKERS, check_option


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the dashboard (gunicorn, 127.0.0.1:8050 by default)",
        description="Serve the Dash dashboard with gunicorn, a production WSGI server. Binds to loopback "
        "by default; another address prints a warning (there is no authentication).",
        epilog="Example: mobilenet-cost serve --port 8050 --workers 2",
        formatter_class=DefaultsHelpFormatter,
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to bind")
    parser.add_argument("--port", type=integer_argument("--port"), default=DEFAULT_PORT, help="TCP port (1 to 65535)")
    parser.add_argument("--workers", type=integer_argument("--workers"), default=DEFAULT_WORKERS, help="gunicorn worker processes (1 to 64)")
    parser.add_argument(
        "--db",
        help="SQLite file of the latency datasets (default: $MOBILENET_COST_DB, else the user data directory)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    require_modules("the dashboard", "dashboard", ("dash", "gunicorn"))
    check_option("port", args.port)
    check_option("workers", args.workers)
    if args.db:
        from costmodel.latency import DB_ENV
        from costmodel.latency.store import LatencyStore

        LatencyStore(args.db)  # creates or checks it now: a bad path is a one-line error, not a failing worker
        os.environ[DB_ENV] = str(Path(args.db).resolve())  # the workers inherit it
    from costmodel.dashboard.server import serve

    serve(args.host, args.port, args.workers)
    return 0
