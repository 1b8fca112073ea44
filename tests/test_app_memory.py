"""The Explorer's memory panel (issue 14): controls and URL parameters, the fits badge, buffer and roofline
charts; as plain functions and in headless Chromium."""

import pytest
from costmodel.dashboard import explorer, ids
from independent_counter import memory

from costmodel.reference.devices import builtin_device


def test_url_parameters_set_the_memory_knobs():
    state, errors = explorer.parse_query(
        "?alpha=0.25&resolution=96&dtype=int8&planner=inplace-depthwise&input_channels=1&device=stm32f746"
    )
    assert errors == {}
    assert (state["dtype"], state["planner"], state["input_channels"], state["device"]) == (
        "int8",
        "inplace-depthwise",
        "1",
        "stm32f746",
    )
    r = explorer.report_of(state)
    expected = memory(0.25, 96, dtype="int8", planner="inplace-depthwise", input_channels=1)
    assert r.totals["peak_activation_bytes"] == expected["peak_activation_bytes"]
    assert (
        explorer.to_query(state)
        == "?alpha=0.25&resolution=96&dtype=int8&input_channels=1&planner=inplace-depthwise&device=stm32f746"
    )


@pytest.mark.parametrize(("query", "field", "text"), [
    ("?dtype=int4", "dtype", "dtype: 'int4' is not allowed"),
    ("?planner=greedy", "planner", "planner: 'greedy' is not allowed"),
    ("?input_channels=0", "input_channels", "input_channels=0 is out of range"),
    ("?device=stm32", "device", "device: 'stm32' is unknown"),
])  # fmt: skip
def test_bad_memory_parameters_are_named_and_replaced(query, field, text):
    state, errors = explorer.parse_query(query)
    assert text in errors[field]
    assert state[field] == explorer.DEFAULTS[field]


def test_a_bad_typed_value_shows_a_message_next_to_the_memory_controls_and_keeps_the_view():
    values = {**explorer.controls_of(explorer.parse_query("")[0]), "input_channels": "0"}
    u = explorer.update(ids.EXPLORE_INPUT_CHANNELS, values, "?alpha=0.5")
    assert u.report is None and u.search is None
    assert "input_channels=0 is out of range" in u.errors["memory"]


def test_memory_view_badge_and_roofline():
    r = explorer.report_of(explorer.parse_query("?alpha=1.0&resolution=224&dtype=int8")[0])
    small = explorer.memory_view(r, "nrf52840")
    assert small["badge"] == "does not fit nRF52840" and small["roofline"] is None
    assert "no a peak" not in small["roofline_note"] and "roofline needs both" in small["roofline_note"]
    gpu = explorer.memory_view(explorer.report_of(explorer.parse_query("?dtype=float16")[0]), "jetson_nano")
    assert gpu["badge"] == f"fits {builtin_device('jetson_nano').name}"
    assert gpu["roofline"] is not None and "roofline latency bound" in gpu["roofline_note"]


@pytest.mark.slow
def test_explorer_memory_panel_in_a_browser():
    from app_testing import chromium, running_server, severe_console_entries
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def wait_for_text(driver, selector, expected):
        WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda d: any(expected in e.text for e in d.find_elements(By.CSS_SELECTOR, selector)),
            message=f"{selector} never showed {expected!r}",
        )

    expected = memory(0.25, 96, dtype="int8")
    with running_server() as port, chromium() as browser:
        browser.get(f"http://127.0.0.1:{port}/explore?alpha=0.25&resolution=96&dtype=int8&device=stm32f746")
        wait_for_text(browser, "#card-ram .card-value", f"{expected['peak_activation_bytes']:,} B")
        wait_for_text(browser, "#memory-badge", "fits STM32F746NG")
        assert f"{expected['weight_bytes']:,} B" in browser.find_element(By.CSS_SELECTOR, "#card-flash").text
        assert browser.find_elements(By.CSS_SELECTOR, f"#{ids.EXPLORE_BUFFER_GRAPH} .barlayer .point")
        browser.execute_script(
            "arguments[0].scrollIntoView();", browser.find_element(By.ID, ids.EXPLORE_MEMORY)
        )
        browser.save_screenshot("/tmp/memory_explorer.png")
        browser.get(
            f"http://127.0.0.1:{port}/explore?alpha=1.0&resolution=224&dtype=float16&device=jetson_nano"
        )
        wait_for_text(browser, f"#{ids.EXPLORE_ROOFLINE_NOTE}", "roofline latency bound")
        WebDriverWait(browser, 30).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, f"#{ids.EXPLORE_ROOFLINE_GRAPH} .scatterlayer .point")
        )
        graph = browser.find_element(By.ID, ids.EXPLORE_ROOFLINE_GRAPH)
        browser.execute_script("arguments[0].scrollIntoView();", graph)
        browser.save_screenshot("/tmp/memory_roofline.png")
        browser.get(f"http://127.0.0.1:{port}/explore?alpha=1.0&resolution=224&dtype=int8&device=nrf52840")
        wait_for_text(browser, "#memory-badge", "does not fit nRF52840")
        assert severe_console_entries(browser) == []


