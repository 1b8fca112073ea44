"""Hostile URLs against the real gunicorn server: refused at once, while a normal page keeps rendering.

Each URL below once held a sync worker for its whole timeout (a ten-million-digit integer or Decimal built
from the typed text); four such tabs starved every other user.
"""

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from app_testing import dependencies, free_port, request, server_process
from costmodel.dashboard import ids

HOSTILE_EXPLORE = [
    "?resolution=1e10000000",
    "?classes=1e10000000",
    "?alpha=0.5&resolution=1e999999",
    "?rho=1e10000000",
    "?alpha=" + "9" * 100_000,
]
HOSTILE_FRONTIER = ["?budget=1e10000000", "?alpha=0.5&resolution=1e999999&budget=1e999999"]


def _url_callback(port, url_id: str, search: str) -> dict:
    """The response of the page callback whose first output is ``url_id.search``, fired by the URL."""
    spec = next(d for d in dependencies(port) if d["output"].startswith(f"..{url_id}.search..."))
    outputs = [
        dict(zip(("id", "property"), o.rsplit(".", 1), strict=True)) for o in spec["output"].strip(".").split("...")
    ]
    body = {
        "output": spec["output"],
        "outputs": outputs,
        "inputs": [{**i, "value": search if i["id"] == url_id else None} for i in spec["inputs"]],
        "changedPropIds": [f"{url_id}.search"],
    }
    status, answer = request("POST", port, "/_dash-update-component", json.dumps(body).encode())
    assert status == 200, answer[:300]
    return json.loads(answer)["response"]


def _normal_explorer(port) -> float:
    start = time.monotonic()
    response = _url_callback(port, ids.EXPLORE_URL, "?alpha=0.5&rho=0.714")
    assert "76,524,800" in json.dumps(response[ids.EXPLORE_CARDS]["children"])
    return time.monotonic() - start


@pytest.mark.slow
def test_hostile_urls_in_parallel_with_a_normal_page():
    port = free_port()
    with server_process(port, workers=1) as process:
        _normal_explorer(port)  # warm
        with ThreadPoolExecutor(max_workers=len(HOSTILE_EXPLORE) + len(HOSTILE_FRONTIER) + 1) as pool:
            hostile = [pool.submit(_url_callback, port, ids.EXPLORE_URL, q) for q in HOSTILE_EXPLORE]
            hostile += [pool.submit(_url_callback, port, ids.FRONTIER_URL, q) for q in HOSTILE_FRONTIER]
            normal = pool.submit(_normal_explorer, port)
            # Promptly: far below gunicorn's 30 s worker timeout that each hostile URL used to reach.
            assert normal.result(timeout=60) < 10
            answers = [json.dumps(future.result(timeout=60)) for future in hostile]
    for query, answer in zip(HOSTILE_EXPLORE + HOSTILE_FRONTIER, answers, strict=True):
        assert "too large" in answer or "too long" in answer, query
        assert "9" * 1000 not in answer  # the refused value is shortened in the message
    process.wait(timeout=30)
    log = process.log()
    assert "WORKER TIMEOUT" not in log and "Traceback" not in log, log[-2000:]


@pytest.mark.slow
def test_slow_clients_do_not_block_a_normal_page():
    """Clients that send half a request and stall hold a thread each, not the server (gthread workers)."""
    import socket

    port = free_port()
    with server_process(port, workers=1) as process:
        _normal_explorer(port)
        stalled = []
        for _ in range(6):
            client = socket.create_connection(("127.0.0.1", port))
            client.sendall(b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{")
            stalled.append(client)
        try:
            assert _normal_explorer(port) < 10
        finally:
            for client in stalled:
                client.close()
    process.wait(timeout=30)
    assert "WORKER TIMEOUT" not in process.log()


@pytest.mark.slow
def test_oversized_bodies_and_headers_are_refused():
    port = free_port()
    with server_process(port, workers=1):
        import socket

        with socket.create_connection(("127.0.0.1", port), timeout=30) as client:  # refused before it is read
            client.sendall(b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           + f"Content-Length: {33 * 2**20}\r\n\r\n".encode() + b"{" * 1000)  # fmt: skip
            assert client.recv(200).split(b" ")[1] == b"413"
        status, _ = request("GET", port, "/explore?" + "a" * 9000)
        assert status in (400, 414)
