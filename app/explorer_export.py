"""The Explorer's export section: the design point as a model file (ONNX, TorchScript, Keras), the per-layer
table as JSON with a totals row, and the ``costmodel.report(...)`` call and ``mobilenet-cost report`` line of
the current view.

Model files come from :func:`costmodel.latency.model_files.model_bytes`, the code path of
``mobilenet-cost export``. A build runs in the request, so the dashboard bounds it: at most
:data:`MODEL_PARAMS_LIMIT` parameters and :data:`MODEL_MACS_LIMIT` MACs (the TorchScript trace runs the
network once), one build at a time per server process; a larger point gets the CLI line instead.

>>> python_call("?alpha=0.5&resolution=160&rounding=keras&fc_bias=0&device=stm32f746")
'import costmodel\\ncostmodel.report(alpha=0.5, resolution=160, rounding="keras", fc_bias=False)'
>>> cli_line("?alpha=0.5&rho=0.714&classes=10&scale_first_layer=0")
'mobilenet-cost report --alpha 0.5 --rho 0.714 --no-scale-first-layer --classes 10'
>>> model_download("onnx", "?alpha=4&resolution=224")[1]
'α 4 at 224 px has 54,512,360 parameters; the dashboard builds models up to 12,000,000 parameters and 2,000,000,000 MACs. Run: mobilenet-cost export --framework onnx --alpha 4 --resolution 224 -o mobilenet_v1_4_224.onnx'
"""

from __future__ import annotations

import base64
import shlex
import threading
from dataclasses import asdict
from urllib.parse import parse_qsl

from costmodel.dashboard.explorer import parse_query, report_of, to_query

from costmodel.core.report import Report
from costmodel.latency.model_files import FRAMEWORKS, missing_library, model_bytes, model_filename

MODEL_PARAMS_LIMIT = 12_000_000
"""Largest model the dashboard builds (α = 1.5 at any side has 9.3 M); 48 MB of float32 weights."""
MODEL_MACS_LIMIT = 2_000_000_000
"""Largest network the dashboard traces (α = 1.5 at 352 px is 1.98 G MACs)."""
FRAMEWORK_LABELS = {"onnx": "ONNX (.onnx)", "torch": "PyTorch (TorchScript .pt)", "keras": "Keras 3 (.keras)"}
_BUILDING = threading.Lock()

_PYTHON_WORDS = {"0": "False", "1": "True"}
_CLI_FLAGS = {("scale_first_layer", "0"): "--no-scale-first-layer", ("fc_bias", "0"): "--no-fc-bias"}
_NUMBERS = ("alpha", "rho", "resolution", "classes", "input_channels")


def _view_pairs(search: str | None) -> list[tuple[str, str]]:
    """The URL's design point and every non-default knob, canonical (as the Explorer's link writes them);
    the device only chooses what the memory panel compares with, so it is left out."""
    state, _ = parse_query(search)
    return [(k, v) for k, v in parse_qsl(to_query(state).lstrip("?")) if k != "device"]


def python_call(search: str | None) -> str:
    """The ``costmodel.report(...)`` call giving the current view's numbers."""
    arguments = []
    for key, value in _view_pairs(search):
        if key in _NUMBERS:
            arguments.append(f"{key}={value}")
        elif key in ("scale_first_layer", "fc_bias"):
            arguments.append(f"{key}={_PYTHON_WORDS[value]}")
        else:
            arguments.append(f'{key}="{value}"')
    return "import costmodel\ncostmodel.report(" + ", ".join(arguments) + ")"


def cli_line(search: str | None) -> str:
    """The ``mobilenet-cost report`` line giving the current view's numbers."""
    words = ["mobilenet-cost", "report"]
    for key, value in _view_pairs(search):
        flag = _CLI_FLAGS.get((key, value))
        words += [flag] if flag else ["--" + key.replace("_", "-"), value]
    return shlex.join(words)


def json_download(search: str | None) -> tuple[str, str]:
    """The per-layer table of the URL's design point as JSON (design point, convention, totals, one object per
    layer and a totals row), and a file name."""
    r = report_of(parse_query(search)[0])
    return r.as_json(totals_row=True), f"{_stem(r)}.json"


def _stem(r: Report) -> str:
    return f"mobilenet_v1_{r.alpha:g}_{r.resolution}"


def model_download(framework: str, search: str | None) -> tuple[dict | None, str]:
    """The design point as a ``dcc.Download`` payload (base64) in ``framework``, or None and why not."""
    if framework not in FRAMEWORKS:
        return (
            None,
            f"framework {str(framework)[:20]!r} is not allowed; choose one of {', '.join(FRAMEWORKS)}",
        )
    missing = missing_library(framework)
    if missing:
        return None, f"{FRAMEWORK_LABELS[framework]}: {missing}"
    r = report_of(parse_query(search)[0])
    if r.convention.smooth:
        return (
            None,
            "rounding 'smooth' has no model (channels must be whole numbers); choose another rounding",
        )
    filename = model_filename(framework, r.alpha, r.resolution)
    params, macs = int(r.totals["params"]), int(r.totals["macs"])
    if params > MODEL_PARAMS_LIMIT or macs > MODEL_MACS_LIMIT:
        too_big = f"{params:,} parameters" if params > MODEL_PARAMS_LIMIT else f"{macs:,} MACs"
        command = cli_line(search).replace(" report ", f" export --framework {framework} ", 1)
        return None, (
            f"α {r.alpha:g} at {r.resolution} px has {too_big}; the dashboard builds models up to "
            f"{MODEL_PARAMS_LIMIT:,} parameters and {MODEL_MACS_LIMIT:,} MACs. Run: {command} -o {filename}"
        )
    if not _BUILDING.acquire(blocking=False):
        return None, "another model is being built on this server; try again in a few seconds"
    try:
        contents = model_bytes(framework, "torchscript", r.point.alpha, r.resolution, asdict(r.convention))
    except (ValueError, TypeError) as error:
        return None, f"{FRAMEWORK_LABELS[framework]}: {error}"
    finally:
        _BUILDING.release()
    payload = {"content": base64.b64encode(contents).decode("ascii"), "filename": filename, "base64": True}
    return (
        payload,
        f"{filename}: {len(contents):,} bytes, random weights (the architecture, not a trained model)",
    )
