"""Stage 5: write the rendered pages to the output directory, atomically.

The site is written to a fresh temporary directory beside the output, then
swapped in with two renames, so that a failed or killed build leaves the
previous site whole. Nothing outside the output directory (and its temporary
siblings, whose names start with ``.<name>.``) is ever written or deleted.

On Linux, where two directories can be exchanged atomically, the previous
site is not deleted after the swap but kept beside the output as
``.<name>.spare``; the next build updates that spare tree in place into the new
site (only files that differ from the current output are replaced) and
exchanges it with the output. An edit then costs file operations in proportion
to what changed, instead of creating, and later deleting, a folder per page.
"""

# The write loops run once per file of the site (tens of thousands): they work on str
# paths with os functions, which cost a fraction of pathlib's objects.
# ruff: noqa: PTH103, PTH106, PTH108, PTH114, PTH116, PTH118, PTH123

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# A file's content: bytes, or its bytes in chunks (taken once); None: carried over unchanged
Content = bytes | Iterable[bytes]


class OutputError(Exception):
    """The output directory cannot be used; the message says why."""


@dataclass(frozen=True)
class SiteFiles:
    """What a build left in the output and its spare tree, for the next build of a
    long-running caller (``serve``), which then need not stat every file of both trees.

    ``site``: every file of the output, with its size. ``fresh``: the output's files that
    are not the spare's file at the same path (written anew, or the spare has none).
    ``spare``: the spare tree's files, when known. ``identity``: device and inode of the
    output and of the spare just after the build; while both folders are those, the
    record holds (serve owns them)."""

    site: dict[str, int]
    fresh: frozenset[str]
    spare: frozenset[str] | None
    identity: tuple[int, int, int, int]


@dataclass(frozen=True)
class WriteResult:
    files: int
    bytes: int
    written: int = 0  # files written anew; the others were carried over unchanged
    tree: SiteFiles | None = None  # with keep_spare: what the output and spare now hold


def check_output_dir(output: Path, source: Path) -> Path:
    """Refuse an output directory that is, contains or lies inside of the source's inputs."""
    try:
        output = output.resolve()
        source = source.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        raise OutputError(f"cannot resolve the output directory {output}: {exc}") from None
    if output == source or source.is_relative_to(output):
        raise OutputError(
            f"the output directory {output} would contain the archive itself; "
            "choose another with --output"
        )
    for protected in ("content", "seeds", "templates"):
        if output.is_relative_to(source / protected):
            raise OutputError(
                f"the output directory {output} lies inside the archive's "
                f"{protected}/ folder; choose another with --output"
            )
    if output.exists() and not output.is_dir():
        raise OutputError(f"the output path {output} exists and is not a directory")
    for ancestor in output.parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise OutputError(f"the output directory {output} cannot be made: "
                                  f"{ancestor} is a file")
            break
    if output.is_dir() and any(output.iterdir()) and not _looks_like_site(output):
        raise OutputError(
            f"the output directory {output} holds files that Annotarium did not "
            "write; empty it or choose another with --output"
        )
    return output


MARKER = ".annotarium-site"


