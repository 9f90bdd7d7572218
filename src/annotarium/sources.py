"""Read the files of an archive safely: inside the archive, UTF-8, bounded in size.

Every read goes through :func:`read_text`, so that symlinks out of the archive,
undecodable bytes, unreadable files and oversized inputs are reported as
diagnostics with a location instead of surfacing as exceptions.
"""

from __future__ import annotations

import stat
from pathlib import Path

from annotarium.diagnostics import Diagnostics, Location

MAX_FILE_BYTES = 20 * 1024 * 1024  # an article far beyond any real one; keeps memory bounded


def inside(path: Path, root: Path) -> bool:
    """Whether ``path`` (symlinks resolved) lies within ``root``."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return False
    return True


def read_text(path: Path, root: Path, diags: Diagnostics) -> str | None:
    """The file's text with a leading BOM removed, or None after reporting why not."""
    where = Location(path)
    try:
        path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        diags.error(where, "cannot follow the symlink (does it point at itself?)",
                    code="unreadable")
        return None
    if not inside(path, root):
        diags.error(
            where,
            "the file lies outside the archive (a symlink?)",
            f"keep every file below {root}",
            code="outside",
        )
        return None
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):
            # a named pipe or a device would block the read or never end
            diags.error(where, "not a regular file (a named pipe or a device?)",
                        "replace it with an ordinary file", code="unreadable")
            return None
        size = info.st_size
        if size > MAX_FILE_BYTES:
            diags.error(
                where,
                f"the file is {size / 1e6:.0f} MB; at most "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB is read",
                code="too-large",
            )
            return None
        data = path.read_bytes()
    except IsADirectoryError:
        diags.error(where, "expected a file, found a directory", code="unreadable")
        return None
    except FileNotFoundError:
        diags.error(where, "the file does not exist", code="missing-file")
        return None
    except OSError as exc:
        diags.error(where, f"cannot read the file: {exc.strerror or exc}", code="unreadable")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        diags.error(
            Location(path, line, col),
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            "save it as UTF-8 (in most editors: 'Save with encoding')",
            code="encoding",
        )
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text
