"""The build cache: what the previous build read and wrote, kept inside the output.

``build/.annotarium-cache.json`` records the tool version, the settings, every
input file (size, modification time and SHA-256) and a digest of every page.
With it, a build whose inputs did not change stops at once, and a build after
an edit renders again only the pages whose inputs or views changed (see
:mod:`annotarium.render_inputs` and :func:`annotarium.render_jobs.view_digest`);
unchanged files are carried over. Articles themselves are memoised beside it,
in ``.annotarium-memo/`` (see :mod:`annotarium.memo`).

The cache is plain JSON checked field by field: a corrupt, truncated, foreign
or stale cache is ignored (the build is then a full one), never trusted. It
lives inside the output directory, so it is swapped in atomically with the
site it describes. This module imports only the standard library, so the
no-change check runs before the rest of Annotarium is imported.
"""
# Paths are strings here: a rebuild walks and stats thousands of inputs, and making a
# Path object for each was most of the scan's cost.
# ruff: noqa: PTH113, PTH116, PTH123

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

CACHE_FILE = ".annotarium-cache.json"
FORMAT = 1
INPUT_FOLDERS = ("content", "seeds", "templates")
CONFIG_FILE = "annotarium.yaml"
MAX_CACHE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class InputFile:
    size: int
    mtime_ns: int
    sha256: str


@dataclass(frozen=True)
class BuildCache:
    version: str
    settings: str
    inputs: dict[str, InputFile] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> bytes:
        return b"".join(self.json_chunks())

    def json_chunks(self, batch: int = 4096) -> Iterator[bytes]:
        """The bytes of :meth:`to_json` (compact JSON, the tables sorted by key) in chunks
        of ``batch`` entries: a large site's cache lists hundreds of thousands of files
        (35 MB at 20,000 articles), and made as one dict, one string and its bytes it was
        a last peak of the build's memory."""
        encode = json.JSONEncoder(separators=(",", ":")).encode
        parts = [f'{{"format":{encode(FORMAT)},"version":{encode(self.version)},'
                 f'"settings":{encode(self.settings)}']
        tables: tuple[tuple[str, dict[str, Any], Callable[[Any], object]], ...] = (
            ("inputs", self.inputs, lambda v: [v.size, v.mtime_ns, v.sha256]),
            ("pages", self.pages, lambda v: v))
        for name, table, value in tables:
            parts.append(f",{encode(name)}:{{")
            separator = ""
            for key in sorted(table):
                parts.append(f"{separator}{encode(key)}:{encode(value(table[key]))}")
                separator = ","
                if len(parts) >= batch:
                    yield "".join(parts).encode("utf-8")
                    parts = []
            parts.append("}")
        parts.append("}")
        yield "".join(parts).encode("utf-8")


def read_cache(output: Path, version: str) -> BuildCache | None:
    """The previous build's cache, or None when it is missing, damaged or from elsewhere."""
    path = output / CACHE_FILE
    try:
        info = path.stat(follow_symlinks=False)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES:
            return None  # a link, a pipe or a giant: not a cache this tool wrote
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    try:
        if data["format"] != FORMAT or data["version"] != version:
            return None
        settings = data["settings"]
        inputs = {
            str(name): InputFile(int(size), int(mtime), str(digest))
            for name, (size, mtime, digest) in data["inputs"].items()
        }
        pages = {str(path): str(digest) for path, digest in data["pages"].items()}
        if not isinstance(settings, str):
            return None
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    # a page the cache claims must exist, or the cache is not this site's (strings, not
    # Path objects: a site has tens of thousands of files, and this runs on every build)
    base, is_file = f"{output}{os.sep}", os.path.isfile
    if not all(is_file(base + path) for path in pages):
        return None
    return BuildCache(version, settings, inputs, pages)


def settings_digest(*parts: object) -> str:
    """A digest of the build's settings (source, template folders, base URL, ...)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def input_files(source: Path, template_dirs: tuple[Path, ...], extra: tuple[str, ...] = ()
                ) -> list[str]:
    """Every file a build of ``source`` may read, as sorted path strings: its folders'
    files, its configuration, and the ``extra`` paths (the last build's inputs: article
    texts may live anywhere) that still are files. Strings, not Paths: a rebuild scans
    thousands of them, and making Path objects was most of the cost."""
    roots = [source / name for name in INPUT_FOLDERS] + list(template_dirs)
    files: set[str] = set()
    join = os.path.join
    for root in roots:
        if root.is_dir():
            for directory, folders, names in os.walk(root):
                folders[:] = sorted(f for f in folders if not f.startswith("."))
                files.update(join(directory, name) for name in names if not name.startswith("."))
    for name in (str(source / CONFIG_FILE), *extra):
        if name not in files and os.path.isfile(name):  # most were found by the walk
            files.add(name)
    return sorted(files)


def content_digest(content: bytes) -> str:
    """The digest the cache records for a file whose bytes are made every build."""
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def scan_inputs(paths: list[str], previous: dict[str, InputFile] | None = None
                ) -> dict[str, InputFile]:
    """Size, modification time and SHA-256 of each file; a file whose size and time match
    the previous scan keeps its recorded hash instead of being read again."""
    previous = previous or {}
    result: dict[str, InputFile] = {}
    # A file changed within the clock's granularity of the last scan could keep its size
    # and time: trust recorded hashes only for files untouched for a few seconds.
    recent = time.time_ns() - 3_000_000_000
    for key in paths:
        try:
            info = os.stat(key)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue  # a pipe or a device: reading it could block; the loader reports it
        known = previous.get(key)
        if known and known.size == info.st_size and known.mtime_ns == info.st_mtime_ns \
                and info.st_mtime_ns < recent:
            result[key] = known
            continue
        try:
            digest = _sha256(key)
        except OSError:
            continue
        result[key] = InputFile(info.st_size, info.st_mtime_ns, digest)
    return result


def _sha256(path: str) -> str:
    """The file's SHA-256, read in chunks so that a huge file costs little memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def same_inputs(before: dict[str, InputFile], now: dict[str, InputFile]) -> bool:
    """Whether two scans saw the same files with the same contents."""
    if before.keys() != now.keys():
        return False
    return all(before[k].sha256 == now[k].sha256 for k in now)
