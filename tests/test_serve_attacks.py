"""`annotarium serve` under attack: traversal, huge headers, slow clients and load.

The server runs in its own process (as it does for users), serving a small built
site whose folder holds symlinks that point out of it; beside the site lies a
secret file. No request may ever get the secret, a slow client may not hold up
the others, and 50 clients sending 20,000 requests between them must all be
answered.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path

import pytest

from annotarium.cli import _parser
from annotarium.pipeline import build_site
from conftest import SAMPLE_FILES, write_archive

SECRET = "7d1c3e-top-secret-not-for-the-web"
SLOW_TIMEOUT = 2.0  # the server's per-connection timeout in these tests (10 s by default)

SERVER = """
import sys, threading
from pathlib import Path
from annotarium import serve
serve.REQUEST_TIMEOUT = float(sys.argv[2])
state = serve.SiteState(Path(sys.argv[1]))
handler = serve.make_handler(state)
handler.timeout = float(sys.argv[2])
server = serve._Server(("127.0.0.1", 0), handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""

TRAVERSALS = [
    "/../secret.txt",
    "/../../secret.txt",
    "/articles/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/.%2e/secret.txt",
    "/%2e%2e%2fsecret.txt",
    "/..%2fsecret.txt",
    "/%252e%252e/secret.txt",
    "/%252e%252e%252fsecret.txt",
    "/%25252e%25252e/secret.txt",
    "/%2525252e%2525252e/secret.txt",
    "/%c0%ae%c0%ae/secret.txt",
    "/..\\secret.txt",
    "/%5c..%5csecret.txt",
    "/%255c..%255csecret.txt",
    "\\..\\secret.txt",
    "//secret.txt",
    "/%2f../secret.txt",
    "/%00/../secret.txt",
    "/index.html%00/../../secret.txt",
    "/..;/secret.txt",
    "/.../secret.txt",
    "../secret.txt",
    "http://127.0.0.1/../secret.txt",
    "/SECRETLINK",
    "/secret-link",
    "/secret-dir/secret.txt",
    "/secret-dir/",
    "/%73ecret-link",
    "/articles/planet/../../secret-link",
    "/etc/passwd",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/proc/self/environ",
    "/" + "../" * 40 + "etc/passwd",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("served")
    root = write_archive(base / "archive", SAMPLE_FILES)
    site = base / "site"
    assert build_site(root, site).output is not None
    (base / "secret.txt").write_text(SECRET, encoding="utf-8")
    (base / "secret-dir").mkdir()
    (base / "secret-dir" / "secret.txt").write_text(SECRET, encoding="utf-8")
    (site / "secret-link").symlink_to(base / "secret.txt")
    (site / "secret-dir").symlink_to(base / "secret-dir")
    return site


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[tuple[str, int]]:
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(site), str(SLOW_TIMEOUT)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    port = int(process.stdout.readline())
    yield "127.0.0.1", port
    process.terminate()
    process.wait(timeout=10)
    process.stdout.close()


def request(host: str, port: int, target: str, timeout: float = 10) -> tuple[int, bytes]:
    """Send ``target`` exactly as given (no normalisation) and read the response."""
    connection = HTTPConnection(host, port, timeout=timeout)
    try:
        connection.putrequest("GET", target, skip_host=False, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def raw(host: str, port: int, data: bytes, timeout: float = 10) -> bytes:
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def pages(site: Path) -> list[str]:
    return sorted(
        "/" + p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.is_file() and not p.name.startswith(".") and "secret" not in p.name
    )


@pytest.mark.parametrize("attempt", TRAVERSALS)
def test_traversal_never_serves_outside(server: tuple[str, int], attempt: str) -> None:
    status, body = request(*server, attempt)
    assert SECRET.encode() not in body
    assert b"root:" not in body
    assert status in (400, 404), status


def test_the_site_itself_is_served(server: tuple[str, int], site: Path) -> None:
    for path in pages(site)[:10]:
        status, body = request(*server, path)
        assert status == 200 and body, path


def test_huge_headers_are_refused_and_the_server_goes_on(server: tuple[str, int]) -> None:
    host, port = server
    long_line = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n"
    assert raw(host, port, long_line).split(b" ")[1] in (b"431", b"400")
    many = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(
        f"X-{i}: {i}\r\n".encode() for i in range(500)
    )
    assert raw(host, port, many + b"\r\n").split(b" ")[1] in (b"431", b"400")
    long_url = b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    assert raw(host, port, long_url).split(b" ")[1] in (b"414", b"400")
    assert request(host, port, "/")[0] == 200


def test_slow_clients_do_not_block_others_and_are_dropped(server: tuple[str, int]) -> None:
    host, port = server
    slow = []
    for _ in range(30):  # slowloris: open, send a partial request, then dribble
        sock = socket.create_connection((host, port), timeout=30)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        slow.append(sock)
    try:
        for sock in slow:
            sock.sendall(b"X")
        started = time.monotonic()
        for _ in range(20):
            assert request(host, port, "/index.html", timeout=5)[0] == 200
        assert time.monotonic() - started < 10, "slow clients held up a fast one"
        # Silent for longer than the timeout: the server hangs up on every one of them.
        time.sleep(SLOW_TIMEOUT + 1.5)
        for sock in slow:
            sock.settimeout(5)
            try:
                data = sock.recv(65536)
                while data and (more := sock.recv(65536)):
                    data += more
            except ConnectionResetError:
                data = b""
            assert data == b"" or data.startswith(b"HTTP/1."), data[:80]
    finally:
        for sock in slow:
            sock.close()
    assert request(host, port, "/")[0] == 200


@pytest.mark.slow
def test_concurrent_load(server: tuple[str, int], site: Path) -> None:
    """50 clients, 20,000 requests in all: pages, missing pages and traversal attempts."""
    host, port = server
    good = pages(site)
    clients, per_client = 50, 400
    failures: list[str] = []
    leaks: list[str] = []
    served = [0]
    lock = threading.Lock()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(per_client):
            roll = rng.random()
            target = (
                rng.choice(good)
                if roll < 0.8
                else rng.choice(TRAVERSALS)
                if roll < 0.9
                else f"/missing-{rng.randint(0, 99)}/"
            )
            try:
                status, body = request(host, port, target, timeout=30)
            except OSError as exc:
                with lock:
                    failures.append(f"{target}: {exc!r}")
                continue
            expected = 200 if target in good else None
            with lock:
                served[0] += 1
                if SECRET.encode() in body:
                    leaks.append(target)
                if expected and status != expected:
                    failures.append(f"{target}: {status}")
                if not expected and status not in (400, 404):
                    failures.append(f"{target}: {status}")

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    seconds = time.monotonic() - started
    print(
        f"\n{served[0]} requests from {clients} clients in {seconds:.1f} s, "
        f"{len(failures)} failures, {len(leaks)} leaks"
    )
    assert not leaks
    assert not failures, failures[:10]
    assert served[0] == clients * per_client
    assert request(host, port, "/")[0] == 200


def test_serve_binds_loopback_by_default() -> None:
    args = _parser().parse_args(["serve"])
    assert args.bind == "127.0.0.1"


def test_request_timeout_is_set() -> None:
    from annotarium.serve import REQUEST_TIMEOUT, SiteState, make_handler

    assert make_handler(SiteState(Path(os.devnull))).timeout == REQUEST_TIMEOUT > 0
