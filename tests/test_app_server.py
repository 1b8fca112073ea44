"""Serving: the gunicorn server, its options, the root redirect, and malformed callback requests."""

import base64
import http.client
import json

import pytest
from app_testing import dependencies, request, running_server
from costmodel.dashboard import explorer, ids
from costmodel.dashboard.server import exposure_warning, gunicorn_options, is_loopback

from costmodel.cli import main


@pytest.fixture(scope="module")
def port():
    with running_server() as server_port:
        yield server_port


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True), ("0.0.0.0", False),
     ("192.168.1.5", False), ("::", False), ("example.org", False)],
)  # fmt: skip
def test_loopback_detection_and_warning(host, loopback):
    assert is_loopback(host) is loopback
    warning = exposure_warning(host)
    assert (warning is None) is loopback
    if warning:
        assert host in warning and "WARNING" in warning and "127.0.0.1" in warning


def test_gunicorn_options():
    options = gunicorn_options("127.0.0.1", 8050, 3)
    assert options["bind"] == "127.0.0.1:8050" and options["workers"] == 3 and options["preload_app"]
    assert gunicorn_options("::1", 8051, 1)["bind"] == "[::1]:8051"


@pytest.mark.parametrize(
    "argv", [["serve", "--port", "0"], ["serve", "--port", "70000"], ["serve", "--workers", "0"]]
)
def test_serve_rejects_bad_options(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "out of range" in err


def test_serve_on_a_busy_port_is_one_line_before_any_announcement(capsys):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        assert main(["serve", "--port", str(taken)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert f"127.0.0.1:{taken} is already in use" in captured.err and "Serving" not in captured.err


def test_serve_help_has_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    assert "Example: mobilenet-cost serve" in out and "--host" in out and "--workers" in out


def test_pages_are_served(port):
    for path in ("/explore", "/explore?alpha=0.5&rho=0.714"):
        status, body = request("GET", port, path)
        assert status == 200 and b"dash_renderer" in body


COMPONENT_FILES = (
    "dash/deps/react-dom@18.3.1.min.js",
    "dash/dash-renderer/build/dash_renderer.min.js",
    "dash/dcc/async-graph.js",
    "dash/dcc/async-upload.js",
    "plotly/package_data/plotly.min.js",
)


@pytest.mark.slow
def test_every_worker_serves_the_component_files_from_its_first_request():
    """Dash registers the files it serves while setting up on a process's first request: a worker's first
    requests, arriving together (a browser loads a page's scripts at once), answered 404 to scripts that
    were not registered yet, and the page stayed blank."""
    from concurrent.futures import ThreadPoolExecutor

    paths = [f"/_dash-component-suites/{path}" for path in COMPONENT_FILES] * 8
    with running_server(workers=2) as two_workers, ThreadPoolExecutor(max_workers=len(paths)) as pool:
        statuses = list(pool.map(lambda path: request("GET", two_workers, path)[0], paths))
    assert statuses == [200] * len(paths), dict(zip(paths, statuses, strict=True))


@pytest.mark.slow
def test_the_served_app_is_warm_and_frozen_out_of_the_garbage_collector():
    """gunicorn forks its workers from the warmed app; a full collection over its caches paused requests."""
    import subprocess
    import sys

    script = (
        "import gc; from costmodel.dashboard.server import wsgi_server; "
        "before = gc.get_freeze_count(); server = wsgi_server(); "
        "print(before, gc.get_freeze_count(), type(server).__name__, gc.get_count()[2])"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    before, frozen, kind, oldest = out.split()
    assert (int(before), kind, int(oldest)) == (0, "Flask", 0) and int(frozen) > 100_000


def test_root_redirects_to_the_explorer_with_its_query(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/?alpha=0.5&rho=0.714")
    response = connection.getresponse()
    assert response.status == 302
    assert response.getheader("Location").endswith("/explore?alpha=0.5&rho=0.714")
    connection.close()


def _explorer_spec(port):
    return next(d for d in dependencies(port) if d["output"].startswith(f"..{ids.EXPLORE_URL}.search..."))


def _payload(spec, values, changed):
    outputs = [
        dict(zip(("id", "property"), o.rsplit(".", 1), strict=True))
        for o in spec["output"].strip(".").split("...")
    ]
    return {
        "output": spec["output"],
        "outputs": outputs,
        "inputs": [{**i, "value": values.get(i["id"])} for i in spec["inputs"]],
        "changedPropIds": [changed],
    }


def test_a_well_formed_update(port):
    spec = _explorer_spec(port)
    values = {
        ids.EXPLORE_URL: "",
        ids.EXPLORE_ALPHA_SLIDER: 0.5,
        ids.EXPLORE_ALPHA_INPUT: "1.0",
        ids.EXPLORE_SIDE_MODE: "rho",
        ids.EXPLORE_SIDE_INPUT: "0.714",
        ids.EXPLORE_ROUNDING: "slim",
        ids.EXPLORE_PADDING: "same",
        ids.EXPLORE_BN: "none",
        ids.EXPLORE_CLASSES: "1000",
        ids.EXPLORE_FLAGS: ["scale_first_layer", "fc_bias"],
        ids.EXPLORE_DTYPE: "float32",
        ids.EXPLORE_INPUT_CHANNELS: "3",
        ids.EXPLORE_PLANNER: "chain",
        ids.EXPLORE_DEVICE: None,
    }
    status, body = request(
        "POST",
        port,
        "/_dash-update-component",
        json.dumps(_payload(spec, values, f"{ids.EXPLORE_ALPHA_SLIDER}.value")).encode(),
    )
    assert status == 200
    response = json.loads(body)["response"]
    assert response[ids.EXPLORE_URL]["search"] == "?alpha=0.5&rho=0.714"
    cards = json.dumps(response[ids.EXPLORE_CARDS]["children"])
    assert "76,524,800" in cards


MALFORMED_BODIES = [
    b"",
    b"not json at all",
    b"{",
    b"[]",
    b"null",
    b'{"output": 5}',
    b'{"output": "explore-url.search", "outputs": {"id": "explore-url", "property": "search"}}',
    b'{"output": "nope.children", "outputs": {"id": "nope", "property": "children"}, "inputs": [], "changedPropIds": []}',
    b"\xff\xfe\x00garbage",
]


@pytest.mark.parametrize("body", MALFORMED_BODIES)
def test_malformed_callback_bodies_get_a_client_error(port, body):
    status, _ = request("POST", port, "/_dash-update-component", body)
    assert 400 <= status < 500


@pytest.mark.parametrize(
    "values",
    [
        {ids.EXPLORE_ALPHA_SLIDER: "abc"},
        {ids.EXPLORE_ALPHA_SLIDER: None, ids.EXPLORE_ALPHA_INPUT: {"x": 1}},
        {ids.EXPLORE_ALPHA_INPUT: "1e400"},
        {ids.EXPLORE_SIDE_MODE: 5, ids.EXPLORE_SIDE_INPUT: [1, 2]},
        {ids.EXPLORE_FLAGS: "scale_first_layer", ids.EXPLORE_CLASSES: "9" * 50},
        {ids.EXPLORE_URL: "?alpha=%ff%fe&rho=nan&resolution=-3&&&="},
    ],
)
def test_garbage_control_values_get_a_handled_answer(port, values):
    spec = _explorer_spec(port)
    body = json.dumps(_payload(spec, values, f"{next(iter(values))}.value")).encode()
    status, answer = request("POST", port, "/_dash-update-component", body)
    assert status in (200, 204) or 400 <= status < 500
    if status == 200:  # a handled answer: any new URL it sets is a valid design point
        search = json.loads(answer)["response"].get(ids.EXPLORE_URL, {}).get("search")
        assert search is None or explorer.parse_query(search)[1] == {}
    # and the server still answers a good request afterwards
    assert request("GET", port, "/_dash-layout")[0] == 200


@pytest.mark.parametrize(
    ("button", "magic"), [(ids.FRONTIER_DOWNLOAD_PNG, b"\x89PNG"), (ids.FRONTIER_DOWNLOAD_SVG, b"<svg")]
)
def test_frontier_figure_downloads_through_kaleido(port, button, magic):
    spec = next(d for d in dependencies(port) if d["output"].startswith(f"..{ids.FRONTIER_DOWNLOAD}.data"))
    values = {
        ids.FRONTIER_URL: "?alpha=0.5&resolution=160",
        ids.FRONTIER_X_METRIC: "macs",
        ids.FRONTIER_LOG_X: ["log"],
        ids.FRONTIER_SOURCES: ["paper"],
        ids.FRONTIER_PRECISION: ["float"],
        ids.FRONTIER_BUDGET: "300",
        ids.FRONTIER_LATENCY_SOURCE: "published",
        button: 1,
    }
    outputs = [
        dict(zip(("id", "property"), o.rsplit(".", 1), strict=True))
        for o in spec["output"].strip(".").split("...")
    ]
    body = {
        "output": spec["output"],
        "outputs": outputs,
        "inputs": [{**i, "value": values.get(i["id"])} for i in spec["inputs"]],
        "state": [{**s, "value": values[s["id"]]} for s in spec["state"]],
        "changedPropIds": [f"{button}.n_clicks"],
    }
    status, answer = request("POST", port, "/_dash-update-component", json.dumps(body).encode())
    assert status == 200
    response = json.loads(answer)["response"]
    assert response[ids.FRONTIER_DOWNLOAD_ERROR]["children"] == ""
    data = response[ids.FRONTIER_DOWNLOAD]["data"]
    assert magic in base64.b64decode(data["content"])[:400]
    assert data["filename"].startswith("mobilenet_v1_frontier.")


@pytest.mark.parametrize(("button", "filename", "marker"), [
    (ids.EXPLORE_DOWNLOAD_CSV, "mobilenet_v1_0.5_160.csv", "layer,kind,block"),
    (ids.EXPLORE_DOWNLOAD_LATEX, "mobilenet_v1_0.5_160.tex", "\\begin{tabular}"),
])  # fmt: skip
def test_explorer_table_downloads(port, button, filename, marker):
    spec = next(d for d in dependencies(port) if d["output"] == f"{ids.EXPLORE_DOWNLOAD}.data")
    body = {
        "output": spec["output"],
        "outputs": {"id": ids.EXPLORE_DOWNLOAD, "property": "data"},
        "inputs": [{**i, "value": 1 if i["id"] == button else None} for i in spec["inputs"]],
        "state": [{**s, "value": "?alpha=0.5&rho=0.714"} for s in spec["state"]],
        "changedPropIds": [f"{button}.n_clicks"],
    }
    status, answer = request("POST", port, "/_dash-update-component", json.dumps(body).encode())
    assert status == 200
    data = json.loads(answer)["response"][ids.EXPLORE_DOWNLOAD]["data"]
    assert data["filename"] == filename and marker in data["content"]
