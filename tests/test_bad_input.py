"""Bad input: a clear ValueError / TypeError naming the argument, the value and what is allowed."""

import math

import numpy as np
import pytest

import costmodel


@pytest.mark.parametrize(
    ("value", "error", "words"),
    [
        (0, ValueError, "alpha=0 is out of range; allowed 0 < alpha <= 4"),
        (-0.5, ValueError, "alpha=-0.5"),
        (4.5, ValueError, "alpha=4.5"),
        (math.nan, ValueError, "alpha=nan"),
        (math.inf, ValueError, "alpha=inf"),
        (True, TypeError, "alpha must be a real number; got True"),
        ("0.5", TypeError, "alpha must be a real number; got '0.5'"),
        (None, TypeError, "alpha must be a real number; got None"),
    ],
)
def test_bad_alpha(value, error, words):
    with pytest.raises(error) as caught:
        costmodel.report(alpha=value)
    assert words in str(caught.value)


def test_alpha_too_small_for_keras_rounding():
    with pytest.raises(ValueError, match=r"alpha=0\.03 leaves the 32-channel layer with 0 channels.*1/32"):
        costmodel.report(alpha=0.03, rounding="keras")
    costmodel.report(alpha=0.03, rounding="slim")  # slim keeps at least 8 channels
    with pytest.raises(ValueError, match="64-channel layer"):
        costmodel.report(alpha=0.01, rounding="keras", scale_first_layer=False)


@pytest.mark.parametrize(
    ("value", "error", "words"),
    [
        (0, ValueError, "resolution=0 is out of range; allowed 1 to 4096 pixels"),
        (-5, ValueError, "resolution=-5"),
        (5000, ValueError, "resolution=5000"),
        (160.5, TypeError, "resolution must be a positive integer number of pixels; got 160.5"),
        (160.0, TypeError, "got 160.0"),
        ("160", TypeError, "got '160'"),
        (True, TypeError, "got True"),
    ],
)
def test_bad_resolution(value, error, words):
    with pytest.raises(error) as caught:
        costmodel.report(alpha=1.0, resolution=value)
    assert words in str(caught.value)


def test_floor_padding_needs_32_pixels():
    with pytest.raises(ValueError, match="allowed 32 to 4096 pixels with padding='floor'"):
        costmodel.report(resolution=31, padding="floor")


def test_rho_and_resolution_together():
    with pytest.raises(
        ValueError, match=r"give rho or resolution, not both; got rho=0\.5 and resolution=112"
    ):
        costmodel.report(rho=0.5, resolution=112)


@pytest.mark.parametrize("rho", [0, -1, math.nan, 0.001])
def test_bad_rho(rho):
    with pytest.raises(ValueError, match="rho="):
        costmodel.report(rho=rho)


@pytest.mark.parametrize(
    ("knob", "error", "words"),
    [
        ({"rounding": "ceil"}, ValueError, "rounding='ceil' is not allowed; choose one of 'keras', 'slim'"),
        ({"padding": "valid"}, ValueError, "padding='valid' is not allowed; choose one of 'same', 'floor', 'keras'"),
        ({"bn": "some"}, ValueError, "bn='some' is not allowed; choose one of 'none', 'trainable', 'all'"),
        ({"bn": 1}, TypeError, "bn must be a string"),
        ({"classes": 0}, ValueError, "classes=0 is out of range; allowed 1 to"),
        ({"classes": 10.0}, TypeError, "classes must be a positive integer; got 10.0"),
        ({"fc_bias": "yes"}, TypeError, "fc_bias must be True or False; got 'yes'"),
        ({"scale_first_layer": 1}, TypeError, "scale_first_layer must be True or False"),
        ({"width": 2}, TypeError, "unknown knob 'width'; the knobs are rounding, padding"),
    ],
)
def test_bad_knobs(knob, error, words):
    with pytest.raises(error) as caught:
        costmodel.report(**knob)
    assert words in str(caught.value)
    with pytest.raises(error):
        costmodel.evaluate(alpha=[0.5], resolution=[224], **knob)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"alpha": [0.5, -1.0], "resolution": 224}, ValueError, "alpha[1]=-1.0 is out of range"),
        ({"alpha": [0.5, np.nan], "resolution": 224}, ValueError, "alpha[1]=nan"),
        ({"alpha": [True], "resolution": 224}, TypeError, "alpha must be real numbers"),
        ({"alpha": ["a"], "resolution": 224}, TypeError, "alpha must be real numbers"),
        (
            {"alpha": 0.5, "resolution": [224, 160.5]},
            ValueError,
            "resolution[1]=160.5 is out of range; allowed whole pixels",
        ),
        ({"alpha": 0.5, "resolution": [0]}, ValueError, "resolution[0]=0 is out of range; allowed 1 to 4096"),
        (
            {"alpha": [0.5, 1.0], "resolution": [128, 160, 224]},
            ValueError,
            "do not broadcast; pass grid=True",
        ),
        ({"alpha": 0.5, "resolution": 224, "rho": 1.0}, ValueError, "give rho or resolution, not both"),
        ({"alpha": 0.5, "metrics": ["speed"]}, ValueError, "metric 'speed' is unknown; choose from weights"),
        ({"alpha": [0.02], "rounding": "keras"}, ValueError, "alpha >= 1/32 under keras rounding"),
    ],
)
def test_bad_evaluate_input(kwargs, error, words):
    with pytest.raises(error) as caught:
        costmodel.evaluate(**kwargs)
    assert words in str(caught.value)
