"""`annotarium check` messages: each kind of bad input, with its path, line and words.

Every case replaces one file of the small sample archive (conftest.SAMPLE_FILES)
and asserts the first error: which file, which line, what it says, and the hint.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import SAMPLE_FILES, check_files

ARTICLE = textwrap.dedent(str(SAMPLE_FILES["content/articles/planet.yaml"])).lstrip("\n")


def article_with(extra: str) -> str:
    return ARTICLE + extra


CASES = [
    pytest.param(
        {
            "content/actors.yaml": "ana-lopez:\n  name: Ana Lopez\n  kind: person\n"
            "  description: x\n    aliases: [a]\n"
        },
        "content/actors.yaml",
        5,
        "invalid YAML",
        None,
        id="yaml-syntax",
    ),
    pytest.param(
        {
            "content/places.yaml": "geneva:\n  name: Geneva\n  description: x\n"
            "geneva:\n  name: G\n  description: y\n"
        },
        "content/places.yaml",
        4,
        "duplicate key 'geneva'",
        "already defined on line 1",
        id="duplicate-id-in-file",
    ),
    pytest.param(
        {"content/topics.yaml": "talks:\n  name: Talks\n"},
        "content/topics.yaml",
        2,
        "topic 'talks' is missing 'description'",
        None,
        id="missing-field",
    ),
    pytest.param(
        {"content/topics.yaml": "talks:\n  name: Talks\n  description: x\n  aliasses: [t]\n"},
        "content/topics.yaml",
        4,
        "unknown key 'aliasses' in topic 'talks'",
        "did you mean 'aliases'?",
        id="unknown-field",
    ),
    pytest.param(
        {"content/places.yaml": "geneva:\n  name: Geneva\n  description: [a, b]\n"},
        "content/places.yaml",
        3,
        "'description' of place 'geneva' must be text, not a list",
        None,
        id="wrong-type",
    ),
    pytest.param(
        {
            "content/articles/planet.yaml": ARTICLE.replace(
                "speaker: ana-lopez\n    kind", "speaker: ana-lopes\n    kind"
            )
        },
        "content/articles/planet.yaml",
        12,
        "unknown speaker 'ana-lopes'",
        "did you mean 'ana-lopez'?",
        id="unknown-speaker",
    ),
    pytest.param(
        {"content/events.yaml": "talks-resume:\n  title: T\n  date: 2024-02-30\n"},
        "content/events.yaml",
        3,
        "'2024-02-30' is not a real day",
        "February 2024 has 29 days",
        id="impossible-date",
    ),
    pytest.param(
        {"content/events.yaml": "talks-resume:\n  title: T\n  date: 2024-05/2024-03\n"},
        "content/events.yaml",
        3,
        "the range '2024-05/2024-03' ends before it starts",
        None,
        id="range-backwards",
    ),
    pytest.param(
        {
            "content/articles/planet.yaml": article_with(
                "mentions:\n  - text: ready to negotiate\n    actor: ana-lopez\n"
            )
        },
        "content/articles/planet.yaml",
        23,
        "mention 'ready to negotiate' not found in planet.txt",
        None,
        id="text-not-found",
    ),
    pytest.param(
        {
            "content/articles/planet.yaml": article_with(
                "mentions:\n  - text: We are ready to\n    actor: ana-lopez\n"
            )
        },
        "content/articles/planet.yaml",
        23,
        "mention 'We are ready to' is ambiguous: it occurs 2 times (line 9, line 9 of planet.txt)",
        "prefix",
        id="ambiguous-text",
    ),
    pytest.param(
        {
            "content/actors.yaml": str(SAMPLE_FILES["content/actors.yaml"]).replace(
                "ruritania:\n", "Ruritania Gov:\n"
            )
        },
        "content/actors.yaml",
        9,
        "'Ruritania Gov' is not a valid id",
        "try 'ruritania-gov'",
        id="bad-id",
    ),
    pytest.param(
        {
            "content/articles/planet.yaml": ARTICLE.replace(
                "event: talks-resume", "event: talk-resume"
            )
        },
        "content/articles/planet.yaml",
        18,
        "unknown event 'talk-resume'",
        "did you mean 'talks-resume'?",
        id="unknown-event",
    ),
    pytest.param(
        {"content/articles/planet.yaml": ARTICLE.replace("date: 2024-03-05", "date: 2024-03-06")},
        "content/articles/planet.yaml",
        16,
        "'Tuesday' is resolved to 2024-03-06, which is a Wednesday",
        None,
        id="weekday-mismatch",
    ),
    pytest.param(
        {
            "content/articles/planet.yaml": ARTICLE.replace(
                "  - text: will take time,\n    speaker: ana-lopez\n", "  - text: will take time,\n"
            )
        },
        "content/articles/planet.yaml",
        11,
        "a quote needs a 'speaker'",
        "kind: term",
        id="quote-without-speaker",
    ),
    pytest.param(
        {
            "content/articles/planet.yaml": ARTICLE.replace(
                "text: seeds/planet.txt", "text: seeds/plant.txt"
            )
        },
        "content/articles/planet.yaml",
        1,
        "the article text 'seeds/plant.txt' does not exist",
        "did you mean 'planet.txt'?",
        id="missing-text-file",
    ),
    pytest.param(
        {"content/articles/planet.yaml": ""},
        "content/articles/planet.yaml",
        1,
        "the annotation file is empty",
        None,
        id="empty-file",
    ),
    pytest.param(
        {"content/actors.yaml": b"ana-lopez:\n  name: Ana L\xf3pez\n"},
        "content/actors.yaml",
        2,
        "the file is not valid UTF-8 (byte 0xf3)",
        "UTF-8",
        id="not-utf8",
    ),
    pytest.param(
        {
            "content/articles/planet.yaml": article_with(
                "  - text: officials said\n    body: !!python/object/apply:os.system [ls]\n"
            )
        },
        "content/articles/planet.yaml",
        23,
        "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
        None,
        id="python-tag",
    ),
    pytest.param(
        {
            "content/articles/planet.yaml": article_with(
                "  - text: officials said\n    body: See [her](actor:ana-lopes).\n"
            )
        },
        "content/articles/planet.yaml",
        22,
        "a link in the note points at an unknown actor 'ana-lopes'",
        "did you mean 'ana-lopez'?",
        id="note-link",
    ),
    pytest.param(
        {"content/articles/planet.yaml": ARTICLE.replace("kind: partial", "kind: paraphrase")},
        "content/articles/planet.yaml",
        13,
        "'kind' of quote 'will take time,' must be one of direct, partial, term",
        None,
        id="bad-enum",
    ),
]


@pytest.mark.parametrize(("files", "path", "line", "message", "hint"), CASES)
def test_check_reports(
    tmp_path: Path,
    files: dict[str, str | bytes],
    path: str,
    line: int,
    message: str,
    hint: str | None,
) -> None:
    diags = check_files(tmp_path, files)
    errors = diags.errors
    matching = [d for d in errors if message in d.message]
    assert matching, f"no error says {message!r}: {[d.format() for d in errors]}"
    first = matching[0]
    root = tmp_path / "archive"
    assert first.location.path.resolve() == (root / path).resolve()
    assert first.location.line == line, first.format()
    assert message in first.message, first.format()
    if hint is not None:
        assert first.hint is not None and hint in first.hint, first.format()


def test_sample_archive_is_clean(tmp_path: Path) -> None:
    diags = check_files(tmp_path, {})
    assert not diags.errors, [d.format() for d in diags]
    assert not diags.warnings, [d.format() for d in diags]


def test_every_problem_is_reported_in_one_run(tmp_path: Path) -> None:
    diags = check_files(
        tmp_path,
        {
            "content/topics.yaml": "talks:\n  name: Talks\n",
            "content/events.yaml": "talks-resume:\n  title: T\n  date: 2024-02-30\n",
            "content/places.yaml": "geneva:\n  name: Geneva\n  description: [a]\n",
        },
    )
    files = {d.location.path.name for d in diags.errors}
    assert {"topics.yaml", "events.yaml", "places.yaml"} <= files


def test_unreferenced_entry_and_unused_alias_are_warnings(tmp_path: Path) -> None:
    diags = check_files(
        tmp_path,
        {
            "content/places.yaml": "geneva:\n  name: Geneva\n  description: x\n"
            "bern:\n  name: Bern\n  description: y\n",
            "content/topics.yaml": "talks:\n  name: Talks\n  description: x\n"
            "  aliases: [talks, negotiations]\n",
        },
    )
    assert not diags.errors
    messages = [(d.location.path.name, d.location.line, d.message) for d in diags.warnings]
    assert ("places.yaml", 4, "place 'bern' is not referenced anywhere") in messages
    assert (
        "topics.yaml",
        4,
        "the alias 'negotiations' of topic 'talks' matches nothing in the articles that list it",
    ) in messages