def _write_over(target: str, content: Content) -> int:
    """Write a changed page as a new file where the spare may have one: never in place,
    for the spare's files may be links to the current site's. Returns its size."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(target)
    return _write_new(target, content)


def _mark(folder: Path) -> None:
    """Mark ``folder`` as a site Annotarium wrote (so that a later build may replace it)."""
    if not (folder / MARKER).is_file():
        (folder / MARKER).write_text("This directory was written by annotarium build.\n",
                                     encoding="utf-8")


def _looks_like_site(path: Path) -> bool:
    return (path / MARKER).exists()


def safe_relative(path: str) -> str:
    """A page path that cannot leave the output directory, as a normalised relative POSIX
    path (strings, not Path objects: the write loops call this once per file)."""
    if path and "//" not in path and "/." not in path and path[0] not in "/." \
            and path[-1] != "/":
        return path  # no empty part, and none that starts with a dot: already normal
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if path.startswith("/") or ".." in parts or not parts:
        raise OutputError(f"refusing to write the page path {path!r}")
    return "/".join(parts)


def _place(root: str, path: str, made: set[str]) -> tuple[str, str]:
    """The checked relative path of a page and its file under ``root``, whose folder is
    made on first use (``made`` remembers the folders already there)."""
    relative = safe_relative(path)
    folder = relative.rpartition("/")[0]
    if folder not in made:
        os.makedirs(f"{root}/{folder}", exist_ok=True)
        made.add(folder)
    return relative, f"{root}/{relative}"


def _write_new(target: str, content: Content) -> int:
    """Write a new file: bytes, or chunks taken one at a time (a large data export is made
    as it is written, never whole in memory). Returns its size."""
    with open(target, "wb") as handle:
        if isinstance(content, bytes):
            handle.write(content)
            return len(content)
        size = 0
        for chunk in content:
            handle.write(chunk)
            size += len(chunk)
        return size


def _cannot_write_beside(output: Path, exc: OSError) -> OutputError:
    return OutputError(f"cannot write the site beside {output}: "
                       f"{exc.strerror or exc} ({exc.filename or output.parent})")


def write_site(pages: Iterable[tuple[str, Content | None]], output: Path,
               keep_spare: bool = False, known: SiteFiles | None = None) -> WriteResult:
    """Write every page into a new directory and swap it in for ``output``.

    A page whose content is None is unchanged since the previous build: its file
    is hard-linked from the current ``output`` (copied where links are not
    possible), so an incremental build writes only what changed and is still
    swapped in whole. Files are only ever created, never modified in place, so a
    link never lets a new build change the previous site.

    With ``keep_spare`` (for a long-running caller that owns the folder around the
    output: ``annotarium serve``), the replaced site is kept beside the output as its
    spare, and the next build updates that tree in place instead of making a new one,
    so that an edit costs file operations in proportion to what changed. Without it
    nothing is left beside the output. The result's ``tree`` then records both trees;
    given back as ``known`` to the next build, while it still describes them, the spare
    is updated from it instead of by a stat of every file (:func:`_update_known_spare`).
    """
    output = output.resolve()
    parent = output.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write_beside(output, exc) from None
    spare = spare_of(output)
    if keep_spare and output.is_dir() and spare.is_dir() and not spare.is_symlink() \
            and _exchange_supported():
        if known is not None and known.spare is not None \
                and known.identity == _identity(output, spare):
            return _update_known_spare(pages, output, spare, known)
        return _write_over_spare(pages, output, spare, known)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=parent))
    except OSError as exc:
        raise _cannot_write_beside(output, exc) from None
    files = size = written = 0
    sizes: dict[str, int] = {}
    fresh: set[str] = set()  # as in _write_over_spare
    copied: set[str] = set()
    # strings rather than Path objects: this loop runs once per file of the site
    old, new = str(output), str(staging)
    try:
        made: set[str] = set()
        for path, content in pages:
            relative, target = _place(new, path, made)
            if content is None:
                sizes[relative] = _keep(f"{old}/{relative}", target, copied)
            else:
                sizes[relative] = _write_new(target, content)
                fresh.add(relative)
                written += 1
            size += sizes[relative]
            files += 1
        _mark(staging)
        swap_in(staging, output, keep_old_as=spare if keep_spare else None)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    tree = None
    if keep_spare:
        tree = _record(sizes, fresh, copied, str(staging), known, output, spare)
        if not spare.exists() and not spare.is_symlink():  # the first site: no previous one
            tree = _make_spare(output, spare, tree)
    return WriteResult(files, size, written, tree)


def _make_spare(output: Path, spare: Path, tree: SiteFiles) -> SiteFiles:
    """A spare tree of links to every file of the output, so that the first edit after
    the first build is written over it rather than into a new tree of the whole site."""
    made: set[str] = set()
    copied: set[str] = set()  # not links: the next build replaces them (SiteFiles.fresh)
    old, new = str(output), str(spare)
    try:
        for relative in (MARKER, *tree.site):
            _keep(f"{old}/{relative}", _place(new, relative, made)[1], copied)
    except OSError:
        shutil.rmtree(spare, ignore_errors=True)  # no spare: the next build makes a tree
        return tree
    return SiteFiles(tree.site, frozenset(target[len(new) + 1:] for target in copied),
                     frozenset(tree.site), _identity(output, spare))


def spare_of(output: Path) -> Path:
    """Where the previous site is kept, to be updated into the next one."""
    return output.with_name(f".{output.name}.spare")


def _write_over_spare(pages: Iterable[tuple[str, Content | None]], output: Path, spare: Path,
                      known: SiteFiles | None = None) -> WriteResult:
    """Make the spare tree (some earlier site, in any state) into the new site, then
    exchange it with the output. A page unchanged since the current output must be the
    output's own file (same inode: a hard link), else it is linked again; a changed page
    is written as a new file (never in place: the spare's files may be links to the
    current site's); anything else in the spare is removed. ``known``, a record that no
    longer holds for the spare, may still give the output's files."""
    files = size = written = 0
    old, new = str(output), str(spare)
    sizes: dict[str, int] = {}
    fresh: set[str] = set()  # the output's files that the spare will not have
    copied: set[str] = set()  # files carried over as copies (targets): fresh too
    made: set[str] = set()
    try:
        for path, content in pages:
            relative, target = _place(new, path, made)
            if content is None:
                source = f"{old}/{relative}"
                info = os.stat(source)
                try:
                    current = os.lstat(target)
                    same = (current.st_ino, current.st_dev) == (info.st_ino, info.st_dev)
                    if not same:
                        os.unlink(target)
                except FileNotFoundError:
                    same = False
                if not same:
                    _keep(source, target, copied)
                sizes[relative] = info.st_size
            else:
                sizes[relative] = _write_over(target, content)
                fresh.add(relative)
                written += 1
            size += sizes[relative]
            files += 1
        _mark(spare)
        _remove_unwanted(spare, {MARKER, *sizes})
        spare.chmod(0o755)
        if not _exchange(spare, output):
            raise OSError(f"cannot exchange {spare} with {output}")
    except BaseException:
        shutil.rmtree(spare, ignore_errors=True)  # unknown state: the next build starts afresh
        raise
    return WriteResult(files, size, written,
                       _record(sizes, fresh, copied, new, known, output, spare))


def _update_known_spare(pages: Iterable[tuple[str, Content | None]], output: Path, spare: Path,
                        known: SiteFiles) -> WriteResult:
    """:func:`_write_over_spare` when ``known`` records both trees: a page unchanged since
    the output is the spare's own file unless the last build wrote it anew (then it is
    linked again); a changed page is written as a new file; the spare's files that the
    new site has not are removed. No file is stat-ed that the record describes."""
    files = size = written = 0
    old, new = str(output), str(spare)
    sizes: dict[str, int] = {}
    fresh: set[str] = set()  # as in _write_over_spare
    copied: set[str] = set()
    there, stale = known.spare or frozenset(), known.fresh
    # folders of files the spare has exist already
    made: set[str] = {path.rpartition("/")[0] for path in there}
    try:
        for path, content in pages:
            relative, target = _place(new, path, made)
            if content is None:
                if relative in there and relative not in stale and relative in known.site:
                    sizes[relative] = known.site[relative]  # already the output's file
                else:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(target)
                    sizes[relative] = _keep(f"{old}/{relative}", target, copied)
            else:
                sizes[relative] = _write_over(target, content)
                fresh.add(relative)
                written += 1
            size += sizes[relative]
            files += 1
        _mark(spare)
        _remove_listed(new, there - sizes.keys() - {MARKER})
        if not _exchange(spare, output):
            raise OSError(f"cannot exchange {spare} with {output}")
    except BaseException:
        shutil.rmtree(spare, ignore_errors=True)  # unknown state: the next build starts afresh
        raise
    return WriteResult(files, size, written,
                       _record(sizes, fresh, copied, new, known, output, spare))


def _record(sizes: dict[str, int], fresh: set[str], copied: set[str], root: str,
            known: SiteFiles | None, output: Path, spare: Path) -> SiteFiles:
    """The record of a build just swapped in, whose tree was written at ``root``: ``fresh``
    the files written anew, ``copied`` those carried over by copy (full paths). The spare
    is now the previous output, whose files are known when ``known`` recorded it."""
    fresh = fresh | {target[len(root) + 1:] for target in copied}
    identity = _identity(output, spare)
    previous = frozenset(known.site) if known is not None \
        and known.identity[:2] == identity[2:] else None
    return SiteFiles(sizes, frozenset(fresh), previous, identity)


def _remove_listed(top: str, paths: Iterable[str]) -> None:
    """Delete these files under ``top`` (relative POSIX paths), and folders left empty."""
    folders: set[str] = set()
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{top}/{path}")
        folder = path.rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    for folder in sorted(folders, key=lambda f: -f.count("/")):  # deepest first
        with contextlib.suppress(OSError):  # not empty: kept
            os.rmdir(f"{top}/{folder}")


def _identity(output: Path, spare: Path) -> tuple[int, int, int, int]:
    """Device and inode of both folders (-1 for one that is missing)."""
    found = []
    for folder in (output, spare):
        try:
            info = os.lstat(folder)
            found += [info.st_dev, info.st_ino]
        except OSError:
            found += [-1, -1]
    return (found[0], found[1], found[2], found[3])


def _remove_unwanted(root: Path, wanted: set[str]) -> None:
    """Delete the files under ``root`` that are not ``wanted`` (relative POSIX paths),
    and folders left empty."""
    top = str(root)
    for directory, folders, names in os.walk(top, topdown=False):
        base = "" if directory == top else directory[len(top) + 1:].replace(os.sep, "/") + "/"
        for name in names:
            if base + name not in wanted:
                os.unlink(os.path.join(directory, name))
        for name in folders:
            folder = os.path.join(directory, name)
            if os.path.islink(folder):
                os.unlink(folder)
            else:
                with os.scandir(folder) as entries:
                    empty = next(entries, None) is None
                if empty:
                    os.rmdir(folder)


def _keep(old: str, new: str, copied: set[str] | None = None) -> int:
    """Carry an unchanged file over from the previous site; return its size. Where it
    cannot be linked it is copied, and ``new`` added to ``copied``."""
    try:
        os.link(old, new)
    except OSError:
        shutil.copyfile(old, new)
        if copied is not None:
            copied.add(new)
    return os.stat(new).st_size


def swap_in(staging: Path, output: Path, keep_old_as: Path | None = None) -> None:
    """Replace ``output`` by ``staging``; the old tree is removed only once replaced.

    On Linux the two directories are exchanged in one atomic ``renameat2`` call,
    so there is no moment without a complete site; the old tree is then kept as
    ``keep_old_as`` (when given and free) for the next build to update. Elsewhere
    two renames are used, and :func:`recover` puts the old site back if a kill fell
    between them.
    """
    staging.chmod(0o755)  # mkdtemp makes it private; a site is for reading
    if not output.exists():
        staging.rename(output)
        return
    if _exchange(staging, output):
        # staging now holds the old site
        if keep_old_as is not None and not keep_old_as.exists() and not keep_old_as.is_symlink():
            staging.rename(keep_old_as)
        else:
            shutil.rmtree(staging, ignore_errors=True)
        return
    retired = staging.with_name(staging.name.replace(".new-", ".old-", 1))
    output.rename(retired)
    try:
        staging.rename(output)
    except BaseException:
        retired.rename(output)  # put the previous site back
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _exchange_supported() -> bool:
    return sys.platform.startswith("linux")


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two directories (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # only here: a build into a new folder swaps nothing (issue 4: start-up)

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return result == 0


def recover(output: Path) -> None:
    """Undo what a killed build left beside the output: restore or remove temporaries."""
    output = output.resolve()
    if not output.parent.is_dir():
        return
    prefix_new, prefix_old = f".{output.name}.new-", f".{output.name}.old-"
    siblings = sorted(output.parent.iterdir())
    if not output.exists():
        # killed between the two renames of the fallback swap: the old site is complete
        for sibling in siblings:
            if sibling.is_dir() and sibling.name.startswith(prefix_old):
                sibling.rename(output)
                break
    for sibling in siblings:
        if (
            sibling.is_dir()
            and sibling.name.startswith((prefix_new, prefix_old))
            and sibling.exists()
        ):
            shutil.rmtree(sibling, ignore_errors=True)
