"""The design point as a model file: TorchScript or a torch state dict, a Keras 3 ``.keras``, an ONNX graph.

One code path for ``mobilenet-cost export`` and the dashboard's Explorer downloads. Each library is imported
only when a file is built; :func:`missing_library` says which pip extra installs a missing one.

>>> model_filename("onnx", 0.5, 160), model_filename("torch", 1.0, 224)
('mobilenet_v1_0.5_160.onnx', 'mobilenet_v1_1_224.pt')
>>> missing_library("onnx", find=lambda name: None)
"onnx is not installed; pip install 'mobilenet-costmodel[measure]' installs it"
"""

from __future__ import annotations

import importlib.util
import io
import tempfile
from collections.abc import Callable
from pathlib import Path

FRAMEWORKS = ("torch", "keras", "onnx")
TORCH_FORMATS = ("torchscript", "state")
LIBRARIES = {"torch": ("torch", "frameworks"), "keras": ("keras", "frameworks"), "onnx": ("onnx", "measure")}
"""Framework → (the library it needs, the extra that installs it)."""
SUFFIXES = {"onnx": ".onnx", "keras": ".keras", "torch": ".pt"}


def missing_library(framework: str, find: Callable[[str], object] = importlib.util.find_spec) -> str | None:
    """None when ``framework``'s library is importable, else a sentence naming the extra that installs it."""
    library, extra = LIBRARIES[framework]
    if find(library) is not None:
        return None
    return f"{library} is not installed; pip install 'mobilenet-costmodel[{extra}]' installs it"


def model_filename(framework: str, alpha: float, resolution: int) -> str:
    """A file name for the design point's model in ``framework``."""
    return f"mobilenet_v1_{alpha:g}_{resolution}{SUFFIXES[framework]}"


def model_bytes(framework: str, torch_format: str, alpha, resolution: int, knobs: dict) -> bytes:
    """The model file's contents for the checked design point (``alpha`` exact, ``resolution`` in pixels)."""
    if framework == "onnx":
        from costmodel.latency.onnx_model import build_onnx

        if knobs.get("dtype", "float32") != "float32":
            raise ValueError(f"--dtype {knobs['dtype']}: the ONNX export is float32; allowed: float32")
        # bn, and the planner of the memory metrics, are how a report counts, not what is built
        network = {k: v for k, v in knobs.items() if k not in ("bn", "planner", "dtype")}
        return build_onnx(alpha, resolution, **network).SerializeToString()
    if framework == "torch":
        import torch

        from costmodel.counting.frameworks import to_torch

        model = to_torch(alpha, resolution=resolution, **knobs)
        buffer = io.BytesIO()
        if torch_format == "state":
            torch.save(model.state_dict(), buffer)
        else:
            torch.jit.save(torch.jit.trace(model, torch.zeros(1, 3, resolution, resolution)), buffer)
        return buffer.getvalue()
    from costmodel.counting.frameworks import to_keras

    model = to_keras(alpha, resolution=resolution, **knobs)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()
