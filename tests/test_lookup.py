"""Totals by table look-up (costmodel.core.lookup) against the independent counter, and evaluate's choice of it."""

import numpy as np
import pytest
from independent_counter import costs, memory

import costmodel
from costmodel.core.convention import Convention
from costmodel.core.formulas import RATIOS, TOTAL_METRICS
from costmodel.core.lookup import MIN_POINTS, totals_lookup
from costmodel.core.symbolic import compiled_totals

COUNTS = tuple(m for m in TOTAL_METRICS if m not in RATIOS)


def expected(alpha: float, side: int, convention: Convention) -> dict[str, int]:
    """Every summed and peak total from the independent counter (whose ``costs`` reads a 3-channel image)."""
    shape = dict(
        rounding=convention.rounding,
        padding=convention.padding,
        scale_first_layer=convention.scale_first_layer,
        classes=convention.classes,
        fc_bias=convention.fc_bias,
    )
    counted = costs(alpha, side, bn=convention.bn, **shape)
    stored = memory(
        alpha,
        side,
        dtype=convention.dtype,
        input_channels=convention.input_channels,
        planner=convention.planner,
        **shape,
    )
    return {
        "macs": counted["macs"],
        "flops": 2 * counted["macs"],
        "params": counted["params"],
        "activations": counted["activations"],
        "weight_bytes": stored["weight_bytes"],
        "flash_bytes": stored["weight_bytes"],
        "traffic_bytes": stored["traffic_bytes"],
        "peak_activation_bytes": stored["peak_activation_bytes"],
    }


CONVENTIONS = [
    Convention(),
    Convention(rounding="keras", padding="keras", dtype="int8", classes=1001),
    Convention(padding="floor", dtype="float16", planner="inplace-depthwise", bn="trainable"),
    Convention(
        rounding="keras", scale_first_layer=False, fc_bias=False, dtype="int8", planner="inplace-depthwise"
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    "convention", CONVENTIONS, ids=lambda c: f"{c.rounding}-{c.padding}-{c.dtype}-{c.planner}"
)
def test_lookup_equals_the_independent_counter(convention):
    rng = np.random.default_rng(7)
    alpha = np.concatenate([rng.uniform(0.1, 1.5, 40), [0.25, 0.5, 0.75, 1.0, 1.5, 33 / 1024, 1 - 2**-40]])
    side = np.concatenate([rng.integers(32, 321, 40), [224, 32, 33, 320, 97, 160, 31 + 2]])
    out = np.empty((len(COUNTS), alpha.size), dtype=np.int64)
    assert totals_lookup(COUNTS, convention)(alpha, side, out, force=True)
    for i, (a, r) in enumerate(zip(alpha.tolist(), side.tolist(), strict=True)):
        want = expected(a, r, convention)
        got = {m: int(out[row, i]) for row, m in enumerate(COUNTS) if m in want}
        assert got == want, (a, r)


@pytest.mark.slow
def test_lookup_counts_the_grayscale_stem():
    convention = Convention(input_channels=1, dtype="int8")
    alpha, side = np.array([0.25, 1.0]), np.array([96, 224])
    out = np.empty((len(COUNTS), 2), dtype=np.int64)
    assert totals_lookup(COUNTS, convention)(alpha, side, out, force=True)
    for i in range(2):
        stored = memory(alpha[i], int(side[i]), dtype="int8", input_channels=1)
        assert out[COUNTS.index("weight_bytes"), i] == stored["weight_bytes"]
        assert out[COUNTS.index("peak_activation_bytes"), i] == stored["peak_activation_bytes"]
        assert out[COUNTS.index("traffic_bytes"), i] == stored["traffic_bytes"]


def test_alpha_keys_take_floor_of_1024_alpha_exactly():
    # just below and at a step of floor(d·α): the key floor(1024·α) must fall on the right side for every d
    alpha = np.array([0.25, np.nextafter(0.25, 0), 0.5, np.nextafter(0.5, 0), 1.0, np.nextafter(1.0, 0)])
    side = np.full(alpha.size, 224)
    out = np.empty((1, alpha.size), dtype=np.int64)
    assert totals_lookup(("params",), Convention())(alpha, side, out, force=True)
    assert out[0].tolist() == [costs(a, 224)["params"] for a in alpha.tolist()]


def test_evaluate_uses_tables_for_many_points_and_agrees_with_the_compiled_expressions():
    rng = np.random.default_rng(3)
    alpha = rng.uniform(0.45, 0.55, MIN_POINTS)  # about 100 keys × 41 sides: fewer cells than points
    side = rng.integers(140, 181, MIN_POINTS)
    lookup = totals_lookup(COUNTS, Convention())
    looked_up = np.empty((len(COUNTS), MIN_POINTS), dtype=np.int64)
    assert lookup(alpha, side, looked_up)
    compiled = np.empty_like(looked_up)
    compiled_totals(COUNTS, Convention())(alpha, side, compiled)
    assert np.array_equal(looked_up, compiled)
    frame = costmodel.evaluate(alpha, side)
    assert np.array_equal(frame[list(COUNTS)].to_numpy().T, looked_up)
    assert (
        frame["intensity"].tolist()
        == (looked_up[COUNTS.index("macs")] / looked_up[COUNTS.index("traffic_bytes")]).tolist()
    )
    for i in range(0, MIN_POINTS, 1024):
        want = expected(float(alpha[i]), int(side[i]), Convention())
        assert {m: int(frame[m].iloc[i]) for m in want} == want


def test_few_points_or_wide_ranges_leave_the_tables_unbuilt():
    lookup = totals_lookup(("macs",), Convention())
    out = np.zeros((1, 3), dtype=np.int64)
    assert not lookup(np.array([0.25, 1.0, 1.5]), np.array([96, 224, 320]), out)
    assert out.tolist() == [[0, 0, 0]]
    many = np.zeros((1, MIN_POINTS), dtype=np.int64)
    spread = np.linspace(0.1, 4.0, MIN_POINTS)  # 3994 keys × 2 sides > MIN_POINTS cells
    assert not lookup(spread, np.resize([32, 4096], MIN_POINTS), many)


@pytest.mark.parametrize("knobs", [{"rounding": "divisible8"}, {"rounding": "smooth"}])
def test_roundings_without_an_alpha_key_have_no_lookup(knobs):
    assert totals_lookup(("macs",), Convention(**knobs)) is None


def test_the_tables_are_built_on_one_blas_thread(monkeypatch):
    """OpenBLAS's threads made a million-point evaluate three times slower on a busy 2-core machine."""
    from threadpoolctl import ThreadpoolController

    from costmodel.core import lookup

    seen = []
    build = lookup._table

    def watched(*args):
        seen.append([info["num_threads"] for info in ThreadpoolController().info() if info["user_api"] == "blas"])
        return build(*args)

    monkeypatch.setattr(lookup, "_table", watched)
    out = np.empty((1, 20_000), dtype=np.int64)
    alphas = np.linspace(0.25, 1.0, 20_000)
    assert lookup.totals_lookup(("macs",), Convention())(alphas, np.full(20_000, 224), out, force=True)
    assert seen and all(threads == [1] * len(threads) for threads in seen)
