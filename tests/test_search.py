"""Search: the records, the shards, the Pagefind bundle and the build's handling of them.

The browser side (typing a query, opening a result) is in test_browser.py."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotarium import search_pagefind
from annotarium.pipeline import build_site, check_archive
from annotarium.search import (
    ARTICLES_PER_SHARD,
    plan_shards,
    shard_count,
    shard_of,
    shard_records,
)
from annotarium.search_pagefind import canonical_bundle, cbor_decode, cbor_encode
from conftest import REPO
from htmltree import parse_file
from sitebuild import build_bundled, html_pages

needs_pagefind = pytest.mark.skipif(
    not search_pagefind.pagefind_available(), reason="pagefind[bin] is not installed"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bundled(tmp_path_factory.mktemp("site"))


@pytest.fixture
def sharded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small archives as large ones: a primary shard and article shards (a small archive
    is otherwise indexed as one bundle)."""
    monkeypatch.setattr("annotarium.search.SINGLE_BUNDLE_ARTICLES", 0)


@pytest.fixture(scope="module")
def shards():  # type: ignore[no-untyped-def]
    """The bundled archive's shards, planned as a large archive's (article shards)."""
    checked = check_archive(REPO)
    assert checked.linked is not None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("annotarium.search.SINGLE_BUNDLE_ARTICLES", 0)
        return {s: shard_records(s, checked.linked) for s in plan_shards(checked.linked, "test")}


def _records(shards, kind: str):  # type: ignore[no-untyped-def]
    return [r for s in shards for r in shards[s] if dict(r.meta)["kind"] == kind]


# --- records ---------------------------------------------------------------------------


def test_every_kind_has_records_with_kind_and_title(shards) -> None:  # type: ignore[no-untyped-def]
    for kind in ("article", "quote", "note", "actor", "event"):
        records = _records(shards, kind)
        assert records, kind
        for record in records:
            meta, filters = dict(record.meta), dict(record.filters)
            assert meta["title"] and filters["kind"] == (kind,)


def test_annotation_records_link_to_an_element_with_that_id(shards, site: Path) -> None:  # type: ignore[no-untyped-def]
    pages: dict[str, set[str]] = {}
    for kind in ("quote", "note", "event", "article", "actor"):
        for record in _records(shards, kind):
            path, _, fragment = record.url.partition("#")
            assert (site / path).is_file(), record.url
            if fragment:
                if path not in pages:
                    pages[path] = {
                        e.attrs["id"] for e in parse_file(site / path).iter() if "id" in e.attrs
                    }
                assert fragment in pages[path], record.url


def test_quote_records_carry_speaker_article_year_and_topics(shards) -> None:  # type: ignore[no-untyped-def]
    quote = next(
        r
        for r in _records(shards, "quote")
        if r.url.endswith("#quote-regardless-of-your-views-about")
    )
    filters = dict(quote.filters)
    assert filters["speaker"] == ("Evans Revere",)
    assert "Evans Revere" in filters["actor"]
    assert filters["year"] == ("2020",)
    assert filters["article"][0].startswith("Trump upended three decades")
    assert filters["topic"]
    assert "Regardless of your views" in quote.content
    assert "Evans Revere" in quote.content  # found by the speaker's name too


def test_event_and_actor_records_live_in_the_primary_shard(shards) -> None:  # type: ignore[no-untyped-def]
    primary, *others = shards
    assert primary.primary and primary.folder == "pagefind"
    assert {dict(r.meta)["kind"] for r in shards[primary]} == {"actor", "event"}
    assert all(not s.primary and s.folder.startswith("pagefind/a") for s in others)


def test_shard_count_grows_in_powers_of_two() -> None:
    assert shard_count(0) == 1
    assert shard_count(ARTICLES_PER_SHARD) == 1
    assert shard_count(ARTICLES_PER_SHARD + 1) == 2
    assert shard_count(2000) == 32
    assert shard_count(10**6) == 64
    assert all(0 <= shard_of(f"slug-{n}", 8) < 8 for n in range(100))
    assert shard_of("same", 32) == shard_of("same", 32)


