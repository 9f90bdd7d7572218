"""Indexing search shards with Pagefind, through its Python API (the ``pagefind`` package,
whose ``pagefind[bin]`` extra ships the binary).

:func:`index_shards` runs Pagefind services for a build and, for each shard
given, creates an index, adds the shard's custom records and takes the bundle's
files from the service in memory (``get_files``), as ``(site path, bytes)`` pairs
for the writer: nothing is written outside the output directory.
Only the files a reader's browser loads are kept: Pagefind's script, worker and
WebAssembly in the primary bundle, and the index, fragments, filters and metadata
of every shard (not Pagefind's own search UIs).

Three things are fixed here that Pagefind leaves open:

* **Speed.** The Python API's service polls its pipe with a 100 ms sleep between
  messages, which would cost an hour for the tens of thousands of records of a
  large archive; :func:`_service_type` waits on the pipe instead.
* **Complete files.** ``write_files`` answers before the files it writes are all
  on disk (Pagefind does not flush them), so a bundle read back at once may be cut
  short. ``get_files`` returns the same files in its answer instead; the service's
  pipe is given room for answers of any size (the API's 2 MiB would deadlock).
* **Determinism.** Pagefind writes a filter's values in hash-map order, which
  changes from run to run, and names files after their contents. The filter files
  are rewritten with their values sorted (so the same records give the same
  bytes), renamed after their new contents, and the metadata file that lists them
  and the entry file that names it are rewritten to match. Everything else
  Pagefind writes is already the same for the same records, in the same order.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import gzip
import hashlib
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotarium.search import SearchRecord, SearchShard

PAGEFIND_VERSION = "1.5.2"  # the version pyproject.toml pins; part of every shard's digest
_MAGIC = b"pagefind_dcd"
_DATA_FOLDERS = ("index", "fragment", "filter")
_PRIMARY_ONLY = ("pagefind.js", "pagefind-worker.js")
MAX_SERVICES = 4  # Pagefind services run at once for a build with many shards to index
STREAM_LIMIT = 1 << 30  # the longest answer read from the service (a shard's files)
SHARD_TIMEOUT = 900  # seconds; a shard of 64 long articles takes about one


class SearchIndexError(Exception):
    """The search index could not be made; the message says why and what to do."""


Job = tuple[SearchShard, Sequence[SearchRecord]]  # a shard to index, and its records


def index_shards(shards: Sequence[Job], language: str) -> dict[str, list[tuple[str, bytes]]]:
    """Index each shard with Pagefind; return each shard's files as (site path, bytes)."""
    if not shards:
        return {}
    try:
        return asyncio.run(_index_all(shards, language))
    except SearchIndexError:
        raise
    except OSError as exc:  # the binary is missing or cannot run
        raise SearchIndexError(
            f"Pagefind's program could not be run ({exc}); install it with "
            f"python3 -m pip install 'pagefind[bin]=={PAGEFIND_VERSION}', "
            "or build without search (--no-search, or 'search: false' in annotarium.yaml)"
        ) from exc
    except TimeoutError as exc:
        raise SearchIndexError(
            f"Pagefind did not answer within {SHARD_TIMEOUT} s while indexing a shard"
        ) from exc
    except Exception as exc:  # Pagefind reports its failures as bare Exceptions
        raise SearchIndexError(f"Pagefind failed to index the archive: {exc}") from exc


