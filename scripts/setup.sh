#!/usr/bin/env bash
# Set up everything the project needs on a fresh Debian 12 machine with Python 3.11:
# the system packages that are missing (as root, through apt) and a virtual environment in .venv.
#   scripts/setup.sh dashboard        # what the dashboard needs
#   scripts/setup.sh test             # what the whole test suite needs
# Re-running it is cheap: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-dashboard}"

packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)  # kaleido drives it for PNG/SVG/PDF figures
if [ "$purpose" = test ]; then
  command -v chromedriver >/dev/null 2>&1 || packages+=(chromium-driver)           # browser tests
  kpsewhich booktabs.sty >/dev/null 2>&1 || packages+=(texlive-latex-base texlive-latex-recommended)  # pdflatex
fi
if [ "${#packages[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${packages[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${packages[@]}" >/dev/null
fi

python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
if [ "$purpose" = test ]; then
  # torch first and pinned: the local CPU wheel; nothing else may pull a newer CUDA build.
  "${pip[@]}" "torch==2.13.0"
  "${pip[@]}" "torch==2.13.0" -e ".[dashboard,measure,reconcile,test,dev]"
  # the frameworks extra by hand: PyPI's torchvision (which timm requires) is a CUDA build that does not
  # import with the CPU torch wheel, so timm goes in without it (tests/test_frameworks_timm.py says what
  # that leaves checkable) and Keras runs on the torch backend.
  "${pip[@]}" "torch==2.13.0" "keras==3.15.1" huggingface_hub safetensors pyyaml
  "${pip[@]}" --no-deps "timm==1.0.31"
else
  "${pip[@]}" -e ".[dashboard]"
fi