def test_a_note_edit_changes_one_shard_digest_only(tmp_path: Path, sharded: None) -> None:
    from conftest import SAMPLE_FILES, write_archive

    root = write_archive(tmp_path / "archive", SAMPLE_FILES)
    before = plan_shards(check_archive(root).linked, "x")  # type: ignore[arg-type]
    article = root / "content" / "articles" / "planet.yaml"
    text = article.read_text(encoding="utf-8")
    start = text.index("body: ") + len("body: ")
    article.write_text(text[:start] + "Changed. " + text[start:], encoding="utf-8")
    after = plan_shards(check_archive(root).linked, "x")  # type: ignore[arg-type]
    assert [s.folder for s in before] == [s.folder for s in after]
    changed = [b.folder for b, a in zip(before, after, strict=True) if b.digest != a.digest]
    assert changed == ["pagefind/a0"]


def test_article_shard_digests_follow_the_keys_and_the_names(tmp_path: Path, sharded: None) -> None:
    from conftest import SAMPLE_FILES, write_archive

    root = write_archive(tmp_path / "archive", SAMPLE_FILES)
    linked = check_archive(root).linked
    assert linked is not None
    one = plan_shards(linked, "x", {"planet": "1"})
    assert one[0].digest == plan_shards(linked, "x")[0].digest  # the primary: from records
    edited = plan_shards(linked, "x", {"planet": "2"})
    assert one[0].digest == edited[0].digest and one[1].digest != edited[1].digest
    assert plan_shards(linked, "x", {})[1].digest == plan_shards(linked, "x")[1].digest
    actors = root / "content" / "actors.yaml"
    text = actors.read_text(encoding="utf-8")
    start = text.index("description: ") + len("description: ")
    actors.write_text(text[:start] + "Changed. " + text[start:], encoding="utf-8")
    described = plan_shards(check_archive(root).linked, "x", {"planet": "1"})  # type: ignore[arg-type]
    assert described[0].digest != one[0].digest  # the actor's result shows it
    assert described[1].digest == one[1].digest  # the article's records do not
    actors.write_text(text.replace("name: Ana Lopez", "name: Ana María Lopez"), encoding="utf-8")
    renamed = plan_shards(check_archive(root).linked, "x", {"planet": "1"})  # type: ignore[arg-type]
    assert renamed[1].digest != one[1].digest  # names are shown in the article's results


def test_a_small_archive_is_one_bundle_holding_every_record(tmp_path: Path) -> None:
    """At most SINGLE_BUNDLE_ARTICLES articles: no article shard; the primary holds the
    articles, quotes and notes too (issue 4: one Pagefind index, not two, for the seed)."""
    from annotarium import search

    checked = check_archive(REPO)
    assert checked.linked is not None
    assert len(checked.linked.anchored.articles) <= search.SINGLE_BUNDLE_ARTICLES
    (primary,) = plan_shards(checked.linked, "test")
    assert primary.primary and primary.folder == "pagefind"
    assert primary.slugs == tuple(sorted(a.slug for a in checked.linked.anchored.articles))
    records = shard_records(primary, checked.linked)
    assert {dict(r.meta)["kind"] for r in records} == {"actor", "event", "article", "quote",
                                                        "note"}
    made: dict = {}
    assert plan_shards(checked.linked, "test", made=made) == (primary,)
    assert made == {"pagefind": records}  # made once, for the digest, and kept for indexing


# --- the bundle --------------------------------------------------------------------------


def test_cbor_round_trips() -> None:
    value = [
        "1.5.2",
        [["en_1234567", 24], ["en_abcdef0", 70000]],
        [],
        {"a": [1, 2**40]},
        "ünïcode",
        b"\x00\x01",
        True,
        None,
        -5,
    ]
    encoded = cbor_encode(value)
    assert cbor_decode(encoded) == (value, len(encoded))


def _filter_file(values: list[list[object]]) -> bytes:
    return gzip.compress(b"pagefind_dcd" + cbor_encode(["kind", values]), mtime=0)


