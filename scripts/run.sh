#!/usr/bin/env bash
# Set up (scripts/setup.sh dashboard) and start the dashboard on http://127.0.0.1:8050 (gunicorn).
# Extra arguments go to `mobilenet-cost serve`, e.g. --port 8060 --workers 4 --host 0.0.0.0.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dashboard
exec .venv/bin/mobilenet-cost serve "$@"
