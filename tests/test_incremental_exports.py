"""The data exports and the whole-archive pictures follow edits: remade only in part,
byte-identical to a clean build, and a damaged export index or picture cache is ignored."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from annotarium import __version__, export_cache, render_pictures
from annotarium.export import EXPORTS
from annotarium.export_cache import INDEX_FILE
from annotarium.pipeline import BuildState, build_site
from annotarium.render_picture_cache import PICTURES_FILE
from conftest import SAMPLE_FILES, SAMPLE_TEXT, write_archive
from test_incremental import SECOND_ANNOTATIONS, SECOND_ARTICLE, replace_in, tree

EXPORT_PATHS = [path for path, _ in EXPORTS]
PICTURE_PAGES = ["index.html", "actors/index.html", "timeline/index.html"]


def archive(root: Path) -> Path:
    """The sample archive with two more articles (three shares in every export)."""
    moon = str(SAMPLE_FILES["content/articles/planet.yaml"]).replace(
        "seeds/planet.txt", "seeds/moon.txt")
    return write_archive(root, {**SAMPLE_FILES, "seeds/moon.txt": SAMPLE_TEXT,
                                "content/articles/moon.yaml": moon,
                                "seeds/star.txt": SECOND_ARTICLE,
                                "content/articles/star.yaml": SECOND_ANNOTATIONS})


def edits(root: Path) -> list[tuple[str, Callable[[], None]]]:
    planet = root / "content" / "articles" / "planet.yaml"
    moon = root / "content" / "articles" / "moon.yaml"
    content = root / "content"

    def add_article() -> None:
        write_archive(root, {"seeds/extra.txt": SECOND_ARTICLE,
                             "content/articles/extra.yaml": SECOND_ANNOTATIONS.replace(
                                 "seeds/star.txt", "seeds/extra.txt")})

    return [
        ("note", lambda: replace_in(planet, "paused for a month.", "paused for weeks.")),
        ("add note", lambda: planet.write_text(
            planet.read_text(encoding="utf-8")
            + "  - text: officials said\n    body: Which officials?\n", encoding="utf-8")),
        ("quote", lambda: replace_in(moon, "  - text: We are ready to listen.\n"
                                     "    speaker: ana-lopez\n", "")),
        ("speaker", lambda: replace_in(moon, "speaker: ana-lopez\n    kind: partial",
                                       "speaker: ruritania\n    kind: partial")),
        ("actor description", lambda: replace_in(content / "actors.yaml", "A country.",
                                                 "A small country.")),
        ("actor name", lambda: replace_in(content / "actors.yaml", "name: Ruritania",
                                          "name: Ruritania Republic")),
        ("event", lambda: replace_in(content / "events.yaml", "date: 2024-03-05",
                                     "date: 2024-03")),
        ("article added", add_article),
        ("article removed", lambda: [(root / name).unlink() for name in
                                     ("content/articles/star.yaml", "seeds/star.txt")]),
        ("base url", lambda: (root / "annotarium.yaml").write_text(
            "title: Test archive\nbase_url: https://example.org/archive/\n", encoding="utf-8")),
    ]


def compared(root: Path) -> dict[str, bytes]:
    files = tree(root)
    return {name: files[name] for name in [*EXPORT_PATHS, *PICTURE_PAGES, INDEX_FILE,
                                           PICTURES_FILE]}


@pytest.mark.parametrize("in_memory", [False, True], ids=["cli", "serve"])
def test_exports_and_pictures_equal_a_clean_build_after_each_edit(tmp_path: Path,
                                                                  in_memory: bool) -> None:
    root = archive(tmp_path / "archive")
    out = tmp_path / "out"
    state = BuildState() if in_memory else None
    assert build_site(root, out, state=state).output is not None
    for name, edit in edits(root):
        edit()
        result = build_site(root, out, state=state)
        assert result.output is not None, name
        if in_memory:
            assert state is not None and state.exports is result.exports
        clean = tmp_path / "clean"
        build_site(root, clean, clean=True)
        assert compared(out) == compared(clean), name
        assert tree(out) == tree(clean), name
        shutil.rmtree(clean)


def count_calls(monkeypatch: pytest.MonkeyPatch, module: object, name: str,
                key: Callable[..., str]) -> Counter[str]:
    calls: Counter[str] = Counter()
    original = getattr(module, name)

    def counting(*args: object, **kwargs: object) -> object:
        calls[key(*args, **kwargs)] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


def test_an_edit_remakes_only_its_articles_share(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = archive(tmp_path / "archive")
    out = tmp_path / "out"
    build_site(root, out)
    entries = count_calls(monkeypatch, export_cache, "article_entry", lambda a: a.slug)
    # an article's annotation records are made for each file that shows them, not kept
    records = count_calls(monkeypatch, export_cache, "annotation_records",
                          lambda a, *kinds, **options: a.slug)
    shapes = count_calls(monkeypatch, export_cache, "link_shape", lambda a: a.slug)
    registries = count_calls(monkeypatch, export_cache, "registry_data",
                             lambda linked, *rest, **options: "all")
    inodes = {path: (out / path).stat().st_ino for path in EXPORT_PATHS}

    replace_in(root / "content" / "articles" / "planet.yaml", "paused for a month.",
               "paused for weeks.")
    result = build_site(root, out)
    assert result.output is not None
    assert entries == {"planet": 1}, "only the edited article's share is made"
    assert set(records) == {"planet"}
    assert shapes == {"planet": 1}
    assert not registries, "a note's words do not change the archive-wide part"
    changed = {path for path in EXPORT_PATHS if (out / path).stat().st_ino != inodes[path]}
    assert changed == {"data/archive.json", "data/annotations.jsonld"}
    assert "paused for weeks" in (out / "data" / "archive.json").read_text(encoding="utf-8")
    pictures = json.loads((out / PICTURES_FILE).read_text(encoding="utf-8"))["pictures"]
    assert len(pictures) == 3

    # a new mention of an actor changes the archive-wide part, still one share
    entries.clear()
    records.clear()
    shapes.clear()
    replace_in(root / "content" / "articles" / "moon.yaml", "speaker: ana-lopez\n    kind:",
               "speaker: ruritania\n    kind:")
    build_site(root, out)
    assert entries == {"moon": 1}
    assert set(records) == {"moon"}
    assert shapes == {"moon": 1}
    assert registries == {"all": 1}


def test_pictures_are_drawn_only_when_their_data_changes(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    root = archive(tmp_path / "archive")
    out = tmp_path / "out"
    build_site(root, out)
    drawn: Counter[str] = Counter()
    for method in ("_home", "_network", "_timeline"):
        original = getattr(render_pictures.Pictures, method)

        def counting(self: object, path: str, _original=original, _name=method) -> object:
            drawn[_name] += 1
            return _original(self, path)

        monkeypatch.setattr(render_pictures.Pictures, method, counting)
    replace_in(root / "content" / "articles" / "planet.yaml", "paused for a month.",
               "paused for weeks.")
    build_site(root, out)
    assert not drawn, "a note's words change no picture"
    replace_in(root / "content" / "events.yaml", "title: Talks resume", "title: Talks go on")
    build_site(root, out)
    assert drawn == {"_timeline": 1}
    clean = tmp_path / "clean"
    build_site(root, clean, clean=True)
    assert tree(out) == tree(clean)


def damage_index(out: Path) -> None:
    head, _, body = (out / INDEX_FILE).read_bytes().partition(b"\n")
    data = json.loads(body)
    for entry in data["files"].values():  # every piece now points at the wrong bytes
        entry["pieces"] = [[key, 0, length, digest]
                           for key, _, length, digest in entry["pieces"]]
    (out / INDEX_FILE).write_bytes(head + b"\n" + json.dumps(data).encode())


def out_of_range() -> bytes:
    """A well-formed index (right digest) whose piece lies beyond its file's end."""
    body = (b'{"files":{"data/archive.json":{"key":"x","size":1,"crc":0,'
            b'"pieces":[["a",5,9,"d"]]}},"shapes":{}}')
    head = {"format": 1, "version": __version__,
            "digest": hashlib.blake2b(body, digest_size=32).hexdigest()}
    return json.dumps(head).encode() + b"\n" + body