def test_canonical_bundle_does_not_depend_on_the_order_of_filter_values() -> None:
    def bundle(values: list[list[object]]) -> dict[str, bytes]:
        meta = gzip.compress(
            b"pagefind_dcd"
            + cbor_encode(
                ["1.5.2", [["en_aaaaaaa", 3]], [], [["kind", "en_0000000"]], [], ["title"]]
            ),
            mtime=0,
        )
        entry = {
            "version": "1.5.2",
            "languages": {"en": {"hash": "en_1111111111", "wasm": "en", "page_count": 2}},
        }
        return {
            "filter/en_0000000.pf_filter": _filter_file(values),
            "pagefind.en_1111111111.pf_meta": meta,
            "pagefind-entry.json": json.dumps(entry).encode(),
            "fragment/en_aaaaaaa.pf_fragment": b"x",
        }

    one = canonical_bundle(bundle([["quote", [0]], ["actor", [1]]]))
    two = canonical_bundle(bundle([["actor", [1]], ["quote", [0]]]))
    assert one == two
    entry = json.loads(one["pagefind-entry.json"])
    meta_name = f"pagefind.{entry['languages']['en']['hash']}.pf_meta"
    meta, _ = cbor_decode(gzip.decompress(one[meta_name]), 12)
    ((_, filter_hash),) = meta[3]
    values, _ = cbor_decode(gzip.decompress(one[f"filter/{filter_hash}.pf_filter"]), 12)
    assert values == ["kind", [["actor", [1]], ["quote", [0]]]]


@needs_pagefind
def test_the_site_has_the_bundle_and_the_search_page(site: Path) -> None:
    bundle = site / "pagefind"
    for name in ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "shards.json"):
        assert (bundle / name).is_file(), name
    shards = json.loads((bundle / "shards.json").read_text())["shards"]
    assert shards == []  # a small archive is one bundle
    assert not [p for p in bundle.iterdir() if p.is_dir() and p.name.startswith("a")]
    for shard in shards:
        assert (bundle / shard / "pagefind-entry.json").is_file()
        assert not (bundle / shard / "pagefind.js").exists()  # one script, in the primary
    assert not list(bundle.glob("pagefind-ui*")), "Pagefind's own UI is not shipped"
    search = parse_file(site / "search" / "index.html")
    form = search.find("form", action="index.html", method="get")
    assert form is not None and form.find("input", name="q") is not None
    assert {s.attrs["name"] for s in form.find_all("select")} == {
        "kind",
        "speaker",
        "actor",
        "topic",
        "article",
        "year",
    }
    script = search.find("script", src="../static/search.js")
    assert script is not None


@needs_pagefind
def test_every_page_has_a_search_box_that_leads_to_the_search_page(site: Path) -> None:
    for page in html_pages(site):
        root = parse_file(site / page)
        header = root.find("header", class_="site-header") or root.find("header")
        form = root.find("form", role="search")
        assert header is not None and form is not None, page
        assert form.attrs["method"] == "get"
        depth = page.count("/")
        expected = (
            "search/index.html" if page == "404.html" else "../" * depth + "search/index.html"
        )
        if page != "404.html":
            assert form.attrs["action"] == expected, page
        assert form.find("input", name="q", type="search") is not None


@needs_pagefind
def test_the_index_is_byte_identical_across_clean_builds(tmp_path: Path, sharded: None) -> None:
    from conftest import SAMPLE_FILES, write_archive

    root = write_archive(tmp_path / "archive", SAMPLE_FILES)
    first, second = tmp_path / "one", tmp_path / "two"
    build_site(root, first, clean=True)
    build_site(root, second, clean=True)

    def files(site: Path) -> dict[str, bytes]:
        bundle = site / "pagefind"
        return {
            p.relative_to(bundle).as_posix(): p.read_bytes()
            for p in sorted(bundle.rglob("*"))
            if p.is_file()
        }

    assert files(first) == files(second)
    assert any(name.startswith("a0/filter/") for name in files(first))


@needs_pagefind
def test_an_edit_reindexes_only_its_shard(tmp_path: Path, sharded: None) -> None:
    from conftest import SAMPLE_FILES, write_archive

    root = write_archive(tmp_path / "archive", SAMPLE_FILES)
    out = tmp_path / "out"
    build_site(root, out)
    inodes = {p: p.stat().st_ino for p in (out / "pagefind").rglob("*") if p.is_file()}
    article = root / "content" / "articles" / "planet.yaml"
    text = article.read_text(encoding="utf-8")
    start = text.index("body: ") + len("body: ")
    article.write_text(text[:start] + "Changed. " + text[start:], encoding="utf-8")
    build_site(root, out)
    bundle = out / "pagefind"
    primary = [
        p
        for p in inodes
        if p.name != "shards.json" and not p.relative_to(bundle).parts[0].startswith("a0")
    ]
    assert primary and all(p.stat().st_ino == inodes[p] for p in primary), (
        "the unchanged primary shard is carried over, not indexed again"
    )
    assert (out / "pagefind" / "a0" / "pagefind-entry.json").stat().st_ino != inodes[
        out / "pagefind" / "a0" / "pagefind-entry.json"
    ]
    # in the re-indexed shard, a file whose bytes did not change is carried over too
    reindexed = [p for p in inodes if p.relative_to(bundle).parts[0] == "a0" and p.exists()]
    kept = [p for p in reindexed if p.stat().st_ino == inodes[p]]
    assert kept and len(kept) < len(reindexed), "only the changed files of a0 are written"


