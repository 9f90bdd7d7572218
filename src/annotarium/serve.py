"""``annotarium serve``: build, serve on 127.0.0.1, rebuild on change, reload the browser.

Like MkDocs' ``serve``: each build goes to a fresh temporary directory and is
swapped in only when complete, so a reader never sees a half-built site and a
failed rebuild keeps the last good site up. Open pages long-poll
``/__annotarium__/events`` and reload when a new build is ready, or show an
overlay with ``check``'s messages when it failed. The reload script is added
to HTML responses as they are served; it is never written into a build.
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

EVENTS_PATH = "/__annotarium__/events"
POLL_SECONDS = 25.0
REQUEST_TIMEOUT = 10.0
LOOPBACK = {"127.0.0.1", "::1", "localhost"}

RELOAD_SCRIPT = """<script>
(() => {
  let since = %(generation)d;
  const show = (errors) => {
    let box = document.getElementById("annotarium-errors");
    if (!errors.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "annotarium-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;" +
        "margin:0;padding:1rem 1.25rem;background:#2b0b0b;color:#ffe9e9;" +
        "font:14px/1.5 ui-monospace,monospace;z-index:2147483647;white-space:pre-wrap;" +
        "border-top:4px solid #ff6b6b";
      document.body.appendChild(box);
    }
    box.textContent = "annotarium: the last rebuild failed; showing the last good site\\n\\n" +
      errors.join("\\n");
  };
  const poll = () => fetch("%(events)s?since=" + since, {cache: "no-store"})
    .then((r) => r.json())
    .then((state) => {
      if (state.generation > since && !state.errors.length) { location.reload(); return; }
      since = state.generation;
      show(state.errors);
      poll();
    })
    .catch(() => setTimeout(poll, 1000));
  poll();
})();
</script>"""


@dataclass
class SiteState:
    """The site being served and what the last build said; shared by all request threads."""

    root: Path
    generation: int = 0
    errors: list[str] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, root: Path | None, errors: list[str]) -> None:
        with self.changed:
            if root is not None:
                self.root = root
            self.errors = errors
            self.generation += 1
            self.changed.notify_all()

    def wait(self, since: int, timeout: float) -> tuple[int, list[str]]:
        with self.changed:
            self.changed.wait_for(lambda: self.generation > since, timeout=timeout)
            return self.generation, list(self.errors)


def resolve_request_path(root: Path, request_path: str) -> Path | None:
    """The file a URL path names inside ``root``, or None if it would leave it.

    Rejects ``..`` segments (decoded any number of times), backslashes, NUL
    bytes and absolute paths, and resolves symlinks before checking that the
    file is still inside the site.
    """
    path = urlsplit(request_path).path
    for _ in range(3):  # %252e%252e decodes twice into ..
        decoded = unquote(path)
        if decoded == path:
            break
        path = decoded
    if "\\" in path or "\x00" in path or "%" in path:
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return None
    candidate = root.joinpath(*parts) if parts else root
    try:
        real = candidate.resolve(strict=False)
        real_root = root.resolve()
    except (OSError, RuntimeError):
        return None
    if real != real_root and real_root not in real.parents:
        return None
    if real.is_dir():
        real = real / "index.html"
    return real


def make_handler(state: SiteState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "annotarium"
        sys_version = ""
        # A client that sends its request byte by byte, or not at all, loses its
        # connection after this many seconds of silence; each client has its own
        # thread, so a slow one never holds up the others meanwhile.
        timeout = REQUEST_TIMEOUT

        def do_GET(self) -> None:
            if urlsplit(self.path).path == EVENTS_PATH:
                self._events()
                return
            self._file(send_body=True)

        def do_HEAD(self) -> None:
            self._file(send_body=False)

        def _events(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            try:
                since = int(query.get("since", ["0"])[0])
            except ValueError:
                since = 0
            generation, errors = state.wait(since, POLL_SECONDS)
            body = json.dumps({"generation": generation, "errors": errors}).encode()
            self._send(HTTPStatus.OK, "application/json", body, True, no_store=True)

        def _file(self, send_body: bool) -> None:
            root = state.root
            target = resolve_request_path(root, self.path)
            status = HTTPStatus.OK
            if target is None or not target.is_file():
                status = HTTPStatus.NOT_FOUND
                target = root / "404.html"
                if not target.is_file():
                    self._send(status, "text/plain; charset=utf-8", b"404 not found\n",
                               send_body)
                    return
            content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            try:
                body = target.read_bytes()
            except OSError:
                self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n",
                           send_body)
                return
            if content_type == "text/html":
                content_type = "text/html; charset=utf-8"
                body = inject_reload(body, state.generation)
            elif content_type.startswith("text/") or content_type in (
                    "application/javascript", "application/json", "image/svg+xml"):
                content_type += "; charset=utf-8"
            self._send(status, content_type, body, send_body, no_store=True)

        def _send(self, status: HTTPStatus, content_type: str, body: bytes, send_body: bool,
                  no_store: bool = False) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            if no_store:
                self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if send_body:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return  # quiet: the terminal is for build results

    return Handler


def inject_reload(body: bytes, generation: int) -> bytes:
    """Add the live-reload script before ``</body>`` of a served page."""
    script = (RELOAD_SCRIPT % {"generation": generation, "events": EVENTS_PATH}).encode()
    marker = body.rfind(b"</body>")
    if marker == -1:
        return body + script
    return body[:marker] + script + body[marker:]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Stopping must not wait for request threads (a parked long poll, a slow client):
    # they are daemons, and end with the process.
    block_on_close = False
    request_queue_size = 128


def serve(build: Callable[[Path], list[str]], watch_paths: list[Path], host: str, port: int,
          out: Callable[[str], None] = print) -> int:
    """Build with ``build(output_dir) -> errors``, serve, and rebuild on every change."""
    import watchfiles

    _stop_on_ctrl_c_and_term()
    workspace = Path(tempfile.mkdtemp(prefix="annotarium-serve-"))

    def fresh_build() -> tuple[Path | None, list[str]]:
        # Always the same folder: each build is swapped in atomically over the last one
        # and reuses its cache (a failed build writes nothing, so the last good site stays).
        target = workspace / "site"
        started = time.perf_counter()
        errors = build(target)
        if errors:
            out(f"rebuild failed ({len(errors)} problem(s)); still serving the last good site")
            for line in errors:
                out(line)
            return None, errors
        out(f"built in {(time.perf_counter() - started) * 1000:.0f} ms")
        return target, []

    first, errors = fresh_build()
    if first is None:
        first = workspace / "empty"
        first.mkdir()
    state = SiteState(first, errors=errors)
    try:
        server = _Server((host, port), make_handler(state))
    except OSError as exc:
        out(f"annotarium: error: cannot listen on {host}:{port}: {exc.strerror or exc}")
        shutil.rmtree(workspace, ignore_errors=True)
        return 2
    if host not in LOOPBACK:
        out(f"warning: serving on {host}, reachable from other machines; "
            "use --bind 127.0.0.1 to keep it local")
    shown_host = f"[{host}]" if ":" in host else host
    out(f"serving on http://{shown_host}:{server.server_address[1]}/ (Ctrl-C to stop)")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stop = threading.Event()
    try:
        for _changes in watchfiles.watch(*[p for p in watch_paths if p.exists()],
                                         stop_event=stop, debounce=200, step=50,
                                         raise_interrupt=True):
            previous = state.root
            new_root, errors = fresh_build()
            state.publish(new_root, errors)
            if new_root is not None and previous != new_root and previous.parent == workspace:
                _remove_later(previous)
    except KeyboardInterrupt:
        out("stopped")
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        shutil.rmtree(workspace, ignore_errors=True)
    return 0


def _stop_on_ctrl_c_and_term() -> None:
    """Ctrl-C and SIGTERM both stop the server cleanly (through KeyboardInterrupt), even
    when SIGINT came in ignored, as it does for a job started with ``&`` by a script."""
    if threading.current_thread() is not threading.main_thread():
        return  # signal handlers can only be set from the main thread (e.g. under tests)

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, interrupt)


def _remove_later(path: Path, delay: float = 5.0) -> None:
    """Remove an old build once requests that started on it have finished."""
    timer = threading.Timer(delay, shutil.rmtree, args=(path,), kwargs={"ignore_errors": True})
    timer.daemon = True
    timer.start()


