"""Indexing search shards with Pagefind's service (``pagefind --service``, the binary that
the ``pagefind[bin]`` package ships).

An :class:`Indexing` runs Pagefind services for a build and, for each shard given,
creates an index, adds the shard's custom records (made when its turn comes) and takes
the bundle's files from the service in memory (``GetFiles``), as ``(site path, bytes)``
pairs for the writer: nothing is written outside the output directory. A small build, or
an edit's, starts it before rendering and moves its pipes along between pages, so that
Pagefind indexes on another core meanwhile (see :mod:`annotarium.search_build`); a large
build takes the bundles shard by shard as they are made (:meth:`Indexing.bundles`), so
that its records and index are never all in memory.
Only the files a reader's browser loads are kept: Pagefind's script, worker and
WebAssembly in the primary bundle, and the index, fragments, filters and metadata
of every shard (not Pagefind's own search UIs).

Three things are fixed here that Pagefind leaves open:

* **Speed.** The service is driven here, over its pipes, without Pagefind's Python API:
  that API polls its pipe with a 100 ms sleep between messages (an hour for the tens of
  thousands of records of a large archive), and it runs on asyncio, whose import alone
  is a tenth of the time a small archive takes to build. :class:`_Service` writes
  requests and reads answers as each pipe is ready (``selectors``), several services at
  once, with answers of any size.
* **Complete files.** ``WriteFiles`` answers before the files it writes are all
  on disk (Pagefind does not flush them), so a bundle read back at once may be cut
  short. ``GetFiles`` returns the same files in its answer instead.
* **Determinism.** Pagefind writes a filter's values in hash-map order, which
  changes from run to run, and names files after their contents. The filter files
  are rewritten with their values sorted (so the same records give the same
  bytes), renamed after their new contents, and the metadata file that lists them
  and the entry file that names it are rewritten to match. Everything else
  Pagefind writes is already the same for the same records, in the same order.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import json
import os
import re
import selectors
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from annotarium.search import SearchRecord, SearchShard

PAGEFIND_VERSION = "1.5.2"  # the version pyproject.toml pins; part of every shard's digest
_MAGIC = b"pagefind_dcd"
_DATA_FOLDERS = ("index", "fragment", "filter")
_PRIMARY_ONLY = ("pagefind.js", "pagefind-worker.js")
MAX_SERVICES = 4  # Pagefind services run at once for a build with many shards to index
SHARD_TIMEOUT = 900  # seconds; a shard of 64 long articles takes about one
# bytes read from a pipe at once: what a Linux pipe holds (a larger buffer costs a fresh
# memory mapping per read, 15 times the read itself, and brings no more)
PIPE_READ = 1 << 16


class SearchIndexError(Exception):
    """The search index could not be made; the message says why and what to do."""


# a shard to index, and its records (or what makes them, called when the shard's turn
# comes: a large archive's records are not all made, and held, at once)
Job = tuple[SearchShard, Sequence[SearchRecord] | Callable[[], Sequence[SearchRecord]]]
Bundle = tuple[str, list[tuple[str, bytes]]]  # a shard's folder, and its files


def index_shards(shards: Sequence[Job], language: str) -> dict[str, list[tuple[str, bytes]]]:
    """Index each shard with Pagefind; return each shard's files as (site path, bytes)."""
    return dict(iter_index_shards(shards, language))


def iter_index_shards(shards: Sequence[Job], language: str) -> Iterator[Bundle]:
    """Index each shard with Pagefind; yield each shard's folder and files (as (site path,
    bytes)) in the order of ``shards``, as soon as it and those before it are indexed, so
    that the caller can write them while the next are indexed: a large archive's index is
    never all in memory."""
    if not shards:
        return
    with Indexing(shards, language) as indexing:
        yield from indexing.bundles()


