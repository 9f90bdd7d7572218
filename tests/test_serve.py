"""`annotarium serve`: what it serves, what it refuses, and the rebuild loop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path

import pytest

from annotarium.serve import SiteState, _Server, inject_reload, make_handler, resolve_request_path


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "articles" / "a").mkdir(parents=True)
    (root / "index.html").write_text("<html><body><h1>Home</h1></body></html>",
                                     encoding="utf-8")
    (root / "articles" / "a" / "index.html").write_text("<html><body>A</body></html>",
                                                        encoding="utf-8")
    (root / "404.html").write_text("<html><body>Not here</body></html>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("top secret", encoding="utf-8")
    (root / "escape").symlink_to(tmp_path / "secret.txt")
    return root


@pytest.fixture
def server(site_root: Path) -> Iterator[tuple[str, int, SiteState]]:
    state = SiteState(site_root)
    httpd = _Server(("127.0.0.1", 0), make_handler(state))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", httpd.server_address[1], state
    httpd.shutdown()
    httpd.server_close()


def raw_get(host: str, port: int, path: str) -> tuple[int, bytes]:
    connection = HTTPConnection(host, port, timeout=10)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


@pytest.mark.parametrize("attempt", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%252e%252e/secret.txt", "/articles/../../secret.txt",
    "/..%2fsecret.txt", "/..\\secret.txt", "/%5c..%5csecret.txt", "//etc/passwd", "/escape",
    "/%00index.html", "/articles/%2e%2e/%2e%2e/secret.txt",
])
def test_nothing_outside_the_site_is_served(server: tuple[str, int, SiteState],
                                            attempt: str) -> None:
    host, port, _ = server
    status, body = raw_get(host, port, attempt)
    assert b"top secret" not in body
    assert status == 404


def test_resolve_request_path_keeps_inside(site_root: Path) -> None:
    assert resolve_request_path(site_root, "/") == (site_root / "index.html").resolve()
    assert resolve_request_path(site_root, "/articles/a/") == \
        (site_root / "articles" / "a" / "index.html").resolve()
    assert resolve_request_path(site_root, "/../x") is None
    assert resolve_request_path(site_root, "/escape") is None


def test_pages_get_the_reload_script_and_404s_the_404_page(
        server: tuple[str, int, SiteState]) -> None:
    host, port, _ = server
    status, body = raw_get(host, port, "/articles/a/")
    assert status == 200 and b"/__annotarium__/events" in body
    assert body.index(b"<script>") < body.index(b"</body>")
    status, body = raw_get(host, port, "/missing/")
    assert status == 404 and b"Not here" in body


def test_events_wait_for_the_next_build(server: tuple[str, int, SiteState],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    host, port, state = server
    waiting = threading.Event()
    original_wait = state.wait

    def wait(since: int, timeout: float) -> tuple[int, list[str]]:
        waiting.set()
        return original_wait(since, timeout)

    monkeypatch.setattr(state, "wait", wait)
    replies: list[tuple[int, bytes]] = []
    client = threading.Thread(
        target=lambda: replies.append(raw_get(host, port, "/__annotarium__/events?since=0")))
    client.start()
    assert waiting.wait(10), "the events request never reached the server"
    client.join(0.3)  # event-driven, not timed: the request is parked until a build publishes
    assert client.is_alive() and not replies, "the events request answered before any build"
    state.publish(None, ["a.yaml:1:1: error: broken"])
    client.join(10)
    assert replies and replies[0][0] == 200
    assert json.loads(replies[0][1]) == {"generation": 1, "errors": ["a.yaml:1:1: error: broken"]}


def test_concurrent_requests(server: tuple[str, int, SiteState]) -> None:
    host, port, _ = server
    failures: list[str] = []

    def client() -> None:
        for _ in range(40):
            status, _body = raw_get(host, port, "/index.html")
            if status != 200:
                failures.append(str(status))

    threads = [threading.Thread(target=client) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not failures


def test_inject_without_body_tag_appends() -> None:
    assert inject_reload(b"<p>x", 3).startswith(b"<p>x<script>")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_for(predicate, seconds: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
def test_serve_rebuilds_shows_errors_and_stops_cleanly(sample_archive: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "annotarium", "serve", "--source", str(sample_archive),
         "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        assert _wait_for(lambda: _ready(base)), "the server did not start"
        status, page = _get(base + "/articles/planet/")
        assert status == 200 and b"officials said" in page
        state = json.loads(_get(base + "/__annotarium__/events?since=-1")[1])
        generation = state["generation"]

        notes = sample_archive / "content" / "articles" / "planet.yaml"
        notes.write_text(notes.read_text(encoding="utf-8").replace(
            "The talks had paused for a month.", "Paused for five weeks."), encoding="utf-8")
        state = json.loads(_get(f"{base}/__annotarium__/events?since={generation}")[1])
        assert state["generation"] > generation and state["errors"] == []
        assert b"Paused for five weeks." in _get(base + "/articles/planet/")[1]

        topics = sample_archive / "content" / "topics.yaml"
        good = topics.read_text(encoding="utf-8")
        topics.write_text("talks:\n  name: Talks\n", encoding="utf-8")
        generation = state["generation"]
        state = json.loads(_get(f"{base}/__annotarium__/events?since={generation}")[1])
        assert any("missing 'description'" in e for e in state["errors"])
        assert _get(base + "/articles/planet/")[0] == 200  # the last good site stays up

        topics.write_text(good, encoding="utf-8")
        generation = state["generation"]
        state = json.loads(_get(f"{base}/__annotarium__/events?since={generation}")[1])
        assert state["errors"] == []
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "Traceback" not in output
    assert "serving on http://127.0.0.1:" in output


def _ready(base: str) -> bool:
    try:
        return _get(base + "/")[0] == 200
    except OSError:
        return False


def test_binding_beyond_loopback_warns(sample_archive: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "annotarium", "serve", "--source", str(sample_archive),
         "--port", str(port), "--bind", "0.0.0.0"], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert _wait_for(lambda: _ready(f"http://127.0.0.1:{port}"))
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert "warning: serving on 0.0.0.0" in output


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("stop", ["SIGINT, ignored by the parent", "SIGTERM"])
def test_stops_cleanly_on_ctrl_c_or_sigterm(sample_archive: Path, stop: str) -> None:
    """A script's background job (`annotarium serve &`) starts with SIGINT ignored; Ctrl-C
    and SIGTERM must still stop the server, cleanly."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "annotarium", "serve", "--source", str(sample_archive),
         "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=_ignore_sigint if stop.startswith("SIGINT") else None)
    try:
        assert _wait_for(lambda: _ready(f"http://127.0.0.1:{port}")), "the server did not start"
    finally:
        process.send_signal(signal.SIGINT if stop.startswith("SIGINT") else signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
            pytest.fail(f"the server did not stop on {stop}:\n{output}")
    assert process.returncode == 0, output
    assert "Traceback" not in output and "stopped" in output