def test_no_search_builds_no_index_page_or_box(tmp_path: Path) -> None:
    from conftest import SAMPLE_FILES, write_archive

    root = write_archive(tmp_path / "archive", SAMPLE_FILES)
    out = tmp_path / "out"
    build_site(root, out, search=False)
    assert not (out / "pagefind").exists()
    assert not (out / "search").exists()
    assert parse_file(out / "index.html").find("form", role="search") is None
    (root / "annotarium.yaml").write_text("title: T\nsearch: false\n", encoding="utf-8")
    build_site(root, out)
    assert not (out / "search").exists()


@needs_pagefind
def test_pagefind_is_found_beside_its_package_as_the_package_finds_it() -> None:
    """Without importing the package (issue 4: start-up time), the same program."""
    pagefind_bin = pytest.importorskip("pagefind_bin")
    found = search_pagefind._packaged_binary("pagefind_bin")
    assert found == Path(pagefind_bin.get_executable())
    assert search_pagefind._packaged_binary("no_such_package_for_annotarium") is None


def test_a_missing_pagefind_binary_is_a_clear_error(tmp_path: Path) -> None:
    from conftest import SAMPLE_FILES, write_archive

    root = write_archive(tmp_path / "archive", SAMPLE_FILES)
    env = {**os.environ, "PAGEFIND_BINARY_PATH": str(tmp_path / "no-such-pagefind")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "annotarium",
            "build",
            "--source",
            str(root),
            "--output",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "annotarium: error: search index:" in result.stderr
    assert "--no-search" in result.stderr
    assert not (tmp_path / "out").exists()
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "annotarium",
            "build",
            "--source",
            str(root),
            "--output",
            str(tmp_path / "out"),
            "--no-search",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr


def test_a_service_that_never_answers_times_out_with_a_clear_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Annotarium drives Pagefind's service over its pipes itself: a service that reads the
    requests and never answers ends the build after SHARD_TIMEOUT, with a message."""
    from annotarium.search import SearchShard

    silent = tmp_path / "pagefind"
    silent.write_text("#!/bin/sh\nexec sleep 60\n", encoding="utf-8")  # keeps its pipes
    silent.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(silent))
    monkeypatch.setattr(search_pagefind, "SHARD_TIMEOUT", 0.5)
    shard = SearchShard("pagefind", True, (), "")
    with pytest.raises(search_pagefind.SearchIndexError, match="did not answer within"):
        search_pagefind.index_shards([(shard, ())], "en")


@needs_pagefind
def test_shards_are_handed_over_in_order_with_their_records_made_in_turn(
        shards) -> None:  # type: ignore[no-untyped-def]
    """iter_index_shards makes a shard's records when its turn comes (from a callable) and
    yields each shard's bundle in the order given, so the writer can store one while the
    next is indexed; index_shards gives the same bundles all at once."""
    made: list[str] = []

    def later(shard, records):  # type: ignore[no-untyped-def]
        def make():  # type: ignore[no-untyped-def]
            made.append(shard.folder)
            return records
        return make

    jobs = [(shard, later(shard, records)) for shard, records in shards.items()]
    handed = search_pagefind.iter_index_shards(jobs, "en")
    assert made == []  # nothing is made before the first bundle is asked for
    bundles = list(handed)
    assert [folder for folder, _ in bundles] == [shard.folder for shard in shards]
    assert sorted(made) == sorted(shard.folder for shard in shards)
    assert dict(bundles) == search_pagefind.index_shards(list(shards.items()), "en")


# --- Pagefind alongside the render -----------------------------------------------------


def _watch_services(monkeypatch: pytest.MonkeyPatch, events: list[str]
                    ) -> list[subprocess.Popen[bytes]]:
    """Record each Pagefind service started (its process) and each page made, in order."""
    import annotarium.render as render

    started: list[subprocess.Popen[bytes]] = []
    service_init = search_pagefind._Service.__init__

    def init(self, binary):  # type: ignore[no-untyped-def]
        service_init(self, binary)
        started.append(self.process)
        events.append("service")

    pages = render.iter_pages

    def iter_pages(linked, options):  # type: ignore[no-untyped-def]
        for page in pages(linked, options):
            events.append("page")
            yield page

    monkeypatch.setattr(search_pagefind._Service, "__init__", init)
    monkeypatch.setattr(render, "iter_pages", iter_pages)
    return started


@needs_pagefind
def test_a_small_build_starts_pagefind_before_its_pages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind indexes while the pages are rendered (issue 4: start-up time), and the
    result is the same bytes as indexing after them."""
    from conftest import SAMPLE_FILES, write_archive

    root = write_archive(tmp_path / "archive", SAMPLE_FILES)
    events: list[str] = []
    started = _watch_services(monkeypatch, events)
    build_site(root, tmp_path / "early", clean=True)
    assert started and events.index("page") > max(
        i for i, event in enumerate(events) if event == "service")
    assert all(process.returncode is not None for process in started)  # reaped
    monkeypatch.undo()
    monkeypatch.setattr("annotarium.pipeline.PARALLEL_MIN_ARTICLES", 0)  # as a large build
    monkeypatch.setattr("annotarium.pipeline.EARLY_SEARCH_SHARDS", 0)  # of many shards
    build_site(root, tmp_path / "late", clean=True)

    def files(site: Path) -> dict[str, bytes]:  # the site, not the build's own records
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
                if p.is_file() and not p.relative_to(site).as_posix().startswith(".")}

    assert files(tmp_path / "early") == files(tmp_path / "late")


