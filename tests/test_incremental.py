"""Incremental builds equal clean builds, whatever sequence of edits came before."""

from __future__ import annotations

import itertools
import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from annotarium import cache
from annotarium.pipeline import build_site
from annotarium.resources import builtin_templates
from conftest import SAMPLE_FILES, write_archive

SECOND_ARTICLE = """\
The Evening StarNews You Can Use

Ministers return to Geneva

Delegates gather outside the hall. (John Roe Star Agency)

Ana Lopez arrived in Geneva on Tuesday for a second round.

“Patience is a policy,” Lopez told reporters.
"""

SECOND_ANNOTATIONS = """\
text: seeds/star.txt
published: 2024-03-07
actors: [ana-lopez]
places: [geneva]
quotes:
  - text: Patience is a policy,
    speaker: ana-lopez
dates:
  - text: Tuesday
    date: 2024-03-05
    relative: true
    event: talks-resume
"""


def tree(root: Path) -> dict[str, bytes]:
    """The site's files and their bytes; build metadata (the cache and the load memo,
    whose pickles may share objects differently from one process to another) left out."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != cache.CACHE_FILE
            and ".annotarium-memo" not in p.relative_to(root).parts}


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edits(root: Path, rng: random.Random) -> list[Callable[[], None]]:
    article = root / "content" / "articles" / "planet.yaml"
    actors = root / "content" / "actors.yaml"

    def change_note() -> None:
        text = article.read_text(encoding="utf-8")
        start = text.index("body: ") + len("body: ")
        end = text.index("\n", start)
        article.write_text(text[:start] + f"Edited note {rng.randint(0, 999)}." + text[end:],
                           encoding="utf-8")

    def add_note() -> None:
        with article.open("a", encoding="utf-8") as handle:
            handle.write("  - text: officials said\n    body: Which officials?\n")

    def delete_quote() -> None:
        replace_in(article, "  - text: We are ready to listen.\n    speaker: ana-lopez\n", "")

    def change_actor() -> None:
        text = actors.read_text(encoding="utf-8")
        start = text.index("description: ") + len("description: ")
        end = text.index("\n", start)
        actors.write_text(text[:start] + f"Minister no. {rng.randint(0, 999)}." + text[end:],
                          encoding="utf-8")

    def rename_actor() -> None:
        replace_in(actors, "name: Ruritania", f"name: Ruritania {rng.randint(2, 9)}")

    def add_article() -> None:
        write_archive(root, {"seeds/star.txt": SECOND_ARTICLE,
                             "content/articles/star.yaml": SECOND_ANNOTATIONS})

    def delete_article() -> None:
        for name in ("seeds/star.txt", "content/articles/star.yaml"):
            (root / name).unlink(missing_ok=True)

    def override_template() -> None:
        target = root / "templates" / "base.html"
        target.parent.mkdir(exist_ok=True)
        base = (builtin_templates() / "base.html").read_text(encoding="utf-8")
        target.write_text(f"{{# local override {rng.randint(0, 999)} #}}\n{base}",
                          encoding="utf-8")

    def remove_template() -> None:
        shutil.rmtree(root / "templates", ignore_errors=True)

    def change_config() -> None:  # the page size too: lists of one to five pages
        (root / "annotarium.yaml").write_text(f"title: Archive {rng.randint(0, 999)}\n"
                                              f"page_size: {rng.choice((1, 2, 50))}\n",
                                              encoding="utf-8")

    def change_event() -> None:
        events = root / "content" / "events.yaml"
        replace_in(events, "title: Talks resume", f"title: Talks resume ({rng.randint(0, 9)})")

    def break_then_fix() -> None:
        replace_in(root / "content" / "topics.yaml", "description: Negotiations.",
                   "description: Negotiations and talks.")

    return [change_note, add_note, delete_quote, change_actor, rename_actor, add_article,
            delete_article, override_template, remove_template, change_config, change_event,
            break_then_fix]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_incremental_equals_clean_after_random_edits(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    # page_size 1: an actor's quotes and the articles that refer to a thing take a page each
    root = write_archive(tmp_path / "archive", {**SAMPLE_FILES,
                                                "annotarium.yaml": "title: Test\npage_size: 1\n"})
    incremental = tmp_path / "incremental"
    assert build_site(root, incremental).output is not None
    steps = edits(root, rng)
    for step in range(8):
        edit = rng.choice(steps)
        edit()
        result = build_site(root, incremental)
        clean = tmp_path / f"clean-{step}"
        expected = build_site(root, clean, clean=True)
        assert (result.output is None) == (expected.output is None), edit.__name__
        if expected.output is None:
            continue
        assert tree(incremental) == tree(clean), f"step {step}: {edit.__name__}"
        shutil.rmtree(clean)


def test_no_change_does_nothing_and_an_edit_writes_little(sample_archive: Path,
                                                          tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build_site(sample_archive, out)
    assert first.written == first.files
    again = build_site(sample_archive, out)
    assert again.unchanged and again.check is None
    replace_in(sample_archive / "content" / "articles" / "planet.yaml",
               "The talks had paused for a month.", "The talks had paused for weeks.")
    edited = build_site(sample_archive, out)
    assert edited.check is not None
    assert 0 < edited.written < edited.files / 2
    assert "paused for weeks" in (out / "articles" / "planet" / "index.html").read_text(
        encoding="utf-8")


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"format": 1}', b"\x00\xff" * 50,
                                    b'{"format":1,"version":"0","settings":"","inputs":{},'
                                    b'"pages":{}}'])
def test_a_damaged_cache_is_ignored(sample_archive: Path, tmp_path: Path, damage: bytes) -> None:
    out = tmp_path / "out"
    build_site(sample_archive, out)
    clean = tree(out)
    (out / cache.CACHE_FILE).write_bytes(damage)
    result = build_site(sample_archive, out)
    assert result.check is not None, "a damaged cache must not be trusted"
    assert tree(out) == clean


def test_a_cache_naming_missing_pages_is_ignored(sample_archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(sample_archive, out)
    (out / "about" / "index.html").unlink()
    result = build_site(sample_archive, out)
    assert result.check is not None
    assert (out / "about" / "index.html").is_file()


def test_clean_ignores_the_cache(sample_archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(sample_archive, out)
    result = build_site(sample_archive, out, clean=True)
    assert result.written == result.files


def test_exports_follow_edits_and_unchanged_ones_are_kept(sample_archive: Path,
                                                          tmp_path: Path) -> None:
    """The data exports are rebuilt with the pages: an edit rewrites the exports it changes
    and carries the others over (the same file, not a copy); nothing changed, nothing made."""
    out = tmp_path / "out"
    build_site(sample_archive, out)
    inode = {name: (out / "data" / name).stat().st_ino
             for name in ("archive.json", "events.ics", "actors.graphml")}
    assert build_site(sample_archive, out).unchanged
    replace_in(sample_archive / "content" / "articles" / "planet.yaml",
               "The talks had paused for a month.", "The talks had paused for weeks.")
    edited = build_site(sample_archive, out)
    assert edited.stage_seconds["export"] > 0
    assert "paused for weeks" in (out / "data" / "archive.json").read_text(encoding="utf-8")
    assert "paused for weeks" in (out / "data" / "annotations.jsonld").read_text("utf-8")
    assert (out / "data" / "archive.json").stat().st_ino != inode["archive.json"]
    assert (out / "data" / "events.ics").stat().st_ino == inode["events.ics"]
    assert (out / "data" / "actors.graphml").stat().st_ino == inode["actors.graphml"]
    clean = tmp_path / "clean"
    build_site(sample_archive, clean, clean=True)
    assert tree(out) == tree(clean)


# --- the load + anchor memo, input digests, the spare tree ------------------------------


def memo_file(out: Path, slug: str) -> Path:
    from annotarium.memo import memo_path

    return out / memo_path(slug)


@pytest.mark.parametrize(("seed", "page_size"), [(7, 50), (11, 1), (23, 2)])
def test_state_kept_in_memory_gives_clean_builds(tmp_path: Path, seed: int,
                                                 page_size: int) -> None:
    """What ``serve`` does: one output folder, the memo, the pages' keys, the registries
    and the record of the output and spare trees carried in memory."""
    from annotarium.pipeline import BuildState

    rng = random.Random(seed)
    root = write_archive(tmp_path / "archive", {
        **SAMPLE_FILES, "annotarium.yaml": f"title: Test\npage_size: {page_size}\n"})
    state = BuildState()
    incremental = tmp_path / "incremental"
    assert build_site(root, incremental, state=state).output is not None
    steps = edits(root, rng)
    for step in range(12):
        edit = rng.choice(steps)
        edit()
        result = build_site(root, incremental, state=state)
        clean = tmp_path / f"clean-{step}"
        expected = build_site(root, clean, clean=True)
        assert (result.output is None) == (expected.output is None), edit.__name__
        if expected.output is not None:
            assert tree(incremental) == tree(clean), f"step {step}: {edit.__name__}"
        shutil.rmtree(clean, ignore_errors=True)


def test_serve_state_links_only_the_edited_article(sample_archive: Path,
                                                  tmp_path: Path) -> None:
    """The link stage's memo: an unchanged article's passages are reused, not re-made,
    and the graph is the one a fresh link gives."""
    from annotarium.link import link
    from annotarium.pipeline import BuildState

    write_archive(sample_archive, {"seeds/star.txt": SECOND_ARTICLE,
                                   "content/articles/star.yaml": SECOND_ANNOTATIONS})
    out = tmp_path / "out"
    state = BuildState()
    build_site(sample_archive, out, state=state)
    assert state.links is not None and state.links.hits == 0
    replace_in(sample_archive / "content" / "articles" / "planet.yaml",
               "The talks had paused for a month.", "The talks had paused for weeks.")
    edited = build_site(sample_archive, out, state=state)
    assert state.links.hits == 1  # star's passages were kept; planet was linked again
    assert sorted(state.links.articles) == ["planet", "star"]
    assert edited.check is not None and edited.check.linked is not None
    assert edited.check.linked == link(edited.check.linked.anchored)
    assert "paused for weeks" in (out / "articles" / "planet" / "index.html").read_text("utf-8")


def test_serve_state_updates_the_graph_of_changed_articles_as_a_fresh_link_makes_it(
        sample_archive: Path) -> None:
    """The link stage's tables, updated for the changed articles only, equal a fresh
    link of the same archive, edit after edit: a speaker, a mention, an event's date
    reference and a listed actor removed and restored, then the events registry."""
    from annotarium.link import link
    from annotarium.pipeline import BuildState, check_archive

    write_archive(sample_archive, {"seeds/star.txt": SECOND_ARTICLE,
                                   "content/articles/star.yaml": SECOND_ANNOTATIONS})
    actors = sample_archive / "content" / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8") + "zembla:\n  name: Zembla\n"
                      "  kind: government\n  description: A country.\n",
                      encoding="utf-8")  # named in no text
    planet = sample_archive / "content" / "articles" / "planet.yaml"
    star = sample_archive / "content" / "articles" / "star.yaml"
    state = BuildState()
    result = check_archive(sample_archive, state=state)
    steps = [
        (planet, "    speaker: ana-lopez\n    kind: partial",
         "    speaker: ruritania\n    kind: partial"),
        (star, "actors: [ana-lopez]", "actors: [ana-lopez, ruritania]"),
        (star, "    event: talks-resume\n", ""),
        (star, "actors: [ana-lopez, ruritania]", "actors: [ana-lopez, zembla]"),
        (star, "actors: [ana-lopez, zembla]", "actors: [ana-lopez]"),  # a pair gone
        (planet, "  - text: We are ready to talk,\n    speaker: ana-lopez\n", ""),
        (star, "    relative: true\n", "    relative: true\n    event: talks-resume\n"),
        (planet, "topics: [talks]", "topics: []"),
    ]
    for number, (path, old, new) in enumerate(steps, start=1):
        replace_in(path, old, new)
        result = check_archive(sample_archive, memo=result.memo, state=state)
        assert result.ok and result.linked is not None
        assert state.links is not None and state.links.updates == number
        assert result.linked == link(result.linked.anchored), f"step {number}"
    # an actor's description: the same ids, so the tables are kept
    replace_in(sample_archive / "content" / "actors.yaml", "description: A country.",
               "description: A small country.")
    result = check_archive(sample_archive, memo=result.memo, state=state)
    assert result.linked is not None and state.links.updates == len(steps) + 1
    assert result.linked == link(result.linked.anchored)
    replace_in(sample_archive / "content" / "events.yaml", "actors: [ana-lopez, ruritania]",
               "actors: [ruritania]")  # what the tables take from a registry: gathered afresh
    result = check_archive(sample_archive, memo=result.memo, state=state)
    assert result.linked is not None and state.links.updates == len(steps) + 1
    assert result.linked == link(result.linked.anchored)


def test_serve_state_checks_again_an_article_whose_links_changed_meaning(
        sample_archive: Path) -> None:
    """The checks across files, kept per article: an unchanged article is not checked
    again, unless the ids it may name changed (here: the article its note links to)."""
    from annotarium.pipeline import BuildState, check_archive

    planet = sample_archive / "content" / "articles" / "planet.yaml"
    replace_in(planet, "The talks had paused for a month.",
               "The talks had paused for a month. [Later](article:star)")
    state = BuildState()
    first = check_archive(sample_archive, state=state)
    assert [d.message for d in first.diagnostics.errors] == [
        "a link in the note points at an unknown article 'star'"]
    again = check_archive(sample_archive, memo=first.memo, state=state)
    assert state.references is not None and state.references.hits == 1
    assert [d.format() for d in again.diagnostics.items] == \
        [d.format() for d in first.diagnostics.items]
    write_archive(sample_archive, {"seeds/star.txt": SECOND_ARTICLE,
                                   "content/articles/star.yaml": SECOND_ANNOTATIONS})
    added = check_archive(sample_archive, memo=again.memo, state=state)
    assert added.memo is not None and added.memo.hits == 1  # planet itself was not reloaded
    assert state.references.hits == 1  # but it was checked again: 'star' now exists
    assert added.ok, [d.format() for d in added.diagnostics.errors]


def test_serve_state_keeps_whole_archive_and_entity_pages_while_their_inputs_are_equal(
        sample_archive: Path, tmp_path: Path) -> None:
    """The page memo: a note edit leaves the inputs of the timeline, the quotes index and
    the actor, place and topic pages equal (notes show only on their article's page), so
    they are carried over unbuilt; a date edit changes the timeline's and those of the
    entity pages that refer to the article, and they are made again, as a clean build
    makes them; a quote edit changes its speaker's page."""
    from annotarium.pipeline import BuildState

    out, state = tmp_path / "out", BuildState()
    timeline = out / "timeline" / "index.html"
    build_site(sample_archive, out, state=state)
    entity_pages = sorted(p.relative_to(out) for folder in ("actors", "places", "topics")
                          for p in (out / folder).glob("*/index.html"))
    assert len(entity_pages) == 4  # ana-lopez, ruritania, geneva, talks: all in planet
    before = timeline.stat().st_ino
    article = sample_archive / "content" / "articles" / "planet.yaml"
    replace_in(article, "The talks had paused for a month.", "The talks had paused for weeks.")
    build_site(sample_archive, out, state=state)
    assert state.pages is not None and state.pages.hits == 2 + 4
    assert timeline.stat().st_ino == before
    replace_in(article, "date: 2024-03-05", "date: 2024-03-12")
    build_site(sample_archive, out, state=state)
    # the quotes index kept again; the timeline and the four entity pages made again (to
    # the same bytes here: the timeline shows the event's own date)
    assert state.pages.hits == 2 + 4 + 1
    clean = tmp_path / "clean"
    build_site(sample_archive, clean, clean=True)
    assert tree(out) == tree(clean)
    ana = out / "actors" / "ana-lopez" / "index.html"
    said = ana.read_bytes()
    replace_in(article, "    speaker: ana-lopez\n    kind: partial",
               "    speaker: ruritania\n    kind: partial")
    build_site(sample_archive, out, state=state)
    assert ana.read_bytes() != said  # one quote fewer
    shutil.rmtree(clean)
    build_site(sample_archive, clean, clean=True)
    assert tree(out) == tree(clean)


def test_serve_state_remembers_pages_made_in_forked_workers(
        sample_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """serve's first build runs before its server thread starts, so its pages may be made
    in forked workers: the keys are still made and remembered in the main process."""
    import threading

    from annotarium import render_jobs
    from annotarium.pipeline import BuildState

    if threading.active_count() > 1 or (os.cpu_count() or 1) < 2:
        pytest.skip("pages are made in forked workers only on several cores, with no thread")
    monkeypatch.setattr(render_jobs, "PARALLEL_MIN_PAGES", 2)
    out, state = tmp_path / "out", BuildState()
    build_site(sample_archive, out, state=state)
    assert state.pages is not None and "timeline/index.html" in state.pages.pages
    replace_in(sample_archive / "content" / "articles" / "planet.yaml",
               "The talks had paused for a month.", "The talks had paused for weeks.")
    build_site(sample_archive, out, state=state)
    assert state.pages.hits == 2 + 4  # the timeline, the quotes index, the entity pages


def test_pages_made_in_workers_and_the_streamed_timeline_are_those_made_in_one_process(
        sample_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large build makes its pages in forked workers but the timeline in the main
    process, written as it is made (see render_jobs.run_jobs): the same bytes."""
    import threading

    from annotarium import render_jobs

    if threading.active_count() > 1 or (os.cpu_count() or 1) < 2:
        pytest.skip("pages are made in forked workers only on several cores, with no thread")
    serial = tmp_path / "serial"
    build_site(sample_archive, serial, clean=True)
    streamed: list[str] = []
    original = render_jobs.encoded

    def counting(pieces: object, size: int = 1 << 18) -> object:
        streamed.append("timeline")
        return original(pieces, 64)  # type: ignore[arg-type]

    monkeypatch.setattr(render_jobs, "PARALLEL_MIN_PAGES", 2)
    monkeypatch.setattr("annotarium.render.encoded", counting)
    forked = tmp_path / "forked"
    build_site(sample_archive, forked, clean=True)
    assert streamed == ["timeline"]
    assert tree(forked) == tree(serial)


def test_serve_state_rebuilds_only_the_page_of_an_actor_whose_description_changed(
        sample_archive: Path, tmp_path: Path) -> None:
    """A description shows only on its entry's own page; a longer one moves the lines of
    the entries below it, which no page shows either."""
    from annotarium.pipeline import BuildState

    out, state = tmp_path / "out", BuildState()
    build_site(sample_archive, out, state=state)
    replace_in(sample_archive / "content" / "actors.yaml",
               "description: Foreign minister of Ruritania.",
               "description: >-\n    Foreign minister of Ruritania,\n    since 2021.")
    build_site(sample_archive, out, state=state)
    # ruritania, geneva and talks kept, and the timeline and quotes index (which show
    # actors' names, not their descriptions); ana-lopez made again
    assert state.pages is not None and state.pages.hits == 3 + 2
    assert "since 2021" in (out / "actors" / "ana-lopez" / "index.html").read_text("utf-8")
    clean = tmp_path / "clean"
    build_site(sample_archive, clean, clean=True)
    assert tree(out) == tree(clean)


def test_serve_state_keeps_the_later_pages_of_lists_on_a_note_edit(tmp_path: Path) -> None:
    from annotarium.pipeline import BuildState

    root = write_archive(tmp_path / "archive", {**SAMPLE_FILES,
                                                "annotarium.yaml": "title: T\npage_size: 1\n"})
    out, state = tmp_path / "out", BuildState()
    build_site(root, out, state=state)
    later = list(out.rglob("*-[0-9].html"))
    assert len(later) == 2  # ana-lopez's three quotes, one a page
    article = root / "content" / "articles" / "planet.yaml"
    replace_in(article, "The talks had paused for a month.", "The talks had paused for weeks.")
    build_site(root, out, state=state)
    # timeline, quotes index, four entity pages, every later page: none made again
    assert state.pages is not None and state.pages.hits == 2 + 4 + len(later)
    replace_in(article, "  - text: We are ready to listen.\n    speaker: ana-lopez\n", "")
    build_site(root, out, state=state)
    assert state.pages.hits < 2 * (2 + 4 + len(later))  # the quote's pages made again
    clean = tmp_path / "clean"
    build_site(root, clean, clean=True)
    assert tree(out) == tree(clean)


def test_serve_state_rereads_a_cache_file_it_did_not_write(sample_archive: Path,
                                                          tmp_path: Path) -> None:
    from annotarium.cache import CACHE_FILE
    from annotarium.pipeline import BuildState

    out = tmp_path / "out"
    state = BuildState()
    build_site(sample_archive, out, state=state)
    assert state.cache is not None
    # another writer replaced the cache: the copy in memory is no longer trusted
    (out / CACHE_FILE).write_bytes(b"{")
    rebuilt = build_site(sample_archive, out, state=state)
    assert not rebuilt.unchanged  # the damaged cache was read, and ignored
    assert build_site(sample_archive, out, state=state).unchanged


def test_an_edit_reloads_only_its_article(sample_archive: Path, tmp_path: Path) -> None:
    write_archive(sample_archive, {"seeds/star.txt": SECOND_ARTICLE,
                                   "content/articles/star.yaml": SECOND_ANNOTATIONS})
    out = tmp_path / "out"
    build_site(sample_archive, out)
    assert memo_file(out, "planet").is_file() and memo_file(out, "star").is_file()
    replace_in(sample_archive / "content" / "articles" / "planet.yaml",
               "The talks had paused for a month.", "The talks had paused for weeks.")
    edited = build_site(sample_archive, out)
    assert edited.check is not None and edited.check.memo is not None
    assert edited.check.memo.hits == 1  # star came from the memo, planet was loaded again
    # the star article's page was skipped by its inputs: neither built nor written again
    assert edited.written < edited.files / 2


def stale_memo(sample_archive: Path, out: Path) -> bytes:
    """The memo file of 'planet' from before an edit that the output now reflects."""
    build_site(sample_archive, out)
    old = memo_file(out, "planet").read_bytes()
    replace_in(sample_archive / "content" / "articles" / "planet.yaml",
               "The talks had paused for a month.", "The talks had paused for weeks.")
    build_site(sample_archive, out)
    return old


@pytest.mark.parametrize("damage", ["stale", "truncated", "garbage", "empty", "forged digest",
                                    "other version", "older format", "other layout",
                                    "wrong type"])
def test_a_damaged_or_stale_memo_is_ignored(sample_archive: Path, tmp_path: Path,
                                            damage: str) -> None:
    import hashlib
    import json
    import pickle

    out = tmp_path / "out"
    old = stale_memo(sample_archive, out)
    target = memo_file(out, "planet")
    current = target.read_bytes()
    header, _, payload = current.partition(b"\n")
    fields = json.loads(header)
    if damage == "stale":  # the memo of the article before the edit
        blob = old
    elif damage == "truncated":
        blob = current[: len(current) // 2]
    elif damage == "garbage":
        blob = b"\x00\xff" * 64
    elif damage == "empty":
        blob = b""
    elif damage == "forged digest":
        blob = header + b"\n" + payload[:-10] + b"0123456789"
    elif damage == "other version":
        fields["key"][0] = "0.0.0"
        blob = json.dumps(fields).encode() + b"\n" + payload
    elif damage == "older format":  # format 1 pickled the model's objects as dicts
        fields["format"] = 1
        blob = json.dumps(fields).encode() + b"\n" + payload
    elif damage == "other layout":  # made while the model's classes had other fields
        fields["layout"] = "0" * 16
        blob = json.dumps(fields).encode() + b"\n" + payload
    else:  # a valid digest over a payload of the wrong shape
        bad = pickle.dumps(("not", "an", "article", []))
        fields["digest"] = hashlib.blake2b(bad, digest_size=32).hexdigest()
        blob = json.dumps(fields).encode() + b"\n" + bad
    target.write_bytes(blob)
    (out / cache.CACHE_FILE).unlink()  # force a build that reads the memo
    result = build_site(sample_archive, out)
    assert result.output is not None and result.check is not None
    assert result.check.memo is not None and result.check.memo.hits == 0
    clean = tmp_path / "clean"
    build_site(sample_archive, clean, clean=True)
    assert tree(out) == tree(clean)
    assert "paused for weeks" in (out / "articles" / "planet" / "index.html").read_text(
        encoding="utf-8")


def test_view_digests_do_not_depend_on_shared_objects() -> None:
    """Forked and in-process renders share different parts of equal views (issue: 401 of
    2,408 page digests differed); the digest must depend on values only."""
    from annotarium.render_context import EntityRef, PageMeta
    from annotarium.render_jobs import view_digest

    name = "".join(["Ana ", "Lopez"])
    shared = (EntityRef("actor", "ana", name, "actors/ana/index.html"),
              EntityRef("actor", "ana", name, "actors/ana/index.html"))
    copied = (EntityRef("actor", "ana", "".join(["Ana ", "Lopez"]), "actors/ana/index.html"),
              EntityRef("actor", "ana", "".join(["Ana", " Lopez"]), "actors/ana/index.html"))
    assert shared[0].name is shared[1].name and copied[0].name is not copied[1].name
    meta = PageMeta("actor", "actors/ana/index.html", "Ana", "Ana.")
    assert view_digest("s", "t.html", meta, None, {"refs": shared}) == \
        view_digest("s", "t.html", meta, None, {"refs": copied})


def test_the_spare_tree_is_brought_up_to_date_whatever_it_holds(sample_archive: Path,
                                                                tmp_path: Path) -> None:
    from annotarium.pipeline import BuildState
    from annotarium.write import spare_of

    out = tmp_path / "out"
    state = BuildState()  # as serve does: the spare tree is kept only for such a caller
    build_site(sample_archive, out, state=state)
    replace_in(sample_archive / "content" / "articles" / "planet.yaml",
               "The talks had paused for a month.", "The talks had paused for weeks.")
    build_site(sample_archive, out, state=state)
    spare = spare_of(out)
    assert spare.is_dir()  # the previous site, kept to be updated by the next build
    # damage the spare: a stray file, a stray folder, a page with other content
    (spare / "stray.html").write_text("stray", encoding="utf-8")
    (spare / "stray" / "deep").mkdir(parents=True)
    about = spare / "about" / "index.html"
    about.unlink()
    about.write_text("wrong", encoding="utf-8")
    (spare / "articles" / "planet" / "index.html").unlink()
    # serve trusts its own record of the two trees (see the next test); a spare it has no
    # record of (left by another session, or meddled with) is checked file by file
    state.site = None
    replace_in(sample_archive / "content" / "articles" / "planet.yaml",
               "The talks had paused for weeks.", "The talks had paused for days.")
    build_site(sample_archive, out, state=state)
    clean = tmp_path / "clean"
    build_site(sample_archive, clean, clean=True)
    assert tree(out) == tree(clean)
    assert not (out / "stray.html").exists() and not (out / "stray").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.spare", "archive", "clean",
                                                          "out"]


def test_serve_updates_the_spare_from_its_record_without_a_stat_per_file(
        sample_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from annotarium import write
    from annotarium.pipeline import BuildState

    out = tmp_path / "out"
    spare = write.spare_of(out)
    state = BuildState()
    planet = sample_archive / "content" / "articles" / "planet.yaml"
    sentences = ["The talks had paused for a month.", "The talks had paused for weeks.",
                 "The talks had paused for days.", "The talks had paused.",
                 "The talks had paused for a month.", "The talks had paused for years."]

    def rebuild(step: int) -> list[str]:
        """Build after an edit; the spare's files that the write stage stat-ed."""
        checked: list[str] = []
        real_lstat = write.os.lstat
        monkeypatch.setattr(write.os, "lstat", lambda p, *a, **k: (checked.append(str(p)),
                                                                  real_lstat(p, *a, **k))[1])
        result = build_site(sample_archive, out, state=state)
        monkeypatch.undo()
        assert result.check is not None and result.check.ok
        clean = tmp_path / f"clean{step}"
        build_site(sample_archive, clean, clean=True)
        assert tree(out) == tree(clean)
        return [p for p in checked if p.startswith(f"{spare}/")]

    build_site(sample_archive, out, state=state)
    # an article added then removed: the spare loses pages, and the folders left empty
    for step, (old, new) in enumerate(itertools.pairwise(sentences[:-1])):
        replace_in(planet, old, new)
        if step == 1:
            write_archive(sample_archive, {"seeds/star.txt": SECOND_ARTICLE,
                                           "content/articles/star.yaml": SECOND_ANNOTATIONS})
        if step == 3:
            for name in ("seeds/star.txt", "content/articles/star.yaml"):
                (sample_archive / name).unlink()
        # the first build left a spare of links and a record of it: no file is stat-ed
        assert rebuild(step) == []
        assert state.site is not None and state.site.spare == frozenset(
            str(p.relative_to(spare)) for p in spare.rglob("*")
            if p.is_file() and p.name != write.MARKER)
        # no folder is left empty in the spare
        assert all(any(f.iterdir()) for f in spare.rglob("*") if f.is_dir())
    assert not (out / "articles" / "star").exists()
    # without the record, each file of the spare is checked
    state.site = None
    replace_in(planet, sentences[-2], sentences[-1])
    assert len(rebuild(len(sentences))) > 20


def test_a_plain_build_leaves_nothing_beside_the_output(sample_archive: Path,
                                                       tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(sample_archive, out)
    replace_in(sample_archive / "content" / "articles" / "planet.yaml",
               "The talks had paused for a month.", "The talks had paused for weeks.")
    build_site(sample_archive, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive", "out"]


def test_an_edit_rewrites_no_unchanged_static_file(sample_archive: Path, tmp_path: Path) -> None:
    """Static files and the search's shard list are carried over (the same inode: linked
    from the previous site) unless their bytes change."""
    out = tmp_path / "out"
    build_site(sample_archive, out)
    kept = ("static/site.css", "static/search.js", "pagefind/shards.json")
    before = {name: (out / name).stat().st_ino for name in kept}
    replace_in(sample_archive / "content" / "articles" / "planet.yaml",
               "The talks had paused for a month.", "The talks had paused for weeks.")
    build_site(sample_archive, out)
    assert {name: (out / name).stat().st_ino for name in kept} == before
    # an archive's own stylesheet (a template change: every page is made again)
    own = sample_archive / "templates" / "static" / "site.css"
    own.parent.mkdir(parents=True)
    own.write_text("body { color: #111; }\n", encoding="utf-8")
    build_site(sample_archive, out)
    assert (out / "static" / "site.css").read_text(encoding="utf-8") == own.read_text("utf-8")
    clean = tmp_path / "clean"
    build_site(sample_archive, clean, clean=True)
    assert tree(out) == tree(clean)
