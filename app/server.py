"""Serve the dashboard with gunicorn (a production WSGI server), on 127.0.0.1:8050 by default.

``python -m costmodel.dashboard.server --port 8050 --workers 2`` or ``mobilenet-cost serve``. Binding to an address
other than loopback prints a warning: the dashboard has no authentication.
"""

from __future__ import annotations

import argparse
import errno
import gc
import ipaddress
import socket
import sys

from costmodel.core.numbers import shorten

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050
DEFAULT_WORKERS = 2
THREADS = 8
"""Threads per gunicorn worker: requests served at once by one worker."""
DEFAULT_TIMEOUT = 30
"""Seconds before gunicorn restarts a worker that stopped answering (a dashboard answers in well under 1 s)."""
KEEPALIVE = 5
"""Seconds an idle keep-alive connection is held open."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0"), is_loopback("::1")
    (True, True, False, True)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str | None:
    """The warning to print for a non-loopback bind address, or None."""
    if is_loopback(host):
        return None
    return (
        f"WARNING: serving on {host}, which is reachable from other machines. The dashboard has no "
        "authentication; bind to 127.0.0.1 (the default) unless that is what you want."
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to bind (loopback by default)")
    parser.add_argument("--port", type=_option("port"), default=DEFAULT_PORT, help="TCP port (1 to 65535)")
    parser.add_argument(
        "--workers", type=_option("workers"), default=DEFAULT_WORKERS, help="gunicorn worker processes (1 to 64)"
    )
    parser.add_argument(
        "--timeout", type=_option("timeout"), default=DEFAULT_TIMEOUT, help="seconds before a stuck worker is restarted"
    )


OPTION_RANGES = {"port": (1, 65535, ""), "workers": (1, 64, ""), "timeout": (1, 3600, " seconds")}
"""Allowed values of the whole-number options, here and in ``mobilenet-cost serve``."""


def check_option(name: str, value: int) -> int:
    """``value`` of the option ``--name`` if it is within :data:`OPTION_RANGES`, else a ``ValueError``.

    >>> check_option("port", 8050)
    8050
    >>> check_option("workers", 0)
    Traceback (most recent call last):
    ValueError: --workers 0 is out of range; allowed 1 to 64
    """
    low, high, unit = OPTION_RANGES[name]
    if not low <= value <= high:
        raise ValueError(f"--{name} {value} is out of range; allowed {low} to {high}{unit}")
    return value


def _option(name: str):
    """The argparse ``type`` of a whole-number option: an integer, then :func:`check_option`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"--{name} {shorten(text)} is not an integer") from None
        try:
            return check_option(name, value)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return parse


def port_problem(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be bound right now (in use, or not an address of this machine), else None.

    Checked before anything is announced, so a busy port is one line instead of gunicorn's retries.

    >>> port_problem("127.0.0.1", 0) is None
    True
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return f"--port {port}: {host}:{port} is already in use; stop that server or choose another --port"
            return f"--host {host!r}: cannot bind {host}:{port} ({error.strerror or error})"
    return None


def wsgi_server():
    """The dashboard's Flask server, built and warmed once before gunicorn forks its workers, with every object
    made so far moved out of the garbage collector's reach (``gc.freeze``): the caches hold some 200,000 objects
    (SymPy expressions, tables), and a full collection walking them all paused a worker for 100 to 800 ms in the
    middle of requests. A frozen object is never collected, and the workers' pages stay shared with the parent.
    """
    from costmodel.dashboard.main import create_app

    server = create_app().server
    gc.freeze()
    return server


def gunicorn_options(host: str, port: int, workers: int, timeout: int = DEFAULT_TIMEOUT) -> dict[str, object]:
    """gunicorn settings: threaded workers (``gthread``, :data:`THREADS` each), the app preloaded once (caches
    warmed before forking), and explicit limits per request.

    A slow or stalled client holds one thread, not a whole worker. ``timeout`` restarts a worker that stops
    answering gunicorn's heartbeat; ``keepalive`` closes an idle connection after :data:`KEEPALIVE` seconds;
    the request line, header count and header size are capped (``limit_request_*``), and request bodies are
    capped by the app (``MAX_CONTENT_LENGTH``, see :func:`costmodel.dashboard.main.create_app`). Work per
    request is bounded by the app itself (numbers are parsed with length and exponent limits).

    >>> options = gunicorn_options("127.0.0.1", 8050, 2)
    >>> options["worker_class"], options["threads"], options["timeout"], options["limit_request_line"]
    ('gthread', 8, 30, 8190)
    """
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": THREADS,
        "preload_app": True,
        "timeout": timeout,
        "graceful_timeout": 10,
        "keepalive": KEEPALIVE,
        "limit_request_line": 8190,
        "limit_request_fields": 50,
        "limit_request_field_size": 8190,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "backlog": 256,
    }


def serve(
    host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, workers: int = DEFAULT_WORKERS, timeout: int = DEFAULT_TIMEOUT
) -> None:
    """Run gunicorn in this process until interrupted; a ``ValueError`` first if ``host:port`` cannot be bound
    or the latency database (``$MOBILENET_COST_DB``, else the default) is not one this tool can use."""
    problem = port_problem(host, port)
    if problem:
        raise ValueError(problem)
    from costmodel.latency.store import LatencyStore

    LatencyStore()  # the pages' database ($MOBILENET_COST_DB or the default), checked now as --db is
    from gunicorn.app.base import BaseApplication

    warning = exposure_warning(host)
    if warning:
        print(warning, file=sys.stderr)

    class DashboardApplication(BaseApplication):
        def load_config(self):
            for key, value in gunicorn_options(host, port, workers, timeout).items():
                self.cfg.set(key, value)

        def load(self):
            return wsgi_server()

    print(
        f"Serving the dashboard on http://{host}:{port}/ with {workers} worker(s) (Ctrl+C stops)",
        file=sys.stderr,
    )
    DashboardApplication().run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m costmodel.dashboard.server",
        description="Serve the MobileNet v1 cost-model dashboard with gunicorn.",
        epilog="Example: python -m costmodel.dashboard.server --port 8050 --workers 2",
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        serve(args.host, args.port, args.workers, args.timeout)
    except ValueError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
