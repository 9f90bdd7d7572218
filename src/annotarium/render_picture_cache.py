"""The pictures of the last build, by what they were drawn from, so an edit redraws few.

The timeline, the actor network and the home page's charts are drawn from the
whole archive, and every build that is not a no-op used to draw them again. A
:class:`PictureCache` keeps each drawn picture (its HTML) under a digest of
exactly the data it draws, made by :class:`annotarium.render_pictures.Pictures`
next to the drawing code; a picture whose data did not change is taken from the
cache. ``annotarium build`` keeps the cache inside the output, in
``.annotarium-pictures.json``, and ``annotarium serve`` in memory. The file holds
a BLAKE2 digest of its pictures: a file that does not parse, is from another
version or does not match its digest is ignored, and the pictures are drawn again.
This module imports only the standard library.
"""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

PICTURES_FILE = ".annotarium-pictures.json"
FORMAT = 1
MAX_BYTES = 64 * 1024 * 1024


class PictureCache:
    """Pictures by key: those of the previous build, and those this build used."""

    def __init__(self, previous: Mapping[str, str] | None = None) -> None:
        self.previous = dict(previous or {})
        self.current: dict[str, str] = {}
        self.drawn = 0  # pictures drawn by this build (not taken from the cache)

    def get(self, key: str, draw: Callable[[], str]) -> str:
        """The picture of ``key``: kept from before, or drawn now."""
        found = self.current.get(key)
        if found is None:
            found = self.previous.get(key)
        if found is None:
            found = draw()
            self.drawn += 1
        self.current[key] = found
        return found

    def to_json(self, version: str) -> bytes:
        pictures = dict(sorted(self.current.items()))
        return json.dumps({"format": FORMAT, "version": version, "digest": _digest(pictures),
                           "pictures": pictures}, ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")


def _digest(pictures: Mapping[str, str]) -> str:
    payload = json.dumps(pictures, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.blake2b(payload, digest_size=32).hexdigest()


def read_pictures(output: Path, version: str) -> dict[str, str]:
    """The pictures the last build stored in ``output``; empty when the file is missing,
    damaged or from another version."""
    path = output / PICTURES_FILE
    try:
        info = path.stat(follow_symlinks=False)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return {}
        data = json.loads(path.read_bytes())
        pictures = data["pictures"]
        if data["format"] != FORMAT or data["version"] != version or not (
                isinstance(pictures, dict)
                and all(isinstance(k, str) and isinstance(v, str) for k, v in pictures.items())
                and data["digest"] == _digest(pictures)):
            return {}
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return {}
    return pictures
