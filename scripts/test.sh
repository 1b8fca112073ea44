#!/usr/bin/env bash
# Set up (scripts/setup.sh test) and run the whole test suite: unit tests, doctests, the cross-checks against
# the real counting tools, browser tests in headless Chromium, LaTeX compilation and the notebook.
# The tests run in parallel on every core (pytest-xdist; one file per worker at a time, so a file's server,
# browser or fresh venv is started once). Extra arguments go to pytest (-n 0 runs them in one process).
# Fails when any test fails and when no test ran.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test || exit 1
.venv/bin/ruff check . || exit 1
.venv/bin/python -m pytest -n auto --dist loadfile "$@"
status=$?
if [ "$status" = 5 ]; then
  echo "test: pytest collected no tests; that is a failure" >&2
  exit 1
fi
exit "$status"
