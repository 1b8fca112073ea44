"""The Frontier's settings travel in its URL: defaults stay out, bad values fall back with a message."""

from urllib.parse import parse_qsl

import pytest
from costmodel.dashboard import frontier
from costmodel.dashboard.frontier_url import (
    DEFAULT_CONTROLS,
    controls_from_query,
    problems_text,
    query_with_controls,
)

DESIGN = "?alpha=0.5&resolution=160&rounding=keras"


def changed(**values):
    return {**DEFAULT_CONTROLS, **values}


def test_defaults_add_nothing_to_the_design_point():
    assert query_with_controls(DESIGN, changed()) == DESIGN
    assert query_with_controls("", changed()) == ""
    assert controls_from_query(DESIGN) == (dict(DEFAULT_CONTROLS), [])


def test_every_setting_survives_the_round_trip():
    controls = changed(
        x="latency_ms",
        log_x=[],
        sources=["TF Lite hosted, Pixel 2", "paper"],  # a comma inside a source name
        precision=["quant", "float"],
        budget="12.5",
        latency="predicted:my phone",
    )
    search = query_with_controls(DESIGN, controls)
    assert search.startswith(DESIGN + "&")
    back, problems = controls_from_query(search, ["published", "predicted:my phone"])
    assert problems == []
    assert back == {
        **controls,
        "sources": ["paper", "TF Lite hosted, Pixel 2"],  # the page's order, not the click order
        "precision": ["float", "quant"],
    }


def test_the_design_point_part_is_kept_as_it_was():
    search = query_with_controls("?rho=0.714&alpha=0.75&x=params", changed(x="macs"))
    assert search == "?rho=0.714&alpha=0.75"


def test_nothing_chosen_is_written_as_an_empty_value():
    search = query_with_controls(DESIGN, changed(sources=[], precision=[]))
    assert ("source", "") in parse_qsl(search.lstrip("?"), keep_blank_values=True)
    back, problems = controls_from_query(search)
    assert back["sources"] == [] and back["precision"] == [] and problems == []


def test_a_bad_typed_budget_keeps_the_urls_budget():
    assert (
        dict(parse_qsl(query_with_controls(DESIGN + "&budget=50", changed(budget="many")).lstrip("?")))[
            "budget"
        ]
        == "50"
    )
    assert "budget" not in query_with_controls(DESIGN, changed(budget="-3"))
    assert query_with_controls(DESIGN + "&budget=50", changed(budget="")).endswith("&budget=")


@pytest.mark.parametrize(
    ("query", "control", "message"),
    [
        ("x=flops", "x", "x=flops is not an axis"),
        ("log=maybe", "log_x", "log=maybe is not allowed"),
        ("source=Netscope", "sources", "source=Netscope is not a source"),
        ("precision=int4", "precision", "precision=int4 is not a precision"),
        ("budget=-5", "budget", "budget: '-5' is not allowed"),
        ("latency=measured:gone", "latency", "latency=measured:gone is not offered"),
    ],
)
def test_bad_url_values_fall_back_to_the_default_and_say_so(query, control, message):
    controls, problems = controls_from_query(f"{DESIGN}&{query}")
    assert controls[control] == DEFAULT_CONTROLS[control]
    assert len(problems) == 1 and problems[0].startswith(message)


def test_bad_design_point_values_are_named_as_the_explorer_names_them():
    controls, problems = controls_from_query("?alpha=abc&resolution=160&colour=red&x=params")
    assert controls["x"] == "params"  # the Frontier's own keys are not "unknown" to the design point
    assert problems[0] == "alpha: 'abc' is not a number"
    assert problems[1].startswith("unknown URL parameter(s) 'colour' ignored")
    assert problems_text(problems).startswith(
        "Some URL parameters were not usable and were replaced by defaults: "
    )
    assert problems_text([]) == ""


def test_an_unknown_source_among_good_ones_keeps_the_good_ones():
    controls, problems = controls_from_query("?source=paper&source=nope")
    assert controls["sources"] == ["paper"] and len(problems) == 1


def test_garbage_controls_still_give_a_valid_query():
    search = query_with_controls(DESIGN, {"x": 5, "log_x": "log", "sources": "paper", "precision": None,
                                          "budget": {"a": 1}, "latency": 3})  # fmt: skip
    controls, problems = controls_from_query(search)
    assert problems == [] and controls["x"] == "macs" and controls["sources"] == []
    assert set(frontier.sources()) >= set(DEFAULT_CONTROLS["sources"])
