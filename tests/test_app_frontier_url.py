"""The Frontier's settings travel in its URL: defaults stay out, bad values fall back with a message."""

from urllib.parse import parse_qsl

import pytest
from costmodel.dashboard import frontier
from costmodel.dashboard.frontier_url import (
    DEFAULT_CONTROLS,
    controls_from_query,
    next_budgets,
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
        budgets={**frontier.DEFAULT_BUDGETS, "latency_ms": "12.5", "params": "2M"},
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
    budgets, box = next_budgets(DESIGN + "&budget_macs=50", "macs", "many")
    assert budgets["macs"] == "50" and box == "many"  # the box keeps the typo, for its message
    assert "budget_macs=50" in query_with_controls(DESIGN + "&budget_macs=50", changed(budgets=budgets))
    assert query_with_controls(DESIGN, changed(budgets={"macs": "-3"})) == DESIGN
    budgets, _ = next_budgets(DESIGN + "&budget_macs=50", "macs", "")
    assert query_with_controls(DESIGN + "&budget_macs=50", changed(budgets=budgets)).endswith("&budget_macs=")


def test_each_axis_keeps_its_own_budget_and_unit():
    """Issue 17 item 3: 300 M MACs used to become 300 ms when the axis changed."""
    search = DESIGN + "&budget_params=2M"
    budgets, box = next_budgets(search, "latency_ms", "300M")  # the box still holds the MACs budget
    assert box == "" and budgets["macs"] == "300M" and budgets["latency_ms"] == ""
    budgets, box = next_budgets(search, "params", "300M")
    assert box == "2M"
    search = query_with_controls(search, changed(x="latency_ms", budgets=budgets))
    budgets, _ = next_budgets(search, "latency_ms", "20ms")
    search = query_with_controls(search, changed(x="latency_ms", budgets=budgets))
    controls, problems = controls_from_query(search)
    assert problems == [] and controls["budget"] == "20ms"
    assert controls["budgets"] == {**frontier.DEFAULT_BUDGETS, "params": "2M", "latency_ms": "20ms"}
    assert controls_from_query(search.replace("x=latency_ms", "x=params"))[0]["budget"] == "2M"


def test_an_older_links_budget_belongs_to_its_axis():
    controls, problems = controls_from_query("?x=params&budget=2")
    assert problems == [] and controls["budget"] == "2" and controls["budgets"]["macs"] == "300M"


def test_the_budget_box_takes_amounts_as_the_cli_does():
    for text, x, value in (("2M", "macs", 2e6), ("0.3G", "macs", 3e8), ("500k", "params", 5e5),
                           ("300", "macs", 3e8), ("20ms", "latency_ms", 20.0), ("1.5 s", "latency_ms", 1500.0)):  # fmt: skip
        assert frontier.parse_budget(text, x) == (value, ""), text
    assert frontier.parse_budget("2 parsecs", "macs")[1].startswith("budget: '2 parsecs' has an unknown unit")


@pytest.mark.parametrize(
    ("query", "control", "message"),
    [
        ("x=flops", "x", "x=flops is not an axis"),
        ("log=maybe", "log_x", "log=maybe is not allowed"),
        ("source=Netscope", "sources", "source=Netscope is not a source"),
        ("precision=int4", "precision", "precision=int4 is not a precision"),
        ("budget=-5", "budget", "budget_macs: '-5' is not allowed"),
        ("budget_latency_ms=soon", "budget", "budget_latency_ms: 'soon' must be a positive amount"),
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
        "Some URL parameters were not usable and were ignored (their defaults apply): "
    )
    assert problems_text([]) == ""


def test_an_unknown_source_among_good_ones_keeps_the_good_ones():
    controls, problems = controls_from_query("?source=paper&source=nope")
    assert controls["sources"] == ["paper"] and len(problems) == 1


def test_garbage_controls_still_give_a_valid_query():
    search = query_with_controls(DESIGN, {"x": 5, "log_x": "log", "sources": "paper", "precision": None,
                                          "budget": {"a": 1}, "budgets": {"macs": 3, "nope": "1"}, "latency": 3})  # fmt: skip
    controls, problems = controls_from_query(search)
    assert problems == [] and controls["x"] == "macs" and controls["sources"] == []
    assert set(frontier.sources()) >= set(DEFAULT_CONTROLS["sources"])