class Indexing:
    """Pagefind services indexing shards while the caller does other work.

    Made, it starts the services and queues the requests; :meth:`pump` moves the pipes
    along without waiting (a build calls it between pages, so that Pagefind indexes on
    another core while the pages are rendered); :meth:`finish` waits for the rest and
    returns each shard's files. Used as a context manager, so that the services are
    stopped and reaped however the build ends (an error, Ctrl-C). Every failure is a
    :class:`SearchIndexError`."""

    def __init__(self, shards: Sequence[Job], language: str) -> None:
        self.results: dict[str, list[tuple[str, bytes]]] = {}  # indexed, not handed over
        self.shards = shards
        self.services: list[_Service] = []
        self.jobs: list[_ShardJob] = []
        self.selector: selectors.BaseSelector | None = None
        self.writing: set[int] = set()  # the request pipes watched: those with requests
        binary = pagefind_executable()
        if binary is None:
            raise SearchIndexError(
                "Pagefind's program is not installed; install it with "
                f"python3 -m pip install 'pagefind[bin]=={PAGEFIND_VERSION}', "
                "or build without search (--no-search, or 'search: false' in annotarium.yaml)"
            )
        # Pagefind indexes one index at a time: one service per core for many shards
        workers = max(1, min(len(shards), os.cpu_count() or 1, MAX_SERVICES))
        with self._failures():
            try:
                for _ in range(workers):
                    self.services.append(_Service(binary))
                self.jobs = [_ShardJob(service, list(shards[i::workers]), language,
                                       self.results) for i, service in enumerate(self.services)]
                self.selector = selectors.DefaultSelector()
                for service in self.services:
                    self.selector.register(service.stdout, selectors.EVENT_READ, service)
            except BaseException:
                self.close()
                raise

    def __enter__(self) -> Indexing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def pump(self) -> None:
        """Write the requests the pipes take and read the answers there are, without
        waiting; a failure is raised here or by :meth:`finish`."""
        if not self.done():
            with self._failures():
                self._step(0)

    def finish(self) -> dict[str, list[tuple[str, bytes]]]:
        """Wait until every shard is indexed; return each shard's files by its folder.
        Each shard has ``SHARD_TIMEOUT`` seconds from now or from its start, the later."""
        with self._failures():
            now = time.monotonic()
            for job in self.jobs:
                job.deadline = max(job.deadline, now + SHARD_TIMEOUT)
            while not self.done():
                left = min(job.deadline for job in self.jobs if not job.done) - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                self._step(left)
        self.close()
        return self.results

    def bundles(self) -> Iterator[Bundle]:
        """Each shard's folder and files, in the order of the shards given, as soon as it
        and those before it are indexed: the caller writes them while the next ones are
        indexed, and a bundle handed over is no longer held here."""
        order = [shard.folder for shard, _ in self.shards]
        handed = 0
        with self._failures():
            while handed < len(order):
                while handed < len(order) and order[handed] in self.results:
                    yield order[handed], self.results.pop(order[handed])
                    handed += 1
                    for job in self.jobs:  # the caller's time is not the shards'
                        job.deadline = max(job.deadline, time.monotonic() + SHARD_TIMEOUT)
                if handed == len(order):
                    break
                left = min((job.deadline for job in self.jobs if not job.done),
                           default=time.monotonic() + SHARD_TIMEOUT) - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                self._step(left)
        self.close()

    def done(self) -> bool:
        return all(job.done for job in self.jobs)

    def close(self) -> None:
        """Stop the services and wait for them (no zombie, no orphan); idempotent."""
        if self.selector is not None:
            self.selector.close()
            self.selector = None
        services, self.services = self.services, []
        for service in services:
            service.close()

    def _step(self, timeout: float) -> None:
        assert self.selector is not None
        for service in self.services:
            if service.outbox and service.stdin not in self.writing:
                self.selector.register(service.stdin, selectors.EVENT_WRITE, service)
                self.writing.add(service.stdin)
            elif not service.outbox and service.stdin in self.writing:
                self.selector.unregister(service.stdin)
                self.writing.discard(service.stdin)
        for key, _ in self.selector.select(timeout):
            if key.fd == key.data.stdin:
                key.data.write()
            else:
                key.data.read()

    @contextlib.contextmanager
    def _failures(self) -> Iterator[None]:
        """Every way indexing can fail, as a :class:`SearchIndexError` that says what to do."""
        try:
            yield
        except SearchIndexError:
            raise
        except TimeoutError as exc:  # an OSError too: first
            raise SearchIndexError(
                f"Pagefind did not answer within {SHARD_TIMEOUT} s while indexing a shard"
            ) from exc
        except OSError as exc:  # the binary is missing or cannot run
            raise SearchIndexError(
                f"Pagefind's program could not be run ({exc}); install it with "
                f"python3 -m pip install 'pagefind[bin]=={PAGEFIND_VERSION}', "
                "or build without search (--no-search, or 'search: false' in annotarium.yaml)"
            ) from exc
        except Exception as exc:  # Pagefind reports its failures as messages
            raise SearchIndexError(f"Pagefind failed to index the archive: {exc}") from exc


