"""Long lists, page by page (``render_lists.py``): every entry once and in order, pagers
that say where the reader is, ``page_size`` checked like any setting, and later pages
skipped by the articles they show, so that an edit re-renders only the pages that show it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from annotarium import cache
from annotarium.pipeline import build_site
from annotarium.render_lists import pager_numbers
from conftest import SAMPLE_FILES, SAMPLE_TEXT, check_files, write_archive
from htmltree import Element, parse_file
from sitebuild import build_bundled, build_bundled_paged


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The bundled site (every list on one page) and its copy with ``page_size: 1``."""
    return (build_bundled(tmp_path_factory.mktemp("site")),
            build_bundled_paged(tmp_path_factory.mktemp("paged")))


def pages_of(site: Path, start: str, section: str) -> list[Element]:
    """The list in ``section`` of page ``start`` and in every later page, following the
    pager's "next" links, as the elements that hold each page's entries."""
    found = []
    path = site / start
    seen = set()
    while True:
        assert path not in seen, f"the pager loops back to {path}"
        seen.add(path)
        tree = parse_file(path)
        scope = tree.find(id=section) or tree.find("main")
        assert scope is not None
        found.append(scope)
        nav = first(scope, "nav", "pager")
        following = nav.find("a", rel="next") if nav else None
        if following is None:
            return found
        path = (path.parent / urlsplit(following.attrs["href"]).path).resolve()


def first(scope: Element, tag: str, name: str) -> Element | None:
    """The first ``tag`` element in ``scope`` with the class ``name``."""
    found = scope.select(lambda e: e.tag == tag and name in e.classes)
    return found[0] if found else None


def quote_links(scope: Element) -> list[str]:
    return [card.find("blockquote").attrs["cite"].rsplit("articles/", 1)[1]  # type: ignore[union-attr]
            for card in scope.find_all("figure") if "quote-card" in card.classes]


def group_titles(scope: Element) -> list[str]:
    return [h.find("a").attrs["href"].rsplit("articles/", 1)[1]  # type: ignore[union-attr]
            for h in scope.iter() if "group-title" in h.classes]


@pytest.mark.parametrize(("start", "section", "entries"), [
    ("actors/donald-trump/index.html", "actor--quotes", quote_links),
    ("actors/kim-jong-un/index.html", "actor--mentions", group_titles),
    ("places/singapore/index.html", "entity--mentions", group_titles),
    ("topics/denuclearization/index.html", "entity--mentions", group_titles),
    ("quotes/index.html", "by-article", quote_links),
])
def test_every_entry_is_on_one_page_in_order(
        sites: tuple[Path, Path], start: str, section: str,
        entries: Callable[[Element], list[str]]) -> None:
    whole, paged = sites
    (one,) = pages_of(whole, start, section)
    expected = entries(one)
    assert len(expected) > 1, "the list is long enough to be paged"
    parts = pages_of(paged, start, section)
    assert len(parts) > 1
    assert [item for part in parts for item in entries(part)] == expected
    for part in parts:  # page_size: 1 entry (a quote; an article and its quotes) a page
        groups = [s for s in part.find_all("section") if "quote-group" in s.classes]
        assert len(groups or entries(part)) == 1


def test_pagers_say_where_the_reader_is_and_link_both_ways(sites: tuple[Path, Path]) -> None:
    _, paged = sites
    parts = pages_of(paged, "actors/donald-trump/index.html", "actor--quotes")
    count = len(parts)
    assert count >= 3
    for number, scope in enumerate(parts, start=1):
        nav = first(scope, "nav", "pager")
        assert nav is not None
        assert nav.attrs["aria-label"] == "Pages of quotes by Donald Trump"
        assert f"Page {number} of {count}" in nav.text
        current = nav.find_all("a", aria_current="page")
        assert len(current) == 1 and current[0].text.split()[-1] == str(number)
        assert (nav.find("a", rel="prev") is None) == (number == 1)
        assert (nav.find("a", rel="next") is None) == (number == count)
    # page 1 is the actor's own page; the others link back to it, to the list's section
    later = parse_file(paged / "actors/donald-trump/quotes-2.html")
    back = later.find("a", rel="prev")
    assert back is not None and back.attrs["href"] == (
        "../../actors/donald-trump/index.html#actor--quotes")
    assert later.find("h1").text == "Quotes by Donald Trump"  # type: ignore[union-attr]


def test_the_first_page_counts_the_whole_list(sites: tuple[Path, Path]) -> None:
    whole, paged = sites
    for site in (whole, paged):
        tree = parse_file(site / "actors/kim-jong-un/index.html")
        section = tree.find(id="actor--mentions")
        assert section is not None
        summary = first(section, "p", "list-summary")
        assert summary is not None
        mentions, _, articles = summary.text.rstrip(".").partition(" in ")
        assert mentions.endswith("mentions") and articles == "3 articles"
        assert section.find("h2").text.endswith("(3)")  # type: ignore[union-attr]