def pagefind_available() -> bool:
    """Whether the Pagefind package and its program are installed."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return False
    path = get_executable()
    return path is not None and Path(path).exists()


async def _index_all(shards: Sequence[Job], language: str) -> dict[str, list[tuple[str, bytes]]]:
    try:
        from pagefind.index import IndexConfig

        service_type = _service_type()
    except ImportError as exc:
        raise SearchIndexError(
            "the Pagefind package is not installed; install it with "
            f"python3 -m pip install 'pagefind[bin]=={PAGEFIND_VERSION}', "
            "or build without search (--no-search, or 'search: false' in annotarium.yaml)"
        ) from exc
    config = IndexConfig(force_language=language)
    results: dict[str, list[tuple[str, bytes]]] = {}

    async def work(service: Any, numbered: list[tuple[int, Job]]) -> None:
        for number, job in numbered:
            await asyncio.wait_for(one(service, number, *job), SHARD_TIMEOUT)

    async def one(
        service: Any, number: int, shard: SearchShard, records: Sequence[SearchRecord]
    ) -> None:
        index = await service.create_index(config)
        await asyncio.gather(
            *(
                index.add_custom_record(
                    url=r.url,
                    content=r.content,
                    language=language,
                    meta=dict(r.meta),
                    filters={k: list(v) for k, v in r.filters},
                )
                for r in records
            )
        )
        files = await index.get_files()
        await index.delete_index()
        results[shard.folder] = _collect({f["path"]: f["content"] for f in files}, shard)

    # Pagefind indexes one index at a time: one service per core for many shards
    workers = max(1, min(len(shards), os.cpu_count() or 1, MAX_SERVICES))
    services = []
    try:
        for _ in range(workers):
            services.append(await service_type().launch())
        numbered = list(enumerate(shards))
        await asyncio.gather(
            *(work(service, numbered[i::workers]) for i, service in enumerate(services))
        )
    finally:
        for service in services:
            await service.close()
    return results


@functools.cache
def _service_type() -> type:
    """Pagefind's service, reading each response as soon as it arrives: the same message
    handling as ``PagefindService._wait_for_responses`` in the pinned version, without
    its ``asyncio.sleep(0.1)`` before every read."""
    from pagefind.service import PagefindService

    class Service(PagefindService):  # type: ignore[misc]
        async def launch(self) -> Service:
            self._backend = await asyncio.create_subprocess_exec(
                self._bin,
                "--service",
                cwd=Path.cwd(),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
                limit=STREAM_LIMIT,
            )
            self._poll_task = self._loop.create_task(self._wait_for_responses())
            return self

        async def _wait_for_responses(self) -> None:
            try:
                while True:
                    output = await self._backend.stdout.readuntil(b",")
                    response = _decode(output)
                    if response is not None:
                        self._resolve(response)
            except Exception as exc:  # the service ended or broke: fail what waits on it
                for future in self._responses.values():
                    if not future.done():
                        future.set_exception(exc)
                self._responses.clear()

        def _resolve(self, response: dict[str, Any]) -> None:
            message_id = response.get("message_id")
            payload = response["payload"]
            if message_id is None and (original := payload.get("original_message")):
                with contextlib.suppress(ValueError, AttributeError):
                    message_id = json.loads(original).get("message_id")
            future = self._responses.pop(message_id, None)
            if future is None or future.done():
                return
            if payload["type"] == "Error":
                future.set_exception(Exception(payload["message"]))
            else:
                future.set_result(payload)

        async def close(self) -> None:
            self._poll_task.cancel()
            self._backend.terminate()
            await self._backend.wait()

    return Service


_MESSAGE = re.compile(rb"[A-Za-z0-9+/=]*,$")


def _decode(chunk: bytes) -> Any:
    """One message from the service: base64 JSON ended by a comma. The service's log
    lines share the pipe (the Python API joins its stderr to stdout), so what comes
    before the message's own characters is skipped, and so is a chunk that is no message."""
    found = _MESSAGE.search(chunk)
    try:
        return json.loads(base64.b64decode(found.group()[:-1])) if found else None
    except ValueError:
        return None


# --- the bundle on disk ----------------------------------------------------------------


def _collect(written: dict[str, bytes], shard: SearchShard) -> list[tuple[str, bytes]]:
    """The files of a bundle that the site keeps, made deterministic."""
    files: dict[str, bytes] = {}
    for name in sorted(written):
        top = name.split("/", 1)[0]
        keep = (
            top in _DATA_FOLDERS
            or name == "pagefind-entry.json"
            or name.endswith(".pf_meta")
            or (shard.primary and (name in _PRIMARY_ONLY or name.startswith("wasm.")))
        )
        if keep:
            files[name] = written[name]
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
