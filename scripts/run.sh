#!/usr/bin/env bash
# Set up (scripts/setup.sh dashboard) and run the main job. Extra arguments go to the command.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dashboard
exec .venv/bin/mobilenet-cost report "$@"