def garble_export(out: Path) -> None:
    """The same size, other bytes: only the checksum can tell."""
    target = out / "data" / "archive.json"
    content = target.read_bytes()
    target.unlink()  # the file may be a link into another tree: never write through it
    target.write_bytes(content.replace(b"Ana Lopez", b"Bob Smith"))


@pytest.mark.parametrize("damage", [
    lambda out: (out / INDEX_FILE).write_bytes(b""),
    lambda out: (out / INDEX_FILE).write_bytes(b"{not json"),
    lambda out: (out / INDEX_FILE).write_bytes(b'{"format":1,"version":"0","digest":""}\n{}'),
    lambda out: (out / INDEX_FILE).write_bytes(out_of_range()),
    damage_index,
    garble_export,
    lambda out: (out / PICTURES_FILE).write_bytes(b"\x00\xff" * 40),
    lambda out: (out / PICTURES_FILE).write_text(
        (out / PICTURES_FILE).read_text(encoding="utf-8").replace("<svg", "<svg data-x=\"1\""),
        encoding="utf-8"),
], ids=["empty", "not json", "stale", "out of range", "wrong offsets", "garbled export",
        "garbled pictures", "edited pictures"])
def test_a_damaged_export_index_or_picture_cache_is_ignored(tmp_path: Path,
                                                            damage: Callable[[Path], None]
                                                            ) -> None:
    root = archive(tmp_path / "archive")
    out = tmp_path / "out"
    build_site(root, out)
    damage(out)
    replace_in(root / "content" / "articles" / "planet.yaml", "paused for a month.",
               "paused for weeks.")
    replace_in(root / "content" / "events.yaml", "title: Talks resume", "title: Talks go on")
    assert build_site(root, out).output is not None
    clean = tmp_path / "clean"
    build_site(root, clean, clean=True)
    assert tree(out) == tree(clean)


