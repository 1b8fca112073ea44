"""The fast tier: ``pytest -m "not slow"``.

A test is slow when it starts a real server, a browser, a pip install or the notebook; those come through
the fixtures in :data:`SLOW_FIXTURES`, so a test that uses one is marked ``slow`` here. Slow tests without
such a fixture (the real counting tools, pdflatex, kaleido, onnxruntime timing) carry the marker in their
module.

Every test session (each pytest-xdist worker has its own) gets a fresh latency database in a temporary
folder through ``MOBILENET_COST_DB``, inherited by the servers the tests start: no test reads or writes the
user's own database, and parallel workers never share one.
"""

from __future__ import annotations

import sys

import pytest

from costmodel.latency import DB_ENV

SLOW_FIXTURES = frozenset({"base_url", "browser", "port", "installed", "executed"})
"""gunicorn server (``base_url``, ``port``), headless Chromium, ``pip install`` into a fresh venv, the notebook."""


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test that started dashboard servers shows their error logs (worker timeouts, tracebacks)."""
    outcome = yield
    report = outcome.get_result()
    testing = sys.modules.get("app_testing")
    if testing is None:
        return
    if call.when == "setup":
        testing.SERVER_LOGS.clear()
    if report.failed and testing.SERVER_LOGS:
        logs = "\n".join(f"--- server {i} ---\n{log[-4000:]}" for i, log in enumerate(testing.SERVER_LOGS, 1))
        report.sections.append(("dashboard server logs", logs))


@pytest.fixture(autouse=True, scope="session")
def private_latency_database(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DB_ENV, str(tmp_path_factory.mktemp("latency-db") / "latency.sqlite3"))
        yield