def test_frontier_has_ram_and_flash_axes_and_device_presets():
    from costmodel.dashboard import frontier

    points = frontier.frontier_points()
    row = points[(points.model == "MobileNet_v1_0.25_128_quant")].iloc[0]
    expected = memory(0.25, 128, dtype="int8")
    assert (int(row.peak_activation_bytes), int(row.flash_bytes)) == (
        expected["peak_activation_bytes"],
        expected["weight_bytes"],
    )
    float_row = points[(points.model == "MobileNet_v1_0.25_128") & (points.dtype == "float")].iloc[0]
    assert int(float_row.peak_activation_bytes) == memory(0.25, 128)["peak_activation_bytes"]
    assert frontier.parse_budget("stm32f746", "peak_activation_bytes") == (327680.0, "")
    assert frontier.parse_budget("1MiB", "flash_bytes") == (1048576.0, "")
    assert "unknown unit 'kilo'" in frontier.parse_budget("320 kilo", "flash_bytes")[1]
    view = frontier.frontier_view("", "peak_activation_bytes", [], frontier.sources(), ["quant"], "nrf52840")
    best = view.points[view.points.peak_activation_bytes.astype(float) <= 262144].top1_pct.max()
    assert f"top-1 {best:.1f} %" in view.best_text
    assert view.figure.layout.xaxis.title.text == "peak activation RAM (bytes)"


def test_user_devices_are_offered_by_the_explorer_and_the_frontier(tmp_path, monkeypatch):
    from costmodel.dashboard import frontier

    from costmodel.latency.store import LatencyStore

    monkeypatch.setenv("MOBILENET_COST_DB", str(tmp_path / "devices.sqlite3"))
    assert "myboard" not in explorer.device_choices()
    assert "device: 'myboard' is unknown" in explorer.parse_query("?device=myboard")[1]["device"]
    LatencyStore().add_device(
        {"device": "myboard", "ram_bytes": 200_000, "flash_bytes": 512_000, "source": "rev 2"}
    )
    assert explorer.device_choices()[-1] == "myboard"  # read again: no restart needed
    assert {"label": "myboard (yours)", "value": "myboard"} in explorer.device_options()
    assert {"label": "stm32f746", "value": "stm32f746"} in explorer.device_options()
    state, errors = explorer.parse_query("?alpha=0.25&resolution=96&dtype=int8&device=myboard")
    assert errors == {} and state["device"] == "myboard"
    r = explorer.report_of(state)
    expected = memory(0.25, 96, dtype="int8")
    view = explorer.memory_view(r, "myboard")
    fits = expected["peak_activation_bytes"] <= 200_000 and expected["weight_bytes"] <= 512_000
    assert fits and view["badge"] == "fits myboard"
    assert [line["y0"] for line in view["buffers"]["layout"]["shapes"]] == [200_000]
    big = explorer.memory_view(
        explorer.report_of(explorer.parse_query("?alpha=1.0&dtype=int8")[0]), "myboard"
    )
    assert big["badge"] == "does not fit myboard" and big["roofline"] is None
    assert frontier.parse_budget("myboard", "peak_activation_bytes") == (200_000.0, "")
    assert frontier.parse_budget("myboard", "flash_bytes") == (512_000.0, "")
    assert frontier.preset_devices()[-1] == "myboard"
    assert "or type a device key" in frontier.parse_budget("yourboard", "flash_bytes")[1]


def test_an_unreadable_database_leaves_the_built_in_devices(tmp_path, monkeypatch):
    (tmp_path / "not-a-db").write_text("hello")
    monkeypatch.setenv("MOBILENET_COST_DB", str(tmp_path / "not-a-db"))
    assert explorer.stored_devices() == {}
    assert "stm32f746" in explorer.device_choices()