@needs_pagefind
def test_an_edit_to_a_large_archive_starts_pagefind_before_its_pages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sharded: None) -> None:
    """A large archive's full build indexes after its pages (they take every core); an
    edit's build, with one shard to index, has Pagefind index it while the pages are made
    (issue 4: the rebuild after an edit), to the same bytes as a clean build."""
    from conftest import SAMPLE_FILES, write_archive

    root = write_archive(tmp_path / "archive", SAMPLE_FILES)
    monkeypatch.setattr("annotarium.pipeline.PARALLEL_MIN_ARTICLES", 0)  # as a large archive
    monkeypatch.setattr("annotarium.pipeline.EARLY_SEARCH_SHARDS", 1)  # the primary + a0: many
    out = tmp_path / "out"
    events: list[str] = []
    _watch_services(monkeypatch, events)
    build_site(root, out)
    assert events.index("service") > events.index("page")  # full build: after its pages
    events.clear()
    article = root / "content" / "articles" / "planet.yaml"
    text = article.read_text(encoding="utf-8")
    start = text.index("body: ") + len("body: ")
    article.write_text(text[:start] + "Changed. " + text[start:], encoding="utf-8")
    build_site(root, out)
    assert events.count("service") >= 1 and events.index("page") > events.index("service")
    monkeypatch.undo()
    monkeypatch.setattr("annotarium.search.SINGLE_BUNDLE_ARTICLES", 0)
    build_site(root, tmp_path / "clean", clean=True)

    def files(site: Path) -> dict[str, bytes]:
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
                if p.is_file() and not p.relative_to(site).as_posix().startswith(".")}

    assert files(out) == files(tmp_path / "clean")


@needs_pagefind
@pytest.mark.parametrize("failure", [RuntimeError, KeyboardInterrupt])
def test_pagefind_is_stopped_when_the_render_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: type[BaseException]) -> None:
    """An error or Ctrl-C while the pages render leaves no Pagefind process behind
    (neither running nor a zombie), and no output."""
    import annotarium.render as render
    from conftest import SAMPLE_FILES, write_archive

    root = write_archive(tmp_path / "archive", SAMPLE_FILES)
    events: list[str] = []
    started = _watch_services(monkeypatch, events)
    pages = render.iter_pages

    def failing(linked, options):  # type: ignore[no-untyped-def]
        yield next(pages(linked, options))
        raise failure("stop")

    monkeypatch.setattr(render, "iter_pages", failing)
    with pytest.raises(failure):
        build_site(root, tmp_path / "out", clean=True)
    assert started
    for process in started:
        assert process.returncode is not None  # waited for: no zombie
        assert not Path(f"/proc/{process.pid}").exists()
    assert not (tmp_path / "out").exists()