def test_pager_numbers_stay_few_however_long_the_list() -> None:
    assert pager_numbers(1, 1) == [1]
    assert pager_numbers(1, 5) == [1, 2, 3, 4, 5]
    assert pager_numbers(6, 20) == [1, 0, 4, 5, 6, 7, 8, 0, 20]
    assert pager_numbers(20, 20) == [1, 0, 18, 19, 20]
    assert all(len(pager_numbers(n, 10_000)) <= 9 for n in range(1, 10_001, 97))


@pytest.mark.parametrize("value", ["0", "-3", "many", "2.5", "true"])
def test_page_size_must_be_a_positive_whole_number(tmp_path: Path, value: str) -> None:
    diags = check_files(tmp_path, {"annotarium.yaml": f"title: Test\npage_size: {value}\n"})
    errors = [d for d in diags.errors if "page_size" in d.format()]
    assert errors, [d.format() for d in diags.errors]
    assert errors[0].location.line == 2


def many_articles(root: Path, count: int, page_size: int) -> Path:
    """The sample archive with ``count`` copies of its article, a day apart (the first is
    the newest), so that Ana Lopez, Geneva and the talks are in every one."""
    files = {k: v for k, v in SAMPLE_FILES.items() if not k.startswith(("seeds/",
                                                                         "content/articles/"))}
    files["annotarium.yaml"] = f"title: Test archive\nsearch: false\npage_size: {page_size}\n"
    annotations = str(SAMPLE_FILES["content/articles/planet.yaml"])
    for i in range(count):
        files[f"seeds/planet-{i}.txt"] = SAMPLE_TEXT
        files[f"content/articles/planet-{i}.yaml"] = annotations.replace(
            "seeds/planet.txt", f"seeds/planet-{i}.txt").replace(
            "published: 2024-03-07", f"published: 2024-04-{20 - i:02d}")
    return write_archive(root, files)


def recorded(out: Path) -> dict[str, str]:
    return json.loads((out / cache.CACHE_FILE).read_text(encoding="utf-8"))["pages"]


def test_an_edit_renders_again_only_the_later_pages_that_show_it(tmp_path: Path) -> None:
    root = many_articles(tmp_path / "archive", 5, 1)
    out = tmp_path / "out"
    assert build_site(root, out).output is not None
    before = recorded(out)
    later = [p for p in before if p.endswith(tuple(f"-{n}.html" for n in range(2, 16)))]
    assert "actors/ana-lopez/quotes-15.html" in later  # 3 quotes × 5 articles
    assert "places/geneva/mentions-5.html" in later
    edited = root / "content" / "articles" / "planet-2.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace(
        "The talks had paused for a month.", "The talks had paused for weeks."),
        encoding="utf-8")
    assert build_site(root, out).output is not None
    after = recorded(out)
    assert set(after) == set(before)
    changed = {p for p in later if before[p].partition("/")[0] != after[p].partition("/")[0]}
    showing = {p for p in later if "articles/planet-2/" in (out / p).read_text(encoding="utf-8")}
    assert changed == showing
    # the third article (of five, newest first) is on page 3, and its quotes on 7 to 9
    assert "places/geneva/mentions-3.html" in changed
    assert {f"actors/ana-lopez/quotes-{n}.html" for n in (7, 8, 9)} <= changed
    clean = tmp_path / "clean"
    assert build_site(root, clean, clean=True).output is not None
    for path in later:
        assert (out / path).read_bytes() == (clean / path).read_bytes(), path


def test_a_shorter_list_drops_its_last_pages(tmp_path: Path) -> None:
    root = many_articles(tmp_path / "archive", 3, 1)
    out = tmp_path / "out"
    assert build_site(root, out).output is not None
    assert (out / "places/geneva/mentions-3.html").is_file()
    for name in ("seeds/planet-2.txt", "content/articles/planet-2.yaml"):
        (root / name).unlink()
    assert build_site(root, out).output is not None
    assert not (out / "places/geneva/mentions-3.html").exists()
    pager = first(parse_file(out / "places/geneva/index.html"), "nav", "pager")
    assert pager is not None and "Page 1 of 2" in pager.text


def test_the_bundled_archive_takes_one_page_per_list_by_default(
        sites: tuple[Path, Path]) -> None:
    whole, paged = sites
    assert not list(whole.rglob("*-2.html")) and list(paged.rglob("*-2.html"))
    assert parse_file(whole / "actors/donald-trump/index.html").find(
        "nav", class_="pager") is None
