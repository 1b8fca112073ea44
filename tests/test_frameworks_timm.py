"""timm's mobilenetv1_100 / mobilenetv1_125 against the "timm" preset.

Where timm imports (it needs a torchvision built for the installed torch), the real models are built at
odd input sizes and every Conv2d and Linear module's parameters and MACs (from forward hooks) are compared
with ``==``. Where it does not (here PyPI's torchvision is a CUDA build that fails to import with the CPU
torch wheel), the installed timm *source* is checked instead: the architecture definition of
``_gen_mobilenet_v1``, timm's own ``make_divisible`` and ``get_padding`` run from its files."""

import ast
import importlib.util
import pathlib
import typing

import pytest

import costmodel

SIDES = (33, 97, 224, 225, 239)
MODELS = {"mobilenetv1_100": 1.0, "mobilenetv1_125": 1.25}


def timm_or_skip():
    try:
        import timm
    except Exception as error:  # torchvision missing or broken raises ImportError or RuntimeError
        pytest.skip(
            f"timm does not import here ({type(error).__name__}: {error}); its source is checked instead"
        )
    return timm


@pytest.mark.slow
@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("side", SIDES)
def test_real_timm_modules(name, side):
    timm = timm_or_skip()
    import torch

    model = timm.create_model(name, num_classes=1000).eval()
    macs = []

    def hook(module, inputs, output):
        per_position = module.weight.numel() // (
            output.shape[1] if isinstance(module, torch.nn.Conv2d) else 1
        )
        if isinstance(module, torch.nn.Conv2d):
            macs.append(output.shape[2] * output.shape[3] * output.shape[1] * per_position)
        else:
            macs.append(module.weight.numel())

    for module in model.modules():
        if isinstance(module, torch.nn.Conv2d | torch.nn.Linear):
            module.register_forward_hook(hook)
    with torch.no_grad():
        model(torch.zeros(1, 3, side, side))
    row = costmodel.reconcile(MODELS[name], resolution=side, presets="timm").iloc[0]
    assert (row["total"], row["params"]) == (sum(macs), sum(p.numel() for p in model.parameters()))


def timm_file(*parts):
    spec = importlib.util.find_spec("timm")
    if spec is None or spec.origin is None:
        pytest.skip("timm is not installed (the frameworks extra)")
    return pathlib.Path(spec.origin).parent.joinpath(*parts)


def function_from(path, name, namespace):
    """Run one top-level function definition of a timm source file (no timm import)."""
    tree = ast.parse(path.read_text())
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
    exec(compile(ast.Module([node], []), str(path), "exec"), namespace)
    return namespace[name]


def mobilenet_v1_source():
    tree = ast.parse(timm_file("models", "efficientnet.py").read_text())
    gen = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "_gen_mobilenet_v1")
    arch = next(n.value for n in ast.walk(gen) if isinstance(n, ast.Assign) and n.targets[0].id == "arch_def")
    stem = next(k.value.value for n in ast.walk(gen) if isinstance(n, ast.Call) for k in n.keywords
                if k.arg == "stem_size")  # fmt: skip
    defaults = {
        a.arg: d.value
        for a, d in zip(gen.args.args[-len(gen.args.defaults) :], gen.args.defaults, strict=True)
    }
    return ast.literal_eval(arch), stem, defaults


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("side", SIDES)
def test_timm_source(name, side):
    arch_def, stem, defaults = mobilenet_v1_source()
    assert (defaults["fix_stem_head"], defaults["head_conv"]) == (False, False)  # stem scaled, no head conv
    make_divisible = function_from(timm_file("layers", "helpers.py"), "make_divisible", {})
    get_padding = function_from(
        timm_file("layers", "padding.py"),
        "get_padding",
        {"to_2tuple": None, "Union": typing.Union, "List": list},
    )
    alpha = MODELS[name]

    def out(side, stride):  # torch Conv2d with timm's symmetric padding, kernel 3
        return (side + 2 * get_padding(3, stride) - 3) // stride + 1

    side_now, channels = out(side, 2), make_divisible(stem * alpha, 8)
    layers = [("Conv2d_0", side_now, channels, 27 * channels)]
    block = 0
    for stage in arch_def:
        (text,) = stage
        fields = {f[0]: int(f[1:]) for f in text.split("_")[1:]}
        for repeat in range(fields["r"]):
            block += 1
            stride = fields["s"] if repeat == 0 else 1
            side_now = out(side_now, stride)
            layers.append((f"Conv2d_{block}_depthwise", side_now, channels, 9 * channels))
            new = make_divisible(fields["c"] * alpha, 8)
            layers.append((f"Conv2d_{block}_pointwise", side_now, new, channels * new))
            channels = new
    table = costmodel.report(alpha=alpha, resolution=side, convention="timm").table.set_index("layer")
    for layer, out_side, out_channels, weights in layers:
        row = table.loc[layer]
        assert (row.out_side, row.out_channels, row.weights, row.counted_total) == (
            out_side,
            out_channels,
            weights,
            out_side * out_side * weights,
        ), layer
    assert block == 13 and table.loc["Logits", "in_channels"] == channels
    macs = sum(s * s * w for _, s, _, w in layers) + channels * 1000
    bn = 2 * sum(c for _, _, c, _ in layers)
    row = costmodel.reconcile(alpha, resolution=side, presets="timm").iloc[0]
    assert (row["total"], row["params"]) == (macs, sum(w for *_, w in layers) + channels * 1000 + 1000 + bn)


def test_timm_has_two_widths_only():
    with pytest.raises(
        ValueError, match=r"cannot express alpha=0\.5: timm's mobilenetv1_100 / mobilenetv1_125"
    ):
        costmodel.reconcile(0.5, presets="timm")
    with pytest.raises(ValueError, match="cannot express rounding='slim'"):
        costmodel.report(alpha=1.0, convention="timm", rounding="slim")


def test_keras_cannot_express_slim_or_an_unscaled_stem():
    with pytest.raises(ValueError, match="convention='keras' cannot express rounding='slim'"):
        costmodel.reconcile(presets="keras", rounding="slim")
    with pytest.raises(ValueError, match="cannot express scale_first_layer=False"):
        costmodel.report(convention="keras", scale_first_layer=False)
    with pytest.raises(ValueError, match="cannot express padding='same'"):
        costmodel.report(convention="keras", padding="same")
