"""The Explorer's export section: the copied Python call and CLI line give the view's totals, the JSON table has
a totals row, model files come from the export command's code path within the dashboard's bounds, a missing
library names its extra; in the browser at 1400 and 800 px."""

import base64
import json
import shlex

import pytest
from app_testing import chromium, running_server, severe_console_entries
from costmodel.dashboard import explorer, explorer_export, ids
from independent_counter import costs

import costmodel
from costmodel.cli import main

VIEWS = [
    "?alpha=0.5&resolution=160",
    "?alpha=0.35&rho=0.857&rounding=keras&padding=keras&classes=1001&fc_bias=0",
    "?alpha=0.975&resolution=239&scale_first_layer=0&bn=all&dtype=int8&planner=inplace-depthwise&device=stm32f746",
    "?alpha=1.0&resolution=96&rounding=divisible8&padding=floor&input_channels=1&dtype=float16",
]


def _view_totals(search):
    return explorer.report_of(explorer.parse_query(search)[0]).totals


@pytest.mark.parametrize("search", VIEWS)
def test_the_copied_python_call_gives_the_views_totals(search):
    code = explorer_export.python_call(search)
    first, call = code.split("\n")
    assert first == "import costmodel" and call.startswith("costmodel.report(")
    assert "device" not in call  # the device picks a comparison, not a count
    assert eval(call, {"costmodel": costmodel}).totals == _view_totals(search)


@pytest.mark.parametrize("search", VIEWS)
def test_the_copied_cli_line_gives_the_views_totals(search, tmp_path):
    words = shlex.split(explorer_export.cli_line(search))
    assert words[:2] == ["mobilenet-cost", "report"]
    out = tmp_path / "r.json"
    assert main([*words[1:], "--format", "json", "-o", str(out)]) == 0
    totals = json.loads(out.read_text())["totals"]
    view = explorer.report_of(explorer.parse_query(search)[0])
    assert totals == json.loads(view.as_json())["totals"] and totals["macs"] == view.totals["macs"]


def test_every_non_default_knob_is_in_the_copied_code():
    search = VIEWS[1]
    assert explorer_export.cli_line(search) == (
        "mobilenet-cost report --alpha 0.35 --rho 0.857 --rounding keras --padding keras --classes 1001 --no-fc-bias"
    )
    assert explorer_export.python_call(search).endswith(
        'costmodel.report(alpha=0.35, rho=0.857, rounding="keras", padding="keras", classes=1001, fc_bias=False)'
    )
    assert explorer_export.cli_line("") == "mobilenet-cost report --alpha 1.0 --resolution 224"


def test_the_json_table_has_every_layer_and_a_totals_row():
    content, name = explorer_export.json_download("?alpha=0.5&resolution=160&rounding=keras")
    data = json.loads(content)
    *layers, total = data["layers"]
    assert name == "mobilenet_v1_0.5_160.json" and total["layer"] == "Total" and len(layers) == 1 + 13 * 2 + 2
    expected = costs(0.5, 160, rounding="keras")
    assert total["macs"] == sum(row["macs"] for row in layers) == expected["macs"]
    assert total["params"] == sum(row["params"] for row in layers) == expected["params"]
    assert data["convention"]["rounding"] == "keras" and data["totals"]["macs"] == expected["macs"]


def test_a_model_above_the_bounds_gets_the_export_command_instead():
    payload, message = explorer_export.model_download("torch", "?alpha=1.0&resolution=448")
    assert payload is None and "MACs" in message and f"{explorer_export.MODEL_MACS_LIMIT:,}" in message
    assert message.endswith(
        "Run: mobilenet-cost export --framework torch --alpha 1.0 --resolution 448 -o mobilenet_v1_1_448.pt"
    )
    payload, message = explorer_export.model_download("onnx", "?alpha=2&resolution=128")
    assert payload is None and "parameters; the dashboard builds models up to 12,000,000" in message
    assert explorer_export.model_download("onnx", "?alpha=0.5&resolution=160&rounding=smooth")[1].startswith(
        "rounding 'smooth' has no model"
    )
    assert "not allowed" in explorer_export.model_download("tflite", "")[1]


def test_a_missing_library_names_the_extra_that_installs_it(monkeypatch):
    monkeypatch.setattr(
        explorer_export, "missing_library", lambda fw: f"{fw} is not installed; pip install x"
    )
    assert explorer_export.model_download("keras", "") == (
        None,
        "Keras 3 (.keras): keras is not installed; pip install x",
    )
    from costmodel.latency.model_files import missing_library

    assert missing_library("keras", find=lambda name: None) == (
        "keras is not installed; pip install 'mobilenet-costmodel[frameworks]' installs it"
    )


@pytest.mark.slow
def test_the_onnx_download_is_the_views_network():
    import onnx

    payload, message = explorer_export.model_download("onnx", "?alpha=0.25&resolution=96&rounding=keras")
    model = onnx.load_from_string(base64.b64decode(payload["content"]))
    assert payload["filename"] == "mobilenet_v1_0.25_96.onnx" and message.startswith(
        "mobilenet_v1_0.25_96.onnx:"
    )
    side = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    assert side[-2:] == [96, 96]
    weights = sum(_size(t) for t in model.graph.initializer)
    conv_weights = costs(0.25, 96, rounding="keras")["params"]  # BN folded: one bias per conv channel on top
    assert weights >= conv_weights


def _size(tensor) -> int:
    size = 1
    for d in tensor.dims:
        size *= d
    return size


@pytest.mark.slow
@pytest.mark.parametrize("width", [1400, 800])
def test_export_section_in_the_browser(width, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    with running_server() as port, chromium(f"{width},1000") as browser:
        browser.get(f"http://127.0.0.1:{port}/explore?alpha=0.5&resolution=160&rounding=keras")
        WebDriverWait(browser, 30).until(
            lambda d: "--rounding keras" in d.find_element(By.ID, ids.EXPLORE_CLI_CODE).text
        )
        python = browser.find_element(By.ID, ids.EXPLORE_PYTHON_CODE).text
        assert 'costmodel.report(alpha=0.5, resolution=160, rounding="keras")' in python
        browser.find_element(By.ID, ids.EXPLORE_EXPORT_ONNX).click()
        WebDriverWait(browser, 60).until(
            lambda d: "mobilenet_v1_0.5_160.onnx:" in d.find_element(By.ID, ids.EXPLORE_EXPORT_STATUS).text
        )
        browser.get(f"http://127.0.0.1:{port}/explore?alpha=3&resolution=224")
        WebDriverWait(browser, 30).until(
            lambda d: "--alpha 3" in d.find_element(By.ID, ids.EXPLORE_CLI_CODE).text
        )
        browser.find_element(By.ID, ids.EXPLORE_EXPORT_TORCH).click()
        WebDriverWait(browser, 30).until(
            lambda d: (
                "mobilenet-cost export --framework torch"
                in d.find_element(By.ID, ids.EXPLORE_EXPORT_STATUS).text
            )
        )
        section = browser.find_element(By.CSS_SELECTOR, ".export-section")
        browser.execute_script("arguments[0].scrollIntoView()", section)
        browser.save_screenshot(f"/tmp/export-{width}.png")
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")  # fmt: skip
        assert overflow <= 0
        assert severe_console_entries(browser) == []