def pagefind_executable() -> Path | None:
    """Pagefind's program, found as Pagefind's Python API finds it: $PAGEFIND_BINARY_PATH,
    then the ``pagefind_bin_extended`` or ``pagefind_bin`` package, then the PATH."""
    given = os.environ.get("PAGEFIND_BINARY_PATH")
    if given is not None:
        return Path(given)
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        found = _packaged_binary(package)
        if found is not None:
            return found
        try:
            module = __import__(package)
            return Path(module.get_executable())
        except (ImportError, FileNotFoundError):
            continue
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return Path(found) if found else None


def _packaged_binary(package: str) -> Path | None:
    """The program that the package ``package`` ships, found where its get_executable()
    looks (beside its __init__.py) without importing it: the import loads the platform
    and logging modules, a few ms of a small build (issue 4: start-up time). None if it
    is not there; the caller then asks the package itself."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    folders = spec.submodule_search_locations if spec is not None else None
    if not folders or os.name != "posix":
        return None
    for name in ("pagefind_extended", "pagefind"):
        candidate = Path(folders[0]) / name
        if candidate.is_file():
            return candidate
    return None


def pagefind_available() -> bool:
    """Whether the Pagefind package and its program are installed."""
    path = pagefind_executable()
    return path is not None and path.exists()


class _Service:
    """One ``pagefind --service`` process. A request is base64 JSON ended by a comma, and
    so is each answer, which names the request's ``message_id``; ``on_answer`` is called
    with an answer's payload when it arrives (see :class:`Indexing`)."""

    def __init__(self, binary: Path) -> None:
        self.process = subprocess.Popen(
            [str(binary), "--service"], cwd=Path.cwd(), stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin, self.stdout = self.process.stdin.fileno(), self.process.stdout.fileno()
        os.set_blocking(self.stdin, False)
        os.set_blocking(self.stdout, False)
        # the requests not yet written, in order, as one buffer: written with as few calls
        # as the pipe allows (a call per request woke Pagefind's reader once per record)
        self.outbox = bytearray()
        self.inbox = bytearray()  # the start of an answer not yet complete
        self.waiting: dict[int, Callable[[dict[str, Any]], None]] = {}
        self.last_id = 0

    def send(self, payload: dict[str, Any], on_answer: Callable[[dict[str, Any]], None]
             ) -> None:
        self.last_id += 1
        self.waiting[self.last_id] = on_answer
        request = json.dumps({"message_id": self.last_id, "payload": payload})
        self.outbox += base64.b64encode(request.encode("utf-8"))
        self.outbox += b","

    def write(self) -> None:
        """Write what the pipe takes now."""
        while self.outbox:
            try:
                written = os.write(self.stdin, self.outbox)
            except BlockingIOError:
                return
            del self.outbox[:written]

    def read(self) -> None:
        """Read what the pipe holds now, and hand over every complete answer."""
        try:
            chunk = os.read(self.stdout, PIPE_READ)
        except BlockingIOError:
            return
        if not chunk:
            raise RuntimeError("Pagefind's service stopped before it answered")
        start = len(self.inbox)
        self.inbox += chunk
        end = self.inbox.find(b",", start)
        while end >= 0:
            message, self.inbox = bytes(self.inbox[:end + 1]), self.inbox[end + 1:]
            answer = _decode(message)
            if answer is not None:
                self._resolve(answer)
            end = self.inbox.find(b",")

    def _resolve(self, answer: dict[str, Any]) -> None:
        message_id = answer.get("message_id")
        payload = answer["payload"]
        if message_id is None and (original := payload.get("original_message")):
            with contextlib.suppress(ValueError, AttributeError):
                message_id = json.loads(original).get("message_id")
        on_answer = self.waiting.pop(message_id, None)
        if on_answer is None:  # no request of ours waits for it (as Pagefind's API ignores it)
            return
        if payload["type"] == "Error":
            raise RuntimeError(payload["message"])
        on_answer(payload)

    def close(self) -> None:
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                pipe.close()  # type: ignore[union-attr]
        self.process.terminate()
        self.process.wait()


class _ShardJob:
    """A service's work, one shard after the other: create an index, add the records,
    and once every record is in, take the files and delete the index (but the last,
    which goes with the service)."""

    def __init__(self, service: _Service, jobs: list[Job], language: str,
                 results: dict[str, list[tuple[str, bytes]]]) -> None:
        self.service, self.jobs, self.language, self.results = service, jobs, language, results
        self.deadline = 0.0
        self.done = False
        self.next_shard()

    def next_shard(self) -> None:
        if not self.jobs:
            self.done = True
            return
        self.shard, records = self.jobs.pop(0)
        self.records = records() if callable(records) else records
        self.deadline = time.monotonic() + SHARD_TIMEOUT
        self.service.send({"type": "NewIndex", "config": {"force_language": self.language}},
                          self.add_records)

    def add_records(self, answer: dict[str, Any]) -> None:
        index_id = answer["index_id"]
        self.pending = len(self.records)
        if not self.records:
            self.get_files(index_id)
        for record in self.records:
            self.service.send({
                "type": "AddRecord", "index_id": index_id, "url": record.url,
                "content": record.content, "language": self.language,
                "meta": dict(record.meta), "filters": {k: list(v) for k, v in record.filters},
                "sort": None,
            }, lambda _answer, index_id=index_id: self.added(index_id))
        self.records = ()  # sent: the requests hold them now

    def added(self, index_id: int) -> None:
        self.pending -= 1
        if self.pending == 0:
            self.get_files(index_id)

    def get_files(self, index_id: int) -> None:
        def take(answer: dict[str, Any]) -> None:
            files = {f["path"]: base64.b64decode(f["content"]) for f in answer["files"]
                     if _kept(f["path"], self.shard)}  # the others are not even decoded
            self.results[self.shard.folder] = _collect(files, self.shard)
            if not self.jobs:  # the service's last shard: it is stopped, index and all
                self.done = True
                return
            self.service.send({"type": "DeleteIndex", "index_id": index_id},
                              lambda _answer: self.next_shard())

        self.service.send({"type": "GetFiles", "index_id": index_id}, take)


_MESSAGE = re.compile(rb"[A-Za-z0-9+/=]*,$")


def _decode(chunk: bytes) -> Any:
    """One message from the service: base64 JSON ended by a comma. The service's log
    lines could share the pipe (Pagefind's Python API joins its stderr to stdout), so what
    comes before the message's own characters is skipped, and so is a chunk that is no
    message."""
    try:  # a message alone, as it comes: decoded without a scan for its start
        return json.loads(base64.b64decode(chunk[:-1], validate=True))
    except ValueError:
        pass
    found = _MESSAGE.search(chunk)
    try:
        return json.loads(base64.b64decode(found.group()[:-1])) if found else None
    except ValueError:
        return None


# --- the bundle on disk ----------------------------------------------------------------


def _kept(name: str, shard: SearchShard) -> bool:
    """Whether the site keeps a file of Pagefind's bundle (not its own search UIs)."""
    return (
        name.split("/", 1)[0] in _DATA_FOLDERS
        or name == "pagefind-entry.json"
        or name.endswith(".pf_meta")
        or (shard.primary and (name in _PRIMARY_ONLY or name.startswith("wasm.")))
    )


def _collect(written: dict[str, bytes], shard: SearchShard) -> list[tuple[str, bytes]]:
    """The files of a bundle that the site keeps, made deterministic."""
    files = {name: written[name] for name in sorted(written) if _kept(name, shard)}
    files = canonical_bundle(files)
    if shard.primary:  # the WebAssembly of the index's language only
        entry = json.loads(files["pagefind-entry.json"])
        wanted = {f"wasm.{info['wasm']}.pagefind" for info in entry["languages"].values()}
        files = {k: v for k, v in files.items() if not k.startswith("wasm.") or k in wanted}
    return [(f"{shard.folder}/{name}", files[name]) for name in sorted(files)]


def canonical_bundle(files: dict[str, bytes]) -> dict[str, bytes]:
    """Rewrite a bundle's filter files, metadata and entry so that they depend only on
    the records: filter values sorted, files named after their new contents."""
    entry = json.loads(files["pagefind-entry.json"])
    renamed: dict[str, str] = {}
    result = {}
    for name, data in files.items():
        if name.startswith("filter/") and name.endswith(".pf_filter"):
            filter_name, values = _unpack(data)
            body = _pack([filter_name, sorted(values, key=lambda v: v[0])])
            old = name.removeprefix("filter/").removesuffix(".pf_filter")
            new = _rename(old, body, 7)
            renamed[old] = new
            result[f"filter/{new}.pf_filter"] = _gzip(body)
        elif not name.endswith(".pf_meta") and name != "pagefind-entry.json":
            result[name] = data
    for language, info in entry["languages"].items():
        meta_name = f"pagefind.{info['hash']}.pf_meta"
        meta = _unpack(files[meta_name])
        filters = sorted(
            ([key, renamed.get(hash_, hash_)] for key, hash_ in meta[3]), key=lambda item: item[0]
        )
        meta = [*meta[:3], filters, *meta[4:]]
        body = _pack(meta)
        info["hash"] = _rename(info["hash"], body, 10)
        result[f"pagefind.{info['hash']}.pf_meta"] = _gzip(body)
        entry["languages"][language] = info
    result["pagefind-entry.json"] = json.dumps(
        entry, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    return result


def _rename(old: str, body: bytes, digits: int) -> str:
    """``en_5998c47`` → ``en_<first digits of the SHA-256 of body>``."""
    prefix = old.rsplit("_", 1)[0]
    return f"{prefix}_{hashlib.sha256(body).hexdigest()[:digits]}"


def _unpack(data: bytes) -> Any:
    raw = gzip.decompress(data)
    if not raw.startswith(_MAGIC):
        raise SearchIndexError("Pagefind wrote a file in a format this Annotarium cannot read")
    value, end = cbor_decode(raw, len(_MAGIC))
    if end != len(raw):
        raise SearchIndexError("Pagefind wrote a file in a format this Annotarium cannot read")
    return value


def _pack(value: Any) -> bytes:
    return _MAGIC + cbor_encode(value)


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


# --- CBOR, the subset Pagefind writes (RFC 8949, definite lengths) ----------------------


def cbor_decode(data: bytes, pos: int = 0) -> tuple[Any, int]:
    """Decode one CBOR item at ``pos``; return it and the position after it."""
    head = data[pos]
    major, info = head >> 5, head & 31
    pos += 1
    if info < 24:
        value = info
    elif info <= 27:
        size = 1 << (info - 24)
        value = int.from_bytes(data[pos : pos + size], "big")
        pos += size
    else:
        raise SearchIndexError(f"unexpected CBOR item {head:#04x} in Pagefind's output")
    if major == 0:
        return value, pos
    if major == 1:
        return -1 - value, pos
    if major in (2, 3):
        chunk = data[pos : pos + value]
        return (bytes(chunk) if major == 2 else chunk.decode("utf-8")), pos + value
    if major == 4:
        items = []
        for _ in range(value):
            item, pos = cbor_decode(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        mapping = {}
        for _ in range(value):
            key, pos = cbor_decode(data, pos)
            mapping[key], pos = cbor_decode(data, pos)
        return mapping, pos
    if major == 7 and info in (20, 21, 22):
        return {20: False, 21: True, 22: None}[info], pos
    raise SearchIndexError(f"unexpected CBOR item {head:#04x} in Pagefind's output")


def cbor_encode(value: Any) -> bytes:
    """Encode a value as CBOR with the shortest heads, as Pagefind does."""
    if value is False or value is True or value is None:
        return bytes([0xF4 if value is False else 0xF5 if value is True else 0xF6])
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        encoded = value.encode("utf-8")
        return _head(3, len(encoded)) + encoded
    if isinstance(value, list | tuple):
        return _head(4, len(value)) + b"".join(cbor_encode(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(
            cbor_encode(k) + cbor_encode(v) for k, v in value.items()
        )
    raise TypeError(f"cannot encode {type(value).__name__} as CBOR")


def _head(major: int, number: int) -> bytes:
    if number < 24:
        return bytes([major << 5 | number])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if number < 1 << (8 * size):
            return bytes([major << 5 | info]) + number.to_bytes(size, "big")
    raise ValueError("a CBOR number must fit in 64 bits")