@pytest.mark.slow
def test_device_form_on_the_latency_page(tmp_path):
    from app_testing import chromium, running_server, severe_console_entries
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    db = tmp_path / "devices.sqlite3"
    with running_server(env={"MOBILENET_COST_DB": str(db)}) as port, chromium() as browser:
        browser.get(f"http://127.0.0.1:{port}/latency")
        WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, ids.DEVICE_ADD))
        for element, text in (
            (ids.DEVICE_KEY, "myboard"),
            (ids.DEVICE_RAM, "320 kilo"),
            (ids.DEVICE_SOURCE, "rev 2"),
            (ids.DEVICE_PEAK_FLOAT32, "2G"),
            (ids.DEVICE_BANDWIDTH, "400M"),
        ):
            browser.find_element(By.ID, element).send_keys(text)
        browser.find_element(By.ID, ids.DEVICE_ADD).click()
        WebDriverWait(browser, 30).until(
            lambda d: "unknown unit 'kilo'" in d.find_element(By.ID, ids.DEVICE_ERROR).text
        )
        from selenium.webdriver.common.keys import Keys

        browser.find_element(By.ID, ids.DEVICE_RAM).send_keys(Keys.CONTROL, "a")
        browser.find_element(By.ID, ids.DEVICE_RAM).send_keys("256KiB")
        browser.find_element(By.ID, ids.DEVICE_ADD).click()
        try:
            WebDriverWait(browser, 30).until(
                lambda d: "Stored device 'myboard'" in d.find_element(By.ID, ids.DEVICE_MESSAGE).text
            )
        finally:
            browser.save_screenshot("/tmp/memory_device_form.png")
        listed = browser.find_element(By.ID, ids.DEVICE_LIST).text
        assert "myboard: RAM 262,144 B, float32 peak 2e+09 MAC/s, bandwidth 4e+08 B/s (rev 2)" in listed
        browser.execute_script("arguments[0].scrollIntoView();", browser.find_element(By.ID, ids.DEVICE_ADD))
        browser.save_screenshot("/tmp/memory_device_form.png")
        assert severe_console_entries(browser) == []
        # the next Explorer and Frontier pages offer it: the fits badge, the RAM line and the budget preset
        expected = memory(0.25, 96, dtype="int8")
        for width in (1400, 800):
            browser.set_window_size(width, 1000)
            browser.get(f"http://127.0.0.1:{port}/explore?alpha=0.25&resolution=96&dtype=int8&device=myboard")
            WebDriverWait(browser, 30).until(
                lambda d: "fits myboard" in d.find_element(By.ID, "memory-badge").text
            )
            WebDriverWait(browser, 30).until(
                lambda d: "device RAM 262,144 B" in d.find_element(By.ID, ids.EXPLORE_BUFFER_GRAPH).text
            )
            assert "myboard (yours)" in browser.find_element(By.ID, ids.EXPLORE_DEVICE).text
            browser.execute_script(
                "arguments[0].scrollIntoView();", browser.find_element(By.ID, ids.EXPLORE_MEMORY)
            )
            browser.save_screenshot(f"/tmp/memory_user_device_{width}.png")
        assert expected["peak_activation_bytes"] <= 262_144
        browser.set_window_size(1400, 1000)
        browser.get(
            f"http://127.0.0.1:{port}/frontier?x=peak_activation_bytes&precision=quant&budget=myboard"
        )
        WebDriverWait(browser, 30).until(lambda d: "top-1" in d.find_element(By.ID, ids.FRONTIER_BEST).text)
        assert "myboard" in browser.find_element(By.ID, ids.FRONTIER_BUDGET).get_attribute("value")
        assert "myboard" in browser.page_source  # the budget hint lists it
        browser.save_screenshot("/tmp/memory_user_device_frontier.png")
        browser.get(f"http://127.0.0.1:{port}/explore?alpha=0.25&device=yourboard")
        WebDriverWait(browser, 30).until(
            lambda d: "device: 'yourboard' is unknown" in d.find_element(By.ID, ids.EXPLORE_MEMORY_ERROR).text
        )
        assert severe_console_entries(browser) == []
    from costmodel.latency.store import LatencyStore

    assert [d.device for d in LatencyStore(db).devices()] == ["myboard"]