def test_without_a_previous_file_each_piece_is_made_as_it_is_written() -> None:
    """A large export is never whole in memory in a clean build: a piece is made when the
    writer takes its chunk, and the file's key and index, known only then, are those an
    eager assembly (which compares with the previous file first) gives."""
    from annotarium.export_cache import Listing, Piece, _Assembly

    made: list[int] = []

    def piece(n: int, data: bytes) -> Piece:
        return Piece(f"piece {n}", lambda: (made.append(n), data)[1])

    plan = [b"{", Listing((piece(1, b"a"), piece(2, b""), piece(3, b"ccc"))), b",",
            Listing((piece(4, b""),)), piece(5, b"e"), b"}"]
    lazy = _Assembly("data/x.json", plan, {}, lazy=True)
    assert lazy.key is None and not made
    chunks = lazy.chunks(None)
    taken = [next(chunks), next(chunks)]  # '{' and the listing's opening
    assert made == [1]
    taken.extend(chunks)
    assert made == [1, 2, 3, 4, 5]
    content = b"".join(taken)
    assert content == b"{[\na,\nccc\n],[]e}"
    made.clear()
    eager = _Assembly("data/x.json", plan, {})
    assert made == [1, 2, 3, 4, 5] and eager.key is not None
    assert b"".join(eager.chunks(None)) == content  # type: ignore[arg-type]
    assert (lazy.key, lazy.size, lazy.crc, lazy.where) == (
        eager.key, eager.size, eager.crc, eager.where)
    assert lazy.size == len(content) and list(lazy.where) == [
        "piece 1", "piece 3", "piece 2", "piece 4", "piece 5"]
